/**
 * LSTM, GRU and SimpleRNN are one layer around a cell (cell.ts): the
 * hoisted input projection (one GEMM over all B·T rows), then the cell's
 * recurrence kernel; in training, the cell's backward kernel, then the
 * weight gradients over all steps as GEMMs. This file keeps the layer's
 * lifecycle and its forward and backward passes; the parameter block's
 * layout is in weights/blocks.ts, the weight formats in weights/formats.ts,
 * the record's decoding in gate-record.ts.
 */
import { recurWorkFloats, type CellActivation, type GateActivation, type TrainingKernels } from '../backend/kernels.js';
import { recordLayout } from '../backend/record-layout.js';
import { checkBatch, requireTimeAxis } from '../check-batch.js';
import { fail, show } from '../errors.js';
import { glorotUniform, orthogonal } from '../init/initializers.js';
import type { Random } from '../init/random.js';
import { booleanOption, oneOf, optionsOf } from '../options.js';
import { toTensor, type Tensor, type TensorLike } from '../tensor.js';
import { recurrentBlock, type RecurrentBlock, type RecurrentWeights } from '../weights/blocks.js';
import { recurrentFromKeras, recurrentFromTorch, recurrentInputSize, recurrentToKeras, recurrentToTorch, weightFormat, type RecurrentFormat } from '../weights/formats.js';
import { checkWeightRecord } from '../weights/take.js';
import type { CellSpec, HeapState } from './cell.js';
import { decodeRecord, type GateRecord } from './gate-record.js';
import { Layer, featureCount, trainingHook, type HeapBatch, type PreparedWeights, type WeightFormat, type Weights } from './layer.js';
import { plusFloats } from './workspace.js';

export type { GateRecord } from './gate-record.js';
export type { HeapState } from './cell.js';

export interface RecurrentOptions {
  inputSize?: number;
  units: number;
  /** Output every step [B, T, units] (true) or only the last [B, units] (false, Keras's default). */
  returnSequences?: boolean;
  name?: string;
  /** Seed of the initial weights. */
  seed?: number;
  /** LSTM: start the forget gate's bias at 1 so the cell keeps its memory early in training (Keras's default, true). */
  unitForgetBias?: boolean;
  /** Keep bias vectors (default true); false: no bias parameters at all. */
  useBias?: boolean;
  /**
   * Read the sequence from its last step to its first and return the outputs in that processing
   * order (Keras's go_backwards; default false).
   */
  goBackwards?: boolean;
  /**
   * With a mask (Masking, `lengths`) and all steps returned: a padded step outputs zeros instead
   * of the carried output (default false, Keras's default; Keras's Bidirectional sets it on its
   * layers, and ONNX's sequence_lens gives zeros past each length). The state carries over
   * padded steps either way.
   */
  zeroOutputForMask?: boolean;
  /**
   * A constant initial state instead of zeros: h (and, for an LSTM, c) of [units] values, the
   * same for every sequence (ONNX's initial_h / initial_c given as constants). predict and fit
   * start from it; a state given to forward() replaces it.
   */
  initialState?: { h: ArrayLike<number>; c?: ArrayLike<number> };
}

const CELL_ACTIVATIONS: readonly CellActivation[] = ['tanh', 'relu', 'linear', 'sigmoid', 'hard_sigmoid', 'hard_sigmoid_relu6'];
const GATE_ACTIVATIONS: readonly GateActivation[] = ['sigmoid', 'hard_sigmoid', 'hard_sigmoid_relu6'];

/**
 * A layer's `activation` (default tanh) and, for a gated cell, `recurrentActivation` (default
 * sigmoid), checked. The layers' constructors (lstm.ts, gru.ts, simple-rnn.ts) pick their cell from these.
 */
