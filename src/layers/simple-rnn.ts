/** The plain recurrent layer: h = act(W·x + U·h + b), act = tanh or relu. */
import { oneOf } from '../options.js';
import { RecurrentLayer, type CellSpec, type RecurrentOptions } from './recurrent.js';

const RNN_CELL: CellSpec = { kind: 'rnn', gates: 1, kerasOrder: [0], recurrentBias: false };

export interface SimpleRNNOptions extends RecurrentOptions {
  activation?: 'tanh' | 'relu';
}

/** The plain recurrent layer: h = act(W·x + U·h + b), act = tanh (default) or relu. */
export class SimpleRNN extends RecurrentLayer {
  readonly className = 'SimpleRNN';
  protected readonly cell = RNN_CELL;
  readonly activation: 'tanh' | 'relu';

  constructor(options: SimpleRNNOptions) {
    super(options, 'simple_rnn', ['activation']);
    this.activation = options.activation === undefined ? 'tanh' : oneOf(options.activation, ['tanh', 'relu'], 'SimpleRNN: activation');
  }

  protected override reluFlag(): number {
    return this.activation === 'relu' ? 1 : 0;
  }

  override config(): Record<string, unknown> {
    return { ...super.config(), activation: this.activation };
  }
}
