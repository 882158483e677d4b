/**
 * The simple RNN cell (Elman), forward and backward side by side: the js
 * reference of assembly/rnn.ts, on PyTorch's layout.
 *
 *     gx  = x·W_ihᵀ + b_ih + b_hh         [B, T, H], all steps at once (gemm.ts)
 *     h_t = act(gx_t + W_hh·h_{t−1})      act = tanh, relu, or any of activations.ts's CELL_FUNCTIONS
 *
 * Backward, from the recorded h_t alone (act' is a function of act's value):
 *
 *     dpre    = dh⊙act'(h_t)              tanh: 1 − h², relu: [h > 0] (act.slope)
 *     dh_next ← W_hhᵀ·dpre
 */
import { CELL_FUNCTIONS, type CellFunction, type Floats } from './activations.js';
import { addTransposedProduct, initialState, product, stepAt, type Sequences } from './sequence.js';

export type RnnActivation = 'tanh' | 'relu' | CellFunction;

const functionOf = (act: RnnActivation): CellFunction => (typeof act === 'string' ? CELL_FUNCTIONS[act] : act);

/** gx: [B, T, H]; Whh: [H, H]; h0: [B, H] or zeros. h: every h_t [B, T, H] (the trace and the output); hT: [B, H]. */
export function rnnForward(gx: Floats, Whh: Floats, act: RnnActivation, seq: Sequences, h0?: Floats): { h: Float32Array; hT: Float32Array } {
  const { B, T, H } = seq;
  const out = new Float32Array(B * T * H);
  const h = initialState(h0, seq, Float32Array);
  const pre = new Float64Array(H), f = functionOf(act).f;
  for (let b = 0; b < B; b++) {
    for (let s = 0; s < T; s++) {
      const t = stepAt(s, seq), at = (b * T + t) * H;
      product(pre, Whh, undefined, h, b * H, H, H);
      for (let j = 0; j < H; j++) {
        const a = gx[at + j] + pre[j];
        out[at + j] = f(a);
      }
      h.set(out.subarray(at, at + H), b * H);
    }
  }
  return { h: out, hT: h };
}

/** h: the forward's h_t; dh: ∂L/∂h_t [B, T, H] or none; dhT: [B, H] or none. dgx: ∂L/∂gx [B, T, H]; dh0: [B, H]. */
export function rnnBackward(h: Floats, Whh: Floats, act: RnnActivation, seq: Sequences,
  dh: Floats | undefined, dhT: Floats | undefined): { dgx: Float64Array; dh0: Float64Array } {
  const { B, T, H } = seq;
  const dgx = new Float64Array(B * T * H);
  const dhNext = initialState(dhT, seq, Float64Array);
  const back = new Float64Array(H), slope = functionOf(act).slope;
  for (let b = 0; b < B; b++) {
    for (let s = T - 1; s >= 0; s--) {
      const t = stepAt(s, seq), at = (b * T + t) * H;
      for (let j = 0; j < H; j++) {
        const dht = dhNext[b * H + j] + (dh ? dh[at + j] : 0), v = h[at + j];
        dgx[at + j] = dht * slope(v);
      }
      back.fill(0);
      addTransposedProduct(back, Whh, dgx, at, H, H);
      dhNext.set(back, b * H);
    }
  }
  return { dgx, dh0: dhNext };
}
