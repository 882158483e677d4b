/**
 * loadOnnx: an ONNX model (what torch.onnx.export writes for nn.LSTM /
 * nn.GRU / nn.RNN and nn.Linear, or a graph of the ONNX LSTM / GRU / RNN
 * operators) as a Sequential with its weights set. The bytes are decoded
 * (proto.ts), the graph is read into layer specs (graph.ts), and only then
 * are layers made: a failure after that disposes what was built.
 */
import { fail } from '../../errors.js';
import { Bidirectional } from '../../layers/bidirectional.js';
import { Dense } from '../../layers/dense.js';
import { GRU } from '../../layers/gru.js';
import type { Layer, Weights } from '../../layers/layer.js';
import { LSTM } from '../../layers/lstm.js';
import { RepeatVector } from '../../layers/repeat-vector.js';
import type { RecurrentLayer } from '../../layers/recurrent.js';
import { SimpleRNN } from '../../layers/simple-rnn.js';
import { Sequential } from '../../model/sequential.js';
import { interpretGraph, type LayerSpec, type RecurrentSpec } from './graph.js';
import { decodeModel } from './proto.js';

/**
 * A Sequential from the bytes of an ONNX model. It takes [batch, time,
 * features] whatever the graph's layout (a time-major graph's output comes
 * back batch-first too).
 */
export function loadOnnx(bytes: Uint8Array | ArrayBuffer): Sequential {
  if (!(bytes instanceof Uint8Array) && !(bytes instanceof ArrayBuffer)) fail('loadOnnx: expects the bytes of an .onnx file (a Uint8Array or ArrayBuffer)');
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const specs = interpretGraph(decodeModel(u8));
  const layers: Layer[] = [];
  try {
    for (const s of specs) layers.push(build(s, layers.length === 0));
    return new Sequential(layers, { name: 'onnx' });
  } catch (e) {
    for (const l of layers) l.dispose();
    throw e;
  }
}

/** One layer from its spec, weights set. The first layer is given its input size (the others take theirs from the layer before, checked by Sequential). */
function build(s: LayerSpec, first: boolean): Layer {
  const inputSize = first ? { inputSize: s.inputSize } : {};
  if (s.kind === 'RepeatVector') return new RepeatVector({ ...inputSize, n: s.n });
  if (s.kind === 'Dense') {
    // no bias in the graph: Dense useBias false (only then given, so a graph with biases needs no newer option)
    const d = new Dense({ ...inputSize, units: s.units, activation: s.activation, ...(s.bias ? {} : { useBias: false }) } as never);
    try {
      const weights: Weights = { weight: { shape: [s.units, s.inputSize], data: s.weight } };
      if (s.bias) weights.bias = { shape: [s.units], data: s.bias };
      d.setWeights(weights, { from: 'torch' });
    } catch (e) {
      d.dispose();
      throw e;
    }
    return d;
  }
  const cell = recurrent(s, { ...inputSize, units: s.units, returnSequences: s.returnSequences, ...s.options });
  const layer: Layer = s.direction === 'bidirectional' ? wrap(cell, s.mergeMode) : cell;
  try {
    layer.setWeights(s.weights, { from: 'torch' });
  } catch (e) {
    layer.dispose();
    throw e;
  }
  return layer;
}

function wrap(cell: RecurrentLayer, mergeMode: RecurrentSpec['mergeMode']): Bidirectional {
  try {
    return new Bidirectional(cell, mergeMode ? { mergeMode } : undefined);
  } catch (e) {
    cell.dispose();
    throw e;
  }
}

function recurrent(s: RecurrentSpec, options: Record<string, unknown>): RecurrentLayer {
  // the options beyond units come from the contract of the cells (activation, recurrentActivation, resetAfter, goBackwards)
  const o = options as never;
  if (s.kind === 'LSTM') return new LSTM(o);
  if (s.kind === 'GRU') return new GRU(o);
  return new SimpleRNN(o);
}
