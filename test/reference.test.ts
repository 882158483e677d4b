/**
 * The js reference (src/backend/js/) on plain PyTorch-layout matrices, and
 * the packing checked separately against it.
 *
 * 1. The reference against PyTorch itself (test/golden): each cell's
 *    forward, the reverse direction of a bidirectional LSTM, and an LSTM's
 *    gradients (backward + the linear-map gradients) against autograd.
 * 2. The packed kernels against the reference: PyTorch-layout weights (the
 *    golden ones, and random ones with H not a multiple of 4) are packed
 *    with the library's packing and run through every backend's kernels —
 *    project, the recurrence with a record, the backward, gradWeights and
 *    gradInput — and every result, read back in the layout kernels.ts
 *    documents, must equal the reference run on the plain matrices. A
 *    packing bug, or a kernel reading the packed layout wrongly, shows here
 *    even where wasm and js would agree with each other.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Arena } from '../src/backend/arena.js';
import { createJsKernels } from '../src/backend/js/kernels.js';
import { createJsTrainingKernels } from '../src/backend/js/training.js';
import { linearForward, linearGradInput, linearGradWeights } from '../src/backend/js/gemm.js';
import { gruBackward, gruForward } from '../src/backend/js/gru.js';
import { lstmBackward, lstmForward } from '../src/backend/js/lstm.js';
import { rnnBackward, rnnForward } from '../src/backend/js/rnn.js';
import { previousStates, type Sequences } from '../src/backend/js/sequence.js';
import { backWorkFloats, recurWorkFloats, roundUp4, type Kernels, type TrainingKernels } from '../src/backend/kernels.js';
import { GRU_RECORD, LSTM_RECORD, RNN_RECORD, recordLayout, type RecordSections } from '../src/backend/record-layout.js';
import { createWasmKernels } from '../src/backend/wasm.js';
import { add, packBias, packPanels, unpackBias, unpackPanels } from '../src/weights/packing.js';
import { golden, maxAbsDiff, rng, WASM_BUILDS, type GoldenTensor } from './helpers.js';

const TOL = 1e-5;
const data = (t: GoldenTensor): Float32Array => Float32Array.from(t.data);

// ── 1. the reference against PyTorch ────────────────────────────────────────

describe('the js reference against PyTorch (test/golden)', () => {
  it('LSTM with an initial state (lstm_small)', () => {
    const c = golden('lstm_small'), w = c.state_dict;
    const [B, T, I] = c.inputs.input.shape, H = 4, seq = { B, T, H };
    const gx = linearForward(data(c.inputs.input), data(w.weight_ih_l0), add(data(w.bias_ih_l0), data(w.bias_hh_l0)), B * T, I, 4 * H);
    const r = lstmForward(gx, data(w.weight_hh_l0), seq, data(c.inputs.h0), data(c.inputs.c0));
    expect(maxAbsDiff(r.trace.h, c.expected.output.data)).toBeLessThan(TOL);
    expect(maxAbsDiff(r.hT, c.expected.h_n.data)).toBeLessThan(TOL);
    expect(maxAbsDiff(r.cT, c.expected.c_n.data)).toBeLessThan(TOL);
  });

  it('both directions of a bidirectional LSTM (lstm_bidir, H = 6)', () => {
    const c = golden('lstm_bidir'), w = c.state_dict;
    const [B, T, I] = c.inputs.input.shape, H = 6;
    ['', '_reverse'].forEach((dir, d) => {
      const gx = linearForward(data(c.inputs.input), data(w[`weight_ih_l0${dir}`]), add(data(w[`bias_ih_l0${dir}`]), data(w[`bias_hh_l0${dir}`])), B * T, I, 4 * H);
      const r = lstmForward(gx, data(w[`weight_hh_l0${dir}`]), { B, T, H, reverse: d === 1 });
      for (let row = 0; row < B * T; row++) {
        const want = c.expected.output.data.slice(row * 2 * H + d * H, row * 2 * H + (d + 1) * H);
        expect(maxAbsDiff(r.trace.h.subarray(row * H, (row + 1) * H), want), `direction ${d} row ${row}`).toBeLessThan(TOL);
      }
      expect(maxAbsDiff(r.hT, c.expected.h_n.data.slice(d * B * H, (d + 1) * B * H))).toBeLessThan(TOL);
      expect(maxAbsDiff(r.cT, c.expected.c_n.data.slice(d * B * H, (d + 1) * B * H))).toBeLessThan(TOL);
    });
  });

  it('GRU with an initial state (gru_small)', () => {
    const c = golden('gru_small'), w = c.state_dict;
    const [B, T, I] = c.inputs.input.shape, H = 4;
    const gx = linearForward(data(c.inputs.input), data(w.weight_ih_l0), data(w.bias_ih_l0), B * T, I, 3 * H);
    const r = gruForward(gx, data(w.weight_hh_l0), data(w.bias_hh_l0), { B, T, H }, data(c.inputs.h0));
    expect(maxAbsDiff(r.trace.h, c.expected.output.data)).toBeLessThan(TOL);
    expect(maxAbsDiff(r.hT, c.expected.h_n.data)).toBeLessThan(TOL);
  });

  it('simple RNN, tanh (rnn_small)', () => {
    const c = golden('rnn_small'), w = c.state_dict;
    const [B, T, I] = c.inputs.input.shape, H = 4;
    const gx = linearForward(data(c.inputs.input), data(w.weight_ih_l0), add(data(w.bias_ih_l0), data(w.bias_hh_l0)), B * T, I, H);
    const r = rnnForward(gx, data(w.weight_hh_l0), 'tanh', { B, T, H });
    expect(maxAbsDiff(r.h, c.expected.output.data)).toBeLessThan(TOL);
    expect(maxAbsDiff(r.hT, c.expected.h_n.data)).toBeLessThan(TOL);
  });

  it('LSTM → Linear on the last step, MSE: every gradient equals autograd (lstm_grad)', () => {
    const c = golden('lstm_grad'), w = c.state_dict, e = c.expected;
    const [B, T, I] = c.inputs.input.shape, H = 4, seq = { B, T, H };
    const x = data(c.inputs.input), Wih = data(w['lstm.weight_ih_l0']), Whh = data(w['lstm.weight_hh_l0']);
    const Wlin = data(w['linear.weight']), y = data(c.inputs.target);
    const f = lstmForward(linearForward(x, Wih, add(data(w['lstm.bias_ih_l0']), data(w['lstm.bias_hh_l0'])), B * T, I, 4 * H), Whh, seq);
    const pred = linearForward(f.hT, Wlin, data(w['linear.bias']), B, H, 1);
    const dpred = pred.map((p, b) => (2 * (p - y[b])) / B);   // ∂ mean((pred − y)²)
    expect(maxAbsDiff(pred, e.prediction.data)).toBeLessThan(TOL);
    expect(Math.abs(pred.reduce((s, p, b) => s + (p - y[b]) ** 2, 0) / B - e.loss.data[0])).toBeLessThan(TOL);

    const back = lstmBackward(f.trace, Whh, seq, undefined, undefined, linearGradInput(dpred, Wlin, B, H, 1), undefined);
    const dIh = linearGradWeights(x, back.dgx, B * T, I, 4 * H);
    const dHh = linearGradWeights(previousStates(f.trace.h, undefined, seq), back.dgx, B * T, H, 4 * H);
    const dLin = linearGradWeights(f.hT, dpred, B, H, 1);
    const near = (got: ArrayLike<number>, want: GoldenTensor, what: string) => {
      const scale = Math.max(1e-3, ...want.data.map(Math.abs));
      expect(maxAbsDiff(got, want.data) / scale, what).toBeLessThan(1e-4);
    };
    near(dIh.dW, e['grad.lstm.weight_ih_l0'], 'weight_ih');
    near(dHh.dW, e['grad.lstm.weight_hh_l0'], 'weight_hh');
    near(dIh.db, e['grad.lstm.bias_ih_l0'], 'bias_ih');
    near(dIh.db, e['grad.lstm.bias_hh_l0'], 'bias_hh');   // one bias in the sum: the same gradient
    near(dLin.dW, e['grad.linear.weight'], 'linear.weight');
    near(dLin.db, e['grad.linear.bias'], 'linear.bias');
    near(linearGradInput(back.dgx, Wih, B * T, I, 4 * H), e.input_grad, 'input');
  });
});

// ── 2. the packed kernels against the reference ─────────────────────────────

type AllKernels = Kernels & TrainingKernels;
interface Backend { k: AllKernels; arena: Arena }
const backends: Backend[] = [];

beforeAll(async () => {
  const jk = createJsKernels();
  const all: AllKernels[] = [{ ...jk, ...createJsTrainingKernels(jk.heap) }];
  for (const [, name, file] of WASM_BUILDS) {
    all.push(await createWasmKernels(name, await WebAssembly.compile(readFileSync(file))));
  }
  for (const k of all) backends.push({ k, arena: new Arena(k.heap) });
});

type Cell = 'lstm' | 'gru' | 'rnn' | 'relu';
const GATES: Record<Cell, number> = { lstm: 4, gru: 3, rnn: 1, relu: 1 };
const RECORDS: Record<Cell, RecordSections> = { lstm: LSTM_RECORD, gru: GRU_RECORD, rnn: RNN_RECORD, relu: RNN_RECORD };

/** A layer's parameters in PyTorch's layout, and its inputs. */
interface Case {
  cell: Cell; B: number; T: number; I: number; H: number; reverse: boolean;
  Wih: Float32Array; Whh: Float32Array; bih: Float32Array; bhh: Float32Array;
  x: Float32Array; h0: Float32Array; c0: Float32Array;
  dout: Float32Array; dhT: Float32Array; dcT: Float32Array;
}

