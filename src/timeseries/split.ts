/**
 * Chronological train / validation / test split of a series' indices.
 */
import { fail } from '../errors.js';

export interface SplitOptions {
  /** The test part (last): a fraction 0 < f < 1 of the length, or a whole count ≥ 1; 0 for none. Default 0.2. */
  test?: number;
  /** The validation part (just before test): a fraction or a count, as `test`. Default 0 (none). */
  validation?: number;
}

/** Half-open index ranges [start, end). */
export interface Split {
  train: [number, number];
  validation: [number, number];
  test: [number, number];
}

/**
 * Split indices 0 … length − 1 in time order: train first, then validation,
 * then test (last). A fraction f becomes `Math.round(f · length)` points.
 * No shuffling: every test index comes after every training index.
 *
 * An explicit 0 means "no such part" (its range is empty, [end, end)).
 * Errors: a length that is not a whole number ≥ 1; a size that is neither a
 * fraction in (0, 1) nor a whole count (nor 0); a non-zero fraction that
 * rounds to 0 points; parts that together take the whole series (no
 * training data left) or more (they would overlap).
 */
export function chronologicalSplit(length: number, options: SplitOptions = {}): Split {
  const what = 'chronologicalSplit';
  if (typeof length !== 'number' || !Number.isInteger(length) || length < 1) {
    fail(`${what}: length must be a whole number ≥ 1, got ${String(length)}`);
  }
  const test = size(options.test ?? 0.2, 'test', length);
  const validation = size(options.validation ?? 0, 'validation', length);
  const trainEnd = length - test - validation;
  if (trainEnd < 0) {
    fail(`${what}: test (${test}) + validation (${validation}) = ${test + validation} points is more than the series' ${length} — the parts would overlap; make them smaller`);
  }
  if (trainEnd === 0) {
    fail(`${what}: test (${test}) + validation (${validation}) take all ${length} points, leaving no training data — make them smaller`);
  }
  return {
    train: [0, trainEnd],
    validation: [trainEnd, trainEnd + validation],
    test: [trainEnd + validation, length],
  };
}

/** A fraction or count → a count of points. */
function size(v: number, name: string, length: number): number {
  const what = 'chronologicalSplit';
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (v >= 1 && !Number.isInteger(v))) {
    fail(`${what}: ${name} must be a fraction 0 < f < 1 or a whole count ≥ 1 (or 0 for none), got ${String(v)}`);
  }
  if (v === 0 || v >= 1) return v;
  const n = Math.round(v * length);
  if (n === 0) {
    fail(`${what}: ${name} fraction ${v} of ${length} points rounds to 0 — the ${name} part would be empty; use a larger fraction or a count`);
  }
  return n;
}
