/**
 * Prediction intervals from the backtest: the errors the forecast made from
 * past origins say how far off it will be from this one.
 *
 * The errors of all horizon steps are pooled after dividing each by how
 * errors grow with the step, g(k) = k^p (p fitted to the mean absolute
 * errors per step, 0 ≤ p ≤ 1: 0.5 is a random walk's growth), and their
 * root mean square σ is the spread of one step. The half-width at step k
 * is then t · σ · g(k), with t the Student-t quantile for K − 1 degrees of
 * freedom, K the number of origins: the errors of one origin move together,
 * so the origins, not the points, are the independent draws σ is estimated
 * from. (An empirical quantile of the pooled errors, as split conformal
 * prediction takes it, covered 86% of the dev suite's test points with its
 * 95% intervals: five origins are too few to see the tails.)
 *
 * Errors are taken where the model works: on the log scale for a positive
 * series (intervals then scale with the level and stay positive), in the
 * series' units otherwise.
 */

/** The interval levels reported, in percent. */
export const LEVELS = [80, 95] as const;
export type Level = (typeof LEVELS)[number];

/** [low, high] per horizon step, per level. */
export type Intervals = Record<Level, [number, number][]>;

/** How errors are measured: differences, or differences of logs. */
export interface ErrorScale {
  log: boolean;
}

/** Errors e[j][k] = actual − forecast (on the scale), per origin j and step k. */
export function errorsOf(forecasts: number[][], actual: number[][], scale: ErrorScale): number[][] {
  return forecasts.map((f, j) => f.map((v, k) => (scale.log ? Math.log(actual[j][k]) - Math.log(v) : actual[j][k] - v)));
}

/** A calibrated spread: the half-width at step k (0-based) is quantile[level] · (k + 1)^growth. */
export interface Calibration {
  growth: number;
  /** t · σ per level. */
  quantile: Record<Level, number>;
}

export function calibrate(errors: number[][]): Calibration {
  const h = errors[0]?.length ?? 0;
  const mae = Array.from({ length: h }, (_, k) => errors.reduce((s, e) => s + Math.abs(e[k]), 0) / errors.length);
  const growth = growthExponent(mae);
  let sum = 0, count = 0;
  for (const e of errors) e.forEach((v, k) => { sum += (v / (k + 1) ** growth) ** 2; count++; });
  const sigma = count ? Math.sqrt(sum / count) : Number.NaN;
  const quantile = {} as Record<Level, number>;
  for (const level of LEVELS) quantile[level] = studentT(level, Math.max(1, errors.length - 1)) * sigma;
  return { growth, quantile };
}

/** Student-t quantiles for 1 … 30 degrees of freedom (R's qt(0.9, df) and qt(0.975, df)): the two the interval levels need. */
const T_TABLE: Record<Level, number[]> = {
  80: [3.077684, 1.885618, 1.637744, 1.533206, 1.475884, 1.439756, 1.414924, 1.396815, 1.383029, 1.372184, 1.36343, 1.356217, 1.350171, 1.34503, 1.340606,
    1.336757, 1.333379, 1.330391, 1.327728, 1.325341, 1.323188, 1.321237, 1.31946, 1.317836, 1.316345, 1.314972, 1.313703, 1.312527, 1.311434, 1.310415],
  95: [12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004, 2.262157, 2.228139, 2.200985, 2.178813, 2.160369, 2.144787, 2.13145,
    2.119905, 2.109816, 2.100922, 2.093024, 2.085963, 2.079614, 2.073873, 2.068658, 2.063899, 2.059539, 2.055529, 2.051831, 2.048407, 2.04523, 2.042272],
};

/**
 * The two-sided Student-t quantile for a level with df ≥ 1 degrees of freedom: from the table up
 * to 30, beyond by the Cornish–Fisher expansion around the normal quantile (error below 1e-4 there).
 */
export function studentT(level: Level, df: number): number {
  if (df <= 30) return T_TABLE[level][Math.max(1, Math.floor(df)) - 1];
  const z = normalQuantile((1 + level / 100) / 2), z3 = z ** 3, z5 = z ** 5, z7 = z ** 7;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df ** 2) + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3);
}

/** The standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9). */
function normalQuantile(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) => (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5, r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** The intervals around a forecast. */
export function intervalsAround(forecast: number[], c: Calibration, scale: ErrorScale): Intervals {
  const out = {} as Intervals;
  for (const level of LEVELS) {
    out[level] = forecast.map((f, k) => {
      const w = c.quantile[level] * (k + 1) ** c.growth;
      return scale.log ? [f * Math.exp(-w), f * Math.exp(w)] : [f - w, f + w];
    });
  }
  return out;
}

/**
 * How often the intervals held on the backtest, each origin's intervals calibrated on the OTHER
 * origins' errors only (leave one origin out), so the figure is not flattered by its own errors.
 * NaN with fewer than 2 origins.
 */
export function backtestCoverage(forecasts: number[][], actual: number[][], scale: ErrorScale): Record<Level, number> {
  const errors = errorsOf(forecasts, actual, scale);
  const hits = { 80: 0, 95: 0 } as Record<Level, number>;
  let points = 0;
  if (errors.length < 2) return { 80: Number.NaN, 95: Number.NaN };
  errors.forEach((_, j) => {
    const c = calibrate(errors.filter((__, i) => i !== j));
    const iv = intervalsAround(forecasts[j], c, scale);
    actual[j].forEach((a, k) => {
      points++;
      for (const level of LEVELS) if (a >= iv[level][k][0] && a <= iv[level][k][1]) hits[level]++;
    });
  });
  return { 80: hits[80] / points, 95: hits[95] / points };
}

/** p in mean|e_k| ∝ (k+1)^p, by least squares on the logs, clamped to [0, 1]; 0.5 when it cannot be fitted. */
function growthExponent(mae: number[]): number {
  const pts = mae.map((v, k) => [Math.log(k + 1), Math.log(v)]).filter(([, y]) => Number.isFinite(y));
  if (pts.length < 3) return 0.5;
  const mx = pts.reduce((s, p) => s + p[0], 0) / pts.length, my = pts.reduce((s, p) => s + p[1], 0) / pts.length;
  let sxx = 0, sxy = 0;
  for (const [x, y] of pts) {
    sxx += (x - mx) ** 2;
    sxy += (x - mx) * (y - my);
  }
  return sxx > 0 ? Math.min(1, Math.max(0, sxy / sxx)) : 0.5;
}
