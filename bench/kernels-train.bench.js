// Kernel-level benchmark of one training step on DESIGN.md's W3 shape:
// LSTM(8 → 64) → Dense(1) on the last step, MSE, Adam, B = 64, T = 50 —
// the kernel calls a training step makes, with nothing around them:
//
//   forward   project (x·W + b) → lstmRecur with the record → Dense: project on h_T
//   loss      ∂MSE/∂y = 2(y − target)/B, in JS (64 values)
//   backward  activateBackward (linear) → gradWeights, gradInput of the Dense
//             → lstmBackward from ∂L/∂h_T → gradWeights over all B·T rows for W and U
//             (gradInput skipped: the LSTM is the first layer)
//   update    zero the gradients (fill), adamUpdate over the one parameter buffer
//
//   node bench/kernels-train.bench.js [--quick] [--against DIR]     (after npm run build:wasm and build:ts)
//
// --against DIR also runs DIR/simd.wasm and DIR/scalar.wasm (another build,
// e.g. of an earlier commit); each is timed step for step alternating with
// this tree's build of the same kind, so old/new is a ratio from one run
// (>1: this tree is faster), and the losses must agree.
//
// wasm-simd, wasm (scalar) and js run the same sequence on the same numbers.
// js goes first and every heap is created at its final size: no memory
// grows in this process (see DESIGN.md, Memory). Reports the median of
// repeated steps after warm-up, the parts of a step, and the ratios.
import { readFileSync } from 'node:fs';
import { bumpAllocator, parkMiller } from './heap.js';
import { medians } from './medians.js';
import { createJsKernels } from '../dist/backend/js/kernels.js';
import { createJsTrainingKernels } from '../dist/backend/js/training.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const againstAt = args.indexOf('--against');
const against = againstAt >= 0 ? args[againstAt + 1] : undefined;
if (againstAt >= 0 && !against) throw new Error('--against needs a directory holding simd.wasm and scalar.wasm');
const againstDir = against && new URL(`${against.replace(/\/$/, '')}/`, `file://${process.cwd()}/`);
const W3 = { I: 8, H: 64, B: 64, T: 50 };
const roundUp4 = (n) => (n + 3) & ~3;

/** Everything one W3 step needs, laid out by a bump allocator from `base`. Returns pointers and the bytes used. */
function layout(base, { I, H, B, T }) {
  const Hp = roundUp4(H), P = Hp / 4, rows = B * T;
  const heap = bumpAllocator(base), alloc = heap.alloc;
  // the model's parameters, one buffer: W [P][I][16], b [P][16], U [P][H][16], Dense w [1][H][4], Dense b [4]
  const nW = P * I * 16, nB = P * 16, nU = P * H * 16, nWd = H * 4, nBd = 4;
  const n = nW + nB + nU + nWd + nBd;
  const params = alloc(n), grads = alloc(n), m = alloc(n), v = alloc(n);
  const at = (buf, off) => buf + 4 * off;
  const p = {
    n, params, grads, m, v,
    W: at(params, 0), b: at(params, nW), U: at(params, nW + nB), Wd: at(params, nW + nB + nU), bd: at(params, nW + nB + nU + nWd),
    dW: at(grads, 0), db: at(grads, nW), dU: at(grads, nW + nB), dWd: at(grads, nW + nB + nU), dbd: at(grads, nW + nB + nU + nWd),
    x: alloc(rows * I), target: alloc(B), z: alloc(rows * 4 * Hp), hT: alloc(B * H), cT: alloc(B * H),
    work: alloc(3 * B * Hp), rec: alloc(6 * T * B * Hp), y: alloc(B * 4), dy: alloc(B), dzd: alloc(B * 4),
    dhT: alloc(B * H), dz: alloc(rows * 4 * Hp), hprev: alloc(rows * H), bwork: alloc(5 * B * Hp + 4 * Hp * Hp),
  };
  return { p, bytes: heap.top };
}

