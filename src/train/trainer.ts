/**
 * Training a Sequential: one step is a forward pass that records what
 * backward needs, the loss and its gradient, backpropagation through every
 * layer (in wasm, over whole sequences), clipping and one fused optimizer
 * update over the model's contiguous parameter block. fit() runs epochs of
 * such steps with Keras's options and yields to the event loop between
 * batches.
 */
import { lengthsMask } from '../model/lengths.js';
import { realRows, scatterRows } from './masked-loss.js';
import { checkBatch } from '../check-batch.js';
import { fail, show } from '../errors.js';
import { booleanOption, integerIn, numberIn, oneOf, optionsOf } from '../options.js';
import type { TrainingKernels } from '../backend/kernels.js';
import type { HeapBatch } from '../layers/layer.js';
import { plusFloats, Workspace } from '../layers/workspace.js';
import type { Sequential } from '../model/sequential.js';
import { Random } from '../init/random.js';
import type { Backend } from '../backend/registry.js';
import { toTensor, type Tensor, type TensorLike } from '../tensor.js';
import type { Callback, Logs } from './callbacks.js';
import { getLoss, type Loss, type LossName } from './losses.js';
import { getOptimizer, type Optimizer, type OptimizerName } from './optimizers.js';
import { trainingKernels } from './training-kernels.js';
import { recurrentTraining } from './recurrent-backward.js';
import { setRecurrentTraining } from '../layers/recurrent.js';
import { denseTraining } from './dense-backward.js';
import { setDenseTraining } from '../layers/dense.js';
import { meanAbsoluteError, meanSquaredError } from '../timeseries/metrics.js';

export type MetricName = 'mse' | 'mae' | 'rmse' | 'accuracy';

export interface CompileOptions {
  /** An instance (new Adam({ learningRate })) or a name with default settings. Default 'rmsprop', as Keras. */
  optimizer?: Optimizer | OptimizerName;
  /** Default 'mse'. */
  loss?: LossName | Loss;
  metrics?: MetricName[];
}

export interface FitOptions {
  epochs?: number;
  batchSize?: number;
  /** Shuffle the training samples every epoch (default true), reproducibly from `seed`. */
  shuffle?: boolean;
  seed?: number;
  /** The last fraction of the samples (taken before shuffling) is held out for validation. */
  validationSplit?: number;
  validationData?: [TensorLike, TensorLike];
  callbacks?: Callback | Callback[];
  /** Aborting stops training after the current batch; fit resolves with the history so far. */
  signal?: AbortSignal;
  /**
   * Where warnings go (the loss exploding, …); default console.warn. Every
   * warning is also kept in `history.warnings`.
   */
  onWarning?: (message: string) => void;
  /**
   * One length per sample (1 … T) of sequences padded at their end: the
   * padded steps neither change the state nor count in the loss (see
   * predict's lengths). Not with validationData (give its own model a Masking layer).
   */
  lengths?: ArrayLike<number>;
}

export interface History {
  /** Epoch indices that ran. */
  epoch: number[];
  /** Per epoch: loss, metrics, and val_ versions when there is validation data. */
  history: Record<string, number[]>;
  /** Why training ended before `epochs`, if it did. */
  stopped?: 'aborted' | 'stopTraining';
  /** Warnings raised during training, in order (also passed to `onWarning`). */
  warnings: string[];
}

/** An epoch's loss this many times the untrained model's counts as exploded (a warning, once per fit). */
const EXPLODED = 100;

/** compile()'s options, checked and resolved: an optimizer instance, a loss, metric names. */
interface TrainingSettings {
  optimizer: Optimizer;
  loss: Loss;
  metrics: MetricName[];
}

const METRICS: readonly MetricName[] = ['mse', 'mae', 'rmse', 'accuracy'];
const FIT_OPTIONS = ['epochs', 'batchSize', 'shuffle', 'seed', 'validationSplit', 'validationData', 'callbacks', 'signal', 'onWarning', 'lengths'] as const;
const CALLBACK_HOOKS = ['onTrainBegin', 'onTrainEnd', 'onEpochBegin', 'onEpochEnd', 'onBatchBegin', 'onBatchEnd'] as const;

