/**
 * The automatic forecaster: h steps ahead from the end of a series, with
 * only the horizon given, and an honest account of how good that is.
 *
 *   1. prepare   log or not, season or not: decided from the data (adjust.ts)
 *   2. backtest  from several past origins (backtest.ts), every method
 *                forecasts h steps: the LSTM (trained once, on the points
 *                before the first origin, in each candidate configuration),
 *                exponential smoothing (ETS), Theta, the naive and seasonal
 *                naive (refitted at each origin), and their combination
 *   3. choose    the LSTM's configuration and passes with the lowest backtest
 *                MASE, and the two methods that did best
 *   4. forecast  everything refitted on the whole series; the forecast is
 *                the mean of those two (the M4 lesson: combinations beat any
 *                one method), with Student-t intervals from the
 *                combination's backtest errors (intervals.ts)
 *
 * Every part's own forecast and backtest scores are kept, so a report can
 * show what each contributes. A series too short for the LSTM is forecast
 * by the statistical methods alone, and the reasons say so.
 */
import { fail, show } from '../errors.js';
import { MAX_SEED } from './forecaster.js';
import { MAX_PERIOD } from './recipe.js';
import { integerIn, optionsOf } from '../options.js';
import { etsForecast } from '../stats/ets.js';
import { thetaForecast } from '../stats/theta.js';
import { adjust, chooseAdjustment, unadjust, type Adjustment } from './adjust.js';
import { backtest, rollingOrigins, score, tooShortToBacktest, type BacktestScores, type Origins } from './backtest.js';
import { checkCovariates, describeCovariates, type AutoCovariate } from './covariates.js';
import { backtestCoverage, calibrate, errorsOf, intervalsAround, type Intervals, type Level } from './intervals.js';
import { NeuralForecaster, type NeuralConfig, type NeuralCovariate, type Strategy } from './neural.js';

/** The methods compared; 'combination' is the mean of the two others with the lowest backtest MASE. */
export type MethodName = 'combination' | 'lstm' | 'ets' | 'theta' | 'naive' | 'seasonalNaive';

export interface AutoOptions {
  /** Points to forecast, 1 … MAX_AUTO_HORIZON. */
  horizon: number;
  /** Season length in points (1: none). Default 1. */
  period?: number;
  /** LSTMs per ensemble (seeds seed … seed + n − 1). Default DEFAULT_ENSEMBLE (5). */
  ensemble?: number;
  /** The ensemble's first seed: seed + ensemble − 1 at most MAX_SEED (forecaster's). Default 1. Same seed, same forecast. */
  seed?: number;
  /** Backtest origins. Default BACKTEST_ORIGINS. */
  origins?: number;
  /** Series aligned with this one that the LSTM reads too (the statistical methods ignore them); with `future` (≥ horizon values) known in the future. */
  covariates?: AutoCovariate[];
}

export interface MethodResult {
  /** Its forecast of the next h points from the whole series. */
  forecast: number[];
  backtest: BacktestScores;
}

export interface AutoForecast {
  horizon: number;
  period: number;
  /** The headline forecast. */
  forecast: number[];
  intervals: Intervals;
  /** The method the headline forecast is. */
  method: MethodName;
  /** The methods the combination averages: the two with the lowest backtest MASE. */
  members: MethodName[];
  methods: Partial<Record<MethodName, MethodResult>>;
  /** Points known at each backtest origin. */
  origins: number[];
  /** How often the headline's intervals held on the backtest (each origin calibrated on the others). NaN with one origin. */
  coverage: Record<Level, number>;
  /** The LSTM's chosen configuration, null when the series was too short for it. */
  neural: NeuralConfig | null;
  /** The exponential smoothing model chosen on the whole series, e.g. 'ETS(A,Ad,N)'. */
  etsMethod: string;
  /** The transform and seasonal adjustment chosen on the whole series (the LSTM's input). */
  adjustment: Adjustment;
  /** What was decided and why, in words. */
  reasons: string[];
  /** Seconds spent, all included. */
  seconds: number;
}

