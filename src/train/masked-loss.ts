/**
 * A loss over a masked time axis (Keras 3's masked loss): the padded steps
 * are left out, so the loss is the mean over the real steps only and its
 * gradient is zero at the padded ones. Any loss (a built-in or a custom
 * one) is computed as is on the real steps' rows gathered together, and
 * its gradient is scattered back: the loss itself needs to know nothing of
 * masks.
 */

/** The rows (of `cols` values each) of p and y at the real steps (mask[r] ≠ 0), gathered. */
export function realRows(p: Float32Array, y: Float32Array, cols: number, mask: Float32Array): { p: Float32Array; y: Float32Array } {
  let real = 0;
  for (let r = 0; r < mask.length; r++) if (mask[r] !== 0) real++;
  const pr = new Float32Array(real * cols), yr = new Float32Array(real * cols);
  for (let r = 0, k = 0; r < mask.length; r++) {
    if (mask[r] === 0) continue;
    pr.set(p.subarray(r * cols, (r + 1) * cols), k * cols);
    yr.set(y.subarray(r * cols, (r + 1) * cols), k * cols);
    k++;
  }
  return { p: pr, y: yr };
}

/** The gradient over the real rows (`real`, gathered) → `out` over all rows: zeros at the padded steps. */
export function scatterRows(real: Float32Array, cols: number, mask: Float32Array, out: Float32Array): void {
  for (let r = 0, k = 0; r < mask.length; r++) {
    if (mask[r] === 0) {
      out.fill(0, r * cols, (r + 1) * cols);
      continue;
    }
    out.set(real.subarray(k * cols, (k + 1) * cols), r * cols);
    k++;
  }
}
