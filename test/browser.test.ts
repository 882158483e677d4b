/**
 * The package in a real browser (issue 5, items 3 and 4): headless
 * Chromium (Debian's `chromium`, driven by playwright-core — never a
 * downloaded browser) loads the package's browser entry
 * (dist/entry/browser.js) as an ES module from scripts/serve.js, and
 *
 * - plain `init()` picks wasm-simd and fetches its relaxed-SIMD build
 *   (Chromium has relaxed SIMD), build/simd-relaxed.wasm, next to the entry;
 * - the small models every runtime runs (test/runtimes/model.mjs) give
 *   Node's outputs to 1e-5 on wasm-simd, wasm and js;
 * - quantize('int8') fetches the int8 chunk and wasm only then, and gives
 *   Node's int8 output;
 * - a short `fit` in the page learns, with Node's loss history;
 * - the demo page (examples/demo/) trains a few epochs on each backend,
 *   draws the loss, the forecast and the gate heatmaps, shows the test RMSE
 *   (Node's, for the same epochs), and is saved as out/demo.png;
 * - the demo loads a forecaster saved as the CLI saves it (model.json +
 *   model.safetensors) and forecasts with it as Node does; weights from
 *   another save are refused there too.
 *
 * Skipped only when /usr/bin/chromium is missing and CI is unset; in CI it
 * must run (`apt-get install -y chromium`).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as lib from '../src/index.js';
import { serve } from '../scripts/serve.js';
import { loadForecaster, parseSavedForecaster, saveForecaster } from '../src/forecast/saved.js';
import { predictOnce, quantizedOnce } from './runtimes/model.mjs';
import { diffOutputs, payload, type Outputs } from './runtimes/payload.js';
import { BACKENDS, BUILDS, golden, maxAbsDiff } from './helpers.js';

const g = golden('lstm_small'); // PyTorch's answer for the golden part of the payload

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-quic', '--no-first-run', '--disable-sync',
];
const TOL = 1e-5;
const SKIP = !existsSync(CHROMIUM) && !process.env.CI;
if (SKIP) console.warn(`browser.test: ${CHROMIUM} not found, the Chromium tests are skipped (apt-get install -y chromium); in CI (CI set) they run`);

type PredictOnce = typeof predictOnce;


/** A few epochs of LSTM(3→8) → Dense(1) from seeded weights. Runs as is in Node and, through its source, in the page. */
async function fitSmall(l: typeof lib, data: { x: number[][][]; y: number[][] }, name: string) {
  await l.init({ backend: name as 'wasm-simd' | 'wasm' | 'js' });
  const model = new l.Sequential([new l.LSTM({ inputSize: 3, units: 8, seed: 11 }), new l.Dense({ units: 1, seed: 12 })]);
  try {
    model.compile({ optimizer: new l.Adam({ learningRate: 0.01 }), loss: 'mse' });
    const h = await model.fit(data.x, data.y, { epochs: 8, batchSize: 4, seed: 3 });
    return { backend: l.backend(), loss: h.history.loss, prediction: Array.from(model.predict(data.x).data) };
  } finally {
    model.dispose();
  }
}

/** 16 sequences of 5 steps × 3 features; the target is a smooth function of them. */
function fitData(): { x: number[][][]; y: number[][] } {
  const x = Array.from({ length: 16 }, (_, s) => Array.from({ length: 5 }, (_, t) => [0, 1, 2].map((f) => Math.fround(Math.sin(1.3 * s + 0.7 * t + 2.1 * f)))));
  const y = x.map((seq) => [Math.fround(0.5 * seq.reduce((a, step) => a + step[0] - 0.5 * step[2], 0) / seq.length)]);
  return { x, y };
}

