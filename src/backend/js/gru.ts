/**
 * The GRU cell, forward and backward side by side: the js reference of
 * assembly/gru.ts, on PyTorch's layout (gates r, z, n stacked in that
 * order) and PyTorch's semantics (Keras reset_after=True): the reset gate
 * is applied after the recurrent product, which has its own bias.
 *
 *     gx = x·W_ihᵀ + b_ih                 [B, T, 3H], all steps at once (gemm.ts)
 *     gh = W_hh·h_{t−1} + b_hh            per step
 *     r = σ(gx_r + gh_r)                  reset
 *     z = σ(gx_z + gh_z)                  update
 *     n = tanh(gx_n + r⊙gh_n)             candidate
 *     h_t = (1 − z)⊙n + z⊙h_{t−1}
 *
 * Backward, from the recorded gates, gh_n and h (dh: ∂L/∂h_t from the
 * later step and from the output at t):
 *
 *     dn   = dh⊙(1−z)⊙(1−n²)              ∂L/∂(gx_n + r⊙gh_n)
 *     dz   = dh⊙(h_{t−1} − n)⊙z(1−z)
 *     dr   = dn⊙gh_n⊙r(1−r)
 *     dgx  = [dr, dz, dn]                 → W_ih, b_ih, x
 *     dgh  = [dr, dz, dn⊙r]               → W_hh, b_hh, h_{t−1}
 *     dh_next ← dh⊙z + W_hhᵀ·dgh
 *
 * Keras's variants: `cell` (activations.ts) replaces σ (recurrentActivation)
 * and tanh (activation), their derivatives taken at the recorded outputs;
 * and the reset gate before the product (reset_after=False), below.
 */
import { DEFAULT_CELL, type CellFunctions, type Floats } from './activations.js';
import { addTransposedProduct, initialState, product, stepAt, type Sequences } from './sequence.js';

/** What the forward keeps for the backward, each [B, T, H] at time t: r, z, n, gh_n and h_t. */
export interface GruTrace {
  readonly r: Floats;
  readonly z: Floats;
  readonly n: Floats;
  /** W_hn·h_{t−1} + b_hn, before the reset gate scales it. */
  readonly ghn: Floats;
  readonly h: Floats;
}

/** gx: [B, T, 3H]; Whh: [3H, H]; bhh: [3H] or none; h0: [B, H] or zeros. The output sequence is trace.h; hT: [B, H]. */
export function gruForward(gx: Floats, Whh: Floats, bhh: Floats | undefined, seq: Sequences, h0?: Floats,
  cell: CellFunctions = DEFAULT_CELL): { trace: GruTrace; hT: Float32Array } {
  const sigmoid = cell.gate.f, tanh = cell.act.f;
  const { B, T, H } = seq;
  const size = B * T * H;
  const trace = { r: new Float32Array(size), z: new Float32Array(size), n: new Float32Array(size), ghn: new Float32Array(size), h: new Float32Array(size) };
  const h = initialState(h0, seq, Float32Array);
  const gh = new Float64Array(3 * H);
  for (let b = 0; b < B; b++) {
    for (let s = 0; s < T; s++) {
      const t = stepAt(s, seq), at = (b * T + t) * H;
      product(gh, Whh, bhh, h, b * H, 3 * H, H);
      for (let j = 0; j < H; j++) {
        const x = 3 * at + j;
        const r = sigmoid(gx[x] + gh[j]);
        const z = sigmoid(gx[x + H] + gh[H + j]);
        const n = tanh(gx[x + 2 * H] + r * gh[2 * H + j]);
        trace.r[at + j] = r; trace.z[at + j] = z; trace.n[at + j] = n; trace.ghn[at + j] = gh[2 * H + j];
        trace.h[at + j] = (1 - z) * n + z * h[b * H + j];
      }
      h.set(trace.h.subarray(at, at + H), b * H);
    }
  }
  return { trace, hT: h };
}

