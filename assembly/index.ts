/**
 * The wasm kernels of lstm-wasm: one source, built twice (asconfig.json):
 * `simd` with SIMD128 and `scalar` without. Each kernel branches on the
 * compile-time constant ASC_FEATURE_SIMD, so the scalar build is the same
 * algorithm in plain f32 and carries no v128 code at all.
 *
 * Exports have exactly the signatures of the `Kernels` interface
 * (src/backend/kernels.ts): pointers are byte offsets into this module's
 * memory, handed out by the TypeScript arena above `heapBase()`. Nothing
 * here allocates (runtime: stub); the kernels only load and store.
 *
 * The SIMD tricks every kernel uses, explained once:
 * - Panels. A weight matrix is packed as [Hp/4][K][4·G]: panel p holds the
 *   G gates of units 4p..4p+3, row k their weights at input k. One f32x4
 *   load is one gate of 4 units, and a pass over k yields all gates of 4
 *   units, so a cell update can follow in registers (lstm.ts, gru.ts).
 * - Tiles, "RxC". R batch rows × C columns of accumulators: the rows share
 *   each weight load (x is splat: v128.load32_splat), so 2 rows halve the
 *   weight traffic. 8 f32x4 accumulators is the most V8 keeps in registers;
 *   past that it spills, and a spilled accumulator puts a store-load round
 *   trip on the critical path.
 * - Two k per iteration (a lone row): the two products are summed before
 *   they meet the accumulator, halving its add chain without more registers.
 * - Lane masks (state.ts, laneMask). H need not be a multiple of 4: the
 *   last panel's lanes past H hold anything (NaN included), so results are
 *   and-ed with a mask before they are stored, and padded units stay 0.
 * - The cell update is a call, not inlined: it runs once per panel and row,
 *   ~H times less often than the k loop, and inlining it into every tile
 *   made the module half again as big for no measurable speed.
 * The multiply-add loops of the recurrences look like project's (gemm.ts)
 * on purpose: each ends in its cell's update in registers instead of a
 * store, which is the point of a fused step; they are not shared.
 */
export { project } from './gemm';
export { lstmRecur, lstmBackward } from './lstm';
export { gruRecur, gruBackward } from './gru';
export { rnnRecur, rnnBackward } from './rnn';
// the variants (activations, reset-before GRU): the generic path beside the fused defaults
export { lstmRecurAct, lstmBackwardAct, gruRecurAct, gruBackwardAct, rnnRecurAct, rnnBackwardAct } from './variants';
export { activate, activateBackward } from './dense';
export { merge, repeat, mergeBackward, repeatBackward } from './merge';
export { transpose } from './pack';
// training: the gradients of project, and the optimizer updates
export { gradWeights, gradInput } from './gemm-grad';
export { sumSquares, scaleClip, sgdUpdate, rmspropUpdate, adamUpdate } from './optimizers';
// int8 inference (model.quantize) is a module of its own (int8.ts), loaded only by quantize

/** First byte past the module's static data: the arena starts here. */
export function heapBase(): usize {
  return __heap_base;
}