/** Everything a forward and backward produce, plain: [B, T, ·] sequences, [B, H] states, PyTorch-layout gradients. */
interface Results {
  out: ArrayLike<number>; hT: ArrayLike<number>; cT?: ArrayLike<number>;
  /** The record's gates and states, [B, T, H] each, in RECORDS order. */
  gates: ArrayLike<number>[]; states: ArrayLike<number>[];
  /** ∂L/∂gx [B, T, G·H]; for the GRU also ∂L/∂gh. */
  dgx: ArrayLike<number>; dgh?: ArrayLike<number>;
  hprev: ArrayLike<number>; dh0: ArrayLike<number>; dc0?: ArrayLike<number>;
  dWih: ArrayLike<number>; dWhh: ArrayLike<number>; db: ArrayLike<number>; dbhh?: ArrayLike<number>; dx: ArrayLike<number>;
}

/** The reference on the plain matrices. LSTM and RNN fold b_hh into the projection's bias, as the layers do. */
function reference(c: Case): Results {
  const { cell, B, T, I, H } = c, G = GATES[cell], seq: Sequences = { B, T, H, reverse: c.reverse };
  const gx = linearForward(c.x, c.Wih, cell === 'gru' ? c.bih : add(c.bih, c.bhh), B * T, I, G * H);
  let r: Omit<Results, 'dWih' | 'dWhh' | 'db' | 'dbhh' | 'dx' | 'hprev'>;
  if (cell === 'lstm') {
    const f = lstmForward(gx, c.Whh, seq, c.h0, c.c0), t = f.trace;
    const d = lstmBackward(t, c.Whh, seq, c.c0, c.dout, c.dhT, c.dcT);
    r = { out: t.h, hT: f.hT, cT: f.cT, gates: [t.i, t.f, t.g, t.o], states: [t.c, t.h], dgx: d.dgx, dh0: d.dh0, dc0: d.dc0 };
  } else if (cell === 'gru') {
    const f = gruForward(gx, c.Whh, c.bhh, seq, c.h0), t = f.trace;
    const d = gruBackward(t, c.Whh, seq, c.h0, c.dout, c.dhT);
    r = { out: t.h, hT: f.hT, gates: [t.r, t.z, t.n], states: [t.ghn, t.h], dgx: d.dgx, dgh: d.dgh, dh0: d.dh0 };
  } else {
    const act = cell === 'relu' ? 'relu' : 'tanh';
    const f = rnnForward(gx, c.Whh, act, seq, c.h0);
    const d = rnnBackward(f.h, c.Whh, act, seq, c.dout, c.dhT);
    r = { out: f.h, hT: f.hT, gates: [], states: [f.h], dgx: d.dgx, dh0: d.dh0 };
  }
  const hprev = previousStates(r.out as Float64Array, c.h0, seq);
  const input = linearGradWeights(c.x, r.dgx as Float64Array, B * T, I, G * H);
  const recurrent = linearGradWeights(hprev, (r.dgh ?? r.dgx) as Float64Array, B * T, H, G * H);
  return {
    ...r, hprev, dWih: input.dW, db: input.db, dWhh: recurrent.dW, dbhh: cell === 'gru' ? recurrent.db : undefined,
    dx: linearGradInput(r.dgx as Float64Array, c.Wih, B * T, I, G * H),
  };
}

