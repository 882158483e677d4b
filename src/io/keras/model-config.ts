/**
 * A Keras model config, in any of the forms that carry one, as a plain list
 * of layer entries: a Sequential ({class_name: 'Sequential', config: {name,
 * layers}}, or Keras 1's bare list of layers), a Functional model that is a
 * plain chain (each layer fed by the one before), the converter's wrapper
 * ({keras_version, backend, model_config}), or its JSON text. It also tells
 * Keras 3's configs from Keras 2's (and TF.js's), whose 'hard_sigmoid' differ.
 */
import { fail, show } from '../../errors.js';
import type { KerasDialect } from './attributes.js';

/** One layer as a config lists it. */
export interface LayerEntry {
  className: string;
  config: Record<string, unknown>;
  /** Keras 3 writes module, registered_name and build_config beside the config. */
  raw: Record<string, unknown>;
}

export interface ModelEntries {
  name: string;
  layers: LayerEntry[];
  dialect: KerasDialect;
}

/** The most layers a model config may list: a bound on every loop over a file's layers. */
export const MAX_KERAS_LAYERS = 4096;

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The layer entries of `config`; `kerasVersion` (from the file, when it says) decides the dialect. */
export function modelEntries(config: unknown, where: string, kerasVersion?: string): ModelEntries {
  let c = config;
  if (typeof c === 'string') {
    try {
      c = JSON.parse(c);
    } catch {
      fail(`${where}: the model config is not JSON`);
    }
  }
  let version = kerasVersion;
  // the converter's and the .h5's wrapper: { keras_version, backend, model_config }
  if (isRecord(c) && 'model_config' in c) {
    if (version === undefined && typeof c.keras_version === 'string') version = c.keras_version;
    c = typeof c.model_config === 'string' ? modelEntriesText(c.model_config, where) : c.model_config;
  }
  if (isRecord(c) && version === undefined && typeof c.keras_version === 'string') version = c.keras_version;
  let name = 'sequential', list: unknown;
  if (Array.isArray(c)) {
    list = c;
  } else if (isRecord(c) && (c.class_name === 'Sequential' || c.class_name === 'Functional' || c.class_name === 'Model')) {
    const body = c.config;
    if (Array.isArray(body)) list = body; // Keras 1 / early Keras 2: config is the list of layers
    else if (isRecord(body)) {
      list = body.layers;
      if (typeof body.name === 'string' && body.name.length > 0 && body.name.length <= 256) name = body.name;
    }
    if (!Array.isArray(list)) fail(`${where}: the ${c.class_name} config has no list of layers`);
    if (c.class_name !== 'Sequential') checkChain(list, body as Record<string, unknown>, where);
  } else {
    const cls = isRecord(c) ? c.class_name : undefined;
    fail(`${where}: expected a Keras model config (class_name Sequential or Functional), got ${cls === undefined ? show(c) : `class_name ${show(cls)}`}`);
  }
  const entries = list as unknown[];
  if (entries.length === 0) fail(`${where}: the model has no layers`);
  if (entries.length > MAX_KERAS_LAYERS) fail(`${where}: the model lists ${entries.length} layers; at most ${MAX_KERAS_LAYERS} are read`);
  const layers = entries.map((e, i) => layerEntry(e, `${where}: layer ${i}`));
  return { name, layers, dialect: dialectOf(version, c, layers) };
}

function modelEntriesText(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return fail(`${where}: model_config is not JSON`);
  }
}

export function layerEntry(e: unknown, where: string): LayerEntry {
  if (!isRecord(e) || typeof e.class_name !== 'string' || !isRecord(e.config)) fail(`${where}: expected { class_name, config }, got ${show(e)}`);
  return { className: e.class_name, config: e.config, raw: e };
}

/**
 * Keras 3 when the file says so (keras_version 3.x); else when the config
 * has Keras 3's marks: dtype policies as objects, or InputLayer's
 * batch_shape. TF.js ('tfjs-layers …') and Keras 2 are dialect 2.
 */
function dialectOf(version: string | undefined, model: unknown, layers: LayerEntry[]): KerasDialect {
  if (version !== undefined) return /^3\./.test(version) ? 3 : 2;
  if (isRecord(model) && typeof model.module === 'string') return 3;
  const keras3 = layers.some((l) => isRecord(l.config.dtype) || (l.className === 'InputLayer' && 'batch_shape' in l.config));
  return keras3 ? 3 : 2;
}

