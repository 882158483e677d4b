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
import { fail, show } from '../errors.js';
import { integerIn, oneOf } from '../options.js';
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

/** The tutorials' recipe: levels, min-max to [0, 1], windows of 10. */
export const TUTORIAL_RECIPE: Recipe = { transform: 'none', difference: 'none', period: 12, scaler: 'minmax', window: 10 };

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
    if (series == null || typeof series !== 'object' || typeof series.length !== 'number') fail(`fit: expected a series of numbers, got ${show(series)}`);
    for (let i = 0; i < series.length; i++) {
      if (typeof series[i] !== 'number' || !Number.isFinite(series[i])) fail(`point ${i + 1} of the series is ${show(series[i])}; every point must be a finite number`);
    }
    if (!Number.isInteger(trainEnd) || trainEnd > series.length) fail(`fit: the training part must end at a whole number of points within the series' ${series.length}, got ${show(trainEnd)}`);
    if (recipe.transform === 'log') {
      const bad = Array.prototype.findIndex.call(series, (v: number) => !(v > 0));
      if (bad >= 0) fail(`the log transform needs positive values, but point ${bad + 1} is ${series[bad]}; use --transform none`);
    }
    const unscaled = changes(recipe, series);
    const scaler = recipe.scaler === 'minmax' ? new MinMaxScaler() : new StandardScaler();
    if (trainEnd - lag < 2) fail(`too few training points: ${trainEnd} leave ${trainEnd - lag} after differencing; use a longer series or a smaller --period`);
    scaler.fit(unscaled.slice(lag, trainEnd));
    return new FittedRecipe(copyRecipe(recipe), scaler);
  }

  /**
   * z_t for t ≥ lag (index 0 of the result is point `lag`), the whole
   * series at once. Every point must be a finite number, and positive for
   * the log transform: the error names the first that is not.
   */
  toModel(series: ArrayLike<number>): number[] {
    if (series == null || typeof series !== 'object' || typeof series.length !== 'number') fail(`toModel: expected a series of numbers, got ${show(series)}`);
    for (let i = 0; i < series.length; i++) this.checkPoint(series[i], i);
    return this.scaler.transform(changes(this.recipe, series).slice(this.lag)) as number[];
  }

  /**
   * The value at t in the series' units from a model-space prediction z,
   * given the points before t. A non-finite z, or one whose value is not
   * finite (exp overflowing after the log transform), is an error.
   */
  fromModel(z: number, t: number, history: ArrayLike<number>): number {
    const lag = this.lag;
    if (!Number.isInteger(t) || t < lag || history == null || t > history.length) fail(`fromModel: point index ${t} needs the ${lag} point${lag === 1 ? '' : 's'} before it in a history of ${history?.length} points`);
    if (lag) this.checkPoint(history[t - lag], t - lag);
    if (typeof z !== 'number' || !Number.isFinite(z)) fail(`fromModel: the model's prediction for point ${t + 1} is ${show(z)}, not a finite number`);
    const value = this.seriesValue(z, lag ? history[t - lag] : 0);
    if (!Number.isFinite(value)) fail(`fromModel: the model's prediction ${z} for point ${t + 1} is ${value} in the series' units (${this.recipe.transform === 'log' ? 'exp overflows' : 'out of range'}): the model is far outside what it was trained on`);
    return value;
  }

  /**
   * One point's model-space value from its value and `base`, the point
   * `lag` before it (ignored without differencing): what toModel computes
   * for that point, by the same arithmetic. For forecasting point by point
   * without transforming the whole history again; the caller checks the
   * values (finite, positive for the log transform).
   */
  modelValue(value: number, base: number): number {
    const change = this.lag ? applyTransform(this.recipe, value) - applyTransform(this.recipe, base) : applyTransform(this.recipe, value);
    return (this.scaler.transform([change]) as number[])[0];
  }

  /** The inverse of modelValue, as fromModel computes it but unchecked: may be non-finite or 0 (exp overflow or underflow). */
  seriesValue(z: number, base: number): number {
    const change = (this.scaler.inverseTransform([z]) as number[])[0];
    const from = this.lag ? applyTransform(this.recipe, base) : 0;
    return invertTransform(this.recipe, from + change);
  }

  /** A point of a series given to a fitted recipe: a finite number, positive for the log transform. */
  private checkPoint(v: unknown, i: number): void {
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(`point ${i + 1} of the series is ${show(v)}; every point must be a finite number`);
    if (this.recipe.transform === 'log' && !(v > 0)) {
      fail(`the log transform needs positive values, but point ${i + 1} of the series is ${v}: this model was trained on the log of its series (--transform log); use it on positive data, or a model trained with --transform none`);
    }
  }

  /** The recipe and its fitted scaler, for saving. */
  toJSON(): { recipe: Recipe; scaler: MinMaxScalerJSON | StandardScalerJSON } {
    return { recipe: this.recipe, scaler: this.scaler.toJSON() };
  }

  /** A fitted recipe saved with toJSON(). */
  static fromJSON(o: { recipe: Recipe; scaler: MinMaxScalerJSON | StandardScalerJSON }): FittedRecipe {
    checkRecipe(o?.recipe);
    const scaler = o.scaler?.type === 'MinMaxScaler' ? MinMaxScaler.fromJSON(o.scaler as MinMaxScalerJSON) : StandardScaler.fromJSON(o.scaler as StandardScalerJSON);
    if (!scaler.fitted || scaler.features !== 1) fail(`the saved recipe's scaler is ${scaler.fitted ? `fitted to ${scaler.features} features` : 'not fitted'}, but a forecaster's is fitted to the one series: the saved model is incomplete or corrupt`);
    return new FittedRecipe(copyRecipe(o.recipe), scaler);
  }

  /** One line for people: "log → year-on-year change (12) → standardize; windows of 6". */
  describe(): string {
    const r = this.recipe;
    const steps = [r.transform === 'log' ? 'log' : '', r.difference === 'seasonal' ? `change over ${r.period} points` : r.difference === 'first' ? 'change since the last point' : '', r.scaler === 'minmax' ? 'min-max to [0, 1]' : 'standardize'].filter(Boolean);
    return `${steps.join(' → ')}; windows of ${r.window} → next point`;
  }
}

