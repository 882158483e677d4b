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
export function transposePanels(u: usize, H: i32, pw: i32, ut: usize): void {
  const P = (H + 3) >> 2;
  const J = P * pw;                          // rows of ut: the columns of U
  const pwBytes = <usize>pw << 2;
  const uPanel = <usize>H * pwBytes;          // bytes of one panel of u
  for (let q = 0; q < P; q++) {
    const out = ut + ((<usize>q * J) << 4);
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
