/** Shared by the tests: the backends to run, golden cases, comparisons. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { init, LstmWasmError, type BackendName, type Tensor } from '../src/index.js';
import { rng } from './rng.js';

export const BACKENDS: BackendName[] = ['wasm-simd', 'wasm', 'js'];

/**
 * The builds the numeric core (golden, gradients, finite differences, kernels, reference,
 * activations) runs: each backend, and 'wasm-simd' as both its builds, plain and relaxed SIMD
 * (f32x4.relaxed_madd), at the same tolerances. Elsewhere `init({ backend: 'wasm-simd' })` takes the
 * default, the relaxed build where the runtime has relaxed SIMD (vitest.config.ts gives Node 20 the flag).
 */
export const BUILDS = ['wasm-simd', 'wasm-simd relaxed', 'wasm', 'js'] as const;
export type Build = (typeof BUILDS)[number];

/** init() for one of BUILDS. */
export function initBuild(build: Build): Promise<BackendName> {
  if (build === 'wasm-simd relaxed') return init({ backend: 'wasm-simd', relaxedSimd: true });
  return init({ backend: build, relaxedSimd: build === 'wasm-simd' ? false : undefined });
}

/** The wasm files of BUILDS, for the tests that load kernels directly: a label, the backend name, the file. */
export const WASM_BUILDS = [
  ['wasm-simd', 'wasm-simd', 'build/simd.wasm'],
  ['wasm-simd relaxed', 'wasm-simd', 'build/simd-relaxed.wasm'],
  ['wasm', 'wasm', 'build/scalar.wasm'],
] as const;

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

/** max |a − b| / max |b|: relative to the reference's scale, so near-zero entries do not blow it up. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  return maxAbsDiff(a, b) / scale;
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

export { rng } from './rng.js';

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

/**
 * Run `body` against the built package (dist/, which npm test builds first) in a child process killed
 * after 60 s: a synchronous loop cannot be interrupted by the test runner, so a test of linear time runs
 * here and a quadratic regression fails instead of stalling the run. `lib` in `body` is the package.
 */
export function runBuilt(body: string): { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string } {
  const built = new URL('../dist/index.js', import.meta.url).href;
  const script = `const lib = await import(${JSON.stringify(built)});\n${body}`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000, maxBuffer: 1 << 20 });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}
