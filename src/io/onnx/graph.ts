/**
 * Reads a stack of layers out of an ONNX graph. The graph is walked node
 * by node (ONNX stores nodes in an order where inputs come first) and each
 * value is followed symbolically, never computed on data:
 *   - the data: the graph input and what the layers make of it, as a list
 *     of axes (batch, time, directions, features) and where it came from;
 *   - constants: initializers, Constant nodes, and the small shape vectors
 *     torch builds from Shape(x) to size its zero initial states (a
 *     dimension not known until run time is a symbol, such as the batch);
 *   - zeros of a shape known only at run time (ConstantOfShape, Expand).
 * An LSTM/GRU/RNN node becomes a recurrent layer, Gemm or MatMul+Add on the
 * data a Dense, an activation after a Dense that Dense's activation; the
 * Transposes, Squeezes and Reshapes between them only move axes, and each
 * is checked to do what our layers do (for example, a bidirectional
 * output's directions merged feature-wise, forward first, = concat).
 * Anything else is an error naming the op, the node and its position.
 */
import { fail, show } from '../../errors.js';
import type { Weights } from '../../layers/layer.js';
import { DataType, type OnnxAttribute, type OnnxModel, type OnnxNode, type OnnxTensor } from './proto.js';

export type RecurrentKind = 'LSTM' | 'GRU' | 'SimpleRNN';

export interface RecurrentSpec {
  kind: RecurrentKind;
  units: number;
  inputSize: number;
  direction: 'forward' | 'reverse' | 'bidirectional';
  /** Options beyond units/inputSize/returnSequences, only those that differ from the layer's defaults. */
  options: Record<string, unknown>;
  returnSequences: boolean;
  /** PyTorch-named weights (weight_ih_l0, …; with _l0_reverse for the backward direction). */
  weights: Weights;
  /** A bidirectional node's directions reduced (ReduceSum / ReduceProd / ReduceMean) instead of concatenated. */
  mergeMode?: 'sum' | 'mul' | 'ave';
  where: string;
}

/** Unsqueeze + Expand of [batch, features] to [batch, n, features]: a RepeatVector. */
export interface RepeatSpec {
  kind: 'RepeatVector';
  n: number;
  inputSize: number;
  where: string;
}

export interface DenseSpec {
  kind: 'Dense';
  units: number;
  inputSize: number;
  activation: 'linear' | 'sigmoid' | 'relu' | 'tanh' | 'softmax';
  /** [units, inputSize] (PyTorch's layout). */
  weight: Float32Array;
  /** undefined: no bias (a Gemm without C, a MatMul without Add): Dense useBias false. */
  bias: Float32Array | undefined;
  where: string;
}

export type LayerSpec = RecurrentSpec | DenseSpec | RepeatSpec;

/** Bidirectional merge modes by the reduction over the directions axis that gives them. */
const MERGE_BY_REDUCE: Record<string, 'sum' | 'mul' | 'ave'> = { ReduceSum: 'sum', ReduceProd: 'mul', ReduceMean: 'ave' };

/** One axis of the data. `label` names it: 'in0'/'in1' (the input's first two axes, until a layer says which is batch and which time), 'B', 'T', 'D' (directions), 'F' (features), '1' (an axis of size 1 an Unsqueeze added, for an Expand to repeat). */
interface Axis {
  label: string;
  size?: number;
}

interface Data {
  kind: 'data';
  axes: Axis[];
  /** How many layers existed when it was made: a layer may only take the newest data. */
  layers: number;
  /** Set on an RNN's Y (its steps) and what is derived from it: its direction. */
  steps?: 'forward' | 'reverse' | 'bidirectional';
  /** The Dense this data is the output of, while a bias or activation may still be folded into it. */
  dense?: { index: number; needsBias: boolean };
}

/** A constant: float data, or integers and symbols (a dimension known at run time, by its axis label). */
interface Const {
  kind: 'const';
  dims: number[];
  data: Float32Array | (number | string)[];
}

interface Zeros {
  kind: 'zeros';
}

/** torch's h_n of stacked layers: their final states Y_h side by side on the directions axis (h_n[-1] picks the last). */
interface Stack {
  kind: 'stack';
  axis: number;
  parts: Data[];
}

interface Unusable {
  kind: 'unusable';
  why: string;
}

/** The graph's sequence_lens input: one length per sequence, given at run time (predict's `lengths`). */
interface Lengths {
  kind: 'lengths';
  name: string;
}

type Value = Data | Const | Zeros | Stack | Unusable | Lengths;

const MAX_NODES = 100_000;

/** The layers an ONNX model's graph computes, in order, with their weights. */
export function interpretGraph(model: OnnxModel): LayerSpec[] {
  return new Interpreter(model).run();
}

class Interpreter {
  private values = new Map<string, Value>();
  private layers: LayerSpec[] = [];
  /** What 'in0' and 'in1' turned out to be. */
  private inputAxes = new Map<string, 'B' | 'T'>();
  private opset: number;
  /** The graph input that gives sequence_lens, if any, and the recurrent nodes that read it. */
  private lengths: { name: string; readers: number } | undefined;

  constructor(private model: OnnxModel) {
    const main = model.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx');
    if (!main) fail('ONNX model: no opset_import for the default domain');
    this.opset = main.version;
    if (this.opset < 7) fail(`ONNX model: opset ${this.opset} is older than lstm-wasm reads (7 and later)`);
  }

