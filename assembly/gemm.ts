/**
 * `project`: the hoisted input projection, one GEMM for all rows (B·T):
 *
 *     out[r][p][c] = bias[p][c] + Σ_k x[r][k] · w[p][k][c]
 *
 * x: [rows][K] (any alignment), w: [panels][K][pw], bias: [panels][pw] or 0,
 * out: [rows][panels·pw]. pw = 4·G columns per panel (4, 12 or 16).
 *
 * Register tiling: a micro-kernel "RxC" keeps an R-row × C-column block of
 * out in R·C/4 f32x4 accumulators through the whole k loop. Per k it loads
 * C/4 weight vectors (shared by the R rows) and splats R inputs (shared by
 * the C columns): 2x16 does 8 multiply-adds for 6 loads. x64 V8 has 15
 * usable xmm registers, which caps the tile at about 8–9 accumulators
 * plus the operands. Panels are the outer loop, so the panel being used
 * (K·pw floats) stays in L1 while a chunk of rows streams past it.
 *
 * Tiles: pw 16 → 2x16; pw 12 → 2x12; pw 4 → four adjacent panels form one
 * 16-column block, 2x16 again; leftovers 4x4. The scalar build runs the
 * same loops as 1x4 blocks in four f32 accumulators.
 */

import { madd } from './madd';

export function project(x: usize, rows: i32, K: i32, w: usize, panels: i32, pw: i32, bias: usize, out: usize): void {
  gemmPanels(x, <usize>K << 2, rows, K, w, panels, pw, bias, false, out);
}

/**
 * `projectAdd`: out[r][p][c] += Σ_k x[r][k] · w[p][k][c], the same tiles
 * with the accumulators starting from out instead of the bias, and x rows
 * xRow bytes apart (any stride). The backward recurrences use it for
 * dh_{t−1} += dz_t·U with a transposed copy of U (transpose.ts): their dz
 * rows of one step lie T steps apart.
 */
export function projectAdd(x: usize, xRow: usize, rows: i32, K: i32, w: usize, panels: i32, pw: i32, out: usize): void {
  gemmPanels(x, xRow, rows, K, w, panels, pw, 0, true, out);
}

/** project and projectAdd: out = (acc ? out : bias) + x·w, panel by panel. */
function gemmPanels(
  x: usize, xRow: usize, rows: i32, K: i32, w: usize, panels: i32, pw: i32, bias: usize, acc: bool, out: usize,
): void {
  const oRow = (<usize>panels * pw) << 2;        // bytes per out row
  const wPanel = (<usize>K * pw) << 2;           // bytes per panel
  const pwBytes = <usize>pw << 2;
  // Rows go in chunks, each a separate call: V8 runs a fresh module in its
  // baseline compiler (Liftoff, many times slower here) and swaps in the
  // optimized code only at the next call of a function, so a first big
  // project() must not be one long call.
  for (let r0 = 0; r0 < rows; r0 += ROW_CHUNK) {
    const n = min(ROW_CHUNK, rows - r0);
    const xr = x + <usize>r0 * xRow, or = out + <usize>r0 * oRow;
    let p = 0;
    if (ASC_FEATURE_SIMD) {
      if (pw == 16) {
        // one panel = 16 columns: its four vectors sit side by side in each row k
        for (; p < panels; p++) {
          const o = <usize>p * 64;
          gemmRows2x16(xr, n, xRow, K, w + <usize>p * wPanel, 16, 64, bias != 0 ? bias + o : 0, acc, or + o, oRow);
        }
      } else if (pw == 12) {
        for (; p < panels; p++) {
          const o = <usize>p * 48;
          gemmRows2x12(xr, n, xRow, K, w + <usize>p * wPanel, bias != 0 ? bias + o : 0, acc, or + o, oRow);
        }
      } else if (pw == 4) {
        // four adjacent panels = 16 adjacent columns of out (and of bias): the
        // same 2x16 tile, its four weight vectors taken from the four panels
        for (; p + 4 <= panels; p += 4) {
          const o = <usize>p * 16;
          gemmRows2x16(xr, n, xRow, K, w + <usize>p * wPanel, wPanel, 16, bias != 0 ? bias + o : 0, acc, or + o, oRow);
        }
      }
    }
    // the rest (pw = 4 leftovers, other multiples of 4, the scalar build): groups of 4 columns
    for (; p < panels; p++) {
      for (let cg: usize = 0; cg < pwBytes; cg += 16) {
        const o = <usize>p * pwBytes + cg;
        gemmRows4x4(xr, n, xRow, K, w + <usize>p * wPanel + cg, pwBytes, bias != 0 ? bias + o : 0, acc, or + o, oRow);
      }
    }
  }
}

