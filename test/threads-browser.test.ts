/**
 * init({ threads }) in headless Chromium (as test/browser.test.ts runs it:
 * Debian's chromium through playwright-core): on a crossOriginIsolated
 * page (served with COOP and COEP), Web Workers share the memory, the
 * page's main thread, which may not block, spins for them, and predict
 * equals one thread's bit for bit; on a page without isolation, threads
 * stay 1 and backendInfo() says so.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '../scripts/serve.js';

const CHROMIUM = '/usr/bin/chromium';
const SKIP = !existsSync(CHROMIUM) && !process.env.CI;

/**
 * Runs in the page (as source text: vitest rewrites import() in test code): W2-like LSTM → GRU on
 * B=9 rows, on one thread and on `threads`, every call cut (setMinSplitWork(0)).
 */
const IN_PAGE = `async (threads) => {
  const lib = await import('/dist/entry/browser.js');
  const t = await import('/dist/backend/threads/threaded-backend.js');
  t.setMinSplitWork(0);
  const x = { shape: [9, 20, 16], data: new Float32Array(9 * 20 * 16).map((_, i) => Math.sin(i)) };
  const predict = async (n) => {
    await lib.init({ backend: 'wasm-simd', relaxedSimd: false, threads: n });
    const m = new lib.Sequential([new lib.LSTM({ inputSize: 16, units: 37, seed: 1, returnSequences: true }), new lib.GRU({ units: 5, seed: 2 })]);
    const y = m.predict(x).data.slice();
    m.dispose();
    return y;
  };
  const one = await predict(1);
  const before = t.cutCallCount();
  const many = await predict(threads);
  const info = lib.backendInfo();
  lib.shutdownThreads();
  return { info, identical: one.length === many.length && one.every((v, i) => Object.is(v, many[i])), cut: t.cutCallCount() - before, isolated: crossOriginIsolated };
}`;

interface PageResult { info: unknown; identical: boolean; cut: number; isolated: boolean }

describe.skipIf(SKIP)('threads in Chromium', () => {
  let browser: Browser;
  const servers: { url: string; close: () => Promise<void> }[] = [];
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  });
  afterAll(async () => {
    await browser?.close();
    for (const s of servers) await s.close();
  });

  it('a crossOriginIsolated page: Web Workers, results identical to one thread', async () => {
    const s = await serve({ headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } });
    servers.push(s);
    const page = await browser.newPage();
    await page.goto(`${s.url}README.md`);
    const r = (await page.evaluate(`(${IN_PAGE})(2)`)) as PageResult;
    expect(r.isolated).toBe(true);
    expect(r.info).toEqual({ name: 'wasm-simd', relaxedSimd: false, threads: 2 });
    expect(r.cut).toBeGreaterThan(0);
    expect(r.identical).toBe(true);
    await page.close();
  });

  it('a page without isolation stays on one thread and says so', async () => {
    const s = await serve();
    servers.push(s);
    const page = await browser.newPage();
    await page.goto(`${s.url}README.md`);
    const r = (await page.evaluate(`(${IN_PAGE})(2)`)) as PageResult;
    expect(r.isolated).toBe(false);
    expect(r.info).toEqual({ name: 'wasm-simd', relaxedSimd: false, threads: 1 });
    expect(r.cut).toBe(0);
    expect(r.identical).toBe(true);
    await page.close();
  });
});
