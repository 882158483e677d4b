/**
 * The time-series toolkit (src/timeseries): CSV reading, scalers, sliding
 * windows, chronological split, metrics and naive baselines — checked on
 * hand-computed cases and on the airline-passengers series, whose baseline
 * errors on the last 27 / 29 months are known (persistence 50.738 / 52.491,
 * seasonal naive 47.195 / 46.082, seasonal naive + trend 17.635 / 18.556).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { throwsLW } from './helpers.js';
import {
  chronologicalSplit, LstmWasmError, mae, mape, MinMaxScaler, parseCsvSeries, persistence, rmse,
  seasonalNaive, seasonalNaiveTrend, slidingWindows, smape, StandardScaler, type Tensor,
} from '../src/index.js';

const AIRLINE = fileURLToPath(new URL('../data/international-airline-passengers.csv', import.meta.url)); // the copy the package ships

/** Run `fn`, expect an LstmWasmError whose message matches every pattern and is one line; return the message. */
function throwsLine(fn: () => unknown, ...patterns: RegExp[]): string {
  const err = throwsLW(fn, ...patterns);
  expect(err.message).not.toContain('\n');
  return err.message;
}

/** Window i of x as rows of features. */
function windowOf(x: Tensor, i: number): number[][] {
  const [, w, f] = x.shape;
  return Array.from({ length: w }, (_, s) => Array.from(x.data.subarray((i * w + s) * f, (i * w + s + 1) * f)));
}

function rowOf(y: Tensor, i: number): number[] {
  const h = y.shape[1];
  return Array.from(y.data.subarray(i * h, (i + 1) * h));
}

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

const airline = () => parseCsvSeries(readFileSync(AIRLINE, 'utf8'), { source: AIRLINE });