/** Deterministic data: PyTorch-like init U(−1/√H, 1/√H), inputs U(−1, 1), padded lanes 0. */
function fill(f32, p, { I, H, B, T }) {
  const rnd = parkMiller();
  const Hp = roundUp4(H), P = Hp / 4, k = 1 / Math.sqrt(H);
  const panels = (ptr, K, G, a) => {
    for (let q = 0; q < P; q++) for (let r = 0; r < K; r++) for (let g = 0; g < G; g++) for (let l = 0; l < 4; l++)
      f32[(ptr >> 2) + ((q * K + r) * G + g) * 4 + l] = 4 * q + l < H ? rnd(a) : 0;
  };
  panels(p.W, I, 4, k); panels(p.U, H, 4, k);
  for (let i = 0; i < P * 16; i++) f32[(p.b >> 2) + i] = (i & 3) + 4 * (i >> 4) < H ? rnd(k) : 0;
  for (let j = 0; j < H; j++) f32[(p.Wd >> 2) + 4 * j] = rnd(k);   // Dense(1): column 0 of a [H][4] panel
  f32[p.bd >> 2] = rnd(k);
  for (let i = 0; i < B * T * I; i++) f32[(p.x >> 2) + i] = rnd(1);
  for (let i = 0; i < B; i++) f32[(p.target >> 2) + i] = rnd(1);
}

/** One training step as kernel calls; `f32()` is a current view of the heap. Returns the loss. */
function makeStep(k, f32, p, { I, H, B, T }, parts) {
  const Hp = roundUp4(H), P = Hp / 4, rows = B * T;
  let t = 0;
  const time = (name, fn) => {
    if (!parts) return fn();
    const t0 = performance.now();
    const r = fn();
    parts[name] = (parts[name] ?? 0) + performance.now() - t0;
    return r;
  };
  return () => {
    t++;
    let loss = 0;
    time('forward', () => {
      k.project(p.x, rows, I, p.W, P, 16, p.b, p.z);
      k.lstmRecur(p.z, B, T, H, p.U, 0, 0, 0, 0, p.hT, p.cT, 0, p.work, p.rec);
      k.project(p.hT, B, H, p.Wd, 1, 4, p.bd, p.y);
    });
    time('loss', () => {
      const m = f32();
      for (let b = 0; b < B; b++) {
        const e = m[(p.y >> 2) + 4 * b] - m[(p.target >> 2) + b];
        loss += e * e / B;
        m[(p.dy >> 2) + b] = (2 * e) / B;
      }
      m.fill(0, p.grads >> 2, (p.grads >> 2) + p.n);
      m.fill(0, p.dhT >> 2, (p.dhT >> 2) + B * H);
    });
    time('dense back', () => {
      k.activateBackward(p.y, p.dy, B, 1, p.dzd, 4, 0);
      k.gradWeights(p.hT, B, H, p.dzd, 1, 4, p.dWd, p.dbd);
      k.gradInput(p.dzd, B, H, p.Wd, 1, 4, p.dhT);
    });
    time('lstmBackward', () => k.lstmBackward(p.rec, B, T, H, p.U, 0, 0, 0, 0, p.dhT, 0, 0, p.dz, p.hprev, 0, 0, p.bwork));
    time('gradWeights W,U', () => {
      k.gradWeights(p.x, rows, I, p.dz, P, 16, p.dW, p.db);
      k.gradWeights(p.hprev, rows, H, p.dz, P, 16, p.dU, 0);
    });
    time('adam', () => {
      const lr = 1e-3, b1 = 0.9, b2 = 0.999;
      k.adamUpdate(p.params, p.grads, p.m, p.v, p.n, lr * Math.sqrt(1 - b2 ** t) / (1 - b1 ** t), b1, b2, 1e-7, 0);
    });
    return loss;
  };
}

