/**
 * Running the built `lstm-wasm` (dist/cli.js) as a user would, in a child
 * process: optionally under a file size limit (`ulimit -f`) or as an
 * unprivileged user (so that a read-only folder is read-only even when the
 * tests run as root), and what the CLI tests check on its results.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** `ulimit -f`: the largest file the process may write, in KiB. */
  maxFileKiB?: number;
  /** Run as the unprivileged user `nobody` (only possible when the tests run as root). */
  asNobody?: boolean;
  /** Kill it after this many ms: a guard against a hang, not a timing assertion. */
  timeout?: number;
}

export const NOBODY = 65534;
export const isRoot = process.getuid?.() === 0;

export function run(args: string[], cwd: string, options: RunOptions = {}): RunResult {
  const [command, argv] = options.maxFileKiB === undefined
    ? [process.execPath, [CLI, ...args]]
    : ['bash', ['-c', `ulimit -f ${options.maxFileKiB}; exec "$0" "$@"`, process.execPath, CLI, ...args]];
  const ids = options.asNobody ? { uid: NOBODY, gid: NOBODY } : {};
  const r = spawnSync(command, argv, { cwd, encoding: 'utf8', timeout: options.timeout ?? 120_000, ...ids });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A user error: exit 1, one line on stderr matching `message`, no stack trace, not "this is a bug". */
export function expectUserError(r: RunResult, message: RegExp): void {
  expect(r.stderr).toMatch(message);
  expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at |unexpected error/);
  expect(r.code).toBe(1);
}

/** Every entry of a folder with the SHA-256 of its bytes: equal snapshots mean the same files, byte for byte, and nothing else. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) out[name] = createHash('sha256').update(readFileSync(join(dir, name))).digest('hex');
  return out;
}
