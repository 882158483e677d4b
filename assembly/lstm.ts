/**
 * LSTM recurrence, one fused pass per step (see src/backend/kernels.ts for
 * the contract, src/backend/js/lstm.ts for the reference):
 *
 *     [i f g o] = z_t + h_{t−1}·Uᵀ          (z_t = x_t·Wᵀ + b, from `project`)
 *     i = σ(i)  f = σ(f)  g = tanh(g)  o = σ(o)
 *     c = f⊙c + i⊙g
 *     h = o⊙tanh(c)
 *
 * U is packed in panels of 4 units (tricks: index.ts): panel p is [H][16], row k holding
 * U_i, U_f, U_g, U_o of units 4p..4p+3 at input k. One pass over k with
 * four f32x4 accumulators per batch row yields all four gates of 4 units,
 * and the cell update happens right there in registers. With B ≥ 2 two
 * rows share each weight load ("2x16" tile: 8 accumulators); the panel
 * (H·64 bytes, 32 KiB at H = 512) stays in L1 while every row pair passes
 * over it. A lone row (B = 1, or the last of an odd B) is a GEMV that
 * streams U once per step: "1x32" runs two panels and then both their
 * cell updates, so two of the long σ → c → tanh(c) chains are in flight
 * at once ("1x16" takes a last odd panel).
 *
 * work: h_{t−1}, h_t, c, each [B][Hp]; h is double-buffered because every
 * panel reads all of h_{t−1} while others already write h_t.
 */
import { sigmoidRr2P5, tanhExpm1Rr2P6, sigmoidRr2P5F32, tanhExpm1Rr2P6F32 } from './activations';
import { backThroughTime } from './backward';
import { BACK_CELL } from './scratch';
import { laneMask, loadPart, loadState, recordSection, recordStep, storeRows } from './state';
import { madd } from './madd';

export function lstmRecur(
  z: usize,       // [B][T][4Hp] packed pre-activations x_t·Wᵀ + b
  B: i32, T: i32, H: i32,
  u: usize,       // [Hp/4][H][16] recurrent panels
  h0: usize,      // [B][H] or 0
  c0: usize,      // [B][H] or 0
  out: usize,     // h_t at out + 4·((b·T + t)·outStride), or 0
  outStride: i32,
  hT: usize,      // [B][H] final h
  cT: usize,      // [B][H] final c
  reverse: i32,
  work: usize,    // 3·[B][Hp] scratch
  rec: usize,     // [T][recRows][Hp/4][4][4] gates ‖ [T][recRows][Hp] c ‖ [T][recRows][Hp] h, or 0
  recRows: i32,   // rows of the record (0: B), this call's from row recRow0 (state.ts, recordStep)
  recRow0: i32,
): void {
  const Hp = (H + 3) & ~3;
  const block = (<usize>B * Hp) << 2;        // bytes of one [B][Hp] block
  let h = work;
  let hNext = work + block;
  const c = work + 2 * block;
  loadState(h, h0, B, H);
  loadState(c, c0, B, H);
  const zRow = (<usize>T * Hp) << 4;         // bytes from row b to b+1 of z
  const step = recordStep(B, H, recRows);    // bytes of one step of the record
  const recGates = rec != 0 ? recordSection(rec, 0, T, step, recRow0, 4 * Hp) : 0; // the steps test it for a record
  const recCells = recordSection(rec, 4, T, step, recRow0, Hp);
  const recHidden = recordSection(rec, 5, T, step, recRow0, Hp);
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const zt = z + ((<usize>t * Hp) << 4);   // z[0][t]
    const rt = <usize>t * step;              // step t in a [T][recRows][Hp] section
    if (ASC_FEATURE_SIMD) lstmStep(zt, zRow, B, H, u, h, hNext, c, recGates, rt, recCells, recHidden);
    else lstmStepF32(zt, zRow, B, H, u, h, hNext, c, recGates, rt, recCells, recHidden);
    const tmp = h; h = hNext; hNext = tmp;
    if (out != 0) storeRows(out + ((<usize>t * outStride) << 2), T * outStride, h, Hp, B, H);
  }
  storeRows(hT, H, h, Hp, B, H);
  storeRows(cT, H, c, Hp, B, H);
}

/**
 * One time step for all rows, SIMD. Row pairs: panels outer (each panel
 * stays in L1 while the pairs pass over it). A last odd row: panel pairs,
 * so that two cell updates are in flight at once (see lstm1x32).
 */
