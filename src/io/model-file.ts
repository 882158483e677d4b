/**
 * Saving and loading a whole model: the architecture as JSON (each layer's
 * class and config, plus the compile settings) and the weights as
 * safetensors under PyTorch names, optionally with the optimizer's state
 * (its slots, under `optimizer.slot{i}`, and its update count in the
 * metadata). A round trip gives identical predictions.
 *
 * This module reads and writes the format only; `Sequential.load` (in
 * src/model/sequential.ts) builds the model from what readModelFile gives,
 * so the model imports this file and not the other way round.
 */
import { fail, LstmWasmError, show } from '../errors.js';
import { Bidirectional, type BidirectionalOptions } from '../layers/bidirectional.js';
import { Dense } from '../layers/dense.js';
import { Dropout } from '../layers/dropout.js';
import { RepeatVector } from '../layers/repeat-vector.js';
import { Masking } from '../layers/masking.js';
import { GRU } from '../layers/gru.js';
import type { Layer } from '../layers/layer.js';
import { LSTM } from '../layers/lstm.js';
import { RecurrentLayer } from '../layers/recurrent.js';
import { SimpleRNN } from '../layers/simple-rnn.js';
import type { Sequential } from '../model/sequential.js';
import type { Tensor } from '../tensor.js';
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
const OPTIMIZER_PREFIX = 'optimizer.';

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

/** A model file read and checked: its layers made (no memory taken yet), its weights, its compile settings and optimizer state. */
export interface ModelFile {
  name: string;
  layers: Layer[];
  /** The weights under PyTorch names, for loadStateDict. */
  params: Record<string, Tensor>;
  compile: ModelJSON['compile'];
  /** The optimizer's slots (empty when not saved) and its update count. */
  slots: Float32Array[];
  iterations: number;
}

/**
 * Read what saveModel() wrote, checking every part, and make its layers.
 * If a layer fails, the ones made so far are freed. `Sequential.load` (and
 * `loadModel`) build the model from it.
 */
export function readModelFile(json: ModelJSON | string, weights: Uint8Array | ArrayBuffer): ModelFile {
  const spec = checkSpec(typeof json === 'string' ? parseJSON(json) : json);
  const { tensors, metadata } = readSafetensorsWithMetadata(weights);
  const { params, slots } = splitOptimizerState(tensors);
  const iterations = metadata.optimizer_iterations;
  if (iterations !== undefined && !(/^\d+$/.test(iterations) && Number.isSafeInteger(Number(iterations)))) fail(`loadModel: metadata optimizer_iterations must be a whole number, got ${show(iterations)}`);
  if (slots.length && !spec.compile) fail('loadModel: the weights hold optimizer state but the model JSON has no compile settings to rebuild the optimizer');
  // every layer is made before any memory is taken; if one fails, the ones made so far are freed
  const layers: Layer[] = [];
  try {
    spec.layers.forEach((l, i) => layers.push(layerFrom(l, `layers[${i}]`)));
  } catch (e) {
    for (const l of layers) l.dispose();
    throw e;
  }
  return { name: spec.name, layers, params, compile: spec.compile, slots, iterations: Number(iterations ?? 0) };
}

/** The shape of a model JSON checked, field by field, before anything is built from it. */
function checkSpec(spec: unknown): ModelJSON {
  const s = spec as ModelJSON;
  if (!isRecord(s) || s.format !== 'lstm-wasm' || !Array.isArray(s.layers)) fail('loadModel: not an lstm-wasm model JSON (no "format": "lstm-wasm" with "layers")');
  if (s.version !== 1) fail(`loadModel: model JSON version ${show(s.version)} is not one this version reads (1)`);
  if (typeof s.name !== 'string') fail(`loadModel: "name" must be a string, got ${show(s.name)}`);
  if (s.layers.length === 0 || s.layers.length > MAX_MODEL_LAYERS) fail(`loadModel: "layers" must hold 1 to ${MAX_MODEL_LAYERS} layers, got ${s.layers.length}`);
  if (s.compile !== undefined) {
    const c = s.compile;
    if (!isRecord(c)) fail(`loadModel: "compile" must be an object { optimizer, loss, metrics }, got ${show(c)}`);
    if (!isRecord(c.optimizer)) fail(`loadModel: "compile.optimizer" must be an object { name, … }, got ${show(c.optimizer)}`);
    if (typeof c.loss !== 'string') fail(`loadModel: "compile.loss" must be a loss name, got ${show(c.loss)}`);
    if (!Array.isArray(c.metrics) || !c.metrics.every((m) => typeof m === 'string')) fail(`loadModel: "compile.metrics" must be an array of metric names, got ${show(c.metrics)}`);
  }
  return s;
}

