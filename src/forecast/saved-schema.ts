/**
 * What a saved forecaster's model.json must hold, checked field by field
 * before any of it is used: a file edited by hand, truncated, or written
 * by something else gets a one-line error naming the field, never a crash
 * or a model that silently computes something else. No file access here:
 * the CLI and a browser check the same parsed JSON.
 *
 * The check returns a fresh object built from the checked values only, so
 * nothing unchecked (extra fields, inherited names like "constructor")
 * reaches the library.
 */
import type { ModelJSON } from '../io/model-file.js';
import type { MinMaxScalerJSON, StandardScalerJSON } from '../timeseries/scalers.js';
import { fail, show } from '../errors.js';
import { MAX_LAYERS, MAX_UNITS } from './forecaster.js';
import { MAX_PERIOD, MAX_WINDOW, type Recipe } from './recipe.js';

export const FORECASTER_FORMAT = 'lstm-wasm-forecaster';
/** 2: model.json records its weights' size and SHA-256. 1 (lstm-wasm ≤ 0.1.0): no record of the weights. */
export const FORECASTER_VERSION = 2;

const MiB = 1024 * 1024;
/** The most points a saved forecaster's series may have had: the CLI reads no longer series (a CSV of 1,000,000 rows parses in ~0.5 GB). */
export const MAX_SERIES_POINTS = 1_000_000;
/** model.json: a forecaster's is about 1 KB. */
export const MAX_MODEL_JSON_BYTES = 1 * MiB;
/** model.safetensors: the largest model forecast trains (MAX_TRAINING_FLOATS holds five copies of it) is about 215 MB. */
export const MAX_WEIGHTS_BYTES = 512 * MiB;

export interface RecipeJSON {
  recipe: Recipe;
  scaler: MinMaxScalerJSON | StandardScalerJSON;
}

export interface SeriesInfo {
  name: string;
  source: string;
  points: number;
  lastLabel: string;
}

/** The weights file model.json was saved with: a model.safetensors of another size or digest is from another save. */
export interface WeightsRecord {
  bytes: number;
  sha256: string;
}

/** model.json: the model's architecture, the fitted recipe, what it was trained on; the weights sit beside it in model.safetensors. */
export interface SavedForecaster {
  format: typeof FORECASTER_FORMAT;
  version: number;
  model: ModelJSON;
  recipe: RecipeJSON;
  series: SeriesInfo;
  /** Absent in version 1 files. */
  weights?: WeightsRecord;
}

/** Where a value sits, for messages: `model.layers[1].config.units`. */
type Path = string;

class SchemaCheck {
  constructor(private readonly file: string) {}

  fail(path: Path, expected: string, got: unknown): never {
    fail(`${this.file}: ${path} must be ${expected}, got ${shown(got)}; pass a model.json written by \`lstm-wasm forecast\` (or train a new one)`);
  }

  object(v: unknown, path: Path): Record<string, unknown> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(path, 'an object', v);
    return v as Record<string, unknown>;
  }

  array(v: unknown, path: Path, min: number, max: number): unknown[] {
    if (!Array.isArray(v) || v.length < min || v.length > max) this.fail(path, min === max ? `a list of ${min}` : `a list of ${min} to ${max} entries`, v);
    return v;
  }

  string(v: unknown, path: Path): string {
    if (typeof v !== 'string') this.fail(path, 'a string', v);
    return v;
  }

  /** A name shown on the terminal and in the model's summary: no control characters, at most 100 characters. */
  name(v: unknown, path: Path): string {
    if (typeof v !== 'string' || v.length === 0 || v.length > 100 || /\p{Cc}/u.test(v)) this.fail(path, 'a name of 1 to 100 characters without control characters', v);
    return v;
  }

  literal<T extends string | number | boolean>(v: unknown, path: Path, expected: T): T {
    if (v !== expected) this.fail(path, JSON.stringify(expected), v);
    return expected;
  }

  oneOf<T extends string>(v: unknown, path: Path, choices: readonly T[]): T {
    if (typeof v !== 'string' || !choices.includes(v as T)) this.fail(path, `one of ${choices.map((c) => JSON.stringify(c)).join(', ')}`, v);
    return v as T;
  }

  whole(v: unknown, path: Path, min: number, max: number): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) this.fail(path, `a whole number from ${min} to ${max}`, v);
    return v;
  }

  boolean(v: unknown, path: Path): boolean {
    if (typeof v !== 'boolean') this.fail(path, 'true or false', v);
    return v;
  }

  finite(v: unknown, path: Path): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(path, 'a finite number', v);
    return v;
  }

  /** [x]: the one feature of a scaler fitted on a single series. */
  oneFinite(v: unknown, path: Path, min = -Infinity): [number] {
    if (!Array.isArray(v) || v.length !== 1 || typeof v[0] !== 'number' || !Number.isFinite(v[0]) || v[0] < min) {
      this.fail(path, `a list of one finite number${min > -Infinity ? ` ≥ ${min}` : ''}`, v);
    }
    return [v[0]];
  }
}

