/**
 * What every fuzz target shares: the bounds a case must keep, the verdict
 * for a broken property (Finding), the oracles that classify what a call
 * did (a result, a clear LstmWasmError, or anything else = a finding), the
 * generators used by more than one target (notable JSON values, text and
 * JSON-tree mutations), float comparisons and backend set-up.
 *
 * Imported on both sides: the parent (vitest, fast-check generating cases)
 * and the sandbox process that runs them (test/fuzz/sandbox-main.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { rng } from '../rng.js';
import { Bidirectional, Dense, GRU, init, LSTM, LstmWasmError, SimpleRNN, type BackendName, type Layer } from '../../src/index.js';

/** The limits every case is held to, and why those numbers. */
export const BOUNDS = {
  /**
   * ms an in-process case may take. Cases are small (≤ 40 rows of CSV, a few
   * KB of safetensors, models ≤ 40 units × 30 steps × 9 sequences on three
   * backends): they take 1–100 ms, so 3 s is ~30× headroom for a loaded CI
   * machine, and still catches anything quadratic-in-a-huge-number.
   */
  caseMs: 3_000,
  /** ms after which a case is called hung: its sandbox process is killed and restarted. */
  hangMs: 12_000,
  /** ms one CLI run may take (a forecast of ≤ 3 epochs on ≤ 60 points takes ~0.5 s). */
  cliMs: 20_000,
  /** bytes heapUsed + arrayBuffers may grow while a case runs (its inputs are KBs). */
  memoryBytes: 256 * 2 ** 20,
  /** bytes a wasm heap may grow in one case (small models need well under 1 MiB). */
  wasmHeapBytes: 64 * 2 ** 20,
  /**
   * characters of an error message or a CLI error line. The longest honest
   * messages (a column list, a shape, a path, a quoted value) are a few
   * hundred characters; a message that grows with the input (it once held
   * 80 million characters) is a finding.
   */
  messageChars: 2_000,
};

/** The repository root (the sandbox gets it in FUZZ_REPO: its bundle lives elsewhere). */
export const REPO = process.env.FUZZ_REPO ?? fileURLToPath(new URL('../../', import.meta.url));

/** A fuzz target: cases generated in the parent, run one by one in a sandbox process. */
export interface Target<C> {
  name: string;
  /** One case: plain data (structured-clonable), so it can be sent to the sandbox and printed. */
  arbitrary: fc.Arbitrary<C>;
  /** Once per sandbox process, before its first case. */
  setup?(): Promise<void>;
  /** Drive the code under test with one case; throw a Finding when a property does not hold. */
  run(c: C): Promise<void>;
  /** ms a case may take (default BOUNDS.caseMs); and before it counts as hung (default BOUNDS.hangMs). */
  caseMs?: number;
  hangMs?: number;
}

/** A property that does not hold. `label` names the check (stable: it groups findings); `detail` says what happened. */
export class Finding extends Error {
  /** `fatal`: the sandbox's state is broken (heap corruption): it is restarted before the next case. */
  constructor(readonly label: string, readonly detail: string, readonly fatal = false) {
    super(`${label}: ${detail}`);
    this.name = 'Finding';
  }
}

export function finding(label: string, detail: string): never {
  throw new Finding(label, detail);
}

/** A finding after which the sandbox cannot go on (its heap or a model in it is corrupt). */
export function fatalFinding(label: string, detail: string): never {
  throw new Finding(label, detail, true);
}

// ── what the sandbox is doing (a hang or a crash is reported with the last stage) ─────────

let currentStage = '';
/** Name the call about to run: a hang or crash is reported "in <stage>". */
export function stage(name: string): void {
  currentStage = name;
  if (process.env.FUZZ_SANDBOX === '1') process.send?.({ type: 'stage', stage: name });
}
export function lastStage(): string {
  return currentStage;
}

// ── oracles ────────────────────────────────────────────────────────────────────────────────

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: LstmWasmError };

