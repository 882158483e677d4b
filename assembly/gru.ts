/**
 * GRU recurrence (PyTorch semantics, = Keras reset_after=True), one fused
 * pass per step:
 *
 *     a = h_{t−1}·Uᵀ + b_h                    (the recurrent part, gates r, z, n)
 *     r = σ(z_r + a_r)
 *     u = σ(z_z + a_z)                        (the update gate; z_t is the input part)
 *     n = tanh(z_n + r⊙a_n)                   (reset applied after the matmul)
 *     h = (1 − u)⊙n + u⊙h_{t−1}
 *
 * U is packed in panels of 4 units, [H][12] each (r, z, n side by side),
 * so one pass over k fills three f32x4 accumulators per row. Tiles as in
 * lstm.ts: two rows share each weight load ("2x12"); a lone row ("1x12")
 * takes k two at a time. work: h_{t−1}, h_t, unused, each [B][Hp].
 */
import { sigmoidRr2P5, tanhExpm1Rr2P6, sigmoidRr2P5F32, tanhExpm1Rr2P6F32 } from './activations';
import { backThroughTime } from './backward';
import { BACK_CELL } from './scratch';
import { laneMask, loadPart, loadState, recordSection, recordStep, storeRows } from './state';
import { madd } from './madd';

export function gruRecur(
  z: usize,       // [B][T][3Hp] packed x_t·W_xᵀ + b_x
  B: i32, T: i32, H: i32,
  u: usize,       // [Hp/4][H][12] recurrent panels
  bh: usize,      // [Hp/4][3][4] recurrent bias b_h
  h0: usize,      // [B][H] or 0
  out: usize,     // h_t at out + 4·((b·T + t)·outStride), or 0
  outStride: i32,
  hT: usize,      // [B][H] final h
  reverse: i32,
  work: usize,    // 3·[B][Hp] scratch
  rec: usize,     // [T][recRows][Hp/4][3][4] gates ‖ [T][recRows][Hp] a_n ‖ [T][recRows][Hp] h, or 0
  recRows: i32,   // rows of the record (0: B), this call's from row recRow0 (state.ts, recordStep)
  recRow0: i32,
): void {
  const Hp = (H + 3) & ~3;
  const block = (<usize>B * Hp) << 2;        // bytes of one [B][Hp] block
  let h = work;
  let hNext = work + block;
  loadState(h, h0, B, H);
  const zRow = (<usize>T * Hp) * 12;         // bytes from row b to b+1 of z
  const step = recordStep(B, H, recRows);    // bytes of one step of the record
  const recGates = rec != 0 ? recordSection(rec, 0, T, step, recRow0, 3 * Hp) : 0; // the steps test it for a record
  const recAn = recordSection(rec, 3, T, step, recRow0, Hp);
  const recHidden = recordSection(rec, 4, T, step, recRow0, Hp);
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const zt = z + <usize>t * Hp * 12;       // z[0][t]
    const rt = <usize>t * step;              // step t in a [T][recRows][Hp] section
    if (ASC_FEATURE_SIMD) gruStep(zt, zRow, B, H, u, bh, h, hNext, recGates, rt, recAn, recHidden);
    else gruStepF32(zt, zRow, B, H, u, bh, h, hNext, recGates, rt, recAn, recHidden);
    const tmp = h; h = hNext; hNext = tmp;
    if (out != 0) storeRows(out + ((<usize>t * outStride) << 2), T * outStride, h, Hp, B, H);
  }
  storeRows(hT, H, h, Hp, B, H);
}

