/**
 * Prediction intervals from the backtest (split conformal prediction): the
 * errors the forecast made from past origins say how far off it will be
 * from this one.
 *
 * With only a few origins per horizon step, the errors of all steps are
 * pooled after dividing each by how errors grow with the step, g(k) = k^p
 * (p fitted to the mean absolute errors per step, 0 ≤ p ≤ 1: 0.5 is a
 * random walk's growth). The half-width at step k is then g(k) times the
 * conformal quantile of the pooled |e|/g — the ⌈(N + 1)(1 − α)⌉-th smallest
 * of N, which covers at least 1 − α of exchangeable errors.
 *
 * Errors are taken where the model works: on the log scale for a series
 * forecast through the log (intervals then scale with the level and stay
 * positive), in the series' units otherwise.
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

/** A calibrated spread: half-width at step k (0-based) for a level. */
export interface Calibration {
  growth: number;
  /** The pooled conformal quantile of |e|/g per level. */
  quantile: Record<Level, number>;
}

export function calibrate(errors: number[][]): Calibration {
  const h = errors[0]?.length ?? 0;
  const mae = Array.from({ length: h }, (_, k) => errors.reduce((s, e) => s + Math.abs(e[k]), 0) / errors.length);
  const growth = growthExponent(mae);
  const pooled: number[] = [];
  for (const e of errors) e.forEach((v, k) => pooled.push(Math.abs(v) / (k + 1) ** growth));
  pooled.sort((p, q) => p - q);
  const quantile = {} as Record<Level, number>;
  for (const level of LEVELS) {
    const rank = Math.min(pooled.length, Math.ceil((pooled.length + 1) * (level / 100)));
    quantile[level] = pooled.length ? pooled[rank - 1] : Number.NaN;
  }
  return { growth, quantile };
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
