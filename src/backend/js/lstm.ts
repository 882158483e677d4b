/**
 * The LSTM cell, forward and backward side by side: the js reference of
 * assembly/lstm.ts, on PyTorch's layout (gates i, f, g, o stacked in that
 * order, each H rows).
 *
 *     gx  = x·W_ihᵀ + b_ih + b_hh         [B, T, 4H], all steps at once (gemm.ts)
 *     pre = gx_t + W_hh·h_{t−1}           per step
 *     i = σ(pre_i)  f = σ(pre_f)  g = tanh(pre_g)  o = σ(pre_o)
 *     c_t = f⊙c_{t−1} + i⊙g               keep f of the old cell, add i of the candidate
 *     h_t = o⊙tanh(c_t)
 *
 * Backward, from the recorded gates and cells (dh: ∂L/∂h_t from the later
 * step and from the output at t; dc likewise):
 *
 *     dc     = dc_next + dh⊙o⊙(1 − tanh²c_t)
 *     dpre_i = dc⊙g⊙i(1−i)     dpre_f = dc⊙c_{t−1}⊙f(1−f)
 *     dpre_g = dc⊙i⊙(1−g²)     dpre_o = dh⊙tanh(c_t)⊙o(1−o)
 *     dc_next ← dc⊙f,  dh_next ← W_hhᵀ·dpre
 *
 * dpre is ∂L/∂gx; the weight gradients follow from it with gemm.ts:
 * W_ih and the bias from (x, dpre), W_hh from (h_prev, dpre) (sequence.ts).
 *
 * Keras's variants (`cell`, activations.ts): σ is the gates' function
 * (recurrentActivation), tanh the candidate's and the state's in
 * h = o⊙act(c) (activation); each derivative above is that function's
 * slope at the recorded output (i(1−i) = σ′, 1 − g² = tanh′, …).
 */
import { DEFAULT_CELL, type CellFunctions, type Floats } from './activations.js';
import { addTransposedProduct, initialState, product, stepAt, type Sequences } from './sequence.js';

/** What the forward keeps for the backward, each [B, T, H] at time t: the activated gates, c_t and h_t. */
export interface LstmTrace {
  readonly i: Floats;
  readonly f: Floats;
  readonly g: Floats;
  readonly o: Floats;
  readonly c: Floats;
  readonly h: Floats;
}

export interface LstmForward {
  readonly trace: LstmTrace;
  /** The state after the last step run, [B, H]. */
  readonly hT: Float32Array;
  readonly cT: Float32Array;
}

/** gx: [B, T, 4H]; Whh: [4H, H]; h0, c0: [B, H] or zeros; cell: the gates' and the state's functions. The output sequence is trace.h. */
export function lstmForward(gx: Floats, Whh: Floats, seq: Sequences, h0?: Floats, c0?: Floats, cell: CellFunctions = DEFAULT_CELL): LstmForward {
  const sigmoid = cell.gate.f, tanh = cell.act.f;
  const { B, T, H } = seq;
  const n = B * T * H;
  const trace = { i: new Float32Array(n), f: new Float32Array(n), g: new Float32Array(n), o: new Float32Array(n), c: new Float32Array(n), h: new Float32Array(n) };
  const h = initialState(h0, seq, Float32Array), c = initialState(c0, seq, Float32Array);
  const pre = new Float64Array(4 * H);
  for (let b = 0; b < B; b++) {
    for (let s = 0; s < T; s++) {
      const t = stepAt(s, seq), at = (b * T + t) * H;
      product(pre, Whh, undefined, h, b * H, 4 * H, H);
      for (let j = 0; j < H; j++) {
        const x = 4 * at + j;
        const i = sigmoid(gx[x] + pre[j]);
        const f = sigmoid(gx[x + H] + pre[H + j]);
        const g = tanh(gx[x + 2 * H] + pre[2 * H + j]);
        const o = sigmoid(gx[x + 3 * H] + pre[3 * H + j]);
        c[b * H + j] = f * c[b * H + j] + i * g;
        const ct = c[b * H + j];   // as stored: the next step and tanh see the float32 cell
        trace.i[at + j] = i; trace.f[at + j] = f; trace.g[at + j] = g; trace.o[at + j] = o;
        trace.c[at + j] = ct;
        trace.h[at + j] = o * tanh(ct);
      }
      h.set(trace.h.subarray(at, at + H), b * H);
    }
  }
  return { trace, hT: h, cT: c };
}

export interface LstmGradients {
  /** ∂L/∂gx, [B, T, 4H]: ∂L/∂ of every pre-activation. */
  readonly dgx: Float64Array;
  /** ∂L/∂h0, ∂L/∂c0: [B, H]. */
  readonly dh0: Float64Array;
  readonly dc0: Float64Array;
}

/**
 * dh: ∂L/∂h_t from the output, [B, T, H], or none (only the final state
 * is used); dhT, dcT: ∂L/∂ of the final state, [B, H], or none. c0: the
 * forward's initial cell.
 */
export function lstmBackward(trace: LstmTrace, Whh: Floats, seq: Sequences, c0: Floats | undefined,
  dh: Floats | undefined, dhT: Floats | undefined, dcT: Floats | undefined, cell: CellFunctions = DEFAULT_CELL): LstmGradients {
  const tanh = cell.act.f, dGate = cell.gate.slope, dAct = cell.act.slope;
  const { B, T, H } = seq;
  const dgx = new Float64Array(B * T * 4 * H);
  const dhNext = initialState(dhT, seq, Float64Array), dcNext = initialState(dcT, seq, Float64Array);
  const { i, f, g, o, c } = trace;
  const back = new Float64Array(H);
  for (let b = 0; b < B; b++) {
    for (let s = T - 1; s >= 0; s--) {
      const t = stepAt(s, seq), at = (b * T + t) * H;
      const before = s > 0 ? (b * T + stepAt(s - 1, seq)) * H : -1;
      for (let j = 0; j < H; j++) {
        const cPrev = before >= 0 ? c[before + j] : c0 ? c0[b * H + j] : 0;
        const dht = dhNext[b * H + j] + (dh ? dh[at + j] : 0);
        const tc = tanh(c[at + j]), k = at + j, x = 4 * at + j;
        const dc = dcNext[b * H + j] + dht * o[k] * dAct(tc);
        dgx[x] = dc * g[k] * dGate(i[k]);
        dgx[x + H] = dc * cPrev * dGate(f[k]);
        dgx[x + 2 * H] = dc * i[k] * dAct(g[k]);
        dgx[x + 3 * H] = dht * tc * dGate(o[k]);
        dcNext[b * H + j] = dc * f[k];
      }
      back.fill(0);
      addTransposedProduct(back, Whh, dgx, 4 * at, 4 * H, H);
      dhNext.set(back, b * H);
    }
  }
  return { dgx, dh0: dhNext, dc0: dcNext };
}
