/**
 * Covariates as users give them to the automatic forecaster, checked and
 * turned into what the LSTM reads (NeuralCovariate, neural.ts).
 *
 * A covariate is aligned with its series (one value per point). When its
 * values are known for the forecast steps too (a law in force, a planned
 * promotion, calendar features), `future` holds them, at least h of them,
 * and the LSTM reads them; otherwise only its past is used. The statistical
 * methods ignore covariates.
 */
import { fail, show } from '../errors.js';
import { nameOption } from '../options.js';
import { MAX_COVARIATES, type NeuralCovariate } from './neural.js';

/** A covariate of a series: `values` aligned with it; `future` its values on the forecast steps when known (≥ horizon of them). */
export interface AutoCovariate {
  name: string;
  values: ArrayLike<number>;
  future?: ArrayLike<number>;
}

/**
 * Check a series' covariates (n points, horizon h) and give them as the LSTM reads them: a
 * known-future covariate's values followed by its first h future values. `where` names the
 * series in messages ("autoForecast", or a series' id).
 */
export function checkCovariates(given: unknown, n: number, h: number, where: string): NeuralCovariate[] {
  if (given === undefined) return [];
  if (!Array.isArray(given)) fail(`${where}: covariates must be an array of { name, values, future? }, got ${show(given)}`);
  if (given.length > MAX_COVARIATES) fail(`${where}: at most ${MAX_COVARIATES} covariates, got ${given.length}`);
  const names = new Set<string>();
  return given.map((c: unknown, i) => {
    if (c === null || typeof c !== 'object' || Array.isArray(c)) fail(`${where}: covariate ${i + 1} must be an object { name, values, future? }, got ${show(c)}`);
    const unknown = Object.keys(c).filter((k) => !['name', 'values', 'future'].includes(k));
    if (unknown.length) fail(`${where}: covariate ${i + 1} has unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map(show).join(', ')}; the fields are name, values, future`);
    const { name, values, future } = c as AutoCovariate;
    nameOption(name, `${where}: covariate ${i + 1}'s name`);
    if (names.has(name)) fail(`${where}: two covariates are named ${show(name)}`);
    names.add(name);
    const what = `${where}: covariate ${show(name)}`;
    const past = numbers(values, `${what}: values`);
    if (past.length !== n) fail(`${what} has ${past.length} values; it must have one per point of the series, ${n}`);
    if (future === undefined) return { name, values: numbersOf(past, n, what), known: false };
    const next = numbers(future, `${what}: future`);
    if (next.length < h) fail(`${what} has ${next.length} future values; forecasting ${h} points needs ${h} (leave future out for a covariate known only in the past)`);
    // the future values' points are numbered on from the series' end, as a user counts them
    return { name, values: numbersOf(past, n, what).concat(numbersOf(next, h, `${what}'s future`, n)), known: true };
  });
}

/** The covariates in words: "law (known in the future), kms (past only)". */
export function describeCovariates(cs: { name: string; known: boolean }[]): string {
  return cs.map((c) => `${c.name} (${c.known ? 'known in the future' : 'past only'})`).join(', ');
}

/** `v` as an array-like of something (its length checked before anything is read). */
function numbers(v: unknown, what: string): ArrayLike<unknown> {
  if (v === null || typeof v !== 'object' || typeof (v as ArrayLike<unknown>).length !== 'number') fail(`${what} must be an array of numbers, got ${show(v)}`);
  return v as ArrayLike<unknown>;
}

/** The first `count` values of `a`, each a finite number, copied; points numbered from `from` + 1 in messages. */
function numbersOf(a: ArrayLike<unknown>, count: number, what: string, from = 0): number[] {
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    const x = a[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) fail(`${what}: point ${from + i + 1} is ${show(x)}; every point must be a finite number`);
    out[i] = x;
  }
  return out;
}
