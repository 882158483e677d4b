/**
 * LSTM, GRU and SimpleRNN share everything but their cell: the hoisted
 * input projection (one GEMM over all B·T rows), the recurrence kernel,
 * weight import/export and workspaces. A `CellSpec` says what differs.
 *
 * Packed parameter block (see backend/kernels.ts for the panel layout):
 *   wx  [Hp/4][I][4G]   input weights
 *   wh  [Hp/4][H][4G]   recurrent weights
 *   b   [Hp/4][G][4]    bias (LSTM, RNN: bias_ih + bias_hh; GRU: input bias)
 *   bh  [Hp/4][G][4]    GRU only: recurrent bias (applied before the reset gate)
 */
import { backWorkFloats, recordFloats, roundUp4, recurWorkFloats, type TrainingKernels } from '../backend/kernels.js';
import { fail } from '../errors.js';
import { glorotUniform, orthogonal } from '../init/initializers.js';
import type { Random } from '../init/random.js';
import { toTensor, tensorFrom, type Tensor, type TensorLike } from '../tensor.js';
import { add, packBias, packPanels, reorderGates, transpose, unpackBias, unpackPanels } from '../weights/packing.js';
import { checkWeightRecord, rejectUnknown, takeWeight } from '../weights/take.js';
import { booleanOption, optionsOf } from '../options.js';
import { Layer, featureCount, type HeapBatch, type PreparedWeights, type WeightFormat, type Weights } from './layer.js';

export interface CellSpec {
  kind: 'lstm' | 'gru' | 'rnn';
  /** Gates per unit, in PyTorch's order: LSTM i,f,g,o; GRU r,z,n; RNN one. */
  gates: number;
  /** Keras's gate blocks, as indices into PyTorch's order. */
  kerasOrder: readonly number[];
  /** GRU keeps its recurrent bias apart (it sits inside the reset gate). */
  recurrentBias: boolean;
}

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
}

/** Initial or carried state: h (and c for LSTM), each [B, units]. */
export interface RecurrentState {
  h?: TensorLike;
  c?: TensorLike;
  /** Also return every step's gate activations and states (see RecurrentOutput.record). */
  record?: boolean;
}

/**
 * What a recorded forward pass saw, each [B, T, units], in time order:
 * LSTM input, forget, candidate, output gates and cell (c_t) and hidden
 * (h_t) states; GRU reset, update, candidate and hidden; SimpleRNN hidden.
 */
export type GateRecord = Record<string, Tensor>;

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

/** Heap pointers of a state to start from and to leave the final one in (they may be the same). */
export interface HeapState {
  h0: number;
  c0: number;
  hT: number;
  cT: number;
}

/**
 * What LSTM, GRU and SimpleRNN share: their options, weights in PyTorch's or Keras's layout, and
 * `forward(x, { h, c })` over whole sequences [batch, time, features].
 */
export abstract class RecurrentLayer extends Layer {
  readonly units: number;
  readonly returnSequences: boolean;
  readonly unitForgetBias: boolean;
  protected abstract readonly cell: CellSpec;
  /** What the last training forward left for backward. */
  private saved: { x: HeapBatch; rec: number } | undefined;

  /** `moreOptions`: a subclass's own option names (SimpleRNN's activation). */
  constructor(options: RecurrentOptions, defaultName: string, moreOptions: readonly string[] = []) {
    if (options === undefined || options === null) fail(`${defaultName}: options { units } are required`);
    super(options, defaultName, ['units', 'returnSequences', 'unitForgetBias', ...moreOptions]);
    this.units = featureCount(options.units, `${defaultName}: units`);
    this.returnSequences = options.returnSequences === undefined ? false : booleanOption(options.returnSequences, `${defaultName}: returnSequences`);
    this.unitForgetBias = options.unitForgetBias === undefined ? true : booleanOption(options.unitForgetBias, `${defaultName}: unitForgetBias`);
  }

  get outputSize(): number {
    return this.units;
  }

  keepsTime(): boolean {
    return this.returnSequences;
  }

