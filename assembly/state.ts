/**
 * Moving recurrent state between the user's [B][H] rows and the kernels'
 * padded [B][Hp] rows in `work`, and the lane mask of a panel.
 *
 * Padded units (j ≥ H) are kept at exactly 0 in `work`: they never enter a
 * product (the recurrent panels have only H rows of k), and the cells
 * multiply their results by `laneMask` before storing them.
 */

/**
 * dst: [rows][Hp] ← src: [rows][H] (row stride H, any alignment), or zeros
 * when src is 0. The padded tail of every dst row is set to 0.
 */
export function loadState(dst: usize, src: usize, rows: i32, H: i32): void {
  const Hp = (H + 3) & ~3;
  for (let b = 0; b < rows; b++) {
    const d = dst + ((<usize>b * Hp) << 2);
    const s = src + ((<usize>b * H) << 2);
    for (let j = 0; j < Hp; j++) {
      const o = <usize>j << 2;
      store<f32>(d + o, src != 0 && j < H ? load<f32>(s + o) : 0);
    }
  }
}

/**
 * dst rows (row r at dst + 4·r·dstStride, any alignment) ← the first H
 * values of each row of src: [rows][srcStride]. Writes nothing past H.
 */
export function storeRows(dst: usize, dstStride: i32, src: usize, srcStride: i32, rows: i32, H: i32): void {
  for (let b = 0; b < rows; b++) {
    const d = dst + ((<usize>b * dstStride) << 2);
    const s = src + ((<usize>b * srcStride) << 2);
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      for (; j + 4 <= H; j += 4) v128.store(d + (<usize>j << 2), v128.load(s + (<usize>j << 2)));
    }
    for (; j < H; j++) store<f32>(d + (<usize>j << 2), load<f32>(s + (<usize>j << 2)));
  }
}

/** All-ones in lanes l < valid, zeros after: for panel p, valid = H − 4p (its units that exist). */
// @ts-ignore: decorator
@inline export function laneMask(valid: i32): v128 {
  return i32x4.gt_s(i32x4.splat(valid), i32x4(0, 1, 2, 3));
}

/** dst rows (row r at dst + 4·r·dstStride, any alignment) ← H zeros each. */
export function zeroRows(dst: usize, dstStride: i32, rows: i32, H: i32): void {
  for (let b = 0; b < rows; b++) {
    const d = dst + ((<usize>b * dstStride) << 2);
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      for (; j + 4 <= H; j += 4) v128.store(d + (<usize>j << 2), f32x4.splat(0));
    }
    for (; j < H; j++) store<f32>(d + (<usize>j << 2), 0);
  }
}

/**
 * The first n (≤ 4) floats at p (any alignment), zeros in the other lanes:
 * the last quad of a [H] row without reading past it (which could trap at
 * the end of memory, and would read another row's values).
 */
// @ts-ignore: decorator
@inline export function loadPart(p: usize, n: i32): v128 {
  if (n >= 4) return v128.load(p);
  let v = f32x4.splat(0);
  if (n > 0) v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (n > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (n > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

/** Lanes l < n (≤ 4) of v added into the floats at p (any alignment); nothing past them is touched. */
// @ts-ignore: decorator
@inline export function addPart(p: usize, v: v128, n: i32): void {
  if (n >= 4) {
    v128.store(p, f32x4.add(v128.load(p), v));
    return;
  }
  if (n > 0) store<f32>(p, load<f32>(p) + f32x4.extract_lane(v, 0));
  if (n > 1) store<f32>(p, load<f32>(p, 4) + f32x4.extract_lane(v, 1), 4);
  if (n > 2) store<f32>(p, load<f32>(p, 8) + f32x4.extract_lane(v, 2), 8);
}

// ── a call's rows inside a training record ─────────────────────────────────
//
// RECORD_ROWS (asconfig.json, per target): 1 in the threads builds, which
// honour recRows and recRow0; 0 in the one-thread builds, which read them
// as B, 0 (their code stays as it was: bytes count against the size
// budgets). Only the threads cut a recorded call into row ranges.
//
// A record is [T][recRows][…] (src/backend/record-layout.ts): a call over
// rows recRow0 … recRow0 + B − 1 of it (threads cut a batch into such
// ranges) finds step t of its row b at step·t + (recRow0 + b)·rowBytes of a
// section. A whole-batch call passes recRows = 0 (or B) and recRow0 = 0: the
// numbers are the ones it always had; a range touches only its own rows.

/** Bytes of one step of a [T][recRows][Hp] section: all the record's rows (recRows 0: the call's B). */
export function recordStep(B: i32, H: i32, recRows: i32): usize {
  if (!RECORD_ROWS) recRows = B;
  return (<usize>(recRows > 0 ? recRows : B) * ((H + 3) & ~3)) << 2;
}

/**
 * Where this call's first row starts in a record section: the section lies
 * `before` [T][recRows][Hp] blocks after rec (the gates' G blocks precede
 * the states), its rows `rowFloats` floats wide (G·Hp for gates, Hp for a
 * state). Meaningless without a record: the kernels test rec itself.
 */
export function recordSection(rec: usize, before: i32, T: i32, step: usize, recRow0: i32, rowFloats: i32): usize {
  if (!RECORD_ROWS) recRow0 = 0;
  return rec + <usize>before * T * step + ((<usize>recRow0 * rowFloats) << 2);
}
