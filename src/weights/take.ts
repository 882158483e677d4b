/** Reading named tensors out of a user's weight record, with errors that say what is wrong. */
import { fail } from '../errors.js';
import { checkFinite, sizeOf } from '../tensor.js';
import type { Weights } from '../layers/layer.js';

/**
 * The tensor stored under the first of `names` present in `w`, checked to
 * have `shape` and finite values, as a Float32Array. `optional` returns
 * undefined when none is present instead of throwing.
 */
export function takeWeight(w: Weights, names: readonly string[], shape: readonly number[], owner: string, optional = false): Float32Array | undefined {
  const name = names.find((n) => n in w);
  if (name === undefined) {
    if (optional) return undefined;
    fail(`${owner}: missing weight ${JSON.stringify(names[0])} (got ${Object.keys(w).map((k) => JSON.stringify(k)).join(', ') || 'none'})`);
  }
  const t = w[name];
  if (!t || !Array.isArray(t.shape) || !t.data) fail(`${owner}: weight ${JSON.stringify(name)} must be { shape, data }`);
  const same = t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i]);
  if (!same) fail(`${owner}: weight ${JSON.stringify(name)} has shape [${t.shape}] but this layer needs [${shape}]`);
  if (t.data.length !== sizeOf(shape)) fail(`${owner}: weight ${JSON.stringify(name)} has ${t.data.length} values for shape [${shape}]`);
  const data = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data);
  checkFinite(data, `${owner}: weight ${JSON.stringify(name)}`);
  return data;
}

/** Throw if `w` has keys none of `known` accounts for (a strict load, as PyTorch's load_state_dict). */
export function rejectUnknown(w: Weights, known: readonly string[], owner: string): void {
  const extra = Object.keys(w).filter((k) => !known.includes(k));
  if (extra.length) fail(`${owner}: unexpected weight(s) ${extra.map((k) => JSON.stringify(k)).join(', ')}; expected ${known.map((k) => JSON.stringify(k)).join(', ')}`);
}

/** Throw unless `w` is a record (of named tensors) at all. */
export function checkWeightRecord(w: unknown, owner: string): asserts w is Weights {
  if (!w || typeof w !== 'object' || Array.isArray(w)) fail(`${owner} needs a record of named tensors { name: { shape, data } }, got ${w === null ? 'null' : Array.isArray(w) ? 'an array' : typeof w}`);
}
