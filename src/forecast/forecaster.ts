/**
 * The one-call forecaster: a series in, a trained LSTM out, evaluated
 * honestly — on the last part of the series, never seen in training,
 * against naive baselines on the very same points — and able to forecast
 * beyond the data.
 *
 *   const f = await forecaster(series);        // trains with the defaults
 *   f.evaluation.rmse, f.evaluation.baselines  // test error vs the baselines
 *   f.forecast(12);                            // the next 12 points
 */
import { fail, show } from '../errors.js';
import { integerIn, oneOf, optionsOf, positiveNumber } from '../options.js';
import { roundUp4 } from '../backend/kernels.js';
import { recordLayout } from '../backend/record-layout.js';
import { Dense } from '../layers/dense.js';
import { LSTM, LSTM_CELL } from '../layers/lstm.js';
import { Sequential } from '../model/sequential.js';
import type { Logs } from '../train/callbacks.js';
import type { OptimizerName } from '../train/optimizers.js';
import { getOptimizer } from '../train/optimizers.js';
import type { History } from '../train/trainer.js';
import { persistence, seasonalNaive, seasonalNaiveTrend } from '../timeseries/baselines.js';
import { mae, mape, rmse, smape } from '../timeseries/metrics.js';
import { chronologicalSplit } from '../timeseries/split.js';
import { slidingWindows } from '../timeseries/windows.js';
import { DEFAULT_RECIPE, FittedRecipe, lagOf, MAX_PERIOD, MAX_WINDOW, type Recipe } from './recipe.js';

/**
 * Options of forecaster(): the recipe (how the series becomes windows) and the training; unset ones
 * take the defaults. Each is checked (type and range) before anything is allocated; an unknown
 * option name is an error too, not silently ignored. Recipe: `window` 1 … MAX_WINDOW, `period`
 * 1 … MAX_PERIOD, `transform`, `difference`, `scaler` one of their names.
 */
export interface ForecasterOptions extends Partial<Recipe> {
  /** LSTM units per layer; every layer but the last returns all steps. Default [50, 100], the tutorials' model. 1 … MAX_LAYERS layers of 1 … MAX_UNITS units. */
  layers?: number[];
  /** Whole number, 1 … MAX_EPOCHS. */
  epochs?: number;
  /** Whole number, 1 … MAX_BATCH_SIZE. */
  batchSize?: number;
  optimizer?: OptimizerName;
  /** A positive finite number. Training that diverges with it is an error that says so. */
  learningRate?: number;
  /** Whole number, 0 … MAX_SEED. */
  seed?: number;
  /** The held-out last part: a fraction 0 < f < 1 of the series (default 0.2) or a whole count of points, fewer than the series has. */
  test?: number;
  /** Called after every epoch (for progress bars). */
  onEpochEnd?: (epoch: number, logs: Logs) => void | Promise<void>;
}

/** The most LSTM layers forecaster() stacks: deeper stacks do not help on one series and only cost time. */
export const MAX_LAYERS = 8;
/** The most units per layer: an LSTM(2048) has 16.8 M parameters; past that a univariate forecaster only spends memory. */
export const MAX_UNITS = 2048;
export const MAX_EPOCHS = 100_000;
export const MAX_BATCH_SIZE = 1 << 20;
/** Layer i is seeded with seed·1000 + i: up to here those are distinct 32-bit seeds. */
export const MAX_SEED = Math.floor(2 ** 32 / 1000) - 1;
/**
 * The most memory training may take, in floats (2^28 = 1 GiB): the parameters five times over
 * (weights, gradients, the optimizer's two moments, the copy kept to undo a diverging step) plus what
 * one batch records for backpropagation. Checked before the model is built.
 */
export const MAX_TRAINING_FLOATS = 2 ** 28;
/** The most floats the training and test windows may take together (points × window, 2^26 = 256 MiB). */
export const MAX_WINDOW_VALUES = 2 ** 26;
/**
 * Training has diverged when its final epoch's loss is over this many times the loss of always
 * predicting the training targets' mean (their variance, ≈ 1 for standardized targets). See checkConverged.
 */
export const DIVERGED_LOSS_FACTOR = 100;

const OPTIMIZERS: readonly OptimizerName[] = ['adam', 'rmsprop', 'sgd', 'adamw'];
const OPTION_NAMES = ['transform', 'difference', 'period', 'scaler', 'window', 'layers', 'epochs', 'batchSize', 'optimizer', 'learningRate', 'seed', 'test', 'onEpochEnd'] as const;

