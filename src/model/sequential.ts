/**
 * A stack of layers run one after another. All parameters of the model
 * live in one contiguous block of the heap (so a training step can update
 * them in one fused call); activations pass from layer to layer as heap
 * pointers, so a predict copies in once and out once.
 */
import { activeBackend, type Backend } from '../backend/registry.js';
import { fail, show } from '../errors.js';
import { booleanOption, integerIn, nameOption, optionsOf } from '../options.js';
import { disposeSymbol, Layer, MAX_FEATURES, type HeapBatch } from '../layers/layer.js';
import { RecurrentLayer } from '../layers/recurrent.js';
import { checkFinite, toTensor, tensorFrom, type Tensor, type TensorLike } from '../tensor.js';
import { Workspace } from '../layers/workspace.js';
import { SequenceStream } from './stream.js';
import { loadStateDict, stateDict } from '../io/state-dict.js';
import { Trainer, trainingSettings, type CompileOptions, type FitOptions, type History } from '../train/trainer.js';
import type { Logs } from '../train/callbacks.js';
import { loadModel, saveModel, type ModelJSON, type SavedModel } from '../io/model-file.js';

/**
 * A stack of layers, each feeding the next (Keras's Sequential): `predict`, `stream`,
 * `compile` / `fit` / `evaluate`, `save` / `load`, and PyTorch state_dict I/O. All the model's
 * parameters are one block in the backend's memory; `dispose()` (or `using`) frees it.
 */
export class Sequential {
  readonly layers: readonly Layer[];
  name: string;
  private backendRef: Backend | undefined;
  private params = 0;
  private trainer: Trainer | undefined;
  /** Set by a callback to end fit() after the current batch. */
  stopTraining = false;
  private ws: Workspace | undefined;
  private readonly streams = new Set<SequenceStream>();
  /**
   * Where the model is in its life. While 'fitting', the trainer owns the
   * gradient block and the optimizer's state between batches: compile,
   * a second fit, trainOnBatch and computeGradients are refused; what only
   * reads or writes weight values (predict, evaluate, stream, save,
   * setWeights, loadStateDict, snapshot/restoreParams — what callbacks
   * use) is safe between batches; dispose() frees everything and the
   * running fit() rejects at its next batch instead of touching the memory.
   */
  private phase: 'ready' | 'fitting' | 'disposed' = 'ready';

  constructor(layers: Layer[], options?: { name?: string }) {
    const o = optionsOf(options, ['name'], 'Sequential');
    if (!Array.isArray(layers) || layers.length === 0) fail('Sequential: needs a non-empty array of layers');
    layers.forEach((l, i) => {
      if (!(l instanceof Layer)) fail(`Sequential: item ${i} is not a layer (LSTM, GRU, SimpleRNN, Dense, Bidirectional)`);
      if (l.isDisposed) fail(`Sequential: layer ${l.name} was disposed`);
      if (l.claimed) fail(`Sequential: layer ${l.name} already belongs to another model or Bidirectional; create a new layer for each model`);
    });
    if (new Set(layers).size !== layers.length) fail('Sequential: the same layer object appears twice; create a new layer for each position');
    const names = layers.map((l) => l.name);
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    // the weights are saved under the layer names: two layers of one name would overwrite each other's
    if (twice !== undefined) fail(`Sequential: two layers are named ${show(twice)}; give each layer its own name`);
    this.layers = layers;
    this.name = o.name === undefined ? 'sequential' : nameOption(o.name, 'Sequential: name');
    this.checkTimeAxis(true, 'Sequential');
    // each layer's input size is the one before's output size: all checked before any is set,
    // so a failed constructor leaves the layers as they were
    for (let i = 1; i < layers.length; i++) {
      const given = layers[i].inputSize, from = layers[i - 1].outputSize;
      if (given !== undefined && given !== from) fail(`Sequential: ${layers[i].name} expects ${given} input features but ${layers[i - 1].name} before it gives ${from}`);
    }
    for (let i = 1; i < layers.length; i++) layers[i].setInputSize(layers[i - 1].outputSize);
    for (const l of layers) l.claim(this, this.name);
  }

