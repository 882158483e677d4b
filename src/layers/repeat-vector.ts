/**
 * RepeatVector (Keras's): [batch, features] → [batch, n, features], the
 * row repeated n times, so that a layer reading sequences can follow one
 * that returned only its last step (the LSTM autoencoder: encoder LSTM →
 * RepeatVector(T) → decoder LSTM with returnSequences). Backward sums
 * ∂L/∂output over the n copies. Both are kernels (`repeat`, `repeatBackward`).
 */
import type { TrainingKernels } from '../backend/kernels.js';
import { fail } from '../errors.js';
import { integerIn, optionsOf } from '../options.js';
import type { HeapBatch } from './layer.js';
import { WeightlessLayer } from './weightless.js';

export interface RepeatVectorOptions {
  /** How many times each row is repeated: the output's steps. */
  n: number;
  name?: string;
  inputSize?: number;
}

/** The largest n: more steps than any sequence a heap could hold of one feature. */
const MAX_REPEATS = 2 ** 24;

/** Repeats each row of [batch, features] n times: [batch, n, features]. */
export class RepeatVector extends WeightlessLayer {
  readonly className = 'RepeatVector';
  readonly needsTime = false;
  readonly n: number;
  private saved: { B: number; F: number } | undefined;

  constructor(options: RepeatVectorOptions) {
    if (options === undefined || options === null) fail('RepeatVector: options { n } are required');
    const o = optionsOf(options, ['n', 'name', 'inputSize'], 'RepeatVector');
    if (o.n === undefined) fail('RepeatVector: n is required (how many times each row is repeated)');
    super(o, 'repeat_vector', ['n']);
    this.n = integerIn(o.n, 1, MAX_REPEATS, 'RepeatVector: n');
  }

  override get refusesTime(): boolean {
    return true;
  }

  /** The output always has a time axis, of n steps. */
  keepsTime(): boolean {
    return true;
  }

  override outputSteps(): number | undefined {
    return this.n;
  }

  /** @internal */
  forwardHeap(x: HeapBatch): HeapBatch {
    this.assertLive();
    if (x.seq) fail(`${this.name}: needs 2-D input [batch, features]; the layer before returns every step (set returnSequences: false on it)`);
    if (x.F !== this.inputSize) fail(`${this.name}: input has ${x.F} features but the layer expects ${this.inputSize}`);
    const out = this.workspace().get('output', x.B * this.n * x.F);
    this.backend.kernels.repeat(x.ptr, x.B, x.F, this.n, out);
    return { ptr: out, B: x.B, T: this.n, seq: true, F: x.F };
  }

  /** @internal */
  forwardTrain(x: HeapBatch): HeapBatch {
    const y = this.forwardHeap(x);
    this.saved = { B: x.B, F: x.F };
    return y;
  }

  /** ∂L/∂x [B, F] = Σ over the n steps of ∂L/∂y [B, n, F]. @internal */
  backwardHeap(dy: number, needInputGrad: boolean, k: TrainingKernels): number {
    const s = this.saved ?? fail(`${this.name}: backward without a training forward`);
    if (!needInputGrad) return 0;
    const dx = this.workspace().get('dx', s.B * s.F);
    k.repeatBackward(dy, s.B, s.F, this.n, dx);
    return dx;
  }

  config(): Record<string, unknown> {
    return { name: this.name, inputSize: this.inputSize, n: this.n };
  }
}
