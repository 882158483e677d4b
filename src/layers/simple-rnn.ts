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
  const a = CellAct[activation];
  const generic: CellSpec = {
    gates: ['hidden'], kerasOrder: [0], recurrentBias: false, resetBeforeProduct: false, cellState: false,
    activation, gateActivation: 'sigmoid', record: RNN_RECORD, internalStates: [],
    recur: (k, c) => k.rnnRecurAct(c.z, c.B, c.T, c.H, c.u, c.state.h0, c.out, c.outStride, c.state.hT, c.reverse, a, c.work, c.rec, c.mask),
    backward: (k, c) => k.rnnBackwardAct(c.rec, c.B, c.T, c.H, c.u, c.h0, c.dout, c.doutStride, c.dhT, c.reverse, a, c.dz, c.hprev, 0, c.work, c.mask),
  };
  if (activation !== 'tanh' && activation !== 'relu') return generic;
  // the fused kernel, except for a masked call (it knows no mask)
  const relu = activation === 'relu' ? 1 : 0;
  return {
    ...generic,
    recur: (k, c) => c.mask
      ? generic.recur(k, c)
      : k.rnnRecur(c.z, c.B, c.T, c.H, c.u, c.state.h0, c.out, c.outStride, c.state.hT, c.reverse, relu, c.work, c.rec),
    backward: (k, c) => c.mask
      ? generic.backward(k, c)
      : k.rnnBackward(c.rec, c.B, c.T, c.H, c.u, c.h0, c.dout, c.doutStride, c.dhT, c.reverse, relu, c.dz, c.hprev, 0, c.work),
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
  /** @internal */
  readonly cell: CellSpec;
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
