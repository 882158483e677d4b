// The two parts of lstmRecur's inner work, each alone, for bench/recurrence.bench.js
// to hold against the recurrence as it runs: how fast the 2x16 k loop goes
// when its data sits in L1 and nothing else runs between calls, and what
// one cell update (4 units: three σ, two tanh) costs when cells run back to
// back. Mirrors of lstm2x16's loop and lstmCell (assembly/lstm.ts), on the
// kernels' own madd and activations; compiled by the bench with asc, like
// peak.ts, plain and relaxed.
import { madd } from '../../assembly/madd';
import { sigmoidRr2P5, tanhExpm1Rr2P6 } from '../../assembly/activations';

/**
 * `reps` times: rows hA, hB ([K] each) × one panel w ([K][16]) into 8
 * accumulators, as lstm2x16 (8 multiply-adds on 4 lanes per k); the sums
 * land in out [32], which also seeds them. 2·8·4·K FLOPs a rep.
 */
export function tile2x16(hA: usize, hB: usize, w0: usize, K: i32, reps: i32, out: usize): void {
  for (let r = 0; r < reps; r++) {
    let iA = v128.load(out), fA = v128.load(out, 16), gA = v128.load(out, 32), oA = v128.load(out, 48);
    let iB = v128.load(out, 64), fB = v128.load(out, 80), gB = v128.load(out, 96), oB = v128.load(out, 112);
    let w = w0, ha = hA, hb = hB;
    const end = w + (<usize>K << 6);
    while (w < end) {
      const xa = v128.load32_splat(ha), xb = v128.load32_splat(hb);
      const wi = v128.load(w), wf = v128.load(w, 16), wg = v128.load(w, 32), wo = v128.load(w, 48);
      iA = madd(xa, wi, iA); iB = madd(xb, wi, iB);
      fA = madd(xa, wf, fA); fB = madd(xb, wf, fB);
      gA = madd(xa, wg, gA); gB = madd(xb, wg, gB);
      oA = madd(xa, wo, oA); oB = madd(xb, wo, oB);
      ha += 4; hb += 4; w += 64;
    }
    v128.store(out, iA); v128.store(out, fA, 16); v128.store(out, gA, 32); v128.store(out, oA, 48);
    v128.store(out, iB, 64); v128.store(out, fB, 80); v128.store(out, gB, 96); v128.store(out, oB, 112);
  }
}

/** lstmCell's arithmetic (no mask, no record): c = f⊙c + i⊙g, h = o⊙tanh(c) from pre-activations z [16]. */
function cell(z: usize, c: usize, hn: usize): void {
  const i = sigmoidRr2P5(v128.load(z)), f = sigmoidRr2P5(v128.load(z, 16));
  const g = tanhExpm1Rr2P6(v128.load(z, 32)), o = sigmoidRr2P5(v128.load(z, 48));
  const cn = madd(i, g, f32x4.mul(f, v128.load(c)));
  v128.store(c, cn);
  v128.store(hn, f32x4.mul(o, tanhExpm1Rr2P6(cn)));
}

/** `reps` times, n cells one after another: z [n][16], c and h [n][4]. */
export function cells(z: usize, c: usize, h: usize, n: i32, reps: i32): void {
  for (let r = 0; r < reps; r++) {
    for (let j = 0; j < n; j++) cell(z + (<usize>j << 6), c + (<usize>j << 4), h + (<usize>j << 4));
  }
}

export function heapBase(): usize { return __heap_base; }
