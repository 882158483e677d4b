/**
 * `lstm-wasm forecast` as a forecaster meets it: the backtest is the
 * headline, the period comes from the dates or the autocorrelation, missing
 * values are filled and counted, covariates known in advance are read from
 * --future, and every forecast point carries its intervals.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectUserError, run } from './cli-run.js';
import { rng } from './rng.js';

const SUITE = new URL('./data/forecast-dev/', import.meta.url).pathname;

interface Entry { label: string; value: number; intervals?: Record<'80' | '95', [number, number]> }
interface Summary {
  period: { value: number; reason: string };
  missing: number;
  backtest?: { horizon: number; origins: string[]; forecast: string; members: string[]; methods: Record<string, { name: string; mase: number; smape: number; rmse: number; perHorizon: { mase: number[] } }>; coverage?: Record<string, number> };
  choices?: string[];
  components?: Record<string, number[]>;
  test: { rmse: number };
  forecast: Entry[];
  warnings: string[];
}

function forecast(args: string[], dir: string): Summary {
  const r = run(['forecast', '--json', '--quiet', ...args], dir, { timeout: 300_000 });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

/** Every entry has 80% inside 95% intervals around its value. */
function expectNestedIntervals(entries: Entry[]): void {
  for (const e of entries) {
    const [lo80, hi80] = e.intervals!['80'], [lo95, hi95] = e.intervals!['95'];
    expect(lo95).toBeLessThanOrEqual(lo80);
    expect(lo80).toBeLessThanOrEqual(e.value);
    expect(e.value).toBeLessThanOrEqual(hi80);
    expect(hi80).toBeLessThanOrEqual(hi95);
  }
}

describe('forecast: the automatic forecast is the headline', () => {
  let dir: string;
  let s: Summary;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lstm-wasm-auto-'));
    s = forecast(['--out', 'out'], dir);
  });

  it('on the airline series: period 12 from the monthly dates, every method backtested 12 steps ahead, the LSTM and the forecast ahead of both naive ones', () => {
    expect(s.period).toEqual({ value: 12, reason: 'monthly dates' });
    const b = s.backtest!;
    expect(b.horizon).toBe(12);
    expect(b.origins).toHaveLength(5);
    expect(b.origins[b.origins.length - 1]).toBe('1959-12');
    expect(b.forecast).toBe('combination');
    expect(Object.keys(b.methods).sort()).toEqual(['combination', 'ets', 'lstm', 'naive', 'seasonalNaive', 'theta']);
    for (const m of Object.values(b.methods)) expect(m.perHorizon.mase).toHaveLength(12);
    for (const better of ['combination', 'lstm']) {
      expect(b.methods[better].mase).toBeLessThan(b.methods.seasonalNaive.mase);
      expect(b.methods[better].mase).toBeLessThan(b.methods.naive.mase);
    }
    expect(b.coverage!['95']).toBeGreaterThanOrEqual(b.coverage!['80']);
    expect(s.choices!.join('\n')).toMatch(/log transform: the swing grows with the level/);
  });

  it('forecasts the mean of its two best methods, with nested intervals on every point, and keeps the one-step figure beside it', () => {
    expect(s.forecast.map((e) => e.label)).toEqual(['1961-01', '1961-02', '1961-03', '1961-04', '1961-05', '1961-06', '1961-07', '1961-08', '1961-09', '1961-10', '1961-11', '1961-12']);
    const c = s.components!, [p, q] = s.backtest!.members;
    const parts = Object.keys(s.backtest!.methods).filter((m) => m !== 'combination').sort((x, y) => s.backtest!.methods[x].mase - s.backtest!.methods[y].mase);
    expect([p, q]).toEqual(parts.slice(0, 2));
    s.forecast.forEach((e, k) => expect(e.value).toBeCloseTo((c[p][k] + c[q][k]) / 2, 6));
    expectNestedIntervals(s.forecast);
    expect(s.forecast[6].value).toBeGreaterThan(s.forecast[10].value); // July above November, as every year
    expect(s.test.rmse).toBeLessThanOrEqual(20); // the one-step figure the README quotes
    const svg = readFileSync(join(dir, 'out', 'forecast.svg'), 'utf8');
    expect(svg).toContain('data-name="95% interval"');
    expect(svg).toContain('data-name="80% interval"');
  });
});

