/**
 * The HTTP side of the edge fixtures (workerd and Vercel's edge-runtime):
 * POST /predict with the payload of model.mjs as JSON → the models' outputs
 * and what this runtime did, as JSON; POST /quantize → the seeded model's
 * output in int8 (model.mjs, quantizedOnce).
 *
 * Every request calls `init()` again, as a handler on a warm isolate does:
 * the first request builds the models and keeps them in module scope, later
 * ones reuse them; init() must return the same backend and load nothing
 * new (the heap size stays put).
 */
import { buildModels, quantizedOnce, runModels } from './model.mjs';
import { stats, uncountedCompile } from './preamble.mjs';

let warm;
let requests = 0;

/** @param {typeof import('../../src/index.js')} lib */
export async function handle(lib, request) {
  try {
    const url = new URL(request.url);
    if (request.method !== 'POST' || (url.pathname !== '/predict' && url.pathname !== '/quantize')) return new Response('POST /predict or /quantize\n', { status: 404 });
    const payload = await request.json();
    if (url.pathname === '/quantize') {
      await lib.init();
      return Response.json({ quantized: await quantizedOnce(lib, payload), wasm: { ...stats } });
    }
    const initReturned = await lib.init();
    const reused = warm !== undefined;
    warm ??= buildModels(lib, payload);
    requests++;
    return Response.json({
      request: requests,
      initReturned,
      backend: lib.backend(),
      info: lib.backendInfo(),
      reused,
      heapBytes: lib.memoryInfo().heapBytes,
      outputs: runModels(warm, payload),
      wasm: { ...stats }, // what the library asked of WebAssembly so far
      runtime: {
        finalizationRegistry: typeof FinalizationRegistry,
        compileFromBytes: await compileFromBytes(),
      },
    });
  } catch (e) {
    return Response.json({ error: String(e?.stack ?? e) }, { status: 500 });
  }
}

/** Does this runtime compile wasm from bytes at run time? ('allowed' or the error it throws) */
async function compileFromBytes() {
  try {
    await uncountedCompile(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]));
    return 'allowed';
  } catch (e) {
    return `refused: ${e?.message ?? e}`;
  }
}