/** An own field's value: a name like "constructor" or "__proto__" never reads something inherited. */
function get(o: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

function shown(v: unknown): string {
  return v === undefined ? 'nothing (the field is missing)' : show(v);
}

/** The checked saved forecaster from parsed model.json, or a one-line error naming the first bad field. */
export function checkSavedForecaster(v: unknown, file: string): SavedForecaster {
  const c = new SchemaCheck(file);
  const o = c.object(v, 'the file');
  if (get(o, 'format') !== FORECASTER_FORMAT) fail(`${file} is not a saved lstm-wasm forecaster (no "format": "${FORECASTER_FORMAT}"); pass the model.json written by \`lstm-wasm forecast\``);
  const version = get(o, 'version');
  if (version !== 1 && version !== FORECASTER_VERSION) {
    fail(`${file} is a saved forecaster of version ${shown(version)}, but this lstm-wasm reads versions 1 and ${FORECASTER_VERSION}; use the lstm-wasm that wrote it, or train a new one`);
  }
  const model = checkModel(c, get(o, 'model'));
  const recipe = checkRecipe(c, get(o, 'recipe'));
  const series = checkSeries(c, get(o, 'series'));
  const saved: SavedForecaster = { format: FORECASTER_FORMAT, version, model, recipe, series };
  if (version === FORECASTER_VERSION) saved.weights = checkWeights(c, get(o, 'weights'));
  return saved;
}

/** What `forecast` builds: LSTM layers (all but the last returning every step) on 1 input feature, then Dense(1). */
function checkModel(c: SchemaCheck, v: unknown): ModelJSON {
  const o = c.object(v, 'model');
  c.literal(get(o, 'format'), 'model.format', 'lstm-wasm');
  c.literal(get(o, 'version'), 'model.version', 1);
  const name = c.name(get(o, 'name'), 'model.name');
  const layers = c.array(get(o, 'layers'), 'model.layers', 2, MAX_LAYERS + 1);
  const lstmCount = layers.length - 1;
  let inputSize = 1;
  const checked: ModelJSON['layers'] = [];
  for (let i = 0; i < lstmCount; i++) {
    const path = `model.layers[${i}]`;
    const config = layerConfig(c, layers[i], path, 'LSTM');
    const units = c.whole(get(config, 'units'), `${path}.config.units`, 1, MAX_UNITS);
    checked.push({
      className: 'LSTM',
      config: {
        name: c.name(get(config, 'name'), `${path}.config.name`),
        inputSize: c.literal(get(config, 'inputSize'), `${path}.config.inputSize`, inputSize),
        units,
        // every LSTM but the last feeds the next one all its steps
        returnSequences: c.literal(get(config, 'returnSequences'), `${path}.config.returnSequences`, i < lstmCount - 1),
      },
    });
    inputSize = units;
  }
  const path = `model.layers[${lstmCount}]`;
  const dense = layerConfig(c, layers[lstmCount], path, 'Dense');
  checked.push({
    className: 'Dense',
    config: {
      name: c.name(get(dense, 'name'), `${path}.config.name`),
      inputSize: c.literal(get(dense, 'inputSize'), `${path}.config.inputSize`, inputSize),
      units: c.literal(get(dense, 'units'), `${path}.config.units`, 1),
      activation: c.literal(get(dense, 'activation'), `${path}.config.activation`, 'linear'),
    },
  });
  if (get(o, 'compile') !== undefined) checkCompile(c, get(o, 'compile'));
  // the commands only predict: the training settings are checked but not loaded (no optimizer state to allocate)
  return { format: 'lstm-wasm', version: 1, name, layers: checked };
}

function layerConfig(c: SchemaCheck, v: unknown, path: Path, className: string): Record<string, unknown> {
  const layer = c.object(v, path);
  c.literal(get(layer, 'className'), `${path}.className`, className);
  return c.object(get(layer, 'config'), `${path}.config`);
}

function checkCompile(c: SchemaCheck, v: unknown): void {
  const o = c.object(v, 'model.compile');
  const optimizer = c.object(get(o, 'optimizer'), 'model.compile.optimizer');
  c.string(get(optimizer, 'name'), 'model.compile.optimizer.name');
  for (const [k, x] of Object.entries(optimizer)) if (k !== 'name') c.finite(x, `model.compile.optimizer.${k}`);
  c.string(get(o, 'loss'), 'model.compile.loss');
  c.array(get(o, 'metrics'), 'model.compile.metrics', 0, 16).forEach((m, i) => c.string(m, `model.compile.metrics[${i}]`));
}

function checkRecipe(c: SchemaCheck, v: unknown): RecipeJSON {
  const o = c.object(v, 'recipe');
  const r = c.object(get(o, 'recipe'), 'recipe.recipe');
  const recipe: Recipe = {
    transform: c.oneOf(get(r, 'transform'), 'recipe.recipe.transform', ['log', 'none'] as const),
    difference: c.oneOf(get(r, 'difference'), 'recipe.recipe.difference', ['seasonal', 'first', 'none'] as const),
    period: c.whole(get(r, 'period'), 'recipe.recipe.period', 1, MAX_PERIOD),
    scaler: c.oneOf(get(r, 'scaler'), 'recipe.recipe.scaler', ['standard', 'minmax'] as const),
    window: c.whole(get(r, 'window'), 'recipe.recipe.window', 1, MAX_WINDOW),
  };
  return { recipe, scaler: checkScaler(c, get(o, 'scaler'), recipe.scaler) };
}

/** The fitted scaler, of the kind the recipe names (the library would otherwise pick it by its "type" alone). */
function checkScaler(c: SchemaCheck, v: unknown, kind: Recipe['scaler']): MinMaxScalerJSON | StandardScalerJSON {
  const o = c.object(v, 'recipe.scaler');
  if (kind === 'standard') {
    c.literal(get(o, 'type'), 'recipe.scaler.type', 'StandardScaler');
    return {
      type: 'StandardScaler',
      mean: c.oneFinite(get(o, 'mean'), 'recipe.scaler.mean'),
      std: c.oneFinite(get(o, 'std'), 'recipe.scaler.std', 0),
    };
  }
  c.literal(get(o, 'type'), 'recipe.scaler.type', 'MinMaxScaler');
  const range = c.array(get(o, 'range'), 'recipe.scaler.range', 2, 2).map((x, i) => c.finite(x, `recipe.scaler.range[${i}]`));
  if (!(range[0] < range[1])) c.fail('recipe.scaler.range', '[low, high] with low < high', range);
  const dataMin = c.oneFinite(get(o, 'dataMin'), 'recipe.scaler.dataMin');
  const dataMax = c.oneFinite(get(o, 'dataMax'), 'recipe.scaler.dataMax');
  if (dataMin[0] > dataMax[0]) c.fail('recipe.scaler.dataMax', `at least dataMin (${dataMin[0]})`, dataMax);
  return { type: 'MinMaxScaler', range: [range[0], range[1]], dataMin, dataMax };
}

function checkSeries(c: SchemaCheck, v: unknown): SeriesInfo {
  const o = c.object(v, 'series');
  return {
    name: c.string(get(o, 'name'), 'series.name'),
    source: c.string(get(o, 'source'), 'series.source'),
    points: c.whole(get(o, 'points'), 'series.points', 1, MAX_SERIES_POINTS),
    lastLabel: c.string(get(o, 'lastLabel'), 'series.lastLabel'),
  };
}

function checkWeights(c: SchemaCheck, v: unknown): WeightsRecord {
  const o = c.object(v, 'weights');
  const sha256 = c.string(get(o, 'sha256'), 'weights.sha256');
  if (!/^[0-9a-f]{64}$/.test(sha256)) c.fail('weights.sha256', '64 lowercase hex digits', sha256);
  return { bytes: c.whole(get(o, 'bytes'), 'weights.bytes', 8, MAX_WEIGHTS_BYTES), sha256 };
}