/** More layers than any model this library makes sensibly has; a file claiming more is corrupt. */
const MAX_MODEL_LAYERS = 1000;

/**
 * Split the weights file into the model's parameters and the optimizer's
 * slots. A slot's index is checked against the number of slots in the
 * file before it is used: an index such as 4294967294 must not size an
 * array, and "optimizer.slot-1" or "optimizer.slotabc" are not ignored.
 */
function splitOptimizerState(tensors: Record<string, Tensor>): { params: Record<string, Tensor>; slots: Float32Array[] } {
  const params: Record<string, Tensor> = {};
  const bySlot = new Map<number, Float32Array>();
  for (const [k, t] of Object.entries(tensors)) {
    if (!k.startsWith(OPTIMIZER_PREFIX)) {
      Object.defineProperty(params, k, { value: t, enumerable: true }); // a key such as "__proto__" stays a key
      continue;
    }
    const m = /^optimizer\.slot(0|[1-9]\d{0,8})$/.exec(k);
    if (!m) fail(`loadModel: unknown optimizer tensor ${show(k)} in the weights (optimizer slots are named optimizer.slot0, optimizer.slot1, …)`);
    bySlot.set(Number(m[1]), t.data);
  }
  const slots: Float32Array[] = [];
  for (let i = 0; i < bySlot.size; i++) {
    const slot = bySlot.get(i);
    if (!slot) fail(`loadModel: the weights hold ${bySlot.size} optimizer slot(s) but not optimizer.slot${i}; the slots must be numbered 0 to ${bySlot.size - 1}`);
    slots.push(slot);
  }
  return { params, slots };
}

/** Layer classes by the names model files use. */
const LAYER_CLASSES = new Map<string, new (config: never) => Layer>([
  ['LSTM', LSTM], ['GRU', GRU], ['SimpleRNN', SimpleRNN], ['Dense', Dense], ['Dropout', Dropout], ['RepeatVector', RepeatVector], ['Masking', Masking],
]);

function layerFrom(l: unknown, where: string): Layer {
  if (!isRecord(l)) fail(`loadModel: ${where} must be an object { className, config }, got ${show(l)}`);
  const { className, config } = l as { className?: unknown; config?: unknown };
  if (!isRecord(config)) fail(`loadModel: ${where}.config must be an object, got ${show(config)}`);
  if (className === 'Bidirectional') {
    // Bidirectional.config() flattens the wrapped layer: { name, mergeMode, layer: { className, ...its config } }
    const { layer, ...options } = config as { layer?: unknown };
    if (!isRecord(layer)) fail(`loadModel: ${where}.config.layer must be an object { className, … }, got ${show(layer)}`);
    const { className: innerClass, ...innerConfig } = layer;
    const inner = layerFrom({ className: innerClass, config: innerConfig }, `${where}.config.layer`);
    if (!(inner instanceof RecurrentLayer)) {
      inner.dispose();
      fail(`loadModel: ${where}: Bidirectional wraps an LSTM, GRU or SimpleRNN, not ${show(innerClass)}`);
    }
    try {
      return new Bidirectional(inner, options as BidirectionalOptions);
    } catch (e) {
      inner.dispose();
      throw e;
    }
  }
  const Ctor = typeof className === 'string' ? LAYER_CLASSES.get(className) : undefined;
  if (!Ctor) fail(`loadModel: ${where} has unknown layer class ${show(className)}; this version reads LSTM, GRU, SimpleRNN, Dense, Dropout, RepeatVector, Masking and Bidirectional`);
  try {
    return new Ctor(config as never);
  } catch (e) {
    if (e instanceof LstmWasmError) fail(`loadModel: ${where} (${className}): ${e.message.replace(/^lstm-wasm: /, '')}`);
    throw e;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseJSON(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    fail('loadModel: the model JSON does not parse');
  }
}
