// The standard forward workloads of DESIGN.md, wasm-simd vs wasm vs js in one
// run (tinybench), with GFLOP/s and ratios. Run: `npm run bench`
// (add `-- --quick` for a short smoke run). Paste the printed Markdown into
// bench/RESULTS.md with the date and machine it prints.
import os from 'node:os';
import { Bench } from 'tinybench';
import { init, LSTM, memoryInfo, Sequential } from '../dist/index.js';
import { input } from './input.js';

const quick = process.argv.includes('--quick');

const WORKLOADS = [
  { id: 'W1 stream', I: 32, H: 128, B: 1, T: 100 },
  { id: 'W2 batch', I: 64, H: 256, B: 32, T: 50 },
];
const BACKENDS = ['js', 'wasm-simd', 'wasm'];

/** FLOPs of one LSTM forward: 2·4H·(I+H)·B·T. */
const flops = ({ I, H, B, T }) => 2 * 4 * H * (I + H) * B * T;


async function model(backend, w, weights) {
  await init({ backend });
  const m = new Sequential([new LSTM({ inputSize: w.I, units: w.H, returnSequences: true, seed: 7 })]);
  if (weights) m.layers[0].setWeights(weights, { from: 'torch' });
  return m;
}

function maxAbsDiff(a, b) {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const rows = [];
const heapBefore = {};
const heapAfter = {};
for (const w of WORKLOADS) {
  const x = input(w);
  // the js reference first: it runs in a process where no wasm memory has grown yet
  const models = {};
  models.js = await model('js', w);
  const weights = models.js.layers[0].getWeights({ to: 'torch' });
  for (const b of BACKENDS.slice(1)) {
    await init({ backend: b });
    heapBefore[b] ??= memoryInfo().heapBytes;
    models[b] = await model(b, w, weights);
  }
  const ref = models.js.predict(x).data;
  const bench = new Bench({ time: quick ? 200 : 3000, iterations: quick ? 3 : 10 });
  for (const b of BACKENDS) {
    const diff = maxAbsDiff(models[b].predict(x).data, ref);
    if (diff > 1e-5) throw new Error(`${b} disagrees with js on ${w.id}: ${diff}`);
    bench.add(b, () => models[b].predict(x));
  }
  await bench.run();
  const median = Object.fromEntries(bench.tasks.map((t) => [t.name, t.result.latency.p50]));
  for (const b of BACKENDS) {
    rows.push({ workload: w.id, shape: `I=${w.I} H=${w.H} B=${w.B} T=${w.T}`, backend: b, ms: median[b], gflops: flops(w) / (median[b] * 1e6), vsJs: median.js / median[b], vsScalar: median.wasm / median[b] });
    if (b !== 'js') {
      await init({ backend: b });
      heapAfter[b] = memoryInfo().heapBytes;
    }
  }
  for (const m of Object.values(models)) m.dispose();
}

const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
console.log(`\n### ${new Date().toISOString().slice(0, 10)} — \`npm run bench\`${quick ? ' -- --quick' : ''}`);
console.log(`Machine: ${cpu}, ${os.cpus().length} cores, Node ${process.version}, ${os.platform()} ${os.release()}\n`);
console.log('| workload | shape | backend | median ms | GFLOP/s | × js | × scalar wasm |');
console.log('|---|---|---|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.workload} | ${r.shape} | ${r.backend} | ${r.ms.toFixed(3)} | ${r.gflops.toFixed(1)} | ${r.vsJs.toFixed(1)} | ${r.vsScalar.toFixed(2)} |`);
}
const grew = Object.keys(heapAfter).filter((b) => heapAfter[b] !== heapBefore[b]);
console.log(`\nwasm memory grew during the run: ${grew.length ? grew.join(', ') : 'no'} (js was timed ${grew.length ? 'after a grow: its numbers may be slowed' : 'in a process where nothing grew'})`);
