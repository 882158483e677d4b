// The LSTM forward's two kernels, each timed alone, on the plain SIMD and the
// relaxed-SIMD builds, held against one core's f32x4 multiply-add peak
// measured in the same process (bench/peak/peak.ts): where W2's time goes
// and how far each kernel is from what the core can do.
//
//   npm run bench:recurrence                      (builds first)
//   node bench/recurrence.bench.js [--against DIR] [--only W2,B8,...] [--runs N] [--shape I,H,B,T ...]
//
// Shapes: W1 and W2 of DESIGN.md, and the batched points of the peers'
// sweep (I = 32, T = 100) at H = 256 and 512. Per shape and build:
// `project` (x·Wᵀ + b for all B·T rows) and `lstmRecur` (the T steps of
// h_{t−1}·Uᵀ plus the cell update), median ms and GFLOP/s; the peak's
// percentage is for the recurrence, whose FLOPs are 2·4H·H·B·T.
//
// --against DIR loads DIR/simd.wasm and DIR/simd-relaxed.wasm too (e.g. a
// copy of build/ before a kernel change) and times old and new call for
// call, alternating, so that old/new is a ratio from one
// machine state: > 1 means this tree's build is faster.
//
// Standalone like bench/kernels.bench.js: it instantiates build/*.wasm and
// hands out memory with a bump pointer above heapBase(). Node 20 needs
// --experimental-wasm-relaxed-simd for the relaxed build; the script reruns
// itself with it.
import { mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import asc from 'assemblyscript/asc';
import { fileURLToPath } from 'node:url';
import { bumpAllocator, growTo, parkMiller } from './heap.js';
import { timings } from './medians.js';
import { measurePeak } from './peers/peak.js';
import { relaxedValidates, rerunWithRelaxedFlagIfNeeded } from './peers/relaxed.js';

const SHAPES = [
  { id: 'W2', I: 64, H: 256, B: 32, T: 50, runs: 30 },
  { id: 'W1', I: 32, H: 128, B: 1, T: 100, runs: 300 },
  { id: 'B8', I: 32, H: 256, B: 8, T: 100, runs: 40 },
  { id: 'B32H512', I: 32, H: 512, B: 32, T: 100, runs: 10 },
];

const args = process.argv.slice(2);
rerunWithRelaxedFlagIfNeeded(fileURLToPath(import.meta.url), args);
const option = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const against = option('--against');
const only = option('--only')?.split(',');
const runsOverride = option('--runs') ? Number(option('--runs')) : undefined;
// --shape I,H,B,T (repeatable): other shapes, e.g. to see how the recurrence's speed moves with B
const extra = args.flatMap((a, i) => (a === '--shape' ? [args[i + 1]] : [])).map((v) => {
  const [I, H, B, T] = v.split(',').map(Number);
  return { id: `I${I}H${H}B${B}T${T}`, I, H, B, T, runs: Math.max(10, Math.round(2e8 / (8 * H * (H + I) * B * T))) };
});
const shapes = extra.length ? extra : SHAPES.filter((s) => !only || only.includes(s.id));
if (!shapes.length) throw new Error(`--only takes a comma-separated list of ${SHAPES.map((s) => s.id).join(', ')}`);

const roundUp4 = (n) => (n + 3) & ~3;

function load(url) {
  const bytes = readFileSync(url);
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { abort() { throw new Error('abort'); } } }).exports;
}

/** project and lstmRecur on one build, at one shape, on fixed random data. */
function setup(k, { I, H, B, T }) {
  const Hp = roundUp4(H), P = Hp / 4;
  const heap = bumpAllocator(k.heapBase()), alloc = heap.alloc;
  const p = {
    x: alloc(B * T * I), w: alloc(P * I * 16), bias: alloc(P * 16), u: alloc(P * H * 16),
    z: alloc(B * T * 4 * Hp), out: alloc(B * T * H), hT: alloc(B * H), cT: alloc(B * H), work: alloc(3 * B * Hp),
  };
  growTo(k.memory, heap.top);
  const m = new Float32Array(k.memory.buffer);
  const rnd = parkMiller();
  const fill = (ptr, n, a) => { for (let i = 0; i < n; i++) m[(ptr >> 2) + i] = rnd(a); };
  fill(p.x, B * T * I, 1);
  fill(p.w, P * I * 16, 1 / Math.sqrt(H));
  fill(p.u, P * H * 16, 1 / Math.sqrt(H));
  fill(p.bias, P * 16, 0.1);
  const project = () => k.project(p.x, B * T, I, p.w, P, 16, p.bias, p.z);
  project();
  return {
    project,
    recur: () => k.lstmRecur(p.z, B, T, H, p.u, 0, 0, p.out, H, p.hT, p.cT, 0, p.work, 0),
    out: () => new Float32Array(k.memory.buffer, p.out, B * T * H),
  };
}

const gflops = (flops, ms) => flops / ms / 1e6;
const f1 = (v) => v.toFixed(1);
const f3 = (v) => v.toFixed(3);

const builds = [['plain', 'simd.wasm'], ...(relaxedValidates() ? [['relaxed', 'simd-relaxed.wasm']] : [])];
const here = (file) => new URL(`../build/${file}`, import.meta.url);
const there = (file) => new URL(file, new URL(`${against?.replace(/\/$/, '')}/`, `file://${process.cwd()}/`));

