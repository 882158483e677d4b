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
import { laneMask, loadState, storeRows } from './state';

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
  rec: usize,     // [T][B][Hp/4][3][4] gates ‖ [T][B][Hp] a_n ‖ [T][B][Hp] h, or 0
): void {
  const Hp = (H + 3) & ~3;
  const block = (<usize>B * Hp) << 2;        // bytes of one [B][Hp] block
  let h = work;
  let hNext = work + block;
  loadState(h, h0, B, H);
  const zRow = (<usize>T * Hp) * 12;         // bytes from row b to b+1 of z
  const recAn = rec + 3 * <usize>T * block;
  const recHidden = rec + 4 * <usize>T * block;
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const zt = z + <usize>t * Hp * 12;       // z[0][t]
    const rt = <usize>t * block;             // step t in a [T][B][Hp] record
    if (ASC_FEATURE_SIMD) gruStep(zt, zRow, B, H, u, bh, h, hNext, rec, rt, recAn, recHidden);
    else gruStepF32(zt, zRow, B, H, u, bh, h, hNext, rec, rt, recAn, recHidden);
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
    rA = f32x4.add(rA, f32x4.mul(xa, wr)); rB = f32x4.add(rB, f32x4.mul(xb, wr));
    uA = f32x4.add(uA, f32x4.mul(xa, wu)); uB = f32x4.add(uB, f32x4.mul(xb, wu));
    nA = f32x4.add(nA, f32x4.mul(xa, wn)); nB = f32x4.add(nB, f32x4.mul(xb, wn));
    hA += 4; hB += 4; w += 48;
  }
  gruCell(zA, rA, uA, nA, hpA, hnA, mask, rec, qA, recAn, recHidden);
  gruCell(zB, rB, uB, nB, hpB, hnB, mask, rec, qB, recAn, recHidden);
}

/**
 * One row × one panel. Two k per iteration, their products summed before
 * they meet the accumulator (shorter add chains without more registers;
 * see lstm1x16). Arguments as gru2x12.
 */
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
    r = f32x4.add(r, f32x4.add(f32x4.mul(x0, v128.load(w)), f32x4.mul(x1, v128.load(w, 48))));
    u = f32x4.add(u, f32x4.add(f32x4.mul(x0, v128.load(w, 16)), f32x4.mul(x1, v128.load(w, 64))));
    n = f32x4.add(n, f32x4.add(f32x4.mul(x0, v128.load(w, 32)), f32x4.mul(x1, v128.load(w, 80))));
    h += 8; w += 96;
  }
  if (K & 1) {
    const x0 = v128.load32_splat(h);
    r = f32x4.add(r, f32x4.mul(x0, v128.load(w)));
    u = f32x4.add(u, f32x4.mul(x0, v128.load(w, 16)));
    n = f32x4.add(n, f32x4.mul(x0, v128.load(w, 32)));
  }
  gruCell(z, r, u, n, hp, hn, mask, rec, q, recAn, recHidden);
}

/**
 * The GRU update of 4 units: z: [12] input part (r, z, n), ar/au/an the
 * recurrent part, hp = h_{t−1}; hn: [4] ← h_t. Lanes past H are forced to 0.
 * Record (q = byte offset of the units in a [T][B][Hp] block): gates at
 * rec + 3q ([3][4]), a_n at recAn + q, h at recHidden + q.
 * A call, not inlined, like lstmCell (lstm.ts).
 */
function gruCell(
  z: usize, ar: v128, au: v128, an: v128, hp: v128, hn: usize, mask: v128,
  rec: usize, q: usize, recAn: usize, recHidden: usize,
): void {
  const r = v128.and(sigmoidRr2P5(f32x4.add(v128.load(z), ar)), mask);
  const u = v128.and(sigmoidRr2P5(f32x4.add(v128.load(z, 16), au)), mask);
  const n = v128.and(tanhExpm1Rr2P6(f32x4.add(v128.load(z, 32), f32x4.mul(r, an))), mask);
  const hv = f32x4.add(f32x4.mul(f32x4.sub(f32x4.splat(1), u), n), f32x4.mul(u, hp));  // (1−u)⊙n + u⊙h
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
