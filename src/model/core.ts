/**
 * The inference core of a model: a stack of layers run one after another.
 * All parameters of the model live in one contiguous block of the heap (so
 * a training step can update them in one fused call); activations pass
 * from layer to layer as heap pointers, so a predict copies in once and
 * out once.
 *
 * It carries only what predicting needs: an app that only predicts
 * ('lstm-wasm/predict') ships no trainer, optimizer, loss, model-file or
 * state_dict code. Those are functions taking the model (io/state-dict.ts,
 * ./stream.ts) or attach in the Sequential of './sequential.ts', which
 * extends this with them as methods.
 */
import { activeBackend, type Backend } from '../backend/registry.js';
import { Disposable } from '../disposable.js';
import { checkBatch } from '../check-batch.js';
import { fail, show } from '../errors.js';
import { nameOption, optionsOf } from '../options.js';
import { Layer, type HeapBatch } from '../layers/layer.js';
import { toTensor, type Tensor, type TensorLike } from '../tensor.js';
import { lengthsMask } from './lengths.js';
import { plusFloats, Workspace } from '../layers/workspace.js';

/** predict's options. */
export interface PredictOptions {
  /** One length per sequence (1 … T) of a batch padded at its end: the padding is skipped. */
  lengths?: ArrayLike<number>;
}

/**
 * A stack of layers, each feeding the next (Keras's Sequential), for inference: `predict` and
 * `summary` (load weights with `loadStateDict(model, …)`, stream with `new SequenceStream(model)`).
 * All the model's parameters are one block in the backend's memory; `dispose()` (or `using`) frees
 * it. ('lstm-wasm/predict' exports it as `Sequential`; the Sequential of 'lstm-wasm' adds training,
 * model files, state_dict and streams as methods.)
 */
export class SequentialCore extends Disposable {
  readonly layers: readonly Layer[];
  name: string;
  private backendRef: Backend | undefined;
  /** Byte pointer of the parameter block, 0 until built. */
  protected params = 0;
  private ws: Workspace | undefined;
  /** What lives on the model's memory and goes with it (open streams): disposed by dispose(). @internal */
  readonly dependents = new Set<Disposable>();

  constructor(layers: Layer[], options?: { name?: string }) {
    super();
    const o = optionsOf(options, ['name'], 'Sequential');
    if (!Array.isArray(layers) || layers.length === 0) fail('Sequential: needs a non-empty array of layers');
    layers.forEach((l, i) => {
      if (!(l instanceof Layer)) fail(`Sequential: item ${i} is not a layer (LSTM, GRU, SimpleRNN, Dense, Bidirectional, Dropout, RepeatVector, Masking)`);
      if (l.isDisposed) fail(`Sequential: layer ${l.name} was disposed`);
      l.checkClaimable(undefined, 'Sequential');
    });
    if (new Set(layers).size !== layers.length) fail('Sequential: the same layer object appears twice; create a new layer for each position');
    const names = layers.map((l) => l.name);
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    // the weights are saved under the layer names: two layers of one name would overwrite each other's
    if (twice !== undefined) fail(`Sequential: two layers are named ${show(twice)}; give each layer its own name`);
    this.layers = layers;
    this.name = o.name === undefined ? 'sequential' : nameOption(o.name, 'Sequential: name');
    // the input has a time axis unless the first layer refuses one (RepeatVector)
    this.checkTimeAxis(!layers[0].refusesTime, 'Sequential');
    // each layer's input size is the one before's output size: all checked before any is set,
    // so a failed constructor leaves the layers as they were
    const inputSizes = [layers[0].inputSize];
    for (let i = 1; i < layers.length; i++) {
      const given = layers[i].inputSize, from = layers[i - 1].outputSizeFor(inputSizes[i - 1]);
      // only a layer that passes its input's size on (Dropout, RepeatVector) can leave it unknown
      if (from === undefined) fail(`Sequential: give ${layers[0].name} inputSize; ${layers[i - 1].name} (${layers[i - 1].className}) gives as many features as it is given`);
      if (given !== undefined && given !== from) fail(`Sequential: ${layers[i].name} expects ${given} input features but ${layers[i - 1].name} before it gives ${from}`);
      inputSizes.push(from);
    }
    for (let i = 1; i < layers.length; i++) layers[i].setInputSize(inputSizes[i]!);
    for (const l of layers) l.claim(this, this.name);
  }

