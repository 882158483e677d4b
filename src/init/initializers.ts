/**
 * Keras's default initializers, producing PyTorch-layout (gate-major)
 * matrices: glorot-uniform input kernels, orthogonal recurrent kernels,
 * zero biases (with the forget gate's set to 1 for LSTM: keep the
 * conveyor belt open at the start of training).
 */
import type { Random } from './random.js';

/** [rows, cols] with U(−l, l), l = √(6 / (fanIn + fanOut)). */
export function glorotUniform(rng: Random, rows: number, cols: number, fanIn: number, fanOut: number): Float32Array {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const w = new Float32Array(rows * cols);
  for (let i = 0; i < w.length; i++) w[i] = rng.uniform(-limit, limit);
  return w;
}

/**
 * A [rows, cols] matrix with orthonormal columns (rows ≥ cols), as Keras's
 * Orthogonal gives for a recurrent kernel [H, G·H] (here transposed to the
 * gate-major [G·H, H]): QR of a Gaussian matrix by modified Gram–Schmidt,
 * signs fixed so that diag(R) > 0.
 */
export function orthogonal(rng: Random, rows: number, cols: number): Float32Array {
  const a = new Float64Array(rows * cols);
  for (let i = 0; i < a.length; i++) a[i] = rng.normal();
  for (let j = 0; j < cols; j++) {
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < rows; i++) dot += a[i * cols + j] * a[i * cols + k];
      for (let i = 0; i < rows; i++) a[i * cols + j] -= dot * a[i * cols + k];
    }
    let norm = 0;
    for (let i = 0; i < rows; i++) norm += a[i * cols + j] ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < rows; i++) a[i * cols + j] /= norm;
  }
  return Float32Array.from(a);
}
