/**
 * `lstm-wasm forecast`: train an LSTM on a series (by default the embedded
 * airline passengers), evaluate it on the held-out last part against naive
 * baselines, forecast beyond the data, and write a plot, the model and a
 * JSON summary.
 *
 * Every option is checked before any work; everything is computed (train,
 * evaluate, forecast, the plot, the summary) before anything is written;
 * and the files are then written atomically (atomic-write.ts), so a run
 * that fails leaves the previous model and files as they were.
 */
import { join } from 'node:path';
import { init } from '../backend/registry.js';
import { DEFAULT_TRAINING, forecaster, tooFewToTrain, type Forecaster, type ForecasterOptions } from '../forecast/forecaster.js';
import { DEFAULT_RECIPE, lagOf, TUTORIAL_RECIPE, type Recipe } from '../forecast/recipe.js';
import { autoForecast, DEFAULT_ENSEMBLE, MAX_AUTO_HORIZON, tooShortToForecast, type AutoForecast } from '../forecast/auto.js';
import type { AutoCovariate } from '../forecast/covariates.js';
import { chooseAdjustment, type Adjustment } from '../forecast/adjust.js';
import { readFutureCovariates } from './future-covariates.js';
import { choosePeriod, defaultHorizon } from '../forecast/period.js';
import { fmt, printBacktest } from './auto-report.js';
import { oneStepSummary, type OneStepSummary, type ReportedScores } from '../forecast/summary.js';
import { forecastChart } from '../forecast/charts.js';
import { futureLabels } from '../timeseries/labels.js';
import { backendOption, choiceOption, cliFail, intOption, numberOption, parse, textOption, unitsOption, type OptionSpec, type OptionValues } from './args.js';
import { writeFilesAtomically, type OutputFile } from './atomic-write.js';
import { checkOutputFolder, loadSeries, type LoadedSeries } from './files.js';
import { LIMITS, showBytes, showCount } from './limits.js';
import { checkFinite, printable, printWarnings } from './output.js';
import { Progress } from './progress.js';
import { forecastManyCommand } from './forecast-many.js';
import { forecastShort } from './forecast-short.js';
import { MODEL_FILE, WEIGHTS_FILE } from '../forecast/saved.js';
import { forecasterFiles } from './saved-model.js';

const FORECAST_OPTIONS: OptionSpec = {
  csv: { type: 'string' }, column: { type: 'string' }, 'date-column': { type: 'string' }, 'id-column': { type: 'string' },
  covariates: { type: 'string' }, future: { type: 'string' },
  recipe: { type: 'string' }, transform: { type: 'string' }, difference: { type: 'string' }, period: { type: 'string' }, scaler: { type: 'string' },
  window: { type: 'string' }, horizon: { type: 'string' }, test: { type: 'string' },
  layers: { type: 'string' }, epochs: { type: 'string' }, 'batch-size': { type: 'string' }, optimizer: { type: 'string' }, lr: { type: 'string' }, seed: { type: 'string' },
  backend: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' }, quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
};

const n = showCount;