function lstmStep(
  zt: usize, zRow: usize, B: i32, H: i32, u: usize,
  h: usize,      // [B][Hp] h_{t−1}
  hNext: usize,  // [B][Hp] h_t
  c: usize,      // [B][Hp]
  rec: usize, rt: usize, recCells: usize, recHidden: usize,
): void {
  const Hp = (H + 3) & ~3;
  const P = Hp >> 2;
  const hRow = <usize>Hp << 2;
  const wPanel = <usize>H << 6;             // bytes per panel [H][16]
  const pairs = B & ~1;
  if (pairs > 0) {
    for (let p = 0; p < P; p++) {
      const w = u + <usize>p * wPanel;
      const mask = laneMask(H - 4 * p);
      const zp = zt + (<usize>p << 6);      // this panel's 16 columns in z[0][t]
      const sp = <usize>p << 4;             // this panel's 4 units in a state row
      for (let b = 0; b < pairs; b += 2) {
        const rowA = <usize>b * hRow, rowB = rowA + hRow;
        lstm2x16(zp + <usize>b * zRow, zp + <usize>(b + 1) * zRow, h + rowA, h + rowB, w, H,
          c + rowA + sp, c + rowB + sp, hNext + rowA + sp, hNext + rowB + sp, mask,
          rec, rt + rowA + sp, rt + rowB + sp, recCells, recHidden);
      }
    }
  }
  if (B & 1) {
    const row = <usize>pairs * hRow;
    const zb = zt + <usize>pairs * zRow;
    let p = 0;
    for (; p + 2 <= P; p += 2) {
      const sp = <usize>p << 4;
      lstm1x32(zb + (<usize>p << 6), h + row, u + <usize>p * wPanel, wPanel, H, c + row + sp, hNext + row + sp,
        laneMask(H - 4 * (p + 1)), rec, rt + row + sp, recCells, recHidden);
    }
    if (p < P) {
      const sp = <usize>p << 4;
      lstm1x16(zb + (<usize>p << 6), h + row, u + <usize>p * wPanel, H, c + row + sp, hNext + row + sp,
        laneMask(H - 4 * p), rec, rt + row + sp, recCells, recHidden);
    }
  }
}

/**
 * Two rows × one panel. zA, zB: [16] z of the panel; hA, hB: [K] h_{t−1};
 * w: [K][16]; cA, cB, hnA, hnB: [4] (c in place, h_t out).
 */
// @ts-ignore: decorator
@inline function lstm2x16(
  zA: usize, zB: usize, hA: usize, hB: usize, w: usize, K: i32,
  cA: usize, cB: usize, hnA: usize, hnB: usize, mask: v128,
  rec: usize, qA: usize, qB: usize, recCells: usize, recHidden: usize,
): void {
  let iA = v128.load(zA), fA = v128.load(zA, 16), gA = v128.load(zA, 32), oA = v128.load(zA, 48);
  let iB = v128.load(zB), fB = v128.load(zB, 16), gB = v128.load(zB, 32), oB = v128.load(zB, 48);
  const end = w + (<usize>K << 6);
  while (w < end) {
    const xa = v128.load32_splat(hA), xb = v128.load32_splat(hB);
    const wi = v128.load(w), wf = v128.load(w, 16), wg = v128.load(w, 32), wo = v128.load(w, 48);
    iA = madd(xa, wi, iA); iB = madd(xb, wi, iB);
    fA = madd(xa, wf, fA); fB = madd(xb, wf, fB);
    gA = madd(xa, wg, gA); gB = madd(xb, wg, gB);
    oA = madd(xa, wo, oA); oB = madd(xb, wo, oB);
    hA += 4; hB += 4; w += 64;
  }
  lstmCell(iA, fA, gA, oA, cA, hnA, mask, rec, qA, recCells, recHidden);
  lstmCell(iB, fB, gB, oB, cB, hnB, mask, rec, qB, recCells, recHidden);
}

/**
 * One row × one panel. Two k per iteration, their products summed before
 * they meet the accumulator: each accumulator's add chain gets half as
 * long, and the four accumulators plus operands fit in registers (eight
 * separate accumulators would not: V8 spills them, and a spilled
 * accumulator puts a store-load round trip on the critical path).
 * z: [16], h: [K], w: [K][16], c, hn: [4]; record as lstm2x16.
 */
