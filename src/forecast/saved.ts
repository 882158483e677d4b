/**
 * A saved forecaster: model.json (architecture, fitted recipe, what it was
 * trained on, and the size and SHA-256 of its weights) and
 * model.safetensors (the weights) beside it — what `lstm-wasm forecast`
 * writes and `predict`, `summary`, `explain` and the browser demo load.
 *
 * No file access here: the two files' contents in, the two files' contents
 * out, so the CLI (which reads and writes the files) and a browser (which
 * gets them from a file picker or fetch) load the same thing the same way.
 * The digest is WebCrypto's, present in Node ≥ 20, browsers (in a secure
 * context: https or localhost) and edge runtimes.
 *
 * A model.json beside weights it does not vouch for (a crash between the
 * CLI's two renames, or weights copied over from another save) is refused.
 * Nothing is used before model.json has passed its schema (saved-schema.ts).
 */
import { fail } from '../errors.js';
import { Sequential } from '../model/sequential.js';
import { FittedRecipe } from './recipe.js';
import { checkSavedForecaster, FORECASTER_FORMAT, FORECASTER_VERSION, type SavedForecaster, type SeriesInfo, type WeightsRecord } from './saved-schema.js';

/** The usual names of the two files, side by side in one folder. */
export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'model.safetensors';

/** The contents of a saved forecaster's two files. */
export interface ForecasterFiles {
  /** model.json's text. */
  json: string;
  /** model.safetensors' bytes. */
  weights: Uint8Array;
}

/** The two files of a trained forecaster; `series` says what it was trained on. */
export async function saveForecaster(model: Sequential, recipe: FittedRecipe, series: SeriesInfo): Promise<ForecasterFiles> {
  const { json, weights } = model.save();
  const saved: SavedForecaster = {
    format: FORECASTER_FORMAT, version: FORECASTER_VERSION, model: json, recipe: recipe.toJSON(), series,
    weights: { bytes: weights.length, sha256: await sha256(weights) },
  };
  return { json: JSON.stringify(saved, null, 1) + '\n', weights };
}

export interface LoadedForecaster {
  model: Sequential;
  recipe: FittedRecipe;
  saved: SavedForecaster;
  /** For the user: e.g. a version 1 file whose weights cannot be checked. */
  warnings: string[];
}

/** How the two files are named in messages (their paths for the CLI). */
export interface FileNames {
  json: string;
  weights: string;
}

/** model.json's text, parsed and checked field by field; `name` names it in messages (its path for the CLI). */
export function parseSavedForecaster(text: string, name = MODEL_FILE): SavedForecaster {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    fail(`${name} is not valid JSON; pass the ${MODEL_FILE} written by \`lstm-wasm forecast\``);
  }
  return checkSavedForecaster(parsed, name);
}

/**
 * The forecaster a checked model.json describes, with the weights saved
 * beside it (checked against it first); dispose() its model when done.
 */
export async function loadForecaster(saved: SavedForecaster, weights: Uint8Array, names: FileNames = { json: MODEL_FILE, weights: WEIGHTS_FILE }): Promise<LoadedForecaster> {
  const warnings: string[] = [];
  if (saved.weights) await checkPair(weights, saved.weights, names);
  else warnings.push(`${names.json} is a version 1 model.json, which does not record its weights, so weights from another save would go unnoticed; run \`lstm-wasm forecast\` again to save a checked pair`);
  const model = Sequential.load(saved.model, weights);
  try {
    return { model, recipe: FittedRecipe.fromJSON(saved.recipe), saved, warnings };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

async function checkPair(weights: Uint8Array, record: WeightsRecord, names: FileNames): Promise<void> {
  if (weights.length === record.bytes && (await sha256(weights)) === record.sha256) return;
  fail(`${names.weights} is not the weights ${names.json} was saved with (${weights.length} bytes, expected ${record.bytes} with SHA-256 ${record.sha256.slice(0, 12)}…): the two files come from different saves, e.g. an interrupted \`lstm-wasm forecast\`; train again or put back the matching pair`);
}

/** Lowercase hex, as model.json records it. */
async function sha256(bytes: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) fail('checking a saved model needs WebCrypto (crypto.subtle), which this runtime lacks; browsers offer it only on https or localhost pages');
  // weights come from a file or model.save(), never from shared memory, which WebCrypto would refuse
  const digest = new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