/** One time step for all rows, SIMD: panels outer, row pairs inner. */
function gruStep(
  zt: usize, zRow: usize, B: i32, H: i32, u: usize, bh: usize,
  h: usize,      // [B][Hp] h_{t−1}
  hNext: usize,  // [B][Hp] h_t
  rec: usize, rt: usize, recAn: usize, recHidden: usize,
): void {
  const Hp = (H + 3) & ~3;
  const hRow = <usize>Hp << 2;
  for (let p = 0; p < Hp >> 2; p++) {
    const w = u + <usize>p * H * 48;
    const bp = bh + <usize>p * 48;
    const mask = laneMask(H - 4 * p);
    const zp = zt + <usize>p * 48;           // this panel's 12 columns in z[0][t]
    const sp = <usize>p << 4;                // this panel's 4 units in a state row
    let b = 0;
    for (; b + 2 <= B; b += 2) {
      const rowA = <usize>b * hRow, rowB = rowA + hRow;
      gru2x12(zp + <usize>b * zRow, zp + <usize>(b + 1) * zRow, h + rowA, h + rowB, sp, w, H, bp,
        hNext + rowA + sp, hNext + rowB + sp, mask, rec, rt + rowA + sp, rt + rowB + sp, recAn, recHidden);
    }
    if (b < B) {
      const rowA = <usize>b * hRow;
      gru1x12(zp + <usize>b * zRow, h + rowA, sp, w, H, bp, hNext + rowA + sp, mask, rec, rt + rowA + sp, recAn, recHidden);
    }
  }
}

/**
 * Two rows × one panel. zA, zB: [12] z of the panel; hA, hB: [K] h_{t−1}
 * (sp: byte offset of the panel's units in them); w: [K][12]; bh: [12];
 * hnA, hnB: [4] h_t out.
 */
// @ts-ignore: decorator
@inline function gru2x12(
  zA: usize, zB: usize, hA: usize, hB: usize, sp: usize, w: usize, K: i32, bh: usize,
  hnA: usize, hnB: usize, mask: v128,
  rec: usize, qA: usize, qB: usize, recAn: usize, recHidden: usize,
): void {
  let rA = v128.load(bh), uA = v128.load(bh, 16), nA = v128.load(bh, 32);
  let rB = rA, uB = uA, nB = nA;
  const hpA = v128.load(hA + sp), hpB = v128.load(hB + sp);
  const end = w + <usize>K * 48;
  while (w < end) {
    const xa = v128.load32_splat(hA), xb = v128.load32_splat(hB);
    const wr = v128.load(w), wu = v128.load(w, 16), wn = v128.load(w, 32);
    rA = madd(xa, wr, rA); rB = madd(xb, wr, rB);
    uA = madd(xa, wu, uA); uB = madd(xb, wu, uB);
    nA = madd(xa, wn, nA); nB = madd(xb, wn, nB);
    hA += 4; hB += 4; w += 48;
  }
  gruCell(zA, rA, uA, nA, hpA, hnA, mask, rec, qA, recAn, recHidden);
  gruCell(zB, rB, uB, nB, hpB, hnB, mask, rec, qB, recAn, recHidden);
}

/** One row × one panel, two k per iteration (index.ts). Arguments as gru2x12. */
// @ts-ignore: decorator
@inline function gru1x12(
  z: usize, h: usize, sp: usize, w: usize, K: i32, bh: usize, hn: usize, mask: v128,
  rec: usize, q: usize, recAn: usize, recHidden: usize,
): void {
  let r = v128.load(bh), u = v128.load(bh, 16), n = v128.load(bh, 32);
  const hp = v128.load(h + sp);
  const end = w + <usize>(K & ~1) * 48;
  while (w < end) {
    const x0 = v128.load32_splat(h), x1 = v128.load32_splat(h, 4);
    r = f32x4.add(r, madd(x1, v128.load(w, 48), f32x4.mul(x0, v128.load(w))));
    u = f32x4.add(u, madd(x1, v128.load(w, 64), f32x4.mul(x0, v128.load(w, 16))));
    n = f32x4.add(n, madd(x1, v128.load(w, 80), f32x4.mul(x0, v128.load(w, 32))));
    h += 8; w += 96;
  }
  if (K & 1) {
    const x0 = v128.load32_splat(h);
    r = madd(x0, v128.load(w), r);
    u = madd(x0, v128.load(w, 16), u);
    n = madd(x0, v128.load(w, 32), n);
  }
  gruCell(z, r, u, n, hp, hn, mask, rec, q, recAn, recHidden);
}

