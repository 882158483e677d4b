/**
 * Long short-term memory. Per step, for each unit:
 *   i = σ(W_i·x + U_i·h + b_i)     input gate: how much of the new candidate to write
 *   f = σ(W_f·x + U_f·h + b_f)     forget gate: how much of the old cell to keep
 *   g = tanh(W_g·x + U_g·h + b_g)  candidate
 *   o = σ(W_o·x + U_o·h + b_o)     output gate
 *   c = f⊙c + i⊙g                  the cell state runs along the sequence like a conveyor belt
 *   h = o⊙tanh(c)
 * Keras's options swap the functions: `recurrentActivation` is σ of the three
 * gates, `activation` is tanh of the candidate AND of c in h = o⊙act(c).
 */
import { CellAct, type CellActivation, type GateActivation } from '../backend/kernels.js';
import { LSTM_RECORD } from '../backend/record-layout.js';
import type { CellSpec } from './cell.js';
import { RecurrentLayer, cellActivations, type RecurrentOptions } from './recurrent.js';

/** The LSTM cell on the generic kernels (assembly/variants.ts): any activations, and a mask. */
function lstmActCell(gate: GateActivation, activation: CellActivation): CellSpec {
  const g = CellAct[gate], a = CellAct[activation];
  return {
    gates: LSTM_RECORD.gates, kerasOrder: [0, 1, 2, 3], recurrentBias: false, resetBeforeProduct: false, cellState: true,
    activation, gateActivation: gate, record: LSTM_RECORD, internalStates: [],
    recur: (k, c) => k.lstmRecurAct(c.z, c.B, c.T, c.H, c.u, c.state.h0, c.state.c0, c.out, c.outStride, c.state.hT, c.state.cT, c.reverse, c.work, c.rec, g, a, c.mask),
    backward: (k, c) => k.lstmBackwardAct(c.rec, c.B, c.T, c.H, c.u, c.h0, c.c0, c.dout, c.doutStride, c.dhT, 0, c.reverse, c.dz, c.hprev, 0, 0, c.work, g, a, c.mask),
  };
}

/** The LSTM cell of these activations: the fused kernels for σ and tanh, the generic ones for the rest. */
export function lstmCell(gate: GateActivation, activation: CellActivation): CellSpec {
  return gate === 'sigmoid' && activation === 'tanh' ? LSTM_CELL : lstmActCell(gate, activation);
}

const LSTM_GENERIC = lstmActCell('sigmoid', 'tanh');

/** σ gates and tanh: the fused kernels, except for a masked call (the fused ones know no mask). */
export const LSTM_CELL: CellSpec = {
  ...LSTM_GENERIC,
  recur: (k, c) => c.mask
    ? LSTM_GENERIC.recur(k, c)
    : k.lstmRecur(c.z, c.B, c.T, c.H, c.u, c.state.h0, c.state.c0, c.out, c.outStride, c.state.hT, c.state.cT, c.reverse, c.work, c.rec),
  backward: (k, c) => c.mask
    ? LSTM_GENERIC.backward(k, c)
    : k.lstmBackward(c.rec, c.B, c.T, c.H, c.u, c.h0, c.c0, c.dout, c.doutStride, c.dhT, 0, c.reverse, c.dz, c.hprev, 0, 0, c.work),
};

export interface LSTMOptions extends RecurrentOptions {
  /** The candidate's and the state's function (default 'tanh'). */
  activation?: CellActivation;
  /** The gates' function (default 'sigmoid'). */
  recurrentActivation?: GateActivation;
}

/** Long short-term memory layer: PyTorch's `nn.LSTM` gates (i, f, g, o), one bias (PyTorch's two are summed). */
export class LSTM extends RecurrentLayer {
  readonly className = 'LSTM';
  /** @internal */
  readonly cell: CellSpec;

  constructor(options: LSTMOptions) {
    super(options, 'lstm', ['activation', 'recurrentActivation'], true);
    const { gate, activation } = cellActivations(options, this.name, true);
    this.cell = lstmCell(gate, activation);
  }
}
