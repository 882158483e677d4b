/**
 * How many differences make a series stationary, as R's forecast::ndiffs()
 * decides by default: the KPSS test (Kwiatkowski, Phillips, Schmidt & Shin
 * 1992) for level stationarity, as urca::ur.kpss(type = "mu") computes it
 * with ndiffs' lag truncation trunc(3√n/13); difference while the test
 * rejects at 5%, at most twice.
 */
import { isConstant } from './validate.js';

/** The KPSS statistic's 5% critical value for level stationarity (KPSS 1992, Table 1; urca's). */
const KPSS_CRITICAL_5 = 0.463;
/** ndiffs' default: at most two differences. */
export const MAX_DIFFERENCES = 2;

/** The KPSS level-stationarity statistic of y, with lags trunc(3√n/13) in the long-run variance (Bartlett weights). */
export function kpssStatistic(y: readonly number[]): number {
  const n = y.length;
  let mean = 0;
  for (const v of y) mean += v;
  mean /= n;
  const e = y.map((v) => v - mean);
  let partial = 0, eta = 0;
  for (const v of e) { partial += v; eta += partial * partial; }
  eta /= n * n;
  const lags = Math.trunc((3 * Math.sqrt(n)) / 13);
  let s2 = 0;
  for (const v of e) s2 += v * v;
  s2 /= n;
  for (let l = 1; l <= lags; l++) {
    let c = 0;
    for (let t = l; t < n; t++) c += e[t] * e[t - l];
    s2 += (2 * (1 - l / (lags + 1)) * c) / n;
  }
  return eta / s2;
}

/**
 * ndiffs(y): 0, 1 or 2. R reads the test's p-value off urca's table of
 * critical values by linear interpolation and differences when it is below
 * 0.05, which is the statistic exceeding the 5% value.
 */
export function ndiffs(y: readonly number[]): number {
  let x = y.slice();
  if (isConstant(x)) return 0;
  let d = 0;
  while (d < MAX_DIFFERENCES && x.length > 2 && kpssStatistic(x) > KPSS_CRITICAL_5) {
    d++;
    x = x.slice(1).map((v, t) => v - x[t]);
    if (isConstant(x)) return d;
  }
  return d;
}
