// One core's f32x4 multiply-add peak, measured in the same run as the
// workloads: bench/peak/peak.ts compiled here with asc (into
// bench/peak/build/, gitignored), once plain (mul then add, as the default
// kernels) and once with relaxed SIMD (relaxed_madd, as the relaxed build)
// where this engine validates it.
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const SOURCE = fileURLToPath(new URL('../peak/peak.ts', import.meta.url));
const OUT = fileURLToPath(new URL('../peak/build/', import.meta.url));
const FLOPS_PER_ROUND = 12 * 4 * 2; // 12 chains × 4 lanes × (multiply + add)

async function compile(name, features) {
  mkdirSync(OUT, { recursive: true });
  const file = `${OUT}${name}.wasm`;
  const { error, stderr } = await asc.main([SOURCE, '--outFile', file, '--enable', features, '-O3', '--runtime', 'stub', '--noAssert']);
  if (error) throw new Error(`asc ${name}: ${error.message}\n${stderr}`);
  return readFileSync(file);
}

/** The exported peak() of a module, warmed into V8's optimizing tier. */
async function warmed(bytes) {
  const { peak } = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports;
  // V8 runs a wasm function in its baseline tier (Liftoff) until it has used its tier-up budget, then
  // compiles it with TurboFan in the background; a running call never switches (no OSR for wasm), so
  // short calls first, for 300 ms, pausing now and then so the compile can land on a busy machine
  for (const until = performance.now() + 300; performance.now() < until;) {
    for (let i = 0; i < 20; i++) peak(10_000, 0.999, 0.001);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return peak;
}

/** GFLOP/s of the best of `runs` calls (the peak is what the core can do at best; medians are for workloads). */
function measure(peak, runs, iters) {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    peak(iters, 0.999, 0.001);
    best = Math.min(best, performance.now() - t0);
  }
  return (iters * FLOPS_PER_ROUND) / (best * 1e6);
}

/** { plain: GFLOP/s, relaxed?: GFLOP/s }: the best of three rounds, the builds in turn. */
export async function measurePeak({ quick }) {
  // many short calls: on a busy machine the best of them is the one nobody preempted
  const runs = quick ? 50 : 200, iters = quick ? 2e5 : 1e6;
  const builds = { plain: await compile('peak', 'simd') };
  const relaxed = await compile('peak-relaxed', 'simd,relaxed-simd');
  if (WebAssembly.validate(relaxed)) builds.relaxed = relaxed;
  const out = {};
  for (const [name, bytes] of Object.entries(builds)) builds[name] = await warmed(bytes);
  for (let round = 0; round < 3; round++) {
    for (const [name, peak] of Object.entries(builds)) out[name] = Math.max(out[name] ?? 0, measure(peak, runs, iters));
  }
  return out;
}
