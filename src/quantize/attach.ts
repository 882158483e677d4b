/**
 * How the full library ('lstm-wasm') gives the recurrent layers int8: a
 * quantized layer's Int8Lstm is kept here, and three of RecurrentLayer's
 * methods are wrapped once, when this module loads, to defer to it: run
 * (the forward's two kernel calls), prepareWeights (refused: the int8
 * weights would go stale) and free (the int8 buffers go with the layer).
 * quantize() and quantization are added the same way. The layers' own
 * module stays as it is, so the predict-only core ('lstm-wasm/predict')
 * carries none of this, not even a branch: its bundle does not grow.
 */
import { fail } from '../errors.js';
import type { HeapState } from '../layers/cell.js';
import type { HeapBatch, PreparedWeights, Weights } from '../layers/layer.js';
import { RecurrentLayer } from '../layers/recurrent.js';
import type { Int8Lstm } from './int8-lstm.js';

/** The quantization modes (one so far). */
export type QuantizationMode = 'int8';

declare module '../layers/recurrent.js' {
  interface RecurrentLayer {
    /**
     * Run this layer in int8 from now on ('lstm-wasm' only; LSTM with σ and tanh): each row of
     * W and U (one gate of one unit) on its own scale max|w|/127, the input and h_{t−1}
     * quantized per sequence and step, sums in int32. The f32 weights are kept (getWeights);
     * setWeights, training and masks are refused afterwards.
     */
    quantize(mode: QuantizationMode): void;
    /** 'int8' once quantized, else undefined (f32). */
    readonly quantization: QuantizationMode | undefined;
  }
}

const int8 = new WeakMap<RecurrentLayer, Int8Lstm>();

/** The int8 form of `layer`, if it has one. */
export function int8Of(layer: RecurrentLayer): Int8Lstm | undefined {
  return int8.get(layer);
}

/** Give `layer` its int8 form (made by the caller, after every check). */
export function setInt8(layer: RecurrentLayer, q: Int8Lstm): void {
  int8.set(layer, q);
}

/** The methods wrapped below, as they are typed inside the class. */
interface Wrapped {
  run(x: HeapBatch, out: number, outStride: number, reverse: boolean, state: HeapState, rec?: number): void;
  prepareWeights(weights: Weights, options?: object): PreparedWeights;
  free(): void;
}

/** Wrap the layers' methods (once) and add quantize(): `quantizeLayer` is the quantize code's. */
export function attachInt8(quantizeLayer: (layer: RecurrentLayer, mode: unknown) => void): void {
  const proto = RecurrentLayer.prototype as unknown as Wrapped & RecurrentLayer;
  if (Object.prototype.hasOwnProperty.call(proto, 'quantize')) return;
  const { run, prepareWeights, free } = proto;
  proto.run = function (this: RecurrentLayer & Wrapped, x, out, outStride, reverse, state, rec = 0) {
    const q = int8.get(this);
    if (q) q.run(x, out, outStride, reverse, state, rec);
    else run.call(this, x, out, outStride, reverse, state, rec);
  };
  proto.prepareWeights = function (this: RecurrentLayer & Wrapped, weights, options) {
    if (int8.has(this)) fail(`${this.name}.setWeights: the layer is quantized (int8); set the weights of an f32 layer, then quantize it`);
    return prepareWeights.call(this, weights, options);
  };
  proto.free = function (this: RecurrentLayer & Wrapped) {
    int8.get(this)?.dispose();
    int8.delete(this);
    free.call(this);
  };
  proto.quantize = function (this: RecurrentLayer, mode: QuantizationMode) {
    quantizeLayer(this, mode);
  };
  Object.defineProperty(proto, 'quantization', {
    get(this: RecurrentLayer) {
      return int8.get(this)?.mode;
    },
  });
}
