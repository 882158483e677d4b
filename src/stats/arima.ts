/**
 * Automatic ARIMA as R's forecast::auto.arima() chooses one for a series
 * without a season (Hyndman & Khandakar 2008):
 *
 *   d       the number of differences ndiffs() gives (KPSS test at 5%, kpss.ts)
 *   p, q    a stepwise search by AICc: start from ARIMA(2,d,2), (0,d,0),
 *           (1,d,0), (0,d,1) (and (0,d,0) without its constant), then move
 *           p and/or q by one, and toggle the constant, while that lowers
 *           AICc; at most 5 each, 94 models in all
 *   constant a mean where d = 0, a drift where d = 1, none where d = 2
 *   fit     conditional sum of squares, then exact likelihood (arima-fit.ts);
 *           on more than 150 points the search ranks models by their CSS
 *           fit and only the best is refitted by likelihood, as R does
 *   reject  a model whose AR or MA roots lie within 1.01 of the unit circle
 *
 * Seasonal ARIMA is not here: for a seasonal series the automatic
 * forecaster (src/forecast/auto.ts) hands this the series with its season
 * taken out (src/forecast/adjust.ts) and puts it back on the forecasts.
 * Unlike R, models whose coefficients' standard errors cannot be computed
 * (its checkarima) are not rejected: there is no Hessian here.
 */
import { differences, fitArima, forecastArima, type ArimaFit } from './arima-fit.js';
import { minRootModulus } from './arima-model.js';
import { ndiffs } from './kpss.js';
import { checkFinite, checkHorizon, checkSeries, isConstant } from './validate.js';

export { fitArima, forecastArima, type ArimaFit, type ArimaOrder } from './arima-fit.js';

export interface ArimaForecast {
  /** Point forecasts for 1 … h steps after the last value. */
  mean: number[];
  /** The chosen model, named as R prints it: 'ARIMA(1,1,0) with drift'. */
  method: string;
  /** The fitted model; null for a series that needs none (constant, or constant after differencing). */
  fit: ArimaFit | null;
  p: number;
  d: number;
  q: number;
  constant: boolean;
}

/** auto.arima's caps: max.p = max.q = 5, nmodels = 94; approximation above 150 points. */
const MAX_P = 5;
const MAX_Q = 5;
const MAX_MODELS = 94;
const APPROXIMATION_ABOVE = 150;
/** The fewest points: a first difference and an AR(1) with its variance. */
const MIN_POINTS = 5;

