/**
 * The forecasting promise, on real series nobody tuned for one by one: the
 * dev suite (13 series of R's datasets) forecast with the defaults the CLI
 * uses — the period from the dates or the autocorrelation, missing values
 * filled, only the horizon given — and scored against the hidden test
 * values and R's forecast package (r_reference.json). `npm run
 * bench:forecast` prints the same through the CLI, with timings.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fillMissing, init, parseCsvSeries } from '../src/index.js';
import { autoForecast, choosePeriod, type AutoForecast } from '../src/forecast/index.js';

const SUITE = new URL('./data/forecast-dev/', import.meta.url);
interface Reference { period: number; h: number; mase_scale: number; test: (number | 'NA')[]; forecasts: Record<string, number[] | null> }
const reference = JSON.parse(readFileSync(new URL('r_reference.json', SUITE), 'utf8')) as Record<string, Reference>;

/** MASE on the hidden test values, "NA" skipped. */
function mase(f: number[], r: Reference): number {
  let sum = 0, n = 0;
  r.test.forEach((a, k) => { if (a !== 'NA') { sum += Math.abs(f[k] - a); n++; } });
  return sum / n / r.mase_scale;
}

const results: Record<string, AutoForecast> = {};

beforeAll(async () => {
  await init();
  for (const [name, r] of Object.entries(reference)) {
    const csv = parseCsvSeries(readFileSync(new URL(`${name}.train.csv`, SUITE), 'utf8'), { column: 'value' });
    const values = fillMissing(csv.values).values;
    const { period } = choosePeriod(values, csv.dates ?? values.map((_, i) => String(i + 1)));
    results[name] = await autoForecast(values, { horizon: r.h, period });
  }
}, 600_000);

describe('the dev suite, with the defaults', () => {
  it("forecasts every series, with a lower mean MASE than R's automatic ETS and ARIMA", () => {
    const names = Object.keys(reference);
    expect(Object.keys(results)).toEqual(names);
    const mean = (f: (name: string) => number) => names.reduce((s, n) => s + f(n), 0) / names.length;
    const ours = mean((n) => mase(results[n].forecast, reference[n]));
    const ets = mean((n) => mase(reference[n].forecasts.ets!, reference[n]));
    const arima = mean((n) => mase(reference[n].forecasts.arima!, reference[n]));
    console.log(`dev suite mean MASE: ours ${ours.toFixed(3)}, R ets ${ets.toFixed(3)}, R arima ${arima.toFixed(3)}`);
    expect(ours).toBeLessThanOrEqual(ets);
    expect(ours).toBeLessThanOrEqual(arima);
  });

  it('beats the seasonal naive (the naive without a season) on at least 10 of the 13 series', () => {
    // the target is 80% (11 of 13); this is what the defaults reach today, kept from slipping
    const wins = Object.entries(reference).filter(([n, r]) => mase(results[n].forecast, r) < mase(r.forecasts[r.period > 1 ? 'snaive' : 'naive']!, r)).length;
    expect(wins).toBeGreaterThanOrEqual(10);
  });

  it('95% intervals hold on 90–98% of the hidden test points, 80% intervals on fewer', () => {
    const hits = { 80: 0, 95: 0 };
    let points = 0;
    for (const [n, r] of Object.entries(reference)) {
      r.test.forEach((a, k) => {
        if (a === 'NA') return;
        points++;
        for (const level of [80, 95] as const) {
          const [lo, hi] = results[n].intervals[level][k];
          if (a >= lo && a <= hi) hits[level]++;
        }
      });
    }
    console.log(`dev suite coverage: 80% intervals ${(hits[80] / points).toFixed(3)}, 95% intervals ${(hits[95] / points).toFixed(3)} of ${points} points`);
    expect(hits[95] / points).toBeGreaterThanOrEqual(0.9);
    expect(hits[95] / points).toBeLessThanOrEqual(0.98);
    expect(hits[80]).toBeLessThan(hits[95]);
  });

  it('finds the periods the dates say, and the LSTM part takes part wherever the series is long enough', () => {
    expect(results.seatbelts_front.period).toBe(12);
    expect(results.presidents.period).toBe(4);
    expect(results.nhtemp.period).toBe(1); // yearly
    expect(results.freeny_y.neural).toBeNull(); // 31 points: too few windows before the first origin
    for (const n of ['seatbelts_front', 'sunspots_monthly', 'treering', 'WWWusage']) expect(results[n].methods.lstm).toBeDefined();
  });
});
