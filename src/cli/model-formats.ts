/**
 * Reading a model from disk in any format the CLI knows, told apart by the
 * path and, for JSON, by what the file holds:
 *
 *   .onnx             ONNX (loadOnnx)
 *   .keras, .h5       Keras 3 / Keras 2 (loadKeras)
 *   .json             a TF.js model.json (modelTopology + weightsManifest;
 *                     its shards read from the paths the manifest names),
 *                     an lstm-wasm model ("format": "lstm-wasm", X.json with
 *                     X.safetensors beside it), or a forecaster saved by
 *                     `lstm-wasm forecast` (model.json + model.safetensors)
 *   a folder          its model.json, read as above
 *
 * Every file's size is checked (limits.ts) before it is read; a TF.js shard
 * must lie inside the model.json's folder, so a manifest cannot make the CLI
 * read /etc/shadow or ../../secrets.
 */
import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { LstmWasmError, show } from '../errors.js';
import { checkSavedForecaster, FORECASTER_FORMAT } from '../forecast/saved-schema.js';
import { MODEL_FILE, WEIGHTS_FILE, type LoadedForecaster } from '../forecast/saved.js';
import { loadKeras } from '../io/keras/load.js';
import { loadOnnx } from '../io/onnx/load.js';
import { loadTfjs } from '../io/tfjs/load.js';
import { Sequential } from '../model/sequential.js';
import { cliFail, CliError } from './args.js';
import { LIMITS, showCount } from './limits.js';
import { printWarnings } from './output.js';
import { decodeUtf8, readRegularFile, type FileToRead } from './read-file.js';
import { readForecasterWeights } from './saved-model.js';

export type InFormat = 'onnx' | 'keras' | 'tfjs' | 'lstm-wasm' | 'forecaster';

/** How the formats are named in what the CLI prints. */
export const FORMAT_NAMES: Record<InFormat, string> = {
  onnx: 'ONNX', keras: 'Keras', tfjs: 'TF.js layers model', 'lstm-wasm': 'lstm-wasm model', forecaster: 'lstm-wasm forecaster',
};

export interface ModelOnDisk {
  model: Sequential;
  format: InFormat;
  /** The files read, model file first. */
  files: string[];
  /** A saved forecaster's recipe and series; undefined for a plain network. */
  forecaster?: LoadedForecaster;
}

/** How a command names the path in messages: `--model` (predict, summary) or `IN` (convert). */
export interface ModelPathRole {
  /** What to do about a wrong path, e.g. "pass a model with --model". */
  hint: string;
  /** The whole message when the path does not exist (default: no such file). */
  missing?: string;
}

const KERAS_EXTENSIONS = ['.keras', '.h5', '.hdf5'];

/** The model at `path`, whatever its format; the caller disposes `model`. */
export async function readModel(path: string, role: ModelPathRole): Promise<ModelOnDisk> {
  const file = modelFileIn(path, role);
  const ext = extname(file).toLowerCase();
  if (ext === '.onnx') return { model: loaded(file, () => loadOnnx(readBinary(file, 'an ONNX model', role))), format: 'onnx', files: [file] };
  if (KERAS_EXTENSIONS.includes(ext)) return { model: loaded(file, () => loadKeras(readBinary(file, 'a Keras model', role))), format: 'keras', files: [file] };
  if (ext === '.json') return readJsonModel(file, role);
  cliFail(`${file}: ${ext ? `the extension ${show(ext)} is not a model format lstm-wasm reads` : 'a file without an extension is not a model lstm-wasm reads'}; give a .onnx, .keras or .h5 file, a TF.js or lstm-wasm model.json, or a folder holding model.json`);
}

/** The model --model names, in any format; a forecaster's warnings (an unchecked version 1 pair) shown. */
export async function readModelOption(path: string): Promise<ModelOnDisk> {
  const read = await readModel(path, {
    hint: 'pass a model with --model: a .onnx, .keras or .h5 file, a model.json, or a folder holding one',
    missing: `no saved model at ${path}; train one with \`lstm-wasm forecast\` (it writes out/${MODEL_FILE}) or pass --model`,
  });
  if (read.forecaster) printWarnings(read.forecaster.warnings);
  return read;
}

/** `path` itself, or the model.json inside it when it is a folder. */
function modelFileIn(path: string, role: ModelPathRole): string {
  let isFolder = false;
  try {
    isFolder = statSync(path).isDirectory();
  } catch {
    // missing: reading it says so, in the command's words
  }
  if (!isFolder) return path;
  const inside = join(path, MODEL_FILE);
  try {
    statSync(inside);
  } catch {
    cliFail(`${path} is a folder without a ${MODEL_FILE}, so it holds no model lstm-wasm reads; ${role.hint}`);
  }
  return inside;
}

function readBinary(path: string, what: string, role: ModelPathRole): Uint8Array {
  return readRegularFile({ path, what, maxBytes: LIMITS.modelFileBytes, hint: role.hint, missing: role.missing });
}

/**
 * Run a library loader, its errors naming the file they are about. A
 * CliError (a file the CLI could not read) already does.
 */
