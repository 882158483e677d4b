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
export const MAX_TRAINING_WINDOWS = 384;
/**
 * The most window steps (windows × steps) one series' network trains on: 384 windows of 24 steps.
 * Longer windows (two seasons of hourly data are 48 steps) get fewer of them, so that training
 * costs about the same whatever the season.
 */
const MAX_TRAINING_STEPS = 384 * 24;
/** The most windows a global network (several series pooled) trains on, shared fairly between the series. */
export const MAX_POOLED_WINDOWS = 4096;
/** The most input values (windows × steps × channels) one training set holds: 64 MB of float32. */
const MAX_INPUT_VALUES = 2 ** 24;
/** The most covariates one series brings. */
export const MAX_COVARIATES = 32;
const BATCH_SIZE = 32;
const LEARNING_RATE = 3e-3;

/**
 * A covariate as the network reads it: aligned with its series from point 0. A known-future one
 * (`known`) must hold h points past the end the network forecasts from (in the backtest those are
 * in the series' own span; at the end they are the future values the user gave).
 */
export interface NeuralCovariate {
  name: string;
  values: ArrayLike<number>;
  known: boolean;
}

/** One series to learn from: its adjusted values and its covariates (the same names and kinds for every series). */
export interface NeuralSeries {
  values: ArrayLike<number>;
  covariates?: NeuralCovariate[];
}

/** Which series a forecast is for (its index in the training list; 0 for one series), and its covariates. */
export interface NeuralInput {
  series?: number;
  covariates?: NeuralCovariate[];
}

/**
 * Input channels per step, with covariates (none: the target alone, exactly as without them):
 *
 *   0        the target, window-relative and scaled (0 on the future steps)
 *   1        is-future: 0 on the w past steps, 1 on the h future steps   (only with a known-future covariate)
 *   2 …      each covariate, standardized on its series' training part
 *
 * Known-future covariates reach the direct head by extending each window with h future steps:
 * the LSTM reads the past, then what will be known about the future (a law coming into force,
 * a holiday), and its last state — which the Dense(h) head reads — has seen both. Past-only
 * covariates hold their last known value on those steps (they say nothing new there). The
 * alternative, feeding the future values to the head directly, needs a second input branch that
 * Sequential does not have. With covariates only the direct strategy exists: the recursive one
 * would have to forecast the past-only covariates too.
 */
interface Layout {
  /** Steps per input sequence: w, or w + h with a known-future covariate. */
  steps: number;
  channels: number;
  /** Covariate names and kinds, in channel order (checked on every forecast). */
  covariates: { name: string; known: boolean }[];
  future: boolean;
}

/** Per series: the target's scale and each covariate's standardization, from its training part. */
interface SeriesScale {
  scale: number;
  mean: number[];
  sd: number[];
}

/** Look at the ensemble after some of its passes (to choose how many passes are best): `call(epochs, forecaster)` after each pass listed in `at`. */
export interface Checkpoints {
  at: number[];
  call: (epochs: number, forecaster: NeuralForecaster) => void;
}

/** An ensemble of trained networks over one or several adjusted series. */
export class NeuralForecaster {
  private constructor(
    readonly config: NeuralConfig,
    readonly horizon: number,
    private readonly scales: SeriesScale[],
    private readonly layout: Layout,
    private readonly models: Sequential[],
    /** Reused input tensor: forecasting allocates no tensors of its own. */
    private readonly input: { shape: number[]; data: Float32Array },
  ) {
    this.recent = new Float64Array(config.window);
  }

  /** The recursive strategy's window, relative to the last known point. */
  private readonly recent: Float64Array;

  /** The covariates the networks read, in order, and whether each is known in the future. */
  get covariates(): { name: string; known: boolean }[] {
    return this.layout.covariates.map((c) => ({ ...c }));
  }