/** Packed rows [rows][Hp/4][G][4] → [rows, G·H], by the index equation of kernels.ts. */
function unpackRows(packed: Float32Array, rows: number, G: number, H: number): Float32Array {
  const Hp = roundUp4(H), out = new Float32Array(rows * G * H);
  for (let r = 0; r < rows; r++)
    for (let g = 0; g < G; g++)
      for (let j = 0; j < H; j++) out[(r * G + g) * H + j] = packed[r * G * Hp + (j >> 2) * 4 * G + g * 4 + (j & 3)];
  return out;
}

/** The same layer through one backend's kernels, on weights packed by the library's packing. */
function kernels({ k, arena }: Backend, c: Case): Results {
  const { cell, B, T, I, H } = c, G = GATES[cell], Hp = roundUp4(H), P = Hp / 4, rows = B * T, rev = c.reverse ? 1 : 0;
  const blocks: number[] = [];
  const alloc = (n: number, from?: Float32Array): number => {
    const p = arena.allocFloats(Math.max(n, 1));
    blocks.push(p);
    const m = new Float32Array(k.heap.buffer, p, n);
    if (from) m.set(from); else m.fill(0);
    return p;
  };
  const read = (p: number, n: number): Float32Array => new Float32Array(k.heap.buffer, p, n).slice();
  // each buffer is written through a fresh view: an allocation may grow the heap (and detach the old buffer)
  const x = alloc(rows * I, c.x), w = alloc(Hp * G * I, packPanels(c.Wih, G, H, I)), u = alloc(Hp * G * H, packPanels(c.Whh, G, H, H));
  const bias = alloc(G * Hp, packBias(cell === 'gru' ? c.bih : add(c.bih, c.bhh), G, H)), bh = alloc(3 * Hp, cell === 'gru' ? packBias(c.bhh, 3, H) : undefined);
  const h0 = alloc(B * H, c.h0), c0 = alloc(B * H, c.c0), dout = alloc(rows * H, c.dout), dhT = alloc(B * H, c.dhT), dcT = alloc(B * H, c.dcT);
  const z = alloc(rows * G * Hp), out = alloc(rows * H), hT = alloc(B * H), cT = alloc(B * H), work = alloc(recurWorkFloats(B, H));
  const rec = alloc(recordFloatsOf(cell, B, T, H)), bwork = alloc(backWorkFloats(B, H));
  const dz = alloc(rows * G * Hp), dza = alloc(rows * G * Hp), hprev = alloc(rows * H), dh0 = alloc(B * H), dc0 = alloc(B * H);
  const dW = alloc(Hp * G * I), db = alloc(G * Hp), dU = alloc(Hp * G * H), dbh = alloc(G * Hp), dx = alloc(rows * I);

  k.project(x, rows, I, w, P, 4 * G, bias, z);
  if (cell === 'lstm') {
    k.lstmRecur(z, B, T, H, u, h0, c0, out, H, hT, cT, rev, work, rec);
    k.lstmBackward(rec, B, T, H, u, h0, c0, dout, H, dhT, dcT, rev, dz, hprev, dh0, dc0, bwork);
  } else if (cell === 'gru') {
    k.gruRecur(z, B, T, H, u, bh, h0, out, H, hT, rev, work, rec);
    k.gruBackward(rec, B, T, H, u, h0, dout, H, dhT, rev, dz, dza, hprev, dh0, bwork);
  } else {
    const relu = cell === 'relu' ? 1 : 0;
    k.rnnRecur(z, B, T, H, u, h0, out, H, hT, rev, relu, work, rec);
    k.rnnBackward(rec, B, T, H, u, h0, dout, H, dhT, rev, relu, dz, hprev, dh0, bwork);
  }
  k.gradWeights(x, rows, I, dz, P, 4 * G, dW, db);
  k.gradWeights(hprev, rows, H, cell === 'gru' ? dza : dz, P, 4 * G, dU, cell === 'gru' ? dbh : 0);
  k.gradInput(dz, rows, I, w, P, 4 * G, dx);

  const layout = recordLayout(RECORDS[cell], B, T, H), record = read(rec, layout.floats);
  const section = (at: (t: number, b: number, j: number) => number): Float32Array => {
    const s = new Float32Array(rows * H);
    for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let j = 0; j < H; j++) s[(b * T + t) * H + j] = record[at(t, b, j)];
    return s;
  };
  const results: Results = {
    out: read(out, rows * H), hT: read(hT, B * H), cT: cell === 'lstm' ? read(cT, B * H) : undefined,
    gates: RECORDS[cell].gates.map((_, g) => section((t, b, j) => layout.gate(t, b, g, j))),
    states: RECORDS[cell].states.map((_, s) => section((t, b, j) => layout.state(s, t, b, j))),
    dgx: unpackRows(read(dz, rows * G * Hp), rows, G, H), dgh: cell === 'gru' ? unpackRows(read(dza, rows * G * Hp), rows, G, H) : undefined,
    hprev: read(hprev, rows * H), dh0: read(dh0, B * H), dc0: cell === 'lstm' ? read(dc0, B * H) : undefined,
    dWih: unpackPanels(read(dW, Hp * G * I), G, H, I), dWhh: unpackPanels(read(dU, Hp * G * H), G, H, H),
    db: unpackBias(read(db, G * Hp), G, H), dbhh: cell === 'gru' ? unpackBias(read(dbh, G * Hp), G, H) : undefined,
    dx: read(dx, rows * I),
  };
  // the padded lanes of dz (and dza) are exactly 0
  for (const p of cell === 'gru' ? [dz, dza] : [dz]) {
    const d = read(p, rows * G * Hp);
    d.forEach((v, i) => { if ((i & 3) + 4 * (Math.floor(i / (4 * G)) % P) >= H) expect(Object.is(v, 0), `${k.name}: padded lane ${i} of dz`).toBe(true); });
  }
  for (const p of blocks) arena.release(p);
  return results;
}

