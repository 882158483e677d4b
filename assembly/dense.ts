/**
 * `activate`: a Dense layer's activation, in place on rows of `cols`
 * values, row r at p + 4·r·stride (any alignment). Only the `cols` values
 * of a row are touched. Codes as `Act` in src/backend/kernels.ts:
 * 0 linear, 1 relu, 2 sigmoid, 3 tanh, 4 softmax (per row).
 *
 * Softmax uses the same exp(−z) as σ (activations.ts) on z = max − x ≥ 0,
 * so it cannot overflow; the sum is accumulated in f32.
 */
import {
  expNegRr2P5, sigmoidRr2P5, tanhExpm1Rr2P6, expNegRr2P5F32, sigmoidRr2P5F32, tanhExpm1Rr2P6F32,
} from './activations';

const RELU = 1;
const SIGMOID = 2;   // 3 is tanh
const SOFTMAX = 4;

export function activate(p: usize, rows: i32, cols: i32, stride: i32, kind: i32): void {
  if (kind < RELU || kind > SOFTMAX) return;   // linear
  for (let r = 0; r < rows; r++) {
    const row = p + ((<usize>r * stride) << 2);
    if (kind == SOFTMAX) softmaxRow(row, cols);
    else activateRow(row, cols, kind);
  }
}

/** x: [n] ← act(x) for relu, sigmoid, tanh (any other kind in 1..3). */
function activateRow(x: usize, n: i32, kind: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const q = x + (<usize>i << 2);
      const v = v128.load(q);
      v128.store(q, kind == RELU ? f32x4.max(v, f32x4.splat(0)) : kind == SIGMOID ? sigmoidRr2P5(v) : tanhExpm1Rr2P6(v));
    }
  }
  for (; i < n; i++) {
    const q = x + (<usize>i << 2);
    const v = load<f32>(q);
    store<f32>(q, kind == RELU ? max<f32>(v, 0) : kind == SIGMOID ? sigmoidRr2P5F32(v) : tanhExpm1Rr2P6F32(v));
  }
}

/** x: [n] ← exp(x − max x) / Σ exp(x − max x). */
function softmaxRow(x: usize, n: i32): void {
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
  // 2. e = exp(x − m) in place, and their sum
  let sum: f32 = 0;
  i = 0;
  if (ASC_FEATURE_SIMD) {
    const mv = f32x4.splat(m);
    let sv = f32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const q = x + (<usize>i << 2);
      const e = expNegRr2P5(f32x4.sub(mv, v128.load(q)));
      v128.store(q, e);
      sv = f32x4.add(sv, e);
    }
    sum = (f32x4.extract_lane(sv, 0) + f32x4.extract_lane(sv, 1)) + (f32x4.extract_lane(sv, 2) + f32x4.extract_lane(sv, 3));
  }
  for (; i < n; i++) {
    const q = x + (<usize>i << 2);
    const e = expNegRr2P5F32(m - load<f32>(q));
    store<f32>(q, e);
    sum += e;
  }
  // 3. normalize
  i = 0;
  if (ASC_FEATURE_SIMD) {
    const sv = f32x4.splat(sum);
    for (; i + 4 <= n; i += 4) {
      const q = x + (<usize>i << 2);
      v128.store(q, f32x4.div(v128.load(q), sv));
    }
  }
  for (; i < n; i++) {
    const q = x + (<usize>i << 2);
    store<f32>(q, load<f32>(q) / sum);
  }
}
