/**
 * The forecasting library: the recipe's transforms invert exactly, the
 * one-call forecaster trains, evaluates against baselines on the held-out
 * points only, and forecasts recursively.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RECIPE, FittedRecipe, forecaster, init, parseCsvSeries, SEEDS_RECIPE, type Recipe } from '../src/index.js';

const airline = parseCsvSeries(readFileSync(new URL('../data/international-airline-passengers.csv', import.meta.url), 'utf8')).values;

describe('recipe', () => {
  const recipes: [string, Recipe][] = [
    ['default (log, seasonal difference, standardize)', DEFAULT_RECIPE],
    ["the seeds' (levels, min-max)", SEEDS_RECIPE],
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
    const r = FittedRecipe.fit(SEEDS_RECIPE, airline, 115);
    const z = r.toModel(airline);
    expect(Math.max(...z.slice(0, 115))).toBeCloseTo(1, 6);
    expect(Math.max(...z.slice(115))).toBeGreaterThan(1.2); // the growth the tanh units never saw
  });

  it('refuses the log of non-positive values with a hint', () => {
    expect(() => FittedRecipe.fit(DEFAULT_RECIPE, [1, 2, 0, 4], 3)).toThrow(/log transform needs positive values.*--transform none/);
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
});
