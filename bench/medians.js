// Timing for the kernel benchmarks: the median of each of several functions,
// called in turn so that builds compared with each other see the same
// machine state.

/**
 * Median ms of each of fns, called in turn `runs` times after `warm` rounds
 * (V8 first runs wasm in its baseline tier and tiers up to TurboFan after a
 * few calls). The order of the turn flips every round, so that neither
 * always runs right after the other (caches, the other core's load).
 */
export function medians(fns, runs, warm) {
  for (let i = 0; i < warm; i++) for (const fn of fns) fn();
  const t = fns.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (let n = 0; n < fns.length; n++) {
      const j = i & 1 ? fns.length - 1 - n : n;
      const t0 = performance.now();
      fns[j]();
      t[j].push(performance.now() - t0);
    }
  }
  return t.map((ts) => ts.sort((a, b) => a - b)[ts.length >> 1]);
}
