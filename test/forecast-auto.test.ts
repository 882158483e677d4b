/**
 * The automatic forecaster: the backtest's origins and MASE unit (checked
 * against R's figures), backtest-calibrated intervals that cover what they promise,
 * the LSTM part and its fallback, and clear errors.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { init, parseCsvSeries } from '../src/index.js';
import { autoForecast } from '../src/forecast/auto.js';
import { maseScale, rollingOrigins } from '../src/forecast/backtest.js';
import { calibrate, errorsOf, intervalsAround, studentT } from '../src/forecast/intervals.js';
import { rng } from './rng.js';

const airline = parseCsvSeries(readFileSync(new URL('../data/international-airline-passengers.csv', import.meta.url), 'utf8')).values;
const SUITE = new URL('./data/forecast-dev/', import.meta.url);
const reference = JSON.parse(readFileSync(new URL('r_reference.json', SUITE), 'utf8')) as Record<string, { period: number; mase_scale: number; n_train: number }>;

/** A suite file's values, read with a plain split (independent of the CSV reader); null where empty. */
function suiteValues(name: string): (number | null)[] {
  return readFileSync(new URL(`${name}.train.csv`, SUITE), 'utf8').trim().split('\n').slice(1).map((line) => {
    const cell = line.split(',')[1];
    return cell === '' ? null : Number(cell);
  });
}

beforeAll(() => init());

