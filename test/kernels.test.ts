/**
 * Every kernel of the wasm builds (SIMD, relaxed SIMD, scalar) against the js reference, on the same
 * inputs, over many random shapes (seeded, so a failure reproduces).
 *
 * ggml style: every buffer is followed (and, when deliberately misaligned,
 * preceded) by guard floats holding a NaN sentinel; after each call the
 * guards must still hold it bit for bit, inputs must be unchanged, and the
 * parts of an output the kernel must not write (the gap between H and
 * outStride, the columns of `activate` past `cols`) start as the sentinel
 * and must end as it. Scratch (`work`) starts as garbage.
 *
 * The padded lanes of the packed inputs (z, u, b_h columns of units ≥ H)
 * are filled with NaN: the reference never reads them, and the wasm
 * kernels must not let them leak into any result.
 *
 * Training kernels: each backward recurrence runs after its forward with a
 * record, in the same call (the record is compared too); the padded lanes
 * of dz / dzx / dza must be exactly 0 on every backend; the gaps between
 * rows of ∂L/∂out hold NaN; gradWeights / gradInput / the optimizers start
 * from non-zero outputs, so they must accumulate. Tolerances: see TolMode.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Arena } from '../src/backend/arena.js';
import { createJsKernels } from '../src/backend/js/kernels.js';
import { createJsTrainingKernels } from '../src/backend/js/training.js';
import { Act, backWorkFloats, recurWorkFloats, roundUp4, type BackendName, type Kernels as InferenceKernels, type TrainingKernels } from '../src/backend/kernels.js';
import { createWasmKernels } from '../src/backend/wasm.js';
import { WASM_BUILDS } from './helpers.js';
import { GRU_RECORD, LSTM_RECORD, RNN_RECORD, recordLayout } from '../src/backend/record-layout.js';

const TOL = 1e-5;
/** Shift every seed, to fuzz further: KERNELS_SEED=7 npx vitest run test/kernels.test.ts */
const SEED = Number(process.env.KERNELS_SEED ?? 0);
const GUARD = 8;                         // floats of sentinel after every buffer
const SENTINEL = 0x7fc0beef;             // a quiet NaN with a payload nobody computes

// ── seeded PRNG (mulberry32) ────────────────────────────────────────────────
function rng(seed: number) {
  let s = (seed + 1000 * SEED) >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1)),   // [lo, hi]
    uni: (a: number): number => (2 * next() - 1) * a,                                   // U(−a, a)
    bool: (p = 0.5): boolean => next() < p,
  };
}
type Rng = ReturnType<typeof rng>;

const sentinelF32 = new Float32Array(new Uint32Array([SENTINEL]).buffer)[0];
function filled(n: number, f: (i: number) => number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = f(i);
  return a;
}
/** n floats of the sentinel (built from bits: a NaN's payload may not survive a float copy). */
const sentinels = (n: number): Float32Array => new Float32Array(new Uint32Array(n).fill(SENTINEL).buffer);

// ── running one call on one backend ─────────────────────────────────────────
type Kernels = InferenceKernels & TrainingKernels;
interface Backend { k: Kernels; arena: Arena }

/** in: read-only input; out: compared with the reference; scratch: only guards checked. */
interface Buf { data: Float32Array; role: 'in' | 'out' | 'scratch'; misalign?: number }
type Bufs = Record<string, Buf>;

interface RunResult { outs: Record<string, Float32Array>; problems: string[] }

function run(be: Backend, bufs: Bufs, call: (p: Record<string, number>) => void): RunResult {
  const { arena } = be;
  const ptrs: Record<string, number> = {};
  const blocks: Record<string, number> = {};
  for (const [name, b] of Object.entries(bufs)) {
    const pre = b.misalign ?? 0;
    const block = arena.allocFloats(pre + b.data.length + GUARD);
    blocks[name] = block;
    ptrs[name] = block + 4 * pre;
  }
  // write after all allocations: an allocation may grow (and detach) the heap
  for (const [name, b] of Object.entries(bufs)) {
    const u32 = new Uint32Array(be.k.heap.buffer);
    const at = blocks[name] >> 2, pre = b.misalign ?? 0;
    u32.fill(SENTINEL, at, at + pre);
    new Float32Array(be.k.heap.buffer).set(b.data, at + pre);
    u32.fill(SENTINEL, at + pre + b.data.length, at + pre + b.data.length + GUARD);
  }
  call(ptrs);
  const outs: Record<string, Float32Array> = {};
  const problems: string[] = [];
  const f32 = new Float32Array(be.k.heap.buffer), u32 = new Uint32Array(be.k.heap.buffer);
  for (const [name, b] of Object.entries(bufs)) {
    const at = blocks[name] >> 2, pre = b.misalign ?? 0, n = b.data.length;
    for (let i = 0; i < pre; i++) if (u32[at + i] !== SENTINEL) { problems.push(`${be.k.name}: wrote before ${name}`); break; }
    for (let i = 0; i < GUARD; i++) {
      if (u32[at + pre + n + i] !== SENTINEL) { problems.push(`${be.k.name}: wrote past the end of ${name} (+${i})`); break; }
    }
    const got = f32.slice(at + pre, at + pre + n);
    if (b.role === 'out') outs[name] = got;
    if (b.role === 'in') {
      const before = new Uint32Array(b.data.buffer, b.data.byteOffset, n), after = new Uint32Array(got.buffer);
      for (let i = 0; i < n; i++) if (before[i] !== after[i]) { problems.push(`${be.k.name}: modified input ${name}[${i}]`); break; }
    }
    arena.release(blocks[name]);
  }
  return { outs, problems };
}

