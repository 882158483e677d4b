/**
 * The Theta method as R's forecast::thetaf() computes it (Hyndman & Billah
 * 2003: Theta is simple exponential smoothing with drift): if the series
 * passes thetaf's seasonality test, divide out a classical multiplicative
 * season; fit SES; add half the slope of a straight line through the
 * (adjusted) series as drift; put the season back.
 */
import { seasonalityTest } from './acf.js';
import { decomposeUnchecked } from './decompose.js';
import { fitSes } from './ses.js';
import { checkFinite, checkHorizon, checkPeriod, checkSeries, isConstant } from './validate.js';

export interface ThetaForecast {
  /** Point forecasts for 1 … h steps after the last value. */
  mean: number[];
  /** SES's smoothing weight. */
  alpha: number;
  /** Half the least-squares slope of the (seasonally adjusted) series: the forecast's growth per step, once SES has caught up. */
  drift: number;
  /** The multiplicative seasonal indices applied to steps 1 … period ahead, or null when no season was removed. */
  season: number[] | null;
  /** 'Theta' */
  method: string;
}

/** The fewest points thetaf can work with: SES estimates two values and wants more points than that plus one. */
const MIN_POINTS = 4;

/**
 * Theta forecasts `h` steps ahead of `y` (season length `period`, 1 for
 * none). The season is removed only when the seasonality test passes and
 * no value is negative (a ratio to a trend means nothing across a change
 * of sign; zeros are fine and R's thetaf takes them, e.g. monthly sunspots).
 */
export function thetaForecast(y: ArrayLike<number>, h: number, period: number): ThetaForecast {
  const what = 'thetaForecast';
  const values = checkSeries(y, what, MIN_POINTS, 'simple exponential smoothing fits a weight and a starting level');
  checkHorizon(h, what);
  checkPeriod(period, what);
  const n = values.length;
  if (isConstant(values)) {
    // nothing to smooth and no slope: the forecast is the value itself (R's ses() returns the same)
    return { mean: new Array<number>(h).fill(values[0]), alpha: 0.99999, drift: 0, season: null, method: 'Theta' };
  }

  let adjusted = values;
  let season: number[] | null = null;
  if (period > 1 && values.every((v) => v >= 0) && seasonalityTest(values, period)) {
    const d = decomposeUnchecked(values, period, 'multiplicative');
    // an index near zero would blow up the adjusted series: thetaf then falls back to no season
    if (d.figure.every((f) => Number.isFinite(f) && Math.abs(f) >= 1e-4)) {
      adjusted = d.adjusted;
      // the step after the last value has the position n mod period
      season = Array.from({ length: period }, (_, k) => d.figure[(n + k) % period]);
    }
  }

  const ses = fitSes(adjusted);
  const drift = slope(adjusted) / 2;
  const alpha = Math.max(1e-10, ses.alpha);
  // SES's level plus the drift: b/2 · (k − 1 + (1 − (1 − α)^n) / α) at step k (the second term is the drift SES has already absorbed)
  const absorbed = (1 - (1 - alpha) ** n) / alpha;
  const mean = Array.from({ length: h }, (_, k) => {
    const level = ses.level + drift * (k + absorbed);
    return season ? level * season[k % period] : level;
  });
  checkFinite(mean, what, 'mean');
  return { mean, alpha, drift, season, method: 'Theta' };
}

/** The least-squares slope of y against time 0, 1, …, n − 1. */
function slope(y: readonly number[]): number {
  const n = y.length;
  const mt = (n - 1) / 2;
  let my = 0;
  for (const v of y) my += v;
  my /= n;
  let stt = 0; let sty = 0;
  for (let t = 0; t < n; t++) { stt += (t - mt) ** 2; sty += (t - mt) * (y[t] - my); }
  return sty / stt;
}
