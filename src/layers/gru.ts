/**
 * Gated recurrent unit, PyTorch's formulation (= Keras reset_after=True):
 *   r = σ(W_r·x + b_ir + U_r·h + b_hr)      reset gate
 *   z = σ(W_z·x + b_iz + U_z·h + b_hz)      update gate
 *   n = tanh(W_n·x + b_in + r⊙(U_n·h + b_hn))
 *   h = (1 − z)⊙n + z⊙h
 * Keras stores the gates as z, r, h; PyTorch as r, z, n (we keep PyTorch's).
 */
import { RecurrentLayer, type CellSpec, type RecurrentOptions } from './recurrent.js';

const GRU_CELL: CellSpec = { kind: 'gru', gates: 3, kerasOrder: [1, 0, 2], recurrentBias: true };

/** Gated recurrent unit, PyTorch's formulation (= Keras `reset_after=True`): the reset gate is applied after the recurrent matmul. */
export class GRU extends RecurrentLayer {
  readonly className = 'GRU';
  protected readonly cell = GRU_CELL;

  constructor(options: RecurrentOptions) {
    super(options, 'gru');
  }
}