/** Max |ref − got| over an output; NaN (sentinel) positions must match bit for bit. */
function diff(ref: Float32Array, got: Float32Array, what: string, problems: string[]): number {
  const ru = new Uint32Array(ref.buffer, ref.byteOffset, ref.length), gu = new Uint32Array(got.buffer, got.byteOffset, got.length);
  let m = 0;
  for (let i = 0; i < ref.length; i++) {
    if (Number.isNaN(ref[i]) || Number.isNaN(got[i])) {
      if (ru[i] !== gu[i]) { problems.push(`${what}[${i}]: reference ${ref[i]} (0x${ru[i].toString(16)}), got ${got[i]} (0x${gu[i].toString(16)})`); return Infinity; }
      continue;
    }
    const d = Math.abs(ref[i] - got[i]);
    if (d > m) m = d;
  }
  return m;
}

// ── the backends ────────────────────────────────────────────────────────────
let js: Backend;
let wasm: Backend[] = [];
const maxDiff: Record<string, number> = {};

beforeAll(async () => {
  // k.name labels the results: the relaxed build is 'wasm-simd relaxed' here
  const load = async (label: string, name: 'wasm-simd' | 'wasm', file: string): Promise<Backend> => {
    const k = await createWasmKernels(name, await WebAssembly.compile(readFileSync(file)));
    return { k: { ...k, name: label as BackendName }, arena: new Arena(k.heap) };
  };
  const jk = createJsKernels();
  js = { k: { ...jk, ...createJsTrainingKernels(jk.heap) }, arena: new Arena(jk.heap) };
  for (const [label, name, file] of WASM_BUILDS) wasm.push(await load(label, name, file));
});

/**
 * How a difference is measured. abs: |ref − got| ≤ TOL. rel: per value,
 * |ref − got| ≤ TOL·max(1, |ref|) (absolute on values of order 1, relative
 * on large ones). norm: |ref − got| ≤ TOL·max(1, max |ref|) over the whole
 * output — for sums over hundreds of rows (the GEMMs of the gradients),
 * where f32 accumulation has an error relative to the output's scale, not
 * to each (possibly cancelled) value.
 */
type TolMode = 'abs' | 'rel' | 'norm';
interface CheckOptions {
  tol?: TolMode;
  /** Extra checks on the outputs of every backend (js included): problems found. */
  verify?: (outs: Record<string, Float32Array>, backend: string) => string[];
}

/** The difference of got from ref, scaled per `mode` (≤ 1 means within TOL, reported in units of TOL·scale). */
function scaledDiff(ref: Float32Array, got: Float32Array, what: string, problems: string[], mode: TolMode): number {
  if (mode === 'abs') return diff(ref, got, what, problems);
  let scale = 1;
  if (mode === 'norm') for (const v of ref) if (Math.abs(v) > scale) scale = Math.abs(v);
  let m = 0;
  const d = diff(ref, got, what, problems);   // NaN positions, bit for bit
  if (!Number.isFinite(d)) return d;
  for (let i = 0; i < ref.length; i++) {
    if (Number.isNaN(ref[i])) continue;
    const e = Math.abs(ref[i] - got[i]) / (mode === 'rel' ? Math.max(1, Math.abs(ref[i])) : scale);
    if (e > m) m = e;
  }
  return m;
}

/** Run on js and every wasm build; every output of each build must match js within TOL. */
function check(label: string, bufs: Bufs, call: (k: Kernels, p: Record<string, number>) => void, opts: CheckOptions = {}): void {
  const mode = opts.tol ?? 'abs';
  const ref = run(js, bufs, (p) => call(js.k, p));
  expect(ref.problems, label).toEqual([]);
  if (opts.verify) expect(opts.verify(ref.outs, 'js'), label).toEqual([]);
  for (const be of wasm) {
    const got = run(be, bufs, (p) => call(be.k, p));
    const problems = [...got.problems];
    if (opts.verify) problems.push(...opts.verify(got.outs, be.k.name));
    let m = 0;
    for (const name of Object.keys(ref.outs)) m = Math.max(m, scaledDiff(ref.outs[name], got.outs[name], `${be.k.name} ${label} ${name}`, problems, mode));
    expect(problems, label).toEqual([]);
    expect(m, `${be.k.name} ${label}: max ${mode === 'abs' ? '' : mode + '. '}|diff| vs js`).toBeLessThanOrEqual(TOL);
    const key = be.k.name + ' ' + label.split(' ')[0] + (mode === 'abs' ? '' : ` (${mode})`);
    maxDiff[key] = Math.max(maxDiff[key] ?? 0, m);
  }
}

// ── packed layouts with NaN in the padded lanes ─────────────────────────────
/** [outer][P][G][4], lane of unit 4p + l valid when < H: e.g. z [B·T][4Hp] (G = 4 for LSTM). */
function packedRows(r: Rng, outer: number, H: number, G: number, scale: number): Float32Array {
  const P = roundUp4(H) / 4;
  return filled(outer * P * G * 4, (i) => {
    const lane = i & 3, p = Math.floor(i / (4 * G)) % P;
    return 4 * p + lane < H ? r.uni(scale) : sentinelF32;
  });
}
/** [P][K][G][4]: recurrent panels. */
function packedPanels(r: Rng, K: number, H: number, G: number, scale: number): Float32Array {
  return filled((roundUp4(H) / 4) * K * G * 4, (i) => {
    const lane = i & 3, p = Math.floor(i / (K * G * 4));
    return 4 * p + lane < H ? r.uni(scale) : sentinelF32;
  });
}

interface RecurCase { B: number; T: number; H: number; h0: boolean; c0: boolean; reverse: number; out: 0 | 1 | 2; rec: boolean }

function randomCase(r: Rng, fixed: Partial<RecurCase> = {}): RecurCase {
  return {
    B: r.int(1, 5), T: r.int(1, 12), H: r.int(1, 70),
    h0: r.bool(), c0: r.bool(), reverse: r.int(0, 1), out: r.int(0, 2) as 0 | 1 | 2, rec: r.bool(),
    ...fixed,
  };
}

