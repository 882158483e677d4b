/**
 * The fuzz loop, parent side. fast-check generates a target's cases here;
 * each case runs in a sandbox process (test/fuzz/sandbox-main.ts, bundled
 * with esbuild so it runs the TypeScript sources under plain node), so that
 * a hang, an out-of-memory crash or an abort is caught by a timeout or an
 * exit code instead of taking the test runner down.
 *
 * A run has two phases:
 *   1. explore: cases from `seed` until the time budget (or maxRuns) is spent;
 *      a case that breaks a property is recorded, not fatal, so one run
 *      collects many distinct findings (grouped by a signature: the check
 *      that failed and its message with numbers and quoted text blanked out);
 *   2. shrink: each distinct finding is replayed from its seed and path and
 *      shrunk by fast-check, keeping only smaller cases with the SAME
 *      signature (so shrinking cannot slide onto another bug).
 * `path` replays one case (and shrinks it) without exploring.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { BOUNDS, REPO, type Target } from './common.js';

export type Verdict =
  | { status: 'pass' }
  | { status: 'finding'; label: string; detail: string }
  | { status: 'hang'; stage: string; ms: number }
  | { status: 'crash'; stage: string; code: number | null; signal: string | null; stderr: string };

export interface FuzzOptions {
  seed: number;
  /** Explore budget. */
  seconds: number;
  /** Stop exploring after this many cases (default: no limit but time). */
  maxRuns?: number;
  /** Replay this case only (fast-check path, from a report), then shrink it. */
  path?: string;
  /** Budget to shrink each distinct finding. */
  shrinkSeconds: number;
  /** Shrink at most this many distinct findings (the others are listed unshrunk). */
  maxShrunk: number;
  log?: (line: string) => void;
}

export interface FindingReport {
  signature: string;
  label: string;
  detail: string;
  count: number;
  /** fast-check path of the (shrunk) counterexample: replay with --seed and --path. */
  path: string;
  counterexample: string;
  shrunk: boolean;
}

export interface FuzzReport {
  target: string;
  seed: number;
  runs: number;
  seconds: number;
  findings: FindingReport[];
}

// ── the sandbox process ─────────────────────────────────────────────────────────────────────

let bundled: Promise<string> | undefined;

/** Bundle the sandbox entry (and through it every target and the library's sources) once per run. */
function bundle(): Promise<string> {
  bundled ??= (async () => {
    const esbuild = await import('esbuild');
    const dir = join(REPO, 'node_modules', '.cache', 'lstm-wasm-fuzz');
    mkdirSync(dir, { recursive: true });
    const outfile = join(dir, `sandbox-${process.pid}.mjs`);
    await esbuild.build({
      entryPoints: [join(REPO, 'test', 'fuzz', 'sandbox-main.ts')],
      bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile, logLevel: 'error',
      // a bundled CommonJS dependency may call require(): give the ESM bundle one
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    });
    return outfile;
  })();
  return bundled;
}

/** One target's sandbox: a child process that runs cases sent to it; restarted after a hang or crash. */
export class Sandbox {
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private stderr = '';
  private stage = '';
  private waiting: { id: number; resolve: (v: Verdict) => void } | undefined;
  private nextId = 0;
  /** Cases run one at a time, even when fast-check abandons a run at its time limit and starts the next. */
  private queue: Promise<unknown> = Promise.resolve();

  /** `tmp`: where the sandbox makes its temporary folders (removed by fuzz() at the end). */
  constructor(private readonly target: Target<unknown>, private readonly tmp: string) {}

