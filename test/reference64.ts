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
  /** The Keras options of a recurrent layer (defaults: PyTorch's cell, read forwards). */
  cell?: CellOptions64;
}

/** Keras's cell options, written here from Keras's equations (no bias tensors = zeros). */
export interface CellOptions64 {
  activation?: Act64;
  recurrentActivation?: Act64;
  /** GRU: false puts the reset gate before the recurrent product, n = act(x·W_n + U_n·(r⊙h) + b). */
  resetAfter?: boolean;
  /** Read from the last step to the first, outputs in that order. */
  goBackwards?: boolean;
}
export type Act64 = 'tanh' | 'relu' | 'linear' | 'sigmoid' | 'hard_sigmoid' | 'hard_sigmoid_relu6';

/** Keras's activations: hard_sigmoid is Keras 2's (TF.js, ONNX) 0.2·x + 0.5, hard_sigmoid_relu6 Keras 3's relu6(x + 3)/6. */
export function act64(name: Act64, v: number): number {
  switch (name) {
    case 'tanh': return Math.tanh(v);
    case 'relu': return Math.max(0, v);
    case 'linear': return v;
    case 'sigmoid': return 1 / (1 + Math.exp(-v));
    case 'hard_sigmoid': return Math.min(1, Math.max(0, 0.2 * v + 0.5));
    case 'hard_sigmoid_relu6': return Math.min(6, Math.max(0, v + 3)) / 6;
  }
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
function recurrent(kind: 'lstm' | 'gru' | 'rnn-tanh' | 'rnn-relu', x: Seq, H: number, p: Record<string, Float64Array>, s: string, reverse: boolean, cell: CellOptions64 = {}) {
  const G = kind === 'lstm' ? 4 : kind === 'gru' ? 3 : 1;
  const zeros = new Float64Array(G * H);
  const wih = p[`weight_ih${s}`], whh = p[`weight_hh${s}`], bih = p[`bias_ih${s}`] ?? zeros, bhh = p[`bias_hh${s}`] ?? zeros;
  const gate = (v: number) => act64(cell.recurrentActivation ?? 'sigmoid', v);
  const act = (v: number) => act64(cell.activation ?? (kind === 'rnn-relu' ? 'relu' : 'tanh'), v);
  const resetAfter = cell.resetAfter ?? true;
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
          const i = gate(gx[j] + gh[j]), f = gate(gx[H + j] + gh[H + j]), g = act(gx[2 * H + j] + gh[2 * H + j]), o = gate(gx[3 * H + j] + gh[3 * H + j]);
          cn[j] = f * c[j] + i * g;
          hn[j] = o * act(cn[j]);
        } else if (kind === 'gru' && resetAfter) {
          const r = gate(gx[j] + gh[j]), z = gate(gx[H + j] + gh[H + j]), n = act(gx[2 * H + j] + r * gh[2 * H + j]);
          hn[j] = (1 - z) * n + z * h[j];
        } else if (kind === 'gru') {
          // reset before: U_n multiplies r⊙h (r of every unit k), the recurrent bias adds outside
          let un = bhh[2 * H + j];
          for (let k = 0; k < H; k++) un += whh[(2 * H + j) * H + k] * gate(gx[k] + gh[k]) * h[k];
          const z = gate(gx[H + j] + gh[H + j]), n = act(gx[2 * H + j] + un);
          hn[j] = (1 - z) * n + z * h[j];
        } else {
          hn[j] = act(gx[j] + gh[j]);
        }
      }
      h = hn;
      c = cn;
      const at = cell.goBackwards ? s2 : t; // go_backwards: outputs in the order they were made
      for (let j = 0; j < H; j++) out[(b * x.T + at) * H + j] = h[j];
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
    const r = recurrent(l.kind, h, H, l.params, '_l0', l.cell?.goBackwards ?? false, l.cell);
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