/** Check compile()'s options and resolve names to objects, before anything is allocated. */
export function trainingSettings(options: CompileOptions | undefined): TrainingSettings {
  const o = optionsOf(options, ['optimizer', 'loss', 'metrics'], 'compile');
  if (o.metrics !== undefined && !Array.isArray(o.metrics)) fail(`compile: metrics must be an array of names such as ['mae'], got ${show(o.metrics)}`);
  const metrics = (o.metrics ?? []).map((m) => oneOf(m, METRICS, 'compile: metric'));
  // each metric is one key of the logs: a second one would be silently merged into the first
  const twice = metrics.find((m, i) => metrics.indexOf(m) !== i);
  if (twice !== undefined) fail(`compile: metric '${twice}' is listed twice; list each metric once`);
  return { optimizer: getOptimizer(o.optimizer ?? 'rmsprop'), loss: getLoss(o.loss ?? 'mse'), metrics };
}

/** A batch size: a whole number ≥ 1 (larger than the data is one batch). */
function batchSizeOf(v: unknown, what: string): number {
  return v === undefined ? 32 : integerIn(v, 1, Number.MAX_SAFE_INTEGER, `${what}: batchSize`);
}

/** Samples of x [S, T, F] (or [S, F]) and y [S, …] checked against the model. */
interface Dataset {
  x: Tensor;
  y: Tensor;
  samples: number;
  /** From `lengths`: [samples][T] floats, 1 for a real step. */
  mask?: Float32Array;
}

export class Trainer {
  readonly optimizer: Optimizer;
  readonly loss: Loss;
  readonly metrics: MetricName[];
  private readonly grads: number;
  private readonly kernels: TrainingKernels;
  private readonly ws: Workspace;
  private yBatch = new Float32Array(0);
  /** The weights before the current update, put back if it made them non-finite. */
  private lastGood = new Float32Array(0);
  /** Σ w² right after the last update (to tell whether anything changed the weights since). */
  private afterUpdate = Number.NaN;
  private lastYield = 0;
  private disposed = false;
  /** The model's backend: the gradient block lives there (kept to free it after the model is gone). */
  private readonly backend: Backend;

  constructor(private readonly model: Sequential, settings: TrainingSettings) {
    ({ optimizer: this.optimizer, loss: this.loss, metrics: this.metrics } = settings);
    const { backend, floats } = model.parameterBlock();
    this.kernels = trainingKernels(backend); // first: a backend that cannot train fails before anything is claimed or taken
    // the layers' backward passes and gradients live with the trainer, so that a predict-only app does not ship them
    setRecurrentTraining(recurrentTraining);
    setDenseTraining(denseTraining);
    this.optimizer.claim(model);
    this.backend = backend;
    this.grads = backend.arena.allocFloats(floats);
    let at = this.grads;
    for (const l of model.layers) {
      l.adoptGrads(at);
      at = plusFloats(at, l.paramFloats());
    }
    this.ws = new Workspace(backend.arena);
  }

  /** One update on a batch; returns the loss before the update (Keras's trainOnBatch). */
  trainOnBatch(x: TensorLike, y: TensorLike): number {
    const d = this.dataset(x, y, 'trainOnBatch');
    return this.step(d, range(d.samples)).loss;
  }

  /** Loss and ∂loss/∂parameters (PyTorch names, as stateDict) on a batch, without updating. */
  computeGradients(x: TensorLike, y: TensorLike, options?: { lengths?: ArrayLike<number> }): { loss: number; grads: Record<string, Tensor> } {
    const o = optionsOf(options, ['lengths'], 'computeGradients');
    const d = this.dataset(x, y, 'computeGradients', o.lengths);
    const loss = this.forwardBackward(d, range(d.samples)).loss;
    const grads: Record<string, Tensor> = {};
    for (const l of this.model.layers) for (const [k, t] of Object.entries(l.getGradients())) grads[`${l.name}.${k}`] = t;
    return { loss, grads };
  }

  /** Loss and metrics over all samples, in batches (no update). */
  evaluate(x: TensorLike, y: TensorLike, options?: { batchSize?: number; lengths?: ArrayLike<number> }): Logs {
    const o = optionsOf(options, ['batchSize', 'lengths'], 'evaluate');
    const batchSize = batchSizeOf(o.batchSize, 'evaluate');
    return this.evaluateSet(this.dataset(x, y, 'evaluate', o.lengths), batchSize);
  }

