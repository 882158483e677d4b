/**
 * The CLI's limits: every option that sizes work or memory, and every file
 * it reads, has an upper bound checked before any work is done, so that no
 * option or file can make it hang or run out of memory. Each is named in
 * the commands' --help.
 */
import { MAX_BATCH_SIZE, MAX_EPOCHS, MAX_HORIZON, MAX_LAYERS, MAX_SEED, MAX_UNITS, MAX_WINDOW_VALUES } from '../forecast/forecaster.js';
import { MAX_PERIOD, MAX_WINDOW } from '../forecast/recipe.js';
import { DEFAULT_ENSEMBLE } from '../forecast/auto.js';
import { MAX_MODEL_JSON_BYTES, MAX_SERIES_POINTS, MAX_WEIGHTS_BYTES } from '../forecast/saved-schema.js';

const MiB = 1024 * 1024;

export const LIMITS = {
  // the forecaster's own limits (src/forecast/), checked here before any file is read or work done
  horizon: MAX_HORIZON,
  epochs: MAX_EPOCHS,
  layers: MAX_LAYERS,
  units: MAX_UNITS,
  window: MAX_WINDOW,
  period: MAX_PERIOD,
  batchSize: MAX_BATCH_SIZE,
  /** The one-step model's seed and the ensemble's first: its DEFAULT_ENSEMBLE seeds from it stay within MAX_SEED. */
  seed: MAX_SEED - DEFAULT_ENSEMBLE + 1,
  windowValues: MAX_WINDOW_VALUES,
  // the CLI's own
  /** Steps of `explain`'s heatmaps: more makes an SVG of hundreds of MB. */
  steps: 1000,
  /** Data rows of a CSV (non-blank lines after the header), counted before parsing; also the most a saved model's series may have had. */
  points: MAX_SERIES_POINTS,
  /** A CSV file's size, checked with stat before reading: parsing takes up to ~7× the file's size in memory. */
  csvBytes: 64 * MiB,
  // a saved forecaster's two files (src/forecast/saved-schema.ts)
  modelJsonBytes: MAX_MODEL_JSON_BYTES,
  weightsBytes: MAX_WEIGHTS_BYTES,
  // models from other frameworks (model-formats.ts): a whole .onnx / .keras / .h5, or all of a TF.js model's shards together
  modelFileBytes: MAX_WEIGHTS_BYTES,
  /** How many weight files a TF.js manifest may name: each is opened, so a corrupt list must not open thousands. */
  shards: 1000,
  /** `predict --input`'s JSON tensor: parsing takes a few times the file's size in memory. */
  inputBytes: 64 * MiB,
} as const;

/** "64 MiB", "1,000,000": a limit as --help and error messages show it. */
export function showBytes(bytes: number): string {
  return bytes >= MiB ? `${bytes / MiB} MiB` : `${bytes / 1024} KiB`;
}

export function showCount(n: number): string {
  return n.toLocaleString('en-US');
}
