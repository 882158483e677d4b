// The training workloads of DESIGN.md (issue 3) and the main job's fit
// (issue 4), lstm-wasm against TensorFlow.js in one run. Run:
// `npm run bench:train` (builds first), or `node bench/train.js` on a built
// tree; `-- --quick` for a short smoke run, `-- --only=w3` / `--only=w4` /
// `--only=forecast` for one workload, `-- --tfjs-cpu-epochs=N` to cut TF.js
// cpu's W4 and forecast fits short (they are then reported per epoch and
// extrapolated, clearly marked).
//
// W3: LSTM(8→64) → Dense(1) on the last step, MSE, Adam(1e-3), B=64, T=50:
//     one trainOnBatch on a fixed random batch, median over tinybench
//     iterations.
// W4: the airline tutorial: LSTM(50, returnSequences) → LSTM(100) → Dense(1),
//     windows of 10 monthly values → the next, chronological 80/20 split,
//     min-max scaling fitted on the training part, MSE, Adam(1e-2), batch 32,
//     shuffled, 100 epochs: one fit per backend timed with performance.now
//     (a single long run each, JIT warm-up included), then the test RMSE in
//     passengers beside the naive baselines.
// Forecast (issue 4): the default `lstm-wasm forecast` run, i.e. the
//     library's forecaster(series) with its defaults (DEFAULT_RECIPE: log,
//     12-month difference, standardized, windows of 6; DEFAULT_TRAINING:
//     LSTM(50, returnSequences) → LSTM(100) → Dense(1), Adam(1e-3), batch 16,
//     100 epochs, shuffled), its own f.fitSeconds and test RMSE, against
//     TF.js fitting the same model from the same initial weights on the same
//     windows (the forecaster's data prep redone with the exported
//     FittedRecipe / chronologicalSplit / slidingWindows), with its test
//     predictions turned back into passengers by the same FittedRecipe.
//
// Every model starts from the same weights (lstm-wasm's seeded initial
// weights, copied into TF.js in Keras layout), so the first losses must agree.
// TF.js's LSTM is built with recurrentActivation 'sigmoid' (Keras's and
// PyTorch's gate function; TF.js's default is hardSigmoid, a different model).
//
// Order matters (DESIGN.md, Memory): once any wasm memory grows, V8 slows all
// typed-array code in the process. So lstm-wasm's js backend and TF.js cpu
// are timed first (phase A), then lstm-wasm's wasm builds (phase B), then
// TF.js wasm, whose emscripten heap grows while it runs (phase C). Every
// heap's size is recorded before and after, and the report says what grew when.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import {
  Adam, chronologicalSplit, DEFAULT_RECIPE, DEFAULT_TRAINING, Dense, FittedRecipe, forecaster, init, LSTM, memoryInfo, rmse, Sequential, slidingWindows,
} from '../dist/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.find((a) => a.startsWith('--only='))?.slice(7).toLowerCase();
const runW3 = !only || only === 'w3', runW4 = !only || only === 'w4', runFC = !only || only === 'forecast';
if (only && only !== 'w3' && only !== 'w4' && only !== 'forecast') {
  console.error(`bench/train.js: --only=${only}: use --only=w3, --only=w4 or --only=forecast`);
  process.exit(2);
}
const W4_EPOCHS = quick ? 5 : 100;
// the forecast workload runs forecaster()'s defaults; --quick only cuts its epochs
const FC_OPTIONS = quick ? { epochs: 5 } : {};
const FC_EPOCHS = FC_OPTIONS.epochs ?? DEFAULT_TRAINING.epochs;
const tfjsCpuEpochsArg = Number(args.find((a) => a.startsWith('--tfjs-cpu-epochs='))?.slice(18));
const tfjsCpuEpochs = (max) => (Number.isInteger(tfjsCpuEpochsArg) && tfjsCpuEpochsArg > 0 ? Math.min(tfjsCpuEpochsArg, max) : max);
const TFJS_CPU_W4_EPOCHS = tfjsCpuEpochs(W4_EPOCHS);
const TFJS_CPU_FC_EPOCHS = tfjsCpuEpochs(FC_EPOCHS);