export function cellActivations(options: { activation?: unknown; recurrentActivation?: unknown }, owner: string, gated: boolean): { gate: GateActivation; activation: CellActivation } {
  const activation = options.activation === undefined ? 'tanh' : oneOf(options.activation, CELL_ACTIVATIONS, `${owner}: activation`);
  const gate = !gated || options.recurrentActivation === undefined ? 'sigmoid' : oneOf(options.recurrentActivation, GATE_ACTIVATIONS, `${owner}: recurrentActivation`);
  return { gate, activation };
}

/** Initial or carried state: h (and c for LSTM), each [B, units]. */
export interface RecurrentState {
  h?: TensorLike;
  c?: TensorLike;
  /** Also return every step's gate activations and states (see RecurrentOutput.record). */
  record?: boolean;
}

export interface RecurrentOutput {
  /** [B, T, units] with returnSequences, else [B, units]. */
  output: Tensor;
  /** Final hidden state [B, units]. */
  h: Tensor;
  /** Final cell state [B, units] (LSTM only). */
  c?: Tensor;
  /** With `record: true`: the gates and states of every step. */
  record?: GateRecord;
}

/**
 * What LSTM, GRU and SimpleRNN share: their options, weights in PyTorch's or Keras's layout, and
 * `forward(x, { h, c })` over whole sequences [batch, time, features].
 */
/** ∂L/∂h_t per step (dout, rows doutStride floats apart) and ∂L/∂(final h) (dhT); either pointer may be 0. */
export interface BackwardGrads {
  dout: number;
  doutStride: number;
  dhT: number;
}

/** The recurrent layers' training half (src/train/recurrent-backward.ts), set by the trainer (see trainingHook). @internal */
export interface RecurrentTraining {
  /** Backward of forwardTrain: dy is ∂L/∂output; accumulates weight gradients; returns ∂L/∂input (or 0). */
  backward(layer: RecurrentLayer, dy: number, needInputGrad: boolean, k: TrainingKernels): number;
  /**
   * Backward through time from a recorded forward pass (record `rec`), then the weight gradients
   * over all steps as GEMMs and, if dx ≠ 0, ∂L/∂x added into dx; `reverse`: the pass walked time
   * backwards (Bidirectional's backward layer).
   */
  backRun(layer: RecurrentLayer, k: TrainingKernels, x: HeapBatch, rec: number, dy: BackwardGrads, reverse: boolean, dx: number): void;
  /** ∂L/∂weights of the last backward pass under PyTorch's names (`suffix`: '_l0', or '_l0_reverse' in a Bidirectional). */
  gradients(layer: RecurrentLayer, suffix: string): Record<string, Tensor>;
}

let training: RecurrentTraining | undefined;

/** @internal */
export function setRecurrentTraining(t: RecurrentTraining): void {
  training = t;
}

/** The training half, or a clear error where no model was compiled (see trainingHook). @internal */
export function recurrentTraining(layer: Layer): RecurrentTraining {
  return trainingHook(training, layer);
}

export abstract class RecurrentLayer extends Layer {
  readonly units: number;
  readonly returnSequences: boolean;
  readonly unitForgetBias: boolean;
  readonly useBias: boolean;
  readonly goBackwards: boolean;
  readonly zeroOutputForMask: boolean;
  /** The constant initial state (undefined: zeros). */
  readonly initialState: { h: Float32Array; c?: Float32Array } | undefined;
  /** @internal */
  abstract readonly cell: CellSpec;
  /** What the last training forward left for backward: its input and record. @internal */
  saved: { x: HeapBatch; rec: number } | undefined;
  private layout: RecurrentBlock | undefined;