  run(): LayerSpec[] {
    const g = this.model.graph;
    if (g.node.length > MAX_NODES) fail(`ONNX graph: ${g.node.length} nodes, more than the ${MAX_NODES} read`);
    for (const t of g.initializer) this.values.set(t.name, constOf(t, `initializer ${show(t.name)}`));
    let inputs = g.input.filter((i) => !this.values.has(i.name));
    // a second input of integers [batch]: the recurrent nodes' sequence_lens, predict's `lengths`
    const lens = inputs.length === 2 ? inputs.find((i) => (i.elemType === DataType.INT32 || i.elemType === DataType.INT64) && i.shape?.length === 1) : undefined;
    if (lens) {
      this.lengths = { name: lens.name, readers: 0 };
      this.values.set(lens.name, { kind: 'lengths', name: lens.name });
      inputs = inputs.filter((i) => i !== lens);
    }
    if (inputs.length !== 1) {
      fail(`ONNX graph: lstm-wasm models take one input [batch, time, features] (and sequence_lens [batch], integers), this graph has ${g.input.length - g.initializer.length} (${inputs.map((i) => show(i.name)).join(', ')}); initial states as graph inputs are not supported yet`);
    }
    const x = inputs[0];
    if (x.elemType !== DataType.FLOAT) fail(`ONNX graph input ${show(x.name)}: element type ${x.elemType}, not float32`);
    if (!x.shape || x.shape.length !== 3) fail(`ONNX graph input ${show(x.name)}: needs a rank-3 shape [batch, time, features] (or [time, batch, features]), got ${x.shape ? `rank ${x.shape.length}` : 'none'}`);
    const F = x.shape[2];
    if (typeof F !== 'number' || F < 1) fail(`ONNX graph input ${show(x.name)}: its feature dimension must be a fixed number, got ${show(F)}`);
    const size = (d: unknown) => (typeof d === 'number' ? d : undefined);
    this.values.set(x.name, { kind: 'data', axes: [{ label: 'in0', size: size(x.shape[0]) }, { label: 'in1', size: size(x.shape[1]) }, { label: 'F', size: F }], layers: 0 });

    g.node.forEach((node, i) => this.step(node, i));
    // with sequence_lens, every recurrence skips the padding: a layer reading past the lengths would not match ours
    const recurrences = this.layers.filter((l) => l.kind !== 'Dense' && l.kind !== 'RepeatVector').length;
    if (this.lengths && this.lengths.readers !== recurrences) {
      fail(`ONNX graph: input ${show(this.lengths.name)} (sequence_lens) feeds ${this.lengths.readers} of the ${recurrences} recurrent nodes; lstm-wasm applies the lengths to every recurrent layer, so each must take it`);
    }

    if (g.output.length !== 1) fail(`ONNX graph: lstm-wasm models have one output, this graph has ${g.output.length}`);
    const out = this.values.get(g.output[0].name);
    if (!out) fail(`ONNX graph output ${show(g.output[0].name)} is made by no node`);
    const where = `graph output ${show(g.output[0].name)}`;
    const data = this.data(out, where);
    this.take(data, where);
    // no recurrent layer said which input axis is which (a stack of Dense layers): batch first, as our models take it
    if (!this.inputAxes.has('in0')) this.inputAxes.set('in0', 'B').set('in1', 'T');
    const kinds = data.axes.map((a) => this.kind(a));
    const ok = kinds.join() === 'B,F' || kinds.join() === 'B,T,F' || kinds.join() === 'T,B,F';
    if (!ok) fail(`${where}: has axes [${kinds}]; lstm-wasm outputs [batch, features] or [batch, time, features]`);
    if (this.layers.length === 0) fail('ONNX graph: computes no LSTM, GRU, RNN or Dense layer');
    return this.layers;
  }

  /** The axis's meaning: an input axis once a layer has said what it is (batch first until then). */
  private kind(a: Axis): string {
    if (a.label === 'in0') return this.inputAxes.get('in0') ?? 'in0';
    if (a.label === 'in1') return this.inputAxes.get('in1') ?? 'in1';
    return a.label;
  }

  private step(node: OnnxNode, index: number): void {
    const where = `node ${index} (${plain(node.opType)}${node.name ? ` ${show(node.name)}` : ''})`;
    if (node.domain !== '' && node.domain !== 'ai.onnx') fail(`ONNX ${where}: op domain ${show(node.domain)} is not supported (only the default ONNX domain)`);
    const inputs = node.input.map((name) => {
      if (name === '') return undefined;
      const v = this.values.get(name);
      if (!v) fail(`ONNX ${where}: input ${show(name)} is not an initializer, a graph input or an output of an earlier node`);
      return v;
    });
    const outs = this.apply(node, inputs, where);
    node.output.forEach((name, k) => {
      if (name !== '') this.values.set(name, outs[k] ?? { kind: 'unusable', why: `${where} has no output ${k} lstm-wasm can use` });
    });
  }

  private apply(node: OnnxNode, ins: (Value | undefined)[], where: string): Value[] {
    const attrs = new Attributes(node, where);
    const op = node.opType;
    switch (op) {
      case 'LSTM': case 'GRU': case 'RNN': return this.recurrent(node, ins, attrs, where);
      case 'Gemm': return [this.gemm(ins, attrs, where)];
      case 'MatMul': return [this.matmul(ins, where)];
      case 'Add': return [this.add(ins, where)];
      case 'Sigmoid': case 'Relu': case 'Tanh': case 'Softmax': return [this.activation(op, ins[0], attrs, where)];
      case 'Constant': return [this.constant(attrs, where)];
      case 'Identity': attrs.done(); return [this.need(ins[0], where, 'input')];
      case 'Cast': return [this.cast(ins[0], attrs, where)];
      case 'Shape': return [this.shape(ins[0], attrs, where)];
      case 'Gather': return [this.gather(ins, attrs, where)];
      case 'Unsqueeze': return [this.unsqueeze(ins, attrs, where)];
      case 'Squeeze': return [this.squeeze(ins, attrs, where)];
      case 'Concat': return [this.concat(ins, attrs, where)];
      case 'ConstantOfShape': return [this.constantOfShape(ins[0], attrs, where)];
      case 'Expand': attrs.done(); return [ins[0]?.kind === 'data' ? this.expand(ins[0], ins[1], where) : this.isZero(ins[0]) ? { kind: 'zeros' } : this.broadcastRows(ins[0], where)];
      case 'ReduceSum': case 'ReduceProd': case 'ReduceMean': return [this.merge(op, ins, attrs, where)];
      case 'Slice': return [this.slice(ins, attrs, where)];
      case 'Transpose': return [this.transpose(ins[0], attrs, where)];
      case 'Reshape': return [this.reshape(ins, attrs, where)];
      default:
        return fail(`ONNX ${where}: op ${plain(op)} is not supported; lstm-wasm reads LSTM, GRU, RNN, Gemm, MatMul, Add, Sigmoid, Relu, Tanh, Softmax, ReduceSum/ReduceProd/ReduceMean (a Bidirectional's merge), Unsqueeze + Expand (a RepeatVector) and the shape ops torch.onnx.export writes around them`);
    }
  }

  // ---- layers ----------------------------------------------------------------------------------

