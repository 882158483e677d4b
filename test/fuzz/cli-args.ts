/**
 * Target cli-args: `node dist/cli.js <command> <generated argv>` in a child
 * process.
 *
 * Drives: forecast, predict, summary, explain and unknown commands
 * ("toString", "__proto__", "constructor", "FORECAST", …) with options
 * known to the command, given values from a pool — valid ones, and "",
 * negative, huge, fractional, hex `0x10`, exponent `1e1`, padded ` 5`,
 * unicode digits, "NaN", "toString" — as `--name value` or `--name=value`,
 * or without a value; unknown options; repeated options. Runs stay short:
 * every run gets `--quiet`, a small `--csv`, `--out` a fresh temp folder,
 * `--layers 4` and `--epochs` ≤ 3 first, which the case's own options may
 * then override (a later occurrence wins). Half the cases start with the
 * files of an earlier good run in that output folder.
 *
 * Asserts: exit 0, or exit 1 with exactly one stderr line that starts
 * "lstm-wasm:" and never says "this is a bug" — no other code, no signal,
 * nothing running past BOUNDS.cliMs (unless the case asked for over 1000
 * epochs and the CLI accepted that). On exit 0: forecast wrote fresh
 * forecast.svg, model.json, model.safetensors and summary.json, and each
 * option given reads back in summary.json as the value the user wrote
 * (Number(text) for numbers — an empty or blank value must be refused,
 * not read as 0); explain wrote explain.svg; `--json` output parses. On
 * exit 1: the earlier run's files are byte-identical.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { checkCliExit, clip, finding, runCli, tempDir, type Target } from './common.js';

type Value = { kind: 'valid'; i: number } | { kind: 'weird'; v: string } | { kind: 'none' };
interface Opt { name: string; value: Value; equals: boolean }
interface CliCase { command: string; options: Opt[]; preexisting: boolean; epochs: number }

const COMMON = ['backend', 'help', '-h'];
const OPTIONS: Record<string, string[]> = {
  forecast: ['csv', 'column', 'date-column', 'recipe', 'transform', 'difference', 'period', 'scaler', 'window', 'horizon', 'test', 'layers', 'epochs', 'batch-size', 'optimizer', 'lr', 'seed', 'out', 'json', 'quiet', ...COMMON],
  predict: ['model', 'csv', 'column', 'date-column', 'horizon', 'json', ...COMMON],
  summary: ['model', 'json', ...COMMON],
  explain: ['model', 'csv', 'column', 'date-column', 'at', 'steps', 'out', ...COMMON],
};
const BOOLEAN = new Set(['json', 'quiet', 'help', '-h']);
const UNKNOWN_OPTIONS = ['windw', 'Epochs', '__proto__', 'toString', 'constructor', 'hasOwnProperty', 'x'];
const UNKNOWN_COMMANDS = ['toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf', '', 'FORECAST', 'forecast ', 'forcast', 'help', '-h', '--help', '--version'];

const VALID: Record<string, string[]> = {
  csv: ['series.csv', 'semicolon.csv', 'flat.csv'], column: ['passengers', '1', 'PASSENGERS'], 'date-column': ['month', '0'], recipe: ['default', 'tutorial', 'seeds'],
  transform: ['log', 'none'], difference: ['seasonal', 'first', 'none'], period: ['12', '4', '1'], scaler: ['standard', 'minmax'], window: ['4', '6', '2'],
  horizon: ['0', '3', '12'], test: ['0.2', '10', '0.3'], layers: ['3', '4,3', '2,2,2'], epochs: ['1', '2', '3'], 'batch-size': ['8', '16', '1'],
  optimizer: ['adam', 'rmsprop', 'sgd', 'adamw'], lr: ['0.001', '0.01', '1e-3'], seed: ['0', '1', '42'], backend: ['wasm-simd', 'wasm', 'js'],
  at: ['1953-12', '40', '1'], steps: ['4', '1', '12'], model: ['model/model.json'], out: ['out', 'out/deeper/still', '.'],
};
const WEIRD = ['', ' ', '-1', '0', '99999999999999999999', '1e400', '2.5', '0x10', '1e1', ' 5', '5 ', '５', '٣', 'NaN', 'Infinity', '-0', '+3',
  'toString', '__proto__', 'constructor', 'é', 'a,b', '4,', ',4', '4,,4',
  'missing.csv', 'empty.csv', 'words.csv', 'short.csv', 'quoted.csv', 'folder', 'series.csv', 'bad/model.json', 'missing/model.json'];

const value: fc.Arbitrary<Value> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('valid' as const), i: fc.nat(2) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('weird' as const), v: fc.constantFrom(...WEIRD) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
);

const arbitrary: fc.Arbitrary<CliCase> = fc.oneof(
  { weight: 9, arbitrary: fc.constantFrom('forecast', 'forecast', 'forecast', 'predict', 'summary', 'explain') },
  { weight: 1, arbitrary: fc.constantFrom(...UNKNOWN_COMMANDS) },
).chain((command) => {
  const known = Object.hasOwn(OPTIONS, command) ? OPTIONS[command] : ['epochs', 'json'];
  const name = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: fc.constantFrom(...UNKNOWN_OPTIONS) });
  return fc.record({
    command: fc.constant(command),
    options: fc.array(fc.record({ name, value, equals: fc.boolean() }), { maxLength: 4 }),
    preexisting: fc.boolean(),
    epochs: fc.integer({ min: 1, max: 3 }),
  });
});

function textOf(o: Opt): string | undefined {
  if (o.value.kind === 'none' || BOOLEAN.has(o.name)) return undefined;
  if (o.value.kind === 'weird') return o.value.v;
  const pool = Object.hasOwn(VALID, o.name) ? VALID[o.name] : ['1'];
  return pool[o.value.i % pool.length];
}

function argv(c: CliCase): string[] {
  const base: Record<string, string[]> = {
    forecast: ['--quiet', '--epochs', String(c.epochs), '--layers', '4', '--csv', 'series.csv', '--out', 'out'],
    predict: ['--model', 'model/model.json', '--csv', 'series.csv'],
    summary: ['--model', 'model/model.json'],
    explain: ['--model', 'model/model.json', '--csv', 'series.csv', '--out', 'out'],
  };
  const args = [c.command, ...(Object.hasOwn(base, c.command) ? base[c.command] : [])];
  for (const o of c.options) {
    const flag = o.name === '-h' ? '-h' : `--${o.name}`;
    const v = textOf(o);
    if (v === undefined) args.push(o.value.kind === 'weird' && BOOLEAN.has(o.name) && o.equals ? `${flag}=${o.value.v}` : flag);
    else if (o.equals) args.push(`${flag}=${v}`);
    else args.push(flag, v);
  }
  return args;
}

// ── the files a case starts from ───────────────────────────────────────────────────────────

let base = '';
const month = (i: number) => `${1950 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
const series = (n: number, f: (i: number) => string, d = ',') => `month${d}passengers\n` + Array.from({ length: n }, (_, i) => `${month(i)}${d}${f(i)}`).join('\n') + '\n';
const FILES: Record<string, string> = {
  'series.csv': series(48, (i) => (100 + 3 * i + 15 * Math.sin(i / 2)).toFixed(1)),
  'semicolon.csv': series(48, (i) => (200 + 2 * i + 9 * Math.cos(i)).toFixed(2), ';'),
  // a series whose values differ in the last bit only: a plot's y-range of width ~2e-16
  'flat.csv': series(48, (i) => (i % 2 ? '1.0000000000000002' : '1')),
  'empty.csv': '',
  'words.csv': series(48, (i) => (i === 20 ? 'abc' : String(100 + i))),
  'short.csv': series(5, (i) => String(100 + i)),
  'quoted.csv': series(48, (i) => (i === 10 ? '"12"3' : String(100 + i))),
  'bad/model.json': '{"format": "lstm-wasm-forecaster", "version": 1}',
};

async function setup(): Promise<void> {
  base = tempDir('cli-base');
  for (const [f, text] of Object.entries(FILES)) {
    mkdirSync(join(base, f, '..'), { recursive: true });
    writeFileSync(join(base, f), text);
  }
  mkdirSync(join(base, 'folder'));
  const f = runCli(['forecast', '--quiet', '--epochs', '2', '--layers', '4', '--csv', 'series.csv', '--out', 'out'], base);
  if (f.code !== 0) throw new Error(`the base forecast failed: ${f.stderr}`);
  cpSync(join(base, 'out'), join(base, 'model'), { recursive: true });
  const e = runCli(['explain', '--model', 'model/model.json', '--csv', 'series.csv', '--out', 'out'], base);
  if (e.code !== 0) throw new Error(`the base explain failed: ${e.stderr}`);
}

const snapshot = (dir: string) => Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f))]));

// ── what a run must have done ──────────────────────────────────────────────────────────────

/** The last value given for each option, as the user wrote it. */
function lastValues(c: CliCase): Map<string, string> {
  const m = new Map<string, string>();
  for (const o of c.options) {
    const v = textOf(o);
    if (v !== undefined) m.set(o.name, v);
  }
  return m;
}

