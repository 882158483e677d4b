/**
 * σ, tanh and exp for the hot loops: range reduction + short polynomial,
 * no Math.exp. Every function has an f32x4 form (SIMD build) and an f32
 * twin with the very same operations in the same order (scalar build, and
 * the tails of the SIMD loops), so both builds round identically: there is
 * no FMA in either, and every f32 op is correctly rounded.
 *
 * ── exp(−z) for z ≥ 0 ("rr2_p5") ─────────────────────────────────────────
 *   1. n = round(−z·log2(e)), by the magic-bias trick: adding
 *      MAGIC = 1.5·2²³ + 127 leaves n + 127 in the low mantissa bits of the
 *      sum (f32 has no fraction bits left at 2²³, so the add rounds to the
 *      nearest integer for us).
 *   2. s = 2ⁿ: shift those low bits (n + 127, the biased exponent) into the
 *      exponent field, i32x4.shl by 23. Valid while n ≥ −126, i.e.
 *      z ≤ 126·ln2 = CUTOFF; beyond that e^−z < 2⁻¹²⁶ and we return 0.
 *   3. t = z + n·ln2 ∈ [−ln2/2, ln2/2], so e^−z = s·e^−t. ln2 is split in
 *      two ("Cody–Waite", rr2): LN2_HI has its low 8 bits zero, so n·LN2_HI
 *      is exact for |n| < 2⁸, and LN2_LO = ln2 − LN2_HI adds the rest.
 *   4. e^−t ≈ 1 + t·q(t), q of degree 4 (p5: degree 5 overall), fitted by a
 *      Remez exchange for minimax relative error on [−ln2/2, ln2/2]
 *      (9.1e-8 before f32 rounding of the coefficients). q is evaluated by
 *      Estrin's scheme, (E1 + E2·t) + t²·((E3 + E4·t) + E5·t²): three
 *      dependent multiply-adds instead of Horner's four. An LSTM step waits
 *      on σ and then on tanh(c) for every panel, so latency is what counts.
 *   5. e^−z = s + (t·s)·q(t).
 *
 * ── σ(x) ("sigmoidRr2P5", division form) ──────────────────────────────────
 *   e = exp(−|x|), σ(−|x|) = e/(1+e) ∈ [0, ½] — no cancellation anywhere —
 *   and σ(x) = 1 − σ(−|x|) for x > 0. σ(±∞) = 1/0, σ(NaN) = NaN.
 *
 * ── tanh(x) ("tanhExpm1Rr2P6") ────────────────────────────────────────────
 *   tanh|x| = −E/(E+2) with E = expm1(−2|x|) = e^(−2|x|) − 1 ∈ (−1, 0].
 *   Computing E directly as an expm1 (not exp − 1) keeps full relative
 *   precision near 0, where tanh x ≈ x. With n = round(−2|x|·log2 e),
 *   s = 2ⁿ and r = −2|x| − n·ln2 ∈ [−ln2/2, ln2/2] (same two-constant
 *   reduction):  E = s·e^r − 1 = (s − 1) + s·r + s·r²·P(r),
 *   e^r − 1 ≈ r + r²·P(r), P of degree 4 (p6: degree 6 overall), Remez-fitted
 *   for minimax relative error of expm1 (1.3e-8), Estrin-evaluated as q above.
 *   |x| saturates at SAT = 13·ln2 ≈ 9.0109, where 1 − tanh|x| ≈ 2e^(−2|x|)
 *   reaches 2⁻²⁵, half an ulp below 1: beyond, tanh rounds to 1 in f32. The
 *   clamp is f32x4.pmin(|x|, SAT) = SAT < |x| ? SAT : |x|: one minps on x64
 *   (f32x4.min's NaN rules cost V8 seven instructions), and a NaN |x| fails
 *   the comparison, so it passes through. The sign is copied from x at the
 *   end: tanh(−0) = −0, tanh(±∞) = ±1, tanh(NaN) = NaN.
 *
 * Measured max abs error against float64 over 4M points in [−30, 30]
 * (test/activations.test.ts prints it): σ 9.0e-8, tanh 1.5e-7; both
 * builds give bit-identical results.
 *
 * The coefficients were fitted with a Remez exchange in float64 (weighted
 * for relative error, 6 reference points, degree-4 polynomial in each
 * case) and rounded to f32.
 */

