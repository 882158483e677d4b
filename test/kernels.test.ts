/**
 * Every kernel of the two wasm builds against the js reference, on the same
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
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Arena } from '../src/backend/arena.js';
import { createJsKernels } from '../src/backend/js.js';
import { Act, recordFloats, recurWorkFloats, roundUp4, type Kernels } from '../src/backend/kernels.js';
import { createWasmKernels } from '../src/backend/wasm.js';

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
  const load = async (name: 'wasm-simd' | 'wasm', file: string): Promise<Backend> => {
    const k = await createWasmKernels(name, await WebAssembly.compile(readFileSync(file)));
    return { k, arena: new Arena(k.heap) };
  };
  const jk = createJsKernels();
  js = { k: jk, arena: new Arena(jk.heap) };
  wasm = [await load('wasm-simd', 'build/simd.wasm'), await load('wasm', 'build/scalar.wasm')];
});

/** Run on js and both wasm builds; every output of each build must match js within TOL. */
function check(label: string, bufs: Bufs, call: (k: Kernels, p: Record<string, number>) => void): void {
  const ref = run(js, bufs, (p) => call(js.k, p));
  expect(ref.problems, label).toEqual([]);
  for (const be of wasm) {
    const got = run(be, bufs, (p) => call(be.k, p));
    const problems = [...got.problems];
    let m = 0;
    for (const name of Object.keys(ref.outs)) m = Math.max(m, diff(ref.outs[name], got.outs[name], `${be.k.name} ${label} ${name}`, problems));
    expect(problems, label).toEqual([]);
    expect(m, `${be.k.name} ${label}: max |diff| vs js`).toBeLessThanOrEqual(TOL);
    maxDiff[be.k.name + ' ' + label.split(' ')[0]] = Math.max(maxDiff[be.k.name + ' ' + label.split(' ')[0]] ?? 0, m);
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
  // the record starts zeroed (as the arena hands it out): the reference leaves padded lanes alone, wasm writes 0 there
  if (c.rec) bufs.rec = { data: new Float32Array(recordFloats(cell === 'relu' ? 'rnn' : cell, B, T, H)), role: 'out' };
  const o = outSpec(r, c);
  if (o.buf) bufs.out = o.buf;
  return { bufs, outStride: o.stride };
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

  it('activate: every kind, rows with a stride (columns past cols untouched)', () => {
    const r = rng(5);
    const kinds = Object.entries(Act);
    for (let i = 0; i < 80; i++) {
      const [name, kind] = kinds[i % kinds.length];
      const rows = r.int(1, 6), cols = r.int(1, 40), stride = cols + r.int(0, 5);
      const scale = r.bool() ? 10 : 60;   // softmax over a wide range exercises the exp flush to 0
      const data = filled(rows * stride, (j) => (j % stride < cols ? r.uni(scale) : sentinelF32));
      check(`activate ${name} rows=${rows} cols=${cols} stride=${stride}`, { p: { data, role: 'out' } },
        (k, p) => k.activate(p.p, rows, cols, stride, kind));
    }
  });

  it('vsigmoid and vtanh: any n, separate and in place', () => {
    const r = rng(6);
    for (const n of [1, 2, 3, 4, 5, 7, 8, 31, 64, 1001]) {
      const x = filled(n, () => r.uni(20));
      check(`vsigmoid n=${n}`, { x: { data: x, role: 'in' }, y: { data: sentinels(n), role: 'out' } }, (k, p) => k.vsigmoid(p.x, p.y, n));
      check(`vtanh n=${n}`, { x: { data: x, role: 'in' }, y: { data: sentinels(n), role: 'out' } }, (k, p) => k.vtanh(p.x, p.y, n));
      check(`vsigmoid(in-place) n=${n}`, { x: { data: x, role: 'out' } }, (k, p) => k.vsigmoid(p.x, p.x, n));
      check(`vtanh(in-place) n=${n}`, { x: { data: x, role: 'out' } }, (k, p) => k.vtanh(p.x, p.x, n));
    }
  });

  it('reports the max differences', () => {
    const lines = Object.entries(maxDiff).map(([k, v]) => `  ${k.padEnd(22)} ${v.toExponential(2)}`);
    console.log(`max |wasm − js| per kernel (tolerance ${TOL}):\n${lines.join('\n')}`);
    expect(Object.keys(maxDiff).length).toBeGreaterThanOrEqual(2 * 7);
  });
});
