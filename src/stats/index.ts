/**
 * Classical statistical forecasters, written for this library (pure
 * TypeScript, no wasm, no dependencies): Theta, automatic exponential
 * smoothing and automatic (non-seasonal) ARIMA as R's forecast package
 * computes them, with the pieces they are built from.
 */
export { nelderMead, type NelderMeadOptions, type NelderMeadResult } from './nelder-mead.js';
export { acf, seasonalityTest, detectPeriod, DEFAULT_PERIOD_CANDIDATES, MAX_DETECT_LAG } from './acf.js';
export { decompose, type Decomposition, type DecompositionType } from './decompose.js';
export { thetaForecast, type ThetaForecast } from './theta.js';
export { MAX_HORIZON, MAX_PERIOD } from './validate.js';
export { etsForecast, MAX_ETS_PERIOD, type EtsForecast, type EtsOptions } from './ets.js';
export type { EtsSpec, EtsParams } from './ets-model.js';
export { arimaForecast, fitArima, forecastArima, type ArimaForecast, type ArimaFit, type ArimaOrder } from './arima.js';
export { kpssStatistic, ndiffs } from './kpss.js';