/**
 * The GRU update of 4 units: z: [12] input part (r, z, n), ar/au/an the
 * recurrent part, hp = h_{t−1}; hn: [4] ← h_t. Lanes past H are forced to 0.
 * Record (q = byte offset of the units in a [T][B][Hp] block): gates at
 * rec + 3q ([3][4]), a_n at recAn + q, h at recHidden + q.
 * A call, not inlined (index.ts).
 */
function gruCell(
  z: usize, ar: v128, au: v128, an: v128, hp: v128, hn: usize, mask: v128,
  rec: usize, q: usize, recAn: usize, recHidden: usize,
): void {
  const r = v128.and(sigmoidRr2P5(f32x4.add(v128.load(z), ar)), mask);
  const u = v128.and(sigmoidRr2P5(f32x4.add(v128.load(z, 16), au)), mask);
  const n = v128.and(tanhExpm1Rr2P6(madd(r, an, v128.load(z, 32))), mask);
  const hv = madd(u, hp, f32x4.mul(f32x4.sub(f32x4.splat(1), u), n));              // (1−u)⊙n + u⊙h
  v128.store(hn, hv);
  if (rec != 0) {
    const g = rec + 3 * q;
    v128.store(g, r); v128.store(g, u, 16); v128.store(g, n, 32);
    v128.store(recAn + q, v128.and(an, mask));
    v128.store(recHidden + q, hv);
  }
}

// ── scalar build: the same pass, one unit at a time ───────────────────────

function gruStepF32(
  zt: usize, zRow: usize, B: i32, H: i32, u: usize, bh: usize,
  h: usize, hNext: usize,
  rec: usize, rt: usize, recAn: usize, recHidden: usize,
): void {
  const Hp = (H + 3) & ~3;
  const hRow = <usize>Hp << 2;
  for (let b = 0; b < B; b++) {
    const zb = zt + <usize>b * zRow;
    const hb = h + <usize>b * hRow;
    for (let j = 0; j < Hp; j++) {
      const sj = <usize>b * hRow + (<usize>j << 2);    // unit j of row b in a [B][Hp] block
      const lane = <usize>(j & 3) << 2;
      const col = <usize>(j >> 2) * 48 + lane;          // [p][g=0][lane]
      let r: f32 = 0, uu: f32 = 0, n: f32 = 0, an: f32 = 0, hv: f32 = 0;
      if (j < H) {
        let ar = load<f32>(bh + col), au = load<f32>(bh + col, 16);
        an = load<f32>(bh + col, 32);
        let w = u + <usize>(j >> 2) * H * 48 + lane;
        for (let k = 0; k < H; k++) {
          const x = load<f32>(hb + (<usize>k << 2));
          ar += x * load<f32>(w); au += x * load<f32>(w, 16); an += x * load<f32>(w, 32);
          w += 48;
        }
        r = sigmoidRr2P5F32(load<f32>(zb + col) + ar);
        uu = sigmoidRr2P5F32(load<f32>(zb + col, 16) + au);
        n = tanhExpm1Rr2P6F32(load<f32>(zb + col, 32) + r * an);
        hv = (1 - uu) * n + uu * load<f32>(hb + (<usize>j << 2));
      }
      store<f32>(hNext + sj, hv);
      if (rec != 0) {
        const q = rt + sj;
        const g = rec + 3 * (rt + <usize>b * hRow) + col;   // gates [t][b][p][g][lane], g = 0
        store<f32>(g, r); store<f32>(g, uu, 16); store<f32>(g, n, 32);
        store<f32>(recAn + q, an);
        store<f32>(recHidden + q, hv);
      }
    }
  }
}

