/**
 * The threads build (asconfig target `simd-threads`): the full kernels of
 * index.ts over an imported shared memory, which every worker's instance
 * of the same module shares (src/backend/threads/). The kernels keep no
 * state in memory except actF32's one float of scratch, which each
 * instance moves to a slot of its own with setActScratch.
 */
export * from './index';
export { setActScratch } from './variants';
