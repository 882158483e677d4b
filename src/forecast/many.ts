/**
 * Many series at once: one global LSTM learns from the windows of all of
 * them (ES-RNN style), everything else is done per series as autoForecast
 * does it.
 *
 *   prepare   each series on its own: log or not, season or not (adjust.ts),
 *             and its own scale (neural.ts) — a series of thousands and one
 *             of units give windows of the same size to the network
 *   backtest  each series from its own origins; the global network is
 *             trained only on the points before each series' own first
 *             origin, in each candidate configuration, and the
 *             configuration with the lowest mean MASE over the series wins
 *   forecast  the network retrained on every series whole; per series the
 *             statistical methods, the combination of the two best and the
 *             intervals, exactly as autoForecast (forecastOne) makes them
 *
 * A global network helps short and related series: each learns from the
 * shapes of all. The result holds every series' AutoForecast under its id,
 * and the mean backtest MASE of each method over the series.
 */
import { fail, LstmWasmError, show } from '../errors.js';
import { nameOption, optionsOf } from '../options.js';
import { adjust, chooseAdjustment, unadjust } from './adjust.js';
import {
  backtestOrigins, candidateConfigs, describeConfig, checkpointsOf, epochsFor, forecastOne, sharedOptions, MIN_LSTM_WINDOWS, windowsFrom, withCovariates,
  type AutoForecast, type MethodName, type NeuralResult,
} from './auto.js';
import { backtest, type Origins } from './backtest.js';
import { checkCovariates, describeCovariates, type AutoCovariate } from './covariates.js';
import { MAX_POOLED_WINDOWS, MAX_TRAINING_WINDOWS, NeuralForecaster, type NeuralConfig, type NeuralCovariate } from './neural.js';

export interface ManySeries {
  /** Names the series in the result and in errors; unique. */
  id: string;
  /** Finite numbers, oldest first. */
  values: ArrayLike<number>;
  /** As autoForecast's; every series must have the same names, in the same order, known in the future or not alike. */
  covariates?: AutoCovariate[];
}

export interface ManyOptions {
  /** Points to forecast for every series, 1 … MAX_AUTO_HORIZON. */
  horizon: number;
  /** Season length shared by the series (1: none). Default 1. */
  period?: number;
  /** LSTMs per ensemble (seeds seed … seed + n − 1). Default DEFAULT_ENSEMBLE (5). */
  ensemble?: number;
  /** The ensemble's first seed (seed + ensemble − 1 at most MAX_SEED). Default 1. */
  seed?: number;
  /** Backtest origins per series. Default BACKTEST_ORIGINS. */
  origins?: number;
}

export interface SeriesForecast extends AutoForecast {
  id: string;
}

export interface AutoForecastMany {
  horizon: number;
  period: number;
  /** Per series, in the order given. */
  series: SeriesForecast[];
  /** Per method: its backtest MASE averaged over the series it forecast, and how many those were. */
  aggregate: Partial<Record<MethodName, { mase: number; series: number }>>;
  /** The global LSTM's configuration, null when the series together were too short for it. */
  neural: NeuralConfig | null;
  /** What was decided for all series; each series' own reasons are in its result. */
  reasons: string[];
  seconds: number;
}

/** The most series one call takes. */
export const MAX_SERIES = 10_000;
/** The most numbers (points of the series and of their covariates) one call takes. */
export const MAX_TOTAL_POINTS = 10_000_000;
const OPTION_NAMES = ['horizon', 'period', 'ensemble', 'origins', 'seed'] as const;
const SERIES_FIELDS = ['id', 'values', 'covariates'];
const METHODS: MethodName[] = ['combination', 'lstm', 'ets', 'theta', 'naive', 'seasonalNaive'];

/** A series checked: its values copied, its covariates as the LSTM reads them. */
interface Checked {
  id: string;
  y: number[];
  covariates: NeuralCovariate[];
  origins: Origins;
}

/** Forecast `horizon` points after each series, with one LSTM learnt from all of them. */
export async function autoForecastMany(series: ManySeries[], options: ManyOptions): Promise<AutoForecastMany> {
  const started = now();
  const o = optionsOf(options, OPTION_NAMES, 'autoForecastMany');
  const { h, m, seeds, originCount } = sharedOptions(o, 'autoForecastMany');
  const list = checkSeries(series, h, m, originCount);
  const reasons: string[] = [];
  const neural = await globalNeural(list, h, m, seeds, reasons);

  const results: SeriesForecast[] = [];
  for (let i = 0; i < list.length; i++) {
    const s = list[i], part = neural.parts[i];
    const r = await inSeries(s.id, () =>
      forecastOne(s.y, { horizon: h, period: m, origins: originCount }, async (_y, origins, why) => {
        // the per-series backtest must use the origins the global network was held out at
        if (origins.origins.join() !== s.origins.origins.join()) fail(`internal: the backtest origins changed (${origins.origins.join()} vs ${s.origins.origins.join()})`);
        why.push(...part.reasons);
        return part.result;
      }),
    );
    results.push({ id: s.id, ...r });
  }
  return { horizon: h, period: m, series: results, aggregate: aggregateOf(results), neural: neural.config, reasons, seconds: (now() - started) / 1000 };
}

