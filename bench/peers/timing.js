// The race: each contender's run() called in turn, round after round, the
// order reversed every round so that none always runs right after another
// (caches, the other core's load); a contender stops once it has its
// samples. V8 runs wasm in its baseline tier first, so every contender is
// warmed before it is timed, and its warm-up also says how many samples fit
// in the time budget.

/**
 * entries: [{ key, run }] (run may return a promise, which is awaited
 * inside the timed span). Returns { [key]: { median, min, samples } } in ms.
 */
export async function race(entries, { budgetMs, minRuns, maxRuns, warm }) {
  const want = new Map();
  for (const e of entries) {
    // warm-up: `warm` calls, or fewer for a slow contender (no more than half the budget)
    let t = Infinity, spent = 0;
    for (let i = 0; i < warm && spent < budgetMs / 2; i++) {
      const t0 = performance.now();
      await e.run();
      const dt = performance.now() - t0;
      t = Math.min(t, dt);
      spent += dt;
    }
    want.set(e.key, Math.max(minRuns, Math.min(maxRuns, Math.floor(budgetMs / Math.max(t, 1e-3)))));
  }
  const samples = new Map(entries.map((e) => [e.key, []]));
  for (let round = 0; entries.some((e) => samples.get(e.key).length < want.get(e.key)); round++) {
    const order = round & 1 ? [...entries].reverse() : entries;
    for (const e of order) {
      const s = samples.get(e.key);
      if (s.length >= want.get(e.key)) continue;
      const t0 = performance.now();
      await e.run();
      s.push(performance.now() - t0);
    }
  }
  const out = {};
  for (const [key, s] of samples) {
    s.sort((a, b) => a - b);
    out[key] = { median: s[s.length >> 1], min: s[0], samples: s.length };
  }
  return out;
}
