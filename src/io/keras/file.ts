/**
 * The file half of loading a Keras model: what a `.keras` or `.h5` file
 * holds, as a model config (JSON) and the weights of each layer in Keras's
 * own variable order. Turning the config into layers is config.ts's job.
 *
 * - Keras 3 `.keras`: a zip of config.json, metadata.json and
 *   model.weights.h5. In the h5, keras/src/saving/saving_lib.py saves each
 *   object's variables in `<path>/vars/0, 1, …`; a Sequential's layers sit
 *   at `layers/<snake_case(class name)>` made unique with _1, _2 in model
 *   order (not at their names), sub-layers below them at their attribute
 *   names (`cell`, `forward_layer`, `layer`, …).
 * - Keras 2 `.h5` (model.save('m.h5')): the config is the root attribute
 *   model_config; model_weights/<layer name> lists its weights in the
 *   attribute weight_names (split into weight_names0, 1, … past 64 KB, as
 *   layer_names is), each a dataset at that path in the group.
 */
import { fail, show } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { utf8 } from '../text.js';
import { readHdf5, type H5Dataset, type H5Group, type H5Value } from '../hdf5/index.js';
import { readZip } from '../zip.js';

export interface KerasFile {
  /** The model's config, parsed from JSON: Keras 3's config.json, or Keras 2's model_config attribute. */
  config: unknown;
  /** The weights of one layer in Keras's variable order (layer.weights); [] for a layer without weights. */
  weightsOf(layerName: string, className: string): Tensor[];
  format: 'keras3' | 'keras2-h5';
  /** The Keras version that wrote the file (metadata.json's or the .h5's keras_version), when it says: it decides what 'hard_sigmoid' means. */
  kerasVersion?: string;
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const HDF5_MAGIC = [0x89, 0x48, 0x44, 0x46];
/** Deepest nesting of sub-layers followed below a layer (a Bidirectional's cell is at depth 2). */
const MAX_NESTING = 8;
/** Where tf-keras 2.13–2.15 put a Sequential's layers in a .keras weights file. */
const LEGACY_LAYERS = '_layer_checkpoint_dependencies';
/** Most variables one object may list. */
const MAX_VARS = 4096;

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
  return bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);
}

/** Reads a Keras 3 `.keras` file or a Keras 2 `.h5` model file; anything else is an LstmWasmError saying what it is. */
export function readKerasFile(bytes: Uint8Array): KerasFile {
  if (!(bytes instanceof Uint8Array)) fail('loadKeras: expects the file\'s bytes as a Uint8Array');
  if (startsWith(bytes, ZIP_MAGIC)) return readKeras3(bytes);
  if (startsWith(bytes, HDF5_MAGIC)) return readKeras2(bytes);
  fail('loadKeras: not a Keras model file: expects a Keras 3 .keras file (a zip) or a Keras 2 .h5 file from model.save(); a TensorFlow SavedModel is a directory (export it to .keras, or convert it for TF.js and use loadTfjs)');
}

// ---- Keras 3 ----

