/**
 * The one multiply-add every SIMD loop uses: a·b + c on four lanes.
 * (Without relaxed SIMD it is written c + a·b, the order the kernels' own
 * `acc = f32x4.add(acc, f32x4.mul(x, w))` had: the same numbers either way,
 * and the same bytes, which is how the plain build is checked unchanged.)
 *
 * Built with relaxed SIMD (asconfig targets `*-relaxed`), it is
 * `f32x4.relaxed_madd`, which the engine may run as one fused multiply-add
 * (one rounding: the exact a·b + c rounded once) or as mul then add (two
 * roundings), whichever the CPU does fastest. Either way each lane differs
 * from the plain build's mul-then-add only by the rounding of a·b (at most
 * ½ ulp of the product) as the final rounding carries it: at most
 * ½ ulp(a·b) + 1 ulp(result) per multiply-add. Over a K-term dot product
 * both orders stay within about K·2⁻²⁴·Σ|a·b| of the exact sum. Without
 * relaxed SIMD it is the plain mul-then-add, so the SIMD build is bit for
 * bit what it was.
 */
// @ts-ignore: decorator
@inline
export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}
