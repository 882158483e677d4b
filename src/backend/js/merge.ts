/**
 * The weightless layers' compute, forward and backward side by side: the
 * js reference of assembly/merge.ts, on plain [rows, cols] matrices.
 *
 *     merge (Bidirectional's merge modes, Dropout's mask):
 *       sum  y = a + b        da = dy,      db = dy
 *       mul  y = a ⊙ b        da = dy ⊙ b,  db = dy ⊙ a
 *       ave  y = (a + b)/2    da = dy/2,    db = dy/2
 *     repeat (RepeatVector): y[r][t] = x[r] for t < n;   dx[r] = Σ_t dy[r][t]
 */
import { Merge, type MergeOp } from '../kernels.js';
import type { Floats } from './activations.js';

/** The name of a `Merge` code, as the kernels receive it (an unknown code acts as ave, as in the wasm kernel). */
export function mergeOpName(op: number): MergeOp {
  return op === Merge.sum ? 'sum' : op === Merge.mul ? 'mul' : 'ave';
}

/** a ∘ b, element by element (a, b of one length). */
export function mergeForward(a: Floats, b: Floats, op: MergeOp): Float32Array {
  const y = new Float32Array(a.length);
  for (let i = 0; i < y.length; i++) y[i] = op === 'sum' ? a[i] + b[i] : op === 'mul' ? a[i] * b[i] : (a[i] + b[i]) * 0.5;
  return y;
}

/** ∂L/∂a and ∂L/∂b of mergeForward, from ∂L/∂y. */
export function mergeBackward(dy: Floats, a: Floats, b: Floats, op: MergeOp): { da: Float32Array; db: Float32Array } {
  const da = new Float32Array(dy.length), db = new Float32Array(dy.length);
  for (let i = 0; i < dy.length; i++) {
    da[i] = op === 'sum' ? dy[i] : op === 'mul' ? dy[i] * b[i] : dy[i] * 0.5;
    db[i] = op === 'sum' ? dy[i] : op === 'mul' ? dy[i] * a[i] : dy[i] * 0.5;
  }
  return { da, db };
}

/** x [rows, cols] → [rows, n, cols], each row repeated n times. */
export function repeatForward(x: Floats, rows: number, cols: number, n: number): Float32Array {
  const y = new Float32Array(rows * n * cols);
  for (let r = 0; r < rows; r++) for (let t = 0; t < n; t++) y.set(x.subarray(r * cols, (r + 1) * cols), (r * n + t) * cols);
  return y;
}

/** ∂L/∂x of repeatForward: dy [rows, n, cols] summed over the copies, in order t = 0..n−1. */
export function repeatBackward(dy: Floats, rows: number, cols: number, n: number): Float32Array {
  const dx = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let t = 0; t < n; t++) for (let j = 0; j < cols; j++) dx[r * cols + j] += dy[(r * n + t) * cols + j];
  }
  return dx;
}
