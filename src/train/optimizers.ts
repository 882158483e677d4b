/**
 * Optimizers with Keras's names, defaults and update rules. A model's
 * parameters and gradients are each one contiguous buffer in the heap, so
 * a step is one fused kernel call over the whole model (plus one to clip).
 */
import type { Backend } from '../backend/registry.js';
import { fail } from '../errors.js';
import { resolveSchedule, type LearningRate, type Schedule } from './schedules.js';

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

  constructor(options: OptimizerOptions, defaultLearningRate: number) {
    this.schedule = resolveSchedule(options.learningRate ?? defaultLearningRate);
    this.globalClipNorm = positiveOrUndefined(options.globalClipNorm, 'globalClipNorm');
    this.clipValue = positiveOrUndefined(options.clipValue, 'clipValue');
  }

  /** The learning rate of the next update. */
  get learningRate(): number {
    return this.schedule(this.iterations);
  }

  /** Slot buffers (momentum, moments …) this optimizer keeps per parameter. */
  protected abstract get slotCount(): number;
  protected abstract update(params: number, grads: number, slots: number[], lr: number): void;

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
    const k = backend.kernels;
    const norm = Math.sqrt(k.sumSquares(grads, n));
    if (!Number.isFinite(norm)) return norm;
    const scale = this.globalClipNorm !== undefined && norm > this.globalClipNorm ? this.globalClipNorm / norm : 1;
    if (scale !== 1 || this.clipValue !== undefined) k.scaleClip(grads, n, scale, this.clipValue ?? Infinity);
    this.update(params, grads, this.slots, this.learningRate);
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
  constructor(options: SGDOptions = {}) {
    super(options, 0.01);
    this.momentum = inRange(options.momentum ?? 0, 0, 1, 'SGD momentum');
    this.nesterov = options.nesterov ?? false;
  }
  protected get slotCount(): number {
    return 1;
  }
  protected settings() {
    return { momentum: this.momentum, nesterov: this.nesterov };
  }
  protected update(p: number, g: number, [v]: number[], lr: number): void {
    this.backend!.kernels.sgdUpdate(p, g, v, this.n, lr, this.momentum, this.nesterov ? 1 : 0);
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
  constructor(options: RMSpropOptions = {}) {
    super(options, 1e-3);
    this.rho = inRange(options.rho ?? 0.9, 0, 1, 'RMSprop rho');
    this.epsilon = options.epsilon ?? 1e-7;
  }
  protected get slotCount(): number {
    return 1;
  }
  protected settings() {
    return { rho: this.rho, epsilon: this.epsilon };
  }
  protected update(p: number, g: number, [ms]: number[], lr: number): void {
    this.backend!.kernels.rmspropUpdate(p, g, ms, this.n, lr, this.rho, this.epsilon);
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
  constructor(options: AdamOptions = {}) {
    super(options, 1e-3);
    this.beta1 = inRange(options.beta1 ?? 0.9, 0, 1, 'Adam beta1');
    this.beta2 = inRange(options.beta2 ?? 0.999, 0, 1, 'Adam beta2');
    this.epsilon = options.epsilon ?? 1e-7;
  }
  protected get slotCount(): number {
    return 2;
  }
  protected settings(): Record<string, number | boolean> {
    return { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
  protected update(p: number, g: number, [m, v]: number[], lr: number): void {
    const t = this.iterations + 1;
    const lrT = (lr * Math.sqrt(1 - this.beta2 ** t)) / (1 - this.beta1 ** t);
    this.backend!.kernels.adamUpdate(p, g, m, v, this.n, lrT, this.beta1, this.beta2, this.epsilon, lr * this.decay);
  }
}

export interface AdamWOptions extends AdamOptions {
  weightDecay?: number;
}

/** Adam with decoupled weight decay: p −= lr·wd·p before the Adam step. Keras default wd 0.004. */
export class AdamW extends Adam {
  override readonly name = 'AdamW';
  readonly weightDecay: number;
  constructor(options: AdamWOptions = {}) {
    super(options);
    this.weightDecay = options.weightDecay ?? 0.004;
    this.decay = this.weightDecay;
  }
  protected override settings() {
    return { ...super.settings(), weightDecay: this.weightDecay };
  }
}

export type OptimizerName = 'sgd' | 'rmsprop' | 'adam' | 'adamw';

/** An optimizer from its name, or from a saved config() ({ name, …options }). */
export function getOptimizer(o: Optimizer | OptimizerName | string | Record<string, unknown>): Optimizer {
  if (o instanceof Optimizer) return o;
  if (typeof o === 'object' && o !== null) {
    const { name, ...options } = o as { name: string };
    switch (String(name).toLowerCase()) {
      case 'sgd': return new SGD(options);
      case 'rmsprop': return new RMSprop(options);
      case 'adam': return new Adam(options);
      case 'adamw': return new AdamW(options);
    }
    fail(`unknown optimizer ${JSON.stringify(name)} in a saved config`);
  }
  switch (String(o).toLowerCase()) {
    case 'sgd': return new SGD();
    case 'rmsprop': return new RMSprop();
    case 'adam': return new Adam();
    case 'adamw': return new AdamW();
  }
  fail(`unknown optimizer ${JSON.stringify(o)}; use 'sgd', 'rmsprop', 'adam', 'adamw' or an instance such as new Adam({ learningRate })`);
}

function inRange(x: number, lo: number, hi: number, what: string): number {
  if (!(x >= lo && x < hi)) fail(`${what} must be in [${lo}, ${hi}), got ${x}`);
  return x;
}

function positiveOrUndefined(x: number | undefined, what: string): number | undefined {
  if (x === undefined) return undefined;
  if (!(x > 0)) fail(`${what} must be a positive number, got ${x}`);
  return x;
}