const FORECAST_HELP = `lstm-wasm forecast [options]

Forecast --horizon points ahead: backtest an LSTM ensemble, exponential smoothing
(ETS) and Theta from 5 past origins against the naive forecasts, take the mean of
the two that did best, with 80% and 95% intervals from its backtest errors. The
period, the log and the season are chosen from the data (the report says why).
Beside it, the tutorials' one-step model — LSTM(50, all steps) → LSTM(100) →
Dense(1) — is tested one step ahead on the last part and saved.
With no options: the airline-passengers series (embedded).

Data
  --csv PATH            a CSV file with a header row, UTF-8, at most ${showBytes(LIMITS.csvBytes)} and
                        ${n(LIMITS.points)} rows (default: the embedded series)
  --column NAME|N       the value column (default: the one numeric column besides the dates, else the one named value, y or target)
  --date-column NAME|N  the date column (default: the first if it is named like dates — date, time,
                        year, … — or is not numeric)
  --covariates A,B      other columns the LSTM part reads as inputs (ETS and Theta do not)
  --future PATH         a CSV of the next --horizon rows with the covariates known in advance (a law
                        in force, a holiday flag); covariates not in it are used as past values only
Many series (one global LSTM, everything else per series; writes summary.json only)
  --id-column NAME      a long CSV: this column names the series each row belongs to
  --column A,B,C        a wide CSV: several value columns, one series each
Forecast
  --horizon N           points to forecast, 0 … ${n(LIMITS.horizon)} (default: one season, at least 8);
                        over ${n(MAX_AUTO_HORIZON)}, or too long to backtest: the one-step model fed back
  --period N            season length in points, 1 … ${n(LIMITS.period)} (default: from the dates — months
                        12, quarters 4, weeks 52, days 7, hours 24 — else the autocorrelation)
The one-step model (saved; predict and explain use it)
  --recipe default|tutorial  the tutorials' settings: levels, min-max, window 10,
                        RMSprop lr 1e-3, batch 512, 30 epochs (options below override)
  --transform log|none  (default: log where every value is positive and the swing grows with the level)
  --difference seasonal|first|none  model the change over --period, since the last point, or levels
                        (default: seasonal where the season is significant, else first)
  --scaler standard|minmax  (default standard)
  --window N            input points per window, 1 … ${n(LIMITS.window)} (default ${DEFAULT_RECIPE.window});
                        points × window at most ${n(LIMITS.windowValues)}
  --test F|N            held-out last part: a fraction or a count of points (default 0.2)
  --layers 50,100       LSTM units per layer: 1 … ${LIMITS.layers} layers of 1 … ${n(LIMITS.units)} units (default 50,100)
  --epochs N            1 … ${n(LIMITS.epochs)} (default ${DEFAULT_TRAINING.epochs}, fewer on a long series: about 10,000 window passes)
  --batch-size N        1 … ${n(LIMITS.batchSize)} (default ${DEFAULT_TRAINING.batchSize})
  --optimizer adam|rmsprop|sgd|adamw (default adam)      --lr X (default ${DEFAULT_TRAINING.learningRate})
  --seed N              0 … ${n(LIMITS.seed)} (default ${DEFAULT_TRAINING.seed}): the one-step model's, and the first of the
                        LSTM ensemble's ${DEFAULT_ENSEMBLE}: same seed, same result
  --backend wasm-simd|wasm|js  (default: the fastest this runtime supports)
Output
  --out DIR             where forecast.svg, ${MODEL_FILE}, ${WEIGHTS_FILE}, summary.json go (default out).
                        Nothing is written unless the whole run succeeds; each file is then
                        replaced atomically, the model's two files as a checked pair
  --json                print the summary as JSON on stdout (progress stays on stderr)
  --quiet               no progress output (warnings are still shown)

summary.json leads with the backtest (per method, overall and per step), the
choices and the forecast with its intervals; the one-step figure is under "test".
It holds no NaN or null: a baseline that cannot be computed (the test
part starts within the first --period points) is listed under
test.baselinesNotComputed instead of test.baselines; training warnings are in
"warnings". A run whose training diverges, or whose results are not finite
numbers, fails and writes nothing.
`;

interface ForecastSettings {
  csv?: string;
  column?: string;
  /** --covariates: column names. */
  covariates?: string[];
  /** --future: the CSV of the covariates' future values. */
  future?: string;
  dateColumn?: string;
  options: Omit<ForecasterOptions, 'onEpochEnd'> & { epochs: number; window: number };
  /** Given on the command line: the rest are chosen from the data. */
  given: { period?: number; transform?: 'log' | 'none'; difference?: 'seasonal' | 'first' | 'none'; epochs: boolean; horizon?: number };
  backend: ReturnType<typeof backendOption>;
  out: string;
  json: boolean;
  quiet: boolean;
}

