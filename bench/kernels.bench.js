// Kernel-level benchmark of the wasm builds: one recurrent layer forward
// (project + the cell's recurrence), the same two calls a layer makes, on
// DESIGN.md's W1 and W2 shapes, for LSTM, GRU and tanh RNN.
//
//   node bench/kernels.bench.js [lstm|gru|rnn ...] [--against DIR]     (after npm run build:wasm)
//
// --train times the backward kernels instead, on DESIGN.md's W3 shape (I=8,
// H=64, B=64, T=50) and W2's (I=64, H=256, B=32, T=50): the recurrence with
// its record once, then the cell's backward from ∂L/∂h_t at every step,
// timed alone.
//
// --against DIR also loads DIR/simd.wasm and DIR/scalar.wasm (another build,
// e.g. of an earlier commit) and times the two builds call for call,
// alternating, so that old/new is a ratio from one run on the same machine
// state: >1 means this tree's build is faster.
//
// --relaxed times this tree's relaxed-SIMD build (build/simd-relaxed.wasm)
// against its plain SIMD build (build/simd.wasm) the same way: old = plain,
// new = relaxed (Node 20 runs it with --experimental-wasm-relaxed-simd).
//
// Standalone on purpose: it instantiates build/*.wasm directly and hands out
// memory with a bump pointer above heapBase(), so it needs neither the
// TypeScript build nor the library. Reports the median over repeated runs
// after warm-up (V8 first runs wasm in its baseline tier, Liftoff, and tiers
// up to TurboFan after a few calls). FLOPs: 2·G·H·(I+H)·B·T, G gates per unit.
import { readFileSync } from 'node:fs';
import { bumpAllocator, growTo, parkMiller } from './heap.js';
import { medians } from './medians.js';

const WORKLOADS = [
  { id: 'W1', I: 32, H: 128, B: 1, T: 100, runs: 400 },
  { id: 'W2', I: 64, H: 256, B: 32, T: 50, runs: 30 },
];
const GATES = { lstm: 4, gru: 3, rnn: 1 };
const TRAIN_WORKLOADS = [
  { id: 'W3', I: 8, H: 64, B: 64, T: 50, runs: 100 },
  // W2's shape trained: where U (256 KiB for an LSTM) no longer fits in L1 and the backward's dz·U dominates
  { id: 'W2', I: 64, H: 256, B: 32, T: 50, runs: 20 },
];
const args = process.argv.slice(2);
const train = args.includes('--train');
const relaxed = args.includes('--relaxed');
const againstAt = args.indexOf('--against');
const against = againstAt >= 0 ? args[againstAt + 1] : undefined;
if (againstAt >= 0 && !against) throw new Error('--against needs a directory holding simd.wasm and scalar.wasm');
const named = args.filter((a, i) => (againstAt < 0 || (i !== againstAt && i !== againstAt + 1)) && a !== '--train' && a !== '--relaxed');
if (relaxed && against) throw new Error('--relaxed and --against each name the old build: use one');
const unknown = named.filter((a) => !(a in GATES));
if (unknown.length) throw new Error(`unknown argument(s) ${unknown.join(' ')}; use [lstm] [gru] [rnn] [--train] [--against DIR | --relaxed]`);
const cells = named.length ? named : ['lstm', 'gru', 'rnn'];

const roundUp4 = (n) => (n + 3) & ~3;

async function load(url) {
  const { instance } = await WebAssembly.instantiate(readFileSync(url), {
    env: { abort() { throw new Error('abort'); } },
  });
  return instance.exports;
}

