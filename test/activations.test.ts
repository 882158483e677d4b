/**
 * The error bound of the hot-loop σ and tanh (assembly/activations.ts, through
 * the activate kernel, whose σ and tanh they are) in
 * every wasm build (SIMD, relaxed SIMD, scalar), against float64 references computed here: a dense grid
 * over [−30, 30] plus the special values XNNPACK's tests list for every
 * kernel (0, −0, ±tiny, ±10, ±inf, NaN) and the edges of the approximations
 * (the exp flush near 87.34, tanh's saturation at 9.0109).
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Arena } from '../src/backend/arena.js';
import { Act, type Kernels } from '../src/backend/kernels.js';
import { createWasmKernels } from '../src/backend/wasm.js';
import { WASM_BUILDS } from './helpers.js';

const BOUND = 2e-7;                 // max abs error promised in DESIGN.md
const GRID = 4_000_000;             // points over [−30, 30]
const CHUNK = 1 << 20;              // floats per kernel call (keeps memory from growing)

const SPECIAL = [
  0, -0, 1e-8, -1e-8, 1e-30, -1e-30, 1.4e-45, -1.4e-45, 0.5, -0.5, 1, -1, 10, -10,
  9, -9, 9.0109, -9.0109, 9.02, -9.02, 20, -20, 87.3, -87.3, 87.34, -87.34, 88, -88, 89, -89,
  104, -104, 1e10, -1e10, 3.4e38, -3.4e38, Infinity, -Infinity, NaN,
];

const sigmoid64 = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

/** The grid (float32 values) followed by the special values. */
function inputs(): Float32Array {
  const x = new Float32Array(GRID + SPECIAL.length);
  for (let i = 0; i < GRID; i++) x[i] = -30 + (60 * i) / (GRID - 1);
  x.set(SPECIAL, GRID);
  return x;
}

interface Build { name: string; k: Kernels; arena: Arena }
const builds: Build[] = [];
let x: Float32Array;

beforeAll(async () => {
  for (const [label, name, file] of WASM_BUILDS) {
    const k = await createWasmKernels(name, await WebAssembly.compile(readFileSync(file)));
    builds.push({ name: label, k, arena: new Arena(k.heap) });
  }
  x = inputs();
});

/** y = f(x) through the kernel, in chunks. */
function apply(b: Build, f: 'sigmoid' | 'tanh', x: Float32Array): Float32Array {
  const y = new Float32Array(x.length);
  const px = b.arena.allocFloats(CHUNK), py = b.arena.allocFloats(CHUNK);
  for (let at = 0; at < x.length; at += CHUNK) {
    const n = Math.min(CHUNK, x.length - at);
    new Float32Array(b.k.heap.buffer).set(x.subarray(at, at + n), px >> 2);
    b.k.activate(px, 1, n, n, Act[f], py); // one row of n floats: the SIMD body and the scalar tail
    y.set(new Float32Array(b.k.heap.buffer, py, n), at);
  }
  b.arena.release(px);
  b.arena.release(py);
  return y;
}

/** Max |y − ref(x)| over the finite inputs, and where. */
function maxError(x: Float32Array, y: Float32Array, ref: (v: number) => number): { err: number; at: number } {
  let err = 0, at = NaN;
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(x[i])) continue;
    const e = Math.abs(y[i] - ref(x[i]));
    if (!(e <= err)) { err = e; at = x[i]; }   // a NaN output becomes the max
  }
  return { err, at };
}