/** bench/peak/tile.ts compiled (into bench/peak/build/, gitignored) with the given wasm features. */
async function compileTile(name, features) {
  const out = fileURLToPath(new URL('./peak/build/', import.meta.url));
  mkdirSync(out, { recursive: true });
  const file = `${out}${name}.wasm`;
  const { error, stderr } = await asc.main([fileURLToPath(new URL('./peak/tile.ts', import.meta.url)),
    '--outFile', file, '--enable', features, '-O3', '--runtime', 'stub', '--noAssert']);
  if (error) throw new Error(`asc ${name}: ${error.message}\n${stderr}`);
  return file;
}

/**
 * The parts alone (bench/peak/tile.ts): the 2x16 loop at K = 256 on data in
 * L1, best of several calls, GFLOP/s; one cell update's ns when 64 run back
 * to back, median.
 */
function parts(file) {
  const k = load(new URL(`file://${file}`));
  k.memory.grow(2);
  const base = (k.heapBase() + 4095) & ~4095, K = 256, reps = 2000, n = 64;
  const hA = base, hB = base + 4096 + 64, out = base + 12288, w = base + 16384, z = w + K * 64, c = z + n * 64, h = c + n * 16;
  const m = new Float32Array(k.memory.buffer);
  for (let i = 0; i < 2 * 1024; i++) m[(hA >> 2) + i] = 0.001 * (i % 7);
  for (let i = 0; i < K * 16; i++) m[(w >> 2) + i] = 0.01 * ((i % 13) - 6);
  for (let i = 0; i < n * 16; i++) m[(z >> 2) + i] = 2 * Math.sin(i);
  const loop = () => k.tile2x16(hA, hB, w, K, reps, out), cellRun = () => k.cells(z, c, h, n, reps);
  const [tl, tc] = timings([loop, cellRun], 30, 20);
  return { loop: gflops(2 * 8 * 4 * K * reps, tl.min), cellNs: (tc.median * 1e6) / (n * reps) };
}

const peak = await measurePeak({ quick: true });
console.log(`${new Date().toISOString()}, node ${process.version}, ${os.cpus()[0]?.model}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`peak (bench/peak/peak.ts, best call): plain ${f1(peak.plain)} GFLOP/s${peak.relaxed ? `, relaxed ${f1(peak.relaxed)}` : ''}`);
const tiles = { plain: await compileTile('tile', 'simd'), ...(relaxedValidates() ? { relaxed: await compileTile('tile-relaxed', 'simd,relaxed-simd') } : {}) };
const cellNsOf = {};
for (const [name, file] of Object.entries(tiles)) {
  const { loop, cellNs } = parts(file);
  cellNsOf[name] = cellNs;
  console.log(`${name}: the 2x16 loop alone (K = 256, in L1, best call) ${f1(loop)} GFLOP/s = ${(100 * loop / peak[name]).toFixed(0)}% of peak; ` +
    `one cell update (4 units) ${f1(cellNs)} ns, cells back to back (median)`);
}
console.log(`median ms; GFLOP/s in brackets; "% peak" = the recurrence over its build's peak${against ? `; old = ${against}, old/new > 1: this tree faster` : ''}`);

for (const shape of shapes) {
  const { I, H, B, T } = shape;
  const runs = runsOverride ?? shape.runs;
  const projFlops = 2 * 4 * H * I * B * T, recFlops = 2 * 4 * H * H * B * T;
  for (const [name, file] of builds) {
    const f = setup(load(here(file)), shape);
    const label = `${shape.id.padEnd(8)} I=${I} H=${H} B=${B} T=${T} ${name.padEnd(7)}`;
    const pk = peak[name];
    if (!against) {
      const [tp, tr] = timings([f.project, f.recur], runs, 10);
      console.log(`${label} project ${f3(tp.median)} (${f1(gflops(projFlops, tp.median))}) min ${f3(tp.min)}  ` +
        `recur ${f3(tr.median)} (${f1(gflops(recFlops, tr.median))}, ${(100 * gflops(recFlops, tr.median) / pk).toFixed(0)}% peak) ` +
        `min ${f3(tr.min)} (${f1(gflops(recFlops, tr.min))})  sum ${f3(tp.median + tr.median)}  ` +
        `cells at the back-to-back cost ≈ ${(100 * (cellNsOf[name] * B * Math.ceil(H / 4) * T) / (tr.min * 1e6)).toFixed(0)}% of the min`);
      continue;
    }
    const g = setup(load(there(file)), shape);
    f.recur(); g.recur();
    let diff = 0;
    const a = f.out(), b = g.out();
    for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i] - b[i]));
    const [pNew, pOld, rNew, rOld] = timings([f.project, g.project, f.recur, g.recur], runs, 10);
    console.log(`${label} project new ${f3(pNew.median)} old ${f3(pOld.median)} old/new ${(pOld.median / pNew.median).toFixed(3)} ` +
      `(min ${(pOld.min / pNew.min).toFixed(3)})  recur new ${f3(rNew.median)} (${f1(gflops(recFlops, rNew.median))}, ` +
      `${(100 * gflops(recFlops, rNew.median) / pk).toFixed(0)}% peak) old ${f3(rOld.median)} old/new ${(rOld.median / rNew.median).toFixed(3)} ` +
      `(min ${(rOld.min / rNew.min).toFixed(3)})  max|Δh| ${diff.toExponential(1)}`);
  }
}
console.log(`load average at the end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
