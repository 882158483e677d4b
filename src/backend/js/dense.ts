/** The name of an `Act` code, as the kernels receive it (an unknown code acts as linear). */
export function activationName(kind: number): ActivationName {
  return (Object.keys(Act) as ActivationName[]).find((name) => Act[name] === kind) ?? 'linear';
}

/**
 * A Dense layer's activation, forward and backward: the js reference of
 * assembly/dense.ts. (Its linear part is gemm.ts.) On rows of `cols`
 * values, [rows, cols]:
 *
 *     y = act(a):  linear a;  relu max(a, 0);  sigmoid σ(a);  tanh;
 *                  softmax exp(a − max a) / Σ exp(a − max a) per row
 *     da = dy⊙act'(y):  linear dy;  relu dy⊙[y > 0];  sigmoid dy⊙y(1−y);
 *                       tanh dy⊙(1−y²);  softmax y⊙(dy − Σ dy⊙y) per row
 */
import { Act, type ActivationName } from '../kernels.js';
import { sigmoid, tanh, type Floats } from './activations.js';

export function activationForward(a: Floats, rows: number, cols: number, act: ActivationName): Float64Array {
  const y = Float64Array.from(a.subarray(0, rows * cols));
  for (let r = 0; r < rows; r++) {
    const row = y.subarray(r * cols, (r + 1) * cols);
    if (act === 'softmax') {
      let max = -Infinity, sum = 0;
      for (const v of row) max = Math.max(max, v);
      for (const v of row) sum += Math.exp(v - max);
      for (let j = 0; j < cols; j++) row[j] = Math.exp(row[j] - max) / sum;
    } else if (act !== 'linear') {
      for (let j = 0; j < cols; j++) row[j] = act === 'relu' ? Math.max(row[j], 0) : act === 'sigmoid' ? sigmoid(row[j]) : tanh(row[j]);
    }
  }
  return y;
}

/** ∂L/∂a from the activated y and ∂L/∂y, [rows, cols] each. */
export function activationBackward(y: Floats, dy: Floats, rows: number, cols: number, act: ActivationName): Float64Array {
  const da = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let dot = 0;   // softmax: Σ dy⊙y of the row
    if (act === 'softmax') for (let j = 0; j < cols; j++) dot += dy[r * cols + j] * y[r * cols + j];
    for (let j = 0; j < cols; j++) {
      const v = y[r * cols + j], d = dy[r * cols + j];
      da[r * cols + j] = act === 'relu' ? (v > 0 ? d : 0)
        : act === 'sigmoid' ? d * v * (1 - v)
        : act === 'tanh' ? d * (1 - v * v)
        : act === 'softmax' ? v * (d - dot)
        : d;
    }
  }
  return da;
}
