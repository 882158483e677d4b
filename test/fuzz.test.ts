/**
 * The fuzz targets (test/fuzz/) as part of `npm test`: each runs from a
 * FIXED seed for a few seconds, so CI replays the same cases every time
 * (a slower machine runs a prefix of them) and fails on any finding, with
 * the shrunk counterexample and the command that replays it.
 *
 * `npm run fuzz` (scripts/fuzz.js) runs this same file with FUZZ_SECONDS,
 * FUZZ_SEED, FUZZ_TARGET and FUZZ_PATH set: longer budgets, other seeds,
 * one target, one case.
 */
import { describe, expect, it } from 'vitest';
import { TARGETS } from './fuzz/targets.js';
import { formatReport, fuzz } from './fuzz/runner.js';

/** CI: seconds of exploration per target, at most this many cases, and seconds to shrink each finding. */
const CI = { seed: 20261123, seconds: 5, maxRuns: 400, shrinkSeconds: 20, maxShrunk: 3 };

const env = process.env;
const long = env.FUZZ_SECONDS !== undefined || env.FUZZ_PATH !== undefined;
const seconds = long ? Number(env.FUZZ_SECONDS ?? 0) : CI.seconds;
const shrinkSeconds = long ? Number(env.FUZZ_SHRINK_SECONDS ?? 120) : CI.shrinkSeconds;
const maxShrunk = long ? 20 : CI.maxShrunk;
const seed = env.FUZZ_SEED !== undefined ? Number(env.FUZZ_SEED) : CI.seed;

describe('fuzz', () => {
  for (const target of TARGETS) {
    const run = env.FUZZ_TARGET && env.FUZZ_TARGET !== target.name ? it.skip : it;
    // explore + shrink every finding + sandbox start-ups, with room to spare
    const timeout = (seconds + maxShrunk * (shrinkSeconds + 60) + 120) * 1000;
    run(target.name, async () => {
      const report = await fuzz(target, {
        seed, seconds, shrinkSeconds, maxShrunk,
        maxRuns: long ? undefined : CI.maxRuns,
        path: env.FUZZ_PATH,
        log: (line) => console.log(line),
      });
      const text = formatReport(report);
      console.log(text);
      if (env.FUZZ_REPORT) (await import('node:fs')).appendFileSync(env.FUZZ_REPORT, text + '\n\n');
      expect(report.findings.length, text).toBe(0);
    }, timeout);
  }
});