export const MAX_AUTO_HORIZON = 10_000;
/** LSTMs per ensemble. Small networks on short series vary a lot from seed to seed: on the dev suite the LSTM part's mean MASE was 1.91 with 3 and 1.77 with 5. */
export const DEFAULT_ENSEMBLE = 5;
/** The fewest training windows the LSTM learns from; fewer and the statistical methods forecast alone. */
export const MIN_LSTM_WINDOWS = 8;
const MAX_ENSEMBLE = 25;
/**
 * ETS is fitted on at most the last this many points. Its cost grows with the points times the
 * likelihood evaluations (up to 2,000 per model, 8 seasonal models): an hourly series of 8,000
 * points took 2 s per fit, 12 s over the backtest's six. Level, trend and season are estimates of
 * the recent past anyway: 2,000 hourly points are 83 days.
 */
const MAX_ETS_POINTS = 2000;
const OPTION_NAMES = ['horizon', 'period', 'ensemble', 'origins', 'covariates', 'seed'] as const;

/** The options autoForecast and autoForecastMany share, checked: the horizon, the period, the ensemble's seeds, the origins. */
export function sharedOptions(o: { horizon?: unknown; period?: unknown; ensemble?: unknown; seed?: unknown; origins?: unknown }, where: string): { h: number; m: number; seeds: number[]; originCount?: number } {
  const h = integerIn(o.horizon, 1, MAX_AUTO_HORIZON, `${where}: horizon`);
  const m = o.period === undefined ? 1 : integerIn(o.period, 1, MAX_PERIOD, `${where}: period`);
  const ensemble = o.ensemble === undefined ? DEFAULT_ENSEMBLE : integerIn(o.ensemble, 1, MAX_ENSEMBLE, `${where}: ensemble`);
  // the layers are seeded with seed·1000 (+ 1 for the head), as forecaster() seeds them: every seed of the ensemble ≤ MAX_SEED
  const first = o.seed === undefined ? 1 : integerIn(o.seed, 0, MAX_SEED - ensemble + 1, `${where}: seed (with an ensemble of ${ensemble})`);
  const seeds = Array.from({ length: ensemble }, (_, i) => first + i);
  const originCount = o.origins === undefined ? undefined : integerIn(o.origins, 1, 100, `${where}: origins`);
  return { h, m, seeds, originCount };
}

/** Forecast `horizon` points after `values` (finite numbers, oldest first; fill missing values first). */
export async function autoForecast(values: ArrayLike<number>, options: AutoOptions): Promise<AutoForecast> {
  return forecastOne(values, options);
}