// @ts-ignore: decorator
@inline function lstm1x16(
  z: usize, h: usize, w: usize, K: i32, c: usize, hn: usize, mask: v128,
  rec: usize, q: usize, recCells: usize, recHidden: usize,
): void {
  let i = v128.load(z), f = v128.load(z, 16), g = v128.load(z, 32), o = v128.load(z, 48);
  const end = w + (<usize>(K & ~1) << 6);
  while (w < end) {
    const x0 = v128.load32_splat(h), x1 = v128.load32_splat(h, 4);
    i = f32x4.add(i, madd(x1, v128.load(w, 64), f32x4.mul(x0, v128.load(w))));
    f = f32x4.add(f, madd(x1, v128.load(w, 80), f32x4.mul(x0, v128.load(w, 16))));
    g = f32x4.add(g, madd(x1, v128.load(w, 96), f32x4.mul(x0, v128.load(w, 32))));
    o = f32x4.add(o, madd(x1, v128.load(w, 112), f32x4.mul(x0, v128.load(w, 48))));
    h += 8; w += 128;
  }
  if (K & 1) {
    const x0 = v128.load32_splat(h);
    i = madd(x0, v128.load(w), i);
    f = madd(x0, v128.load(w, 16), f);
    g = madd(x0, v128.load(w, 32), g);
    o = madd(x0, v128.load(w, 48), o);
  }
  lstmCell(i, f, g, o, c, hn, mask, rec, q, recCells, recHidden);
}

/**
 * One row × two adjacent panels (8 units): the 1x16 loop once per panel,
 * then both cell updates. A cell update is a long dependent chain (σ, then
 * c, then tanh c: ~150 cycles) of little work; two independent ones
 * overlap in the out-of-order core, where one alone would leave it idle.
 * The k loop is written out twice here on purpose: AssemblyScript cannot
 * return four accumulators from a shared loop, and parking them in memory
 * between the loops and the cell updates made W1 about 2% slower
 * (bench/RESULTS.md, issue 10).
 * z: [32], h: [K], w: two panels [K][16], wPanel bytes apart; c, hn: [8];
 * mask1: lanes of the second panel (the first is full).
 */
// @ts-ignore: decorator
@inline function lstm1x32(
  z: usize, h: usize, w: usize, wPanel: usize, K: i32, c: usize, hn: usize, mask1: v128,
  rec: usize, q: usize, recCells: usize, recHidden: usize,
): void {
  const end = w + (<usize>(K & ~1) << 6);
  let i = v128.load(z), f = v128.load(z, 16), g = v128.load(z, 32), o = v128.load(z, 48);
  let hk = h, wk = w;
  while (wk < end) {
    const x0 = v128.load32_splat(hk), x1 = v128.load32_splat(hk, 4);
    i = f32x4.add(i, madd(x1, v128.load(wk, 64), f32x4.mul(x0, v128.load(wk))));
    f = f32x4.add(f, madd(x1, v128.load(wk, 80), f32x4.mul(x0, v128.load(wk, 16))));
    g = f32x4.add(g, madd(x1, v128.load(wk, 96), f32x4.mul(x0, v128.load(wk, 32))));
    o = f32x4.add(o, madd(x1, v128.load(wk, 112), f32x4.mul(x0, v128.load(wk, 48))));
    hk += 8; wk += 128;
  }
  if (K & 1) {
    const x0 = v128.load32_splat(hk);
    i = madd(x0, v128.load(wk), i);
    f = madd(x0, v128.load(wk, 16), f);
    g = madd(x0, v128.load(wk, 32), g);
    o = madd(x0, v128.load(wk, 48), o);
  }
  let i1 = v128.load(z, 64), f1 = v128.load(z, 80), g1 = v128.load(z, 96), o1 = v128.load(z, 112);
  hk = h; wk = w + wPanel;
  const end1 = end + wPanel;
  while (wk < end1) {
    const x0 = v128.load32_splat(hk), x1 = v128.load32_splat(hk, 4);
    i1 = f32x4.add(i1, madd(x1, v128.load(wk, 64), f32x4.mul(x0, v128.load(wk))));
    f1 = f32x4.add(f1, madd(x1, v128.load(wk, 80), f32x4.mul(x0, v128.load(wk, 16))));
    g1 = f32x4.add(g1, madd(x1, v128.load(wk, 96), f32x4.mul(x0, v128.load(wk, 32))));
    o1 = f32x4.add(o1, madd(x1, v128.load(wk, 112), f32x4.mul(x0, v128.load(wk, 48))));
    hk += 8; wk += 128;
  }
  if (K & 1) {
    const x0 = v128.load32_splat(hk);
    i1 = madd(x0, v128.load(wk), i1);
    f1 = madd(x0, v128.load(wk, 16), f1);
    g1 = madd(x0, v128.load(wk, 32), g1);
    o1 = madd(x0, v128.load(wk, 48), o1);
  }
  lstmCell(i, f, g, o, c, hn, i32x4.splat(-1), rec, q, recCells, recHidden);
  lstmCell(i1, f1, g1, o1, c + 16, hn + 16, mask1, rec, q + 16, recCells, recHidden);
}