  /**
   * `moreOptions`: a subclass's own option names (SimpleRNN's activation). `cellState`: whether the
   * subclass's cell carries c (its cell is made after this constructor, so it says so here).
   */
  constructor(options: RecurrentOptions, defaultName: string, moreOptions: readonly string[] = [], cellState = false) {
    if (options === undefined || options === null) fail(`${defaultName}: options { units } are required`);
    super(options, defaultName, ['units', 'returnSequences', 'unitForgetBias', 'useBias', 'goBackwards', 'zeroOutputForMask', 'initialState', ...moreOptions]);
    this.units = featureCount(options.units, `${defaultName}: units`);
    this.returnSequences = options.returnSequences === undefined ? false : booleanOption(options.returnSequences, `${defaultName}: returnSequences`);
    this.unitForgetBias = options.unitForgetBias === undefined ? true : booleanOption(options.unitForgetBias, `${defaultName}: unitForgetBias`);
    this.useBias = options.useBias === undefined ? true : booleanOption(options.useBias, `${defaultName}: useBias`);
    this.goBackwards = options.goBackwards === undefined ? false : booleanOption(options.goBackwards, `${defaultName}: goBackwards`);
    this.zeroOutputForMask = options.zeroOutputForMask === undefined ? false : booleanOption(options.zeroOutputForMask, `${defaultName}: zeroOutputForMask`);
    // the cell is the subclass's, set after this constructor: the LSTM is the one whose default name is 'lstm'
    this.initialState = options.initialState === undefined ? undefined : initialStateOption(options.initialState, this.units, cellState, `${defaultName}: initialState`);
  }

  /**
   * The initial state of a forward pass over B sequences: this layer's constant initial state
   * broadcast to B rows in its own buffers (the same ones each call, so backward reads what
   * forward started from), or 0 (zeros). @internal
   */
  initialHeap(B: number): { h0: number; c0: number } {
    const s = this.initialState;
    if (!s) return { h0: 0, c0: 0 };
    const rows = (v: Float32Array, name: string) => {
      const ptr = this.workspace().get(name, B * this.units);
      for (let b = 0; b < B; b++) this.workspace().write(plusFloats(ptr, b * this.units), v);
      return ptr;
    };
    return { h0: rows(s.h, 'initialH'), c0: s.c ? rows(s.c, 'initialC') : 0 };
  }

  get outputSize(): number {
    return this.units;
  }

  keepsTime(): boolean {
    return this.returnSequences;
  }

  get needsTime(): boolean {
    return true;
  }

  /** Whether the cell carries a c state besides h (LSTM). */
  get hasCellState(): boolean {
    return this.cell.cellState;
  }

  countParams(): number {
    const G = this.cell.gates.length, H = this.units, I = this.requireInputSize();
    if (!this.useBias) return G * H * (I + H);
    return G * H * (I + H + 1) + (this.cell.recurrentBias ? G * H : 0);
  }

  /** @internal */
  paramFloats(): number {
    return this.block().floats;
  }

  /** The layout of the parameter (and gradient) block, fixed once the input size is. @internal */
  block(): RecurrentBlock {
    return (this.layout ??= recurrentBlock({ gates: this.cell.gates.length, units: this.units, inputs: this.requireInputSize(), recurrentBias: this.cell.recurrentBias, bias: this.useBias }));
  }

  /** What the weight formats need to know of this layer. @internal */
  get format(): RecurrentFormat {
    const { gates, kerasOrder, recurrentBias } = this.cell;
    return { gates: gates.length, units: this.units, kerasOrder, recurrentBias, bias: this.useBias };
  }

  protected initParams(ptr: number, rng: Random): void {
    const G = this.cell.gates.length, H = this.units, I = this.requireInputSize();
    const bias = new Float32Array(G * H);
    const forget = this.cell.gates.indexOf('forget');
    if (forget >= 0 && this.unitForgetBias) bias.fill(1, forget * H, (forget + 1) * H); // unit forget bias: start with the conveyor belt open
    this.block().pack(this.backend, ptr, {
      wx: glorotUniform(rng, G * H, I, I, G * H),
      wh: orthogonal(rng, G * H, H),
      b: bias,
      bh: new Float32Array(G * H),
    });
  }

