import { defineConfig } from 'vitest/config';

/**
 * f32x4.relaxed_madd in a module that validates only where relaxed SIMD is on. Node 20 has it
 * behind a flag, which the test processes get, so that the suite runs the relaxed builds too
 * (Node 22+ has it on and needs no flag).
 */
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 1, 96, 3, 123, 123, 123, 1, 123, 3, 2, 1, 0, 10, 13, 1, 11, 0, 32, 0, 32, 1, 32, 2, 253, 133, 2, 11,
]);
const relaxedFlag = WebAssembly.validate(RELAXED_PROBE) ? [] : ['--experimental-wasm-relaxed-simd'];

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    execArgv: relaxedFlag,
  },
});
