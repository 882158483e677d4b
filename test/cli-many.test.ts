/**
 * `lstm-wasm forecast` on several series (the built CLI in a child
 * process): a long CSV (--id-column) and a wide one (--column a,b) of the
 * UK seatbelts front- and rear-seat casualties; the summary's shape, its
 * intervals and aggregate; the errors, and that nothing is written on one.
 * Each successful run trains the global LSTM's ensemble, so the series are
 * the last 60 months and the horizon 3.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCsvSeries } from '../src/timeseries/csv.js';
import { expectUserError, run, snapshot } from './cli-run.js';

const DEV = fileURLToPath(new URL('./data/forecast-dev/', import.meta.url));
const H = 3;
const POINTS = 60;

interface ManySummary {
  mode: string;
  source: string;
  horizon: number;
  period: { value: number; reason: string };
  series: {
    id: string; points: number; missing: number; first: string; last: string;
    backtest: { forecast: string; methods: Record<string, { mase: number }> };
    choices: string[];
    components: Record<string, number[]>;
    forecast: { label: string; value: number; intervals: Record<string, [number, number]> }[];
  }[];
  aggregate: Record<string, { mase: number; series: number }>;
  choices: string[];
  seconds: number;
  files: { summary: string };
}

/** The last `POINTS` rows of a dev-suite file as [date, value]. */
function tail(name: string): [string, string][] {
  const lines = readFileSync(join(DEV, name), 'utf8').trim().split('\n');
  expect(lines[0].split(',').slice(0, 2)).toEqual(['date', 'value']);
  return lines.slice(-POINTS).map((l) => l.split(',').slice(0, 2) as [string, string]);
}

