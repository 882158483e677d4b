// The limits of issue 8: how time grows with the size of what a user asks for.
//  - build: `new LSTM({ units: H })` with its seeded (orthogonal) initial weights, then one
//    prediction of a short sequence [1, 10, 1], for H = 256 (the exact Keras algorithm) … 2048
//    (the structured one). Target: LSTM(2048) under 2 s, time linear in the parameters.
//  - forecast: `f.forecast(n)` of the default forecaster (trained first, not timed), n = 1,000 …
//    100,000. Target: 10,000 steps under 2 s, time linear in n. The default recipe takes the log, so
//    its recursive forecast overflows exp long before 100,000 steps (an error since issue 8); the
//    longest horizons are timed on the same model trained with transform 'none'.
// Every measurement runs in a fresh Node process (a big layer's heap would otherwise stay for the
// next); the table has the medians over the runs.
// Run: `node bench/limits.js` (after `npm run build`); `--runs N` (default 5); `--units 256,1024`
// and `--horizons 1000,10000` to choose sizes; `--dist PATH` to time another build's dist/ (an older
// commit's, for the before/after).
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';

const arg = (name, dflt) => (process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1] : dflt);
const runs = Number(arg('runs', 5));
const units = arg('units', '256,512,1024,2048').split(',').map(Number);
const horizons = arg('horizons', '1000,10000,100000').split(',').map(Number);
const dist = pathToFileURL(arg('dist', fileURLToPath(new URL('../dist/', import.meta.url))).replace(/\/?$/, '/')).href;
const csv = fileURLToPath(new URL('../data/international-airline-passengers.csv', import.meta.url));

const buildChild = `
const { init, LSTM } = await import(${JSON.stringify(dist + 'index.js')});
await init();
const H = Number(process.argv[1]);
const t0 = performance.now();
const lstm = new LSTM({ inputSize: 1, units: H, seed: 1 });
lstm.ensureParams(); // the initial weights: glorot input kernel, orthogonal recurrent kernel, packed
const t1 = performance.now();
const y = lstm.forward({ shape: [1, 10, 1], data: Float32Array.from({ length: 10 }, (_, i) => Math.sin(i)) });
const t2 = performance.now();
if (!y.output.data.every(Number.isFinite)) throw new Error('non-finite output');
console.log(JSON.stringify({ weights: t1 - t0, predict: t2 - t1, total: t2 - t0, params: lstm.countParams() }));
`;

const forecastChild = `
const { init, forecaster, parseCsvSeries } = await import(${JSON.stringify(dist + 'index.js')});
const { readFileSync } = await import('node:fs');
await init();
const series = parseCsvSeries(readFileSync(${JSON.stringify(csv)}, 'utf8')).values;
const n = Number(process.argv[1]), transform = process.argv[2];
const f = await forecaster(series, transform === 'log' ? {} : { transform });
const t0 = performance.now();
const out = f.forecast(n);
const ms = performance.now() - t0;
if (out.length !== n || !out.every(Number.isFinite)) throw new Error('bad forecast');
console.log(JSON.stringify({ ms }));
f.dispose();
`;

const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

function measure(child, args) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', child, ...args.map(String)], { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (r.status !== 0) throw new Error(r.stderr);
    samples.push(JSON.parse(r.stdout));
  }
  return samples;
}

const loadBefore = os.loadavg()[0];
const buildRows = units.map((H) => {
  const s = measure(buildChild, [H]);
  const m = (k) => median(s.map((x) => x[k]));
  return { H, params: s[0].params, weights: m('weights'), predict: m('predict'), total: m('total'), max: Math.max(...s.map((x) => x.total)) };
});
const forecastRows = horizons.map((n) => {
  const transform = n > 10_000 ? 'none' : 'log';
  const ms = measure(forecastChild, [n, transform]).map((x) => x.ms);
  return { n, transform, ms: median(ms), max: Math.max(...ms) };
});

const date = new Date().toISOString().slice(0, 10);
console.log(`\n### ${date} — \`node bench/limits.js${process.argv.slice(2).length ? ' ' + process.argv.slice(2).join(' ') : ''}\` (${runs} fresh processes per row, medians)`);
console.log(`Machine: ${os.cpus()[0]?.model ?? 'unknown cpu'}, ${os.cpus().length} cores, Node ${process.version}, backend wasm-simd; load average (1 min) ${loadBefore.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end\n`);
console.log('| LSTM units H | parameters | weights ms | predict [1, 10, 1] ms | build + predict ms (slowest run) | µs per 1,000 parameters |');
console.log('|---:|---:|---:|---:|---:|---:|');
for (const r of buildRows) console.log(`| ${r.H} | ${r.params.toLocaleString('en-US')} | ${r.weights.toFixed(0)} | ${r.predict.toFixed(1)} | ${r.total.toFixed(0)} (${r.max.toFixed(0)}) | ${((r.total / r.params) * 1e6).toFixed(1)} |`);
console.log('\n| forecast(n), default model | recipe transform | ms (slowest run) | µs per step |');
console.log('|---:|---|---:|---:|');
for (const r of forecastRows) console.log(`| ${r.n.toLocaleString('en-US')} | ${r.transform} | ${r.ms.toFixed(0)} (${r.max.toFixed(0)}) | ${((r.ms / r.n) * 1000).toFixed(0)} |`);
