/**
 * Automatic exponential smoothing (src/stats/ets.ts) against R forecast
 * 8.20's ets() on the forecasting development suite, and on series whose
 * right answer is known by construction.
 *
 * Agreement: we start from R's starting values and follow R's Nelder–Mead
 * path, so the same model wins and the forecasts agree closely: to rounding
 * on most series, to ~1e-6 MASE units where a few last bits of the
 * likelihood (we sum its logs in blocks, R one at a time) send the
 * optimiser along a slightly different path. presidents is the exception:
 * R filled its 6 missing quarters by na.interp()'s STL-based interpolation,
 * we fill linearly, so the series differ before any fitting.
 */
import { describe, expect, it } from 'vitest';
import { throwsLW } from './helpers.js';
import { etsForecast } from '../src/stats/ets.js';
import { gap, loadSuite, mase } from './stats-suite.js';

const suite = loadSuite();
const FILLED_DIFFERENTLY = new Set(['presidents']);
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

describe('etsForecast on the development suite', () => {
  const fits = new Map(suite.map((s) => [s.name, etsForecast(s.y, s.h, s.period)]));

  for (const s of suite) {
    it(`${s.name}: matches R's ets()`, () => {
      const f = fits.get(s.name)!;
      expect(f.mean).toHaveLength(s.h);
      expect(f.sigma).toBeGreaterThan(0);
      const d = gap(f.mean, s.r.ets, s.maseScale);
      if (FILLED_DIFFERENTLY.has(s.name)) expect(d).toBeLessThan(0.25);
      else expect(d).toBeLessThan(1e-5);
    });
  }

  it('mean MASE over the suite is within 0.02 of R\'s 1.78', () => {
    const r = suite.map((s) => mase(s.r.ets, s));
    expect(mean(r)).toBeCloseTo(1.78, 2); // the README's table
    const ours = suite.map((s) => mase(fits.get(s.name)!.mean, s));
    expect(Math.abs(mean(ours) - mean(r))).toBeLessThan(0.02);
  });

  it('no season for a series with period 1, and none tried for a period above 24', () => {
    for (const s of suite) if (s.period === 1) expect(fits.get(s.name)!.method).toMatch(/,N\)$/);
    const y = Array.from({ length: 300 }, (_, t) => 10 + Math.sin((2 * Math.PI * t) / 52) * 3 + (t % 7) * 0.01);
    expect(etsForecast(y, 5, 52).spec.season).toBe('N');
  });
});

describe('etsForecast on series with a known answer', () => {
  it('a noise-free line: ETS(A,A,N) is chosen and continues it exactly', () => {
    const y = Array.from({ length: 30 }, (_, t) => 5 + 2 * t);
    const f = etsForecast(y, 6, 1);
    expect(f.method).toBe('ETS(A,A,N)');
    f.mean.forEach((v, k) => expect(v).toBeCloseTo(5 + 2 * (30 + k), 8));
  });

  it('a pure seasonal pattern on a level is recovered, with no trend', () => {
    const pattern = [3, -1, 4, -2, 0, -4];
    const y = Array.from({ length: 48 }, (_, t) => 20 + pattern[t % 6]);
    const f = etsForecast(y, 12, 6);
    expect(f.spec.season).not.toBe('N');
    expect(f.spec.trend).toBe('N');
    f.mean.forEach((v, k) => expect(v).toBeCloseTo(20 + pattern[(48 + k) % 6], 6));
    expect(f.initial.level).toBeCloseTo(20, 6);
    f.initial.season.forEach((s, j) => expect(s).toBeCloseTo(pattern[j], 6));
  });

  it('a multiplicative season that grows with the level is fitted as one', () => {
    let seed = 3;
    const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5;
    const pattern = [0.7, 0.9, 1.4, 1.0];
    const y = Array.from({ length: 80 }, (_, t) => (50 + 3 * t) * pattern[t % 4] * (1 + 0.01 * noise()));
    const f = etsForecast(y, 4, 4);
    expect(f.spec.season).toBe('M');
    f.mean.forEach((v, k) => expect(Math.abs(v / ((50 + 3 * (80 + k)) * pattern[k % 4]) - 1)).toBeLessThan(0.03));
  });

  it('a constant series gives that constant, sigma 0, no NaN', () => {
    const f = etsForecast(new Array(20).fill(4.5), 3, 4);
    expect(f.mean).toEqual([4.5, 4.5, 4.5]);
    expect(f.sigma).toBe(0);
    const z = etsForecast(new Array(20).fill(0), 2, 1);
    expect(z.mean).toEqual([0, 0]);
  });

  it('zeros and negatives: only additive models, finite forecasts', () => {
    const y = Array.from({ length: 60 }, (_, t) => [-2, 0, 3, 1][t % 4] + 0.05 * t + ((t * 7) % 5) * 0.1);
    const f = etsForecast(y, 8, 4);
    expect(f.method).toMatch(/^ETS\(A,/);
    expect(f.spec.season).not.toBe('M');
    expect(f.mean.every(Number.isFinite)).toBe(true);
  });

  it('options: damped false rules out damping, additiveOnly rules out multiplicative', () => {
    const s = suite.find((x) => x.name === 'BJsales')!;
    expect(etsForecast(s.y, 3, 1, { damped: false }).method).not.toMatch(/d,/);
    const rear = suite.find((x) => x.name === 'seatbelts_rear')!;
    expect(etsForecast(rear.y, 3, 12, { additiveOnly: true }).method).not.toMatch(/M/);
  });

  it('rejects bad input with a clear message', () => {
    throwsLW(() => etsForecast(null as never, 3, 1), /etsForecast: y must be an array/);
    throwsLW(() => etsForecast([1, 2, Infinity, 4, 5, 6], 3, 1), /y\[2\] is Infinity/);
    throwsLW(() => etsForecast([1, 2, 3, 4], 3, 1), /needs at least 5/);
    throwsLW(() => etsForecast([1, 2, 3, 4, 5], -1, 1), /h must be a whole number/);
    throwsLW(() => etsForecast([1, 2, 3, 4, 5], 3, 1.5), /period must be a whole number/);
    throwsLW(() => etsForecast([1, 2, 3, 4, 5], 3, 1, { damped: 'yes' as never }), /options.damped/);
    throwsLW(() => etsForecast([1, 2, 3, 4, 5], 3, 1, { maxEvaluations: 0 }), /maxEvaluations/);
  });
});