describe('backtest', () => {
  it("maseScale is R's MASE unit (in-sample MAE of the seasonal naive) on every complete series of the suite", () => {
    let checked = 0;
    for (const [name, r] of Object.entries(reference)) {
      const y = suiteValues(name);
      if (y.includes(null)) continue; // R filled gaps with na.interp first; a different fill gives a different unit
      expect(y).toHaveLength(r.n_train);
      expect(maseScale(y as number[], y.length, r.period)).toBeCloseTo(r.mase_scale, 6);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(11);
  });

  it('rolling origins end at n − h, are h/2 apart, and never start before the earliest allowed', () => {
    expect(rollingOrigins(100, 10, 20)).toEqual({ origins: [70, 75, 80, 85, 90], step: 5 });
    expect(rollingOrigins(40, 10, 20).origins).toEqual([20, 25, 30]);
    expect(rollingOrigins(30, 1, 20, 3)).toEqual({ origins: [27, 28, 29], step: 1 });
    expect(() => rollingOrigins(25, 10, 20)).toThrow(/too short to backtest.*needs 30 points, the series has 25/);
  });
});

describe('backtest-calibrated intervals', () => {
  it("use Student's t quantiles (R's qt), beyond the table too", () => {
    expect(studentT(95, 1)).toBe(12.706205);
    expect(studentT(80, 4)).toBe(1.533206);
    expect(studentT(95, 31)).toBeCloseTo(2.039513, 4); // qt(0.975, 31)
    expect(studentT(80, 60)).toBeCloseTo(1.295821, 4); // qt(0.9, 60)
    expect(studentT(95, 1000)).toBeCloseTo(1.962339, 4); // qt(0.975, 1000)
  });

  // random walks: the naive forecast's errors after k steps have sd σ√k; intervals calibrated on five
  // past origins of each walk must hold for its next h points about as often as they promise
  it('calibrated on five backtest origins, they cover 80% and 95% of the next points of 300 random walks, give or take a few points', () => {
    const h = 8, n = 120, next = rng(7);
    const hits = { 80: 0, 95: 0 };
    let points = 0;
    for (let s = 0; s < 300; s++) {
      const y = [100];
      for (let t = 1; t < n + h; t++) y.push(y[t - 1] + gaussian(next));
      const { origins } = rollingOrigins(n, h, 20);
      const forecasts = origins.map((o) => new Array(h).fill(y[o - 1]));
      const actual = origins.map((o) => y.slice(o, o + h));
      const c = calibrate(errorsOf(forecasts, actual, { log: false }));
      const iv = intervalsAround(new Array(h).fill(y[n - 1]), c, { log: false });
      for (let k = 0; k < h; k++) {
        points++;
        for (const level of [80, 95] as const) if (y[n + k] >= iv[level][k][0] && y[n + k] <= iv[level][k][1]) hits[level]++;
      }
    }
    expect(hits[80] / points).toBeGreaterThan(0.75);
    expect(hits[80] / points).toBeLessThan(0.86);
    expect(hits[95] / points).toBeGreaterThan(0.92);
    expect(hits[95] / points).toBeLessThan(0.98);
  });

  it('on the log scale they are ratios: positive, and wider above the forecast than below', () => {
    const c = calibrate([[0.1, -0.2, 0.15], [-0.05, 0.1, -0.3]]);
    const iv = intervalsAround([100, 100, 100], c, { log: true });
    for (const [lo, hi] of iv[95]) {
      expect(lo).toBeGreaterThan(0);
      expect(hi - 100).toBeGreaterThan(100 - lo);
    }
  });
});

function gaussian(next: (lo?: number, hi?: number) => number): number {
  return Math.sqrt(-2 * Math.log(next(1e-12, 1))) * Math.cos(2 * Math.PI * next(0, 1));
}

describe('autoForecast', () => {
  it('on the airline series: the log and the season are chosen, the backtested forecast beats both naive forecasts, intervals nest', async () => {
    const a = await autoForecast(airline, { horizon: 12, period: 12 });
    expect(a.adjustment.log).toBe(true);
    expect(a.adjustment.seasonal).toHaveLength(12);
    expect(a.neural).not.toBeNull();
    expect(Object.keys(a.methods).sort()).toEqual(['combination', 'ets', 'lstm', 'naive', 'seasonalNaive', 'theta']);
    const bt = (k: keyof typeof a.methods) => a.methods[k]!.backtest.mase;
    expect(bt('combination')).toBeLessThan(bt('naive'));
    expect(bt('combination')).toBeLessThan(bt('seasonalNaive'));
    expect(a.forecast).toHaveLength(12);
    a.forecast.forEach((f, k) => {
      const [lo80, hi80] = a.intervals[80][k], [lo95, hi95] = a.intervals[95][k];
      expect(lo95).toBeLessThanOrEqual(lo80);
      expect(lo80).toBeLessThan(f);
      expect(f).toBeLessThan(hi80);
      expect(hi80).toBeLessThanOrEqual(hi95);
    });
    // the forecast is the mean of the two methods that did best on the backtest, at every step
    const byBacktest = (['lstm', 'ets', 'theta', 'seasonalNaive', 'naive'] as const).slice().sort((p, q) => a.methods[p]!.backtest.mase - a.methods[q]!.backtest.mase);
    expect(a.members).toEqual(byBacktest.slice(0, 2));
    a.forecast.forEach((f, k) => {
      expect(f).toBeCloseTo((a.methods[byBacktest[0]]!.forecast[k] + a.methods[byBacktest[1]]!.forecast[k]) / 2, 9);
    });
    // the peak summer months stay above the next winter's, as every year of the data
    expect(a.forecast[6]).toBeGreaterThan(a.forecast[10]);
  });

  it('a series too short for the LSTM is forecast by the statistical methods, and the reasons say so', async () => {
    const y = Array.from({ length: 30 }, (_, t) => 10 + t + (t % 4));
    const a = await autoForecast(y, { horizon: 8, period: 4 });
    expect(a.neural).toBeNull();
    expect(a.methods.lstm).toBeUndefined();
    expect(a.reasons.join('\n')).toMatch(/no LSTM: .* too few for 8 training windows; the statistical methods forecast alone/);
    expect(a.forecast.every(Number.isFinite)).toBe(true);
  });

  it('seed sets the ensemble: the same seed gives the same forecast, another changes only the LSTM part', async () => {
    const y = Array.from({ length: 80 }, (_, t) => 50 + 10 * Math.sin((2 * Math.PI * t) / 8) + 0.2 * t);
    const one = await autoForecast(y, { horizon: 4, period: 8, ensemble: 1, seed: 3 });
    const again = await autoForecast(y, { horizon: 4, period: 8, ensemble: 1, seed: 3 });
    const other = await autoForecast(y, { horizon: 4, period: 8, ensemble: 1, seed: 4 });
    expect(again.methods.lstm!.forecast).toEqual(one.methods.lstm!.forecast);
    expect(other.methods.lstm!.forecast).not.toEqual(one.methods.lstm!.forecast);
    expect(other.methods.ets!.forecast).toEqual(one.methods.ets!.forecast);
    expect(one.neural!.seeds).toEqual([3]);
    await expect(autoForecast(y, { horizon: 4, ensemble: 5, seed: 4_294_963 })).rejects.toThrow(/seed \(with an ensemble of 5\) must be a whole number from 0 to 4,294,962/);
  });

  it('refuses what it cannot use, naming it', async () => {
    await expect(autoForecast([1, 2, Number.NaN, 4], { horizon: 1 })).rejects.toThrow(/point 3 is NaN.*fill missing values first/);
    await expect(autoForecast(airline, { horizon: 0 })).rejects.toThrow(/horizon/);
    await expect(autoForecast(airline, { horizon: 12, colour: 'red' } as never)).rejects.toThrow(/colour/);
    await expect(autoForecast(airline.slice(0, 10), { horizon: 12 })).rejects.toThrow(/too short to backtest/);
  });
});
