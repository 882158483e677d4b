/**
 * `lstm-wasm forecast`: train an LSTM on a series (by default the embedded
 * airline passengers), evaluate it on the held-out last part against naive
 * baselines, forecast beyond the data, and write a plot, the model and a
 * JSON summary.
 */
import { join } from 'node:path';
import { init, backend } from '../backend/registry.js';
import type { BackendName } from '../backend/kernels.js';
import { DEFAULT_TRAINING, forecaster, type Forecaster, type Scores } from '../forecast/forecaster.js';
import { DEFAULT_RECIPE, SEEDS_RECIPE } from '../forecast/recipe.js';
import { forecastChart } from '../forecast/charts.js';
import { futureLabels } from '../timeseries/labels.js';
import { choiceOption, cliFail, intOption, numberOption, parse, unitsOption, type OptionSpec } from './args.js';
import { ensureDir, loadSeries, saveForecaster, writeText, type LoadedSeries } from './files.js';
import { Progress } from './progress.js';

export const FORECAST_OPTIONS: OptionSpec = {
  csv: { type: 'string' }, column: { type: 'string' }, 'date-column': { type: 'string' },
  recipe: { type: 'string' }, transform: { type: 'string' }, difference: { type: 'string' }, period: { type: 'string' }, scaler: { type: 'string' },
  window: { type: 'string' }, horizon: { type: 'string' }, test: { type: 'string' },
  layers: { type: 'string' }, epochs: { type: 'string' }, 'batch-size': { type: 'string' }, optimizer: { type: 'string' }, lr: { type: 'string' }, seed: { type: 'string' },
  backend: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' }, quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
};

export const FORECAST_HELP = `lstm-wasm forecast [options]

Train an LSTM forecaster, test it on the last part of the series against naive
baselines, forecast beyond the data, and write a plot and the model.
With no options: the airline-passengers series (embedded), LSTM(50, all steps)
→ LSTM(100) → Dense(1), log + year-on-year change + standardize, windows of 6.

Data
  --csv PATH            a CSV file with a header row (default: the embedded series)
  --column NAME|N       the value column (default: the last)
  --date-column NAME|N  the date column (default: the first, if it is not numeric)
Recipe
  --recipe default|seeds  'seeds' = the tutorials' settings: levels, min-max, window 10,
                        RMSprop lr 1e-3, batch 512, 30 epochs (options below override)
  --transform log|none  (default log)
  --difference seasonal|first|none  model the change over --period, since the last point, or levels (default seasonal)
  --period N            season length in points (default 12)
  --scaler standard|minmax  (default standard)
  --window N            input points per window (default ${DEFAULT_RECIPE.window})
  --test F|N            held-out last part: a fraction or a count of points (default 0.2)
  --horizon N           points to forecast beyond the data (default 12)
Model and training
  --layers 50,100       LSTM units per layer (default 50,100)
  --epochs N            (default ${DEFAULT_TRAINING.epochs})     --batch-size N (default ${DEFAULT_TRAINING.batchSize})
  --optimizer adam|rmsprop|sgd|adamw (default adam)      --lr X (default ${DEFAULT_TRAINING.learningRate})
  --seed N              (default ${DEFAULT_TRAINING.seed}): same seed, same result
  --backend wasm-simd|wasm|js  (default: the fastest this runtime supports)
Output
  --out DIR             where forecast.svg, model.json, model.safetensors, summary.json go (default out)
  --json                print the summary as JSON on stdout (progress stays on stderr)
  --quiet               no progress output
`;

