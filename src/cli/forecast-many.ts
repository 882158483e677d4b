/**
 * `lstm-wasm forecast --id-column NAME` (a long CSV) or `--column A,B,C`
 * (a wide one): many series forecast at once by autoForecastMany — one
 * global LSTM learnt from all of them, the statistical methods, the
 * combination and the intervals per series.
 *
 * As for one series: every option is checked before the file is read, the
 * file and the series before any work, everything is computed before
 * anything is written, and the one file written (summary.json: there is no
 * one-step model to save) replaces the old one atomically.
 */
import { join } from 'node:path';
import { init } from '../backend/registry.js';
import { MAX_AUTO_HORIZON, type MethodName } from '../forecast/auto.js';
import { autoForecastMany } from '../forecast/many.js';
import { choosePeriod, defaultHorizon } from '../forecast/period.js';
import { backendOption, cliFail, intOption, textOption, type OptionValues } from './args.js';
import { writeFilesAtomically } from './atomic-write.js';
import { fmt } from './auto-report.js';
import { manySummary, type ManySummary } from '../forecast/summary.js';
import { checkOutputFolder } from './files.js';
import { LIMITS, showCount } from './limits.js';
import { readLong, readWide, wideColumns } from './many-input.js';
import { checkFinite, printable } from './output.js';

/**
 * Options of the single-series command that have no meaning here: they configure its one-step model,
 * which this mode does not train, or inputs it does not read. The many-series forecast chooses its own
 * configurations on the backtest (--seed sets its ensemble's first seed, as for one series).
 */
const NOT_USED = ['layers', 'epochs', 'window', 'recipe', 'transform', 'difference', 'scaler', 'batch-size', 'optimizer', 'lr', 'test', 'covariates', 'future'] as const;

/** Series rows the terminal table shows; summary.json has them all. */
const MAX_TABLE_ROWS = 50;
/** Ids longer than this are cut in the table (not in summary.json). */
const MAX_ID_WIDTH = 30;

interface ManySettings {
  csv: string;
  idColumn?: string;
  /** Long: the one value column (or undefined: chosen from the file). Wide: the series' columns. */
  column?: string;
  columns?: string[];
  dateColumn?: string;
  period?: number;
  horizon?: number;
  /** The LSTM ensemble's first seed. */
  seed: number;
  backend: ReturnType<typeof backendOption>;
  out: string;
  json: boolean;
  quiet: boolean;
}

export async function forecastManyCommand(a: OptionValues): Promise<void> {
  const s = manySettings(a);
  const input = s.columns ? readWide(s.csv, s.columns, s.dateColumn) : readLong(s.csv, s.idColumn!, s.column, s.dateColumn);
  const first = input.series[0];
  // one period for all: the series of one file share their spacing, so the first one's dates tell it
  const period = s.period !== undefined ? { period: s.period, reason: 'given with --period' } : choosePeriod(first.values, first.labels);
  const horizon = s.horizon ?? defaultHorizon(period.period);
  const outDir = checkOutputFolder(s.out);
  await init(s.backend);
  const log = (line = '') => { if (!s.json) process.stdout.write(line + '\n'); };

  const missing = input.series.reduce((p, q) => p + q.missing, 0);
  log(`lstm-wasm forecast — ${printable(input.source)}: ${showCount(input.series.length)} series, ${showCount(input.series.reduce((p, q) => p + q.values.length, 0))} points${missing ? ` (${showCount(missing)} missing value${missing === 1 ? '' : 's'} filled by linear interpolation, per series)` : ''}`);
  log(`Period ${period.period} (${period.reason}); forecasting ${horizon} point${horizon === 1 ? '' : 's'} ahead for each series`);
  if (!s.quiet) process.stderr.write(`backtesting one LSTM over the ${showCount(input.series.length)} series, and exponential smoothing and Theta on each …\n`);
  const result = await autoForecastMany(input.series.map((x) => ({ id: x.id, values: x.values })), { horizon, period: period.period, seed: s.seed });
  const summary = { ...manySummary(input, result, period), files: { summary: join(outDir, 'summary.json') } };
  checkFinite(summary, adviceFor);
  writeFilesAtomically(outDir, [{ name: 'summary.json', data: JSON.stringify(summary, null, 1) + '\n' }]);
  if (s.json) process.stdout.write(JSON.stringify(summary, null, 1) + '\n');
  else printReport(summary, log);
}

