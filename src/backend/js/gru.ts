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
 */
import { sigmoid, tanh, type Floats } from './activations.js';
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

/** gx: [B, T, 3H]; Whh: [3H, H]; bhh: [3H]; h0: [B, H] or zeros. The output sequence is trace.h; hT: [B, H]. */
export function gruForward(gx: Floats, Whh: Floats, bhh: Floats, seq: Sequences, h0?: Floats): { trace: GruTrace; hT: Float32Array } {
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
  dh: Floats | undefined, dhT: Floats | undefined): GruGradients {
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
        const dn = dht * (1 - z[k]) * (1 - n[k] * n[k]);
        const dz = dht * (hPrev - n[k]) * z[k] * (1 - z[k]);
        const dr = dn * ghn[k] * r[k] * (1 - r[k]);
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
