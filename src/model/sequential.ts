/**
 * The Sequential of 'lstm-wasm': the inference core (./core.ts) with
 * training (compile, fit, trainOnBatch, evaluate, computeGradients) and
 * model files (save, Sequential.load) attached. An app that only predicts
 * imports the core from 'lstm-wasm/predict' and ships none of this.
 */
import { fail } from '../errors.js';
import { booleanOption, optionsOf } from '../options.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { Trainer, trainingSettings, type CompileOptions, type FitOptions, type History } from '../train/trainer.js';
import { getOptimizer } from '../train/optimizers.js';
import type { LossName } from '../train/losses.js';
import type { Logs } from '../train/callbacks.js';
import { readModelFile, saveModel, type ModelJSON, type SavedModel } from '../io/model-file.js';
import { SequentialCore } from './core.js';

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

  /** Whether fit() is running. */
  get isFitting(): boolean {
    return this.fitting && !this.isDisposed;
  }

  /** The architecture as JSON plus the weights (and, if asked, the optimizer state) as safetensors. */
  save(options?: { includeOptimizer?: boolean }): SavedModel {
    const o = optionsOf(options, ['includeOptimizer'], `${this.name}.save`);
    if (o.includeOptimizer !== undefined) booleanOption(o.includeOptimizer, `${this.name}.save: includeOptimizer`);
    return saveModel(this, o);
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
    return this.trainer ?? fail(`${this.name}.${what}: compile the model first, e.g. model.compile({ optimizer: 'adam', loss: 'mse' })`);
  }

  /** Live and not in the middle of fit(): for what would pull the trainer's memory from under it. */
  private assertIdle(what: string): void {
    this.assertLive();
    if (this.fitting) fail(`${this.name}.${what}: fit() is running on this model; await it first (to end it early, abort its signal or set model.stopTraining = true)`);
  }
}

/** A Sequential from what saveModel() (or `model.save()`) wrote. Same as `Sequential.load()`. */
export function loadModel(json: ModelJSON | string, weights: Uint8Array | ArrayBuffer): Sequential {
  return Sequential.load(json, weights);
}
