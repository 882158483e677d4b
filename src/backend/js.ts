/**
 * The js backend: plain TypeScript loops that read like the equations.
 *
 * It is the reference the wasm builds are checked against, the fallback
 * where WebAssembly is missing, and the baseline of the benchmarks. It
 * works on the same packed layouts and heap offsets as the wasm kernels
 * (see kernels.ts), over an ordinary ArrayBuffer, and computes σ and tanh
 * with Math.exp in float64 before rounding to float32.
 */
import { Act, roundUp4, type Heap, type Kernels } from './kernels.js';
import { createJsTrainingKernels } from './js-train.js';

/** A growable ArrayBuffer heap. Growing copies into a new buffer (no detach). */
class JsHeap implements Heap {
  buffer: ArrayBuffer;
  readonly base = 16; // offset 0 stays the null pointer

  constructor(bytes: number) {
    this.buffer = new ArrayBuffer(bytes);
  }

  grow(bytes: number): void {
    const next = new ArrayBuffer(this.buffer.byteLength + roundUpPage(bytes));
    new Uint8Array(next).set(new Uint8Array(this.buffer));
    this.buffer = next;
  }
}

function roundUpPage(bytes: number): number {
  return Math.ceil(bytes / 65536) * 65536;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

export function createJsKernels(initialBytes = 1 << 20): Kernels {
  const heap = new JsHeap(initialBytes);
  const f32 = (): Float32Array => new Float32Array(heap.buffer);

  return {
    name: 'js',
    heap,
    ...createJsTrainingKernels(f32),

    project(x, rows, K, w, panels, pw, bias, out) {
      const m = f32();
      const X = x >> 2, W = w >> 2, Bi = bias >> 2, O = out >> 2;
      const N = panels * pw;
      for (let r = 0; r < rows; r++) {
        for (let p = 0; p < panels; p++) {
          for (let c = 0; c < pw; c++) {
            let s = bias ? m[Bi + p * pw + c] : 0;
            for (let k = 0; k < K; k++) s += m[X + r * K + k] * m[W + (p * K + k) * pw + c];
            m[O + r * N + p * pw + c] = s;
          }
        }
      }
    },

    lstmRecur(z, B, T, H, u, h0, c0, out, outStride, hT, cT, reverse, _work, rec) {
      const m = f32();
      const Hp = roundUp4(H);
      const Z = z >> 2, U = u >> 2;
      const h = new Float32Array(Hp), c = new Float32Array(Hp), hNext = new Float32Array(Hp);
      const gates = new Float64Array(4);
      for (let b = 0; b < B; b++) {
        h.fill(0); c.fill(0);
        for (let j = 0; j < H; j++) {
          if (h0) h[j] = m[(h0 >> 2) + b * H + j];
          if (c0) c[j] = m[(c0 >> 2) + b * H + j];
        }
        for (let s = 0; s < T; s++) {
          const t = reverse ? T - 1 - s : s;
          const zt = Z + (b * T + t) * 4 * Hp;
          for (let j = 0; j < H; j++) {
            const p = j >> 2, lane = j & 3;
            // pre-activations of the four gates of unit j: z_t + h·U_gᵀ
            for (let g = 0; g < 4; g++) {
              let a = m[zt + p * 16 + g * 4 + lane];
              for (let k = 0; k < H; k++) a += h[k] * m[U + (p * H + k) * 16 + g * 4 + lane];
              gates[g] = a;
            }
            const i = sigmoid(gates[0]), f = sigmoid(gates[1]), gc = Math.tanh(gates[2]), o = sigmoid(gates[3]);
            c[j] = f * c[j] + i * gc;          // the conveyor belt: keep f of the old cell, add i of the new
            hNext[j] = o * Math.tanh(c[j]);    // expose o of it
            if (rec) {
              const R = rec >> 2, row = t * B + b;
              const gi = R + row * 4 * Hp + p * 16 + lane;
              m[gi] = i; m[gi + 4] = f; m[gi + 8] = gc; m[gi + 12] = o;
              m[R + 4 * T * B * Hp + row * Hp + j] = c[j];
              m[R + 5 * T * B * Hp + row * Hp + j] = hNext[j];
            }
          }
          h.set(hNext);
          if (out) for (let j = 0; j < H; j++) m[(out >> 2) + (b * T + t) * outStride + j] = h[j];
        }
        for (let j = 0; j < H; j++) {
          m[(hT >> 2) + b * H + j] = h[j];
          m[(cT >> 2) + b * H + j] = c[j];
        }
      }
    },

    gruRecur(z, B, T, H, u, bh, h0, out, outStride, hT, reverse, _work, rec) {
      const m = f32();
      const Hp = roundUp4(H);
      const Z = z >> 2, U = u >> 2, BH = bh >> 2;
      const h = new Float32Array(Hp), hNext = new Float32Array(Hp);
      const a = new Float64Array(3);
      for (let b = 0; b < B; b++) {
        h.fill(0);
        if (h0) for (let j = 0; j < H; j++) h[j] = m[(h0 >> 2) + b * H + j];
        for (let s = 0; s < T; s++) {
          const t = reverse ? T - 1 - s : s;
          const zt = Z + (b * T + t) * 3 * Hp;
          for (let j = 0; j < H; j++) {
            const p = j >> 2, lane = j & 3;
            // recurrent pre-activations a = h·Uᵀ + b_h, gates r, z, n
            for (let g = 0; g < 3; g++) {
              let acc = m[BH + p * 12 + g * 4 + lane];
              for (let k = 0; k < H; k++) acc += h[k] * m[U + (p * H + k) * 12 + g * 4 + lane];
              a[g] = acc;
            }
            const r = sigmoid(m[zt + p * 12 + lane] + a[0]);
            const up = sigmoid(m[zt + p * 12 + 4 + lane] + a[1]);
            const n = Math.tanh(m[zt + p * 12 + 8 + lane] + r * a[2]); // reset gate after the matmul
            hNext[j] = (1 - up) * n + up * h[j];
            if (rec) {
              const R = rec >> 2, row = t * B + b;
              const gi = R + row * 3 * Hp + p * 12 + lane;
              m[gi] = r; m[gi + 4] = up; m[gi + 8] = n;
              m[R + 3 * T * B * Hp + row * Hp + j] = a[2];
              m[R + 4 * T * B * Hp + row * Hp + j] = hNext[j];
            }
          }
          h.set(hNext);
          if (out) for (let j = 0; j < H; j++) m[(out >> 2) + (b * T + t) * outStride + j] = h[j];
        }
        for (let j = 0; j < H; j++) m[(hT >> 2) + b * H + j] = h[j];
      }
    },

    rnnRecur(z, B, T, H, u, h0, out, outStride, hT, reverse, relu, _work, rec) {
      const m = f32();
      const Hp = roundUp4(H);
      const Z = z >> 2, U = u >> 2;
      const h = new Float32Array(Hp), hNext = new Float32Array(Hp);
      for (let b = 0; b < B; b++) {
        h.fill(0);
        if (h0) for (let j = 0; j < H; j++) h[j] = m[(h0 >> 2) + b * H + j];
        for (let s = 0; s < T; s++) {
          const t = reverse ? T - 1 - s : s;
          const zt = Z + (b * T + t) * Hp;
          for (let j = 0; j < H; j++) {
            const p = j >> 2, lane = j & 3;
            let acc = m[zt + j];
            for (let k = 0; k < H; k++) acc += h[k] * m[U + (p * H + k) * 4 + lane];
            hNext[j] = relu ? Math.max(acc, 0) : Math.tanh(acc);
            if (rec) m[(rec >> 2) + (t * B + b) * Hp + j] = hNext[j];
          }
          h.set(hNext);
          if (out) for (let j = 0; j < H; j++) m[(out >> 2) + (b * T + t) * outStride + j] = h[j];
        }
        for (let j = 0; j < H; j++) m[(hT >> 2) + b * H + j] = h[j];
      }
    },

    activate(p, rows, cols, stride, kind) {
      const m = f32();
      for (let r = 0; r < rows; r++) {
        const row = (p >> 2) + r * stride;
        if (kind === Act.softmax) {
          let max = -Infinity, sum = 0;
          for (let j = 0; j < cols; j++) max = Math.max(max, m[row + j]);
          for (let j = 0; j < cols; j++) sum += Math.exp(m[row + j] - max);
          for (let j = 0; j < cols; j++) m[row + j] = Math.exp(m[row + j] - max) / sum;
          continue;
        }
        for (let j = 0; j < cols; j++) {
          const v = m[row + j];
          m[row + j] = kind === Act.relu ? Math.max(v, 0)
            : kind === Act.sigmoid ? sigmoid(v)
            : kind === Act.tanh ? Math.tanh(v)
            : v;
        }
      }
    },

    vsigmoid(x, y, n) {
      const m = f32();
      for (let i = 0; i < n; i++) m[(y >> 2) + i] = sigmoid(m[(x >> 2) + i]);
    },

    vtanh(x, y, n) {
      const m = f32();
      for (let i = 0; i < n; i++) m[(y >> 2) + i] = Math.tanh(m[(x >> 2) + i]);
    },
  };
}
