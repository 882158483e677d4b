/**
 * The headline of `lstm-wasm forecast`: the automatic forecast's backtest
 * (every method h steps ahead from several past origins), what was chosen
 * and why, and the forecast with its intervals — as summary.json has it
 * and as the terminal shows it.
 */
import type { AutoForecast, MethodName } from '../forecast/auto.js';
import type { BacktestScores } from '../forecast/backtest.js';
import { LEVELS } from '../forecast/intervals.js';
import { printable } from './output.js';

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

export function backtestSummary(a: AutoForecast, labels: string[]): BacktestSummary {
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
export function components(a: AutoForecast): Partial<Record<MethodName, number[]>> {
  return Object.fromEntries(Object.entries(a.methods).map(([k, m]) => [k, m.forecast]));
}

/** The backtest table and the choices, for the terminal. */
export function printBacktest(b: BacktestSummary, a: AutoForecast, log: (line?: string) => void): void {
  const o = b.origins;
  log(`Backtest: ${b.horizon} steps ahead from each of ${o.length} origin${o.length === 1 ? '' : 's'} (after ${o.map(printable).join(', ')})   MASE   sMAPE     RMSE`);
  for (const s of Object.values(b.methods)) {
    log(`  ${s.name.padEnd(60)} ${s.mase.toFixed(2).padStart(5)}  ${s.smape.toFixed(1).padStart(5)}%  ${fmt(s.rmse).padStart(7)}`);
  }
  if (b.coverage) log(`  its intervals held on ${pct(b.coverage['80'])} (80%) and ${pct(b.coverage['95'])} (95%) of the backtest points, each origin calibrated on the others`);
  log('Chosen:');
  for (const r of a.reasons) log(`  ${r}`);
}

function pct(v: number): string {
  return `${(100 * v).toFixed(0)}%`;
}

/** A value to 3 significant digits at least, without exponent noise for everyday sizes. */
export function fmt(v: number): string {
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 1 ? v.toFixed(2) : v.toPrecision(3);
}