// ---------------------------------------------------------------- TF.js
// TF.js's Node bundles are CommonJS; its banner ("install tfjs-node") and the
// orthogonal-initializer notice are silenced while it loads and builds.
const require = createRequire(import.meta.url);
const quiet = (fn) => {
  const { log, warn, info } = console;
  console.log = console.warn = console.info = () => {};
  try { return fn(); } finally { Object.assign(console, { log, warn, info }); }
};
const tf = quiet(() => require('@tensorflow/tfjs'));
const tfWasm = require('@tensorflow/tfjs-backend-wasm');
// In Node the wasm backend reads its .wasm files from disk: point it at the
// package's dist folder as a file path prefix ending in a separator.
tfWasm.setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep);
const TFJS_VERSION = tf.version.tfjs;

async function tfBackend(name) {
  if (!(await tf.setBackend(name))) throw new Error(`TF.js backend ${name} failed to initialize`);
  await tf.ready();
  if (name === 'wasm' && !(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'))) throw new Error('TF.js wasm: no SIMD here');
}

/** Byte size of TF.js wasm's emscripten heap (only while the wasm backend is active). */
const tfWasmHeap = () => tf.backend().wasm.HEAPU8.buffer.byteLength;

const toTf = (t) => tf.tensor(t.data, t.shape);

/** A TF.js Sequential of LSTMs (+ Dense(1)) with lstm-wasm's Keras-layout weights, compiled with Adam(lr) and MSE. */
function tfModel(spec, weights, lr) {
  const m = tf.sequential();
  spec.lstms.forEach((units, i) => {
    m.add(tf.layers.lstm({
      units,
      returnSequences: i < spec.lstms.length - 1,
      recurrentActivation: 'sigmoid',
      recurrentInitializer: 'glorotUniform', // overwritten below; TF.js's orthogonal init is slow
      ...(i === 0 ? { inputShape: [spec.T, spec.I] } : {}),
    }));
  });
  m.add(tf.layers.dense({ units: 1 }));
  m.layers.forEach((layer, i) => {
    const w = weights[i];
    const ts = w.recurrentKernel ? [w.kernel, w.recurrentKernel, w.bias].map(toTf) : [w.kernel, w.bias].map(toTf);
    layer.setWeights(ts);
    ts.forEach((t) => t.dispose());
  });
  m.compile({ optimizer: tf.train.adam(lr), loss: 'meanSquaredError' });
  return m;
}

// ---------------------------------------------------------------- lstm-wasm
async function ourModel(backend, spec, weights, lr) {
  await init({ backend });
  const layers = spec.lstms.map((units, i) => new LSTM({
    units,
    returnSequences: i < spec.lstms.length - 1,
    seed: 7 + i,
    ...(i === 0 ? { inputSize: spec.I } : {}),
  }));
  const m = new Sequential([...layers, new Dense({ units: 1, seed: 99 })]);
  if (weights) m.layers.forEach((l, i) => l.setWeights(weights[i], { from: 'keras' }));
  m.compile({ optimizer: new Adam({ learningRate: lr }), loss: 'mse' });
  return m;
}

const kerasWeights = (m) => m.layers.map((l) => l.getWeights({ to: 'keras' }));

/** Heap bytes of one of our backends (memoryInfo reports the active one). */
async function ourHeap(backend) {
  await init({ backend });
  return memoryInfo().heapBytes;
}

// ---------------------------------------------------------------- helpers
function uniform(n, seed) {
  let s = seed >>> 0;
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    a[i] = (s / 2 ** 32) * 2 - 1;
  }
  return a;
}

const relDiff = (a, b) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);
const fmt = (x, d = 1) => (x >= 100 ? x.toFixed(0) : x.toFixed(d));
const mib = (b) => `${(b / 2 ** 20).toFixed(0)} MiB`;