function readKeras3(bytes: Uint8Array): KerasFile {
  const entries = readZip(bytes);
  const listing = show([...entries.keys()]);
  const configBytes = entries.get('config.json');
  if (!configBytes) fail(`loadKeras: the zip has no config.json, so it is not a .keras model file (it holds ${listing})`);
  const weightsBytes = entries.get('model.weights.h5');
  if (!weightsBytes) {
    if (entries.has('model.weights.npz')) fail('loadKeras: the .keras file keeps its weights in model.weights.npz (weights_format="npz"), which is not read; save with the default h5 weights');
    fail(`loadKeras: the .keras file has no model.weights.h5 (it holds ${listing})`);
  }
  const config = parseJson(utf8(configBytes), 'config.json');
  const metadataBytes = entries.get('metadata.json');
  const metadata = metadataBytes ? parseJson(utf8(metadataBytes), 'metadata.json') : undefined;
  const h5 = readHdf5(weightsBytes);
  const paths = layerPaths(config);
  return {
    config,
    format: 'keras3',
    kerasVersion: versionOf((metadata as { keras_version?: unknown } | undefined)?.keras_version),
    weightsOf(layerName, className) {
      const entry = paths.get(layerName);
      if (!entry) fail(`loadKeras: config.json has no layer named ${show(layerName)}`);
      if (entry.className !== className) fail(`loadKeras: layer ${show(layerName)} is a ${show(entry.className)} in config.json, not a ${show(className)}`);
      // tf-keras 2.13–2.15 wrote its .keras files with the layers under _layer_checkpoint_dependencies
      // (keras 3's H5IOStore.get reads them the same way)
      const path = h5.get(entry.path) === undefined && h5.get(LEGACY_LAYERS) !== undefined ? entry.path.replace(/^layers\//, `${LEGACY_LAYERS}/`) : entry.path;
      const node = h5.get(path);
      // Keras before 3.6 made no group for a layer without variables
      if (node === undefined) return [];
      if (node.kind !== 'group') fail(`loadKeras: model.weights.h5: ${show(path)} should be a group (corrupt file)`);
      const own = node.get('vars');
      const recorded = own?.attrs.name;
      if (typeof recorded === 'string' && recorded !== layerName) {
        fail(`loadKeras: model.weights.h5: ${show(path)} holds the weights of layer ${show(recorded)}, but config.json puts ${show(layerName)} there (the two files do not belong together)`);
      }
      return collectVars(node, path, 0);
    },
  };
}

/** A keras_version field if it is a short string ('3.6.0', '2.15.0'); anything else is no version. */
function versionOf(v: unknown): string | undefined {
  return typeof v === 'string' && v.length <= 64 ? v : undefined;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    fail(`loadKeras: ${what} is not valid JSON (corrupt file)`);
  }
}

/** keras.src.utils.naming.to_snake_case: "TimeDistributed" → "time_distributed", "LSTM" → "lstm", "GRU" → "gru". */
export function snakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/**
 * Where saving_lib put each layer of the model config: `layers/<snake_case(class)>`, the second of a
 * class `_1`, the third `_2` (its _get_unique_name), in model order. A Sequential's `layers` leaves out
 * its InputLayer; a Functional's includes them, which is harmless here since they have no variables and
 * their key, input_layer, is their own.
 */
function layerPaths(config: unknown): Map<string, { path: string; className: string }> {
  const paths = new Map<string, { path: string; className: string }>();
  const model = config as { class_name?: unknown; config?: { layers?: unknown } } | null;
  const layers = model && typeof model === 'object' ? model.config?.layers : undefined;
  if (!Array.isArray(layers)) fail('loadKeras: config.json has no config.layers list (not a Sequential or Functional model config)');
  const used = new Map<string, number>();
  for (const [i, layer] of layers.entries()) {
    const className = (layer as { class_name?: unknown })?.class_name;
    const name = (layer as { config?: { name?: unknown } })?.config?.name;
    if (typeof className !== 'string' || typeof name !== 'string') fail(`loadKeras: config.json: layer ${i} has no class_name or config.name`);
    if (model!.class_name === 'Sequential' && className === 'InputLayer') continue;
    const key = snakeCase(className);
    const seen = used.get(key);
    used.set(key, seen === undefined ? 0 : seen + 1);
    if (paths.has(name)) fail(`loadKeras: config.json has two layers named ${show(name)}`);
    paths.set(name, { path: `layers/${seen === undefined ? key : `${key}_${seen + 1}`}`, className });
  }
  return paths;
}

/**
 * A saved object's variables then its sub-layers', in the order layer.weights lists them: a wrapper's
 * forward layer before its backward one (saving walks them in alphabetical order, so that order is
 * restored here), then the cell or wrapped layer, then any other sub-object by name.
 */
function collectVars(group: H5Group, path: string, depth: number): Tensor[] {
  if (depth > MAX_NESTING) fail(`loadKeras: model.weights.h5: ${show(path)} nests sub-layers deeper than ${MAX_NESTING}`);
  const tensors: Tensor[] = [];
  const vars = group.get('vars');
  if (vars !== undefined) {
    if (vars.kind !== 'group') fail(`loadKeras: model.weights.h5: ${show(`${path}/vars`)} should be a group (corrupt file)`);
    const names = vars.names();
    if (names.length > MAX_VARS) fail(`loadKeras: model.weights.h5: ${show(`${path}/vars`)} lists ${names.length} variables (corrupt file)`);
    for (let i = 0; i < names.length; i++) {
      const item = vars.get(String(i));
      if (item === undefined) fail(`loadKeras: model.weights.h5: ${show(`${path}/vars`)} has ${names.length} members but no ${i} (corrupt file)`);
      tensors.push(tensorOf(item, `${path}/vars/${i}`));
    }
  }
  const order = ['forward_layer', 'backward_layer', 'cell', 'layer'];
  const children = group.names().filter((n) => n !== 'vars').sort((a, b) => rank(a, order) - rank(b, order) || (a < b ? -1 : a > b ? 1 : 0));
  for (const child of children) {
    const node = group.get(child);
    if (node?.kind === 'group') tensors.push(...collectVars(node, `${path}/${child}`, depth + 1));
  }
  return tensors;
}

