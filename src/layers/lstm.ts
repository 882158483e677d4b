/**
 * Long short-term memory. Per step, for each unit:
 *   i = σ(W_i·x + U_i·h + b_i)     input gate: how much of the new candidate to write
 *   f = σ(W_f·x + U_f·h + b_f)     forget gate: how much of the old cell to keep
 *   g = tanh(W_g·x + U_g·h + b_g)  candidate
 *   o = σ(W_o·x + U_o·h + b_o)     output gate
 *   c = f⊙c + i⊙g                  the cell state runs along the sequence like a conveyor belt
 *   h = o⊙tanh(c)
 */
import { LSTM_RECORD } from '../backend/record-layout.js';
import type { CellSpec } from './cell.js';
import { RecurrentLayer, type RecurrentOptions } from './recurrent.js';


export const LSTM_CELL: CellSpec = {
  gates: LSTM_RECORD.gates,
  kerasOrder: [0, 1, 2, 3],
  recurrentBias: false,
  cellState: true,
  activation: 'tanh',
  record: LSTM_RECORD,
  internalStates: [],
  recur: (k, c) => k.lstmRecur(c.z, c.B, c.T, c.H, c.u, c.state.h0, c.state.c0, c.out, c.outStride, c.state.hT, c.state.cT, c.reverse, c.work, c.rec),
  backward: (k, c) => k.lstmBackward(c.rec, c.B, c.T, c.H, c.u, c.h0, c.c0, c.dout, c.doutStride, c.dhT, 0, c.reverse, c.dz, c.hprev, 0, 0, c.work),
};

/** Long short-term memory layer: PyTorch's `nn.LSTM` gates (i, f, g, o), one bias (PyTorch's two are summed). */
export class LSTM extends RecurrentLayer {
  readonly className = 'LSTM';
  protected readonly cell = LSTM_CELL;

  constructor(options: RecurrentOptions) {
    super(options, 'lstm');
  }
}
