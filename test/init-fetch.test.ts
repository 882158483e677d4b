/**
 * init({ wasm: url }) over HTTP (issue 12, cold start): a build served as
 * application/wasm is compiled while it downloads (compileStreaming); one
 * served under another type, which compileStreaming refuses, is compiled
 * from its bytes; either way the model gives the js backend's outputs. A
 * missing file is one clear error.
 *
 * Needs the wasm builds (`npm run build`).
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend, Dense, init, LSTM, Sequential } from '../src/index.js';
import { maxAbsDiff } from './helpers.js';

let server: Server;
let base: string;

beforeAll(async () => {
  const files: Record<string, [string, string]> = {
    '/simd.wasm': ['build/simd.wasm', 'application/wasm'],
    '/scalar.bin': ['build/scalar.wasm', 'application/octet-stream'],
  };
  server = createServer((req, res) => {
    const f = files[req.url ?? ''];
    if (!f) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': f[1] }).end(readFileSync(new URL(`../${f[0]}`, import.meta.url)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function predict(): number[] {
  const model = new Sequential([new LSTM({ inputSize: 3, units: 6, seed: 1 }), new Dense({ units: 2, seed: 2 })]);
  const y = model.predict([[[0.1, 0.2, 0.3], [0.4, -0.5, 0.6]]]);
  model.dispose();
  return [...y.data];
}

describe('init({ wasm: url }) over HTTP', () => {
  // first: a failed load is forgotten, so 'wasm' can still load from the next URL (a loaded backend is kept)
  it('a missing build is one clear error', async () => {
    await expect(init({ backend: 'wasm', wasm: `${base}/missing.wasm` })).rejects.toThrow(/could not fetch .*missing\.wasm: HTTP 404/);
  });

  it('compiles a build served as application/wasm, and one served as octet-stream, each giving the js outputs', async () => {
    await init({ backend: 'js' });
    const reference = predict();
    expect(await init({ backend: 'wasm-simd', wasm: `${base}/simd.wasm` })).toBe('wasm-simd');
    expect(maxAbsDiff(predict(), reference)).toBeLessThanOrEqual(1e-5);
    expect(await init({ backend: 'wasm', wasm: `${base}/scalar.bin` })).toBe('wasm');
    expect(backend()).toBe('wasm');
    expect(maxAbsDiff(predict(), reference)).toBeLessThanOrEqual(1e-5);
  });
});
