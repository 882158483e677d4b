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