const heapLog = []; // what each wasm heap was, and when
const note = (what) => heapLog.push(what);

// ---------------------------------------------------------------- W3
const W3 = { I: 8, T: 50, B: 64, lstms: [64], lr: 1e-3 };
const W3_STEPS_CHECKED = 3;
/** FLOPs of the LSTM forward 2·4H·(I+H)·B·T; a training step is ≈ 3× that (forward + two backward GEMMs). */
const W3_FLOPS = 3 * 2 * 4 * 64 * (8 + 64) * W3.B * W3.T;

const w3x = { shape: [W3.B, W3.T, W3.I], data: uniform(W3.B * W3.T * W3.I, 12345) };
const w3y = { shape: [W3.B, 1], data: uniform(W3.B, 777) };

const benchOptions = (slow) => quick
  ? { time: 200, iterations: 3, warmupTime: 0, warmupIterations: 1, throws: true }
  : { time: slow ? 5000 : 3000, iterations: 10, warmupTime: 300, warmupIterations: slow ? 2 : 10, throws: true };

async function median(name, fn, slow) {
  const bench = new Bench(benchOptions(slow));
  bench.add(name, fn);
  await bench.run();
  const r = bench.tasks[0].result;
  return { ms: r.latency.p50, samples: r.latency.samplesCount ?? r.latency.samples?.length };
}

const w3 = {}; // backend label -> { ms, samples, losses }
let w3Weights;

async function w3Ours(backend) {
  const m = await ourModel(backend, W3, w3Weights, W3.lr);
  w3Weights ??= kerasWeights(m);
  const losses = [];
  for (let i = 0; i < W3_STEPS_CHECKED; i++) losses.push(m.trainOnBatch(w3x, w3y));
  const r = await median(backend, () => m.trainOnBatch(w3x, w3y), backend === 'js');
  w3[backend] = { ...r, losses };
  m.dispose();
}

async function w3Tf(backend) {
  await tfBackend(backend);
  if (backend === 'wasm') note(`TF.js wasm heap at start of W3: ${mib(tfWasmHeap())}`);
  const m = quiet(() => tfModel(W3, w3Weights, W3.lr));
  const xs = toTf(w3x), ys = toTf(w3y);
  const losses = [];
  for (let i = 0; i < W3_STEPS_CHECKED; i++) losses.push(await m.trainOnBatch(xs, ys));
  const r = await median(`tfjs-${backend}`, () => m.trainOnBatch(xs, ys), true);
  w3[`tfjs-${backend}`] = { ...r, losses };
  m.dispose(); xs.dispose(); ys.dispose();
}

// ---------------------------------------------------------------- W4
const WINDOW = 10, SEASON = 12;
const W4 = { I: 1, T: WINDOW, lstms: [50, 100], lr: 1e-2, batch: 32 };

/** The second column of the CSV (monthly passengers, thousands), parsed by hand. */
function readAirline() {
  const text = fs.readFileSync(path.join(here, '..', 'data', 'international-airline-passengers.csv'), 'utf8');
  const values = text.split(/\r?\n/).slice(1).filter((l) => l.trim()).map((l, i) => {
    const v = Number(l.split(',')[1]);
    if (!Number.isFinite(v)) throw new Error(`airline CSV line ${i + 2}: no number in ${JSON.stringify(l)}`);
    return v;
  });
  if (values.length !== 144) throw new Error(`airline CSV: expected 144 monthly values, got ${values.length}`);
  return values;
}

