/**
 * `transposePanels`: a recurrent weight's panels, transposed and packed as
 * `project`'s panels again, so the backward recurrences can make
 *
 *     dh_{t−1} += dz_t · U      (dh[k] += Σ_j dz[j] · U[k][j])
 *
 * with projectAdd's register tiles (gemm.ts) instead of dot products along
 * U's panel rows, which lie H·pw floats apart.
 *
 * u: [P][H][pw], P = Hp/4 panels of pw = 4·G columns (G gates × 4 units),
 * read as U[k][j] = u[j / pw][k][j % pw] for k < H and the P·pw columns j
 * of a dz row; column j belongs to unit 4·(j / pw) + j % 4.
 * ut: [P][P·pw][4], the transposed copy in panels of 4 columns (units
 * 4q … 4q + 3 in panel q), one row per column j of U:
 *
 *     ut[q][j][l] = U[4q + l][j]     where unit 4q + l < H and j's unit < H, else 0
 *
 * The zeros matter: U's lanes past H hold anything (NaN included), and a
 * unit past H must add nothing (dz is 0 there, but 0·NaN is NaN), nor get
 * anything (dh's padded units stay 0). G·Hp² floats; made once per backward
 * call, it costs what one step of the recurrence's product does.
 */
import { laneMask } from './state';

export function transposePanels(u: usize, H: i32, pw: i32, ut: usize): void {
  const P = (H + 3) >> 2;
  const J = P * pw;                          // rows of ut: the columns of U
  const pwBytes = <usize>pw << 2;
  const uPanel = <usize>H * pwBytes;          // bytes of one panel of u
  for (let q = 0; q < P; q++) {
    const out = ut + ((<usize>q * J) << 4);
    if (ASC_FEATURE_SIMD) {
      // 4 k × 4 columns at a time: a 4×4 block of u, transposed in registers
      for (let p = 0; p < P; p++) {
        const mask = laneMask(H - 4 * p);
        for (let c = 0; c < pw; c += 4) {
          transpose4x4(u + <usize>p * uPanel + (<usize>c << 2), pwBytes, H - 4 * q, 4 * q, mask, out + (<usize>(p * pw + c) << 4));
        }
      }
    } else {
      for (let j = 0; j < J; j++) {
        const p = j / pw, c = j % pw;
        const live = 4 * p + (c & 3) < H;       // column j's unit exists
        const src = u + <usize>p * uPanel + (<usize>c << 2);
        const o = out + (<usize>j << 4);
        for (let l = 0; l < 4; l++) {
          const k = 4 * q + l;
          store<f32>(o + (<usize>l << 2), live && k < H ? load<f32>(src + <usize>k * pwBytes) : 0);
        }
      }
    }
  }
}

/**
 * Rows k0 … k0 + 3 of four columns (src: row 0 of them, rows `row` bytes
 * apart; rows past the `rows` that exist read as 0; the columns' lanes of
 * dead units cleared by `mask`) → four rows of ut at out, one per column,
 * its four k in the lanes. The transpose pairs lanes with unpcklps /
 * unpckhps-like shuffles, then takes halves (hsum4 in gemm-grad.ts does the
 * same with adds).
 */
// @ts-ignore: decorator
@inline function transpose4x4(src: usize, row: usize, rows: i32, k0: i32, mask: v128, out: usize): void {
  const zero = f32x4.splat(0);
  const s = src + <usize>k0 * row;
  const r0 = v128.and(v128.load(s), mask);
  const r1 = rows > 1 ? v128.and(v128.load(s + row), mask) : zero;
  const r2 = rows > 2 ? v128.and(v128.load(s + 2 * row), mask) : zero;
  const r3 = rows > 3 ? v128.and(v128.load(s + 3 * row), mask) : zero;
  const t0 = f32x4.shuffle(r0, r1, 0, 4, 1, 5), t1 = f32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t2 = f32x4.shuffle(r2, r3, 0, 4, 1, 5), t3 = f32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(out, f32x4.shuffle(t0, t2, 0, 1, 4, 5));
  v128.store(out, f32x4.shuffle(t0, t2, 2, 3, 6, 7), 16);
  v128.store(out, f32x4.shuffle(t1, t3, 0, 1, 4, 5), 32);
  v128.store(out, f32x4.shuffle(t1, t3, 2, 3, 6, 7), 48);
}