describe('lstm-wasm forecast, several series', () => {
  let dir: string;
  let front: [string, string][], rear: [string, string][];
  let long: { stdout: string; summary: ManySummary; file: string };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lstm-wasm-many-'));
    front = tail('seatbelts_front.train.csv');
    rear = tail('seatbelts_rear.train.csv');
    const rows = [...front.map(([d, v]) => `front,${d},${v}`), ...rear.map(([d, v]) => `rear,${d},${v}`)];
    writeFileSync(join(dir, 'long.csv'), `id,date,value\n${rows.join('\n')}\n`);
    // b's 10th value left empty: filled in b alone, and counted for b
    writeFileSync(join(dir, 'wide.csv'), `date,a,b\n${front.map(([d, v], i) => `${d},${v},${i === 9 ? '' : rear[i][1]}`).join('\n')}\n`);
    const r = run(['forecast', '--csv', 'long.csv', '--id-column', 'id', '--horizon', String(H), '--json', '--out', 'long-out', '--quiet'], dir, { timeout: 300_000 });
    expect(r.code, r.stderr).toBe(0);
    long = { stdout: r.stdout, summary: JSON.parse(r.stdout), file: readFileSync(join(dir, 'long-out', 'summary.json'), 'utf8') };
  }, 300_000);

  it('a long CSV: one result per id, in order of first appearance, with the dates and sizes of each', () => {
    const s = long.summary;
    expect(s.mode).toBe('many');
    expect(s.horizon).toBe(H);
    expect(s.period).toEqual({ value: 12, reason: 'monthly dates' });
    expect(s.series.map((x) => x.id)).toEqual(['front', 'rear']);
    for (const [x, data] of [[s.series[0], front], [s.series[1], rear]] as const) {
      expect(x).toMatchObject({ points: POINTS, missing: 0, first: data[0][0], last: data[POINTS - 1][0] });
      expect(x.choices.length).toBeGreaterThan(0);
      expect(Object.keys(x.components).length).toBeGreaterThan(1);
      for (const c of Object.values(x.components)) expect(c).toHaveLength(H);
    }
    expect(s.choices.join(' ')).toMatch(/global LSTM/);
    expect(s.files.summary).toBe(join(dir, 'long-out', 'summary.json'));
  });

  it('forecasts h points after each series, labelled by the next months, inside nested 80% and 95% intervals', () => {
    for (const x of long.summary.series) {
      expect(x.forecast).toHaveLength(H);
      expect(x.forecast.map((f) => f.label)).toEqual([nextMonth(x.last, 1), nextMonth(x.last, 2), nextMonth(x.last, 3)]);
      for (const f of x.forecast) {
        const [lo80, hi80] = f.intervals['80'], [lo95, hi95] = f.intervals['95'];
        expect(lo95).toBeLessThanOrEqual(lo80);
        expect(lo80).toBeLessThanOrEqual(f.value);
        expect(f.value).toBeLessThanOrEqual(hi80);
        expect(hi80).toBeLessThanOrEqual(hi95);
        expect(hi95 - lo95).toBeGreaterThan(0);
      }
    }
  });

  it('the aggregate is, per method, the mean of the series\' backtest MASE', () => {
    const s = long.summary;
    expect(Object.keys(s.aggregate)).toEqual(expect.arrayContaining(['combination', 'ets', 'theta', 'naive']));
    for (const [method, agg] of Object.entries(s.aggregate)) {
      const per = s.series.flatMap((x) => (x.backtest.methods[method] ? [x.backtest.methods[method].mase] : []));
      expect(agg.series).toBe(per.length);
      expect(agg.mase).toBeCloseTo(per.reduce((p, q) => p + q, 0) / per.length, 12);
    }
  });

  it('summary.json holds what --json printed, and is the only file written', () => {
    expect(long.file).toBe(long.stdout);
    expect(Object.keys(snapshot(join(dir, 'long-out')))).toEqual(['summary.json']);
  });

  it('a wide CSV (--column a,b) gives one series per column, named by it, its gaps filled and counted per series, and prints the table', () => {
    const r = run(['forecast', '--csv', 'wide.csv', '--column', 'a,b', '--horizon', String(H), '--out', 'wide-out'], dir, { timeout: 300_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/backtesting one LSTM over the 2 series/);
    expect(r.stdout).toMatch(/^\s+a\s+60\s/m);
    expect(r.stdout).toMatch(/^\s+b\s+60\s/m);
    expect(r.stdout).toMatch(/^\s+mean\s/m);
    const s: ManySummary = JSON.parse(readFileSync(join(dir, 'wide-out', 'summary.json'), 'utf8'));
    expect(s.series.map((x) => x.id)).toEqual(['a', 'b']);
    expect(s.series.map((x) => x.points)).toEqual([POINTS, POINTS]);
    expect(s.series.map((x) => x.missing)).toEqual([0, 1]);
    expect(r.stdout).toMatch(/1 missing value filled by linear interpolation, per series/);
    expect(r.stdout).toContain(`Wrote ${join(dir, 'wide-out', 'summary.json')}`);
  }, 300_000);

  describe('errors: one line, exit 1, nothing written', () => {
    /** Runs into a fresh output folder and checks it stays absent. */
    function fails(args: string[], message: RegExp): void {
      const out = `err-${Math.random().toString(36).slice(2)}`;
      const r = run(['forecast', ...args, '--horizon', String(H), '--out', out], dir);
      expectUserError(r, message);
      expect(existsSync(join(dir, out))).toBe(false);
    }

    it('an unknown id column lists the columns', () => {
      fails(['--csv', 'long.csv', '--id-column', 'series'], /no column named "series" — the columns are 0: "id", 1: "date", 2: "value"/);
    });

    it('dates out of order within one series name the id and the row', () => {
      const rows = [...front.slice(0, 30).map(([d, v]) => `front,${d},${v}`), ...rear.slice(0, 30).map(([d, v]) => `rear,${d},${v}`)];
      [rows[40], rows[41]] = [rows[41], rows[40]]; // two of rear's rows swapped: rows 42 and 43 of the file, the header being row 1
      writeFileSync(join(dir, 'unsorted.csv'), `id,date,value\n${rows.join('\n')}\n`);
      fails(['--csv', 'unsorted.csv', '--id-column', 'id'], /unsorted\.csv: series "rear": row 43, column "date": the date "\d{4}-\d\d" comes before "\d{4}-\d\d" in row 42 — sort the rows by date/);
    });

    it('a date repeated within one series is refused (the same date in two series, as in long.csv, is not)', () => {
      writeFileSync(join(dir, 'repeat.csv'), 'id,date,value\nx,2000-01,1\nx,2000-01,2\n');
      fails(['--csv', 'repeat.csv', '--id-column', 'id'], /series "x": row 3, column "date": the date "2000-01" repeats row 2/);
    });

    it('an empty id names the row', () => {
      writeFileSync(join(dir, 'noid.csv'), 'id,date,value\nx,2000-01,1\n,2000-02,2\n');
      fails(['--csv', 'noid.csv', '--id-column', 'id'], /noid\.csv: row 3, column "id": the id is empty/);
    });

    it('options of the single-series model are refused, named together', () => {
      fails(['--csv', 'long.csv', '--id-column', 'id', '--epochs', '5', '--window', '3'], /not used with several series: --epochs, --window —/);
      fails(['--csv', 'wide.csv', '--column', 'a,b', '--covariates', 'a'], /not used with several series: --covariates —/);
    });

    it('a series too short to forecast names its id', () => {
      const rows = [...front.map(([d, v]) => `front,${d},${v}`), `tiny,${front[0][0]},5`, `tiny,${front[1][0]},6`];
      writeFileSync(join(dir, 'tiny.csv'), `id,date,value\n${rows.join('\n')}\n`);
      fails(['--csv', 'tiny.csv', '--id-column', 'id', '--quiet'], /series "tiny": too short to backtest/);
    });

    it('a wide --column that names a column twice, or one that does not exist', () => {
      fails(['--csv', 'wide.csv', '--column', 'a,a'], /--column names "a" twice/);
      fails(['--csv', 'wide.csv', '--column', 'a,c'], /no column named "c" — the columns are 0: "date", 1: "a", 2: "b"/);
    });

    it('several --column names with --id-column, and no --csv', () => {
      fails(['--csv', 'long.csv', '--id-column', 'id', '--column', 'value,date'], /with --id-column the file is long/);
      fails(['--column', 'a,b'], /give its path with --csv/);
    });
  });
});

describe('parseCsvSeries with idColumn', () => {
  it('never takes the id column as dates or values, and returns each row\'s id and file row', () => {
    const s = parseCsvSeries('store,date,sales\n1,2000-01,5\n\n2,2000-01,7\n1,2000-02,6\n', { idColumn: 'store' });
    expect(s).toEqual({ values: [5, 7, 6], dates: ['2000-01', '2000-01', '2000-02'], name: 'sales', ids: ['1', '2', '1'], rows: [2, 4, 5] });
  });

  it('refuses the id column as the value or date column', () => {
    expect(() => parseCsvSeries('id,date,v\na,2000-01,1\n', { idColumn: 'id', column: 'id' })).toThrow(/the value column and the id column are the same column/);
    expect(() => parseCsvSeries('id,date,v\na,2000-01,1\n', { idColumn: 'id', dateColumn: 0 })).toThrow(/the date column and the id column are the same column/);
  });
});

/** The month k after a YYYY-MM label. */
function nextMonth(label: string, k: number): string {
  const [y, m] = label.split('-').map(Number);
  const t = y * 12 + m - 1 + k;
  return `${Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}`;
}