export function lagOf(r: Pick<Recipe, 'difference' | 'period'>): number {
  return r.difference === 'seasonal' ? r.period : r.difference === 'first' ? 1 : 0;
}

/** A value in the series' units → the transformed scale the differences are taken on (its log, or itself). */
function applyTransform(r: Recipe, v: number): number {
  return r.transform === 'log' ? Math.log(v) : v;
}

/** The inverse of applyTransform: back to the series' units. */
function invertTransform(r: Recipe, v: number): number {
  return r.transform === 'log' ? Math.exp(v) : v;
}

/** The transformed, differenced series (NaN for the first `lag` points). */
function changes(r: Recipe, series: ArrayLike<number>): number[] {
  const lag = lagOf(r);
  const f = Array.from(series, (v) => applyTransform(r, v));
  return f.map((v, t) => (lag === 0 ? v : t >= lag ? v - f[t - lag] : Number.NaN));
}

/**
 * The longest window: every training sample is an LSTM run over this many
 * steps, and the windows take points × window floats. 1000 covers years of
 * daily data; longer windows cost memory and time without helping an LSTM.
 */
export const MAX_WINDOW = 1000;

/** The longest season (a year of hourly data is 8766): differencing over more needs more points than any series here has. */
export const MAX_PERIOD = 100_000;

/** A recipe's fields, as given to fit or read from a saved model: the right types, in range. */
export function checkRecipe(r: Recipe): void {
  if (!r || typeof r !== 'object') fail(`recipe missing: expected { transform, difference, period, scaler, window }, got ${show(r)}`);
  oneOf(r.transform, ['log', 'none'], 'transform');
  oneOf(r.difference, ['seasonal', 'first', 'none'], 'difference');
  oneOf(r.scaler, ['standard', 'minmax'], 'scaler');
  integerIn(r.period, 1, MAX_PERIOD, 'period');
  integerIn(r.window, 1, MAX_WINDOW, 'window');
}

/** The recipe's own fields only, so that later changes to the given object (or extra fields in a file) do not reach a fitted recipe. */
function copyRecipe(r: Recipe): Recipe {
  return { transform: r.transform, difference: r.difference, period: r.period, scaler: r.scaler, window: r.window };
}
