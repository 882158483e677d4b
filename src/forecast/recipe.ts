/**
 * How a series becomes training data and predictions become values again.
 *
 * The airline series has a trend, a growing seasonal swing and 12-month
 * seasonality. Fed as raw levels scaled to [0, 1] on the training years,
 * the test years lie outside anything the tanh units saw, and a window of
 * 10 months cannot see the season: the tutorials' recipe ends up worse than
 * repeating last year's value. So by default:
 *   log          the growing swing becomes a constant one
 *   difference   y_t − y_{t−period} (year-on-year change): trend and season gone
 *   standardize  mean 0, std 1, fitted on the training part only
 *   window       a few recent year-on-year changes → the next one
 * and every prediction is turned back into passengers through the same
 * steps in reverse, from the true (or, beyond the data, forecast) history.
 */
import { fail } from '../errors.js';
import { MinMaxScaler, StandardScaler, type MinMaxScalerJSON, type StandardScalerJSON } from '../timeseries/scalers.js';

/** How a series becomes model inputs and predictions become values again: transform, differencing, scaling, window. */
export interface Recipe {
  /** 'log' needs positive values. */
  transform: 'log' | 'none';
  /** Model the change since one `period` ago ('seasonal'), since the last point ('first'), or levels ('none'). */
  difference: 'seasonal' | 'first' | 'none';
  /** Season length in points (12 for monthly data). */
  period: number;
  scaler: 'standard' | 'minmax';
  /** Input points per window. */
  window: number;
}

/** The default recipe: log, difference over 12 points (a year of months), standardized, windows of 6. */
export const DEFAULT_RECIPE: Recipe = { transform: 'log', difference: 'seasonal', period: 12, scaler: 'standard', window: 6 };

/** The tutorials' (the seeds') recipe: levels, min-max to [0, 1], windows of 10. */
export const SEEDS_RECIPE: Recipe = { transform: 'none', difference: 'none', period: 12, scaler: 'minmax', window: 10 };

/** A recipe fitted to a training part: maps a series to model space and back. */
export class FittedRecipe {
  private constructor(readonly recipe: Recipe, private readonly scaler: MinMaxScaler | StandardScaler) {}

  /** How many points before the first one the model space defines (the differencing lag). */
  get lag(): number {
    return lagOf(this.recipe);
  }

  /** Fit the scaler on the model-space values of points [lag, trainEnd). */
  static fit(recipe: Recipe, series: ArrayLike<number>, trainEnd: number): FittedRecipe {
    checkRecipe(recipe);
    const lag = lagOf(recipe);
    if (recipe.transform === 'log') {
      const bad = Array.prototype.findIndex.call(series, (v: number) => !(v > 0));
      if (bad >= 0) fail(`the log transform needs positive values, but point ${bad + 1} is ${series[bad]}; use --transform none`);
    }
    const unscaled = changes(recipe, series);
    const scaler = recipe.scaler === 'minmax' ? new MinMaxScaler() : new StandardScaler();
    if (trainEnd - lag < 2) fail(`too few training points: ${trainEnd} leave ${trainEnd - lag} after differencing; use a longer series or a smaller --period`);
    scaler.fit(unscaled.slice(lag, trainEnd));
    return new FittedRecipe(recipe, scaler);
  }

  /** z_t for t ≥ lag (index 0 of the result is point `lag`). */
  toModel(series: ArrayLike<number>): number[] {
    return this.scaler.transform(changes(this.recipe, series).slice(this.lag)) as number[];
  }

  /** The value at t in the series' units from a model-space prediction z, given the points before t. */
  fromModel(z: number, t: number, history: ArrayLike<number>): number {
    const change = (this.scaler.inverseTransform([z]) as number[])[0];
    const lag = this.lag;
    const base = lag ? forward(this.recipe, history[t - lag]) : 0;
    return backward(this.recipe, base + change);
  }

  /** The recipe and its fitted scaler, for saving. */
  toJSON(): { recipe: Recipe; scaler: MinMaxScalerJSON | StandardScalerJSON } {
    return { recipe: this.recipe, scaler: this.scaler.toJSON() };
  }

  /** A fitted recipe saved with toJSON(). */
  static fromJSON(o: { recipe: Recipe; scaler: MinMaxScalerJSON | StandardScalerJSON }): FittedRecipe {
    checkRecipe(o?.recipe);
    const scaler = o.scaler?.type === 'MinMaxScaler' ? MinMaxScaler.fromJSON(o.scaler as MinMaxScalerJSON) : StandardScaler.fromJSON(o.scaler as StandardScalerJSON);
    return new FittedRecipe(o.recipe, scaler);
  }

  /** One line for people: "log → year-on-year change (12) → standardize; windows of 6". */
  describe(): string {
    const r = this.recipe;
    const steps = [r.transform === 'log' ? 'log' : '', r.difference === 'seasonal' ? `change over ${r.period} points` : r.difference === 'first' ? 'change since the last point' : '', r.scaler === 'minmax' ? 'min-max to [0, 1]' : 'standardize'].filter(Boolean);
    return `${steps.join(' → ')}; windows of ${r.window} → next point`;
  }
}

export function lagOf(r: Recipe): number {
  return r.difference === 'seasonal' ? r.period : r.difference === 'first' ? 1 : 0;
}

function forward(r: Recipe, v: number): number {
  return r.transform === 'log' ? Math.log(v) : v;
}

function backward(r: Recipe, v: number): number {
  return r.transform === 'log' ? Math.exp(v) : v;
}

/** The transformed, differenced series (NaN for the first `lag` points). */
function changes(r: Recipe, series: ArrayLike<number>): number[] {
  const lag = lagOf(r);
  const f = Array.from(series, (v) => forward(r, v));
  return f.map((v, t) => (lag === 0 ? v : t >= lag ? v - f[t - lag] : Number.NaN));
}

function checkRecipe(r: Recipe): void {
  if (!r || typeof r !== 'object') fail('recipe missing');
  if (r.transform !== 'log' && r.transform !== 'none') fail(`transform must be 'log' or 'none', got ${JSON.stringify(r.transform)}`);
  if (!['seasonal', 'first', 'none'].includes(r.difference)) fail(`difference must be 'seasonal', 'first' or 'none', got ${JSON.stringify(r.difference)}`);
  if (r.scaler !== 'standard' && r.scaler !== 'minmax') fail(`scaler must be 'standard' or 'minmax', got ${JSON.stringify(r.scaler)}`);
  for (const [k, v] of [['period', r.period], ['window', r.window]] as const) {
    if (!Number.isInteger(v) || v < 1) fail(`${k} must be a whole number ≥ 1, got ${v}`);
  }
}
