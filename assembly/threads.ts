/**
 * The threads build (asconfig target `simd-threads`): the full kernels of
 * index.ts over an imported shared memory, which every worker's instance
 * of the same module shares (src/backend/threads/). The kernels keep no
 * state in memory except their scratch (scratch.ts: actF32's float, the
 * backward recurrences' cell), which each instance moves to a slot of its
 * own with setScratch.
 */
export * from './index';
export { setScratch } from './scratch';
