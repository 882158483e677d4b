/**
 * What every layer shares: lazy building, its parameter block in the
 * backend's heap, disposal, and the heap-level `forwardHeap` that
 * Sequential chains without copying between layers.
 */
import type { ActivationName, TrainingKernels } from '../backend/kernels.js';
import { activeBackend, type Backend } from '../backend/registry.js';
import { fail } from '../errors.js';
import { Random, defaultSeed } from '../init/random.js';
import { integerIn, nameOption, optionsOf } from '../options.js';
import type { Tensor } from '../tensor.js';
import { Workspace } from './workspace.js';
import { Disposable } from '../disposable.js';

/** Whose names and layouts weights are in: PyTorch's (`weight_ih`, …) or Keras's (`kernel`, …). */
export type WeightFormat = 'torch' | 'keras';
/** Named tensors as setWeights takes them (`data` may be any array of numbers). */
export type Weights = Record<string, Tensor | { shape: number[]; data: ArrayLike<number> }>;

/** A batch of B rows, with a time axis of T steps when `seq`, F features each, at `ptr` in the heap. */
export interface HeapBatch {
  ptr: number;
  B: number;
  T: number;
  seq: boolean;
  F: number;
  /**
   * Which steps are real: [B][T] floats at this pointer, 1 for a real step and 0 for a padded
   * one (Masking, or predict's `lengths`); absent or 0 for none. Layers that keep the time axis
   * pass it on; a layer that drops it (a recurrence returning its last step) ends it.
   */
  mask?: number;
}

/** Weights checked and converted by prepareWeights; `write()` stores them and fixes the input size they imply. */
export interface PreparedWeights {
  inputSize: number;
  write(): void;
}


/**
 * The largest units or input features a layer takes (2^24). Sizes beyond
 * it could not fit a 4 GiB heap anyway; below it, what does not fit is an
 * out-of-memory error when the memory is taken.
 */
export const MAX_FEATURES = 2 ** 24;

/** Options every layer takes. */
export interface LayerOptions {
  inputSize?: number;
  name?: string;
  seed?: number;
}
const LAYER_OPTIONS = ['inputSize', 'name', 'seed'] as const;

/**
 * The base of every layer (LSTM, GRU, SimpleRNN, Dense, Bidirectional): a name, an input size,
 * and a parameter block in the backend's memory, allocated on first use. `dispose()` (or `using`) frees it.
 */
export abstract class Layer extends Disposable {
  /** 'LSTM', 'GRU', 'SimpleRNN', 'Dense', 'Bidirectional', 'Dropout', 'RepeatVector', 'Masking'. */
  abstract readonly className: string;
  name: string;
  inputSize: number | undefined;
  /** Seed of the initial weights: the one given, else a fresh one per layer. */
  readonly seed: number;
  protected backendRef: Backend | undefined;
  /** Byte pointer of this layer's parameters (packed), 0 until allocated. @internal */
  params = 0;
  /** Byte pointer of the gradients (same layout as the parameters), set when a model is compiled. @internal */
  grads: number | undefined;
  private ownsParams = false;
  private ws: Workspace | undefined;
  /** The model (or Bidirectional) this layer is part of: a layer serves one owner. */
  private owner: object | undefined;

  /** `moreOptions`: the subclass's own option names, checked here with the common ones so that any other key is an error. */
  constructor(options: LayerOptions | undefined, defaultName: string, moreOptions: readonly string[]) {
    super();
    const o = optionsOf(options, [...LAYER_OPTIONS, ...moreOptions], defaultName);
    this.inputSize = o.inputSize === undefined ? undefined : featureCount(o.inputSize, `${defaultName}: inputSize`);
    this.name = o.name === undefined ? uniqueName(defaultName) : nameOption(o.name, `${defaultName}: name`);
    this.seed = o.seed === undefined ? defaultSeed() : integerIn(o.seed, 0, 2 ** 32 - 1, `${defaultName}: seed`);
  }

  /**
   * Make this layer part of `owner` (a Sequential or a Bidirectional). A
   * layer in two models would run on parameters the other one moved or
   * freed, so a second owner is refused.
   * @internal
   */
  claim(owner: object, ownerName: string): void {
    this.checkClaimable(owner, ownerName);
    this.owner = owner;
  }

