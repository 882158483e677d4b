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
 *   every range makes for itself: the caller gives backWorkFloats(B, H,
 *   threads) (src/backend/kernels.ts), and the ranges' disjoint slices of
 *   backWorkFloats(n, H) each tile it.
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
 * Nothing here allocates per call: one table of bounds and one argument
 * list per thread (as long as the longest kernel signature), CUT_ARGS,
 * serve every cut call.
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

/**
 * Each cut kernel's arguments, one letter per position of its Kernels
 * signature (src/backend/kernels.ts), saying what a range does to it:
 *
 *   -  the same for every range          n  the count cut: rows (B), or gradWeights' panels
 *   g  [B][T][G·Hp]: z, dz, dza, dzn     k  [rows][K]: project's x, gradInput's dx (K: argument 2)
 *   h  [B][H]: h0, c0, hT, …, dh0, dc0   c  [rows][panels·pw]: project's out, gradInput's dz
 *   t  [B][T][H]: hprev, rhprev          o  [B][T][stride], the stride the next argument: out, dout
 *   m  [B][T]: mask                      w  the forward's work, 3·Hp floats per row
 *   W  the backward's work: backWorkFloats(rows, H) floats of it per range
 *   r  the record, kept whole            R  recRows, then recRow0: where the range's rows are in it
 *   p  [panels][pw]: gradWeights' dz columns and db   P  [panels][K][pw]: gradWeights' dw
 *   S  gradWeights' dzStride: the whole dz row (panels·pw) in every range
 *
 * G, a recurrence's gate count, is its cell's: 4 (lstm…), 3 (gru…), 1
 * (rnn…). A string is as long as its signature, recRows and recRow0
 * included.
 */
const ARGS = {
  project: 'kn-----c', // (x, rows, K, w, panels, pw, bias, out)
  lstmRecur: 'gn---hho-hh-wrR-', // (z, B, T, H, u, h0, c0, out, outStride, hT, cT, reverse, work, rec, recRows, recRow0)
  gruRecur: 'gn----ho-h-wrR-', // (z, B, T, H, u, bh, h0, out, outStride, hT, reverse, work, rec, recRows, recRow0)
  rnnRecur: 'gn---ho-h--wrR-', // (z, B, T, H, u, h0, out, outStride, hT, reverse, relu, work, rec, recRows, recRow0)
  lstmRecurAct: 'gn---hho-hh-wr--mR-', // (… rec, gateAct, act, mask, recRows, recRow0)
  gruRecurAct: 'gn----ho-h-wr---mR-', // (… rec, gateAct, act, resetAfter, mask, recRows, recRow0)
  rnnRecurAct: 'gn---ho-h--wrmR-', // (… work, rec, mask, recRows, recRow0)
  gradWeights: '---pn-PpS', // (x, rows, K, dz, panels, pw, dw, db, dzStride)
  gradInput: 'cn----k', // (dz, rows, K, w, panels, pw, dx)
  // (rec, B, T, H, u, h0, c0, dout, doutStride, dhT, dcT, reverse, dz, hprev, dh0, dc0, work, recRows, recRow0)
  lstmBackward: 'rn---hho-hh-gthhWR-',
  // (rec, B, T, H, u, h0, dout, doutStride, dhT, reverse, dzx, dza, hprev, dh0, work, recRows, recRow0)
  gruBackward: 'rn---ho-h-ggthWR-',
  // (rec, B, T, H, u, h0, dout, doutStride, dhT, reverse, relu, dz, hprev, dh0, work, recRows, recRow0)
  rnnBackward: 'rn---ho-h--gthWR-',
  lstmBackwardAct: 'rn---hho-hh-gthhW--mR-', // (… work, gateAct, act, mask, recRows, recRow0)
  gruBackwardAct: 'rn---ho-h-ggthW---gtmR-', // (… work, gateAct, act, resetAfter, dzn, rhprev, mask, recRows, recRow0)
  rnnBackwardAct: 'rn---ho-h--gthWmR-', // (… work, mask, recRows, recRow0)
} as const satisfies Partial<Record<keyof (Kernels & TrainingKernels), string>>;

