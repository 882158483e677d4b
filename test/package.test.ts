/**
 * The package as published (issue 5, item 5): publint finds nothing to
 * warn about, the types resolve (attw, node16 from ESM and bundler; the
 * package is ESM-only, so CJS `require` is out of scope), and what a
 * browser user ships stays within the size budget.
 *
 * It also runs the README's Node lines as a user's project would: `lstm-wasm`
 * by name from node_modules, through the exports map's `node` condition.
 *
 * Needs the build (`npm run build`: dist/ and build/*.wasm), as `npm test`
 * does first. `npm run check:package` runs the same publint and attw checks
 * from the command line, `npm run size` prints the size table.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { measureSize, sizeTable, BUDGET_GZIP_BYTES } from '../scripts/size.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

describe('package', () => {
  it('publint: no errors, no warnings, no suggestions', async () => {
    const { messages, pkg } = await publint({ pkgDir: ROOT, pack: 'npm', strict: true, level: 'suggestion' });
    expect(messages.map((m) => `${m.type}: ${formatMessage(m, pkg, { color: false }) ?? m.code}`)).toEqual([]);
  });

  // attw takes a few seconds (one npm pack into a temp folder + TypeScript's resolution of every entry point)
  it('attw: types resolve for node16 (ESM) and bundlers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lstm-wasm-attw-'));
    try {
      const packed = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT });
      const tarball = join(dir, JSON.parse(packed.stdout)[0].filename);
      // ESM-only: `require('lstm-wasm')` resolving to ESM is expected (--profile esm-only ignores the
      // node10 and node16-cjs resolutions). The two wasm subpaths are assets for bundlers and fetch, not
      // TypeScript modules, so they are not entry points to type-check.
      const attw = await run(join(ROOT, 'node_modules/.bin/attw'), [
        tarball, '--profile', 'esm-only', '--exclude-entrypoints', './wasm/simd.wasm', './wasm/scalar.wasm',
        '--format', 'ascii', '--no-color',
      ], { cwd: ROOT }).catch((e: { stdout?: string; stderr?: string; code?: number }) => ({ ...e, failed: true }));
      expect('failed' in attw ? `${attw.stdout}\n${attw.stderr}` : 'ok').toBe('ok');
      expect(attw.stdout).toContain('node16 (from ESM): 🟢 (ESM)');
      expect(attw.stdout).toContain('bundler: 🟢');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("Node imports lstm-wasm by name (the README's Node lines) and runs on wasm-simd", async () => {
    const project = mkdtempSync(join(tmpdir(), 'lstm-wasm-node-'));
    try {
      writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'node-user', private: true, type: 'module', dependencies: { 'lstm-wasm': '*' } }));
      mkdirSync(join(project, 'node_modules'));
      symlinkSync(ROOT, join(project, 'node_modules/lstm-wasm'), 'dir');
      writeFileSync(join(project, 'main.js'), [
        "import { init, backend, Sequential, LSTM, Dense } from 'lstm-wasm';",
        'await init();',
        'const model = new Sequential([new LSTM({ inputSize: 3, units: 4 }), new Dense({ units: 2 })]);',
        'console.log(backend(), model.predict([[[0.1, 0.2, 0.3], [0.4, -0.5, 0.6]]]).shape);',
        'model.dispose();',
        "console.log(import.meta.resolve('lstm-wasm'));",
      ].join('\n'));
      const { stdout } = await run(process.execPath, ['main.js'], { cwd: project, timeout: 30_000 });
      const [first, entry] = stdout.trim().split('\n');
      expect(first).toBe('wasm-simd [ 1, 2 ]');
      expect(entry).toMatch(/\/dist\/entry\/node\.js$/);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  it(`size: JS + wasm a browser user ships ≤ ${BUDGET_GZIP_BYTES / 1024} KiB gzip`, async () => {
    const m = await measureSize();
    expect(m.pieces.map((p: { name: string }) => p.name)).toEqual(['JS', 'simd.wasm', 'scalar.wasm']);
    for (const p of m.pieces) expect(p.gzip).toBeGreaterThan(1000); // measured something real
    console.log(sizeTable(m));
    expect(m.total.gzip).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
  });
});