  /** Throw unless `owner` may claim this layer (it has no other owner): checked before anything is claimed. @internal */
  checkClaimable(owner: object | undefined, ownerName: string): void {
    if (this.owner !== undefined && this.owner !== owner) fail(`${ownerName}: layer ${this.name} already belongs to another model or Bidirectional; create a new layer for each model`);
  }

  /** Features per step of the output. */
  abstract get outputSize(): number;
  /** Whether the output keeps the time axis, given whether the input has one. */
  abstract keepsTime(inputHasTime: boolean): boolean;
  /** Whether the layer needs a time axis in its input (a recurrence does; Dense works on the last axis of anything). */
  abstract get needsTime(): boolean;
  /** The output's features given `inputSize` input features (undefined: not known yet); most layers fix their own. */
  outputSizeFor(_inputSize: number | undefined): number | undefined {
    return this.outputSize;
  }
  /** Whether the layer refuses a time axis in its input (RepeatVector makes one from [batch, features]). */
  get refusesTime(): boolean {
    return false;
  }
  /** Steps of the output's time axis, given the input's (undefined: not known); RepeatVector sets its own. */
  outputSteps(inputSteps: number | undefined): number | undefined {
    return inputSteps;
  }
  /** Whether the layer has weights (Dropout and RepeatVector have none, so no state_dict group maps to them). */
  get hasWeights(): boolean {
    return true;
  }
  /** Parameters as Keras counts them. */
  abstract countParams(): number;
  /** Floats of the packed parameter block (with padding). @internal */
  abstract paramFloats(): number;
  /** Write initial parameters into the layer's packed block, at byte pointer `ptr` of its backend's heap. */
  protected abstract initParams(ptr: number, rng: Random): void;
  /** Run on a batch already in the heap; returns the output batch (owned by this layer's workspace). @internal */
  abstract forwardHeap(x: HeapBatch): HeapBatch;
  /** The weights under PyTorch's (default) or Keras's names and layout. */
  abstract getWeights(options?: { to?: WeightFormat }): Record<string, Tensor>;
  /**
   * Check `weights` and convert them to the packed layout without writing
   * anything. setWeights writes at once; Bidirectional and loadStateDict
   * prepare every part first, so that a bad tensor anywhere leaves all
   * weights as they were.
   * @internal
   */
  abstract prepareWeights(weights: Weights, options?: { from?: WeightFormat }): PreparedWeights;
  /** Forward in training mode: remembers what backwardHeap needs. @internal */
  abstract forwardTrain(x: HeapBatch): HeapBatch;
  /**
   * Backward of the last forwardTrain: `dy` is ∂L/∂output (in the output's
   * layout); adds ∂L/∂parameters into the gradient block; returns a
   * pointer to ∂L/∂input, or 0 when not asked for. `k`: the backend's
   * training kernels (the trainer passes them; inference never needs them).
   * @internal
   */
  abstract backwardHeap(dy: number, needInputGrad: boolean, k: TrainingKernels): number;
  /**
   * The activation that ends this layer's output (Dense's), which a loss may
   * fuse with (crossentropy after sigmoid or softmax); undefined for none.
   * @internal
   */
  get outputActivation(): ActivationName | undefined {
    return undefined;
  }
  /**
   * Backward when `dz` already is ∂L/∂(pre-activation) of outputActivation
   * (a loss fused with it): as backwardHeap, without the activation's derivative.
   * Only a layer with an outputActivation has it (Dense).
   * @internal
   */
  backwardPreActivation?(dz: number, needInputGrad: boolean, k: TrainingKernels): number;
  /** ∂L/∂parameters of the last backward pass, under PyTorch's names. */
  abstract getGradients(): Record<string, Tensor>;
  /** The layer's constructor options, for summaries and saving. */
  abstract config(): Record<string, unknown>;

  /** Load weights in PyTorch's (default) or Keras's layout; shapes and values are checked first. */
  setWeights(weights: Weights, options?: { from?: WeightFormat }): void {
    this.prepareWeights(weights, optionsOf(options, ['from'], `${this.name}.setWeights`)).write();
  }

  /** This layer's scratch buffers in the heap (inputs, outputs, records, gradients), reused across calls. @internal */
  workspace(): Workspace {
    if (!this.ws) this.ws = new Workspace(this.backend.arena);
    return this.ws;
  }

