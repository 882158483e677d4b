/**
 * `lengths` (predict's, fit's, evaluate's): one length per sequence of a
 * batch padded at its end to T steps. It is the mask m[b][t] = t < len_b
 * (HeapBatch.mask: [B][T] floats, 1 for a real step), so the recurrent
 * layers skip the padding and a sequence's outputs at its real steps equal
 * those of running it alone, trimmed.
 */
import { fail, show } from '../errors.js';

/** The mask of `lengths` for B sequences of T steps, after checking them: B whole numbers from 1 to T. */
export function lengthsMask(lengths: unknown, B: number, T: number, owner: string): Float32Array {
  const isArrayLike = Array.isArray(lengths) || ArrayBuffer.isView(lengths);
  if (!isArrayLike) fail(`${owner}: lengths must be an array of ${B} sequence lengths (one per batch row), got ${show(lengths)}`);
  const list = lengths as ArrayLike<unknown>;
  if (list.length !== B) fail(`${owner}: lengths has ${list.length} entries but the batch has ${B} sequences; give one length per sequence`);
  const mask = new Float32Array(B * T);
  for (let b = 0; b < B; b++) {
    const n = list[b];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > T) {
      fail(`${owner}: lengths[${b}] must be a whole number from 1 to ${T} (the steps of the input), got ${show(n)}`);
    }
    mask.fill(1, b * T, b * T + n);
  }
  return mask;
}
