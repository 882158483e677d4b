/**
 * σ and tanh of the js reference (mirrors assembly/activations.ts, whose
 * SIMD approximations are checked against these): Math.exp and Math.tanh
 * in float64.
 */

/**
 * A vector or matrix of the reference: row-major, float32 or float64. The
 * arithmetic is float64 throughout; what a forward step leaves (gates,
 * states) is stored in float32, as the kernels store it.
 */
export type Floats = Float32Array | Float64Array;

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

export const tanh = Math.tanh;
