/** Shared by the tests: the backends to run, golden cases, comparisons. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { LstmWasmError, type BackendName, type Tensor } from '../src/index.js';

export const BACKENDS: BackendName[] = ['wasm-simd', 'wasm', 'js'];

export const GOLDEN_DIR = fileURLToPath(new URL('./golden/', import.meta.url));

export interface GoldenTensor { shape: number[]; data: number[] }
export interface GoldenCase {
  state_dict: Record<string, GoldenTensor>;
  inputs: Record<string, GoldenTensor>;
  expected: Record<string, GoldenTensor>;
  float64_max_abs_diff: Record<string, number>;
}

export function golden(name: string): GoldenCase {
  return JSON.parse(readFileSync(GOLDEN_DIR + name + '.json', 'utf8'));
}

export function goldenBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(GOLDEN_DIR + name + '.safetensors'));
}

/** A golden tensor as float32 (the JSON numbers round-trip to the exact float32 values). */
export function f32(t: GoldenTensor): Tensor {
  return { shape: t.shape, data: Float32Array.from(t.data) };
}

export function torchWeights(c: GoldenCase, prefix = ''): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(c.state_dict)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = f32(v);
  return out;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= m)) m = d; // NaN propagates as the max
  }
  return m;
}

/** Assert shape equality and max |a − b| ≤ tol; returns the max diff. */
export function expectClose(actual: Tensor, expected: Tensor | GoldenTensor, tol: number, what: string): number {
  if (JSON.stringify(actual.shape) !== JSON.stringify(expected.shape)) {
    throw new Error(`${what}: shape [${actual.shape}] but expected [${expected.shape}]`);
  }
  const d = maxAbsDiff(actual.data, expected.data);
  if (!(d <= tol)) throw new Error(`${what}: max abs diff ${d} > ${tol}`);
  if (process.env.SHOW_DIFFS) console.log(`${what}: max abs diff ${d.toExponential(2)}`);
  return d;
}

/** Deterministic uniform numbers in [lo, hi) for test data. */
export function rng(seed: number): (lo?: number, hi?: number) => number {
  let s = seed >>> 0;
  return (lo = -1, hi = 1) => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 4294967296);
  };
}

export function randomTensor(shape: number[], r: (lo?: number, hi?: number) => number, scale = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = r(-scale, scale);
  return { shape, data };
}

/** Run `fn`, expect an LstmWasmError whose message matches every pattern; return it. */
export function throwsLW(fn: () => unknown, ...patterns: RegExp[]): LstmWasmError {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  return checkLW(err, patterns);
}

/** As throwsLW, for a promise that must reject. */
export async function rejectsLW(p: Promise<unknown>, ...patterns: RegExp[]): Promise<LstmWasmError> {
  let err: unknown;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  return checkLW(err, patterns);
}

function checkLW(err: unknown, patterns: RegExp[]): LstmWasmError {
  if (!(err instanceof LstmWasmError)) {
    throw new Error(`expected an LstmWasmError matching ${patterns.join(' ')}, got ${err === undefined ? 'no error' : String(err)}`);
  }
  for (const p of patterns) expect(err.message).toMatch(p);
  return err;
}