export async function forecastCommand(argv: string[]): Promise<void> {
  const a = parse(argv, FORECAST_OPTIONS, 'forecast');
  if (a.help) {
    process.stdout.write(FORECAST_HELP);
    return;
  }
  const seeds = choiceOption(a.recipe, 'recipe', ['default', 'seeds'] as const, 'default') === 'seeds';
  const base = seeds ? SEEDS_RECIPE : DEFAULT_RECIPE;
  const train = seeds ? { ...DEFAULT_TRAINING, optimizer: 'rmsprop' as const, learningRate: 1e-3, batchSize: 512, epochs: 30 } : DEFAULT_TRAINING;
  const options = {
    transform: choiceOption(a.transform, 'transform', ['log', 'none'] as const, base.transform),
    difference: choiceOption(a.difference, 'difference', ['seasonal', 'first', 'none'] as const, base.difference),
    period: intOption(a.period, 'period', base.period),
    scaler: choiceOption(a.scaler, 'scaler', ['standard', 'minmax'] as const, base.scaler),
    window: intOption(a.window, 'window', base.window),
    layers: unitsOption(a.layers, train.layers),
    epochs: intOption(a.epochs, 'epochs', train.epochs),
    batchSize: intOption(a['batch-size'], 'batch-size', train.batchSize),
    optimizer: choiceOption(a.optimizer, 'optimizer', ['adam', 'rmsprop', 'sgd', 'adamw'] as const, train.optimizer),
    learningRate: numberOption(a.lr, 'lr', train.learningRate),
    seed: intOption(a.seed, 'seed', train.seed, 0),
    test: testOption(a.test),
  };
  const horizon = intOption(a.horizon, 'horizon', 12, 0);
  const backendName = choiceOption(a.backend, 'backend', ['wasm-simd', 'wasm', 'js'] as const, undefined as unknown as BackendName);
  const json = a.json === true, quiet = a.quiet === true;
  const log = (s = '') => { if (!json) process.stdout.write(s + '\n'); };

  const series = loadSeries(a.csv as string | undefined, a.column as string | undefined, a['date-column'] as string | undefined);
  await init(backendName ? { backend: backendName } : {});
  const outDir = ensureDir((a.out as string | undefined) ?? 'out');

  log(`lstm-wasm forecast — ${series.source}, column "${series.name}": ${series.values.length} points, ${series.labels[0]} … ${series.labels[series.labels.length - 1]}`);
  const progress = new Progress(options.epochs, process.stderr, quiet);
  const f = await forecaster(series.values, { ...options, onEpochEnd: (e, logs) => progress.update(e, logs) });
  progress.finish();
  try {
    const future = f.forecast(horizon);
    const summary = report(f, series, future, horizon, outDir);
    if (json) process.stdout.write(JSON.stringify(summary, null, 1) + '\n');
    else printReport(summary, f, series, log);
  } finally {
    f.dispose();
  }
}

function testOption(v: string | boolean | undefined): number {
  if (v === undefined) return DEFAULT_TRAINING.test;
  const n = Number(v);
  if (typeof v !== 'string' || !(n > 0) || (n >= 1 && !Number.isInteger(n))) cliFail(`--test must be a fraction (0 < f < 1) or a whole number of points, got ${JSON.stringify(v)}`);
  return n;
}

interface Summary {
  data: { source: string; column: string; points: number; first: string; last: string; trainPoints: number; testPoints: number; trainWindows: number; testFrom: string };
  config: Record<string, unknown>;
  model: { layers: string; parameters: number; backend: string };
  training: { epochs: number; loss: number[]; fitSeconds: number };
  test: Scores & { baselines: Record<string, Scores>; beats: string[]; predictions: { label: string; truth: number; prediction: number }[] };
  forecast: { label: string; value: number }[];
  files: { plot: string; model: string; weights: string; summary: string };
}

