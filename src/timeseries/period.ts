/**
 * The seasonal period a series' dates imply: 12 for monthly data, 7 for
 * daily, 24 for hourly, … — or null when the dates do not tell (plain time
 * indices, free text), and the caller has to find the period some other way
 * (e.g. from the autocorrelation).
 */
import { fail } from '../errors.js';
import { firstOutOfOrder, readTimeAxis, type TimeAxis } from './labels.js';

/** A period read from dates, and in a word why (`'monthly'`, `'daily'`, …). */
export interface PeriodFromLabels {
  /** Points per seasonal cycle; 1 for yearly data (no season). */
  period: number;
  /** The spacing it was read from: 'monthly', 'quarterly', 'weekly', 'daily', 'business days', 'hourly', … */
  reason: string;
}

/** Spacings that imply a period, per kind of label: the spacing (in the kind's units) → [period, reason]. */
const PERIODS: Record<'month' | 'quarter' | 'day' | 'datetime', ReadonlyMap<number, [number, string]>> = {
  month: new Map([[1, [12, 'monthly']], [3, [4, 'quarterly']], [12, [1, 'yearly']]]),
  quarter: new Map([[1, [4, 'quarterly']], [4, [1, 'yearly']]]),
  day: new Map([[1, [7, 'daily']], [7, [52, 'weekly']]]),
  datetime: new Map([
    [900, [96, 'quarter-hourly']], [1800, [48, 'half-hourly']], [3600, [24, 'hourly']],
    [86_400, [7, 'daily']], [604_800, [52, 'weekly']],
  ]),
};

/** Whole numbers read as years: 4 digits, from 1000 to 2999. */
const YEAR_MIN = 1000;
const YEAR_MAX = 2999;

/**
 * The seasonal period implied by the dates of a series, or null when they
 * imply none.
 *
 * The labels must be recognised time labels of one kind, strictly
 * increasing (see labels.ts), at least two of them. Their spacing is the
 * most common gap between neighbours (the smallest of equally common ones),
 * so a few missing dates do not hide it. Then:
 *
 * - months 1 apart → 12 ('monthly'); 3 apart → 4 ('quarterly'); 12 apart → 1 ('yearly');
 * - quarters 1 apart → 4 ('quarterly'); 4 apart → 1 ('yearly');
 * - days 7 apart → 52 ('weekly'); 1 apart → 7 ('daily'), but 5 ('business
 *   days') when no date is a Saturday or Sunday and some gap is longer than
 *   a day (weekends, and holidays, left out: a week is then 5 rows, and a
 *   lag of 7 rows would not be the same weekday);
 * - date-times 15 / 30 / 60 minutes apart → 96 / 48 / 24; a day apart → 7; a week → 52;
 * - whole numbers 1 apart, all from 1000 to 2999 (years such as 1871, 1872, …) → 1 ('yearly').
 *
 * Anything else — a time index 1, 2, 3, …, free text, other spacings, dates
 * out of order or of mixed kinds, fewer than two labels — gives null.
 * Linear in the number of labels.
 */
export function periodFromLabels(labels: string[]): PeriodFromLabels | null {
  if (!Array.isArray(labels)) fail(`periodFromLabels: labels must be an array of strings, got ${typeof labels}`);
  if (labels.length < 2) return null;
  const axis = readTimeAxis(labels);
  if (axis === null || !axis.ok || firstOutOfOrder(axis.values) >= 0) return null;
  const step = commonestGap(axis.values);
  if (axis.kind === 'integer') {
    const years = step === 1 && axis.values[0] >= YEAR_MIN && axis.values[axis.values.length - 1] <= YEAR_MAX;
    return years ? { period: 1, reason: 'yearly' } : null;
  }
  const found = PERIODS[axis.kind].get(step);
  if (!found) return null;
  if (axis.kind === 'day' && step === 1 && isBusinessDays(axis)) return { period: 5, reason: 'business days' };
  return { period: found[0], reason: found[1] };
}

/** The most common difference between neighbours (the smallest of equally common ones); values increase, 2 or more. */
function commonestGap(values: readonly number[]): number {
  const counts = new Map<number, number>();
  for (let i = 1; i < values.length; i++) {
    const gap = values[i] - values[i - 1];
    counts.set(gap, (counts.get(gap) ?? 0) + 1);
  }
  let best = 0;
  let bestCount = 0;
  for (const [gap, count] of counts) {
    if (count > bestCount || (count === bestCount && gap < best)) [best, bestCount] = [gap, count];
  }
  return best;
}

/** Days (since 1970-01-01, a Thursday) none of which is a Saturday or Sunday, with some gap between them longer than a day. */
function isBusinessDays(axis: TimeAxis): boolean {
  const v = axis.values;
  let skips = false;
  for (let i = 0; i < v.length; i++) {
    const weekday = (((v[i] + 4) % 7) + 7) % 7; // 0 = Sunday … 6 = Saturday
    if (weekday === 0 || weekday === 6) return false;
    if (i > 0 && v[i] - v[i - 1] > 1) skips = true;
  }
  return skips;
}
