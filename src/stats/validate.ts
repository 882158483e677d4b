/**
 * Input checks shared by the statistical forecasters: each turns a bad
 * argument into one clear LstmWasmError that names the function, the
 * argument and what would be accepted, instead of a NaN forecast later.
 */
import { fail, show } from '../errors.js';

/** The longest horizon accepted: a forecast of more steps is almost certainly a unit mistake (and would only cost memory). */
export const MAX_HORIZON = 100_000;

/** The longest season accepted (e.g. 8,760 hours in a year fits; a larger one is a mistake, not a season). */
export const MAX_PERIOD = 100_000;

/**
 * `y` as a fresh number[] after checking it is an array (or typed array) of
 * at least `minLength` finite numbers. `needs` says why that many are needed.
 */
export function checkSeries(y: unknown, what: string, minLength: number, needs: string): number[] {
  if (y == null || typeof y === 'string' || typeof (y as ArrayLike<unknown>).length !== 'number') {
    fail(`${what}: y must be an array of numbers, got ${y === null ? 'null' : typeof y === 'object' ? show(y) : typeof y}`);
  }
  const values = y as ArrayLike<unknown>;
  const n = values.length;
  if (n < minLength) {
    fail(`${what}: y has ${n} value${n === 1 ? '' : 's'}, needs at least ${minLength} (${needs})`);
  }
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      fail(`${what}: y[${i}] is ${show(v)}, not a finite number — fill or drop missing values first`);
    }
    out[i] = v;
  }
  return out;
}

/** The forecast horizon: a whole number of steps, 1 … MAX_HORIZON. */
export function checkHorizon(h: unknown, what: string): number {
  if (typeof h !== 'number' || !Number.isInteger(h) || h < 1 || h > MAX_HORIZON) {
    fail(`${what}: h must be a whole number of steps from 1 to ${MAX_HORIZON}, got ${show(h)}`);
  }
  return h;
}

/** The season length: a whole number ≥ 1 (1 = no season, 12 = monthly data with a yearly season). */
export function checkPeriod(period: unknown, what: string): number {
  if (typeof period !== 'number' || !Number.isInteger(period) || period < 1 || period > MAX_PERIOD) {
    fail(`${what}: period must be a whole number from 1 to ${MAX_PERIOD} (1 = no season, 12 = monthly data with a yearly season), got ${show(period)}`);
  }
  return period;
}

/** True when every value equals the first (no variation to model; several methods would divide by zero). */
export function isConstant(y: ArrayLike<number>): boolean {
  for (let i = 1; i < y.length; i++) if (y[i] !== y[0]) return false;
  return true;
}

/** Fails unless every value is finite: the last guard before a result leaves the library. */
export function checkFinite(values: ArrayLike<number>, what: string, name: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) fail(`${what}: ${name}[${i}] came out as ${values[i]} — the series is outside what this method can handle (a bug report with the data is welcome)`);
  }
}