export async function forecastCommand(argv: string[]): Promise<void> {
  const a = parse(argv, FORECAST_OPTIONS, 'forecast');
  if (a.help) return void process.stdout.write(FORECAST_HELP);
  if (a['id-column'] !== undefined || (typeof a.column === 'string' && a.column.includes(','))) return forecastManyCommand(a);
  const s = forecastSettings(a);
  const series = loadSeries(s.csv, s.column, s.dateColumn, s.covariates);
  const period = s.given.period !== undefined ? { period: s.given.period, reason: 'given with --period' } : choosePeriod(series.values, series.labels);
  const horizon = s.given.horizon ?? defaultHorizon(period.period);
  const future = s.future !== undefined ? readFutureCovariates(s.future, s.covariates ?? [], horizon) : new Map<string, number[]>();
  checkWindowValues(series.values.length, s.options.window);
  const futureAt = futureLabels(series.labels, horizon);
  const outDir = checkOutputFolder(s.out);
  await init(s.backend);
  const log = (line = '') => { if (!s.json) process.stdout.write(line + '\n'); };

  const missing = series.missing ? ` (${series.missing} missing value${series.missing === 1 ? '' : 's'} filled by linear interpolation)` : '';
  log(`lstm-wasm forecast — ${printable(series.source)}, column "${printable(series.name)}": ${series.values.length} points, ${printable(series.labels[0])} … ${printable(series.labels[series.labels.length - 1])}${missing}`);
  log(`Period ${period.period} (${period.reason}); forecasting ${horizon} point${horizon === 1 ? '' : 's'} ahead`);
  const covariates = series.covariates.map((c) => ({ name: c.name, values: c.values, ...(future.has(c.name) && { future: future.get(c.name) }) }));
  // the one-step model first: a series too short for it is forecast without it (forecast-short.ts)
  const adjustment = chooseAdjustment(series.values, period.period);
  const oneStep = oneStepOptions(s, period.period, adjustment, series.values.length);
  const tooShort = tooFewToTrain(series.values.length, oneStep, oneStep.test);
  const seed = s.options.seed ?? DEFAULT_TRAINING.seed;
  if (tooShort) return forecastShort(series, { horizon, period, futureAt, outDir, covariates, seed, json: s.json }, tooShort, log);
  const f = await train(series, s, oneStep);
  try {
    const notes: string[] = [];
    const auto = horizon > 0 ? await automatic(series, horizon, period.period, seed, s.quiet, covariates, notes) : null;
    const warnings = [...f.warnings, ...notes];
    printWarnings(warnings);
    const ownForecast = f.forecast(horizon);
    const future = auto ? auto.forecast : ownForecast;
    const files = { plot: join(outDir, 'forecast.svg'), model: join(outDir, MODEL_FILE), weights: join(outDir, WEIGHTS_FILE), summary: join(outDir, 'summary.json') };
    const summary = { ...oneStepSummary(f, series, future, futureAt, horizon, auto, period, ownForecast, warnings), files };
    checkFinite(summary, adviceFor);
    writeFilesAtomically(outDir, await outputFiles(f, series, future, futureAt, summary, auto));
    if (s.json) process.stdout.write(JSON.stringify(summary, null, 1) + '\n');
    else printReport(summary, f, series, log, auto);
  } finally {
    f.dispose();
  }
}

/** The automatic forecast and its backtest; a series too short to backtest at this horizon falls back to the one-step LSTM, fed back. */
async function automatic(series: LoadedSeries, horizon: number, period: number, seed: number, quiet: boolean, covariates: AutoCovariate[], notes: string[]): Promise<AutoForecast | null> {
  if (horizon > MAX_AUTO_HORIZON) {
    notes.push(`a horizon of ${horizon} is past the ${MAX_AUTO_HORIZON} points the backtested forecast makes; the forecast is the one-step LSTM's, each step fed back, without a backtest or intervals`);
    return null;
  }
  const short = tooShortToForecast(series.values.length, horizon, period);
  if (short) {
    notes.push(`${short}; the forecast is the one-step LSTM's, each step fed back, without a backtest or intervals`);
    return null;
  }
  if (!quiet) process.stderr.write('backtesting the LSTM, exponential smoothing and Theta …\n');
  return autoForecast(series.values, { horizon, period, seed, ...(covariates.length && { covariates }) });
}

