// W2 and W3 of DESIGN.md on one thread and on init({ threads: 2 }) in one
// process (tinybench), after checking that both give the same floats bit for bit:
//   W2: LSTM I=64 H=256, B=32 sequences of T=50, predict;
//   W3: LSTM(8→64) → Dense(1), B=64, T=50, one Adam step (trainOnBatch) from
//       the same weights every time.
// Run: `npm run bench:threads` (add `-- --quick` for a short smoke run;
// `--threads N` for another count). Issue 12's target: ≥ 1.6× on 2 cores.
import os from 'node:os';
import { Bench } from 'tinybench';
import { backendInfo, Dense, init, LSTM, Sequential, shutdownThreads } from '../dist/index.js';
import { input } from './input.js';

const quick = process.argv.includes('--quick');
const at = process.argv.indexOf('--threads');
const threads = at > 0 ? Number(process.argv[at + 1]) : 2;
const W2 = { I: 64, H: 256, B: 32, T: 50 };
const W3 = { I: 8, H: 64, B: 64, T: 50 };

/**
 * W2's and W3's models on the backend init(options) makes active. A model binds to the backend active
 * when it first allocates (its first predict, or snapshotParams), not when it is made: both are bound
 * here, before the next init() (until 2026-11-29 W2's was not, and "W2 1 thread" ran on the threads).
 */
async function models(options) {
  await init(options);
  const info = backendInfo();
  const w2 = new Sequential([new LSTM({ inputSize: W2.I, units: W2.H, returnSequences: true, seed: 7 })]);
  const w3 = new Sequential([new LSTM({ inputSize: W3.I, units: W3.H, seed: 7 }), new Dense({ units: 1, seed: 8 })]);
  w3.compile({ optimizer: 'adam', loss: 'mse' });
  w2.snapshotParams();
  return { info, w2, w3, start: w3.snapshotParams() };
}

const x2 = input(W2);
const x3 = input(W3);
const y3 = { shape: [W3.B, 1], data: input({ I: 1, B: W3.B, T: 1 }).data };
const one = await models({ backend: 'wasm-simd', relaxedSimd: false });
const many = await models({ backend: 'wasm-simd', relaxedSimd: false, threads });
if (many.info.threads !== threads) throw new Error(`asked for ${threads} threads, backendInfo() says ${many.info.threads}`);

const same = (a, b) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
if (!same(one.w2.predict(x2).data, many.w2.predict(x2).data)) throw new Error('W2: the threaded predict differs from the single-threaded one');
/** One W3 step from the starting weights: its loss and the weights after it. */
const step = (m) => {
  m.w3.restoreParams(m.start);
  const loss = m.w3.trainOnBatch(x3, y3);
  return [loss, ...m.w3.snapshotParams()];
};
if (!same(step(one), step(many))) throw new Error('W3: the threaded Adam step differs from the single-threaded one (loss or weights)');

const bench = new Bench({ time: quick ? 300 : 4000, iterations: quick ? 3 : 20 });
bench.add('W2 1 thread', () => one.w2.predict(x2));
bench.add(`W2 ${threads} threads`, () => many.w2.predict(x2));
bench.add('W3 1 thread', () => step(one));
bench.add(`W3 ${threads} threads`, () => step(many));
await bench.run();

const median = (t) => t.result.latency.p50;
const [w2a, w2b, w3a, w3b] = bench.tasks;
const w2Flops = 2 * 4 * W2.H * (W2.I + W2.H) * W2.B * W2.T;
// W3's step: the forward (2·4H·(I+H) per row and step) and about twice that backward
const w3Flops = 3 * 2 * 4 * W3.H * (W3.I + W3.H) * W3.B * W3.T;
console.log(`W2 predict (I=${W2.I} H=${W2.H} B=${W2.B} T=${W2.T}) and W3 Adam step (I=${W3.I} H=${W3.H} B=${W3.B} T=${W3.T}), identical results; ${new Date().toISOString().slice(0, 10)}, ${os.cpus()[0]?.model ?? 'unknown cpu'}, ${os.availableParallelism()} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, Node ${process.version}`);
console.log('| run | median ms | min ms | GFLOP/s | speed-up |');
console.log('|---|---:|---:|---:|---:|');
for (const [t, base, flops] of [[w2a, w2a, w2Flops], [w2b, w2a, w2Flops], [w3a, w3a, w3Flops], [w3b, w3a, w3Flops]]) {
  console.log(`| ${t.name} | ${median(t).toFixed(2)} | ${t.result.latency.min.toFixed(2)} | ${(flops / median(t) / 1e6).toFixed(1)} | ${(median(base) / median(t)).toFixed(2)}× |`);
}
// The table's tasks run one after the other, so a load that comes and goes on a shared machine moves their
// ratio; alternating the two runs call for call gives a speed-up from the same moments (the median of
// the rounds' ratios).
const rounds = quick ? 5 : 40;
const alternating = (a, b) => {
  const ratios = [];
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    a();
    const ta = performance.now() - t;
    t = performance.now();
    b();
    ratios.push(ta / (performance.now() - t));
  }
  return ratios.sort((x, y) => x - y)[rounds >> 1];
};
const w2Alt = alternating(() => one.w2.predict(x2), () => many.w2.predict(x2));
const w3Alt = alternating(() => step(one), () => step(many));
console.log(`Alternating call for call (${rounds} rounds, median ratio): W2 ${w2Alt.toFixed(2)}×, W3 ${w3Alt.toFixed(2)}×; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
for (const m of [one, many]) {
  m.w2.dispose();
  m.w3.dispose();
}
shutdownThreads();
