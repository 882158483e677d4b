/**
 * toOnnx: a Sequential as an ONNX model (opset 14): one ONNX LSTM / GRU /
 * RNN node per recurrent layer (direction bidirectional for a
 * Bidirectional, its directions merged by Transpose + Reshape for concat,
 * ReduceSum / ReduceProd / ReduceMean for sum / mul / ave), Gemm (on
 * [batch, features]) or MatMul + Add (on every step) for a Dense, then its
 * activation; Unsqueeze + Expand for a RepeatVector; nothing for a Dropout. The input is [batch, time,
 * features] with a symbolic batch and time; the recurrent nodes run with
 * ONNX's default layout (time first, the one ONNX Runtime implements), so
 * Transposes put the axes where each node wants them.
 */
import { fail } from '../../errors.js';
import type { Layer } from '../../layers/layer.js';
import type { RecurrentLayer } from '../../layers/recurrent.js';
import type { SequentialCore } from '../../model/core.js';
import { Writer } from '../protobuf.js';
import { encodeNode, encodeTensor, encodeValueInfo, type AttrValue } from './proto.js';

const OPSET = 14;
const IR_VERSION = 7;

/** ONNX's name (and alpha, beta) for each activation of the cells' contract. */
const ONNX_ACTIVATION: Record<string, { name: string; alpha?: number; beta?: number }> = {
  sigmoid: { name: 'Sigmoid' },
  tanh: { name: 'Tanh' },
  relu: { name: 'Relu' },
  linear: { name: 'Affine', alpha: 1, beta: 0 },
  hard_sigmoid: { name: 'HardSigmoid', alpha: 0.2, beta: 0.5 },
  hard_sigmoid_relu6: { name: 'HardSigmoid', alpha: 1 / 6, beta: 0.5 },
};

/** Dense activations as ONNX ops. */
const DENSE_OP: Record<string, string | undefined> = { linear: undefined, relu: 'Relu', sigmoid: 'Sigmoid', tanh: 'Tanh', softmax: 'Softmax' };

/**
 * A Bidirectional's merge as an ONNX reduction over the directions axis of Y [T, 2, B, H] or
 * Y_h [2, B, H] (concat: the directions side by side, by Transpose + Reshape instead).
 */
const MERGE_OP: Record<string, string | undefined> = { concat: undefined, sum: 'ReduceSum', mul: 'ReduceProd', ave: 'ReduceMean' };

/** Where the data is between nodes: its tensor's name and its axes. */
interface Flow {
  name: string;
  axes: 'BTF' | 'TBF' | 'BF';
  features: number;
}

class GraphWriter {
  nodes: Writer[] = [];
  initializers: Writer[] = [];
  private count = 0;

  /** A fresh tensor name. */
  fresh(base: string): string {
    return `${base}_${this.count++}`;
  }

  node(opType: string, input: string[], attributes?: Record<string, AttrValue>, outputs = 1): string[] {
    const output = Array.from({ length: outputs }, () => this.fresh(opType.toLowerCase()));
    this.nodes.push(encodeNode({ opType, name: this.fresh(`${opType}_node`), input, output, attributes }));
    return output;
  }

  floats(base: string, dims: number[], data: Float32Array): string {
    const name = this.fresh(base);
    this.initializers.push(encodeTensor({ name, dims, data }));
    return name;
  }

  ints(base: string, values: number[]): string {
    const name = this.fresh(base);
    this.initializers.push(encodeTensor({ name, dims: [values.length], ints: values }));
    return name;
  }
}

/** The model as the bytes of an .onnx file whose output equals `model.predict`. */
export function toOnnx(model: SequentialCore): Uint8Array {
  model.assertLive();
  const first = model.layers[0];
  const F = first.inputSize ?? fail(`${model.name}.toOnnx: the input size is unknown; give the first layer an inputSize or run the model once`);
  const g = new GraphWriter();
  let flow: Flow = { name: 'input', axes: 'BTF', features: F };
  model.layers.forEach((layer, i) => {
    flow = writeLayer(g, layer, flow, `${model.name}.toOnnx: layer ${i} (${layer.name}, ${layer.className})`);
  });
  if (flow.axes === 'TBF') flow = { ...flow, name: g.node('Transpose', [flow.name], { perm: [1, 0, 2] })[0], axes: 'BTF' };
  const outName = 'output';
  g.nodes.push(encodeNode({ opType: 'Identity', name: 'output_node', input: [flow.name], output: [outName] }));

  const graph = new Writer();
  for (const n of g.nodes) graph.message(1, n);
  graph.string(2, model.name);
  for (const t of g.initializers) graph.message(5, t);
  graph.message(11, encodeValueInfo('input', ['batch', 'time', F]));
  graph.message(12, encodeValueInfo(outName, flow.axes === 'BF' ? ['batch', flow.features] : ['batch', 'time', flow.features]));
  return new Writer()
    .int(1, IR_VERSION)
    .string(2, 'lstm-wasm')
    .message(7, graph)
    .message(8, new Writer().string(1, '').int(2, OPSET))
    .finish();
}