  /** Whether the cell carries a c state besides h (LSTM). */
  get hasCellState(): boolean {
    return this.cell.kind === 'lstm';
  }

  countParams(): number {
    const { gates: G, recurrentBias } = this.cell;
    const H = this.units, I = this.requireInputSize();
    return G * H * (I + H + 1) + (recurrentBias ? G * H : 0);
  }

  /** @internal */
  paramFloats(): number {
    const G = this.cell.gates, Hp = roundUp4(this.units), I = this.requireInputSize();
    return Hp * G * (I + this.units + 1 + (this.cell.recurrentBias ? 1 : 0));
  }

  /** Float offsets of wx, wh, b, bh inside the parameter block. */
  private offsets() {
    const G = this.cell.gates, Hp = roundUp4(this.units), I = this.requireInputSize();
    const wx = 0, wh = wx + Hp * G * I, b = wh + Hp * G * this.units, bh = b + Hp * G;
    return { wx, wh, b, bh };
  }

  protected initParams(view: Float32Array, rng: Random): void {
    const G = this.cell.gates, H = this.units, I = this.requireInputSize();
    const bias = new Float32Array(G * H);
    if (this.cell.kind === 'lstm' && this.unitForgetBias) bias.fill(1, H, 2 * H); // unit forget bias: start with the conveyor belt open
    this.writeTorchForm(view, {
      wx: glorotUniform(rng, G * H, I, I, G * H),
      wh: orthogonal(rng, G * H, H),
      b: bias,
      bh: new Float32Array(G * H),
    });
  }

  /** Pack PyTorch-form (gate-major) matrices into the parameter block. */
  private writeTorchForm(view: Float32Array, w: { wx: Float32Array; wh: Float32Array; b: Float32Array; bh: Float32Array }): void {
    const G = this.cell.gates, H = this.units, I = this.requireInputSize();
    const o = this.offsets();
    view.set(packPanels(w.wx, G, H, I), o.wx);
    view.set(packPanels(w.wh, G, H, H), o.wh);
    view.set(packBias(w.b, G, H), o.b);
    if (this.cell.recurrentBias) view.set(packBias(w.bh, G, H), o.bh);
  }

  /** The parameter block (or the gradient block, which has the same layout) in PyTorch form. */
  private readTorchForm(view: Float32Array = this.paramView()) {
    const G = this.cell.gates, H = this.units, I = this.requireInputSize(), Hp = roundUp4(H);
    const o = this.offsets();
    return {
      wx: unpackPanels(view.subarray(o.wx, o.wh), G, H, I),
      wh: unpackPanels(view.subarray(o.wh, o.b), G, H, H),
      b: unpackBias(view.subarray(o.b, o.b + Hp * G), G, H),
      bh: this.cell.recurrentBias ? unpackBias(view.subarray(o.bh, o.bh + Hp * G), G, H) : new Float32Array(G * H),
    };
  }

  /**
   * Weights in PyTorch's names (nn.LSTM/GRU/RNN state_dict: weight_ih_l0,
   * weight_hh_l0, bias_ih_l0, bias_hh_l0) or Keras's (kernel,
   * recurrentKernel, bias). LSTM and SimpleRNN keep one bias, so PyTorch
   * export puts it all in bias_ih_l0 and zeros in bias_hh_l0 (their sum is
   * what counts).
   */
  getWeights(options: { to?: WeightFormat; suffix?: string } = {}): Record<string, Tensor> {
    const G = this.cell.gates, H = this.units, I = this.requireInputSize();
    const w = this.readTorchForm();
    if ((options.to ?? 'torch') === 'torch') {
      const s = options.suffix ?? '_l0';
      return {
        [`weight_ih${s}`]: { shape: [G * H, I], data: w.wx },
        [`weight_hh${s}`]: { shape: [G * H, H], data: w.wh },
        [`bias_ih${s}`]: { shape: [G * H], data: w.b },
        [`bias_hh${s}`]: { shape: [G * H], data: w.bh },
      };
    }
    if (options.to !== 'keras') fail(`${this.name}: getWeights: unknown format ${JSON.stringify(options.to)}; use 'torch' or 'keras'`);
    const order = this.cell.kerasOrder;
    const kernel = transpose(reorderGates(w.wx, order, H, I), G * H, I);
    const recurrentKernel = transpose(reorderGates(w.wh, order, H, H), G * H, H);
    const b = reorderGates(w.b, order, H, 1);
    if (this.cell.recurrentBias) {
      const bias = new Float32Array(2 * G * H);
      bias.set(b);
      bias.set(reorderGates(w.bh, order, H, 1), G * H);
      return { kernel: { shape: [I, G * H], data: kernel }, recurrentKernel: { shape: [H, G * H], data: recurrentKernel }, bias: { shape: [2, G * H], data: bias } };
    }
    return { kernel: { shape: [I, G * H], data: kernel }, recurrentKernel: { shape: [H, G * H], data: recurrentKernel }, bias: { shape: [G * H], data: b } };
  }