  private recurrent(node: OnnxNode, ins: (Value | undefined)[], a: Attributes, where: string): Value[] {
    const kind: RecurrentKind = node.opType === 'RNN' ? 'SimpleRNN' : (node.opType as RecurrentKind);
    const G = kind === 'LSTM' ? 4 : kind === 'GRU' ? 3 : 1;
    const direction = a.string('direction', 'forward');
    if (direction !== 'forward' && direction !== 'reverse' && direction !== 'bidirectional') fail(`ONNX ${where}: direction ${show(direction)} is not forward, reverse or bidirectional`);
    const D = direction === 'bidirectional' ? 2 : 1;
    const layout = a.int('layout', 0);
    if (layout !== 0 && layout !== 1) fail(`ONNX ${where}: layout ${layout} is not 0 or 1`);
    if (a.has('clip')) fail(`ONNX ${where}: attribute clip (cell clipping) is not supported`);
    if (kind === 'LSTM' && a.int('input_forget', 0) !== 0) fail(`ONNX ${where}: input_forget = 1 (coupled input and forget gates) is not supported`);
    const resetAfter = kind === 'GRU' ? a.int('linear_before_reset', 0) !== 0 : true;
    const activations = this.activations(kind, D, a, where);
    const hidden = a.int('hidden_size', 0);
    a.done();

    const x = this.data(this.need(ins[0], where, 'X'), `${where} input X`);
    const w = this.constant3(ins[1], where, 'W'), r = this.constant3(ins[2], where, 'R');
    const H = r.dims[2], I = w.dims[2];
    if (hidden !== 0 && hidden !== H) fail(`ONNX ${where}: hidden_size ${hidden} but R has shape [${r.dims}]`);
    if (H < 1 || I < 1) fail(`ONNX ${where}: empty weights W [${w.dims}], R [${r.dims}]`);
    if (w.dims[0] !== D || w.dims[1] !== G * H) fail(`ONNX ${where}: W has shape [${w.dims}], expected [${D}, ${G * H}, input size] for ${D} direction(s) of ${G} gate(s) of ${H} units`);
    if (r.dims[0] !== D || r.dims[1] !== G * H) fail(`ONNX ${where}: R has shape [${r.dims}], expected [${D}, ${G * H}, ${H}]`);
    let b: Float32Array | undefined;
    if (ins[3]) {
      const bc = this.floatConst(ins[3], where, 'B');
      if (bc.dims.join() !== [D, 2 * G * H].join()) fail(`ONNX ${where}: B has shape [${bc.dims}], expected [${D}, ${2 * G * H}]`);
      b = bc.data;
    }
    // sequence_lens: the graph input of the lengths (predict's `lengths`); past each length ONNX's Y is 0
    let zeroOutputForMask = false;
    if (ins[4]) {
      if (ins[4].kind !== 'lengths') fail(`ONNX ${where}: input sequence_lens must be the graph's input of lengths [batch] (given at run time as predict's lengths), not ${ins[4].kind === 'const' ? 'a constant' : 'a computed value'}`);
      this.lengths!.readers++;
      zeroOutputForMask = true;
    }
    const h0 = this.initialState(ins[5], D, H, where, 'initial_h');
    const c0 = kind === 'LSTM' ? this.initialState(ins[6], D, H, where, 'initial_c') : undefined;
    if (kind === 'LSTM' && ins[7] && !this.isZero(ins[7])) fail(`ONNX ${where}: input P (peephole weights) is not zero; peephole LSTMs are not supported`);

    // the input's axes say which is batch and which time
    const [tAxis, bAxis] = layout === 0 ? [0, 1] : [1, 0];
    if (x.axes.length !== 3 || x.steps === 'reverse') this.badInput(x, where);
    this.resolve(x.axes[tAxis], 'T', where);
    this.resolve(x.axes[bAxis], 'B', where);
    if (this.kind(x.axes[2]) !== 'F') this.badInput(x, where);
    if (x.axes[2].size !== undefined && x.axes[2].size !== I) fail(`ONNX ${where}: X has ${x.axes[2].size} features but W takes ${I}`);
    this.take(x, where);

    const order = kind === 'LSTM' ? [0, 2, 3, 1] : kind === 'GRU' ? [1, 0, 2] : [0]; // torch's gate blocks, as ONNX block indices (LSTM i,o,f,c → i,f,c,o; GRU z,r,h → r,z,h)
    const weights: Weights = {};
    for (let d = 0; d < D; d++) {
      const suffix = d === 0 ? '_l0' : '_l0_reverse';
      weights[`weight_ih${suffix}`] = { shape: [G * H, I], data: reorder(w.data as Float32Array, d * G * H * I, H * I, order) };
      weights[`weight_hh${suffix}`] = { shape: [G * H, H], data: reorder(r.data as Float32Array, d * G * H * H, H * H, order) };
      if (b) {
        weights[`bias_ih${suffix}`] = { shape: [G * H], data: reorder(b, d * 2 * G * H, H, order) };
        weights[`bias_hh${suffix}`] = { shape: [G * H], data: reorder(b, d * 2 * G * H + G * H, H, order) };
      }
    }
    const options: Record<string, unknown> = { ...activations };
    if (kind === 'GRU' && !resetAfter) options.resetAfter = false;
    if (!b) options.useBias = false; // ONNX's biases are zero without B: a layer without bias tensors
    if (direction === 'reverse') options.goBackwards = true;
    if (zeroOutputForMask) options.zeroOutputForMask = true;
    // a constant initial state: h and c of [H] (zeros for the one not given)
    if (h0 || c0) options.initialState = { h: h0 ?? new Array(H).fill(0), ...(c0 ? { c: c0 } : {}) };
    this.layers.push({ kind, units: H, inputSize: I, direction, options, returnSequences: true, weights, where });

    const n = this.layers.length, T = x.axes[tAxis], B = x.axes[bAxis];
    const dirAxis = { label: 'D', size: D }, feat = { label: 'F', size: H };
    const y: Data = { kind: 'data', axes: layout === 0 ? [T, dirAxis, B, feat] : [B, T, dirAxis, feat], layers: n, steps: direction };
    const yh: Data = { kind: 'data', axes: layout === 0 ? [dirAxis, B, feat] : [B, dirAxis, feat], layers: n };
    return [y, yh, { kind: 'unusable', why: `${where}: output Y_c (the final cell state) is not an output lstm-wasm models give` }];
  }