  /** Free the workspaces (not the parameters). */
  protected freeWorkspace(): void {
    this.ws?.free();
    this.ws = undefined;
  }

  /** @internal */
  requireInputSize(): number {
    if (this.inputSize === undefined) fail(`${this.name}: input size unknown; give inputSize, put the layer in a Sequential after one that has it, or call it on data`);
    return this.inputSize;
  }

  /** Fix the input size (from the layer before, or from data), checking it against what was given. */
  setInputSize(n: number): void {
    this.assertLive();
    featureCount(n, `${this.name}: input features`);
    if (this.inputSize !== undefined && this.inputSize !== n) {
      fail(`${this.name}: expects ${this.inputSize} input features but is given ${n}`);
    }
    this.inputSize = n;
  }

  /** The backend this layer's memory lives on (bound on first use). */
  protected get backend(): Backend {
    this.assertLive();
    if (!this.backendRef) this.backendRef = activeBackend();
    return this.backendRef;
  }

  /** The backend this layer is bound to, if it has allocated anything yet. @internal */
  get boundBackend(): Backend | undefined {
    return this.backendRef;
  }

  /** The parameter block as floats, after making sure it exists. */
  protected paramView(): Float32Array {
    this.ensureParams();
    return this.workspace().view(this.params, this.paramFloats());
  }

  /**
   * Allocate (and, unless told not to, initialize) the parameters if not
   * done yet. A caller about to overwrite all of them (setWeights) passes
   * initialize = false: the random initial weights would be thrown away
   * unseen (for a large layer the orthogonal init is most of a cold start).
   * @internal
   */
  ensureParams(initialize = true): void {
    this.assertLive();
    if (this.params) return;
    this.requireInputSize();
    this.params = this.backend.arena.allocFloats(this.paramFloats());
    this.ownsParams = true;
    if (initialize) this.initParams(this.params, new Random(this.seed));
  }

  /**
   * Move the parameters into a block owned by someone else (a Sequential
   * keeps all of a model's parameters in one contiguous buffer).
   * @internal
   */
  adoptParams(backend: Backend, ptr: number): void {
    this.assertLive();
    if (this.backendRef && this.backendRef !== backend) fail(`${this.name}: layers of one model must live on one backend`);
    this.backendRef = backend;
    const n = this.paramFloats(), ws = this.workspace();
    if (this.params) {
      ws.copy(ptr, this.params, n);
      if (this.ownsParams) backend.arena.release(this.params);
    } else {
      this.initParams(ptr, new Random(this.seed));
    }
    this.params = ptr;
    this.ownsParams = false;
  }

  /** Use the gradient block at `ptr` (laid out like the parameters). @internal */
  adoptGrads(ptr: number): void {
    this.grads = ptr;
  }

  /** Everything this layer owns in the heap: its workspaces and (unless a model holds them) its parameters. */
  protected free(): void {
    if (this.backendRef) {
      this.freeWorkspace();
      if (this.ownsParams && this.params) this.backendRef.arena.release(this.params);
    }
    this.params = 0;
  }

  protected disposedMessage(): string {
    return `${this.name} (${this.className}) was disposed; create a new one`;
  }
}

/**
 * One of the layers' training hooks (their backward passes and gradients, in src/train/), which the
 * trainer sets when a model is compiled: a predict-only app never trains, so it does not ship them.
 * Unset, no model was compiled, so there is nothing to run backward on or read gradients of.
 * @internal
 */
export function trainingHook<T>(hook: T | undefined, layer: Layer): T {
  return hook ?? fail(`${layer.name}: no gradients yet (compile the model, from 'lstm-wasm', and train a batch first)`);
}

/** Keras-style default names: lstm, lstm_1, lstm_2, … */
const nameCounts = new Map<string, number>();
function uniqueName(base: string): string {
  const n = nameCounts.get(base) ?? 0;
  nameCounts.set(base, n + 1);
  return n === 0 ? base : `${base}_${n}`;
}

/** A count of units or features: a whole number from 1 to MAX_FEATURES. */
export function featureCount(n: unknown, what: string): number {
  return integerIn(n, 1, MAX_FEATURES, what);
}

