// Timing for the kernel benchmarks: the median of each of several functions,
// called in turn so that builds compared with each other see the same
// machine state.

/**
 * { median, min } ms of each of fns, called in turn `runs` times after `warm`
 * rounds (V8 first runs wasm in its baseline tier and tiers up to TurboFan
 * after a few calls). The order of the turn flips every round, so that
 * neither always runs right after the other (caches, the other core's load).
 * The minimum is the run nobody preempted: on a shared machine it is the
 * better guess at what a quiet one measures.
 */
export function timings(fns, runs, warm) {
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
  return t.map((ts) => { ts.sort((a, b) => a - b); return { median: ts[ts.length >> 1], min: ts[0] }; });
}

/** Median ms of each of fns (timings' medians). */
export function medians(fns, runs, warm) {
  return timings(fns, runs, warm).map((t) => t.median);
}
