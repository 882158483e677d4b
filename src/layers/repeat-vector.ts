/**
 * PLACEHOLDER written by part "kfam" so that the Keras/TF.js loaders
 * type-check before part "layers" merges the real RepeatVector (issue 11). At
 * merge, the lead keeps part "layers"' file and drops this one.
 */
import { fail } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { Layer, type HeapBatch, type PreparedWeights } from './layer.js';

export class RepeatVector extends Layer {
  readonly className = 'RepeatVector';
  readonly n: number = 0;
  constructor(_options: { n: number; name?: string }) {
    super(undefined, 'repeat_vector', []);
    fail('RepeatVector: not in this build yet (it comes with issue 11, part "layers")');
  }
  get outputSize(): number { return fail('RepeatVector: placeholder'); }
  keepsTime(): boolean { return fail('RepeatVector: placeholder'); }
  get needsTime(): boolean { return fail('RepeatVector: placeholder'); }
  countParams(): number { return 0; }
  paramFloats(): number { return 0; }
  protected initParams(): void {}
  forwardHeap(_x: HeapBatch): HeapBatch { return fail('RepeatVector: placeholder'); }
  getWeights(): Record<string, Tensor> { return {}; }
  prepareWeights(): PreparedWeights { return fail('RepeatVector: placeholder'); }
  forwardTrain(_x: HeapBatch): HeapBatch { return fail('RepeatVector: placeholder'); }
  backwardHeap(): number { return fail('RepeatVector: placeholder'); }
  getGradients(): Record<string, Tensor> { return {}; }
  config(): Record<string, unknown> { return { name: this.name, n: this.n }; }
}
