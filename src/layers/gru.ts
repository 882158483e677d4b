/**
 * Gated recurrent unit, PyTorch's formulation (= Keras reset_after=True):
 *   r = σ(W_r·x + b_ir + U_r·h + b_hr)      reset gate
 *   z = σ(W_z·x + b_iz + U_z·h + b_hz)      update gate
 *   n = tanh(W_n·x + b_in + r⊙(U_n·h + b_hn))
 *   h = (1 − z)⊙n + z⊙h
 * Keras stores the gates as z, r, h; PyTorch as r, z, n (we keep PyTorch's).
 */
import { GRU_RECORD } from '../backend/record-layout.js';
import type { CellSpec } from './cell.js';
import { RecurrentLayer, type RecurrentOptions } from './recurrent.js';


export const GRU_CELL: CellSpec = {
  gates: GRU_RECORD.gates,
  kerasOrder: [1, 0, 2],
  recurrentBias: true,
  cellState: false,
  activation: 'tanh',
  // a_n = U_n·h + b_hn, kept for backward: the reset gate multiplies it
  record: GRU_RECORD,
  internalStates: ['an'],
  recur: (k, c) => k.gruRecur(c.z, c.B, c.T, c.H, c.u, c.bh, c.state.h0, c.out, c.outStride, c.state.hT, c.reverse, c.work, c.rec),
  backward: (k, c) => k.gruBackward(c.rec, c.B, c.T, c.H, c.u, c.h0, c.dout, c.doutStride, c.dhT, c.reverse, c.dz, c.dzh, c.hprev, 0, c.work),
};

/** Gated recurrent unit, PyTorch's formulation (= Keras `reset_after=True`): the reset gate is applied after the recurrent matmul. */
export class GRU extends RecurrentLayer {
  readonly className = 'GRU';
  protected readonly cell = GRU_CELL;

  constructor(options: RecurrentOptions) {
    super(options, 'gru');
  }
}
