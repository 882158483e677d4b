/**
 * Optimizers with Keras's names, defaults and update rules. A model's
 * parameters and gradients are each one contiguous buffer in the heap, so
 * a step is one fused kernel call over the whole model (plus one to clip).
 */
import type { TrainingKernels } from '../backend/kernels.js';
import type { Backend } from '../backend/registry.js';
import { fail, show } from '../errors.js';
import { booleanOption, numberIn, optionsOf, positiveNumber } from '../options.js';
import { resolveSchedule, type LearningRate, type Schedule } from './schedules.js';
import { trainingKernels } from './training-kernels.js';

const BASE_OPTIONS = ['learningRate', 'globalClipNorm', 'clipValue'] as const;

export interface OptimizerOptions {
  learningRate?: LearningRate;
  /** Rescale all gradients together so their global L2 norm is at most this. */
  globalClipNorm?: number;
  /** Clip every gradient value to [−clipValue, clipValue]. */
  clipValue?: number;
}

/**
 * The base of SGD, RMSprop, Adam and AdamW: the learning rate (a number or a schedule),
 * gradient clipping, and slot buffers (momentum, moments) in the backend's memory.
 */
export abstract class Optimizer {
  abstract readonly name: string;
  /** Updates done so far (Keras's `iterations`). */
  iterations = 0;
  protected readonly schedule: Schedule;
  readonly globalClipNorm: number | undefined;
  readonly clipValue: number | undefined;
  protected backend: Backend | undefined;
  protected n = 0;
  private slots: number[] = [];
  /** The model this optimizer trains: its slots are sized for that model's parameters. */
  private owner: object | undefined;

  /** `options` are checked (with the subclass's own names in `moreOptions`): any other key is an error. */
  constructor(options: OptimizerOptions | undefined, defaultLearningRate: number, owner: string, moreOptions: readonly string[]) {
    const o = optionsOf(options, [...BASE_OPTIONS, ...moreOptions], owner);
    this.schedule = resolveSchedule(o.learningRate ?? defaultLearningRate);
    this.globalClipNorm = o.globalClipNorm === undefined ? undefined : positiveNumber(o.globalClipNorm, `${owner}: globalClipNorm`);
    this.clipValue = o.clipValue === undefined ? undefined : positiveNumber(o.clipValue, `${owner}: clipValue`);
  }

  /** The learning rate of the next update (a schedule's value is checked: it must be positive and finite). */
  get learningRate(): number {
    const lr = this.schedule(this.iterations);
    if (typeof lr !== 'number' || !Number.isFinite(lr) || !(lr > 0)) fail(`${this.name}: the learning-rate schedule gave ${show(lr)} at update ${this.iterations}; it must give positive finite numbers`);
    return lr;
  }

  /** Serve `model` (compile does this): an optimizer instance trains one model at a time. @internal */
  claim(model: object): void {
    if (this.owner !== undefined && this.owner !== model) fail(`${this.name}: this optimizer instance already trains another model; create one per model`);
    this.owner = model;
  }

  /** Slot buffers (momentum, moments …) this optimizer keeps per parameter. */
  protected abstract get slotCount(): number;
  protected abstract update(k: TrainingKernels, params: number, grads: number, slots: number[], lr: number): void;

  /**
   * Clip, then update `n` parameters at `params` from the gradients at
   * `grads`. Returns the global gradient norm before clipping (the trainer
   * reports a non-finite norm instead of updating).
   * @internal
   */
  apply(backend: Backend, params: number, grads: number, n: number): number {
    if (this.backend && (this.backend !== backend || this.n !== n)) fail(`${this.name}: an optimizer instance serves one model; create one per model`);
    if (!this.backend) {
      this.backend = backend;
      this.n = n;
      this.slots = Array.from({ length: this.slotCount }, () => backend.arena.allocFloats(n));
    }
    const k = trainingKernels(backend);
    const norm = Math.sqrt(k.sumSquares(grads, n));
    if (!Number.isFinite(norm)) return norm;
    const scale = this.globalClipNorm !== undefined && norm > this.globalClipNorm ? this.globalClipNorm / norm : 1;
    if (scale !== 1 || this.clipValue !== undefined) k.scaleClip(grads, n, scale, this.clipValue ?? Infinity);
    this.update(k, params, grads, this.slots, this.learningRate);
    this.iterations++;
    return norm;
  }

