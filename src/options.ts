/**
 * Checking the option records users pass and model files carry. Values
 * are taken as they are, never coerced: `"5"` is not 5, `"false"` is not
 * false, `null` is not 0. A key nobody reads is an error too (a typo such
 * as `epoch: 5` or an option this library does not have, such as
 * `dropout`, would otherwise be silently ignored).
 */
import { fail, show } from './errors.js';

/** `o` as a record of options: undefined → {}; anything but a plain object, or a key outside `known`, throws. */
export function optionsOf<T extends object>(o: T | undefined, known: readonly string[], owner: string): T {
  if (o === undefined) return {} as T;
  if (o === null || typeof o !== 'object' || Array.isArray(o)) fail(`${owner}: options must be an object { ${known.join(', ')} }, got ${show(o)}`);
  const unknown = Object.keys(o).filter((k) => !known.includes(k));
  if (unknown.length) fail(`${owner}: unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map(show).join(', ')}; the options are ${known.join(', ')}`);
  return o;
}

/** A whole number in [lo, hi]. */
export function integerIn(v: unknown, lo: number, hi: number, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
    fail(`${what} must be a whole number from ${lo} to ${hi.toLocaleString('en-US')}, got ${show(v)}`);
  }
  return v;
}

/** A finite number in [lo, hi] (or (lo, hi] with `open: 'lo'`, [lo, hi) with `open: 'hi'`). */
export function numberIn(v: unknown, lo: number, hi: number, what: string, open?: 'lo' | 'hi' | 'both'): number {
  const above = open === 'lo' || open === 'both' ? (x: number) => x > lo : (x: number) => x >= lo;
  const below = open === 'hi' || open === 'both' ? (x: number) => x < hi : (x: number) => x <= hi;
  if (typeof v !== 'number' || !Number.isFinite(v) || !above(v) || !below(v)) {
    const range = `${open === 'lo' || open === 'both' ? '(' : '['}${lo}, ${hi}${open === 'hi' || open === 'both' ? ')' : ']'}`;
    fail(`${what} must be a number in ${range}, got ${show(v)}`);
  }
  return v;
}

/** A positive finite number. */
export function positiveNumber(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !(v > 0)) fail(`${what} must be a positive finite number, got ${show(v)}`);
  return v;
}

export function booleanOption(v: unknown, what: string): boolean {
  if (typeof v !== 'boolean') fail(`${what} must be true or false, got ${show(v)}`);
  return v;
}

/** One of `choices` (compared as strings; the choices are the only names that exist). */
export function oneOf<T extends string>(v: unknown, choices: readonly T[], what: string): T {
  if (typeof v !== 'string' || !choices.includes(v as T)) fail(`${what} must be one of ${choices.map((c) => `'${c}'`).join(', ')}; got ${show(v)}`);
  return v as T;
}

/** A non-empty string of at most `max` characters. */
export function nameOption(v: unknown, what: string, max = 256): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > max) fail(`${what} must be a non-empty string of at most ${max} characters, got ${show(v)}`);
  return v;
}
