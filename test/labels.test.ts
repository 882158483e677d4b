/**
 * futureLabels: the labels of the points after the data. Dates are continued
 * only when every label is a time label of one kind, strictly increasing and
 * regularly spaced; otherwise `+1, +2, …`. No label it makes is at or before
 * the last data label. Expected dates are worked out by hand or with
 * JavaScript's own Date as an independent calendar.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { throwsLW } from './helpers.js';
import { futureLabels, parseCsvSeries, periodFromLabels } from '../src/index.js';

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

describe('quarters: YYYY-Qn, also YYYY Qn and YYYYQn', () => {
  it('continues quarters into the next year, written like the last label', () => {
    expect(futureLabels(['1960-Q2', '1960-Q3', '1960-Q4'], 3)).toEqual(['1961-Q1', '1961-Q2', '1961-Q3']);
    expect(futureLabels(['1960 Q3', '1960 Q4'], 2)).toEqual(['1961 Q1', '1961 Q2']);
    expect(futureLabels(['1960Q4'], 5)).toEqual(['1961Q1', '1961Q2', '1961Q3', '1961Q4', '1962Q1']); // one quarter: quarterly
    expect(futureLabels(['1960-Q1', '1961-Q1'], 2)).toEqual(['1962-Q1', '1963-Q1']); // yearly, in quarters
    expect(futureLabels(['1960-Q3', '1960 Q4'], 1)).toEqual(['1961 Q1']); // mixed separators: one kind, the last one's style
  });

  it('the suite files: presidents (1945-Q1 … 1972-Q4) and freeny_y continue where their test files begin', () => {
    const dir = new URL('./data/forecast-dev/', import.meta.url);
    for (const name of ['presidents', 'freeny_y']) {
      const train = parseCsvSeries(readFileSync(new URL(`${name}.train.csv`, dir), 'utf8'));
      const test = parseCsvSeries(readFileSync(new URL(`${name}.test.csv`, dir), 'utf8'));
      expect(futureLabels(train.dates!, test.dates!.length)).toEqual(test.dates);
    }
  });

  it('order checks apply to quarters: out of order, repeated, Q0/Q5, mixed with months', () => {
    expect(() => parseCsvSeries('q,v\n1960-Q2,1\n1960-Q1,2\n')).toThrow(/row 3, column "q": the date "1960-Q1" comes before "1960-Q2" in row 2/);
    expect(() => parseCsvSeries('q,v\n1960-Q2,1\n1960 Q2,2\n')).toThrow(/row 3, .*repeats row 2/);
    expect(() => parseCsvSeries('q,v\n1960-Q4,1\n1960-Q5,2\n')).toThrow(/row 3, .*"1960-Q5" is not a real date or time — correct it \(.*quarters Q1-Q4/);
    expect(() => parseCsvSeries('q,v\n1960-Q0,1\n')).toThrow(/row 2, .*"1960-Q0" is not a real date/);
    expect(() => parseCsvSeries('q,v\n1960-Q4,1\n1961-01,2\n')).toThrow(/"1961-01" is a month \(YYYY-MM\) but the first date is a quarter \(YYYY-Qn\)/);
    expect(futureLabels(['1960-Q3', '1960-Q2'], 2)).toEqual(plus(2));
    expect(futureLabels(['1960-Q1', '1960-Q2', '1960-Q4'], 2)).toEqual(plus(2)); // irregular
  });

  it('other spellings are free text (no order assumed): Q4 1960, lower-case q, 1960-Q04, 60-Q1', () => {
    expect(parseCsvSeries('q,v\nQ4 1960,1\nQ1 1960,2\n').dates).toEqual(['Q4 1960', 'Q1 1960']);
    expect(parseCsvSeries('q,v\n1960-q4,1\n1960-q1,2\n').dates).toEqual(['1960-q4', '1960-q1']);
    expect(parseCsvSeries('q,v\n1960-Q04,1\n1960-Q01,2\n').dates).toEqual(['1960-Q04', '1960-Q01']);
    expect(futureLabels(['60-Q1', '60-Q2'], 1)).toEqual(plus(1));
  });

  it('stops at year 9999', () => {
    expect(futureLabels(['9999-Q3', '9999-Q4'], 1)).toEqual(plus(1));
    expect(futureLabels(['9999-Q2', '9999-Q3'], 1)).toEqual(['9999-Q4']);
  });
});

describe('periodFromLabels: the period the dates imply', () => {
  const months = (start: number, n: number, step = 1) => Array.from({ length: n }, (_, i) => {
    const m = start + i * step;
    return `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
  });
  /** Days from a UTC date, each `gaps[i % gaps.length]` after the one before. */
  const days = (start: string, n: number, gaps: number[]) => {
    let t = Date.parse(`${start}T00:00:00Z`);
    return Array.from({ length: n }, (_, i) => { if (i > 0) t += gaps[(i - 1) % gaps.length] * DAY_MS; return isoDay(t); });
  };

  it('months → 12, quarters → 4 (also months 3 apart), months 12 apart → 1', () => {
    expect(periodFromLabels(months(1949 * 12, 144))).toEqual({ period: 12, reason: 'monthly' });
    expect(periodFromLabels(['1960-Q3', '1960-Q4', '1961-Q1'])).toEqual({ period: 4, reason: 'quarterly' });
    expect(periodFromLabels(['1960 Q3', '1960 Q4'])).toEqual({ period: 4, reason: 'quarterly' });
    expect(periodFromLabels(months(2000 * 12, 8, 3))).toEqual({ period: 4, reason: 'quarterly' });
    expect(periodFromLabels(months(2000 * 12, 8, 12))).toEqual({ period: 1, reason: 'yearly' });
    expect(periodFromLabels(months(2000 * 12, 8, 2))).toBeNull(); // every other month: no known period
  });

  it('days: 1 apart → 7; 7 apart → 52; weekdays only (weekends skipped) → 5', () => {
    expect(periodFromLabels(days('2020-02-25', 30, [1]))).toEqual({ period: 7, reason: 'daily' });
    expect(periodFromLabels(days('2021-12-17', 20, [7]))).toEqual({ period: 52, reason: 'weekly' });
    // Monday 2021-01-04 on: Mon–Fri, then 3 days to the next Monday
    const weekdays = days('2021-01-04', 60, [1, 1, 1, 1, 3]);
    expect(weekdays.map((d) => new Date(d).getUTCDay()).every((w) => w >= 1 && w <= 5)).toBe(true);
    expect(periodFromLabels(weekdays)).toEqual({ period: 5, reason: 'business days' });
    // a holiday left out too (a 4-day gap) is still business days
    expect(periodFromLabels([...weekdays.slice(0, 9), ...weekdays.slice(10)])).toEqual({ period: 5, reason: 'business days' });
    // daily data with a few days missing: the commonest gap decides
    const gappy = days('2020-01-01', 40, [1, 1, 1, 1, 1, 1, 1, 1, 2]);
    expect(periodFromLabels(gappy)).toEqual({ period: 7, reason: 'daily' });
    // Monday to Friday of a single week (no skipped weekend to go by): daily
    expect(periodFromLabels(days('2021-01-04', 5, [1]))).toEqual({ period: 7, reason: 'daily' });
    expect(periodFromLabels(days('2021-01-04', 10, [2]))).toBeNull();
  });

  it('date-times: hourly → 24, half-hourly → 48, quarter-hourly → 96, a day apart → 7', () => {
    const times = (n: number, minutes: number, sep = 'T') => Array.from({ length: n }, (_, i) => {
      const iso = new Date(Date.UTC(2021, 11, 31, 20) + i * minutes * 60_000).toISOString();
      return `${iso.slice(0, 10)}${sep}${iso.slice(11, 16)}`;
    });
    expect(periodFromLabels(times(50, 60))).toEqual({ period: 24, reason: 'hourly' });
    expect(periodFromLabels(times(50, 60, ' '))).toEqual({ period: 24, reason: 'hourly' });
    expect(periodFromLabels(times(50, 30))).toEqual({ period: 48, reason: 'half-hourly' });
    expect(periodFromLabels(times(50, 15))).toEqual({ period: 96, reason: 'quarter-hourly' });
    expect(periodFromLabels(times(20, 24 * 60))).toEqual({ period: 7, reason: 'daily' });
    expect(periodFromLabels(times(20, 10))).toBeNull(); // every 10 minutes: none known
    expect(periodFromLabels(['2021-01-01 10:00:00Z', '2021-01-01 11:00:00Z', '2021-01-01 13:00:00Z', '2021-01-01 14:00:00Z'])).toEqual({ period: 24, reason: 'hourly' });
  });

  it('4-digit years 1 apart (1000 … 2999) → 1; time indices, other integers and free text → null', () => {
    expect(periodFromLabels(['1871', '1872', '1873'])).toEqual({ period: 1, reason: 'yearly' });
    expect(periodFromLabels(['1000', '1001'])).toEqual({ period: 1, reason: 'yearly' });
    expect(periodFromLabels(['2998', '2999'])).toEqual({ period: 1, reason: 'yearly' });
    expect(periodFromLabels(['999', '1000'])).toBeNull();
    expect(periodFromLabels(['2999', '3000'])).toBeNull();
    expect(periodFromLabels(['1990', '1995', '2000'])).toBeNull(); // every 5 years
    expect(periodFromLabels(Array.from({ length: 100 }, (_, i) => String(i + 1)))).toBeNull(); // a time index
    expect(periodFromLabels(['Jan', 'Feb', 'Mar'])).toBeNull();
    expect(periodFromLabels(['Q1 1960', 'Q2 1960'])).toBeNull();
  });

  it('null when the dates cannot say: one label, none, out of order, repeated, mixed kinds', () => {
    expect(periodFromLabels(['1960-01'])).toBeNull();
    expect(periodFromLabels([])).toBeNull();
    expect(periodFromLabels(['1960-02', '1960-01'])).toBeNull();
    expect(periodFromLabels(['1960-01', '1960-01', '1960-02'])).toBeNull();
    expect(periodFromLabels(['1960-01', '1960-02-01'])).toBeNull();
    expect(periodFromLabels(['1960-01', ''])).toBeNull();
    throwsLW(() => periodFromLabels('1960-01' as unknown as string[]), /periodFromLabels: labels must be an array of strings/);
  });

  it('the suite files: monthly 12, quarterly 4, years 1, indices null', () => {
    const dir = new URL('./data/forecast-dev/', import.meta.url);
    const period = (name: string) => periodFromLabels(parseCsvSeries(readFileSync(new URL(`${name}.train.csv`, dir), 'utf8')).dates ?? []);
    expect(period('seatbelts_front')).toEqual({ period: 12, reason: 'monthly' });
    expect(period('sunspots_monthly')).toEqual({ period: 12, reason: 'monthly' });
    expect(period('presidents')).toEqual({ period: 4, reason: 'quarterly' });
    expect(period('freeny_y')).toEqual({ period: 4, reason: 'quarterly' });
    expect(period('nhtemp')).toEqual({ period: 1, reason: 'yearly' });
    expect(period('discoveries')).toEqual({ period: 1, reason: 'yearly' });
    for (const name of ['BJsales', 'WWWusage', 'dax', 'gold', 'treering']) expect(period(name), name).toBeNull();
  });
});