/**
 * The cell update of 4 units from their gate pre-activations, all in registers.
 * c: [4] in place; hn: [4] ← h_t. Lanes past H are forced to 0.
 * With a record, q is the byte offset of these units in a [T][B][Hp] block:
 * gates go to rec + 4q ([4][4]), c to recCells + q, h to recHidden + q.
 * A call, not inlined: it runs once per panel and row (the k loop before it
 * is ~H times longer), and inlining its ~200 instructions into every tile
 * made the module half again as big for no measurable speed.
 */
function lstmCell(
  zi: v128, zf: v128, zg: v128, zo: v128, c: usize, hn: usize, mask: v128,
  rec: usize, q: usize, recCells: usize, recHidden: usize,
): void {
  const i = v128.and(sigmoidRr2P5(zi), mask);
  const f = v128.and(sigmoidRr2P5(zf), mask);
  const g = v128.and(tanhExpm1Rr2P6(zg), mask);
  const o = v128.and(sigmoidRr2P5(zo), mask);
  const cn = madd(i, g, f32x4.mul(f, v128.load(c)));                // c = f⊙c + i⊙g
  const hv = f32x4.mul(o, tanhExpm1Rr2P6(cn));                          // h = o⊙tanh(c)
  v128.store(c, cn);
  v128.store(hn, hv);
  if (rec != 0) {
    const r = rec + (q << 2);
    v128.store(r, i); v128.store(r, f, 16); v128.store(r, g, 32); v128.store(r, o, 48);
    v128.store(recCells + q, cn);
    v128.store(recHidden + q, hv);
  }
}

// ── scalar build: the same pass, one unit at a time ───────────────────────

function lstmStepF32(
  zt: usize, zRow: usize, B: i32, H: i32, u: usize,
  h: usize, hNext: usize, c: usize,
  rec: usize, rt: usize, recCells: usize, recHidden: usize,
): void {
  const Hp = (H + 3) & ~3;
  const hRow = <usize>Hp << 2;
  for (let b = 0; b < B; b++) {
    const zb = zt + <usize>b * zRow;
    const hb = h + <usize>b * hRow;
    for (let j = 0; j < Hp; j++) {
      const sj = <usize>b * hRow + (<usize>j << 2);    // unit j of row b in a [B][Hp] block
      const col = (<usize>(j >> 2) << 6) + (<usize>(j & 3) << 2);   // [p][g=0][lane]
      let i: f32 = 0, f: f32 = 0, g: f32 = 0, o: f32 = 0, cn: f32 = 0, hv: f32 = 0;
      if (j < H) {
        let ai = load<f32>(zb + col), af = load<f32>(zb + col, 16), ag = load<f32>(zb + col, 32), ao = load<f32>(zb + col, 48);
        let w = u + ((<usize>(j >> 2) * H) << 6) + (<usize>(j & 3) << 2);
        for (let k = 0; k < H; k++) {
          const x = load<f32>(hb + (<usize>k << 2));
          ai += x * load<f32>(w); af += x * load<f32>(w, 16); ag += x * load<f32>(w, 32); ao += x * load<f32>(w, 48);
          w += 64;
        }
        i = sigmoidRr2P5F32(ai); f = sigmoidRr2P5F32(af); g = tanhExpm1Rr2P6F32(ag); o = sigmoidRr2P5F32(ao);
        cn = f * load<f32>(c + sj) + i * g;
        hv = o * tanhExpm1Rr2P6F32(cn);
      }
      store<f32>(c + sj, cn);
      store<f32>(hNext + sj, hv);
      if (rec != 0) {
        const q = rt + sj;
        const r = rec + ((rt + <usize>b * hRow) << 2) + col;  // gates [t][b][p][g][lane], g = 0
        store<f32>(r, i); store<f32>(r, f, 16); store<f32>(r, g, 32); store<f32>(r, o, 48);
        store<f32>(recCells + q, cn);
        store<f32>(recHidden + q, hv);
      }
    }
  }
}

