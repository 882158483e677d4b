/**
 * The forecasting library: the recipe's transforms invert exactly, the
 * one-call forecaster trains, evaluates against baselines on the held-out
 * points only, and forecasts recursively.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { MAX_HORIZON } from '../src/forecast/forecaster.js';
import { DEFAULT_RECIPE, FittedRecipe, forecastAhead, forecastChart, forecaster, init, memoryInfo, parseCsvSeries, TUTORIAL_RECIPE, type ForecasterOptions, type Recipe, type Sequential } from '../src/index.js';
import { rejectsLW, throwsLW } from './helpers.js';

const airline = parseCsvSeries(readFileSync(new URL('../data/international-airline-passengers.csv', import.meta.url), 'utf8')).values;

describe('recipe', () => {
  const recipes: [string, Recipe][] = [
    ['default (log, seasonal difference, standardize)', DEFAULT_RECIPE],
    ["the tutorials' (levels, min-max)", TUTORIAL_RECIPE],
    ['first difference, no log', { ...DEFAULT_RECIPE, transform: 'none', difference: 'first' }],
  ];
  it.each(recipes)('%s: fromModel(toModel(y)) gives y back at every point', (_, recipe) => {
    const r = FittedRecipe.fit(recipe, airline, 115);
    const z = r.toModel(airline);
    expect(z).toHaveLength(airline.length - r.lag);
    for (let t = r.lag; t < airline.length; t++) expect(r.fromModel(z[t - r.lag], t, airline)).toBeCloseTo(airline[t], 6);
    const again = FittedRecipe.fromJSON(JSON.parse(JSON.stringify(r.toJSON())));
    expect(again.toModel(airline)).toEqual(z);
  });

  it('fits its scaler on the training part only: test values may leave the training range', () => {
    const r = FittedRecipe.fit(TUTORIAL_RECIPE, airline, 115);
    const z = r.toModel(airline);
    expect(Math.max(...z.slice(0, 115))).toBeCloseTo(1, 6);
    expect(Math.max(...z.slice(115))).toBeGreaterThan(1.2); // the growth the tanh units never saw
  });

  it('refuses the log of non-positive values with a hint', () => {
    expect(() => FittedRecipe.fit(DEFAULT_RECIPE, [1, 2, 0, 4], 3)).toThrow(/log transform needs positive values.*--transform none/);
  });

  it('a fitted log recipe names the log transform and the point when given zeros or negatives, not the scaler', () => {
    const r = FittedRecipe.fit(DEFAULT_RECIPE, airline, 115);
    const zeros = airline.map((v, i) => (i === 40 ? 0 : v));
    throwsLW(() => r.toModel(zeros), /log transform needs positive values, but point 41 of the series is 0/, /--transform none/);
    throwsLW(() => r.toModel(airline.map((v, i) => (i === 7 ? -3 : v))), /point 8 of the series is -3/);
    // fromModel takes the log of the point a period before: point 41 for point 53
    throwsLW(() => r.fromModel(0.1, 52, zeros), /log transform needs positive values, but point 41 of the series is 0/);
    const e = throwsLW(() => r.toModel(new Array(40).fill(0)), /log transform/);
    expect(e.message).not.toMatch(/StandardScaler|NaN/);
  });

  it('names a point that is not a finite number, and a non-finite model output', () => {
    const r = FittedRecipe.fit({ ...DEFAULT_RECIPE, transform: 'none' }, airline, 115);
    throwsLW(() => r.toModel(airline.map((v, i) => (i === 3 ? Number.NaN : v))), /point 4 of the series is NaN; every point must be a finite number/);
    throwsLW(() => r.toModel(['1', ...airline] as unknown as number[]), /point 1 of the series is "1"/);
    throwsLW(() => r.fromModel(Number.POSITIVE_INFINITY, 20, airline), /prediction for point 21 is Infinity/);
    throwsLW(() => FittedRecipe.fit(DEFAULT_RECIPE, [1, 2, Number.NaN, 4, 5], 4), /point 3 of the series is NaN/);
  });

  it('fromJSON refuses a recipe or scaler a forecaster cannot have', () => {
    const saved = FittedRecipe.fit(DEFAULT_RECIPE, airline, 115).toJSON();
    throwsLW(() => FittedRecipe.fromJSON({ ...saved, recipe: { ...saved.recipe, window: 1e9 } }), /window must be a whole number from 1 to 1,000, got 1000000000/);
    throwsLW(() => FittedRecipe.fromJSON({ ...saved, recipe: { ...saved.recipe, period: 2.5 } }), /period must be a whole number/);
    throwsLW(() => FittedRecipe.fromJSON({ ...saved, recipe: { ...saved.recipe, transform: 'constructor' as 'log' } }), /transform must be one of 'log', 'none'; got "constructor"/);
    throwsLW(() => FittedRecipe.fromJSON({ ...saved, scaler: { type: 'StandardScaler', mean: null, std: null } }), /scaler is not fitted.*corrupt/);
  });
});

/**
 * The forecast as the straightforward method computes it: at every step transform the whole history
 * (as observed, then as forecast) to model space, predict from its last window, map back, append.
 */
