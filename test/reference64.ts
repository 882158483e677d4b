/**
 * An independent float64 forward pass for the tests' finite differences:
 * written from PyTorch's equations on PyTorch-layout weights (what
 * getWeights({ to: 'torch' }) returns), sharing no code with the library.
 */
type W = Record<string, { shape: number[]; data: ArrayLike<number> }>;

export interface RefLayer {
  kind: 'lstm' | 'gru' | 'rnn-tanh' | 'rnn-relu' | 'dense' | 'bi-lstm' | 'bi-gru';
  units: number;
  returnSequences?: boolean;
  activation?: 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'softmax';
  /** Parameters as float64, PyTorch names; the FD test perturbs them in place. */
  params: Record<string, Float64Array>;
}

/** A sequence batch: B × T × F, row-major. */
export interface Seq {
  B: number;
  T: number;
  F: number;
  data: Float64Array;
}

const sig = (v: number) => 1 / (1 + Math.exp(-v));

export function toF64(w: W): Record<string, Float64Array> {
  return Object.fromEntries(Object.entries(w).map(([k, t]) => [k, Float64Array.from(t.data)]));
}

/** One direction of a recurrent layer: returns all h_t [B,T,H] and the final h [B,H]. */
function recurrent(kind: 'lstm' | 'gru' | 'rnn-tanh' | 'rnn-relu', x: Seq, H: number, p: Record<string, Float64Array>, s: string, reverse: boolean) {
  const G = kind === 'lstm' ? 4 : kind === 'gru' ? 3 : 1;
  const wih = p[`weight_ih${s}`], whh = p[`weight_hh${s}`], bih = p[`bias_ih${s}`], bhh = p[`bias_hh${s}`];
  const out = new Float64Array(x.B * x.T * H), hT = new Float64Array(x.B * H);
  for (let b = 0; b < x.B; b++) {
    let h = new Float64Array(H), c = new Float64Array(H);
    for (let s2 = 0; s2 < x.T; s2++) {
      const t = reverse ? x.T - 1 - s2 : s2;
      const gx = new Float64Array(G * H), gh = new Float64Array(G * H);
      for (let r = 0; r < G * H; r++) {
        let a = bih[r], e = bhh[r];
        for (let k = 0; k < x.F; k++) a += wih[r * x.F + k] * x.data[(b * x.T + t) * x.F + k];
        for (let k = 0; k < H; k++) e += whh[r * H + k] * h[k];
        gx[r] = a;
        gh[r] = e;
      }
      const hn = new Float64Array(H), cn = new Float64Array(H);
      for (let j = 0; j < H; j++) {
        if (kind === 'lstm') {
          const i = sig(gx[j] + gh[j]), f = sig(gx[H + j] + gh[H + j]), g = Math.tanh(gx[2 * H + j] + gh[2 * H + j]), o = sig(gx[3 * H + j] + gh[3 * H + j]);
          cn[j] = f * c[j] + i * g;
          hn[j] = o * Math.tanh(cn[j]);
        } else if (kind === 'gru') {
          const r = sig(gx[j] + gh[j]), z = sig(gx[H + j] + gh[H + j]), n = Math.tanh(gx[2 * H + j] + r * gh[2 * H + j]);
          hn[j] = (1 - z) * n + z * h[j];
        } else {
          const a = gx[j] + gh[j];
          hn[j] = kind === 'rnn-relu' ? Math.max(0, a) : Math.tanh(a);
        }
      }
      h = hn;
      c = cn;
      for (let j = 0; j < H; j++) out[(b * x.T + t) * H + j] = h[j];
    }
    hT.set(h, b * H);
  }
  return { out, hT };
}

function dense(x: Seq, l: RefLayer): Seq {
  const N = l.units, w = l.params.weight, bias = l.params.bias, rows = x.B * x.T;
  const y = new Float64Array(rows * N);
  for (let r = 0; r < rows; r++) {
    for (let n = 0; n < N; n++) {
      let a = bias[n];
      for (let k = 0; k < x.F; k++) a += w[n * x.F + k] * x.data[r * x.F + k];
      y[r * N + n] = a;
    }
    const row = y.subarray(r * N, (r + 1) * N);
    if (l.activation === 'softmax') {
      const mx = Math.max(...row);
      let sum = 0;
      for (let n = 0; n < N; n++) sum += (row[n] = Math.exp(row[n] - mx));
      for (let n = 0; n < N; n++) row[n] /= sum;
    } else {
      for (let n = 0; n < N; n++) {
        const v = row[n];
        row[n] = l.activation === 'relu' ? Math.max(0, v) : l.activation === 'sigmoid' ? sig(v) : l.activation === 'tanh' ? Math.tanh(v) : v;
      }
    }
  }
  return { B: x.B, T: x.T, F: N, data: y };
}

/** The model's output (time axis collapsed to T = 1 where a layer drops it). */
export function forward64(layers: RefLayer[], x: Seq): Seq {
  let h = x;
  for (const l of layers) {
    if (l.kind === 'dense') { h = dense(h, l); continue; }
    const H = l.units, seq = l.returnSequences ?? false;
    if (l.kind === 'bi-lstm' || l.kind === 'bi-gru') {
      const cell = l.kind === 'bi-lstm' ? 'lstm' : 'gru';
      const f = recurrent(cell, h, H, l.params, '_l0', false), b = recurrent(cell, h, H, l.params, '_l0_reverse', true);
      const T = seq ? h.T : 1, out = new Float64Array(h.B * T * 2 * H);
      for (let r = 0; r < h.B * T; r++) {
        out.set((seq ? f.out : f.hT).subarray(r * H, (r + 1) * H), r * 2 * H);
        out.set((seq ? b.out : b.hT).subarray(r * H, (r + 1) * H), r * 2 * H + H);
      }
      h = { B: h.B, T, F: 2 * H, data: out };
      continue;
    }
    const r = recurrent(l.kind, h, H, l.params, '_l0', false);
    h = seq ? { B: h.B, T: h.T, F: H, data: r.out } : { B: h.B, T: 1, F: H, data: r.hT };
  }
  return h;
}

/** Keras-reduced losses in float64. */
export function loss64(name: string, p: Float64Array, y: Float64Array, cols: number): number {
  let s = 0;
  const eps = 1e-7, clip = (v: number) => Math.min(Math.max(v, eps), 1 - eps);
  for (let i = 0; i < p.length; i++) {
    const e = p[i] - y[i];
    if (name === 'mse') s += e * e;
    else if (name === 'mae') s += Math.abs(e);
    else if (name === 'huber') s += Math.abs(e) <= 1 ? 0.5 * e * e : Math.abs(e) - 0.5;
    else if (name === 'binaryCrossentropy') s -= y[i] * Math.log(clip(p[i])) + (1 - y[i]) * Math.log(1 - clip(p[i]));
    else s -= y[i] * Math.log(clip(p[i]));
  }
  return name === 'categoricalCrossentropy' ? s / (p.length / cols) : s / p.length;
}
