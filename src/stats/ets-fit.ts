/**
 * Fitting one exponential smoothing model as forecast::ets() does: starting
 * states from the first seasons (a classical decomposition and a line
 * through the first points), starting smoothing weights from fixed
 * fractions of their bounds, then all of them together by Nelder–Mead on
 * the likelihood (or on the one-step MSE, for thetaf's SES). Following R's
 * starting point and optimiser closely is what makes our forecasts agree
 * with R's: the likelihood surfaces are flat, and where Nelder–Mead stops
 * depends on where it starts.
 */
import { decomposeUnchecked } from './decompose.js';
import {
  allowedParams, LOWER, runEts, UPPER,
  type EtsParams, type EtsSpec, type EtsState,
} from './ets-model.js';
import { nelderMead } from './nelder-mead.js';

export interface EtsFit {
  spec: EtsSpec;
  params: EtsParams;
  /** The fitted starting states (season slot 0 = the season of y[0]). */
  initial: EtsState;
  /** The states after the last observation (season slot 0 = the next step's). */
  final: EtsState;
  /** −2·log-likelihood up to a constant (the same constant for every model of one series). */
  lik: number;
  /** Number of estimated values: smoothing weights, free starting states, and the error variance. */
  parameters: number;
  aic: number;
  aicc: number;
  /** Mean squared one-step error, in the series' units. */
  mse: number;
  /** Residual variance: Σe² / (n − free parameters), e relative for multiplicative error. */
  sigma2: number;
  /** Objective evaluations Nelder–Mead used. */
  evaluations: number;
}

/** ets() rejects likelihoods below this as perfect fits (a noise-free series) instead of letting −∞ through. */
const PERFECT_FIT_LIK = -1e10;

/**
 * Fit `spec` to `y` (finite values; positive where the spec is
 * multiplicative; n ≥ 3·period for a seasonal spec: the caller checks).
 * Returns null when the model has as many values to estimate as the series
 * has points (less one), as ets() does.
 */
export function fitEts(
  y: readonly number[],
  spec: EtsSpec,
  criterion: 'lik' | 'mse' = 'lik',
  maxEvaluations = 2000,
): EtsFit | null {
  const n = y.length;
  const m = spec.season === 'N' ? 1 : spec.period;
  const start = startingParams(spec, m);
  const states = startingStates(y, spec, m);
  const par = [...start, ...states];
  if (par.length >= n - 1) return null;

  const unpack = (x: ArrayLike<number>): { params: EtsParams; initial: EtsState } | null => {
    let i = 0;
    const alpha = x[i++];
    const beta = spec.trend === 'A' ? x[i++] : 0;
    const gamma = spec.season !== 'N' ? x[i++] : 0;
    const phi = spec.damped ? x[i++] : 1;
    const params = { alpha, beta, gamma, phi };
    if (!allowedParams(spec, params)) return null;
    const level = x[i++];
    const trend = spec.trend === 'A' ? x[i++] : 0;
    const season = new Float64Array(m);
    if (spec.season !== 'N') {
      // the free seasonal states in R's order (most recent first); the oldest one, which the first observation uses, makes them sum to 0 (or m)
      let sum = 0;
      for (let k = 0; k < m - 1; k++) { season[m - 1 - k] = x[i + k]; sum += x[i + k]; }
      season[0] = (spec.season === 'M' ? m : 0) - sum;
      if (spec.season === 'M') for (let j = 0; j < m; j++) if (season[j] < 0) return null;
    }
    return { params, initial: { level, trend, season } };
  };

  const objective = (x: Float64Array): number => {
    const u = unpack(x);
    if (u === null) return Infinity;
    const run = runEts(y, spec, u.params, u.initial);
    const value = criterion === 'mse' ? run.mse : Math.max(run.lik, PERFECT_FIT_LIK);
    return Number.isNaN(value) ? Infinity : value;
  };

  // a model that cannot be evaluated at its own starting point is skipped, as ets() skips one whose optimiser fails
  if (!Number.isFinite(objective(Float64Array.from(par)))) return null;
  const result = nelderMead(objective, par, { maxEvaluations });
  const u = unpack(result.point);
  if (u === null) return null; // cannot happen: the start is allowed and every accepted move was
  const run = runEts(y, spec, u.params, u.initial);
  const lik = Math.max(run.lik, PERFECT_FIT_LIK);
  if (!Number.isFinite(lik)) return null;
  const free = par.length;
  const k = free + 1; // + the error variance
  const aic = lik + 2 * k;
  const aicc = aic + (2 * k * (k + 1)) / (n - k - 1);
  return {
    spec, params: u.params, initial: u.initial, final: run.final, lik, parameters: k, aic,
    aicc: n - k - 1 > 0 ? aicc : Infinity, mse: run.mse, sigma2: run.sse / (n - free), evaluations: result.evaluations,
  };
}

