// What an app downloads per contender, gzip (level 9) per file and summed:
// lstm-wasm's from scripts/size.js (the numbers `npm run size` prints), the
// peers' from their packages' browser builds in bench/node_modules.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { measureSize } from '../../scripts/size.js';

const NM = new URL('../node_modules/', import.meta.url);
const file = (p) => readFileSync(new URL(p, NM));

/** The version of the package a node_modules path is in. */
function version(p) {
  const parts = p.split('/');
  const pkg = parts[0].startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return JSON.parse(file(`${pkg}/package.json`)).version;
}

function files(name, paths, note) {
  name = `${name} ${version(paths[0])}`;
  const pieces = paths.map((p) => { const b = file(p); return { raw: b.length, gzip: gzipSync(b, { level: 9 }).length }; });
  return { name, what: paths.map((p) => p.split('/').at(-1)).join(' + '), note, raw: pieces.reduce((s, p) => s + p.raw, 0), gzip: pieces.reduce((s, p) => s + p.gzip, 0) };
}

export async function shippedSizes() {
  const ours = await measureSize();
  const simdWasm = ours.pieces.find((p) => p.name === 'simd.wasm');
  const predictJs = ours.predict.pieces.find((p) => p.name === 'JS'), inference = ours.predict.pieces.find((p) => p.name === 'inference-simd.wasm');
  const rows = [
    { name: 'lstm-wasm, predict-only app', what: 'app + lstm-wasm/predict, bundled + inference-simd.wasm', raw: predictJs.raw + inference.raw, gzip: predictJs.gzip + inference.gzip },
    { name: 'lstm-wasm, whole library', what: 'browser entry, bundled + simd.wasm', raw: ours.pieces[0].raw + simdWasm.raw, gzip: ours.pieces[0].gzip + simdWasm.gzip },
    files('TF.js layers + wasm backend,', ['@tensorflow/tfjs-core/dist/tf-core.min.js', '@tensorflow/tfjs-layers/dist/tf-layers.min.js', '@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js', '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm']),
    files('TF.js layers + cpu backend,', ['@tensorflow/tfjs-core/dist/tf-core.min.js', '@tensorflow/tfjs-layers/dist/tf-layers.min.js', '@tensorflow/tfjs-backend-cpu/dist/tf-backend-cpu.min.js']),
    files('ONNX Runtime Web (wasm),', ['onnxruntime-web/dist/ort.wasm.min.mjs', 'onnxruntime-web/dist/ort-wasm-simd-threaded.mjs', 'onnxruntime-web/dist/ort-wasm-simd-threaded.wasm'], 'the whole runtime, every ONNX op: ORT-web has no per-model build in its package'),
  ];
  try {
    rows.push(files('brain.js', ['brain.js/dist/browser.js'], 'its browser bundle as published (not minified)'));
  } catch { /* brain.js not installed */ }
  return rows;
}