function writeLayer(g: GraphWriter, layer: Layer, flow: Flow, where: string): Flow {
  switch (layer.className) {
    case 'LSTM': case 'GRU': case 'SimpleRNN':
      return writeRecurrent(g, [layer as RecurrentLayer], flow, where);
    case 'Bidirectional': {
      const b = layer as unknown as { forwardLayer: RecurrentLayer; backwardLayer: RecurrentLayer; merge?: string; mergeMode?: string };
      const merge = b.mergeMode ?? b.merge ?? 'concat';
      if (!(merge in MERGE_OP)) fail(`${where}: merge mode ${merge} has no ONNX form here`);
      return writeRecurrent(g, [b.forwardLayer, b.backwardLayer], flow, where, merge);
    }
    case 'Dense':
      return writeDense(g, layer, flow, where);
    case 'Dropout':
      return flow; // the identity at inference
    case 'RepeatVector':
      return writeRepeat(g, (layer as unknown as { n: number }).n, flow, where);
    default:
      return fail(`${where}: ${layer.className} has no ONNX form in lstm-wasm yet`);
  }
}

/** Options of the cells' contract, from the layer's config (which keeps those that differ from the defaults). */
function cellOptions(l: RecurrentLayer): { activation: string; recurrentActivation: string; resetAfter: boolean; goBackwards: boolean; useBias: boolean } {
  const c = l.config();
  return {
    activation: (c.activation as string | undefined) ?? 'tanh',
    recurrentActivation: (c.recurrentActivation as string | undefined) ?? 'sigmoid',
    resetAfter: (c.resetAfter as boolean | undefined) ?? true,
    goBackwards: (c.goBackwards as boolean | undefined) ?? false,
    useBias: (c.useBias as boolean | undefined) ?? true,
  };
}

function writeRecurrent(g: GraphWriter, dirs: RecurrentLayer[], flow: Flow, where: string, merge = 'concat'): Flow {
  const l = dirs[0], kind = l.className, H = l.units, I = flow.features, D = dirs.length;
  const opts = cellOptions(l);
  if (flow.axes === 'BF') fail(`${where}: needs a time axis`);
  if (opts.goBackwards && (D === 2 || l.returnSequences)) fail(`${where}: goBackwards with ${D === 2 ? 'Bidirectional' : 'returnSequences'} has no ONNX form here (ONNX's reverse direction writes its steps at their original positions)`);
  const G = kind === 'LSTM' ? 4 : kind === 'GRU' ? 3 : 1;
  const order = kind === 'LSTM' ? [0, 3, 1, 2] : kind === 'GRU' ? [1, 0, 2] : [0]; // ONNX's gate blocks as torch block indices (LSTM i,o,f,c; GRU z,r,h)
  const W = new Float32Array(D * G * H * I), R = new Float32Array(D * G * H * H), B = new Float32Array(D * 2 * G * H);
  dirs.forEach((d, k) => {
    const w = d.getWeights({ to: 'torch', suffix: '' });
    putBlocks(W, k * G * H * I, w.weight_ih.data, H * I, order);
    putBlocks(R, k * G * H * H, w.weight_hh.data, H * H, order);
    if (w.bias_ih) putBlocks(B, k * 2 * G * H, w.bias_ih.data, H, order);
    if (w.bias_hh) putBlocks(B, k * 2 * G * H + G * H, w.bias_hh.data, H, order);
  });
  const attributes: Record<string, AttrValue> = { hidden_size: H };
  if (D === 2) attributes.direction = 'bidirectional';
  else if (opts.goBackwards) attributes.direction = 'reverse';
  if (kind === 'GRU') attributes.linear_before_reset = opts.resetAfter ? 1 : 0;
  const fns = kind === 'LSTM' ? [opts.recurrentActivation, opts.activation, opts.activation] : kind === 'GRU' ? [opts.recurrentActivation, opts.activation] : [opts.activation];
  const defaults = kind === 'LSTM' ? 'sigmoid,tanh,tanh' : kind === 'GRU' ? 'sigmoid,tanh' : 'tanh';
  if (fns.join() !== defaults) {
    const all = Array.from({ length: D }, () => fns).flat().map((f) => ONNX_ACTIVATION[f] ?? fail(`${where}: activation ${f} has no ONNX form`));
    attributes.activations = all.map((a) => a.name);
    const alpha = all.filter((a) => a.alpha !== undefined).map((a) => a.alpha!), beta = all.filter((a) => a.beta !== undefined).map((a) => a.beta!);
    if (alpha.length) {
      attributes.activation_alpha = { floats: alpha };
      attributes.activation_beta = { floats: beta };
    }
  }
  const x = flow.axes === 'TBF' ? flow.name : g.node('Transpose', [flow.name], { perm: [1, 0, 2] })[0];
  const op = kind === 'SimpleRNN' ? 'RNN' : kind;
  const inputs = [x, g.floats('W', [D, G * H, I], W), g.floats('R', [D, G * H, H], R)];
  if (opts.useBias) inputs.push(g.floats('B', [D, 2 * G * H], B)); // without B, ONNX's biases are zero
  const init = l.initialState;
  if (init) {
    // [D, 1, H] expanded to [D, batch, H] (ONNX Runtime wants the run's batch): the same row for every sequence
    while (inputs.length < 4) inputs.push('');
    const shape = g.node('Concat', [g.ints('dirs', [D]), g.node('Gather', [g.node('Shape', [x])[0], g.ints('batch_axis', [1])])[0], g.ints('units', [H])], { axis: 0 })[0];
    const rows = (v: Float32Array | undefined) => {
      const data = new Float32Array(D * H);
      if (v) for (let d = 0; d < D; d++) data.set(v, d * H);
      return g.node('Expand', [g.floats('initial', [D, 1, H], data), shape])[0];
    };
    inputs.push('', rows(init.h)); // sequence_lens: none
    if (kind === 'LSTM' && init.c) inputs.push(rows(init.c));
  }
  const [y, yh] = g.node(op, inputs, attributes, 2);
  const reduce = MERGE_OP[merge];
  if (reduce) {
    // the directions axis reduced away: Y [T, 2, B, H] → [T, B, H], Y_h [2, B, H] → [B, H]
    const axis = l.returnSequences ? 1 : 0;
    const from = l.returnSequences ? y : yh;
    // opset 14: ReduceSum takes its axes as an input, ReduceProd and ReduceMean as an attribute
    const merged = reduce === 'ReduceSum'
      ? g.node(reduce, [from, g.ints('axes', [axis])], { keepdims: 0 })[0]
      : g.node(reduce, [from], { axes: [axis], keepdims: 0 })[0];
    return l.returnSequences ? { name: merged, axes: 'TBF', features: H } : { name: merged, axes: 'BF', features: H };
  }
  if (l.returnSequences) {
    // Y [T, D, B, H] → [T, B, D, H] → [T, B, D·H]: the directions side by side, forward first (concat)
    const t = g.node('Transpose', [y], { perm: [0, 2, 1, 3] })[0];
    return { name: g.node('Reshape', [t, g.ints('shape', [0, 0, -1])])[0], axes: 'TBF', features: D * H };
  }
  // Y_h [D, B, H] → [B, D, H] → [B, D·H]
  const t = g.node('Transpose', [yh], { perm: [1, 0, 2] })[0];
  return { name: g.node('Reshape', [t, g.ints('shape', [0, -1])])[0], axes: 'BF', features: D * H };
}