/**
 * Run `fn` (named `what` in findings): its value, or the LstmWasmError it threw
 * (checked: bounded message). Anything else thrown is a finding.
 */
export function attempt<T>(what: string, fn: () => T): Outcome<T> {
  stage(what);
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    return { ok: false, error: classify(what, e) };
  }
}

/** As attempt, for a promise. */
export async function attemptAsync<T>(what: string, fn: () => Promise<T>): Promise<Outcome<T>> {
  stage(what);
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    return { ok: false, error: classify(what, e) };
  }
}

/** An error thrown by the code under test: an LstmWasmError with a sane message, or a finding. */
export function classify(what: string, e: unknown): LstmWasmError {
  if (e instanceof Finding) throw e;
  if (!(e instanceof LstmWasmError)) {
    const err = e as Error;
    const name = err?.constructor?.name ?? typeof e;
    finding(`${what} threw ${name}, not an LstmWasmError`, `${clip(String(err?.message ?? e), 300)}${frame(err)}`);
  }
  checkMessage(what, e.message);
  if (/internal error|this is a bug/i.test(e.message)) finding(`${what} threw an internal error`, clip(e.message, 400));
  return e;
}

/** An error message: "lstm-wasm: …", at most BOUNDS.messageChars characters. */
export function checkMessage(what: string, message: string): void {
  if (message.length > BOUNDS.messageChars) finding(`${what}: error message too long`, `${message.length} characters: ${clip(message, 200)}`);
  if (!message.startsWith('lstm-wasm: ')) finding(`${what}: error message does not start "lstm-wasm: "`, clip(message, 200));
}

/** The first stack frame in the library's own source (where a stray TypeError came from). */
function frame(e: Error | undefined): string {
  const line = String(e?.stack ?? '').split('\n').find((l) => /src[\\/]/.test(l));
  const m = line && /at (?:(\S+) )?\(?.*?(src[\\/][^:)]+)/.exec(line);
  return m ? ` (at ${m[1] ?? '<anonymous>'} in ${m[2]})` : '';
}

/** `fn` must throw a clear LstmWasmError. */
export function expectLW(what: string, fn: () => unknown): LstmWasmError {
  const r = attempt(what, fn);
  if (r.ok) finding(`${what} was accepted`, `expected an LstmWasmError, got ${describe(r.value)}`);
  return r.error;
}

export async function expectLWAsync(what: string, fn: () => Promise<unknown>): Promise<LstmWasmError> {
  const r = await attemptAsync(what, fn);
  if (r.ok) finding(`${what} was accepted`, `expected an LstmWasmError, got ${describe(r.value)}`);
  return r.error;
}

