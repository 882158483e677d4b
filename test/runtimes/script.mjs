// Deno and Bun: a script in a user's project importing the package by name
// (both resolve it through node_modules and their export condition).
// Usage: deno run --allow-read script.mjs payload.json | bun script.mjs payload.json
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { stats } from './preamble.mjs';
import * as lib from 'lstm-wasm';
import { predictOnce, quantizedOnce } from './model.mjs';

const payload = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const first = await lib.init();
const heapBytes = lib.memoryInfo().heapBytes;
const second = await lib.init(); // idempotent: same backend, nothing loaded again
const heapBytesAgain = lib.memoryInfo().heapBytes;
const outputs = predictOnce(lib, payload);
const wasm = { ...stats };
const quantized = await quantizedOnce(lib, payload);
process.stdout.write(JSON.stringify({
  runtime: typeof Deno === 'object' ? `deno ${Deno.version.deno}` : typeof Bun === 'object' ? `bun ${Bun.version}` : 'unknown',
  entry: import.meta.resolve('lstm-wasm'),
  initReturned: [first, second],
  backend: lib.backend(),
  info: lib.backendInfo(),
  // what this runtime says of the relaxed build itself, to hold backendInfo() to
  relaxedValidates: WebAssembly.validate(readFileSync('node_modules/lstm-wasm/build/simd-relaxed.wasm')),
  heapBytes: [heapBytes, heapBytesAgain],
  wasm,
  finalizationRegistry: typeof FinalizationRegistry,
  outputs,
  quantized,
  wasmAfterQuantize: { ...stats },
}) + '\n');