const INT_KEYS: Record<string, string> = { period: 'period', window: 'window', epochs: 'epochs', 'batch-size': 'batchSize', seed: 'seed', horizon: 'horizon', lr: 'learningRate', test: 'test' };
const CHOICE_KEYS: Record<string, string> = { transform: 'transform', difference: 'difference', scaler: 'scaler', optimizer: 'optimizer' };

/** Every option given to a successful forecast reads back in summary.json as written. */
function checkForecastSummary(c: CliCase, summary: { config: Record<string, unknown>; model: { backend: string } }): void {
  for (const [name, v] of lastValues(c)) {
    const key = Object.hasOwn(INT_KEYS, name) ? INT_KEYS[name] : undefined;
    if (key) {
      if (v.trim() === '') finding(`forecast --${name} "${v}": a blank value was accepted`, `read as ${JSON.stringify(summary.config[key])}`);
      if (summary.config[key] !== Number(v)) finding(`forecast --${name}: the value used is not the one given`, `given ${JSON.stringify(v)}, used ${JSON.stringify(summary.config[key])}`);
    } else if (Object.hasOwn(CHOICE_KEYS, name) && summary.config[CHOICE_KEYS[name]] !== v) {
      finding(`forecast --${name}: the choice used is not the one given`, `given ${JSON.stringify(v)}, used ${JSON.stringify(summary.config[CHOICE_KEYS[name]])}`);
    } else if (name === 'layers') {
      const parts = v.split(',');
      if (parts.some((p) => p.trim() === '')) finding('forecast --layers: an empty unit count was accepted', `given ${JSON.stringify(v)}, used ${JSON.stringify(summary.config.layers)}`);
      if (JSON.stringify(summary.config.layers) !== JSON.stringify(parts.map((p) => Number(p.trim())))) finding('forecast --layers: the layers used are not the ones given', `given ${JSON.stringify(v)}, used ${JSON.stringify(summary.config.layers)}`);
    } else if (name === 'backend' && summary.model.backend !== v) {
      finding('forecast --backend: the backend used is not the one given', `given ${JSON.stringify(v)}, used ${summary.model.backend}`);
    }
  }
}

