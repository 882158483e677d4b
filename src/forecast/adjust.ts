/**
 * How the automatic forecaster prepares a series for its models, decided
 * from the training part alone, and undone on every forecast:
 *
 *   u_t = log y_t           only when every value is positive and the swing grows with the level
 *   a_t = u_t − s_{t mod m} only when the season is significant (autocorrelation at lag m)
 *
 * s are classical additive seasonal indices of u (mean 0 over a season).
 * The LSTM then models a, the series without its season, and the season
 * and the transform are put back on its forecasts.
 */
import { fail } from '../errors.js';
import { seasonalityTest } from '../stats/acf.js';
import { decompose } from '../stats/decompose.js';

/** What was chosen for a series, and why, in words for the report. */
export interface Adjustment {
  log: boolean;
  /** Seasonal indices s_0 … s_{m−1} on the transformed scale, for point t: s[t mod m]; empty when not seasonal. */
  seasonal: number[];
  period: number;
  reasons: string[];
}

/** The fewest seasons (of the training part) needed to estimate seasonal indices. */
const MIN_SEASONS = 3;
/** The log is taken when the swing grows at least this fast with the level (1 = in proportion; 0 = not at all). */
const LOG_ELASTICITY = 0.5;

/** Decide the transform and the seasonal adjustment from `y` (the training part). */
export function chooseAdjustment(y: ArrayLike<number>, period: number): Adjustment {
  const reasons: string[] = [];
  const positive = Array.prototype.every.call(y, (v: number) => v > 0);
  const elasticity = positive ? swingElasticity(y, period) : Number.NaN;
  const log = positive && elasticity >= LOG_ELASTICITY;
  if (!positive) reasons.push('no log transform: the series has values ≤ 0');
  else if (log) reasons.push(`log transform: the swing grows with the level (elasticity ${elasticity.toFixed(2)} ≥ ${LOG_ELASTICITY})`);
  else reasons.push(`no log transform: the swing does not grow with the level (elasticity ${Number.isNaN(elasticity) ? 'not measurable' : elasticity.toFixed(2)} < ${LOG_ELASTICITY})`);
  const u = Array.from(y, (v) => (log ? Math.log(v) : v));
  let seasonal: number[] = [];
  if (period < 2) reasons.push('no season (period 1)');
  else if (u.length < MIN_SEASONS * period) reasons.push(`no seasonal adjustment: ${u.length} points are fewer than ${MIN_SEASONS} seasons of ${period}`);
  else if (!seasonalityTest(differences(u), period)) reasons.push(`no seasonal adjustment: no significant autocorrelation at lag ${period}`);
  else {
    seasonal = decompose(u, period, 'additive').seasonal.slice(0, period);
    // the indices as decompose gives them start at point 0; keep them by position t mod period
    reasons.push(`seasonal adjustment: significant autocorrelation at lag ${period}`);
  }
  return { log, seasonal, period, reasons };
}

/** a_t for t = 0 … n−1 of a series (point 0 is the training part's first point). */
export function adjust(adj: Adjustment, y: ArrayLike<number>): number[] {
  const m = adj.seasonal.length;
  return Array.from(y, (v, t) => {
    if (adj.log && !(v > 0)) fail(`point ${t + 1} is ${v}, but the forecaster took the log of this series: every point must be positive`);
    const u = adj.log ? Math.log(v) : v;
    return m ? u - adj.seasonal[t % m] : u;
  });
}

/** y at point t from its adjusted value a. */
export function unadjust(adj: Adjustment, a: number, t: number): number {
  const m = adj.seasonal.length;
  const u = m ? a + adj.seasonal[t % m] : a;
  return adj.log ? Math.exp(u) : u;
}

/**
 * How fast the swing (mean absolute change within a stretch) grows with the level (the stretch's
 * mean), as the slope of log swing on log level over stretches of one season (or of 8 points without
 * a season). NaN when there are fewer than 4 stretches or the levels hardly differ.
 */
function swingElasticity(y: ArrayLike<number>, period: number): number {
  const len = Math.max(period, 8);
  const stretches = Math.floor(y.length / len);
  if (stretches < 4) return Number.NaN;
  const lx: number[] = [], ly: number[] = [];
  for (let s = 0; s < stretches; s++) {
    const from = y.length - (stretches - s) * len; // the last stretches: the most recent data counts
    let level = 0, swing = 0;
    for (let i = from; i < from + len; i++) level += y[i];
    for (let i = from + 1; i < from + len; i++) swing += Math.abs(y[i] - y[i - 1]);
    level /= len;
    if (!(swing > 0)) continue;
    lx.push(Math.log(level));
    ly.push(Math.log(swing / (len - 1)));
  }
  if (lx.length < 4) return Number.NaN;
  const mx = lx.reduce((p, q) => p + q, 0) / lx.length, my = ly.reduce((p, q) => p + q, 0) / ly.length;
  let sxx = 0, sxy = 0;
  for (let i = 0; i < lx.length; i++) {
    sxx += (lx[i] - mx) ** 2;
    sxy += (lx[i] - mx) * (ly[i] - my);
  }
  // levels within ±10% of each other say nothing about growth
  if (sxx < lx.length * 0.1 ** 2) return Number.NaN;
  return sxy / sxx;
}

/** u_t − u_{t−1}: the season test runs on the changes, because a trend or a random walk correlates with itself at every lag. */
function differences(u: number[]): number[] {
  return u.slice(1).map((v, t) => v - u[t]);
}
