/**
 * σ and tanh of the js reference (mirrors assembly/activations.ts, whose
 * SIMD approximations are checked against these): Math.exp and Math.tanh
 * in float64.
 */

import { CellAct as CELL_CODES } from '../kernels.js';

/**
 * A vector or matrix of the reference: row-major, float32 or float64. The
 * arithmetic is float64 throughout; what a forward step leaves (gates,
 * states) is stored in float32, as the kernels store it.
 */
export type Floats = Float32Array | Float64Array;

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

export const tanh = Math.tanh;

/**
 * A recurrent cell's activation and its derivative, the latter as a
 * function of the activation's output y (which is what the record keeps):
 * the reference of assembly/variants.ts.
 */
export interface CellFunction {
  readonly f: (x: number) => number;
  /** f′ where f's output is y. */
  readonly slope: (y: number) => number;
}

const clip01 = (v: number): number => Math.min(Math.max(v, 0), 1);
const inside = (y: number): boolean => y > 0 && y < 1;

/** By name (kernels.ts CellActivation): the codes of the *Act kernels. */
export const CELL_FUNCTIONS = {
  linear: { f: (x) => x, slope: () => 1 },
  relu: { f: (x) => Math.max(x, 0), slope: (y) => (y > 0 ? 1 : 0) },
  sigmoid: { f: sigmoid, slope: (y) => y * (1 - y) },
  tanh: { f: tanh, slope: (y) => 1 - y * y },
  // Keras 2 / TF.js / ONNX HardSigmoid(alpha 0.2, beta 0.5)
  hard_sigmoid: { f: (x) => clip01(0.2 * x + 0.5), slope: (y) => (inside(y) ? 0.2 : 0) },
  // Keras 3: relu6(x + 3)/6
  hard_sigmoid_relu6: { f: (x) => Math.min(Math.max(x + 3, 0), 6) / 6, slope: (y) => (inside(y) ? 1 / 6 : 0) },
} as const satisfies Record<string, CellFunction>;

/** The default cell: σ gates, tanh candidate and state (PyTorch's cells). */
export interface CellFunctions {
  readonly gate: CellFunction;
  readonly act: CellFunction;
}
export const DEFAULT_CELL: CellFunctions = { gate: CELL_FUNCTIONS.sigmoid, act: CELL_FUNCTIONS.tanh };

/** The CellFunction of a CellAct code (the kernels' argument). */
export function cellFunction(code: number): CellFunction {
  const name = (Object.keys(CELL_CODES) as (keyof typeof CELL_CODES)[]).find((k) => CELL_CODES[k] === code);
  if (name === undefined) throw new Error(`unknown cell activation code ${code}`);
  return CELL_FUNCTIONS[name];
}
