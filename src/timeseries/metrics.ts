/**
 * Forecast error metrics, on any `ArrayLike<number>` (arrays, Float32Array,
 * a Tensor's data). `pred` and `truth` must have the same, non-zero length;
 * a NaN in either gives NaN (a diverged model shows up, it is not hidden).
 */
import { fail } from '../errors.js';

/** @inline */
type Values = ArrayLike<number>;

function check(pred: Values, truth: Values, what: string): number {
  for (const [name, v] of [['pred', pred], ['truth', truth]] as const) {
    if (v == null || typeof v.length !== 'number' || typeof v === 'string') {
      fail(`${what}: ${name} must be an array of numbers, got ${v === null ? 'null' : typeof v}`);
    }
  }
  if (pred.length !== truth.length) {
    fail(`${what}: pred has ${pred.length} values but truth has ${truth.length} — compare predictions and truth of the same points`);
  }
  if (pred.length === 0) fail(`${what}: no values to compare`);
  return pred.length;
}

/**
 * Σ (pred − truth)² / n, unchecked: the one mean squared error, also the
 * training loss and metric 'mse' (src/train), which check their inputs once.
 */
export function meanSquaredError(pred: Values, truth: Values): number {
  let s = 0;
  for (let i = 0; i < pred.length; i++) s += (pred[i] - truth[i]) ** 2;
  return s / pred.length;
}

/** Σ |pred − truth| / n, unchecked: the one mean absolute error, also the training loss and metric 'mae'. */
export function meanAbsoluteError(pred: Values, truth: Values): number {
  let s = 0;
  for (let i = 0; i < pred.length; i++) s += Math.abs(pred[i] - truth[i]);
  return s / pred.length;
}

/** Root mean squared error, √(Σ (pred − truth)² / n), in the series' units. */
export function rmse(pred: Values, truth: Values): number {
  check(pred, truth, 'rmse');
  return Math.sqrt(meanSquaredError(pred, truth));
}

/** Mean absolute error, Σ |pred − truth| / n, in the series' units. */
export function mae(pred: Values, truth: Values): number {
  check(pred, truth, 'mae');
  return meanAbsoluteError(pred, truth);
}

/**
 * Mean absolute percentage error in percent, 100 · mean |pred − truth| / |truth|.
 * Points where truth is 0 have no percentage error and are SKIPPED (the mean
 * is over the others); if every truth value is 0 it throws (use mae or smape).
 */
export function mape(pred: Values, truth: Values): number {
  const n = check(pred, truth, 'mape');
  let s = 0;
  let used = 0;
  for (let i = 0; i < n; i++) {
    if (truth[i] === 0) continue;
    s += Math.abs((pred[i] - truth[i]) / truth[i]);
    used++;
  }
  if (used === 0) fail('mape: every truth value is 0, so MAPE is undefined — use mae or smape');
  return (100 * s) / used;
}

/**
 * Symmetric MAPE in percent, 0 … 200: 100 · mean 2·|pred − truth| / (|pred| + |truth|),
 * a point where both are 0 counting as 0 error.
 */
export function smape(pred: Values, truth: Values): number {
  const n = check(pred, truth, 'smape');
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = Math.abs(pred[i]) + Math.abs(truth[i]);
    if (d !== 0) s += (2 * Math.abs(pred[i] - truth[i])) / d;
  }
  return (100 * s) / n;
}