describe('forecast: real data', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lstm-wasm-real-'));

  it('a quarterly series with missing values: period 4 from the dates, the gaps filled and counted, labels continuing the quarters', () => {
    const empty = readFileSync(join(SUITE, 'presidents.train.csv'), 'utf8').trim().split('\n').slice(1).filter((l) => l.split(',')[1] === '').length;
    expect(empty).toBeGreaterThan(0);
    const s = forecast(['--csv', join(SUITE, 'presidents.train.csv'), '--horizon', '8', '--out', 'presidents'], dir);
    expect(s.period).toEqual({ value: 4, reason: 'quarterly dates' });
    expect(s.missing).toBe(empty);
    expect(s.forecast.map((e) => e.label).slice(0, 2)).toEqual(['1973-Q1', '1973-Q2']);
    expectNestedIntervals(s.forecast);
  });

  it('without dates, the period comes from the autocorrelation', () => {
    const next = rng(3);
    const week = [5, 3, 2, 2, 3, 8, 9];
    const rows = Array.from({ length: 210 }, (_, t) => `${t + 1},${(100 + week[t % 7] * 3 + next(-1, 1)).toFixed(3)}`);
    writeFileSync(join(dir, 'weekly.csv'), `t,visits\n${rows.join('\n')}\n`);
    const s = forecast(['--csv', join(dir, 'weekly.csv'), '--out', 'weekly'], dir);
    expect(s.period).toEqual({ value: 7, reason: 'no dates; the autocorrelation peaks at lag 7' });
    expect(s.forecast).toHaveLength(8); // the default horizon: one season, at least 8
    expect(s.backtest!.methods.combination.mase).toBeLessThan(s.backtest!.methods.naive.mase);
  });

  it('reads the covariates known in advance from --future, and says the LSTM used them', () => {
    const s = forecast(['--csv', join(SUITE, 'seatbelts_front.train.csv'), '--column', 'value', '--covariates', 'law', '--future', join(SUITE, 'seatbelts_front.test.csv'), '--horizon', '6', '--out', 'seatbelts'], dir);
    expect(s.choices!.join('\n')).toMatch(/LSTM covariates: law \(known in the future\)/);
    expect(s.forecast).toHaveLength(6);
  });

  it('a series too short for the one-step model is still forecast by ETS and Theta (no model files, a warning); one too short for that too is an error', () => {
    writeFileSync(join(dir, 'eight.csv'), 'year,v\n' + [103, 107, 108, 112, 116, 117, 121, 125].map((v, i) => `${1991 + i},${v}`).join('\n') + '\n');
    const s = forecast(['--csv', join(dir, 'eight.csv'), '--horizon', '2', '--out', 'eight'], dir);
    expect(readdirSync(join(dir, 'eight')).sort()).toEqual(['forecast.svg', 'summary.json']);
    expect(s.warnings).toHaveLength(1);
    expect(s.warnings[0]).toMatch(/^no one-step model \(and no model files\): too few points before the test part: 6, but a window of 6 after a difference of 1 needs at least 9/);
    const scores = Object.entries(s.backtest!.methods).filter(([m]) => m !== 'combination').map(([, v]) => v.mase).sort((x, y) => x - y);
    expect(s.backtest!.members.map((m) => s.backtest!.methods[m].mase).sort((x, y) => x - y)).toEqual(scores.slice(0, 2));
    expect(s.backtest!.methods.lstm).toBeUndefined();
    expect(s.forecast.map((e) => e.label)).toEqual(['1999', '2000']);
    expectNestedIntervals(s.forecast);
    expectUserError(run(['forecast', '--csv', join(dir, 'eight.csv'), '--horizon', '5', '--quiet', '--out', 'eight-5'], dir), /the series is too short to forecast: .* and too short to backtest: forecasting 5 points/);
    expect(existsSync(join(dir, 'eight-5'))).toBe(false);
  });

  it('refuses --future without --covariates, and a --future shorter than the horizon, before any work', () => {
    const a = run(['forecast', '--future', 'x.csv'], dir);
    expect(a.code).toBe(1);
    expect(a.stderr).toMatch(/--future holds the future values of covariates: give them with --covariates too/);
    writeFileSync(join(dir, 'short-future.csv'), 'date,law\n1983-07,1\n');
    const b = run(['forecast', '--csv', join(SUITE, 'seatbelts_front.train.csv'), '--column', 'value', '--covariates', 'law', '--future', join(dir, 'short-future.csv'), '--horizon', '6'], dir);
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/--future has 1 row, but the forecast needs the next 6/);
  });
});
