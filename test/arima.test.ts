/**
 * ARIMA (src/stats/arima*.ts, kpss.ts) against R forecast 8.20:
 * test/data/arima/arima_reference.json, made by make_arima.R beside it.
 *
 * Fixed orders (Arima()): R maximises the exact likelihood with BFGS; we
 * with Nelder–Mead, from the same CSS start. Both stop near the same
 * maximum, not on it: where the likelihood is flat (treering_tail's AR and
 * MA terms nearly cancel) the coefficients seen differ by up to 1e-3 while
 * the log-likelihoods agree to 1e-4. R also starts a differenced model's
 * filter from a diffuse prior of variance 1e6 where we difference exactly,
 * which moves its d = 2 log-likelihood (BJsales) by 2e-4. Hence: the
 * log-likelihood to 1e-3 (2e-3 for AICc = −2·loglik + const), coefficients
 * to 5e-3, σ² to 0.1%, forecasts to 0.01 in MASE units (a hundredth of the
 * naive's in-sample step error). A wrong likelihood, sign, constant or
 * differencing misses each by far more: CSS alone (a different estimator)
 * already moves these coefficients by 0.01–0.1.
 *
 * auto.arima(): our stepwise search follows its rules (KPSS for d, the same
 * start models and moves, CSS ranking above 150 points, the 1.01 root
 * check), so the chosen orders must be R's, and the forecasts then agree as
 * the fixed fits do.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { arimaForecast, fitArima, forecastArima } from '../src/stats/arima.js';
import { arFromPacf, exactLikelihood, invertMa, minRootModulus, pacfFromAr } from '../src/stats/arima-model.js';
import { kpssStatistic, ndiffs } from '../src/stats/kpss.js';

interface FixedCase { series: string; p: number; d: number; q: number; constant: boolean; h: number; ar: number | number[]; ma: number | number[]; mean: number; sigma2: number; loglik: number; aicc: number; forecast: number[] }
interface AutoCase { series: string; p: number; d: number; q: number; constant: boolean; method: string; h: number; forecast: number[] }
const ref = JSON.parse(readFileSync(new URL('./data/arima/arima_reference.json', import.meta.url), 'utf8')) as { series: Record<string, number[]>; fixed: FixedCase[]; auto: AutoCase[] };
const list = (v: number | number[]) => (Array.isArray(v) ? v : [v]); // jsonlite writes a length-1 vector as a number

/** The largest forecast gap in units of the series' mean absolute step (MASE units). */
function gap(ours: number[], theirs: number[], y: number[]): number {
  let step = 0;
  for (let t = 1; t < y.length; t++) step += Math.abs(y[t] - y[t - 1]);
  step /= y.length - 1;
  return Math.max(...ours.map((v, i) => Math.abs(v - theirs[i]))) / step;
}

describe('fitArima with fixed orders matches R\'s Arima()', () => {
  for (const c of ref.fixed) {
    const name = `${c.series}: ARIMA(${c.p},${c.d},${c.q})${c.constant ? (c.d === 0 ? ' with mean' : ' with drift') : ''}`;
    it(name, () => {
      const y = ref.series[c.series];
      const fit = fitArima(y, { p: c.p, d: c.d, q: c.q, constant: c.constant });
      expect(fit).not.toBeNull();
      expect(Math.abs(fit!.loglik - c.loglik)).toBeLessThan(1e-3);
      expect(Math.abs(fit!.aicc - c.aicc)).toBeLessThan(2e-3);
      expect(Math.abs(fit!.sigma2 / c.sigma2 - 1)).toBeLessThan(1e-3);
      const ar = list(c.ar), ma = list(c.ma);
      expect(fit!.ar).toHaveLength(ar.length);
      expect(fit!.ma).toHaveLength(ma.length);
      fit!.ar.forEach((v, i) => expect(Math.abs(v - ar[i])).toBeLessThan(5e-3));
      fit!.ma.forEach((v, i) => expect(Math.abs(v - ma[i])).toBeLessThan(5e-3));
      expect(Math.abs(fit!.constant - c.mean)).toBeLessThan(5e-3 * Math.max(1, Math.abs(c.mean)));
      expect(gap(forecastArima(y, fit!, c.h), c.forecast, y)).toBeLessThan(0.01);
    });
  }
});

