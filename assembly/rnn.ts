/**
 * Simple RNN (Elman) recurrence, one fused pass per step:
 *
 *     h = act(z_t + h_{t−1}·Uᵀ),   act = tanh, or relu when relu = 1
 *
 * U is packed in panels of 4 units, [H][4] each: one gate, so a panel
 * gives only one f32x4 accumulator per row. To keep enough independent
 * work per k, the main tiles run four panels (16 units) at once: "2x16"
 * (two rows × 16 units, 8 accumulators, weights shared by the rows) and
 * "1x16"; the leftover panels (Hp/4 mod 4) go one at a time ("1x4").
 * work: h_{t−1}, h_t, unused, each [B][Hp].
 */
import { tanhExpm1Rr2P6, tanhExpm1Rr2P6F32 } from './activations';
import { backThroughTime } from './backward';
import { BACK_CELL } from './scratch';
import { laneMask, loadPart, loadState, recordSection, recordStep, storeRows } from './state';
import { madd } from './madd';

export function rnnRecur(
  z: usize,       // [B][T][Hp] packed x_t·Wᵀ + b
  B: i32, T: i32, H: i32,
  u: usize,       // [Hp/4][H][4] recurrent panels
  h0: usize,      // [B][H] or 0
  out: usize,     // h_t at out + 4·((b·T + t)·outStride), or 0
  outStride: i32,
  hT: usize,      // [B][H] final h
  reverse: i32,
  relu: i32,      // 0: tanh, 1: relu
  work: usize,    // 3·[B][Hp] scratch
  rec: usize,     // [T][recRows][Hp] h, or 0
  recRows: i32,   // rows of the record (0: B), this call's from row recRow0 (state.ts, recordStep)
  recRow0: i32,
): void {
  const Hp = (H + 3) & ~3;
  const block = (<usize>B * Hp) << 2;        // bytes of one [B][Hp] block
  let h = work;
  let hNext = work + block;
  loadState(h, h0, B, H);
  const zRow = (<usize>T * Hp) << 2;         // bytes from row b to b+1 of z
  const step = recordStep(B, H, recRows);    // bytes of one step of the record
  const recHidden = recordSection(rec, 0, T, step, recRow0, Hp);
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const zt = z + ((<usize>t * Hp) << 2);   // z[0][t]
    const recT = rec != 0 ? recHidden + <usize>t * step : 0;   // h of step t in the record
    if (ASC_FEATURE_SIMD) rnnStep(zt, zRow, B, H, u, h, hNext, relu);
    else rnnStepF32(zt, zRow, B, H, u, h, hNext, relu);
    const tmp = h; h = hNext; hNext = tmp;
    if (recT != 0) storeRows(recT, Hp, h, Hp, B, Hp);
    if (out != 0) storeRows(out + ((<usize>t * outStride) << 2), T * outStride, h, Hp, B, H);
  }
  storeRows(hT, H, h, Hp, B, H);
}

/** act(a) on 4 lanes, padded lanes forced to 0. A call, not inlined (index.ts). */
function rnnAct(a: v128, relu: i32, mask: v128): v128 {
  return v128.and(relu ? f32x4.max(a, f32x4.splat(0)) : tanhExpm1Rr2P6(a), mask);
}