  /**
   * Fail if a layer that reads sequences (all but Dense, Dropout and
   * RepeatVector) would be given 2-D data: the input has no time axis, or
   * a layer before drops it; or if RepeatVector would be given 3-D data.
   * Checked up front, before any memory is taken.
   */
  private checkTimeAxis(inputHasTime: boolean, where: string): void {
    let seq = inputHasTime;
    let dropper: Layer | undefined;
    let before: Layer | undefined;
    for (const l of this.layers) {
      if (seq && l.refusesTime) {
        fail(before
          ? `${where}: ${l.name} (${l.className}) takes 2-D input [batch, features], but ${before.name} (${before.className}) before it returns every step; set returnSequences: false on it`
          : `${where}: ${l.name} (${l.className}) takes 2-D input [batch, features]; give input of shape [batch, features]`);
      }
      before = l;
      if (!seq && l.needsTime) {
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
   *
   * `lengths`: sequences padded at their end to T steps, one length each
   * (1 … T): the recurrent layers skip the padding, so a sequence's outputs
   * at its real steps, and its last output, equal running it alone. Past its
   * length a returned sequence holds the carried output (Keras's masking).
   */
  predict(x: TensorLike, options?: PredictOptions): Tensor {
    this.assertLive();
    const o = optionsOf(options, ['lengths'], `${this.name}.predict`);
    const t = toTensor(x, `${this.name}.predict: input`);
    const first = this.layers[0];
    const { B, T, F, seq } = checkBatch(t.shape, {
      owner: `${this.name}.predict`, timeOptional: !first.needsTime, features: first.inputSize, expectedBy: 'model', wrapHint: true,
    });
    if (seq !== !first.refusesTime) this.checkTimeAxis(seq, `${this.name}.predict`); // the constructor checked the other case
    if (o.lengths !== undefined && !seq) fail(`${this.name}.predict: lengths needs sequences [batch, time, features]; this input has no time axis`);
    if (o.lengths !== undefined) this.checkLengthsTakeable(`${this.name}.predict`);
    const mask = o.lengths === undefined ? undefined : lengthsMask(o.lengths, B, T, `${this.name}.predict`);
    this.build(F);
    const ws = this.workspace(), xPtr = ws.get('input', t.data.length);
    ws.write(xPtr, t.data);
    let h: HeapBatch = { ptr: xPtr, B, T, seq, F };
    if (mask) {
      h.mask = ws.get('lengthsMask', B * T);
      ws.write(h.mask, mask);
    }
    for (const layer of this.layers) h = layer.forwardHeap(h);
    return ws.read(h.ptr, h.seq ? [h.B, h.T, h.F] : [h.B, h.F]);
  }

  /**
   * Fail unless `lengths` can mask this model's input: not when a Masking layer makes the mask
   * itself (it would silently override them). @internal
   */
  checkLengthsTakeable(where: string): void {
    const masking = this.layers.find((l) => l.className === 'Masking');
    if (masking) fail(`${where}: lengths and the Masking layer ${masking.name} would both mask the input; give lengths to a model without Masking, or pad with its mask value`);
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
      at = plusFloats(at, sizes[i]);
    });
  }

  /** A table of layers, output shapes and parameter counts (Keras's counts). */
  summary(): string {
    this.assertLive();
    this.requireBuilt('summary');
    const rows: string[][] = [['Layer (type)', 'Output shape', 'Params']];
    let seq = !this.layers[0].refusesTime;
    let steps: number | undefined; // the time axis's length where a layer fixes it (RepeatVector), else "time"
    for (const l of this.layers) {
      seq = l.keepsTime(seq);
      steps = l.outputSteps(steps);
      rows.push([`${l.name} (${l.className})`, seq ? `[batch, ${steps ?? 'time'}, ${l.outputSize}]` : `[batch, ${l.outputSize}]`, String(l.countParams())]);
    }
    const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c].length)));
    const line = (r: string[]) => `${r[0].padEnd(widths[0])}  ${r[1].padEnd(widths[1])}  ${r[2].padStart(widths[2])}`;
    const rule = '─'.repeat(widths[0] + widths[1] + widths[2] + 4);
    return [`Model: ${this.name}`, rule, line(rows[0]), rule, ...rows.slice(1).map(line), rule, `Total params: ${this.countParams()}`].join('\n');
  }

  /** Free the model's heap memory: parameters, workspaces, open streams, and every layer's. */
  protected free(): void {
    for (const d of [...this.dependents]) d.dispose();
    this.ws?.free();
    for (const l of this.layers) l.dispose();
    if (this.params && this.backendRef) this.backendRef.arena.release(this.params);
    this.params = 0;
  }

  protected disposedMessage(): string {
    return `${this.name} was disposed; create a new model`;
  }

  /** The backend the model runs on: its layers' if they already hold memory, else the active one. @internal */
  get backend(): Backend {
    if (!this.backendRef) this.backendRef = this.layers.find((l) => l.boundBackend)?.boundBackend ?? activeBackend();
    return this.backendRef;
  }

  /** The model's scratch buffers, and its way to read and write floats in the heap. @internal */
  protected workspace(): Workspace {
    if (!this.ws) this.ws = new Workspace(this.backend.arena);
    return this.ws;
  }

  /** Fail unless the input size is known (given to the first layer, or fixed by a load). @internal */
  requireBuilt(what: string): void {
    if (this.layers[0].inputSize === undefined) fail(`${this.name}.${what}: input size unknown; give the first layer inputSize`);
  }
}
