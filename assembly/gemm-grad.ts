/**
 * The two gradients of `project` (gemm.ts), and the product every backward
 * recurrence needs per step. With Z = X·W (W in panels, gemm.ts):
 *
 *     gradWeights   dW += Xᵀ·dZ      dw[p][k][c] += Σ_r x[r][k] · dz[r][p][c]   (db += Σ_r dz[r])
 *     gradInput     dX += dZ·Wᵀ      dx[r][k]    += Σ_p Σ_c dz[r][p][c] · w[p][k][c]
 *
 * x: [rows][K] (any alignment), dz: [rows][panels·pw], w, dw: [panels][K][pw],
 * db: [panels][pw] or 0; pw = 4·G columns per panel (4, 12 or 16; any
 * multiple of 4 works). Training calls them once over all B·T rows: the
 * weight gradient of every time step is hoisted out of the recurrence.
 *
 * gradWeights reduces over rows, so it keeps a block of dw in registers
 * while the rows stream past: "2x16" = two k × 16 columns, 8 f32x4
 * accumulators, per row 2 splats of x and 4 vectors of dz (project's tile,
 * transposed). Rows go in chunks of GW_CHUNK, panels outer inside a chunk,
 * so a panel's slice of dz (chunk × 64 bytes) and the chunk's x stay in L1
 * across the k pairs; the accumulators meet dw once per chunk.
 *
 * gradInput reduces along a panel row: every output is a dot product of
 * dz[r] with row k of all panels. "dot2x4": two rows × four k, eight
 * accumulators; per panel column vector 2 loads of dz, 4 of w, 8 multiply-
 * adds; one transpose-and-add (hsum4) per 4 outputs turns the lanes into
 * sums at the end. The last panel's weights go through a lane mask: in a
 * recurrent layer its units past H hold anything (NaN included), and 0·NaN
 * would leak. (Unrolling a panel's four column vectors by hand made it
 * slower: TurboFan hoisted all the loads and spilled accumulators. Narrow
 * panels, pw = 4, get a single loop over the panels instead of a loop of
 * one column per panel.)
 *
 * Measured on W3's shapes (B·T = 3200 rows): gradWeights 55–57 GFLOP/s for
 * U (K = 64), ~47 for W (K = 8). The backward recurrences' dh_{t−1} =
 * dz_t·U used these dot products too (~42 GFLOP/s: U's panels are H·64
 * bytes apart, a large stride); they now run projectAdd on a transposed
 * copy of U instead (backward.ts, transpose.ts).
 */
import { addPart } from './state';
import { madd } from './madd';

/** Rows per gradWeights chunk (x and a panel's dz slice stay in L1 across k). */
const GW_CHUNK = 128;
/** Rows per gradInput call of the row-pair loop (V8 optimizes a function at its next call). */
const GI_CHUNK = 64;

/** dzStride: floats from one dz row to the next, 0 for panels·pw (a call over some of the panels of a wider dz: threads). */
export function gradWeights(x: usize, rows: i32, K: i32, dz: usize, panels: i32, pw: i32, dw: usize, db: usize, dzStride: i32): void {
  const xRow = <usize>K << 2;
  const pwBytes = <usize>pw << 2;
  const dzRow = dzStride > 0 ? <usize>dzStride << 2 : <usize>panels * pwBytes;
  const wPanel = <usize>K * pwBytes;
  for (let r0 = 0; r0 < rows; r0 += GW_CHUNK) {
    const n = min(GW_CHUNK, rows - r0);
    const xr = x + <usize>r0 * xRow, dr = dz + <usize>r0 * dzRow;
    if (db != 0) colSums(dr, n, dzRow, panels * pw, db);
    let p = 0;
    if (ASC_FEATURE_SIMD) {
      if (pw == 16) {
        for (; p < panels; p++) gwRows16(xr, n, xRow, K, dr + <usize>p * 64, dzRow, dw + <usize>p * wPanel, 16, 64);
      } else if (pw == 12) {
        for (; p < panels; p++) gwRows12(xr, n, xRow, K, dr + <usize>p * 48, dzRow, dw + <usize>p * wPanel);
      } else if (pw == 4) {
        // four adjacent panels = 16 adjacent columns of dz: the same 2x16 tile, dw vectors wPanel apart
        for (; p + 4 <= panels; p += 4) gwRows16(xr, n, xRow, K, dr + <usize>p * 16, dzRow, dw + <usize>p * wPanel, wPanel, 16);
      }
    }
    // the rest (pw = 4 leftovers, other widths, the scalar build): 4 columns at a time
    for (; p < panels; p++) {
      for (let cg: usize = 0; cg < pwBytes; cg += 16) {
        gwRows4(xr, n, xRow, K, dr + <usize>p * pwBytes + cg, dzRow, dw + <usize>p * wPanel + cg, pwBytes);
      }
    }
  }
}