  /** The ONNX activations of the cell → the layer's options (only those that differ from its defaults). */
  private activations(kind: RecurrentKind, D: number, a: Attributes, where: string): Record<string, string> {
    const per = kind === 'LSTM' ? 3 : kind === 'GRU' ? 2 : 1;
    const names = a.strings('activations');
    const alphas = a.floats('activation_alpha'), betas = a.floats('activation_beta');
    const defaults = kind === 'LSTM' ? ['Sigmoid', 'Tanh', 'Tanh'] : kind === 'GRU' ? ['Sigmoid', 'Tanh'] : ['Tanh'];
    if (names && names.length !== per * D) fail(`ONNX ${where}: activations lists ${names.length} functions, expected ${per * D} (${per} per direction)`);
    const list = names ?? Array.from({ length: D }, () => defaults).flat();
    // alpha and beta go, in order, to the functions that take them (HardSigmoid, Affine, …), as ONNX Runtime reads them
    let ai = 0, bi = 0;
    const mapped = list.map((fn) => {
      const f = fn.toLowerCase();
      if (f === 'sigmoid' || f === 'tanh' || f === 'relu') return f;
      if (f === 'hardsigmoid' || f === 'affine') {
        const alpha = alphas && ai < alphas.length ? alphas[ai++] : f === 'affine' ? 1 : 0.2;
        const beta = betas && bi < betas.length ? betas[bi++] : f === 'affine' ? 0 : 0.5;
        const near = (u: number, v: number) => Math.abs(u - v) < 1e-6;
        if (f === 'affine' && near(alpha, 1) && near(beta, 0)) return 'linear';
        if (f === 'hardsigmoid' && near(alpha, 0.2) && near(beta, 0.5)) return 'hard_sigmoid';
        if (f === 'hardsigmoid' && near(alpha, 1 / 6) && near(beta, 0.5)) return 'hard_sigmoid_relu6';
        return fail(`ONNX ${where}: activation ${fn} with alpha ${alpha} and beta ${beta} is not supported (HardSigmoid 0.2/0.5 or 1/6/0.5, Affine 1/0 are)`);
      }
      return fail(`ONNX ${where}: activation ${show(fn)} is not supported (Sigmoid, Tanh, Relu, HardSigmoid, Affine(1, 0) are)`);
    });
    if (D === 2 && mapped.slice(0, per).join() !== mapped.slice(per).join()) fail(`ONNX ${where}: the two directions use different activations (${mapped}); lstm-wasm's Bidirectional runs one cell twice`);
    const out: Record<string, string> = {};
    if (kind === 'SimpleRNN') {
      if (mapped[0] !== 'tanh') out.activation = mapped[0];
      return out;
    }
    const [gate, candidate] = mapped;
    if (kind === 'LSTM' && mapped[2] !== candidate) fail(`ONNX ${where}: the LSTM's output activation h (${mapped[2]}) differs from its candidate activation g (${candidate}); lstm-wasm uses one activation for both`);
    if (gate !== 'sigmoid') {
      if (gate !== 'hard_sigmoid' && gate !== 'hard_sigmoid_relu6') fail(`ONNX ${where}: gate activation ${gate} is not supported (Sigmoid or HardSigmoid are)`);
      out.recurrentActivation = gate;
    }
    if (candidate !== 'tanh') out.activation = candidate;
    return out;
  }

  private gemm(ins: (Value | undefined)[], a: Attributes, where: string): Value {
    const transA = a.int('transA', 0), transB = a.int('transB', 0), alpha = a.float('alpha', 1), beta = a.float('beta', 1);
    a.done();
    if (transA !== 0 || alpha !== 1 || beta !== 1) fail(`ONNX ${where}: Gemm with transA ${transA}, alpha ${alpha}, beta ${beta} is not supported (0, 1, 1 are)`);
    const x = this.data(this.need(ins[0], where, 'A'), `${where} input A`);
    const w = this.floatConst(ins[1], where, 'B');
    if (w.dims.length !== 2) fail(`ONNX ${where}: B must be a matrix, got shape [${w.dims}]`);
    const [N, K] = transB ? w.dims : [w.dims[1], w.dims[0]];
    const weight = transB ? w.data : transpose(w.data, K, N);
    const bias = ins[2] ? this.biasOf(ins[2], N, where) : undefined;
    return this.dense(x, weight, bias, N, K, false, where);
  }

  private matmul(ins: (Value | undefined)[], where: string): Value {
    const x = this.data(this.need(ins[0], where, 'A'), `${where} input A (a MatMul of weights times data is not supported)`);
    const w = this.floatConst(ins[1], where, 'B');
    if (w.dims.length !== 2) fail(`ONNX ${where}: B must be a matrix, got shape [${w.dims}]`);
    const [K, N] = w.dims;
    return this.dense(x, transpose(w.data, K, N), undefined, N, K, true, where);
  }

  private dense(x: Data, weight: Float32Array, bias: Float32Array | undefined, N: number, K: number, needsBias: boolean, where: string): Data {
    const last = x.axes[x.axes.length - 1];
    if (this.kind(last) !== 'F' || x.axes.some((ax) => this.kind(ax) === 'D')) this.badInput(x, where);
    if (last.size !== undefined && last.size !== K) fail(`ONNX ${where}: its input has ${last.size} features but the weights take ${K}`);
    if (N < 1 || K < 1) fail(`ONNX ${where}: empty weights [${N}, ${K}]`);
    this.take(x, where);
    this.layers.push({ kind: 'Dense', units: N, inputSize: K, activation: 'linear', weight, bias, where });
    return { kind: 'data', axes: [...x.axes.slice(0, -1), { label: 'F', size: N }], layers: this.layers.length, dense: { index: this.layers.length - 1, needsBias } };
  }

  /** Data + bias after a MatMul: the Dense's bias. */
  private add(ins: (Value | undefined)[], where: string): Value {
    const [p, q] = [this.need(ins[0], where, 'A'), this.need(ins[1], where, 'B')];
    const [x, c] = p.kind === 'data' ? [p, q] : [q, p];
    if (x.kind !== 'data' || !x.dense?.needsBias || x.layers !== this.layers.length) fail(`ONNX ${where}: Add is supported only as the bias of a MatMul (a Dense layer)`);
    const layer = this.layers[x.dense.index] as DenseSpec;
    layer.bias = this.biasOf(c, layer.units, where);
    return { ...x, dense: { index: x.dense.index, needsBias: false } };
  }

  private activation(op: string, v: Value | undefined, a: Attributes, where: string): Value {
    const x = this.data(this.need(v, where, 'input'), `${where} input`);
    if (op === 'Softmax') {
      const rank = x.axes.length, axis = a.int('axis', this.opset >= 13 ? -1 : 1);
      if (axis !== -1 && axis !== rank - 1) fail(`ONNX ${where}: Softmax over axis ${axis} of a rank-${rank} tensor; lstm-wasm's softmax is over the features (the last axis)`);
    }
    a.done();
    if (!x.dense || x.layers !== this.layers.length) fail(`ONNX ${where}: ${op} is supported only right after a Dense layer (Gemm, or MatMul + Add)`);
    const layer = this.layers[x.dense.index] as DenseSpec;
    layer.activation = op.toLowerCase() as DenseSpec['activation'];
    return { ...x, dense: undefined };
  }

  /** A layer takes `x`: it must be the newest data, and the recurrent layer before decides from it whether it returns every step. */
  private take(x: Data, where: string): void {
    if (x.layers !== this.layers.length) fail(`ONNX ${where}: takes the output of an earlier layer, not the last one; lstm-wasm models are a chain of layers (Sequential)`);
    if (x.steps === 'reverse') fail(`ONNX ${where}: takes every step of a reverse-direction RNN, which ONNX writes at the original time positions (Keras's go_backwards gives them in processing order); only its final state Y_h loads`);
    const prev = this.layers[this.layers.length - 1];
    if (prev && prev.kind !== 'Dense' && prev.kind !== 'RepeatVector') prev.returnSequences = x.axes.some((ax) => this.kind(ax) === 'T');
    x.layers = -1; // taken: no second layer may branch from it
  }