/** autoForecast, or with `neuralPart` the LSTM part made elsewhere (autoForecastMany's global network). */
export async function forecastOne(values: ArrayLike<number>, options: AutoOptions, neuralPart?: NeuralPart): Promise<AutoForecast> {
  const started = now();
  const o = optionsOf(options, OPTION_NAMES, 'autoForecast');
  const { h, m, seeds, originCount } = sharedOptions(o, 'autoForecast');
  const y = checkValues(values);
  const n = y.length;
  const reasons: string[] = [];
  const covariates = checkCovariates(o.covariates, n, h, 'autoForecast');

  const origins = backtestOrigins(n, h, m, originCount);
  reasons.push(`backtest: ${origins.origins.length} origin${origins.origins.length === 1 ? '' : 's'} ${origins.step} point${origins.step === 1 ? '' : 's'} apart, each forecasting ${h} points (the last from point ${origins.origins[origins.origins.length - 1]})`);
  const actual = origins.origins.map((origin) => y.slice(origin, origin + h));

  const methods: Partial<Record<MethodName, MethodResult>> = {};
  const backtests: Partial<Record<MethodName, number[][]>> = {};
  const run = (name: MethodName, from: (y: number[]) => number[]) => {
    const bt = backtest(y, h, m, origins, (origin) => from(y.slice(0, origin)));
    backtests[name] = bt.forecasts;
    methods[name] = { forecast: from(y), backtest: bt.scores };
  };
  run('naive', (part) => new Array(h).fill(part[part.length - 1]));
  if (m > 1 && origins.origins[0] >= m) run('seasonalNaive', (part) => Array.from({ length: h }, (_, k) => part[part.length - m + (k % m)]));
  let etsMethod = '';
  run('ets', (part) => {
    const fit = etsForecast(part.length > MAX_ETS_POINTS ? part.slice(-MAX_ETS_POINTS) : part, h, m);
    if (part.length === n) etsMethod = fit.method; // the model chosen on the whole series
    return fit.mean;
  });
  run('theta', (part) => thetaForecast(part, h, m).mean);

  const adjustment = chooseAdjustment(y, m);
  const neural = neuralPart ? await neuralPart(y, origins, reasons) : await runNeural(y, h, m, origins, seeds, adjustment, reasons, covariates);
  if (neural) {
    backtests.lstm = neural.backtest;
    methods.lstm = { forecast: neural.forecast, backtest: score(y, h, m, origins, neural.backtest) };
  }

  // the headline: the mean, step by step, of the two methods with the lowest backtest MASE (a trimmed
  // combination: averaging beats choosing one, and leaving out what did worst on this series' own past
  // beat averaging LSTM, ETS and Theta on the dev suite). The naive forecasts are candidates too: on a
  // random walk, or where ETS and Theta misread a short season, repeating the past is the better part.
  const parts = (['lstm', 'ets', 'theta', 'seasonalNaive', 'naive'] as const).filter((p) => methods[p]);
  const ranked = [...parts].sort((p, q) => methods[p]!.backtest.mase - methods[q]!.backtest.mase);
  const members = ranked.slice(0, 2);
  const combine = (rows: number[][]) => rows[0].map((_, k) => rows.reduce((s, r) => s + r[k], 0) / rows.length);
  const combinedBacktest = origins.origins.map((_, j) => combine(members.map((name) => backtests[name]![j])));
  const combined = combine(members.map((name) => methods[name]!.forecast));
  methods.combination = { forecast: combined, backtest: score(y, h, m, origins, combinedBacktest) };
  reasons.push(`forecast: the mean of ${members.join(' and ')} at each step, the two with the lowest backtest MASE (${ranked.map((p) => `${p} ${methods[p]!.backtest.mase.toFixed(3)}`).join(', ')})`);

  const scale = { log: y.every((v) => v > 0) && combined.every((v) => v > 0) && combinedBacktest.every((f) => f.every((v) => v > 0)) };
  const intervals = intervalsAround(combined, calibrate(errorsOf(combinedBacktest, actual, scale)), scale);
  const coverage = backtestCoverage(combinedBacktest, actual, scale);
  reasons.push(`intervals: Student-t with ${Math.max(1, origins.origins.length - 1)} degree${origins.origins.length > 2 ? 's' : ''} of freedom, their spread from the forecast's ${origins.origins.length * h} backtest errors${scale.log ? ' (as ratios: the series is positive)' : ''}`);

  return { horizon: h, period: m, forecast: combined, intervals, method: 'combination', members, methods, origins: origins.origins, coverage, neural: neural?.config ?? null, etsMethod, adjustment, reasons, seconds: (now() - started) / 1000 };
}

/**
 * The LSTM part: each candidate configuration trained on the points before the first origin and
 * backtested; the best (lowest MASE) retrained on the whole series. Null, with the reason, when the
 * series has too few points before the first origin for MIN_LSTM_WINDOWS windows.
 */
async function runNeural(y: number[], h: number, m: number, origins: Origins, seeds: number[], adj: Adjustment, reasons: string[], covariates: NeuralCovariate[] = []): Promise<NeuralResult | null> {
  const first = origins.origins[0];
  const candidates = withCovariates(candidateConfigs(y.length, h, m, seeds), covariates, reasons).filter((c) => windowsFrom(first, c, h) >= MIN_LSTM_WINDOWS);
  if (candidates.length === 0) {
    reasons.push(`no LSTM: ${first} points before the first backtest origin are too few for ${MIN_LSTM_WINDOWS} training windows; the statistical methods forecast alone`);
    return null;
  }
  const adj0 = chooseAdjustment(y.slice(0, first), m);
  const a0 = adjust(adj0, y);
  let best: { config: NeuralConfig; backtest: number[][]; mase: number } | null = null;
  const tried: string[] = [];
  for (const config of candidates) {
    const nf = await NeuralForecaster.train(covariates.length ? [{ values: a0.slice(0, first), covariates }] : a0.slice(0, first), h, config, {
      at: checkpointsOf(config.epochs),
      call: (epochs, trained) => {
        const bt = backtest(y, h, m, origins, (origin) => trained.forecast(a0, origin, { covariates }).map((v, k) => unadjust(adj0, v, origin + k)));
        tried.push(`${config.strategy} after ${epochs} passes ${bt.scores.mase.toFixed(3)}`);
        if (!best || bt.scores.mase < best.mase) best = { config: { ...config, epochs }, backtest: bt.forecasts, mase: bt.scores.mase };
      },
    });
    nf.dispose();
  }
  reasons.push(`LSTM: ${best!.config.strategy} with windows of ${best!.config.window}, ${best!.config.epochs} passes, chosen on the backtest (MASE ${tried.join(', ')})`);
  reasons.push(...adj.reasons.map((r) => `LSTM input: ${r}`));
  const a = adjust(adj, y);
  const nf = await NeuralForecaster.train(covariates.length ? [{ values: a, covariates }] : a, h, best!.config);
  try {
    const forecast = nf.forecast(a, a.length, { covariates }).map((v, k) => unadjust(adj, v, y.length + k));
    if (forecast.some((v) => !Number.isFinite(v))) fail(`the LSTM's forecast is not finite (${show(forecast.find((v) => !Number.isFinite(v)))}): the series' values are too large for the log transform`);
    return { config: best!.config, forecast, backtest: best!.backtest };
  } finally {
    nf.dispose();
  }
}

