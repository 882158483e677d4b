/**
 * `activate`: a Dense layer's activation, from rows of `cols` values, row
 * r at x + 4·r·stride (the layer's projection writes whole panels, so
 * stride ≥ cols), into compact rows y + 4·r·cols (any alignment). y may be
 * x: rows are written in order and each row's values ascending, and a
 * destination never lies past its source, so nothing is overwritten before
 * it is read. Codes as `Act` in src/backend/kernels.ts: 0 linear, 1 relu,
 * 2 sigmoid, 3 tanh, 4 softmax (per row).
 *
 * Softmax uses the same exp(−z) as σ (activations.ts) on z = max − x ≥ 0,
 * so it cannot overflow; the sum is accumulated in f32.
 */
import {
  expNegRr2P5, sigmoidRr2P5, tanhExpm1Rr2P6, expNegRr2P5F32, sigmoidRr2P5F32, tanhExpm1Rr2P6F32,
} from './activations';
import { madd } from './madd';

const RELU = 1;
const SIGMOID = 2;
const TANH = 3;
const SOFTMAX = 4;

export function activate(x: usize, rows: i32, cols: i32, stride: i32, kind: i32, y: usize): void {
  for (let r = 0; r < rows; r++) {
    const src = x + ((<usize>r * stride) << 2), dst = y + ((<usize>r * cols) << 2);
    if (kind == SOFTMAX) softmaxRow(src, dst, cols);
    else if (kind >= RELU && kind <= TANH) activateRow(src, dst, cols, kind);
    else if (dst != src) memory.copy(dst, src, <usize>cols << 2);   // linear (memory.copy allows overlap)
  }
}

/** y: [n] ← act(x) for relu, sigmoid, tanh (any other kind in 1..3). */
function activateRow(x: usize, y: usize, n: i32, kind: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const q = <usize>i << 2;
      const v = v128.load(x + q);
      v128.store(y + q, kind == RELU ? f32x4.max(v, f32x4.splat(0)) : kind == SIGMOID ? sigmoidRr2P5(v) : tanhExpm1Rr2P6(v));
    }
  }
  for (; i < n; i++) {
    const q = <usize>i << 2;
    const v = load<f32>(x + q);
    store<f32>(y + q, kind == RELU ? max<f32>(v, 0) : kind == SIGMOID ? sigmoidRr2P5F32(v) : tanhExpm1Rr2P6F32(v));
  }
}

/** y: [n] ← exp(x − max x) / Σ exp(x − max x). */
function softmaxRow(x: usize, y: usize, n: i32): void {
  if (n <= 0) return;
  // 1. the row maximum
  let m = load<f32>(x);
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    if (n >= 4) {
      let mv = v128.load(x);
      for (i = 4; i + 4 <= n; i += 4) mv = f32x4.max(mv, v128.load(x + (<usize>i << 2)));
      m = max<f32>(max<f32>(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)),
        max<f32>(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
    }
  }
  for (; i < n; i++) m = max<f32>(m, load<f32>(x + (<usize>i << 2)));
  // 2. e = exp(x − m) into y, and their sum
  let sum: f32 = 0;
  i = 0;
  if (ASC_FEATURE_SIMD) {
    const mv = f32x4.splat(m);
    let sv = f32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const q = <usize>i << 2;
      const e = expNegRr2P5(f32x4.sub(mv, v128.load(x + q)));
      v128.store(y + q, e);
      sv = f32x4.add(sv, e);
    }
    sum = (f32x4.extract_lane(sv, 0) + f32x4.extract_lane(sv, 1)) + (f32x4.extract_lane(sv, 2) + f32x4.extract_lane(sv, 3));
  }
  for (; i < n; i++) {
    const q = <usize>i << 2;
    const e = expNegRr2P5F32(m - load<f32>(x + q));
    store<f32>(y + q, e);
    sum += e;
  }
  // 3. normalize, in y
  i = 0;
  if (ASC_FEATURE_SIMD) {
    const sv = f32x4.splat(sum);
    for (; i + 4 <= n; i += 4) {
      const q = y + (<usize>i << 2);
      v128.store(q, f32x4.div(v128.load(q), sv));
    }
  }
  for (; i < n; i++) {
    const q = y + (<usize>i << 2);
    store<f32>(q, load<f32>(q) / sum);
  }
}