  /**
   * Fail if a layer that reads sequences (all but Dense) would be given
   * 2-D data: the input has no time axis, or a layer before drops it.
   * Checked up front, before any memory is taken.
   */
  private checkTimeAxis(inputHasTime: boolean, where: string): void {
    let seq = inputHasTime;
    let dropper: Layer | undefined;
    for (const l of this.layers) {
      if (!seq && l.className !== 'Dense') {
        fail(dropper
          ? `${where}: ${l.name} (${l.className}) needs a time axis, but ${dropper.name} (${dropper.className}) before it returns only its last step; set returnSequences: true on ${dropper.name}`
          : `${where}: ${l.name} (${l.className}) needs a time axis; give input of shape [batch, time, features]`);
      }
      if (seq && !l.keepsTime(seq)) dropper = l;
      seq = l.keepsTime(seq);
    }
  }

  /** Output features per step. */
  get outputSize(): number {
    return this.layers[this.layers.length - 1].outputSize;
  }

  /** Input features per step (the first layer's inputSize), if known yet. */
  get inputSize(): number | undefined {
    return this.layers[0].inputSize;
  }

  /** Parameters of the whole model, Keras's count. */
  countParams(): number {
    this.requireBuilt('countParams');
    return this.layers.reduce((n, l) => n + l.countParams(), 0);
  }

  /**
   * Run the model on x: [B, T, F] for a recurrent first layer ([B, F] for
   * a Dense one). Returns a new tensor; the heap is not touched beyond the
   * model's reused workspaces.
   */
  predict(x: TensorLike): Tensor {
    this.assertLive();
    const t = toTensor(x, `${this.name}.predict: input`);
    const first = this.layers[0];
    const recurrentFirst = !(first.className === 'Dense');
    if (recurrentFirst && t.shape.length !== 3) {
      fail(`${this.name}.predict: input must be 3-D [batch, time, features], got shape [${t.shape}]` + (t.shape.length === 2 ? ' (for one sequence, wrap it: [x])' : ''));
    }
    if (!recurrentFirst && t.shape.length !== 2 && t.shape.length !== 3) fail(`${this.name}.predict: input must be [batch, features] or [batch, time, features], got [${t.shape}]`);
    const seq = t.shape.length === 3;
    const B = t.shape[0], T = seq ? t.shape[1] : 1, F = t.shape[t.shape.length - 1];
    if (B < 1 || T < 1) fail(`${this.name}.predict: input needs at least one sequence and one step, got shape [${t.shape}]`);
    if (first.inputSize !== undefined && first.inputSize !== F) {
      fail(`${this.name}.predict: input has ${F} features but the model expects ${first.inputSize}`);
    }
    if (!seq) this.checkTimeAxis(false, `${this.name}.predict`);
    this.build(F);
    const xPtr = this.workspace().get('input', t.data.length);
    this.backend.arena.f32().set(t.data, xPtr >> 2);
    let h: HeapBatch = { ptr: xPtr, B, T, seq, F };
    for (const layer of this.layers) h = layer.forwardHeap(h);
    return tensorFrom(this.backend.arena.f32(), h.ptr >> 2, h.seq ? [h.B, h.T, h.F] : [h.B, h.F]);
  }

  /**
   * A stream over live data: feed one step (or a chunk of steps) at a
   * time; each recurrent layer's state is carried between calls in the
   * heap. `batch` sequences run side by side.
   */
  stream(options?: { batch?: number }): SequenceStream {
    this.assertLive();
    const o = optionsOf(options, ['batch'], `${this.name}.stream`);
    for (const l of this.layers) {
      if (!(l instanceof RecurrentLayer) && l.className !== 'Dense') fail(`${this.name}.stream: a ${l.className} layer needs the whole sequence (it reads it backwards); streaming works with LSTM, GRU, SimpleRNN and Dense`);
    }
    const batch = o.batch === undefined ? 1 : integerIn(o.batch, 1, MAX_FEATURES, `${this.name}.stream: batch`);
    this.requireBuilt('stream');
    this.build(this.layers[0].inputSize!);
    // the model frees its open streams when it is disposed; a stream disposed first unregisters
    const s: SequenceStream = new SequenceStream(this, this.backend, batch, () => this.streams.delete(s));
    this.streams.add(s);
    return s;
  }

