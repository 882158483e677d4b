/**
 * The commands on a saved forecaster: `summary` (what it is), `predict`
 * (one-step predictions on a series and the next points beyond it).
 */
import { backend, init } from '../backend/registry.js';
import type { BackendName } from '../backend/kernels.js';
import { forecastAhead } from '../forecast/forecaster.js';
import { slidingWindows } from '../timeseries/windows.js';
import { rmse } from '../timeseries/metrics.js';
import { choiceOption, cliFail, intOption, parse, type OptionSpec } from './args.js';
import { loadForecaster, loadSeries } from './files.js';
import { futureLabels } from '../timeseries/labels.js';

const COMMON: OptionSpec = { model: { type: 'string' }, backend: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } };

export const SUMMARY_HELP = `lstm-wasm summary [--model out/model.json] [--json]

Show a saved model: its layers, output shapes and parameter counts, the recipe
it was trained with and the data it was trained on.
`;

export async function summaryCommand(argv: string[]): Promise<void> {
  const a = parse(argv, COMMON, 'summary');
  if (a.help) return void process.stdout.write(SUMMARY_HELP);
  await init(backendOf(a.backend));
  const path = (a.model as string | undefined) ?? 'out/model.json';
  const { model, recipe, saved } = loadForecaster(path);
  try {
    if (a.json) {
      const layers = model.layers.map((l) => ({ className: l.className, name: l.name, config: l.config(), parameters: l.countParams() }));
      process.stdout.write(JSON.stringify({ path, layers, parameters: model.countParams(), recipe: recipe.toJSON(), series: saved.series }, null, 1) + '\n');
      return;
    }
    process.stdout.write(`${path}\n${model.summary()}\n`);
    process.stdout.write(`Recipe: ${recipe.describe()}\n`);
    process.stdout.write(`Trained on: ${saved.series.source}, column "${saved.series.name}", ${saved.series.points} points up to ${saved.series.lastLabel}\n`);
  } finally {
    model.dispose();
  }
}

export const PREDICT_HELP = `lstm-wasm predict [--model out/model.json] [--csv PATH] [--column NAME|N] [--date-column NAME|N] [--horizon N] [--json]

Use a saved model on a series (by default the embedded one): a prediction for
every point that has a full window before it (one step ahead, from the true
history), their RMSE, and the next --horizon points beyond the data (default 12).
`;

export async function predictCommand(argv: string[]): Promise<void> {
  const a = parse(argv, { ...COMMON, csv: { type: 'string' }, column: { type: 'string' }, 'date-column': { type: 'string' }, horizon: { type: 'string' } }, 'predict');
  if (a.help) return void process.stdout.write(PREDICT_HELP);
  const horizon = intOption(a.horizon, 'horizon', 12, 0);
  const series = loadSeries(a.csv as string | undefined, a.column as string | undefined, a['date-column'] as string | undefined);
  await init(backendOf(a.backend));
  const { model, recipe } = loadForecaster((a.model as string | undefined) ?? 'out/model.json');
  try {
    const w = recipe.recipe.window, lag = recipe.lag;
    if (series.values.length < lag + w + 1) cliFail(`the series has ${series.values.length} points but this model needs at least ${lag + w + 1} (a window of ${w} after a difference of ${lag})`);
    const z = recipe.toModel(series.values);
    const win = slidingWindows(z, { window: w });
    const zp = model.predict(win.x).data;
    const points = win.targets.map((tz, i) => {
      const t = tz + lag;
      return { label: series.labels[t], truth: series.values[t], prediction: recipe.fromModel(zp[i], t, series.values) };
    });
    const future = forecastAhead(model, recipe, series.values, horizon);
    const futureAt = futureLabels(series.labels, horizon);
    const error = rmse(points.map((p) => p.prediction), points.map((p) => p.truth));
    if (a.json) {
      process.stdout.write(JSON.stringify({ backend: backend(), rmse: error, predictions: points, forecast: future.map((v, k) => ({ label: futureAt[k], value: v })) }, null, 1) + '\n');
      return;
    }
    process.stdout.write(`${series.source}, column "${series.name}": ${points.length} one-step predictions, RMSE ${error.toFixed(2)}\n`);
    for (const p of points.slice(-12)) process.stdout.write(`  ${p.label.padEnd(12)} truth ${p.truth.toFixed(1).padStart(9)}  predicted ${p.prediction.toFixed(1).padStart(9)}\n`);
    if (points.length > 12) process.stdout.write(`  (the last 12 of ${points.length}; --json for all)\n`);
    if (future.length) process.stdout.write(`Next ${future.length}: ${future.map((v, k) => `${futureAt[k]} ${v.toFixed(0)}`).join(', ')}\n`);
  } finally {
    model.dispose();
  }
}

export function backendOf(v: string | boolean | undefined): { backend?: BackendName } {
  const b = choiceOption(v, 'backend', ['wasm-simd', 'wasm', 'js'] as const, undefined as unknown as BackendName);
  return b ? { backend: b } : {};
}