/** Forecast h steps ahead of y (no season) with the ARIMA model auto.arima's rules choose. */
export function arimaForecast(values: ArrayLike<number>, h: number): ArimaForecast {
  const what = 'arimaForecast';
  const y = checkSeries(values, what, MIN_POINTS, 'an ARIMA model estimates a difference, a coefficient and a variance');
  checkHorizon(h, what);
  const n = y.length;
  if (isConstant(y)) return { mean: new Array(h).fill(y[0]), method: 'ARIMA(0,0,0) with non-zero mean', fit: null, p: 0, d: 0, q: 0, constant: true };

  const d = ndiffs(y);
  const dx = differences(y, d);
  // a level (d = 0), a straight line (d = 1) or a parabola (d = 2): nothing random to model
  if (isConstant(dx)) return { ...withoutModel(y, d, h), fit: null, p: 0, d, q: 0, constant: d < 2 };

  const maxP = Math.min(MAX_P, Math.floor(n / 3));
  const maxQ = Math.min(MAX_Q, Math.floor(n / 3));
  const approximation = n > APPROXIMATION_ABOVE;
  const allowConstant = d <= 1;
  const tried: Tried[] = [];
  let best: Tried | null = null;
  const tryModel = (p: number, q: number, constant: boolean): boolean => {
    const t: Tried = { p, q, constant, ic: Infinity, fit: null };
    const fit = fitArima(y, { p, d, q, constant }, approximation ? 'CSS' : 'CSS-ML');
    if (fit && acceptable(fit)) { t.ic = fit.aicc; t.fit = fit; }
    tried.push(t);
    if (best === null || t.ic < best.ic) { best = t; return true; }
    return false;
  };
  const isNew = (p: number, q: number, constant: boolean) => !tried.some((t) => t.p === p && t.q === q && t.constant === constant);

  let constant = allowConstant;
  const start = n < 10 ? 1 : 2;
  let p = Math.min(start, maxP), q = Math.min(start, maxQ);
  tryModel(p, q, constant);
  if (tryModel(0, 0, constant)) p = q = 0;
  if (maxP > 0 && tryModel(1, 0, constant)) { p = 1; q = 0; }
  if (maxQ > 0 && tryModel(0, 1, constant)) { p = 0; q = 1; }
  if (constant && tryModel(0, 0, false)) p = q = 0;
  // (R keeps `constant` as it was after the start: the toggle below is its only way to change)

  const moves: [number, number][] = [[-1, 0], [0, -1], [1, 0], [0, 1], [-1, -1], [-1, 1], [1, -1], [1, 1]];
  let before = -1;
  while (before < tried.length && tried.length < MAX_MODELS) {
    before = tried.length;
    let moved = false;
    for (const [dp, dq] of moves) {
      const np = p + dp, nq = q + dq;
      if (np < 0 || nq < 0 || np > maxP || nq > maxQ || !isNew(np, nq, constant)) continue;
      if (tried.length >= MAX_MODELS) break;
      if (tryModel(np, nq, constant)) { p = np; q = nq; moved = true; break; }
    }
    if (moved) continue;
    if (allowConstant && isNew(p, q, !constant) && tried.length < MAX_MODELS) {
      if (tryModel(p, q, !constant)) constant = !constant;
    }
  }

  let chosen: Tried | null = best;
  if (approximation) {
    // refit the search's models by likelihood, best first, until one is acceptable (as R)
    chosen = null;
    const ranked = tried.filter((t) => t.ic < Infinity).sort((a, b) => a.ic - b.ic);
    for (const t of ranked) {
      const fit = fitArima(y, { p: t.p, d, q: t.q, constant: t.constant }, 'CSS-ML');
      if (fit && acceptable(fit)) { chosen = { ...t, ic: fit.aicc, fit }; break; }
    }
  }
  // R stops here ("No suitable ARIMA model found"); a forecaster needs a forecast: ARIMA(0,d,0)
  if (chosen === null || chosen.fit === null) return { ...withoutModel(y, d, h), fit: null, p: 0, d, q: 0, constant: d < 2 };
  const fit = chosen.fit;
  const mean = forecastArima(y, fit, h);
  checkFinite(mean, what, 'mean');
  return { mean, method: nameOf(chosen.p, d, chosen.q, chosen.constant && d < 2), fit, p: chosen.p, d, q: chosen.q, constant: chosen.constant && d < 2 };
}

/**
 * ARIMA(0,d,0) with the mean (d = 0) or drift (d = 1) of the differences as its constant: what
 * auto.arima returns when the differenced series is constant, and the fallback here when no
 * model passes the checks (where R stops).
 */
function withoutModel(y: number[], d: number, h: number): { mean: number[]; method: string } {
  const dx = differences(y, d);
  const c = d < 2 ? dx.reduce((s, v) => s + v, 0) / dx.length : 0;
  let f = new Array<number>(h).fill(c);
  for (let level = d; level >= 1; level--) {
    const base = differences(y, level - 1);
    let last = base[base.length - 1];
    f = f.map((v) => (last += v));
  }
  return { mean: f, method: nameOf(0, d, 0, d < 2) };
}

interface Tried {
  p: number;
  q: number;
  constant: boolean;
  ic: number;
  fit: ArimaFit | null;
}

/** myarima's check: AR and MA roots at least 1.01 from the origin, and a finite AICc. */
function acceptable(fit: ArimaFit): boolean {
  return Number.isFinite(fit.aicc) && minRootModulus(fit.ar, -1) >= 1.01 && minRootModulus(fit.ma, 1) >= 1.01;
}

/** R's name: 'ARIMA(p,d,q)' and ' with non-zero mean' / ' with drift' / ' with zero mean'. */
function nameOf(p: number, d: number, q: number, constant: boolean): string {
  const base = `ARIMA(${p},${d},${q})`;
  if (d === 0) return base + (constant ? ' with non-zero mean' : ' with zero mean');
  if (d === 1 && constant) return base + ' with drift';
  return base;
}
