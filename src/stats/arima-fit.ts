/**
 * Fitting one ARIMA(p, d, q) model, as R's forecast::Arima() does with its
 * default method "CSS-ML": the series is differenced d times; a constant c
 * (the mean when d = 0, the drift when d = 1; none when d = 2) is taken off;
 * the conditional sum of squares gives starting values; the exact Gaussian
 * likelihood (Kalman filter, arima-model.ts) is then maximised from them,
 * the AR part searched through its partial autocorrelations so that every
 * point tried is stationary. Method "CSS" stops after the first stage (what
 * auto.arima searches with on a long series).
 *
 * R maximises with BFGS; here Nelder–Mead (nelder-mead.ts) is run twice,
 * the second time from the first's end. Both find the same maximum where
 * the likelihood has one clear maximum, which is what the tests check: the
 * log-likelihood to 1e-3 and the forecasts to a fraction of a percent.
 *
 * Work is done on w standardised ((w − mean)/sd): the constant and the
 * coefficients then have the same scale for the optimiser's simplex, and
 * the likelihood only shifts by n·log sd, put back at the end.
 */
import { nelderMead } from './nelder-mead.js';
import { arFromPacf, cssSumOfSquares, exactLikelihood, forecastArma, invertMa, minRootModulus, pacfFromAr } from './arima-model.js';

export interface ArimaOrder {
  p: number;
  d: number;
  q: number;
  /** A mean (d = 0) or a drift (d = 1) is estimated; ignored when d = 2, as R does. */
  constant: boolean;
}

export interface ArimaFit {
  order: ArimaOrder;
  /** φ_1 … φ_p. */
  ar: number[];
  /** θ_1 … θ_q (R's sign: w_t = … + e_t + θ_1 e_{t−1}). */
  ma: number[];
  /** The mean of the series (d = 0) or of its differences (d = 1, R's "drift"); 0 without a constant. */
  constant: number;
  /** The innovations' variance as R reports it: Σ v²/F / (n − coefficients) (forecast::Arima, ML), Σ e² / (n − p) (stats::arima, CSS). */
  sigma2: number;
  /** The exact Gaussian log-likelihood of the differenced series (CSS: NaN, R reports none). */
  loglik: number;
  /** R's information criteria: AIC from the likelihood (CSS: n·log σ² + 2k, as auto.arima's search uses), AICc. */
  aic: number;
  aicc: number;
  method: 'CSS-ML' | 'CSS';
  /** The Kalman filter's state after the last point (of w − constant, w the differenced series): where forecasts start. */
  state: Float64Array;
}

/** Nelder–Mead's budget per run (two runs per stage). */
const MAX_EVALUATIONS = 1000;
/** Nelder–Mead stops when its simplex's values are within this of each other (per point of the series). */
const TOLERANCE = 1e-10;