/** The fixed corners every cell goes through, then `n` random shapes. */
function cases(seed: number, n: number): RecurCase[] {
  const r = rng(seed);
  const all: RecurCase[] = [
    randomCase(r, { B: 1, T: 1, H: 1, h0: true, c0: true, out: 1, rec: true }),
    randomCase(r, { B: 1, T: 1, H: 1, h0: false, c0: false, out: 0, rec: false }),
    randomCase(r, { B: 1, T: 100, H: 128, out: 1, rec: false }),
    randomCase(r, { B: 2, T: 4, H: 128, out: 2, rec: true, reverse: 1 }),
    randomCase(r, { B: 3, T: 300, H: 7, out: 2, rec: true }),
    randomCase(r, { B: 2, T: 300, H: 37, out: 1, rec: false, reverse: 1, h0: true, c0: true }),
    randomCase(r, { B: 1, T: 3, H: 512, h0: true, c0: true, out: 1, rec: true }),
    randomCase(r, { B: 3, T: 2, H: 512, out: 2, rec: true, reverse: 1 }),
    randomCase(r, { B: 5, T: 6, H: 4, rec: true }),
    randomCase(r, { B: 4, T: 5, H: 16, rec: true }),
    randomCase(r, { B: 7, T: 3, H: 66, rec: true, out: 2 }),
  ];
  for (let i = 0; i < n; i++) all.push(randomCase(r));
  return all;
}

const describeCase = (c: RecurCase): string =>
  `B=${c.B} T=${c.T} H=${c.H} h0=${+c.h0} c0=${+c.c0} reverse=${c.reverse} out=${c.out} rec=${+c.rec}`;

/** Output buffer: out 1 → stride H + (0..3); out 2 → Bidirectional-like: stride 2H, offset H (misaligned). */
function outSpec(r: Rng, c: RecurCase): { buf?: Buf; stride: number } {
  if (c.out === 0) return { stride: 0 };
  const stride = c.out === 1 ? c.H + r.int(0, 3) : 2 * c.H;
  const misalign = c.out === 2 ? c.H : r.int(0, 3);
  return { buf: { data: sentinels(c.B * c.T * stride - (c.out === 2 ? c.H : 0)), role: 'out', misalign }, stride };
}

/**
 * Recurrent weights U(−a, a). The reference accumulates in float64, the
 * kernels in f32, so the two differ by rounding (~1e-6) at every step; in a
 * chaotic regime the recurrence amplifies that without bound, in either
 * implementation (measured with the reference alone: a tanh RNN with
 * a = 0.5, H = 128 turns a 1e-7 change of h0 into 2.0 by step 60). Realistic
 * weights are not chaotic: a = min(0.5, 2/√H) is twice PyTorch's init bound.
 * A relu RNN is unbounded: with U's spectral radius (≈ a·√(H/3)) above 1,
 * h and its rounding differences grow geometrically (seen with a = 2/√H:
 * |wasm − js| = 1e9 at T = 300), so it gets PyTorch's own bound, a = 1/√H
 * (radius ≈ 0.58).
 * The LSTM, whose forget gate keeps it stable, is run with a = 0.5 at every
 * H, up to 512, to stress the f32 accumulation.
 */
const recurScale = (cell: 'lstm' | 'gru' | 'rnn' | 'relu', H: number): number =>
  cell === 'lstm' ? 0.5 : Math.min(0.5, (cell === 'relu' ? 1 : 2) / Math.sqrt(H));

function recurBufs(r: Rng, c: RecurCase, G: number, cell: 'lstm' | 'gru' | 'rnn' | 'relu'): { bufs: Bufs; outStride: number } {
  const { B, T, H } = c;
  const bufs: Bufs = {
    z: { data: packedRows(r, B * T, H, G, 2), role: 'in' },
    u: { data: packedPanels(r, H, H, G, recurScale(cell, H)), role: 'in' },
    hT: { data: sentinels(B * H), role: 'out', misalign: r.int(0, 3) },
    work: { data: sentinels(recurWorkFloats(B, H)), role: 'scratch' },
  };
  if (cell === 'lstm') bufs.cT = { data: sentinels(B * H), role: 'out', misalign: r.int(0, 3) };
  if (cell === 'gru') bufs.bh = { data: packedRows(r, 1, H, 3, 0.5), role: 'in' };
  if (c.h0) bufs.h0 = { data: filled(B * H, () => r.uni(1)), role: 'in', misalign: r.int(0, 3) };
  if (c.c0 && cell === 'lstm') bufs.c0 = { data: filled(B * H, () => r.uni(1)), role: 'in', misalign: r.int(0, 3) };
  // the record starts zeroed (as the arena hands it out); every backend writes 0 in its padded lanes
  if (c.rec) bufs.rec = { data: new Float32Array(recordFloatsOf(cell, B, T, H)), role: 'out' };
  const o = outSpec(r, c);
  if (o.buf) bufs.out = o.buf;
  return { bufs, outStride: o.stride };
}

// ── training: cases and buffers ─────────────────────────────────────────────

interface BackCase {
  B: number; T: number; H: number; reverse: number;
  h0: boolean; c0: boolean;          // initial state given to the forward (and backward)
  dout: 0 | 1 | 2;                   // ∂L/∂h_t per step: absent, stride H + 0..3, or Bidirectional-like stride 2H
  dhT: boolean; dcT: boolean;        // ∂L/∂ final state given
  dh0: boolean; dc0: boolean;        // ∂L/∂ initial state requested
}