/** Every result of the kernels within TOL of the reference, relative to each tensor's scale (at least 1). */
function expectSame(got: Results, want: Results, label: string): void {
  for (const [name, w] of Object.entries(want) as [keyof Results, Results[keyof Results]][]) {
    if (w === undefined) continue;
    const g = got[name];
    const pairs: [ArrayLike<number>, ArrayLike<number>][] = Array.isArray(w) ? w.map((v, i) => [(g as ArrayLike<number>[])[i], v]) : [[g as ArrayLike<number>, w as ArrayLike<number>]];
    pairs.forEach(([a, b], i) => {
      let scale = 1;
      for (let j = 0; j < b.length; j++) scale = Math.max(scale, Math.abs(b[j]));
      expect(maxAbsDiff(a, b) / scale, `${label}: ${name}${Array.isArray(w) ? `[${i}]` : ''}`).toBeLessThanOrEqual(TOL);
    });
  }
}

function randomCase(cell: Cell, B: number, T: number, I: number, H: number, reverse: boolean, seed: number): Case {
  const r = rng(seed), G = GATES[cell];
  const uni = (n: number, a: number) => Float32Array.from({ length: n }, () => r(-a, a));
  const k = cell === 'relu' ? 1 / Math.sqrt(H) : Math.min(0.5, 2 / Math.sqrt(H));   // not chaotic (see kernels.test.ts)
  return {
    cell, B, T, I, H, reverse,
    Wih: uni(G * H * I, 0.5), Whh: uni(G * H * H, k), bih: uni(G * H, 0.5), bhh: uni(G * H, 0.5),
    x: uni(B * T * I, 1), h0: uni(B * H, 1), c0: uni(B * H, 1), dout: uni(B * T * H, 1), dhT: uni(B * H, 1), dcT: uni(B * H, 1),
  };
}