  /**
   * Weights in PyTorch's names (nn.LSTM/GRU/RNN state_dict: weight_ih_l0,
   * weight_hh_l0, bias_ih_l0, bias_hh_l0) or Keras's (kernel,
   * recurrentKernel, bias). LSTM and SimpleRNN keep one bias, so PyTorch
   * export puts it all in bias_ih_l0 and zeros in bias_hh_l0 (their sum is
   * what counts).
   */
  getWeights(options: { to?: WeightFormat; suffix?: string } = {}): Record<string, Tensor> {
    const I = this.requireInputSize(), to = weightFormat(options.to, `${this.name}: getWeights`);
    const w = this.block().unpack(this.paramView());
    if (to === 'torch') return recurrentToTorch(w, this.format, I, options.suffix ?? '_l0');
    return recurrentToKeras(w, this.format, I);
  }

  /** Load weights from PyTorch's or Keras's layout (see getWeights). Shapes are checked; a layer without inputSize takes it from the weights. @internal */
  prepareWeights(weights: Weights, options: { from?: WeightFormat; suffix?: string } = {}): PreparedWeights {
    this.assertLive();
    const owner = `${this.name}.setWeights`, suffix = options.suffix ?? '_l0';
    checkWeightRecord(weights, owner);
    const from = weightFormat(options.from, owner);
    const I = this.inputSize ?? recurrentInputSize(weights, from, suffix) ?? this.requireInputSize();
    const w: RecurrentWeights = from === 'torch'
      ? recurrentFromTorch(weights, this.format, I, owner, suffix)
      : recurrentFromKeras(weights, this.format, I, owner);
    featureCount(I, `${owner}: input features`);
    return {
      inputSize: I,
      write: () => {
        if (this.inputSize === undefined) this.setInputSize(I);
        this.ensureParams(false); // every parameter is written:
        this.block().pack(this.backend, this.params, w);
      },
    };
  }

  /**
   * Run the layer on `x` [B, T, inputSize] from an initial state (zeros
   * when not given). Returns the output and the final state.
   */
  forward(x: TensorLike, options?: RecurrentState): RecurrentOutput {
    const state = optionsOf(options, ['h', 'c', 'record'], `${this.name}.forward`);
    if (state.record !== undefined) booleanOption(state.record, `${this.name}.forward: record`);
    const t = toTensor(x, `${this.name}: input`);
    const { B, T, F } = checkBatch(t.shape, { owner: this.name, features: this.inputSize });
    const H = this.units;
    // check the states before changing or allocating anything: a failed call leaves nothing behind
    if (state.c !== undefined && !this.hasCellState) fail(`${this.name}: a ${this.className} has no cell state c`);
    const hData = state.h === undefined ? undefined : stateData(state.h, B, H, `${this.name}: initial h`);
    const cData = state.c === undefined ? undefined : stateData(state.c, B, H, `${this.name}: initial c`);
    if (this.inputSize === undefined) this.setInputSize(F);
    this.ensureParams();
    const ws = this.workspace();
    const xPtr = ws.get('input', B * T * F);
    // a state given here replaces the constant initial state (of which each part not given is kept)
    const init = this.initialHeap(B);
    const h0 = hData ? ws.get('h0', B * H) : init.h0;
    const c0 = cData ? ws.get('c0', B * H) : init.c0;
    ws.write(xPtr, t.data);
    if (hData) ws.write(h0, hData);
    if (cData) ws.write(c0, cData);
    const rec = state.record ? this.record(B, T) : 0;
    const out = this.forwardHeap({ ptr: xPtr, B, T, seq: true, F }, { h0, c0, hT: this.finalH(B), cT: this.finalC(B) }, rec);
    const result: RecurrentOutput = {
      output: ws.read(out.ptr, out.seq ? [B, T, H] : [B, H]),
      h: ws.read(this.finalH(B), [B, H]),
    };
    if (this.hasCellState) result.c = ws.read(this.finalC(B), [B, H]);
    if (rec) result.record = decodeRecord(ws.view(rec, this.recordFloats(B, T)), this.cell, B, T, H);
    return result;
  }

