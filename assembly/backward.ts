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
 * dz·U is a GEMM per step: once every row of the step has its dz, all B
 * rows times a transposed copy of U (transposePanels, transpose.ts, made
 * once per call) are added into dh_next by projectAdd (gemm.ts), project's
 * 2x16 register tiles. (Dot products along U's own panel rows, two batch
 * rows at a time right after their dz was made, read U with a stride of
 * H·pw floats and ran at ~42 GFLOP/s on W3; the tiles read the copy
 * contiguously.) The weight gradients are not here: gradWeights makes
 * them for all steps at once, from dz and hprev.
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
 * multiplies U is: [P·pw] (0 in padded lanes), row b + 1 of a step
 * T·P·pw floats after row b (the contract's [B][T][G·Hp] layout). Its fields hold the call's pointers. The driver is
 * generic, so each cell gets its own copy with rowBack called directly
 * (inlined): a compile-time choice, no indirect call. The cell object
 * is an @unmanaged class laid over the instance's BACK_CELL scratch
 * (scratch.ts: 64 bytes, a slot of its own per thread in the threads
 * builds, whose threads run backward passes at once): nothing allocates.
 *
 * work: dh and dh_next, [B][Hp] each, at work and work + B·Hp·4; padded
 * units stay 0 in both. U's transposed copy, [P][P·pw][4] = G·Hp² floats,
 * at work + 5·B·Hp·4 (after the blocks the cells and the masked variants
 * use: backWorkFloats in src/backend/kernels.ts).
 *
 * The three exported kernels still spell out their (alike) parameter
 * lists: each is its Kernels contract signature (src/backend/kernels.ts),
 * kept readable where the kernel is.
 */
import { projectAdd } from './gemm';
import { transposePanels } from './transpose';
import { loadState, storeRows, zeroRows } from './state';

export function backThroughTime<C>(
  cell: C,
  B: i32, T: i32, H: i32,
  u: usize,          // [Hp/4][H][G·4] recurrent panels
  panelRow: usize,   // bytes of one row of a panel: 16·G
  hidden: usize,     // h_t in the forward's record: this call's row 0 of step 0 (state.ts, recordSection)
  step: usize,       // bytes of one step of the record's [T][recRows][Hp] sections
  h0: usize,         // [B][H] or 0: the forward's initial state
  dout: usize,       // ∂L/∂h_t at dout + 4·((b·T + t)·doutStride), or 0
  doutStride: i32,
  dhT: usize,        // [B][H] or 0: ∂L/∂ final h
  reverse: i32,
  hprev: usize,      // out [B][T][H]: h_{t−1} of every step
  dh0: usize,        // out [B][H] or 0
  work: usize,       // backWorkFloats(B, H) floats of scratch (see above)
): void {
  const Hp = (H + 3) & ~3;
  const P = Hp >> 2;
  const hRow = <usize>Hp << 2;
  const block = <usize>B * hRow;             // bytes of one [B][Hp] block
  const pw = <i32>(panelRow >> 2);
  const J = P * pw;                            // columns of U: the length of a dz row
  const dzRow = (<usize>T * J) << 2;            // bytes from row b to b + 1 of a step's dz
  const ut = work + 5 * block;
  transposePanels(u, H, pw, ut);
  const doutRow = (<usize>T * doutStride) << 2;
  let dh = work;
  let dhNext = work + block;
  loadState(dh, dhT, B, H);
  for (let s = T - 1; s >= 0; s--) {
    const t = reverse ? T - 1 - s : s;
    const tPrev = s == 0 ? -1 : reverse ? t + 1 : t - 1;
    const doutT = dout != 0 ? dout + ((<usize>t * doutStride) << 2) : 0;
    let dz0: usize = 0;
    for (let b = 0; b < B; b++) {
      const row = <usize>b * hRow;
      const dz = cell.rowBack(t, tPrev, b, row, doutT != 0 ? doutT + <usize>b * doutRow : 0, dh + row, dhNext + row);
      if (b == 0) dz0 = dz;
    }
    projectAdd(dz0, dzRow, B, J, ut, P, 4, dhNext);
    const tmp = dh; dh = dhNext; dhNext = tmp;
    const hp = hprev + ((<usize>t * H) << 2);
    if (tPrev >= 0) storeRows(hp, T * H, hidden + <usize>tPrev * step, Hp, B, H);
    else if (h0 != 0) storeRows(hp, T * H, h0, H, B, H);
    else zeroRows(hp, T * H, B, H);
  }
  if (dh0 != 0) storeRows(dh0, H, dh, Hp, B, H);
}
