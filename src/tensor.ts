/**
 * Tensors as the API sees them: `{ shape, data }`, row-major float32.
 * Every input that takes a Tensor also takes nested number arrays.
 */
import { fail } from './errors.js';

/** A float32 tensor: its `shape` and its `data` in row-major order. */
export interface Tensor {
  shape: number[];
  data: Float32Array;
}

/** A Tensor, or nested arrays of numbers (`number[][][]` for a batch of sequences). */
export type TensorLike = Tensor | NestedArray;
export type NestedArray = number | readonly NestedArray[];

export function isTensor(x: unknown): x is Tensor {
  return typeof x === 'object' && x !== null && 'shape' in x && 'data' in x;
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
    if (!Array.isArray(x.shape) || x.shape.some((d) => !Number.isInteger(d) || d < 0)) {
      fail(`${what}: shape must be an array of non-negative integers, got ${JSON.stringify(x.shape)}`);
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

function fromNested(x: NestedArray, what: string): Tensor {
  const shape: number[] = [];
  let probe: NestedArray = x;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  const data = new Float32Array(sizeOf(shape));
  let n = 0;
  const walk = (v: NestedArray, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof v !== 'number') fail(`${what}${path}: expected a number, got ${describe(v)}`);
      data[n++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      fail(`${what}${path}: ragged nested array (expected ${shape[depth]} entries at depth ${depth}, got ${describe(v)})`);
    }
    for (let i = 0; i < v.length; i++) walk(v[i], depth + 1, `${path}[${i}]`);
  };
  walk(x, 0, '');
  return { shape, data };
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name} (pass typed data as a Tensor { shape, data })`;
  return v === null ? 'null' : typeof v === 'string' ? `the string ${JSON.stringify(v)}` : typeof v;
}

/** Throw naming the first NaN or ±Infinity in `data`. */
export function checkFinite(data: Float32Array, what: string): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v - v !== 0) fail(`${what} contains ${v} at flat index ${i}: inputs must be finite numbers`);
  }
}

/** A fresh tensor holding a copy of `n` floats of `src` from `offset` (floats). */
export function tensorFrom(src: Float32Array, offset: number, shape: number[]): Tensor {
  return { shape, data: src.slice(offset, offset + sizeOf(shape)) };
}