  /**
   * ∂L/∂weights of the last backward pass under PyTorch's names. With one
   * bias kept for PyTorch's two, both get its gradient (∂L/∂b_ih = ∂L/∂b_hh).
   */
  getGradients(suffix = '_l0'): Record<string, Tensor> {
    return recurrentTraining(this).gradients(this, suffix);
  }

  /** Forward in training mode: the recurrence records what backward needs; the input is remembered. @internal */
  forwardTrain(x: HeapBatch): HeapBatch {
    this.saved = { x, rec: this.record(x.B, x.T) };
    return this.forwardHeap(x, undefined, this.saved.rec);
  }

  /** Backward of forwardTrain (see RecurrentTraining.backward). @internal */
  backwardHeap(dy: number, needInputGrad: boolean, k: TrainingKernels): number {
    return recurrentTraining(this).backward(this, dy, needInputGrad, k);
  }

  /**
   * x in the order this layer reads it: x itself, or (goBackwards) a copy with its steps
   * reversed in the buffer `name`. Reversing is its own inverse, so it also brings a
   * reading-order sequence (an input gradient) back.
   * @internal
   */
  inReadingOrder(x: HeapBatch, name: string): HeapBatch {
    if (!this.goBackwards) return x;
    const { B, T, F } = x, ws = this.workspace(), to = ws.get(name, B * T * F);
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++) ws.copy(plusFloats(to, (b * T + T - 1 - t) * F), plusFloats(x.ptr, (b * T + t) * F), F);
    if (!x.mask) return { ...x, ptr: to };
    // the mask is read in the same order: reversed too ([B][T], one float a step)
    const mask = ws.get(`${name}Mask`, B * T);
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++) ws.copy(plusFloats(mask, b * T + T - 1 - t), plusFloats(x.mask, b * T + t), 1);
    return { ...x, ptr: to, mask };
  }

  /** The training record of this layer for B sequences of T steps. @internal */
  record(B: number, T: number): number {
    return this.workspace().get('rec', this.recordFloats(B, T));
  }

  private recordFloats(B: number, T: number): number {
    return recordLayout(this.cell.record, B, T, this.units).floats;
  }

  /** Heap forward for Sequential: from `state` (default zeros, final state in this layer's buffers). @internal */
  forwardHeap(x: HeapBatch, state?: HeapState, rec = 0): HeapBatch {
    requireTimeAxis(x.seq, this.name);
    const y = this.forwardRead(this.inReadingOrder(x, 'reversedInput'), state, rec);
    // Keras passes the input's mask on as it is, also after goBackwards
    return y.seq ? { ...y, mask: x.mask } : y;
  }

  /** forwardHeap on x already in reading order: the outputs come in that order too (Keras's go_backwards). */
  private forwardRead(x: HeapBatch, state?: HeapState, rec = 0): HeapBatch {
    const { B, T } = x;
    const out = this.returnSequences ? this.workspace().get('sequence', B * T * this.units) : 0;
    const st = state ?? { ...this.initialHeap(B), hT: this.finalH(B), cT: this.finalC(B) };
    this.run(x, out, this.units, false, st, rec);
    return this.returnSequences
      ? { ptr: out, B, T, seq: true, F: this.units }
      : { ptr: st.hT, B, T: 1, seq: false, F: this.units };
  }

  /**
   * The two kernel calls of a recurrent layer: project all B·T input rows
   * at once, then run the cell's recurrence. `out` (0 for none) receives
   * h_t with row stride `outStride`; `reverse` walks time backwards
   * (Bidirectional).
   * @internal
   */
  run(x: HeapBatch, out: number, outStride: number, reverse: boolean, state: HeapState, rec = 0): void {
    this.ensureParams();
    const { B, T } = x, H = this.units;
    const block = this.block(), ws = this.workspace(), k = this.backend.kernels;
    const z = ws.get('z', B * T * block.panels * block.panelWidth);
    const work = ws.get('work', recurWorkFloats(B, H));
    const p = block.pointers(this.params);
    k.project(x.ptr, B * T, x.F, p.wx, block.panels, block.panelWidth, p.b, z);
    this.cell.recur(k, { z, B, T, H, u: p.wh, bh: p.bh, state, out, outStride, reverse: reverse ? 1 : 0, work, rec, mask: x.mask ?? 0 });
    if (this.zeroOutputForMask && x.mask && out) this.zeroPadded(x, out, outStride);
  }

  /** Zero this layer's H values of every padded step's row in a [B, T] sequence of rows `stride` floats apart. @internal */
  zeroPadded(x: HeapBatch, ptr: number, stride: number): void {
    const { B, T } = x, H = this.units, ws = this.workspace();
    const m = ws.view(x.mask!, B * T);
    const padded: number[] = [];
    for (let r = 0; r < B * T; r++) if (m[r] === 0) padded.push(r);
    for (const r of padded) ws.zero(plusFloats(ptr, r * stride), H);
  }

  /** This layer's final-state buffers for batch B. @internal */
  finalH(B: number): number {
    return this.workspace().get('hT', B * this.units);
  }
  /** @internal */
  finalC(B: number): number {
    return this.workspace().get('cT', B * this.units);
  }

  config(): Record<string, unknown> {
    const c: Record<string, unknown> = { name: this.name, inputSize: this.inputSize, units: this.units, returnSequences: this.returnSequences };
    // only what differs from the defaults is kept
    if (!this.unitForgetBias) c.unitForgetBias = false;
    if (!this.useBias) c.useBias = false;
    if (this.goBackwards) c.goBackwards = true;
    if (this.zeroOutputForMask) c.zeroOutputForMask = true;
    if (this.initialState) c.initialState = { h: Array.from(this.initialState.h), ...(this.initialState.c ? { c: Array.from(this.initialState.c) } : {}) };
    if (this.cell.gates.length > 1) {
      if (this.cell.activation !== 'tanh') c.activation = this.cell.activation;
      if (this.cell.gateActivation !== 'sigmoid') c.recurrentActivation = this.cell.gateActivation;
    }
    return c;
  }
}