  private badInput(x: Data, where: string): never {
    return fail(`ONNX ${where}: its input has axes [${x.axes.map((ax) => this.kind(ax))}], which is not what lstm-wasm's layers take ([batch, time, features] or [time, batch, features] for a recurrent layer, features last for a Dense, directions merged)`);
  }

  private resolve(axis: Axis, as: 'B' | 'T', where: string): void {
    const k = this.kind(axis);
    if (k === as) return;
    if ((axis.label === 'in0' || axis.label === 'in1') && !this.inputAxes.has(axis.label)) {
      this.inputAxes.set(axis.label, as);
      return;
    }
    fail(`ONNX ${where}: its input's ${as === 'B' ? 'batch' : 'time'} axis is the ${k} axis of the data (layout or Transpose mismatch)`);
  }

  // ---- shape plumbing ------------------------------------------------------------------------

  private constant(a: Attributes, where: string): Value {
    let v: Const | undefined;
    const t = a.tensor('value');
    if (t) v = constOf(t, where);
    else if (a.has('value_float')) v = { kind: 'const', dims: [], data: Float32Array.of(a.float('value_float', 0)) };
    else if (a.has('value_floats')) { const f = a.floats('value_floats')!; v = { kind: 'const', dims: [f.length], data: Float32Array.from(f) }; }
    else if (a.has('value_int')) v = { kind: 'const', dims: [], data: [a.int('value_int', 0)] };
    else if (a.has('value_ints')) { const f = a.ints('value_ints')!; v = { kind: 'const', dims: [f.length], data: f }; }
    a.done();
    return v ?? fail(`ONNX ${where}: a Constant without a value lstm-wasm reads (value, value_float(s), value_int(s))`);
  }

  private cast(v: Value | undefined, a: Attributes, where: string): Value {
    const to = a.int('to', 0);
    a.done();
    const x = this.need(v, where, 'input');
    const float = to === DataType.FLOAT || to === DataType.DOUBLE || to === DataType.FLOAT16;
    if (x.kind === 'data') {
      if (to !== DataType.FLOAT) fail(`ONNX ${where}: casts the data to type ${to}; lstm-wasm computes in float32`);
      return x;
    }
    if (x.kind !== 'const') return x;
    if (float) return { kind: 'const', dims: x.dims, data: Float32Array.from(x.data, (d) => (typeof d === 'string' ? fail(`ONNX ${where}: casts a run-time dimension to float`) : d)) };
    return { kind: 'const', dims: x.dims, data: Array.from(x.data, (d) => (typeof d === 'string' ? d : Math.trunc(d))) };
  }

  private shape(v: Value | undefined, a: Attributes, where: string): Value {
    if (a.has('start') || a.has('end')) fail(`ONNX ${where}: Shape with start/end is not supported`);
    a.done();
    const x = this.need(v, where, 'input');
    if (x.kind === 'data') return { kind: 'const', dims: [x.axes.length], data: x.axes.map((ax) => ax.size ?? ax.label) };
    if (x.kind === 'const') return { kind: 'const', dims: [x.dims.length], data: [...x.dims] };
    return fail(`ONNX ${where}: the shape of ${x.kind === 'zeros' ? 'a run-time zero tensor' : 'this value'} is not known`);
  }

  private gather(ins: (Value | undefined)[], a: Attributes, where: string): Value {
    const axis = a.int('axis', 0);
    a.done();
    const x = this.need(ins[0], where, 'data');
    const idx = this.intConst(ins[1], where, 'indices');
    if (idx.data.some((v) => typeof v !== 'number')) fail(`ONNX ${where}: indices known only at run time are not supported`);
    if (x.kind === 'const') {
      if (x.dims.length !== 1 || axis !== 0) fail(`ONNX ${where}: Gather on a constant is supported along axis 0 of a vector`);
      const n = x.dims[0];
      const picked = (idx.data as number[]).map((i): number | string => {
        const k = i < 0 ? i + n : i;
        if (k < 0 || k >= n) fail(`ONNX ${where}: index ${i} outside a vector of ${n}`);
        return x.data[k];
      });
      return { kind: 'const', dims: idx.dims, data: x.data instanceof Float32Array ? Float32Array.from(picked as number[]) : picked };
    }
    if (x.kind === 'stack') return this.pick(x, axis, idx, where);
    const d = this.data(x, `${where} data`);
    if (idx.dims.length !== 0) fail(`ONNX ${where}: Gather on the data takes one index (a scalar), got shape [${idx.dims}]`);
    const rank = d.axes.length, ax = axis < 0 ? axis + rank : axis;
    if (ax < 0 || ax >= rank) fail(`ONNX ${where}: axis ${axis} outside rank ${rank}`);
    const k = this.kind(d.axes[ax]), i = idx.data[0] as number, size = d.axes[ax].size;
    const last = i === -1 || (size !== undefined && i === size - 1);
    if (k === 'T') {
      if (!last) fail(`ONNX ${where}: picks time step ${i}; lstm-wasm takes the last step only (index -1)`);
      if (d.steps !== 'forward') fail(`ONNX ${where}: takes the last time step of a ${d.steps ?? 'non-recurrent'} output: for a ${d.steps} RNN that is not its final state (the backward direction has seen one step there); use every step (a Linear on all steps) or the final state h_n`);
    } else if (k === 'D') {
      if (size !== 1 || !(i === 0 || i === -1)) fail(`ONNX ${where}: picks one direction of a bidirectional output, which lstm-wasm's Bidirectional does not give`);
    } else {
      fail(`ONNX ${where}: picks one entry of the ${k} axis of the data, which no lstm-wasm layer does`);
    }
    return { ...d, axes: d.axes.filter((_, j) => j !== ax) };
  }

  /** h_n[k]: one layer's final state out of a stack; one direction's only. */
  private pick(x: Stack, axis: number, idx: Const, where: string): Value {
    const total = x.parts.reduce((n, p) => n + p.axes[x.axis].size!, 0);
    const i = idx.data[0] as number, k = i < 0 ? i + total : i;
    if (idx.dims.length !== 0 || (axis < 0 ? axis + x.parts[0].axes.length : axis) !== x.axis || k < 0 || k >= total) fail(`ONNX ${where}: picks [${idx.data}] on axis ${axis} of stacked final states; lstm-wasm takes one entry of the stack`);
    let start = 0;
    for (const p of x.parts) {
      const size = p.axes[x.axis].size!;
      if (k < start + size) {
        if (size !== 1) fail(`ONNX ${where}: picks one direction of a bidirectional layer's final state, which lstm-wasm's Bidirectional does not give (it gives both, concatenated)`);
        return { ...p, axes: p.axes.filter((_, j) => j !== x.axis) };
      }
      start += size;
    }
    return fail(`ONNX ${where}: index ${i} outside the stack`);
  }