describe.skipIf(SKIP)(`headless Chromium${SKIP ? ` (skipped: ${CHROMIUM} missing and CI unset)` : ''}`, () => {
  let server: Awaited<ReturnType<typeof serve>> | undefined;
  let context: BrowserContext | undefined;
  let profile: string | undefined;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (CI must install it)`);
    for (const f of ['dist/entry/browser.js', 'dist/plot/index.js', 'build/simd.wasm', 'build/simd-relaxed.wasm', 'build/scalar.wasm']) {
      if (!existsSync(join(ROOT, f))) throw new Error(`${f} is missing: run \`npm run build\` first (npm test does)`);
    }
    server = await serve();
    profile = mkdtempSync(join(tmpdir(), 'lstm-wasm-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000,
      viewport: { width: 1400, height: 900 },
    });
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  /** A fresh page that fails the test on any page error or console error. */
  async function openPage(path: string): Promise<{ page: Page; problems: string[]; requests: string[] }> {
    const page = await context!.newPage();
    const problems: string[] = [], requests: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
    page.on('response', (r) => { requests.push(new URL(r.url()).pathname); if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`); });
    await page.goto(server!.url + path);
    return { page, problems, requests };
  }

  /**
   * Import the package's browser entry (and the runtimes' model fixture) into the page as ES modules:
   * window.lib, window.fixture. (A module script, not import() in page.evaluate: vitest rewrites import() in this file.)
   */
  async function importLibrary(page: Page): Promise<void> {
    await page.addScriptTag({
      type: 'module',
      content: "import * as lib from '/dist/entry/browser.js'; import * as fixture from '/test/runtimes/model.mjs'; Object.assign(window, { lib, fixture });",
    });
    await page.waitForFunction(() => 'lib' in window && 'fixture' in window, null, { timeout: 15_000 });
  }

  it('plain init() picks wasm-simd, fetching its relaxed build, build/simd-relaxed.wasm, next to the entry', async () => {
    const { page, problems, requests } = await openPage('');
    await importLibrary(page);
    const r = await page.evaluate(async () => {
      const l = (window as unknown as { lib: typeof lib }).lib;
      const picked = await l.init();
      return { picked, info: l.backendInfo(), simd: l.simdSupported() };
    });
    expect(r).toEqual({ picked: 'wasm-simd', info: { name: 'wasm-simd', relaxedSimd: true, threads: 1 }, simd: true });
    expect(requests).toContain('/build/simd-relaxed.wasm');
    expect(requests).not.toContain('/build/simd.wasm'); // one SIMD build is fetched, not both
    expect(requests).not.toContain('/build/scalar.wasm'); // loaded only when asked for
    expect(problems).toEqual([]);
    await page.close();
  });

  it('the small models give Node\'s outputs on every backend, wasm-simd plain and relaxed (1e-5)', async () => {
    await lib.init();
    const reference = predictOnce(lib, payload) as Outputs;
    // Node itself agrees with PyTorch first
    expect(maxAbsDiff(reference.golden.output.data, g.expected.output.data)).toBeLessThanOrEqual(TOL);

    const { page, problems } = await openPage('');
    await importLibrary(page);
    const results = await page.evaluate(async ({ payload, builds }) => {
      const w = window as unknown as { lib: typeof lib; fixture: { predictOnce: PredictOnce } };
      const l = w.lib, run = w.fixture.predictOnce;
      const out: Record<string, { info: unknown; outputs: unknown }> = {};
      for (const b of builds) {
        const backend = b === 'wasm-simd relaxed' ? 'wasm-simd' : b;
        await l.init({ backend, relaxedSimd: backend === 'wasm-simd' ? b !== 'wasm-simd' : undefined });
        out[b] = { info: l.backendInfo(), outputs: run(l, payload) };
      }
      return out;
    }, { payload, builds: BUILDS });
    for (const b of BUILDS) {
      expect(results[b].info).toEqual({ name: b === 'wasm-simd relaxed' ? 'wasm-simd' : b, relaxedSimd: b === 'wasm-simd relaxed', threads: 1 });
      const d = diffOutputs(results[b].outputs as Outputs, reference);
      expect(d, `${b}: max |Chromium − Node|`).toBeLessThanOrEqual(TOL);
      expect(maxAbsDiff((results[b].outputs as Outputs).golden.output.data, g.expected.output.data), `${b}: vs PyTorch`).toBeLessThanOrEqual(TOL);
    }
    expect(problems).toEqual([]);
    await page.close();
  });

  it("quantize('int8') in the page fetches the int8 code and wasm then, not before, and gives Node's int8 output", async () => {
    await lib.init();
    const reference = await quantizedOnce(lib, payload);
    const { page, problems, requests } = await openPage('');
    await importLibrary(page);
    const int8Requests = () => requests.filter((r) => r.startsWith('/dist/quantize/quantize') || r.startsWith('/build/int8-'));
    const before = await page.evaluate(async ({ payload }) => {
      const w = window as unknown as { lib: typeof lib; fixture: { predictOnce: PredictOnce } };
      await w.lib.init();
      return w.fixture.predictOnce(w.lib, payload);
    }, { payload });
    expect(before).toBeDefined();
    expect(int8Requests()).toEqual([]); // an app that has not quantized fetched none of it
    const got = await page.evaluate(async ({ payload }) => {
      const w = window as unknown as { lib: typeof lib; fixture: { quantizedOnce: typeof quantizedOnce } };
      return w.fixture.quantizedOnce(w.lib, payload);
    }, { payload });
    expect(got.quantization).toBe('int8');
    expect(maxAbsDiff(got.data, reference.data)).toBeLessThanOrEqual(TOL);
    expect(int8Requests()).toEqual(['/dist/quantize/quantize.js', '/build/int8-simd-relaxed.wasm']);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a short fit in the page learns, with Node\'s loss history', async () => {
    const data = fitData();
    const { page, problems } = await openPage('');
    await importLibrary(page);
    const inPage = await page.evaluate(async ({ src, data, backends }) => {
      const l = (window as unknown as { lib: typeof lib }).lib;
      const fit = (0, eval)(`(${src})`);
      const out = [];
      for (const b of backends) out.push(await fit(l, data, b));
      return out;
    }, { src: fitSmall.toString(), data, backends: BACKENDS });
    for (const [i, b] of BACKENDS.entries()) {
      const node = await fitSmall(lib, data, b);
      const r = inPage[i] as typeof node;
      expect(r.backend).toBe(b);
      expect(r.loss).toHaveLength(8);
      expect(r.prediction).toHaveLength(16);
      expect(r.loss[7]).toBeLessThan(r.loss[0] * 0.7); // it learns
      expect(maxAbsDiff(r.loss, node.loss), `${b}: loss history vs Node`).toBeLessThanOrEqual(TOL);
      expect(maxAbsDiff(r.prediction, node.prediction), `${b}: trained predictions vs Node`).toBeLessThanOrEqual(TOL);
    }
    expect(problems).toEqual([]);
    await page.close();
  });

  it('the demo page trains, draws the loss, the forecast and the gates, shows the RMSE (screenshot: out/demo.png)', async () => {
    const EPOCHS = 5;
    const { page, problems } = await openPage(`examples/demo/?epochs=${EPOCHS}`);
    type Demo = { demo?: { busy: boolean; runs: { backend: string; rmse: number }[] } };
    /** Until `n` runs are done (or the page shows an error). */
    const runsDone = async (n: number) => {
      await page.waitForFunction((n) => {
        const d = (window as unknown as Demo).demo;
        return document.body.dataset.state === 'error' || (d !== undefined && !d.busy && d.runs.length >= n);
      }, n, { timeout: 60_000 });
      expect(await page.getAttribute('body', 'data-state'), (await page.textContent('#status')) ?? '').toBe('done');
    };

    // on load it trains on the best backend
    await runsDone(1);
    // then the user switches backend and trains again: scalar wasm, then js
    for (const [k, b] of ['wasm', 'js'].entries()) {
      await page.check(`input[name=backend][value="${b}"]`);
      await page.click('#train');
      await runsDone(k + 2);
    }

    // one run per backend, each with its fit time
    const runs = await page.$$eval('#runs tbody tr', (rows) => (rows as HTMLTableRowElement[]).map((r) => ({ backend: r.getAttribute('data-backend'), cells: Array.from(r.cells, (c) => c.textContent!.trim()) })));
    expect(runs.map((r) => r.backend)).toEqual(['wasm-simd', 'wasm', 'js']);
    for (const r of runs) {
      expect(r.cells[2]).toBe(String(EPOCHS));
      expect(r.cells[3]).toMatch(/^\d+\.\d\d s$/);
    }
    // the live loss chart, the forecast chart (history, truth, one step ahead, forecast), the five gate heatmaps
    expect(await page.locator('#loss-chart svg g.series polyline').count()).toBe(1);
    expect(await page.locator('#forecast-chart svg g.series').count()).toBe(4);
    expect(await page.locator('#forecast-chart svg g.series polyline').count()).toBeGreaterThanOrEqual(4);
    expect(await page.locator('#gates svg g.cells').count()).toBe(5);
    expect(await page.locator('#gates svg g.cells path').count()).toBeGreaterThan(20);
    expect(await page.locator('#gates table tbody tr').count()).toBe(12);
    // no id is duplicated once the charts are inlined (the heatmaps' gradients would clash)
    const ids = await page.$$eval('[id]', (els) => els.map((e) => e.id));
    expect(ids.length).toBe(new Set(ids).size);

    // the RMSE on the page is the one Node computes for the same model and epochs
    const rmseText = (await page.textContent('#scores tr.lstm td[data-metric=rmse]'))!.trim();
    expect(rmseText).toMatch(/^\d+\.\d$/);
    expect(await page.textContent('#status')).toContain(`test RMSE ${rmseText}`);
    const pageRuns = await page.evaluate(() => (window as unknown as Demo).demo!.runs.map((r) => r.rmse));
    const csv = lib.parseCsvSeries(readFileSync(join(ROOT, 'data/international-airline-passengers.csv'), 'utf8'));
    await lib.init({ backend: 'wasm-simd' }); // the backends agree to ~1e-6 on this: one Node run is the reference for all
    const f = await lib.forecaster(csv.values, { epochs: EPOCHS });
    try {
      for (const rmse of pageRuns) expect(Math.abs(rmse - f.evaluation.rmse)).toBeLessThan(1e-3);
      expect(Number(rmseText)).toBeCloseTo(f.evaluation.rmse, 1);
    } finally {
      f.dispose();
    }

    expect(problems).toEqual([]);
    mkdirSync(join(ROOT, 'out'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'out/demo.png'), fullPage: true });
    await page.close();
  });

  it('the demo page loads the two files the CLI saves and forecasts with them as Node does; mismatched weights are refused', async () => {
    const csv = lib.parseCsvSeries(readFileSync(join(ROOT, 'data/international-airline-passengers.csv'), 'utf8'));
    await lib.init({ backend: 'wasm-simd' });
    // the two files as `lstm-wasm forecast` writes them (cli/saved-model.ts writes exactly these contents)
    const trained = await Promise.all([1, 2].map((seed) => lib.forecaster(csv.values, { epochs: 2, seed })));
    const info = { name: csv.name, source: 'international-airline-passengers.csv', points: csv.values.length, lastLabel: csv.dates!.at(-1)! };
    const [files, other] = await Promise.all(trained.map((f) => saveForecaster(f.model, f.recipe, info)));
    trained.forEach((f) => f.dispose());
    const loaded = await loadForecaster(parseSavedForecaster(files.json), files.weights);
    const expected = lib.forecastAhead(loaded.model, loaded.recipe, csv.values, 12);
    loaded.model.dispose();

    const { page, problems } = await openPage('examples/demo/?autorun=0');
    await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 30_000 });
    type Saved = { demo: { saved: null | { error?: string; forecast?: number[]; series?: { points: number } } } };
    const choose = async (weights: Uint8Array) => {
      await page.evaluate(() => { (window as unknown as Saved).demo.saved = null; });
      await page.setInputFiles('#saved-files', [
        { name: 'model.json', mimeType: 'application/json', buffer: Buffer.from(files.json) },
        { name: 'model.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from(weights) },
      ]);
      await page.waitForFunction(() => (window as unknown as Saved).demo.saved !== null, null, { timeout: 30_000 });
      return page.evaluate(() => (window as unknown as Saved).demo.saved!);
    };
    const good = await choose(files.weights);
    expect(good.error).toBeUndefined();
    expect(good.series!.points).toBe(csv.values.length);
    // the page's backend is the best there (wasm-simd), as Node's here: the same model forecasts the same to float32 rounding
    expect(maxAbsDiff(good.forecast!, expected)).toBeLessThan(1e-3);
    expect(await page.textContent('#saved')).toContain('Next 12 of passengers: 1961-01');
    const mixed = await choose(other.weights);
    expect(mixed.error).toMatch(/model\.safetensors is not the weights model\.json was saved with .*different saves/);
    expect(problems).toEqual([]);
    await page.close();
  });
});
