#!/usr/bin/env node
/**
 * npm run fuzz [-- --minutes M | --seconds S] [--target NAME] [--seed N] [--path P] [--shrink-seconds S] [--report FILE]
 *
 * Runs every fuzz target (test/fuzz/) for a time budget each (default 1
 * minute), or one with --target, from a random seed unless --seed is given;
 * --seed N --path P replays one case from a report (and shrinks it). Each
 * distinct finding is printed with its target, seed, path and shrunk
 * counterexample; the exit code is non-zero if there was any.
 * The targets run through vitest (test/fuzz.test.ts), which runs the
 * TypeScript sources; `npm run fuzz` builds first (the CLI target runs
 * dist/cli.js).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const TARGETS = ['csv', 'safetensors', 'model-json', 'cli-args', 'models', 'keras-files'];
const USAGE = `usage: npm run fuzz -- [--minutes M | --seconds S] [--target ${TARGETS.join('|')}] [--seed N] [--path P] [--shrink-seconds S] [--report FILE]`;

function die(message) {
  console.error(`fuzz: ${message}\n${USAGE}`);
  process.exit(2);
}

const args = process.argv.slice(2);
const opts = {};
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--help' || a === '-h') { console.log(USAGE); process.exit(0); }
  const m = /^--(minutes|seconds|target|seed|path|shrink-seconds|report)(?:=(.*))?$/.exec(a);
  if (!m) die(`unknown argument ${JSON.stringify(a)}`);
  const value = m[2] ?? args[++i];
  if (value === undefined) die(`--${m[1]} needs a value`);
  opts[m[1]] = value;
}
const number = (name, v, ok) => {
  const n = Number(v);
  if (v.trim() === '' || !ok(n)) die(`--${name} must be ${name === 'seed' ? 'an integer' : 'a positive number'}, got ${JSON.stringify(v)}`);
  return n;
};
const seconds = opts.seconds !== undefined ? number('seconds', opts.seconds, (n) => n > 0)
  : opts.minutes !== undefined ? 60 * number('minutes', opts.minutes, (n) => n > 0) : 60;
if (opts.target !== undefined && !TARGETS.includes(opts.target)) die(`unknown target ${JSON.stringify(opts.target)}`);
const seed = opts.seed !== undefined ? number('seed', opts.seed, Number.isSafeInteger) : Math.floor(Math.random() * 2 ** 31);
if (opts.path !== undefined && opts.target === undefined) die('--path replays one case of one target: give --target too');
if (opts.path !== undefined && opts.seed === undefined) die('--path needs the --seed it was found with');
// the target list here must match test/fuzz/targets.ts
const files = readdirSync(new URL('../test/fuzz/', import.meta.url)).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, ''));
for (const t of TARGETS) if (!files.includes(t)) die(`internal: no test/fuzz/${t}.ts`);

console.log(`fuzz: ${opts.target ?? 'every target'}, seed ${seed}, ${opts.path !== undefined ? `replaying case ${opts.path}` : `${seconds} s each`}`);
const env = { ...process.env, FUZZ_SEED: String(seed), FUZZ_SECONDS: String(seconds) };
if (opts.target) env.FUZZ_TARGET = opts.target;
if (opts.path !== undefined) env.FUZZ_PATH = opts.path;
if (opts['shrink-seconds'] !== undefined) env.FUZZ_SHRINK_SECONDS = String(number('shrink-seconds', opts['shrink-seconds'], (n) => n >= 0));
if (opts.report !== undefined) env.FUZZ_REPORT = opts.report;
const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
const r = spawnSync(process.execPath, [vitest, 'run', 'test/fuzz.test.ts', '--reporter', 'verbose'], { cwd: root, env, stdio: 'inherit' });
process.exit(r.status ?? 1);
