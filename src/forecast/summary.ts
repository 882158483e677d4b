/**
 * What `lstm-wasm forecast` reports, as summary.json (and --json) hold it:
 * built here from the results alone, with no file access, so the CLI only
 * adds where it wrote the files and writes them. Three shapes: one series
 * with its one-step model (oneStepSummary), one too short for that model
 * (shortSummary), many series at once (manySummary).
 */
import { backend } from '../backend/registry.js';
import { futureLabels } from '../timeseries/labels.js';
import type { AutoForecast, MethodName } from './auto.js';
import type { BacktestScores } from './backtest.js';
import type { Forecaster, Scores } from './forecaster.js';
import { LEVELS, type Intervals } from './intervals.js';
import type { AutoForecastMany } from './many.js';
import type { ChosenPeriod } from './period.js';

/** The series a summary describes: its values (missing ones filled), a label per point, where it came from. */
export interface SummarisedSeries {
  values: number[];
  labels: string[];
  /** The value column's name. */
  name: string;
  source: string;
  /** How many values were missing (and filled). */
  missing: number;
}

/** One forecast point: its label, its value and, from the automatic forecast, its 80% and 95% intervals. */
export interface ForecastEntry {
  label: string;
  value: number;
  intervals?: Record<string, [number, number]>;
}

/** The forecast points as the summaries list them. */
function forecastEntries(values: number[], labels: string[], intervals: Intervals): Required<ForecastEntry>[];
function forecastEntries(values: number[], labels: string[], intervals?: Intervals): ForecastEntry[];
function forecastEntries(values: number[], labels: string[], intervals?: Intervals): ForecastEntry[] {
  return values.map((value, k) => ({ label: labels[k], value, ...(intervals && { intervals: Object.fromEntries(LEVELS.map((l) => [String(l), intervals[l][k]])) }) }));
}

function periodOf(chosen: ChosenPeriod): { value: number; reason: string } {
  return { value: chosen.period, reason: chosen.reason };
}

const SHORT: Record<MethodName, string> = { combination: 'forecast', lstm: 'LSTM', ets: 'ETS', theta: 'Theta', seasonalNaive: 'seasonal naive', naive: 'naive' };

/** The methods in the order a report lists them, with their names for people. */
function methodNames(a: AutoForecast): Record<MethodName, string> {
  return {
    combination: `forecast (mean of ${a.members.map((m) => SHORT[m]).join(' and ')})`,
    lstm: 'LSTM',
    ets: a.etsMethod ? `exponential smoothing ${a.etsMethod}` : 'exponential smoothing',
    theta: 'Theta',
    seasonalNaive: `seasonal naive (${a.period} before)`,
    naive: 'naive (last value)',
  };
}

export interface BacktestSummary {
  horizon: number;
  /** The label of the last known point at each origin. */
  origins: string[];
  /** The method the forecast is. */
  forecast: MethodName;
  /** The parts it averages. */
  members: MethodName[];
  methods: Partial<Record<MethodName, BacktestScores & { name: string }>>;
  /** How often the forecast's intervals held on the backtest, per level; absent with a single origin. */
  coverage?: Record<string, number>;
}

/** The backtest as summary.json has it: each method's scores under its name for people, the origins as labels. */
function backtestSummary(a: AutoForecast, labels: string[]): BacktestSummary {
  const names = methodNames(a);
  const methods: BacktestSummary['methods'] = {};
  for (const key of Object.keys(names) as MethodName[]) {
    const m = a.methods[key];
    if (m) methods[key] = { name: names[key], ...m.backtest };
  }
  const coverage = Number.isFinite(a.coverage[95]) ? Object.fromEntries(LEVELS.map((l) => [String(l), a.coverage[l]])) : undefined;
  return { horizon: a.horizon, origins: a.origins.map((o) => labels[o - 1]), forecast: a.method, members: a.members, methods, ...(coverage && { coverage }) };
}