/**
 * All k × one block of 16 columns over n rows: 2x16 tiles, an odd last k
 * by the same tile on k twice (its second half dropped). dz: the block's
 * first column in row 0 (16 contiguous floats per row, rows dzRow bytes
 * apart); dw: the block in row k = 0, its four vectors colStep apart,
 * rows dwRow apart.
 */
function gwRows16(x: usize, n: i32, xRow: usize, K: i32, dz: usize, dzRow: usize, dw: usize, colStep: usize, dwRow: usize): void {
  let k = 0;
  for (; k + 2 <= K; k += 2) gw2x16(x + (<usize>k << 2), 4, n, xRow, dz, dzRow, dw + <usize>k * dwRow, colStep, dwRow, true);
  if (k < K) gw2x16(x + (<usize>k << 2), 0, n, xRow, dz, dzRow, dw + <usize>k * dwRow, colStep, dwRow, false);
}

/** As gwRows16 for one panel of 12 columns (dw: [K][12]). */
function gwRows12(x: usize, n: i32, xRow: usize, K: i32, dz: usize, dzRow: usize, dw: usize): void {
  let k = 0;
  for (; k + 2 <= K; k += 2) gw2x12(x + (<usize>k << 2), 4, n, xRow, dz, dzRow, dw + <usize>k * 48, true);
  if (k < K) gw2x12(x + (<usize>k << 2), 0, n, xRow, dz, dzRow, dw + <usize>k * 48, false);
}

/** All k × 4 columns (dw rows dwRow bytes apart): 2 k at a time; scalar build: 1 k, four f32 accumulators. */
function gwRows4(x: usize, n: i32, xRow: usize, K: i32, dz: usize, dzRow: usize, dw: usize, dwRow: usize): void {
  if (ASC_FEATURE_SIMD) {
    let k = 0;
    for (; k + 2 <= K; k += 2) gw2x4(x + (<usize>k << 2), 4, n, xRow, dz, dzRow, dw + <usize>k * dwRow, dwRow, true);
    if (k < K) gw2x4(x + (<usize>k << 2), 0, n, xRow, dz, dzRow, dw + <usize>k * dwRow, dwRow, false);
  } else {
    for (let k = 0; k < K; k++) gw1x4F32(x + (<usize>k << 2), n, xRow, dz, dzRow, dw + <usize>k * dwRow);
  }
}

/**
 * dw[k], dw[k+1] (16 columns each) += Σ_r x[r][k]·dz[r], x[r][k+1]·dz[r].
 * x: &x[0][k]; x1: bytes to the second k (0 for a lone last k, whose
 * second row is then not stored: two = false).
 */
// @ts-ignore: decorator
@inline function gw2x16(
  x: usize, x1: usize, n: i32, xRow: usize, dz: usize, dzRow: usize, dw: usize, colStep: usize, dwRow: usize, two: bool,
): void {
  let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
  const end = x + <usize>n * xRow;
  while (x < end) {
    const xa = v128.load32_splat(x), xb = v128.load32_splat(x + x1);
    const v0 = v128.load(dz), v1 = v128.load(dz, 16), v2 = v128.load(dz, 32), v3 = v128.load(dz, 48);
    a0 = madd(xa, v0, a0); b0 = madd(xb, v0, b0);
    a1 = madd(xa, v1, a1); b1 = madd(xb, v1, b1);
    a2 = madd(xa, v2, a2); b2 = madd(xb, v2, b2);
    a3 = madd(xa, v3, a3); b3 = madd(xb, v3, b3);
    x += xRow; dz += dzRow;
  }
  const w1 = dw + colStep, w2 = w1 + colStep, w3 = w2 + colStep;
  v128.store(dw, f32x4.add(v128.load(dw), a0)); v128.store(w1, f32x4.add(v128.load(w1), a1));
  v128.store(w2, f32x4.add(v128.load(w2), a2)); v128.store(w3, f32x4.add(v128.load(w3), a3));
  if (two) {
    v128.store(dw + dwRow, f32x4.add(v128.load(dw + dwRow), b0)); v128.store(w1 + dwRow, f32x4.add(v128.load(w1 + dwRow), b1));
    v128.store(w2 + dwRow, f32x4.add(v128.load(w2 + dwRow), b2)); v128.store(w3 + dwRow, f32x4.add(v128.load(w3 + dwRow), b3));
  }
}