// ── backward through time ─────────────────────────────────────────────────

/**
 * LSTM backward (contract: lstmBackward in src/backend/kernels.ts; reference:
 * src/backend/js/lstm.ts): backThroughTime (backward.ts) with these gate
 * derivatives, from the recorded gates i, f, g, o and cells c:
 *
 *     dc   = dc_next + dh⊙o⊙(1 − tanh²c)
 *     dz_i = dc⊙g⊙i(1−i)    dz_f = dc⊙c_{t−1}⊙f(1−f)
 *     dz_g = dc⊙i⊙(1−g²)    dz_o = dh⊙tanh c⊙o(1−o)
 *     dc_next ← dc⊙f
 *     dh_next ← dz·U        (no direct path)
 *
 * tanh c is recomputed (one tanh per 4 units) rather than recorded.
 * work: dh, dh_next (the driver's), dc, c0 (padded), each [B][Hp]; an unused
 * fifth; U transposed (the driver's, 4·Hp² floats).
 */
export function lstmBackward(
  rec: usize,        // [T][B][Hp/4][4][4] gates ‖ [T][B][Hp] c ‖ [T][B][Hp] h, from lstmRecur
  B: i32, T: i32, H: i32,
  u: usize,          // [Hp/4][H][16] recurrent panels
  h0: usize,         // [B][H] or 0: the forward's initial state
  c0: usize,         // [B][H] or 0
  dout: usize,       // ∂L/∂h_t at dout + 4·((b·T + t)·doutStride), or 0
  doutStride: i32,
  dhT: usize,        // [B][H] or 0: ∂L/∂ final h
  dcT: usize,        // [B][H] or 0: ∂L/∂ final c
  reverse: i32,
  dz: usize,         // out [B][T][4Hp]: ∂L/∂ pre-activations, 0 in padded lanes
  hprev: usize,      // out [B][T][H]: h_{t−1} of every step
  dh0: usize,        // out [B][H] or 0
  dc0: usize,        // out [B][H] or 0
  work: usize,       // backWorkFloats(B, H) floats of scratch
  recRows: i32,      // rows of the record (0: B), this call's from row recRow0 (as lstmRecur)
  recRow0: i32,
): void {
  const Hp = (H + 3) & ~3;
  const block = (<usize>B * Hp) << 2;        // bytes of one [B][Hp] block
  const step = recordStep(B, H, recRows);    // bytes of one step of the record
  const cell = changetype<LstmBack>(BACK_CELL); // this instance's scratch (scratch.ts): threads run backward passes at once
  cell.gates = recordSection(rec, 0, T, step, recRow0, 4 * Hp);
  cell.cells = recordSection(rec, 4, T, step, recRow0, Hp);
  cell.dc = work + 2 * block;
  cell.cInit = work + 3 * block;
  cell.dz = dz;
  cell.dzRow = (<usize>T * Hp) << 4;
  cell.step = step;
  cell.H = H;
  loadState(cell.dc, dcT, B, H);
  loadState(cell.cInit, c0, B, H);
  const hidden = recordSection(rec, 5, T, step, recRow0, Hp);
  backThroughTime<LstmBack>(cell, B, T, H, u, 64, hidden, step, h0, dout, doutStride, dhT, reverse, hprev, dh0, work);
  if (dc0 != 0) storeRows(dc0, H, cell.dc, Hp, B, H);
}

/** lstmBackward's pointers, for backThroughTime. */
@unmanaged class LstmBack {
  gates: usize;   // [T][B][Hp/4][4][4] the recorded gates
  cells: usize;   // [T][B][Hp] the recorded c
  cInit: usize;   // [B][Hp] c_0
  dc: usize;      // [B][Hp] ∂L/∂c, carried back a step at a time
  dz: usize;      // out [B][T][4Hp]
  dzRow: usize;   // bytes from row b to b+1 of dz
  step: usize;    // bytes of one step of the record ([recRows][Hp])
  H: i32;

