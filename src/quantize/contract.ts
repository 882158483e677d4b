/**
 * The int8 kernels' contract: what assembly/quantized.ts (the int8 wasm
 * module, assembly/int8.ts) and the js reference (src/backend/js/quantized.ts)
 * both implement, and the scratch they take. Like the f32 kernels'
 * (src/backend/kernels.ts), pointers are byte offsets into the backend's heap.
 */
import { lib } from './library.js';

/** The int8 kernels' names: the exports of the int8 wasm module (assembly/int8.ts). */
export const QUANTIZED_KERNEL_NAMES = ['quantizeRows', 'projectInt8', 'lstmRecurInt8'] as const satisfies readonly (keyof QuantizedKernels)[];

/**
 * int8 inference (assembly/quantized.ts; reference src/backend/js/quantized.ts): per-row
 * symmetric int8 weights, activations quantized per batch row per call (x) and per step (h),
 * int32 sums, dequantized before the bias and the gates.
 *
 * Int8 weight layout (int8 panels, LSTM's 4 gates): panel p holds units 4p..4p+3 over
 * K' = roundUp4(K) inputs as K'/4 groups of 64 bytes, 16 per gate g; byte
 * 16g + 2l + (k & 1) + 8·((k >> 1) & 1) of group q is q_w[gate g, unit 4p + l][4q + (k & 3)]
 * (0 past K and past H). Panel p starts at byte 16·K'·p. Scales and biases are [panels][4][4]
 * floats, like the f32 bias (0 for padded units). Quantized activations are i16 holding int8
 * values (−127 … 127), [rows][K'].
 */
export interface QuantizedKernels {
  /**
   * q[r][k] = round(x_r[k]/s_r) (half to even), s_r = scales[r] = max_k |x_r[k]|/127 (0 for a
   * zero row); q: [rows][roundUp4(K)] i16, zeros past K; row r of x at x + 4·r·stride (any alignment).
   */
  quantizeRows(x: number, rows: number, K: number, stride: number, q: number, scales: number): void;
  /**
   * project with int8 panels: out[r][p][g][l] = bias[p][g][l] + (Σ_k q_x[r][k]·q_w) · (wscale[p][g][l]·s_x[r]).
   * x: [rows, K] (any alignment); bias may be 0; out: [rows][panels·16]. work: quantizedRowFloats(K) floats.
   */
  projectInt8(x: number, rows: number, K: number, w8: number, panels: number, wscale: number, bias: number, out: number, work: number): void;
  /**
   * lstmRecur with U as int8 panels and h_{t−1} quantized per row each step:
   *   [i f g o] = z_t + (Σ_k q_h[k]·q_u[k]) · (uscale ⊙ s_h)
   * Other arguments as lstmRecur; no record, no mask. work: qRecurWorkFloats(B, H).
   */
  lstmRecurInt8(z: number, B: number, T: number, H: number, u8: number, uscale: number, h0: number, c0: number,
    out: number, outStride: number, hT: number, cT: number, reverse: number, work: number): void;
}

/** Scratch floats of projectInt8: one quantized row (i16) and its scale. */
export function quantizedRowFloats(K: number): number {
  return lib.roundUp4(K) / 2 + 4;
}

/** Scratch floats of lstmRecurInt8: h_{t−1}, h_t, c, then h quantized (i16), its scales, and one panel's gates. */
export function qRecurWorkFloats(B: number, H: number): number {
  return lib.roundUp4(3.5 * B * lib.roundUp4(H) + B) + 16;
}
