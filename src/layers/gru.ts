/**
 * Gated recurrent unit, PyTorch's formulation (= Keras reset_after=True, the default here):
 *   r = σ(W_r·x + b_ir + U_r·h + b_hr)      reset gate
 *   z = σ(W_z·x + b_iz + U_z·h + b_hz)      update gate
 *   n = tanh(W_n·x + b_in + r⊙(U_n·h + b_hn))
 *   h = (1 − z)⊙n + z⊙h
 * and with `resetAfter: false` (Keras reset_after=False, ONNX
 * linear_before_reset=0, TF.js's default) the reset gate comes before the
 * product, with one bias:
 *   n = tanh(W_n·x + U_n·(r⊙h) + b_n)
 * Keras stores the gates as z, r, h; PyTorch as r, z, n (we keep PyTorch's).
 * `recurrentActivation` replaces σ, `activation` tanh.
 */
import { CellAct, type CellActivation, type GateActivation } from '../backend/kernels.js';
import { GRU_RECORD, GRU_RESET_BEFORE_RECORD } from '../backend/record-layout.js';
import { booleanOption } from '../options.js';
import type { CellSpec } from './cell.js';
import { RecurrentLayer, cellActivations, type RecurrentOptions } from './recurrent.js';

/**
 * The GRU cell on the generic kernels (assembly/variants.ts): any activations, the reset gate
 * after the recurrent product (PyTorch's) or before it, and a mask.
 */
function gruActCell(gate: GateActivation, activation: CellActivation, resetAfter: boolean): CellSpec {
  const g = CellAct[gate], a = CellAct[activation], after = resetAfter ? 1 : 0;
  return {
    gates: GRU_RECORD.gates,
    kerasOrder: [1, 0, 2],
    // reset before: one bias (Keras's [3H]; PyTorch's two are summed), and U_n reads r⊙h
    recurrentBias: resetAfter,
    resetBeforeProduct: !resetAfter,
    cellState: false,
    activation,
    gateActivation: gate,
    // reset after: a_n = U_n·h + b_hn, kept for backward (the reset gate multiplies it)
    record: resetAfter ? GRU_RECORD : GRU_RESET_BEFORE_RECORD,
    internalStates: resetAfter ? ['an'] : [],
    recur: (k, c) => k.gruRecurAct(c.z, c.B, c.T, c.H, c.u, c.bh, c.state.h0, c.out, c.outStride, c.state.hT, c.reverse, c.work, c.rec, g, a, after, c.mask),
    backward: (k, c) => k.gruBackwardAct(c.rec, c.B, c.T, c.H, c.u, c.h0, c.dout, c.doutStride, c.dhT, c.reverse, c.dz, c.dzh, c.hprev, 0, c.work, g, a, after, c.dzn, c.rhprev, c.mask),
  };
}

const GRU_GENERIC = gruActCell('sigmoid', 'tanh', true);

/** PyTorch's GRU with σ and tanh: the fused kernels, except for a masked call (the fused ones know no mask). */
export const GRU_CELL: CellSpec = {
  ...GRU_GENERIC,
  recur: (k, c) => c.mask
    ? GRU_GENERIC.recur(k, c)
    : k.gruRecur(c.z, c.B, c.T, c.H, c.u, c.bh, c.state.h0, c.out, c.outStride, c.state.hT, c.reverse, c.work, c.rec),
  backward: (k, c) => c.mask
    ? GRU_GENERIC.backward(k, c)
    : k.gruBackward(c.rec, c.B, c.T, c.H, c.u, c.h0, c.dout, c.doutStride, c.dhT, c.reverse, c.dz, c.dzh, c.hprev, 0, c.work),
};

/**
 * The GRU cell of these activations, the reset gate after the recurrent product (PyTorch's) or
 * before it. The fused kernels run PyTorch's cell with σ and tanh; the generic ones the rest.
 */
export function gruCell(gate: GateActivation, activation: CellActivation, resetAfter: boolean): CellSpec {
  return resetAfter && gate === 'sigmoid' && activation === 'tanh' ? GRU_CELL : gruActCell(gate, activation, resetAfter);
}

export interface GRUOptions extends RecurrentOptions {
  /** The candidate's function (default 'tanh'). */
  activation?: CellActivation;
  /** The gates' function (default 'sigmoid'). */
  recurrentActivation?: GateActivation;
  /** The reset gate after the recurrent product (default true: PyTorch, Keras reset_after=True) or before it (false). */
  resetAfter?: boolean;
}

/** Gated recurrent unit: PyTorch's formulation by default (= Keras `reset_after=True`), or Keras's `reset_after=False`. */
export class GRU extends RecurrentLayer {
  readonly className = 'GRU';
  /** @internal */
  readonly cell: CellSpec;
  readonly resetAfter: boolean;

  constructor(options: GRUOptions) {
    super(options, 'gru', ['activation', 'recurrentActivation', 'resetAfter']);
    const { gate, activation } = cellActivations(options, this.name, true);
    this.resetAfter = options.resetAfter === undefined ? true : booleanOption(options.resetAfter, `${this.name}: resetAfter`);
    this.cell = gruCell(gate, activation, this.resetAfter);
  }

  override config(): Record<string, unknown> {
    const c = super.config();
    if (!this.resetAfter) c.resetAfter = false; // only ever false is worth keeping (true is the default)
    return c;
  }
}
