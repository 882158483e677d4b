/**
 * The commands on a saved model: `summary` (what it is, in any format the
 * CLI reads) and `predict` (a forecaster's one-step predictions on a series
 * and the next points beyond it; or, with --input, any model's network on a
 * tensor).
 */
import { backend, init } from '../backend/registry.js';
import { forecastAhead } from '../forecast/forecaster.js';
import type { FittedRecipe } from '../forecast/recipe.js';
import { slidingWindows } from '../timeseries/windows.js';
import { rmse } from '../timeseries/metrics.js';
import { backendOption, cliFail, intOption, parse, textOption, type OptionSpec } from './args.js';
import { loadSeries, type LoadedSeries } from './files.js';
import { checkWindowValues } from './forecast.js';
import { futureLabels } from '../timeseries/labels.js';
import { LIMITS, showBytes, showCount } from './limits.js';
import { checkFinite, printable, printableLines, printWarnings } from './output.js';
import { MODEL_FILE, type LoadedForecaster } from '../forecast/saved.js';
import { readForecaster } from './saved-model.js';
import { FORMAT_NAMES, readModelOption } from './model-formats.js';
import { predictTensor } from './predict-tensor.js';

const COMMON: OptionSpec = { model: { type: 'string' }, backend: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } };
const DEFAULT_MODEL = `out/${MODEL_FILE}`;

const SUMMARY_HELP = `lstm-wasm summary [--model ${DEFAULT_MODEL}] [--json]

Show a model: its layers, output shapes and parameter counts. --model is a
.onnx, .keras or .h5 file, a TF.js or lstm-wasm model.json, a forecaster
saved by \`lstm-wasm forecast\`, or a folder holding a model.json (formats:
lstm-wasm convert --help). For a forecaster, also the recipe it was trained
with and the data it was trained on; its model.json (at most ${showBytes(LIMITS.modelJsonBytes)}) is
checked field by field, and the weights beside it (at most ${showBytes(LIMITS.weightsBytes)}) against
the size and SHA-256 it records.
`;

export async function summaryCommand(argv: string[]): Promise<void> {
  const a = parse(argv, COMMON, 'summary');
  if (a.help) return void process.stdout.write(SUMMARY_HELP);
  const path = textOption(a.model, 'model') ?? DEFAULT_MODEL;
  await init(backendOption(a.backend));
  const read = await readModelOption(path);
  const model = read.model;
  try {
    const layers = model.layers.map((l) => ({ className: l.className, name: l.name, config: l.config(), parameters: l.countParams() }));
    const f = read.forecaster;
    if (a.json) {
      const about = f ? { recipe: f.recipe.toJSON(), series: f.saved.series, warnings: f.warnings } : { inputSize: model.inputSize, outputSize: model.outputSize };
      process.stdout.write(JSON.stringify({ path, format: read.format, layers, parameters: model.countParams(), ...about }, null, 1) + '\n');
      return;
    }
    process.stdout.write(`${printable(path)}${f ? '' : ` (${FORMAT_NAMES[read.format]})`}\n${printableLines(model.summary())}\n`);
    if (!f) return;
    process.stdout.write(`Recipe: ${f.recipe.describe()}\n`);
    const s = f.saved.series;
    process.stdout.write(`Trained on: ${printable(s.source)}, column "${printable(s.name)}", ${s.points} points up to ${printable(s.lastLabel)}\n`);
  } finally {
    model.dispose();
  }
}

const PREDICT_HELP = `lstm-wasm predict [--model ${DEFAULT_MODEL}] [--csv PATH] [--column NAME|N] [--date-column NAME|N] [--horizon N] [--json]
lstm-wasm predict --model PATH --input FILE.json [--json]

With a forecaster saved by \`lstm-wasm forecast\`: use it on a series (by
default the embedded one): a prediction for every point that has a full
window before it (one step ahead, from the true history), their RMSE, and
the next --horizon points beyond the data (0 … ${showCount(LIMITS.horizon)}, default 12). The CSV:
UTF-8, at most ${showBytes(LIMITS.csvBytes)} and ${showCount(LIMITS.points)} rows; the saved model is checked as by
summary (lstm-wasm summary --help).

With --input, run the network of any model (a .onnx, .keras or .h5 file, a
TF.js or lstm-wasm model.json, a forecaster, or a folder holding a
model.json) on a tensor: FILE.json holds a nested array [batch, time,
features] (or [batch, features] for a model that starts with Dense), at most
${showBytes(LIMITS.inputBytes)}. Prints the outputs as a table, or with --json as
{ "shape": [...], "output": [nested array] }.
`;

const SERIES_OPTIONS = ['csv', 'column', 'date-column', 'horizon'] as const;

