/**
 * The pieces the statistical forecasters are built from
 * (src/stats/nelder-mead.ts, acf.ts, decompose.ts), on cases whose answer
 * is known by hand or by construction.
 */
import { describe, expect, it } from 'vitest';
import { throwsLW } from './helpers.js';
import { acf, seasonalityTest, detectPeriod } from '../src/stats/acf.js';
import { decompose } from '../src/stats/decompose.js';
import { nelderMead } from '../src/stats/nelder-mead.js';
import { interpolate, loadSuite } from './stats-suite.js';

const suite = loadSuite();

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