/** The configurations the backtest chooses from: the direct and the recursive strategy, windows of two seasons (at least h and 8). */
export function candidateConfigs(n: number, h: number, m: number, seeds: number[]): NeuralConfig[] {
  const window = Math.max(8, h, Math.min(2 * m, 64));
  const strategies: Strategy[] = ['direct', 'recursive'];
  return strategies.map((strategy) => ({ window, units: 32, strategy, epochs: epochsFor(n - window), seeds }));
}

/** One training per configuration is looked at after a quarter, half, three quarters and all of its passes: the backtest picks among these. */
export function checkpointsOf(epochs: number): number[] {
  return [...new Set([0.25, 0.5, 0.75, 1].map((f) => Math.max(1, Math.round(f * epochs))))];
}

/**
 * The most passes the backtest looks at (it picks a quarter, half, three quarters or all of them):
 * enough for about 200 optimizer steps of 32 windows, between 20 and 200 passes. On the dev suite
 * the backtest chose fewer than the most on 9 of 12 series.
 */
export function epochsFor(windows: number): number {
  return Math.max(20, Math.min(200, Math.ceil((200 * 32) / Math.max(1, windows))));
}

export function windowsFrom(points: number, c: NeuralConfig, h: number): number {
  return points - c.window - (c.strategy === 'direct' ? h : 1) + 1;
}

export function describeConfig(c: NeuralConfig): string {
  return `${c.strategy}, window ${c.window}, LSTM(${c.units}), ${c.epochs} epochs, ${c.seeds.length} seed${c.seeds.length === 1 ? '' : 's'}`;
}

function checkValues(values: ArrayLike<number>): number[] {
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') fail(`autoForecast: the series must be an array of numbers, got ${show(values)}`);
  const y = Array.from(values);
  const bad = y.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad >= 0) fail(`autoForecast: point ${bad + 1} is ${show(y[bad])}; every point must be a finite number (fill missing values first: fillMissing)`);
  return y;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** The LSTM part's outcome: its configuration, its forecast from the whole series, its backtest forecasts per origin. */
export interface NeuralResult {
  config: NeuralConfig;
  forecast: number[];
  backtest: number[][];
}

/** An LSTM part made elsewhere, given the series, its backtest origins and the reasons to add to. */
export type NeuralPart = (y: number[], origins: Origins, reasons: string[]) => Promise<NeuralResult | null>;

/** With covariates the LSTM forecasts directly only (neural.ts says why); the reasons name the covariates. */
export function withCovariates(configs: NeuralConfig[], covariates: { name: string; known: boolean }[], reasons: string[]): NeuralConfig[] {
  if (covariates.length === 0) return configs;
  reasons.push(`LSTM covariates: ${describeCovariates(covariates)}; the direct strategy only; the statistical methods ignore them`);
  return configs.filter((c) => c.strategy === 'direct');
}

/** The fewest points before a backtest origin: two seasons (at most 24 points), and 5 at least (ETS needs 5 points, Theta 4). */
function earliestOrigin(m: number): number {
  return Math.max(5, Math.min(2 * m, 24));
}

/** The backtest origins of a series of n points: the statistical methods need a few points; the LSTM needs windows (checked per configuration). */
export function backtestOrigins(n: number, h: number, m: number, count?: number): Origins {
  return rollingOrigins(n, h, earliestOrigin(m), count);
}

/** Why a series of n points (period m) cannot be forecast h points ahead with a backtest, or null when it can. */
export function tooShortToForecast(n: number, h: number, m: number): string | null {
  return tooShortToBacktest(n, h, earliestOrigin(m));
}
