/**
 * A linear map and its two gradients, on PyTorch's layout (nn.Linear):
 * the reference of assembly/gemm.ts (`project`) and assembly/gemm-grad.ts
 * (`gradWeights`, `gradInput`).
 *
 *     y  = x·Wᵀ + b          x [rows, K], W [N, K], b [N], y [rows, N]
 *     dW = dyᵀ·x,  db = Σ_r dy[r]
 *     dx = dy·W
 *
 * Recurrent layers use it for the input projection of all steps at once
 * (gx = x·W_ihᵀ + b) and, in the backward, for W_ih and W_hh.
 */
import type { Floats } from './activations.js';

export function linearForward(x: Floats, W: Floats, b: Floats | undefined, rows: number, K: number, N: number): Float64Array {
  const y = new Float64Array(rows * N);
  for (let r = 0; r < rows; r++) {
    for (let n = 0; n < N; n++) {
      let s = b ? b[n] : 0;
      for (let k = 0; k < K; k++) s += x[r * K + k] * W[n * K + k];
      y[r * N + n] = s;
    }
  }
  return y;
}

/** ∂L/∂W [N, K] and ∂L/∂b [N] from the inputs x [rows, K] and ∂L/∂y [rows, N]. */
export function linearGradWeights(x: Floats, dy: Floats, rows: number, K: number, N: number): { dW: Float64Array; db: Float64Array } {
  const dW = new Float64Array(N * K), db = new Float64Array(N);
  for (let r = 0; r < rows; r++) {
    for (let n = 0; n < N; n++) {
      const d = dy[r * N + n];
      db[n] += d;
      for (let k = 0; k < K; k++) dW[n * K + k] += d * x[r * K + k];
    }
  }
  return { dW, db };
}

/** ∂L/∂x [rows, K] from ∂L/∂y [rows, N] and W [N, K]. */
export function linearGradInput(dy: Floats, W: Floats, rows: number, K: number, N: number): Float64Array {
  const dx = new Float64Array(rows * K);
  for (let r = 0; r < rows; r++) {
    for (let n = 0; n < N; n++) {
      const d = dy[r * N + n];
      for (let k = 0; k < K; k++) dx[r * K + k] += d * W[n * K + k];
    }
  }
  return dx;
}
