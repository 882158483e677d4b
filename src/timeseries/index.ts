/**
 * The time-series toolkit: read a series from CSV, split it in time order,
 * scale it (fit on the training part), cut it into windows, and score
 * forecasts against naive baselines. Pure TypeScript, no wasm.
 */
export { parseCsvSeries, type CsvSeries, type CsvSeriesOptions, type CsvCovariate } from './csv.js';
export { fillMissing, type FilledSeries } from './missing.js';
export {
  MinMaxScaler, StandardScaler,
  type MinMaxScalerOptions, type MinMaxScalerJSON, type StandardScalerJSON, type SeriesValues, type FeatureOption,
} from './scalers.js';
export { slidingWindows, type WindowOptions, type Windows } from './windows.js';
export { chronologicalSplit, type SplitOptions, type Split } from './split.js';
export { rmse, mae, mape, smape } from './metrics.js';
export { persistence, seasonalNaive, seasonalNaiveTrend } from './baselines.js';
export { futureLabels } from './labels.js';
export { periodFromLabels, type PeriodFromLabels } from './period.js';
