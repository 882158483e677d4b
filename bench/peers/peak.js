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

/** GFLOP/s of the best of `runs` calls (the peak is what the core can do at best; medians are for workloads). */
function measure(bytes, runs, iters) {
  const { peak } = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports;
  peak(iters, 0.999, 0.001); // tier up
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    peak(iters, 0.999, 0.001);
    best = Math.min(best, performance.now() - t0);
  }
  return (iters * FLOPS_PER_ROUND) / (best * 1e6);
}

/** { plain: GFLOP/s, relaxed?: GFLOP/s, note } */
export async function measurePeak({ quick }) {
  const runs = quick ? 3 : 9, iters = quick ? 2e6 : 1e7;
  const out = { plain: measure(await compile('peak', 'simd'), runs, iters) };
  const relaxed = await compile('peak-relaxed', 'simd,relaxed-simd');
  if (WebAssembly.validate(relaxed)) out.relaxed = measure(relaxed, runs, iters);
  return out;
}
