/**
 * The LSTM part of the automatic forecaster: a small LSTM that reads the
 * last `window` points of an adjusted series (transformed, seasonally
 * adjusted: see adjust.ts) and forecasts the next h of them.
 *
 * Each window is made relative to its own last point and divided by one
 * scale for the series (the typical size of a one-step change), as ES-RNN
 * normalises by the level: the network learns the shape of what comes next,
 * not where the series happens to be, so a level never seen in training
 * (a trend continuing past the training part) is no harder than any other.
 *
 *   x_i = (a[t−w+i] − a[t−1]) / scale        i = 0 … w−1
 *   y_k = (a[t+k]   − a[t−1]) / scale        k = 0 … h−1   ('direct': all h at once)
 *
 * Two multi-step strategies: 'direct' (a Dense(h) head: one forward pass
 * gives all h steps) and 'recursive' (a Dense(1) head, each forecast fed
 * back as the newest input). Several seeds are trained and the median of
 * their forecasts is taken: one network's luck matters less.
 */
import { fail } from '../errors.js';
import { Dense } from '../layers/dense.js';
import { LSTM } from '../layers/lstm.js';
import { Sequential } from '../model/sequential.js';
import { getOptimizer } from '../train/optimizers.js';

export type Strategy = 'direct' | 'recursive';

/** How the LSTM part is built and trained. */
export interface NeuralConfig {
  /** Input points per window. */
  window: number;
  /** LSTM units (one layer). */
  units: number;
  strategy: Strategy;
  /** Passes over the training windows. */
  epochs: number;
  /** One network per seed; the forecast is their median. */
  seeds: number[];
}

/** The most windows one network trains on: the most recent ones. More only cost time on a long series. */
export const MAX_TRAINING_WINDOWS = 512;
const BATCH_SIZE = 32;
const LEARNING_RATE = 3e-3;

/** An ensemble of trained networks over an adjusted series. */
export class NeuralForecaster {
  private constructor(
    readonly config: NeuralConfig,
    readonly horizon: number,
    private readonly scale: number,
    private readonly models: Sequential[],
    /** Reused input tensor: forecasting allocates no tensors of its own. */
    private readonly input: { shape: number[]; data: Float32Array },
  ) {
    this.recent = new Float64Array(config.window);
  }

  /** The recursive strategy's window, relative to the last known point. */
  private readonly recent: Float64Array;

  /**
   * Train on the windows of `a` (every point known; the caller holds out what it tests on).
   * Needs at least window + out + 1 points, out = h for 'direct', 1 for 'recursive'.
   */
  static async train(a: ArrayLike<number>, horizon: number, config: NeuralConfig): Promise<NeuralForecaster> {
    const w = config.window, out = config.strategy === 'direct' ? horizon : 1;
    const count = a.length - w - out + 1;
    if (count < 1) fail(`the LSTM needs at least ${w + out} points for one window of ${w} and ${out} target${out === 1 ? '' : 's'}, got ${a.length}`);
    const scale = changeScale(a);
    const n = Math.min(count, MAX_TRAINING_WINDOWS), first = count - n;
    const x = new Float32Array(n * w), y = new Float32Array(n * out);
    for (let s = 0; s < n; s++) {
      const t = first + s + w; // the first target's index
      const last = a[t - 1];
      for (let i = 0; i < w; i++) x[s * w + i] = (a[t - w + i] - last) / scale;
      for (let k = 0; k < out; k++) y[s * out + k] = (a[t + k] - last) / scale;
    }
    const models: Sequential[] = [];
    try {
      for (const seed of config.seeds) {
        const model = new Sequential([
          new LSTM({ inputSize: 1, units: config.units, seed: seed * 1000 }),
          new Dense({ units: out, seed: seed * 1000 + 1 }),
        ]);
        models.push(model);
        model.compile({ optimizer: getOptimizer({ name: 'adam', learningRate: LEARNING_RATE }), loss: 'mse' });
        await model.fit({ shape: [n, w, 1], data: x }, { shape: [n, out], data: y }, { epochs: config.epochs, batchSize: BATCH_SIZE, seed, onWarning: () => {} });
      }
    } catch (e) {
      for (const m of models) m.dispose();
      throw e;
    }
    return new NeuralForecaster({ ...config, seeds: [...config.seeds] }, horizon, scale, models, { shape: [1, w, 1], data: new Float32Array(w) });
  }

  /** The next `horizon` points after `a[0 … end)` (default: all of a), the median over the seeds. */
  forecast(a: ArrayLike<number>, end = a.length): number[] {
    const w = this.config.window, h = this.horizon;
    if (end < w) fail(`the LSTM forecasts from the last ${w} points, but only ${end} are given`);
    const last = a[end - 1];
    const runs = this.models.map((model) => this.run(model, a, end, last));
    const out = new Array<number>(h);
    const column = new Array<number>(runs.length);
    for (let k = 0; k < h; k++) {
      for (let r = 0; r < runs.length; r++) column[r] = runs[r][k];
      out[k] = last + this.scale * median(column);
    }
    return out;
  }

  /** One network's h steps, relative to `last` and in units of the scale. */
  private run(model: Sequential, a: ArrayLike<number>, end: number, last: number): number[] {
    const w = this.config.window, h = this.horizon, x = this.input.data;
    for (let i = 0; i < w; i++) x[i] = (a[end - w + i] - last) / this.scale;
    if (this.config.strategy === 'direct') return Array.from(model.predict(this.input).data);
    // recursive: each forecast becomes the newest point, and the window is made relative to its own last point again
    const recent = this.recent;
    for (let i = 0; i < w; i++) recent[i] = x[i];
    const steps = new Array<number>(h);
    for (let k = 0; k < h; k++) {
      const newest = recent[w - 1];
      for (let i = 0; i < w; i++) x[i] = recent[i] - newest;
      const next = newest + model.predict(this.input).data[0];
      steps[k] = next;
      recent.copyWithin(0, 1);
      recent[w - 1] = next;
    }
    return steps;
  }

  dispose(): void {
    for (const m of this.models) m.dispose();
    this.models.length = 0;
  }
}

/** The mean absolute one-step change: the unit the network sees. 1 for a constant series (every change is then 0 anyway). */
export function changeScale(a: ArrayLike<number>): number {
  let s = 0;
  for (let t = 1; t < a.length; t++) s += Math.abs(a[t] - a[t - 1]);
  const scale = a.length > 1 ? s / (a.length - 1) : 0;
  return scale > 0 && Number.isFinite(scale) ? scale : 1;
}

export function median(v: number[]): number {
  const s = [...v].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