/** Rows per call of a gemmRows kernel (threads cut project's rows at multiples of it: src/backend/threads/split.ts). */
const ROW_CHUNK = 64;

/**
 * All rows × one block of 16 columns: 2x16 tiles, then a 1x16 for an odd
 * last row. The block's four weight vectors of row k are at
 * w + k·rowStep + j·colStep (j = 0..3); bias: [16] or 0; out: [rows][·]
 * with row stride oRow bytes, the block's 16 columns at out.
 */
function gemmRows2x16(
  x: usize, rows: i32, xRow: usize, K: i32, w: usize, colStep: usize, rowStep: usize, bias: usize, acc: bool, out: usize, oRow: usize,
): void {
  let r = 0;
  for (; r + 2 <= rows; r += 2) gemm2x16(x + <usize>r * xRow, xRow, K, w, colStep, rowStep, bias, acc, out + <usize>r * oRow, oRow);
  if (r < rows) gemm1x16(x + <usize>r * xRow, K, w, colStep, rowStep, bias, acc, out + <usize>r * oRow);
}

/** All rows × one panel of 12 columns (w: [K][12], bias: [12] or 0): 2x12 tiles, then 1x12. */
function gemmRows2x12(x: usize, rows: i32, xRow: usize, K: i32, w: usize, bias: usize, acc: bool, out: usize, oRow: usize): void {
  let r = 0;
  for (; r + 2 <= rows; r += 2) gemm2x12(x + <usize>r * xRow, xRow, K, w, bias, acc, out + <usize>r * oRow, oRow);
  if (r < rows) gemm1x12(x + <usize>r * xRow, K, w, bias, acc, out + <usize>r * oRow);
}

/** All rows × 4 columns (w: row stride wRow bytes, bias: [4] or 0): 4x4 tiles, then 1x4; scalar build: 1x4 in f32. */
function gemmRows4x4(x: usize, rows: i32, xRow: usize, K: i32, w: usize, wRow: usize, bias: usize, acc: bool, out: usize, oRow: usize): void {
  let r = 0;
  if (ASC_FEATURE_SIMD) {
    for (; r + 4 <= rows; r += 4) gemm4x4(x + <usize>r * xRow, xRow, K, w, wRow, bias, acc, out + <usize>r * oRow, oRow);
    for (; r < rows; r++) gemm1x4(x + <usize>r * xRow, K, w, wRow, bias, acc, out + <usize>r * oRow);
  } else {
    for (; r < rows; r++) gemm1x4F32(x + <usize>r * xRow, K, w, wRow, bias, acc, out + <usize>r * oRow);
  }
}

/** Where an accumulator starts: out's lanes (projectAdd), else the bias lanes, or zeros without a bias. */
// @ts-ignore: decorator
@inline function start(bias: usize, acc: bool, out: usize, offset: usize): v128 {
  return acc ? v128.load(out + offset) : bias != 0 ? v128.load(bias + offset) : f32x4.splat(0);
}

