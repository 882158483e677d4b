/** Reading named tensors out of a user's weight record, with errors that say what is wrong. */
import { fail, show } from '../errors.js';
import { checkFinite, isShape, sizeOf } from '../tensor.js';
import type { Weights } from '../layers/layer.js';

/**
 * The tensor stored under the first of `names` present in `w`, checked to
 * have `shape` and finite values, as a Float32Array. `optional` returns
 * undefined when none is present instead of throwing.
 */
export function takeWeight(w: Weights, names: readonly string[], shape: readonly number[], owner: string, optional = false): Float32Array | undefined {
  const name = names.find((n) => Object.hasOwn(w, n));
  if (name === undefined) {
    if (optional) return undefined;
    fail(`${owner}: missing weight ${show(names[0])} (got ${Object.keys(w).map(show).join(', ') || 'none'})`);
  }
  const t = w[name];
  const what = `${owner}: weight ${show(name)}`;
  if (!t || typeof t !== 'object' || !isShape(t.shape)) fail(`${what} must be { shape, data } with shape an array of whole numbers, got ${show(t)}`);
  const same = t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i]);
  if (!same) fail(`${what} has shape [${t.shape}] but this layer needs [${shape}]`);
  const data = numbersOf(t.data, what);
  if (data.length !== sizeOf(shape)) fail(`${what} has ${data.length} values for shape [${shape}]`);
  checkFinite(data, what);
  return data;
}

/**
 * Weight data as float32: a Float32Array as it is, another typed array or
 * an array converted — but only of numbers. `null` (how JSON writes NaN),
 * strings, booleans and nested arrays are errors, never turned into 0 or 1.
 */
function numbersOf(data: unknown, what: string): Float32Array {
  if (data instanceof Float32Array) return data;
  const isTyped = ArrayBuffer.isView(data) && !(data instanceof DataView) && !(data instanceof BigInt64Array) && !(data instanceof BigUint64Array);
  if (!isTyped && !Array.isArray(data)) fail(`${what}: data must be a Float32Array or an array of numbers, got ${show(data)}`);
  const values = data as ArrayLike<unknown>;
  if (Array.isArray(values)) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v !== 'number') fail(`${what}: data[${i}] is ${show(v)}, not a number${v === null ? ' (JSON writes NaN and Infinity as null)' : ''}`);
    }
  }
  return Float32Array.from(values as ArrayLike<number>);
}

/** Throw if `w` has keys none of `known` accounts for (a strict load, as PyTorch's load_state_dict). */
export function rejectUnknown(w: Weights, known: readonly string[], owner: string): void {
  const extra = Object.keys(w).filter((k) => !known.includes(k));
  if (extra.length) fail(`${owner}: unexpected weight(s) ${extra.slice(0, 5).map(show).join(', ')}${extra.length > 5 ? ` and ${extra.length - 5} more` : ''}; expected ${known.map(show).join(', ')}`);
}

/** Throw unless `w` is a record (of named tensors) at all. */
export function checkWeightRecord(w: unknown, owner: string): asserts w is Weights {
  if (!w || typeof w !== 'object' || Array.isArray(w)) fail(`${owner} needs a record of named tensors { name: { shape, data } }, got ${show(w)}`);
}