/**
 * ets()'s starting smoothing weights: α a fifth of its range (divided by
 * the period for seasonal models), β a tenth of its range up to α, γ a
 * twentieth of its range up to 1 − α, φ 99% of its range.
 */
function startingParams(spec: EtsSpec, m: number): number[] {
  const alpha = LOWER.alpha + (0.2 * (UPPER.alpha - LOWER.alpha)) / m;
  const out = [alpha];
  if (spec.trend === 'A') {
    const upper = Math.min(UPPER.beta, alpha);
    out.push(LOWER.beta + 0.1 * (upper - LOWER.beta));
  }
  if (spec.season !== 'N') {
    const upper = Math.min(UPPER.gamma, 1 - alpha);
    out.push(LOWER.gamma + 0.05 * (upper - LOWER.gamma));
  }
  if (spec.damped) out.push(LOWER.phi + 0.99 * (UPPER.phi - LOWER.phi));
  return out;
}

/**
 * ets()'s starting states, in its order: level, trend, then the m − 1 most
 * recent seasonal states of the first season (newest first). The season
 * comes from a classical decomposition; level and trend from the mean of,
 * or a line through, the first max(10, 2m) seasonally adjusted points.
 */
function startingStates(y: readonly number[], spec: EtsSpec, m: number): number[] {
  let adjusted: readonly number[] = y;
  const seasonal: number[] = [];
  if (spec.season !== 'N') {
    const d = decomposeUnchecked(y, m, spec.season === 'A' ? 'additive' : 'multiplicative');
    for (let j = m - 1; j >= 1; j--) seasonal.push(d.figure[j]);
    if (spec.season === 'A') {
      adjusted = y.map((v, t) => v - d.seasonal[t]);
    } else {
      // no seasonal index near or below zero: they divide the data
      for (let j = 0; j < seasonal.length; j++) seasonal[j] = Math.max(seasonal[j], 1e-2);
      const sum = seasonal.reduce((a, b) => a + b, 0);
      if (sum > m) for (let j = 0; j < seasonal.length; j++) seasonal[j] /= sum + 1e-2 * seasonal.length;
      adjusted = y.map((v, t) => v / Math.max(d.seasonal[t], 1e-2));
    }
  }
  const first = Math.min(Math.max(10, 2 * m), adjusted.length);
  if (spec.trend === 'N') {
    let s = 0;
    for (let t = 0; t < first; t++) s += adjusted[t];
    return [s / first, ...seasonal];
  }
  // least-squares line through (1, a_1) … (first, a_first): the level is its value at 0, the trend its slope
  let sx = 0; let sy = 0;
  for (let t = 0; t < first; t++) { sx += t + 1; sy += adjusted[t]; }
  const mx = sx / first; const my = sy / first;
  let sxx = 0; let sxy = 0;
  for (let t = 0; t < first; t++) { sxx += (t + 1 - mx) ** 2; sxy += (t + 1 - mx) * (adjusted[t] - my); }
  let slope = sxy / sxx;
  let level = my - slope * mx;
  if (Math.abs(level + slope) < 1e-8) {
    // the first fitted value is zero, which a multiplicative error would divide by: nudge it
    level *= 1 + 1e-3;
    slope *= 1 - 1e-3;
  }
  return [level, slope, ...seasonal];
}
