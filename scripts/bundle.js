#!/usr/bin/env node
/**
 * The Node, Deno and Bun entry points as bundled modules (issue 12, cold
 * start), run by `npm run build` after tsc.
 *
 * tsc writes one .js file per source module: importing 'lstm-wasm' in Node
 * resolved, read and linked 105 of them, most of the time from import to
 * the first result. Here esbuild bundles the entries that runtimes load
 * straight from the package's files — the "node", "deno" and "bun"
 * conditions of 'lstm-wasm', 'lstm-wasm/predict' and 'lstm-wasm/forecast' —
 * in ONE build with code splitting: each entry becomes a file of its own,
 * and what several entries share goes into chunks (dist/chunks/), each
 * source module in exactly one file. So the module state stays single: an
 * app that imports 'lstm-wasm', 'lstm-wasm/predict' and 'lstm-wasm/forecast'
 * has one backend registry (one init(), one active backend), as it had when
 * each source module was one file.
 *
 * The conditions that an app's bundler reads ("browser", "workerd",
 * "edge-light", "default") keep tsc's files, one per module: a bundler
 * drops a whole unused module, even one with top-level calls (the GRU's
 * cell table, say), but not an unused statement that calls something inside
 * a bundled chunk, so pre-bundling them made a predict-only app 0.3 KiB gzip
 * bigger (`npm run size`). They resolve through the same tsc files among
 * themselves, so they share one registry as before.
 *
 * Kept outside the bundles: node: modules. Relative URLs
 * (`new URL('../../build/simd.wasm', import.meta.url)`) stay right because
 * every output file is two folders below the package root, as its source
 * was. Not minified: a stack trace in Node should read like the source.
 */
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Output path (under dist/, without .js) → source: package.json's "node" (and "deno", "bun") targets. */
export const BUNDLED_ENTRIES = {
  'entry/node': 'src/entry/node.ts',
  'entry/predict-node': 'src/entry/predict-node.ts',
  'entry/forecast-node': 'src/forecast/index.ts',
};

// chunk names carry a content hash: last build's chunks would otherwise stay beside the new ones
rmSync(`${root}dist/chunks`, { recursive: true, force: true });

const result = await build({
  absWorkingDir: root,
  entryPoints: BUNDLED_ENTRIES,
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true, // shared modules in shared chunks: one copy of each module's state
  format: 'esm',
  platform: 'neutral', // Node, Deno and Bun: nothing here needs esbuild's Node shims
  target: 'es2022', // tsconfig.json's target
  external: ['node:*'],
  metafile: true,
  logLevel: 'warning',
});

if (process.argv.includes('--verbose')) {
  for (const [file, out] of Object.entries(result.metafile.outputs)) {
    console.log(`${file}: ${Object.keys(out.inputs).length} modules, ${(out.bytes / 1024).toFixed(1)} KiB`);
  }
}