function rank(name: string, order: string[]): number {
  const i = order.indexOf(name);
  return i < 0 ? order.length : i;
}

function tensorOf(item: H5Group | H5Dataset, path: string): Tensor {
  if (item.kind !== 'dataset') fail(`loadKeras: ${show(path)} should be a dataset (corrupt file)`);
  const data = item.read();
  if (!(data instanceof Float32Array)) fail(`loadKeras: ${show(path)} holds ${item.dtype} values, not floats`);
  return { shape: [...item.shape], data };
}

// ---- Keras 2 ----

function readKeras2(bytes: Uint8Array): KerasFile {
  const root = readHdf5(bytes);
  const modelConfig = root.attrs.model_config;
  if (modelConfig === undefined) {
    if (root.attrs.layer_names !== undefined || root.attrs.layer_names0 !== undefined) {
      fail('loadKeras: a weights-only .h5 (from model.save_weights): it has no model config, so the model cannot be built from it; save the whole model with model.save("m.keras") or model.save("m.h5")');
    }
    fail('loadKeras: an HDF5 file without a model_config attribute: not a Keras model file (expects model.save("m.h5") or a .keras file)');
  }
  if (typeof modelConfig !== 'string') fail(`loadKeras: the .h5 file's model_config attribute is not a string, but ${show(modelConfig)}`);
  const config = parseJson(modelConfig, 'the .h5 file\'s model_config attribute');
  const weightsGroup = root.get('model_weights');
  if (weightsGroup?.kind !== 'group') fail('loadKeras: the .h5 file has a model config but no model_weights group (saved without weights?)');
  const layerNames = new Set(stringList(weightsGroup, 'layer_names', 'model_weights'));
  const layers = (config as { config?: { layers?: unknown } } | null)?.config?.layers;
  const classes = new Map<string, unknown>(Array.isArray(layers) ? layers.map((l) => [l?.config?.name, l?.class_name]) : []);
  return {
    config,
    format: 'keras2-h5',
    kerasVersion: versionOf(root.attrs.keras_version),
    weightsOf(layerName, className) {
      if (!layerNames.has(layerName)) fail(`loadKeras: the .h5 file's model_weights lists no layer ${show(layerName)}`);
      const configured = classes.get(layerName);
      if (configured !== undefined && configured !== className) fail(`loadKeras: layer ${show(layerName)} is a ${show(configured)} in the .h5 file's model_config, not a ${show(className)}`);
      const group = weightsGroup.get(layerName);
      if (group?.kind !== 'group') fail(`loadKeras: the .h5 file has no weights group for layer ${show(layerName)} (corrupt file)`);
      const where = `model_weights/${layerName}`;
      return stringList(group, 'weight_names', where).map((name) => {
        const item = group.get(name);
        if (item === undefined) fail(`loadKeras: ${show(where)} lists weight ${show(name)}, which it does not hold (corrupt file)`);
        return tensorOf(item, `${where}/${name}`);
      });
    },
  };
}

/**
 * A list of names kept as an attribute, as legacy_h5_format's load_attributes_from_hdf5_group reads
 * it: `name`, or `name0`, `name1`, … when it was split; an empty list may be stored as an empty float array.
 */
function stringList(group: H5Group, name: string, where: string): string[] {
  const one = (value: H5Value, attr: string): string[] => {
    if (value === null) return [];
    const list = Array.isArray(value) ? value : [value];
    if (!list.every((v): v is string => typeof v === 'string')) {
      if (list.length === 0) return [];
      fail(`loadKeras: ${show(where)}'s ${attr} attribute should list strings, not ${show(value)}`);
    }
    return list;
  };
  if (group.attrs[name] !== undefined) return one(group.attrs[name], name);
  const names: string[] = [];
  for (let i = 0; group.attrs[`${name}${i}`] !== undefined; i++) names.push(...one(group.attrs[`${name}${i}`], `${name}${i}`));
  return names;
}
