/**
 * The Sequential of 'lstm-wasm': the inference core (./core.ts) with
 * training (compile, fit, trainOnBatch, evaluate, computeGradients), model
 * files (save, Sequential.load), PyTorch state_dict I/O and streams
 * attached as methods. An app that only predicts imports the core from
 * 'lstm-wasm/predict' and ships none of this.
 */
import type { Backend } from '../backend/registry.js';
import { fail, show } from '../errors.js';
import { booleanOption, optionsOf } from '../options.js';
import { checkFinite, type Tensor, type TensorLike } from '../tensor.js';
import { loadStateDict, stateDict } from '../io/state-dict.js';
import { Trainer, trainingSettings, type CompileOptions, type FitOptions, type History } from '../train/trainer.js';
import { getOptimizer } from '../train/optimizers.js';
import type { LossName } from '../train/losses.js';
import type { Logs } from '../train/callbacks.js';
import { readModelFile, saveModel, type ModelJSON, type SavedModel } from '../io/model-file.js';
import { toOnnx } from '../io/onnx/save.js';
import { toTfjs, type TfjsModelJSON } from '../io/tfjs/save.js';
import { SequentialCore } from './core.js';
import { SequenceStream } from './stream.js';

/**
 * A stack of layers, each feeding the next (Keras's Sequential): `predict`, `stream`,
 * `compile` / `fit` / `evaluate`, `save` / `load`, and PyTorch state_dict I/O. All the model's
 * parameters are one block in the backend's memory; `dispose()` (or `using`) frees it.
 */
export class Sequential extends SequentialCore {
  private trainer: Trainer | undefined;
  /** Set by a callback to end fit() after the current batch. */
  stopTraining = false;
  /**
   * While fit() runs, the trainer owns the gradient block and the
   * optimizer's state between batches: compile, a second fit, trainOnBatch
   * and computeGradients are refused; what only reads or writes weight
   * values (predict, evaluate, stream, save, setWeights, loadStateDict,
   * snapshot/restoreParams — what callbacks use) is safe between batches;
   * dispose() frees everything and the running fit() rejects at its next
   * batch instead of touching the memory.
   */
  private fitting = false;

  /**
   * Prepare for training (Keras's compile): optimizer (instance or name,
   * default 'rmsprop'), loss (default 'mse') and metrics. Compiling again
   * starts a fresh optimizer state.
   */
  compile(options?: CompileOptions): void {
    this.assertIdle('compile');
    this.requireBuilt('compile');
    this.refuseQuantized('compile');
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
    this.fitting = true;
    try {
      return await trainer.fit(x, y, options);
    } finally {
      this.fitting = false;
    }
  }

  /** One optimizer step on one batch; returns the loss before the step. */
  trainOnBatch(x: TensorLike, y: TensorLike): number {
    this.assertIdle('trainOnBatch');
    return this.compiled('trainOnBatch').trainOnBatch(x, y);
  }

  /** Loss and metrics on x, y without training: { loss, …metrics }. Also from a fit() callback. */
  evaluate(x: TensorLike, y: TensorLike, options?: { batchSize?: number; lengths?: ArrayLike<number> }): Logs {
    return this.compiled('evaluate').evaluate(x, y, options);
  }