function airline() {
  const v = readAirline();
  const windows = v.length - WINDOW; // window i: v[i..i+9] → v[i+10]
  const nTrain = Math.floor(0.8 * windows), nTest = windows - nTrain;
  // scaling fitted on every value the training windows touch (inputs and targets), nothing later
  const seen = v.slice(0, nTrain + WINDOW);
  const lo = Math.min(...seen), hi = Math.max(...seen);
  const scale = (p) => (p - lo) / (hi - lo), unscale = (s) => s * (hi - lo) + lo;
  const set = (from, n) => {
    const x = new Float32Array(n * WINDOW), y = new Float32Array(n);
    for (let k = 0; k < n; k++) {
      for (let j = 0; j < WINDOW; j++) x[k * WINDOW + j] = scale(v[from + k + j]);
      y[k] = scale(v[from + k + WINDOW]);
    }
    return { x: { shape: [n, WINDOW, 1], data: x }, y: { shape: [n, 1], data: y } };
  };
  const truth = v.slice(nTrain + WINDOW); // test targets, passengers
  const rmse = (pred) => Math.sqrt(pred.reduce((s, p, k) => s + (p - truth[k]) ** 2, 0) / truth.length);
  const persistence = truth.map((_, k) => v[nTrain + k + WINDOW - 1]);
  const seasonal = truth.map((_, k) => v[nTrain + k + WINDOW - SEASON]);
  return {
    train: set(0, nTrain), test: set(nTrain, nTest), nTrain, nTest, lo, hi,
    rmseScaled: (predScaled) => rmse(Array.from(predScaled, unscale)),
    baselines: { persistence: rmse(persistence), seasonal: rmse(seasonal) },
  };
}

const w4 = {}; // backend label -> { epochs, ms, rmse, loss }
let w4Weights, air;

async function w4Ours(backend) {
  const m = await ourModel(backend, W4, w4Weights, W4.lr);
  w4Weights ??= kerasWeights(m);
  const t0 = performance.now();
  const h = await m.fit(air.train.x, air.train.y, { epochs: W4_EPOCHS, batchSize: W4.batch, shuffle: true, seed: 1 });
  const ms = performance.now() - t0;
  w4[backend] = { epochs: W4_EPOCHS, ms, rmse: air.rmseScaled(m.predict(air.test.x).data), loss: h.history.loss.at(-1) };
  m.dispose();
}

async function w4Tf(backend, epochs) {
  await tfBackend(backend);
  if (backend === 'wasm') note(`TF.js wasm heap at start of W4: ${mib(tfWasmHeap())}`);
  const m = quiet(() => tfModel(W4, w4Weights, W4.lr));
  const xs = toTf(air.train.x), ys = toTf(air.train.y), xt = toTf(air.test.x);
  const t0 = performance.now();
  const h = await m.fit(xs, ys, { epochs, batchSize: W4.batch, shuffle: true, verbose: 0 });
  const ms = performance.now() - t0;
  const p = m.predict(xt);
  w4[`tfjs-${backend}`] = { epochs, ms, rmse: air.rmseScaled(await p.data()), loss: h.history.loss.at(-1) };
  tf.dispose([m, xs, ys, xt, p]);
}

// ---------------------------------------------------------------- forecast (issue 4)
/**
 * The forecaster's data prep, redone with the exported pieces exactly as
 * src/forecast/forecaster.ts does it, so TF.js trains on the very windows
 * forecaster(series) trains on and is scored on the same test points.
 */
function forecastData() {
  const values = readAirline();
  const o = { ...DEFAULT_TRAINING, ...FC_OPTIONS };
  const recipe = DEFAULT_RECIPE;
  const [testFrom] = chronologicalSplit(values.length, { test: o.test }).test;
  const fitted = FittedRecipe.fit(recipe, values, testFrom);
  const lag = fitted.lag;
  const z = fitted.toModel(values);
  const train = slidingWindows(z, { window: recipe.window, to: testFrom - lag });
  const test = slidingWindows(z, { window: recipe.window, from: testFrom - lag });
  const targets = test.targets.map((t) => t + lag);
  const truth = targets.map((t) => values[t]);
  return {
    values, o, recipe, fitted, testFrom, train, test, targets,
    spec: { I: 1, T: recipe.window, lstms: o.layers },
    /** Test RMSE in passengers of model-space predictions, inverted by the same FittedRecipe from the true history. */
    rmsePassengers: (zPred) => rmse(targets.map((t, i) => fitted.fromModel(zPred[i], t, values)), truth),
  };
}