  /**
   * Train on the windows of `a` (every point known; the caller holds out what it tests on), or of
   * several series pooled (one global network: each series scaled on its own, the most recent
   * windows of each, MAX_POOLED_WINDOWS in all). Each series needs window + out + 1 points to give a
   * window (out = h for 'direct', 1 for 'recursive'); a shorter one of several gives none.
   */
  static async train(a: ArrayLike<number> | NeuralSeries[], horizon: number, config: NeuralConfig, checkpoints?: Checkpoints): Promise<NeuralForecaster> {
    const list: NeuralSeries[] = isSeriesList(a) ? a : [{ values: a }];
    if (list.length === 0) fail('the LSTM needs at least one series to train on');
    const w = config.window, out = config.strategy === 'direct' ? horizon : 1;
    const layout = layoutOf(list, w, horizon);
    if (layout.channels > 1 && config.strategy !== 'direct') fail(`with covariates the LSTM forecasts with the 'direct' strategy only, not '${config.strategy}'`);
    const counts = list.map((s) => Math.max(0, s.values.length - w - out + 1));
    if (counts.every((c) => c < 1)) {
      const longest = Math.max(...list.map((s) => s.values.length));
      fail(`the LSTM needs at least ${w + out} points for one window of ${w} and ${out} target${out === 1 ? '' : 's'}, got ${longest}`);
    }
    const single = Math.min(MAX_TRAINING_WINDOWS, Math.max(1, Math.floor(MAX_TRAINING_STEPS / layout.steps)));
    const cap = Math.min(list.length === 1 ? single : MAX_POOLED_WINDOWS, Math.floor(MAX_INPUT_VALUES / (layout.steps * layout.channels)));
    if (cap < 1) fail(`one training window of ${layout.steps} steps × ${layout.channels} channels exceeds ${MAX_INPUT_VALUES.toLocaleString('en-US')} values`);
    const takes = fairShares(counts, cap);
    const n = takes.reduce((p, q) => p + q, 0);
    const scales = list.map((s) => scaleOf(s));
    const L = layout.steps, C = layout.channels;
    const x = new Float32Array(n * L * C), y = new Float32Array(n * out);
    let row = 0;
    list.forEach((s, j) => {
      const first = counts[j] - takes[j];
      for (let r = 0; r < takes[j]; r++, row++) {
        const t = first + r + w; // the first target's index
        writeInput(x, row * L * C, s.values, t, scales[j], layout, w, horizon, s.covariates ?? []);
        const last = s.values[t - 1];
        for (let k = 0; k < out; k++) y[row * out + k] = (s.values[t + k] - last) / scales[j].scale;
      }
    });
    const models: Sequential[] = [];
    try {
      for (const seed of config.seeds) {
        const model = new Sequential([
          new LSTM({ inputSize: C, units: config.units, seed: seed * 1000 }),
          new Dense({ units: out, seed: seed * 1000 + 1 }),
        ]);
        models.push(model);
        model.compile({ optimizer: getOptimizer({ name: 'adam', learningRate: LEARNING_RATE }), loss: 'mse' });
      }
      const nf = new NeuralForecaster({ ...config, seeds: [...config.seeds] }, horizon, scales, layout, models, { shape: [1, L, C], data: new Float32Array(L * C) });
      // the networks train in step, one pass each at a time, so that the ensemble can be looked at after any pass
      const inputs = { shape: [n, L, C], data: x }, targets = { shape: [n, out], data: y };
      for (let epoch = 1; epoch <= config.epochs; epoch++) {
        for (let i = 0; i < models.length; i++) {
          // each pass shuffled by its own seed (mod 2^32: fit takes 32-bit seeds)
          await models[i].fit(inputs, targets, { epochs: 1, batchSize: BATCH_SIZE, seed: (config.seeds[i] * 100_003 + epoch) % 2 ** 32, onWarning: () => {} });
        }
        if (checkpoints?.at.includes(epoch)) checkpoints.call(epoch, nf);
      }
      return nf;
    } catch (e) {
      for (const m of models) m.dispose();
      throw e;
    }
  }

  /**
   * The next `horizon` points after `a[0 … end)` (default: all of a), the median over the seeds.
   * `input.series`: which training series `a` is (its scales are used); `input.covariates`: its
   * covariates, as in training (a known-future one with at least end + h points).
   */
  forecast(a: ArrayLike<number>, end = a.length, input: NeuralInput = {}): number[] {
    const w = this.config.window, h = this.horizon;
    if (end < w) fail(`the LSTM forecasts from the last ${w} points, but only ${end} are given`);
    const j = input.series ?? 0;
    if (!Number.isInteger(j) || j < 0 || j >= this.scales.length) fail(`the LSTM was trained on ${this.scales.length} series; there is no series ${j}`);
    const covariates = input.covariates ?? [];
    checkCovariates(covariates, this.layout, `forecast of series ${j}`);
    for (const c of covariates) if (c.values.length < (c.known ? end + h : end)) fail(`covariate ${JSON.stringify(c.name)} has ${c.values.length} values; forecasting ${h} points after point ${end} needs ${c.known ? end + h : end}${c.known ? ' (it is known in the future: give its future values)' : ''}`);
    const last = a[end - 1], scale = this.scales[j].scale;
    const runs = this.models.map((model) => {
      // written again for each network: the recursive strategy overwrites it
      writeInput(this.input.data, 0, a, end, this.scales[j], this.layout, w, h, covariates);
      return this.run(model);
    });
    const out = new Array<number>(h);
    const column = new Array<number>(runs.length);
    for (let k = 0; k < h; k++) {
      for (let r = 0; r < runs.length; r++) column[r] = runs[r][k];
      out[k] = last + scale * median(column);
    }
    return out;
  }

