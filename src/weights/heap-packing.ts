/**
 * Packing a gate-major matrix straight into the heap, with the backend's
 * `transpose` kernel: what setWeights does (packing.ts's packPanels does
 * the same in JS, for the random initial weights and the tests).
 *
 * Panel p of a gate-major [G·H, K] matrix, [K][G][4], is the transpose of
 * its 4·G rows g·H + 4p + lane (g < G, lane < 4) taken as a [G·4][K] block.
 * Those rows are G contiguous runs of 4·K floats in w: they are copied into
 * a scratch block (a native copy), and the kernel writes the panel. In a
 * fresh process this is several times faster than a JS loop over every
 * weight, which runs interpreted there (issue 12, cold start); the floats
 * written are the same.
 */
import type { Backend } from '../backend/registry.js';

/** Gate-major w [G·H, K] → panels [Hp/4][K][G][4] at byte pointer `out`, zero in the padded lanes. */
export function packPanelsOnHeap(backend: Backend, w: Float32Array, G: number, H: number, K: number, out: number): void {
  const { kernels, arena } = backend;
  const rows = 4 * G;
  const scratch = arena.allocFloats(rows * K); // [G][4][K], zero-filled
  const heap = arena.f32(), s = scratch >> 2; // nothing below grows the heap or throws (w's length was checked): the view stays valid, scratch is released
  for (let p = 0, unit = 0; unit < H; p++, unit += 4) {
    const lanes = Math.min(4, H - unit);
    for (let g = 0; g < G; g++) {
      const first = (g * H + unit) * K;
      heap.set(w.subarray(first, first + lanes * K), s + g * 4 * K);
      // a last panel of fewer than 4 units: its padded lanes are zero, not the previous panel's rows
      if (lanes < 4) heap.fill(0, s + (g * 4 + lanes) * K, s + (g + 1) * 4 * K);
    }
    kernels.transpose(scratch, rows, K, out + 4 * p * K * rows);
  }
  arena.release(scratch);
}
