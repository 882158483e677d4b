/**
 * Cut a series into supervised (input window → next values) samples.
 */
import { fail, show } from '../errors.js';
import type { Tensor } from '../tensor.js';

export interface WindowOptions {
  /** Steps in each input window (≥ 1). */
  window: number;
  /** How many next values of the target each sample predicts (≥ 1). Default 1. */
  horizon?: number;
  /** Steps between the first targets of successive windows (≥ 1). Default 1. */
  stride?: number;
  /** For rows × features: the feature the targets come from. Default 0. */
  targetColumn?: number;
  /** Keep only windows whose first target index t has from ≤ t < to. Default 0. */
  from?: number;
  /** Default: the series length. */
  to?: number;
}

export interface Windows {
  /** Inputs, [n, window, features] (features = 1 for a 1-D series). */
  x: Tensor;
  /** Targets, [n, horizon]: the `horizon` values of the target column after each window. */
  y: Tensor;
  /** targets[i] = the series index of window i's first target (its inputs are indices targets[i] − window … targets[i] − 1). */
  targets: number[];
}

/**
 * Sliding windows over a 1-D series or rows × features.
 *
 * Window i has inputs at series indices t − window … t − 1 and targets at
 * t … t + horizon − 1 (of `targetColumn`), where t = `targets[i]`. The
 * first targets t run over window, window + stride, … — starting at
 * max(window, from) — and only those with from ≤ t < to and
 * t + horizon ≤ length are kept. So `{ from: testStart }` gives every
 * window whose target lies in the test part, its inputs reaching back into
 * earlier data. Note that only the FIRST target is tested against `to`:
 * with horizon > 1, pass `to: end − horizon + 1` to keep every target of
 * every window before `end` (e.g. training windows that must not see test
 * values).
 *
 * Errors: window / horizon / stride not whole numbers ≥ 1, a series too
 * short for even one window (the message says how many points are needed),
 * ragged rows, non-finite values, a bad targetColumn or from/to, and a
 * non-empty [from, to) in which no window's first target can lie. An empty
 * [from, to) (from = to) gives n = 0.
 */
export function slidingWindows(series: ArrayLike<number> | ArrayLike<number>[], options: WindowOptions): Windows {
  const what = 'slidingWindows';
  if (options == null || typeof options !== 'object') fail(`${what}: options { window } are required`);
  const { window } = options;
  const horizon = options.horizon ?? 1;
  const stride = options.stride ?? 1;
  const targetColumn = options.targetColumn ?? 0;
  for (const [name, v] of [['window', window], ['horizon', horizon], ['stride', stride]] as const) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) fail(`${what}: ${name} must be a whole number ≥ 1, got ${String(v)}`);
  }

  const { data, length, features } = flatten(series, what);
  if (!Number.isInteger(targetColumn) || targetColumn < 0 || targetColumn >= features) {
    fail(`${what}: targetColumn ${targetColumn} is out of range — the series has ${features} feature${features === 1 ? '' : 's'} (0…${features - 1})`);
  }
  const need = window + horizon;
  if (length < need) {
    fail(`${what}: the series has ${length} point${length === 1 ? '' : 's'} but one window needs at least ${need} (window ${window} + horizon ${horizon}) — use a longer series or a smaller window`);
  }
  const from = options.from ?? 0;
  const to = options.to ?? length;
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > length || from > to) {
    fail(`${what}: from/to must be whole numbers with 0 ≤ from ≤ to ≤ ${length} (the series length), got from ${from}, to ${to}`);
  }

  const first = Math.max(window, from);
  const end = Math.min(to, length - horizon + 1); // first targets t < end
  const targets: number[] = [];
  for (let t = first; t < end; t += stride) targets.push(t);
  if (targets.length === 0 && from < to) {
    fail(`${what}: no window has its first target in [${from}, ${to}) — with window ${window} and horizon ${horizon} the first target lies in [${window}, ${length - horizon}]`);
  }

  const n = targets.length;
  const x = new Float32Array(n * window * features);
  const y = new Float32Array(n * horizon);
  for (let i = 0; i < n; i++) {
    const t = targets[i];
    x.set(data.subarray((t - window) * features, t * features), i * window * features);
    for (let h = 0; h < horizon; h++) y[i * horizon + h] = data[(t + h) * features + targetColumn];
  }
  return { x: { shape: [n, window, features], data: x }, y: { shape: [n, horizon], data: y }, targets };
}

/** The series as row-major float64 [length, features], checked. */
function flatten(series: ArrayLike<number> | ArrayLike<number>[], what: string): { data: Float64Array; length: number; features: number } {
  if (series == null || typeof series !== 'object' || typeof series.length !== 'number') {
    fail(`${what}: expected a series (number[] or rows × features number[][]), got ${series === null ? 'null' : typeof series}`);
  }
  const length = series.length;
  if (length === 0 || typeof series[0] === 'number') {
    const data = new Float64Array(length);
    for (let i = 0; i < length; i++) {
      const v = (series as ArrayLike<number>)[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${what}: series[${i}] is ${show(v)} — values must be finite numbers`);
      data[i] = v;
    }
    return { data, length, features: 1 };
  }
  const row0 = series[0] as ArrayLike<number>;
  if (row0 == null || typeof row0 !== 'object' || typeof row0.length !== 'number') fail(`${what}: series[0] is ${show(row0)}, not a number or a row of numbers`);
  const features = row0.length;
  if (features === 0) fail(`${what}: rows have no features`);
  const data = new Float64Array(length * features);
  for (let i = 0; i < length; i++) {
    const r = (series as ArrayLike<number>[])[i];
    if (r == null || typeof r !== 'object' || typeof r.length !== 'number') fail(`${what}: series[${i}] is ${show(r)}, not a row of numbers`);
    if (r.length !== features) fail(`${what}: ragged rows — row ${i} has ${r.length} features, row 0 has ${features}; every row needs the same number`);
    for (let j = 0; j < features; j++) {
      const v = r[j];
      if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${what}: series[${i}][${j}] is ${show(v)} — values must be finite numbers`);
      data[i * features + j] = v;
    }
  }
  return { data, length, features };
}

