// DESIGN's "cold" workload: a fresh process, import → init → the first W1
// result (LSTM I=32, H=128, B=1, T=100). Each run is a new Node process;
// reports the median of the phases over the runs. Run: `node bench/cold.js`
// (after `npm run build`), `-- --runs N` to change the count (default 15).
import { spawnSync } from 'node:child_process';
import os from 'node:os';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 15;

const child = `
const t0 = performance.now();
const { init, LSTM } = await import(${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)});
const t1 = performance.now();
await init({ backend: process.argv[1] });
const t2 = performance.now();
const lstm = new LSTM({ inputSize: 32, units: 128, returnSequences: true, seed: 1 });
if (process.argv[2] === 'load') {
  // the usual inference start: weights trained elsewhere, loaded in PyTorch's layout
  const w = (n) => ({ shape: n, data: new Float32Array(n.reduce((a, b) => a * b)).map((_, i) => Math.sin(i) * 0.1) });
  lstm.setWeights({ weight_ih_l0: w([512, 32]), weight_hh_l0: w([512, 128]), bias_ih_l0: w([512]), bias_hh_l0: w([512]) });
} else {
  lstm.ensureParams(); // Keras-style initial weights (orthogonal recurrent kernel, computed in JS)
}
const tw = performance.now();
const x = { shape: [1, 100, 32], data: new Float32Array(3200).fill(0.1) };
lstm.forward(x);
const t3 = performance.now();
lstm.forward(x);
const t4 = performance.now();
console.log(JSON.stringify({ import: t1 - t0, init: t2 - t1, weights: tw - t2, first: t3 - tw, second: t4 - t3, total: t3 - t0 }));
`;

const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const rows = [];
for (const [backend, weights] of [['wasm-simd', 'load'], ['wasm-simd', 'init'], ['wasm', 'load'], ['js', 'load']]) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', child, backend, weights], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    samples.push(JSON.parse(r.stdout));
  }
  const m = (k) => median(samples.map((s) => s[k]));
  rows.push({ backend, mode: weights, import: m('import'), init: m('init'), weights: m('weights'), first: m('first'), second: m('second'), total: m('total') });
}

console.log(`\n### ${new Date().toISOString().slice(0, 10)} — \`node bench/cold.js\` (${runs} fresh processes per backend, medians)`);
console.log(`Machine: ${os.cpus()[0]?.model ?? 'unknown cpu'}, ${os.cpus().length} cores, Node ${process.version}\n`);
console.log('| backend | weights | import ms | init() ms | weights ms | first W1 ms | second W1 ms | import → first result ms |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.backend} | ${r.mode === 'load' ? 'loaded (setWeights)' : 'initialized (seed)'} | ${r.import.toFixed(1)} | ${r.init.toFixed(1)} | ${r.weights.toFixed(1)} | ${r.first.toFixed(1)} | ${r.second.toFixed(2)} | ${r.total.toFixed(1)} |`);