function randomBackCase(r: Rng, fixed: Partial<BackCase> = {}): BackCase {
  const c: BackCase = {
    B: r.int(1, 5), T: r.int(1, 12), H: r.int(1, 70), reverse: r.int(0, 1),
    h0: r.bool(), c0: r.bool(), dout: r.int(0, 2) as 0 | 1 | 2, dhT: r.bool(), dcT: r.bool(), dh0: r.bool(), dc0: r.bool(),
    ...fixed,
  };
  if (!c.dout && !c.dhT && !c.dcT && !('dhT' in fixed)) c.dhT = true;   // something to propagate
  return c;
}

/** The fixed corners, then `n` random shapes. */
function backCases(seed: number, n: number): BackCase[] {
  const r = rng(seed);
  const none = { h0: false, c0: false, dout: 0 as const, dhT: false, dcT: false, dh0: false, dc0: false };
  const all = { h0: true, c0: true, dout: 1 as const, dhT: true, dcT: true, dh0: true, dc0: true };
  const list: BackCase[] = [
    randomBackCase(r, { B: 1, T: 1, H: 1, ...all }),
    randomBackCase(r, { B: 1, T: 1, H: 1, ...none, dhT: true }),
    randomBackCase(r, { B: 1, T: 7, H: 3, ...none, dout: 1, reverse: 1 }),
    randomBackCase(r, { B: 2, T: 1, H: 5, ...all, dout: 2 }),
    randomBackCase(r, { B: 3, T: 5, H: 160, ...all, reverse: 0 }),
    randomBackCase(r, { B: 2, T: 4, H: 160, ...none, dout: 2, dh0: true, dc0: true, reverse: 1 }),
    randomBackCase(r, { B: 5, T: 6, H: 4, ...all }),
    randomBackCase(r, { B: 4, T: 5, H: 16, ...none, dcT: true, dh0: true }),
    randomBackCase(r, { B: 7, T: 3, H: 66, dout: 1 }),
    randomBackCase(r, { B: 1, T: 30, H: 128, ...all, reverse: 1 }),
    // W3's shape: LSTM(8 → 64), B = 64, T = 50, only ∂L/∂h_T (Dense on the last step)
    randomBackCase(r, { B: 64, T: 50, H: 64, ...none, dhT: true }),
  ];
  for (let i = 0; i < n; i++) list.push(randomBackCase(r));
  return list;
}

const describeBackCase = (c: BackCase): string =>
  `B=${c.B} T=${c.T} H=${c.H} reverse=${c.reverse} h0=${+c.h0} c0=${+c.c0} dout=${c.dout} ` +
  `dhT=${+c.dhT} dcT=${+c.dcT} dh0=${+c.dh0} dc0=${+c.dc0}`;

/**
 * A forward with a record (its outputs compared too) and then the backward.
 * Recurrent weights at a = min(0.5, 2/√H) (1/√H for relu), as recurScale
 * explains: gradients through a chaotic recurrence blow up in either
 * implementation alike. Values far above 1 (∂L/∂h over many steps) are
 * compared relatively (tol 'rel').
 */
function backBufs(r: Rng, c: BackCase, cell: 'lstm' | 'gru' | 'rnn' | 'relu'): { bufs: Bufs; doutStride: number } {
  const { B, T, H } = c;
  const G = cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1, Hp = roundUp4(H);
  const kind = cell === 'relu' ? 'rnn' : cell;
  const a = cell === 'relu' ? 1 / Math.sqrt(H) : Math.min(0.5, 2 / Math.sqrt(H));
  const bufs: Bufs = {
    z: { data: packedRows(r, B * T, H, G, 2), role: 'in' },
    u: { data: packedPanels(r, H, H, G, a), role: 'in' },
    hT: { data: sentinels(B * H), role: 'out' },
    work: { data: sentinels(recurWorkFloats(B, H)), role: 'scratch' },
    rec: { data: new Float32Array(recordFloatsOf(kind, B, T, H)), role: 'out' },
    hprev: { data: sentinels(B * T * H), role: 'out', misalign: r.int(0, 3) },
    bwork: { data: sentinels(backWorkFloats(B, H)), role: 'scratch' },
  };
  if (cell === 'gru') {
    bufs.bh = { data: packedRows(r, 1, H, 3, 0.5), role: 'in' };
    bufs.dzx = { data: sentinels(B * T * 3 * Hp), role: 'out' };
    bufs.dza = { data: sentinels(B * T * 3 * Hp), role: 'out' };
  } else {
    bufs.dz = { data: sentinels(B * T * G * Hp), role: 'out' };
  }
  if (cell === 'lstm') bufs.cT = { data: sentinels(B * H), role: 'out' };
  if (c.h0) bufs.h0 = { data: filled(B * H, () => r.uni(1)), role: 'in', misalign: r.int(0, 3) };
  if (c.c0 && cell === 'lstm') bufs.c0 = { data: filled(B * H, () => r.uni(1)), role: 'in', misalign: r.int(0, 3) };
  if (c.dhT) bufs.dhT = { data: filled(B * H, () => r.uni(1)), role: 'in', misalign: r.int(0, 3) };
  if (c.dcT && cell === 'lstm') bufs.dcT = { data: filled(B * H, () => r.uni(1)), role: 'in', misalign: r.int(0, 3) };
  if (c.dh0) bufs.dh0 = { data: sentinels(B * H), role: 'out', misalign: r.int(0, 3) };
  if (c.dc0 && cell === 'lstm') bufs.dc0 = { data: sentinels(B * H), role: 'out', misalign: r.int(0, 3) };
  let doutStride = 0;
  if (c.dout) {
    // the gaps between rows (columns ≥ H) hold the NaN sentinel: a kernel reading them would show
    doutStride = c.dout === 1 ? H + r.int(0, 3) : 2 * H;
    const skip = c.dout === 2 ? H : 0;   // Bidirectional-like: the other direction's half of the last row is not there
    const n = B * T * doutStride - skip;
    bufs.dout = {
      data: filled(n, (i) => (i % doutStride < H ? r.uni(1) : sentinelF32)),
      role: 'in', misalign: c.dout === 2 ? H : r.int(0, 3),
    };
  }
  return { bufs, doutStride };
}

