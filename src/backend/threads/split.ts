/**
 * How a kernel call is cut into independent calls, one per thread, so that
 * every output element is computed by exactly the code and the summation
 * order it gets in the whole call (the results are identical bit for bit,
 * not merely close):
 *
 * - The recurrences, forward and backward, are cut into ranges of batch
 *   rows: each row's recurrence is independent of the others. The forward
 *   walks rows in pairs from row 0 (2-row tiles share each weight load)
 *   and gives a last odd row its own 1-row loop, whose sums are ordered
 *   differently; ranges start at even rows, so the pairs are the same
 *   pairs and only the last range can end odd. The backward's rows are
 *   rows of their own (cell.rowBack) except dh_{t−1} += dz_t·U, projectAdd
 *   over the step's rows (assembly/backward.ts): 2-row tiles from row 0 in
 *   chunks of 64, 4-row tiles for leftover panels; each of those tiles sums
 *   an element over k in one order, the same as its 1-row tile, so even
 *   starts keep it identical too.
 *   A range gets its own slice of every per-row pointer (z, h0, c0, out,
 *   hT, cT, mask; dout, dhT, dcT, dz, dza, dzn, hprev, rhprev, dh0, dc0).
 *   The training record is [T][B][…], so a range's rows are not one block
 *   of it: the range keeps the record's pointer and says where its rows
 *   are (recRows, recRow0: src/backend/kernels.ts).
 *   Scratch: the forward's `work` is 3 rows of Hp floats per batch row, so
 *   the ranges' slices of 3·n·Hp floats tile the caller's 3·B·Hp exactly.
 *   The backward's also holds a transposed copy of U (4·Hp² floats) that
 *   every range makes for itself, so the caller's backWorkFloats(B, H) is
 *   too small for all of them: the ranges get disjoint slices of the
 *   pool's own scratch (`scratch` below) instead, backWorkFloats(n, H) each.
 * - `project` (a GEMM over B·T rows) is cut into row ranges at multiples
 *   of 64 (assembly/gemm.ts, ROW_CHUNK), each chunk with its own tiling, so
 *   every chunk is the same chunk; `gradInput` likewise at even rows (its
 *   rows are dot products of their own, in 2-row tiles from row 0 whose
 *   sums are those of the 1-row tile).
 * - `gradWeights` (dW += Xᵀ·dZ, db += Σ dZ) sums OVER the rows, so it is
 *   never cut by rows: that would split each sum. It is cut by output
 *   panels (its columns): each range sums its own elements over all rows,
 *   in the whole call's order (rows in chunks of 128 from row 0, one lane
 *   per element), reading its columns of dz with the whole row stride
 *   (dzStride). Narrow panels (pw 4) are cut at multiples of 4 panels, the
 *   16-column tile they share.
 * Everything else runs whole on the calling thread.
 *
 * Nothing here allocates per call: a pool has one CallCuts, whose range
 * table and argument lists (one per thread, as long as the longest kernel
 * signature) every cut call reuses.
 */
import type { Kernels, TrainingKernels } from '../kernels.js';

// The modules of src/backend/threads/ import nothing at run time from the rest of the library (what they
// need is passed in, see ThreadDeps): so a bundler splits them off as one chunk, and the chunk that every
// app loads stays as it was, not cut up into shared pieces.
const roundUp4 = (n: number): number => (n + 3) & ~3;
/** backWorkFloats of src/backend/kernels.ts (not imported: see above). */
const backWorkFloats = (B: number, H: number): number => 5 * B * roundUp4(H) + 4 * roundUp4(H) * roundUp4(H);

/** Row alignment of a range start: recurrences and gradInput (row pairs), project (64-row chunks). */
export const RECUR_ROW_ALIGN = 2;
export const PROJECT_ROW_ALIGN = 64;

/** The longest kernel signature cut here (gruBackwardAct's 23), which a job slot must hold. */
export const MAX_CUT_ARGS = 23;

/**
 * Fill bounds[0..n] with n + 1 row bounds: ranges [bounds[i], bounds[i+1]),
 * at most `parts`, each start a multiple of `align`, as even as that
 * allows; returns n.
 */
export function cutRows(bounds: number[], rows: number, parts: number, align: number): number {
  const units = Math.ceil(rows / align); // aligned blocks; the last may be short
  const n = Math.max(1, Math.min(parts, units));
  bounds[0] = 0;
  for (let i = 1; i <= n; i++) bounds[i] = Math.min(rows, Math.round((units * i) / n) * align);
  return n;
}

