/**
 * Saving and loading a whole model: the architecture as JSON (each layer's
 * class and config, plus the compile settings) and the weights as
 * safetensors under PyTorch names, optionally with the optimizer's state
 * (its slots, under `optimizer.slot{i}`, and its update count in the
 * metadata). A round trip gives identical predictions.
 */
import { fail } from '../errors.js';
import { Bidirectional } from '../layers/bidirectional.js';
import { Dense, type DenseOptions } from '../layers/dense.js';
import { GRU } from '../layers/gru.js';
import type { Layer } from '../layers/layer.js';
import { LSTM } from '../layers/lstm.js';
import type { RecurrentLayer, RecurrentOptions } from '../layers/recurrent.js';
import { SimpleRNN, type SimpleRNNOptions } from '../layers/simple-rnn.js';
import { Sequential } from '../model/sequential.js';
import type { Tensor } from '../tensor.js';
import type { LossName } from '../train/losses.js';
import { getOptimizer } from '../train/optimizers.js';
import { readSafetensorsWithMetadata, writeSafetensors } from './safetensors.js';

/** The architecture file: each layer's class and config, and the compile settings. */
export interface ModelJSON {
  format: 'lstm-wasm';
  version: 1;
  name: string;
  layers: { className: string; config: Record<string, unknown> }[];
  compile?: { optimizer: Record<string, unknown>; loss: string; metrics: string[] };
}

export interface SavedModel {
  /** The architecture (and compile settings): JSON.stringify it to store. */
  json: ModelJSON;
  /** The weights (and optimizer state) as safetensors bytes. */
  weights: Uint8Array;
}

const OPTIMIZER_SLOT = 'optimizer.slot';

/**
 * The model's architecture as JSON and its weights (PyTorch names; with `includeOptimizer`, the
 * optimizer's state too) as safetensors bytes. Same as `model.save()`.
 */
export function saveModel(model: Sequential, options: { includeOptimizer?: boolean } = {}): SavedModel {
  model.assertLive();
  const json: ModelJSON = { format: 'lstm-wasm', version: 1, name: model.name, layers: model.layers.map((l) => ({ className: l.className, config: l.config() })) };
  const tensors: Record<string, Tensor> = model.stateDict();
  const metadata: Record<string, string> = { format: 'pt', producer: 'lstm-wasm' };
  const opt = model.optimizer;
  if (opt && model.lossName) {
    json.compile = { optimizer: opt.config(), loss: model.lossName, metrics: model.metricNames };
    if (options.includeOptimizer) {
      const { slots, n, iterations } = opt.state();
      const m = model.parameterBlock().backend.arena.f32();
      slots.forEach((p, i) => (tensors[`${OPTIMIZER_SLOT}${i}`] = { shape: [n], data: m.slice(p >> 2, (p >> 2) + n) }));
      metadata.optimizer_iterations = String(iterations);
    }
  }
  return { json, weights: writeSafetensors(tensors, metadata) };
}

/** A Sequential from what saveModel() (or `model.save()`) wrote. Same as `Sequential.load()`. */
export function loadModel(json: ModelJSON | string, weights: Uint8Array | ArrayBuffer): Sequential {
  const spec: ModelJSON = typeof json === 'string' ? parseJSON(json) : json;
  if (spec?.format !== 'lstm-wasm' || !Array.isArray(spec.layers)) fail('loadModel: not an lstm-wasm model JSON (no "format": "lstm-wasm" with "layers")');
  const { tensors, metadata } = readSafetensorsWithMetadata(weights);
  const slots: Float32Array[] = [];
  const params: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(tensors)) {
    if (k.startsWith(OPTIMIZER_SLOT)) slots[Number(k.slice(OPTIMIZER_SLOT.length))] = t.data;
    else params[k] = t;
  }
  const model = new Sequential(spec.layers.map(layerFrom), { name: spec.name });
  try {
    model.loadStateDict(params);
    if (spec.compile) {
      model.compile({ optimizer: getOptimizer(spec.compile.optimizer), loss: spec.compile.loss as LossName, metrics: spec.compile.metrics as never });
      if (slots.length) {
        const { backend, floats } = model.parameterBlock();
        model.optimizer!.loadState(backend, floats, Number(metadata.optimizer_iterations ?? 0), slots);
      }
    }
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}

function layerFrom(l: { className: string; config: Record<string, unknown> }): Layer {
  const c = l.config ?? {};
  switch (l.className) {
    case 'LSTM': return new LSTM(c as unknown as RecurrentOptions);
    case 'GRU': return new GRU(c as unknown as RecurrentOptions);
    case 'SimpleRNN': return new SimpleRNN(c as unknown as SimpleRNNOptions);
    case 'Dense': return new Dense(c as unknown as DenseOptions);
    case 'Bidirectional': {
      // Bidirectional.config() flattens the wrapped layer: { className, ...its config }
      const { className, config, ...flat } = (c.layer ?? {}) as { className: string; config?: Record<string, unknown> };
      const inner = layerFrom({ className, config: config ?? flat });
      return new Bidirectional(inner as RecurrentLayer, { name: c.name as string });
    }
  }
  fail(`loadModel: unknown layer class ${JSON.stringify(l.className)}`);
}

function parseJSON(s: string): ModelJSON {
  try {
    return JSON.parse(s);
  } catch {
    fail('loadModel: the model JSON does not parse');
  }
}