/** The Sequential forecaster() builds (same layers, same seeds, hence the same initial weights), compiled as it compiles it. */
function forecasterModel(o) {
  const m = new Sequential([
    ...o.layers.map((units, i) => new LSTM({ inputSize: i === 0 ? 1 : undefined, units, returnSequences: i < o.layers.length - 1, seed: o.seed * 1000 + i })),
    new Dense({ units: 1, seed: o.seed * 1000 + o.layers.length }),
  ]);
  m.compile({ optimizer: new Adam({ learningRate: o.learningRate }), loss: 'mse' });
  return m;
}

const fc = {}; // backend label -> { epochs, ms, rmse, loss, initialLoss? }
let fcData, fcWeights, fcInitialLoss, fcBaselines, fcReplica;

/** Build the forecaster's model once (on the js backend, before any wasm heap exists): its initial weights, and its loss on the training windows before any update. */
async function fcPrepare() {
  await init({ backend: 'js' });
  const m = forecasterModel(fcData.o);
  fcWeights = kerasWeights(m);
  fcInitialLoss = m.evaluate(fcData.train.x, fcData.train.y).loss;
  m.dispose();
}

async function fcOurs(backend) {
  await init({ backend });
  const f = await forecaster(fcData.values, FC_OPTIONS);
  try {
    // the bench's data prep must be the forecaster's: same training windows, same test points
    if (f.sizes.trainWindows !== fcData.train.targets.length || f.evaluation.targets.join() !== fcData.targets.join()) {
      throw new Error(`forecast bench: the data prep differs from forecaster()'s (${f.sizes.trainWindows} vs ${fcData.train.targets.length} training windows)`);
    }
    const loss = f.history.history.loss;
    fc[backend] = { epochs: f.history.epoch.length, ms: f.fitSeconds * 1000, rmse: f.evaluation.rmse, loss: loss.at(-1), firstEpochLoss: loss[0] };
    fcBaselines ??= f.evaluation.baselines;
  } finally {
    f.dispose();
  }
}

/** The rebuilt model, trained one epoch as forecaster() trains it, must give forecaster()'s first-epoch loss on the same backend. */
async function fcCheckReplica(backend) {
  await init({ backend });
  const m = forecasterModel(fcData.o);
  const h = await m.fit(fcData.train.x, fcData.train.y, { epochs: 1, batchSize: fcData.o.batchSize, seed: fcData.o.seed });
  fcReplica = { backend, loss: h.history.loss[0], forecaster: fc[backend].firstEpochLoss };
  m.dispose();
}

async function fcTf(backend, epochs) {
  await tfBackend(backend);
  if (backend === 'wasm') note(`TF.js wasm heap at start of forecast: ${mib(tfWasmHeap())}`);
  const m = quiet(() => tfModel(fcData.spec, fcWeights, fcData.o.learningRate));
  const xs = toTf(fcData.train.x), ys = toTf(fcData.train.y), xt = toTf(fcData.test.x);
  const l0 = m.evaluate(xs, ys, { batchSize: fcData.o.batchSize });
  const initialLoss = (await l0.data())[0];
  const t0 = performance.now();
  const h = await m.fit(xs, ys, { epochs, batchSize: fcData.o.batchSize, shuffle: true, verbose: 0 });
  const ms = performance.now() - t0;
  const p = m.predict(xt);
  fc[`tfjs-${backend}`] = { epochs, ms, rmse: fcData.rmsePassengers(await p.data()), loss: h.history.loss.at(-1), initialLoss };
  tf.dispose([m, xs, ys, xt, p, l0]);
}