/** One time step for all rows, SIMD: groups of four panels outer, row pairs inner. */
function rnnStep(
  zt: usize, zRow: usize, B: i32, H: i32, u: usize,
  h: usize,      // [B][Hp] h_{t−1}
  hNext: usize,  // [B][Hp] h_t
  relu: i32,
): void {
  const Hp = (H + 3) & ~3;
  const P = Hp >> 2;
  const hRow = <usize>Hp << 2;
  const wPanel = <usize>H << 4;              // bytes per panel [H][4]
  let p = 0;
  for (; p + 4 <= P; p += 4) {
    const w = u + <usize>p * wPanel;
    const sp = <usize>p << 4;                // byte offset of unit 4p in a row of z or h
    const mask = laneMask(H - 4 * (p + 3));  // only the last of the four can be partial
    let b = 0;
    for (; b + 2 <= B; b += 2) {
      const rowA = <usize>b * hRow;
      rnn2x16(zt + <usize>b * zRow + sp, zt + <usize>(b + 1) * zRow + sp, h + rowA, h + rowA + hRow, w, wPanel, H,
        hNext + rowA + sp, hNext + rowA + hRow + sp, relu, mask);
    }
    if (b < B) {
      const rowA = <usize>b * hRow;
      rnn1x16(zt + <usize>b * zRow + sp, h + rowA, w, wPanel, H, hNext + rowA + sp, relu, mask);
    }
  }
  for (; p < P; p++) {
    const w = u + <usize>p * wPanel;
    const sp = <usize>p << 4;
    const mask = laneMask(H - 4 * p);
    for (let b = 0; b < B; b++) {
      const rowA = <usize>b * hRow;
      rnn1x4(zt + <usize>b * zRow + sp, h + rowA, w, H, hNext + rowA + sp, relu, mask);
    }
  }
}

/**
 * Two rows × four panels. zA, zB: [16] z of units 4p..4p+15; hA, hB: [K]
 * h_{t−1}; w: four panels [4][K][4], wPanel bytes apart; hnA, hnB: [16] h_t.
 */
// @ts-ignore: decorator
@inline function rnn2x16(
  zA: usize, zB: usize, hA: usize, hB: usize, w: usize, wPanel: usize, K: i32,
  hnA: usize, hnB: usize, relu: i32, mask3: v128,
): void {
  let a0 = v128.load(zA), a1 = v128.load(zA, 16), a2 = v128.load(zA, 32), a3 = v128.load(zA, 48);
  let b0 = v128.load(zB), b1 = v128.load(zB, 16), b2 = v128.load(zB, 32), b3 = v128.load(zB, 48);
  let w0 = w, w1 = w + wPanel, w2 = w + 2 * wPanel, w3 = w + 3 * wPanel;
  const end = hA + (<usize>K << 2);
  while (hA < end) {
    const xa = v128.load32_splat(hA), xb = v128.load32_splat(hB);
    const u0 = v128.load(w0), u1 = v128.load(w1), u2 = v128.load(w2), u3 = v128.load(w3);
    a0 = madd(xa, u0, a0); b0 = madd(xb, u0, b0);
    a1 = madd(xa, u1, a1); b1 = madd(xb, u1, b1);
    a2 = madd(xa, u2, a2); b2 = madd(xb, u2, b2);
    a3 = madd(xa, u3, a3); b3 = madd(xb, u3, b3);
    hA += 4; hB += 4; w0 += 16; w1 += 16; w2 += 16; w3 += 16;
  }
  const all = i32x4.splat(-1);
  v128.store(hnA, rnnAct(a0, relu, all)); v128.store(hnA, rnnAct(a1, relu, all), 16);
  v128.store(hnA, rnnAct(a2, relu, all), 32); v128.store(hnA, rnnAct(a3, relu, mask3), 48);
  v128.store(hnB, rnnAct(b0, relu, all)); v128.store(hnB, rnnAct(b1, relu, all), 16);
  v128.store(hnB, rnnAct(b2, relu, all), 32); v128.store(hnB, rnnAct(b3, relu, mask3), 48);
}

/** One row × four panels. Arguments as rnn2x16. */
// @ts-ignore: decorator
@inline function rnn1x16(
  z: usize, h: usize, w: usize, wPanel: usize, K: i32, hn: usize, relu: i32, mask3: v128,
): void {
  let a0 = v128.load(z), a1 = v128.load(z, 16), a2 = v128.load(z, 32), a3 = v128.load(z, 48);
  let w0 = w, w1 = w + wPanel, w2 = w + 2 * wPanel, w3 = w + 3 * wPanel;
  const end = h + (<usize>K << 2);
  while (h < end) {
    const x = v128.load32_splat(h);
    a0 = madd(x, v128.load(w0), a0);
    a1 = madd(x, v128.load(w1), a1);
    a2 = madd(x, v128.load(w2), a2);
    a3 = madd(x, v128.load(w3), a3);
    h += 4; w0 += 16; w1 += 16; w2 += 16; w3 += 16;
  }
  const all = i32x4.splat(-1);
  v128.store(hn, rnnAct(a0, relu, all)); v128.store(hn, rnnAct(a1, relu, all), 16);
  v128.store(hn, rnnAct(a2, relu, all), 32); v128.store(hn, rnnAct(a3, relu, mask3), 48);
}

