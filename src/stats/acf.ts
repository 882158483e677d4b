/**
 * Autocorrelation and the two questions asked of it: is this series
 * seasonal with a given period (the test R's forecast::thetaf() uses), and,
 * for a series without dates, which period it most likely has.
 */
import { fail, show } from '../errors.js';
import { checkPeriod, checkSeries, isConstant } from './validate.js';

/** The one-sided 95% normal quantile: thetaf tests seasonality at the 90% level, two-sided. */
const Z_95 = 1.6448536269514722;

/**
 * How many standard errors a peak needs for detectPeriod: stricter than the
 * single test's 1.645, since many candidates are tried on the same series
 * (at 1.645, white noise "has" a season about half of the time).
 */
const DETECT_Z = 3;

/** The most lags detectPeriod computes: its cost is n × lags, so this keeps n = 100,000 to a few tens of milliseconds. */
export const MAX_DETECT_LAG = 400;

/**
 * Sample autocorrelations r_0 … r_maxLag as R's acf() computes them:
 * r_k = Σ_{t<n−k} (y_t − ȳ)(y_{t+k} − ȳ) / Σ_t (y_t − ȳ)², so r_0 = 1.
 * A constant series has no defined autocorrelation; it gets r_k = 0 for
 * k ≥ 1 (no structure) rather than NaN.
 */
export function acf(y: ArrayLike<number>, maxLag: number): number[] {
  const values = checkSeries(y, 'acf', 2, 'an autocorrelation compares a series with itself shifted');
  if (typeof maxLag !== 'number' || !Number.isInteger(maxLag) || maxLag < 0 || maxLag >= values.length) {
    fail(`acf: maxLag must be a whole number from 0 to ${values.length - 1} (one less than the series length), got ${show(maxLag)}`);
  }
  return autocorrelations(values, maxLag);
}

/** acf without the checks, for callers that have checked already. */
function autocorrelations(y: ArrayLike<number>, maxLag: number): number[] {
  const n = y.length;
  let mean = 0;
  for (let t = 0; t < n; t++) mean += y[t];
  mean /= n;
  const d = new Float64Array(n);
  for (let t = 0; t < n; t++) d[t] = y[t] - mean;
  let denom = 0;
  for (let t = 0; t < n; t++) denom += d[t] * d[t];
  const r = new Array<number>(maxLag + 1).fill(0);
  r[0] = 1;
  if (!(denom > 0)) return r;
  for (let k = 1; k <= maxLag; k++) {
    let s = 0;
    for (let t = 0; t + k < n; t++) s += d[t] * d[t + k];
    r[k] = s / denom;
  }
  return r;
}

/**
 * thetaf()'s seasonality test: the lag-`period` autocorrelation is
 * significant at 90% against Bartlett's standard error,
 * |r_m| > 1.645·√((1 + 2·Σ_{k<m} r_k²)/n). False for period < 2, for a
 * constant series, and (as thetaf, which needs two full seasons for the
 * decomposition that follows) unless n > 2·period.
 */
export function seasonalityTest(y: ArrayLike<number>, period: number): boolean {
  const values = checkSeries(y, 'seasonalityTest', 1, 'a series to test');
  checkPeriod(period, 'seasonalityTest');
  if (period < 2 || values.length <= 2 * period || isConstant(values)) return false;
  return seasonalStrength(autocorrelations(values, period), period, values.length) > Z_95;
}

/** |r_m| in units of its Bartlett standard error (r holds lags 0 … ≥ m). */
function seasonalStrength(r: ArrayLike<number>, m: number, n: number): number {
  let s = 0;
  for (let k = 1; k < m; k++) s += r[k] * r[k];
  return Math.abs(r[m]) / Math.sqrt((1 + 2 * s) / n);
}

/** Periods worth trying on a series without dates: quarters, working weeks, weeks, months, hours of a day, half-hours, weeks of a year, quarter-hours, hours of a week, 5-minute slots, days of a year. */
export const DEFAULT_PERIOD_CANDIDATES: readonly number[] = [4, 5, 7, 12, 24, 48, 52, 96, 168, 288, 365];

/**
 * The most likely season length of a series with no dates: among the
 * candidates (each ≥ 2, at most MAX_DETECT_LAG, and with at least three
 * seasons of data), the one whose autocorrelation of the differenced series
 * (differencing removes a trend, which would otherwise make every lag look
 * significant) is a positive local peak more than 3 Bartlett standard
 * errors high; the strongest in standard errors wins. 1 when none is.
 */
export function detectPeriod(y: ArrayLike<number>, candidates: readonly number[] = DEFAULT_PERIOD_CANDIDATES): number {
  const values = checkSeries(y, 'detectPeriod', 1, 'a series to look at');
  if (candidates == null || typeof candidates === 'string' || typeof candidates.length !== 'number') {
    fail(`detectPeriod: candidates must be an array of periods (whole numbers ≥ 2), got ${show(candidates)}`);
  }
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i];
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 2) fail(`detectPeriod: candidates[${i}] is ${show(c)}, not a whole number ≥ 2`);
  }
  const diff = new Float64Array(Math.max(0, values.length - 1));
  for (let t = 1; t < values.length; t++) diff[t - 1] = values[t] - values[t - 1];
  const n = diff.length;
  const usable = candidates.filter((c) => c <= MAX_DETECT_LAG && n >= 3 * c && c + 1 < n);
  if (usable.length === 0 || isConstant(diff)) return 1;
  const maxLag = Math.max(...usable) + 1; // one past the largest: a peak is checked against both neighbours
  const r = autocorrelations(diff, maxLag);
  let best = 1;
  let bestStrength = DETECT_Z;
  for (const c of usable) {
    if (!(r[c] > 0 && r[c] >= r[c - 1] && r[c] >= r[c + 1])) continue;
    const strength = seasonalStrength(r, c, n);
    if (strength > bestStrength) { best = c; bestStrength = strength; }
  }
  return best;
}
