/**
 * Writing a model in one of the formats the CLI writes, and deciding which
 * one from OUT (`lstm-wasm convert IN OUT [--to FORMAT]`):
 *
 *   --to onnx|tfjs|lstm-wasm   wins over OUT's extension (but .onnx with
 *                              another format, or .json with onnx, is refused
 *                              as a contradiction)
 *   OUT ending in .onnx        ONNX, that one file
 *   OUT ending in .json        lstm-wasm: X.json + X.safetensors beside it;
 *                              with --to tfjs, TF.js: X.json + X.weights.bin
 *   OUT a folder (ending in /, without an extension, or an existing folder)
 *                              model.json + model.safetensors in it (tfjs:
 *                              model.json + model.weights.bin; onnx: model.onnx)
 *   .keras, .h5                refused: lstm-wasm reads Keras files but does
 *                              not write them
 *
 * A .json OUT is the library's own format unless told otherwise because it is
 * the one that keeps everything lstm-wasm has (TF.js and ONNX have no place
 * for some options). The files go through writeFilesAtomically: all written
 * in full before any replaces an old one, the weights before the JSON that
 * names them.
 */
import { accessSync, constants, lstatSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve, sep } from 'node:path';
import { show } from '../errors.js';
import { MODEL_FILE } from '../forecast/saved.js';
import type { Sequential } from '../model/sequential.js';
import { cliFail } from './args.js';
import { reason, type OutputFile } from './atomic-write.js';

export const OUT_FORMATS = ['onnx', 'tfjs', 'lstm-wasm'] as const;
export type OutFormat = (typeof OUT_FORMATS)[number];

/** Where a model goes and as what. */
export interface OutputPlan {
  format: OutFormat;
  /** The folder the files go into. */
  dir: string;
  /** The files' names in `dir`, in the order they replace old ones: the weights first, the file naming them last. */
  names: string[];
}

const KERAS_EXTENSIONS = ['.keras', '.h5', '.hdf5'];

/** OUT and --to, turned into the format and files to write (rules above). Nothing is touched. */
export function planOutput(out: string, to: OutFormat | undefined): OutputPlan {
  const ext = extname(out).toLowerCase();
  if (KERAS_EXTENSIONS.includes(ext)) cliFail(`${out}: lstm-wasm reads Keras files but does not write them; write a .onnx file, a TF.js model.json (--to tfjs) or an lstm-wasm model.json`);
  if (ext === '.onnx' || ext === '.json') {
    const format = to ?? (ext === '.onnx' ? 'onnx' : 'lstm-wasm');
    if ((ext === '.onnx') !== (format === 'onnx')) cliFail(`${out} ends in ${ext} but --to says ${format}; ${format === 'onnx' ? 'an ONNX model is written to a .onnx file' : `${format} writes a .json file (or a folder)`}`);
    const base = basename(out, extname(out));
    return { format, dir: dirname(out), names: namesOf(format, base, basename(out)) };
  }
  if (out.endsWith('/') || out.endsWith(sep) || ext === '' || isFolder(out)) {
    const format = to ?? 'lstm-wasm';
    return { format, dir: out, names: namesOf(format, 'model', format === 'onnx' ? 'model.onnx' : MODEL_FILE) };
  }
  cliFail(`${out}: the extension ${show(ext)} says no format lstm-wasm writes; give a .onnx or .json file or a folder (lstm-wasm convert --help)`);
}

function namesOf(format: OutFormat, base: string, file: string): string[] {
  if (format === 'onnx') return [file];
  if (format === 'tfjs') return [`${base}.weights.bin`, file];
  return [`${base}.safetensors`, file];
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Fail now, before the model is read, if the files cannot be written: the
 * folder (or the nearest one above it that exists) is a file or not
 * writable, or something that is not a file is where a file should go.
 */
export function checkOutput(plan: OutputPlan): void {
  let existing = resolve(plan.dir);
  while (!exists(existing) && dirname(existing) !== existing) existing = dirname(existing);
  if (!isFolder(existing)) cliFail(`${existing} is a file, not a folder, so nothing can be written into ${plan.dir}; choose another OUT`);
  try {
    accessSync(existing, constants.W_OK);
  } catch (e) {
    cliFail(`cannot write into ${existing}: ${reason(e)}; choose another OUT`);
  }
  for (const name of plan.names) {
    const target = join(plan.dir, name);
    let info;
    try {
      info = lstatSync(target);
    } catch {
      continue; // missing: it will be created
    }
    if (!info.isFile() && !info.isSymbolicLink()) cliFail(`cannot write ${target}: a folder (or something else that is not a file) is in the way; move it or choose another OUT`);
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The files of `model` in the plan's format, contents made in memory (nothing written yet). */
export function modelFiles(model: Sequential, plan: OutputPlan): OutputFile[] {
  const [first, second] = plan.names;
  switch (plan.format) {
    case 'onnx':
      return [{ name: first, data: model.toOnnx() }];
    case 'tfjs': {
      const { modelJson, weights } = model.toTfjs();
      // toTfjs writes one weights group; its manifest names the shard written beside this model.json,
      // so that two models can share a folder
      const manifest = modelJson.weightsManifest.map((g) => ({ ...g, paths: [first] }));
      return [{ name: first, data: weights }, { name: second, data: JSON.stringify({ ...modelJson, weightsManifest: manifest }) + '\n' }];
    }
    case 'lstm-wasm': {
      const { json, weights } = model.save();
      return [{ name: first, data: weights }, { name: second, data: JSON.stringify(json, null, 1) + '\n' }];
    }
  }
}