  /** Loss and ∂loss/∂parameters on one batch under PyTorch names (as stateDict), without updating. */
  computeGradients(x: TensorLike, y: TensorLike, options?: { lengths?: ArrayLike<number> }): { loss: number; grads: Record<string, Tensor> } {
    this.assertIdle('computeGradients');
    return this.compiled('computeGradients').computeGradients(x, y, options);
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

  /** Whether fit() is running. */
  get isFitting(): boolean {
    return this.fitting && !this.isDisposed;
  }

  /**
   * A stream over live data: feed one step (or a chunk of steps) at a
   * time; each recurrent layer's state is carried between calls in the
   * heap. `batch` sequences run side by side. Same as `new SequenceStream(model, options)`.
   */
  stream(options?: { batch?: number }): SequenceStream {
    return new SequenceStream(this, options);
  }

  /**
   * Load a whole PyTorch state_dict (a record of tensors, or safetensors
   * bytes): stacked _l{k} groups map to successive layers, _reverse to
   * Bidirectional, Linear to Dense. Shapes are checked layer by layer.
   */
  loadStateDict(source: Record<string, Tensor> | Uint8Array | ArrayBuffer): void {
    loadStateDict(this, source);
  }

  /** The weights under PyTorch names, `<layer name>.<param>` (write them with writeSafetensors). */
  stateDict(): Record<string, Tensor> {
    return stateDict(this);
  }

  /** The model as the bytes of an .onnx file (opset 14), whose output equals predict's. */
  toOnnx(): Uint8Array {
    return toOnnx(this);
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
    const { ptr, floats } = this.parameterBlock();
    const out = into?.length === floats ? into : new Float32Array(floats);
    out.set(this.workspace().view(ptr, floats));
    return out;
  }

  /** Put back parameters taken with snapshotParams(). */
  restoreParams(snapshot: Float32Array): void {
    this.refuseQuantized('restoreParams'); // the int8 weights would not follow
    const { ptr, floats } = this.parameterBlock();
    if (!(snapshot instanceof Float32Array) || snapshot.length !== floats) fail(`${this.name}.restoreParams: needs a Float32Array of ${floats} values from snapshotParams(), got ${show(snapshot)}`);
    checkFinite(snapshot, `${this.name}.restoreParams: snapshot`);
    this.workspace().write(ptr, snapshot);
  }

  /** The architecture as JSON plus the weights (and, if asked, the optimizer state) as safetensors. */
  save(options?: { includeOptimizer?: boolean }): SavedModel {
    const o = optionsOf(options, ['includeOptimizer'], `${this.name}.save`);
    if (o.includeOptimizer !== undefined) booleanOption(o.includeOptimizer, `${this.name}.save: includeOptimizer`);
    return saveModel(this, o);
  }

  /** The model as TF.js's model.save() writes it: model.json (an object) and its weights shard (saved as weights.bin). */
  toTfjs(): { modelJson: TfjsModelJSON; weights: Uint8Array } {
    return toTfjs(this);
  }

  /** A model from what save() wrote: its layers, weights and (if saved) compile settings and optimizer state. */
  static load(json: ModelJSON | string, weights: Uint8Array | ArrayBuffer): Sequential {
    const file = readModelFile(json, weights);
    let model: Sequential;
    try {
      model = new Sequential(file.layers, { name: file.name });
    } catch (e) {
      for (const l of file.layers) l.dispose();
      throw e;
    }
    try {
      model.loadStateDict(file.params);
      if (file.compile) {
        const c = file.compile;
        model.compile({ optimizer: getOptimizer(c.optimizer), loss: c.loss as LossName, metrics: c.metrics as never });
        if (file.slots.length) {
          const { backend, floats } = model.parameterBlock();
          model.optimizer!.loadState(backend, floats, file.iterations, file.slots);
        }
      }
    } catch (e) {
      model.dispose();
      throw e;
    }
    return model;
  }

  /** Free the trainer's memory (gradients, optimizer state) with the model's. */
  protected override free(): void {
    this.trainer?.dispose(); // a running fit() sees it at its next batch and rejects
    this.trainer = undefined;
    super.free();
  }

  private compiled(what: string): Trainer {
    this.assertLive();
    this.refuseQuantized(what);
    return this.trainer ?? fail(`${this.name}.${what}: compile the model first, e.g. model.compile({ optimizer: 'adam', loss: 'mse' })`);
  }

  /**
   * Fail if the model is quantized: training runs the f32 kernels' backward, which a quantized
   * model has none of, and restoreParams would leave its int8 weights stale. Nothing is
   * quantized before the int8 code loads, which puts its check here (src/quantize/attach.ts).
   * @internal
   */
  refuseQuantized(_what: string): void {}

  /** Live and not in the middle of fit(): for what would pull the trainer's memory from under it. @internal */
  assertIdle(what: string): void {
    this.assertLive();
    if (this.fitting) fail(`${this.name}.${what}: fit() is running on this model; await it first (to end it early, abort its signal or set model.stopTraining = true)`);
  }
}

/** A Sequential from what saveModel() (or `model.save()`) wrote. Same as `Sequential.load()`. */
export function loadModel(json: ModelJSON | string, weights: Uint8Array | ArrayBuffer): Sequential {
  return Sequential.load(json, weights);
}
