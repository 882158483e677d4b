/**
 * The js reference of int8 inference (assembly/quantized.ts), on PyTorch's
 * layout: W [4H, I] and U [4H, H] as int8 rows with one scale each.
 *
 *     q_x, s_x = quantize(x_t)             per batch row: s = max|x|/127, q = round(x/s)
 *     gx  = b + (q_x·q_Wᵀ) ⊙ (s_W · s_x)    all steps at once
 *     q_h, s_h = quantize(h_{t−1})         per batch row, every step
 *     pre = gx_t + (q_h·q_Uᵀ) ⊙ (s_U · s_h)
 *     i, f, o = σ(.), g = tanh(.), c = f⊙c + i⊙g, h = o⊙tanh(c)    (lstm.ts)
 *
 * The int32 sums are exact in float64; the dequantization is rounded to
 * float32 step by step as the kernels do it, and the states are stored in
 * float32, so the only differences from the wasm builds are σ and tanh
 * (Math.exp, Math.tanh here) and relaxed SIMD's fused multiply-add.
 */
import type { Heap } from '../kernels.js';
import type { QuantizedKernels } from '../../quantize/contract.js';
import { lib } from '../../quantize/library.js';
import { int8PanelBytes, quantizeRowsInt8, unpackInt8Panels, type Int8Rows } from '../../weights/int8-panels.js';
import type { Sequences } from './sequence.js';

const f32 = Math.fround;

/** One row a of K values times the int8 rows of `w`: out[n] = f32(b[n] + f32(Σ q_a·q_w[n]) · f32(s_w[n]·s_a)). */
function dequantizedProduct(a: Int8Rows, w: Int8Rows, N: number, K: number, bias: ArrayLike<number> | undefined, out: Float32Array, at0: number): void {
  const sa = a.scale[0];
  for (let n = 0; n < N; n++) {
    let sum = 0;
    for (let k = 0; k < K; k++) sum += a.q[k] * w.q[n * K + k];
    out[at0 + n] = f32(f32(f32(sum) * f32(w.scale[n] * sa)) + (bias ? bias[n] : 0));
  }
}

/** x [rows, K] → gx [rows, N]: each row quantized on its own scale, times the int8 rows of W. */
export function projectInt8Forward(x: Float32Array, rows: number, K: number, W: Int8Rows, N: number, bias?: ArrayLike<number>): Float32Array {
  const out = new Float32Array(rows * N);
  for (let r = 0; r < rows; r++) dequantizedProduct(quantizeRowsInt8(x.subarray(r * K, (r + 1) * K), 1, K), W, N, K, bias, out, r * N);
  return out;
}

/** gx [B, T, 4H] (from projectInt8Forward); U: int8 rows [4H, H]; h0, c0 [B, H] or zeros. Returns h_t of every step [B, T, H] and the final state. */
export function lstmInt8Forward(gx: Float32Array, U: Int8Rows, seq: Sequences, h0?: Float32Array, c0?: Float32Array): { h: Float32Array; hT: Float32Array; cT: Float32Array } {
  const { B, T, H } = seq;
  const hs = new Float32Array(B * T * H);
  const h = h0 ? h0.slice(0, B * H) : new Float32Array(B * H), c = c0 ? c0.slice(0, B * H) : new Float32Array(B * H);
  const pre = new Float32Array(4 * H);
  for (let b = 0; b < B; b++) {
    for (let s = 0; s < T; s++) {
      const t = lib.stepAt(s, seq), row = b * T + t;
      dequantizedProduct(quantizeRowsInt8(h.subarray(b * H, (b + 1) * H), 1, H), U, 4 * H, H, gx.subarray(row * 4 * H, (row + 1) * 4 * H), pre, 0);
      for (let j = 0; j < H; j++) {
        const i = lib.sigmoid(pre[j]), f = lib.sigmoid(pre[H + j]), g = lib.tanh(pre[2 * H + j]), o = lib.sigmoid(pre[3 * H + j]);
        c[b * H + j] = f * c[b * H + j] + i * g;
        h[b * H + j] = o * lib.tanh(c[b * H + j]);
        hs[row * H + j] = h[b * H + j];
      }
    }
  }
  return { h: hs, hT: h, cT: c };
}

/** The QuantizedKernels contract over the js heap: read the int8 panels back into int8 rows, run the reference, write back. */
export function createJsQuantizedKernels(heap: Heap): QuantizedKernels {
  const view = (): Float32Array => new Float32Array(heap.buffer);
  const int8Rows = (w8: number, scales: number, N: number, K: number): Int8Rows => ({
    q: unpackInt8Panels(new Int8Array(heap.buffer, w8, int8PanelBytes(N, K)), N, K),
    scale: lib.readBias(view(), scales, 4, N),
  });
  return {
    quantizeRows(x, rows, K, stride, q, scales) {
      const m = view(), Kq = (K + 3) & ~3, out = new Int16Array(heap.buffer, q, rows * Kq);
      for (let r = 0; r < rows; r++) {
        const a = quantizeRowsInt8(lib.at(m, x + 4 * r * stride, K), 1, K);
        out.fill(0, r * Kq, (r + 1) * Kq);
        out.set(a.q, r * Kq);
        m[(scales >> 2) + r] = a.scale[0];
      }
    },
    projectInt8(x, rows, K, w8, panels, wscale, bias, out) {
      const m = view(), N = 4 * panels;   // every lane of a panel is computed, as project does
      const gx = projectInt8Forward(lib.at(m, x, rows * K), rows, K, int8Rows(w8, wscale, N, K), 4 * N, bias ? lib.readBias(m, bias, 4, N) : undefined);
      lib.writePackedRows(view(), out, rows, 4, N, gx);
    },
    lstmRecurInt8(z, B, T, H, u8, uscale, h0, c0, out, outStride, hT, cT, reverse) {
      const m = view(), seq = { B, T, H, reverse: reverse !== 0 };
      const r = lstmInt8Forward(lib.readPackedRows(m, z, B * T, 4, H), int8Rows(u8, uscale, H, H), seq, lib.readState(m, h0, B, H), lib.readState(m, c0, B, H));
      if (out) lib.writeStrided(m, out, B * T, H, outStride, r.h);
      lib.at(m, hT, B * H).set(r.hT);
      lib.at(m, cT, B * H).set(r.cT);
    },
  };
}
