/**
 * Would i32x4.relaxed_dot_i8x16_i7x16_add_s fit int8 inference? Its second operand must be
 * 7-bit unsigned ([0, 127]) for a deterministic result, so the activations (x_t, h_{t−1})
 * need a scheme other than today's symmetric int8. This runs the js reference's int8 LSTM
 * (src/backend/js/quantized.ts, rebuilt below with the activation quantizer as a parameter)
 * on the golden cases of test/quantize.test.ts, same error measure, once per scheme.
 * Weights stay today's: per-row symmetric int8 in [−127, 127] (the first, signed operand).
 * The S8 column must reproduce test/quantize.test.ts's numbers (SHOW_DIFFS=1) exactly: that
 * is the check that this harness is the reference. Results: bench/RESULTS.md, "int8 inference".
 *
 *     npx vitest run --config bench/int8-i7.config.ts
 */
import { describe, it, vi } from 'vitest';

/** An activation row quantized: a ≈ scale · (q − zero) elementwise; `split` = sum Σw·q⁺ − Σw·q⁻ as two 7-bit dots. */
interface QA { q: Int32Array; scale: number; zero: number; split?: boolean }
type Scheme = (a: ArrayLike<number>) => QA;
const f32 = Math.fround;
const S: { scheme: Scheme; schemeH: Scheme } = (globalThis as any).__i7 ??= { scheme: null as unknown as Scheme, schemeH: null as unknown as Scheme };

vi.mock('../src/backend/js/quantized.js', async () => {
  const { lib } = await import('../src/quantize/library.js');
  const { int8PanelBytes, unpackInt8Panels } = await import('../src/weights/int8-panels.js');
  const state = (globalThis as any).__i7;
  type Rows = { q: Int8Array; scale: Float32Array };
  /** out[n] = b[n] + f32(Σ_k q_w·(q_a − z)) · f32(s_w·s_a), the sum exact (the zero-point term z·Σ_k q_w would be precomputed per row). */
  function product(a: QA, w: Rows, N: number, K: number, bias: ArrayLike<number> | undefined, out: Float32Array, at0: number): void {
    for (let n = 0; n < N; n++) {
      let sum = 0, wsum = 0;
      if (a.split) {
        let pos = 0, neg = 0;   // x⁺ = max(q, 0), x⁻ = max(−q, 0), both in [0, 127]: two relaxed dots
        for (let k = 0; k < K; k++) { const q = a.q[k], wk = w.q[n * K + k]; pos += wk * Math.max(q, 0); neg += wk * Math.max(-q, 0); }
        sum = pos - neg;
      } else {
        for (let k = 0; k < K; k++) { sum += a.q[k] * w.q[n * K + k]; wsum += w.q[n * K + k]; }
        sum -= a.zero * wsum;
      }
      out[at0 + n] = f32(f32(f32(sum) * f32(w.scale[n] * a.scale)) + (bias ? bias[n] : 0));
    }
  }
  function project(x: Float32Array, rows: number, K: number, W: Rows, N: number, bias?: ArrayLike<number>): Float32Array {
    const out = new Float32Array(rows * N);
    for (let r = 0; r < rows; r++) product(state.scheme(x.subarray(r * K, (r + 1) * K)), W, N, K, bias, out, r * N);
    return out;
  }
  function recur(gx: Float32Array, U: Rows, seq: { B: number; T: number; H: number; reverse: boolean }, h0?: Float32Array, c0?: Float32Array) {
    const { B, T, H } = seq;
    const hs = new Float32Array(B * T * H);
    const h = h0 ? h0.slice(0, B * H) : new Float32Array(B * H), c = c0 ? c0.slice(0, B * H) : new Float32Array(B * H);
    const pre = new Float32Array(4 * H);
    for (let b = 0; b < B; b++) for (let s = 0; s < T; s++) {
      const t = lib.stepAt(s, seq), row = b * T + t;
      product(state.schemeH(h.subarray(b * H, (b + 1) * H)), U, 4 * H, H, gx.subarray(row * 4 * H, (row + 1) * 4 * H), pre, 0);
      for (let j = 0; j < H; j++) {
        const i = lib.sigmoid(pre[j]), f = lib.sigmoid(pre[H + j]), g = lib.tanh(pre[2 * H + j]), o = lib.sigmoid(pre[3 * H + j]);
        c[b * H + j] = f * c[b * H + j] + i * g;
        h[b * H + j] = o * lib.tanh(c[b * H + j]);
        hs[row * H + j] = h[b * H + j];
      }
    }
    return { h: hs, hT: h, cT: c };
  }
  return {
    createJsQuantizedKernels(heap: { buffer: ArrayBuffer }) {
      const view = (): Float32Array => new Float32Array(heap.buffer);
      const rows = (w8: number, scales: number, N: number, K: number): Rows => ({
        q: unpackInt8Panels(new Int8Array(heap.buffer, w8, int8PanelBytes(N, K)), N, K), scale: lib.readBias(view(), scales, 4, N),
      });
      return {
        quantizeRows() { throw new Error('not on the js path'); },
        projectInt8(x: number, R: number, K: number, w8: number, panels: number, wscale: number, bias: number, out: number) {
          const m = view(), N = 4 * panels;
          const gx = project(lib.at(m, x, R * K), R, K, rows(w8, wscale, N, K), 4 * N, bias ? lib.readBias(m, bias, 4, N) : undefined);
          lib.writePackedRows(view(), out, R, 4, N, gx);
        },
        lstmRecurInt8(z: number, B: number, T: number, H: number, u8: number, uscale: number, h0: number, c0: number, out: number, outStride: number, hT: number, cT: number, reverse: number) {
          const m = view(), seq = { B, T, H, reverse: reverse !== 0 };
          const r = recur(lib.readPackedRows(m, z, B * T, 4, H), rows(u8, uscale, H, H), seq, lib.readState(m, h0, B, H), lib.readState(m, c0, B, H));
          if (out) lib.writeStrided(m, out, B * T, H, outStride, r.h);
          lib.at(m, hT, B * H).set(r.hT);
          lib.at(m, cT, B * H).set(r.cT);
        },
      };
    },
  };
});

