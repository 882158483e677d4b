/**
 * The pictures of a forecast, shared by the CLI and the browser demo (no
 * Node APIs here): the forecast chart (history, test truth, one-step
 * predictions, the forecast beyond the data) and the recorded gates of the
 * first LSTM layer over a stretch of the series.
 */
import { fail } from '../errors.js';
import { LSTM } from '../layers/lstm.js';
import type { GateRecord } from '../layers/recurrent.js';
import type { Sequential } from '../model/sequential.js';
import { lineChart, type LineBand } from '../plot/line-chart.js';
import type { HeatmapPanel } from '../plot/heatmap.js';
import type { Forecaster } from './forecaster.js';
import type { FittedRecipe } from './recipe.js';
import type { Intervals } from './intervals.js';

/** A series with a label per point and a name (its unit on the y axis). */
export interface LabelledSeries {
  values: number[];
  labels: string[];
  name: string;
}

/** The forecast chart as a standalone SVG; `intervals` (of the future points) are drawn as shaded bands. */
export function forecastChart(f: Forecaster, series: LabelledSeries, future: number[], futureAt: string[], intervals?: Intervals, size: { width?: number; height?: number } = {}): string {
  const N = series.values.length, x = [...series.labels, ...futureAt];
  const at = (pairs: [number, number][], len: number) => {
    const v: (number | null)[] = new Array(len).fill(null);
    for (const [i, val] of pairs) v[i] = val;
    return v;
  };
  const e = f.evaluation;
  // a seasonal naive needs a season of history before the test part; without one the title compares with persistence
  const seasonal = e.baselines.seasonalNaive.rmse;
  const against = Number.isFinite(seasonal) ? `seasonal naive ${seasonal.toFixed(1)}` : `persistence ${e.baselines.persistence.rmse.toFixed(1)}`;
  return lineChart({
    title: intervals
      ? `${series.name}: the forecast with its 80% and 95% intervals, and the LSTM one step ahead on the test part (RMSE ${e.rmse.toFixed(1)} vs ${against})`
      : `${series.name}: LSTM forecast (test RMSE ${e.rmse.toFixed(1)} vs ${against})`,
    xLabel: 'time', yLabel: series.name, x,
    series: [
      { name: 'history', values: series.values.slice(0, f.sizes.trainPoints).concat(new Array(x.length - f.sizes.trainPoints).fill(null)) },
      { name: 'test: truth', values: at(e.targets.map((t, i) => [t, e.truth[i]]), x.length) },
      { name: 'test: LSTM, one step ahead', values: at(e.targets.map((t, i) => [t, e.predictions[i]]), x.length), dashed: true },
      { name: `forecast: next ${future.length}`, values: at([[N - 1, series.values[N - 1]], ...future.map((v, k) => [N + k, v] as [number, number])], x.length), dashed: true },
    ],
    bands: intervals ? intervalBands(intervals, N, x.length) : [],
    markX: [{ at: f.sizes.trainPoints - 0.5, label: 'train | test' }, ...(future.length ? [{ at: N - 0.5, label: 'forecast →' }] : [])],
    ...size,
  });
}

/** The 95% and 80% intervals of the points from `from` on, as shaded bands over `length` positions (null elsewhere). */
export function intervalBands(intervals: Intervals, from: number, length: number): LineBand[] {
  const over = (bound: (k: number) => number) => Array.from({ length }, (_, i) => (i >= from && i - from < intervals[95].length ? bound(i - from) : null));
  return ([95, 80] as const).map((level) => ({
    name: `${level}% interval`,
    low: over((k) => intervals[level][k][0]),
    high: over((k) => intervals[level][k][1]),
    color: level === 95 ? '#56B4E9' : '#0072B2',
  }));
}

/**
 * Run the model's first LSTM layer over the `steps` model-space points
 * ending at series index `end`, from a zero state, with its gates recorded.
 */
export function recordGates(model: Sequential, recipe: FittedRecipe, series: LabelledSeries, end: number, steps: number): { layer: LSTM; labels: string[]; record: GateRecord } {
  const layer = model.layers[0];
  if (!(layer instanceof LSTM)) fail(`the gates are an LSTM's, but this model's first layer is a ${layer.className}`);
  const z = recipe.toModel(series.values), lag = recipe.lag, last = end - lag;
  if (last < 0) fail(`point ${end + 1} has no model-space value: the first ${lag} points only start the difference`);
  if (steps < 1 || steps > last + 1) fail(`steps must be 1 … ${last + 1} for a stretch ending at ${series.labels[end]}`);
  const x = { shape: [1, steps, 1], data: Float32Array.from(z.slice(last + 1 - steps, last + 1)) };
  const record = layer.forward(x, { record: true }).record!;
  return { layer, labels: series.labels.slice(end + 1 - steps, end + 1), record };
}

/** The five heatmap panels of a recorded LSTM (units × steps each), with what each shows. */
export function gatePanels(record: GateRecord, units: number): HeatmapPanel[] {
  const steps = record.forget.shape[1];
  const rows = (name: string) => Array.from({ length: units }, (_, j) => Array.from({ length: steps }, (_, s) => record[name].data[s * units + j]));
  return [
    { name: 'forget gate f', rows: rows('forget'), min: 0, max: 1, caption: 'what the cell keeps (1) and drops (0) of its memory at each step' },
    { name: 'input gate i', rows: rows('input'), min: 0, max: 1, caption: 'how much of the new candidate is written into the cell' },
    { name: 'candidate g', rows: rows('candidate'), min: -1, max: 1, caption: 'the new content proposed at each step (tanh, −1 … 1)' },
    { name: 'output gate o', rows: rows('output'), min: 0, max: 1, caption: 'how much of the cell is exposed as the hidden state h = o·tanh(c)' },
    { name: 'cell state c', rows: rows('cell'), caption: 'the conveyor belt: c = f·c + i·g, carried from step to step' },
  ];
}