  // @ts-ignore: decorator
  @inline rowBack(t: i32, tPrev: i32, b: i32, row: usize, dout: usize, dh: usize, dhNext: usize): usize {
    const rt = <usize>t * this.step + row;
    const cPrev = (tPrev < 0 ? this.cInit : this.cells + <usize>tPrev * this.step) + row;
    const dz = this.dz + <usize>b * this.dzRow + ((<usize>t * ((this.H + 3) & ~3)) << 4);
    lstmGatesBack(this.gates + 4 * rt, this.cells + rt, cPrev, dout, this.H, dh, dhNext, this.dc + row, dz);
    return dz;
  }
}

/**
 * The gate derivatives of one row (see lstmBackward): gates [Hp/4][4][4],
 * c, cPrev, dh, dc: [Hp]; dout: [H] (any alignment) or 0. Writes dz [4Hp]
 * (0 in padded lanes), dc ← dc⊙f, and zeroes dhNext [Hp] for the dot
 * products to add into.
 */
function lstmGatesBack(
  gates: usize, c: usize, cPrev: usize, dout: usize, H: i32, dh: usize, dhNext: usize, dc: usize, dz: usize,
): void {
  const Hp = (H + 3) & ~3;
  if (ASC_FEATURE_SIMD) {
    const one = f32x4.splat(1);
    for (let j = 0; j < Hp; j += 4) {
      const q = <usize>j << 2, gq = q << 2;
      const mask = laneMask(H - j);
      const i = v128.load(gates + gq), f = v128.load(gates + gq, 16), g = v128.load(gates + gq, 32), o = v128.load(gates + gq, 48);
      const tc = tanhExpm1Rr2P6(v128.load(c + q));
      let dhv = v128.load(dh + q);
      if (dout != 0) dhv = f32x4.add(dhv, loadPart(dout + q, H - j));
      const dcv = madd(f32x4.mul(dhv, o), f32x4.sub(one, f32x4.mul(tc, tc)), v128.load(dc + q));
      const dzi = f32x4.mul(f32x4.mul(dcv, g), f32x4.mul(i, f32x4.sub(one, i)));
      const dzf = f32x4.mul(f32x4.mul(dcv, v128.load(cPrev + q)), f32x4.mul(f, f32x4.sub(one, f)));
      const dzg = f32x4.mul(f32x4.mul(dcv, i), f32x4.sub(one, f32x4.mul(g, g)));
      const dzo = f32x4.mul(f32x4.mul(dhv, tc), f32x4.mul(o, f32x4.sub(one, o)));
      v128.store(dz + gq, v128.and(dzi, mask));
      v128.store(dz + gq, v128.and(dzf, mask), 16);
      v128.store(dz + gq, v128.and(dzg, mask), 32);
      v128.store(dz + gq, v128.and(dzo, mask), 48);
      v128.store(dc + q, v128.and(f32x4.mul(dcv, f), mask));
      v128.store(dhNext + q, f32x4.splat(0));
    }
  } else {
    for (let j = 0; j < Hp; j++) {
      const q = <usize>j << 2;
      const gq = (<usize>(j >> 2) << 6) + (<usize>(j & 3) << 2);   // [p][g=0][lane]
      let dzi: f32 = 0, dzf: f32 = 0, dzg: f32 = 0, dzo: f32 = 0, dcn: f32 = 0;
      if (j < H) {
        const i = load<f32>(gates + gq), f = load<f32>(gates + gq, 16), g = load<f32>(gates + gq, 32), o = load<f32>(gates + gq, 48);
        const tc = tanhExpm1Rr2P6F32(load<f32>(c + q));
        let dhv = load<f32>(dh + q);
        if (dout != 0) dhv += load<f32>(dout + q);
        const dcv = load<f32>(dc + q) + dhv * o * (1 - tc * tc);
        dzi = dcv * g * (i * (1 - i));
        dzf = dcv * load<f32>(cPrev + q) * (f * (1 - f));
        dzg = dcv * i * (1 - g * g);
        dzo = dhv * tc * (o * (1 - o));
        dcn = dcv * f;
      }
      store<f32>(dz + gq, dzi); store<f32>(dz + gq, dzf, 16); store<f32>(dz + gq, dzg, 32); store<f32>(dz + gq, dzo, 48);
      store<f32>(dc + q, dcn);
      store<f32>(dhNext + q, 0);
    }
  }
}