function loaded(path: string, load: () => Sequential): Sequential {
  try {
    return load();
  } catch (e) {
    if (e instanceof LstmWasmError && !(e instanceof CliError)) cliFail(`${path}: ${e.message.replace(/^lstm-wasm: /, '')}`);
    throw e;
  }
}

async function readJsonModel(path: string, role: ModelPathRole): Promise<ModelOnDisk> {
  const file: FileToRead = { path, what: 'a saved model (model.json)', maxBytes: LIMITS.modelJsonBytes, hint: role.hint, missing: role.missing };
  let json: unknown;
  try {
    json = JSON.parse(decodeUtf8(readRegularFile(file), file));
  } catch (e) {
    if (e instanceof CliError) throw e;
    cliFail(`${path} is not valid JSON, so it is no model.json; ${role.hint}`);
  }
  const o = (typeof json === 'object' && json !== null && !Array.isArray(json) ? json : {}) as Record<string, unknown>;
  if (o.format === FORECASTER_FORMAT) {
    // checked field by field before its weights are read: a wrong file is named as such, not as one missing its weights
    const forecaster = await readForecasterWeights(checkSavedForecaster(json, path), path);
    return { model: forecaster.model, format: 'forecaster', files: [path, join(dirname(path), WEIGHTS_FILE)], forecaster };
  }
  if (o.format === 'lstm-wasm') {
    const weightsPath = siblingWeights(path);
    const weights = readRegularFile({
      path: weightsPath, what: "an lstm-wasm model's weights", maxBytes: LIMITS.weightsBytes, hint: `it is saved beside ${basename(path)}`,
      missing: `the weights ${weightsPath} of the lstm-wasm model ${path} are missing (they are saved beside it, under the same name)`,
    });
    return { model: loaded(path, () => Sequential.load(o as never, weights)), format: 'lstm-wasm', files: [path, weightsPath] };
  }
  if ('modelTopology' in o || 'weightsManifest' in o) {
    const shards = tfjsShards(path, o.weightsManifest);
    const weights = shards.map((s) => readRegularFile({
      path: s, what: 'a TF.js weights file', maxBytes: LIMITS.modelFileBytes, hint: `it is named in ${path}'s weightsManifest`,
      missing: `the weights file ${s} named in ${path}'s weightsManifest is missing; copy it beside ${basename(path)}`,
    }));
    return { model: loaded(path, () => loadTfjs(o, weights)), format: 'tfjs', files: [path, ...shards] };
  }
  cliFail(`${path} is JSON but not a model lstm-wasm reads: a TF.js model.json (with modelTopology and weightsManifest), an lstm-wasm model ("format": "lstm-wasm") or a forecaster saved by \`lstm-wasm forecast\`; ${role.hint}`);
}

/** X.json's weights: X.safetensors beside it (model.json → model.safetensors, as model.save() pairs are written). */
export function siblingWeights(jsonPath: string): string {
  return join(dirname(jsonPath), `${basename(jsonPath, extname(jsonPath))}.safetensors`);
}

/**
 * The shard files a TF.js manifest names, in manifest order, each checked to
 * lie inside the model.json's folder (by its path, and by the file the path
 * resolves to, links followed) and all of them together within the size
 * limit, before any is read. A manifest of the wrong shape is left to
 * loadTfjs, which names what is wrong in it.
 */
function tfjsShards(jsonPath: string, manifest: unknown): string[] {
  if (!Array.isArray(manifest)) return [];
  const names: string[] = [];
  for (const group of manifest.slice(0, LIMITS.shards + 1)) {
    const paths = (group as { paths?: unknown })?.paths;
    if (Array.isArray(paths)) names.push(...paths.slice(0, LIMITS.shards + 1).filter((p): p is string => typeof p === 'string'));
    if (names.length > LIMITS.shards) cliFail(`${jsonPath}: the weightsManifest names more than ${showCount(LIMITS.shards)} weight files; it is corrupt or not a TF.js model`);
  }
  const folder = resolve(dirname(jsonPath));
  const shards = names.map((name) => {
    const full = resolve(folder, name);
    if (!isInside(folder, full)) cliFail(`${jsonPath}: the weightsManifest names ${show(name)}, which is outside the folder of the model.json; a model's weight files must sit beside it`);
    return join(dirname(jsonPath), relative(folder, full));
  });
  let total = 0;
  for (const s of shards) {
    let real: string;
    try {
      real = realpathSync(s);
      total += statSync(real).size;
    } catch {
      continue; // missing: reading it says so
    }
    if (!isInside(realpathSync(folder), real)) cliFail(`${jsonPath}: the weights file ${s} links to ${real}, outside the folder of the model.json; a model's weight files must sit beside it`);
  }
  if (total > LIMITS.modelFileBytes) cliFail(`${jsonPath}: its weight files hold ${showCount(total)} bytes, more than the ${LIMITS.modelFileBytes / 1024 / 1024} MiB a model's weights may have`);
  return shards;
}

function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}