/** The ranges of cutRows as [start, end) pairs (for tests and readers; the pool uses cutRows). */
export function rowRanges(rows: number, parts: number, align: number): [number, number][] {
  const bounds: number[] = [], n = cutRows(bounds, rows, parts, align);
  return Array.from({ length: n }, (_, i) => [bounds[i], bounds[i + 1]]);
}

/** What a per-row pointer argument holds per batch row, in floats (T steps, H units, G gates). */
type RowWidth =
  | 'state'    // [B][H]: h0, c0, hT, cT, dhT, dcT, dh0, dc0
  | 'gates'    // [B][T][G·Hp]: z, dz, dza, dzn
  | 'strided'  // [B][T][stride], the stride the next argument: out, dout
  | 'steps'    // [B][T][H]: hprev, rhprev
  | 'mask';    // [B][T]

/** Where a recurrence's arguments sit (positions in its Kernels signature) and what they hold. */
interface Recurrence {
  gates: number;
  /** Signature length, recRows and recRow0 included. */
  arity: number;
  rows: readonly (readonly [position: number, width: RowWidth])[];
  work: number;
  rec: number;
  /** The positions of recRows; recRow0 follows it. */
  recRows: number;
  backward: boolean;
}

const RECURRENCES: Record<Exclude<SplitKernel, 'project' | 'gradWeights' | 'gradInput'>, Recurrence> = {
  // lstmRecur(z, B, T, H, u, h0, c0, out, outStride, hT, cT, reverse, work, rec, recRows, recRow0)
  lstmRecur: { gates: 4, arity: 16, rows: [[0, 'gates'], [5, 'state'], [6, 'state'], [7, 'strided'], [9, 'state'], [10, 'state']], work: 12, rec: 13, recRows: 14, backward: false },
  // … rec, gateAct, act, mask, recRows, recRow0
  lstmRecurAct: { gates: 4, arity: 19, rows: [[0, 'gates'], [5, 'state'], [6, 'state'], [7, 'strided'], [9, 'state'], [10, 'state'], [16, 'mask']], work: 12, rec: 13, recRows: 17, backward: false },
  // gruRecur(z, B, T, H, u, bh, h0, out, outStride, hT, reverse, work, rec, recRows, recRow0)
  gruRecur: { gates: 3, arity: 15, rows: [[0, 'gates'], [6, 'state'], [7, 'strided'], [9, 'state']], work: 11, rec: 12, recRows: 13, backward: false },
  // … rec, gateAct, act, resetAfter, mask, recRows, recRow0
  gruRecurAct: { gates: 3, arity: 19, rows: [[0, 'gates'], [6, 'state'], [7, 'strided'], [9, 'state'], [16, 'mask']], work: 11, rec: 12, recRows: 17, backward: false },
  // rnnRecur(z, B, T, H, u, h0, out, outStride, hT, reverse, relu, work, rec, recRows, recRow0)
  rnnRecur: { gates: 1, arity: 15, rows: [[0, 'gates'], [5, 'state'], [6, 'strided'], [8, 'state']], work: 11, rec: 12, recRows: 13, backward: false },
  // rnnRecurAct(z, B, T, H, u, h0, out, outStride, hT, reverse, act, work, rec, mask, recRows, recRow0)
  rnnRecurAct: { gates: 1, arity: 16, rows: [[0, 'gates'], [5, 'state'], [6, 'strided'], [8, 'state'], [13, 'mask']], work: 11, rec: 12, recRows: 14, backward: false },
  // lstmBackward(rec, B, T, H, u, h0, c0, dout, doutStride, dhT, dcT, reverse, dz, hprev, dh0, dc0, work, recRows, recRow0)
  lstmBackward: { gates: 4, arity: 19, rows: [[5, 'state'], [6, 'state'], [7, 'strided'], [9, 'state'], [10, 'state'], [12, 'gates'], [13, 'steps'], [14, 'state'], [15, 'state']], work: 16, rec: 0, recRows: 17, backward: true },
  // … work, gateAct, act, mask, recRows, recRow0
  lstmBackwardAct: { gates: 4, arity: 22, rows: [[5, 'state'], [6, 'state'], [7, 'strided'], [9, 'state'], [10, 'state'], [12, 'gates'], [13, 'steps'], [14, 'state'], [15, 'state'], [19, 'mask']], work: 16, rec: 0, recRows: 20, backward: true },
  // gruBackward(rec, B, T, H, u, h0, dout, doutStride, dhT, reverse, dzx, dza, hprev, dh0, work, recRows, recRow0)
  gruBackward: { gates: 3, arity: 17, rows: [[5, 'state'], [6, 'strided'], [8, 'state'], [10, 'gates'], [11, 'gates'], [12, 'steps'], [13, 'state']], work: 14, rec: 0, recRows: 15, backward: true },
  // … work, gateAct, act, resetAfter, dzn, rhprev, mask, recRows, recRow0
  gruBackwardAct: { gates: 3, arity: 23, rows: [[5, 'state'], [6, 'strided'], [8, 'state'], [10, 'gates'], [11, 'gates'], [12, 'steps'], [13, 'state'], [18, 'gates'], [19, 'steps'], [20, 'mask']], work: 14, rec: 0, recRows: 21, backward: true },
  // rnnBackward(rec, B, T, H, u, h0, dout, doutStride, dhT, reverse, relu, dz, hprev, dh0, work, recRows, recRow0)
  rnnBackward: { gates: 1, arity: 17, rows: [[5, 'state'], [6, 'strided'], [8, 'state'], [11, 'gates'], [12, 'steps'], [13, 'state']], work: 14, rec: 0, recRows: 15, backward: true },
  // rnnBackwardAct(rec, B, T, H, u, h0, dout, doutStride, dhT, reverse, act, dz, hprev, dh0, work, mask, recRows, recRow0)
  rnnBackwardAct: { gates: 1, arity: 18, rows: [[5, 'state'], [6, 'strided'], [8, 'state'], [11, 'gates'], [12, 'steps'], [13, 'state'], [15, 'mask']], work: 14, rec: 0, recRows: 16, backward: true },
};