/** Rows x, x + xRow (each [K]) × 16 columns of weights (see gemmRows2x16) → out, out + oRow ([16] each). */
// @ts-ignore: decorator
@inline function gemm2x16(
  x: usize, xRow: usize, K: i32, w: usize, colStep: usize, rowStep: usize, bias: usize, acc: bool, out: usize, oRow: usize,
): void {
  let a0 = start(bias, acc, out, 0), a1 = start(bias, acc, out, 16), a2 = start(bias, acc, out, 32), a3 = start(bias, acc, out, 48);
  const out1 = out + oRow;
  let b0 = start(bias, acc, out1, 0), b1 = start(bias, acc, out1, 16), b2 = start(bias, acc, out1, 32), b3 = start(bias, acc, out1, 48);
  let w0 = w, w1 = w + colStep, w2 = w1 + colStep, w3 = w2 + colStep;
  const end = x + (<usize>K << 2);
  let xk = x, yk = x + xRow;
  while (xk < end) {
    const xa = v128.load32_splat(xk), xb = v128.load32_splat(yk);
    const v0 = v128.load(w0), v1 = v128.load(w1), v2 = v128.load(w2), v3 = v128.load(w3);
    a0 = madd(xa, v0, a0); b0 = madd(xb, v0, b0);
    a1 = madd(xa, v1, a1); b1 = madd(xb, v1, b1);
    a2 = madd(xa, v2, a2); b2 = madd(xb, v2, b2);
    a3 = madd(xa, v3, a3); b3 = madd(xb, v3, b3);
    xk += 4; yk += 4; w0 += rowStep; w1 += rowStep; w2 += rowStep; w3 += rowStep;
  }
  v128.store(out, a0); v128.store(out, a1, 16); v128.store(out, a2, 32); v128.store(out, a3, 48);
  v128.store(out1, b0); v128.store(out1, b1, 16); v128.store(out1, b2, 32); v128.store(out1, b3, 48);
}

/** Row x [K] × 16 columns of weights (see gemmRows2x16) → out [16]. */
// @ts-ignore: decorator
@inline function gemm1x16(x: usize, K: i32, w: usize, colStep: usize, rowStep: usize, bias: usize, acc: bool, out: usize): void {
  let a0 = start(bias, acc, out, 0), a1 = start(bias, acc, out, 16), a2 = start(bias, acc, out, 32), a3 = start(bias, acc, out, 48);
  let w0 = w, w1 = w + colStep, w2 = w1 + colStep, w3 = w2 + colStep;
  const end = x + (<usize>K << 2);
  while (x < end) {
    const xa = v128.load32_splat(x);
    a0 = madd(xa, v128.load(w0), a0);
    a1 = madd(xa, v128.load(w1), a1);
    a2 = madd(xa, v128.load(w2), a2);
    a3 = madd(xa, v128.load(w3), a3);
    x += 4; w0 += rowStep; w1 += rowStep; w2 += rowStep; w3 += rowStep;
  }
  v128.store(out, a0); v128.store(out, a1, 16); v128.store(out, a2, 32); v128.store(out, a3, 48);
}

/** Rows x, x + xRow × panel w [K][12] → two out rows of [12]. */
// @ts-ignore: decorator
@inline function gemm2x12(x: usize, xRow: usize, K: i32, w: usize, bias: usize, acc: bool, out: usize, oRow: usize): void {
  let a0 = start(bias, acc, out, 0), a1 = start(bias, acc, out, 16), a2 = start(bias, acc, out, 32);
  const out1 = out + oRow;
  let b0 = start(bias, acc, out1, 0), b1 = start(bias, acc, out1, 16), b2 = start(bias, acc, out1, 32);
  const end = x + (<usize>K << 2);
  let xk = x, yk = x + xRow;
  while (xk < end) {
    const xa = v128.load32_splat(xk), xb = v128.load32_splat(yk);
    const w0 = v128.load(w), w1 = v128.load(w, 16), w2 = v128.load(w, 32);
    a0 = madd(xa, w0, a0); b0 = madd(xb, w0, b0);
    a1 = madd(xa, w1, a1); b1 = madd(xb, w1, b1);
    a2 = madd(xa, w2, a2); b2 = madd(xb, w2, b2);
    xk += 4; yk += 4; w += 48;
  }
  v128.store(out, a0); v128.store(out, a1, 16); v128.store(out, a2, 32);
  v128.store(out1, b0); v128.store(out1, b1, 16); v128.store(out1, b2, 32);
}

