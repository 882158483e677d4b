/**
 * A saved forecaster on disk: model.json (architecture, fitted recipe,
 * what it was trained on, and the size and SHA-256 of its weights) and
 * model.safetensors (the weights) beside it.
 *
 * The two are written as a pair (atomic-write.ts): weights first, then
 * model.json. A crash between the two renames leaves a model.json beside
 * weights it does not vouch for, and loading refuses that pair, as it
 * refuses weights copied over from another save. Nothing is used before
 * model.json has passed its schema (saved-model-schema.ts).
 */
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { FittedRecipe } from '../forecast/recipe.js';
import { Sequential } from '../model/sequential.js';
import { cliFail } from './args.js';
import type { OutputFile } from './atomic-write.js';
import { LIMITS } from './limits.js';
import { decodeUtf8, readRegularFile, type FileToRead } from './read-file.js';
import { checkSavedForecaster, FORECASTER_FORMAT, FORECASTER_VERSION, type SavedForecaster, type SeriesInfo, type WeightsRecord } from './saved-model-schema.js';

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'model.safetensors';

/** The files of a saved forecaster in the order they must replace the old ones: the weights, then the model.json that vouches for them. */
export function forecasterFiles(model: Sequential, recipe: FittedRecipe, series: SeriesInfo): OutputFile[] {
  const { json, weights } = model.save();
  const saved: SavedForecaster = {
    format: FORECASTER_FORMAT, version: FORECASTER_VERSION, model: json, recipe: recipe.toJSON(), series,
    weights: { bytes: weights.length, sha256: sha256(weights) },
  };
  return [{ name: WEIGHTS_FILE, data: weights }, { name: MODEL_FILE, data: JSON.stringify(saved, null, 1) + '\n' }];
}

export interface LoadedForecaster {
  model: Sequential;
  recipe: FittedRecipe;
  saved: SavedForecaster;
  /** For the user (stderr): e.g. a version 1 file whose weights cannot be checked. */
  warnings: string[];
}

/** A forecaster saved by `forecast`: model.json at `path`, checked, and the weights beside it, checked against it. */
export function loadForecaster(path: string): LoadedForecaster {
  const saved = readSavedForecaster(path);
  const weightsPath = join(dirname(path), WEIGHTS_FILE);
  const weights = readRegularFile({
    path: weightsPath, what: "a saved model's weights", maxBytes: LIMITS.weightsBytes,
    hint: `it is written next to ${MODEL_FILE} by \`lstm-wasm forecast\``,
    missing: `the weights file ${weightsPath} is missing (it is written next to ${MODEL_FILE}); train again with \`lstm-wasm forecast\``,
  });
  const warnings: string[] = [];
  if (saved.weights) checkPair(weights, saved.weights, path, weightsPath);
  else warnings.push(`${path} is a version 1 model.json, which does not record its weights, so weights from another save would go unnoticed; run \`lstm-wasm forecast\` again to save a checked pair`);
  const model = Sequential.load(saved.model, weights);
  try {
    return { model, recipe: FittedRecipe.fromJSON(saved.recipe), saved, warnings };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

function readSavedForecaster(path: string): SavedForecaster {
  const file: FileToRead = {
    path, what: 'a saved model (model.json)', maxBytes: LIMITS.modelJsonBytes,
    hint: `pass the ${MODEL_FILE} written by \`lstm-wasm forecast\` with --model`,
    missing: `no saved model at ${path}; train one with \`lstm-wasm forecast\` (it writes out/${MODEL_FILE}) or pass --model`,
  };
  const text = decodeUtf8(readRegularFile(file), file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    cliFail(`${path} is not valid JSON; pass the ${MODEL_FILE} written by \`lstm-wasm forecast\``);
  }
  return checkSavedForecaster(parsed, path);
}

function checkPair(weights: Uint8Array, record: WeightsRecord, jsonPath: string, weightsPath: string): void {
  if (weights.length === record.bytes && sha256(weights) === record.sha256) return;
  cliFail(`${weightsPath} is not the weights ${jsonPath} was saved with (${weights.length} bytes, expected ${record.bytes} with SHA-256 ${record.sha256.slice(0, 12)}…): the two files come from different saves, e.g. an interrupted \`lstm-wasm forecast\`; train again or put back the matching pair`);
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