export interface GruGradients {
  /** ∂L/∂gx and ∂L/∂gh, [B, T, 3H] each. */
  readonly dgx: Float64Array;
  readonly dgh: Float64Array;
  /** ∂L/∂h0, [B, H]. */
  readonly dh0: Float64Array;
}

/** h0: the forward's initial state; dh: ∂L/∂h_t [B, T, H] or none; dhT: ∂L/∂ final h [B, H] or none. */
export function gruBackward(trace: GruTrace, Whh: Floats, seq: Sequences, h0: Floats | undefined,
  dh: Floats | undefined, dhT: Floats | undefined, cell: CellFunctions = DEFAULT_CELL): GruGradients {
  const dGate = cell.gate.slope, dAct = cell.act.slope;
  const { B, T, H } = seq;
  const dgx = new Float64Array(B * T * 3 * H), dgh = new Float64Array(B * T * 3 * H);
  const dhNext = initialState(dhT, seq, Float64Array);
  const { r, z, n, ghn, h } = trace;
  const back = new Float64Array(H);
  for (let b = 0; b < B; b++) {
    for (let s = T - 1; s >= 0; s--) {
      const t = stepAt(s, seq), at = (b * T + t) * H;
      const before = s > 0 ? (b * T + stepAt(s - 1, seq)) * H : -1;
      for (let j = 0; j < H; j++) {
        const hPrev = before >= 0 ? h[before + j] : h0 ? h0[b * H + j] : 0;
        const dht = dhNext[b * H + j] + (dh ? dh[at + j] : 0);
        const k = at + j, x = 3 * at + j;
        const dn = dht * (1 - z[k]) * dAct(n[k]);
        const dz = dht * (hPrev - n[k]) * dGate(z[k]);
        const dr = dn * ghn[k] * dGate(r[k]);
        dgx[x] = dr; dgx[x + H] = dz; dgx[x + 2 * H] = dn;
        dgh[x] = dr; dgh[x + H] = dz; dgh[x + 2 * H] = dn * r[k];
        back[j] = dht * z[k];   // the direct path through z⊙h_{t−1}
      }
      addTransposedProduct(back, Whh, dgh, 3 * at, 3 * H, H);
      dhNext.set(back, b * H);
    }
  }
  return { dgx, dgh, dh0: dhNext };
}

/**
 * The GRU with the reset gate before the recurrent product (Keras
 * reset_after=False, ONNX linear_before_reset=0), one bias (in gx):
 *
 *     r = gate(gx_r + W_hr·h_{t−1})    z = gate(gx_z + W_hz·h_{t−1})
 *     n = act(gx_n + W_hn·(r⊙h_{t−1}))
 *     h_t = (1 − z)⊙n + z⊙h_{t−1}
 *
 * Backward (s = W_hnᵀ·dn is ∂L/∂(r⊙h_{t−1})):
 *
 *     dn = dh⊙(1−z)⊙act′(n)    dz = dh⊙(h_{t−1} − n)⊙gate′(z)    dr = s⊙h_{t−1}⊙gate′(r)
 *     dgx = [dr, dz, dn]                        → W_ih, b, x
 *     dgh = [dr, dz, 0] with h_{t−1}            → W_hr, W_hz
 *     dgn = [0, 0, dn] with rh = r⊙h_{t−1}      → W_hn
 *     dh_next ← dh⊙z + s⊙r + W_hᵀ·dgh
 */
export interface GruResetBeforeTrace {
  readonly r: Floats;
  readonly z: Floats;
  readonly n: Floats;
  readonly h: Floats;
}