export function clip(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n)}… (${s.length} chars)`;
}

export function describe(v: unknown): string {
  try {
    return clip(fc.stringify(v), 300);
  } catch {
    return String(v);
  }
}

// ── floats ──────────────────────────────────────────────────────────────────────────────────

/** Bit-for-bit equal (NaN equals NaN; -0 differs from 0). */
export function sameFloats(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** max |a − b| / max(1, |b|), the kernels test's 'rel' mode (NaN anywhere → NaN). */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.NaN;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i]));
    if (!(d <= m)) m = d;
  }
  return m;
}

export function allFinite(a: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}


export function randomData(n: number, seed: number, scale = 1): Float32Array {
  const r = rng(seed);
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) d[i] = r(-scale, scale);
  return d;
}

// ── backends ────────────────────────────────────────────────────────────────────────────────

export const BACKENDS: BackendName[] = ['wasm-simd', 'wasm', 'js'];

/** Activate a backend; the wasm builds are passed explicitly (the sandbox's bundle is not next to build/). */
export async function useBackend(name: BackendName): Promise<void> {
  const file = name === 'wasm-simd' ? 'simd.wasm' : name === 'wasm' ? 'scalar.wasm' : undefined;
  await init(file ? { backend: name, wasm: pathToFileURL(`${REPO}/build/${file}`) } : { backend: name });
}

// ── generators shared by several targets ───────────────────────────────────────────────────

/** Strings that are names of Object.prototype members, or otherwise special as keys. */
export const SPECIAL_KEYS = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'prototype', '__defineGetter__', 'length', ''];

/** JSON values a loader must not mistake for what it expects. */
export const NOTABLE_JSON: unknown[] = [
  null, true, false,
  0, -0, 1, -1, 2, 3, 0.5, -0.5, 1.5, 1e-300, 1e308, -1e308, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 53 + 2, 1e21, 4294967294,
  '', ' ', '0', '1', '0.5', '-1', 'false', 'true', 'null', 'NaN', 'Infinity', '1e400', '0x10', ' 5',
  ...SPECIAL_KEYS,
  'LSTM', 'GRU', 'SimpleRNN', 'Dense', 'Bidirectional', 'adam', 'mse', 'relu', 'tanh', 'concat', 'lstm-wasm',
  'é', '\u0000', '\u2028', '𝟙',
  [], [1], [null], [0, 1], ['a'], [[]],
  {}, { a: 1 }, { name: 'x' }, { className: 'LSTM', config: {} },
];

/** A notable JSON value, or a small random one. */
export const jsonValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NOTABLE_JSON) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

/** A key to add to a JSON object: special names, or short random ones. */
export const jsonKey: fc.Arbitrary<string> = fc.oneof(fc.constantFrom(...SPECIAL_KEYS, 'units', 'name', 'returnSequences', 'activation', 'extra', 'layer', 'config'), fc.string({ maxLength: 6 }));

/** An edit of a JSON tree: at node number `at` (in DFS order, modulo the count), replace, delete or add. */
export type TreeEdit =
  | { op: 'replace'; at: number; value: unknown }
  | { op: 'delete'; at: number }
  | { op: 'add'; at: number; key: string; value: unknown };

export const treeEdit: fc.Arbitrary<TreeEdit> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('replace' as const), at: fc.nat(), value: jsonValue }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('add' as const), at: fc.nat(), key: jsonKey, value: jsonValue }) },
);

type Path = (string | number)[];

/** Every node's path in a JSON tree, depth-first (the root is []). */
export function nodePaths(tree: unknown): Path[] {
  const out: Path[] = [];
  const walk = (v: unknown, p: Path) => {
    out.push(p);
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...p, i]));
    else if (v && typeof v === 'object') for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k], [...p, k]);
  };
  walk(tree, []);
  return out;
}

/** Set an own, enumerable property (also "__proto__", which `o[k] = v` would not create). */
export function setOwn(o: object, k: string | number, v: unknown): void {
  if (Array.isArray(o) && k === 'length') return; // an edit that turned a record into an array: its length is not a key to set
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/** Apply edits to a deep copy of a JSON tree; returns the edited tree and a description of each edit. */
export function applyTreeEdits(tree: unknown, edits: TreeEdit[]): { tree: unknown; applied: string[] } {
  let root = JSON.parse(JSON.stringify(tree));
  const applied: string[] = [];
  for (const e of edits) {
    const paths = nodePaths(root);
    const path = paths[e.at % paths.length];
    const parent = path.length ? path.slice(0, -1).reduce((o: any, k) => o[k], root) : undefined;
    const key = path[path.length - 1];
    const node = path.reduce((o: any, k) => o[k], root);
    const where = path.length ? path.join('.') : '(root)';
    if (e.op === 'replace') {
      const value = JSON.parse(JSON.stringify(e.value) ?? 'null');
      if (!path.length) root = value;
      else setOwn(parent, key, value);
      applied.push(`${where} = ${JSON.stringify(value)}`);
    } else if (e.op === 'delete') {
      if (!path.length) continue;
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      applied.push(`delete ${where}`);
    } else {
      const value = JSON.parse(JSON.stringify(e.value) ?? 'null');
      if (Array.isArray(node)) node.push(value);
      else if (node && typeof node === 'object') setOwn(node, e.key, value);
      else continue;
      applied.push(`${where}${Array.isArray(node) ? '[+]' : '.' + e.key} += ${JSON.stringify(value)}`);
    }
  }
  return { tree: root, applied };
}

/** Read a path like ["layers", 0, "config"] out of a tree, or undefined. */
export function at(tree: unknown, ...path: (string | number)[]): unknown {
  let v: any = tree;
  for (const k of path) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, k)) return undefined;
    v = v[k];
  }
  return v;
}

/** Characters text mutations insert: CSV syntax, number syntax, letters, NUL, non-ASCII. */
export const MUTATION_CHARS = ['"', ',', ';', '\t', '\r', '\n', '0', '1', '5', '9', '-', '+', '.', 'e', 'E', 'a', 'x', 'N', ' ', '\u0000', 'é', '\u00a0', '\u2028', '\ufeff', '😀', '\ud800'];

/** An edit of a text at a position given as a fraction of its length (stable while shrinking). */
export type TextEdit =
  | { op: 'insert'; at: number; ch: string }
  | { op: 'delete'; at: number }
  | { op: 'replace'; at: number; ch: string }
  | { op: 'truncate'; at: number };

const fraction = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
export const textEdit: fc.Arbitrary<TextEdit> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('insert' as const), at: fraction, ch: fc.constantFrom(...MUTATION_CHARS) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('delete' as const), at: fraction }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('replace' as const), at: fraction, ch: fc.constantFrom(...MUTATION_CHARS) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: fraction }) },
);

export function applyTextEdits(text: string, edits: TextEdit[]): string {
  for (const e of edits) {
    const i = Math.floor(e.at * text.length);
    if (e.op === 'insert') text = text.slice(0, i) + e.ch + text.slice(i);
    else if (e.op === 'delete') text = text.slice(0, i) + text.slice(i + 1);
    else if (e.op === 'replace') text = text.slice(0, i) + e.ch + text.slice(i + 1);
    else text = text.slice(0, i);
  }
  return text;
}

// ── layer stacks (models, model-json) ───────────────────────────────────────────────────────

export type LayerKind = 'lstm' | 'gru' | 'rnn-tanh' | 'rnn-relu' | 'bi-lstm' | 'bi-gru' | 'bi-rnn' | 'dense';
export const DENSE_ACTIVATIONS = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax'] as const;
export interface LayerSpec { kind: LayerKind; units: number; seq: boolean; activation: (typeof DENSE_ACTIVATIONS)[number] }

const isRecurrent = (k: LayerKind) => k !== 'dense';

/**
 * A valid stack: a recurrent layer is never fed by one that dropped the time
 * axis (every recurrent layer with a recurrent layer after it returns
 * sequences), so any generated list is repaired into a model that builds.
 */
export function repairStack(specs: LayerSpec[]): LayerSpec[] {
  const out = specs.map((s) => ({ ...s }));
  for (let i = 0; i < out.length; i++) {
    if (isRecurrent(out[i].kind) && out.slice(i + 1).some((s) => isRecurrent(s.kind))) out[i].seq = true;
  }
  return out;
}

export function layerStack(maxUnits: number, maxLayers = 4): fc.Arbitrary<LayerSpec[]> {
  const spec = fc.record({
    kind: fc.constantFrom<LayerKind>('lstm', 'gru', 'rnn-tanh', 'rnn-relu', 'bi-lstm', 'bi-gru', 'bi-rnn', 'dense'),
    units: fc.integer({ min: 1, max: maxUnits }),
    seq: fc.boolean(),
    activation: fc.constantFrom(...DENSE_ACTIVATIONS),
  });
  // the first layer recurrent (sequences in), so every stack takes [batch, time, features]
  return fc.array(spec, { minLength: 1, maxLength: maxLayers })
    .map((s) => repairStack(s[0].kind === 'dense' ? [{ ...s[0], kind: 'lstm' as const }, ...s.slice(1)] : s));
}

/** The layers of a stack; only the first gets inputSize. Names are fixed so the same stack has the same names everywhere. */
export function makeLayers(specs: LayerSpec[], inputSize: number, seed: number): Layer[] {
  return specs.map((s, i) => {
    const o = { inputSize: i === 0 ? inputSize : undefined, units: s.units, returnSequences: s.seq, seed: seed * 100 + i, name: `l${i}_${s.kind}` };
    switch (s.kind) {
      case 'lstm': return new LSTM(o);
      case 'gru': return new GRU(o);
      case 'rnn-tanh': return new SimpleRNN({ ...o, activation: 'tanh' });
      case 'rnn-relu': return new SimpleRNN({ ...o, activation: 'relu' });
      case 'bi-lstm': return new Bidirectional(new LSTM(o), { name: `l${i}_bi` });
      case 'bi-gru': return new Bidirectional(new GRU(o), { name: `l${i}_bi` });
      case 'bi-rnn': return new Bidirectional(new SimpleRNN(o), { name: `l${i}_bi` });
      case 'dense': return new Dense({ inputSize: o.inputSize, units: s.units, activation: s.activation, seed: o.seed, name: o.name });
    }
  });
}

/** Whether the stack's output keeps the time axis (for y's shape). */
export function outputKeepsTime(specs: LayerSpec[]): boolean {
  let seq = true;
  for (const s of specs) if (isRecurrent(s.kind)) seq = s.seq;
  return seq;
}

// ── the CLI (cli-args, model-json) ──────────────────────────────────────────────────────────

export const CLI = `${REPO}/dist/cli.js`;

export interface CliRun { code: number | null; signal: string | null; stdout: string; stderr: string; ms: number; timedOut: boolean }

/** `node dist/cli.js …args` in `cwd`, bounded by BOUNDS.cliMs. */
export function runCli(args: string[], cwd: string, timeoutMs = BOUNDS.cliMs): CliRun {
  stage(`lstm-wasm ${args[0] ?? ''}`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 2 ** 20, env: { ...process.env, LSTM_WASM_DEBUG: '' } });
  const ms = performance.now() - t0;
  const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  return { code: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '', ms, timedOut };
}

/**
 * The CLI's contract for any input: exit 0, or exit 1 with exactly one
 * stderr line "lstm-wasm: …" (bounded, no "this is a bug"); nothing else —
 * no other code, no signal, no time-out. Returns whether it succeeded.
 */
export function checkCliExit(what: string, r: CliRun): boolean {
  if (r.timedOut) finding(`${what}: no exit within ${BOUNDS.cliMs} ms`, `killed after ${r.ms.toFixed(0)} ms; stderr: ${clip(r.stderr.trim(), 300)}`);
  if (r.signal) finding(`${what}: killed by ${r.signal}`, clip(r.stderr.trim(), 500));
  if (r.code === 0) {
    if (/this is a bug|unexpected error/.test(r.stderr)) finding(`${what}: exit 0 but stderr reports a bug`, clip(r.stderr.trim(), 500));
    return true;
  }
  if (r.code !== 1) finding(`${what}: exit code ${r.code}`, clip(r.stderr.trim(), 500));
  const lines = r.stderr.replace(/\n$/, '').split('\n');
  if (/this is a bug|unexpected error/.test(r.stderr)) finding(`${what}: exit 1 with "this is a bug"`, clip(r.stderr.trim(), 500));
  if (lines.length !== 1) finding(`${what}: exit 1 with ${lines.length} stderr lines, not one`, clip(r.stderr, 500));
  if (!lines[0].startsWith('lstm-wasm:')) finding(`${what}: exit 1 with a stderr line not starting "lstm-wasm:"`, clip(lines[0], 300));
  if (lines[0].length > BOUNDS.messageChars) finding(`${what}: error line too long`, `${lines[0].length} characters: ${clip(lines[0], 200)}`);
  return false;
}

/** A temporary folder, inside the one the parent removes when the run ends (FUZZ_TMP). */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(process.env.FUZZ_TMP ?? tmpdir(), `${prefix}-`));
}

export { rng };
