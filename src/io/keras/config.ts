/**
 * Keras model configs → a Sequential, shared by loadTfjs (model.json) and
 * loadKeras (.keras and .h5 files), and back (kerasConfigOf, for toTfjs).
 * The three dialects (Keras 2 / tf.keras, TF.js — which writes Keras's
 * snake_case names — and Keras 3) differ in the wrapping (model-config.ts),
 * a few attribute forms (attributes.ts) and what 'hard_sigmoid' means; each
 * layer maps in layers.ts.
 *
 * Nothing is left half-built: a failure at any step disposes every layer
 * built so far, and weights are all checked by each layer before any is
 * written.
 */
import { fail, LstmWasmError, show } from '../../errors.js';
import { Bidirectional } from '../../layers/bidirectional.js';
import type { Layer, Weights } from '../../layers/layer.js';
import { Sequential } from '../../model/sequential.js';
import type { Tensor } from '../../tensor.js';
import { mapLayer, type KerasRuntime, type MappedLayer } from './layers.js';
import { modelEntries } from './model-config.js';

export { kerasConfigOf } from './emit.js';

/**
 * A layer's weights in Keras's saved order (LSTM kernel, recurrent_kernel,
 * bias; Bidirectional forward's then backward's). `innerName`: the wrapped
 * layer's name in the config, for a Bidirectional (Keras 3 names its
 * weights after it: 'forward_lstm/…').
 */
export type WeightsOf = (layerName: string, className: string, innerName?: string) => Tensor[];

export interface KerasConfigOptions {
  /** The Keras version the file says wrote it ('3.3.3', '2.15.0', 'tfjs-layers 4.22.0'): decides what 'hard_sigmoid' means. */
  kerasVersion?: string;
  /** Whose semantics the model runs by (layers.ts KerasRuntime): loadKeras 'keras' (default), loadTfjs 'tfjs'. */
  runtime?: KerasRuntime;
}

/**
 * The model a Keras config describes, with the weights `weightsOf` gives
 * for each layer set in Keras's layout. `where` starts every message
 * (a file name). Throws an LstmWasmError naming the layer and attribute on
 * anything lstm-wasm would compute differently.
 */
export function modelFromKerasConfig(config: unknown, weightsOf: WeightsOf, where: string, options: KerasConfigOptions = {}): Sequential {
  const { name, layers: entries, dialect } = modelEntries(config, where, options.kerasVersion);
  const built: MappedLayer[] = [];
  const kerasClass: string[] = [];
  let inputSize: number | undefined;
  let model: Sequential | undefined;
  try {
    entries.forEach((entry, i) => {
      const label = `${where}: layer ${i} ${show(entry.config.name)} (${entry.className})`;
      if (entry.className === 'InputLayer' && i !== 0) fail(`${label}: an InputLayer after the first layer is not a chain of layers`);
      const { mapped, inputSize: declared } = located(() => mapLayer(entry, dialect, label, options.runtime), label);
      if (built.length === 0 && declared !== undefined) inputSize ??= declared;
      if (mapped) {
        built.push(mapped);
        kerasClass.push(entry.className);
      }
    });
    if (built.length === 0) fail(`${where}: the model has no layers besides its input`);
    if (inputSize !== undefined) built[0].layer.setInputSize(inputSize);
    model = new Sequential(built.map((b) => b.layer), { name });
    const sequential = model;
    const prepared = built.map((b, i) => {
      const inner = b.layer instanceof Bidirectional ? b.layer.forwardLayer.name : undefined;
      const tensors = weightsOf(b.layer.name, kerasClass[i], inner);
      const label = `${where}: layer ${show(b.layer.name)} (${kerasClass[i]})`;
      return { layer: b.layer, label, weights: namedWeights(b, tensors, label) };
    });
    // a weight whose shape the config contradicts is the layer's error, said of its place in the file
    for (const p of prepared) if (p.weights) located(() => p.layer.setWeights(p.weights!, { from: 'keras' }), p.label);
    sequential.build(sequential.layers[0].requireInputSize());
    return sequential;
  } catch (e) {
    if (model) model.dispose();
    else for (const b of built) b.layer.dispose();
    throw e;
  }
}

/** Run `make`; an error from a layer's own checks (which knows no file) is given the layer's place in the file. */
function located<T>(make: () => T, label: string): T {
  try {
    return make();
  } catch (e) {
    if (e instanceof LstmWasmError && !e.message.includes(label)) throw new LstmWasmError(`${label}: ${e.message.replace(/^lstm-wasm: /, '')}`);
    throw e;
  }
}

/** Keras's saved weight list → the record setWeights takes; undefined for a layer without weights. */
function namedWeights(b: MappedLayer, tensors: Tensor[], where: string): Weights | undefined {
  if (!Array.isArray(tensors)) fail(`${where}: its weights are not a list of tensors`);
  if (tensors.length !== b.weightNames.length) {
    fail(`${where}: has ${tensors.length} weight${tensors.length === 1 ? '' : 's'} in the file but the layer takes ${b.weightNames.length}${b.weightNames.length ? ` (${b.weightNames.join(', ')})` : ''}`);
  }
  if (tensors.length === 0) return undefined;
  return Object.fromEntries(b.weightNames.map((n, i) => [n, tensors[i]]));
}

/** The layers of a model (for the loaders' bookkeeping of which file weights were used). @internal */
export function layerNames(model: { layers: readonly Layer[] }): string[] {
  return model.layers.map((l) => l.name);
}