  /** The settings to rebuild this optimizer (a schedule is saved as the learning rate it has reached). */
  config(): Record<string, number | boolean | string | undefined> {
    return { name: this.name, learningRate: this.learningRate, globalClipNorm: this.globalClipNorm, clipValue: this.clipValue, ...this.settings() };
  }

  protected abstract settings(): Record<string, number | boolean>;

  /** Slot buffers (pointers into the heap, each n floats) and the update count, for saving. @internal */
  state(): { iterations: number; slots: number[]; n: number } {
    return { iterations: this.iterations, slots: this.slots, n: this.n };
  }

  /** Put back a saved state: the update count and each slot's values. @internal */
  loadState(backend: Backend, n: number, iterations: number, slots: Float32Array[]): void {
    // a plain loop, not some(): a sparse array (a slot missing from the file) must fail too
    let fits = slots.length === this.slotCount;
    for (let i = 0; fits && i < slots.length; i++) fits = slots[i] instanceof Float32Array && slots[i].length === n;
    if (!fits) fail(`${this.name}: saved optimizer state does not fit: it needs ${this.slotCount} slot(s) of ${n} values, the file has [${Array.from(slots, (v) => v?.length ?? 'missing')}]`);
    this.dispose();
    this.backend = backend;
    this.n = n;
    this.slots = slots.map((v) => {
      const p = backend.arena.allocFloats(n);
      backend.arena.f32().set(v, p >> 2);
      return p;
    });
    this.iterations = iterations;
  }

  /** Free the slot buffers and start over (a recompile gives a fresh state: moments and update count). */
  dispose(): void {
    if (this.backend) for (const s of this.slots) this.backend.arena.release(s);
    this.slots = [];
    this.backend = undefined;
    this.n = 0;
    this.iterations = 0;
    this.owner = undefined;
  }
}

export interface SGDOptions extends OptimizerOptions {
  momentum?: number;
  nesterov?: boolean;
}

/** v = momentum·v − lr·g;  p += v  (Nesterov: p += momentum·v − lr·g). Defaults: lr 0.01, momentum 0. */
export class SGD extends Optimizer {
  readonly name = 'SGD';
  readonly momentum: number;
  readonly nesterov: boolean;
  constructor(options?: SGDOptions) {
    super(options, 0.01, 'SGD', ['momentum', 'nesterov']);
    this.momentum = options?.momentum === undefined ? 0 : numberIn(options.momentum, 0, 1, 'SGD: momentum', 'hi');
    this.nesterov = options?.nesterov === undefined ? false : booleanOption(options.nesterov, 'SGD: nesterov');
  }
  protected get slotCount(): number {
    return 1;
  }
  protected settings() {
    return { momentum: this.momentum, nesterov: this.nesterov };
  }
  protected update(k: TrainingKernels, p: number, g: number, [v]: number[], lr: number): void {
    k.sgdUpdate(p, g, v, this.n, lr, this.momentum, this.nesterov ? 1 : 0);
  }
}

export interface RMSpropOptions extends OptimizerOptions {
  rho?: number;
  epsilon?: number;
}

/** ms = ρ·ms + (1−ρ)·g²;  p −= lr·g / √(ms + ε) (Keras's ε, inside the root). Keras defaults: lr 1e-3, ρ 0.9, ε 1e-7. */
export class RMSprop extends Optimizer {
  readonly name = 'RMSprop';
  readonly rho: number;
  readonly epsilon: number;
  constructor(options?: RMSpropOptions) {
    super(options, 1e-3, 'RMSprop', ['rho', 'epsilon']);
    this.rho = options?.rho === undefined ? 0.9 : numberIn(options.rho, 0, 1, 'RMSprop: rho', 'hi');
    this.epsilon = options?.epsilon === undefined ? 1e-7 : positiveNumber(options.epsilon, 'RMSprop: epsilon');
  }
  protected get slotCount(): number {
    return 1;
  }
  protected settings() {
    return { rho: this.rho, epsilon: this.epsilon };
  }
  protected update(k: TrainingKernels, p: number, g: number, [ms]: number[], lr: number): void {
    k.rmspropUpdate(p, g, ms, this.n, lr, this.rho, this.epsilon);
  }
}