// ---------------------------------------------------------------- run
const OURS_WASM = ['wasm-simd', 'wasm'];
if (runW4) air = airline();
if (runFC) fcData = forecastData();

// phase A: plain-JS typed-array code, before any wasm heap exists or grows
if (runW3) { await w3Ours('js'); await w3Tf('cpu'); }
if (runW4) { await w4Ours('js'); await w4Tf('cpu', TFJS_CPU_W4_EPOCHS); }
if (runFC) { await fcPrepare(); await fcOurs('js'); await fcTf('cpu', TFJS_CPU_FC_EPOCHS); }

// phase B: lstm-wasm's wasm builds
const ourStart = {};
for (const b of OURS_WASM) ourStart[b] = await ourHeap(b);
if (runW3) for (const b of OURS_WASM) await w3Ours(b);
if (runW4) for (const b of OURS_WASM) await w4Ours(b);
if (runFC) { await fcOurs('wasm-simd'); await fcCheckReplica('wasm-simd'); }
const ourEnd = {};
for (const b of OURS_WASM) ourEnd[b] = await ourHeap(b);
for (const b of OURS_WASM) note(`lstm-wasm ${b} heap: ${mib(ourStart[b])} at init, ${mib(ourEnd[b])} after phase B${ourEnd[b] !== ourStart[b] ? ' (GREW)' : ' (no growth)'}`);

// phase C: TF.js wasm (its heap grows as it runs)
if (runW3) await w3Tf('wasm');
if (runW4) await w4Tf('wasm', W4_EPOCHS);
if (runFC) await fcTf('wasm', FC_EPOCHS);
note(`TF.js wasm heap at the end: ${mib(tfWasmHeap())}`);

// ---------------------------------------------------------------- report
const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
const extra = args.length ? ` -- ${args.join(' ')}` : '';
const out = [];
out.push(`### ${new Date().toISOString().slice(0, 10)} — \`npm run bench:train${extra}\``);
out.push(`Machine: ${cpu}, ${os.cpus().length} cores, Node ${process.version}, ${os.platform()} ${os.release()}; TensorFlow.js ${TFJS_VERSION} (cpu; wasm with SIMD, 1 thread)`);

if (runW3) {
  const order = ['wasm-simd', 'wasm', 'js', 'tfjs-wasm', 'tfjs-cpu'];
  const simd = w3['wasm-simd'].ms, ref = w3.js.losses;
  out.push('', `**W3 train step** — LSTM(8→64) → Dense(1), MSE, Adam(1e-3), B=64, T=50: one \`trainOnBatch\`, tinybench median (samples in brackets). GFLOP/s counts a step as 3× the LSTM forward's 2·4H·(I+H)·B·T.`, '');
  out.push('| backend | median ms / step | ≈ GFLOP/s | wasm-simd is … × faster | losses of steps 1–3 (same start) | max rel. diff vs js |');
  out.push('|---|---:|---:|---:|---|---:|');
  for (const b of order) {
    const r = w3[b];
    const diff = Math.max(...r.losses.map((l, i) => relDiff(l, ref[i])));
    out.push(`| ${b === 'wasm-simd' || b === 'wasm' || b === 'js' ? `lstm-wasm ${b}` : b} | ${r.ms.toFixed(2)} (${r.samples}) | ${(W3_FLOPS / (r.ms * 1e6)).toFixed(1)} | ${b === 'wasm-simd' ? '—' : fmt(r.ms / simd)} | ${r.losses.map((l) => l.toFixed(6)).join(', ')} | ${diff.toExponential(1)} |`);
  }
  out.push('', 'Step 1\'s loss is the forward pass from identical weights. Later steps differ between lstm-wasm and TF.js by ~1e-4 relative because of Adam\'s ε: lstm-wasm follows Keras (ε added to √v, with the bias correction folded into the step size), TF.js adds ε to the bias-corrected √v̂; with SGD, or with ε = 1e-12 in both, the losses agree to ~1e-6 (gradients match).');
  const t1 = w3['tfjs-wasm'].ms / simd, t2 = w3.js.ms / simd;
  out.push('', `Targets of issue 3: wasm-simd ≥ 10× TF.js wasm (measured ${fmt(t1)}×: ${t1 >= 10 ? 'met' : 'NOT met'}) and ≥ 15× lstm-wasm js (measured ${fmt(t2)}×: ${t2 >= 15 ? 'met' : 'NOT met'}).`);
}