/** The kernels whose calls are cut (their order is the job table's OP codes): predict's, then training's. */
export const SPLIT_KERNELS = [
  'project', 'lstmRecur', 'gruRecur', 'rnnRecur', 'lstmRecurAct', 'gruRecurAct', 'rnnRecurAct',
  'gradWeights', 'gradInput', 'lstmBackward', 'gruBackward', 'rnnBackward', 'lstmBackwardAct', 'gruBackwardAct', 'rnnBackwardAct',
] as const satisfies readonly (keyof (Kernels & TrainingKernels))[];
export type SplitKernel = (typeof SPLIT_KERNELS)[number];

/** Byte offset of row b in a buffer of `rowFloats` floats per row; 0 (absent) stays 0. */
const at = (ptr: number, b: number, rowFloats: number): number => (ptr === 0 ? 0 : ptr + 4 * b * rowFloats);

/** Multiply-adds of a call: what decides whether cutting it pays for the threads' hand-off. */
export function callWork(kernel: SplitKernel, a: readonly number[]): number {
  // project(x, rows, K, w, panels, pw, …), gradWeights(x, rows, K, dz, panels, pw, …), gradInput(dz, rows, K, w, panels, pw, dx)
  if (kernel === 'project' || kernel === 'gradWeights' || kernel === 'gradInput') return a[1] * a[2] * a[4] * a[5];
  const H = a[3];
  return a[1] * a[2] * H * RECURRENCES[kernel].gates * roundUp4(H); // B · T · H · G·Hp
}

/**
 * A pool's cutting table: `args[i]` is the argument list of the call that
 * thread i runs (thread 0 the calling one), reused by every cut call. Its
 * lists are MAX_CUT_ARGS long; a kernel reads its first `arity` of them.
 */
export class CallCuts {
  readonly args: number[][];
  /** Row (or panel) bounds of the last cut: part i is [bounds[i], bounds[i + 1]). */
  private readonly bounds: number[];

  constructor(readonly parts: number) {
    this.args = Array.from({ length: parts }, () => new Array<number>(MAX_CUT_ARGS).fill(0));
    this.bounds = new Array<number>(parts + 1).fill(0);
  }