/** Each method's backtest MASE averaged over the series that have it. */
function aggregateOf(results: AutoForecast[]): AutoForecastMany['aggregate'] {
  const out: AutoForecastMany['aggregate'] = {};
  for (const name of METHODS) {
    const scores = results.flatMap((r) => (r.methods[name] ? [r.methods[name]!.backtest.mase] : []));
    if (scores.length) out[name] = { mase: scores.reduce((p, q) => p + q, 0) / scores.length, series: scores.length };
  }
  return out;
}

/** What the global network gives each series: its LSTM result (null: too short for it) and the reasons. */
interface GlobalNeural {
  config: NeuralConfig | null;
  parts: { result: NeuralResult | null; reasons: string[] }[];
}

/**
 * The global LSTM: each candidate configuration trained on every series' points before its own
 * first origin and backtested per series; the lowest mean MASE wins and is retrained on all the
 * points. A series with fewer points than a window before its first origin is not forecast by it.
 */
async function globalNeural(list: Checked[], h: number, m: number, seeds: number[], reasons: string[]): Promise<GlobalNeural> {
  const firsts = list.map((s) => s.origins.origins[0]);
  const cap = list.length === 1 ? MAX_TRAINING_WINDOWS : MAX_POOLED_WINDOWS;
  const longest = Math.max(...list.map((s) => s.y.length));
  const candidates = withCovariates(candidateConfigs(longest, h, m, seeds), list[0].covariates, reasons).flatMap((c) => {
    const pooled = Math.min(cap, firsts.reduce((p, f) => p + Math.max(0, windowsFrom(f, c, h)), 0));
    return pooled >= MIN_LSTM_WINDOWS ? [{ ...c, epochs: epochsFor(pooled) }] : [];
  });
  const none = (why: string): GlobalNeural => ({ config: null, parts: list.map(() => ({ result: null, reasons: [why] })) });
  if (candidates.length === 0) {
    reasons.push(`no LSTM: the points before the series' first backtest origins give fewer than ${MIN_LSTM_WINDOWS} training windows in all; the statistical methods forecast alone`);
    return none('no LSTM: the series together are too short for it');
  }
  const adj0 = list.map((s, i) => inSeriesSync(s.id, () => chooseAdjustment(s.y.slice(0, firsts[i]), m)));
  const a0 = list.map((s, i) => inSeriesSync(s.id, () => adjust(adj0[i], s.y)));
  // set in the checkpoint callbacks (the "as" keeps TypeScript from narrowing it to null for good)
  let best = null as { config: NeuralConfig; backtests: (number[][] | null)[]; mase: number } | null;
  const tried: string[] = [];
  for (const config of candidates) {
    // as for one series: the global network is looked at after some of its passes, and the backtest picks
    const nf = await NeuralForecaster.train(list.map((s, i) => ({ values: a0[i].slice(0, firsts[i]), covariates: s.covariates })), h, config, {
      at: checkpointsOf(config.epochs),
      call: (epochs, trained) => {
        let sum = 0, count = 0;
        const backtests = list.map((s, i) => {
          if (firsts[i] < config.window) return null;
          const bt = inSeriesSync(s.id, () => backtest(s.y, h, m, s.origins, (origin) => trained.forecast(a0[i], origin, { series: i, covariates: s.covariates }).map((v, k) => unadjust(adj0[i], v, origin + k))));
          sum += bt.scores.mase;
          count++;
          return bt.forecasts;
        });
        const mase = count ? sum / count : Number.POSITIVE_INFINITY;
        tried.push(`${config.strategy} after ${epochs} passes ${mase.toFixed(3)} over ${count} series`);
        if (count && (!best || mase < best.mase)) best = { config: { ...config, epochs }, backtests, mase };
      },
    });
    nf.dispose();
  }
  if (!best) {
    reasons.push(`no LSTM: no series has a window (${candidates[0].window} points) before its first backtest origin`);
    return none('no LSTM: too few points before the first backtest origin for a window');
  }
  const chosen = best;
  reasons.push(`global LSTM: ${chosen.config.strategy} with windows of ${chosen.config.window}, ${chosen.config.epochs} passes, trained on the windows of all ${list.length} series (each adjusted and scaled on its own), chosen on the mean backtest MASE (${tried.join(', ')})`);
  if (list[0].covariates.length) reasons.push(`LSTM covariates: ${describeCovariates(list[0].covariates)}`);
  const adj = list.map((s) => inSeriesSync(s.id, () => chooseAdjustment(s.y, m)));
  const a = list.map((s, i) => inSeriesSync(s.id, () => adjust(adj[i], s.y)));
  const nf = await NeuralForecaster.train(list.map((s, i) => ({ values: a[i], covariates: s.covariates })), h, chosen.config);
  try {
    const parts = list.map((s, i) => {
      const bt = chosen.backtests[i];
      if (!bt) return { result: null, reasons: [`no LSTM: ${firsts[i]} points before the first backtest origin are fewer than the global LSTM's window of ${chosen.config.window}`] };
      const forecast = nf.forecast(a[i], a[i].length, { series: i, covariates: s.covariates }).map((v, k) => unadjust(adj[i], v, s.y.length + k));
      if (forecast.some((v) => !Number.isFinite(v))) fail(`series ${show(s.id)}: the LSTM's forecast is not finite (${show(forecast.find((v) => !Number.isFinite(v)))}): the series' values are too large for the log transform`);
      const why = [`LSTM: the global ${describeConfig(chosen.config)}`, ...adj[i].reasons.map((r) => `LSTM input: ${r}`)];
      if (s.covariates.length) why.push(`LSTM covariates: ${describeCovariates(s.covariates)}; the statistical methods ignore them`);
      return { result: { config: chosen.config, forecast, backtest: bt }, reasons: why };
    });
    return { config: chosen.config, parts };
  } finally {
    nf.dispose();
  }
}