type OneStepOptions = ForecastSettings['options'] & Pick<Recipe, 'difference' | 'period'> & { test: number };

/**
 * The one-step model's options: what the command line gave, the rest from the data as the automatic
 * forecast chose them (log or not, the period, seasonal or first differences), and its epochs capped so a
 * long series does not take minutes (about 10,000 window passes: the airline's 100 epochs) unless --epochs says otherwise.
 */
function oneStepOptions(s: ForecastSettings, period: number, adj: Adjustment, points: number): OneStepOptions {
  const transform = s.given.transform ?? (adj.log ? 'log' : 'none');
  const difference = s.given.difference ?? (adj.seasonal.length ? 'seasonal' : 'first');
  // its training windows: the points before the test part, less the differencing lag and one window
  const test = s.options.test ?? DEFAULT_TRAINING.test;
  const trainPoints = points - (test < 1 ? Math.round(points * test) : test);
  const windows = Math.max(1, trainPoints - lagOf({ difference, period }) - s.options.window);
  const epochs = s.given.epochs ? s.options.epochs : Math.min(s.options.epochs, Math.max(1, Math.floor(ONE_STEP_WINDOW_PASSES / windows)));
  return { ...s.options, transform, difference, period, epochs, test };
}

/** About this many window passes train the one-step model when --epochs is not given (the airline's 97 training windows get their 100 epochs). */
const ONE_STEP_WINDOW_PASSES = 10_000;

/** The forecaster, trained with a progress bar on stderr (ended even when training fails, so an error starts its own line). */
async function train(series: LoadedSeries, s: ForecastSettings, options: ForecastSettings['options']): Promise<Forecaster> {
  const progress = new Progress(options.epochs, process.stderr, s.quiet);
  try {
    return await forecaster(series.values, { ...options, onEpochEnd: (e, logs) => progress.update(e, logs) });
  } finally {
    progress.finish();
  }
}

/** Everything forecast writes, in the order the files replace the old ones: the plot, the model pair (weights first), the summary. */
async function outputFiles(f: Forecaster, series: LoadedSeries, future: number[], futureAt: string[], summary: OneStepSummary & { files: Files }, auto: AutoForecast | null): Promise<OutputFile[]> {
  const info = { name: series.name, source: series.source, points: series.values.length, lastLabel: series.labels[series.labels.length - 1] };
  return [
    { name: 'forecast.svg', data: forecastChart(f, series, future, futureAt, auto?.intervals) },
    ...(await forecasterFiles(f.model, f.recipe, info)),
    { name: 'summary.json', data: JSON.stringify(summary, null, 1) + '\n' },
  ];
}