  private start(): Promise<void> {
    this.ready ??= (async () => {
      const file = await bundle();
      this.stderr = '';
      const child = fork(file, [this.target.name], {
        execArgv: ['--expose-gc', '--max-old-space-size=2048'],
        // its own process group, so that killing it also kills a CLI run it has in flight (killGroup)
        detached: process.platform !== 'win32',
        serialization: 'advanced',
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        env: { ...process.env, FUZZ_REPO: REPO, FUZZ_SANDBOX: '1', FUZZ_TMP: this.tmp, LSTM_WASM_DEBUG: '' },
      });
      this.child = child;
      child.stderr!.on('data', (d: Buffer) => { this.stderr = (this.stderr + d.toString()).slice(-4000); });
      await new Promise<void>((resolve, reject) => {
        const onExit = (code: number | null, signal: string | null) => {
          this.settle({ status: 'crash', stage: this.stage, code, signal, stderr: this.stderr.trim().slice(-1500) });
          if (this.child === child) { this.child = undefined; this.ready = undefined; }
          reject(new Error(`the ${this.target.name} sandbox exited during setup (code ${code}, signal ${signal}): ${this.stderr.slice(-1500)}`));
        };
        child.on('exit', onExit);
        child.on('error', () => {}); // a send to a process that just died: its exit is what counts
        child.on('message', (m: { type: string; id?: number; stage?: string; verdict?: Verdict; error?: string; restart?: boolean }) => {
          if (m.type === 'ready') resolve();
          else if (m.type === 'setup-failed') reject(new Error(`the ${this.target.name} sandbox's setup failed: ${m.error}`));
          else if (m.type === 'stage') this.stage = m.stage!;
          else if (m.type === 'verdict' && m.id === this.waiting?.id) {
            if (m.restart) this.discard(child);
            this.settle(m.verdict!);
          }
        });
      });
    })();
    return this.ready;
  }

  private settle(v: Verdict): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.resolve(v);
  }

  /** Run one case (after any still running); a case that outlives hangMs gets its sandbox killed. */
  run(value: unknown): Promise<Verdict> {
    const next = this.queue.then(() => this.runNow(value));
    this.queue = next.catch(() => {});
    return next;
  }

  private async runNow(value: unknown): Promise<Verdict> {
    await this.start();
    const child = this.child!;
    this.stage = '';
    const hangMs = this.target.hangMs ?? BOUNDS.hangMs;
    const t0 = Date.now();
    const verdict = await new Promise<Verdict>((resolve) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        resolve({ status: 'hang', stage: this.stage, ms: Date.now() - t0 });
      }, hangMs);
      const id = ++this.nextId;
      this.waiting = { id, resolve: (v) => { clearTimeout(timer); resolve(v); } };
      child.send({ type: 'case', id, value });
    });
    if (verdict.status === 'hang' || verdict.status === 'crash') this.discard(child);
    return verdict;
  }

  /** Kill a sandbox process; the next case starts a fresh one. */
  private discard(child: ChildProcess): void {
    if (this.child === child) { this.child = undefined; this.ready = undefined; }
    child.removeAllListeners('exit');
    killGroup(child);
  }

  stop(): void {
    this.settle({ status: 'crash', stage: 'stopped', code: null, signal: null, stderr: '' });
    this.child?.removeAllListeners('exit');
    if (this.child) killGroup(this.child);
    this.child = undefined;
    this.ready = undefined;
  }
}

/**
 * Kill a sandbox and whatever it started: a CLI case's child process outlives a plain kill of the
 * sandbox and went on writing into the temporary folder being removed (ENOTEMPTY at the end of a run).
 */
function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    child.kill('SIGKILL'); // no group (Windows), or it is gone already
  }
}

// ── signatures, reports ─────────────────────────────────────────────────────────────────────

/** What groups findings: the check and its message, with numbers and quoted text blanked. */
export function signature(v: Verdict): string {
  const norm = (s: string) => s.replace(/"(?:[^"\\]|\\.)*"/g, '"…"').replace(/'[^']*'/g, "'…'").replace(/\[[^\]]*\]/g, '[…]').replace(/-?\d+(\.\d+)?(e[+-]?\d+)?/gi, 'N').slice(0, 140);
  switch (v.status) {
    case 'pass': return 'pass';
    case 'finding': return `${norm(v.label)} | ${norm(v.detail.replace(/\(.*?\)$/, '')).slice(0, 60)}`;
    case 'hang': return `hang in ${norm(v.stage)}`;
    case 'crash': return `crash (${v.signal ?? 'exit ' + v.code}) in ${norm(v.stage)}`;
  }
}