/** Row x [K] × panel w [K][12] → out [12]. */
// @ts-ignore: decorator
@inline function gemm1x12(x: usize, K: i32, w: usize, bias: usize, acc: bool, out: usize): void {
  let a0 = start(bias, acc, out, 0), a1 = start(bias, acc, out, 16), a2 = start(bias, acc, out, 32);
  const end = x + (<usize>K << 2);
  while (x < end) {
    const xa = v128.load32_splat(x);
    a0 = madd(xa, v128.load(w), a0);
    a1 = madd(xa, v128.load(w, 16), a1);
    a2 = madd(xa, v128.load(w, 32), a2);
    x += 4; w += 48;
  }
  v128.store(out, a0); v128.store(out, a1, 16); v128.store(out, a2, 32);
}

/** Four rows (stride xRow) × 4 columns of a panel (w [K][·], row stride wRow bytes) → four out rows of [4]. */
// @ts-ignore: decorator
@inline function gemm4x4(x: usize, xRow: usize, K: i32, w: usize, wRow: usize, bias: usize, acc: bool, out: usize, oRow: usize): void {
  let a = start(bias, acc, out, 0), b = start(bias, acc, out + oRow, 0);
  let c = start(bias, acc, out + 2 * oRow, 0), d = start(bias, acc, out + 3 * oRow, 0);
  const end = x + (<usize>K << 2);
  const x1 = xRow, x2 = xRow << 1, x3 = xRow * 3;
  while (x < end) {
    const wk = v128.load(w);
    a = madd(v128.load32_splat(x), wk, a);
    b = madd(v128.load32_splat(x + x1), wk, b);
    c = madd(v128.load32_splat(x + x2), wk, c);
    d = madd(v128.load32_splat(x + x3), wk, d);
    x += 4; w += wRow;
  }
  v128.store(out, a);
  v128.store(out + oRow, b);
  v128.store(out + 2 * oRow, c);
  v128.store(out + 3 * oRow, d);
}

/** Row x [K] × 4 columns of a panel (row stride wRow bytes) → out [4]. */
// @ts-ignore: decorator
@inline function gemm1x4(x: usize, K: i32, w: usize, wRow: usize, bias: usize, acc: bool, out: usize): void {
  let a = start(bias, acc, out, 0);
  const end = x + (<usize>K << 2);
  while (x < end) {
    a = madd(v128.load32_splat(x), v128.load(w), a);
    x += 4; w += wRow;
  }
  v128.store(out, a);
}

/** Scalar build: row x [K] × 4 columns (row stride wRow bytes) → out [4], four f32 accumulators. */
// @ts-ignore: decorator
@inline function gemm1x4F32(x: usize, K: i32, w: usize, wRow: usize, bias: usize, acc: bool, out: usize): void {
  let a0: f32 = 0, a1: f32 = 0, a2: f32 = 0, a3: f32 = 0;
  if (acc) { a0 = load<f32>(out); a1 = load<f32>(out, 4); a2 = load<f32>(out, 8); a3 = load<f32>(out, 12); }
  else if (bias != 0) { a0 = load<f32>(bias); a1 = load<f32>(bias, 4); a2 = load<f32>(bias, 8); a3 = load<f32>(bias, 12); }
  const end = x + (<usize>K << 2);
  while (x < end) {
    const xk = load<f32>(x);
    a0 += xk * load<f32>(w); a1 += xk * load<f32>(w, 4); a2 += xk * load<f32>(w, 8); a3 += xk * load<f32>(w, 12);
    x += 4; w += wRow;
  }
  store<f32>(out, a0); store<f32>(out, a1, 4); store<f32>(out, a2, 8); store<f32>(out, a3, 12);
}