/** Null when the model cannot be fitted (too few points, or a CSS start that is not stationary, where R stops). */
export function fitArima(y: readonly number[], order: ArimaOrder, method: 'CSS-ML' | 'CSS' = 'CSS-ML'): ArimaFit | null {
  const { p, d, q } = order;
  const constant = order.constant && d < 2;
  const w = differences(y, d);
  const n = w.length;
  const k = p + q + (constant ? 1 : 0); // estimated coefficients
  if (n - p <= k + 1) return null;

  let mean = 0;
  for (const v of w) mean += v;
  mean /= n;
  let sd = 0;
  for (const v of w) sd += (v - mean) ** 2;
  sd = Math.sqrt(sd / n);
  if (!(sd > 0)) return null;
  const z = w.map((v) => (v - (constant ? mean : 0)) / sd);
  const zc = new Float64Array(n);

  // the constant's parameter is its shift from the sample mean, in sd units
  const split = (x: ArrayLike<number>) => ({ phi: Array.from({ length: p }, (_, i) => x[i]), theta: Array.from({ length: q }, (_, i) => x[p + i]), c: constant ? x[p + q] : 0 });
  const centred = (c: number) => { for (let t = 0; t < n; t++) zc[t] = z[t] - c; return zc; };

  const css = (x: Float64Array) => {
    const { phi, theta, c } = split(x);
    const { ssq, count } = cssSumOfSquares(centred(c), phi, theta);
    return 0.5 * Math.log(ssq / count);
  };
  let x = minimise(css, new Array(k).fill(0));
  let { phi, theta, c } = split(x);

  if (method === 'CSS') {
    const { ssq, count } = cssSumOfSquares(centred(c), phi, theta);
    const sigma2 = (ssq / count) * sd * sd;
    const aic = n * Math.log(sigma2) + 2 * (k + 1);
    return finish({ order, phi, theta, c, sd, mean, constant, sigma2, loglik: Number.NaN, aic, n, method, w, k });
  }

  // as R: a CSS start that is not stationary stops the fit ("non-stationary AR part from CSS")
  if (p > 0 && !(minRootModulus(phi, -1) > 1)) return null;
  const start = [...pacfFromAr(phi), ...invertMa(theta), ...(constant ? [c] : [])];
  const ml = (x: Float64Array) => {
    const phi = arFromPacf(Array.from({ length: p }, (_, i) => x[i]));
    const theta = Array.from({ length: q }, (_, i) => x[p + i]);
    const r = exactLikelihood(centred(constant ? x[p + q] : 0), phi, theta);
    return 0.5 * (Math.log(r.ssq / r.count) + r.sumLog / r.count);
  };
  x = minimise(ml, start);
  phi = arFromPacf(x.slice(0, p));
  theta = invertMa(x.slice(p, p + q));
  c = constant ? x[p + q] : 0;
  const r = exactLikelihood(centred(c), phi, theta);
  const loglik = -0.5 * (n * Math.log((2 * Math.PI * r.ssq * sd * sd) / n) + n + r.sumLog);
  // the variance forecast::Arima reports: with a degree of freedom taken per coefficient
  const sigma2 = (r.ssq / (n - k)) * sd * sd;
  const aic = -2 * loglik + 2 * (k + 1);
  return finish({ order, phi, theta, c, sd, mean, constant, sigma2, loglik, aic, n, method, w, k });
}

function finish(f: { order: ArimaOrder; phi: number[]; theta: number[]; c: number; sd: number; mean: number; constant: boolean; sigma2: number; loglik: number; aic: number; n: number; method: 'CSS-ML' | 'CSS'; w: number[]; k: number }): ArimaFit {
  const npar = f.k + 1; // + σ², as R counts
  const aicc = f.aic + (2 * npar * (npar + 1)) / (f.n - npar - 1);
  const constant = f.constant ? f.mean + f.c * f.sd : 0;
  // the filter once more on the unscaled series: its last state, in the series' units, starts the forecasts
  const state = exactLikelihood(f.w.map((v) => v - constant), f.phi, f.theta).state;
  return { order: f.order, ar: f.phi, ma: f.theta, constant, sigma2: f.sigma2, loglik: f.loglik, aic: f.aic, aicc, method: f.method, state };
}

/**
 * Nelder–Mead from start, then again from where it stopped (a fresh simplex gets it out of a
 * collapsed one). The objectives are per-point log-likelihoods near 0 on the standardised series,
 * so the tolerance, relative to |f|, would never be met: 1 is added, making it absolute (TOLERANCE
 * per point, i.e. n·TOLERANCE in log-likelihood).
 */
function minimise(f: (x: Float64Array) => number, start: number[]): number[] {
  if (start.length === 0) return [];
  const shifted = (x: Float64Array) => 1 + f(x);
  let res = nelderMead(shifted, start, { maxEvaluations: MAX_EVALUATIONS, relativeTolerance: TOLERANCE });
  res = nelderMead(shifted, res.point, { maxEvaluations: MAX_EVALUATIONS, relativeTolerance: TOLERANCE });
  return res.point;
}

/** h forecasts of y: the ARMA forecasts of w from the filter's last state, plus the constant, integrated d times. */
export function forecastArima(y: readonly number[], fit: ArimaFit, h: number): number[] {
  let f = forecastArma(fit.state, fit.ar, h).map((v) => v + fit.constant);
  // undo the differences, the last taken first
  for (let level = fit.order.d; level >= 1; level--) {
    const base = differences(y, level - 1);
    let last = base[base.length - 1];
    f = f.map((v) => (last += v));
  }
  return f;
}

/** y differenced d times. */
export function differences(y: readonly number[], d: number): number[] {
  let w = y.slice();
  for (let i = 0; i < d; i++) w = w.slice(1).map((v, t) => v - w[t]);
  return w;
}
