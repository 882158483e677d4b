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
  // columns stored contiguously (col[j] = a[j*rows .. j*rows+rows)) so each dot product streams memory
  const a = new Float64Array(rows * cols);
  for (let i = 0; i < a.length; i++) a[i] = rng.normal();
  for (let j = 0; j < cols; j++) {
    const cj = j * rows;
    for (let k = 0; k < j; k++) {
      const ck = k * rows;
      let dot = 0;
      for (let i = 0; i < rows; i++) dot += a[cj + i] * a[ck + i];
      for (let i = 0; i < rows; i++) a[cj + i] -= dot * a[ck + i];
    }
    let norm = 0;
    for (let i = 0; i < rows; i++) norm += a[cj + i] * a[cj + i];
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < rows; i++) a[cj + i] /= norm;
  }
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = a[j * rows + i];
  return out;
}
