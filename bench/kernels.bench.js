// Kernel-level benchmark of the wasm builds: one recurrent layer forward
// (project + the cell's recurrence), the same two calls a layer makes, on
// DESIGN.md's W1 and W2 shapes, for LSTM, GRU and tanh RNN.
//
//   node bench/kernels.bench.js [lstm|gru|rnn ...]     (after npm run build:wasm)
//
// Standalone on purpose: it instantiates build/*.wasm directly and hands out
// memory with a bump pointer above heapBase(), so it needs neither the
// TypeScript build nor the library. Reports the median over repeated runs
// after warm-up (V8 first runs wasm in its baseline tier, Liftoff, and tiers
// up to TurboFan after a few calls). FLOPs: 2·G·H·(I+H)·B·T, G gates per unit.
import { readFileSync } from 'node:fs';

const WORKLOADS = [
  { id: 'W1', I: 32, H: 128, B: 1, T: 100, runs: 400 },
  { id: 'W2', I: 64, H: 256, B: 32, T: 50, runs: 30 },
];
const GATES = { lstm: 4, gru: 3, rnn: 1 };
const cells = process.argv.slice(2).length ? process.argv.slice(2) : ['lstm', 'gru', 'rnn'];

const roundUp4 = (n) => (n + 3) & ~3;

async function load(file) {
  const { instance } = await WebAssembly.instantiate(readFileSync(new URL(`../build/${file}`, import.meta.url)), {
    env: { abort() { throw new Error('abort'); } },
  });
  return instance.exports;
}

function setup(k, cell, { I, H, B, T }) {
  const G = GATES[cell], Hp = roundUp4(H), P = Hp / 4, pw = 4 * G;
  let top = (k.heapBase() + 63) & ~63;
  const alloc = (floats) => { const p = top; top += Math.ceil((floats * 4) / 64) * 64; return p; };
  const p = {
    x: alloc(B * T * I), w: alloc(P * I * pw), bias: alloc(P * pw), u: alloc(P * H * pw), bh: alloc(P * pw),
    z: alloc(B * T * G * Hp), out: alloc(B * T * H), hT: alloc(B * H), cT: alloc(B * H), work: alloc(3 * B * Hp),
  };
  const need = top - k.memory.buffer.byteLength;
  if (need > 0) k.memory.grow(Math.ceil(need / 65536));
  const m = new Float32Array(k.memory.buffer);
  let s = 42;
  const rnd = (a) => { s = (s * 16807) % 2147483647; return (s / 2147483647 * 2 - 1) * a; };
  const fill = (ptr, n, a) => { for (let i = 0; i < n; i++) m[(ptr >> 2) + i] = rnd(a); };
  fill(p.x, B * T * I, 1);
  fill(p.w, P * I * pw, 1 / Math.sqrt(H));
  fill(p.u, P * H * pw, 1 / Math.sqrt(H));
  fill(p.bias, P * pw, 0.1);
  fill(p.bh, P * pw, 0.1);
  const recur = {
    lstm: () => k.lstmRecur(p.z, B, T, H, p.u, 0, 0, p.out, H, p.hT, p.cT, 0, p.work, 0),
    gru: () => k.gruRecur(p.z, B, T, H, p.u, p.bh, 0, p.out, H, p.hT, 0, p.work, 0),
    rnn: () => k.rnnRecur(p.z, B, T, H, p.u, 0, p.out, H, p.hT, 0, 0, p.work, 0),
  }[cell];
  return { project: () => k.project(p.x, B * T, I, p.w, P, pw, p.bias, p.z), recur };
}

function median(fn, runs) {
  for (let i = 0; i < Math.min(20, runs); i++) fn();   // warm-up: tier up to TurboFan
  const t = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return t[t.length >> 1];
}

const gflops = (flops, ms) => (flops / ms / 1e6).toFixed(1).padStart(5);

for (const file of ['simd.wasm', 'scalar.wasm']) {
  const k = await load(file);
  for (const cell of cells) {
    for (const w of WORKLOADS) {
      const { I, H, B, T } = w, G = GATES[cell];
      const f = setup(k, cell, w);
      const runs = file === 'simd.wasm' ? w.runs : Math.max(5, w.runs >> 3);
      const tAll = median(() => { f.project(); f.recur(); }, runs);
      const tProj = median(f.project, runs), tRec = median(f.recur, runs);
      console.log(`${file.padEnd(11)} ${cell.padEnd(4)} ${w.id} I=${I} H=${H} B=${B} T=${T}: ` +
        `${tAll.toFixed(3).padStart(8)} ms ${gflops(2 * G * H * (I + H) * B * T, tAll)} GFLOP/s` +
        `   (project ${gflops(2 * G * H * I * B * T, tProj)}, recurrence ${gflops(2 * G * H * H * B * T, tRec)} GFLOP/s)`);
    }
  }
}