/** One row × one panel: z [4], h [K], w [K][4] → hn [4]; k split in four to break the add chain. */
// @ts-ignore: decorator
@inline function rnn1x4(z: usize, h: usize, w: usize, K: i32, hn: usize, relu: i32, mask: v128): void {
  let a0 = v128.load(z);
  let a1 = f32x4.splat(0), a2 = a1, a3 = a1;
  const end4 = h + (<usize>(K & ~3) << 2), end = h + (<usize>K << 2);
  while (h < end4) {
    a0 = madd(v128.load32_splat(h), v128.load(w), a0);
    a1 = madd(v128.load32_splat(h, 4), v128.load(w, 16), a1);
    a2 = madd(v128.load32_splat(h, 8), v128.load(w, 32), a2);
    a3 = madd(v128.load32_splat(h, 12), v128.load(w, 48), a3);
    h += 16; w += 64;
  }
  while (h < end) {
    a0 = madd(v128.load32_splat(h), v128.load(w), a0);
    h += 4; w += 16;
  }
  v128.store(hn, rnnAct(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), relu, mask));
}

// ── scalar build: the same pass, one panel (4 units, 4 f32 accumulators) at a time ──

function rnnStepF32(
  zt: usize, zRow: usize, B: i32, H: i32, u: usize,
  h: usize, hNext: usize, relu: i32,
): void {
  const Hp = (H + 3) & ~3;
  const hRow = <usize>Hp << 2;
  for (let b = 0; b < B; b++) {
    const zb = zt + <usize>b * zRow;
    const hb = h + <usize>b * hRow;
    for (let p = 0; p < Hp >> 2; p++) {
      const sp = <usize>p << 4;
      let a0 = load<f32>(zb + sp), a1 = load<f32>(zb + sp, 4), a2 = load<f32>(zb + sp, 8), a3 = load<f32>(zb + sp, 12);
      let w = u + ((<usize>p * H) << 4);
      for (let k = 0; k < H; k++) {
        const x = load<f32>(hb + (<usize>k << 2));
        a0 += x * load<f32>(w); a1 += x * load<f32>(w, 4); a2 += x * load<f32>(w, 8); a3 += x * load<f32>(w, 12);
        w += 16;
      }
      const valid = H - 4 * p;                 // units of this panel that exist
      const hn = hNext + <usize>b * hRow + sp;
      store<f32>(hn, rnnActF32(a0, relu));
      store<f32>(hn, valid > 1 ? rnnActF32(a1, relu) : 0, 4);
      store<f32>(hn, valid > 2 ? rnnActF32(a2, relu) : 0, 8);
      store<f32>(hn, valid > 3 ? rnnActF32(a3, relu) : 0, 12);
    }
  }
}

/** act(a), scalar. */
// @ts-ignore: decorator
@inline function rnnActF32(a: f32, relu: i32): f32 {
  return relu ? max<f32>(a, 0) : tanhExpm1Rr2P6F32(a);
}

// ── backward through time ─────────────────────────────────────────────────

/**
 * Simple RNN backward (contract: rnnBackward in src/backend/kernels.ts;
 * reference: src/backend/js/rnn.ts): backThroughTime (backward.ts) with
 * this derivative, from the recorded h_t alone:
 *
 *     dz = dh ⊙ act'(h_t)      act' = 1 − h² (tanh), [h > 0] (relu)
 *     dh_next ← dz·U           (no direct path)
 *
 * work: dh, dh_next (the driver's), three unused; each [B][Hp]; U
 * transposed (the driver's, Hp² floats).
 */