  /** Expand of a constant [D, 1, H] (one initial state for every sequence, as toOnnx writes it): kept as [D, 1, H], which initial_h / initial_c read as one row. */
  private broadcastRows(v: Value | undefined, where: string): Value {
    if (v?.kind === 'const' && v.data instanceof Float32Array && v.dims.length === 3 && v.dims[1] === 1) return v;
    return { kind: 'unusable', why: `${where} expands a non-zero tensor other than a [directions, 1, hidden] initial state` };
  }

  /** Expand of [batch, 1, features] (an Unsqueeze's) to n steps: a RepeatVector layer. */
  private expand(x: Data, shape: Value | undefined, where: string): Value {
    const s = this.intConst(shape, where, 'shape');
    const n = s.data[1];
    const repeats = x.axes.length === 3 && x.axes[1].label === '1' && s.dims.length === 1 && s.data.length === 3;
    if (!repeats || s.data[0] !== 1 || s.data[2] !== 1 || typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
      fail(`ONNX ${where}: Expand of the data is supported only as a RepeatVector: [batch, 1, features] (an Unsqueeze's) expanded by shape [1, n, 1], got shape [${s.data}] on axes [${x.axes.map((ax) => this.kind(ax))}]`);
    }
    const F = x.axes[2];
    if (F.size === undefined) fail(`ONNX ${where}: the number of features is not known`);
    this.take(x, where);
    this.layers.push({ kind: 'RepeatVector', n, inputSize: F.size, where });
    return { kind: 'data', axes: [x.axes[0], { label: 'T', size: n }, F], layers: this.layers.length };
  }

  /** ReduceSum / ReduceProd / ReduceMean over the directions of a bidirectional node's Y or Y_h: its Bidirectional's merge mode. */
  private merge(op: string, ins: (Value | undefined)[], a: Attributes, where: string): Value {
    // the axes are an input from opset 13 for ReduceSum, from 18 for the others
    const axesInput = op === 'ReduceSum' ? this.opset >= 13 : this.opset >= 18;
    const axes = axesInput ? (ins[1] ? this.intConst(ins[1], where, 'axes').data : undefined) : a.ints('axes');
    const keepdims = a.int('keepdims', 1);
    if (axesInput) a.int('noop_with_empty_axes', 0);
    a.done();
    const x = this.data(this.need(ins[0], where, 'data'), `${where} input`);
    const rank = x.axes.length, ax = axes?.length === 1 && typeof axes[0] === 'number' ? (axes[0] < 0 ? axes[0] + rank : axes[0]) : -1;
    const prev = this.layers[this.layers.length - 1];
    const bidirectional = prev?.kind !== undefined && prev.kind !== 'Dense' && prev.kind !== 'RepeatVector' && prev.direction === 'bidirectional' && prev.mergeMode === undefined;
    if (ax < 0 || ax >= rank || this.kind(x.axes[ax]) !== 'D' || keepdims !== 0 || x.layers !== this.layers.length || !bidirectional) {
      fail(`ONNX ${where}: ${op} is supported only over the directions axis of a bidirectional LSTM/GRU/RNN's output, with keepdims 0 (a Bidirectional merged by ${MERGE_BY_REDUCE[op]})`);
    }
    (prev as RecurrentSpec).mergeMode = MERGE_BY_REDUCE[op];
    return { ...x, axes: x.axes.filter((_, j) => j !== ax) };
  }

  private unsqueeze(ins: (Value | undefined)[], a: Attributes, where: string): Value {
    const axes = this.opset >= 13 ? this.intConst(ins[1], where, 'axes').data as number[] : a.ints('axes') ?? [];
    a.done();
    const x = this.need(ins[0], where, 'data');
    if (x.kind === 'zeros') return x;
    if (x.kind === 'data') {
      // [batch, features] → [batch, 1, features]: only as the start of a RepeatVector (an Expand must follow)
      const kinds = x.axes.map((ax) => this.kind(ax)).join();
      if (kinds !== 'B,F' || axes.length !== 1 || (axes[0] !== 1 && axes[0] !== -2)) fail(`ONNX ${where}: Unsqueeze of the data is supported only as [batch, features] → [batch, 1, features] before an Expand (a RepeatVector)`);
      return { ...x, axes: [x.axes[0], { label: '1', size: 1 }, x.axes[1]], dense: undefined };
    }
    if (x.kind !== 'const') return fail(`ONNX ${where}: Unsqueeze of the data is not supported`);
    const rank = x.dims.length + axes.length, dims = [...x.dims];
    const sorted = axes.map((v) => (v < 0 ? v + rank : v)).sort((p, q) => p - q);
    for (const v of sorted) {
      if (v < 0 || v >= rank) fail(`ONNX ${where}: axis outside rank ${rank}`);
      dims.splice(v, 0, 1);
    }
    return { kind: 'const', dims, data: x.data };
  }

  private squeeze(ins: (Value | undefined)[], a: Attributes, where: string): Value {
    const axes = this.opset >= 13 ? (ins[1] ? this.intConst(ins[1], where, 'axes').data as number[] : undefined) : a.ints('axes');
    a.done();
    const x = this.need(ins[0], where, 'data');
    if (x.kind === 'zeros') return x;
    if (x.kind === 'const') return { kind: 'const', dims: x.dims.filter((d, j) => !(axes ? axes.some((v) => (v < 0 ? v + x.dims.length : v) === j) : d === 1)), data: x.data };
    const d = this.data(x, where), rank = d.axes.length;
    const drop = axes ? axes.map((v) => (v < 0 ? v + rank : v)) : d.axes.flatMap((ax, j) => (ax.size === 1 ? [j] : []));
    for (const j of drop) {
      const ax = d.axes[j];
      if (!ax || ax.size !== 1) fail(`ONNX ${where}: squeezes axis ${j}, which is not of size 1`);
      if (this.kind(ax) !== 'D') fail(`ONNX ${where}: squeezes the ${this.kind(ax)} axis of the data, which lstm-wasm's layers keep`);
    }
    return { ...d, axes: d.axes.filter((_, j) => !drop.includes(j)) };
  }

  private concat(ins: (Value | undefined)[], a: Attributes, where: string): Value {
    const axis = a.int('axis', 0);
    a.done();
    const parts = ins.map((v) => this.need(v, where, 'input'));
    if (parts.some((p) => p.kind === 'data')) return this.stack(parts, axis, where);
    if (parts.every((p) => p.kind === 'zeros' || this.isZero(p))) return { kind: 'zeros' };
    const data: (number | string)[] = [];
    for (const p of parts) {
      if (p.kind !== 'const' || p.dims.length !== 1 || (axis !== 0 && axis !== -1)) fail(`ONNX ${where}: Concat of constants is supported for vectors (shapes)`);
      data.push(...p.data);
    }
    return { kind: 'const', dims: [data.length], data };
  }

