/**
 * Rolling-origin backtesting: the test a user's forecast will face, run on
 * the past. From each of several origins o (the first o points known),
 * every method forecasts the next h points, and those are scored against
 * what happened, per horizon step and overall.
 *
 *   origins  o_j = n − h − (K − 1 − j)·step,  j = 0 … K−1   (the last ends at the data's end)
 *   MASE     mean |F − A| / (in-sample MAE of the seasonal naive on the first o points)
 *   sMAPE    mean 200·|F − A| / (|F| + |A|)
 *   RMSE     √ mean (F − A)²
 *
 * MASE is the headline: it is comparable across series and origins, and 1
 * means "as bad, per step, as the seasonal naive was one season ahead in
 * the past". (MASE as in the M4 competition; sMAPE too.)
 */
import { fail } from '../errors.js';

/** A method under test: the next h points after y[0 … origin). */
export type ForecastFrom = (origin: number) => number[];

/** Scores of one method over every origin: overall and per horizon step (index k = step k + 1). */
export interface BacktestScores {
  mase: number;
  smape: number;
  rmse: number;
  perHorizon: { mase: number[]; smape: number[]; rmse: number[] };
}

/** Where the backtest forecasts from. */
export interface Origins {
  /** Points known at each origin, ascending. */
  origins: number[];
  step: number;
}

/** The default number of origins: enough to average over, few enough to keep training the LSTM once cheap. */
export const BACKTEST_ORIGINS = 5;

/**
 * K origins `step` apart, the last at n − h, none before `earliest` (the fewest points a method needs
 * to be fitted). Fewer origins when the series is short; an error when not even one fits.
 */
export function rollingOrigins(n: number, h: number, earliest: number, count = BACKTEST_ORIGINS): Origins {
  const step = Math.max(1, Math.floor(h / 2));
  const last = n - h;
  const short = tooShortToBacktest(n, h, earliest);
  if (short) fail(short);
  const k = Math.min(count, Math.floor((last - earliest) / step) + 1);
  return { origins: Array.from({ length: k }, (_, j) => last - (k - 1 - j) * step), step };
}

/** Why n points cannot be backtested h points ahead from an origin with `earliest` points before it, or null when they can. */
export function tooShortToBacktest(n: number, h: number, earliest: number): string | null {
  return n - h < earliest ? `too short to backtest: forecasting ${h} points from an origin with at least ${earliest} points before it needs ${earliest + h} points, the series has ${n}` : null;
}

/** The in-sample MAE of the seasonal naive (lag m; the naive for m = 1 or too few points) over y[0 … n): MASE's unit. */
export function maseScale(y: ArrayLike<number>, n: number, m: number): number {
  const lag = m > 1 && n > m ? m : 1;
  let s = 0;
  for (let t = lag; t < n; t++) s += Math.abs(y[t] - y[t - lag]);
  return n > lag ? s / (n - lag) : Number.NaN;
}

/** Every origin's forecasts and errors of one method: `forecasts[j][k]` from origin j, step k + 1. */
export interface MethodBacktest {
  forecasts: number[][];
  scores: BacktestScores;
}

/** Forecast from each origin and score against y. A flat history (MASE scale 0) scores MASE by the mean absolute error instead. */
export function backtest(y: ArrayLike<number>, h: number, m: number, o: Origins, method: ForecastFrom): MethodBacktest {
  const forecasts = o.origins.map((origin) => {
    const f = method(origin);
    if (f.length !== h || f.some((v) => !Number.isFinite(v))) fail(`a backtest forecast from point ${origin} is not ${h} finite numbers`);
    return f;
  });
  return { forecasts, scores: score(y, h, m, o, forecasts) };
}

/** Scores of forecasts made from the origins o (as backtest gives them, or a combination of them). */
export function score(y: ArrayLike<number>, h: number, m: number, o: Origins, forecasts: number[][]): BacktestScores {
  const mase = new Array<number>(h).fill(0), smape = new Array<number>(h).fill(0), sq = new Array<number>(h).fill(0);
  const K = o.origins.length;
  o.origins.forEach((origin, j) => {
    const scale = maseScale(y, origin, m) || 1;
    for (let k = 0; k < h; k++) {
      const f = forecasts[j][k], a = y[origin + k], e = Math.abs(f - a);
      mase[k] += e / scale / K;
      smape[k] += (Math.abs(f) + Math.abs(a) > 0 ? (200 * e) / (Math.abs(f) + Math.abs(a)) : 0) / K;
      sq[k] += (e * e) / K;
    }
  });
  const mean = (v: number[]) => v.reduce((p, q) => p + q, 0) / v.length;
  return { mase: mean(mase), smape: mean(smape), rmse: Math.sqrt(mean(sq)), perHorizon: { mase, smape, rmse: sq.map(Math.sqrt) } };
}
