/**
 * One Keras layer entry → one lstm-wasm layer, with the Keras names its
 * weights take in setWeights(…, { from: 'keras' }), in Keras's saved order.
 * Options are passed only where they differ from lstm-wasm's defaults, so a
 * model that needs nothing new builds on any version of the layers.
 */
import { fail, show } from '../../errors.js';
import { Bidirectional, type BidirectionalOptions } from '../../layers/bidirectional.js';
import { Dense, type DenseOptions } from '../../layers/dense.js';
import { Dropout } from '../../layers/dropout.js';
import { GRU } from '../../layers/gru.js';
import type { Layer } from '../../layers/layer.js';
import { LSTM } from '../../layers/lstm.js';
import { Masking } from '../../layers/masking.js';
import { RecurrentLayer, type RecurrentOptions } from '../../layers/recurrent.js';
import { RepeatVector } from '../../layers/repeat-vector.js';
import { SimpleRNN } from '../../layers/simple-rnn.js';
import { activationOf, DENSE_ACTIVATIONS, GATE_ACTIVATIONS, LayerConfig, RECURRENT_ACTIVATIONS, type KerasDialect } from './attributes.js';
import { isRecord, layerEntry, type LayerEntry } from './model-config.js';

/** A built layer, the Keras names of its weights (in saved order), and the input features its config declares. */
export interface MappedLayer {
  layer: Layer;
  weightNames: string[];
}

export interface MappedEntry {
  /** undefined for InputLayer, which only gives the input size. */
  mapped?: MappedLayer;
  /** Features per step of the model's input, when this entry declares them. */
  inputSize?: number;
}

const RECURRENT = ['LSTM', 'GRU', 'SimpleRNN'];

/**
 * Whose semantics a config runs by: Keras's (a recurrent layer's zero_output_for_mask, which
 * Keras's Bidirectional forces on when it returns all steps) or TF.js's (which has no such option:
 * padded steps always carry the previous output).
 */
export type KerasRuntime = 'keras' | 'tfjs';

/** Map one entry; `where` names it ("model.json: layer 2 'lstm_1' (LSTM)"). */
export function mapLayer(entry: LayerEntry, dialect: KerasDialect, where: string, runtime: KerasRuntime = 'keras'): MappedEntry {
  const c = new LayerConfig(entry.config, entry.className, where);
  const inputSize = declaredInputSize(entry, c);
  let mapped: MappedLayer | undefined;
  switch (entry.className) {
    case 'InputLayer':
      c.get('name');
      break;
    case 'LSTM': case 'GRU': case 'SimpleRNN':
      mapped = recurrent(c, dialect, runtime);
      break;
    case 'Dense':
      mapped = dense(c, dialect, c.get('name'));
      break;
    case 'Bidirectional':
      mapped = bidirectional(c, dialect, runtime);
      break;
    case 'TimeDistributed': {
      // Dense already acts on every step of [B, T, F]: TimeDistributed(Dense) is that Dense, under the wrapper's name
      const inner = layerEntry(c.get('layer'), `${where}: its layer`);
      if (inner.className !== 'Dense') fail(`${where}: TimeDistributed(${inner.className}) is not supported; only TimeDistributed(Dense) loads`);
      const ic = new LayerConfig(inner.config, 'Dense', `${where} > Dense`);
      mapped = dense(ic, dialect, c.get('name'));
      ic.get('name');
      ic.rejectRest();
      break;
    }
    case 'Dropout': {
      const rate = c.get('rate');
      if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) fail(`${where}: rate must be a number in [0, 1), got ${show(rate)}`);
      const seed = c.get('seed');
      const o: { rate: number; seed?: number; name: string } = { rate, name: nameOf(c) };
      if (typeof seed === 'number' && Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32) o.seed = seed;
      mapped = { layer: new Dropout(o), weightNames: [] };
      break;
    }
    case 'RepeatVector':
      mapped = { layer: new RepeatVector({ n: c.count('n'), name: nameOf(c) }), weightNames: [] };
      break;
    case 'Masking': {
      // the mask then flows down the chain as Keras's does (HeapBatch.mask)
      const value = c.get('mask_value') ?? 0;
      if (typeof value !== 'number' || !Number.isFinite(value)) fail(`${where}: mask_value must be a finite number, got ${show(value)}`);
      mapped = { layer: new Masking({ maskValue: value, name: nameOf(c) }), weightNames: [] };
      break;
    }
    default:
      fail(`${where}: layer class ${show(entry.className)} is not supported; lstm-wasm loads InputLayer, LSTM, GRU, SimpleRNN, Dense, Bidirectional, TimeDistributed(Dense), Dropout, RepeatVector and Masking`);
  }
  try {
    c.rejectRest();
  } catch (e) {
    mapped?.layer.dispose();
    throw e;
  }
  return { mapped, inputSize };
}