/** A golden case's weights and input, with random states and output gradients. */
function goldenCase(name: string, cell: Cell, H: number, reverse: boolean, suffix = '_l0'): Case {
  const g = golden(name), w = g.state_dict, [B, T, I] = g.inputs.input.shape;
  const c = randomCase(cell, B, T, I, H, reverse, 7);
  return {
    ...c, x: data(g.inputs.input),
    Wih: data(w[`weight_ih${suffix}`]), Whh: data(w[`weight_hh${suffix}`]), bih: data(w[`bias_ih${suffix}`]), bhh: data(w[`bias_hh${suffix}`]),
  };
}

describe('the packed kernels of every backend against the reference on plain matrices', () => {
  const golds: [string, () => Case][] = [
    ['lstm_small', () => goldenCase('lstm_small', 'lstm', 4, false)],
    ['lstm_bidir reverse direction (H = 6)', () => goldenCase('lstm_bidir', 'lstm', 6, true, '_l0_reverse')],
    ['gru_small', () => goldenCase('gru_small', 'gru', 4, false)],
    ['rnn_small', () => goldenCase('rnn_small', 'rnn', 4, true)],
  ];
  it.each(golds)('golden weights: %s', (_, make) => {
    const c = make(), want = reference(c);
    for (const be of backends) expectSame(kernels(be, c), want, `${be.k.name} ${c.cell}`);
  });

  const shapes: [number, number, number, number][] = [[1, 1, 1, 1], [2, 3, 3, 5], [3, 4, 6, 7], [1, 6, 2, 13], [2, 2, 5, 33]];
  it.each(['lstm', 'gru', 'rnn', 'relu'] as const)('random weights, H not a multiple of 4: %s', (cell) => {
    shapes.forEach(([B, T, I, H], i) => {
      for (const reverse of [false, true]) {
        const c = randomCase(cell, B, T, I, H, reverse, 100 * i + (reverse ? 1 : 0));
        const want = reference(c);
        for (const be of backends) expectSame(kernels(be, c), want, `${be.k.name} ${cell} B=${B} T=${T} I=${I} H=${H} reverse=${reverse}`);
      }
    });
  });
});

/** Floats of a kernel's training record, from the one layout. */
function recordFloatsOf(cell: 'lstm' | 'gru' | 'rnn' | 'relu', B: number, T: number, H: number): number {
  return recordLayout(RECORDS[cell], B, T, H).floats;
}