/** RepeatVector: [B, F] → Unsqueeze → [B, 1, F] → Expand to [B, n, F] (broadcast over the new axis). */
function writeRepeat(g: GraphWriter, n: number, flow: Flow, where: string): Flow {
  if (flow.axes !== 'BF') fail(`${where}: needs input [batch, features]`);
  const one = g.node('Unsqueeze', [flow.name, g.ints('axes', [1])])[0];
  return { name: g.node('Expand', [one, g.ints('shape', [1, n, 1])])[0], axes: 'BTF', features: flow.features };
}

function writeDense(g: GraphWriter, layer: Layer, flow: Flow, where: string): Flow {
  const d = layer as unknown as { units: number; activation: string };
  const N = d.units, K = flow.features;
  const w = layer.getWeights({ to: 'torch' }) as Record<string, { data: Float32Array }>;
  const bias = w.bias?.data; // none with useBias false: Gemm without C, MatMul without Add
  let y: string;
  if (flow.axes === 'BF') {
    const inputs = [flow.name, g.floats('weight', [N, K], w.weight.data)];
    if (bias) inputs.push(g.floats('bias', [N], bias));
    y = g.node('Gemm', inputs, { transB: 1 })[0];
  } else {
    const wt = new Float32Array(K * N);
    for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) wt[k * N + n] = w.weight.data[n * K + k];
    y = g.node('MatMul', [flow.name, g.floats('weight', [K, N], wt)])[0];
    if (bias) y = g.node('Add', [y, g.floats('bias', [N], bias)])[0];
  }
  if (!(d.activation in DENSE_OP)) fail(`${where}: activation ${d.activation} has no ONNX form here`);
  const op = DENSE_OP[d.activation];
  if (op) y = g.node(op, [y], op === 'Softmax' ? { axis: -1 } : undefined)[0];
  return { name: y, axes: flow.axes, features: N };
}

/** Copy the G blocks of `src` (torch order) into `dst` at `offset` in ONNX order. */
function putBlocks(dst: Float32Array, offset: number, src: Float32Array, block: number, order: readonly number[]): void {
  order.forEach((t, k) => dst.set(src.subarray(t * block, (t + 1) * block), offset + k * block));
}
