#!/usr/bin/env node
/**
 * What a browser user ships: the JS of the browser entry and everything it
 * imports (bundled here with esbuild — minified, ESM, platform browser — to
 * measure it as an app's bundler would emit it), and the two wasm builds as
 * they are. Raw and gzip (level 9) per piece and in total.
 *
 *   node scripts/size.js          Markdown table (after `npm run build`)
 *   node scripts/size.js --json   the same numbers as JSON
 *
 * measureSize() is also what test/package.test.ts checks the budget with.
 */
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Everything a browser user ships must stay under this, gzip. 60 KiB until the CSV reader learned
 * missing values, quarters, covariates and a series-id column (+1.9 KiB) and charts learned interval
 * bands (+0.2 KiB); the automatic forecaster is a separate entry (lstm-wasm/forecast) and is not
 * counted here. A predict-only app ships far less than this whole-API figure; measuring that is
 * issue 10's (a lean inference core).
 */
export const BUDGET_GZIP_BYTES = 63 * 1024;

const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;

/** @returns {Promise<{ pieces: { name: string, what: string, raw: number, gzip: number }[], total: { raw: number, gzip: number }, simdOnly: { raw: number, gzip: number }, budget: number }>} */
export async function measureSize() {
  const bundle = await build({
    absWorkingDir: root,
    entryPoints: ['dist/entry/browser.js'],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  if (bundle.outputFiles.length !== 1) throw new Error(`size: expected one bundle, esbuild wrote ${bundle.outputFiles.length} files`);
  const js = bundle.outputFiles[0].contents;
  const imported = Object.keys(bundle.metafile.inputs).length - 1; // the entry itself is one of the inputs
  const simd = await readFile(`${root}build/simd.wasm`);
  const scalar = await readFile(`${root}build/scalar.wasm`);
  const pieces = [
    { name: 'JS', what: `dist/entry/browser.js + the ${imported} modules it imports, bundled and minified`, raw: js.length, gzip: gzip(js) },
    { name: 'simd.wasm', what: 'build/simd.wasm (fetched where WebAssembly SIMD validates)', raw: simd.length, gzip: gzip(simd) },
    { name: 'scalar.wasm', what: 'build/scalar.wasm (fetched only without SIMD)', raw: scalar.length, gzip: gzip(scalar) },
  ];
  const sum = (ps) => ({ raw: ps.reduce((s, p) => s + p.raw, 0), gzip: ps.reduce((s, p) => s + p.gzip, 0) });
  return { pieces, total: sum(pieces), simdOnly: sum(pieces.slice(0, 2)), budget: BUDGET_GZIP_BYTES };
}

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;

/** The report as Markdown (the README's "Size" section shows this table). */
export function sizeTable(m) {
  const lines = [
    '| piece | what | raw | gzip |',
    '|---|---|---:|---:|',
    ...m.pieces.map((p) => `| ${p.name} | ${p.what} | ${kib(p.raw)} | ${kib(p.gzip)} |`),
    `| **total** | everything shipped (JS + both wasm builds) | **${kib(m.total.raw)}** | **${kib(m.total.gzip)}** |`,
    `| | what a SIMD browser downloads (JS + simd.wasm) | ${kib(m.simdOnly.raw)} | ${kib(m.simdOnly.gzip)} |`,
  ];
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const m = await measureSize();
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(m, null, 2));
  } else {
    console.log(sizeTable(m));
    console.log();
    const ok = m.total.gzip <= m.budget;
    console.log(`Budget: total ≤ ${kib(m.budget)} gzip — ${ok ? 'within' : 'OVER'} (${kib(m.total.gzip)}, ${((100 * m.total.gzip) / m.budget).toFixed(0)}%).`);
    console.log('For scale (not measured here): TensorFlow.js with its wasm backend, and ONNX Runtime Web, ship megabytes.');
    if (!ok) process.exitCode = 1;
  }
}
