/**
 * Classical seasonal decomposition, as R's decompose(): the trend is a
 * centred moving average over one season, the seasonal figure is the mean
 * detrended value at each position of the season, normalised to sum to 0
 * (additive) or average 1 (multiplicative). Theta uses it to seasonally
 * adjust; ETS uses it for its starting seasonal states.
 *
 * Positions count from the first observation: figure[0] is the season of
 * y[0] (R does the same for a series without calendar information).
 */
import { fail, show } from '../errors.js';
import { checkPeriod, checkSeries } from './validate.js';

export type DecompositionType = 'additive' | 'multiplicative';

export interface Decomposition {
  type: DecompositionType;
  /** The centred moving average; null for the first and last ⌊period/2⌋ points, where the window does not fit. */
  trend: (number | null)[];
  /** The normalised seasonal figure, one value per position of the season (figure[0] belongs to y[0]). */
  figure: number[];
  /** The figure repeated along the series: seasonal[t] = figure[t mod period]. */
  seasonal: number[];
  /** y with the season removed: y − seasonal (additive) or y / seasonal (multiplicative). */
  adjusted: number[];
}

/**
 * Decompose `y` with season length `period` (≥ 2; at least two full seasons
 * of data). Multiplicative needs every value ≥ 0: the seasonal figure is a
 * ratio to the trend (where the trend is 0 over a run of zeros, that point
 * is left out of the figure, as R does).
 */
export function decompose(y: ArrayLike<number>, period: number, type: DecompositionType = 'additive'): Decomposition {
  const what = 'decompose';
  checkPeriod(period, what);
  if (period < 2) fail(`${what}: period must be ≥ 2 (a season of one step is no season), got ${period}`);
  if (type !== 'additive' && type !== 'multiplicative') fail(`${what}: type must be "additive" or "multiplicative", got ${show(type)}`);
  const values = checkSeries(y, what, 2 * period, `two full seasons of ${period}: the moving average and every position of the season need data`);
  if (type === 'multiplicative') {
    const i = values.findIndex((v) => v < 0);
    if (i >= 0) fail(`${what}: a multiplicative decomposition needs values ≥ 0, but y[${i}] = ${values[i]} — use type "additive"`);
  }
  const d = decomposeUnchecked(values, period, type);
  const bad = d.figure.findIndex((f) => !Number.isFinite(f) || (type === 'multiplicative' && f === 0));
  if (bad >= 0) fail(`${what}: position ${bad} of the season has no usable value (its moving average is 0 throughout) — use type "additive"`);
  return d;
}

/** decompose without the checks, for callers that have checked already. */
export function decomposeUnchecked(y: ArrayLike<number>, period: number, type: DecompositionType): Decomposition {
  const n = y.length;
  const trend = movingAverage(y, period);
  const sums = new Float64Array(period);
  const counts = new Float64Array(period);
  for (let t = 0; t < n; t++) {
    const tr = trend[t];
    if (tr === null) continue;
    const detrended = type === 'additive' ? y[t] - tr : y[t] / tr;
    if (Number.isNaN(detrended)) continue; // 0/0: a stretch of zeros has no seasonal ratio (R's mean(na.rm = TRUE) skips it too)
    sums[t % period] += detrended;
    counts[t % period]++;
  }
  // n ≥ 2·period gives every position at least one value, unless (multiplicative) they were all 0/0: then NaN, which callers check
  const figure = Array.from(sums, (s, i) => s / counts[i]);
  const mean = figure.reduce((a, b) => a + b, 0) / period;
  for (let i = 0; i < period; i++) figure[i] = type === 'additive' ? figure[i] - mean : figure[i] / mean;
  const seasonal = Array.from({ length: n }, (_, t) => figure[t % period]);
  const adjusted = Array.from({ length: n }, (_, t) => (type === 'additive' ? y[t] - seasonal[t] : y[t] / seasonal[t]));
  return { type, trend, figure, seasonal, adjusted };
}

/**
 * The centred moving average over one season: for an odd period the plain
 * mean of `period` values; for an even one a 2×period average (weights ½ at
 * both ends) so that it is centred on an observation.
 */
function movingAverage(y: ArrayLike<number>, period: number): (number | null)[] {
  const n = y.length;
  const half = Math.floor(period / 2);
  const even = period % 2 === 0;
  const out = new Array<number | null>(n).fill(null);
  for (let t = half; t + half < n; t++) {
    let s = 0;
    for (let j = -half; j <= half; j++) s += (even && (j === -half || j === half) ? 0.5 : 1) * y[t + j];
    out[t] = s / period;
  }
  return out;
}