/** The series checked before anything is copied: count, total size, ids; then each one's values, covariates and origins. */
function checkSeries(series: unknown, h: number, m: number, originCount: number | undefined): Checked[] {
  if (!Array.isArray(series)) fail(`autoForecastMany: the series must be an array of { id, values, covariates? }, got ${show(series)}`);
  if (series.length < 1 || series.length > MAX_SERIES) fail(`autoForecastMany: from 1 to ${MAX_SERIES.toLocaleString('en-US')} series, got ${series.length.toLocaleString('en-US')}`);
  let total = 0;
  series.forEach((s: unknown, i) => {
    if (s === null || typeof s !== 'object' || Array.isArray(s)) fail(`autoForecastMany: series ${i + 1} must be an object { id, values, covariates? }, got ${show(s)}`);
    const unknown = Object.keys(s).filter((k) => !SERIES_FIELDS.includes(k));
    if (unknown.length) fail(`autoForecastMany: series ${i + 1} has unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map(show).join(', ')}; the fields are ${SERIES_FIELDS.join(', ')}`);
    const { values, covariates } = s as ManySeries;
    const n = values !== null && typeof values === 'object' && typeof values.length === 'number' ? values.length : 0;
    const k = Array.isArray(covariates) ? covariates.length : 0;
    total += n * (1 + k) + k * h;
  });
  if (total > MAX_TOTAL_POINTS) fail(`autoForecastMany: the series and their covariates hold ${total.toLocaleString('en-US')} numbers, more than ${MAX_TOTAL_POINTS.toLocaleString('en-US')}`);
  const ids = new Set<string>();
  const list = series.map((s: ManySeries, i): Checked => {
    const id = nameOption(s.id, `autoForecastMany: series ${i + 1}'s id`);
    if (ids.has(id)) fail(`autoForecastMany: two series have the id ${show(id)}`);
    ids.add(id);
    const where = `autoForecastMany: series ${show(id)}`;
    const y = valuesOf(s.values, where);
    const covariates = checkCovariates(s.covariates, y.length, h, where);
    const origins = inSeriesSync(id, () => backtestOrigins(y.length, h, m, originCount));
    return { id, y, covariates, origins };
  });
  // one network reads them all: the same channels for every series
  const kinds = (c: Checked) => c.covariates.map((v) => `${v.name}${v.known ? '+' : ''}`).join();
  const odd = list.find((c) => kinds(c) !== kinds(list[0]));
  if (odd) fail(`autoForecastMany: series ${show(odd.id)} has the covariates ${describeCovariates(odd.covariates) || 'none'}, series ${show(list[0].id)} ${describeCovariates(list[0].covariates) || 'none'}; every series needs the same ones (the same names, in the same order, known in the future or not alike)`);
  return list;
}

function valuesOf(values: unknown, where: string): number[] {
  if (values === null || typeof values !== 'object' || typeof (values as ArrayLike<number>).length !== 'number') fail(`${where}: values must be an array of numbers, got ${show(values)}`);
  const y = Array.from(values as ArrayLike<unknown>);
  const bad = y.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad >= 0) fail(`${where}: point ${bad + 1} is ${show(y[bad])}; every point must be a finite number (fill missing values first: fillMissing)`);
  return y as number[];
}

/** Errors of one series' work name its id. */
async function inSeries<T>(id: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw named(id, e);
  }
}

function inSeriesSync<T>(id: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw named(id, e);
  }
}

function named(id: string, e: unknown): unknown {
  if (!(e instanceof LstmWasmError) || e.message.includes(`series ${show(id)}`)) return e;
  return new LstmWasmError(`autoForecastMany: series ${show(id)}: ${e.message.replace(/^lstm-wasm: /, '')}`);
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());