  /** One network's h steps from the input written, relative to the last point and in units of the scale. */
  private run(model: Sequential): number[] {
    const w = this.config.window, h = this.horizon, x = this.input.data;
    if (this.config.strategy === 'direct') return Array.from(model.predict(this.input).data);
    // recursive (no covariates: one channel): each forecast becomes the newest point, and the window is made relative to its own last point again
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

function isSeriesList(a: ArrayLike<number> | NeuralSeries[]): a is NeuralSeries[] {
  return Array.isArray(a) && a.length > 0 && typeof a[0] === 'object' && a[0] !== null;
}

/** The channels every series shares: the first series' covariates name them, the others must match. */
function layoutOf(list: NeuralSeries[], w: number, h: number): Layout {
  const covariates = (list[0].covariates ?? []).map((c) => ({ name: c.name, known: c.known }));
  if (covariates.length > MAX_COVARIATES) fail(`the LSTM takes at most ${MAX_COVARIATES} covariates, got ${covariates.length}`);
  const future = covariates.some((c) => c.known);
  const layout = { steps: future ? w + h : w, channels: 1 + (future ? 1 : 0) + covariates.length, covariates, future };
  list.forEach((s, j) => {
    checkCovariates(s.covariates ?? [], layout, `series ${j}`);
    for (const c of s.covariates ?? []) if (c.values.length < s.values.length) fail(`covariate ${JSON.stringify(c.name)} of series ${j} has ${c.values.length} values, the series ${s.values.length}`);
  });
  return layout;
}

function checkCovariates(given: NeuralCovariate[], layout: Layout, where: string): void {
  const want = layout.covariates;
  const ok = given.length === want.length && given.every((c, i) => c.name === want[i].name && c.known === want[i].known);
  const describe = (cs: { name: string; known: boolean }[]) => (cs.length ? cs.map((c) => `${c.name} (${c.known ? 'known future' : 'past only'})`).join(', ') : 'none');
  if (!ok) fail(`${where}: the LSTM reads the covariates ${describe(want)}, got ${describe(given)}`);
}

/** The series' target scale and its covariates' means and standard deviations over its training part (sd 1 when constant). */
function scaleOf(s: NeuralSeries): SeriesScale {
  const n = s.values.length, cs = s.covariates ?? [];
  const mean = cs.map((c) => {
    let m = 0;
    for (let t = 0; t < n; t++) m += c.values[t];
    return m / n;
  });
  const sd = cs.map((c, i) => {
    let v = 0;
    for (let t = 0; t < n; t++) v += (c.values[t] - mean[i]) ** 2;
    const d = Math.sqrt(v / n);
    return d > 0 && Number.isFinite(d) ? d : 1;
  });
  return { scale: changeScale(s.values), mean, sd };
}

/**
 * One input sequence at `x[at …]`: the w points before `t` (t − 1 the last known), then with a
 * known-future covariate the h steps t … t + h − 1 (see Layout). Without covariates this is
 * exactly (a[t−w+i] − a[t−1]) / scale, one channel.
 */
function writeInput(x: Float32Array, at: number, a: ArrayLike<number>, t: number, sc: SeriesScale, layout: Layout, w: number, h: number, covariates: NeuralCovariate[]): void {
  const C = layout.channels, last = a[t - 1], off = layout.future ? 2 : 1;
  for (let i = 0; i < w; i++) {
    const p = at + i * C;
    x[p] = (a[t - w + i] - last) / sc.scale;
    if (layout.future) x[p + 1] = 0;
    for (let c = 0; c < covariates.length; c++) x[p + off + c] = (covariates[c].values[t - w + i] - sc.mean[c]) / sc.sd[c];
  }
  if (!layout.future) return;
  for (let k = 0; k < h; k++) {
    const p = at + (w + k) * C;
    x[p] = 0;
    x[p + 1] = 1;
    for (let c = 0; c < covariates.length; c++) {
      const cv = covariates[c];
      x[p + off + c] = ((cv.known ? cv.values[t + k] : cv.values[t - 1]) - sc.mean[c]) / sc.sd[c];
    }
  }
}

/**
 * How many windows each series gives when at most `cap` are taken in all: every series as many as
 * it has, up to an equal share, the share of short series passed on to the long ones.
 */
export function fairShares(counts: number[], cap: number): number[] {
  const order = counts.map((_, i) => i).sort((p, q) => counts[p] - counts[q]);
  const takes = new Array<number>(counts.length).fill(0);
  let left = cap;
  order.forEach((i, r) => {
    const share = Math.floor(left / (order.length - r));
    takes[i] = Math.min(counts[i], share);
    left -= takes[i];
  });
  return takes;
}

/** The mean absolute one-step change: the unit the network sees. 1 for a constant series (every change is then 0 anyway). */
function changeScale(a: ArrayLike<number>): number {
  let s = 0;
  for (let t = 1; t < a.length; t++) s += Math.abs(a[t] - a[t - 1]);
  const scale = a.length > 1 ? s / (a.length - 1) : 0;
  return scale > 0 && Number.isFinite(scale) ? scale : 1;
}

function median(v: number[]): number {
  const s = [...v].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
