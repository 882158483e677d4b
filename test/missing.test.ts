/**
 * fillMissing: the gaps (NaN) of a series filled by linear interpolation
 * between the nearest known values, the ends by the nearest known value —
 * checked by hand and on the suite files that have gaps (presidents, gold).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { throwsLW } from './helpers.js';
import { fillMissing, parseCsvSeries } from '../src/index.js';

const SUITE = new URL('./data/forecast-dev/', import.meta.url);

describe('fillMissing', () => {
  it('interpolates inner gaps linearly between the nearest known neighbours', () => {
    expect(fillMissing([1, NaN, 3])).toEqual({ values: [1, 2, 3], filled: 1, positions: [1] });
    expect(fillMissing([0, NaN, NaN, NaN, 8, NaN, 4])).toEqual({ values: [0, 2, 4, 6, 8, 6, 4], filled: 4, positions: [1, 2, 3, 5] });
    fillMissing([10, NaN, NaN, 1]).values.forEach((v, i) => expect(v).toBeCloseTo([10, 7, 4, 1][i], 12));
  });

  it('a gap at either end takes the nearest known value', () => {
    expect(fillMissing([NaN, NaN, 5, 7, NaN])).toEqual({ values: [5, 5, 5, 7, 7], filled: 3, positions: [0, 1, 4] });
  });

  it('a series without gaps comes back as it was (a copy), whatever its length; the input is not changed', () => {
    const input = [3, 1, 2];
    const r = fillMissing(input);
    expect(r).toEqual({ values: [3, 1, 2], filled: 0, positions: [] });
    expect(r.values).not.toBe(input);
    expect(fillMissing([5])).toEqual({ values: [5], filled: 0, positions: [] });
    expect(fillMissing([])).toEqual({ values: [], filled: 0, positions: [] });
    const withGap = [1, NaN, 3];
    fillMissing(withGap);
    expect(withGap[1]).toBeNaN();
    expect(fillMissing(new Float64Array([2, NaN, 4])).values).toEqual([2, 3, 4]); // any ArrayLike
  });

  it('does not overflow between huge values of opposite sign', () => {
    expect(fillMissing([-1.5e308, NaN, 1.5e308]).values).toEqual([-1.5e308, 0, 1.5e308]);
  });

  it('errors: every value missing, one known value, ±Infinity, a non-number', () => {
    throwsLW(() => fillMissing([NaN, NaN]), /fillMissing: every one of the 2 values is missing — at least 2 known values are needed/);
    throwsLW(() => fillMissing([NaN, 4, NaN]), /fillMissing: only 1 of the 3 values is known \(at index 1\) — at least 2 known values are needed/);
    throwsLW(() => fillMissing([1, Infinity, NaN, 2]), /fillMissing: values\[1\] is Infinity — only NaN marks a missing value/);
    throwsLW(() => fillMissing([1, '2' as unknown as number]), /fillMissing: values\[1\] is "2", not a number — use NaN for a missing value/);
    throwsLW(() => fillMissing(null as unknown as number[]), /fillMissing: values must be an array of numbers/);
  });

  it('presidents.train.csv: the first value (1945-Q1) is missing and takes the second one, 87', () => {
    const s = parseCsvSeries(readFileSync(new URL('presidents.train.csv', SUITE), 'utf8'));
    const f = fillMissing(s.values);
    expect(f.positions[0]).toBe(0);
    expect(f.values[0]).toBe(87);
    expect(f.values[0]).toBe(s.values[1]);
    expect(f.values.every(Number.isFinite)).toBe(true);
    // every inner gap lies between its neighbours (linear interpolation)
    for (const i of f.positions.filter((p) => p > 0 && p < f.values.length - 1)) {
      const lo = Math.min(f.values[i - 1], f.values[i + 1]);
      const hi = Math.max(f.values[i - 1], f.values[i + 1]);
      expect(f.values[i]).toBeGreaterThanOrEqual(lo);
      expect(f.values[i]).toBeLessThanOrEqual(hi);
    }
  });

  it('gold.train.csv: as many filled as empty cells in the file, at their rows; known values kept', () => {
    const text = readFileSync(new URL('gold.train.csv', SUITE), 'utf8');
    const cells = text.trim().split(/\r?\n/).slice(1).map((line) => line.split(',')[1].trim());
    const emptyAt = cells.flatMap((c, i) => (c === '' ? [i] : []));
    const f = fillMissing(parseCsvSeries(text).values);
    expect(f.filled).toBe(emptyAt.length);
    expect(f.positions).toEqual(emptyAt);
    cells.forEach((c, i) => { if (c !== '') expect(f.values[i]).toBe(Number(c)); });
    const i = emptyAt.find((p) => cells[p - 1] !== '' && cells[p + 1] !== '')!; // a one-value gap
    expect(f.values[i]).toBeCloseTo((Number(cells[i - 1]) + Number(cells[i + 1])) / 2, 10);
  });
});
