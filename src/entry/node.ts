/**
 * Node, Deno and Bun: the wasm builds are read from the package's files
 * with node:fs (all three have it), next to this module.
 */
import { readFile } from 'node:fs/promises';
import { setDefaultWasmSource } from '../backend/registry.js';

setDefaultWasmSource(async (name) => readFile(new URL(
  name === 'wasm-simd' ? '../../build/simd.wasm' : name === 'wasm' ? '../../build/scalar.wasm' : '../../build/simd-threads.wasm',
  import.meta.url,
)));

export * from '../index.js';
