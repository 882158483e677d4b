/**
 * σ and tanh of the js reference (mirrors assembly/activations.ts, whose
 * SIMD approximations are checked against these): Math.exp and Math.tanh
 * in float64.
 */

/** A vector or matrix of the reference: row-major, float32 (read from the heap) or float64. */
export type Floats = Float32Array | Float64Array;

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

export const tanh = Math.tanh;
