/**
 * Tensors as the API sees them: `{ shape, data }`, row-major float32.
 * Every input that takes a Tensor also takes nested number arrays.
 */
import { fail, show } from './errors.js';

/** A float32 tensor: its `shape` and its `data` in row-major order. */
export interface Tensor {
  shape: number[];
  data: Float32Array;
}

/** A Tensor, or nested arrays of numbers (`number[][][]` for a batch of sequences). */
export type TensorLike = Tensor | NestedArray;
export type NestedArray = number | readonly NestedArray[];

function isTensor(x: unknown): x is Tensor {
  return typeof x === 'object' && x !== null && 'shape' in x && 'data' in x;
}

/** Is `s` a shape: an array of whole numbers ≥ 0 (safe integers, so a product of them is exact or clearly too big)? */
export function isShape(s: unknown): s is number[] {
  return Array.isArray(s) && s.every((d) => Number.isSafeInteger(d) && d >= 0);
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Normalize `x` to a Tensor and check it: a well-formed shape, float32
 * data of the right length, and (unless allowNonFinite) no NaN or ±Infinity.
 * `what` names the argument in error messages.
 */
export function toTensor(x: TensorLike, what: string): Tensor {
  let t: Tensor;
  if (isTensor(x)) {
    if (!isShape(x.shape) || x.shape.length > MAX_RANK) {
      fail(`${what}: shape must be an array of at most ${MAX_RANK} non-negative integers, got ${show(x.shape)}`);
    }
    if (!(x.data instanceof Float32Array)) {
      const kind = (x.data as object)?.constructor?.name ?? typeof x.data;
      fail(`${what}: data must be a Float32Array (dtype float32), got ${kind}`);
    }
    if (x.data.length !== sizeOf(x.shape)) {
      fail(`${what}: data has ${x.data.length} values but shape [${x.shape}] needs ${sizeOf(x.shape)}`);
    }
    t = x;
  } else {
    t = fromNested(x, what);
  }
  checkFinite(t.data, what);
  return t;
}

/** The most axes a tensor (or nested array) may have: more is a mistake, and deep nesting would exhaust the stack. */
const MAX_RANK = 8;

/**
 * Nested arrays to a tensor in two passes: first the shape is taken and
 * every entry checked (regular, numbers only), then the data is
 * allocated — so a ragged or lying array fails before anything of the
 * size it claims is allocated.
 */
function fromNested(x: NestedArray, what: string): Tensor {
  const shape: number[] = [];
  let probe: NestedArray = x;
  while (Array.isArray(probe)) {
    if (shape.length === MAX_RANK) fail(`${what}: nested arrays deeper than ${MAX_RANK} levels`);
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  const at: number[] = []; // the index path of the entry being visited, for messages
  const path = () => at.map((i) => `[${i}]`).join('');
  const visit = (v: NestedArray, depth: number, leaf: (n: number) => void): void => {
    if (depth === shape.length) {
      if (typeof v !== 'number') fail(`${what}${path()}: expected a number, got ${describe(v)}`);
      leaf(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      fail(`${what}${path()}: ragged nested array (expected ${shape[depth]} entries at depth ${depth}, got ${describe(v)})`);
    }
    for (let i = 0; i < v.length; i++) {
      at.push(i);
      visit(v[i], depth + 1, leaf);
      at.pop();
    }
  };
  visit(x, 0, () => {});
  const data = new Float32Array(sizeOf(shape));
  let n = 0;
  visit(x, 0, (v) => (data[n++] = v));
  return { shape, data };
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name} (pass typed data as a Tensor { shape, data })`;
  return v === null ? 'null' : typeof v === 'string' ? `the string ${show(v)}` : typeof v;
}

/** Throw naming the first NaN or ±Infinity in `data`. */
export function checkFinite(data: Float32Array, what: string): void {
  // three scans in the engine's own code (includes compares by SameValueZero, so it finds NaN): as fast on
  // the first call as on the hundredth, where a loop here runs interpreted until V8 optimizes it, which
  // was most of setWeights' time in a fresh process (issue 12, cold start); the loop only names the culprit
  if (!data.includes(NaN) && !data.includes(Infinity) && !data.includes(-Infinity)) return;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v - v !== 0) fail(`${what} contains ${v} at flat index ${i}: inputs must be finite numbers`);
  }
}