describe('parseCsvSeries', () => {
  it('reads the airline file: 144 monthly values, dates from the first column, name from the header', () => {
    const s = airline();
    expect(s.name).toBe('passengers');
    expect(s.values).toHaveLength(144);
    expect(s.values.slice(0, 4)).toEqual([112, 118, 132, 129]);
    expect(s.values.at(-1)).toBe(432);
    expect(s.dates).toHaveLength(144);
    expect(s.dates![0]).toBe('1949-01'); // quotes removed
    expect(s.dates!.at(-1)).toBe('1960-12');
  });

  it('handles a BOM, CRLF, quoted numbers and blank trailing lines', () => {
    const s = parseCsvSeries('\uFEFFtime,passengers\r\n"1949-01",112\r\n"1949-02","118"\r\n\r\n\r\n');
    expect(s).toEqual({ values: [112, 118], dates: ['1949-01', '1949-02'], name: 'passengers' });
  });

  it('keeps delimiters, doubled quotes and (outside the date and value columns) line breaks inside quoted fields', () => {
    const s = parseCsvSeries('label,note,x\n"a, ""b""","c\nd",1\n"e",f,2\n');
    expect(s.dates).toEqual(['a, "b"', 'e']);
    expect(s.values).toEqual([1, 2]);
  });

  it('reads numbers in decimal and exponent form, with spaces around', () => {
    expect(parseCsvSeries('v\n-3.5\n .5 \n1e3\n+2\n').values).toEqual([-3.5, 0.5, 1000, 2]);
  });

  it('picks a column by name, by case-insensitive name or by index; with several numeric columns and none given, an error (it was the last column)', () => {
    const text = 'date,temp,sales\n2020-01,3.5,100\n2020-02,4.5,120\n';
    // changed: the default was silently the last column; with two numeric columns and neither named value/y/target it is now an error
    throwsLine(() => parseCsvSeries(text), /2 numeric columns besides the date column "date" \("temp", "sales"\) and none is named value, y or target — say which with the column option \(--column NAME/);
    expect(parseCsvSeries(text, { column: 'sales' })).toEqual({ values: [100, 120], dates: ['2020-01', '2020-02'], name: 'sales' });
    expect(parseCsvSeries(text, { column: 'temp' }).values).toEqual([3.5, 4.5]);
    expect(parseCsvSeries(text, { column: 'TEMP' }).name).toBe('temp');
    expect(parseCsvSeries(text, { column: 1 }).values).toEqual([3.5, 4.5]);
    // dateColumn explicitly, by name or index
    expect(parseCsvSeries(text, { column: 'sales', dateColumn: 'temp' }).dates).toEqual(['3.5', '4.5']);
    expect(parseCsvSeries(text, { column: 'sales', dateColumn: 0 }).dates).toEqual(['2020-01', '2020-02']);
    // a trailing delimiter (an unnamed empty last column) does not become the default
    expect(parseCsvSeries('t,v,\na,1,\nb,2,\n')).toEqual({ values: [1, 2], dates: ['a', 'b'], name: 'v' });
  });

  it('has no dates when the first column is numeric (and not named like a date), is the value column, or is the only column', () => {
    expect(parseCsvSeries('a,b\n1,2\n3,4\n', { column: 'b' }).dates).toBeUndefined();
    expect(parseCsvSeries('a,b\n1,2\n3,4\n', { column: 'b' }).values).toEqual([2, 4]);
    // changed: with no column given, two numeric columns are now an error, not the last one
    throwsLine(() => parseCsvSeries('a,b\n1,2\n3,4\n'), /2 numeric columns \("a", "b"\) and none is named value, y or target/);
    expect(parseCsvSeries('d,b\n1,x\n2,y\n', { column: 0 })).toEqual({ values: [1, 2], dates: undefined, name: 'd' });
    expect(parseCsvSeries('v\n1\n2\n')).toEqual({ values: [1, 2], dates: undefined, name: 'v' });
  });

  it('reads semicolon- and tab-separated files', () => {
    expect(parseCsvSeries('t;v\n1949-01;112\n').values).toEqual([112]);
    expect(parseCsvSeries('t\tv\n1949-01\t112\n').dates).toEqual(['1949-01']);
  });

  it('counts rows as file lines (header = row 1), blank lines included', () => {
    throwsLine(() => parseCsvSeries('t,v\na,1\n\nb,x\n'), /row 4, column "v": "x" is not a number/);
  });

  it('errors: empty file, no data rows', () => {
    throwsLine(() => parseCsvSeries(''), /empty/);
    throwsLine(() => parseCsvSeries('\uFEFF\n \r\n'), /empty/);
    throwsLine(() => parseCsvSeries('time,passengers\n\n'), /no data rows/, /time,passengers/);
  });

  it('errors: an unknown column lists the columns', () => {
    throwsLine(() => parseCsvSeries('time,passengers\na,1\n', { column: 'pax' }), /no column named "pax"/, /0: "time", 1: "passengers"/);
    throwsLine(() => parseCsvSeries('time,passengers\na,1\n', { column: 2 }), /column 2 is out of range/, /1: "passengers"/);
    throwsLine(() => parseCsvSeries('time,passengers\na,1\n', { dateColumn: 'when' }), /no column named "when"/);
    throwsLine(() => parseCsvSeries('time,passengers\na,1\n', { column: 1, dateColumn: 1 }), /same column/);
  });

  it('errors: a non-numeric value names the row, the column and the value', () => {
    const lines = readFileSync(AIRLINE, 'utf8').split('\n');
    lines[16] = '"1950-04",12a'; // row 17 of the file (header = row 1)
    const msg = throwsLine(() => parseCsvSeries(lines.join('\n'), { source: 'air.csv' }), /row 17, column "passengers": "12a" is not a number/);
    expect(msg).toMatch(/^lstm-wasm: air\.csv: /); // the source begins the message
    throwsLine(() => parseCsvSeries('t,v\na,0x10\n'), /"0x10" is not a number/);
    throwsLine(() => parseCsvSeries('t,v\na,Infinity\n'), /"Infinity" is not a number/);
    throwsLine(() => parseCsvSeries('t,v\na,"1,000"\n'), /"1,000" is not a number/);
  });

  it('errors: a short row, wrong field counts, an unclosed quote (missing values are NaN now: see csv.test.ts)', () => {
    // changed: an empty cell and NA were errors; they are now missing values, read as NaN
    expect(parseCsvSeries('t,v\na,1\nb,\n').values).toEqual([1, Number.NaN]);
    expect(parseCsvSeries('t,v\na,1\nb,NA\n').values).toEqual([1, Number.NaN]);
    throwsLine(() => parseCsvSeries('t,v\na,1\nb\n'), /row 3 has 1 field but the header has 2 columns/);
    throwsLine(() => parseCsvSeries('t,v\na,1,2\n'), /row 2 has 3 fields/);
    throwsLine(() => parseCsvSeries('t,v\n"a,1\n'), /row 2, column 1 \("t"\): a quote opens a field here and is never closed/);
  });
});

describe('MinMaxScaler', () => {
  it('maps [2, 4, 6] to [0, 0.5, 1] and back; a custom range', () => {
    const s = new MinMaxScaler();
    const y = s.fitTransform([2, 4, 6]);
    expect(y).toEqual([0, 0.5, 1]);
    expect(s.inverseTransform(y)).toEqual([2, 4, 6]);
    expect(s.transform([3, 8])).toEqual([0.25, 1.5]);
    expect(new MinMaxScaler({ range: [-1, 1] }).fitTransform([2, 4, 6])).toEqual([-1, 0, 1]);
    expect(s.params).toEqual({ dataMin: [2], dataMax: [6] });
  });

  it('scales each feature of rows × features on its own; 1-D values of one feature by { feature }', () => {
    const s = new MinMaxScaler().fit([[1, 10], [3, 30], [2, 50]]);
    expect(s.features).toBe(2);
    expect(s.transform([[1, 10], [3, 50], [2, 30]])).toEqual([[0, 0], [1, 1], [0.5, 0.5]]);
    expect(s.inverseTransform([[0.5, 0.25]])).toEqual([[2, 20]]);
    expect(s.inverseTransform([0, 1], { feature: 1 })).toEqual([10, 50]);
    expect(s.transform([2])).toEqual([0.5]); // feature 0 by default
  });

  it('a constant feature scales by 1 (no division by zero)', () => {
    const s = new MinMaxScaler().fit([5, 5, 5]);
    expect(s.transform([5, 6])).toEqual([0, 1]);
    expect(s.inverseTransform([0, 1])).toEqual([5, 6]);
  });

  it('fitted on the training years, maps the test years above 1 — no clipping — and inverts them exactly', () => {
    const { values } = airline();
    const { train, test } = chronologicalSplit(values.length); // test = last 29 months
    const s = new MinMaxScaler().fit(values.slice(...train));
    const trainMax = Math.max(...values.slice(...train));
    const trainMin = Math.min(...values.slice(...train));
    const t = s.transform(values.slice(...test));
    expect(Math.max(...t)).toBeCloseTo((622 - trainMin) / (trainMax - trainMin), 12);
    expect(Math.max(...t)).toBeGreaterThan(1.3);
    const back = s.inverseTransform(t);
    back.forEach((v, i) => expect(v).toBeCloseTo(values[test[0] + i], 9));
  });

  it('round-trips through JSON, fitted or not', () => {
    const s = new MinMaxScaler({ range: [-1, 1] }).fit([[1, 10], [3, 30]]);
    const r = MinMaxScaler.fromJSON(JSON.parse(JSON.stringify(s)));
    expect(r.range).toEqual([-1, 1]);
    expect(r.transform([[2, 40]])).toEqual(s.transform([[2, 40]]));
    expect(r.transform([[2, 40]])).toEqual([[0, 2]]);
    const u = MinMaxScaler.fromJSON(JSON.parse(JSON.stringify(new MinMaxScaler())));
    expect(u.fitted).toBe(false);
  });

  it('errors: use before fit, bad range, empty/ragged/non-finite input, feature mismatch, bad JSON', () => {
    const s = new MinMaxScaler();
    throwsLine(() => s.transform([1]), /MinMaxScaler\.transform: the scaler is not fitted — call fit/);
    throwsLine(() => s.inverseTransform([1]), /MinMaxScaler\.inverseTransform: the scaler is not fitted/);
    throwsLine(() => new MinMaxScaler({ range: [1, 0] }), /range must be \[low, high\]/);
    throwsLine(() => s.fit([]), /no values/);
    throwsLine(() => s.fit([[1, 2], [3]]), /ragged rows — row 1 has 1 values, row 0 has 2/);
    throwsLine(() => s.fit([1, NaN]), /value 1 is NaN/);
    s.fit([[1, 2], [3, 4]]);
    throwsLine(() => s.transform([[1, 2, 3]]), /rows have 3 features but the scaler was fitted on 2/);
    throwsLine(() => s.transform([1], { feature: 2 }), /feature 2 is out of range/);
    throwsLine(() => MinMaxScaler.fromJSON({ type: 'StandardScaler' } as never), /not a MinMaxScaler JSON/);
    throwsLine(() => MinMaxScaler.fromJSON({ type: 'MinMaxScaler', range: [0, 1], dataMin: [0], dataMax: null }), /dataMax must be a non-empty array/);
  });
});

describe('StandardScaler', () => {
  it('uses the population std (divide by n): [1, 2, 3, 4] → mean 2.5, std √1.25', () => {
    const s = new StandardScaler();
    const y = s.fitTransform([1, 2, 3, 4]);
    expect(s.params!.mean).toEqual([2.5]);
    expect(s.params!.std[0]).toBeCloseTo(Math.sqrt(1.25), 15); // the sample std would be √(5/3) ≈ 1.291
    const z = 1.5 / Math.sqrt(1.25);
    [-z, -z / 3, z / 3, z].forEach((v, i) => expect(y[i]).toBeCloseTo(v, 12));
    s.inverseTransform(y).forEach((v, i) => expect(v).toBeCloseTo(i + 1, 12));
  });

  it('per feature; a constant feature has std 1 and maps to 0', () => {
    const s = new StandardScaler().fit([[1, 7], [3, 7]]);
    expect(s.transform([[1, 7], [3, 8]])).toEqual([[-1, 0], [1, 1]]);
    expect(s.inverseTransform([[0, 0]])).toEqual([[2, 7]]);
  });

  it('fitted on the training years, maps test values beyond the training ones (no clipping)', () => {
    const { values } = airline();
    const { train, test } = chronologicalSplit(values.length);
    const s = new StandardScaler().fit(values.slice(...train));
    const zTrainMax = Math.max(...s.transform(values.slice(...train)));
    const zTest = s.transform(values.slice(...test));
    expect(Math.max(...zTest)).toBeGreaterThan(zTrainMax + 1);
    s.inverseTransform(zTest).forEach((v, i) => expect(v).toBeCloseTo(values[test[0] + i], 9));
  });

  it('round-trips through JSON; errors before fit and on bad JSON', () => {
    const s = new StandardScaler().fit([1, 2, 3, 4]);
    const r = StandardScaler.fromJSON(JSON.parse(JSON.stringify(s.toJSON())));
    expect(r.transform([10])).toEqual(s.transform([10]));
    throwsLine(() => new StandardScaler().inverseTransform([[1]]), /StandardScaler\.inverseTransform: the scaler is not fitted/);
    throwsLine(() => StandardScaler.fromJSON({ type: 'StandardScaler', mean: [0], std: [-1] }), /std is negative/);
    throwsLine(() => StandardScaler.fromJSON({ type: 'StandardScaler', mean: [0, 1], std: [1] }), /mean has 2 features but std has 1/);
  });
});

describe('slidingWindows', () => {
  const series = range(0, 10).map((i) => i * 10); // 0, 10, …, 90

  it('window 3, horizon 1: x [7, 3, 1], y [7, 1], targets 3…9', () => {
    const { x, y, targets } = slidingWindows(series, { window: 3 });
    expect(x.shape).toEqual([7, 3, 1]);
    expect(y.shape).toEqual([7, 1]);
    expect(x.data).toBeInstanceOf(Float32Array);
    expect(targets).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(windowOf(x, 0)).toEqual([[0], [10], [20]]);
    expect(windowOf(x, 6)).toEqual([[60], [70], [80]]);
    expect(Array.from(y.data)).toEqual([30, 40, 50, 60, 70, 80, 90]);
  });

  it('horizon 2: y holds the next two values; the last window ends two before the end', () => {
    const { x, y, targets } = slidingWindows(series, { window: 3, horizon: 2 });
    expect(x.shape).toEqual([6, 3, 1]);
    expect(y.shape).toEqual([6, 2]);
    expect(targets).toEqual([3, 4, 5, 6, 7, 8]);
    expect(rowOf(y, 0)).toEqual([30, 40]);
    expect(rowOf(y, 5)).toEqual([80, 90]);
    expect(windowOf(x, 5)).toEqual([[50], [60], [70]]);
  });

  it('stride 2 steps the first target by 2, from the first possible one', () => {
    const { x, targets } = slidingWindows(series, { window: 3, stride: 2 });
    expect(targets).toEqual([3, 5, 7, 9]);
    expect(windowOf(x, 1)).toEqual([[20], [30], [40]]);
    expect(slidingWindows(series, { window: 3, stride: 2, from: 6 }).targets).toEqual([6, 8]);
  });

  it('multivariate: x keeps every feature, y comes from targetColumn', () => {
    const rows = range(0, 6).map((i) => [i, 100 + i, 200 + i]);
    const a = slidingWindows(rows, { window: 2, horizon: 2, targetColumn: 1 });
    expect(a.x.shape).toEqual([3, 2, 3]);
    expect(a.y.shape).toEqual([3, 2]);
    expect(windowOf(a.x, 0)).toEqual([[0, 100, 200], [1, 101, 201]]);
    expect(rowOf(a.y, 0)).toEqual([102, 103]);
    expect(rowOf(a.y, 2)).toEqual([104, 105]);
    expect(rowOf(slidingWindows(rows, { window: 2 }).y, 0)).toEqual([2]); // target column 0 by default
  });

  it('from/to select by first target; inputs reach back before `from`', () => {
    const test = slidingWindows(series, { window: 3, from: 7 });
    expect(test.targets).toEqual([7, 8, 9]);
    expect(windowOf(test.x, 0)).toEqual([[40], [50], [60]]);
    expect(slidingWindows(series, { window: 3, to: 5 }).targets).toEqual([3, 4]);
    expect(slidingWindows(series, { window: 3, horizon: 2, to: 10 - 2 + 1 }).targets.at(-1)).toBe(8);
    const empty = slidingWindows(series, { window: 3, from: 5, to: 5 });
    expect(empty.x.shape).toEqual([0, 3, 1]);
    expect(empty.y.shape).toEqual([0, 1]);
    expect(empty.targets).toEqual([]);
  });

  it('errors: window/horizon/stride < 1, too few points (says how many), ragged rows, bad target column, from/to', () => {
    throwsLine(() => slidingWindows(series, { window: 0 }), /window must be a whole number ≥ 1, got 0/);
    throwsLine(() => slidingWindows(series, { window: 2.5 }), /window must be a whole number/);
    throwsLine(() => slidingWindows(series, { window: 3, horizon: 0 }), /horizon must be a whole number ≥ 1/);
    throwsLine(() => slidingWindows(series, { window: 3, stride: -1 }), /stride must be a whole number ≥ 1/);
    throwsLine(() => slidingWindows([1, 2, 3, 4], { window: 3, horizon: 2 }), /has 4 points but one window needs at least 5 \(window 3 \+ horizon 2\)/);
    throwsLine(() => slidingWindows([], { window: 1 }), /has 0 points but one window needs at least 2/);
    throwsLine(() => slidingWindows([[1, 2], [3, 4], [5]], { window: 1 }), /ragged rows — row 2 has 1 features, row 0 has 2/);
    throwsLine(() => slidingWindows([1, NaN, 3], { window: 1 }), /series\[1\] is NaN/);
    throwsLine(() => slidingWindows([[1, 2], [3, 4]], { window: 1, targetColumn: 2 }), /targetColumn 2 is out of range — the series has 2 features/);
    throwsLine(() => slidingWindows(series, { window: 3, from: 6, to: 4 }), /0 ≤ from ≤ to ≤ 10/);
    throwsLine(() => slidingWindows(series, { window: 3, to: 11 }), /0 ≤ from ≤ to ≤ 10/);
    throwsLine(() => slidingWindows(series, { window: 3, from: 0, to: 3 }), /no window has its first target in \[0, 3\) — .* \[3, 9\]/);
  });
});

describe('chronologicalSplit', () => {
  it('defaults: test = last 20 %, no validation; ranges are half-open and in time order', () => {
    expect(chronologicalSplit(100)).toEqual({ train: [0, 80], validation: [80, 80], test: [80, 100] });
    expect(chronologicalSplit(144)).toEqual({ train: [0, 115], validation: [115, 115], test: [115, 144] }); // round(28.8) = 29
  });

  it('fractions round with Math.round; counts are taken as they are; 0 means none', () => {
    expect(chronologicalSplit(144, { test: 0.2, validation: 0.1 })).toEqual({ train: [0, 101], validation: [101, 115], test: [115, 144] });
    expect(chronologicalSplit(144, { test: 12, validation: 12 })).toEqual({ train: [0, 120], validation: [120, 132], test: [132, 144] });
    expect(chronologicalSplit(10, { test: 1 })).toEqual({ train: [0, 9], validation: [9, 9], test: [9, 10] }); // 1 is a count
    expect(chronologicalSplit(10, { test: 0 })).toEqual({ train: [0, 10], validation: [10, 10], test: [10, 10] });
    expect(chronologicalSplit(10, { test: 0.25 }).test).toEqual([7, 10]); // round(2.5) = 3
  });

  it('errors: empty parts, no training data, overlap, bad sizes, bad length', () => {
    throwsLine(() => chronologicalSplit(100, { test: 0.004 }), /test fraction 0\.004 of 100 points rounds to 0/);
    throwsLine(() => chronologicalSplit(100, { validation: 0.001 }), /validation fraction .* rounds to 0/);
    throwsLine(() => chronologicalSplit(100, { test: 60, validation: 40 }), /take all 100 points, leaving no training data/);
    throwsLine(() => chronologicalSplit(100, { test: 70, validation: 40 }), /more than the series' 100 — the parts would overlap/);
    throwsLine(() => chronologicalSplit(100, { test: 1.5 }), /test must be a fraction 0 < f < 1 or a whole count ≥ 1/);
    throwsLine(() => chronologicalSplit(100, { test: -0.2 }), /test must be a fraction/);
    throwsLine(() => chronologicalSplit(0), /length must be a whole number ≥ 1/);
  });
});

describe('metrics', () => {
  const pred = [1, 2, 3];
  const truth = [1, 4, 7]; // errors 0, 2, 4

  it('on a hand-computed case', () => {
    expect(rmse(pred, truth)).toBeCloseTo(Math.sqrt(20 / 3), 12);
    expect(mae(pred, truth)).toBeCloseTo(2, 12);
    expect(mape(pred, truth)).toBeCloseTo((100 * (0 + 2 / 4 + 4 / 7)) / 3, 12);
    expect(smape(pred, truth)).toBeCloseTo((100 * (0 + (2 * 2) / 6 + (2 * 4) / 10)) / 3, 12);
    expect(rmse(new Float32Array(pred), new Float32Array(truth))).toBeCloseTo(Math.sqrt(20 / 3), 6); // typed arrays work
  });

  it('MAPE skips points whose truth is 0; sMAPE counts 0/0 as 0 and reaches 200', () => {
    expect(mape([1, 5], [0, 4])).toBeCloseTo(25, 12);
    expect(smape([0, 2], [0, 2])).toBe(0);
    expect(smape([0, 5], [5, 0])).toBe(200);
    expect(smape([1], [-1])).toBe(200);
  });

  it('errors: length mismatch, no values, MAPE with every truth 0', () => {
    for (const f of [rmse, mae, mape, smape]) {
      throwsLine(() => f([1, 2], [1]), new RegExp(`${f.name}: pred has 2 values but truth has 1`));
      throwsLine(() => f([], []), /no values/);
    }
    throwsLine(() => mape([1, 2], [0, 0]), /every truth value is 0/);
  });
});

describe('baselines', () => {
  const series = [10, 20, 30, 40, 50, 60];

  it('persistence, seasonal naive and seasonal naive + trend on a hand-made series', () => {
    expect(persistence(series, [1, 5, 6])).toEqual([10, 50, 60]); // t = length forecasts the next step
    expect(seasonalNaive(series, [2, 5], 2)).toEqual([10, 40]);
    // y[t−2] + (y[t−1] − y[t−3]): exact on a straight line
    expect(seasonalNaiveTrend(series, [3, 5], 2)).toEqual([40, 60]);
    expect(seasonalNaiveTrend([1, 5, 2, 6, 3, 7], [4, 5], 2)).toEqual([2 + (6 - 5), 6 + (3 - 2)]);
  });

  it('the airline series: last 27 months (the 80/20 split of windows of 10) and last 29 (the 80/20 split of months)', () => {
    const { values } = airline();
    // 134 windows of 10; the last 20 % of them (27) have targets 117…143
    const all = slidingWindows(values, { window: 10 });
    expect(all.targets).toHaveLength(134);
    const split = chronologicalSplit(all.targets.length, { test: 0.2 });
    const t27 = all.targets.slice(...split.test);
    expect(t27).toEqual(range(117, 144));
    const truth27 = t27.map((t) => values[t]);
    expect(rmse(persistence(values, t27), truth27)).toBeCloseTo(50.738, 3);
    expect(rmse(seasonalNaive(values, t27, 12), truth27)).toBeCloseTo(47.195, 3);
    expect(rmse(seasonalNaiveTrend(values, t27, 12), truth27)).toBeCloseTo(17.635, 3);

    // the last 20 % of months (29), as windows whose targets lie there
    const { test } = chronologicalSplit(values.length);
    const w = slidingWindows(values, { window: 10, from: test[0] });
    expect(w.targets).toEqual(range(115, 144));
    expect(Array.from(w.y.data)).toEqual(w.targets.map((t) => values[t]));
    const truth29 = Array.from(w.y.data);
    expect(rmse(persistence(values, w.targets), truth29)).toBeCloseTo(52.491, 3);
    expect(rmse(seasonalNaive(values, w.targets, 12), truth29)).toBeCloseTo(46.082, 3);
    expect(rmse(seasonalNaiveTrend(values, w.targets, 12), truth29)).toBeCloseTo(18.556, 3);
  });

  it('errors: a target too early for the baseline, a target outside the series, a bad period', () => {
    throwsLine(() => persistence(series, [0]), /persistence: target index 0 is too early .* targets must be ≥ 1/);
    throwsLine(() => seasonalNaive(series, [2, 1], 2), /seasonalNaive: target index 1 is too early .* y\[t − 2\], so targets must be ≥ 2/);
    throwsLine(() => seasonalNaiveTrend(series, [2], 2), /seasonalNaiveTrend: target index 2 is too early .* ≥ 3/);
    throwsLine(() => persistence(series, [7]), /target 7 is not an index of the series \(whole numbers 0…6\)/);
    throwsLine(() => persistence(series, [1.5]), /target 1\.5 is not an index/);
    throwsLine(() => seasonalNaive(series, [3], 0), /period must be a whole number ≥ 1/);
  });
});