  /** Final states stacked on the directions axis (torch's h_n of several layers): only h_n[k] of one layer may be taken from it. */
  private stack(parts: Value[], axis: number, where: string): Value {
    const data = parts.map((p) => this.data(p, where));
    const rank = data[0].axes.length, ax = axis < 0 ? axis + rank : axis;
    const kinds = (d: Data) => d.axes.map((a) => this.kind(a)).join();
    if (data.some((d) => kinds(d) !== kinds(data[0]) || this.kind(d.axes[ax]) !== 'D' || d.axes[ax].size === undefined)) {
      fail(`ONNX ${where}: Concat of the data is supported only for stacking final states (h_n); a bidirectional RNN's outputs load when merged by Transpose + Reshape as torch writes them`);
    }
    return { kind: 'stack', axis: ax, parts: data };
  }

  private constantOfShape(v: Value | undefined, a: Attributes, where: string): Value {
    const t = a.tensor('value');
    a.done();
    this.need(v, where, 'input');
    const fill = t ? Array.from(t.data)[0] ?? 0 : 0;
    return fill === 0 ? { kind: 'zeros' } : { kind: 'unusable', why: `${where} fills with ${fill}, not zero` };
  }

  private slice(ins: (Value | undefined)[], a: Attributes, where: string): Value {
    const x = this.need(ins[0], where, 'data');
    if (x.kind === 'zeros') { a.done(); return x; }
    if (x.kind !== 'const' || x.dims.length !== 1) return fail(`ONNX ${where}: Slice is supported on shape vectors and zero states, not on the data`);
    const get = (k: number, name: string) => (ins[k] ? this.intConst(ins[k], where, name).data as number[] : undefined);
    const starts = this.opset >= 10 ? get(1, 'starts') : a.ints('starts');
    const ends = this.opset >= 10 ? get(2, 'ends') : a.ints('ends');
    const axes = this.opset >= 10 ? get(3, 'axes') : a.ints('axes');
    const steps = this.opset >= 10 ? get(4, 'steps') : undefined;
    a.done();
    if (!starts || !ends || starts.length !== 1 || ends.length !== 1 || (axes && (axes.length !== 1 || (axes[0] !== 0 && axes[0] !== -1))) || (steps && steps[0] !== 1)) fail(`ONNX ${where}: Slice of a vector is supported with one axis and step 1`);
    const n = x.dims[0];
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
    const data = x.data.slice(clamp(starts[0]), clamp(ends[0]));
    return { kind: 'const', dims: [data.length], data };
  }

  private transpose(v: Value | undefined, a: Attributes, where: string): Value {
    const x = this.need(v, where, 'data');
    if (x.kind === 'zeros') { a.done(); return x; }
    if (x.kind !== 'data') return fail(`ONNX ${where}: Transpose is supported on the data and zero states only`);
    const rank = x.axes.length;
    const perm = a.ints('perm') ?? Array.from({ length: rank }, (_, j) => rank - 1 - j);
    a.done();
    if (perm.length !== rank || [...perm].sort().some((p, j) => p !== j)) fail(`ONNX ${where}: perm [${perm}] is not a permutation of ${rank} axes`);
    const out: Data = { ...x, axes: perm.map((p) => x.axes[p]) };
    // a Dense's bias applies on the features: it may still be added only while they stay last
    if (out.dense && this.kind(out.axes[rank - 1]) !== 'F') out.dense = undefined;
    return out;
  }

  /**
   * Reshape of the data: a leading run of axes is kept (0, the same size,
   * or the same run-time dimension), and what follows may only be
   * directions and features merged into one feature axis (directions
   * first: forward's features then backward's, Bidirectional's concat),
   * or size-1 axes dropped.
   */
  private reshape(ins: (Value | undefined)[], a: Attributes, where: string): Value {
    if (a.int('allowzero', 0) !== 0) fail(`ONNX ${where}: Reshape with allowzero = 1 is not supported`);
    a.done();
    const x = this.need(ins[0], where, 'data');
    const target = this.intConst(ins[1], where, 'shape');
    if (target.dims.length !== 1) fail(`ONNX ${where}: the shape must be a vector`);
    const t = target.data;
    if (x.kind === 'zeros') return x;
    if (x.kind === 'const') {
      if (t.some((v) => typeof v === 'string' || v === 0)) fail(`ONNX ${where}: Reshape of a constant to a run-time shape is not supported`);
      const n = x.dims.reduce((p, q) => p * q, 1), known = (t as number[]).filter((v) => v !== -1).reduce((p, q) => p * q, 1);
      const dims = (t as number[]).map((v) => (v === -1 ? n / known : v));
      if (dims.reduce((p, q) => p * q, 1) !== n) fail(`ONNX ${where}: cannot reshape [${x.dims}] to [${t}]`);
      return { kind: 'const', dims, data: x.data };
    }
    const d = this.data(x, where);
    let p = 0;
    for (; p < t.length && p < d.axes.length; p++) {
      const ax = d.axes[p], v = t[p], k = this.kind(ax);
      if (k !== 'B' && k !== 'T' && k !== 'in0' && k !== 'in1') break;
      if (!(v === 0 || v === ax.label || (ax.size !== undefined && v === ax.size))) break;
    }
    const rest = d.axes.slice(p), wanted = t.slice(p);
    if (rest.some((ax) => ax.size === undefined || ['B', 'T', 'in0', 'in1'].includes(this.kind(ax)))) fail(`ONNX ${where}: reshapes the batch or time axis of the data [${d.axes.map((ax) => this.kind(ax))}] to [${t}]`);
    const total = rest.reduce((q, ax) => q * ax.size!, 1);
    const kept = rest.filter((ax) => ax.size !== 1);
    if (wanted.length === 1 && (wanted[0] === -1 || wanted[0] === total)) {
      const merged = kept.map((ax) => this.kind(ax)).join();
      if (merged !== 'F' && merged !== 'D,F' && !(merged === '' && total === 1)) fail(`ONNX ${where}: merges axes [${rest.map((ax) => this.kind(ax))}] into one; lstm-wasm concatenates directions feature-wise only (directions before features)`);
      return { ...d, axes: [...d.axes.slice(0, p), { label: 'F', size: total }], dense: rest.length === 1 ? d.dense : undefined };
    }
    if (wanted.length === kept.length && wanted.every((v, j) => v === kept[j].size || (v === -1 && wanted.filter((w) => w === -1).length === 1))) {
      return { ...d, axes: [...d.axes.slice(0, p), ...kept] };
    }
    return fail(`ONNX ${where}: reshapes the data [${d.axes.map((ax) => `${this.kind(ax)}${ax.size ?? ''}`)}] to [${t}], which no lstm-wasm layer boundary does`);
  }

  // ---- values --------------------------------------------------------------------------------

