/**
 * What the layers without weights (Dropout, RepeatVector) share: no
 * parameters, no gradients, no weights to get or set, and an output size
 * equal to the input size. Their memory is only their workspace.
 */
import { fail } from '../errors.js';
import type { Random } from '../init/random.js';
import type { Tensor } from '../tensor.js';
import { checkWeightRecord } from '../weights/take.js';
import { Layer, type PreparedWeights, type WeightFormat, type Weights } from './layer.js';

export abstract class WeightlessLayer extends Layer {
  /** The features pass through unchanged: known once the input size is (from inputSize or the layer before). */
  get outputSize(): number {
    return this.requireInputSize();
  }

  override outputSizeFor(inputSize: number | undefined): number | undefined {
    return this.inputSize ?? inputSize;
  }

  override get hasWeights(): boolean {
    return false;
  }

  countParams(): number {
    return 0;
  }

  /** @internal */
  paramFloats(): number {
    return 0;
  }

  protected initParams(_ptr: number, _rng: Random): void {
    // nothing to initialize
  }

  getWeights(_options?: { to?: WeightFormat }): Record<string, Tensor> {
    this.assertLive();
    return {};
  }

  /** Only an empty record fits. @internal */
  prepareWeights(weights: Weights, _options?: { from?: WeightFormat }): PreparedWeights {
    this.assertLive();
    const owner = `${this.name}.setWeights`;
    checkWeightRecord(weights, owner);
    const names = Object.keys(weights);
    if (names.length) fail(`${owner}: a ${this.className} layer has no weights, got ${names.map((n) => JSON.stringify(n)).join(', ')}`);
    return { inputSize: this.requireInputSize(), write: () => {} };
  }

  getGradients(): Record<string, Tensor> {
    return {};
  }
}