/** gx: [B, T, 3H] (the one bias included); Whh: [3H, H]; h0: [B, H] or zeros. */
export function gruResetBeforeForward(gx: Floats, Whh: Floats, seq: Sequences, h0?: Floats,
  cell: CellFunctions = DEFAULT_CELL): { trace: GruResetBeforeTrace; hT: Float32Array } {
  const { B, T, H } = seq, gate = cell.gate.f, act = cell.act.f;
  const size = B * T * H;
  const trace = { r: new Float32Array(size), z: new Float32Array(size), n: new Float32Array(size), h: new Float32Array(size) };
  const h = initialState(h0, seq, Float32Array);
  const gh = new Float64Array(2 * H), rh = new Float32Array(H), ghn = new Float64Array(H);
  for (let b = 0; b < B; b++) {
    for (let s = 0; s < T; s++) {
      const t = stepAt(s, seq), at = (b * T + t) * H;
      product(gh, Whh, undefined, h, b * H, 2 * H, H);              // the r and z rows of W_hh
      for (let j = 0; j < H; j++) {
        const x = 3 * at + j;
        trace.r[at + j] = gate(gx[x] + gh[j]);
        trace.z[at + j] = gate(gx[x + H] + gh[H + j]);
        rh[j] = trace.r[at + j] * h[b * H + j];
      }
      product(ghn, Whh.subarray(2 * H * H), undefined, rh, 0, H, H); // the n rows, on r⊙h
      for (let j = 0; j < H; j++) {
        const n = act(gx[3 * at + 2 * H + j] + ghn[j]), z = trace.z[at + j];
        trace.n[at + j] = n;
        trace.h[at + j] = (1 - z) * n + z * h[b * H + j];
      }
      h.set(trace.h.subarray(at, at + H), b * H);
    }
  }
  return { trace, hT: h };
}

export interface GruResetBeforeGradients {
  /** ∂L/∂gx, [B, T, 3H]; dgh = [dr, dz, 0] and dgn = [0, 0, dn], [B, T, 3H]. */
  readonly dgx: Float64Array;
  readonly dgh: Float64Array;
  readonly dgn: Float64Array;
  /** r⊙h_{t−1} of every step, [B, T, H]: W_hn's input. */
  readonly rh: Float64Array;
  readonly dh0: Float64Array;
}

export function gruResetBeforeBackward(trace: GruResetBeforeTrace, Whh: Floats, seq: Sequences, h0: Floats | undefined,
  dh: Floats | undefined, dhT: Floats | undefined, cell: CellFunctions = DEFAULT_CELL): GruResetBeforeGradients {
  const { B, T, H } = seq, dGate = cell.gate.slope, dAct = cell.act.slope;
  const dgx = new Float64Array(B * T * 3 * H), dgh = new Float64Array(B * T * 3 * H), dgn = new Float64Array(B * T * 3 * H);
  const rh = new Float64Array(B * T * H);
  const dhNext = initialState(dhT, seq, Float64Array);
  const { r, z, n, h } = trace;
  const back = new Float64Array(H), sn = new Float64Array(H);
  const Whn = Whh.subarray(2 * H * H);
  for (let b = 0; b < B; b++) {
    for (let s = T - 1; s >= 0; s--) {
      const t = stepAt(s, seq), at = (b * T + t) * H;
      const before = s > 0 ? (b * T + stepAt(s - 1, seq)) * H : -1;
      const hPrev = (j: number): number => (before >= 0 ? h[before + j] : h0 ? h0[b * H + j] : 0);
      for (let j = 0; j < H; j++) {
        const dht = dhNext[b * H + j] + (dh ? dh[at + j] : 0);
        const k = at + j, x = 3 * at + j;
        const dn = dht * (1 - z[k]) * dAct(n[k]);
        dgx[x + H] = dgh[x + H] = dht * (hPrev(j) - n[k]) * dGate(z[k]);
        dgx[x + 2 * H] = dgn[x + 2 * H] = dn;
        back[j] = dht * z[k];
      }
      sn.fill(0);
      addTransposedProduct(sn, Whn, dgn, 3 * at + 2 * H, H, H);
      for (let j = 0; j < H; j++) {
        const k = at + j;
        dgx[3 * at + j] = dgh[3 * at + j] = sn[j] * hPrev(j) * dGate(r[k]);
        rh[k] = r[k] * hPrev(j);
        back[j] += sn[j] * r[k];
      }
      addTransposedProduct(back, Whh, dgh, 3 * at, 2 * H, H);
      dhNext.set(back, b * H);
    }
  }
  return { dgx, dgh, dgn, rh, dh0: dhNext };
}
