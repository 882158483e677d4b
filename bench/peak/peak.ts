// One core's f32x4 multiply-add peak, for bench/peers.js to hold the
// workloads' GFLOP/s against: CHAINS independent chains c = c·a + b, each a
// v128 held in a register, so the CPU can overlap CHAINS multiply-adds while
// one waits for its own result. A multiply-then-add chain waits for both
// (about 6–8 cycles on x86) and two of each issue per cycle, so 12 chains
// cover that latency; 12 accumulators + a + b fit x86-64's 16 xmm
// registers without spills. The multiply-add is the kernels' own
// (assembly/madd.ts): mul then add, or relaxed_madd in a relaxed build.
// Every chain starts elsewhere, so the optimizer cannot merge them; with
// a < 1 they settle to b / (1 − a) and stay normal numbers.
import { madd } from '../../assembly/madd';

/**
 * Runs `iters` rounds of 12 multiply-adds on 4 lanes (96 FLOPs a round);
 * returns a sum so nothing is dead code. a and b come in as arguments (call
 * with 0.999, 0.001): as constants they would be rematerialized in the loop.
 */
export function peak(iters: i32, a1: f32, b1: f32): f32 {
  const a = f32x4.splat(a1), b = f32x4.splat(b1);
  let c0 = f32x4.splat(0.0), c1 = f32x4.splat(0.1), c2 = f32x4.splat(0.2), c3 = f32x4.splat(0.3);
  let c4 = f32x4.splat(0.4), c5 = f32x4.splat(0.5), c6 = f32x4.splat(0.6), c7 = f32x4.splat(0.7);
  let c8 = f32x4.splat(0.8), c9 = f32x4.splat(0.9), c10 = f32x4.splat(1.1), c11 = f32x4.splat(1.2);
  for (let i = 0; i < iters; i++) {
    c0 = madd(c0, a, b); c1 = madd(c1, a, b); c2 = madd(c2, a, b); c3 = madd(c3, a, b);
    c4 = madd(c4, a, b); c5 = madd(c5, a, b); c6 = madd(c6, a, b); c7 = madd(c7, a, b);
    c8 = madd(c8, a, b); c9 = madd(c9, a, b); c10 = madd(c10, a, b); c11 = madd(c11, a, b);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(c0, c1), f32x4.add(c2, c3)), f32x4.add(f32x4.add(c4, c5), f32x4.add(c6, c7)));
  const t = f32x4.add(f32x4.add(s, f32x4.add(c8, c9)), f32x4.add(c10, c11));
  return f32x4.extract_lane(t, 0) + f32x4.extract_lane(t, 1) + f32x4.extract_lane(t, 2) + f32x4.extract_lane(t, 3);
}