export async function predictCommand(argv: string[]): Promise<void> {
  const a = parse(argv, { ...COMMON, csv: { type: 'string' }, column: { type: 'string' }, 'date-column': { type: 'string' }, horizon: { type: 'string' }, input: { type: 'string' } }, 'predict');
  if (a.help) return void process.stdout.write(PREDICT_HELP);
  const inputPath = textOption(a.input, 'input');
  if (inputPath !== undefined) {
    const mixed = SERIES_OPTIONS.filter((k) => a[k] !== undefined);
    if (mixed.length) cliFail(`--input runs the network on a tensor; ${mixed.map((k) => `--${k}`).join(', ')} ${mixed.length === 1 ? 'is' : 'are'} for a forecaster's series: give one or the other`);
    return predictTensor(textOption(a.model, 'model') ?? DEFAULT_MODEL, inputPath, { backend: a.backend, json: Boolean(a.json) });
  }
  const horizon = intOption(a.horizon, 'horizon', 12, { min: 0, max: LIMITS.horizon });
  const modelPath = textOption(a.model, 'model') ?? DEFAULT_MODEL;
  const series = loadSeries(textOption(a.csv, 'csv'), textOption(a.column, 'column'), textOption(a['date-column'], 'date-column'));
  const futureAt = futureLabels(series.labels, horizon);
  await init(backendOption(a.backend));
  const read = await readModelOption(modelPath);
  const model = read.model;
  try {
    if (!read.forecaster) cliFail(`${modelPath} is a${read.format === 'onnx' ? 'n' : ''} ${FORMAT_NAMES[read.format]}, not a forecaster: it has no recipe to turn a series into its input; run it on a tensor with --input FILE.json (a nested array [batch, time, features])`);
    const recipe = read.forecaster.recipe;
    const w = recipe.recipe.window, lag = recipe.lag;
    if (series.values.length < lag + w + 1) cliFail(`the series has ${series.values.length} points but this model needs at least ${lag + w + 1} (a window of ${w} after a difference of ${lag})`);
    checkWindowValues(series.values.length, w);
    checkSeriesFitsRecipe(series, recipe);
    const z = recipe.toModel(series.values);
    const win = slidingWindows(z, { window: w });
    const zp = model.predict(win.x).data;
    const points = win.targets.map((tz, i) => {
      const t = tz + lag;
      return { label: series.labels[t], truth: series.values[t], prediction: recipe.fromModel(zp[i], t, series.values) };
    });
    const future = forecastAhead(model, recipe, series.values, horizon);
    const result = { backend: backend(), rmse: rmse(points.map((p) => p.prediction), points.map((p) => p.truth)), predictions: points, forecast: future.map((v, k) => ({ label: futureAt[k], value: v })) };
    checkFinite(result, (path) => (path.startsWith('forecast') ? 'the forecast grows beyond what a number can hold; use a shorter --horizon' : "the model's predictions on this series are not numbers; was it trained on a series like this one?"));
    if (a.json) return void process.stdout.write(JSON.stringify(result, null, 1) + '\n');
    printPredictions(series, result);
  } finally {
    model.dispose();
  }
}

function printPredictions(series: LoadedSeries, r: { rmse: number; predictions: { label: string; truth: number; prediction: number }[]; forecast: { label: string; value: number }[] }): void {
  const points = r.predictions;
  process.stdout.write(`${printable(series.source)}, column "${printable(series.name)}": ${points.length} one-step predictions, RMSE ${r.rmse.toFixed(2)}\n`);
  for (const p of points.slice(-12)) process.stdout.write(`  ${printable(p.label).padEnd(12)} truth ${p.truth.toFixed(1).padStart(9)}  predicted ${p.prediction.toFixed(1).padStart(9)}\n`);
  if (points.length > 12) process.stdout.write(`  (the last 12 of ${points.length}; --json for all)\n`);
  if (r.forecast.length) process.stdout.write(`Next ${r.forecast.length}: ${r.forecast.map((f) => `${printable(f.label)} ${f.value.toFixed(0)}`).join(', ')}\n`);
}

/** readForecaster, with its warnings (an unchecked version 1 pair) shown. */
export async function loadSavedModel(path: string): Promise<LoadedForecaster> {
  const loaded = await readForecaster(path);
  printWarnings(loaded.warnings);
  return loaded;
}

/** A model that takes the log of its series cannot be given a point ≤ 0 (its log is not a number). */
export function checkSeriesFitsRecipe(series: LoadedSeries, recipe: FittedRecipe): void {
  if (recipe.recipe.transform !== 'log') return;
  const bad = series.values.findIndex((v) => !(v > 0));
  if (bad >= 0) cliFail(`this model takes the log of the series, but point ${bad + 1} (${printable(series.labels[bad])}) is ${series.values[bad]}; it needs a series of positive values`);
}
