/**
 * loadTfjs: a TF.js layers model (model.json + its weight shards) → a
 * Sequential. Both writers are read: TF.js's own model.save() (modelTopology
 * is the model config; weights named 'lstm_LSTM1/kernel') and Keras's
 * tensorflowjs_converter (modelTopology wraps it in model_config; weights
 * named as in the Keras .h5, 'lstm/lstm_cell/kernel', layers in the h5's
 * order). Weights are matched to a layer by the first part of their name
 * (the layer's name, in both writers; a Bidirectional converted from Keras 3
 * names them forward_<layer>/…, backward_<layer>/…) and to their role by the last part,
 * never by TF.js's class-numbered names; a weight no layer takes is an error.
 */
import { fail, show } from '../../errors.js';
import type { Sequential } from '../../model/sequential.js';
import type { Tensor } from '../../tensor.js';
import { modelFromKerasConfig } from '../keras/config.js';
import { isRecord } from '../keras/model-config.js';
import { readManifest, type WeightBytes } from './manifest.js';

const WHERE = 'model.json';

/**
 * The model a TF.js model.json describes, with its weights: `modelJson` as
 * an object or its JSON text; `weights` the shard files' bytes in manifest
 * order (or all of them as one buffer).
 */
export function loadTfjs(modelJson: object | string, weights: WeightBytes): Sequential {
  const json = parse(modelJson);
  if (json.format !== undefined && json.format !== 'layers-model') {
    fail(`${WHERE}: format ${show(json.format)} is not a TF.js layers model${json.format === 'graph-model' ? ' (a graph model, converted from a SavedModel, has no layers to rebuild: convert the Keras model instead)' : ''}`);
  }
  if (!isRecord(json.modelTopology)) fail(`${WHERE}: modelTopology is missing`);
  if (json.weightsManifest === undefined) fail(`${WHERE}: weightsManifest is missing`);
  const byLayer = groupByLayer(readManifest(json.weightsManifest, weights, WHERE));
  const used = new Set<string>();
  const weightsOf = (layerName: string, className: string, innerName?: string): Tensor[] => {
    // a Bidirectional's weights sit under its name, or (Keras 3 converted) under forward_<inner> / backward_<inner>
    const groups = [layerName];
    if (innerName !== undefined && !byLayer.has(layerName)) {
      const base = innerName.replace(/^forward_/, '');
      groups.push(...new Set([innerName, `forward_${base}`, `backward_${base}`]));
    }
    const found = groups.filter((g) => byLayer.has(g) && !used.has(g));
    found.forEach((g) => used.add(g));
    return inKerasOrder(found.flatMap((g) => byLayer.get(g)!), className, `${WHERE}: layer ${show(layerName)} (${className})`);
  };
  const model = modelFromKerasConfig(json.modelTopology, weightsOf, WHERE, { runtime: 'tfjs' });
  const unused = [...byLayer.keys()].filter((k) => !used.has(k));
  if (unused.length) {
    model.dispose();
    fail(`${WHERE}: the weights of ${unused.slice(0, 5).map(show).join(', ')}${unused.length > 5 ? ` and ${unused.length - 5} more` : ''} belong to no layer of the model (got ${byLayer.get(unused[0])!.map((w) => show(w.name)).join(', ')})`);
  }
  return model;
}

function parse(modelJson: object | string): Record<string, unknown> {
  let json: unknown = modelJson;
  if (typeof modelJson === 'string') {
    try {
      json = JSON.parse(modelJson);
    } catch {
      fail(`${WHERE}: not JSON`);
    }
  }
  if (!isRecord(json)) fail(`${WHERE}: expected the object of a TF.js model.json, got ${show(json)}`);
  return json;
}

/** The weights grouped by layer: the first part of each name ('lstm' of 'lstm/lstm_cell/kernel'). */
function groupByLayer(weights: { name: string; tensor: Tensor }[]): Map<string, { name: string; tensor: Tensor }[]> {
  const byLayer = new Map<string, { name: string; tensor: Tensor }[]>();
  for (const w of weights) {
    const layer = w.name.split('/')[0];
    if (!byLayer.has(layer)) byLayer.set(layer, []);
    byLayer.get(layer)!.push(w);
  }
  return byLayer;
}

const ROLE: Record<string, number> = { kernel: 0, recurrent_kernel: 1, bias: 2 };

/**
 * One layer's weights in Keras's order: by the last part of the name
 * (kernel, recurrent_kernel, bias), a Bidirectional's forward_… before its
 * backward_…. A name with another role is an error, not a guess.
 */
function inKerasOrder(ws: { name: string; tensor: Tensor }[], className: string, where: string): Tensor[] {
  const keyed = ws.map((w) => {
    const parts = w.name.split('/');
    const role = ROLE[parts[parts.length - 1]];
    if (role === undefined || parts.length < 2) fail(`${where}: weight ${show(w.name)} is not a kernel, recurrent_kernel or bias`);
    let direction = 0;
    if (className === 'Bidirectional') {
      const d = parts.slice(0, 2).find((p) => p.startsWith('forward') || p.startsWith('backward'));
      direction = d === undefined ? fail(`${where}: weight ${show(w.name)} is neither forward_… nor backward_…`) : d.startsWith('forward') ? 0 : 1;
    }
    return { key: direction * 10 + role, tensor: w.tensor, name: w.name };
  });
  keyed.sort((a, b) => a.key - b.key);
  keyed.forEach((k, i) => {
    if (i > 0 && keyed[i - 1].key === k.key) fail(`${where}: weights ${show(keyed[i - 1].name)} and ${show(k.name)} play the same part`);
  });
  return keyed.map((k) => k.tensor);
}