if (runW4) {
  const order = ['wasm-simd', 'wasm', 'js', 'tfjs-wasm', 'tfjs-cpu'];
  const perEpoch = (b) => w4[b].ms / w4[b].epochs;
  out.push('', `**W4 airline** — LSTM(50, returnSequences) → LSTM(100) → Dense(1) on \`data/international-airline-passengers.csv\` (144 months): windows of ${WINDOW} → next month, chronological split ${air.nTrain} train / ${air.nTest} test windows, min-max scaling fitted on the training part (${air.lo}–${air.hi}), MSE, Adam(1e-2), batch ${W4.batch}, shuffled, ${W4_EPOCHS} epochs, same initial weights everywhere. One \`fit\` per backend timed with performance.now (a single run, JIT warm-up included); RMSE on the test windows in passengers (thousands).`, '');
  out.push('| backend | epochs run | fit time s | ms / epoch | wasm-simd is … × faster (per epoch) | final train loss (scaled MSE) | test RMSE |');
  out.push('|---|---:|---:|---:|---:|---:|---:|');
  for (const b of order) {
    const r = w4[b];
    const cut = r.epochs < W4_EPOCHS;
    const time = cut ? `${(r.ms / 1000).toFixed(1)} (≈ ${(perEpoch(b) * W4_EPOCHS / 1000).toFixed(0)} for ${W4_EPOCHS}, extrapolated)` : (r.ms / 1000).toFixed(2);
    const rmse = cut ? `${r.rmse.toFixed(1)} (after ${r.epochs} epochs: not comparable)` : r.rmse.toFixed(1);
    out.push(`| ${b === 'wasm-simd' || b === 'wasm' || b === 'js' ? `lstm-wasm ${b}` : b} | ${r.epochs} | ${time} | ${perEpoch(b).toFixed(1)} | ${b === 'wasm-simd' ? '—' : fmt(perEpoch(b) / perEpoch('wasm-simd'))} | ${r.loss.toFixed(5)} | ${rmse} |`);
  }
  out.push(`| naive: persistence (last value) | — | — | — | — | — | ${air.baselines.persistence.toFixed(1)} |`);
  out.push(`| naive: seasonal (12 months before) | — | — | — | — | — | ${air.baselines.seasonal.toFixed(1)} |`);
}