// 1.5·2²³ + 127: rounds to an integer and carries the exponent bias along.
const MAGIC: f32 = 12583039.0;
const MINUS_LOG2E: f32 = -1.4426950216293335;        // −log2(e)
const MINUS_2LOG2E: f32 = -2.885390043258667;        // −2·log2(e)
const LN2_HI: f32 = 0.693145751953125;               // 0x3F317200: ln2 with the low 8 bits cut
const LN2_LO: f32 = 0.000001428606765330187;         // ln2 − LN2_HI
const CUTOFF: f32 = 87.3365478515625;                // 126·ln2: below it 2ⁿ is a normal f32
const SAT: f32 = 9.010912895202637;                  // 13·ln2: tanh rounds to ±1 beyond

// e^−t ≈ 1 + t·(E1 + E2·t + E3·t² + E4·t³ + E5·t⁴) on [−ln2/2, ln2/2]
const E1: f32 = -0.9999997019767761;
const E2: f32 = 0.4999915063381195;
const E3: f32 = -0.1666763573884964;
const E4: f32 = 0.04189793020486832;
const E5: f32 = -0.008290315046906471;

// e^r − 1 ≈ r + r²·(M2 + M3·r + M4·r² + M5·r³ + M6·r⁴) on [−ln2/2, ln2/2]
const M2: f32 = 0.4999999701976776;
const M3: f32 = 0.1666654348373413;
const M4: f32 = 0.04166720062494278;
const M5: f32 = 0.00836651399731636;
const M6: f32 = 0.0013882522471249104;

// ── f32x4 ───────────────────────────────────────────────────────────────

/** e^−z for z ≥ 0 (z > CUTOFF and z = +∞ give 0; NaN gives NaN). */
// @ts-ignore: decorator
@inline export function expNegRr2P5(z: v128): v128 {
  let n = f32x4.add(f32x4.mul(z, f32x4.splat(MINUS_LOG2E)), f32x4.splat(MAGIC));
  const s = i32x4.shl(n, 23);                                   // 2ⁿ
  n = f32x4.sub(n, f32x4.splat(MAGIC));
  let t = f32x4.add(f32x4.mul(n, f32x4.splat(LN2_HI)), z);
  t = f32x4.add(f32x4.mul(n, f32x4.splat(LN2_LO)), t);           // z + n·ln2
  const t2 = f32x4.mul(t, t);
  const qa = f32x4.add(f32x4.mul(f32x4.splat(E2), t), f32x4.splat(E1));
  const qb = f32x4.add(f32x4.mul(f32x4.splat(E4), t), f32x4.splat(E3));
  const q = f32x4.add(f32x4.mul(f32x4.add(f32x4.mul(f32x4.splat(E5), t2), qb), t2), qa);
  const e = f32x4.add(f32x4.mul(f32x4.mul(t, s), q), s);         // s + (t·s)·q
  return v128.andnot(e, f32x4.gt(z, f32x4.splat(CUTOFF)));      // flush: e^−z < 2⁻¹²⁶
}

/** σ(x) = 1/(1+e^−x), lane-wise. */
// @ts-ignore: decorator
@inline export function sigmoidRr2P5(x: v128): v128 {
  const e = expNegRr2P5(f32x4.abs(x));
  const f = f32x4.div(e, f32x4.add(e, f32x4.splat(1)));         // σ(−|x|)
  return v128.bitselect(f32x4.sub(f32x4.splat(1), f), f, f32x4.gt(x, f32x4.splat(0)));
}

