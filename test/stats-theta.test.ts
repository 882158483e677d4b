/**
 * Theta (src/stats/theta.ts) against R forecast 8.20's thetaf() on the
 * forecasting development suite, plus the pieces it is built from.
 *
 * Agreement: our SES follows R's own starting point and Nelder–Mead path
 * (ets "ANN" on MSE), so on the 12 series whose inputs are the same as R's
 * the forecasts agree to rounding (≤ 1e-12 in MASE units; the optimiser
 * is what would limit it, and it stops where R's stops). presidents is the
 * exception: R filled its 6 missing quarters with na.interp()'s STL-based
 * seasonal interpolation, we fill linearly, so the series differ before any
 * forecasting and the forecasts by about 0.25 MASE units.
 */
import { describe, expect, it } from 'vitest';
import { throwsLW } from './helpers.js';
import { acf, seasonalityTest, detectPeriod } from '../src/stats/acf.js';
import { decompose } from '../src/stats/decompose.js';
import { nelderMead } from '../src/stats/nelder-mead.js';
import { thetaForecast } from '../src/stats/theta.js';
import { gap, interpolate, loadSuite, mase } from './stats-suite.js';

const suite = loadSuite();
/** Series whose training values R saw differently (see the header). */
const FILLED_DIFFERENTLY = new Set(['presidents']);

describe('thetaForecast on the development suite', () => {
  for (const s of suite) {
    it(`${s.name}: matches R's thetaf()`, () => {
      const f = thetaForecast(s.y, s.h, s.period);
      expect(f.mean).toHaveLength(s.h);
      const d = gap(f.mean, s.r.theta, s.maseScale);
      if (FILLED_DIFFERENTLY.has(s.name)) expect(d).toBeLessThan(0.3);
      else expect(d).toBeLessThan(1e-12);
    });
  }

  it('scores the README\'s theta MASE on each series with the same inputs, and its mean within 0.02', () => {
    const ours = suite.map((s) => mase(thetaForecast(s.y, s.h, s.period).mean, s));
    const r = suite.map((s) => mase(s.r.theta, s));
    suite.forEach((s, i) => { if (!FILLED_DIFFERENTLY.has(s.name)) expect(ours[i]).toBeCloseTo(r[i], 9); });
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean(r)).toBeCloseTo(1.90, 2); // the README's table
    expect(Math.abs(mean(ours) - mean(r))).toBeLessThan(0.02);
  });
});

describe('thetaForecast by hand', () => {
  it('a constant series is forecast as that constant', () => {
    const f = thetaForecast(new Array(30).fill(7), 5, 12);
    expect(f.mean).toEqual([7, 7, 7, 7, 7]);
    expect(f.season).toBeNull();
  });

  it('a noise-free line is continued: SES with drift ends on the line and grows by its slope', () => {
    const y = Array.from({ length: 40 }, (_, t) => 3 + 0.5 * t);
    const f = thetaForecast(y, 4, 1);
    // drift = slope/2; SES lags the line by slope·(1−α)/α, which the absorbed drift term makes up only as α → 1
    expect(f.drift).toBeCloseTo(0.25, 12);
    for (let k = 1; k < 4; k++) expect(f.mean[k] - f.mean[k - 1]).toBeCloseTo(0.25, 9);
    expect(f.alpha).toBeGreaterThan(0.99); // a line is best followed with the largest weight
  });

  it('zeros and negatives work (no season removed from data with negatives)', () => {
    const y = Array.from({ length: 48 }, (_, t) => Math.sin((2 * Math.PI * t) / 12) * 5 - 1 + (t % 5) * 0.1);
    const f = thetaForecast(y, 12, 12);
    expect(f.season).toBeNull();
    expect(f.mean.every(Number.isFinite)).toBe(true);
  });

  it('rejects bad input with a clear message', () => {
    throwsLW(() => thetaForecast('abc' as never, 3, 1), /thetaForecast: y must be an array/);
    throwsLW(() => thetaForecast([1, 2, NaN, 4, 5], 3, 1), /y\[2\] is NaN/);
    throwsLW(() => thetaForecast([1, 2, 3], 3, 1), /needs at least 4/);
    throwsLW(() => thetaForecast([1, 2, 3, 4, 5], 0, 1), /h must be a whole number/);
    throwsLW(() => thetaForecast([1, 2, 3, 4, 5], 2.5, 1), /h must be a whole number/);
    throwsLW(() => thetaForecast([1, 2, 3, 4, 5], 100_001, 1), /h must be a whole number of steps from 1 to 100000/);
    throwsLW(() => thetaForecast([1, 2, 3, 4, 5], 3, 0), /period must be a whole number/);
  });
});