  async fit(x: TensorLike, y: TensorLike, options?: FitOptions): Promise<History> {
    const o = optionsOf(options, FIT_OPTIONS, 'fit');
    const epochs = o.epochs === undefined ? 1 : integerIn(o.epochs, 0, Number.MAX_SAFE_INTEGER, 'fit: epochs');
    const batchSize = batchSizeOf(o.batchSize, 'fit');
    const shuffleEachEpoch = o.shuffle === undefined ? true : booleanOption(o.shuffle, 'fit: shuffle');
    const seed = o.seed === undefined ? 1234 : integerIn(o.seed, 0, 2 ** 32 - 1, 'fit: seed');
    const callbacks = callbacksOf(o.callbacks);
    if (o.signal !== undefined && typeof (o.signal as AbortSignal | null)?.aborted !== 'boolean') fail(`fit: signal must be an AbortSignal, got ${show(o.signal)}`);
    if (o.onWarning !== undefined && typeof o.onWarning !== 'function') fail(`fit: onWarning must be a function, got ${show(o.onWarning)}`);
    if (o.validationData !== undefined && o.validationSplit !== undefined) fail('fit: give validationData or validationSplit, not both');
    if (o.lengths !== undefined && o.validationData !== undefined) fail('fit: lengths with validationData is not supported; use validationSplit (the lengths are split with the samples)');
    let train = this.dataset(x, y, 'fit', o.lengths);
    let val: Dataset | undefined;
    if (o.validationData !== undefined) {
      if (!Array.isArray(o.validationData) || o.validationData.length !== 2) fail(`fit: validationData must be [x, y], got ${show(o.validationData)}`);
      val = this.dataset(o.validationData[0], o.validationData[1], 'fit: validationData');
    } else if (o.validationSplit !== undefined) {
      const split = numberIn(o.validationSplit, 0, 1, 'fit: validationSplit', 'both');
      // Keras: train on the first ⌊S·(1 − split)⌋ samples, validate on the rest
      const nVal = train.samples - Math.floor(train.samples * (1 - split));
      if (nVal < 1 || nVal >= train.samples) fail(`fit: validationSplit ${split} of ${train.samples} samples leaves no training or no validation data`);
      [train, val] = [slice(train, 0, train.samples - nVal), slice(train, train.samples - nVal, train.samples)];
    }
    for (const c of callbacks) c.model = this.model;
    const rng = new Random(seed);
    const history: History = { epoch: [], history: {}, warnings: [] };
    const warn = (message: string) => {
      history.warnings.push(message);
      (o.onWarning ?? console.warn)(`lstm-wasm: ${message}`);
    };
    let initialLoss = Number.NaN; // the untrained model's: the first batch's loss, taken before its update
    this.model.stopTraining = false;
    this.lastYield = now();
    for (const c of callbacks) await this.resume(c.onTrainBegin?.({}));
    const order = range(train.samples);
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (const c of callbacks) await this.resume(c.onEpochBegin?.(epoch, {}));
      if (shuffleEachEpoch) shuffle(order, rng);
      const sums: Scores = { loss: 0 };
      let seen = 0, batch = 0;
      for (let start = 0; start < train.samples; start += batchSize, batch++) {
        if ((o.signal as AbortSignal | undefined)?.aborted) history.stopped = 'aborted';
        if (history.stopped || this.model.stopTraining) break;
        for (const c of callbacks) await this.resume(c.onBatchBegin?.(batch, {}));
        const idx = order.subarray(start, Math.min(start + batchSize, train.samples));
        const scores = this.step(train, idx, epoch, batch);
        if (Number.isNaN(initialLoss)) initialLoss = scores.loss;
        addScores(sums, scores, idx.length);
        seen += idx.length;
        const batchLogs: Logs = { ...this.logsOf(scores), size: idx.length };
        for (const c of callbacks) await this.resume(c.onBatchEnd?.(batch, batchLogs));
        await this.resume(this.maybeYield());
      }
      if (history.stopped && seen < train.samples) break; // an aborted epoch is not reported as complete
      const logs: Logs = seen ? this.logsOf(meanScores(sums, seen)) : {}; // stopped before its first batch: nothing to score
      if (val) for (const [k, v] of Object.entries(this.evaluateSet(val, batchSize))) logs[`val_${k}`] = v;
      history.epoch.push(epoch);
      for (const [k, v] of Object.entries(logs)) (history.history[k] ??= []).push(v);
      if (logs.loss > EXPLODED * initialLoss && !history.warnings.some((w) => w.startsWith('the training loss exploded'))) {
        warn(`the training loss exploded: ${logs.loss.toPrecision(3)} at epoch ${epoch + 1}, ${(logs.loss / initialLoss).toPrecision(2)}× the untrained model's ${initialLoss.toPrecision(3)}; lower the learning rate (now ${this.optimizer.learningRate}) or clip gradients (globalClipNorm)`);
      }
      for (const c of callbacks) await this.resume(c.onEpochEnd?.(epoch, logs));
      await this.resume(yieldToEventLoop());
      this.lastYield = now();
      if (this.model.stopTraining) {
        history.stopped = 'stopTraining';
        break;
      }
    }
    for (const c of callbacks) await this.resume(c.onTrainEnd?.({}));
    return history;
  }

  /**
   * Wait for a callback (or a yield to the event loop), then make sure the
   * model was not disposed meanwhile: its memory is gone, so fit() stops
   * here with an error instead of running its next batch on it.
   */
  private async resume(pending: void | Promise<void>): Promise<void> {
    await pending;
    if (this.disposed) fail(`${this.model.name} was disposed while fit() was running; training stopped`);
  }

  /** Free the gradient block, the optimizer's state and the workspaces. */
  dispose(): void {
    this.disposed = true;
    this.ws.free();
    this.optimizer.dispose();
    this.backend.arena.release(this.grads);
  }

  /** Forward + backward + update on the samples `idx`; throws, before updating, if anything went non-finite. */
  private step(d: Dataset, idx: Uint32Array, epoch?: number, batch?: number): Scores {
    const logs = this.forwardBackward(d, idx);
    const where = epoch === undefined ? '' : ` at epoch ${epoch + 1}, batch ${batch! + 1}`;
    const { backend, ptr, floats } = this.model.parameterBlock();
    const advice = `lower the learning rate (now ${this.optimizer.learningRate}) or clip gradients (globalClipNorm)`;
    if (!Number.isFinite(logs.loss)) {
      // the weights overflow the model's outputs: the last update made them so. If nothing changed them
      // since (same sum of squares as right after it), put back the ones from before it, which gave a finite loss.
      const undo = this.lastGood.length === floats && this.kernels.sumSquares(ptr, floats) === this.afterUpdate;
      if (undo) this.ws.write(ptr, this.lastGood);
      this.afterUpdate = Number.NaN;
      fail(`training diverged${where}: the loss is ${logs.loss}. The weights were ${undo ? 'put back as before the last update' : 'left as before this batch'}; ${advice}`);
    }
    // a finite loss and gradient can still step to ±Infinity (a huge learning rate): keep the weights to put back
    if (this.lastGood.length !== floats) this.lastGood = new Float32Array(floats);
    this.lastGood.set(this.ws.view(ptr, floats));
    const norm = this.optimizer.apply(backend, ptr, this.grads, floats);
    if (!Number.isFinite(norm)) fail(`training diverged${where}: the gradient norm is ${norm}. The weights were left as before this batch; ${advice}`);
    this.afterUpdate = this.kernels.sumSquares(ptr, floats);
    if (!Number.isFinite(this.afterUpdate)) {
      this.ws.write(ptr, this.lastGood);
      fail(`training diverged${where}: the update made some weights non-finite (gradient norm ${norm}). The weights were put back as before this batch; ${advice}`);
    }
    return logs;
  }

  /** Loss, metrics and gradients (in the gradient block) of a batch. */
  private forwardBackward(d: Dataset, idx: Uint32Array): Scores {
    const { floats } = this.model.parameterBlock();
    const layers = this.model.layers, last = layers[layers.length - 1];
    const out = this.forwardBatch(d, idx, true);
    const n = out.B * out.T * out.F;
    const dy = this.ws.get('dy', n);
    const y = this.targets(d, idx, n);
    const p = this.ws.view(out.ptr, n), g = this.ws.view(dy, n);
    // a masked time axis: the loss and its gradient over the real steps only
    const mask = out.seq && out.mask ? this.ws.view(out.mask, out.B * out.T).slice() : undefined;
    const real = mask ? realRows(p, y, out.F, mask) : { p, y };
    const scores = this.scores(real.p, real.y, out.F);
    const gReal = mask ? new Float32Array(real.p.length) : g;
    // crossentropy after its own activation: the gradient w.r.t. the pre-activation is exact and stable
    const fused = this.loss.fusedActivation !== undefined && last.outputActivation === this.loss.fusedActivation;
    if (fused) this.loss.gradLogits!(real.p, real.y, out.F, gReal);
    else this.loss.grad(real.p, real.y, out.F, gReal);
    if (mask) scatterRows(gReal, out.F, mask, this.ws.view(dy, n));
    this.ws.zero(this.grads, floats);
    // fused: the last layer has an outputActivation, so it has backwardPreActivation (Dense)
    let grad = fused ? last.backwardPreActivation!(dy, layers.length > 1, this.kernels) : last.backwardHeap(dy, layers.length > 1, this.kernels);
    for (let i = layers.length - 2; i >= 0; i--) grad = layers[i].backwardHeap(grad, i > 0, this.kernels);
    return scores;
  }

  /** Copy the samples `idx` into the model's input and run it forward (recording when training). */
  private forwardBatch(d: Dataset, idx: Uint32Array, train: boolean): HeapBatch {
    const seq = d.x.shape.length === 3;
    const T = seq ? d.x.shape[1] : 1, F = d.x.shape[d.x.shape.length - 1], row = T * F;
    const xPtr = this.ws.get('x', idx.length * row);
    for (let i = 0; i < idx.length; i++) this.ws.write(plusFloats(xPtr, i * row), d.x.data.subarray(idx[i] * row, (idx[i] + 1) * row));
    let h: HeapBatch = { ptr: xPtr, B: idx.length, T, seq, F };
    if (d.mask) {
      h.mask = this.ws.get('mask', idx.length * T);
      for (let i = 0; i < idx.length; i++) this.ws.write(plusFloats(h.mask, i * T), d.mask.subarray(idx[i] * T, (idx[i] + 1) * T));
    }
    for (const layer of this.model.layers) h = train ? layer.forwardTrain(h) : layer.forwardHeap(h);
    return h;
  }

  private targets(d: Dataset, idx: Uint32Array, n: number): Float32Array {
    if (this.yBatch.length !== n) this.yBatch = new Float32Array(n);
    const row = n / idx.length;
    for (let i = 0; i < idx.length; i++) this.yBatch.set(d.y.data.subarray(idx[i] * row, (idx[i] + 1) * row), i * row);
    return this.yBatch;
  }

  /** The loss and the means the metrics need, on one batch. */
  private scores(p: Float32Array, y: Float32Array, cols: number): Scores {
    const scores: Scores = { loss: this.loss.value(p, y, cols) };
    for (const metric of this.metrics) {
      if (metric === 'mse' || metric === 'rmse') scores.mse = meanSquaredError(p, y);
      else if (metric === 'mae') scores.mae = meanAbsoluteError(p, y);
      else scores.accuracy = accuracy(p, y, cols);
    }
    return scores;
  }

  /** The logs of (mean) scores: the loss, then each metric as compiled; rmse is the root of the mean squared error. */
  private logsOf(scores: Scores): Logs {
    const logs: Logs = { loss: scores.loss };
    for (const metric of this.metrics) logs[metric] = metric === 'rmse' ? Math.sqrt(scores.mse!) : scores[metric]!;
    return logs;
  }

  private evaluateSet(d: Dataset, batchSize: number): Logs {
    const sums: Scores = { loss: 0 };
    for (let start = 0; start < d.samples; start += batchSize) {
      const idx = range(Math.min(batchSize, d.samples - start), start);
      const out = this.forwardBatch(d, idx, false);
      const n = out.B * out.T * out.F;
      const y = this.targets(d, idx, n), p = this.ws.view(out.ptr, n);
      const real = out.seq && out.mask ? realRows(p, y, out.F, this.ws.view(out.mask, out.B * out.T).slice()) : { p, y };
      addScores(sums, this.scores(real.p, real.y, out.F), idx.length);
    }
    return this.logsOf(meanScores(sums, d.samples));
  }

  /** x and y as tensors whose shapes fit the model and each other. */
  private dataset(x: TensorLike, y: TensorLike, what: string, lengths?: unknown): Dataset {
    const xt = toTensor(x, `${what}: x`), yt = toTensor(y, `${what}: y`);
    const model = this.model, first = model.layers[0];
    // the model's input rule, asked of x under the name the user passed it by
    const { B: S } = checkBatch(xt.shape, { owner: `${what}: x`, timeOptional: !first.needsTime, features: first.inputSize, expectedBy: 'model', batchAxis: 'samples' });
    let seq = xt.shape.length === 3;
    let steps: number | undefined = seq ? xt.shape[1] : undefined;
    for (const l of model.layers) {
      seq = l.keepsTime(seq);
      steps = l.outputSteps(steps); // RepeatVector makes its own time axis
    }
    const want = seq ? [S, steps!, model.outputSize] : [S, model.outputSize];
    const same = yt.shape.length === want.length && yt.shape.every((d, i) => d === want[i]);
    const vector = !seq && model.outputSize === 1 && yt.shape.length === 1 && yt.shape[0] === S; // Keras accepts y [S] for one output
    if (!same && !vector) fail(`${what}: y has shape [${yt.shape}] but the model gives [${want}] for x of shape [${xt.shape}]`);
    if (lengths === undefined) return { x: xt, y: yt, samples: S };
    if (xt.shape.length !== 3) fail(`${what}: lengths needs sequences x [samples, time, features]; this x has no time axis`);
    model.checkLengthsTakeable(what);
    return { x: xt, y: yt, samples: S, mask: lengthsMask(lengths, S, xt.shape[1], what) };
  }

  private async maybeYield(): Promise<void> {
    if (now() - this.lastYield < 15) return;
    await yieldToEventLoop();
    this.lastYield = now();
  }
}

