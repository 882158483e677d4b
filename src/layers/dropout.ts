/**
 * PLACEHOLDER written by part "kfam" so that the Keras/TF.js loaders
 * type-check before part "layers" merges the real Dropout (issue 11). At
 * merge, the lead keeps part "layers"' file and drops this one.
 */
import { fail } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { Layer, type HeapBatch, type PreparedWeights } from './layer.js';

export class Dropout extends Layer {
  readonly className = 'Dropout';
  readonly rate: number = 0;
  constructor(_options: { rate: number; seed?: number; name?: string }) {
    super(undefined, 'dropout', []);
    fail('Dropout: not in this build yet (it comes with issue 11, part "layers")');
  }
  get outputSize(): number { return fail('Dropout: placeholder'); }
  keepsTime(): boolean { return fail('Dropout: placeholder'); }
  get needsTime(): boolean { return fail('Dropout: placeholder'); }
  countParams(): number { return 0; }
  paramFloats(): number { return 0; }
  protected initParams(): void {}
  forwardHeap(_x: HeapBatch): HeapBatch { return fail('Dropout: placeholder'); }
  getWeights(): Record<string, Tensor> { return {}; }
  prepareWeights(): PreparedWeights { return fail('Dropout: placeholder'); }
  forwardTrain(_x: HeapBatch): HeapBatch { return fail('Dropout: placeholder'); }
  backwardHeap(): number { return fail('Dropout: placeholder'); }
  getGradients(): Record<string, Tensor> { return {}; }
  config(): Record<string, unknown> { return { name: this.name, rate: this.rate }; }
}