  /**
   * Cut a call of `kernel` with arguments `a` into at most `parts` calls in
   * this.args; returns how many (1: it is not worth cutting, or cannot be:
   * run `a` whole). `scratch(floats)` gives the backward recurrences'
   * per-range scratch (see the header).
   */
  cut(kernel: SplitKernel, a: readonly number[], scratch: (floats: number) => number): number {
    if (kernel === 'project') return this.cutProject(a);
    if (kernel === 'gradWeights') return this.cutPanels(a);
    if (kernel === 'gradInput') return this.cutGradInput(a);
    return this.cutRecurrence(RECURRENCES[kernel], a, scratch);
  }

  /** The argument count `kernel`'s calls carry (the job table posts that many). */
  static arity(kernel: SplitKernel): number {
    return kernel === 'project' ? 8 : kernel === 'gradWeights' ? 9 : kernel === 'gradInput' ? 7 : RECURRENCES[kernel].arity;
  }

  /** Copy a into args[i] (absent trailing arguments: 0), for `arity` arguments. */
  private start(i: number, a: readonly number[], arity: number): number[] {
    const r = this.args[i];
    for (let j = 0; j < arity; j++) r[j] = a[j] ?? 0;
    return r;
  }

  // project(x, rows, K, w, panels, pw, bias, out): rows at multiples of 64
  private cutProject(a: readonly number[]): number {
    const K = a[2], cols = a[4] * a[5], b = this.bounds;
    const n = cutRows(b, a[1], this.parts, PROJECT_ROW_ALIGN);
    for (let i = 0; i < n; i++) {
      const r = this.start(i, a, 8);
      r[0] = at(a[0], b[i], K);
      r[1] = b[i + 1] - b[i];
      r[7] = at(a[7], b[i], cols);
    }
    return n;
  }

  // gradInput(dz, rows, K, w, panels, pw, dx): rows at even starts
  private cutGradInput(a: readonly number[]): number {
    const K = a[2], cols = a[4] * a[5], b = this.bounds;
    const n = cutRows(b, a[1], this.parts, RECUR_ROW_ALIGN);
    for (let i = 0; i < n; i++) {
      const r = this.start(i, a, 7);
      r[0] = at(a[0], b[i], cols);
      r[1] = b[i + 1] - b[i];
      r[6] = at(a[6], b[i], K);
    }
    return n;
  }

  // gradWeights(x, rows, K, dz, panels, pw, dw, db, dzStride): by panels, never by rows
  private cutPanels(a: readonly number[]): number {
    const K = a[2], panels = a[4], pw = a[5], b = this.bounds;
    const n = cutRows(b, panels, this.parts, pw === 4 ? 4 : 1);
    for (let i = 0; i < n; i++) {
      const r = this.start(i, a, 9), p0 = b[i];
      r[3] = at(a[3], p0, pw);
      r[4] = b[i + 1] - p0;
      r[6] = at(a[6], p0, K * pw);
      r[7] = at(a[7], p0, pw);
      r[8] = a[8] || panels * pw; // the whole dz row
    }
    return n;
  }

  private cutRecurrence(k: Recurrence, a: readonly number[], scratch: (floats: number) => number): number {
    const B = a[1], T = a[2], H = a[3], Hp = roundUp4(H), b = this.bounds;
    const n = cutRows(b, B, this.parts, RECUR_ROW_ALIGN);
    if (n === 1) return 1;
    const recRows = a[k.recRows] || B, recRow0 = a[k.recRows + 1] || 0;
    // the backward's ranges each make their own copy of U: scratch of the pool's, backWorkFloats(n, H) per range
    let work = k.backward ? scratch(5 * B * Hp + n * 4 * Hp * Hp) : 0;
    for (let i = 0; i < n; i++) {
      const r = this.start(i, a, k.arity), b0 = b[i], rows = b[i + 1] - b0;
      r[1] = rows;
      for (let j = 0; j < k.rows.length; j++) {
        const pos = k.rows[j][0], width = k.rows[j][1];
        const floats = width === 'state' ? H : width === 'gates' ? T * k.gates * Hp : width === 'strided' ? T * a[pos + 1] : width === 'steps' ? T * H : T;
        r[pos] = at(a[pos], b0, floats);
      }
      if (k.backward) {
        r[k.work] = work;
        work += 4 * backWorkFloats(rows, H);
      } else {
        r[k.work] = at(a[k.work], b0, 3 * Hp);
      }
      r[k.recRows] = a[k.rec] === 0 ? 0 : recRows;
      r[k.recRows + 1] = a[k.rec] === 0 ? 0 : recRow0 + b0;
    }
    return n;
  }
}