// ── backward through time ─────────────────────────────────────────────────

/**
 * GRU backward (contract: gruBackward in src/backend/kernels.ts; reference:
 * src/backend/js/gru.ts): backThroughTime (backward.ts) with these gate
 * derivatives, from the recorded gates r, u (update), n and a_n:
 *
 *     dn    = dh⊙(1−u)⊙(1−n²)                 (∂L/∂ of n's pre-activation)
 *     dz_u  = dh⊙(h_{t−1} − n)⊙u(1−u)
 *     dz_r  = dn⊙a_n⊙r(1−r)
 *     dzx   = [dz_r, dz_u, dn]                 (the input part x·W_xᵀ + b_x)
 *     dza   = [dz_r, dz_u, dn⊙r]               (a = h·Uᵀ + b_h: the reset gate scales a_n)
 *     dh_next ← dh⊙u + dza·U                   (direct path, then the driver's dot products)
 *
 * work: dh, dh_next (the driver's), h0 (padded), two unused; each [B][Hp];
 * U transposed (the driver's, 3·Hp² floats).
 */
export function gruBackward(
  rec: usize,        // [T][B][Hp/4][3][4] gates ‖ [T][B][Hp] a_n ‖ [T][B][Hp] h, from gruRecur
  B: i32, T: i32, H: i32,
  u: usize,          // [Hp/4][H][12] recurrent panels
  h0: usize,         // [B][H] or 0: the forward's initial state
  dout: usize,       // ∂L/∂h_t at dout + 4·((b·T + t)·doutStride), or 0
  doutStride: i32,
  dhT: usize,        // [B][H] or 0
  reverse: i32,
  dzx: usize,        // out [B][T][3Hp]
  dza: usize,        // out [B][T][3Hp]
  hprev: usize,      // out [B][T][H]
  dh0: usize,        // out [B][H] or 0
  work: usize,       // backWorkFloats(B, H) floats of scratch
  recRows: i32,      // rows of the record (0: B), this call's from row recRow0 (as gruRecur)
  recRow0: i32,
): void {
  const Hp = (H + 3) & ~3;
  const block = (<usize>B * Hp) << 2;        // bytes of one [B][Hp] block
  const step = recordStep(B, H, recRows);    // bytes of one step of the record
  const cell = changetype<GruBack>(BACK_CELL); // this instance's scratch (scratch.ts): threads run backward passes at once
  cell.gates = recordSection(rec, 0, T, step, recRow0, 3 * Hp);
  cell.an = recordSection(rec, 3, T, step, recRow0, Hp);
  cell.hidden = recordSection(rec, 4, T, step, recRow0, Hp);
  cell.hInit = work + 2 * block;
  cell.dzx = dzx;
  cell.dza = dza;
  cell.dzRow = <usize>T * Hp * 12;
  cell.step = step;
  cell.H = H;
  loadState(cell.hInit, h0, B, H);
  backThroughTime<GruBack>(cell, B, T, H, u, 48, cell.hidden, step, h0, dout, doutStride, dhT, reverse, hprev, dh0, work);
}

/** gruBackward's pointers, for backThroughTime. */
@unmanaged class GruBack {
  gates: usize;   // [T][B][Hp/4][3][4] the recorded gates
  an: usize;      // [T][B][Hp] the recorded a_n
  hidden: usize;  // [T][B][Hp] the recorded h
  hInit: usize;   // [B][Hp] h_0
  dzx: usize;     // out [B][T][3Hp]
  dza: usize;     // out [B][T][3Hp]
  dzRow: usize;   // bytes from row b to b+1 of dzx, dza
  step: usize;    // bytes of one step of the record ([recRows][Hp])
  H: i32;