async function run(c: CliCase): Promise<void> {
  const dir = tempDir('cli');
  try {
    for (const f of [...Object.keys(FILES), 'folder', 'model']) cpSync(join(base, f), join(dir, f), { recursive: true });
    const before = c.preexisting ? (cpSync(join(base, 'out'), join(dir, 'out'), { recursive: true }), snapshot(join(dir, 'out'))) : undefined;
    const args = argv(c);
    const t0 = Date.now();
    const r = runCli(args, dir);
    const what = `lstm-wasm ${JSON.stringify(c.command)}`;
    const epochs = Number(lastValues(c).get('epochs') ?? '1');
    if (r.timedOut && Number.isInteger(epochs) && epochs > 1000) return; // the case asked for a very long training, and got it
    const ok = checkCliExit(what, r);
    if (!ok) {
      if (before) {
        const after = snapshot(join(dir, 'out'));
        for (const [f, bytes] of Object.entries(before)) {
          if (!after[f] || !after[f].equals(bytes)) finding(`${what} failed and changed a file an earlier run wrote`, `out/${f} (${clip(r.stderr.trim(), 200)})`);
        }
      }
      return;
    }
    const given = lastValues(c);
    const help = c.options.some((o) => o.name === 'help' || o.name === '-h');
    if (help || !Object.hasOwn(OPTIONS, c.command)) return;
    if (c.options.some((o) => o.name === 'json' && o.value.kind !== 'weird')) {
      try { JSON.parse(r.stdout); } catch { finding(`${what} --json: stdout is not JSON`, clip(r.stdout, 200)); }
    }
    const out = resolve(dir, given.get('out') ?? 'out');
    const fresh = (f: string) => existsSync(join(out, f)) && statSync(join(out, f)).mtimeMs >= t0 - 1000;
    if (c.command === 'forecast') {
      for (const f of ['forecast.svg', 'model.json', 'model.safetensors', 'summary.json']) if (!fresh(f)) finding('forecast exited 0 without writing its files', `${f} missing or stale in ${out}`);
      checkForecastSummary(c, JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')));
    } else if (c.command === 'explain' && !fresh('explain.svg')) {
      finding('explain exited 0 without writing explain.svg', out);
    } else if ((c.command === 'predict' || c.command === 'summary') && r.stdout.trim() === '') {
      finding(`${c.command} exited 0 with no output`, '');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const cliArgs: Target<CliCase> = { name: 'cli-args', arbitrary, setup, run, caseMs: 25_000, hangMs: 30_000 };
