/**
 * futureLabels: the labels of the points after the data. Dates are continued
 * only when every label is a time label of one kind, strictly increasing and
 * regularly spaced; otherwise `+1, +2, …`. No label it makes is at or before
 * the last data label. Expected dates are worked out by hand or with
 * JavaScript's own Date as an independent calendar.
 */
import { describe, expect, it } from 'vitest';
import { throwsLW } from './helpers.js';
import { futureLabels } from '../src/index.js';

const plus = (n: number) => Array.from({ length: n }, (_, k) => `+${k + 1}`);
const DAY_MS = 86_400_000;
/** YYYY-MM-DD of a UTC time in ms, by Date (years 1000 … 9999 here). */
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describe('futureLabels continues regular time labels', () => {
  it('months roll over into the next year, at the spacing of the data (monthly, quarterly)', () => {
    expect(futureLabels(['1960-10', '1960-11', '1960-12'], 3)).toEqual(['1961-01', '1961-02', '1961-03']);
    expect(futureLabels(['2020-01', '2020-04', '2020-07'], 3)).toEqual(['2020-10', '2021-01', '2021-04']);
    expect(futureLabels(['1949-05'], 2)).toEqual(['1949-06', '1949-07']); // one month: taken as monthly
  });

  it('days, weeks and hours follow the calendar across month, leap-day and year ends', () => {
    expect(futureLabels(['2020-02-27', '2020-02-28'], 3)).toEqual(['2020-02-29', '2020-03-01', '2020-03-02']);
    expect(futureLabels(['2021-12-17', '2021-12-24'], 2)).toEqual(['2021-12-31', '2022-01-07']);
    expect(futureLabels(['2021-12-31T22:00', '2021-12-31T23:00'], 2)).toEqual(['2022-01-01T00:00', '2022-01-01T01:00']);
    expect(futureLabels(['2021-01-01 23:59:30Z', '2021-01-01 23:59:45Z'], 2)).toEqual(['2021-01-02 00:00:00Z', '2021-01-02 00:00:15Z']);
    // 1,000 daily steps from a random-looking start agree with Date
    const start = Date.UTC(1987, 6, 13);
    const labels = Array.from({ length: 5 }, (_, i) => isoDay(start + i * DAY_MS));
    expect(futureLabels(labels, 1000)).toEqual(Array.from({ length: 1000 }, (_, k) => isoDay(start + (5 + k) * DAY_MS)));
  });

  it('plain years and time indices count on, keeping zero padding', () => {
    expect(futureLabels(['1949', '1950'], 2)).toEqual(['1951', '1952']);
    expect(futureLabels(['1990', '1995', '2000'], 2)).toEqual(['2005', '2010']);
    expect(futureLabels(['007', '008'], 3)).toEqual(['009', '010', '011']);
  });

  it('makes 100,000 labels after 100,000, every one after the last data label', () => {
    const start = Date.UTC(1700, 0, 1);
    const labels = Array.from({ length: 100_000 }, (_, i) => isoDay(start + i * DAY_MS));
    const out = futureLabels(labels, 100_000);
    expect(out).toHaveLength(100_000);
    expect(out[0]).toBe(isoDay(start + 100_000 * DAY_MS));
    expect(out[99_999]).toBe(isoDay(start + 199_999 * DAY_MS));
    // YYYY-MM-DD compares as text in date order
    expect(out.every((l, k) => l > (k === 0 ? labels[labels.length - 1] : out[k - 1]))).toBe(true);
  });
});

describe('futureLabels does not make up dates', () => {
  it('for labels out of order: never a label inside the data', () => {
    // before: "1949-02 …", a month already in the data
    expect(futureLabels(['1949-02', '1949-01'], 3)).toEqual(plus(3));
    expect(futureLabels(['2020-01-03', '2020-01-01', '2020-01-02'], 2)).toEqual(plus(2));
    expect(futureLabels(['2020-01-01', '2020-01-01'], 2)).toEqual(plus(2)); // a repeat
  });

  it('for irregular spacing (a missing day, weekends left out)', () => {
    expect(futureLabels(['2021-01-04', '2021-01-05', '2021-01-08'], 2)).toEqual(plus(2));
    expect(futureLabels(['1960-01', '1960-02', '1960-04'], 2)).toEqual(plus(2));
  });

  it('for labels that are not all time labels of one kind', () => {
    expect(futureLabels(['Q4 1960', '1960-12'], 2)).toEqual(plus(2)); // before: months, from the last label alone
    expect(futureLabels(['1960-11', '1960-12-01'], 2)).toEqual(plus(2));
    expect(futureLabels(['1960-11', ''], 2)).toEqual(plus(2));
    expect(futureLabels(['a', 'b'], 2)).toEqual(plus(2));
    expect(futureLabels([], 2)).toEqual(plus(2));
    expect(futureLabels(['2021-01-01T10:00'], 2)).toEqual(plus(2)); // one date-time: no spacing to go by
  });

  it('past year 9999, where a 4-digit year cannot be written', () => {
    // before: "+010000-01", which is neither a date nor after the data
    expect(futureLabels(['9999-12-30', '9999-12-31'], 3)).toEqual(plus(3));
    expect(futureLabels(['9999-11', '9999-12'], 2)).toEqual(plus(2));
    expect(futureLabels(['9999-12-31T22:00', '9999-12-31T23:00'], 2)).toEqual(plus(2));
    // whole numbers stop where they stop being exact (2^53): 999999999999999 + 5 steps of 1999999999999998 is past it
    expect(futureLabels(['-999999999999999', '999999999999999'], 5)).toEqual(plus(5));
  });

  it('a count that is not a whole number in range is an error', () => {
    throwsLW(() => futureLabels(['1'], -1), /n must be a whole number from 0 to 1000000, got -1/);
    throwsLW(() => futureLabels(['1'], 1.5), /got 1\.5/);
    throwsLW(() => futureLabels(['1'], Number.NaN), /got NaN/);
    throwsLW(() => futureLabels(['1'], 1e7), /got 10000000/);
    throwsLW(() => futureLabels('1960-12' as unknown as string[], 1), /labels must be an array/);
    expect(futureLabels(['1960-12'], 0)).toEqual([]);
  });
});