export interface AdamOptions extends OptimizerOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/**
 * m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²;
 * p −= lr·√(1−β2ᵗ)/(1−β1ᵗ) · m / (√v + ε).  Keras defaults: lr 1e-3, β 0.9/0.999, ε 1e-7.
 */
export class Adam extends Optimizer {
  readonly name: string = 'Adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  protected decay = 0;
  constructor(options?: AdamOptions, name = 'Adam', moreOptions: readonly string[] = []) {
    super(options, 1e-3, name, ['beta1', 'beta2', 'epsilon', ...moreOptions]);
    this.beta1 = options?.beta1 === undefined ? 0.9 : numberIn(options.beta1, 0, 1, `${name}: beta1`, 'hi');
    this.beta2 = options?.beta2 === undefined ? 0.999 : numberIn(options.beta2, 0, 1, `${name}: beta2`, 'hi');
    this.epsilon = options?.epsilon === undefined ? 1e-7 : positiveNumber(options.epsilon, `${name}: epsilon`);
  }
  protected get slotCount(): number {
    return 2;
  }
  protected settings(): Record<string, number | boolean> {
    return { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
  protected update(k: TrainingKernels, p: number, g: number, [m, v]: number[], lr: number): void {
    const t = this.iterations + 1;
    const lrT = (lr * Math.sqrt(1 - this.beta2 ** t)) / (1 - this.beta1 ** t);
    k.adamUpdate(p, g, m, v, this.n, lrT, this.beta1, this.beta2, this.epsilon, lr * this.decay);
  }
}

export interface AdamWOptions extends AdamOptions {
  weightDecay?: number;
}

/** Adam with decoupled weight decay: p −= lr·wd·p before the Adam step. Keras default wd 0.004. */
export class AdamW extends Adam {
  override readonly name = 'AdamW';
  readonly weightDecay: number;
  constructor(options?: AdamWOptions) {
    super(options, 'AdamW', ['weightDecay']);
    this.weightDecay = options?.weightDecay === undefined ? 0.004 : numberIn(options.weightDecay, 0, 1, 'AdamW: weightDecay');
    this.decay = this.weightDecay;
  }
  protected override settings() {
    return { ...super.settings(), weightDecay: this.weightDecay };
  }
}

export type OptimizerName = 'sgd' | 'rmsprop' | 'adam' | 'adamw';

/** An optimizer's constructor by its name as compile() takes it ('adam') or config() saves it ('Adam'). */
const OPTIMIZERS = new Map<string, new (options?: Record<string, unknown>) => Optimizer>([
  ['sgd', SGD], ['rmsprop', RMSprop], ['adam', Adam as new (options?: Record<string, unknown>) => Optimizer], ['adamw', AdamW],
]);

/** An optimizer from its name, or from a saved config() ({ name, …options }). */
export function getOptimizer(o: Optimizer | OptimizerName | string | Record<string, unknown>): Optimizer {
  if (o instanceof Optimizer) return o;
  if (typeof o === 'object' && o !== null && !Array.isArray(o)) {
    const { name, ...options } = o as { name?: unknown };
    const Ctor = typeof name === 'string' ? OPTIMIZERS.get(name.toLowerCase()) : undefined;
    if (!Ctor) fail(`unknown optimizer ${show(name)} in a saved config; use SGD, RMSprop, Adam or AdamW`);
    // a saved config writes every setting, undefined ones (no clipping) dropped by JSON
    return new Ctor(options);
  }
  const Ctor = typeof o === 'string' ? OPTIMIZERS.get(o.toLowerCase()) : undefined;
  if (!Ctor) fail(`unknown optimizer ${show(o)}; use 'sgd', 'rmsprop', 'adam', 'adamw' or an instance such as new Adam({ learningRate })`);
  return new Ctor();
}