function nameOf(c: LayerConfig): string {
  const n = c.get('name');
  if (typeof n !== 'string' || n.length === 0 || n.length > 256) fail(`${c.where}: name must be a non-empty string, got ${show(n)}`);
  return n;
}

/** The input features a layer declares: InputLayer's batch_shape (Keras 3) or batch_input_shape, else Keras 3's build_config. */
function declaredInputSize(entry: LayerEntry, c: LayerConfig): number | undefined {
  const shape = c.get('batch_shape') ?? c.get('batch_input_shape')
    ?? (isRecord(entry.raw.build_config) ? entry.raw.build_config.input_shape : undefined);
  if (shape === undefined || shape === null) return undefined;
  if (!Array.isArray(shape) || shape.length < 2 || shape.length > 3) fail(`${c.where}: input shape ${show(shape)} is not [batch, features] or [batch, time, features]`);
  const f = shape[shape.length - 1];
  if (typeof f !== 'number' || !Number.isInteger(f) || f < 1 || f > 2 ** 24) fail(`${c.where}: the input's feature count ${show(f)} is not a whole number from 1 to 16,777,216`);
  return f;
}

/** The options of a recurrent layer's config, read and checked (shared by Bidirectional's inner layers). */
function recurrentOptions(c: LayerConfig, dialect: KerasDialect): Record<string, unknown> {
  const cls = c.className;
  const o: Record<string, unknown> = { name: nameOf(c), units: c.count('units') };
  if (c.bool('return_sequences', false)) o.returnSequences = true;
  c.require('return_state', [false, null], 'the loaded layer returns its output only; states come from layer.forward');
  c.require('stateful', [false, null], 'carry state between calls with model.stream() instead');
  c.require('time_major', [false, null], 'lstm-wasm takes batch-first sequences');
  if (c.bool('go_backwards', false)) o.goBackwards = true;
  if (!c.bool('use_bias', true)) o.useBias = false;
  const activation = activationOf(c.get('activation') ?? 'tanh', RECURRENT_ACTIVATIONS, dialect, `${c.where}: activation`);
  if (activation !== 'tanh') o.activation = activation;
  if (cls !== 'SimpleRNN') {
    const gate = c.get('recurrent_activation');
    if (gate === undefined) fail(`${c.where}: recurrent_activation is missing (its default differs between Keras and TF.js)`);
    const ra = activationOf(gate, GATE_ACTIVATIONS, dialect, `${c.where}: recurrent_activation`);
    if (ra !== 'sigmoid') o.recurrentActivation = ra;
  }
  if (cls === 'LSTM' && !c.bool('unit_forget_bias', true)) o.unitForgetBias = false;
  // read in any case (it changes nothing without a mask); the caller decides whether it applies
  if (c.bool('zero_output_for_mask', false) && o.returnSequences) o.zeroOutputForMask = true;
  if (cls === 'GRU') {
    const ra = c.get('reset_after');
    if (typeof ra !== 'boolean') fail(`${c.where}: reset_after must be true or false, got ${show(ra)} (its default differs between Keras and TF.js)`);
    if (!ra) o.resetAfter = false;
  }
  return o;
}

function recurrentLayer(cls: string, o: Record<string, unknown>): RecurrentLayer {
  // the options beyond RecurrentOptions (activation, useBias, …) are the contract of issue 11's layers
  const options = o as unknown as RecurrentOptions;
  return cls === 'LSTM' ? new LSTM(options) : cls === 'GRU' ? new GRU(options) : new SimpleRNN(options);
}

function recurrentWeightNames(o: Record<string, unknown>, prefix = ''): string[] {
  const names = ['kernel', 'recurrent_kernel'];
  if (o.useBias !== false) names.push('bias');
  return names.map((n) => prefix + n);
}

