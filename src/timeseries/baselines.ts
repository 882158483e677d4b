/**
 * Naive forecasts to compare a model against, on the ORIGINAL (unscaled)
 * series at given target indices: each returns ŷ_t for every t in
 * `targets`, in order, built only from values before t (one-step-ahead).
 * Compare them with the model on the same targets, e.g. the `targets` of
 * `slidingWindows`.
 */
import { fail } from '../errors.js';

/** @inline */
type Series = ArrayLike<number>;

/** Persistence (random walk): ŷ_t = y_{t−1}. Needs t ≥ 1. */
export function persistence(series: Series, targets: ArrayLike<number>): number[] {
  checkSeries(series, 'persistence');
  return map(targets, 'persistence', series.length, 1, (t) => series[t - 1], 'y[t − 1]');
}

/** Seasonal naive: ŷ_t = y_{t−period} (the same month a year before, for period 12). Needs t ≥ period. */
export function seasonalNaive(series: Series, targets: ArrayLike<number>, period: number): number[] {
  checkSeries(series, 'seasonalNaive');
  checkPeriod(period, 'seasonalNaive');
  return map(targets, 'seasonalNaive', series.length, period, (t) => series[t - period], `y[t − ${period}]`);
}

/**
 * Seasonal naive plus the last year-on-year change:
 * ŷ_t = y_{t−period} + (y_{t−1} − y_{t−1−period}). Follows a trend that
 * seasonal naive misses. Needs t ≥ period + 1.
 */
export function seasonalNaiveTrend(series: Series, targets: ArrayLike<number>, period: number): number[] {
  checkSeries(series, 'seasonalNaiveTrend');
  checkPeriod(period, 'seasonalNaiveTrend');
  return map(
    targets, 'seasonalNaiveTrend', series.length, period + 1,
    (t) => series[t - period] + (series[t - 1] - series[t - 1 - period]),
    `y[t − ${period}] and y[t − ${period + 1}]`,
  );
}

/** ŷ for every target, checking each t: a whole number with earliest ≤ t ≤ length (ŷ_length is the next step after the data). */
function map(targets: ArrayLike<number>, what: string, length: number, earliest: number, f: (t: number) => number, uses: string): number[] {
  if (targets == null || typeof targets.length !== 'number' || typeof targets === 'string') {
    fail(`${what}: targets must be an array of series indices, got ${targets === null ? 'null' : typeof targets}`);
  }
  const out = new Array<number>(targets.length);
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i];
    if (typeof t !== 'number' || !Number.isInteger(t) || t > length) {
      fail(`${what}: target ${String(t)} is not an index of the series (whole numbers 0…${length}) — pass series indices, e.g. slidingWindows(...).targets`);
    }
    if (t < earliest) {
      fail(`${what}: target index ${t} is too early — the forecast uses ${uses}, so targets must be ≥ ${earliest}; drop the earlier targets`);
    }
    out[i] = f(t);
  }
  return out;
}

function checkSeries(series: Series, what: string): void {
  if (series == null || typeof series.length !== 'number' || typeof series === 'string') {
    fail(`${what}: series must be an array of numbers (the original, unscaled values), got ${series === null ? 'null' : typeof series}`);
  }
}

function checkPeriod(period: number, what: string): void {
  if (typeof period !== 'number' || !Number.isInteger(period) || period < 1) {
    fail(`${what}: period must be a whole number ≥ 1 (e.g. 12 for monthly data with a yearly season), got ${String(period)}`);
  }
}