describe('arimaForecast chooses the orders R\'s auto.arima() chooses', () => {
  for (const c of ref.auto) {
    it(`${c.series}: ${c.method}`, () => {
      const y = ref.series[c.series];
      const f = arimaForecast(y, c.h);
      expect([f.p, f.d, f.q, f.constant]).toEqual([c.p, c.d, c.q, c.constant]);
      expect(f.method).toBe(c.method);
      expect(gap(f.mean, c.forecast, y)).toBeLessThan(0.01);
    });
  }
});

describe('ARIMA pieces, on answers known by construction', () => {
  it('the PACF transform maps any values to a stationary AR part and back', () => {
    for (const u of [[0.3], [2, -1.5], [0.1, 0.9, -3]]) {
      const phi = arFromPacf(u);
      expect(minRootModulus(phi, -1)).toBeGreaterThan(1);
      pacfFromAr(phi).forEach((v, i) => expect(v).toBeCloseTo(u[i], 8));
    }
    // AR(1): the coefficient is the partial autocorrelation itself
    expect(arFromPacf([Math.atanh(0.5)])[0]).toBeCloseTo(0.5, 12);
  });

  it('root moduli: AR(1) φ = 0.5 has its root at 2; MA(1) θ = 2 is not invertible and becomes θ = 0.5', () => {
    expect(minRootModulus([0.5], -1)).toBeCloseTo(2, 10);
    expect(minRootModulus([0, 0], 1)).toBe(Infinity);
    expect(invertMa([2])[0]).toBeCloseTo(0.5, 10);
    // (1 + 0.5z)(1 + 3z) = 1 + 3.5z + 1.5z²: the root at −1/3 moves to −3, giving (1 + 0.5z)(1 + z/3)
    const inv = invertMa([3.5, 1.5]);
    expect(inv[0]).toBeCloseTo(0.5 + 1 / 3, 10);
    expect(inv[1]).toBeCloseTo(0.5 / 3, 10);
  });

  it('the exact likelihood of an AR(1) is the textbook one: the first point with variance 1/(1 − φ²), the rest conditional', () => {
    const w = [0.3, -1.2, 0.8, 0.5, -0.1];
    const phi = 0.6;
    const r = exactLikelihood(w, [phi], []);
    let ssq = w[0] ** 2 * (1 - phi * phi);
    for (let t = 1; t < w.length; t++) ssq += (w[t] - phi * w[t - 1]) ** 2;
    expect(r.ssq).toBeCloseTo(ssq, 12);
    expect(r.sumLog).toBeCloseTo(-Math.log(1 - phi * phi), 12);
  });

  it('KPSS: a random walk needs a difference, white noise none, a constant none', () => {
    let seed = 7;
    const noise = Array.from({ length: 300 }, () => { seed = (seed * 16807) % 2147483647; return seed / 2147483647 - 0.5; });
    let s = 0;
    const walk = noise.map((v) => (s += v));
    expect(kpssStatistic(walk)).toBeGreaterThan(0.463);
    expect(ndiffs(walk)).toBe(1);
    expect(ndiffs(noise)).toBe(0);
    expect(ndiffs(new Array(20).fill(3))).toBe(0);
  });

  it('a constant series, a straight line and a tiny series get a forecast, not an error', () => {
    expect(arimaForecast(new Array(10).fill(4), 3).mean).toEqual([4, 4, 4]);
    const line = Array.from({ length: 30 }, (_, t) => 2 + 0.5 * t);
    arimaForecast(line, 3).mean.forEach((v, k) => expect(v).toBeCloseTo(2 + 0.5 * (30 + k), 8));
    expect(arimaForecast([1, 3, 2, 4, 3], 2).mean.every(Number.isFinite)).toBe(true);
  });
});