/** Every option checked and converted, before any file is read or any work done. */
function forecastSettings(a: OptionValues): ForecastSettings {
  // the old name, easily taken for --seed: an error that names the new one rather than a silent alias
  if (a.recipe === 'seeds') cliFail("--recipe seeds is now called --recipe tutorial (the tutorials' settings); --seed N sets the random seed");
  const tutorial = choiceOption(a.recipe, 'recipe', ['default', 'tutorial'] as const, 'default') === 'tutorial';
  const base = tutorial ? TUTORIAL_RECIPE : DEFAULT_RECIPE;
  const train = tutorial ? { ...DEFAULT_TRAINING, optimizer: 'rmsprop' as const, learningRate: 1e-3, batchSize: 512, epochs: 30 } : DEFAULT_TRAINING;
  return {
    csv: textOption(a.csv, 'csv'),
    column: textOption(a.column, 'column'),
    covariates: listOption(a.covariates, 'covariates'),
    future: futureOption(a),
    dateColumn: textOption(a['date-column'], 'date-column'),
    options: {
      transform: choiceOption(a.transform, 'transform', ['log', 'none'] as const, base.transform),
      difference: choiceOption(a.difference, 'difference', ['seasonal', 'first', 'none'] as const, base.difference),
      period: intOption(a.period, 'period', base.period, { min: 1, max: LIMITS.period }),
      scaler: choiceOption(a.scaler, 'scaler', ['standard', 'minmax'] as const, base.scaler),
      window: intOption(a.window, 'window', base.window, { min: 1, max: LIMITS.window }),
      layers: unitsOption(a.layers, train.layers, { maxLayers: LIMITS.layers, maxUnits: LIMITS.units }),
      epochs: intOption(a.epochs, 'epochs', train.epochs, { min: 1, max: LIMITS.epochs }),
      batchSize: intOption(a['batch-size'], 'batch-size', train.batchSize, { min: 1, max: LIMITS.batchSize }),
      optimizer: choiceOption(a.optimizer, 'optimizer', ['adam', 'rmsprop', 'sgd', 'adamw'] as const, train.optimizer),
      learningRate: numberOption(a.lr, 'lr', train.learningRate),
      seed: intOption(a.seed, 'seed', train.seed, { min: 0, max: LIMITS.seed }),
      test: testOption(a.test),
    },
    given: {
      period: a.period === undefined ? (tutorial ? TUTORIAL_RECIPE.period : undefined) : intOption(a.period, 'period', 1, { min: 1, max: LIMITS.period }),
      transform: a.transform === undefined ? (tutorial ? TUTORIAL_RECIPE.transform : undefined) : choiceOption(a.transform, 'transform', ['log', 'none'] as const, 'log'),
      difference: a.difference === undefined ? (tutorial ? TUTORIAL_RECIPE.difference : undefined) : choiceOption(a.difference, 'difference', ['seasonal', 'first', 'none'] as const, 'seasonal'),
      epochs: a.epochs !== undefined || tutorial,
      horizon: a.horizon === undefined ? undefined : intOption(a.horizon, 'horizon', 12, { min: 0, max: LIMITS.horizon }),
    },
    backend: backendOption(a.backend),
    out: textOption(a.out, 'out') ?? 'out',
    json: a.json === true,
    quiet: a.quiet === true,
  };
}

/** A comma-separated list of names (--covariates a,b): each non-empty, none twice. */
function listOption(v: string | boolean | undefined, name: string): string[] | undefined {
  const text = textOption(v, name);
  if (text === undefined) return undefined;
  const items = text.split(',').map((x) => x.trim());
  if (items.some((x) => x === '')) cliFail(`--${name} must be column names separated by commas, got ${JSON.stringify(text)}`);
  const twice = items.find((x, i) => items.indexOf(x) !== i);
  if (twice !== undefined) cliFail(`--${name} names ${JSON.stringify(twice)} twice`);
  return items;
}

/** --future only with --covariates: it holds their future values. */
function futureOption(a: OptionValues): string | undefined {
  const path = textOption(a.future, 'future');
  if (path !== undefined && a.covariates === undefined) cliFail('--future holds the future values of covariates: give them with --covariates too');
  return path;
}

/** --test: a fraction 0 < f < 1, or a whole count of points. */
function testOption(v: string | boolean | undefined): number {
  if (v === undefined) return DEFAULT_TRAINING.test;
  const x = typeof v === 'string' && /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v) ? Number(v) : Number.NaN;
  const ok = (x > 0 && x < 1) || (Number.isInteger(x) && x >= 1 && x <= LIMITS.points);
  if (!ok) cliFail(`--test must be a fraction (0 < f < 1) or a whole number of points (1 … ${n(LIMITS.points)}), got ${JSON.stringify(v)}`);
  return x;
}

/** The model's inputs over the whole series, points × window values, are held at once. */
export function checkWindowValues(points: number, window: number): void {
  if (points * window > LIMITS.windowValues) {
    cliFail(`a window of ${n(window)} over ${n(points)} points makes ${n(points * window)} model inputs, more than the limit of ${n(LIMITS.windowValues)}; use a smaller --window or a shorter series`);
  }
}

function adviceFor(path: string): string {
  if (path.startsWith('forecast')) return 'the forecast grows beyond what a number can hold; use a shorter --horizon; nothing was written';
  if (path.startsWith('test.baselines')) return "the series' values are too large to score; rescale them (e.g. into thousands); nothing was written";
  return 'the training diverged or the values are too large; try a lower --lr or rescale the series; nothing was written';
}