/**
 * `activateBackward`: ∂L/∂(pre-activation) of a Dense layer from its
 * activated output y and ∂L/∂y (contract: src/backend/kernels.ts):
 *
 *     dz = dy⊙act'(y):  linear dy;  relu dy⊙[y > 0];  sigmoid dy⊙y(1−y);
 *                       tanh dy⊙(1−y²);  softmax y⊙(dy − Σ dy⊙y) per row
 *
 * y, dy: [rows][cols] (any alignment); dz row r at dz + 4·r·dzStride, its
 * columns past cols untouched. dz may be dy itself (same stride): softmax
 * takes its sum before it writes.
 */
export function activateBackward(y: usize, dy: usize, rows: i32, cols: i32, dz: usize, dzStride: i32, kind: i32): void {
  const row = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const yr = y + <usize>r * row, gr = dy + <usize>r * row, zr = dz + ((<usize>r * dzStride) << 2);
    const dot: f32 = kind == SOFTMAX ? dotRow(yr, gr, cols) : 0;
    // whole quads, one loop per kind (not a select of all five per element)
    const quads = ASC_FEATURE_SIMD ? cols & ~3 : 0;
    if (ASC_FEATURE_SIMD) {
      const one = f32x4.splat(1), dv = f32x4.splat(dot);
      const end = <usize>quads << 2;
      if (kind == RELU) {
        for (let q: usize = 0; q < end; q += 16) v128.store(zr + q, v128.and(v128.load(gr + q), f32x4.gt(v128.load(yr + q), f32x4.splat(0))));
      } else if (kind == SIGMOID) {
        for (let q: usize = 0; q < end; q += 16) {
          const v = v128.load(yr + q);
          v128.store(zr + q, f32x4.mul(f32x4.mul(v128.load(gr + q), v), f32x4.sub(one, v)));
        }
      } else if (kind == TANH) {
        for (let q: usize = 0; q < end; q += 16) {
          const v = v128.load(yr + q);
          v128.store(zr + q, f32x4.mul(v128.load(gr + q), f32x4.sub(one, f32x4.mul(v, v))));
        }
      } else if (kind == SOFTMAX) {
        for (let q: usize = 0; q < end; q += 16) v128.store(zr + q, f32x4.mul(v128.load(yr + q), f32x4.sub(v128.load(gr + q), dv)));
      } else {
        for (let q: usize = 0; q < end; q += 16) v128.store(zr + q, v128.load(gr + q));
      }
    }
    let j = quads;
    for (; j < cols; j++) {
      const q = <usize>j << 2;
      const v = load<f32>(yr + q), g = load<f32>(gr + q);
      store<f32>(zr + q,
        kind == RELU ? (v > 0 ? g : 0)
        : kind == SIGMOID ? g * v * (1 - v)
        : kind == TANH ? g * (1 - v * v)
        : kind == SOFTMAX ? v * (g - dot)
        : g);
    }
  }
}

/** Σ y[j]·dy[j], j < n (f32, four lanes then the tail). */
function dotRow(y: usize, dy: usize, n: i32): f32 {
  let s: f32 = 0;
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    let sv = f32x4.splat(0);
    for (; j + 4 <= n; j += 4) sv = madd(v128.load(y + (<usize>j << 2)), v128.load(dy + (<usize>j << 2)), sv);
    s = (f32x4.extract_lane(sv, 0) + f32x4.extract_lane(sv, 1)) + (f32x4.extract_lane(sv, 2) + f32x4.extract_lane(sv, 3));
  }
  for (; j < n; j++) s += load<f32>(y + (<usize>j << 2)) * load<f32>(dy + (<usize>j << 2));
  return s;
}