describe('the pieces', () => {
  it('nelderMead finds the minimum of a shifted quadratic and respects bounds', () => {
    const r = nelderMead((x) => (x[0] - 1) ** 2 + 10 * (x[1] + 2) ** 2, [5, 5]);
    expect(r.converged).toBe(true);
    // it stops when the simplex's values agree to √ε relative to f(start) = 506, so the point is good to about √(506·1.5e-8) ≈ 3e-3
    expect(r.value).toBeLessThan(1e-4);
    expect(Math.abs(r.point[0] - 1)).toBeLessThan(0.01);
    expect(Math.abs(r.point[1] + 2)).toBeLessThan(0.01);
    const b = nelderMead((x) => (x[0] - 1) ** 2, [0.2], { lower: [0], upper: [0.5] });
    expect(b.point[0]).toBeLessThanOrEqual(0.5);
    expect(b.point[0]).toBeCloseTo(0.5, 3);
  });

  it('nelderMead stops at maxEvaluations on a function without a minimum', () => {
    const r = nelderMead((x) => x[0] + x[1], [0, 0], { maxEvaluations: 50 });
    expect(r.converged).toBe(false);
    expect(r.evaluations).toBeLessThanOrEqual(53);
    throwsLW(() => nelderMead(() => NaN, [0]), /not finite at the starting point/);
  });

  it('acf matches hand-computed values; a constant series gives zeros, not NaN', () => {
    // y = 1,2,3,4: mean 2.5, deviations −1.5,−.5,.5,1.5, Σd² = 5; lag 1: (.75 − .25 + .75)/5 = .25
    expect(acf([1, 2, 3, 4], 2)).toEqual([1, 0.25, expect.closeTo(-0.3, 12)]);
    expect(acf([2, 2, 2], 1)).toEqual([1, 0]);
    throwsLW(() => acf([1, 2, 3], 3), /maxLag must be a whole number from 0 to 2/);
  });

  it('seasonalityTest and detectPeriod see a 7-step pattern, not one in noise', () => {
    let seed = 1;
    const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5;
    const weekly = Array.from({ length: 140 }, (_, t) => [5, 3, 3, 3, 4, 8, 9][t % 7] + 0.3 * noise() + 0.02 * t);
    expect(seasonalityTest(weekly, 7)).toBe(true);
    expect(detectPeriod(weekly)).toBe(7);
    const white = Array.from({ length: 500 }, noise);
    expect(detectPeriod(white)).toBe(1);
    expect(seasonalityTest(weekly, 1)).toBe(false);
    expect(seasonalityTest(weekly.slice(0, 14), 7)).toBe(false); // needs n > 2·period
    // the suite's monthly road deaths have a yearly season
    expect(detectPeriod(suite.find((s) => s.name === 'seatbelts_front')!.y)).toBe(12);
  });

  it('detectPeriod is bounded on 100,000 points', () => {
    let seed = 7;
    const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5;
    const y = Array.from({ length: 100_000 }, (_, t) => Math.sin((2 * Math.PI * t) / 24) + 0.2 * noise());
    expect(detectPeriod(y)).toBe(24);
  });

  it('decompose: a pure multiplicative season is recovered exactly; its indices average 1', () => {
    const pattern = [0.8, 1.2, 1.1, 0.9];
    const y = Array.from({ length: 24 }, (_, t) => 50 * pattern[t % 4]);
    const d = decompose(y, 4, 'multiplicative');
    d.figure.forEach((f, i) => expect(f).toBeCloseTo(pattern[i], 12));
    expect(d.trend[0]).toBeNull();
    expect(d.trend[2]).toBeCloseTo(50, 12);
    d.adjusted.forEach((a) => expect(a).toBeCloseTo(50, 12));
    const a = decompose(y.map((v, t) => v - 40 + t), 4, 'additive');
    expect(a.figure.reduce((s, f) => s + f, 0)).toBeCloseTo(0, 12);
    throwsLW(() => decompose([1, 2, 3, 4, 5], 4), /needs at least 8/);
    throwsLW(() => decompose(y.map((v) => v - 45), 4, 'multiplicative'), /needs values ≥ 0/);
  });

  it('interpolate (the tests\' gap filler) fills on the line between neighbours', () => {
    expect(interpolate([null, 1, null, null, 4, null])).toEqual([1, 1, 2, 3, 4, 4]);
  });
});