function recurrent(c: LayerConfig, dialect: KerasDialect, runtime: KerasRuntime): MappedLayer {
  const o = recurrentOptions(c, dialect);
  if (runtime === 'tfjs') delete o.zeroOutputForMask; // TF.js has no zero_output_for_mask: it always carries
  return { layer: recurrentLayer(c.className, o), weightNames: recurrentWeightNames(o) };
}

function dense(c: LayerConfig, dialect: KerasDialect, name: unknown): MappedLayer {
  const o: Record<string, unknown> = { units: c.count('units') };
  if (typeof name !== 'string' || name.length === 0 || name.length > 256) fail(`${c.where}: name must be a non-empty string, got ${show(name)}`);
  o.name = name;
  const activation = activationOf(c.get('activation') ?? 'linear', DENSE_ACTIVATIONS, dialect, `${c.where}: activation`);
  if (activation !== 'linear') o.activation = activation;
  const useBias = c.bool('use_bias', true);
  if (!useBias) o.useBias = false;
  return { layer: new Dense(o as unknown as DenseOptions), weightNames: useBias ? ['kernel', 'bias'] : ['kernel'] };
}

/**
 * Bidirectional(layer): the forward layer's config gives the options; a
 * backward_layer (Keras 3 always writes one) must be its mirror, since
 * lstm-wasm's backward twin is built from the forward layer.
 */
function bidirectional(c: LayerConfig, dialect: KerasDialect, runtime: KerasRuntime): MappedLayer {
  const merge = c.get('merge_mode');
  if (merge === null) fail(`${c.where}: merge_mode null (two separate outputs) is not supported; use concat, sum, mul or ave`);
  const mergeMode = merge ?? 'concat';
  if (!['concat', 'sum', 'mul', 'ave'].includes(mergeMode as string)) fail(`${c.where}: merge_mode ${show(merge)} is not one of concat, sum, mul, ave`);
  const inner = layerEntry(c.get('layer'), `${c.where}: its layer`);
  if (!RECURRENT.includes(inner.className)) fail(`${c.where}: Bidirectional(${inner.className}) is not supported; it wraps LSTM, GRU or SimpleRNN`);
  const ic = new LayerConfig(inner.config, inner.className, `${c.where} > ${inner.className}`);
  const o = recurrentOptions(ic, dialect);
  ic.rejectRest();
  if (o.goBackwards) fail(`${ic.where}: go_backwards true inside Bidirectional is not supported`);
  const back = c.get('backward_layer');
  if (back !== undefined && back !== null) {
    const be = layerEntry(back, `${c.where}: its backward_layer`);
    const bc = new LayerConfig(be.config, be.className, `${c.where} > backward ${be.className}`);
    const bo = be.className === inner.className ? recurrentOptions(bc, dialect) : fail(`${bc.where}: the backward layer is a ${be.className} but the forward one a ${inner.className}`);
    bc.rejectRest();
    const same = (k: string) => k === 'name' || k === 'goBackwards' || k === 'zeroOutputForMask' || bo[k] === o[k];
    const differs = [...new Set([...Object.keys(o), ...Object.keys(bo)])].filter((k) => !same(k));
    if (differs.length) fail(`${bc.where}: differs from the forward layer in ${differs.join(', ')}; lstm-wasm's backward direction mirrors the forward layer`);
    if (bo.goBackwards !== true) fail(`${bc.where}: go_backwards must be true for the backward layer of a Bidirectional`);
  }
  // Keras's Bidirectional sets zero_output_for_mask = return_sequences on both its layers, whatever
  // their configs say; TF.js's does not (its padded steps carry the previous output)
  delete o.zeroOutputForMask;
  if (runtime === 'keras' && o.returnSequences) o.zeroOutputForMask = true;
  const forward = recurrentLayer(inner.className, o);
  const options: Record<string, unknown> = { name: nameOf(c) };
  if (mergeMode !== 'concat') options.mergeMode = mergeMode;
  let layer: Bidirectional;
  try {
    layer = new Bidirectional(forward, options as BidirectionalOptions);
  } catch (e) {
    forward.dispose();
    throw e;
  }
  return { layer, weightNames: [...recurrentWeightNames(o, 'forward/'), ...recurrentWeightNames(o, 'backward/')] };
}