function setup(k, cell, { I, H, B, T }) {
  const G = GATES[cell], Hp = roundUp4(H), P = Hp / 4, pw = 4 * G;
  const heap = bumpAllocator(k.heapBase()), alloc = heap.alloc;
  const p = {
    x: alloc(B * T * I), w: alloc(P * I * pw), bias: alloc(P * pw), u: alloc(P * H * pw), bh: alloc(P * pw),
    z: alloc(B * T * G * Hp), out: alloc(B * T * H), hT: alloc(B * H), cT: alloc(B * H), work: alloc(3 * B * Hp),
    rec: alloc(6 * T * B * Hp), dz: alloc(B * T * G * Hp), dza: alloc(B * T * G * Hp), hprev: alloc(B * T * H),
    bwork: alloc(5 * B * Hp + 4 * Hp * Hp),
  };
  growTo(k.memory, heap.top);
  const m = new Float32Array(k.memory.buffer);
  const rnd = parkMiller();
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
  const recorded = {
    lstm: () => k.lstmRecur(p.z, B, T, H, p.u, 0, 0, 0, 0, p.hT, p.cT, 0, p.work, p.rec),
    gru: () => k.gruRecur(p.z, B, T, H, p.u, p.bh, 0, 0, 0, p.hT, 0, p.work, p.rec),
    rnn: () => k.rnnRecur(p.z, B, T, H, p.u, 0, 0, 0, p.hT, 0, 0, p.work, p.rec),
  }[cell];
  // ∂L/∂h_t at every step: out, filled at random
  const backward = {
    lstm: () => k.lstmBackward(p.rec, B, T, H, p.u, 0, 0, p.out, H, 0, 0, 0, p.dz, p.hprev, 0, 0, p.bwork),
    gru: () => k.gruBackward(p.rec, B, T, H, p.u, 0, p.out, H, 0, 0, p.dz, p.dza, p.hprev, 0, p.bwork),
    rnn: () => k.rnnBackward(p.rec, B, T, H, p.u, 0, p.out, H, 0, 0, 0, p.dz, p.hprev, 0, p.bwork),
  }[cell];
  return {
    project: () => k.project(p.x, B * T, I, p.w, P, pw, p.bias, p.z), recur,
    prepareBackward: () => { k.project(p.x, B * T, I, p.w, P, pw, p.bias, p.z); recorded(); fill(p.out, B * T * H, 1); },
    backward,
  };
}

const gflops = (flops, ms) => (flops / ms / 1e6).toFixed(1).padStart(5);

for (const file of relaxed ? ['simd-relaxed.wasm'] : ['simd.wasm', 'scalar.wasm']) {
  const k = await load(new URL(`../build/${file}`, import.meta.url));
  const kOld = relaxed ? await load(new URL('../build/simd.wasm', import.meta.url))
    : against && await load(new URL(file, new URL(`${against.replace(/\/$/, '')}/`, `file://${process.cwd()}/`)));
  for (const cell of cells) {
    for (const w of train ? TRAIN_WORKLOADS : WORKLOADS) {
      const { I, H, B, T } = w, G = GATES[cell];
      const f = setup(k, cell, w);
      const runs = file !== 'scalar.wasm' ? w.runs : Math.max(5, w.runs >> 3);
      const line = `${file.padEnd(17)} ${cell.padEnd(4)} ${w.id} I=${I} H=${H} B=${B} T=${T}: `;
      if (train) {
        f.prepareBackward();
        const g = kOld && setup(kOld, cell, w);
        if (g) g.prepareBackward();
        const [tNew, tOld] = medians(g ? [f.backward, g.backward] : [f.backward], runs, 20);
        // the backward's dh_{t−1} = dz·U alone is 2·G·H·H·B·T FLOPs; the gate part adds a few per unit
        console.log(line + `backward ${tNew.toFixed(3).padStart(8)} ms` +
          (g ? `, old ${tOld.toFixed(3).padStart(8)} ms, old/new ${(tOld / tNew).toFixed(3)}` : ''));
        continue;
      }
      const all = (g) => () => { g.project(); g.recur(); };
      if (kOld) {
        const g = setup(kOld, cell, w);
        const [tNew, tOld] = medians([all(f), all(g)], runs, 20);
        const [rNew, rOld] = medians([f.recur, g.recur], runs, 20);
        console.log(line + `new ${tNew.toFixed(3).padStart(8)} ms, old ${tOld.toFixed(3).padStart(8)} ms, old/new ${(tOld / tNew).toFixed(3)}` +
          `   (recurrence alone: old/new ${(rOld / rNew).toFixed(3)})`);
      } else {
        const [tAll] = medians([all(f)], runs, 20);
        const [tProj] = medians([f.project], runs, 20), [tRec] = medians([f.recur], runs, 20);
        console.log(line + `${tAll.toFixed(3).padStart(8)} ms ${gflops(2 * G * H * (I + H) * B * T, tAll)} GFLOP/s` +
          `   (project ${gflops(2 * G * H * I * B * T, tProj)}, recurrence ${gflops(2 * G * H * H * B * T, tRec)} GFLOP/s)`);
      }
    }
  }
}