  // @ts-ignore: decorator
  @inline rowBack(t: i32, tPrev: i32, b: i32, row: usize, dout: usize, dh: usize, dhNext: usize): usize {
    const rt = <usize>t * this.step + row;
    const hPrev = (tPrev < 0 ? this.hInit : this.hidden + <usize>tPrev * this.step) + row;
    const o = <usize>b * this.dzRow + <usize>t * ((this.H + 3) & ~3) * 12;   // row b, step t of dzx, dza
    gruGatesBack(this.gates + 3 * rt, this.an + rt, hPrev, dout, this.H, dh, dhNext, this.dzx + o, this.dza + o);
    return this.dza + o;
  }
}

/**
 * The gate derivatives of one row (see gruBackward): gates [Hp/4][3][4];
 * an, hp, dh: [Hp]; dout: [H] (any alignment) or 0. Writes dzx, dza [3Hp]
 * (0 in padded lanes) and dhNext [Hp] ← dh⊙u, the direct path.
 */
function gruGatesBack(
  gates: usize, an: usize, hp: usize, dout: usize, H: i32, dh: usize, dhNext: usize, dzx: usize, dza: usize,
): void {
  const Hp = (H + 3) & ~3;
  if (ASC_FEATURE_SIMD) {
    const one = f32x4.splat(1);
    for (let j = 0; j < Hp; j += 4) {
      const q = <usize>j << 2, gq = q * 3;
      const mask = laneMask(H - j);
      const r = v128.load(gates + gq), z = v128.load(gates + gq, 16), n = v128.load(gates + gq, 32);
      let dhv = v128.load(dh + q);
      if (dout != 0) dhv = f32x4.add(dhv, loadPart(dout + q, H - j));
      dhv = v128.and(dhv, mask);
      const dn = v128.and(f32x4.mul(f32x4.mul(dhv, f32x4.sub(one, z)), f32x4.sub(one, f32x4.mul(n, n))), mask);
      const dzz = v128.and(f32x4.mul(f32x4.mul(dhv, f32x4.sub(v128.load(hp + q), n)), f32x4.mul(z, f32x4.sub(one, z))), mask);
      const dzr = v128.and(f32x4.mul(f32x4.mul(dn, v128.load(an + q)), f32x4.mul(r, f32x4.sub(one, r))), mask);
      v128.store(dzx + gq, dzr); v128.store(dzx + gq, dzz, 16); v128.store(dzx + gq, dn, 32);
      v128.store(dza + gq, dzr); v128.store(dza + gq, dzz, 16); v128.store(dza + gq, v128.and(f32x4.mul(dn, r), mask), 32);
      v128.store(dhNext + q, v128.and(f32x4.mul(dhv, z), mask));
    }
  } else {
    for (let j = 0; j < Hp; j++) {
      const q = <usize>j << 2;
      const gq = <usize>(j >> 2) * 48 + (<usize>(j & 3) << 2);   // [p][g=0][lane]
      let dzr: f32 = 0, dzz: f32 = 0, dn: f32 = 0, dnr: f32 = 0, direct: f32 = 0;
      if (j < H) {
        const r = load<f32>(gates + gq), z = load<f32>(gates + gq, 16), n = load<f32>(gates + gq, 32);
        let dhv = load<f32>(dh + q);
        if (dout != 0) dhv += load<f32>(dout + q);
        dn = dhv * (1 - z) * (1 - n * n);
        dzz = dhv * (load<f32>(hp + q) - n) * (z * (1 - z));
        dzr = dn * load<f32>(an + q) * (r * (1 - r));
        dnr = dn * r;
        direct = dhv * z;
      }
      store<f32>(dzx + gq, dzr); store<f32>(dzx + gq, dzz, 16); store<f32>(dzx + gq, dn, 32);
      store<f32>(dza + gq, dzr); store<f32>(dza + gq, dzz, 16); store<f32>(dza + gq, dnr, 32);
      store<f32>(dhNext + q, direct);
    }
  }
}
