/**
 * `lstm-wasm forecast` on a series too short for the one-step model (the
 * saved LSTM needs a window and a difference before its test part): the
 * backtested forecast still runs — ETS and Theta, and the LSTM part where
 * it has windows enough — and writes the plot and summary.json, but no
 * model files. Only a series too short for that too is an error.
 */
import { join } from 'node:path';
import { autoForecast, tooShortToForecast, type AutoForecast } from '../forecast/auto.js';
import type { AutoCovariate } from '../forecast/covariates.js';
import { intervalBands } from '../forecast/charts.js';
import type { ChosenPeriod } from '../forecast/period.js';
import { shortSummary } from '../forecast/summary.js';
import { lineChart } from '../plot/line-chart.js';
import { cliFail } from './args.js';
import { writeFilesAtomically } from './atomic-write.js';
import { fmt, printBacktest } from './auto-report.js';
import type { LoadedSeries } from './files.js';
import { checkFinite, printable, printWarnings } from './output.js';

interface ShortRun {
  horizon: number;
  period: ChosenPeriod;
  futureAt: string[];
  outDir: string;
  covariates: AutoCovariate[];
  seed: number;
  json: boolean;
}

/** Forecast without the one-step model, `why` saying why it could not be trained. */
export async function forecastShort(series: LoadedSeries, run: ShortRun, why: string, log: (line?: string) => void): Promise<void> {
  if (run.horizon === 0) cliFail(`${why}; with --horizon 0 there is nothing else to do`);
  const short = tooShortToForecast(series.values.length, run.horizon, run.period.period);
  if (short) cliFail(`the series is too short to forecast: ${why}, and ${short}`);
  const auto = await autoForecast(series.values, { horizon: run.horizon, period: run.period.period, seed: run.seed, ...(run.covariates.length && { covariates: run.covariates }) });
  const warning = `no one-step model (and no model files): ${why}`;
  printWarnings([warning]);
  const files = { plot: join(run.outDir, 'forecast.svg'), summary: join(run.outDir, 'summary.json') };
  const summary = { ...shortSummary(series, auto, run.futureAt, run.period, warning), files };
  checkFinite(summary, () => 'the values are too large to forecast; rescale them; nothing was written');
  writeFilesAtomically(run.outDir, [
    { name: 'forecast.svg', data: chart(series, auto, run.futureAt) },
    { name: 'summary.json', data: JSON.stringify(summary, null, 1) + '\n' },
  ]);
  if (run.json) return void process.stdout.write(JSON.stringify(summary, null, 1) + '\n');
  printBacktest(summary.backtest, auto, log);
  log('');
  log(`Next ${summary.forecast.length} (95% interval): ${summary.forecast.map((q) => `${printable(q.label)} ${fmt(q.value)} [${fmt(q.intervals['95'][0])}, ${fmt(q.intervals['95'][1])}]`).join(', ')}`);
  log(`Wrote ${summary.files.plot} (the plot) and ${summary.files.summary}`);
}

/** History, the forecast and its intervals. */
function chart(series: LoadedSeries, auto: AutoForecast, futureAt: string[]): string {
  const N = series.values.length, x = [...series.labels, ...futureAt];
  // the forecast's line starts at the last known point, so it joins the history
  const forecast = x.map((_, i) => (i >= N ? auto.forecast[i - N] : i === N - 1 ? series.values[N - 1] : null));
  return lineChart({
    title: `${series.name}: the forecast with its 80% and 95% intervals`,
    xLabel: 'time', yLabel: series.name, x,
    series: [
      { name: 'history', values: [...series.values, ...futureAt.map(() => null)] },
      { name: `forecast: next ${futureAt.length}`, values: forecast, dashed: true },
    ],
    bands: intervalBands(auto.intervals, N, x.length),
    markX: [{ at: N - 0.5, label: 'forecast →' }],
  });
}
