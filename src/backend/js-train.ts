/**
 * The js backend's training kernels: backpropagation through time for each
 * cell, the weight/input gradients of the projections, activation
 * derivatives, and the optimizer updates. Plain loops over the heap, the
 * reference the wasm kernels are checked against. Semantics and layouts
 * are those of kernels.ts.
 */
import { Act, roundUp4, type TrainingKernels } from './kernels.js';

export function createJsTrainingKernels(f32: () => Float32Array): TrainingKernels {
  return {
    lstmBackward(rec, B, T, H, u, h0, c0, dout, doutStride, dhT, dcT, reverse, dz, hprev, dh0, dc0) {
      const m = f32();
      const Hp = roundUp4(H), U = u >> 2, R = rec >> 2;
      const gatesAt = (t: number, b: number) => R + (t * B + b) * 4 * Hp;
      const cellAt = (t: number, b: number) => R + 4 * T * B * Hp + (t * B + b) * Hp;
      const hiddenAt = (t: number, b: number) => R + 5 * T * B * Hp + (t * B + b) * Hp;
      const dh = new Float64Array(H), dc = new Float64Array(H), dhPrev = new Float64Array(H);
      m.fill(0, dz >> 2, (dz >> 2) + B * T * 4 * Hp); // padded lanes stay 0
      for (let b = 0; b < B; b++) {
        for (let j = 0; j < H; j++) {
          dh[j] = dhT ? m[(dhT >> 2) + b * H + j] : 0;
          dc[j] = dcT ? m[(dcT >> 2) + b * H + j] : 0;
        }
        for (let s = T - 1; s >= 0; s--) {
          const t = reverse ? T - 1 - s : s;
          const tPrev = reverse ? t + 1 : t - 1; // the step processed just before t
          const first = s === 0;
          const row = b * T + t, dzRow = (dz >> 2) + row * 4 * Hp;
          dhPrev.fill(0);
          for (let j = 0; j < H; j++) {
            const p = j >> 2, lane = j & 3, gi = gatesAt(t, b) + p * 16 + lane;
            const i = m[gi], f = m[gi + 4], g = m[gi + 8], o = m[gi + 12];
            const c = m[cellAt(t, b) + j];
            const cPrev = first ? (c0 ? m[(c0 >> 2) + b * H + j] : 0) : m[cellAt(tPrev, b) + j];
            const dhj = dh[j] + (dout ? m[(dout >> 2) + row * doutStride + j] : 0);
            const tc = Math.tanh(c);
            // h = o⊙tanh(c), c = f⊙c_prev + i⊙g
            const dcj = dc[j] + dhj * o * (1 - tc * tc);
            const dzi = dcj * g * i * (1 - i);
            const dzf = dcj * cPrev * f * (1 - f);
            const dzg = dcj * i * (1 - g * g);
            const dzo = dhj * tc * o * (1 - o);
            m[dzRow + p * 16 + lane] = dzi;
            m[dzRow + p * 16 + 4 + lane] = dzf;
            m[dzRow + p * 16 + 8 + lane] = dzg;
            m[dzRow + p * 16 + 12 + lane] = dzo;
            dc[j] = dcj * f; // on to c_prev
          }
          // ∂L/∂h_prev = Uᵀ·dz, and h_prev itself for the weight gradient
          for (let k = 0; k < H; k++) {
            let acc = 0;
            for (let j = 0; j < H; j++) {
              const p = j >> 2, lane = j & 3;
              for (let g = 0; g < 4; g++) acc += m[U + (p * H + k) * 16 + g * 4 + lane] * m[dzRow + p * 16 + g * 4 + lane];
            }
            dhPrev[k] = acc;
            m[(hprev >> 2) + row * H + k] = first ? (h0 ? m[(h0 >> 2) + b * H + k] : 0) : m[hiddenAt(tPrev, b) + k];
          }
          dh.set(dhPrev);
        }
        for (let j = 0; j < H; j++) {
          if (dh0) m[(dh0 >> 2) + b * H + j] = dh[j];
          if (dc0) m[(dc0 >> 2) + b * H + j] = dc[j];
        }
      }
    },

    gruBackward(rec, B, T, H, u, h0, dout, doutStride, dhT, reverse, dzx, dza, hprev, dh0) {
      const m = f32();
      const Hp = roundUp4(H), U = u >> 2, R = rec >> 2;
      const gatesAt = (t: number, b: number) => R + (t * B + b) * 3 * Hp;
      const anAt = (t: number, b: number) => R + 3 * T * B * Hp + (t * B + b) * Hp;
      const hiddenAt = (t: number, b: number) => R + 4 * T * B * Hp + (t * B + b) * Hp;
      const dh = new Float64Array(H), dhPrev = new Float64Array(H);
      m.fill(0, dzx >> 2, (dzx >> 2) + B * T * 3 * Hp);
      m.fill(0, dza >> 2, (dza >> 2) + B * T * 3 * Hp);
      for (let b = 0; b < B; b++) {
        for (let j = 0; j < H; j++) dh[j] = dhT ? m[(dhT >> 2) + b * H + j] : 0;
        for (let s = T - 1; s >= 0; s--) {
          const t = reverse ? T - 1 - s : s;
          const tPrev = reverse ? t + 1 : t - 1;
          const first = s === 0;
          const row = b * T + t, xRow = (dzx >> 2) + row * 3 * Hp, aRow = (dza >> 2) + row * 3 * Hp;
          const hp = (k: number) => (first ? (h0 ? m[(h0 >> 2) + b * H + k] : 0) : m[hiddenAt(tPrev, b) + k]);
          for (let j = 0; j < H; j++) {
            const p = j >> 2, lane = j & 3, gi = gatesAt(t, b) + p * 12 + lane;
            const r = m[gi], z = m[gi + 4], n = m[gi + 8], an = m[anAt(t, b) + j];
            const dhj = dh[j] + (dout ? m[(dout >> 2) + row * doutStride + j] : 0);
            // h = (1−z)⊙n + z⊙h_prev, n = tanh(x_n + r⊙a_n)
            const dn = dhj * (1 - z) * (1 - n * n);
            const dzz = dhj * (hp(j) - n) * z * (1 - z);
            const dzr = dn * an * r * (1 - r);
            m[xRow + p * 12 + lane] = dzr;
            m[xRow + p * 12 + 4 + lane] = dzz;
            m[xRow + p * 12 + 8 + lane] = dn;
            m[aRow + p * 12 + lane] = dzr;
            m[aRow + p * 12 + 4 + lane] = dzz;
            m[aRow + p * 12 + 8 + lane] = dn * r; // the reset gate scales the recurrent part
            dhPrev[j] = dhj * z; // the direct path through z⊙h_prev
          }
          for (let k = 0; k < H; k++) {
            let acc = dhPrev[k];
            for (let j = 0; j < H; j++) {
              const p = j >> 2, lane = j & 3;
              for (let g = 0; g < 3; g++) acc += m[U + (p * H + k) * 12 + g * 4 + lane] * m[aRow + p * 12 + g * 4 + lane];
            }
            dh[k] = acc;
            m[(hprev >> 2) + row * H + k] = hp(k);
          }
        }
        if (dh0) for (let j = 0; j < H; j++) m[(dh0 >> 2) + b * H + j] = dh[j];
      }
    },

    rnnBackward(rec, B, T, H, u, h0, dout, doutStride, dhT, reverse, relu, dz, hprev, dh0) {
      const m = f32();
      const Hp = roundUp4(H), U = u >> 2, R = rec >> 2;
      const hiddenAt = (t: number, b: number) => R + (t * B + b) * Hp;
      const dh = new Float64Array(H);
      m.fill(0, dz >> 2, (dz >> 2) + B * T * Hp);
      for (let b = 0; b < B; b++) {
        for (let j = 0; j < H; j++) dh[j] = dhT ? m[(dhT >> 2) + b * H + j] : 0;
        for (let s = T - 1; s >= 0; s--) {
          const t = reverse ? T - 1 - s : s;
          const tPrev = reverse ? t + 1 : t - 1;
          const first = s === 0;
          const row = b * T + t, dzRow = (dz >> 2) + row * Hp;
          for (let j = 0; j < H; j++) {
            const h = m[hiddenAt(t, b) + j];
            const dhj = dh[j] + (dout ? m[(dout >> 2) + row * doutStride + j] : 0);
            m[dzRow + j] = dhj * (relu ? (h > 0 ? 1 : 0) : 1 - h * h);
          }
          for (let k = 0; k < H; k++) {
            let acc = 0;
            for (let j = 0; j < H; j++) acc += m[U + ((j >> 2) * H + k) * 4 + (j & 3)] * m[dzRow + j];
            dh[k] = acc;
            m[(hprev >> 2) + row * H + k] = first ? (h0 ? m[(h0 >> 2) + b * H + k] : 0) : m[hiddenAt(tPrev, b) + k];
          }
        }
        if (dh0) for (let j = 0; j < H; j++) m[(dh0 >> 2) + b * H + j] = dh[j];
      }
    },

    gradWeights(x, rows, K, dz, panels, pw, dw, db) {
      const m = f32();
      const N = panels * pw, X = x >> 2, D = dz >> 2, W = dw >> 2;
      for (let p = 0; p < panels; p++)
        for (let c = 0; c < pw; c++) {
          for (let k = 0; k < K; k++) {
            let s = 0;
            for (let r = 0; r < rows; r++) s += m[X + r * K + k] * m[D + r * N + p * pw + c];
            m[W + (p * K + k) * pw + c] += s;
          }
          if (db) {
            let s = 0;
            for (let r = 0; r < rows; r++) s += m[D + r * N + p * pw + c];
            m[(db >> 2) + p * pw + c] += s;
          }
        }
    },

    gradInput(dz, rows, K, w, panels, pw, dx) {
      const m = f32();
      const N = panels * pw, D = dz >> 2, W = w >> 2, X = dx >> 2;
      for (let r = 0; r < rows; r++)
        for (let k = 0; k < K; k++) {
          let s = 0;
          for (let p = 0; p < panels; p++) for (let c = 0; c < pw; c++) s += m[D + r * N + p * pw + c] * m[W + (p * K + k) * pw + c];
          m[X + r * K + k] += s;
        }
    },

    activateBackward(y, dy, rows, cols, dz, dzStride, kind) {
      const m = f32();
      const Y = y >> 2, DY = dy >> 2, DZ = dz >> 2;
      for (let r = 0; r < rows; r++) {
        let dot = 0;
        if (kind === Act.softmax) for (let j = 0; j < cols; j++) dot += m[DY + r * cols + j] * m[Y + r * cols + j];
        for (let j = 0; j < cols; j++) {
          const v = m[Y + r * cols + j], g = m[DY + r * cols + j];
          m[DZ + r * dzStride + j] = kind === Act.relu ? (v > 0 ? g : 0)
            : kind === Act.sigmoid ? g * v * (1 - v)
            : kind === Act.tanh ? g * (1 - v * v)
            : kind === Act.softmax ? v * (g - dot)
            : g;
        }
      }
    },

    sumSquares(p, n) {
      const m = f32();
      let s = 0;
      for (let i = 0; i < n; i++) s += m[(p >> 2) + i] ** 2;
      return s;
    },

    scaleClip(p, n, scale, clip) {
      const m = f32();
      for (let i = 0; i < n; i++) m[(p >> 2) + i] = Math.min(clip, Math.max(-clip, m[(p >> 2) + i] * scale));
    },

    sgdUpdate(p, g, v, n, lr, momentum, nesterov) {
      const m = f32();
      for (let i = 0; i < n; i++) {
        const gi = m[(g >> 2) + i];
        const vi = (m[(v >> 2) + i] = momentum * m[(v >> 2) + i] - lr * gi);
        m[(p >> 2) + i] += nesterov ? momentum * vi - lr * gi : vi;
      }
    },

    rmspropUpdate(p, g, ms, n, lr, rho, eps) {
      const m = f32();
      for (let i = 0; i < n; i++) {
        const gi = m[(g >> 2) + i];
        const s = (m[(ms >> 2) + i] = rho * m[(ms >> 2) + i] + (1 - rho) * gi * gi);
        m[(p >> 2) + i] -= (lr * gi) / Math.sqrt(s + eps);
      }
    },

    adamUpdate(p, g, mo, v, n, lrT, beta1, beta2, eps, decay) {
      const m = f32();
      for (let i = 0; i < n; i++) {
        const gi = m[(g >> 2) + i];
        if (decay) m[(p >> 2) + i] -= decay * m[(p >> 2) + i];
        const a = (m[(mo >> 2) + i] = beta1 * m[(mo >> 2) + i] + (1 - beta1) * gi);
        const b = (m[(v >> 2) + i] = beta2 * m[(v >> 2) + i] + (1 - beta2) * gi * gi);
        m[(p >> 2) + i] -= (lrT * a) / (Math.sqrt(b) + eps);
      }
    },
  };
}