/** Each method's own forecast beyond the data, so a user sees what each part contributes. */
function components(a: AutoForecast): Partial<Record<MethodName, number[]>> {
  return Object.fromEntries(Object.entries(a.methods).map(([k, m]) => [k, m.forecast]));
}


interface BaselineNotComputed {
  name: string;
  reason: string;
}

export interface OneStepSummary {
  /** The season length and where it came from (the dates, the autocorrelation, --period). */
  period: { value: number; reason: string };
  /** Missing values filled by linear interpolation before anything else. */
  missing: number;
  /** The headline: every method h steps ahead from past origins (absent with --horizon 0, or a horizon too long to backtest). */
  backtest?: BacktestSummary;
  /** What the automatic forecast chose, and why. */
  choices?: string[];
  /** Each method's own forecast of the next h points. */
  components?: Record<string, number[]>;
  data: { source: string; column: string; points: number; first: string; last: string; trainPoints: number; testPoints: number; trainWindows: number; testFrom: string };
  config: Record<string, unknown>;
  model: { layers: string; parameters: number; backend: string };
  training: { epochs: number; loss: number[]; fitSeconds: number };
  /** Training warnings, also printed on stderr. */
  warnings: string[];
  test: ReportedScores & {
    baselines: Record<string, ReportedScores>;
    /** Baselines without scores, and why (instead of NaN scores, which JSON would turn into null). */
    baselinesNotComputed: BaselineNotComputed[];
    beats: string[];
    /** Baselines whose RMSE equals the LSTM's up to rounding (a flat series: every forecast exact). */
    ties: string[];
    predictions: { label: string; truth: number; prediction: number }[];
    /** The one-step model's own forecast beyond the data, each step fed back: what `predict` with the saved model gives. */
    forecastAhead: number[];
  };
  forecast: ForecastEntry[];
}

/** Scores as the summary has them: MAPE left out where it is undefined (every true value 0), never a NaN that JSON would print as null. */
function reported(s: Scores): ReportedScores {
  const { rmse, mae, mape, smape } = s;
  return Number.isNaN(mape) ? { rmse, mae, smape } : { rmse, mae, mape, smape };
}

export type ReportedScores = Omit<Scores, 'mape'> & { mape?: number };

/**
 * What `forecast` reports on one series with its one-step model: the
 * automatic forecast's backtest and choices (when `auto` ran), the one-step
 * model's test against the baselines, and the forecast.
 */
export function oneStepSummary(f: Forecaster, series: SummarisedSeries, future: number[], futureAt: string[], horizon: number, auto: AutoForecast | null, chosen: ChosenPeriod, ownForecast: number[], warnings: string[]): OneStepSummary {
  const e = f.evaluation, labels = series.labels, period = f.recipe.recipe.period;
  const names = { persistence: 'persistence (last value)', seasonalNaive: `seasonal naive (${period} before)`, seasonalNaiveTrend: 'seasonal naive + last year-on-year change' };
  const baselines: Record<string, ReportedScores> = {};
  const notComputed: BaselineNotComputed[] = [];
  const beats: string[] = [], ties: string[] = [];
  // errors closer than this are rounding, not one forecast being better (4e-14 against 0 on a flat series)
  const same = 1e-9 * Math.max(1, e.truth.reduce((m, v) => Math.max(m, Math.abs(v)), 0));
  for (const [key, name] of Object.entries(names)) {
    const scores = e.baselines[key as keyof typeof names];
    // the forecaster gives NaN scores for a seasonal baseline when the test part starts within the first period
    if (Number.isNaN(scores.rmse)) {
      notComputed.push({ name, reason: `the test part starts at point ${e.targets[0] + 1}, so there is no full season of ${period} points before it` });
      continue;
    }
    baselines[name] = reported(scores);
    if (Math.abs(e.rmse - scores.rmse) <= same) ties.push(name);
    else if (e.rmse < scores.rmse) beats.push(name);
  }
  return {
    period: periodOf(chosen),
    missing: series.missing,
    ...(auto && { backtest: backtestSummary(auto, labels), choices: auto.reasons, components: components(auto) }),
    data: { source: series.source, column: series.name, points: f.sizes.points, first: labels[0], last: labels[labels.length - 1], trainPoints: f.sizes.trainPoints, testPoints: f.sizes.testPoints, trainWindows: f.sizes.trainWindows, testFrom: labels[f.sizes.trainPoints] },
    config: { ...f.recipe.recipe, ...f.options, horizon },
    model: { layers: describeModel(f), parameters: f.model.countParams(), backend: backend() },
    training: { epochs: f.history.epoch.length, loss: f.history.history.loss ?? [], fitSeconds: f.fitSeconds },
    warnings,
    test: {
      ...reported(e),
      baselines, baselinesNotComputed: notComputed, beats, ties,
      predictions: e.targets.map((t, i) => ({ label: labels[t], truth: e.truth[i], prediction: e.predictions[i] })),
      forecastAhead: ownForecast,
    },
    forecast: forecastEntries(future, futureAt, auto?.intervals),
  };
}

