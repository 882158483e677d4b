// DESIGN's "cold" workload: a fresh process, import → init → the first W1
// result (LSTM I=32, H=128, B=1, T=100). Each run is a new Node process
// importing the package's Node entry ('lstm-wasm' is dist/entry/node.js,
// 'lstm-wasm/predict' dist/entry/predict-node.js); reports the median of
// each phase over the runs.
//
//   node bench/cold.js                 (after `npm run build`)
//   node bench/cold.js --runs 31       more processes per row (default 15)
//   node bench/cold.js --against DIR   also another build (DIR holds its dist/ and build/, e.g. a
//                                      checkout of main after `npm run build`), its processes
//                                      interleaved with ours so that both see the same machine load
//   node bench/cold.js --node-flags "--no-liftoff"   pass V8 flags to the children (tiering experiments)
//   node bench/cold.js --backend wasm-simd            only that backend's rows
//
// The phases: import (resolve, read, compile and run the package's JS), init()
// (read, compile and instantiate the wasm), weights (the layer and its
// setWeights, or its seeded initial weights; the weights' data and x are made
// before the clock starts), first W1 (the first forward:
// its wasm runs in V8's baseline code, Liftoff, until the optimized code is
// ready), second W1 (for scale: the same call, warm). The fastest run is
// beside the median for a loaded machine, where it is the better guess at
// what a quiet one measures.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const arg = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const runs = Number(arg('--runs')) || 15;
const nodeFlags = (arg('--node-flags') ?? '').split(' ').filter(Boolean);
const here = new URL('..', import.meta.url);
const builds = [{ name: 'this build', root: here }];
if (arg('--against')) builds.push({ name: arg('--against'), root: pathToFileURL(resolve(arg('--against')) + '/') });

const child = `
// The weights are the app's data (read from a file in a real app), made before the clock starts, like x:
// making them with a JS map over 82k floats took ~12 ms of a cold process, which is the harness, not the library.
const w = (n) => ({ shape: n, data: new Float32Array(n.reduce((a, b) => a * b)).map((_, i) => Math.sin(i) * 0.1) });
const weights = { weight_ih_l0: w([512, 32]), weight_hh_l0: w([512, 128]), bias_ih_l0: w([512]), bias_hh_l0: w([512]) };
const x = { shape: [1, 100, 32], data: new Float32Array(3200).fill(0.1) };
const t0 = performance.now();
const { init, LSTM } = await import(process.argv[1]);
const t1 = performance.now();
await init({ backend: process.argv[2] });
const t2 = performance.now();
const lstm = new LSTM({ inputSize: 32, units: 128, returnSequences: true, seed: 1 });
if (process.argv[3] === 'load') {
  lstm.setWeights(weights); // the usual inference start: weights trained elsewhere, loaded in PyTorch's layout
} else {
  lstm.ensureParams(); // Keras-style initial weights (orthogonal recurrent kernel, computed in JS)
}
const tw = performance.now();
const y = lstm.forward(x);
const t3 = performance.now();
lstm.forward(x);
const t4 = performance.now();
console.log(JSON.stringify({ import: t1 - t0, init: t2 - t1, weights: tw - t2, first: t3 - tw, second: t4 - t3, total: t3 - t0, check: y.output.data[y.output.data.length - 1] }));
`;

const ENTRIES = { 'lstm-wasm': 'dist/entry/node.js', 'lstm-wasm/predict': 'dist/entry/predict-node.js' };
const CASES = [
  ['lstm-wasm', 'wasm-simd', 'load'],
  ['lstm-wasm', 'wasm-simd', 'init'],
  ['lstm-wasm', 'wasm', 'load'],
  ['lstm-wasm', 'js', 'load'],
  ['lstm-wasm/predict', 'wasm-simd', 'load'],
  ['lstm-wasm/predict', 'wasm', 'load'],
];

const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const rows = [];
for (const [entry, backend, weights] of CASES.filter((c) => !arg('--backend') || c[1] === arg('--backend'))) {
  const samples = builds.map(() => []);
  for (let i = 0; i < runs; i++) {
    builds.forEach((b, j) => {
      const r = spawnSync(process.execPath, [...nodeFlags, '--input-type=module', '-e', child, new URL(ENTRIES[entry], b.root).href, backend, weights], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(r.stderr);
      samples[j].push(JSON.parse(r.stdout));
    });
  }
  builds.forEach((b, j) => {
    const m = (k) => median(samples[j].map((s) => s[k]));
    const least = Math.min(...samples[j].map((s) => s.total));
    rows.push({ build: b.name, entry, backend, mode: weights, import: m('import'), init: m('init'), weights: m('weights'), first: m('first'), second: m('second'), total: m('total'), least });
  });
  // the builds must compute the same thing, or their times say nothing
  const checks = new Set(samples.flatMap((s) => s.map((x) => x.check)));
  if (backend !== 'js' && checks.size > 1 && weights === 'load') console.warn(`warning: ${entry} ${backend}: the builds' outputs differ (${[...checks].join(', ')})`);
}

console.log(`\n### ${new Date().toISOString().slice(0, 10)} — \`node bench/cold.js${process.argv.slice(2).length ? ' ' + process.argv.slice(2).join(' ') : ''}\` (${runs} fresh processes per row, medians)`);
console.log(`Machine: ${os.cpus()[0]?.model ?? 'unknown cpu'}, ${os.cpus().length} cores, Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} at the end\n`);
console.log(`| ${builds.length > 1 ? 'build | ' : ''}entry | backend | weights | import ms | init() ms | weights ms | first W1 ms | second W1 ms | import → first result ms | fastest run ms |`);
console.log(`|${builds.length > 1 ? '---|' : ''}---|---|---|---:|---:|---:|---:|---:|---:|---:|`);
for (const r of rows) {
  console.log(`| ${builds.length > 1 ? r.build + ' | ' : ''}${r.entry} | ${r.backend} | ${r.mode === 'load' ? 'loaded (setWeights)' : 'initialized (seed)'} | ${r.import.toFixed(1)} | ${r.init.toFixed(1)} | ${r.weights.toFixed(1)} | ${r.first.toFixed(1)} | ${r.second.toFixed(2)} | ${r.total.toFixed(1)} | ${r.least.toFixed(1)} |`);
}
