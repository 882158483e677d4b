/**
 * `lstm-wasm predict --input FILE.json`: the network of a model in any
 * format run on a tensor the user gives as a nested array, the outputs
 * printed as a table or as JSON.
 */
import { backend, init } from '../backend/registry.js';
import { LstmWasmError, show } from '../errors.js';
import type { NestedArray, Tensor } from '../tensor.js';
import { backendOption, CliError, cliFail } from './args.js';
import { LIMITS } from './limits.js';
import { FORMAT_NAMES, readModelOption } from './model-formats.js';
import { checkFinite, printable } from './output.js';
import { decodeUtf8, readRegularFile, type FileToRead } from './read-file.js';

/** `predict --input`: the network of any model on a tensor from a JSON file. */
export async function predictTensor(modelPath: string, inputPath: string, a: { backend: string | boolean | undefined; json: boolean }): Promise<void> {
  const x = readInputTensor(inputPath); // a bad input file is reported before the model is read
  await init(backendOption(a.backend));
  const read = await readModelOption(modelPath);
  try {
    let y: Tensor;
    try {
      y = read.model.predict(x);
    } catch (e) {
      if (e instanceof LstmWasmError && !(e instanceof CliError)) cliFail(`${inputPath}: ${e.message.replace(/^lstm-wasm: /, '')}`);
      throw e;
    }
    const result = { model: modelPath, format: read.format, backend: backend(), shape: y.shape, output: nested(y) };
    checkFinite(result, () => "the network's outputs on this input are not finite numbers; are the inputs scaled as the model was trained?");
    if (a.json) return void process.stdout.write(JSON.stringify(result) + '\n');
    printTensor(`${printable(modelPath)} (${FORMAT_NAMES[read.format]}) on ${printable(inputPath)}`, y);
  } finally {
    read.model.dispose();
  }
}

/** The nested array in a JSON file, checked to be one (its shape and numbers are checked by predict). */
function readInputTensor(path: string): NestedArray {
  const file: FileToRead = { path, what: 'an input tensor (JSON)', maxBytes: LIMITS.inputBytes, hint: 'give a JSON file holding a nested array [batch, time, features] with --input' };
  const text = decodeUtf8(readRegularFile(file), file);
  let x: unknown;
  try {
    x = JSON.parse(text);
  } catch {
    cliFail(`${path} is not valid JSON; ${file.hint}`);
  }
  if (!Array.isArray(x)) cliFail(`${path} holds ${show(x)}, not a nested array; ${file.hint}`);
  return x as NestedArray;
}

/** A tensor's data as nested arrays of its shape. */
function nested(t: Tensor): NestedArray {
  const build = (axis: number, at: number): NestedArray => {
    if (axis === t.shape.length) return t.data[at];
    const stride = t.shape.slice(axis + 1).reduce((a, d) => a * d, 1);
    return Array.from({ length: t.shape[axis] }, (_, i) => build(axis + 1, at + i * stride));
  };
  return build(0, 0);
}

/** The output as rows: one per sample, or per sample and step; the first 20, --json for all. */
function printTensor(title: string, y: Tensor): void {
  const features = y.shape[y.shape.length - 1];
  const rows = y.data.length / Math.max(features, 1);
  const steps = y.shape.length === 3 ? y.shape[1] : 1;
  process.stdout.write(`${title}: output [${y.shape.join(', ')}]\n`);
  const shown = Math.min(rows, 20);
  for (let r = 0; r < shown; r++) {
    const at = y.shape.length === 3 ? `[${Math.floor(r / steps)}, ${r % steps}]` : `[${r}]`;
    const values = Array.from(y.data.subarray(r * features, (r + 1) * features), (v) => v.toFixed(6).padStart(10));
    process.stdout.write(`  ${at.padEnd(8)}${values.join(' ')}\n`);
  }
  if (rows > shown) process.stdout.write(`  (the first ${shown} of ${rows} rows; --json for all)\n`);
}