/** The kernels whose calls are cut (their order is the job table's OP codes): predict's, then training's. */
export const SPLIT_KERNELS = Object.keys(ARGS) as SplitKernel[];
export type SplitKernel = keyof typeof ARGS;

/** Gates per unit of a recurrence, from its name. */
const gatesOf = (kernel: SplitKernel): number => (kernel[0] === 'l' ? 4 : kernel[0] === 'g' ? 3 : 1);

/** Byte offset of row b in a buffer of `rowFloats` floats per row; 0 (absent) stays 0. */
const at = (ptr: number, b: number, rowFloats: number): number => (ptr === 0 ? 0 : ptr + 4 * b * rowFloats);

/** Multiply-adds of a call: what decides whether cutting it pays for the threads' hand-off. */
export function callWork(kernel: SplitKernel, a: readonly number[]): number {
  const first = ARGS[kernel][0];
  // the recurrences: B · T · H · G·Hp; the GEMMs: rows · K · panels · pw
  return first === 'g' || first === 'r' ? a[1] * a[2] * a[3] * gatesOf(kernel) * roundUp4(a[3]) : a[1] * a[2] * a[4] * a[5];
}

/**
 * The argument lists of a cut call: CUT_ARGS[i] is the call thread i runs
 * (0: the calling thread), MAX_CUT_ARGS long (a job slot carries them
 * whole); a kernel reads its own arguments, the rest is ignored. Made once and reused by every cut call (calls are synchronous,
 * so one table serves them all): a steady loop allocates nothing here.
 */
export const CUT_ARGS: number[][] = [];
/** The bounds of the last cut: part i is rows (or panels) [bounds[i], bounds[i + 1]). */
const bounds: number[] = [];

/**
 * Cut a call of `kernel` with arguments `a` into at most `parts` calls in
 * CUT_ARGS; returns how many (1: it cannot be cut: run `a` whole).
 */
export function cutCall(kernel: SplitKernel, a: readonly number[], parts: number): number {
  const sig = ARGS[kernel], count = sig.indexOf('n');
  const T = a[2], K = a[2], H = a[3], Hp = roundUp4(H), G = gatesOf(kernel), pw = a[5], cols = a[4] * pw;
  const align = kernel === 'project' ? PROJECT_ROW_ALIGN : kernel === 'gradWeights' ? (pw === 4 ? 4 : 1) : RECUR_ROW_ALIGN;
  parts = cutRows(bounds, a[count], parts, align);
  if (parts === 1) return 1;
  while (CUT_ARGS.length < parts) CUT_ARGS.push(new Array<number>(MAX_CUT_ARGS).fill(0));
  const rec = a[sig.indexOf('r')] ?? 0; // the record (0: none, or no record argument)
  let work = a[sig.indexOf('W')] ?? 0; // the backward's: backWorkFloats(rows, H) of it per range
  for (let i = 0; i < parts; i++) {
    const r = CUT_ARGS[i], b0 = bounds[i], n = bounds[i + 1] - b0;
    for (let j = 0; j < sig.length; j++) {
      const v = a[j] ?? 0, code = sig[j];
      r[j] = code === 'n' ? n
        : code === 'g' ? at(v, b0, T * G * Hp)
        : code === 'h' ? at(v, b0, H)
        : code === 't' ? at(v, b0, T * H)
        : code === 'o' ? at(v, b0, T * a[j + 1])
        : code === 'm' ? at(v, b0, T)
        : code === 'w' ? at(v, b0, 3 * Hp)
        : code === 'k' ? at(v, b0, K)
        : code === 'c' ? at(v, b0, cols)
        : code === 'p' ? at(v, b0, pw)
        : code === 'P' ? at(v, b0, K * pw)
        : code === 'S' ? v || cols
        : code === 'W' ? work
        : code === 'R' ? (rec === 0 ? 0 : v || a[1]) // recRows (0: the whole call's B)
        : v;
      if (code === 'R') r[++j] = rec === 0 ? 0 : (a[j] ?? 0) + b0; // recRow0
    }
    if (work) work += 4 * backWorkFloats(n, H);
  }
  return parts;
}