  /** Allocate the contiguous parameter block (once) and move every layer's parameters into it. */
  build(inputSize: number): void {
    this.assertLive();
    if (this.params) return;
    const b = this.backend;
    // checked before allocating: a layer left on another heap would run its kernels on foreign pointers
    const stray = this.layers.find((l) => l.boundBackend && l.boundBackend !== b);
    if (stray) fail(`${this.name}: layer ${stray.name} holds memory on the '${stray.boundBackend!.kernels.name}' backend but the model runs on '${b.kernels.name}'; make all of a model's layers with one backend active`);
    this.layers[0].setInputSize(inputSize);
    const sizes = this.layers.map((l) => l.paramFloats());
    this.params = b.arena.allocFloats(sizes.reduce((a, n) => a + n, 0));
    let at = this.params;
    this.layers.forEach((l, i) => {
      l.adoptParams(b, at);
      at += 4 * sizes[i];
    });
  }

  /**
   * Load a whole PyTorch state_dict (a record of tensors, or safetensors
   * bytes): stacked _l{k} groups map to successive layers, _reverse to
   * Bidirectional, Linear to Dense. Shapes are checked layer by layer.
   */
  loadStateDict(source: Record<string, Tensor> | Uint8Array | ArrayBuffer): void {
    loadStateDict(this, source);
    if (this.layers[0].inputSize !== undefined) this.build(this.layers[0].inputSize);
  }

  /** The weights under PyTorch names, `<layer name>.<param>` (write them with writeSafetensors). */
  stateDict(): Record<string, Tensor> {
    return stateDict(this);
  }