/**
 * A Functional model loads as a Sequential only when it is one: a single
 * input, each layer fed by exactly the layer listed before it, and the
 * last layer the single output.
 */
function checkChain(list: unknown[], body: Record<string, unknown>, where: string): void {
  const names = list.map((e) => (isRecord(e) && typeof e.name === 'string' ? e.name : isRecord(e) && isRecord(e.config) ? e.config.name : undefined));
  const outputs = tensorNames(body.output_layers);
  const inputs = tensorNames(body.input_layers);
  if (inputs.length !== 1 || outputs.length !== 1) fail(`${where}: a Functional model with ${inputs.length} inputs and ${outputs.length} outputs is not a chain of layers; lstm-wasm loads one input and one output`);
  if (outputs[0] !== names[names.length - 1]) fail(`${where}: the Functional model's output ${show(outputs[0])} is not its last layer; only a plain chain of layers loads`);
  list.forEach((e, i) => {
    const inbound = isRecord(e) ? inboundOf(e.inbound_nodes, `${where}: layer ${i} ${show(names[i])}`) : [];
    if (i === 0) {
      if (inbound.length) fail(`${where}: the Functional model's first layer ${show(names[0])} has inputs; it should be its InputLayer`);
      return;
    }
    if (inbound.length !== 1 || inbound[0] !== names[i - 1]) {
      fail(`${where}: layer ${i} ${show(names[i])} takes ${inbound.length ? inbound.map(show).join(', ') : 'no input'}, not just ${show(names[i - 1])} before it: branches and merges are not supported (only a plain chain of layers loads)`);
    }
  });
}

/** [[name, node, tensor], …] (or one [name, node, tensor]) → the names. */
function tensorNames(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  if (typeof v[0] === 'string') return [v[0]];
  return v.flatMap((t) => (Array.isArray(t) && typeof t[0] === 'string' ? [t[0]] : []));
}

/**
 * The layers feeding one layer. Keras 2 and TF.js: [[[name, node, tensor,
 * kwargs], …]]; Keras 3: [{ args: [keras tensors with config.keras_history
 * [name, node, tensor]], kwargs }]. Call arguments beyond the input (an
 * initial_state, a mask) change the math: an error.
 */
function inboundOf(nodes: unknown, where: string): string[] {
  if (nodes === undefined || (Array.isArray(nodes) && nodes.length === 0)) return [];
  if (!Array.isArray(nodes) || nodes.length !== 1) fail(`${where} is called ${Array.isArray(nodes) ? nodes.length : 'an unknown number of'} times; a shared layer is not a chain`);
  const node = nodes[0];
  const names: string[] = [];
  if (Array.isArray(node)) {
    for (const input of node.slice(0, 16)) {
      if (!Array.isArray(input) || typeof input[0] !== 'string') fail(`${where}: inbound node ${show(input)} is not [layer, node, tensor, kwargs]`);
      rejectCallArguments(input[3], where);
      names.push(input[0]);
    }
    return names;
  }
  if (!isRecord(node)) fail(`${where}: inbound node ${show(node)} is not understood`);
  rejectCallArguments(node.kwargs, where);
  const visit = (a: unknown, depth: number): void => {
    if (depth > 4 || names.length > 16) return;
    if (Array.isArray(a)) a.forEach((x) => visit(x, depth + 1));
    else if (isRecord(a) && a.class_name === '__keras_tensor__' && isRecord(a.config) && Array.isArray(a.config.keras_history)) names.push(String(a.config.keras_history[0]));
  };
  visit(node.args, 0);
  return names;
}

function rejectCallArguments(kwargs: unknown, where: string): void {
  if (!isRecord(kwargs)) return;
  // Keras 3 records the mask a layer receives from a Masking before it in the chain: it flows here too
  const implicitMask = (k: string) => k === 'mask' && isRecord(kwargs[k]) && (kwargs[k] as Record<string, unknown>).class_name === '__keras_tensor__';
  const extra = Object.keys(kwargs).filter((k) => k !== 'training' && kwargs[k] !== null && !implicitMask(k));
  if (extra.length) fail(`${where} is called with ${extra.map(show).join(', ')}; lstm-wasm loads layers called on their input alone (masks and initial states come later)`);
}
