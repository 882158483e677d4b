/**
 * Filling the gaps of a series: the missing values parseCsvSeries reads as NaN.
 */
import { fail, show } from '../errors.js';

/** A series with its gaps filled, and where they were. */
export interface FilledSeries {
  /** The series, every value finite. */
  values: number[];
  /** How many values were missing (NaN) and were filled. */
  filled: number;
  /** Their 0-based positions, in increasing order. */
  positions: number[];
}

/**
 * Fills the missing values (NaN) of a series by linear interpolation
 * between the nearest known values on either side; a gap at the start or
 * the end takes the nearest known value (no trend is extrapolated).
 *
 * Every other value must be a finite number: ±Infinity or a non-number is
 * an error naming its position, not a gap. A series with missing values
 * needs at least 2 known ones (an error otherwise, also when every value is
 * missing); a series with none is returned as it is (copied), whatever its
 * length. The input is not changed. Linear in the length.
 */
export function fillMissing(values: ArrayLike<number>): FilledSeries {
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
    fail(`fillMissing: values must be an array of numbers (NaN where missing), got ${show(values)}`);
  }
  const n = values.length;
  const out: number[] = new Array(n);
  const positions: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v !== 'number') fail(`fillMissing: values[${i}] is ${show(v)}, not a number — use NaN for a missing value`);
    if (Number.isNaN(v)) positions.push(i);
    else if (!Number.isFinite(v)) fail(`fillMissing: values[${i}] is ${v} — only NaN marks a missing value; an infinite value cannot be filled around`);
    out[i] = v;
  }
  const known = n - positions.length;
  if (positions.length > 0 && known < 2) {
    const what = known === 0 ? `every one of the ${n} values is missing` : `only 1 of the ${n} values is known (at index ${out.findIndex((v) => !Number.isNaN(v))})`;
    fail(`fillMissing: ${what} — at least 2 known values are needed to fill the gaps`);
  }
  let before = -1; // the last known index before i
  for (let i = 0; i < n; i++) {
    if (!Number.isNaN(out[i])) { before = i; continue; }
    let after = i + 1; // the first known index after the gap
    while (after < n && Number.isNaN(out[after])) after++;
    for (let j = i; j < after; j++) {
      const t = (j - before) / (after - before);
      // a(1 - t) + bt, not a + (b - a)t: b - a overflows when a and b are near ±1.8e308 with opposite signs
      out[j] = before < 0 ? out[after] : after >= n ? out[before] : out[before] * (1 - t) + out[after] * t;
    }
    i = after - 1; // the loop steps on to `after`, a known value (or the end)
  }
  return { values: out, filled: positions.length, positions };
}