  /** A table of layers, output shapes and parameter counts (Keras's counts). */
  summary(): string {
    this.assertLive();
    this.requireBuilt('summary');
    const rows: string[][] = [['Layer (type)', 'Output shape', 'Params']];
    let seq = true;
    for (const l of this.layers) {
      seq = l.keepsTime(seq);
      rows.push([`${l.name} (${l.className})`, seq ? `[batch, time, ${l.outputSize}]` : `[batch, ${l.outputSize}]`, String(l.countParams())]);
    }
    const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c].length)));
    const line = (r: string[]) => `${r[0].padEnd(widths[0])}  ${r[1].padEnd(widths[1])}  ${r[2].padStart(widths[2])}`;
    const rule = '─'.repeat(widths[0] + widths[1] + widths[2] + 4);
    return [`Model: ${this.name}`, rule, line(rows[0]), rule, ...rows.slice(1).map(line), rule, `Total params: ${this.countParams()}`].join('\n');
  }

  /**
   * Prepare for training (Keras's compile): optimizer (instance or name,
   * default 'rmsprop'), loss (default 'mse') and metrics. Compiling again
   * starts a fresh optimizer state.
   */
  compile(options?: CompileOptions): void {
    this.assertIdle('compile');
    this.requireBuilt('compile');
    this.build(this.layers[0].inputSize!);
    const settings = trainingSettings(options); // checked before the old state goes: a bad option leaves it compiled as it was
    this.trainer?.dispose();
    this.trainer = undefined;
    this.trainer = new Trainer(this, settings);
  }

  /** Train for `epochs` over x [samples, time, features] and y; resolves with the per-epoch history. */
  async fit(x: TensorLike, y: TensorLike, options?: FitOptions): Promise<History> {
    // async: every failure, even "compile first", is a rejection
    const trainer = this.compiled('fit');
    this.assertIdle('fit');
    this.phase = 'fitting';
    try {
      return await trainer.fit(x, y, options);
    } finally {
      if (this.phase === 'fitting') this.phase = 'ready';
    }
  }

  /** One optimizer step on one batch; returns the loss before the step. */
  trainOnBatch(x: TensorLike, y: TensorLike): number {
    this.assertIdle('trainOnBatch');
    return this.compiled('trainOnBatch').trainOnBatch(x, y);
  }

  /** Loss and metrics on x, y without training: { loss, …metrics }. Also from a fit() callback. */
  evaluate(x: TensorLike, y: TensorLike, options?: { batchSize?: number }): Logs {
    return this.compiled('evaluate').evaluate(x, y, options);
  }

  /** Loss and ∂loss/∂parameters on one batch under PyTorch names (as stateDict), without updating. */
  computeGradients(x: TensorLike, y: TensorLike): { loss: number; grads: Record<string, Tensor> } {
    this.assertIdle('computeGradients');
    return this.compiled('computeGradients').computeGradients(x, y);
  }

  /** The optimizer in use, once compiled. */
  get optimizer() {
    return this.trainer?.optimizer;
  }

  /** The compiled loss's name, once compiled. */
  get lossName(): string | undefined {
    return this.trainer?.loss.name;
  }

  /** The compiled metrics' names, once compiled. */
  get metricNames(): string[] {
    return this.trainer?.metrics ?? [];
  }

  /** The architecture as JSON plus the weights (and, if asked, the optimizer state) as safetensors. */
  save(options?: { includeOptimizer?: boolean }): SavedModel {
    const o = optionsOf(options, ['includeOptimizer'], `${this.name}.save`);
    if (o.includeOptimizer !== undefined) booleanOption(o.includeOptimizer, `${this.name}.save: includeOptimizer`);
    return saveModel(this, o);
  }

  /** A model from what save() wrote. */
  static load(json: ModelJSON | string, weights: Uint8Array | ArrayBuffer): Sequential {
    return loadModel(json, weights);
  }

  private compiled(what: string): Trainer {
    this.assertLive();
    return this.trainer ?? fail(`${this.name}.${what}: compile the model first, e.g. model.compile({ optimizer: 'adam', loss: 'mse' })`);
  }

  /** The contiguous parameter block: where it is, how many floats, on which backend. @internal */
  parameterBlock(): { backend: Backend; ptr: number; floats: number } {
    this.assertLive();
    this.requireBuilt('parameterBlock');
    this.build(this.layers[0].inputSize!);
    return { backend: this.backend, ptr: this.params, floats: this.layers.reduce((n, l) => n + l.paramFloats(), 0) };
  }

  /** A copy of all parameters (packed), e.g. for restoring the best epoch's weights. */
  snapshotParams(into?: Float32Array): Float32Array {
    const { backend, ptr, floats } = this.parameterBlock();
    const out = into?.length === floats ? into : new Float32Array(floats);
    out.set(backend.arena.f32().subarray(ptr >> 2, (ptr >> 2) + floats));
    return out;
  }

  /** Put back parameters taken with snapshotParams(). */
  restoreParams(snapshot: Float32Array): void {
    const { backend, ptr, floats } = this.parameterBlock();
    if (!(snapshot instanceof Float32Array) || snapshot.length !== floats) fail(`${this.name}.restoreParams: needs a Float32Array of ${floats} values from snapshotParams(), got ${show(snapshot)}`);
    checkFinite(snapshot, `${this.name}.restoreParams: snapshot`);
    backend.arena.f32().set(snapshot, ptr >> 2);
  }

  /** Free the model's heap memory: parameters, workspaces, and every layer's. Safe to call twice. */
  dispose(): void {
    if (this.phase === 'disposed') return;
    this.phase = 'disposed'; // first: a running fit() sees it at its next batch
    this.trainer?.dispose();
    this.trainer = undefined;
    for (const s of [...this.streams]) s.dispose();
    this.ws?.free();
    for (const l of this.layers) l.dispose();
    if (this.params && this.backendRef) this.backendRef.arena.release(this.params);
    this.params = 0;
  }

  /** Same as dispose(), for `using`. */
  [disposeSymbol](): void {
    this.dispose();
  }

  /** Whether dispose() was called. */
  get isDisposed(): boolean {
    return this.phase === 'disposed';
  }

  /** Whether fit() is running. */
  get isFitting(): boolean {
    return this.phase === 'fitting';
  }

  /** The backend the model runs on: its layers' if they already hold memory, else the active one. @internal */
  get backend(): Backend {
    if (!this.backendRef) this.backendRef = this.layers.find((l) => l.boundBackend)?.boundBackend ?? activeBackend();
    return this.backendRef;
  }

  private workspace(): Workspace {
    if (!this.ws) this.ws = new Workspace(this.backend.arena);
    return this.ws;
  }

  private requireBuilt(what: string): void {
    if (this.layers[0].inputSize === undefined) fail(`${this.name}.${what}: input size unknown; give the first layer inputSize`);
  }

  /** @internal */
  assertLive(): void {
    if (this.phase === 'disposed') fail(`${this.name} was disposed; create a new model`);
  }

  /** Live and not in the middle of fit(): for what would pull the trainer's memory from under it. */
  private assertIdle(what: string): void {
    this.assertLive();
    if (this.phase === 'fitting') fail(`${this.name}.${what}: fit() is running on this model; await it first (to end it early, abort its signal or set model.stopTraining = true)`);
  }
}
