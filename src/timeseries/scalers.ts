/**
 * Feature scalers for time series: fit on the training part only, then
 * transform anything (test values outside the training range are NOT
 * clipped) and map predictions back with `inverseTransform`.
 *
 * Values are a 1-D series (`number[]`, one feature) or rows × features
 * (`number[][]`); every feature is scaled on its own. The output has the
 * shape kind of the input: 1-D in → `number[]` out, 2-D in → `number[][]`.
 * A 1-D input is one feature: feature 0, or the one named by `{ feature }`
 * (e.g. to invert predictions of the target column of a multivariate fit).
 */
import { fail } from '../errors.js';

export type SeriesValues = ArrayLike<number> | ArrayLike<number>[];

export interface FeatureOption {
  /** For 1-D input: which fitted feature it is. Default 0. */
  feature?: number;
}

export interface MinMaxScalerOptions {
  /** The target range [low, high], low < high. Default [0, 1]. */
  range?: [number, number];
}

export interface MinMaxScalerJSON {
  type: 'MinMaxScaler';
  range: [number, number];
  /** Per feature, or null if not fitted. */
  dataMin: number[] | null;
  dataMax: number[] | null;
}

export interface StandardScalerJSON {
  type: 'StandardScaler';
  /** Per feature, or null if not fitted. */
  mean: number[] | null;
  std: number[] | null;
}

/** Shared machinery: per-feature affine maps `y = (x − offset) · factor + shift`. */
abstract class AffineScaler {
  /** Per-feature offset and factor; undefined until fitted. */
  protected offset: number[] | undefined;
  protected factor: number[] | undefined;
  protected abstract readonly kind: string;
  protected shift = 0;

  /** Learn the per-feature parameters from `values`. */
  abstract fit(values: SeriesValues): this;

  /** True once fitted (or restored from fitted JSON). */
  get fitted(): boolean {
    return this.offset !== undefined;
  }

  /** The number of features fitted (0 before fit). */
  get features(): number {
    return this.offset?.length ?? 0;
  }

  /** Scale `values` with the fitted parameters. */
  transform(values: ArrayLike<number>, options?: FeatureOption): number[];
  transform(values: ArrayLike<number>[], options?: FeatureOption): number[][];
  transform(values: SeriesValues, options?: FeatureOption): number[] | number[][];
  transform(values: SeriesValues, options: FeatureOption = {}): number[] | number[][] {
    return this.apply(values, options, 'transform', (x, j) => (x - this.offset![j]) * this.factor![j] + this.shift);
  }

  /** Undo `transform`: scaled values back to the series' own units. */
  inverseTransform(values: ArrayLike<number>, options?: FeatureOption): number[];
  inverseTransform(values: ArrayLike<number>[], options?: FeatureOption): number[][];
  inverseTransform(values: SeriesValues, options?: FeatureOption): number[] | number[][];
  inverseTransform(values: SeriesValues, options: FeatureOption = {}): number[] | number[][] {
    return this.apply(values, options, 'inverseTransform', (y, j) => (y - this.shift) / this.factor![j] + this.offset![j]);
  }

  /** `fit(values)` then `transform(values)`. */
  fitTransform(values: ArrayLike<number>): number[];
  fitTransform(values: ArrayLike<number>[]): number[][];
  fitTransform(values: SeriesValues): number[] | number[][];
  fitTransform(values: SeriesValues): number[] | number[][] {
    return this.fit(values).transform(values);
  }

  private apply(values: SeriesValues, options: FeatureOption, method: string, f: (x: number, feature: number) => number): number[] | number[][] {
    const what = `${this.kind}.${method}`;
    if (!this.fitted) fail(`${what}: the scaler is not fitted — call fit(trainingValues) first (or fromJSON a fitted one)`);
    const { rows, features, oneD } = readValues(values, what);
    if (oneD) {
      const j = options.feature ?? 0;
      if (!Number.isInteger(j) || j < 0 || j >= this.features) {
        fail(`${what}: feature ${j} is out of range — the scaler was fitted on ${this.features} feature${this.features === 1 ? '' : 's'}`);
      }
      return rows.map((r) => f(r[0], j));
    }
    if (features !== this.features && rows.length > 0) {
      fail(`${what}: rows have ${features} features but the scaler was fitted on ${this.features} — pass rows of ${this.features}, or 1-D values with { feature }`);
    }
    return rows.map((r) => r.map((x, j) => f(x, j)));
  }
}

