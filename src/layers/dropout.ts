/**
 * Dropout (Keras's): during training, each value is zeroed with
 * probability `rate` and the others are scaled by 1/(1 − rate) ("inverted"
 * dropout), so that the expected value is unchanged and nothing needs
 * scaling at inference, where the layer is the identity and passes its
 * input on without a copy.
 *
 * The mask is drawn in JavaScript from the layer's seeded generator (one
 * fresh mask per training batch: the same seed gives the same masks and
 * so the same training, on every backend), stored in the heap as 0 or
 * 1/(1 − rate), and applied by the `merge` kernel (mul) forward and, the
 * same mask, backward.
 */
import { Merge, type TrainingKernels } from '../backend/kernels.js';
import { fail } from '../errors.js';
import { Random } from '../init/random.js';
import { numberIn, optionsOf } from '../options.js';
import type { HeapBatch } from './layer.js';
import { WeightlessLayer } from './weightless.js';

export interface DropoutOptions {
  /** The fraction of values zeroed in training, in [0, 1). */
  rate: number;
  /** Seed of the masks' generator (default: a fresh one per layer). */
  seed?: number;
  name?: string;
  inputSize?: number;
}

/** Zeroes a fraction `rate` of its input in training (scaling the rest by 1/(1 − rate)); the identity in predict. */
export class Dropout extends WeightlessLayer {
  readonly className = 'Dropout';
  readonly needsTime = false;
  readonly rate: number;
  private rng: Random | undefined;
  /** The last training forward: its shape, and its mask (0 with rate 0: nothing was masked). */
  private saved: { rows: number; cols: number; mask: number } | undefined;

  constructor(options: DropoutOptions) {
    if (options === undefined || options === null) fail('Dropout: options { rate } are required');
    const o = optionsOf(options, ['rate', 'seed', 'name', 'inputSize'], 'Dropout');
    if (o.rate === undefined) fail('Dropout: rate is required (the fraction of values zeroed in training, from 0 up to but not including 1)');
    super(o, 'dropout', ['rate']);
    this.rate = numberIn(o.rate, 0, 1, 'Dropout: rate', 'hi');
  }

  keepsTime(inputHasTime: boolean): boolean {
    return inputHasTime;
  }

  /** The identity: the output is the input itself. @internal */
  forwardHeap(x: HeapBatch): HeapBatch {
    this.assertLive();
    return x;
  }

  /** A fresh mask, applied to x. @internal */
  forwardTrain(x: HeapBatch): HeapBatch {
    this.assertLive();
    const rows = x.B * x.T, cols = x.F, n = rows * cols;
    if (this.rate === 0) {
      this.saved = { rows, cols, mask: 0 };
      return x;
    }
    const ws = this.workspace(), mask = ws.get('mask', n), out = ws.get('output', n);
    const rng = (this.rng ??= new Random(this.seed));
    const keep = Math.fround(1 / (1 - this.rate)), rate = this.rate;
    // drawing the mask is the generator's work, not compute over the data: it stays in JS so that every backend draws the same
    const m = ws.view(mask, n);
    for (let i = 0; i < n; i++) m[i] = rng.next() < rate ? 0 : keep;
    this.backend.kernels.merge(x.ptr, cols, mask, cols, rows, cols, Merge.mul, out);
    this.saved = { rows, cols, mask };
    return { ...x, ptr: out };
  }

  /** ∂L/∂x = ∂L/∂y ⊙ mask (the forward's mask). @internal */
  backwardHeap(dy: number, needInputGrad: boolean, _k: TrainingKernels): number {
    const s = this.saved ?? fail(`${this.name}: backward without a training forward`);
    if (!needInputGrad) return 0;
    if (!s.mask) return dy;
    const n = s.rows * s.cols, dx = this.workspace().get('dx', n);
    this.backend.kernels.merge(dy, s.cols, s.mask, s.cols, s.rows, s.cols, Merge.mul, dx);
    return dx;
  }

  config(): Record<string, unknown> {
    return { name: this.name, inputSize: this.inputSize, rate: this.rate, seed: this.seed };
  }
}
