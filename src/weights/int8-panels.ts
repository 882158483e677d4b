/**
 * The int8 weights of model.quantize('int8'): per-row symmetric
 * quantization of a gate-major [G·H, K] matrix, and the kernels' int8
 * panel layout (described once in quantize/contract.ts, QuantizedKernels; why
 * it looks like that: assembly/quantized.ts). Run once, at quantize time.
 */
import { lib } from '../quantize/library.js';

/** A gate-major matrix quantized row by row: q [rows, K] in −127 … 127, scale [rows] = max|w_row|/127. */
export interface Int8Rows {
  q: Int8Array;
  scale: Float32Array;
}

/** Round half to even (the wasm kernels' f32.nearest), so js and wasm quantize alike. */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Each row of w [rows, K] on its own symmetric scale, in float32 arithmetic as the kernels
 * quantize activations: s = max|w|/127, q = round(w · (127/max|w|)) (0 for a zero row).
 */
export function quantizeRowsInt8(w: ArrayLike<number>, rows: number, K: number): Int8Rows {
  const q = new Int8Array(rows * K), scale = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let m = 0;
    for (let k = 0; k < K; k++) m = Math.max(m, Math.abs(w[r * K + k]));
    const inv = m > 0 ? Math.fround(127 / m) : 0;
    scale[r] = Math.fround(m / 127);
    for (let k = 0; k < K; k++) q[r * K + k] = roundHalfEven(Math.fround(w[r * K + k] * inv));
  }
  return { q, scale };
}

/** Bytes of the int8 panels of 4 gates of H units over K inputs. */
export function int8PanelBytes(H: number, K: number): number {
  return lib.roundUp4(H) * 4 * lib.roundUp4(K);
}

/** Byte offset of weight (gate g, unit j, input k) in the int8 panels over K inputs. */
function panelOffset(K: number, g: number, j: number, k: number): number {
  return (j >> 2) * 4 * lib.roundUp4(K) * 4 + (k >> 2) * 64 + g * 16 + ((k >> 1) & 1) * 8 + (j & 3) * 2 + (k & 1);
}

/** Gate-major int8 [4H, K] → int8 panels, 0 past K and past H. */
export function packInt8Panels(q: Int8Array, H: number, K: number): Int8Array {
  const out = new Int8Array(int8PanelBytes(H, K));
  for (let g = 0; g < 4; g++)
    for (let j = 0; j < H; j++)
      for (let k = 0; k < K; k++) out[panelOffset(K, g, j, k)] = q[(g * H + j) * K + k];
  return out;
}

/**
 * Gate-major [4H] values of units (a bias, the rows' scales) → [Hp/4][4][4], the lanes the int8
 * panels' sums come out in (weights/packing.ts's packBias for 4 gates; 0 past H).
 */
export function packGateLanes(v: ArrayLike<number>, H: number): Float32Array {
  const out = new Float32Array(lib.roundUp4(H) * 4);
  for (let g = 0; g < 4; g++)
    for (let j = 0; j < H; j++) out[(j >> 2) * 16 + g * 4 + (j & 3)] = v[g * H + j];
  return out;
}

/** Int8 panels → gate-major int8 [4H, K] (the js backend reads them back so). */
export function unpackInt8Panels(panels: Int8Array, H: number, K: number): Int8Array {
  const out = new Int8Array(4 * H * K);
  for (let g = 0; g < 4; g++)
    for (let j = 0; j < H; j++)
      for (let k = 0; k < K; k++) out[(g * H + j) * K + k] = panels[panelOffset(K, g, j, k)];
  return out;
}