/**
 * Scale each feature linearly so that the training minimum maps to
 * `range[0]` and the training maximum to `range[1]` (default [0, 1]), as
 * scikit-learn's MinMaxScaler. A constant feature has scale 1 (its value
 * maps to `range[0]`). Values outside the training range map outside the
 * target range; nothing is clipped.
 */
export class MinMaxScaler extends AffineScaler {
  protected readonly kind = 'MinMaxScaler';
  readonly range: [number, number];
  private dataMin: number[] | undefined;
  private dataMax: number[] | undefined;

  constructor(options: MinMaxScalerOptions = {}) {
    super();
    const range = options.range ?? [0, 1];
    if (!Array.isArray(range) || range.length !== 2 || !range.every(Number.isFinite) || !(range[0] < range[1])) {
      fail(`MinMaxScaler: range must be [low, high] with finite low < high, got ${JSON.stringify(range)}`);
    }
    this.range = [range[0], range[1]];
    this.shift = range[0];
  }

  fit(values: SeriesValues): this {
    const { rows, features } = readValues(values, 'MinMaxScaler.fit', true);
    const min = new Array<number>(features).fill(Infinity);
    const max = new Array<number>(features).fill(-Infinity);
    for (const r of rows) {
      for (let j = 0; j < features; j++) {
        if (r[j] < min[j]) min[j] = r[j];
        if (r[j] > max[j]) max[j] = r[j];
      }
    }
    this.setParams(min, max);
    return this;
  }

  /** Per-feature training minimum and maximum (copies), or undefined before fit. */
  get params(): { dataMin: number[]; dataMax: number[] } | undefined {
    return this.dataMin && { dataMin: [...this.dataMin], dataMax: [...this.dataMax!] };
  }

  /** The settings and fitted parameters as plain JSON (restore with fromJSON). */
  toJSON(): MinMaxScalerJSON {
    return { type: 'MinMaxScaler', range: [...this.range], dataMin: this.dataMin ? [...this.dataMin] : null, dataMax: this.dataMax ? [...this.dataMax] : null };
  }

  /** Restore a scaler saved with `toJSON()` (fitted or not). */
  static fromJSON(o: MinMaxScalerJSON): MinMaxScaler {
    if (o?.type !== 'MinMaxScaler') fail(`MinMaxScaler.fromJSON: not a MinMaxScaler JSON (type ${JSON.stringify(o?.type)})`);
    const s = new MinMaxScaler({ range: o.range });
    if (o.dataMin != null || o.dataMax != null) {
      const min = checkParams(o.dataMin, 'dataMin', 'MinMaxScaler.fromJSON');
      const max = checkParams(o.dataMax, 'dataMax', 'MinMaxScaler.fromJSON');
      if (min.length !== max.length) fail(`MinMaxScaler.fromJSON: dataMin has ${min.length} features but dataMax has ${max.length}`);
      if (min.some((m, j) => m > max[j])) fail('MinMaxScaler.fromJSON: dataMin is above dataMax for some feature — the JSON is corrupt');
      s.setParams(min, max);
    }
    return s;
  }

  private setParams(min: number[], max: number[]): void {
    const [lo, hi] = this.range;
    this.dataMin = min;
    this.dataMax = max;
    this.offset = [...min];
    this.factor = min.map((m, j) => (hi - lo) / (max[j] - m === 0 ? 1 : max[j] - m));
  }
}

/**
 * Scale each feature to zero mean and unit variance over the training
 * values, `(x − mean) / std`, with the POPULATION standard deviation
 * (divide by n, as scikit-learn's StandardScaler and numpy's default). A
 * constant feature has std 1 (it maps to 0).
 */
export class StandardScaler extends AffineScaler {
  protected readonly kind = 'StandardScaler';
  private mean: number[] | undefined;
  private std: number[] | undefined;

  fit(values: SeriesValues): this {
    const { rows, features } = readValues(values, 'StandardScaler.fit', true);
    const n = rows.length;
    const mean = new Array<number>(features).fill(0);
    for (const r of rows) for (let j = 0; j < features; j++) mean[j] += r[j];
    for (let j = 0; j < features; j++) mean[j] /= n;
    const variance = new Array<number>(features).fill(0);
    for (const r of rows) for (let j = 0; j < features; j++) variance[j] += (r[j] - mean[j]) ** 2;
    this.setParams(mean, variance.map((v) => Math.sqrt(v / n)));
    return this;
  }

