/**
 * `lstm-wasm/forecast`: the automatic forecaster — h steps ahead with only
 * the horizon given, backtested against exponential smoothing, Theta and
 * the naive forecasts, with prediction intervals; covariates; many series
 * with one global LSTM. A separate entry so that an app that only predicts
 * with a model does not ship it. Initialise the kernels with `init()` from
 * 'lstm-wasm' first.
 *
 *   import { init } from 'lstm-wasm';
 *   import { autoForecast } from 'lstm-wasm/forecast';
 *   await init();
 *   const f = await autoForecast(values, { horizon: 12, period: 12 });
 *   f.forecast, f.intervals[95], f.methods.lstm.backtest.mase, f.reasons
 *
 * A forecaster saved by `lstm-wasm forecast` (model.json + model.safetensors)
 * loads from the two files' contents, in Node or a browser:
 *
 *   const saved = parseSavedForecaster(jsonText);
 *   const { model, recipe } = await loadForecaster(saved, weightsBytes);
 *   forecastAhead(model, recipe, values, 12); // from 'lstm-wasm'
 *   model.dispose();
 */
export {
  autoForecast, DEFAULT_ENSEMBLE, MAX_AUTO_HORIZON, MIN_LSTM_WINDOWS,
  type AutoForecast, type AutoOptions, type MethodName, type MethodResult,
} from './auto.js';
export { autoForecastMany, MAX_SERIES, type AutoForecastMany } from './many.js';
export type { AutoCovariate } from './covariates.js';
export type { Adjustment } from './adjust.js';
export { BACKTEST_ORIGINS, type BacktestScores } from './backtest.js';
export { LEVELS, type Intervals, type Level } from './intervals.js';
export type { NeuralConfig, Strategy } from './neural.js';
export { choosePeriod, defaultHorizon, type ChosenPeriod } from './period.js';
export { etsForecast, thetaForecast, arimaForecast, detectPeriod, seasonalityTest, type EtsForecast, type ThetaForecast, type ArimaForecast } from '../stats/index.js';
export {
  loadForecaster, parseSavedForecaster, saveForecaster, MODEL_FILE, WEIGHTS_FILE,
  type ForecasterFiles, type LoadedForecaster, type FileNames,
} from './saved.js';
export type { SavedForecaster, SeriesInfo } from './saved-schema.js';