/** Checks that the padded lanes (units ≥ H) of packed gradient rows [rows][P][G][4] are exactly 0. */
function padsZero(rows: number, H: number, G: number, names: string[]) {
  return (outs: Record<string, Float32Array>, backend: string): string[] => {
    const problems: string[] = [];
    const Hp = roundUp4(H), P = Hp / 4;
    for (const name of names) {
      const d = outs[name];
      for (let i = 0; i < rows * G * Hp; i++) {
        const lane = i & 3, p = Math.floor(i / (4 * G)) % P;
        if (4 * p + lane >= H && !Object.is(d[i], 0)) { problems.push(`${backend}: ${name}[${i}] = ${d[i]} in a padded lane`); break; }
      }
    }
    return problems;
  };
}

/** Activated outputs y of a Dense layer for `kind` (relu with exact zeros, softmax rows summing to 1). */
function activated(r: Rng, kind: number, rows: number, cols: number): Float32Array {
  if (kind === Act.softmax) {
    const y = new Float32Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      const e = Array.from({ length: cols }, () => Math.exp(r.uni(4)));
      const s = e.reduce((a, b) => a + b, 0);
      for (let j = 0; j < cols; j++) y[i * cols + j] = e[j] / s;
    }
    return y;
  }
  return filled(rows * cols, () => {
    const v = r.uni(3);
    return kind === Act.relu ? Math.max(0, v) : kind === Act.sigmoid ? 1 / (1 + Math.exp(-v)) : kind === Act.tanh ? Math.tanh(v) : v;
  });
}

