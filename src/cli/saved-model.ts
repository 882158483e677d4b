/**
 * A saved forecaster's two files on disk (the format: src/forecast/saved.ts).
 * They are written as a pair (atomic-write.ts): weights first, then the
 * model.json that vouches for them, so loading refuses the mismatched pair
 * a crash between the two renames would leave.
 */
import { dirname, join } from 'node:path';
import type { FittedRecipe } from '../forecast/recipe.js';
import { loadForecaster, MODEL_FILE, parseSavedForecaster, saveForecaster, WEIGHTS_FILE, type LoadedForecaster } from '../forecast/saved.js';
import type { SavedForecaster, SeriesInfo } from '../forecast/saved-schema.js';
import type { Sequential } from '../model/sequential.js';
import type { OutputFile } from './atomic-write.js';
import { LIMITS } from './limits.js';
import { decodeUtf8, readRegularFile, type FileToRead } from './read-file.js';

/** The files of a saved forecaster in the order they must replace the old ones: the weights, then model.json. */
export async function forecasterFiles(model: Sequential, recipe: FittedRecipe, series: SeriesInfo): Promise<OutputFile[]> {
  const { json, weights } = await saveForecaster(model, recipe, series);
  return [{ name: WEIGHTS_FILE, data: weights }, { name: MODEL_FILE, data: json }];
}

/** A forecaster saved by `forecast`: model.json at `path` and the weights beside it, read within their limits. */
export async function readForecaster(path: string): Promise<LoadedForecaster> {
  const file: FileToRead = {
    path, what: 'a saved model (model.json)', maxBytes: LIMITS.modelJsonBytes,
    hint: `pass the ${MODEL_FILE} written by \`lstm-wasm forecast\` with --model`,
    missing: `no saved model at ${path}; train one with \`lstm-wasm forecast\` (it writes out/${MODEL_FILE}) or pass --model`,
  };
  // model.json is checked before the weights are read: a wrong file is named as such, not as one missing its weights
  return readForecasterWeights(parseSavedForecaster(decodeUtf8(readRegularFile(file), file), path), path);
}

/** The forecaster a checked model.json at `path` describes, with the weights file beside it. */
export async function readForecasterWeights(saved: SavedForecaster, path: string): Promise<LoadedForecaster> {
  const weightsPath = join(dirname(path), WEIGHTS_FILE);
  const weights = readRegularFile({
    path: weightsPath, what: "a saved model's weights", maxBytes: LIMITS.weightsBytes,
    hint: `it is written next to ${MODEL_FILE} by \`lstm-wasm forecast\``,
    missing: `the weights file ${weightsPath} is missing (it is written next to ${MODEL_FILE}); train again with \`lstm-wasm forecast\``,
  });
  return loadForecaster(saved, weights, { json: path, weights: weightsPath });
}