function describeVerdict(v: Verdict): { label: string; detail: string } {
  switch (v.status) {
    case 'pass': return { label: 'pass', detail: '' };
    case 'finding': return { label: v.label, detail: v.detail };
    case 'hang': return { label: `hang in ${v.stage || '(no stage)'}`, detail: `no answer after ${v.ms} ms; the sandbox was killed` };
    case 'crash': return { label: `crash in ${v.stage || '(no stage)'}`, detail: `the sandbox died (exit code ${v.code}, signal ${v.signal}); stderr: ${v.stderr || '(empty)'}` };
  }
}

export function formatReport(r: FuzzReport): string {
  const lines = [`[${r.target}] seed ${r.seed}: ${r.runs} cases in ${r.seconds.toFixed(0)} s, ${r.findings.length} distinct finding(s)`];
  for (const f of r.findings) {
    lines.push(
      '',
      `FINDING [${r.target}] ${f.label}`,
      `  what: ${f.detail}`,
      `  seen ${f.count}× ; counterexample${f.shrunk ? ' (shrunk)' : ' (not shrunk)'}: ${f.counterexample}`,
      `  replay: npm run fuzz -- --target ${r.target} --seed ${r.seed} --path ${f.path}`,
    );
  }
  return lines.join('\n');
}

// ── the loop ────────────────────────────────────────────────────────────────────────────────

export async function fuzz(target: Target<unknown>, o: FuzzOptions): Promise<FuzzReport> {
  const log = o.log ?? (() => {});
  const tmp = mkdtempSync(join(tmpdir(), `lstm-wasm-fuzz-${target.name}-`));
  const sandbox = new Sandbox(target, tmp);
  const started = Date.now();
  const found = new Map<string, { verdict: Verdict; count: number; path: string; value: unknown }>();
  let runs = 0;
  try {
    let index = -1;
    const explore = fc.asyncProperty(target.arbitrary, async (value) => {
      index++;
      runs++;
      const v = await sandbox.run(value);
      // fast-check's time limit can end the loop while a case is still out; stopping the sandbox then
      // settles that case as 'stopped', which says nothing about the code under test
      if (v.status === 'crash' && v.stage === 'stopped') return true;
      if (v.status !== 'pass') {
        const sig = signature(v);
        const seen = found.get(sig);
        if (seen) seen.count++;
        else {
          found.set(sig, { verdict: v, count: 1, path: o.path ?? String(index), value });
          log(`[${target.name}] new finding at case ${index}: ${describeVerdict(v).label}`);
        }
      }
      return true;
    });
    const params = o.path !== undefined
      ? { seed: o.seed, path: o.path, numRuns: 1 }
      : { seed: o.seed, numRuns: o.maxRuns ?? 2 ** 31 - 1, interruptAfterTimeLimit: o.seconds * 1000 };
    const ran = await fc.check(explore, params);
    if (ran.failed && !ran.interrupted) throw new Error(`fuzz loop failed for ${target.name}: ${ran.errorInstance ?? ''}`);

    const findings: FindingReport[] = [];
    let shrunkCount = 0;
    for (const [sig, f] of found) {
      let counterexample = fc.stringify(f.value), path = f.path, shrunk = false;
      let verdict = f.verdict;
      if (shrunkCount < o.maxShrunk && o.shrinkSeconds > 0) {
        shrunkCount++;
        let last: Verdict | undefined;
        const same = fc.asyncProperty(target.arbitrary, async (value) => {
          const v = await sandbox.run(value);
          if (v.status !== 'pass' && signature(v) === sig) {
            last = v;
            return false;
          }
          return true;
        });
        const out = await fc.check(same, { seed: o.seed, path: f.path, numRuns: 1, interruptAfterTimeLimit: o.shrinkSeconds * 1000 });
        if (out.failed && out.counterexample) {
          counterexample = fc.stringify(out.counterexample[0]);
          path = out.counterexamplePath ?? path;
          shrunk = true;
          if (last) verdict = last;
        }
      }
      const { label, detail } = describeVerdict(verdict);
      findings.push({ signature: sig, label, detail, count: f.count, path, counterexample, shrunk });
    }
    return { target: target.name, seed: o.seed, runs, seconds: (Date.now() - started) / 1000, findings };
  } finally {
    sandbox.stop();
    // a killed process group dies asynchronously: retry while its last writes land
    rmSync(tmp, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
}