if (runFC) {
  const order = ['wasm-simd', 'js', 'tfjs-wasm', 'tfjs-cpu'];
  const perEpoch = (b) => fc[b].ms / fc[b].epochs;
  const { o, recipe, fitted } = fcData;
  const label = (b) => (b.startsWith('tfjs') ? `${b} (same model, weights, windows)` : `lstm-wasm ${b}: \`forecaster(series)\``);
  out.push('', `**The main job: default \`forecast\` fit** — \`forecaster(series)\` with ${quick ? `its defaults but ${FC_EPOCHS} epochs (--quick)` : 'its defaults'}, i.e. \`lstm-wasm forecast\`, on \`data/international-airline-passengers.csv\` (${fcData.values.length} months): ${fitted.describe()}; the last ${fcData.values.length - fcData.testFrom} months held out (${fcData.train.targets.length} training windows, ${fcData.targets.length} test points); LSTM(${o.layers.join(', returnSequences) → LSTM(')}) → Dense(1), MSE, Adam(${o.learningRate}), batch ${o.batchSize}, shuffled, ${FC_EPOCHS} epochs. lstm-wasm's fit time is the forecaster's own \`f.fitSeconds\` and its RMSE \`f.evaluation.rmse\`; TF.js fits the same model from the same initial weights (the forecaster's seeded ones, in Keras layout) on the same windows, \`model.fit\` timed with performance.now, and its test predictions are turned back into passengers by the same FittedRecipe. One run per backend, JIT warm-up included; RMSE one step ahead on the test months in passengers (thousands).`, '');
  out.push('| backend | epochs | fit s | ms / epoch | × vs lstm-wasm wasm-simd (per epoch) | final train loss (standardized MSE) | test RMSE |');
  out.push('|---|---:|---:|---:|---:|---:|---:|');
  for (const b of order) {
    const r = fc[b];
    const cut = r.epochs < FC_EPOCHS;
    const time = cut ? `${(r.ms / 1000).toFixed(1)} (≈ ${(perEpoch(b) * FC_EPOCHS / 1000).toFixed(0)} for ${FC_EPOCHS}, extrapolated)` : (r.ms / 1000).toFixed(2);
    const err = cut ? `${r.rmse.toFixed(1)} (after ${r.epochs} epochs: not comparable)` : r.rmse.toFixed(1);
    out.push(`| ${label(b)} | ${r.epochs} | ${time} | ${perEpoch(b).toFixed(1)} | ${b === 'wasm-simd' ? '—' : fmt(perEpoch(b) / perEpoch('wasm-simd'))} | ${r.loss.toFixed(4)} | ${err} |`);
  }
  const bl = fcBaselines;
  out.push(`| naive: persistence (last value) | — | — | — | — | — | ${bl.persistence.rmse.toFixed(1)} |`);
  out.push(`| naive: seasonal (12 months before) | — | — | — | — | — | ${bl.seasonalNaive.rmse.toFixed(1)} |`);
  out.push(`| naive: seasonal + last year-on-year change | — | — | — | — | — | ${bl.seasonalNaiveTrend.rmse.toFixed(1)} |`);
  const same = fcReplica.loss === fcReplica.forecaster;
  out.push('', `Same start: the training-window MSE before any update is ${fcInitialLoss.toFixed(6)} in lstm-wasm and ${fc['tfjs-cpu'].initialLoss.toFixed(6)} / ${fc['tfjs-wasm'].initialLoss.toFixed(6)} in TF.js cpu / wasm. The bench's rebuilt lstm-wasm model, trained one epoch as forecaster() trains it (${fcReplica.backend}), gives first-epoch loss ${fcReplica.loss.toFixed(6)} vs the forecaster's ${fcReplica.forecaster.toFixed(6)} (${same ? 'identical' : `DIFFERENT, rel. ${relDiff(fcReplica.loss, fcReplica.forecaster).toExponential(1)}`}). lstm-wasm's two backends share the shuffle seed; TF.js shuffles with its own generator, so its trajectory (and RMSE) is one different training run.`);
}

const ran = runW3 || runW4 ? 'wasm-simd and wasm' : 'wasm-simd';
out.push('', `Order: lstm-wasm js and TF.js cpu were timed first, before any wasm heap existed in the process; then lstm-wasm ${ran}; then TF.js wasm. Wasm heaps: ${heapLog.join('; ')}.`);
const grewBeforeC = OURS_WASM.filter((b) => ourEnd[b] !== ourStart[b]);
out.push(`wasm memory grew before TF.js wasm ran: ${grewBeforeC.length ? `yes (lstm-wasm ${grewBeforeC.join(', ')}): TF.js wasm was timed after a grow` : 'no'}; js and TF.js cpu were timed in a process where nothing had grown.`);
console.log(`\n${out.join('\n')}`);