/** Where forecast writes its files, as the summary lists them. */
interface Files {
  plot: string;
  model: string;
  weights: string;
  summary: string;
}

function printReport(s: OneStepSummary & { files: Files }, f: Forecaster, series: LoadedSeries, log: (s?: string) => void, auto: AutoForecast | null): void {
  const o = f.options;
  const p = printable;
  if (auto && s.backtest) {
    printBacktest(s.backtest, auto, log);
    log('');
    log('The one-step model (saved as the model files; `predict` and `explain` use it):');
  }
  log(`Recipe: ${f.recipe.describe()}`);
  log(`Model: ${s.model.layers}, ${n(s.model.parameters)} parameters, backend ${s.model.backend}`);
  log(`Split: train ${p(s.data.first)} … ${p(series.labels[s.data.trainPoints - 1])} (${s.data.trainPoints} points, ${s.data.trainWindows} windows), test ${p(s.data.testFrom)} … ${p(s.data.last)} (${s.data.testPoints} points), in time order`);
  const loss = s.training.loss;
  log(`Training: ${s.training.epochs} epochs, ${o.optimizer} lr ${o.learningRate}, batch ${o.batchSize}, seed ${o.seed}: ${s.training.fitSeconds.toFixed(2)} s, loss ${loss[0].toFixed(4)} → ${loss[loss.length - 1].toFixed(4)}`);
  log('');
  log(`Test, one step ahead (${s.data.testPoints} points, ${p(series.name)})   RMSE     MAE    MAPE`);
  const row = (name: string, v: ReportedScores) => log(`  ${name.padEnd(44)} ${v.rmse.toFixed(1).padStart(6)}  ${v.mae.toFixed(1).padStart(6)}  ${v.mape === undefined ? '     —' : `${v.mape.toFixed(1).padStart(5)}%`}`);
  row('LSTM', s.test);
  for (const [name, v] of Object.entries(s.test.baselines)) row(name, v);
  for (const b of s.test.baselinesNotComputed) log(`  ${b.name.padEnd(44)} not computed: ${b.reason}`);
  const all = Object.keys(s.test.baselines);
  const best = Object.entries(s.test.baselines).sort((x, y) => x[1].rmse - y[1].rmse)[0];
  if (s.test.ties.length && s.test.beats.length + s.test.ties.length === all.length) log(`The LSTM forecasts as well as ${s.test.ties.join(' and ')} (RMSE ${best[1].rmse.toFixed(1)})${s.test.beats.length ? ` and beats ${s.test.beats.join(' and ')}` : ''}.`);
  else if (all.length === 1 && s.test.beats.length === 1) log(`The LSTM beats ${best[0]}, the one baseline that could be computed (${best[1].rmse.toFixed(1)}).`);
  else if (s.test.beats.length === all.length) log(`The LSTM beats all ${all.length} baselines (the best of them: ${best[0]}, ${best[1].rmse.toFixed(1)}).`);
  else if (s.test.beats.length === 0) log(`The LSTM beats none of the baselines: it forecasts worse than repeating past values (best: ${best[0]}, ${best[1].rmse.toFixed(1)}).${s.training.epochs < 50 ? ' It looks under-trained: try more --epochs.' : ''}`);
  else log(`The LSTM beats ${s.test.beats.join(' and ')}, but not ${all.filter((x) => !s.test.beats.includes(x)).join(' or ')}.`);
  log('');
  if (s.forecast.length) log(`Next ${s.forecast.length}${auto ? ' (95% interval)' : ''}: ${s.forecast.map((q) => `${p(q.label)} ${fmt(q.value)}${q.intervals ? ` [${fmt(q.intervals['95'][0])}, ${fmt(q.intervals['95'][1])}]` : ''}`).join(', ')}`);
  log(`Wrote ${s.files.plot} (the plot), ${s.files.model} + ${s.files.weights} (the model), ${s.files.summary}`);
  log(`Next: open the plot; \`lstm-wasm explain\` draws what the LSTM's gates did; \`lstm-wasm forecast --help\` for the options.`);
}
