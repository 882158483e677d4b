/**
 * The plain recurrent layer, one pre-activation per unit:
 *   h = act(W·x + U·h + b),  act = tanh or relu
 * Its two activations are two cells (one kernel with a flag).
 */
import { oneOf } from '../options.js';
import { RNN_RECORD } from '../backend/record-layout.js';
import type { CellSpec } from './cell.js';
import { RecurrentLayer, type RecurrentOptions } from './recurrent.js';

function rnnCell(activation: 'tanh' | 'relu'): CellSpec {
  const relu = activation === 'relu' ? 1 : 0;
  return {
    gates: ['hidden'],
    kerasOrder: [0],
    recurrentBias: false,
    cellState: false,
    activation,
    record: RNN_RECORD,
    internalStates: [],
    recur: (k, c) => k.rnnRecur(c.z, c.B, c.T, c.H, c.u, c.state.h0, c.out, c.outStride, c.state.hT, c.reverse, relu, c.work, c.rec),
    backward: (k, c) => k.rnnBackward(c.rec, c.B, c.T, c.H, c.u, c.h0, c.dout, c.doutStride, c.dhT, c.reverse, relu, c.dz, c.hprev, 0, c.work),
  };
}

export const RNN_TANH_CELL = rnnCell('tanh');
export const RNN_RELU_CELL = rnnCell('relu');
const CELLS = { tanh: RNN_TANH_CELL, relu: RNN_RELU_CELL };

export interface SimpleRNNOptions extends RecurrentOptions {
  activation?: 'tanh' | 'relu';
}

/** The plain recurrent layer: h = act(W·x + U·h + b), act = tanh (default) or relu. */
export class SimpleRNN extends RecurrentLayer {
  readonly className = 'SimpleRNN';
  protected readonly cell: CellSpec;
  readonly activation: 'tanh' | 'relu';

  constructor(options: SimpleRNNOptions) {
    super(options, 'simple_rnn', ['activation']);
    this.activation = options.activation === undefined ? 'tanh' : oneOf(options.activation, ['tanh', 'relu'], 'SimpleRNN: activation');
    this.cell = CELLS[this.activation];
  }

  override config(): Record<string, unknown> {
    return { ...super.config(), activation: this.activation };
  }
}