  /** Per-feature training mean and population std (copies; std is the raw value, 0 for a constant feature), or undefined before fit. */
  get params(): { mean: number[]; std: number[] } | undefined {
    return this.mean && { mean: [...this.mean], std: [...this.std!] };
  }

  /** The fitted parameters as plain JSON (restore with fromJSON). */
  toJSON(): StandardScalerJSON {
    return { type: 'StandardScaler', mean: this.mean ? [...this.mean] : null, std: this.std ? [...this.std] : null };
  }

  /** Restore a scaler saved with `toJSON()` (fitted or not). */
  static fromJSON(o: StandardScalerJSON): StandardScaler {
    if (o?.type !== 'StandardScaler') fail(`StandardScaler.fromJSON: not a StandardScaler JSON (type ${JSON.stringify(o?.type)})`);
    const s = new StandardScaler();
    if (o.mean != null || o.std != null) {
      const mean = checkParams(o.mean, 'mean', 'StandardScaler.fromJSON');
      const std = checkParams(o.std, 'std', 'StandardScaler.fromJSON');
      if (mean.length !== std.length) fail(`StandardScaler.fromJSON: mean has ${mean.length} features but std has ${std.length}`);
      if (std.some((v) => v < 0)) fail('StandardScaler.fromJSON: a std is negative — the JSON is corrupt');
      s.setParams(mean, std);
    }
    return s;
  }

  private setParams(mean: number[], std: number[]): void {
    this.mean = mean;
    this.std = std;
    this.offset = [...mean];
    this.factor = std.map((s) => 1 / (s === 0 ? 1 : s));
  }
}

function checkParams(v: unknown, name: string, what: string): number[] {
  if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    fail(`${what}: ${name} must be a non-empty array of finite numbers, got ${JSON.stringify(v)}`);
  }
  return [...v];
}

/**
 * Read 1-D or rows × features values into rows of numbers, checking that
 * rows are not ragged and every value is finite. `nonEmpty` demands at
 * least one row (for fit).
 */
function readValues(values: SeriesValues, what: string, nonEmpty = false): { rows: number[][]; features: number; oneD: boolean } {
  if (values == null || typeof (values as ArrayLike<unknown>).length !== 'number' || typeof values === 'string') {
    fail(`${what}: expected number[] or number[][] (rows × features), got ${values === null ? 'null' : typeof values}`);
  }
  const n = values.length;
  if (nonEmpty && n === 0) fail(`${what}: no values — fit needs at least one value`);
  const oneD = n === 0 || typeof values[0] === 'number';
  if (oneD) {
    const rows: number[][] = new Array(n);
    for (let i = 0; i < n; i++) {
      const x = (values as ArrayLike<number>)[i];
      if (typeof x !== 'number' || !Number.isFinite(x)) fail(`${what}: value ${i} is ${describe(x)} — values must be finite numbers`);
      rows[i] = [x];
    }
    return { rows, features: 1, oneD };
  }
  const first = values[0] as ArrayLike<number>;
  if (first == null || typeof first.length !== 'number') fail(`${what}: value 0 is ${describe(first)} — expected numbers or rows of numbers`);
  const features = first.length;
  if (features === 0) fail(`${what}: rows have no features`);
  const rows: number[][] = new Array(n);
  for (let i = 0; i < n; i++) {
    const r = (values as ArrayLike<number>[])[i];
    if (r == null || typeof r.length !== 'number' || typeof r === 'string') fail(`${what}: row ${i} is ${describe(r)}, not a row of numbers`);
    if (r.length !== features) fail(`${what}: ragged rows — row ${i} has ${r.length} values, row 0 has ${features}`);
    const row = new Array<number>(features);
    for (let j = 0; j < features; j++) {
      const x = r[j];
      if (typeof x !== 'number' || !Number.isFinite(x)) fail(`${what}: row ${i}, feature ${j} is ${describe(x)} — values must be finite numbers`);
      row[j] = x;
    }
    rows[i] = row;
  }
  return { rows, features, oneD: false };
}

function describe(x: unknown): string {
  if (typeof x === 'number') return String(x);
  if (typeof x === 'string') return `the string ${JSON.stringify(x)}`;
  if (Array.isArray(x)) return `an array of ${x.length}`;
  return x === null ? 'null' : typeof x;
}
