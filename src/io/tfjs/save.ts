/**
 * toTfjs: a model as TF.js's model.save() writes it — model.json (format
 * 'layers-model', modelTopology in TF.js's Keras dialect, one weights group)
 * and the float32 weights as one shard — so that
 * tf.loadLayersModel(tf.io.fromMemory(…)) loads it and predicts the same.
 */
import type { Sequential } from '../../model/sequential.js';
import { kerasConfigOf, tfjsWeightsOf, type KerasModelConfig } from '../keras/emit.js';

export interface TfjsModelJSON {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: null;
  modelTopology: KerasModelConfig;
  weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: 'float32' }[] }[];
}

/** The shard's file name in the manifest: save the weights under it beside model.json. */
export const TFJS_WEIGHTS_FILE = 'weights.bin';

/** model.json (an object: JSON.stringify it) and the weights shard (`weights.bin`). Same as `model.toTfjs()`. */
export function toTfjs(model: Sequential): { modelJson: TfjsModelJSON; weights: Uint8Array } {
  model.assertLive();
  model.requireBuilt('toTfjs');
  const modelTopology = kerasConfigOf(model);
  const all = model.layers.flatMap((l) => tfjsWeightsOf(l));
  const weights = new Uint8Array(all.reduce((n, w) => n + 4 * w.tensor.data.length, 0));
  const view = new DataView(weights.buffer);
  let at = 0;
  for (const w of all) {
    for (let i = 0; i < w.tensor.data.length; i++, at += 4) view.setFloat32(at, w.tensor.data[i], true);
  }
  return {
    modelJson: {
      format: 'layers-model', generatedBy: 'lstm-wasm', convertedBy: null, modelTopology,
      weightsManifest: [{ paths: [TFJS_WEIGHTS_FILE], weights: all.map((w) => ({ name: w.name, shape: w.tensor.shape, dtype: 'float32' as const })) }],
    },
    weights,
  };
}
