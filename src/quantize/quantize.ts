/**
 * model.quantize('int8') and layer.quantize('int8'): which layers can run
 * in int8 (LSTM with σ gates and tanh, also inside a Bidirectional), all
 * checked before any is changed; Dense layers stay f32.
 */
import { fail, show } from '../errors.js';
import { Bidirectional } from '../layers/bidirectional.js';
import type { Layer } from '../layers/layer.js';
import { RecurrentLayer } from '../layers/recurrent.js';
import type { SequentialCore } from '../model/core.js';
import { attachInt8, int8Of, setInt8, type QuantizationMode } from './attach.js';
import { Int8Lstm } from './int8-lstm.js';
import { quantizedKernels } from './kernels.js';

export type { QuantizationMode } from './attach.js';

function checkMode(mode: unknown, owner: string): asserts mode is QuantizationMode {
  if (mode !== 'int8') fail(`${owner}: unknown quantization ${show(mode)}; the one supported is 'int8'`);
}

/** Why `layer` cannot run in int8, or undefined when it can. */
function refusal(layer: RecurrentLayer): string | undefined {
  if (layer.className !== 'LSTM') return `${layer.name} (${layer.className}): int8 runs LSTM layers only so far; keep this model in f32`;
  const c = layer.config();
  if (c.activation !== undefined || c.recurrentActivation !== undefined) {
    return `${layer.name} (LSTM): int8 runs the σ/tanh LSTM only, not activation ${show(c.activation ?? 'tanh')} / recurrentActivation ${show(c.recurrentActivation ?? 'sigmoid')}`;
  }
  return undefined;
}

/** Quantize one recurrent layer (checked by the caller). */
function toInt8(layer: RecurrentLayer): void {
  if (int8Of(layer)) return;
  const I = layer.requireInputSize(), w = layer.getWeights({ to: 'torch' }); // allocates the f32 parameters if not yet
  setInt8(layer, new Int8Lstm(layer.boundBackend!, layer.name, layer.units, I, w));
}

/** layer.quantize(mode) (registered with the layers by 'lstm-wasm'). */
export function quantizeLayer(layer: RecurrentLayer, mode: unknown): void {
  layer.assertLive();
  checkMode(mode, `${layer.name}.quantize`);
  const why = refusal(layer);
  if (why) fail(`${layer.name}.quantize: ${why}`);
  layer.requireInputSize();
  layer.getWeights(); // binds the layer to the active backend, with its parameters
  quantizedKernels(layer.boundBackend!, `${layer.name}.quantize`);
  toInt8(layer);
}

/** The recurrent layers a model runs, also those inside a Bidirectional. */
function recurrentLayers(layers: readonly Layer[]): RecurrentLayer[] {
  return layers.flatMap((l) => l instanceof Bidirectional ? [l.forwardLayer, l.backwardLayer] : l instanceof RecurrentLayer ? [l] : []);
}

/** model.quantize(mode): every recurrent layer to int8, or none (each is checked first). */
export function quantizeModel(model: SequentialCore, mode: unknown): void {
  const owner = `${model.name}.quantize`;
  checkMode(mode, owner);
  model.requireBuilt('quantize');
  const masking = model.layers.find((l) => l.className === 'Masking');
  if (masking) fail(`${owner}: ${masking.name} (Masking) makes masks, which int8 layers do not take yet; keep this model in f32`);
  const targets = recurrentLayers(model.layers);
  if (targets.length === 0) fail(`${owner}: the model has no LSTM layer to quantize (Dense layers stay f32)`);
  for (const l of targets) {
    const why = refusal(l);
    if (why) fail(`${owner}: ${why}`);
  }
  model.build(model.layers[0].inputSize!);
  quantizedKernels(model.backend, owner);
  for (const l of targets) toInt8(l);
}

/** 'int8' when the model's recurrent layers run in int8, else undefined. */
export function modelQuantization(model: SequentialCore): QuantizationMode | undefined {
  return recurrentLayers(model.layers).find((l) => int8Of(l))?.quantization;
}

attachInt8(quantizeLayer);
