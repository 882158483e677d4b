/**
 * Automatic exponential smoothing as R's forecast::ets() does it: fit every
 * allowed ETS model by maximum likelihood and keep the one with the lowest
 * AICc. Allowed, as ets() by default: additive or multiplicative error;
 * no trend, additive trend or damped additive trend (no multiplicative
 * trend); no, additive or multiplicative season; never additive error with
 * multiplicative season (unstable); multiplicative anything only for
 * positive data; a season only for 2 ≤ period ≤ 24.
 */
import { fail, show } from '../errors.js';
import { fitEts, type EtsFit } from './ets-fit.js';
import { forecastEts, modelName, type EtsParams, type EtsSpec } from './ets-model.js';
import { checkFinite, checkHorizon, checkPeriod, checkSeries, isConstant } from './validate.js';

export interface EtsOptions {
  /** Only additive error and season (the multiplicative models are also skipped, always, for data with a value ≤ 0). Default false. */
  additiveOnly?: boolean;
  /** true: only damped trends; false: only undamped; undefined (default): both, as ets(). */
  damped?: boolean;
  /** Nelder–Mead's budget per model (default 2000 evaluations, as ets()). */
  maxEvaluations?: number;
}

export interface EtsForecast {
  /** Point forecasts for 1 … h steps after the last value. */
  mean: number[];
  /** The chosen model, named as R names it: 'ETS(M,Ad,N)'. */
  method: string;
  /** Residual standard deviation, √(Σe² / (n − estimated values)); e is relative (a fraction of the forecast) for multiplicative error. */
  sigma: number;
  /** The fitted smoothing weights (β = 0 without trend, γ = 0 without season, φ = 1 without damping). */
  params: EtsParams;
  /** The fitted starting states: level, trend (0 without one) and seasonal states (season[0] is that of y[0]; empty without a season). */
  initial: { level: number; trend: number; season: number[] };
  /** The chosen model's AICc (up to a constant shared by all models of the series). */
  aicc: number;
  /** The chosen model's components. */
  spec: EtsSpec;
}

/** The fewest points: the simplest model estimates α, a level and the error variance, and AICc needs n > 4. */
const MIN_POINTS = 5;
/** ets() fits no season longer than this (the state vector grows with it; it suggests stlf() instead). */
export const MAX_ETS_PERIOD = 24;

/**
 * Forecast `h` steps ahead of `y` with the exponential smoothing model
 * AICc picks. `period` is the season length (1 for none); a season is
 * tried when 2 ≤ period ≤ 24 and there are at least three seasons of data
 * (R also tries shorter series, from a Fourier start that is not here).
 */
export function etsForecast(y: ArrayLike<number>, h: number, period: number, options: EtsOptions = {}): EtsForecast {
  const what = 'etsForecast';
  const values = checkSeries(y, what, MIN_POINTS, 'the simplest model estimates a weight, a level and the error variance');
  checkHorizon(h, what);
  checkPeriod(period, what);
  if (options === null || typeof options !== 'object') fail(`${what}: options must be an object, got ${show(options)}`);
  const { additiveOnly = false, damped, maxEvaluations = 2000 } = options;
  if (typeof additiveOnly !== 'boolean') fail(`${what}: options.additiveOnly must be true or false, got ${show(additiveOnly)}`);
  if (damped !== undefined && typeof damped !== 'boolean') fail(`${what}: options.damped must be true, false or undefined (try both), got ${show(damped)}`);
  if (!Number.isInteger(maxEvaluations) || maxEvaluations < 1 || maxEvaluations > 1_000_000) {
    fail(`${what}: options.maxEvaluations must be a whole number from 1 to 1000000, got ${show(maxEvaluations)}`);
  }
  const n = values.length;

  if (isConstant(values)) {
    // nothing to estimate (every error would be 0 and the likelihood −∞): the level is the value (R returns the same)
    const spec: EtsSpec = { error: 'A', trend: 'N', damped: false, season: 'N', period: 1 };
    return {
      mean: new Array<number>(h).fill(values[0]), method: modelName(spec), sigma: 0,
      params: { alpha: 0.99999, beta: 0, gamma: 0, phi: 1 }, initial: { level: values[0], trend: 0, season: [] }, aicc: -Infinity, spec,
    };
  }

  const positive = values.every((v) => v > 0);
  const seasonal = period >= 2 && period <= MAX_ETS_PERIOD && n >= 3 * period;
  let best: EtsFit | null = null;
  // R's order of trial matters only for ties (the first stays)
  for (const error of ['A', 'M'] as const) {
    if (error === 'M' && (!positive || additiveOnly)) continue;
    for (const trend of ['N', 'A'] as const) {
      for (const season of (seasonal ? ['N', 'A', 'M'] : ['N']) as ('N' | 'A' | 'M')[]) {
        if (season === 'M' && (error === 'A' || additiveOnly)) continue;
        for (const isDamped of [true, false]) {
          if (trend === 'N' && isDamped) continue;
          if (trend === 'A' && damped !== undefined && damped !== isDamped) continue;
          const spec: EtsSpec = { error, trend, damped: isDamped, season, period: season === 'N' ? 1 : period };
          const fit = fitEts(values, spec, 'lik', maxEvaluations);
          if (fit !== null && fit.aicc < (best?.aicc ?? Infinity)) best = fit;
        }
      }
    }
  }
  if (best === null) fail(`${what}: no model could be fitted to these ${n} points`);

  const mean = forecastEts(best.spec, best.params.phi, best.final, h);
  checkFinite(mean, what, 'mean');
  return {
    mean, method: modelName(best.spec), sigma: Math.sqrt(best.sigma2), params: best.params,
    initial: {
      level: best.initial.level, trend: best.initial.trend,
      season: best.spec.season === 'N' ? [] : Array.from(best.initial.season),
    },
    aicc: best.aicc, spec: best.spec,
  };
}
