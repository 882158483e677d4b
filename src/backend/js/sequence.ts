/**
 * What the three recurrent cells of the reference share: the shape of a
 * sequence batch, the order the steps run in, and the state each step
 * starts from.
 *
 * Sequences are batch-first, [B, T, ·], indexed by time t whatever order
 * the steps run in: a reversed layer (the backward half of Bidirectional)
 * runs t = T−1 … 0 and still writes h_t at t.
 */
import type { Floats } from './activations.js';

export interface Sequences {
  /** Sequences, steps, units. */
  readonly B: number;
  readonly T: number;
  readonly H: number;
  /** Run the steps from t = T−1 down to 0. */
  readonly reverse?: boolean;
}

/** The time index of the s-th step run (s = 0 … T−1). */
export function stepAt(s: number, { T, reverse }: Sequences): number {
  return reverse ? T - 1 - s : s;
}

/**
 * [B, H] initial states, zeros where none is given (a copy: the caller's
 * array is never written). The forward keeps its states in float32, as the
 * heap does, so a sequence split across calls (the state handed over in
 * between) continues bit for bit; the backward keeps its gradients in float64.
 */
export function initialState<A extends Float32Array | Float64Array>(given: Floats | undefined, { B, H }: Sequences,
  Type: { new (n: number): A; from(a: ArrayLike<number>): A }): A {
  return given ? Type.from(given.subarray(0, B * H)) : new Type(B * H);
}

/**
 * The hidden state every step started from, [B, T, H]: h_{t−1} in the
 * order the steps ran (h0, zeros if absent, for the first). The weight
 * gradient of the recurrent matrix is dW_hh = Σ dpreᵀ·h_prev over them.
 */
export function previousStates(h: Floats, h0: Floats | undefined, seq: Sequences): Float64Array {
  const { B, T, H } = seq;
  const prev = new Float64Array(B * T * H);
  for (let b = 0; b < B; b++) {
    for (let s = 0; s < T; s++) {
      const t = stepAt(s, seq), row = (b * T + t) * H;
      if (s === 0) {
        if (h0) prev.set(h0.subarray(b * H, (b + 1) * H), row);
      } else {
        const before = (b * T + stepAt(s - 1, seq)) * H;
        prev.set(h.subarray(before, before + H), row);
      }
    }
  }
  return prev;
}

/** out[j] += Σ_r W[r][j]·v[r] for j < cols: W [rows, cols] transposed, times v (the backward of W·h). */
export function addTransposedProduct(out: Float64Array, W: Floats, v: Floats, at: number, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const d = v[at + r];
    for (let j = 0; j < cols; j++) out[j] += W[r * cols + j] * d;
  }
}

/** out[r] = bias[r] + Σ_k W[r][k]·h[k] for r < rows: W [rows, H] times h (the recurrent part of a step). */
export function product(out: Float64Array, W: Floats, bias: Floats | undefined, h: Floats, at: number, rows: number, H: number): void {
  for (let r = 0; r < rows; r++) {
    let s = bias ? bias[r] : 0;
    for (let k = 0; k < H; k++) s += W[r * H + k] * h[at + k];
    out[r] = s;
  }
}