/** As gw2x16 for 12 contiguous columns (dw rows 48 bytes apart). */
// @ts-ignore: decorator
@inline function gw2x12(x: usize, x1: usize, n: i32, xRow: usize, dz: usize, dzRow: usize, dw: usize, two: bool): void {
  let a0 = f32x4.splat(0), a1 = a0, a2 = a0, b0 = a0, b1 = a0, b2 = a0;
  const end = x + <usize>n * xRow;
  while (x < end) {
    const xa = v128.load32_splat(x), xb = v128.load32_splat(x + x1);
    const v0 = v128.load(dz), v1 = v128.load(dz, 16), v2 = v128.load(dz, 32);
    a0 = madd(xa, v0, a0); b0 = madd(xb, v0, b0);
    a1 = madd(xa, v1, a1); b1 = madd(xb, v1, b1);
    a2 = madd(xa, v2, a2); b2 = madd(xb, v2, b2);
    x += xRow; dz += dzRow;
  }
  v128.store(dw, f32x4.add(v128.load(dw), a0));
  v128.store(dw, f32x4.add(v128.load(dw, 16), a1), 16);
  v128.store(dw, f32x4.add(v128.load(dw, 32), a2), 32);
  if (two) {
    v128.store(dw, f32x4.add(v128.load(dw, 48), b0), 48);
    v128.store(dw, f32x4.add(v128.load(dw, 64), b1), 64);
    v128.store(dw, f32x4.add(v128.load(dw, 80), b2), 80);
  }
}

/** As gw2x16 for 4 columns (dw rows dwRow bytes apart); rows two at a time to shorten the add chains. */
// @ts-ignore: decorator
@inline function gw2x4(x: usize, x1: usize, n: i32, xRow: usize, dz: usize, dzRow: usize, dw: usize, dwRow: usize, two: bool): void {
  let a0 = f32x4.splat(0), a1 = a0, b0 = a0, b1 = a0;
  const end = x + <usize>(n & ~1) * xRow;
  while (x < end) {
    const v0 = v128.load(dz), v1 = v128.load(dz + dzRow);
    const xa = v128.load32_splat(x), xb = v128.load32_splat(x + x1);
    const ya = v128.load32_splat(x + xRow), yb = v128.load32_splat(x + xRow + x1);
    a0 = madd(xa, v0, a0); b0 = madd(xb, v0, b0);
    a1 = madd(ya, v1, a1); b1 = madd(yb, v1, b1);
    x += xRow << 1; dz += dzRow << 1;
  }
  if (n & 1) {
    const v0 = v128.load(dz);
    a0 = madd(v128.load32_splat(x), v0, a0);
    b0 = madd(v128.load32_splat(x + x1), v0, b0);
  }
  v128.store(dw, f32x4.add(v128.load(dw), f32x4.add(a0, a1)));
  if (two) v128.store(dw + dwRow, f32x4.add(v128.load(dw + dwRow), f32x4.add(b0, b1)));
}

/** Scalar build: dw[k] (4 columns) += Σ_r x[r][k]·dz[r]. */
// @ts-ignore: decorator
@inline function gw1x4F32(x: usize, n: i32, xRow: usize, dz: usize, dzRow: usize, dw: usize): void {
  let a0: f32 = 0, a1: f32 = 0, a2: f32 = 0, a3: f32 = 0;
  const end = x + <usize>n * xRow;
  while (x < end) {
    const xk = load<f32>(x);
    a0 += xk * load<f32>(dz); a1 += xk * load<f32>(dz, 4); a2 += xk * load<f32>(dz, 8); a3 += xk * load<f32>(dz, 12);
    x += xRow; dz += dzRow;
  }
  store<f32>(dw, load<f32>(dw) + a0); store<f32>(dw, load<f32>(dw, 4) + a1, 4);
  store<f32>(dw, load<f32>(dw, 8) + a2, 8); store<f32>(dw, load<f32>(dw, 12) + a3, 12);
}