import { Bidirectional, Dense, init, LSTM, readSafetensors, Sequential, type Tensor } from '../src/index.js';
import { f32 as f32t, golden, goldenBytes, relErr, torchWeights } from '../test/helpers.js';
import { roundHalfEven } from '../src/weights/int8-panels.js';

const maxAbs = (a: ArrayLike<number>) => { let m = 0; for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k])); return m; };

/** Today's: symmetric int8, s = max|a|/127, q in [−127, 127] (as quantizeRowsInt8, f32 arithmetic). */
const S8: Scheme = (a) => {
  const m = maxAbs(a), inv = m > 0 ? f32(127 / m) : 0, q = new Int32Array(a.length);
  for (let k = 0; k < a.length; k++) q[k] = roundHalfEven(f32(a[k] * inv));
  return { q, scale: f32(m / 127), zero: 0 };
};
/** S8's values split into q⁺ and q⁻ (both in [0, 127]): the same numbers, two 7-bit dots. */
const SPLIT: Scheme = (a) => ({ ...S8(a), split: true });
/** Asymmetric 7-bit (onnxruntime's uint8 scheme at 7 bits): range [min(0, min a), max(0, max a)] over 127 steps, zero point z exact. */
const A7: Scheme = (a) => {
  let lo = 0, hi = 0;
  for (let k = 0; k < a.length; k++) { lo = Math.min(lo, a[k]); hi = Math.max(hi, a[k]); }
  const s = f32((hi - lo) / 127), q = new Int32Array(a.length);
  if (s === 0) return { q, scale: 0, zero: 0 };
  const z = Math.min(127, Math.max(0, roundHalfEven(f32(-lo / s))));
  for (let k = 0; k < a.length; k++) q[k] = Math.min(127, Math.max(0, roundHalfEven(f32(a[k] / s)) + z));
  return { q, scale: s, zero: z };
};
/** Symmetric 7-bit shifted: q = round(a/s) + 64, s = max|a|/63, q in [1, 127] (a fixed zero point 64). */
const S7: Scheme = (a) => {
  const m = maxAbs(a), inv = m > 0 ? f32(63 / m) : 0, q = new Int32Array(a.length);
  for (let k = 0; k < a.length; k++) q[k] = roundHalfEven(f32(a[k] * inv)) + 64;
  return { q, scale: f32(m / 63), zero: 64 };
};

