/**
 * Theta (src/stats/theta.ts) against R forecast 8.20's thetaf() on the
 * forecasting development suite (its pieces: stats-pieces.test.ts).
 *
 * Agreement: our SES follows R's own starting point and Nelder–Mead path
 * (ets "ANN" on MSE), so on the 12 series whose inputs are the same as R's
 * the forecasts agree to rounding (≤ 3e-13 in MASE units, asserted ≤ 1e-10; the optimiser
 * is what would limit it, and it stops where R's stops). presidents is the
 * exception: R filled its 6 missing quarters with na.interp()'s STL-based
 * seasonal interpolation, we fill linearly, so the series differ before any
 * forecasting and the forecasts by about 0.25 MASE units.
 */
import { describe, expect, it } from 'vitest';
import { throwsLW } from './helpers.js';
import { thetaForecast } from '../src/stats/theta.js';
import { gap, loadSuite, mase } from './stats-suite.js';

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
      else expect(d).toBeLessThan(1e-10);
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