/** tanh(x), lane-wise. */
// @ts-ignore: decorator
@inline export function tanhExpm1Rr2P6(x: v128): v128 {
  const z = f32x4.pmin(f32x4.abs(x), f32x4.splat(SAT));          // NaN stays NaN: see above
  let n = f32x4.add(f32x4.mul(z, f32x4.splat(MINUS_2LOG2E)), f32x4.splat(MAGIC));
  const s = i32x4.shl(n, 23);                                   // 2ⁿ
  n = f32x4.sub(n, f32x4.splat(MAGIC));
  const z2 = f32x4.add(z, z);                                   // 2|x|, exact
  let r = f32x4.sub(f32x4.mul(n, f32x4.splat(-LN2_HI)), z2);
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(LN2_LO)));          // −2|x| − n·ln2
  const r2 = f32x4.mul(r, r);
  const pa = f32x4.add(f32x4.mul(f32x4.splat(M3), r), f32x4.splat(M2));
  const pb = f32x4.add(f32x4.mul(f32x4.splat(M5), r), f32x4.splat(M4));
  let p = f32x4.add(f32x4.mul(f32x4.add(f32x4.mul(f32x4.splat(M6), r2), pb), r2), pa);
  p = f32x4.mul(p, r);                                          // r·P(r)
  const ts = f32x4.mul(r, s);
  let e = f32x4.add(f32x4.mul(ts, p), ts);                      // s·(e^r − 1)
  e = f32x4.add(e, f32x4.sub(s, f32x4.splat(1)));               // E = s·(e^r − 1) + (s − 1)
  const y = f32x4.div(f32x4.neg(e), f32x4.add(e, f32x4.splat(2)));
  const sign = v128.and(x, f32x4.splat(-0.0));
  return v128.or(v128.andnot(y, f32x4.splat(-0.0)), sign);      // copysign(y, x)
}

// ── f32 twins: the same operations, one lane ─────────────────────────────

/** e^−z for z ≥ 0, scalar. */
// @ts-ignore: decorator
@inline export function expNegRr2P5F32(z: f32): f32 {
  let n = z * MINUS_LOG2E + MAGIC;
  const s = reinterpret<f32>(reinterpret<i32>(n) << 23);
  n = n - MAGIC;
  let t = n * LN2_HI + z;
  t = n * LN2_LO + t;
  const t2 = t * t;
  const q = (E5 * t2 + (E4 * t + E3)) * t2 + (E2 * t + E1);
  const e = (t * s) * q + s;
  return z > CUTOFF ? 0 : e;
}

/** σ(x), scalar. */
// @ts-ignore: decorator
@inline export function sigmoidRr2P5F32(x: f32): f32 {
  const e = expNegRr2P5F32(abs<f32>(x));
  const f = e / (e + 1);
  return x > 0 ? 1 - f : f;
}

/** tanh(x), scalar. */
// @ts-ignore: decorator
@inline export function tanhExpm1Rr2P6F32(x: f32): f32 {
  const ax = abs<f32>(x);
  const z = SAT < ax ? SAT : ax;                                 // pmin: NaN stays NaN
  let n = z * MINUS_2LOG2E + MAGIC;
  const s = reinterpret<f32>(reinterpret<i32>(n) << 23);
  n = n - MAGIC;
  const z2 = z + z;
  let r = n * -LN2_HI - z2;
  r = r - n * LN2_LO;
  const r2 = r * r;
  let p = (M6 * r2 + (M5 * r + M4)) * r2 + (M3 * r + M2);
  p = p * r;
  const ts = r * s;
  let e = ts * p + ts;
  e = e + (s - 1);
  const y = -e / (e + 2);
  return copysign<f32>(y, x);
}

// ── over arrays (the int8 cell, the variants' one-float scratch) ───────────

/** y[i] = σ(x[i]), i < n. x, y: [n], any alignment; x may equal y. */
export function vsigmoid(x: usize, y: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(y + o, sigmoidRr2P5(v128.load(x + o)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, sigmoidRr2P5F32(load<f32>(x + o)));
  }
}

/** y[i] = tanh(x[i]), i < n. x, y: [n], any alignment; x may equal y. */
export function vtanh(x: usize, y: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(y + o, tanhExpm1Rr2P6(v128.load(x + o)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, tanhExpm1Rr2P6F32(load<f32>(x + o)));
  }
}
