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
import { fail } from '../errors.js';
import { Dense } from '../layers/dense.js';
import { LSTM } from '../layers/lstm.js';
import { Sequential } from '../model/sequential.js';
import type { Logs } from '../train/callbacks.js';
import type { OptimizerName } from '../train/optimizers.js';
import { getOptimizer } from '../train/optimizers.js';
import type { History } from '../train/trainer.js';
import { persistence, seasonalNaive, seasonalNaiveTrend } from '../timeseries/baselines.js';
import { mae, mape, rmse, smape } from '../timeseries/metrics.js';
import { chronologicalSplit } from '../timeseries/split.js';
import { slidingWindows } from '../timeseries/windows.js';
import { DEFAULT_RECIPE, FittedRecipe, type Recipe } from './recipe.js';

/** Options of forecaster(): the recipe (how the series becomes windows) and the training; unset ones take the defaults. */
export interface ForecasterOptions extends Partial<Recipe> {
  /** LSTM units per layer; every layer but the last returns all steps. Default [50, 100], the tutorials' model. */
  layers?: number[];
  epochs?: number;
  batchSize?: number;
  optimizer?: OptimizerName;
  learningRate?: number;
  seed?: number;
  /** The held-out last part: a fraction of the series (default 0.2) or a count of points. */
  test?: number;
  /** Called after every epoch (for progress bars). */
  onEpochEnd?: (epoch: number, logs: Logs) => void | Promise<void>;
}

/** Forecast errors on the test points. */
export interface Scores {
  rmse: number;
  mae: number;
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
  const values = Array.from(series);
  if (values.some((v) => !Number.isFinite(v))) fail('forecaster: the series has NaN or infinite values');
  const recipe: Recipe = { ...DEFAULT_RECIPE, ...pick(options, ['transform', 'difference', 'period', 'scaler', 'window']) };
  const o = { ...DEFAULT_TRAINING, ...pick(options, ['layers', 'epochs', 'batchSize', 'optimizer', 'learningRate', 'seed', 'test']) };
  if (!Array.isArray(o.layers) || o.layers.length === 0 || o.layers.some((u) => !Number.isInteger(u) || u < 1)) fail(`layers must be a list of positive unit counts, e.g. [50, 100]; got ${JSON.stringify(o.layers)}`);

  const N = values.length;
  const split = chronologicalSplit(N, { test: o.test });
  const [testFrom] = split.test;
  const fitted = FittedRecipe.fit(recipe, values, testFrom);
  const lag = fitted.lag;
  const minPoints = lag + recipe.window + 1;
  if (testFrom < minPoints + 1) fail(`too few points before the test part: ${testFrom}, but a window of ${recipe.window} after a difference of ${lag} needs at least ${minPoints + 1}; use a smaller --window or --period, or a longer series`);

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
    const onEpochEnd = options.onEpochEnd;
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
    const zPred = model.predict(test.x).data;
    const predictions = targets.map((t, i) => fitted.fromModel(zPred[i], t, values));
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
 * Recursive multi-step forecasting: predict the next point from the last
 * window, append it to the history as if observed, and go on.
 */
export function forecastAhead(model: Sequential, fitted: FittedRecipe, series: ArrayLike<number>, n: number): number[] {
  if (!Number.isInteger(n) || n < 0 || n > MAX_HORIZON) fail(`forecast: n must be a whole number from 0 to ${MAX_HORIZON}, got ${n}`);
  const w = fitted.recipe.window;
  const history = Array.from(series);
  const out: number[] = [];
  const x = { shape: [1, w, 1], data: new Float32Array(w) };
  for (let k = 0; k < n; k++) {
    const z = fitted.toModel(history);
    if (z.length < w) fail(`forecast: the series needs at least ${w + fitted.lag} points`);
    x.data.set(z.slice(z.length - w));
    const next = fitted.fromModel(model.predict(x).data[0], history.length, history);
    history.push(next);
    out.push(next);
  }
  return out;
}

function scores(pred: number[], truth: number[]): Scores {
  return { rmse: rmse(pred, truth), mae: mae(pred, truth), mape: mape(pred, truth), smape: smape(pred, truth) };
}

function nanScores(): Scores {
  return { rmse: Number.NaN, mae: Number.NaN, mape: Number.NaN, smape: Number.NaN };
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());
