/**
 * Element-wise kernels of the layers that move values without weights:
 *
 * - `merge`: Bidirectional's sum / mul / ave of its two directions (and
 *   Dropout's mask, a mul). Rows of `cols` values; each operand has its own
 *   row stride, so the forward and backward halves of one [rows][2H]
 *   buffer (strides 2H, offsets 0 and H) combine without a copy.
 * - `repeat`: RepeatVector, [rows][cols] → [rows][n][cols].
 * - their backward passes, `mergeBackward` and `repeatBackward`.
 *
 * Codes of `op` as `Merge` in src/backend/kernels.ts: 0 sum, 1 mul, 2 ave.
 * Every pointer may have any alignment (v128.load does not need 16 bytes:
 * a row starting at offset H of a 2H-wide row rarely has it).
 */

const SUM = 0;
const MUL = 1;

/** out[r·cols + j] = a[r·aStride + j] ∘ b[r·bStride + j]; out may be a or b when their stride is cols. */
export function merge(a: usize, aStride: i32, b: usize, bStride: i32, rows: i32, cols: i32, op: i32, out: usize): void {
  for (let r = 0; r < rows; r++) {
    const pa = a + ((<usize>r * aStride) << 2), pb = b + ((<usize>r * bStride) << 2), po = out + ((<usize>r * cols) << 2);
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      for (; j + 4 <= cols; j += 4) {
        const q = <usize>j << 2;
        const x = v128.load(pa + q), y = v128.load(pb + q);
        v128.store(po + q, op == SUM ? f32x4.add(x, y) : op == MUL ? f32x4.mul(x, y) : f32x4.mul(f32x4.add(x, y), f32x4.splat(0.5)));
      }
    }
    for (; j < cols; j++) {
      const q = <usize>j << 2;
      const x = load<f32>(pa + q), y = load<f32>(pb + q);
      store<f32>(po + q, op == SUM ? x + y : op == MUL ? x * y : (x + y) * 0.5);
    }
  }
}

/**
 * The gradients of merge: from dy [rows][cols],
 *   sum: da = dy, db = dy;   mul: da = dy ⊙ b, db = dy ⊙ a;   ave: da = db = dy / 2,
 * written (not added) at da + 4·r·daStride and db + 4·r·dbStride. a and b
 * are the forward's operands (read only for mul).
 */
export function mergeBackward(dy: usize, a: usize, aStride: i32, b: usize, bStride: i32, rows: i32, cols: i32, op: i32,
  da: usize, daStride: i32, db: usize, dbStride: i32): void {
  for (let r = 0; r < rows; r++) {
    const pd = dy + ((<usize>r * cols) << 2), pa = a + ((<usize>r * aStride) << 2), pb = b + ((<usize>r * bStride) << 2);
    const qa = da + ((<usize>r * daStride) << 2), qb = db + ((<usize>r * dbStride) << 2);
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      for (; j + 4 <= cols; j += 4) {
        const q = <usize>j << 2;
        const g = v128.load(pd + q);
        if (op == MUL) {
          const ga = f32x4.mul(g, v128.load(pb + q)), gb = f32x4.mul(g, v128.load(pa + q));
          v128.store(qa + q, ga);
          v128.store(qb + q, gb);
        } else {
          const h = op == SUM ? g : f32x4.mul(g, f32x4.splat(0.5));
          v128.store(qa + q, h);
          v128.store(qb + q, h);
        }
      }
    }
    for (; j < cols; j++) {
      const q = <usize>j << 2;
      const g = load<f32>(pd + q);
      if (op == MUL) {
        const ga = g * load<f32>(pb + q), gb = g * load<f32>(pa + q);
        store<f32>(qa + q, ga);
        store<f32>(qb + q, gb);
      } else {
        const h: f32 = op == SUM ? g : g * 0.5;
        store<f32>(qa + q, h);
        store<f32>(qb + q, h);
      }
    }
  }
}

/** out[(r·n + t)·cols + j] = x[r·cols + j] for t < n: each row copied n times. */
export function repeat(x: usize, rows: i32, cols: i32, n: i32, out: usize): void {
  const bytes = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const src = x + <usize>r * bytes;
    for (let t = 0; t < n; t++) memory.copy(out + (<usize>r * n + t) * bytes, src, bytes);
  }
}

/** dx[r·cols + j] = Σ_t dy[(r·n + t)·cols + j]: the gradient of repeat, summed over the n copies in order t = 0..n−1. */
export function repeatBackward(dy: usize, rows: i32, cols: i32, n: i32, dx: usize): void {
  const bytes = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const dst = dx + <usize>r * bytes;
    memory.copy(dst, dy + <usize>r * n * bytes, bytes);
    for (let t = 1; t < n; t++) {
      const src = dy + (<usize>r * n + t) * bytes;
      let j = 0;
      if (ASC_FEATURE_SIMD) {
        for (; j + 4 <= cols; j += 4) {
          const q = <usize>j << 2;
          v128.store(dst + q, f32x4.add(v128.load(dst + q), v128.load(src + q)));
        }
      }
      for (; j < cols; j++) {
        const q = <usize>j << 2;
        store<f32>(dst + q, load<f32>(dst + q) + load<f32>(src + q));
      }
    }
  }
}