function referenceForecast(model: Sequential, fitted: FittedRecipe, series: number[], n: number): number[] {
  const history = [...series];
  const w = fitted.recipe.window;
  for (let k = 0; k < n; k++) {
    const z = fitted.toModel(history);
    const x = { shape: [1, w, 1], data: Float32Array.from(z.slice(z.length - w)) };
    history.push(fitted.fromModel(model.predict(x).data[0], history.length, history));
  }
  return history.slice(series.length);
}

describe('forecastAhead: recursive forecasts in linear time', () => {
  const recipes: Recipe[] = [];
  for (const transform of ['log', 'none'] as const) {
    for (const difference of ['seasonal', 'first', 'none'] as const) {
      for (const scaler of ['standard', 'minmax'] as const) recipes.push({ transform, difference, scaler, period: 12, window: 5 });
    }
  }

  it.each(recipes.map((r) => [`${r.transform} / ${r.difference} / ${r.scaler}`, r] as const))('%s: the incremental forecast is the from-scratch one, exactly', async (_, recipe) => {
    await init();
    const f = await forecaster(airline, { ...recipe, layers: [8], epochs: 3, seed: 4 });
    const ahead = f.forecast(40);
    expect(ahead).toEqual(referenceForecast(f.model, f.recipe, airline, 40));
    f.dispose();
  });

  it('transforms the history once, not at every step; a 10,000-step forecast finishes (it took 5 s, 20,000 steps 20 s)', { timeout: 30_000 }, async () => {
    await init();
    const f = await forecaster(airline, { transform: 'none', epochs: 2 });
    const toModel = vi.spyOn(f.recipe, 'toModel');
    const ahead = f.forecast(10_000);
    expect(ahead).toHaveLength(10_000);
    expect(ahead.every(Number.isFinite)).toBe(true);
    expect(toModel).toHaveBeenCalledTimes(1);
    expect(ahead.slice(0, 30)).toEqual(referenceForecast(f.model, f.recipe, airline, 30));
    f.dispose();
  });

  it('a step whose value is not finite (exp overflowing after the log transform) is an error naming the step', async () => {
    await init();
    // log-linear growth up to e^700: each forecast step adds ≈ 0.5 to the log, which passes e^709.8 within ~20 steps
    const growth = Array.from({ length: 1400 }, (_, t) => Math.exp(0.5 * t));
    const f = await forecaster(growth, { difference: 'first', layers: [8], epochs: 2 });
    throwsLW(() => f.forecast(100), /forecast: step \d+ of 100 is Infinity/, /forecast fewer steps/);
    f.dispose();
  });

  it('checks n and the series', async () => {
    await init();
    const f = await forecaster(airline, { layers: [4], epochs: 1 });
    for (const n of [-1, 1.5, MAX_HORIZON + 1, '5', Number.NaN]) throwsLW(() => f.forecast(n as number), /n must be a whole number from 0 to 100000/);
    expect(f.forecast(0)).toEqual([]);
    throwsLW(() => forecastAhead(f.model, f.recipe, airline.slice(0, 10), 3), /the series needs at least 18 points/);
    f.dispose();
  });
});

