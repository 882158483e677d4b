/**
 * The headline of `lstm-wasm forecast` on the terminal: the automatic
 * forecast's backtest (every method h steps ahead from several past
 * origins) and what was chosen and why (summary.json's form of it:
 * src/forecast/summary.ts).
 */
import type { AutoForecast } from '../forecast/auto.js';
import type { BacktestSummary } from '../forecast/summary.js';
import { printable } from './output.js';

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
