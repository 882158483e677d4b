/**
 * The benchmarks' input: [B, T, I] floats in [-1, 1) from a fixed linear
 * congruential sequence, so every run (and every backend in a run) times
 * the same numbers.
 */
export function input({ I, B, T }) {
  let s = 12345;
  const data = new Float32Array(B * T * I);
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    data[i] = (s / 2 ** 32) * 2 - 1;
  }
  return { shape: [B, T, I], data };
}