/** fit()'s callbacks as an array, each an object whose hooks are functions. */
function callbacksOf(v: unknown): Callback[] {
  const list = v === undefined ? [] : Array.isArray(v) ? v : [v];
  list.forEach((c, i) => {
    if (c === null || typeof c !== 'object') fail(`fit: callbacks must be callback objects (such as new EarlyStopping()), but item ${i} is ${show(c)}`);
    for (const hook of CALLBACK_HOOKS) {
      const f = (c as Record<string, unknown>)[hook];
      if (f !== undefined && typeof f !== 'function') fail(`fit: callback ${i}'s ${hook} must be a function, got ${show(f)}`);
    }
  });
  return list as Callback[];
}

/**
 * What a batch is scored by: the loss and the means the metrics are made
 * of, each a mean over the batch's values, so that a mean over batches
 * weighted by their sizes is the mean over all of them.
 */
interface Scores {
  loss: number;
  mse?: number;
  mae?: number;
  accuracy?: number;
}

/** Add a batch's scores, weighted by its `size`, into `sums`. */
function addScores(sums: Scores, scores: Scores, size: number): void {
  for (const key of Object.keys(scores) as (keyof Scores)[]) sums[key] = (sums[key] ?? 0) + scores[key]! * size;
}

/** The means over `count` samples of scores added up with addScores. */
function meanScores(sums: Scores, count: number): Scores {
  const means: Scores = { loss: 0 };
  for (const key of Object.keys(sums) as (keyof Scores)[]) means[key] = sums[key]! / count;
  return means;
}

