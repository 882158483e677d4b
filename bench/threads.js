// W2 of DESIGN.md (LSTM I=64 H=256, B=32 sequences of T=50, predict) on one
// thread and on init({ threads: 2 }) in one process (tinybench), after
// checking that both give the same floats bit for bit. Run:
// `npm run bench:threads` (add `-- --quick` for a short smoke run; `--threads N`
// for another count). Issue 12's target: ≥ 1.6× on 2 cores.
import os from 'node:os';
import { Bench } from 'tinybench';
import { backendInfo, init, LSTM, Sequential, shutdownThreads } from '../dist/index.js';
import { input } from './input.js';

const quick = process.argv.includes('--quick');
const at = process.argv.indexOf('--threads');
const threads = at > 0 ? Number(process.argv[at + 1]) : 2;
const W2 = { I: 64, H: 256, B: 32, T: 50 };


/** W2's model on the backend init(options) makes active: a model stays on the backend it was made on. */
async function model(options) {
  await init(options);
  const info = backendInfo();
  return { info, m: new Sequential([new LSTM({ inputSize: W2.I, units: W2.H, returnSequences: true, seed: 7 })]) };
}

const x = input(W2);
const one = await model({ backend: 'wasm-simd' });
const many = await model({ backend: 'wasm-simd', threads });
if (many.info.threads !== threads) throw new Error(`asked for ${threads} threads, backendInfo() says ${many.info.threads}`);
const a = one.m.predict(x).data, b = many.m.predict(x).data;
if (a.length !== b.length || a.some((v, i) => !Object.is(v, b[i]))) throw new Error('the threaded predict differs from the single-threaded one');

const bench = new Bench({ time: quick ? 300 : 4000, iterations: quick ? 3 : 20 });
bench.add('1 thread', () => one.m.predict(x));
bench.add(`${threads} threads`, () => many.m.predict(x));
await bench.run();

const median = (t) => t.result.latency.p50;
const [t1, tn] = bench.tasks;
const flops = 2 * 4 * W2.H * (W2.I + W2.H) * W2.B * W2.T;
console.log(`W2 predict (I=${W2.I} H=${W2.H} B=${W2.B} T=${W2.T}), identical outputs; ${new Date().toISOString().slice(0, 10)}, ${os.cpus()[0]?.model ?? 'unknown cpu'}, ${os.availableParallelism()} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, Node ${process.version}`);
console.log('| threads | median ms | min ms | GFLOP/s | speed-up |');
console.log('|---:|---:|---:|---:|---:|');
for (const t of [t1, tn]) {
  console.log(`| ${t.name} | ${median(t).toFixed(2)} | ${t.result.latency.min.toFixed(2)} | ${(flops / median(t) / 1e6).toFixed(1)} | ${(median(t1) / median(t)).toFixed(2)}× |`);
}
one.m.dispose();
many.m.dispose();
shutdownThreads();