async function cases(): Promise<Record<string, number>> {
  const r: Record<string, number> = {};
  const rel = (y: ArrayLike<number>, want: { data: ArrayLike<number> }) => relErr(y, want.data);
  {
    const c = golden('lstm_small');
    const l = new LSTM({ inputSize: 3, units: 4, returnSequences: true });
    l.setWeights(torchWeights(c), { from: 'torch' });
    await l.quantize('int8');
    const o = l.forward(f32t(c.inputs.input), { h: f32t(c.inputs.h0), c: f32t(c.inputs.c0) });
    r['small output'] = rel(o.output.data, c.expected.output);
    r['small h_n'] = rel(o.h.data, c.expected.h_n);
    l.dispose();
  }
  {
    const c = golden('lstm_stack');
    const m = new Sequential([new LSTM({ inputSize: 8, units: 16, returnSequences: true }), new LSTM({ units: 16, returnSequences: true })]);
    m.loadStateDict(goldenBytes('lstm_stack'));
    await m.quantize('int8');
    r['stack output'] = rel(m.predict(f32t(c.inputs.input)).data, c.expected.output);
    m.dispose();
  }
  {
    const c = golden('lstm_long');
    const m = new Sequential([new LSTM({ inputSize: 16, units: 32, returnSequences: true })]);
    m.layers[0].setWeights(readSafetensors(goldenBytes('lstm_long')), { from: 'torch' });
    await m.quantize('int8');
    const y = m.predict({ shape: [1, 1000, 16], data: f32t(c.inputs.input).data } as Tensor);
    for (const t of [0, 499, 999]) r[`long t=${t}`] = rel(y.data.slice(t * 32, (t + 1) * 32), c.expected[`output_t${t}`]);
    m.dispose();
  }
  {
    const c = golden('lstm_grad');
    const m = new Sequential([new LSTM({ inputSize: 3, units: 4 }), new Dense({ units: 1 })]);
    m.loadStateDict(goldenBytes('lstm_grad'));
    await m.quantize('int8');
    r['grad prediction'] = rel(m.predict(f32t(c.inputs.input)).data, c.expected.prediction);
    m.dispose();
  }
  {
    const c = golden('lstm_bidir');
    const m = new Sequential([new Bidirectional(new LSTM({ inputSize: 5, units: 6, returnSequences: true }))]);
    m.loadStateDict(torchWeights(c));
    await m.quantize('int8');
    r['bidir output'] = rel(m.predict(f32t(c.inputs.input)).data, c.expected.output);
    m.dispose();
  }
  return r;
}

describe('7-bit activation schemes on the golden cases (js reference)', () => {
  it('errors per scheme', async () => {
    await init({ backend: 'js' });
    const table: Record<string, Record<string, string>> = {};
    // [x_t's scheme, h_{t−1}'s scheme]
    const runs: Record<string, [Scheme, Scheme]> = { S8: [S8, S8], SPLIT: [SPLIT, SPLIT], A7: [A7, A7], S7: [S7, S7], 'A7 x, S8 h': [A7, SPLIT], 'S8 x, A7 h': [SPLIT, A7] };
    for (const [name, [sx, sh]] of Object.entries(runs)) {
      S.scheme = sx;
      S.schemeH = sh;
      const r = await cases();
      for (const [k, v] of Object.entries(r)) (table[k] ??= {})[name] = v.toExponential(2);
      (table['worst'] ??= {})[name] = Math.max(...Object.values(r)).toExponential(2);
    }
    console.table(table);
  });
});
