/**
 * Conversions between the user's weight layouts and the kernels' packed
 * panel layout (described in backend/kernels.ts). They run at import and
 * export time only, never in a forward pass.
 *
 * "Gate-major" below is PyTorch's layout: a [G·H, K] matrix whose rows are
 * the G gates stacked, each H rows long.
 */
import { roundUp4 } from '../backend/kernels.js';

/** Gate-major [G·H, K] → panels [Hp/4][K][G][4], zero in the padded lanes. */
export function packPanels(w: Float32Array, G: number, H: number, K: number): Float32Array {
  const Hp = roundUp4(H);
  const out = new Float32Array(Hp * G * K);
  for (let p = 0; p < Hp / 4; p++)
    for (let k = 0; k < K; k++)
      for (let g = 0; g < G; g++)
        for (let lane = 0; lane < 4; lane++) {
          const unit = 4 * p + lane;
          if (unit < H) out[((p * K + k) * G + g) * 4 + lane] = w[(g * H + unit) * K + k];
        }
  return out;
}

/** Panels [Hp/4][K][G][4] → gate-major [G·H, K]. */
export function unpackPanels(packed: Float32Array, G: number, H: number, K: number): Float32Array {
  const out = new Float32Array(G * H * K);
  for (let g = 0; g < G; g++)
    for (let unit = 0; unit < H; unit++)
      for (let k = 0; k < K; k++) {
        const p = unit >> 2, lane = unit & 3;
        out[(g * H + unit) * K + k] = packed[((p * K + k) * G + g) * 4 + lane];
      }
  return out;
}

/** Gate-major bias [G·H] → [Hp/4][G][4]. */
export function packBias(b: Float32Array, G: number, H: number): Float32Array {
  return packPanels(b, G, H, 1);
}

/** [Hp/4][G][4] → gate-major bias [G·H]. */
export function unpackBias(packed: Float32Array, G: number, H: number): Float32Array {
  return unpackPanels(packed, G, H, 1);
}

/** [rows, cols] → [cols, rows]. Keras kernels are the transpose of PyTorch weights. */
export function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c];
  return out;
}

/**
 * Reorder the gate blocks of a gate-major matrix: block g of the result is
 * block order[g] of the input (each block H·K values). Keras's GRU stores
 * z, r, h where PyTorch stores r, z, n: order [1, 0, 2] converts either way.
 */
export function reorderGates(w: Float32Array, order: readonly number[], H: number, K: number): Float32Array {
  const block = H * K;
  const out = new Float32Array(w.length);
  order.forEach((src, g) => out.set(w.subarray(src * block, (src + 1) * block), g * block));
  return out;
}

/** Elementwise a + b. */
export function add(a: Float32Array, b: Float32Array): Float32Array {
  return a.map((v, i) => v + b[i]);
}
