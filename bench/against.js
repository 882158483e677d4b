// W1, W2 and W3 of DESIGN.md through the public API, this tree's build
// against another checkout's, timed in turn in one process (each build is
// its own module graph, with its own backend and heap), so a refactor's
// ratios come from one run on one machine state.
//
// Run: npm run build && node bench/against.js OTHER_CHECKOUT [--backend wasm-simd|wasm|js] [--quick]
// (OTHER_CHECKOUT must be built: its dist/ and build/ are loaded.)
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { medians } from './medians.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const other = args.find((a) => !a.startsWith('--') && args[args.indexOf(a) - 1] !== '--backend');
if (!other) throw new Error('usage: node bench/against.js OTHER_CHECKOUT [--backend NAME] [--quick]');
const backendAt = args.indexOf('--backend');
const backend = backendAt >= 0 ? args[backendAt + 1] : 'wasm-simd';

const W1 = { I: 32, H: 128, B: 1, T: 100 };
const W2 = { I: 64, H: 256, B: 32, T: 50 };
const W3 = { I: 8, H: 64, B: 64, T: 50 };

function uniform(n, seed) {
  let s = seed >>> 0;
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    data[i] = (s / 2 ** 32) * 2 - 1;
  }
  return data;
}

/** The three workloads on one build: functions to time, and their outputs to check against the other build's. */
async function workloads(lib) {
  await lib.init({ backend });
  const forward = (w) => {
    const m = new lib.Sequential([new lib.LSTM({ inputSize: w.I, units: w.H, returnSequences: true, seed: 7 })]);
    const x = { shape: [w.B, w.T, w.I], data: uniform(w.B * w.T * w.I, 1) };
    return { run: () => m.predict(x), check: () => m.predict(x).data };
  };
  const m3 = new lib.Sequential([new lib.LSTM({ inputSize: W3.I, units: W3.H, seed: 7 }), new lib.Dense({ units: 1, seed: 8 })]);
  m3.compile({ optimizer: 'adam', loss: 'mse' });
  const x3 = { shape: [W3.B, W3.T, W3.I], data: uniform(W3.B * W3.T * W3.I, 2) };
  const y3 = { shape: [W3.B, 1], data: uniform(W3.B, 3) };
  const start = m3.snapshotParams();
  return {
    W1: forward(W1),
    W2: forward(W2),
    // the same step from the same weights every time, so both builds do identical work
    W3: { run: () => { m3.restoreParams(start); m3.trainOnBatch(x3, y3); }, check: () => { m3.restoreParams(start); return [m3.trainOnBatch(x3, y3)]; } },
  };
}

const here = await import(new URL('../dist/index.js', import.meta.url));
const there = await import(pathToFileURL(`${other.replace(/\/$/, '')}/dist/index.js`).href);
const a = await workloads(here), b = await workloads(there);

const rows = [];
for (const id of ['W1', 'W2', 'W3']) {
  const ya = a[id].check(), yb = b[id].check();
  let diff = 0;
  for (let i = 0; i < ya.length; i++) diff = Math.max(diff, Math.abs(ya[i] - yb[i]));
  if (!(diff <= 1e-5)) throw new Error(`${id}: the two builds disagree by ${diff}`);
  const runs = quick ? 15 : id === 'W1' ? 300 : 60;
  const [tHere, tThere] = medians([a[id].run, b[id].run], runs, quick ? 3 : 10);
  rows.push(`| ${id} | ${tThere.toFixed(3)} | ${tHere.toFixed(3)} | ${(tThere / tHere).toFixed(3)} | ${diff.toExponential(1)} |`);
}

console.log(`node bench/against.js ${other} --backend ${backend}${quick ? ' --quick' : ''}`);
console.log(`${new Date().toISOString().slice(0, 10)} · ${os.cpus()[0].model} · ${os.cpus().length} cores · Node ${process.version} · load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
console.log('| workload | other, median ms | this tree, median ms | other/this (> 1: this is faster) | max abs diff of outputs |');
console.log('|---|---:|---:|---:|---:|');
for (const r of rows) console.log(r);
