/**
 * Node, Deno and Bun: the wasm builds are read from the package's files
 * with node:fs (all three have it), next to this module.
 */
import { readFile } from 'node:fs/promises';
import { setDefaultWasmSource, wasmFile } from '../backend/registry.js';

setDefaultWasmSource(async (build) => readFile(new URL(`../../build/${wasmFile(build)}.wasm`, import.meta.url)));

export * from '../index.js';
