/**
 * model.quantize('int8') and layer.quantize('int8'): the int8 code's entry,
 * imported with import() by quantize (./hook.ts), which hands it the
 * library (./library.ts). Which layers can run in int8 (LSTM with σ
 * gates and tanh, also inside a Bidirectional), all checked before any is
 * changed; then the int8 kernels are loaded for the backend and every
 * layer's weights are quantized at once. Dense layers stay f32.
 */
import type { RecurrentLayer } from '../layers/recurrent.js';
import type { Sequential } from '../model/sequential.js';
import { attachInt8, int8Of, recurrentLayers, setInt8, whilePending } from './attach.js';
import type { QuantizationMode } from './hook.js';
import { Int8Lstm } from './int8-lstm.js';
import type { QuantizedKernels } from './contract.js';
import { quantizedKernels } from './kernels.js';
import { lib, useLibrary, type Library } from './library.js';

let attached = false;

/** Take the library and wrap the classes, on the first quantize. */
function attach(library: Library): void {
  if (attached) return;
  useLibrary(library);
  attachInt8();
  attached = true;
}

function checkMode(mode: unknown, owner: string): asserts mode is QuantizationMode {
  if (mode !== 'int8') lib.fail(`${owner}: unknown quantization ${lib.show(mode)}; the one supported is 'int8'`);
}

/** Why `layer` cannot run in int8, or undefined when it can. */
function refusal(layer: RecurrentLayer): string | undefined {
  if (layer.className !== 'LSTM') return `${layer.name} (${layer.className}): int8 runs LSTM layers only so far; keep this model in f32`;
  const c = layer.config();
  if (c.activation !== undefined || c.recurrentActivation !== undefined) {
    return `${layer.name} (LSTM): int8 runs the σ/tanh LSTM only, not activation ${lib.show(c.activation ?? 'tanh')} / recurrentActivation ${lib.show(c.recurrentActivation ?? 'sigmoid')}`;
  }
  return undefined;
}

/** Quantize one recurrent layer (checked, and its kernels loaded, by the caller). */
function toInt8(layer: RecurrentLayer, k: QuantizedKernels): void {
  if (int8Of(layer)) return;
  const I = layer.requireInputSize(), w = layer.getWeights({ to: 'torch' }); // allocates the f32 parameters if not yet
  setInt8(layer, new Int8Lstm(k, layer.boundBackend!.arena, layer.name, layer.units, I, w));
}

/** layer.quantize(mode). */
export async function quantizeLayer(layer: RecurrentLayer, mode: unknown, library: Library): Promise<void> {
  attach(library);
  const owner = `${layer.name}.quantize`;
  layer.assertLive();
  checkMode(mode, owner);
  const why = refusal(layer);
  if (why) lib.fail(`${owner}: ${why}`);
  layer.requireInputSize();
  layer.getWeights(); // binds the layer to the active backend, with its parameters
  const k = await whilePending([layer], owner, () => quantizedKernels(layer.boundBackend!, owner));
  layer.assertLive(); // disposed while the kernels loaded: nothing to quantize
  toInt8(layer, k);
}

/** model.quantize(mode): every recurrent layer to int8, or none (each is checked first). Resolves to the model. */
export async function quantizeModel(model: Sequential, mode: unknown, library: Library): Promise<Sequential> {
  attach(library);
  const owner = `${model.name}.quantize`;
  model.assertIdle('quantize');
  checkMode(mode, owner);
  model.requireBuilt('quantize');
  const masking = model.layers.find((l) => l.className === 'Masking');
  if (masking) lib.fail(`${owner}: ${masking.name} (Masking) makes masks, which int8 layers do not take yet; keep this model in f32`);
  const targets = recurrentLayers(model.layers);
  if (targets.length === 0) lib.fail(`${owner}: the model has no LSTM layer to quantize (Dense layers stay f32)`);
  for (const l of targets) {
    const why = refusal(l);
    if (why) lib.fail(`${owner}: ${why}`);
  }
  model.build(model.layers[0].inputSize!);
  const k = await whilePending(targets, owner, () => quantizedKernels(model.backend, owner));
  model.assertLive(); // disposed while the kernels loaded: nothing to quantize
  for (const l of targets) toInt8(l, k);
  return model;
}