/** Forecast errors on the test points. */
export interface Scores {
  rmse: number;
  mae: number;
  /** NaN when every true value is 0 (MAPE divides by them). */
  mape: number;
  smape: number;
}

/** The model one step ahead on the test points, and naive baselines on the same points. */
export interface Evaluation extends Scores {
  /** Series indices of the test points. */
  targets: number[];
  /** One-step-ahead predictions (each from the true history before it) and the truth. */
  predictions: number[];
  truth: number[];
  /** The same scores for naive forecasts of the same points. */
  baselines: { persistence: Scores; seasonalNaive: Scores; seasonalNaiveTrend: Scores };
}

/** What forecaster() returns: the trained model, how it did on the held-out test part, and `forecast(n)`. */
export interface Forecaster {
  model: Sequential;
  recipe: FittedRecipe;
  options: Required<Omit<ForecasterOptions, 'onEpochEnd' | keyof Recipe>>;
  history: History;
  /** Seconds spent in fit, not counting the onEpochEnd callback (a progress bar or a chart). */
  fitSeconds: number;
  /** Warnings raised while training (the loss exploding, …), also in `history.warnings`. */
  warnings: string[];
  /** Training and test sizes: points and windows. */
  sizes: { points: number; trainPoints: number; testPoints: number; trainWindows: number };
  evaluation: Evaluation;
  /** The next n points after the series, each fed back as input for the next (recursive forecasting). */
  forecast(n: number): number[];
  /** Free the model's memory. */
  dispose(): void;
}

/** The longest forecast `forecast(n)` makes: beyond it, recursive forecasts say nothing and only cost time and memory. */
export const MAX_HORIZON = 100_000;

/** forecaster()'s training defaults: LSTM(50, all steps) → LSTM(100) → Dense(1), Adam, 100 epochs, the last 20% held out. */
export const DEFAULT_TRAINING = { layers: [50, 100], epochs: 100, batchSize: 16, optimizer: 'adam' as OptimizerName, learningRate: 1e-3, seed: 1, test: 0.2 };

/**
 * Train an LSTM forecaster on a series: transform it by the recipe (default DEFAULT_RECIPE), train on
 * all but the last part (`test`, default 20%), test one step ahead on that part against naive
 * baselines, and return the model ready to forecast beyond the data.
 */