  private need(v: Value | undefined, where: string, what: string): Value {
    if (!v) fail(`ONNX ${where}: input ${what} is missing`);
    if (v.kind === 'unusable') fail(`ONNX ${where}: input ${what}: ${v.why}`);
    return v;
  }

  private data(v: Value, where: string): Data {
    if (v.kind !== 'data') fail(`ONNX ${where}: expected the data flowing from the graph input, got ${v.kind === 'const' ? 'a constant' : v.kind === 'stack' ? 'stacked final states (only h_n[k] of them is supported)' : v.kind === 'lengths' ? 'the sequence lengths (they go only to the recurrent nodes\' sequence_lens)' : 'a run-time zero tensor'}`);
    return v;
  }

  private floatConst(v: Value | undefined, where: string, what: string): { dims: number[]; data: Float32Array } {
    const c = this.need(v, where, what);
    if (c.kind !== 'const' || !(c.data instanceof Float32Array)) fail(`ONNX ${where}: input ${what} must be a float constant (an initializer), got ${c.kind === 'data' ? 'the data' : 'a run-time value'}`);
    return { dims: c.dims, data: c.data };
  }

  private constant3(v: Value | undefined, where: string, what: string): { dims: number[]; data: Float32Array } {
    const c = this.floatConst(v, where, what);
    if (c.dims.length !== 3) fail(`ONNX ${where}: ${what} must have rank 3, got shape [${c.dims}]`);
    return c;
  }

  private intConst(v: Value | undefined, where: string, what: string): Const {
    const c = this.need(v, where, what);
    if (c.kind !== 'const' || c.data instanceof Float32Array) fail(`ONNX ${where}: input ${what} must be an integer constant`);
    return c;
  }

  private biasOf(v: Value, N: number, where: string): Float32Array {
    const c = this.floatConst(v, where, 'bias');
    if (c.data.length !== N || c.dims.slice(0, -1).some((d) => d !== 1)) fail(`ONNX ${where}: bias of shape [${c.dims}] for ${N} units`);
    return c.data;
  }

  private isZero(v: Value | undefined): boolean {
    return v !== undefined && (v.kind === 'zeros' || (v.kind === 'const' && Array.from(v.data).every((d) => d === 0)));
  }

  /**
   * initial_h / initial_c: undefined when absent or zero, else the [H] values every sequence
   * starts from. A constant [D, batch, H] loads when its batch rows are equal (lstm-wasm's
   * initialState is one row for every sequence) and, bidirectional, both directions are equal
   * (lstm-wasm's Bidirectional runs one layer's options twice).
   */
  private initialState(v: Value | undefined, D: number, H: number, where: string, what: string): number[] | undefined {
    if (v === undefined || this.isZero(v)) return undefined;
    if (v.kind === 'data') fail(`ONNX ${where}: ${what} comes from the graph's data; initial states that are graph inputs are not supported yet`);
    if (v.kind !== 'const' || !(v.data instanceof Float32Array)) return fail(`ONNX ${where}: ${what} is neither zeros nor a float constant`);
    const [d, rows, h] = v.dims;
    if (v.dims.length !== 3 || d !== D || h !== H || rows < 1) fail(`ONNX ${where}: ${what} has shape [${v.dims}], expected [${D}, batch, ${H}]`);
    const first = Array.from(v.data.subarray(0, H));
    for (let k = 0; k < D * rows; k++) {
      for (let j = 0; j < H; j++) {
        if (v.data[k * H + j] !== first[j]) {
          fail(`ONNX ${where}: ${what} differs between ${k < rows ? 'batch rows' : 'the two directions'} (at [${Math.floor(k / rows)}, ${k % rows}, ${j}]); lstm-wasm's initialState is one [${H}] row for every sequence${D === 2 ? ' and both directions' : ''}`);
        }
      }
    }
    return first;
  }
}

/** A name from the file, cut to a bounded length for a message (a corrupt file must not make a message of megabytes). */
function plain(s: string): string {
  return s.length > 80 ? `${s.slice(0, 79)}…` : s;
}

/** A tensor as a constant value. */
function constOf(t: OnnxTensor, where: string): Const {
  if (t.data instanceof Float32Array || t.dataType === DataType.FLOAT) return { kind: 'const', dims: t.dims, data: t.data };
  if (t.data.length > 1 << 16) fail(`ONNX ${where}: an integer tensor of ${t.data.length} values; lstm-wasm reads small integer tensors only (shapes, indices)`);
  return { kind: 'const', dims: t.dims, data: t.data };
}

/** The G blocks of `rows`·cols floats at `offset`, in the given order of block indices. */
function reorder(src: Float32Array, offset: number, block: number, order: readonly number[]): Float32Array {
  const out = new Float32Array(order.length * block);
  order.forEach((g, k) => out.set(src.subarray(offset + g * block, offset + (g + 1) * block), k * block));
  return out;
}

/** [rows, cols] → [cols, rows]. */
function transpose(m: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = m[i * cols + j];
  return out;
}

/** A node's attributes, each read once; any left unread at done() is an error (it would change the math unseen). */
class Attributes {
  private byName = new Map<string, OnnxAttribute>();
  constructor(node: OnnxNode, private where: string) {
    for (const a of node.attribute) {
      if (this.byName.has(a.name)) fail(`ONNX ${where}: attribute ${plain(a.name)} given twice`);
      this.byName.set(a.name, a);
    }
  }
  private take(name: string): OnnxAttribute | undefined {
    const a = this.byName.get(name);
    this.byName.delete(name);
    return a;
  }
  has(name: string): boolean {
    return this.byName.has(name);
  }
  int(name: string, dflt: number): number {
    const a = this.take(name);
    return a === undefined ? dflt : a.i ?? fail(`ONNX ${this.where}: attribute ${name} must be an integer`);
  }
  float(name: string, dflt: number): number {
    const a = this.take(name);
    return a === undefined ? dflt : a.f ?? fail(`ONNX ${this.where}: attribute ${name} must be a float`);
  }
  string(name: string, dflt: string): string {
    const a = this.take(name);
    return a === undefined ? dflt : a.s ?? fail(`ONNX ${this.where}: attribute ${name} must be a string`);
  }
  strings(name: string): string[] | undefined {
    return this.take(name)?.strings;
  }
  floats(name: string): number[] | undefined {
    return this.take(name)?.floats;
  }
  ints(name: string): number[] | undefined {
    return this.take(name)?.ints;
  }
  tensor(name: string): OnnxTensor | undefined {
    const a = this.take(name);
    return a === undefined ? undefined : a.t ?? fail(`ONNX ${this.where}: attribute ${name} must be a tensor`);
  }
  done(): void {
    const left = [...this.byName.keys()];
    if (left.length) fail(`ONNX ${this.where}: attribute${left.length > 1 ? 's' : ''} ${left.slice(0, 4).map(plain).join(', ')}${left.length > 4 ? ', …' : ''} not supported here`);
  }
}