/** db[c] += Σ_r dz[r][c] for c < N (a multiple of 4): 16 columns at a time, then 4. */
function colSums(dz: usize, n: i32, dzRow: usize, N: i32, db: usize): void {
  let c = 0;
  if (ASC_FEATURE_SIMD) {
    for (; c + 16 <= N; c += 16) {
      const o = <usize>c << 2;
      let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
      let d = dz + o;
      const end = d + <usize>n * dzRow;
      while (d < end) {
        a0 = f32x4.add(a0, v128.load(d)); a1 = f32x4.add(a1, v128.load(d, 16));
        a2 = f32x4.add(a2, v128.load(d, 32)); a3 = f32x4.add(a3, v128.load(d, 48));
        d += dzRow;
      }
      const q = db + o;
      v128.store(q, f32x4.add(v128.load(q), a0)); v128.store(q, f32x4.add(v128.load(q, 16), a1), 16);
      v128.store(q, f32x4.add(v128.load(q, 32), a2), 32); v128.store(q, f32x4.add(v128.load(q, 48), a3), 48);
    }
    for (; c < N; c += 4) {
      const o = <usize>c << 2;
      let a = f32x4.splat(0);
      let d = dz + o;
      const end = d + <usize>n * dzRow;
      while (d < end) { a = f32x4.add(a, v128.load(d)); d += dzRow; }
      v128.store(db + o, f32x4.add(v128.load(db + o), a));
    }
  } else {
    for (; c < N; c++) {
      const o = <usize>c << 2;
      let a: f32 = 0;
      let d = dz + o;
      const end = d + <usize>n * dzRow;
      while (d < end) { a += load<f32>(d); d += dzRow; }
      store<f32>(db + o, load<f32>(db + o) + a);
    }
  }
}

// ── dot products along panel rows: gradInput and dh_{t−1} ───────────────────

export function gradInput(dz: usize, rows: i32, K: i32, w: usize, panels: i32, pw: i32, dx: usize): void {
  const pwBytes = <usize>pw << 2;
  const dzRow = <usize>panels * pwBytes;
  const xRow = <usize>K << 2;
  for (let r0 = 0; r0 < rows; r0 += GI_CHUNK) {
    const n = min(GI_CHUNK, rows - r0);
    const d = dz + <usize>r0 * dzRow, x = dx + <usize>r0 * xRow;
    let r = 0;
    for (; r + 2 <= n; r += 2) {
      dotRows2(d + <usize>r * dzRow, d + <usize>(r + 1) * dzRow, w, K, panels, pwBytes, 4,
        x + <usize>r * xRow, x + <usize>(r + 1) * xRow);
    }
    if (r < n) dotRow1(d + <usize>r * dzRow, w, K, panels, pwBytes, 4, x + <usize>r * xRow);
  }
}

/**
 * Two rows of dz ([panels][pw] each) against all K rows of the panels w
 * ([panels][K][pw]): outA[k] += Σ_p Σ_c dzA[p][c]·w[p][k][c], likewise B;
 * out: [K] (any alignment). Only the first `lastValid` lanes (1..4) of the
 * last panel count (the units that exist). Scalar build: one row at a time.
 */
function dotRows2(
  dzA: usize, dzB: usize, w: usize, K: i32, panels: i32, pwBytes: usize, lastValid: i32, outA: usize, outB: usize,
): void {
  if (panels <= 0) return;                     // nothing to add (and no last panel to mask)
  if (ASC_FEATURE_SIMD) {
    const wPanel = <usize>K * pwBytes;
    const mask = i32x4.gt_s(i32x4.splat(lastValid), i32x4(0, 1, 2, 3));
    for (let k = 0; k < K; k += 4) {
      dot2x4(dzA, dzB, w + <usize>k * pwBytes, min(4, K - k), panels, wPanel, pwBytes, mask,
        outA + (<usize>k << 2), outB + (<usize>k << 2));
    }
  } else {
    dotRowF32(dzA, w, K, panels, pwBytes, lastValid, outA);
    dotRowF32(dzB, w, K, panels, pwBytes, lastValid, outB);
  }
}