function describeModel(f: Forecaster): string {
  return f.options.layers.map((u, i) => `LSTM(${u}${i < f.options.layers.length - 1 ? ', all steps' : ''})`).join(' → ') + ' → Dense(1)';
}

/** What `forecast` reports on a series too short for the one-step model: the automatic forecast alone, and why. */
export function shortSummary(series: SummarisedSeries, auto: AutoForecast, futureAt: string[], chosen: ChosenPeriod, warning: string) {
  const labels = series.labels;
  return {
    period: periodOf(chosen),
    missing: series.missing,
    backtest: backtestSummary(auto, labels),
    choices: auto.reasons,
    components: components(auto),
    data: { source: series.source, column: series.name, points: series.values.length, first: labels[0], last: labels[labels.length - 1] },
    warnings: [warning],
    forecast: forecastEntries(auto.forecast, futureAt, auto.intervals),
  };
}

/** Many series read from one file, each with its id. */
export interface SummarisedMany {
  source: string;
  series: (Omit<SummarisedSeries, 'name' | 'source'> & { id: string })[];
}

export interface ManySummary {
  mode: 'many';
  source: string;
  horizon: number;
  period: { value: number; reason: string };
  series: {
    id: string;
    points: number;
    /** Missing values in the file, filled by linear interpolation before anything else. */
    missing: number;
    first: string;
    last: string;
    backtest: BacktestSummary;
    /** What was decided for this series, and why. */
    choices: string[];
    /** Each method's own forecast of the next h points. */
    components: Partial<Record<MethodName, number[]>>;
    forecast: Required<ForecastEntry>[];
  }[];
  /** Per method: its backtest MASE averaged over the series it forecast, and how many those were. */
  aggregate: AutoForecastMany['aggregate'];
  /** What was decided for all series (the global LSTM). */
  choices: string[];
  seconds: number;
}

/** What `forecast` reports on many series: each one's backtest, choices and forecast, and the aggregate. */
export function manySummary(input: SummarisedMany, r: AutoForecastMany, chosen: ChosenPeriod): ManySummary {
  return {
    mode: 'many',
    source: input.source,
    horizon: r.horizon,
    period: periodOf(chosen),
    // autoForecastMany returns the series in the order given, so result i is input series i
    series: r.series.map((f, i) => {
      const x = input.series[i];
      return {
        id: f.id,
        points: x.values.length,
        missing: x.missing,
        first: x.labels[0],
        last: x.labels[x.labels.length - 1],
        backtest: backtestSummary(f, x.labels),
        choices: f.reasons,
        components: components(f),
        forecast: forecastEntries(f.forecast, futureLabels(x.labels, r.horizon), f.intervals),
      };
    }),
    aggregate: r.aggregate,
    choices: r.reasons,
    seconds: r.seconds,
  };
}