  /** Load weights from PyTorch's or Keras's layout (see getWeights). Shapes are checked; a layer without inputSize takes it from the weights. @internal */
  prepareWeights(weights: Weights, options: { from?: WeightFormat; suffix?: string } = {}): PreparedWeights {
    this.assertLive();
    const G = this.cell.gates, H = this.units, from = options.from ?? 'torch', owner = `${this.name}.setWeights`;
    checkWeightRecord(weights, owner);
    let I: number;
    let w: { wx: Float32Array; wh: Float32Array; b: Float32Array; bh: Float32Array };
    if (from === 'torch') {
      const s = options.suffix ?? '_l0';
      const names = (base: string) => (s ? [`${base}${s}`, base] : [base]);
      const ih = weights[`weight_ih${s}`] ?? weights.weight_ih;
      I = this.inputSize ?? (ih?.shape?.length === 2 ? ih.shape[1] : this.requireInputSize());
      const known = ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'].flatMap(names);
      rejectUnknown(weights, known, owner);
      const bih = takeWeight(weights, names('bias_ih'), [G * H], owner, true) ?? new Float32Array(G * H);
      const bhh = takeWeight(weights, names('bias_hh'), [G * H], owner, true) ?? new Float32Array(G * H);
      w = {
        wx: takeWeight(weights, names('weight_ih'), [G * H, I], owner)!,
        wh: takeWeight(weights, names('weight_hh'), [G * H, H], owner)!,
        b: this.cell.recurrentBias ? bih : add(bih, bhh),
        bh: bhh,
      };
    } else if (from === 'keras') {
      const k = weights.kernel;
      I = this.inputSize ?? (k?.shape?.length === 2 ? k.shape[0] : this.requireInputSize());
      rejectUnknown(weights, ['kernel', 'recurrentKernel', 'recurrent_kernel', 'bias'], owner);
      const order = this.cell.kerasOrder;
      const back = inverse(order);
      const kernel = takeWeight(weights, ['kernel'], [I, G * H], owner)!;
      const recurrent = takeWeight(weights, ['recurrentKernel', 'recurrent_kernel'], [H, G * H], owner)!;
      let b: Float32Array = new Float32Array(G * H), bh: Float32Array = new Float32Array(G * H);
      if (this.cell.recurrentBias) {
        if (weights.bias?.shape?.length === 1) fail(`${owner}: GRU bias of shape [${weights.bias.shape}] means Keras reset_after=False, which PyTorch and lstm-wasm do not compute; export with reset_after=True (bias [2, ${G * H}])`);
        const both = takeWeight(weights, ['bias'], [2, G * H], owner, true);
        if (both) { b = both.slice(0, G * H); bh = both.slice(G * H); }
      } else {
        b = takeWeight(weights, ['bias'], [G * H], owner, true) ?? b;
      }
      w = {
        wx: reorderGates(transpose(kernel, I, G * H), back, H, I),
        wh: reorderGates(transpose(recurrent, H, G * H), back, H, H),
        b: reorderGates(b, back, H, 1),
        bh: reorderGates(bh, back, H, 1),
      };
    } else {
      fail(`${owner}: unknown format ${JSON.stringify(from)}; use 'torch' or 'keras'`);
    }
    featureCount(I, `${owner}: input features`);
    return {
      inputSize: I,
      write: () => {
        if (this.inputSize === undefined) this.setInputSize(I);
        this.writeTorchForm(this.paramView(false), w); // every parameter is written
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
    if (t.shape.length !== 3) fail(`${this.name}: input must be 3-D [batch, time, features], got shape [${t.shape}]`);
    const [B, T, F] = t.shape;
    if (B < 1 || T < 1) fail(`${this.name}: input needs at least one sequence and one step, got shape [${t.shape}]`);
    if (this.inputSize !== undefined && F !== this.inputSize) fail(`${this.name}: input has ${F} features but the layer expects ${this.inputSize}`);
    const H = this.units;
    // check the states before changing or allocating anything: a failed call leaves nothing behind
    if (state.c !== undefined && !this.hasCellState) fail(`${this.name}: a ${this.className} has no cell state c`);
    const hData = state.h === undefined ? undefined : stateData(state.h, B, H, `${this.name}: initial h`);
    const cData = state.c === undefined ? undefined : stateData(state.c, B, H, `${this.name}: initial c`);
    if (this.inputSize === undefined) this.setInputSize(F);
    this.ensureParams();
    const ws = this.workspace();
    const xPtr = ws.get('input', B * T * F);
    const h0 = hData ? ws.get('h0', B * H) : 0;
    const c0 = cData ? ws.get('c0', B * H) : 0;
    const m = this.backend.arena.f32();
    m.set(t.data, xPtr >> 2);
    if (hData) m.set(hData, h0 >> 2);
    if (cData) m.set(cData, c0 >> 2);
    const rec = state.record ? this.record(B, T) : 0;
    const out = this.forwardHeap({ ptr: xPtr, B, T, seq: true, F }, { h0, c0, hT: this.finalH(B), cT: this.finalC(B) }, rec);
    const view = this.backend.arena.f32();
    const result: RecurrentOutput = {
      output: tensorFrom(view, out.ptr >> 2, out.seq ? [B, T, H] : [B, H]),
      h: tensorFrom(view, this.finalH(B) >> 2, [B, H]),
    };
    if (this.hasCellState) result.c = tensorFrom(view, this.finalC(B) >> 2, [B, H]);
    if (rec) result.record = this.readRecord(view, rec, B, T);
    return result;
  }

  /**
   * Unpack a training record (layout in backend/kernels.ts: per step and
   * sequence, the gates in panel order, then per-step state sections) into
   * [B, T, H] tensors named for what they are.
   */
  private readRecord(m: Float32Array, rec: number, B: number, T: number): GateRecord {
    const H = this.units, Hp = roundUp4(H), G = this.cell.gates, R = rec >> 2;
    const names = this.cell.kind === 'lstm' ? ['input', 'forget', 'candidate', 'output'] : this.cell.kind === 'gru' ? ['reset', 'update', 'candidate'] : [];
    // state sections after the gates: LSTM cell, hidden; GRU a_n (internal), hidden; RNN hidden
    const sections = this.cell.kind === 'lstm' ? [['cell', 4], ['hidden', 5]] : this.cell.kind === 'gru' ? [['hidden', 4]] : [['hidden', 0]];
    const out: GateRecord = {};
    const gates = names.map(() => new Float32Array(B * T * H));
    const states = sections.map(() => new Float32Array(B * T * H));
    for (let t = 0; t < T; t++)
      for (let b = 0; b < B; b++)
        for (let j = 0; j < H; j++) {
          const dst = (b * T + t) * H + j, row = t * B + b;
          names.forEach((_, g) => (gates[g][dst] = m[R + row * G * Hp + (j >> 2) * 4 * G + g * 4 + (j & 3)]));
          sections.forEach(([, at], s) => (states[s][dst] = m[R + (at as number) * T * B * Hp + row * Hp + j]));
        }
    names.forEach((n, g) => (out[n] = { shape: [B, T, H], data: gates[g] }));
    sections.forEach(([n], s) => (out[n as string] = { shape: [B, T, H], data: states[s] }));
    return out;
  }

  /**
   * ∂L/∂weights of the last backward pass under PyTorch's names. With one
   * bias kept for PyTorch's two, both get its gradient (∂L/∂b_ih = ∂L/∂b_hh).
   */
  getGradients(suffix = '_l0'): Record<string, Tensor> {
    const G = this.cell.gates, H = this.units, I = this.requireInputSize();
    const g = this.readTorchForm(this.gradView());
    return {
      [`weight_ih${suffix}`]: { shape: [G * H, I], data: g.wx },
      [`weight_hh${suffix}`]: { shape: [G * H, H], data: g.wh },
      [`bias_ih${suffix}`]: { shape: [G * H], data: g.b },
      [`bias_hh${suffix}`]: { shape: [G * H], data: this.cell.recurrentBias ? g.bh : g.b.slice() },
    };
  }

  /** Forward in training mode: the recurrence records what backward needs; the input is remembered. @internal */
  forwardTrain(x: HeapBatch): HeapBatch {
    if (!x.seq) fail(`${this.name}: needs 3-D input [batch, time, features]; the layer before returns 2-D (set returnSequences: true on it)`);
    const { B, T } = x;
    const out = this.returnSequences ? this.workspace().get('sequence', B * T * this.units) : 0;
    const st = { h0: 0, c0: 0, hT: this.finalH(B), cT: this.finalC(B) };
    this.saved = { x, rec: this.record(B, T) };
    this.run(x, out, this.units, false, st, this.saved.rec);
    return this.returnSequences ? { ptr: out, B, T, seq: true, F: this.units } : { ptr: st.hT, B, T: 1, seq: false, F: this.units };
  }

  /** Backward of forwardTrain: dy is ∂L/∂output; accumulates weight gradients; returns ∂L/∂input (or 0). @internal */
  backwardHeap(dy: number, needInputGrad: boolean, k: TrainingKernels): number {
    const s = this.saved ?? fail(`${this.name}: backward without a training forward`);
    const dx = needInputGrad ? this.inputGrad(s.x) : 0;
    if (this.returnSequences) this.backRun(k, s.x, s.rec, dy, this.units, 0, false, dx);
    else this.backRun(k, s.x, s.rec, 0, 0, dy, false, dx);
    return dx;
  }

  /** A zeroed ∂L/∂input buffer for x. @internal */
  inputGrad(x: HeapBatch): number {
    const n = x.B * x.T * x.F;
    const dx = this.workspace().get('dx', n);
    this.backend.arena.f32().fill(0, dx >> 2, (dx >> 2) + n);
    return dx;
  }

  /** The training record of this layer for B sequences of T steps. @internal */
  record(B: number, T: number): number {
    return this.workspace().get('rec', recordFloats(this.cell.kind, B, T, this.units));
  }

  /**
   * Backward through time from a recorded forward `run`, then the weight
   * gradients over all steps as GEMMs and, if dx ≠ 0, ∂L/∂x added into dx.
   * dout (stride doutStride) is ∂L/∂h_t per step, dhT ∂L/∂(final h); either may be 0.
   * @internal
   */
  backRun(k: TrainingKernels, x: HeapBatch, rec: number, dout: number, doutStride: number, dhT: number, reverse: boolean, dx: number): void {
    const { B, T } = x, rows = B * T;
    const G = this.cell.gates, H = this.units, Hp = roundUp4(H), pw = 4 * G, panels = Hp / 4;
    const ws = this.workspace();
    const dz = ws.get('dz', rows * G * Hp);
    const hprev = ws.get('hprev', rows * H);
    const work = ws.get('backWork', backWorkFloats(B, H));
    const o = this.offsets(), p = this.params, g = this.grads ?? fail(`${this.name}: no gradient buffer (compile the model first)`);
    const rev = reverse ? 1 : 0;
    let dzh = dz; // the gradient that reaches U (and b_h): the same as dz except for GRU
    if (this.cell.kind === 'lstm') k.lstmBackward(rec, B, T, H, p + 4 * o.wh, 0, 0, dout, doutStride, dhT, 0, rev, dz, hprev, 0, 0, work);
    else if (this.cell.kind === 'gru') {
      dzh = ws.get('dza', rows * G * Hp);
      k.gruBackward(rec, B, T, H, p + 4 * o.wh, 0, dout, doutStride, dhT, rev, dz, dzh, hprev, 0, work);
    } else k.rnnBackward(rec, B, T, H, p + 4 * o.wh, 0, dout, doutStride, dhT, rev, this.reluFlag(), dz, hprev, 0, work);
    k.gradWeights(x.ptr, rows, x.F, dz, panels, pw, g + 4 * o.wx, g + 4 * o.b);
    k.gradWeights(hprev, rows, H, dzh, panels, pw, g + 4 * o.wh, this.cell.recurrentBias ? g + 4 * o.bh : 0);
    if (dx) k.gradInput(dz, rows, x.F, p + 4 * o.wx, panels, pw, dx);
  }

  /** Heap forward for Sequential: from `state` (default zeros, final state in this layer's buffers). @internal */
  forwardHeap(x: HeapBatch, state?: HeapState, rec = 0): HeapBatch {
    if (!x.seq) fail(`${this.name}: needs 3-D input [batch, time, features]; the layer before returns 2-D (set returnSequences: true on it)`);
    const { B, T } = x;
    const out = this.returnSequences ? this.workspace().get('sequence', B * T * this.units) : 0;
    const st = state ?? { h0: 0, c0: 0, hT: this.finalH(B), cT: this.finalC(B) };
    this.run(x, out, this.units, false, st, rec);
    return this.returnSequences
      ? { ptr: out, B, T, seq: true, F: this.units }
      : { ptr: st.hT, B, T: 1, seq: false, F: this.units };
  }

  /**
   * The two kernel calls of a recurrent layer: project all B·T input rows
   * at once, then run the recurrence. `out` (0 for none) receives h_t with
   * row stride `outStride`; `reverse` walks time backwards (Bidirectional).
   * @internal
   */
  run(x: HeapBatch, out: number, outStride: number, reverse: boolean, st: HeapState, rec = 0): void {
    this.ensureParams();
    const { B, T } = x;
    const G = this.cell.gates, H = this.units, Hp = roundUp4(H);
    const ws = this.workspace();
    const z = ws.get('z', B * T * G * Hp);
    const work = ws.get('work', recurWorkFloats(B, H));
    const k = this.backend.kernels;
    const p = this.params, o = this.offsets();
    const wx = p + 4 * o.wx, wh = p + 4 * o.wh, b = p + 4 * o.b;
    k.project(x.ptr, B * T, x.F, wx, Hp / 4, 4 * G, b, z);
    const rev = reverse ? 1 : 0;
    if (this.cell.kind === 'lstm') k.lstmRecur(z, B, T, H, wh, st.h0, st.c0, out, outStride, st.hT, st.cT, rev, work, rec);
    else if (this.cell.kind === 'gru') k.gruRecur(z, B, T, H, wh, p + 4 * o.bh, st.h0, out, outStride, st.hT, rev, work, rec);
    else k.rnnRecur(z, B, T, H, wh, st.h0, out, outStride, st.hT, rev, this.reluFlag(), work, rec);
  }

  /** SimpleRNN overrides: 1 for relu. */
  protected reluFlag(): number {
    return 0;
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
    if (!this.unitForgetBias) c.unitForgetBias = false; // only ever false is worth keeping (true is the default)
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

function inverse(order: readonly number[]): number[] {
  const inv: number[] = [];
  order.forEach((src, g) => (inv[src] = g));
  return inv;
}
