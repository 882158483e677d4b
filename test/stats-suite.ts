/**
 * The forecasting development suite (test/data/forecast-dev) as the stats
 * tests read it: each series' training values (missing cells filled by
 * linear interpolation between their neighbours, as R's na.interp() does
 * for a non-seasonal gap), and R's reference figures from r_reference.json.
 * A stand-in: the real data module comes separately.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DIR = fileURLToPath(new URL('./data/forecast-dev/', import.meta.url));

export interface SuiteSeries {
  name: string;
  period: number;
  h: number;
  y: number[];
  /** The next h values; null where missing (not scored). */
  test: (number | null)[];
  maseScale: number;
  /** R forecast 8.20's h-step forecasts, by method (naive, snaive, ets, theta, arima). */
  r: Record<string, number[]>;
}

interface Reference {
  period: number; h: number; n_train: number; mase_scale: number;
  test: (number | 'NA')[]; forecasts: Record<string, number[]>;
}

/** Values of the `value` column; empty cells become null. */
function readValues(file: string): (number | null)[] {
  const lines = readFileSync(file, 'utf8').trim().split(/\r?\n/);
  const col = lines[0].split(',').indexOf('value');
  return lines.slice(1).map((line) => {
    const cell = line.split(',')[col];
    return cell === '' ? null : Number(cell);
  });
}

/** Missing values filled on the straight line between the nearest known neighbours (ends: the nearest known value). */
export function interpolate(values: (number | null)[]): number[] {
  const known = values.flatMap((v, i) => (v === null ? [] : [i]));
  if (known.length === 0) throw new Error('no known values');
  return values.map((v, i) => {
    if (v !== null) return v;
    const after = known.find((k) => k > i);
    const before = [...known].reverse().find((k) => k < i);
    if (before === undefined) return values[after!]!;
    if (after === undefined) return values[before]!;
    const w = (i - before) / (after - before);
    return values[before]! * (1 - w) + values[after]! * w;
  });
}

export function loadSuite(): SuiteSeries[] {
  const refs = JSON.parse(readFileSync(DIR + 'r_reference.json', 'utf8')) as Record<string, Reference>;
  return Object.entries(refs).map(([name, ref]) => {
    const y = interpolate(readValues(`${DIR}${name}.train.csv`));
    if (y.length !== ref.n_train) throw new Error(`${name}: ${y.length} training values, r_reference.json says ${ref.n_train}`);
    return {
      name, period: ref.period, h: ref.h, y, maseScale: ref.mase_scale,
      test: ref.test.map((v) => (v === 'NA' ? null : v)), r: ref.forecasts,
    };
  });
}

/** Mean |forecast − truth| / scale over the known test values. */
export function mase(forecast: readonly number[], s: SuiteSeries): number {
  let sum = 0; let count = 0;
  s.test.forEach((v, i) => { if (v !== null) { sum += Math.abs(forecast[i] - v); count++; } });
  return sum / count / s.maseScale;
}

/** Mean |a − b| / scale: how far apart two forecasts are, in MASE units. */
export function gap(a: readonly number[], b: readonly number[], scale: number): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length / scale;
}