export function rnnBackward(
  rec: usize,        // [T][B][Hp] h, from rnnRecur
  B: i32, T: i32, H: i32,
  u: usize,          // [Hp/4][H][4] recurrent panels
  h0: usize,         // [B][H] or 0: the forward's initial state
  dout: usize,       // ∂L/∂h_t at dout + 4·((b·T + t)·doutStride), or 0
  doutStride: i32,
  dhT: usize,        // [B][H] or 0
  reverse: i32,
  relu: i32,         // 0: tanh, 1: relu
  dz: usize,         // out [B][T][Hp]
  hprev: usize,      // out [B][T][H]
  dh0: usize,        // out [B][H] or 0
  work: usize,       // backWorkFloats(B, H) floats of scratch
  recRows: i32,      // rows of the record (0: B), this call's from row recRow0 (as rnnRecur)
  recRow0: i32,
): void {
  const Hp = (H + 3) & ~3;
  const step = recordStep(B, H, recRows);    // bytes of one step of the record
  const cell = changetype<RnnBack>(BACK_CELL); // this instance's scratch (scratch.ts): threads run backward passes at once
  cell.hidden = recordSection(rec, 0, T, step, recRow0, Hp);
  cell.dz = dz;
  cell.dzRow = (<usize>T * Hp) << 2;
  cell.step = step;
  cell.H = H;
  cell.relu = relu;
  backThroughTime<RnnBack>(cell, B, T, H, u, 16, cell.hidden, step, h0, dout, doutStride, dhT, reverse, hprev, dh0, work);
}

/** rnnBackward's pointers, for backThroughTime. */
@unmanaged class RnnBack {
  hidden: usize;  // [T][B][Hp] the recorded h
  dz: usize;      // out [B][T][Hp]
  dzRow: usize;   // bytes from row b to b+1 of dz
  step: usize;    // bytes of one step of the record ([recRows][Hp])
  H: i32;
  relu: i32;

  // @ts-ignore: decorator
  @inline rowBack(t: i32, tPrev: i32, b: i32, row: usize, dout: usize, dh: usize, dhNext: usize): usize {
    const dz = this.dz + <usize>b * this.dzRow + ((<usize>t * ((this.H + 3) & ~3)) << 2);
    rnnGatesBack(this.hidden + <usize>t * this.step + row, dout, this.H, this.relu, dh, dhNext, dz);
    return dz;
  }
}

/** One row: dz [Hp] = (dh + dout)⊙act'(h) (0 in padded lanes); zeroes dhNext [Hp]. h, dh: [Hp]; dout: [H] or 0. */
function rnnGatesBack(h: usize, dout: usize, H: i32, relu: i32, dh: usize, dhNext: usize, dz: usize): void {
  const Hp = (H + 3) & ~3;
  if (ASC_FEATURE_SIMD) {
    for (let j = 0; j < Hp; j += 4) {
      const q = <usize>j << 2;
      const hv = v128.load(h + q);
      let dhv = v128.load(dh + q);
      if (dout != 0) dhv = f32x4.add(dhv, loadPart(dout + q, H - j));
      const d = relu
        ? v128.and(dhv, f32x4.gt(hv, f32x4.splat(0)))
        : f32x4.mul(dhv, f32x4.sub(f32x4.splat(1), f32x4.mul(hv, hv)));
      v128.store(dz + q, v128.and(d, laneMask(H - j)));
      v128.store(dhNext + q, f32x4.splat(0));
    }
  } else {
    for (let j = 0; j < Hp; j++) {
      const q = <usize>j << 2;
      let d: f32 = 0;
      if (j < H) {
        const hv = load<f32>(h + q);
        let dhv = load<f32>(dh + q);
        if (dout != 0) dhv += load<f32>(dout + q);
        d = relu ? (hv > 0 ? dhv : 0) : dhv * (1 - hv * hv);
      }
      store<f32>(dz + q, d);
      store<f32>(dhNext + q, 0);
    }
  }
}
