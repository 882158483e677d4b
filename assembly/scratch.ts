/**
 * The kernels' mutable scratch in memory, per instance. Globals, not
 * constants: wasm globals belong to an instance, and the threads builds
 * (threads.ts) run one instance per thread over one shared memory, so each
 * worker's instance moves its scratch to a slot of its own
 * (setScratch, SCRATCH_BYTES bytes) before it runs a kernel. The
 * other builds never move it (binaryen folds the globals back to constants).
 *
 *   ACT_ONE    16 bytes: actF32's one float (variants.ts)
 *   BACK_CELL  64 bytes: the backward recurrences' cell, their pointers for
 *              backThroughTime (backward.ts; lstm.ts, gru.ts, rnn.ts)
 */
export let ACT_ONE: usize = memory.data(16, 16);
export let BACK_CELL: usize = memory.data(64, 16);

/** Bytes of one instance's scratch slot (src/backend/threads/threaded-backend.ts allocates them). */
export const SCRATCH_BYTES = 80;

/** Move this instance's scratch to `slot` (SCRATCH_BYTES bytes, 16-aligned): the threads builds' workers call it. */
export function setScratch(slot: usize): void {
  ACT_ONE = slot;
  BACK_CELL = slot + 16;
}
