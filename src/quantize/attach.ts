/**
 * How the recurrent layers and Sequential behave once quantized, installed
 * when the int8 code loads: a quantized layer's Int8Lstm is kept here, and
 * three of RecurrentLayer's methods are wrapped once to defer to it — run
 * (the forward's two kernel calls), prepareWeights (refused: the int8
 * weights would go stale) and free (the int8 buffers go with the layer);
 * Sequential's refuseQuantized gets its check; both get `quantization`.
 * The classes' own modules stay as they are, so the predict-only core
 * ('lstm-wasm/predict') carries none of this, and 'lstm-wasm' only the
 * hook (./hook.ts).
 */
import type { HeapState } from '../layers/cell.js';
import type { HeapBatch, PreparedWeights, Weights } from '../layers/layer.js';
import type { Layer } from '../layers/layer.js';
import type { RecurrentLayer } from '../layers/recurrent.js';
import type { Sequential } from '../model/sequential.js';
import type { QuantizationMode } from './hook.js';
import type { Int8Lstm } from './int8-lstm.js';
import { lib } from './library.js';

const int8 = new WeakMap<RecurrentLayer, Int8Lstm>();

/** Layers a quantize is under way on: they refuse to run until it settles. */
const pending = new WeakSet<RecurrentLayer>();

/**
 * Run `work` (a quantize's loading of its kernels) with `layers` refusing to run and to be
 * quantized again until it settles, whichever way.
 */
export async function whilePending<T>(layers: RecurrentLayer[], owner: string, work: () => Promise<T>): Promise<T> {
  if (layers.some((l) => pending.has(l))) lib.fail(`${owner}: a quantize is under way on ${layers.find((l) => pending.has(l))!.name}; await it first`);
  layers.forEach((l) => pending.add(l));
  try {
    return await work();
  } finally {
    layers.forEach((l) => pending.delete(l));
  }
}

/** The int8 form of `layer`, if it has one. */
export function int8Of(layer: RecurrentLayer): Int8Lstm | undefined {
  return int8.get(layer);
}

/** Give `layer` its int8 form (made by the caller, after every check). */
export function setInt8(layer: RecurrentLayer, q: Int8Lstm): void {
  int8.set(layer, q);
}

/** The recurrent layers a model runs, also those inside a Bidirectional. */
export function recurrentLayers(layers: readonly Layer[]): RecurrentLayer[] {
  return layers.flatMap((l) => l instanceof lib.Bidirectional ? [l.forwardLayer, l.backwardLayer] : l instanceof lib.RecurrentLayer ? [l] : []);
}

/** 'int8' when the model's recurrent layers run in int8, else undefined. */
function modelQuantization(model: Sequential): QuantizationMode | undefined {
  return recurrentLayers(model.layers).find((l) => int8.has(l))?.quantization;
}

/** The methods wrapped below, as they are typed inside the class. */
interface Wrapped {
  run(x: HeapBatch, out: number, outStride: number, reverse: boolean, state: HeapState, rec?: number): void;
  prepareWeights(weights: Weights, options?: object): PreparedWeights;
  free(): void;
}

/** Wrap the classes' methods (once, when the int8 code first runs). */
export function attachInt8(): void {
  const proto = lib.RecurrentLayer.prototype as unknown as Wrapped & RecurrentLayer;
  const { run, prepareWeights, free } = proto;
  proto.run = function (this: RecurrentLayer & Wrapped, x, out, outStride, reverse, state, rec = 0) {
    if (pending.has(this)) lib.fail(`${this.name}: quantize('int8') is under way; await it first`);
    const q = int8.get(this);
    if (q) q.run(x, out, outStride, reverse, state, rec);
    else run.call(this, x, out, outStride, reverse, state, rec);
  };
  proto.prepareWeights = function (this: RecurrentLayer & Wrapped, weights, options) {
    if (int8.has(this)) lib.fail(`${this.name}.setWeights: the layer is quantized (int8); set the weights of an f32 layer, then quantize it`);
    return prepareWeights.call(this, weights, options);
  };
  proto.free = function (this: RecurrentLayer & Wrapped) {
    int8.get(this)?.dispose();
    int8.delete(this);
    free.call(this);
  };
  Object.defineProperty(proto, 'quantization', {
    get(this: RecurrentLayer): QuantizationMode | undefined {
      return int8.get(this)?.mode;
    },
  });
  const model = lib.Sequential.prototype;
  model.refuseQuantized = function (this: Sequential, what: string) {
    const q = modelQuantization(this);
    if (q) lib.fail(`${this.name}.${what}: the model is quantized (${q}) and cannot train; train the f32 model, then quantize`);
  };
  Object.defineProperty(model, 'quantization', {
    get(this: Sequential): QuantizationMode | undefined {
      return modelQuantization(this);
    },
  });
}
