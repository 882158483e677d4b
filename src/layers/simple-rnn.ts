/**
 * The plain recurrent layer, one pre-activation per unit:
 *   h = act(W·x + U·h + b),  act = tanh (default), relu, or any cell activation
 * tanh and relu are the fused kernel (one kernel with a flag); the others
 * run the generic one (assembly/variants.ts).
 */
import { CellAct, type CellActivation } from '../backend/kernels.js';
import { RNN_RECORD } from '../backend/record-layout.js';
import type { CellSpec } from './cell.js';
import { RecurrentLayer, cellActivations, type RecurrentOptions } from './recurrent.js';

export function rnnCell(activation: CellActivation): CellSpec {
  const base = { gates: ['hidden'], kerasOrder: [0], recurrentBias: false, resetBeforeProduct: false, cellState: false, activation, gateActivation: 'sigmoid' as const, record: RNN_RECORD, internalStates: [] };
  if (activation === 'tanh' || activation === 'relu') {
    const relu = activation === 'relu' ? 1 : 0, a = CellAct[activation];
    // a masked call takes the generic kernels (the fused ones know no mask)
    return {
      ...base,
      recur: (k, c) => c.mask
        ? k.rnnRecurAct(c.z, c.B, c.T, c.H, c.u, c.state.h0, c.out, c.outStride, c.state.hT, c.reverse, a, c.work, c.rec, c.mask)
        : k.rnnRecur(c.z, c.B, c.T, c.H, c.u, c.state.h0, c.out, c.outStride, c.state.hT, c.reverse, relu, c.work, c.rec),
      backward: (k, c) => c.mask
        ? k.rnnBackwardAct(c.rec, c.B, c.T, c.H, c.u, c.h0, c.dout, c.doutStride, c.dhT, c.reverse, a, c.dz, c.hprev, 0, c.work, c.mask)
        : k.rnnBackward(c.rec, c.B, c.T, c.H, c.u, c.h0, c.dout, c.doutStride, c.dhT, c.reverse, relu, c.dz, c.hprev, 0, c.work),
    };
  }
  const a = CellAct[activation];
  return {
    ...base,
    recur: (k, c) => k.rnnRecurAct(c.z, c.B, c.T, c.H, c.u, c.state.h0, c.out, c.outStride, c.state.hT, c.reverse, a, c.work, c.rec, c.mask),
    backward: (k, c) => k.rnnBackwardAct(c.rec, c.B, c.T, c.H, c.u, c.h0, c.dout, c.doutStride, c.dhT, c.reverse, a, c.dz, c.hprev, 0, c.work, c.mask),
  };
}

export const RNN_TANH_CELL = rnnCell('tanh');
export const RNN_RELU_CELL = rnnCell('relu');

export interface SimpleRNNOptions extends RecurrentOptions {
  /** h's function (default 'tanh'). */
  activation?: CellActivation;
}

/** The plain recurrent layer: h = act(W·x + U·h + b), act = tanh (default), relu, linear, sigmoid, … */
export class SimpleRNN extends RecurrentLayer {
  readonly className = 'SimpleRNN';
  protected readonly cell: CellSpec;
  readonly activation: CellActivation;

  constructor(options: SimpleRNNOptions) {
    super(options, 'simple_rnn', ['activation']);
    this.activation = cellActivations(options, this.name, false).activation;
    this.cell = this.activation === 'tanh' ? RNN_TANH_CELL : this.activation === 'relu' ? RNN_RELU_CELL : rnnCell(this.activation);
  }

  override config(): Record<string, unknown> {
    return { ...super.config(), activation: this.activation };
  }
}
