/**
 * Many series with one global LSTM: per-series scaling (a series ×1000
 * is forecast as ×1000 of the other), results per id, the aggregate is the
 * mean of the per-series scores, short series still get what they can,
 * and errors name the series.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { autoForecastMany, MAX_SERIES, MAX_TOTAL_POINTS } from '../src/forecast/many.js';
import { fairShares } from '../src/forecast/neural.js';
import { init } from '../src/index.js';
import { rejectsLW, rng } from './helpers.js';

beforeAll(async () => {
  await init();
});

/** A wavy, trending, noisy positive series. */
function wavy(n: number, seed: number): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, (_, t) => 20 + 0.05 * t + 3 * Math.sin((2 * Math.PI * t) / 9) + r(-0.5, 0.5));
}

const H = 6;
const FAST = { horizon: H, ensemble: 1, origins: 2 };

describe('autoForecastMany', () => {
  const base = wavy(100, 3);

  it('scales each series on its own: the same shape ×1000 gets ×1000 the LSTM forecast and the same MASE', async () => {
    const r = await autoForecastMany([{ id: 'small', values: base }, { id: 'large', values: base.map((v) => v * 1000) }, { id: 'other', values: wavy(80, 9) }], FAST);
    expect(r.series.map((s) => s.id)).toEqual(['small', 'large', 'other']);
    const [small, large] = r.series;
    expect(small.methods.lstm).toBeDefined();
    const ratio = large.methods.lstm!.forecast.map((v, k) => v / small.methods.lstm!.forecast[k]);
    for (const q of ratio) expect(q).toBeCloseTo(1000, -1); // within ±5 of 1000, i.e. 0.5 %
    expect(large.methods.lstm!.backtest.mase).toBeCloseTo(small.methods.lstm!.backtest.mase, 2);
    expect(large.methods.combination!.backtest.mase).toBeCloseTo(small.methods.combination!.backtest.mase, 2);
    expect(r.neural).not.toBeNull();
    expect(r.reasons.join('\n')).toMatch(/global LSTM: .* trained on the windows of all 3 series/);
    // its passes are chosen on the backtest, as for one series: the chosen count is one it was looked at after, and scored there
    const looked = [...r.reasons.join('\n').matchAll(/(direct|recursive) after (\d+) passes ([\d.]+) over/g)];
    expect(looked.length).toBeGreaterThan(2);
    const bestLook = looked.reduce((p, q) => (Number(q[3]) < Number(p[3]) ? q : p));
    expect(r.neural!.epochs).toBe(Number(bestLook[2]));
    expect(r.neural!.strategy).toBe(bestLook[1]);
    for (const s of r.series) {
      expect(s.forecast).toHaveLength(H);
      expect(s.forecast.every(Number.isFinite)).toBe(true);
      expect(s.intervals[95]).toHaveLength(H);
    }
  });

  it('the aggregate is the mean of the per-series backtest MASE of each method', async () => {
    const r = await autoForecastMany([{ id: 'a', values: wavy(90, 1) }, { id: 'b', values: wavy(70, 2) }, { id: 'c', values: wavy(60, 5).map((v) => v * 7) }], FAST);
    for (const name of ['combination', 'lstm', 'ets', 'theta', 'naive'] as const) {
      const scores = r.series.map((s) => s.methods[name]!.backtest.mase);
      expect(r.aggregate[name]!.series).toBe(3);
      expect(r.aggregate[name]!.mase).toBeCloseTo(scores.reduce((p, q) => p + q, 0) / 3, 12);
    }
    expect(r.aggregate.seasonalNaive).toBeUndefined(); // period 1: no series has it
  });

  it('a series too short for its own windows is still forecast by the global network; one shorter than a window is not', async () => {
    const r = await autoForecastMany([{ id: 'long', values: wavy(100, 4) }, { id: 'short', values: wavy(20, 6) }, { id: 'tiny', values: wavy(11, 8) }], FAST);
    const [long, short, tiny] = r.series;
    expect(long.methods.lstm).toBeDefined();
    expect(short.methods.lstm).toBeDefined();
    expect(tiny.methods.lstm).toBeUndefined();
    expect(tiny.reasons.join('\n')).toMatch(/no LSTM: 5 points before the first backtest origin are fewer than the global LSTM's window of 8/);
    expect(tiny.forecast.every(Number.isFinite)).toBe(true);
    expect(r.aggregate.lstm!.series).toBe(2);
    expect(r.aggregate.ets!.series).toBe(3);
  });

  it('names the series in errors, and checks the bounds before reading the series', async () => {
    const ok = { id: 'ok', values: base };
    await rejectsLW(autoForecastMany([ok, { id: 'bad', values: base.map((v, t) => (t === 4 ? Number.NaN : v)) }], FAST), /series "bad": point 5 is NaN/);
    await rejectsLW(autoForecastMany([ok, { id: 'ok', values: base }], FAST), /two series have the id "ok"/);
    await rejectsLW(autoForecastMany([ok, { id: 'few', values: [1, 2, 3] }], FAST), /series "few": too short to backtest/);
    await rejectsLW(autoForecastMany([ok, { id: 'cov', values: base, covariates: [{ name: 'x', values: base.slice(1) }] }], FAST), /series "cov": covariate "x" has 99 values/);
    await rejectsLW(
      autoForecastMany([{ ...ok, covariates: [{ name: 'x', values: base }] }, { id: 'nox', values: base }], FAST),
      /series "nox" has the covariates none, series "ok" x \(past only\); every series needs the same ones/,
    );
    await rejectsLW(autoForecastMany([{ ...ok, extra: 1 } as never], FAST), /series 1 has unknown field "extra"/);
    await rejectsLW(autoForecastMany([], FAST), /from 1 to 10,000 series, got 0/);
    // too many series, or too many points: refused from the lengths alone (these objects hold no data)
    await rejectsLW(autoForecastMany(Array.from({ length: MAX_SERIES + 1 }, () => ok), FAST), /got 10,001/);
    const huge = { id: 'huge', values: { length: MAX_TOTAL_POINTS + 1 } as ArrayLike<number> };
    await rejectsLW(autoForecastMany([huge], FAST), /hold 10,000,001 numbers, more than 10,000,000/);
    await rejectsLW(autoForecastMany([ok], { ...FAST, covariates: [] } as never), /unknown option "covariates"/);
  });

  it('shares the pooled windows fairly: short series give all theirs, long ones the rest equally', () => {
    expect(fairShares([10, 1000, 1000], 100)).toEqual([10, 45, 45]);
    expect(fairShares([5, 7], 100)).toEqual([5, 7]);
    expect(fairShares([0, 300], 512)).toEqual([0, 300]);
    expect(fairShares([600], 512)).toEqual([512]);
  });

  it('runs the seatbelts series together, with the law known in the future', async () => {
    const read = (name: string, part: string) =>
      readFileSync(new URL(`./data/forecast-dev/${name}.${part}.csv`, import.meta.url), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
    const series = ['seatbelts_front', 'seatbelts_rear'].map((id) => {
      const train = read(id, 'train'), test = read(id, 'test');
      return { id, values: train.map((r) => r[1]), covariates: [{ name: 'law', values: train.map((r) => r[4]), future: test.map((r) => r[4]) }] };
    });
    const r = await autoForecastMany(series, { horizon: 18, period: 12, ensemble: 1, origins: 2 });
    expect(r.series.map((s) => s.id)).toEqual(['seatbelts_front', 'seatbelts_rear']);
    expect(r.neural?.strategy).toBe('direct');
    for (const s of r.series) {
      expect(s.reasons.join('\n')).toMatch(/LSTM covariates: law \(known in the future\)/);
      expect(s.forecast.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
    }
  });
});
