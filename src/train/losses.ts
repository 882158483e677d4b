/**
 * Losses with Keras's names and reduction: the per-sample loss (a mean over
 * the last axis, or a sum over classes for categorical crossentropy), then
 * the mean over all samples (batch, and time steps when the output has
 * them). `value` returns the loss; `grad` writes ∂loss/∂prediction.
 *
 * Crossentropy after a sigmoid or softmax Dense is fused: the trainer asks
 * for `gradLogits`, (p − y)/n, which is exact and stable where the chain
 * through the activation's derivative would lose precision.
 */
import { fail, show } from '../errors.js';
import { meanAbsoluteError, meanSquaredError } from '../timeseries/metrics.js';

/** The built-in losses (Keras's names). */
export type LossName = 'mse' | 'mae' | 'huber' | 'binaryCrossentropy' | 'categoricalCrossentropy';

/** A loss on rows × cols of predictions and targets: its value and gradient. compile({ loss }) takes one, or a LossName. */
export interface Loss {
  readonly name: LossName;
  /** Loss of predictions `p` against targets `y`, both rows × cols. */
  value(p: Float32Array, y: Float32Array, cols: number): number;
  /** ∂loss/∂p into `out`. */
  grad(p: Float32Array, y: Float32Array, cols: number, out: Float32Array): void;
  /** For crossentropy after its matching activation: ∂loss/∂(pre-activation), given the activated p. */
  readonly fusedActivation?: 'sigmoid' | 'softmax';
  /** ∂loss/∂(pre-activation) into `out`, given the activated `p` (see fusedActivation). */
  gradLogits?(p: Float32Array, y: Float32Array, cols: number, out: Float32Array): void;
}

const EPS = 1e-7; // Keras's backend epsilon: probabilities are clipped to [ε, 1 − ε]
const clip = (p: number): number => Math.min(Math.max(p, EPS), 1 - EPS);

const mse: Loss = {
  name: 'mse',
  value: meanSquaredError,
  grad(p, y, _cols, out) {
    for (let i = 0; i < p.length; i++) out[i] = (2 * (p[i] - y[i])) / p.length;
  },
};

const mae: Loss = {
  name: 'mae',
  value: meanAbsoluteError,
  grad(p, y, _cols, out) {
    for (let i = 0; i < p.length; i++) out[i] = Math.sign(p[i] - y[i]) / p.length;
  },
};

/** Huber with δ = 1: quadratic near zero, linear beyond. */
const huber: Loss = {
  name: 'huber',
  value(p, y) {
    let s = 0;
    for (let i = 0; i < p.length; i++) {
      const e = Math.abs(p[i] - y[i]);
      s += e <= 1 ? 0.5 * e * e : e - 0.5;
    }
    return s / p.length;
  },
  grad(p, y, _cols, out) {
    for (let i = 0; i < p.length; i++) {
      const e = p[i] - y[i];
      out[i] = Math.max(-1, Math.min(1, e)) / p.length;
    }
  },
};

const binaryCrossentropy: Loss = {
  name: 'binaryCrossentropy',
  value(p, y) {
    let s = 0;
    for (let i = 0; i < p.length; i++) {
      const q = clip(p[i]);
      s -= y[i] * Math.log(q) + (1 - y[i]) * Math.log(1 - q);
    }
    return s / p.length;
  },
  grad(p, y, _cols, out) {
    for (let i = 0; i < p.length; i++) {
      const q = clip(p[i]);
      out[i] = (q - y[i]) / (q * (1 - q)) / p.length;
    }
  },
  fusedActivation: 'sigmoid',
  gradLogits(p, y, _cols, out) {
    for (let i = 0; i < p.length; i++) out[i] = (p[i] - y[i]) / p.length;
  },
};

const categoricalCrossentropy: Loss = {
  name: 'categoricalCrossentropy',
  value(p, y, cols) {
    let s = 0;
    for (let i = 0; i < p.length; i++) if (y[i] !== 0) s -= y[i] * Math.log(clip(p[i]));
    return s / (p.length / cols);
  },
  grad(p, y, cols, out) {
    const rows = p.length / cols;
    for (let i = 0; i < p.length; i++) out[i] = -y[i] / clip(p[i]) / rows;
  },
  fusedActivation: 'softmax',
  gradLogits(p, y, cols, out) {
    // softmax + crossentropy: ∂/∂z = p − y per sample (targets sum to 1)
    const rows = p.length / cols;
    for (let i = 0; i < p.length; i++) out[i] = (p[i] - y[i]) / rows;
  },
};

/** Losses by name: ours, and Keras's and TF.js's spellings of the same. */
const LOSSES = new Map<string, Loss>([
  ['mse', mse], ['mae', mae], ['huber', huber], ['binaryCrossentropy', binaryCrossentropy], ['categoricalCrossentropy', categoricalCrossentropy],
  ['meanSquaredError', mse], ['meanAbsoluteError', mae], ['mean_squared_error', mse], ['mean_absolute_error', mae],
  ['binary_crossentropy', binaryCrossentropy], ['categorical_crossentropy', categoricalCrossentropy],
]);

export function getLoss(name: LossName | Loss | string): Loss {
  if (typeof name === 'object' && name !== null) {
    const l = name as Partial<Loss>;
    if (typeof l.value !== 'function' || typeof l.grad !== 'function' || typeof l.name !== 'string') fail(`compile: a custom loss needs name, value(p, y, cols) and grad(p, y, cols, out); got ${show(name)}`);
    return name;
  }
  const loss = typeof name === 'string' ? LOSSES.get(name) : undefined;
  if (!loss) fail(`unknown loss ${show(name)}; use mse, mae, huber, binaryCrossentropy or categoricalCrossentropy`);
  return loss;
}