describe('forecaster', () => {
  it('trains, beats persistence and seasonal naive on the held-out months, forecasts recursively', async () => {
    await init();
    const f = await forecaster(airline, { epochs: 60 });
    const e = f.evaluation;
    expect(f.sizes).toEqual({ points: 144, trainPoints: 115, testPoints: 29, trainWindows: 115 - 12 - 6 });
    expect(e.targets[0]).toBe(115);
    expect(e.truth).toEqual(airline.slice(115));
    expect(e.rmse).toBeLessThan(e.baselines.seasonalNaive.rmse);
    expect(e.rmse).toBeLessThan(e.baselines.persistence.rmse);
    const next = f.forecast(24);
    expect(next).toHaveLength(24);
    // a recursive forecast keeps the seasonal shape: July above November, a year later too
    expect(next[6]).toBeGreaterThan(next[10]);
    expect(next[18]).toBeGreaterThan(next[22]);
    f.dispose();
  });

  it('training that diverges is an error naming the evidence, and frees the model', async () => {
    await init();
    const live = memoryInfo().liveBlocks;
    await rejectsLW(forecaster(airline, { learningRate: 1e10, epochs: 3, layers: [8] }), /training diverged: the final training loss is [\d.]+e\+\d+, [\d.]+e\+\d+× the 0\.972 of always predicting the training targets' mean/, /lower the learning rate \(now 10000000000\)/);
    expect(memoryInfo().liveBlocks).toBe(live);
  });

  it('test predictions that are not finite are an error, not Infinity in the scores', async () => {
    await init();
    const live = memoryInfo().liveBlocks;
    const huge = airline.map((v, i) => (i === 120 ? 1.7e308 : v)); // point 133 is forecast from it: e^(log 1.7e308 + a year's growth) overflows
    await rejectsLW(forecaster(huge, { layers: [8], epochs: 2 }), /1 of 29 test predictions are not finite: .* for point 133 gives Infinity/, /too large for the log transform/);
    expect(memoryInfo().liveBlocks).toBe(live);
  });

  const bad: [string, unknown, RegExp][] = [
    ['options null', null, /options must be an object/],
    ['an unknown option', { epoch: 5 }, /unknown option "epoch"; the options are transform, .*epochs/],
    ['epochs a string', { epochs: '5' }, /epochs must be a whole number from 1 to 100,000, got "5"/],
    ['epochs 0', { epochs: 0 }, /epochs must be a whole number from 1/],
    ['epochs 1.5', { epochs: 1.5 }, /epochs must be a whole number/],
    ['batchSize 0', { batchSize: 0 }, /batchSize must be a whole number from 1 to 1,048,576, got 0/],
    ['seed -1', { seed: -1 }, /seed must be a whole number from 0 to 4,294,966, got -1/],
    ['seed 5e9', { seed: 5e9 }, /seed must be a whole number from 0 to 4,294,966/],
    ['window 1.5', { window: 1.5 }, /window must be a whole number from 1 to 1,000, got 1.5/],
    ['window 0', { window: 0 }, /window must be a whole number from 1 to 1,000/],
    ['window 10⁹', { window: 1e9 }, /window must be a whole number from 1 to 1,000, got 1000000000/],
    ['period 2.5', { period: 2.5 }, /period must be a whole number from 1 to 100,000/],
    ['layers empty', { layers: [] }, /layers must be a list of 1 to 8 unit counts/],
    ['layers with 0', { layers: [50, 0] }, /layers\[1\] must be a whole number from 1 to 2,048, got 0/],
    ['layers with a string', { layers: ['50'] }, /layers\[0\] must be a whole number/],
    ['layers a number', { layers: 50 }, /layers must be .*got 50/],
    ['layers too wide', { layers: [4096] }, /layers\[0\] must be a whole number from 1 to 2,048, got 4096/],
    ['too many layers', { layers: new Array(9).fill(4) }, /1 to 8 unit counts/],
    ['learningRate 0', { learningRate: 0 }, /learningRate must be a positive finite number/],
    ['learningRate NaN', { learningRate: Number.NaN }, /learningRate must be a positive finite number/],
    ['learningRate Infinity', { learningRate: Number.POSITIVE_INFINITY }, /learningRate must be a positive finite number/],
    ['learningRate a string', { learningRate: '0.01' }, /learningRate must be a positive finite number, got "0.01"/],
    ['test 0', { test: 0 }, /test must be a fraction 0 < f < 1 of the series or a whole count/],
    ['test 1.5', { test: 1.5 }, /test must be a fraction/],
    ['test the whole series', { test: 144 }, /forecaster: test: 144 points would hold out the whole series of 144/],
    ['test a string', { test: '0.2' }, /test must be a fraction/],
    ['transform LOG', { transform: 'LOG' }, /transform must be one of 'log', 'none'; got "LOG"/],
    ['transform constructor', { transform: 'constructor' }, /transform must be one of/],
    ['difference toString', { difference: 'toString' }, /difference must be one of 'seasonal', 'first', 'none'/],
    ['scaler hasOwnProperty', { scaler: 'hasOwnProperty' }, /scaler must be one of 'standard', 'minmax'/],
    ['optimizer Adam', { optimizer: 'Adam' }, /optimizer must be one of 'adam', 'rmsprop', 'sgd', 'adamw'; got "Adam"/],
    ['onEpochEnd not a function', { onEpochEnd: 5 }, /onEpochEnd must be a function/],
  ];
  it.each(bad)('refuses %s before building anything', async (_, options, message) => {
    await init();
    const live = memoryInfo().liveBlocks;
    await rejectsLW(forecaster(airline, options as ForecasterOptions), /forecaster: /, message);
    expect(memoryInfo().liveBlocks).toBe(live);
  });

  it.each([
    ['a string', 'abc', /the series must be an array of numbers, got "abc"/],
    ['null', null, /the series must be an array of numbers, got null/],
    ['a string point', [1, 2, '3', 4], /point 3 of the series is "3"; every point must be a finite number/],
    ['a NaN point', [1, Number.NaN], /point 2 of the series is NaN/],
  ])('refuses a series that is %s, naming the point', async (_, series, message) => {
    await rejectsLW(forecaster(series as unknown as number[]), message);
  });

  it('refuses, before allocating, a model or windows too large to train', async () => {
    await init();
    const live = memoryInfo().liveBlocks;
    await rejectsLW(forecaster(airline, { layers: [2048, 2048], window: 100 }), /training layers \[2048, 2048\] \(50,358,273 parameters\) on batches of 16 windows of 100 would take about \d+ MiB, over the 1024 MiB allowed; use fewer or smaller layers/);
    const long = Array.from({ length: 100_000 }, (_, i) => 100 + Math.sin(i / 10));
    await rejectsLW(forecaster(long, { window: 1000, transform: 'none', difference: 'none' }), /100000 windows of 1000 points would take \d+ MiB, over the 256 MiB allowed; use a smaller window or a shorter series/);
    expect(memoryInfo().liveBlocks).toBe(live);
  });
});

describe('forecastChart', () => {
  it('titles the comparison with persistence when no season of history precedes the test part (it printed "seasonal naive NaN")', async () => {
    await init({ backend: 'wasm-simd' });
    const values = Array.from({ length: 60 }, (_, i) => 100 + 10 * Math.sin(i / 3) + i);
    const f = await forecaster(values, { period: 50, difference: 'first', epochs: 2 });
    try {
      expect(Number.isNaN(f.evaluation.baselines.seasonalNaive.rmse)).toBe(true);
      const labels = values.map((_, i) => String(i + 1));
      const svg = forecastChart(f, { values, labels, name: 'units' }, [], []);
      const title = /<title>([^<]*)<\/title>/.exec(svg)?.[1] ?? '';
      expect(title).toBe(`units: LSTM forecast (test RMSE ${f.evaluation.rmse.toFixed(1)} vs persistence ${f.evaluation.baselines.persistence.rmse.toFixed(1)})`);
      expect(svg).not.toMatch(/NaN/);
    } finally {
      f.dispose();
    }
  });
});
