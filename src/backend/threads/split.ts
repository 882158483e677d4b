/**
 * How a kernel call is cut into independent calls over ranges of batch
 * rows, one per thread, so that every row is computed by exactly the code
 * and the summation order it gets in the whole call (the results are
 * identical bit for bit, not merely close):
 *
 * - The recurrences walk rows in pairs from row 0 (2-row tiles share each
 *   weight load) and give a last odd row its own 1-row loop, whose sums
 *   are ordered differently. Ranges therefore start at even rows, so the
 *   pairs are the same pairs, and only the last range can end odd.
 * - `project` walks rows in chunks of 64 from row 0 (assembly/gemm.ts,
 *   ROW_CHUNK), each chunk with its own tiling; ranges start at multiples
 *   of 64, so every chunk is the same chunk.
 *
 * A range gets its own slice of every per-row pointer (z, h0, c0, out, hT,
 * cT, mask) and of the scratch `work` (3 rows of Hp floats per batch row:
 * the ranges' slices of 3·n·Hp floats tile the caller's 3·B·Hp exactly),
 * so no two threads touch one byte. Calls with a training record (rec ≠ 0)
 * are not cut: the record is laid out [T][B][…], so a range's rows are not
 * one block of it; they run on the calling thread.
 */
import type { Kernels } from '../kernels.js';

// The modules of src/backend/threads/ import nothing at run time from the rest of the library (what they
// need is passed in, see ThreadDeps): so a bundler splits them off as one chunk, and the chunk that every
// app loads stays as it was, not cut up into shared pieces.
const roundUp4 = (n: number): number => (n + 3) & ~3;

/** Row alignment of a range start: recurrences (row pairs) and project (64-row chunks). */
export const RECUR_ROW_ALIGN = 2;
export const PROJECT_ROW_ALIGN = 64;

/** [start, end) row ranges: at most `parts`, each start a multiple of `align`, as even as that allows. */
export function rowRanges(rows: number, parts: number, align: number): [number, number][] {
  const units = Math.ceil(rows / align); // aligned blocks; the last may be short
  const n = Math.max(1, Math.min(parts, units));
  const ranges: [number, number][] = [];
  for (let i = 0, start = 0; i < n; i++) {
    const end = Math.min(rows, Math.round((units * (i + 1)) / n) * align);
    ranges.push([start, end]);
    start = end;
  }
  return ranges;
}

/** The kernels whose calls are cut into row ranges. */
export const SPLIT_KERNELS = ['project', 'lstmRecur', 'gruRecur', 'rnnRecur', 'lstmRecurAct', 'gruRecurAct', 'rnnRecurAct'] as const satisfies readonly (keyof Kernels)[];
export type SplitKernel = (typeof SPLIT_KERNELS)[number];

/** Byte offset of row b in a buffer of `rowFloats` floats per row; 0 (absent) stays 0. */
const at = (ptr: number, b: number, rowFloats: number): number => (ptr === 0 ? 0 : ptr + 4 * b * rowFloats);

/**
 * The arguments of one range [b0, b1) of a recurrence call. `gates` is the
 * cell's gate count (z rows are T·gates·Hp floats); the argument positions
 * are those of the Kernels signatures (src/backend/kernels.ts).
 */
function recurRange(a: number[], b0: number, b1: number, gates: number, pos: RecurArgs): number[] {
  const T = a[2], H = a[3], Hp = roundUp4(H), r = a.slice();
  r[0] = at(a[0], b0, T * gates * Hp);
  r[1] = b1 - b0;
  r[pos.h0] = at(a[pos.h0], b0, H);
  if (pos.c0 !== undefined) r[pos.c0] = at(a[pos.c0], b0, H);
  r[pos.out] = at(a[pos.out], b0, T * a[pos.out + 1]);
  r[pos.hT] = at(a[pos.hT], b0, H);
  if (pos.cT !== undefined) r[pos.cT] = at(a[pos.cT], b0, H);
  r[pos.work] = at(a[pos.work], b0, 3 * Hp);
  if (pos.mask !== undefined) r[pos.mask] = at(a[pos.mask], b0, T);
  return r;
}

/** Where each per-row pointer sits in a recurrence's argument list (out is followed by outStride). */
interface RecurArgs {
  gates: number;
  h0: number; c0?: number; out: number; hT: number; cT?: number; work: number; rec: number; mask?: number;
}

const RECUR_ARGS: Record<Exclude<SplitKernel, 'project'>, RecurArgs> = {
  // lstmRecur(z, B, T, H, u, h0, c0, out, outStride, hT, cT, reverse, work, rec)
  lstmRecur: { gates: 4, h0: 5, c0: 6, out: 7, hT: 9, cT: 10, work: 12, rec: 13 },
  // … gateAct, act, mask
  lstmRecurAct: { gates: 4, h0: 5, c0: 6, out: 7, hT: 9, cT: 10, work: 12, rec: 13, mask: 16 },
  // gruRecur(z, B, T, H, u, bh, h0, out, outStride, hT, reverse, work, rec)
  gruRecur: { gates: 3, h0: 6, out: 7, hT: 9, work: 11, rec: 12 },
  // … gateAct, act, resetAfter, mask
  gruRecurAct: { gates: 3, h0: 6, out: 7, hT: 9, work: 11, rec: 12, mask: 16 },
  // rnnRecur(z, B, T, H, u, h0, out, outStride, hT, reverse, relu, work, rec)
  rnnRecur: { gates: 1, h0: 5, out: 6, hT: 8, work: 11, rec: 12 },
  // rnnRecurAct(z, B, T, H, u, h0, out, outStride, hT, reverse, act, work, rec, mask)
  rnnRecurAct: { gates: 1, h0: 5, out: 6, hT: 8, work: 11, rec: 12, mask: 13 },
};

/** Multiply-adds of a call: what decides whether cutting it pays for the threads' hand-off. */
export function callWork(kernel: SplitKernel, a: number[]): number {
  if (kernel === 'project') return a[1] * a[2] * a[4] * a[5]; // rows · K · panels · pw
  const g = RECUR_ARGS[kernel].gates, H = a[3];
  return a[1] * a[2] * H * g * roundUp4(H); // B · T · H · G·Hp
}

/**
 * A call cut into at most `parts` calls over row ranges, in row order; a
 * call that cannot be cut (a record to fill, too few rows) comes back whole.
 */
export function splitCall(kernel: SplitKernel, a: number[], parts: number): number[][] {
  if (kernel === 'project') {
    // project(x, rows, K, w, panels, pw, bias, out)
    const K = a[2], cols = a[4] * a[5];
    return rowRanges(a[1], parts, PROJECT_ROW_ALIGN).map(([r0, r1]) => {
      const r = a.slice();
      r[0] = at(a[0], r0, K);
      r[1] = r1 - r0;
      r[7] = at(a[7], r0, cols);
      return r;
    });
  }
  const pos = RECUR_ARGS[kernel];
  if (a[pos.rec] !== 0) return [a];
  return rowRanges(a[1], parts, RECUR_ROW_ALIGN).map(([b0, b1]) => recurRange(a, b0, b1, pos.gates, pos));
}
