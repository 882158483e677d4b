#!/usr/bin/env node
/**
 * Installs the frameworks the format tests compare against (test/peers/:
 * TensorFlow.js, ONNX Runtime for Node and web) when they are missing or
 * differ from test/peers/package-lock.json. `npm test` runs it first, so a
 * fresh clone needs nothing more than `npm ci && npm test`. They are never
 * dependencies of the library.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../test/peers/', import.meta.url));
const lock = `${dir}package-lock.json`;
const installed = `${dir}node_modules/.package-lock.json`;

// npm writes node_modules/.package-lock.json with the lockfile's packages after an install
// (it leaves out the root entry, '', which the lockfile has)
const packagesOf = (file) => {
  const { '': _root, ...packages } = JSON.parse(readFileSync(file, 'utf8')).packages ?? {};
  return JSON.stringify(packages);
};
if (existsSync(installed) && packagesOf(installed) === packagesOf(lock)) process.exit(0);

console.log('peers: installing the frameworks the format tests compare against (test/peers)');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const r = spawnSync(npm, ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit' });
process.exit(r.status ?? 1);