/** Every option checked before the file is read: the ones that do not apply here refused together, in one message. */
function manySettings(a: OptionValues): ManySettings {
  const refused = NOT_USED.filter((k) => a[k] !== undefined);
  if (refused.length) {
    cliFail(`not used with several series: ${refused.map((k) => `--${k}`).join(', ')} — they set up the single-series one-step model (or its inputs); the many-series forecast chooses its configuration on the backtest. Leave ${refused.length === 1 ? 'it' : 'them'} out`);
  }
  const csv = textOption(a.csv, 'csv');
  if (csv === undefined) cliFail('several series are read from a CSV file: give its path with --csv');
  const idColumn = textOption(a['id-column'], 'id-column');
  const column = textOption(a.column, 'column');
  if (idColumn !== undefined && column?.includes(',')) {
    cliFail(`--column ${JSON.stringify(column)} names several columns, but with --id-column the file is long: --column names its one value column (or use a wide file, one column per series, without --id-column)`);
  }
  return {
    csv,
    idColumn,
    ...(idColumn === undefined ? { columns: wideColumns(column!) } : { column }),
    dateColumn: textOption(a['date-column'], 'date-column'),
    period: a.period === undefined ? undefined : intOption(a.period, 'period', 1, { min: 1, max: LIMITS.period }),
    // autoForecastMany forecasts at least one point: --horizon 0 (the single-series "train only") has no meaning here
    horizon: a.horizon === undefined ? undefined : intOption(a.horizon, 'horizon', 1, { min: 1, max: Math.min(LIMITS.horizon, MAX_AUTO_HORIZON) }),
    seed: intOption(a.seed, 'seed', 1, { min: 0, max: LIMITS.seed }),
    backend: backendOption(a.backend),
    out: textOption(a.out, 'out') ?? 'out',
    json: a.json === true,
    quiet: a.quiet === true,
  };
}

function adviceFor(path: string): string {
  if (/^series\[\d+\]\.(forecast|components)/.test(path)) return 'the forecast grows beyond what a number can hold; use a shorter --horizon or rescale that series; nothing was written';
  return "the series' values are too large to score; rescale them (e.g. into thousands); nothing was written";
}

/** Short column heads for the table. */
const SHORT: Record<MethodName, string> = { combination: 'combined', lstm: 'LSTM', ets: 'ETS', theta: 'Theta', naive: 'naive', seasonalNaive: 's.naive' };

/** One row per series (its points, the forecast's backtest MASE, each method's), the mean row, the global choices. */
function printReport(s: ManySummary & { files: { summary: string } }, log: (line?: string) => void): void {
  const methods = Object.keys(s.aggregate) as MethodName[];
  const width = Math.min(MAX_ID_WIDTH, Math.max(6, ...s.series.map((x) => printable(x.id).length)));
  const cell = (v: number | undefined) => (v === undefined ? '—' : v.toFixed(2)).padStart(9);
  const idCell = (id: string) => {
    const p = printable(id);
    return (p.length > width ? `${p.slice(0, width - 1)}…` : p).padEnd(width);
  };
  log('');
  log(`Backtest MASE, ${s.horizon} steps ahead (lower is better; 1 = the in-sample error of the seasonal naive)`);
  log(`  ${'series'.padEnd(width)}   points  forecast${methods.map((m) => SHORT[m].padStart(9)).join('')}`);
  const headline = (x: ManySummary['series'][number]) => x.backtest.methods[x.backtest.forecast]!.mase;
  for (const x of s.series.slice(0, MAX_TABLE_ROWS)) {
    log(`  ${idCell(x.id)} ${String(x.points).padStart(8)} ${cell(headline(x))}${methods.map((m) => cell(x.backtest.methods[m]?.mase)).join('')}`);
  }
  if (s.series.length > MAX_TABLE_ROWS) log(`  … ${showCount(s.series.length - MAX_TABLE_ROWS)} more series in ${s.files.summary}`);
  const meanForecast = s.series.reduce((p, x) => p + headline(x), 0) / s.series.length;
  log(`  ${'mean'.padEnd(width)} ${''.padStart(8)} ${cell(meanForecast)}${methods.map((m) => cell(s.aggregate[m]!.mase)).join('')}`);
  log('Chosen for all series:');
  for (const c of s.choices) log(`  ${printable(c)}`);
  const next = s.series[0].forecast;
  log(`Next ${next.length} of ${printable(s.series[0].id)} (95% interval): ${next.slice(0, 6).map((q) => `${printable(q.label)} ${fmt(q.value)} [${fmt(q.intervals['95'][0])}, ${fmt(q.intervals['95'][1])}]`).join(', ')}${next.length > 6 ? ', …' : ''}`);
  log(`Wrote ${s.files.summary} (every series' forecast, intervals, backtest and choices)`);
}
