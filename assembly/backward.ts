/**
 * Backpropagation through time: the loop the three recurrent cells share
 * (lstmBackward, gruBackward, rnnBackward). Steps go in the reverse of the
 * forward's order; per step t and batch row:
 *
 *     dh      = dh_next + dout_t                (∂L/∂h_t: from the later step and the output)
 *     dz      = the cell's gate derivatives     (cell.rowBack, from the forward's record)
 *     dh_next ← the cell's direct path + dz·U   (∂L/∂h_{t−1}; the forward's h·Uᵀ, transposed)
 *     hprev_t ← h_{t−1}                         (for ∂L/∂U)
 *
 * dz·U is one dot product per unit k, along row k of every panel of U
 * (dotRows2 in gemm-grad.ts), two batch rows per weight load, right after
 * those two rows' dz is made (still in L1). The weight gradients are not
 * here: gradWeights makes them for all steps at once, from dz and hprev.
 *
 * A cell is a class with one method,
 *
 *     rowBack(t, tPrev, b, row, dout, dh, dhNext): usize
 *
 * which reads row b of step t from the record (row: its byte offset in a
 * [B][Hp] block; tPrev: the step the forward ran just before t, −1 for the
 * first, whose state is the initial one), adds dout (∂L/∂h_t of the row,
 * [H], or 0) to dh, writes its gate derivatives and sets dhNext to the
 * direct path (0 where there is none), and returns where the dz that
 * multiplies U is. Its fields hold the call's pointers. The driver is
 * generic, so each cell gets its own copy with rowBack called directly
 * (inlined): a compile-time choice, no indirect call. The cell object
 * is an @unmanaged class laid over a few bytes of static data
 * (changetype<C>(memory.data(offsetof<C>()))): nothing allocates.
 *
 * work: dh and dh_next, [B][Hp] each, at work and work + B·Hp·4; padded
 * units stay 0 in both.
 *
 * The three exported kernels still spell out their (alike) parameter
 * lists: each is its Kernels contract signature (src/backend/kernels.ts),
 * kept readable where the kernel is.
 */
import { dotRow1, dotRows2 } from './gemm-grad';
import { loadState, storeRows, zeroRows } from './state';

export function backThroughTime<C>(
  cell: C,
  B: i32, T: i32, H: i32,
  u: usize,          // [Hp/4][H][G·4] recurrent panels
  panelRow: usize,   // bytes of one row of a panel: 16·G
  hidden: usize,     // [T][B][Hp] h_t in the forward's record
  h0: usize,         // [B][H] or 0: the forward's initial state
  dout: usize,       // ∂L/∂h_t at dout + 4·((b·T + t)·doutStride), or 0
  doutStride: i32,
  dhT: usize,        // [B][H] or 0: ∂L/∂ final h
  reverse: i32,
  hprev: usize,      // out [B][T][H]: h_{t−1} of every step
  dh0: usize,        // out [B][H] or 0
  work: usize,       // 2·[B][Hp] scratch
): void {
  const Hp = (H + 3) & ~3;
  const P = Hp >> 2;
  const hRow = <usize>Hp << 2;
  const block = <usize>B * hRow;             // bytes of one [B][Hp] block
  const lastValid = H - 4 * (P - 1);          // units of the last panel that exist
  const doutRow = (<usize>T * doutStride) << 2;
  let dh = work;
  let dhNext = work + block;
  loadState(dh, dhT, B, H);
  for (let s = T - 1; s >= 0; s--) {
    const t = reverse ? T - 1 - s : s;
    const tPrev = s == 0 ? -1 : reverse ? t + 1 : t - 1;
    const doutT = dout != 0 ? dout + ((<usize>t * doutStride) << 2) : 0;
    let b = 0;
    for (; b + 2 <= B; b += 2) {
      const ra = <usize>b * hRow, rb = ra + hRow;
      const dzA = cell.rowBack(t, tPrev, b, ra, doutT != 0 ? doutT + <usize>b * doutRow : 0, dh + ra, dhNext + ra);
      const dzB = cell.rowBack(t, tPrev, b + 1, rb, doutT != 0 ? doutT + <usize>(b + 1) * doutRow : 0, dh + rb, dhNext + rb);
      dotRows2(dzA, dzB, u, H, P, panelRow, lastValid, dhNext + ra, dhNext + rb);
    }
    if (b < B) {
      const ra = <usize>b * hRow;
      const dzA = cell.rowBack(t, tPrev, b, ra, doutT != 0 ? doutT + <usize>b * doutRow : 0, dh + ra, dhNext + ra);
      dotRow1(dzA, u, H, P, panelRow, lastValid, dhNext + ra);
    }
    const tmp = dh; dh = dhNext; dhNext = tmp;
    const hp = hprev + ((<usize>t * H) << 2);
    if (tPrev >= 0) storeRows(hp, T * H, hidden + <usize>tPrev * block, Hp, B, H);
    else if (h0 != 0) storeRows(hp, T * H, h0, H, B, H);
    else zeroRows(hp, T * H, B, H);
  }
  if (dh0 != 0) storeRows(dh0, H, dh, Hp, B, H);
}