/** An initial state as [B, H] (or PyTorch's [1, B, H]) floats. */
function stateData(s: TensorLike, B: number, H: number, what: string): Float32Array {
  const t = toTensor(s, what);
  const ok = (t.shape.length === 2 && t.shape[0] === B && t.shape[1] === H) || (t.shape.length === 3 && t.shape[0] === 1 && t.shape[1] === B && t.shape[2] === H);
  if (!ok) fail(`${what} must have shape [${B}, ${H}] (batch, units), got [${t.shape}]`);
  return t.data;
}

/** The initialState option: { h, c? } of `units` finite numbers each; c only for an LSTM. */
function initialStateOption(v: unknown, units: number, cellState: boolean, what: string): { h: Float32Array; c?: Float32Array } {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(`${what} must be { h${cellState ? ', c' : ''} } (arrays of ${units} numbers), got ${show(v)}`);
  const o = optionsOf(v as { h?: unknown; c?: unknown }, cellState ? ['h', 'c'] : ['h'], what);
  const vector = (a: unknown, name: string): Float32Array => {
    if (!(Array.isArray(a) || a instanceof Float32Array)) fail(`${what}.${name} must be an array of ${units} numbers (one per unit, the same for every sequence), got ${show(a)}`);
    if (a.length !== units) fail(`${what}.${name} has ${a.length} values; the layer has ${units} units`);
    for (let i = 0; i < units; i++) if (typeof a[i] !== 'number' || !Number.isFinite(a[i])) fail(`${what}.${name}[${i}] is not a finite number: ${show(a[i])}`);
    return Float32Array.from(a as ArrayLike<number>);
  };
  if (o.h === undefined) fail(`${what}: h is required`);
  return { h: vector(o.h, 'h'), ...(o.c === undefined ? {} : { c: vector(o.c, 'c') }) };
}