export async function forecaster(series: ArrayLike<number>, options: ForecasterOptions = {}): Promise<Forecaster> {
  const { recipe, training: o, onEpochEnd } = checkOptions(options);
  checkMemory(o, recipe.window, seriesLength(series));
  const values = checkSeries(series);

  const N = values.length;
  if (o.test >= N) fail(`forecaster: test: ${o.test} points would hold out the whole series of ${N}; hold out fewer (or a fraction such as 0.2)`);
  const short = tooFewToTrain(N, recipe, o.test);
  if (short) fail(short);
  const [testFrom] = chronologicalSplit(N, { test: o.test }).test;
  const fitted = FittedRecipe.fit(recipe, values, testFrom);
  const lag = fitted.lag;

  // windows over the model-space series z (z[i] is point i + lag): training targets before the test part
  const z = fitted.toModel(values);
  const train = slidingWindows(z, { window: recipe.window, to: testFrom - lag });
  const test = slidingWindows(z, { window: recipe.window, from: testFrom - lag });

  const model = new Sequential([
    ...o.layers.map((units, i) => new LSTM({ inputSize: i === 0 ? 1 : undefined, units, returnSequences: i < o.layers.length - 1, seed: o.seed * 1000 + i })),
    new Dense({ units: 1, seed: o.seed * 1000 + o.layers.length }),
  ]);
  try {
    model.compile({ optimizer: getOptimizer({ name: o.optimizer, learningRate: o.learningRate }), loss: 'mse' });
    let inCallback = 0;
    const timed = onEpochEnd && {
      async onEpochEnd(epoch: number, logs: Logs) {
        const t = now();
        await onEpochEnd(epoch, logs);
        inCallback += now() - t;
      },
    };
    const started = now();
    // warnings stay in history.warnings: the caller (the CLI, a page) decides where they are shown
    const history = await model.fit(train.x, train.y, { epochs: o.epochs, batchSize: o.batchSize, seed: o.seed, callbacks: timed ? [timed] : [], onWarning: () => {} });
    const fitSeconds = (now() - started - inCallback) / 1000;

    const targets = test.targets.map((t) => t + lag);
    checkConverged(history, train.y.data, o.learningRate);
    const zPred = model.predict(test.x).data;
    const predictions = targets.map((t, i) => fitted.seriesValue(zPred[i], lag ? values[t - lag] : 0));
    checkPredictions(zPred, predictions, targets, fitted.recipe, o.learningRate);
    const truth = targets.map((t) => values[t]);
    const period = recipe.period;
    const canSeasonal = targets[0] > period;
    const evaluation: Evaluation = {
      targets, predictions, truth, ...scores(predictions, truth),
      baselines: {
        persistence: scores(persistence(values, targets), truth),
        seasonalNaive: canSeasonal ? scores(seasonalNaive(values, targets, period), truth) : nanScores(),
        seasonalNaiveTrend: canSeasonal ? scores(seasonalNaiveTrend(values, targets, period), truth) : nanScores(),
      },
    };

    return {
      model, recipe: fitted, options: o, history, warnings: history.warnings, fitSeconds, evaluation,
      sizes: { points: N, trainPoints: testFrom, testPoints: N - testFrom, trainWindows: train.targets.length },
      forecast: (n) => forecastAhead(model, fitted, values, n),
      dispose: () => model.dispose(),
    };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/**
 * Why forecaster() cannot train on `points` points with this recipe and test part, or null when it
 * can: the points before the test part must hold the differencing lag, a window and two targets.
 */
export function tooFewToTrain(points: number, recipe: Pick<Recipe, 'difference' | 'period' | 'window'>, test: number): string | null {
  const testFrom = points - (test < 1 ? Math.round(test * points) : test); // as chronologicalSplit counts
  const lag = lagOf(recipe), needs = lag + recipe.window + 2;
  return testFrom < needs ? `too few points before the test part: ${Math.max(0, testFrom)}, but a window of ${recipe.window} after a difference of ${lag} needs at least ${needs}; use a smaller --window or --period, or a longer series` : null;
}

type Training = Required<Omit<ForecasterOptions, 'onEpochEnd' | keyof Recipe>>;

/** Every option of forecaster(), type and range, before anything is built: the recipe and the training settings with the defaults filled in. */
function checkOptions(options: ForecasterOptions): { recipe: Recipe; training: Training; onEpochEnd: ForecasterOptions['onEpochEnd'] } {
  const o = optionsOf(options, OPTION_NAMES, 'forecaster');
  const or = <T>(v: T | undefined, check: (v: unknown) => T, dflt: T): T => (v === undefined ? dflt : check(v));
  const recipe: Recipe = {
    transform: or(o.transform, (v) => oneOf(v, ['log', 'none'], 'forecaster: transform'), DEFAULT_RECIPE.transform),
    difference: or(o.difference, (v) => oneOf(v, ['seasonal', 'first', 'none'], 'forecaster: difference'), DEFAULT_RECIPE.difference),
    period: or(o.period, (v) => integerIn(v, 1, MAX_PERIOD, 'forecaster: period'), DEFAULT_RECIPE.period),
    scaler: or(o.scaler, (v) => oneOf(v, ['standard', 'minmax'], 'forecaster: scaler'), DEFAULT_RECIPE.scaler),
    window: or(o.window, (v) => integerIn(v, 1, MAX_WINDOW, 'forecaster: window'), DEFAULT_RECIPE.window),
  };
  const training: Training = {
    layers: or(o.layers, checkLayers, [...DEFAULT_TRAINING.layers]),
    epochs: or(o.epochs, (v) => integerIn(v, 1, MAX_EPOCHS, 'forecaster: epochs'), DEFAULT_TRAINING.epochs),
    batchSize: or(o.batchSize, (v) => integerIn(v, 1, MAX_BATCH_SIZE, 'forecaster: batchSize'), DEFAULT_TRAINING.batchSize),
    optimizer: or(o.optimizer, (v) => oneOf(v, OPTIMIZERS, 'forecaster: optimizer'), DEFAULT_TRAINING.optimizer),
    learningRate: or(o.learningRate, (v) => positiveNumber(v, 'forecaster: learningRate'), DEFAULT_TRAINING.learningRate),
    seed: or(o.seed, (v) => integerIn(v, 0, MAX_SEED, 'forecaster: seed'), DEFAULT_TRAINING.seed),
    test: or(o.test, checkTest, DEFAULT_TRAINING.test),
  };
  if (o.onEpochEnd !== undefined && typeof o.onEpochEnd !== 'function') fail(`forecaster: onEpochEnd must be a function (epoch, logs) => …, got ${show(o.onEpochEnd)}`);
  return { recipe, training, onEpochEnd: o.onEpochEnd };
}

function checkLayers(v: unknown): number[] {
  if (!Array.isArray(v) || v.length < 1 || v.length > MAX_LAYERS) fail(`forecaster: layers must be a list of 1 to ${MAX_LAYERS} unit counts, e.g. [50, 100]; got ${show(v)}`);
  return v.map((u, i) => integerIn(u, 1, MAX_UNITS, `forecaster: layers[${i}]`));
}

/** A fraction 0 < f < 1 of the series, or a whole count of points. */
function checkTest(v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !(v > 0) || (v >= 1 && !Number.isInteger(v))) {
    fail(`forecaster: test must be a fraction 0 < f < 1 of the series or a whole count of points ≥ 1, got ${show(v)}`);
  }
  return v;
}

/** The series' length, once it is known to be an array (or typed array) at all. */
function seriesLength(series: ArrayLike<number>): number {
  if (series === null || typeof series !== 'object' || typeof series.length !== 'number' || !Number.isSafeInteger(series.length) || series.length < 0) {
    fail(`forecaster: the series must be an array of numbers, got ${show(series)}`);
  }
  return series.length;
}

/** The series as numbers, each checked: the error names the first point that is not a finite number. */
function checkSeries(series: ArrayLike<number>): number[] {
  const values = new Array<number>(series.length);
  for (let i = 0; i < series.length; i++) {
    const v = series[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(`forecaster: point ${i + 1} of the series is ${show(v)}; every point must be a finite number (fill or drop missing values first)`);
    values[i] = v;
  }
  return values;
}

/**
 * What the windows and training will take, from the sizes alone, against MAX_WINDOW_VALUES and
 * MAX_TRAINING_FLOATS: too big is an error before anything is allocated (the series is not even
 * copied). A series of `points` gives at most that many windows, each `window` inputs and a target.
 */
function checkMemory(o: Training, window: number, points: number): void {
  const windowValues = points * (window + 1);
  if (windowValues > MAX_WINDOW_VALUES) {
    fail(`forecaster: ${points} windows of ${window} points would take ${mib(windowValues)} MiB, over the ${mib(MAX_WINDOW_VALUES)} MiB allowed; use a smaller window or a shorter series`);
  }
  let params = 0, inputs = 1, perSample = 0;
  for (const units of o.layers) {
    params += 4 * units * (inputs + units + 1);
    perSample += recordLayout(LSTM_CELL.record, 1, window, units).floats + 2 * window * roundUp4(units); // the gates and states recorded, the output and its gradient
    inputs = units;
  }
  params += inputs + 1;
  const batch = Math.min(o.batchSize, points);
  const floats = 5 * params + batch * perSample;
  if (floats > MAX_TRAINING_FLOATS) {
    fail(`forecaster: training layers [${o.layers.join(', ')}] (${params.toLocaleString('en-US')} parameters) on batches of ${batch} windows of ${window} would take about ${mib(floats)} MiB, over the ${mib(MAX_TRAINING_FLOATS)} MiB allowed; use fewer or smaller layers, a smaller batchSize or a smaller window`);
  }
}

const mib = (floats: number): number => Math.ceil((floats * 4) / 2 ** 20);

/**
 * Whether training converged, from its final loss: an error ("training diverged: …", with what to
 * do) if the final epoch's loss is not finite, or is over DIVERGED_LOSS_FACTOR times the loss of
 * always predicting the training targets' mean.
 *
 * That reference loss is the training targets' variance (what the best constant prediction scores),
 * ≈ 1 for standardized targets; it is floored at 0.01 because the scaler gives the targets a unit
 * spread, and a near-constant series can have variance 0, where any loss at all would count. A model
 * that learnt nothing stays near 1× (it starts there); one whose loss ends 100× above has been thrown
 * out of range by its own steps. (fit's own warning compares with the first batch's loss instead,
 * and only warns: a loss that spikes and recovers is not a failure.)
 */
function checkConverged(history: History, targets: Float32Array, learningRate: number): void {
  const losses = history.history.loss ?? [];
  const finalLoss = losses[losses.length - 1];
  if (finalLoss === undefined) return;
  const advice = `lower the learning rate (now ${learningRate})`;
  if (!Number.isFinite(finalLoss)) fail(`training diverged: the final training loss is ${finalLoss}; ${advice}`);
  const reference = Math.max(variance(targets), 0.01);
  if (finalLoss > DIVERGED_LOSS_FACTOR * reference) {
    fail(`training diverged: the final training loss is ${finalLoss.toPrecision(3)}, ${(finalLoss / reference).toPrecision(3)}× the ${reference.toPrecision(3)} of always predicting the training targets' mean (over ${DIVERGED_LOSS_FACTOR}× counts as diverged); ${advice}`);
  }
}

/**
 * The test predictions must all be finite. A non-finite model output means the weights diverged; a
 * finite output whose value is not (exp overflowing after the log transform) means the series'
 * values are too large for the transform. Either is an error naming the first such point.
 */
function checkPredictions(zPred: Float32Array, predictions: number[], at: number[], recipe: Recipe, learningRate: number): void {
  const badZ = zPred.findIndex((z) => !Number.isFinite(z));
  if (badZ >= 0) {
    const count = zPred.filter((z) => !Number.isFinite(z)).length;
    fail(`training diverged: ${count} of ${zPred.length} test predictions are not finite (the model gives ${zPred[badZ]} for point ${at[badZ] + 1}); lower the learning rate (now ${learningRate})`);
  }
  const bad = predictions.findIndex((p) => !Number.isFinite(p));
  if (bad >= 0) {
    const count = predictions.filter((p) => !Number.isFinite(p)).length;
    fail(`${count} of ${predictions.length} test predictions are not finite: the model's output ${zPred[bad]} for point ${at[bad] + 1} gives ${predictions[bad]} in the series' units${recipe.transform === 'log' ? ' (exp overflows: the values are too large for the log transform; use --transform none or rescale the series)' : ' (the values are too large; rescale the series)'}`);
  }
}

function variance(v: Float32Array): number {
  let mean = 0;
  for (let i = 0; i < v.length; i++) mean += v[i];
  mean /= v.length;
  let ss = 0;
  for (let i = 0; i < v.length; i++) ss += (v[i] - mean) ** 2;
  return ss / v.length;
}

/**
 * Recursive multi-step forecasting: predict the next point from the last window, take it as if
 * observed, and go on. Linear in n: the series is transformed to model space once; after that each
 * step transforms only its new point, kept with the last `window` model-space values and the last
 * `lag` values (for differencing) in ring buffers, and the one input tensor is refilled.
 *
 * Errors: n not a whole number 0 … MAX_HORIZON, a series too short for one window, a point the
 * recipe cannot take (not finite, not positive for the log transform), and a step whose value is
 * not finite, or not positive after the log transform (exp overflowing or underflowing: the
 * forecast has run far outside anything the model was trained on).
 */
export function forecastAhead(model: Sequential, fitted: FittedRecipe, series: ArrayLike<number>, n: number): number[] {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_HORIZON) fail(`forecast: n must be a whole number from 0 to ${MAX_HORIZON}, got ${show(n)}`);
  const w = fitted.recipe.window, lag = fitted.lag;
  if (series == null || typeof series.length !== 'number' || series.length < w + lag) fail(`forecast: the series needs at least ${w + lag} points (a window of ${w} after a difference of ${lag}), got ${series?.length}`);
  const z = fitted.toModel(series);
  const recent = Float64Array.from(z.slice(z.length - w)); // ring: the oldest at `head`
  const bases = Float64Array.from({ length: lag }, (_, i) => series[series.length - lag + i]); // ring: point t − lag at t mod lag
  const x = { shape: [1, w, 1], data: new Float32Array(w) };
  const out: number[] = new Array(n);
  let head = 0;
  for (let k = 0; k < n; k++) {
    for (let i = 0, j = head; i < w; i++, j = j + 1 === w ? 0 : j + 1) x.data[i] = recent[j];
    const zNext = model.predict(x).data[0];
    const base = lag ? bases[k % lag] : 0;
    const next = fitted.seriesValue(zNext, base);
    if (!Number.isFinite(next) || (fitted.recipe.transform === 'log' && !(next > 0))) {
      fail(`forecast: step ${k + 1} of ${n} is ${next} (the model's output ${zNext}${fitted.recipe.transform === 'log' ? ', through exp' : ''}): the recursive forecast has run far outside what the model was trained on; forecast fewer steps${fitted.recipe.transform === 'log' ? ', or use a model trained with --transform none' : ''}`);
    }
    out[k] = next;
    recent[head] = fitted.modelValue(next, base);
    head = head + 1 === w ? 0 : head + 1;
    if (lag) bases[k % lag] = next;
  }
  return out;
}

function scores(pred: number[], truth: number[]): Scores {
  // a test part of zeros (a count series) has no MAPE: that must not fail the forecast after training
  const mapeDefined = truth.some((v) => v !== 0);
  return { rmse: rmse(pred, truth), mae: mae(pred, truth), mape: mapeDefined ? mape(pred, truth) : Number.NaN, smape: smape(pred, truth) };
}

function nanScores(): Scores {
  return { rmse: Number.NaN, mae: Number.NaN, mape: Number.NaN, smape: Number.NaN };
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());
