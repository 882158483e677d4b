/**
 * The optimizer updates and the gradient-norm helpers (contract:
 * src/backend/kernels.ts; reference: src/backend/js/optimizers.ts). All the
 * parameters of a model are one contiguous buffer, and so are their
 * gradients and the optimizer's state, so each update is one pass over
 * memory for the whole model: f32x4 over the whole quads of n, then the
 * tail one float at a time with the same operations in the same order (so
 * the two builds round alike).
 *
 * p, g and the state buffers: [n] each, any n, any alignment. The scalar
 * hyperparameters come in as f64 (JS numbers, exact) and are rounded to f32
 * once; the factors 1 − β are formed in f64 first, so 1 − 0.999 is 0.001
 * rounded, not 1 − f32(0.999) (1.3e-5 off).
 */

/** Σ p[i]², i < n, in f64 (each square is exact in f64): the squared global gradient norm. */
export function sumSquares(p: usize, n: i32): f64 {
  let s: f64 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    let a0 = f64x2.splat(0), a1 = a0, a2 = a0, a3 = a0;
    for (; i + 8 <= n; i += 8) {
      const q = p + (<usize>i << 2);
      const v = v128.load(q), w = v128.load(q, 16);
      const v0 = f64x2.promote_low_f32x4(v), v1 = f64x2.promote_low_f32x4(f32x4.shuffle(v, v, 2, 3, 2, 3));
      const w0 = f64x2.promote_low_f32x4(w), w1 = f64x2.promote_low_f32x4(f32x4.shuffle(w, w, 2, 3, 2, 3));
      a0 = f64x2.add(a0, f64x2.mul(v0, v0)); a1 = f64x2.add(a1, f64x2.mul(v1, v1));
      a2 = f64x2.add(a2, f64x2.mul(w0, w0)); a3 = f64x2.add(a3, f64x2.mul(w1, w1));
    }
    const a = f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3));
    s = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
  }
  for (; i < n; i++) {
    const x = <f64>load<f32>(p + (<usize>i << 2));
    s += x * x;
  }
  return s;
}

/** p[i] = clamp(p[i]·scale, −clip, clip), i < n (clip may be +∞; NaN stays NaN). */
export function scaleClip(p: usize, n: i32, scale: f64, clip: f64): void {
  const sc = <f32>scale, hi = <f32>clip, lo = -hi;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const sv = f32x4.splat(sc), hv = f32x4.splat(hi), lv = f32x4.splat(lo);
    for (; i + 4 <= n; i += 4) {
      const q = p + (<usize>i << 2);
      v128.store(q, f32x4.min(hv, f32x4.max(lv, f32x4.mul(v128.load(q), sv))));
    }
  }
  for (; i < n; i++) {
    const q = p + (<usize>i << 2);
    store<f32>(q, min<f32>(hi, max<f32>(lo, load<f32>(q) * sc)));
  }
}

/** Keras SGD: v = momentum·v − lr·g;  p += v, or with nesterov p += momentum·v − lr·g. */
export function sgdUpdate(p: usize, g: usize, v: usize, n: i32, lr: f64, momentum: f64, nesterov: i32): void {
  const a = <f32>lr, mu = <f32>momentum;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const av = f32x4.splat(a), mv = f32x4.splat(mu);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const step = f32x4.mul(av, v128.load(g + o));                       // lr·g
      const vn = f32x4.sub(f32x4.mul(mv, v128.load(v + o)), step);
      v128.store(v + o, vn);
      v128.store(p + o, f32x4.add(v128.load(p + o), nesterov ? f32x4.sub(f32x4.mul(mv, vn), step) : vn));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const step = a * load<f32>(g + o);
    const vn = mu * load<f32>(v + o) - step;
    store<f32>(v + o, vn);
    store<f32>(p + o, load<f32>(p + o) + (nesterov ? mu * vn - step : vn));
  }
}

/** Keras RMSprop: ms = ρ·ms + (1−ρ)·g²;  p −= lr·g / √(ms + ε)  (ε inside the root, as Keras and TF.js). */
export function rmspropUpdate(p: usize, g: usize, ms: usize, n: i32, lr: f64, rho: f64, eps: f64): void {
  const a = <f32>lr, r = <f32>rho, r1 = <f32>(1 - rho), e = <f32>eps;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const av = f32x4.splat(a), rv = f32x4.splat(r), r1v = f32x4.splat(r1), ev = f32x4.splat(e);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const gv = v128.load(g + o);
      const s = f32x4.add(f32x4.mul(rv, v128.load(ms + o)), f32x4.mul(f32x4.mul(r1v, gv), gv));
      v128.store(ms + o, s);
      v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.div(f32x4.mul(av, gv), f32x4.sqrt(f32x4.add(s, ev)))));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const gv = load<f32>(g + o);
    const s = r * load<f32>(ms + o) + (r1 * gv) * gv;
    store<f32>(ms + o, s);
    store<f32>(p + o, load<f32>(p + o) - (a * gv) / sqrt<f32>(s + e));
  }
}

/**
 * Keras Adam / AdamW: p −= decay·p (decay = lr·weightDecay, 0 for Adam);
 * m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²;  p −= lrT·m / (√v + ε), with
 * lrT = lr·√(1−β2ᵗ)/(1−β1ᵗ) from the caller. m, v: [n].
 */
export function adamUpdate(
  p: usize, g: usize, m: usize, v: usize, n: i32, lrT: f64, beta1: f64, beta2: f64, eps: f64, decay: f64,
): void {
  const a = <f32>lrT, b1 = <f32>beta1, c1 = <f32>(1 - beta1), b2 = <f32>beta2, c2 = <f32>(1 - beta2);
  const e = <f32>eps, keep = <f32>(1 - decay);   // p − decay·p = (1 − decay)·p
  const decays = decay != 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const av = f32x4.splat(a), b1v = f32x4.splat(b1), c1v = f32x4.splat(c1), b2v = f32x4.splat(b2), c2v = f32x4.splat(c2);
    const ev = f32x4.splat(e), kv = f32x4.splat(keep);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const gv = v128.load(g + o);
      const mv = f32x4.add(f32x4.mul(b1v, v128.load(m + o)), f32x4.mul(c1v, gv));
      const vv = f32x4.add(f32x4.mul(b2v, v128.load(v + o)), f32x4.mul(f32x4.mul(c2v, gv), gv));
      v128.store(m + o, mv);
      v128.store(v + o, vv);
      let pv = v128.load(p + o);
      if (decays) pv = f32x4.mul(kv, pv);
      v128.store(p + o, f32x4.sub(pv, f32x4.div(f32x4.mul(av, mv), f32x4.add(f32x4.sqrt(vv), ev))));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const gv = load<f32>(g + o);
    const mv = b1 * load<f32>(m + o) + c1 * gv;
    const vv = b2 * load<f32>(v + o) + (c2 * gv) * gv;
    store<f32>(m + o, mv);
    store<f32>(v + o, vv);
    let pv = load<f32>(p + o);
    if (decays) pv = keep * pv;
    store<f32>(p + o, pv - (a * mv) / (sqrt<f32>(vv) + e));
  }
}
