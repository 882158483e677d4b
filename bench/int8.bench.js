// int8 inference against f32, in one run: the same LSTM layer's forward
// (projection + recurrence, what predict runs) before and after
// model.quantize('int8'), on DESIGN.md's W1 and W2 and on the memory-bound
// case of issue 12, H = 1024 at batch 1 (U is 16 MB in f32, 4 MB in int8,
// streamed once per step).
//
//   npm run build && node bench/int8.bench.js [--backend wasm-simd|wasm|js]
//
// Two models with the same weights, one quantized, timed call for call,
// alternating (bench/medians.js), so the ratio comes from one machine state:
// >1 means int8 is faster. Also prints int8's error against f32 on these
// random weights, max|Δ| / max|y_f32|.
import { init, LSTM, Sequential } from '../dist/index.js';
import { medians } from './medians.js';

const WORKLOADS = [
  { id: 'W1', I: 32, H: 128, B: 1, T: 100, runs: 200 },
  { id: 'W2', I: 64, H: 256, B: 32, T: 50, runs: 20 },
  { id: 'H1024', I: 32, H: 1024, B: 1, T: 100, runs: 20 },
];
const args = process.argv.slice(2);
const at = args.indexOf('--backend');
const backend = at >= 0 ? args[at + 1] : 'wasm-simd';
await init({ backend });

const rows = [];
for (const { id, I, H, B, T, runs } of WORKLOADS) {
  const model = (seed) => new Sequential([new LSTM({ inputSize: I, units: H, returnSequences: true, seed })]);
  const f32 = model(7), int8 = model(7);
  let s = 1;
  const x = { shape: [B, T, I], data: Float32Array.from({ length: B * T * I }, () => { s = (s * 16807) % 2147483647; return s / 2147483647 * 2 - 1; }) };
  const ref = f32.predict(x);
  await int8.quantize('int8'); // async: the int8 code and its wasm load on first use
  const got = int8.predict(x);
  let d = 0, m = 0;
  for (let i = 0; i < ref.data.length; i++) { d = Math.max(d, Math.abs(ref.data[i] - got.data[i])); m = Math.max(m, Math.abs(ref.data[i])); }
  const [tf, tq] = medians([() => f32.predict(x), () => int8.predict(x)], runs, 5);
  rows.push({ id, shape: `I=${I} H=${H} B=${B} T=${T}`, f32: tf.toFixed(3), int8: tq.toFixed(3), ratio: (tf / tq).toFixed(2), err: (d / m).toExponential(1) });
  f32.dispose();
  int8.dispose();
}
console.log(`backend ${backend}, node ${process.version}; median ms of one predict (projection + recurrence)`);
console.log('| workload | shape | f32 ms | int8 ms | f32/int8 | rel. error |');
console.log('|---|---|---:|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.id} | ${r.shape} | ${r.f32} | ${r.int8} | ${r.ratio}× | ${r.err} |`);