/** One row: as dotRows2. */
function dotRow1(dz: usize, w: usize, K: i32, panels: i32, pwBytes: usize, lastValid: i32, out: usize): void {
  if (panels <= 0) return;
  if (ASC_FEATURE_SIMD) {
    const wPanel = <usize>K * pwBytes;
    const mask = i32x4.gt_s(i32x4.splat(lastValid), i32x4(0, 1, 2, 3));
    for (let k = 0; k < K; k += 4) {
      dot1x4(dz, w + <usize>k * pwBytes, min(4, K - k), panels, wPanel, pwBytes, mask, out + (<usize>k << 2));
    }
  } else {
    dotRowF32(dz, w, K, panels, pwBytes, lastValid, out);
  }
}

/**
 * Two rows × n ≤ 4 outputs k..k+n−1. w: row k of panel 0; rows past the
 * n-th re-read the last valid one (never past the panel's end), their sums
 * not stored. The full panels run unmasked, the last one masked.
 */
// @ts-ignore: decorator
@inline function dot2x4(
  dzA: usize, dzB: usize, w: usize, n: i32, panels: i32, wPanel: usize, pwBytes: usize, mask: v128, outA: usize, outB: usize,
): void {
  const o1 = <usize>min(1, n - 1) * pwBytes, o2 = <usize>min(2, n - 1) * pwBytes, o3 = <usize>min(3, n - 1) * pwBytes;
  let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
  const full = <usize>(panels - 1) * pwBytes;   // dz bytes of the unmasked panels
  let d: usize = 0;
  if (pwBytes == 16 && n == 4) {
    // one column vector per panel (simple RNN): one loop over the panels, rows k..k+3 adjacent
    while (d < full) {
      const za = v128.load(dzA + d), zb = v128.load(dzB + d);
      let v = v128.load(w);
      a0 = madd(za, v, a0); b0 = madd(zb, v, b0);
      v = v128.load(w, 16);
      a1 = madd(za, v, a1); b1 = madd(zb, v, b1);
      v = v128.load(w, 32);
      a2 = madd(za, v, a2); b2 = madd(zb, v, b2);
      v = v128.load(w, 48);
      a3 = madd(za, v, a3); b3 = madd(zb, v, b3);
      d += 16; w += wPanel;
    }
  }
  while (d < full) {
    const end = d + pwBytes;
    let wc = w;
    while (d < end) {
      const za = v128.load(dzA + d), zb = v128.load(dzB + d);
      let v = v128.load(wc);
      a0 = madd(za, v, a0); b0 = madd(zb, v, b0);
      v = v128.load(wc + o1);
      a1 = madd(za, v, a1); b1 = madd(zb, v, b1);
      v = v128.load(wc + o2);
      a2 = madd(za, v, a2); b2 = madd(zb, v, b2);
      v = v128.load(wc + o3);
      a3 = madd(za, v, a3); b3 = madd(zb, v, b3);
      d += 16; wc += 16;
    }
    w += wPanel;
  }
  const end = d + pwBytes;
  while (d < end) {
    const za = v128.load(dzA + d), zb = v128.load(dzB + d);
    let v = v128.and(v128.load(w), mask);
    a0 = madd(za, v, a0); b0 = madd(zb, v, b0);
    v = v128.and(v128.load(w + o1), mask);
    a1 = madd(za, v, a1); b1 = madd(zb, v, b1);
    v = v128.and(v128.load(w + o2), mask);
    a2 = madd(za, v, a2); b2 = madd(zb, v, b2);
    v = v128.and(v128.load(w + o3), mask);
    a3 = madd(za, v, a3); b3 = madd(zb, v, b3);
    d += 16; w += 16;
  }
  addPart(outA, hsum4(a0, a1, a2, a3), n);
  addPart(outB, hsum4(b0, b1, b2, b3), n);
}