// ── the tests ───────────────────────────────────────────────────────────────
describe('kernels: wasm-simd and wasm agree with js', () => {
  it('project (pw 4, 8, 12, 16; with and without bias; x misaligned)', () => {
    const r = rng(1);
    // [rows, K, panels, pw]; rows > 64 cross project's row chunks
    const shapes: [number, number, number, number][] = [[1, 1, 1, 4], [1, 1, 1, 12], [1, 1, 1, 16], [100, 32, 32, 16],
      [37, 64, 9, 12], [50, 20, 30, 4], [65, 3, 2, 16], [130, 9, 5, 12], [131, 7, 9, 4], [129, 5, 3, 8]];
    for (let i = 0; i < 60; i++) shapes.push([r.int(1, 40), r.int(1, 70), r.int(1, 6), [4, 12, 16][r.int(0, 2)]]);
    for (const [rows, K, panels, pw] of shapes) {
      const bias = r.bool(0.7);
      const bufs: Bufs = {
        x: { data: filled(rows * K, () => r.uni(1)), role: 'in', misalign: r.int(0, 3) },
        w: { data: filled(panels * K * pw, () => r.uni(0.5)), role: 'in' },
        out: { data: sentinels(rows * panels * pw), role: 'out' },
      };
      if (bias) bufs.bias = { data: filled(panels * pw, () => r.uni(1)), role: 'in' };
      check(`project rows=${rows} K=${K} panels=${panels} pw=${pw} bias=${+bias}`, bufs,
        (k, p) => k.project(p.x, rows, K, p.w, panels, pw, p.bias ?? 0, p.out));
    }
  });

  it('lstmRecur over random shapes', () => {
    const r = rng(2);
    for (const c of cases(20, 60)) {
      const { bufs, outStride } = recurBufs(r, c, 4, 'lstm');
      check(`lstmRecur ${describeCase(c)}`, bufs, (k, p) => k.lstmRecur(p.z, c.B, c.T, c.H, p.u, p.h0 ?? 0, p.c0 ?? 0,
        p.out ?? 0, outStride, p.hT, p.cT, c.reverse, p.work, p.rec ?? 0));
    }
  });

  it('gruRecur over random shapes', () => {
    const r = rng(3);
    for (const c of cases(30, 60)) {
      const { bufs, outStride } = recurBufs(r, c, 3, 'gru');
      check(`gruRecur ${describeCase(c)}`, bufs, (k, p) => k.gruRecur(p.z, c.B, c.T, c.H, p.u, p.bh, p.h0 ?? 0,
        p.out ?? 0, outStride, p.hT, c.reverse, p.work, p.rec ?? 0));
    }
  });

  it('rnnRecur over random shapes, tanh and relu', () => {
    const r = rng(4);
    for (const c of cases(40, 60)) {
      for (const relu of [0, 1]) {
        const { bufs, outStride } = recurBufs(r, c, 1, relu ? 'relu' : 'rnn');
        check(`rnnRecur ${describeCase(c)} relu=${relu}`, bufs, (k, p) => k.rnnRecur(p.z, c.B, c.T, c.H, p.u, p.h0 ?? 0,
          p.out ?? 0, outStride, p.hT, c.reverse, relu, p.work, p.rec ?? 0));
      }
    }
  });

  it('activate: every kind, from rows with a stride into compact rows, apart and in place', () => {
    const r = rng(5);
    const kinds = Object.entries(Act);
    for (let i = 0; i < 80; i++) {
      const [name, kind] = kinds[i % kinds.length];
      const rows = r.int(1, 6), cols = r.int(1, 40), stride = cols + r.int(0, 5);
      const scale = r.bool() ? 10 : 60;   // softmax over a wide range exercises the exp flush to 0
      const data = filled(rows * stride, (j) => (j % stride < cols ? r.uni(scale) : sentinelF32));
      // apart: x is left as it was (an input), y is [rows, cols]
      check(`activate ${name} rows=${rows} cols=${cols} stride=${stride}`, { x: { data, role: 'in' }, y: { data: filled(rows * cols, () => sentinelF32), role: 'out' } },
        (k, p) => k.activate(p.x, rows, cols, stride, kind, p.y));
      // in place, as Dense runs it: the rows close up over their own padding
      check(`activate ${name} in place rows=${rows} cols=${cols} stride=${stride}`, { p: { data, role: 'out' } },
        (k, p) => k.activate(p.p, rows, cols, stride, kind, p.p));
    }
  });

  it('activate σ and tanh over one long row (the SIMD body and its tail), apart and in place', () => {
    const r = rng(6);
    for (const n of [1, 2, 3, 4, 5, 7, 8, 31, 64, 1001]) {
      const x = filled(n, () => r.uni(20));
      for (const [name, kind] of [['sigmoid', Act.sigmoid], ['tanh', Act.tanh]] as const) {
        check(`activate ${name} n=${n}`, { x: { data: x, role: 'in' }, y: { data: sentinels(n), role: 'out' } }, (k, p) => k.activate(p.x, 1, n, n, kind, p.y));
        check(`activate ${name} in place n=${n}`, { x: { data: x, role: 'out' } }, (k, p) => k.activate(p.x, 1, n, n, kind, p.x));
      }
    }
  });

  it('merge: sum, mul, ave of strided rows (Bidirectional\'s halves), misaligned, into compact rows and in place', () => {
    const r = rng(41);
    for (let i = 0; i < 60; i++) {
      const op = i % 3, rows = r.int(1, 7), cols = r.int(1, 19), aStride = cols + r.int(0, 6), bStride = cols + r.int(0, 6);
      const strided = (stride: number) => filled(rows * stride, (j) => (j % stride < cols ? r.uni(3) : sentinelF32));
      const a = strided(aStride), b = strided(bStride);
      check(`merge op=${op} rows=${rows} cols=${cols} strides=${aStride},${bStride}`, {
        a: { data: a, role: 'in', misalign: r.int(0, 3) }, b: { data: b, role: 'in', misalign: r.int(0, 3) },
        out: { data: sentinels(rows * cols), role: 'out', misalign: r.int(0, 3) },
      }, (k, p) => k.merge(p.a, aStride, p.b, bStride, rows, cols, op, p.out));
      // in place over a compact operand, as Dropout may not but a caller is allowed to
      check(`merge op=${op} in place rows=${rows} cols=${cols}`, {
        a: { data: filled(rows * cols, () => r.uni(3)), role: 'out' }, b: { data: b, role: 'in' },
      }, (k, p) => k.merge(p.a, cols, p.b, bStride, rows, cols, op, p.a));
    }
  });

  it('repeat: [rows][cols] → [rows][n][cols], misaligned', () => {
    const r = rng(42);
    for (let i = 0; i < 40; i++) {
      const rows = r.int(1, 5), cols = r.int(1, 21), n = r.int(1, 9);
      check(`repeat rows=${rows} cols=${cols} n=${n}`, {
        x: { data: filled(rows * cols, () => r.uni(2)), role: 'in', misalign: r.int(0, 3) },
        out: { data: sentinels(rows * n * cols), role: 'out', misalign: r.int(0, 3) },
      }, (k, p) => k.repeat(p.x, rows, cols, n, p.out));
    }
  });

  // ── training ──────────────────────────────────────────────────────────────

  it('lstmBackward / gruBackward / rnnBackward after a recorded forward, over random shapes', () => {
    const r = rng(7);
    for (const cell of ['lstm', 'gru', 'rnn', 'relu'] as const) {
      for (const c of backCases(70 + ['lstm', 'gru', 'rnn', 'relu'].indexOf(cell), 40)) {
        const { bufs, doutStride } = backBufs(r, c, cell);
        const { B, T, H, reverse } = c;
        const verify = padsZero(B * T, H, cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1, cell === 'gru' ? ['dzx', 'dza'] : ['dz']);
        const label = `${cell === 'lstm' ? 'lstmBackward' : cell === 'gru' ? 'gruBackward' : 'rnnBackward'} ${cell} ${describeBackCase(c)}`;
        check(label, bufs, (k, p) => {
          if (cell === 'lstm') {
            k.lstmRecur(p.z, B, T, H, p.u, p.h0 ?? 0, p.c0 ?? 0, 0, 0, p.hT, p.cT, reverse, p.work, p.rec);
            k.lstmBackward(p.rec, B, T, H, p.u, p.h0 ?? 0, p.c0 ?? 0, p.dout ?? 0, doutStride, p.dhT ?? 0, p.dcT ?? 0, reverse,
              p.dz, p.hprev, p.dh0 ?? 0, p.dc0 ?? 0, p.bwork);
          } else if (cell === 'gru') {
            k.gruRecur(p.z, B, T, H, p.u, p.bh, p.h0 ?? 0, 0, 0, p.hT, reverse, p.work, p.rec);
            k.gruBackward(p.rec, B, T, H, p.u, p.h0 ?? 0, p.dout ?? 0, doutStride, p.dhT ?? 0, reverse,
              p.dzx, p.dza, p.hprev, p.dh0 ?? 0, p.bwork);
          } else {
            const relu = cell === 'relu' ? 1 : 0;
            k.rnnRecur(p.z, B, T, H, p.u, p.h0 ?? 0, 0, 0, p.hT, reverse, relu, p.work, p.rec);
            k.rnnBackward(p.rec, B, T, H, p.u, p.h0 ?? 0, p.dout ?? 0, doutStride, p.dhT ?? 0, reverse, relu,
              p.dz, p.hprev, p.dh0 ?? 0, p.bwork);
          }
        }, { tol: 'rel', verify });
      }
    }
  });

  it('gradWeights (pw 4, 12, 16; K odd, 1; rows across chunks; db or not): accumulates into dw, db', () => {
    const r = rng(8);
    // [rows, K, panels, pw]; rows > 128 cross the row chunks; pw 4 with 1..7 panels: groups of 4 and leftovers
    const shapes: [number, number, number, number][] = [[1, 1, 1, 4], [1, 1, 1, 12], [1, 1, 1, 16], [3200, 8, 16, 16],
      [300, 64, 16, 16], [129, 7, 3, 12], [257, 5, 7, 4], [130, 1, 4, 4], [64, 65, 2, 16], [5, 3, 9, 4], [40, 20, 2, 8]];
    for (let i = 0; i < 40; i++) shapes.push([r.int(1, 300), r.int(1, 70), r.int(1, 6), [4, 12, 16][r.int(0, 2)]]);
    for (const [rows, K, panels, pw] of shapes) {
      const withDb = r.bool(0.7), N = panels * pw;
      const bufs: Bufs = {
        x: { data: filled(rows * K, () => r.uni(1)), role: 'in', misalign: r.int(0, 3) },
        dz: { data: filled(rows * N, () => r.uni(1)), role: 'in' },
        dw: { data: filled(panels * K * pw, () => r.uni(1)), role: 'out' },   // non-zero: it must accumulate
      };
      if (withDb) bufs.db = { data: filled(N, () => r.uni(1)), role: 'out' };
      check(`gradWeights rows=${rows} K=${K} panels=${panels} pw=${pw} db=${+withDb}`, bufs,
        (k, p) => k.gradWeights(p.x, rows, K, p.dz, panels, pw, p.dw, p.db ?? 0), { tol: 'norm' });
    }
  });

  it('gradInput (pw 4, 12, 16; K not a multiple of 4; dx misaligned): accumulates into dx', () => {
    const r = rng(9);
    const shapes: [number, number, number, number][] = [[1, 1, 1, 4], [1, 1, 1, 12], [1, 1, 1, 16], [3200, 8, 16, 16],
      [65, 64, 16, 16], [129, 7, 3, 12], [131, 5, 7, 4], [2, 1, 4, 4], [64, 66, 2, 16], [5, 3, 9, 4], [40, 21, 2, 8]];
    for (let i = 0; i < 40; i++) shapes.push([r.int(1, 140), r.int(1, 70), r.int(1, 6), [4, 12, 16][r.int(0, 2)]]);
    for (const [rows, K, panels, pw] of shapes) {
      const N = panels * pw;
      const bufs: Bufs = {
        dz: { data: filled(rows * N, () => r.uni(1)), role: 'in' },
        w: { data: filled(panels * K * pw, () => r.uni(0.5)), role: 'in' },
        dx: { data: filled(rows * K, () => r.uni(1)), role: 'out', misalign: r.int(0, 3) },
      };
      check(`gradInput rows=${rows} K=${K} panels=${panels} pw=${pw}`, bufs,
        (k, p) => k.gradInput(p.dz, rows, K, p.w, panels, pw, p.dx), { tol: 'norm' });
    }
  });

  it('activateBackward: every kind, strided dz (columns past cols untouched), in place', () => {
    const r = rng(10);
    const kinds = Object.entries(Act);
    for (let i = 0; i < 100; i++) {
      const [name, kind] = kinds[i % kinds.length];
      const rows = r.int(1, 6), cols = i < 10 ? i % 5 + 1 : r.int(1, 40), stride = cols + r.int(0, 5);
      const y = activated(r, kind, rows, cols);
      const dy = filled(rows * cols, () => r.uni(2));
      check(`activateBackward ${name} rows=${rows} cols=${cols} stride=${stride}`, {
        y: { data: y, role: 'in', misalign: r.int(0, 3) },
        dy: { data: dy, role: 'in', misalign: r.int(0, 3) },
        dz: { data: sentinels(rows * stride), role: 'out', misalign: r.int(0, 3) },
      }, (k, p) => k.activateBackward(p.y, p.dy, rows, cols, p.dz, stride, kind));
      check(`activateBackward(in-place) ${name} rows=${rows} cols=${cols}`, {
        y: { data: y, role: 'in' }, dy: { data: dy, role: 'out', misalign: r.int(0, 3) },
      }, (k, p) => k.activateBackward(p.y, p.dy, rows, cols, p.dy, cols, kind));
    }
  });

  it('sumSquares: any n, agrees with js to 1e-5 relative (f64 accumulation)', () => {
    const r = rng(11);
    for (const n of [0, 1, 3, 4, 5, 7, 8, 9, 31, 1001, 18_817, 300_001]) {
      const scale = [1e-3, 1, 1e3][n % 3];
      const data = filled(n, (i) => (i === 1 ? -0 : i === 2 ? 0 : r.uni(scale)));
      const got: Record<string, number> = {};
      const call = (be: Backend) => run(be, { p: { data, role: 'in', misalign: r.int(0, 3) } }, (p) => { got[be.k.name] = be.k.sumSquares(p.p, n); });
      for (const be of [js, ...wasm]) expect(call(be).problems).toEqual([]);
      for (const be of wasm) {
        const e = Math.abs(got[be.k.name] - got.js) / Math.max(got.js, Number.MIN_VALUE);
        expect(e, `${be.k.name} sumSquares n=${n}: relative diff vs js`).toBeLessThanOrEqual(1e-5);
        maxDiff[be.k.name + ' sumSquares (rel)'] = Math.max(maxDiff[be.k.name + ' sumSquares (rel)'] ?? 0, n ? e : 0);
      }
    }
  });

  it('scaleClip: any n, clip finite and Infinity, special values', () => {
    const r = rng(12);
    const specials = [0, -0, 10, -10, Infinity, -Infinity, 1e-30, -3.5];
    for (const n of [1, 3, 4, 5, 8, 13, 1001]) {
      for (const [scale, clip] of [[1, Infinity], [0.37, Infinity], [2.5, 1], [1, 0.25], [1e-3, 1e-4]]) {
        const data = filled(n, (i) => (i < specials.length && n > 8 ? specials[i] : r.uni(3)));
        check(`scaleClip n=${n} scale=${scale} clip=${clip}`, { p: { data, role: 'out', misalign: r.int(0, 3) } },
          (k, p) => k.scaleClip(p.p, n, scale, clip), { tol: 'rel' });
      }
    }
  });

  it('sgdUpdate, rmspropUpdate, adamUpdate: a few steps, any n', () => {
    const r = rng(13);
    const steps = 4;
    /** A new gradient each step, written into g: g_s = g_0·(1 − 0.4·s) + 0.01·s. */
    const nextGrad = (k: Kernels, g: number, n: number, s: number, g0: Float32Array): void => {
      const m = new Float32Array(k.heap.buffer, g, n);
      for (let i = 0; i < n; i++) m[i] = g0[i] * (1 - 0.4 * s) + 0.01 * s;
    };
    for (const n of [1, 2, 3, 5, 7, 16, 33, 1001, 18_817]) {
      const p0 = filled(n, () => r.uni(1)), g0 = filled(n, (i) => (i % 17 === 3 ? 0 : r.uni(i % 5 === 0 ? 1e-4 : 1)));
      const bufs = (state: number): Bufs => {
        const b: Bufs = { p: { data: p0, role: 'out', misalign: r.int(0, 3) }, g: { data: g0, role: 'out', misalign: r.int(0, 3) } };
        for (let i = 0; i < state; i++) b[`s${i}`] = { data: filled(n, () => (i === 1 ? r.next() : r.uni(0.1))), role: 'out' };
        return b;
      };
      for (const [momentum, nesterov] of [[0, 0], [0.9, 0], [0.9, 1]]) {
        check(`sgdUpdate n=${n} momentum=${momentum} nesterov=${nesterov}`, bufs(1), (k, p) => {
          for (let s = 0; s < steps; s++) {
            nextGrad(k, p.g, n, s, g0);
            k.sgdUpdate(p.p, p.g, p.s0, n, 0.01, momentum, nesterov);
          }
        }, { tol: 'rel' });
      }
      check(`rmspropUpdate n=${n}`, bufs(1), (k, p) => {
        new Float32Array(k.heap.buffer, p.s0, n).fill(0);
        for (let s = 0; s < steps; s++) {
          nextGrad(k, p.g, n, s, g0);
          k.rmspropUpdate(p.p, p.g, p.s0, n, 0.001, 0.9, 1e-7);
        }
      }, { tol: 'rel' });
      for (const weightDecay of [0, 0.004]) {
        check(`adamUpdate n=${n} weightDecay=${weightDecay}`, bufs(2), (k, p) => {
          const lr = 0.001, b1 = 0.9, b2 = 0.999;
          for (let s = 0; s < steps; s++) {
            nextGrad(k, p.g, n, s, g0);
            const t = s + 1, lrT = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
            k.adamUpdate(p.p, p.g, p.s0, p.s1, n, lrT, b1, b2, 1e-7, lr * weightDecay);
          }
        }, { tol: 'rel' });
      }
    }
  });

  it('mergeBackward: sum, mul, ave into strided gradients (the floats between rows untouched)', () => {
    const r = rng(43);
    for (let i = 0; i < 60; i++) {
      const op = i % 3, rows = r.int(1, 7), cols = r.int(1, 19);
      const aStride = cols + r.int(0, 6), bStride = cols + r.int(0, 6), daStride = cols + r.int(0, 6), dbStride = cols + r.int(0, 6);
      const strided = (stride: number) => filled(rows * stride, (j) => (j % stride < cols ? r.uni(3) : sentinelF32));
      check(`mergeBackward op=${op} rows=${rows} cols=${cols}`, {
        dy: { data: filled(rows * cols, () => r.uni(2)), role: 'in', misalign: r.int(0, 3) },
        a: { data: strided(aStride), role: 'in', misalign: r.int(0, 3) }, b: { data: strided(bStride), role: 'in' },
        da: { data: sentinels(rows * daStride), role: 'out', misalign: r.int(0, 3) }, db: { data: sentinels(rows * dbStride), role: 'out' },
      }, (k, p) => k.mergeBackward(p.dy, p.a, aStride, p.b, bStride, rows, cols, op, p.da, daStride, p.db, dbStride));
    }
  });

  it('repeatBackward: the sum over the n copies, misaligned', () => {
    const r = rng(44);
    for (let i = 0; i < 40; i++) {
      const rows = r.int(1, 5), cols = r.int(1, 21), n = r.int(1, 9);
      check(`repeatBackward rows=${rows} cols=${cols} n=${n}`, {
        dy: { data: filled(rows * n * cols, () => r.uni(2)), role: 'in', misalign: r.int(0, 3) },
        dx: { data: sentinels(rows * cols), role: 'out', misalign: r.int(0, 3) },
      }, (k, p) => k.repeatBackward(p.dy, rows, cols, n, p.dx));
    }
  });

  it('reports the max differences', () => {
    const lines = Object.entries(maxDiff).map(([k, v]) => `  ${k.padEnd(22)} ${v.toExponential(2)}`);
    console.log(`max |wasm − js| per kernel (tolerance ${TOL}):\n${lines.join('\n')}`);
    expect(Object.keys(maxDiff).length).toBeGreaterThanOrEqual(2 * (7 + 11));
  });
});

/** Floats of a kernel's training record, from the one layout. */
function recordFloatsOf(cell: 'lstm' | 'gru' | 'rnn' | 'relu', B: number, T: number, H: number): number {
  return recordLayout(cell === 'lstm' ? LSTM_RECORD : cell === 'gru' ? GRU_RECORD : RNN_RECORD, B, T, H).floats;
}