describe('activations: measured error bound of the approximations', () => {
  for (const [fn, ref] of [['sigmoid', sigmoid64], ['tanh', Math.tanh]] as const) {
    it(`${fn}: max abs error ≤ ${BOUND} in every build, and the builds agree bit for bit`, () => {
      const ys = builds.map((b) => apply(b, fn, x));
      for (const [i, b] of builds.entries()) {
        const { err, at } = maxError(x, ys[i], ref);
        console.log(`${b.name.padEnd(17)} ${fn}: max abs error ${err.toExponential(2)} at x = ${at} (${x.length} points)`);
        expect(err, `${b.name} ${fn}`).toBeLessThanOrEqual(BOUND);
      }
      // one algorithm, no FMA (the relaxed build keeps these mul+add too: the bound is measured for
      // them), correctly rounded f32 ops: the builds must round identically
      const a = new Uint32Array(ys[0].buffer);
      for (let j = 1; j < builds.length; j++) {
        const s = new Uint32Array(ys[j].buffer);
        let mismatches = 0;
        for (let i = 0; i < a.length; i++) if (a[i] !== s[i] && !(Number.isNaN(ys[0][i]) && Number.isNaN(ys[j][i]))) mismatches++;
        expect(mismatches, `${builds[0].name} vs ${builds[j].name} build: values that differ`).toBe(0);
      }
    });
  }

  it('special values', () => {
    for (const b of builds) {
      const v = new Float32Array([0, -0, Infinity, -Infinity, NaN, 1e-8, -1e-8, 10, -10, 200, -200]);
      const s = apply(b, 'sigmoid', v), t = apply(b, 'tanh', v);
      const at = (a: Float32Array, xv: number): number => a[Array.from(v).findIndex((u) => Object.is(u, Math.fround(xv)))];
      expect(at(s, 0), `${b.name} σ(0)`).toBe(0.5);
      expect(at(s, -0), `${b.name} σ(−0)`).toBe(0.5);
      expect(at(s, Infinity), `${b.name} σ(+inf)`).toBe(1);
      expect(at(s, -Infinity), `${b.name} σ(−inf)`).toBe(0);
      expect(at(s, 200), `${b.name} σ(200)`).toBe(1);
      expect(at(s, -200), `${b.name} σ(−200)`).toBe(0);
      expect(Number.isNaN(s[4]), `${b.name} σ(NaN)`).toBe(true);
      expect(Math.abs(at(s, 1e-8) - 0.5), `${b.name} σ(1e-8)`).toBeLessThanOrEqual(BOUND);
      expect(Math.abs(at(s, -10) - sigmoid64(-10)), `${b.name} σ(−10)`).toBeLessThanOrEqual(BOUND);
      expect(Object.is(at(t, 0), 0), `${b.name} tanh(0) = +0`).toBe(true);
      expect(Object.is(at(t, -0), -0), `${b.name} tanh(−0) = −0`).toBe(true);
      expect(at(t, Infinity), `${b.name} tanh(+inf)`).toBe(1);
      expect(at(t, -Infinity), `${b.name} tanh(−inf)`).toBe(-1);
      expect(at(t, 200), `${b.name} tanh(200)`).toBe(1);
      expect(at(t, -200), `${b.name} tanh(−200)`).toBe(-1);
      expect(Number.isNaN(t[4]), `${b.name} tanh(NaN)`).toBe(true);
      // near 0 tanh x ≈ x must hold in relative terms, not only within the absolute bound
      expect(Math.abs(at(t, 1e-8) / Math.fround(1e-8) - 1), `${b.name} tanh(1e-8) relative`).toBeLessThanOrEqual(1e-6);
      expect(Math.abs(at(t, -1e-8) / Math.fround(-1e-8) - 1), `${b.name} tanh(−1e-8) relative`).toBeLessThanOrEqual(1e-6);
      expect(Math.abs(at(t, 10) - Math.tanh(10)), `${b.name} tanh(10)`).toBeLessThanOrEqual(BOUND);
    }
  });

  it('σ is monotone and within [0, 1], tanh monotone and within [−1, 1] on the grid', () => {
    for (const b of builds) {
      const g = x.subarray(0, GRID);
      for (const [fn, lo, hi] of [['sigmoid', 0, 1], ['tanh', -1, 1]] as const) {
        const y = apply(b, fn, g);
        let bad = -1;
        for (let i = 0; i < y.length; i++) {
          if (y[i] < lo || y[i] > hi || (i > 0 && y[i] < y[i - 1])) { bad = i; break; }
        }
        expect(bad, `${b.name} ${fn}: first violation at x = ${g[bad]}`).toBe(-1);
      }
    }
  });
});
