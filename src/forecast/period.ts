/**
 * The season length of a series, when the user does not give it: from the
 * dates where there are dates (monthly 12, quarterly 4, weekly 52, daily 7,
 * hourly 24, half-hourly 48, yearly 1), else from the autocorrelation.
 */
import { detectPeriod } from '../stats/acf.js';
import { periodFromLabels } from '../timeseries/period.js';

export interface ChosenPeriod {
  period: number;
  /** Where it came from, for the report: "monthly dates", "autocorrelation peak at lag 7", … */
  reason: string;
}

/**
 * The period from the labels' spacing; plain indices or free text leave it to the autocorrelation.
 * A period from the dates that the series is too short to show (fewer than two seasons) is kept, and
 * the methods then model no season (they need more seasons than that).
 */
export function choosePeriod(values: ArrayLike<number>, labels: string[]): ChosenPeriod {
  const fromDates = periodFromLabels(labels);
  if (fromDates) return { period: fromDates.period, reason: `${fromDates.reason} dates` };
  const p = detectPeriod(values);
  return p > 1 ? { period: p, reason: `no dates; the autocorrelation peaks at lag ${p}` } : { period: 1, reason: 'no dates, and no significant seasonal autocorrelation' };
}

/** Points forecast when --horizon is not given: one season (12 months for monthly data), at least 8. */
export function defaultHorizon(period: number): number {
  return Math.min(Math.max(period, 8), 100);
}