/** One row × n ≤ 4 outputs: as dot2x4. */
// @ts-ignore: decorator
@inline function dot1x4(dz: usize, w: usize, n: i32, panels: i32, wPanel: usize, pwBytes: usize, mask: v128, out: usize): void {
  const o1 = <usize>min(1, n - 1) * pwBytes, o2 = <usize>min(2, n - 1) * pwBytes, o3 = <usize>min(3, n - 1) * pwBytes;
  let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
  const full = <usize>(panels - 1) * pwBytes;
  let d: usize = 0;
  if (pwBytes == 16 && n == 4) {
    while (d < full) {
      const z = v128.load(dz + d);
      a0 = madd(z, v128.load(w), a0);
      a1 = madd(z, v128.load(w, 16), a1);
      a2 = madd(z, v128.load(w, 32), a2);
      a3 = madd(z, v128.load(w, 48), a3);
      d += 16; w += wPanel;
    }
  }
  while (d < full) {
    const end = d + pwBytes;
    let wc = w;
    while (d < end) {
      const z = v128.load(dz + d);
      a0 = madd(z, v128.load(wc), a0);
      a1 = madd(z, v128.load(wc + o1), a1);
      a2 = madd(z, v128.load(wc + o2), a2);
      a3 = madd(z, v128.load(wc + o3), a3);
      d += 16; wc += 16;
    }
    w += wPanel;
  }
  const end = d + pwBytes;
  while (d < end) {
    const z = v128.load(dz + d);
    a0 = madd(z, v128.and(v128.load(w), mask), a0);
    a1 = madd(z, v128.and(v128.load(w + o1), mask), a1);
    a2 = madd(z, v128.and(v128.load(w + o2), mask), a2);
    a3 = madd(z, v128.and(v128.load(w + o3), mask), a3);
    d += 16; w += 16;
  }
  addPart(out, hsum4(a0, a1, a2, a3), n);
}

/**
 * [Σ a0, Σ a1, Σ a2, Σ a3]: the lanes of four accumulators summed, as a
 * 4×4 transpose fused with the adds. unpcklps/unpckhps pair lanes 0,1 and
 * 2,3 of two vectors, so s01 = [a0₀+a0₂, a1₀+a1₂, a0₁+a0₃, a1₁+a1₃]; then
 * movlhps/movhlps take the halves of s01 and s23: 6 shuffles, 3 adds.
 */
// @ts-ignore: decorator
@inline function hsum4(a0: v128, a1: v128, a2: v128, a3: v128): v128 {
  const s01 = f32x4.add(f32x4.shuffle(a0, a1, 0, 4, 1, 5), f32x4.shuffle(a0, a1, 2, 6, 3, 7));
  const s23 = f32x4.add(f32x4.shuffle(a2, a3, 0, 4, 1, 5), f32x4.shuffle(a2, a3, 2, 6, 3, 7));
  return f32x4.add(f32x4.shuffle(s01, s23, 0, 1, 4, 5), f32x4.shuffle(s01, s23, 2, 3, 6, 7));
}

/**
 * Scalar build: out[k] += Σ_p Σ_c dz[p][c]·w[p][k][c], one k at a time, in
 * four accumulators (one per lane: the same sums as the SIMD lanes). The
 * last panel adds only its lanes < lastValid.
 */
function dotRowF32(dz: usize, w: usize, K: i32, panels: i32, pwBytes: usize, lastValid: i32, out: usize): void {
  const wPanel = <usize>K * pwBytes;
  const full = <usize>(panels - 1) * pwBytes;
  for (let k = 0; k < K; k++) {
    let a0: f32 = 0, a1: f32 = 0, a2: f32 = 0, a3: f32 = 0;
    let wp = w + <usize>k * pwBytes;
    let d: usize = 0;
    while (d < full) {
      const end = d + pwBytes;
      let wc = wp;
      while (d < end) {
        const z = dz + d;
        a0 += load<f32>(z) * load<f32>(wc); a1 += load<f32>(z, 4) * load<f32>(wc, 4);
        a2 += load<f32>(z, 8) * load<f32>(wc, 8); a3 += load<f32>(z, 12) * load<f32>(wc, 12);
        d += 16; wc += 16;
      }
      wp += wPanel;
    }
    const end = d + pwBytes;
    while (d < end) {
      const z = dz + d;
      a0 += load<f32>(z) * load<f32>(wp);
      if (lastValid > 1) a1 += load<f32>(z, 4) * load<f32>(wp, 4);
      if (lastValid > 2) a2 += load<f32>(z, 8) * load<f32>(wp, 8);
      if (lastValid > 3) a3 += load<f32>(z, 12) * load<f32>(wp, 12);
      d += 16; wp += 16;
    }
    const o = out + (<usize>k << 2);
    store<f32>(o, load<f32>(o) + ((a0 + a1) + (a2 + a3)));
  }
}
