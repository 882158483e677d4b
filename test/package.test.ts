/**
 * The package as published (issue 5, item 5): publint finds nothing to
 * warn about, the types resolve (attw, node16 from ESM and bundler; the
 * package is ESM-only, so CJS `require` is out of scope), and what a
 * browser user ships stays within the size budget.
 *
 * It also runs the README's Node lines as a user's project would: `lstm-wasm`
 * by name from node_modules, through the exports map's `node` condition; and
 * the same for `lstm-wasm/predict`, the predict-only entry (issue 10), which
 * loads the inference-only wasm builds.
 *
 * Needs the build (`npm run build`: dist/ and build/*.wasm), as `npm test`
 * does first. `npm run check:package` runs the same publint and attw checks
 * from the command line, `npm run size` prints the size table.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import {
  measureSize, sizeTable, BUDGET_GZIP_BYTES, PREDICT_JS_BUDGET_GZIP_BYTES, PREDICT_WASM_BUDGET_GZIP_BYTES, THREADS_JS_BUDGET_GZIP_BYTES, INT8_BUDGET_GZIP_BYTES, THREADS_WASM_OVER_SIMD_GZIP_BYTES,
} from '../scripts/size.js';

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
        tarball, '--profile', 'esm-only', '--exclude-entrypoints', './wasm/simd.wasm', './wasm/simd-relaxed.wasm', './wasm/scalar.wasm', './wasm/inference-simd.wasm', './wasm/inference-simd-relaxed.wasm', './wasm/inference-scalar.wasm',
        './wasm/simd-threads.wasm', './wasm/inference-simd-threads.wasm',
        './wasm/int8-simd.wasm', './wasm/int8-simd-relaxed.wasm', './wasm/int8-scalar.wasm', './wasm/int8-simd-threads.wasm',
        '--format', 'ascii', '--no-color',
      ], { cwd: ROOT }).catch((e: { stdout?: string; stderr?: string; code?: number }) => ({ ...e, failed: true }));
      expect('failed' in attw ? `${attw.stdout}\n${attw.stderr}` : 'ok').toBe('ok');
      expect(attw.stdout).toContain('node16 (from ESM): 🟢 (ESM)');
      expect(attw.stdout).toContain('bundler: 🟢');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /** Run `lines` as main.js of a fresh project whose node_modules/lstm-wasm is this repo; its stdout lines. */
  async function runAsUser(lines: string[]): Promise<string[]> {
    const project = mkdtempSync(join(tmpdir(), 'lstm-wasm-node-'));
    try {
      writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'node-user', private: true, type: 'module', dependencies: { 'lstm-wasm': '*' } }));
      mkdirSync(join(project, 'node_modules'));
      symlinkSync(ROOT, join(project, 'node_modules/lstm-wasm'), 'dir');
      writeFileSync(join(project, 'main.js'), lines.join('\n'));
      const { stdout } = await run(process.execPath, ['main.js'], { cwd: project, timeout: 30_000 });
      return stdout.trim().split('\n');
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  }

  it("Node imports lstm-wasm by name (the README's Node lines) and runs on wasm-simd", async () => {
    const [first, entry] = await runAsUser([
      "import { init, backend, Sequential, LSTM, Dense } from 'lstm-wasm';",
      'await init();',
      'const model = new Sequential([new LSTM({ inputSize: 3, units: 4 }), new Dense({ units: 2 })]);',
      'console.log(backend(), model.predict([[[0.1, 0.2, 0.3], [0.4, -0.5, 0.6]]]).shape);',
      'model.dispose();',
      "console.log(import.meta.resolve('lstm-wasm'));",
    ]);
    expect(first).toBe('wasm-simd [ 1, 2 ]');
    expect(entry).toMatch(/\/dist\/entry\/node\.js$/);
  });

  it("lstm-wasm/predict: the inference-only build gives the full build's outputs, and cannot train", async () => {
    // the same weights (seeded) in both entries; the predict entry's model has no compile, and a full
    // Sequential on the inference-only backend is refused at compile with a message saying what to import
    const [entry, predicted, full, compile, refused] = await runAsUser([
      "import * as lean from 'lstm-wasm/predict';",
      "console.log(import.meta.resolve('lstm-wasm/predict'));",
      "console.log(await lean.init(), JSON.stringify(Array.from(run(lean).data)));",
      "const lib = await import('lstm-wasm');",
      "console.log(await lib.init({ backend: 'wasm', wasm: new URL(import.meta.resolve('lstm-wasm/wasm/scalar.wasm')) }), JSON.stringify(Array.from(run(lib).data)));",
      "console.log(typeof new lean.Sequential([new lean.Dense({ inputSize: 1, units: 1 })]).compile);",
      "await lib.init({ backend: 'wasm-simd' });",
      "try { new lib.Sequential([new lib.Dense({ inputSize: 1, units: 1 })]).compile(); console.log('trained'); } catch (e) { console.log(e.message); }",
      'function run(l) {',
      '  const model = new l.Sequential([new l.LSTM({ inputSize: 3, units: 5, seed: 1, returnSequences: true }), new l.GRU({ units: 4, seed: 2 }), new l.Dense({ units: 2, seed: 3, activation: "tanh" })]);',
      '  const y = model.predict([[[0.1, 0.2, 0.3], [0.4, -0.5, 0.6], [0.7, 0.1, -0.2]]]);',
      '  model.dispose();',
      '  return y;',
      '}',
    ]);
    expect(entry).toMatch(/\/dist\/entry\/predict-node\.js$/);
    const [leanBackend, leanOut] = predicted.split(' ');
    const [fullBackend, fullOut] = full.split(' ');
    expect([leanBackend, fullBackend]).toEqual(['wasm-simd', 'wasm']);
    const a = JSON.parse(leanOut) as number[], b = JSON.parse(fullOut) as number[];
    expect(a).toHaveLength(2);
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(1e-5);
    expect(compile).toBe('undefined');
    expect(refused).toMatch(/'wasm-simd' backend was loaded from the inference-only wasm build \('lstm-wasm\/predict'\), which cannot train/);
  });

  it('lstm-wasm/predict loads the js backend (imported lazily) when asked for, with the outputs of wasm', async () => {
    const [simd, js] = await runAsUser([
      "import * as lean from 'lstm-wasm/predict';",
      "console.log(await lean.init(), JSON.stringify(Array.from(run().data)));",
      "console.log(await lean.init({ backend: 'js' }), JSON.stringify(Array.from(run().data)));",
      'function run() {',
      '  const model = new lean.Sequential([new lean.LSTM({ inputSize: 3, units: 5, seed: 1 }), new lean.Dense({ units: 2, seed: 3 })]);',
      '  const y = model.predict([[[0.1, 0.2, 0.3], [0.4, -0.5, 0.6]]]);',
      '  model.dispose();',
      '  return y;',
      '}',
    ]);
    const [simdName, simdOut] = simd.split(' '), [jsName, jsOut] = js.split(' ');
    expect([simdName, jsName]).toEqual(['wasm-simd', 'js']);
    const a = JSON.parse(simdOut) as number[], b = JSON.parse(jsOut) as number[];
    expect(b).toHaveLength(2);
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(1e-5);
  });

  it('an app that imports both entries gets the full builds, in either order, and trains', async () => {
    for (const order of [['lstm-wasm/predict', 'lstm-wasm'], ['lstm-wasm', 'lstm-wasm/predict']]) {
      const [out] = await runAsUser([
        `await import('${order[0]}');`,
        `await import('${order[1]}');`,
        "const lib = await import('lstm-wasm');",
        'await lib.init();',
        'const model = new lib.Sequential([new lib.Dense({ inputSize: 1, units: 1, seed: 1 })]);',
        "model.compile({ optimizer: 'sgd', loss: 'mse' });",
        'console.log(lib.backend(), Number.isFinite(model.trainOnBatch([[1]], [[2]])));',
      ]);
      expect(out, `imported ${order.join(', then ')}`).toBe('wasm-simd true');
    }
  });

  it('the bundled Node entries share one registry: init() through one entry serves the others', async () => {
    // each of the three is a bundle of its own (scripts/bundle.js) over shared chunks; a second copy of
    // the registry would leave the other entries with "no backend: call `await init()`"
    const [predictEntry, forecastEntry, names, shape, forecast] = await runAsUser([
      "const lean = await import('lstm-wasm/predict');",
      "const lib = await import('lstm-wasm');",
      "const fc = await import('lstm-wasm/forecast');",
      "console.log(import.meta.resolve('lstm-wasm/predict'));",
      "console.log(import.meta.resolve('lstm-wasm/forecast'));",
      "await lean.init({ backend: 'wasm' });",
      'console.log(lib.backend(), lean.backend());',
      'const model = new lib.Sequential([new lib.Dense({ inputSize: 1, units: 2, seed: 1 })]);',
      'console.log(model.predict([[1]]).shape.join("x"));',
      'model.dispose();',
      'const values = Array.from({ length: 48 }, (_, i) => 10 + Math.sin(i / 2) + i * 0.1);',
      'const f = await fc.autoForecast(values, { horizon: 4, period: 1, ensemble: 1, origins: 1 });',
      "console.log(f.forecast.length, 'lstm' in f.methods);",
    ]);
    expect(predictEntry).toMatch(/\/dist\/entry\/predict-node\.js$/);
    expect(forecastEntry).toMatch(/\/dist\/entry\/forecast-node\.js$/);
    expect(names).toBe('wasm wasm');
    expect(shape).toBe('1x2');
    expect(forecast).toBe('4 true');
  });

  it('the bundled lstm-wasm/predict holds no training, optimizer, loss or model-file code', () => {
    // esbuild marks each source module in a bundle with a `// src/…` line: follow the entry's chunks and read them
    const seen = new Set<string>();
    const reach = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const m of readFileSync(file, 'utf8').matchAll(/(?:from |import |import\()"(\.[^"]+)"/g)) reach(join(dirname(file), m[1]));
    };
    reach(join(ROOT, 'dist/entry/predict-node.js'));
    const modules = [...seen].flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/^\/\/ (src\/\S+\.ts)$/gm)].map((m) => m[1]));
    expect(seen.size).toBeLessThanOrEqual(6); // a handful of files to resolve, not one per module: the entry, its shared chunks, and the two lazy chunks (the js backend's, the threads')
    expect(modules).toContain('src/model/core.ts');
    expect(modules.filter((f) => f.startsWith('src/train/') || f === 'src/io/model-file.ts' || f === 'src/model/sequential.ts')).toEqual([]);
  });

  it(`size: JS + wasm a browser user of the whole library ships ≤ ${BUDGET_GZIP_BYTES / 1024} KiB gzip; the inference-only wasm ≤ ${PREDICT_WASM_BUDGET_GZIP_BYTES / 1024} KiB`, async () => {
    const m = await measureSize();
    expect(m.pieces.map((p: { name: string }) => p.name)).toEqual(['JS', 'simd.wasm', 'simd-relaxed.wasm', 'scalar.wasm']);
    expect(m.predict.pieces.map((p: { name: string }) => p.name)).toEqual(['JS', 'JS, lazy', 'inference-simd.wasm', 'inference-simd-relaxed.wasm', 'inference-scalar.wasm']);
    for (const p of [...m.pieces, ...m.predict.pieces]) expect(p.gzip).toBeGreaterThan(1000); // measured something real
    console.log(sizeTable(m));
    expect(m.total.gzip).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
    expect(m.predict.wasm.gzip).toBeLessThanOrEqual(PREDICT_WASM_BUDGET_GZIP_BYTES);
    // the inference-only builds pay for themselves: well under the full ones
    expect(m.predict.wasm.gzip).toBeLessThan(0.6 * (m.pieces[1].gzip + m.pieces[3].gzip));
  });

  it(`size: a predict-only app (init, LSTM, Dense, Sequential, predict) ships ≤ ${PREDICT_JS_BUDGET_GZIP_BYTES / 1024} KiB gzip of JS`, async () => {
    const m = await measureSize();
    // the js backend is split off (fetched only where init() picks it), and so is nothing else
    expect(m.predict.lazyModules).toContain('dist/backend/js/kernels.js');
    expect(m.predict.lazyModules.filter((f: string) => !f.startsWith('dist/backend/js/'))).toEqual([]);
    expect(m.predict.js.gzip).toBeLessThanOrEqual(PREDICT_JS_BUDGET_GZIP_BYTES);
  });

  it('size: the threads machinery is a chunk of its own, loaded only by init({ threads > 1 }), and its builds weigh what their SIMD twins do', async () => {
    const m = await measureSize();
    expect(m.predict.lazyModules.filter((f: string) => f.startsWith('dist/backend/threads/'))).toEqual([]);
    expect(m.threads.pieces.map((p: { name: string }) => p.name)).toEqual(['JS, threads', 'simd-threads.wasm', 'inference-simd-threads.wasm']);
    expect(m.threads.pieces[0].gzip).toBeGreaterThan(1000); // measured something real
    expect(m.threads.pieces[0].gzip).toBeLessThanOrEqual(THREADS_JS_BUDGET_GZIP_BYTES);
    for (const over of m.threads.overSimd) expect(over).toBeLessThanOrEqual(THREADS_WASM_OVER_SIMD_GZIP_BYTES);
  });

  it(`size: int8 (model.quantize) is a chunk and wasm modules of their own, ≤ ${INT8_BUDGET_GZIP_BYTES / 1024} KiB gzip, in no other bundle`, async () => {
    // measureSize() itself fails if an int8 module is in the whole library's eager JS, or if the int8 chunk imports a chunk it shares with it
    const m = await measureSize();
    expect(m.int8.pieces.map((p: { name: string }) => p.name)).toEqual(['JS, int8', 'int8-simd.wasm', 'int8-simd-relaxed.wasm', 'int8-scalar.wasm', 'int8-simd-threads.wasm']);
    for (const p of m.int8.pieces) expect(p.gzip).toBeGreaterThan(1000); // measured something real
    expect(m.int8.total.gzip).toBeLessThanOrEqual(INT8_BUDGET_GZIP_BYTES);
    expect(m.predict.lazyModules.filter((f: string) => f.startsWith('dist/quantize/'))).toEqual([]);
  });
});