/** The indices from, from + 1, …, from + n − 1. */
function range(n: number, from = 0): Uint32Array {
  const a = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = from + i;
  return a;
}

/** Fisher–Yates with the seeded generator. */
function shuffle(a: Uint32Array, rng: Random): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
}

function slice(d: Dataset, from: number, to: number): Dataset {
  const xRow = d.x.data.length / d.samples, yRow = d.y.data.length / d.samples;
  const part: Dataset = {
    x: { shape: [to - from, ...d.x.shape.slice(1)], data: d.x.data.subarray(from * xRow, to * xRow) },
    y: { shape: [to - from, ...d.y.shape.slice(1)], data: d.y.data.subarray(from * yRow, to * yRow) },
    samples: to - from,
  };
  if (d.mask) part.mask = d.mask.subarray(from * d.x.shape[1], to * d.x.shape[1]);
  return part;
}

/** Binary accuracy (threshold 0.5) for one output, categorical (argmax) for several. */
function accuracy(p: Float32Array, y: Float32Array, cols: number): number {
  let hits = 0;
  const rows = p.length / cols;
  for (let r = 0; r < rows; r++) {
    if (cols === 1) {
      if ((p[r] > 0.5 ? 1 : 0) === (y[r] > 0.5 ? 1 : 0)) hits++;
      continue;
    }
    let pi = 0, yi = 0;
    for (let j = 1; j < cols; j++) {
      if (p[r * cols + j] > p[r * cols + pi]) pi = j;
      if (y[r * cols + j] > y[r * cols + yi]) yi = j;
    }
    if (pi === yi) hits++;
  }
  return hits / rows;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** Let the event loop run (a page stays responsive): scheduler.yield, setImmediate or a zero timeout. */
function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { scheduler?: { yield?: () => Promise<void> }; setImmediate?: (f: () => void) => unknown };
  if (g.scheduler?.yield) return g.scheduler.yield();
  if (g.setImmediate) return new Promise((r) => g.setImmediate!(r));
  return new Promise((r) => setTimeout(r, 0));
}