function report(f: Forecaster, series: LoadedSeries, future: number[], horizon: number, outDir: string): Summary {
  const e = f.evaluation, labels = series.labels, futureAt = futureLabels(labels, horizon);
  const b = e.baselines;
  const names = { persistence: 'persistence (last value)', seasonalNaive: `seasonal naive (${f.recipe.recipe.period} before)`, seasonalNaiveTrend: 'seasonal naive + last year-on-year change' };
  const beats = (Object.keys(names) as (keyof typeof names)[]).filter((k) => e.rmse < b[k].rmse);
  const plotPath = join(outDir, 'forecast.svg');
  writeText(plotPath, forecastChart(f, series, future, futureAt));
  const saved = saveForecaster(outDir, f.model, f.recipe, series);
  const summaryPath = join(outDir, 'summary.json');
  const summary: Summary = {
    data: { source: series.source, column: series.name, points: f.sizes.points, first: labels[0], last: labels[labels.length - 1], trainPoints: f.sizes.trainPoints, testPoints: f.sizes.testPoints, trainWindows: f.sizes.trainWindows, testFrom: labels[f.sizes.trainPoints] },
    config: { ...f.recipe.recipe, ...f.options, horizon },
    model: { layers: describeModel(f), parameters: f.model.countParams(), backend: backend() },
    training: { epochs: f.history.epoch.length, loss: f.history.history.loss ?? [], fitSeconds: f.fitSeconds },
    test: {
      rmse: e.rmse, mae: e.mae, mape: e.mape, smape: e.smape,
      baselines: Object.fromEntries(Object.entries(b).map(([k, v]) => [names[k as keyof typeof names], v])),
      beats: beats.map((k) => names[k]),
      predictions: e.targets.map((t, i) => ({ label: labels[t], truth: e.truth[i], prediction: e.predictions[i] })),
    },
    forecast: future.map((v, k) => ({ label: futureAt[k], value: v })),
    files: { plot: plotPath, model: saved.json, weights: saved.weights, summary: summaryPath },
  };
  writeText(summaryPath, JSON.stringify(summary, null, 1) + '\n');
  return summary;
}

function describeModel(f: Forecaster): string {
  return f.options.layers.map((u, i) => `LSTM(${u}${i < f.options.layers.length - 1 ? ', all steps' : ''})`).join(' → ') + ' → Dense(1)';
}

function printReport(s: Summary, f: Forecaster, series: LoadedSeries, log: (s?: string) => void): void {
  const n = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '—');
  const o = f.options;
  log(`Recipe: ${f.recipe.describe()}`);
  log(`Model: ${s.model.layers}, ${s.model.parameters.toLocaleString('en-US')} parameters, backend ${s.model.backend}`);
  log(`Split: train ${s.data.first} … ${series.labels[s.data.trainPoints - 1]} (${s.data.trainPoints} points, ${s.data.trainWindows} windows), test ${s.data.testFrom} … ${s.data.last} (${s.data.testPoints} points), in time order`);
  const loss = s.training.loss;
  log(`Training: ${s.training.epochs} epochs, ${o.optimizer} lr ${o.learningRate}, batch ${o.batchSize}, seed ${o.seed}: ${s.training.fitSeconds.toFixed(2)} s, loss ${loss[0]?.toFixed(4)} → ${loss[loss.length - 1]?.toFixed(4)}`);
  log('');
  log(`Test, one step ahead (${s.data.testPoints} points, ${series.name})   RMSE     MAE    MAPE`);
  const row = (name: string, v: Scores) => log(`  ${name.padEnd(44)} ${n(v.rmse).padStart(6)}  ${n(v.mae).padStart(6)}  ${Number.isFinite(v.mape) ? v.mape.toFixed(1).padStart(5) + '%' : '     —'}`);
  row('LSTM', s.test);
  for (const [name, v] of Object.entries(s.test.baselines)) row(name, v);
  const all = Object.keys(s.test.baselines);
  const best = Object.entries(s.test.baselines).sort((x, y) => x[1].rmse - y[1].rmse)[0];
  if (s.test.beats.length === all.length) log(`The LSTM beats all ${all.length} baselines (the best of them: ${best[0]}, ${n(best[1].rmse)}).`);
  else if (s.test.beats.length === 0) log(`The LSTM beats none of the baselines: it forecasts worse than repeating past values (best: ${best[0]}, ${n(best[1].rmse)}).${s.training.epochs < 50 ? ' It looks under-trained: try more --epochs.' : ''}`);
  else log(`The LSTM beats ${s.test.beats.join(' and ')}, but not ${all.filter((x) => !s.test.beats.includes(x)).join(' or ')}.`);
  log('');
  if (s.forecast.length) log(`Next ${s.forecast.length}: ${s.forecast.map((p) => `${p.label} ${p.value.toFixed(0)}`).join(', ')}`);
  log(`Wrote ${s.files.plot} (the plot), ${s.files.model} + ${s.files.weights} (the model), ${s.files.summary}`);
  log(`Next: open the plot; \`lstm-wasm explain\` draws what the LSTM's gates did; \`lstm-wasm forecast --help\` for the options.`);
}
