/**
 * The sandbox process (bundled and forked by runner.ts; argv[2] names the
 * target). It runs the target's setup once, then each case sent to it, and
 * answers with a verdict. Around every case it enforces the generic bounds:
 * time (BOUNDS.caseMs or the target's own), memory (growth of heapUsed +
 * arrayBuffers), and no unhandled rejection or stray error. Hangs and
 * crashes are the parent's to catch.
 */
import { BOUNDS, Finding, lastStage } from './common.js';
import { TARGETS } from './targets.js';
import type { Verdict } from './runner.js';

const target = TARGETS.find((t) => t.name === process.argv[2]);
if (!target) throw new Error(`no fuzz target ${process.argv[2]}`);

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const used = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

let stray: string[] = [];
process.on('unhandledRejection', (e) => stray.push(`unhandled rejection: ${(e as Error)?.stack ?? e}`));
process.on('uncaughtException', (e) => stray.push(`uncaught exception: ${(e as Error)?.stack ?? e}`));

let restart = false;

async function runCase(value: unknown): Promise<Verdict> {
  stray = [];
  gc();
  const before = used();
  const t0 = performance.now();
  let verdict: Verdict = { status: 'pass' };
  try {
    await target!.run(value);
  } catch (e) {
    // a fatal finding, or an error that escaped the target's own checks: start afresh for the next case
    if (!(e instanceof Finding) || e.fatal) restart = true;
    verdict = e instanceof Finding
      ? { status: 'finding', label: e.label, detail: e.detail }
      : { status: 'finding', label: `uncaught ${(e as Error)?.constructor?.name ?? typeof e} in ${lastStage() || 'the case'}`, detail: String((e as Error)?.stack ?? e).slice(0, 1200) };
  }
  const ms = performance.now() - t0;
  const grown = used() - before;
  await new Promise((r) => setImmediate(r)); // let a stray rejection surface
  if (verdict.status !== 'pass') return verdict;
  if (stray.length) return { status: 'finding', label: `stray error after ${lastStage() || 'the case'}`, detail: stray.join('\n').slice(0, 1200) };
  const limit = target!.caseMs ?? BOUNDS.caseMs;
  if (ms > limit) return { status: 'finding', label: `slow: a case took over ${limit} ms`, detail: `${ms.toFixed(0)} ms (last stage: ${lastStage()})` };
  if (grown > BOUNDS.memoryBytes) return { status: 'finding', label: `memory: a case grew heapUsed + arrayBuffers by over ${BOUNDS.memoryBytes / 2 ** 20} MiB`, detail: `${(grown / 2 ** 20).toFixed(0)} MiB (last stage: ${lastStage()})` };
  return verdict;
}

try {
  await target.setup?.();
  process.send!({ type: 'ready' });
} catch (e) {
  process.send!({ type: 'setup-failed', error: String((e as Error)?.stack ?? e) });
  process.exit(2);
}

// one case at a time: the parent waits for each verdict before sending the next
process.on('message', async (m: { type: string; id: number; value: unknown }) => {
  if (m.type !== 'case') return;
  const verdict = await runCase(m.value);
  // after a fatal finding (a corrupt heap) the parent replaces this process before the next case
  process.send!({ type: 'verdict', id: m.id, verdict, restart });
});
process.on('disconnect', () => process.exit(0));
