// Where two threads help an LSTM predict, by H: I=64, B=32 (or B=…), T=50, returnSequences, H from 64
// (U = 16·H² bytes fits a core's L2) to 512 (U = 4 MiB, far past it). One threads backend in one
// process, its cuts off (one thread: setMinSplitWork(Infinity)) and on (the row cut over the pool),
// alternating call for call; `project` and `lstmRecur` are timed apart by wrapping the backend's
// kernels. Issue 12's question: does the row cut's recurrence stop scaling once U leaves L2?
//
//   npm run build && node bench/threads-shapes.js [64 128 256 512] [--batch 32] [--threads 2]
import os from 'node:os';
import { init, LSTM, Sequential, backendInfo, shutdownThreads } from '../dist/index.js';
import { activeBackend } from '../dist/backend/registry.js';
import { cutCallCount, setMinSplitWork } from '../dist/backend/threads/threaded-kernels.js';
import { input } from './input.js';

const args = process.argv.slice(2);
const option = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? Number(args[i + 1]) : fallback; };
const B = option('--batch', 32), threads = option('--threads', 2), I = 64, T = 50;
const Hs = args.filter((a, i) => /^\d+$/.test(a) && !args[i - 1]?.startsWith('--')).map(Number);
if (Hs.length === 0) Hs.push(64, 128, 256, 512);

await init({ backend: 'wasm-simd', relaxedSimd: false, threads });
if (backendInfo().threads !== threads) throw new Error(`asked for ${threads} threads, backendInfo() says ${backendInfo().threads}`);
const kernels = activeBackend().kernels, spent = { project: 0, lstmRecur: 0 };
for (const name of Object.keys(spent)) {
  const f = kernels[name];
  kernels[name] = function () {
    const t = performance.now();
    f.apply(this, arguments);
    spent[name] += performance.now() - t;
  };
}
const x = input({ I, B, T });
console.log(`LSTM predict I=${I} B=${B} T=${T}, 1 vs ${threads} threads (row cut), alternating; ${new Date().toISOString().slice(0, 10)}, ${os.cpus()[0]?.model ?? 'unknown cpu'}, ${os.availableParallelism()} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, Node ${process.version}`);
console.log('| H | U | 1 thread ms | 2 threads ms | speed-up | 1 thread: project / recurrence ms | 2 threads: project / recurrence ms | recurrence speed-up |');
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|');
const cutsBefore = cutCallCount();
for (const H of Hs) {
  const model = new Sequential([new LSTM({ inputSize: I, units: H, returnSequences: true, seed: 7 })]);
  const calls = H >= 512 ? 10 : 30;
  model.predict(x);
  const times = [[], []], parts = [[0, 0], [0, 0]];
  for (let r = 0; r < calls; r++) {
    for (let i = 0; i < 2; i++) {
      setMinSplitWork(i === 0 ? Infinity : undefined);
      spent.project = spent.lstmRecur = 0;
      const t = performance.now();
      model.predict(x);
      times[i].push(performance.now() - t);
      parts[i][0] += spent.project;
      parts[i][1] += spent.lstmRecur;
    }
  }
  model.dispose();
  const median = (a) => a.sort((p, q) => p - q)[a.length >> 1];
  const [one, two] = times.map(median);
  const split = (p) => `${(p[0] / calls).toFixed(2)} / ${(p[1] / calls).toFixed(2)}`;
  console.log(`| ${H} | ${(16 * H * H / 1024).toFixed(0)} KiB | ${one.toFixed(2)} | ${two.toFixed(2)} | ${(one / two).toFixed(2)}× | ${split(parts[0])} | ${split(parts[1])} | ${(parts[0][1] / parts[1][1]).toFixed(2)}× |`);
}
setMinSplitWork(undefined);
if (cutCallCount() === cutsBefore) throw new Error('no call was cut: the threaded runs ran on one thread');
console.log(`load average after: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
shutdownThreads();