async function wasmKernels(url, bytes) {
  const mod = await WebAssembly.compile(readFileSync(url));
  const pages = Math.ceil(bytes / 65536) + 1;
  // the module declares its own memory: grow once, before any view or timing (the js run is already done)
  const { exports } = await WebAssembly.instantiate(mod, { env: { abort() { throw new Error('abort'); } } });
  const have = exports.memory.buffer.byteLength / 65536;
  if (pages > have) exports.memory.grow(pages - have);
  return { k: exports, base: exports.heapBase(), f32: () => new Float32Array(exports.memory.buffer) };
}

const results = {};
const losses = {};
const partsOut = {};
const BUILDS = { 'wasm-simd': 'simd.wasm', wasm: 'scalar.wasm' };
/** A backend's kernels on a heap laid out and filled for W3; `name` ends in ' old' for the --against build. */
async function environment(name) {
  let env;
  if (name === 'js') {
    const probe = layout(16, W3);
    const inference = createJsKernels(probe.bytes + 65536);
    const k = { ...inference, ...createJsTrainingKernels(inference.heap) };
    env = { k, base: k.heap.base, f32: () => new Float32Array(k.heap.buffer) };
  } else {
    const [kind, old] = name.split(' ');
    const url = old ? new URL(BUILDS[kind], againstDir) : new URL(`../build/${BUILDS[kind]}`, import.meta.url);
    env = await wasmKernels(url, layout(1 << 16, W3).bytes + (1 << 20));
  }
  const { p } = layout(env.base, W3);
  fill(env.f32(), p, W3);
  return { ...env, p };
}
// js alone first (no wasm memory exists yet); then each wasm build, with its --against twin alternating
const groups = [['js'], ...Object.keys(BUILDS).map((kind) => (against ? [kind, `${kind} old`] : [kind]))];
for (const group of groups) {
  const envs = await Promise.all(group.map(environment));
  const steps = envs.map((env) => makeStep(env.k, env.f32, env.p, W3));
  group.forEach((name, j) => { losses[name] = [steps[j](), steps[j](), steps[j]()]; });   // steps 1..3, to compare the backends
  const kind = group[0];
  const runs = quick ? 5 : kind === 'js' ? 15 : kind === 'wasm' ? 30 : 200;
  const warm = quick ? 2 : kind === 'js' ? 3 : 20;
  medians(steps, runs, warm).forEach((ms, j) => { results[group[j]] = ms; });
  group.forEach((name, j) => {
    const parts = {};
    const timed = makeStep(envs[j].k, envs[j].f32, envs[j].p, W3, parts);
    const n = quick ? 3 : kind === 'js' ? 5 : 50;
    for (let i = 0; i < n; i++) timed();
    partsOut[name] = Object.fromEntries(Object.entries(parts).map(([key, v]) => [key, v / n]));
  });
}

const { I, H, B, T } = W3;
const flops = 2 * 4 * H * (I + H) * B * T;   // one LSTM forward; the backward is about twice that
console.log(`W3 training step, kernels only: LSTM(${I}→${H}) → Dense(1), B=${B} T=${T}, MSE, Adam (median, ms)`);
for (const name of Object.keys(results)) {
  const ms = results[name];
  const parts = Object.entries(partsOut[name]).map(([key, v]) => `${key} ${v.toFixed(2)}`).join(', ');
  console.log(`  ${name.padEnd(13)} ${ms.toFixed(2).padStart(8)} ms  ${(3 * flops / ms / 1e6).toFixed(1).padStart(5)} GFLOP/s (≈3× forward)` +
    `  ${(results.js / ms).toFixed(1).padStart(5)}× js   [${parts}]`);
}
if (against) {
  for (const kind of Object.keys(BUILDS)) {
    console.log(`  ${kind}: old/new ${(results[`${kind} old`] / results[kind]).toFixed(3)} (>1: this tree is faster)`);
  }
}
console.log(`  losses of steps 1..3: ${Object.entries(losses).map(([k, l]) => `${k} ${l.map((x) => x.toFixed(6)).join(' ')}`).join(' | ')}`);
