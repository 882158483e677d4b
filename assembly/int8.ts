/**
 * The int8 kernels as a module of their own (asconfig targets `int8-simd`,
 * `int8-simd-relaxed`, `int8-scalar`, `int8-simd-threads`), loaded only by
 * model.quantize('int8') (src/quantize/int8-wasm.ts), so that the full
 * builds, and every app that never quantizes, carry none of them.
 *
 * It imports its memory: the instance runs over the memory of the backend's
 * own instance (one heap, the arena's pointers), the threads build over
 * the shared one. So it must keep nothing in that memory: no static data
 * (no data segment), no globals, no start function — instantiating it
 * writes no byte of the heap (test/quantize.test.ts reads the sections).
 * The kernels use scratch the caller passes (`work`), never memory of
 * their own. Exports: exactly QuantizedKernels (src/quantize/contract.ts).
 */
export { quantizeRows, projectInt8, lstmRecurInt8 } from './quantized';
