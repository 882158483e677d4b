// The head-to-head (issue 12): lstm-wasm against the JS / wasm / native
// LSTMs people would use instead, in one process, on the same weights.
//
//   npm run bench:peers                        build, install bench/'s peers, run everything (about 10 min)
//   npm run bench:peers -- --quick             a short smoke run (a corner of the sweep, few samples)
//   npm run bench:peers -- --only w1,w2,w3,sweep,cold,size
//   npm run bench:peers -- --write             also append the report to bench/RESULTS.md and draw bench/peers.svg
//
// Contenders (bench/peers/*.js, one module each, one interface: load(), then
// forward(workload, weights, x) → { run, output, dispose }, train(...) for W3):
// lstm-wasm on each backend (and its relaxed-SIMD and threaded builds where
// this tree has issue 12's backendInfo()), TF.js layers on cpu and wasm,
// ONNX Runtime Web (wasm, 1 thread; and with its thread pool, in a process
// of its own, timed alone) and onnxruntime-node (native, 1 thread) on a
// model of one ONNX LSTM node, brain.js (W1; a different model, never
// ranked), native PyTorch (W3, when python3 imports torch).
//
// Correctness first: before a contender is timed on a workload, its output
// is compared with lstm-wasm js's (the plain-TS reference); more than 1e-4
// off and it is reported as wrong and not ranked.
//
// Order (DESIGN.md, Memory): once a wasm memory grows, V8 slows typed-array
// code in the whole process. So phase A runs the plain-JS contenders
// (lstm-wasm js, TF.js cpu, brain.js) and computes every reference output
// before anything wasm starts; phase B then times the wasm and native
// contenders against each other, in turn, round after round. Ratios to a
// phase-A contender therefore span the two phases of one process.
//
// W4 (the airline fit) stays in bench/train.js, which times whole fits.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { coldStart } from './peers/cold.js';
import * as brain from './peers/brain.js';
import * as ours from './peers/lstm-wasm.js';
import * as ort from './peers/ort.js';
import { measurePeak } from './peers/peak.js';
import * as pytorch from './peers/pytorch.js';
import { shippedSizes } from './peers/size.js';
import { ratioChart } from './peers/svg.js';
import * as tfjs from './peers/tfjs.js';
import { RELAXED_FLAG, relaxedValidates, rerunWithRelaxedFlagIfNeeded } from './peers/relaxed.js';
import { race } from './peers/timing.js';
import * as W from './peers/workloads.js';

// ---------------------------------------------------------------- options
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const write = args.includes('--write');
const onlyAt = args.findIndex((a) => a === '--only' || a.startsWith('--only='));
const PARTS = ['w1', 'w2', 'w3', 'sweep', 'cold', 'size'];
const only = onlyAt < 0 ? PARTS : (args[onlyAt].includes('=') ? args[onlyAt].slice(7) : args[onlyAt + 1] ?? '').toLowerCase().split(',').filter(Boolean);
const unknown = only.filter((p) => !PARTS.includes(p));
if (unknown.length || !only.length) {
  console.error(`bench/peers.js: --only takes a comma-separated list of ${PARTS.join(', ')} (got ${JSON.stringify(only.join(','))})`);
  process.exit(2);
}
const runs = new Set(only);

// lstm-wasm's relaxed build races where the engine validates relaxed SIMD (Node 20: behind a flag, see peers/relaxed.js)
rerunWithRelaxedFlagIfNeeded(fileURLToPath(import.meta.url), args);
const relaxedHere = relaxedValidates();

/**
 * Samples: many for the fast contenders, few for the slow plain-JS ones (the
 * run that checks a contender's output is its first warm-up); the sweep gets
 * less time per point.
 */
const TIMING = quick
  ? { fast: { budgetMs: 250, minRuns: 5, maxRuns: 40, warm: 3 }, slow: { budgetMs: 250, minRuns: 1, maxRuns: 3, warm: 0 }, sweep: { budgetMs: 150, minRuns: 3, maxRuns: 20, warm: 2 }, cold: 3 }
  : { fast: { budgetMs: 2500, minRuns: 9, maxRuns: 500, warm: 10 }, slow: { budgetMs: 3000, minRuns: 3, maxRuns: 40, warm: 1 }, sweep: { budgetMs: 1000, minRuns: 3, maxRuns: 200, warm: 3 }, cold: 7 };
const TOLERANCE = 1e-4;
const started = performance.now();
const loadBefore = os.loadavg();
const log = (s) => process.stderr.write(`${s}\n`); // progress on stderr, the report on stdout

// ---------------------------------------------------------------- contenders
const OURS = ours.contenders();
const [OUR_JS, OUR_SIMD] = OURS;
const TFJS = tfjs.contenders();
const ALL = [...OURS, ...TFJS, ...ort.contenders(), brain.contender];
const versions = new Map(); // family → version
const skipped = new Map(); // contender name → why it did not run

/** The contenders of a phase that load here (the others are noted in `skipped`). */
async function loadPhase(phases) {
  const ok = [];
  for (const c of ALL.filter((k) => phases.includes(k.phase))) {
    try {
      const v = await c.load();
      versions.set(c.family, v.version);
      ok.push(c);
    } catch (e) {
      skipped.set(c.name, e.message.split('\n')[0]);
    }
  }
  return ok;
}

// ---------------------------------------------------------------- forward workloads
const forwardWorkloads = [
  ...(runs.has('w1') ? [W.W1] : []),
  ...(runs.has('w2') ? [W.W2] : []),
  ...(runs.has('sweep') ? W.sweep(quick).map((w) => ({ ...w, sweep: true })) : []),
];
const refs = new Map(); // workload id → lstm-wasm js's output
const results = new Map(); // workload id → [{ name, median, min, samples, diff, wrong, sameModel }]
const put = (id, row) => results.set(id, [...(results.get(id) ?? []), row]);

/**
 * Sets up each contender on w, checks its output (against lstm-wasm js's,
 * or its own reference for a different model), races the correct ones.
 */
async function raceForward(w, contenders, timing, weights, x) {
  const entries = [];
  const live = [];
  for (const c of contenders) {
    let f;
    try {
      f = await c.forward(w, weights, x);
      await f.run();
    } catch (e) {
      f?.dispose();
      put(w.id, { name: c.name, failed: e.message.split('\n')[0] });
      continue;
    }
    const diff = W.maxAbsDiff(f.output(), f.reference ? f.reference() : refs.get(w.id));
    const row = { name: c.name, diff, wrong: !(diff <= TOLERANCE), sameModel: c.sameModel !== false };
    put(w.id, row);
    live.push(f);
    if (!row.wrong) entries.push({ key: c.name, run: f.run, row });
  }
  log(`  ${w.id}: ${entries.map((e) => e.key).join(', ')}`);
  const timed = await race(entries, timing);
  for (const e of entries) Object.assign(e.row, timed[e.key]);
  for (const f of live) await f.dispose();
}

// ---------------------------------------------------------------- W3
const w3 = new Map(); // contender → { median, min, samples, losses, diff, wrong }
const W3_CHECKED = 2; // step 1 is the forward from the shared weights; step 2 follows one Adam update
const w3Data = () => {
  const w = W.W3;
  return { w, weights: W.lstmWeights(w), dense: W.denseWeights(w.H), x: W.input(w), y: W.targets(w) };
};
let w3RefLosses;

async function raceTrain(contenders, timing) {
  const { w, weights, dense, x, y } = w3Data();
  const entries = [];
  const live = [];
  for (const c of contenders) {
    if (!c.train) continue;
    let t;
    const losses = [];
    try {
      t = await c.train(w, weights, dense, x, y);
      for (let i = 0; i < W3_CHECKED; i++) losses.push(await t.step());
    } catch (e) {
      t?.dispose();
      w3.set(c.name, { failed: e.message.split('\n')[0] });
      continue;
    }
    w3RefLosses ??= losses; // lstm-wasm js runs first
    const diff = Math.max(...losses.map((l, i) => Math.abs(l - w3RefLosses[i])));
    const row = { losses, diff, wrong: !(diff <= TOLERANCE) };
    w3.set(c.name, row);
    live.push(t);
    if (!row.wrong) entries.push({ key: c.name, run: t.step, row });
  }
  const timed = await race(entries, timing);
  for (const e of entries) Object.assign(e.row, timed[e.key]);
  for (const t of live) t.dispose();
}

// ---------------------------------------------------------------- phase A: plain JS, before any wasm memory grows
const timesWork = forwardWorkloads.length > 0 || runs.has('w3');
if (timesWork) log(`bench:peers${quick ? ' --quick' : ''}: phase A (plain JS: lstm-wasm js, TF.js cpu, brain.js)`);
const phaseA = timesWork ? await loadPhase(['js']) : [OUR_JS];
if (timesWork && !phaseA.includes(OUR_JS)) throw new Error(`lstm-wasm js, the reference, did not load: ${skipped.get(OUR_JS.name)} (npm run build first)`);
const inputs = new Map();
// ORT-web's threaded run (a process of its own, after phase B) on the batched workloads; it reads their references from here
const batchB = Math.max(...forwardWorkloads.filter((w) => w.sweep).map((w) => w.B));
const threadedWorkloads = forwardWorkloads.filter((w) => !w.sweep || w.B === batchB);
const refDir = mkdtempSync(path.join(os.tmpdir(), 'lstm-wasm-peers-'));
process.on('exit', () => rmSync(refDir, { recursive: true, force: true }));
for (const w of forwardWorkloads) {
  const weights = W.lstmWeights(w), x = W.input(w);
  inputs.set(w.id, { weights, x });
  const ref = await OUR_JS.forward(w, weights, x);
  await ref.run();
  refs.set(w.id, ref.output());
  ref.dispose();
  if (threadedWorkloads.includes(w)) writeFileSync(path.join(refDir, `${w.id}.f32`), refs.get(w.id));
  if (!w.sweep) await raceForward(w, phaseA.filter((c) => c !== brain.contender || w.B === 1), TIMING.slow, weights, x);
}
if (runs.has('w3')) {
  log('  W3');
  await raceTrain(phaseA, TIMING.slow);
}

// ---------------------------------------------------------------- phase B: wasm and native
if (timesWork) log('phase B (wasm and native)');
const peak = timesWork ? await measurePeak({ quick }) : undefined;
const phaseB = timesWork ? await loadPhase(['wasm', 'native']) : [];
for (const w of forwardWorkloads) {
  const { weights, x } = inputs.get(w.id);
  // the sweep leaves out lstm-wasm's scalar build (the fallback, not a contender for speed), and TF.js from
  // T = 10,000: its time is a fixed cost per step (its T = 1000 point shows it), and 10,000 steps take a minute a run
  const contenders = !w.sweep ? phaseB : phaseB.filter((c) => c.name !== 'lstm-wasm wasm' && !(c.family === 'tfjs' && w.T >= 10000));
  await raceForward(w, contenders, w.sweep ? TIMING.sweep : TIMING.fast, weights, x);
  refs.delete(w.id);
}
// ORT-web's threaded run needs a process of its own (its thread count is fixed when its wasm starts)
const ORT_THREADS = Math.max(2, Math.min(4, os.availableParallelism()));
if (threadedWorkloads.length && !skipped.has('ORT-web wasm')) {
  const name = `ORT-web wasm ${ORT_THREADS} threads (own process)`;
  log(`  ${name}: ${threadedWorkloads.map((w) => w.id).join(', ')}`);
  const child = fileURLToPath(new URL('./peers/ort-threads-child.js', import.meta.url));
  const plain = threadedWorkloads.map(({ id, I, H, B, T }) => ({ id, I, H, B, T }));
  const r = spawnSync(process.execPath, [child, String(ORT_THREADS), JSON.stringify(plain), JSON.stringify({ ...TIMING.fast, tolerance: TOLERANCE }), refDir], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) skipped.set(name, `its process failed: ${r.stderr.trim().split('\n').at(-1)}`);
  else {
    const got = JSON.parse(r.stdout.trim().split('\n').at(-1));
    for (const [id, v] of Object.entries(got)) put(id, v.failed ? { name, failed: v.failed } : { name, ...v, wrong: !(v.diff <= TOLERANCE), sameModel: true });
  }
}

let torch;
if (runs.has('w3')) {
  log('  W3');
  await raceTrain(phaseB, TIMING.fast);
  try {
    versions.set('pytorch', (await pytorch.contender.load()).version);
    const { w, weights, dense, x, y } = w3Data();
    const r = await pytorch.contender.trainTimed(w, weights, dense, x, y, { budgetMs: TIMING.fast.budgetMs, minRuns: TIMING.fast.minRuns, maxRuns: TIMING.fast.maxRuns });
    const diff = Math.max(...r.losses.slice(0, W3_CHECKED).map((l, i) => Math.abs(l - w3RefLosses[i])));
    torch = r;
    w3.set(pytorch.contender.name, { ...r, losses: r.losses.slice(0, W3_CHECKED), diff, wrong: !(diff <= TOLERANCE) });
  } catch (e) {
    skipped.set(pytorch.contender.name, e.message.split('\n')[0]);
  }
}

// ---------------------------------------------------------------- cold start and size
const cold = [];
if (runs.has('cold')) {
  log('cold start (fresh processes)');
  const list = [['./lstm-wasm.js', 'lstm-wasm wasm-simd'], ['./lstm-wasm.js', 'lstm-wasm wasm-simd relaxed'], ['./ort.js', 'ORT-web wasm'], ['./ort.js', 'ORT-node native'], ['./tfjs.js', 'TF.js wasm'], ['./tfjs.js', 'TF.js cpu']];
  for (const [file, name] of list) {
    const c = ALL.find((k) => k.name === name);
    if (!versions.has(c.family) && !skipped.has(name)) {
      // not loaded by a workload in this run (--only cold): whether it can run here at all
      try {
        versions.set(c.family, (await c.load()).version);
      } catch (e) {
        skipped.set(name, e.message.split('\n')[0]);
      }
    }
    if (skipped.has(name)) continue;
    try {
      cold.push({ name, ...coldStart(file, name, TIMING.cold, relaxedHere && process.execArgv.includes(RELAXED_FLAG) ? [RELAXED_FLAG] : []) });
    } catch (e) {
      cold.push({ name, failed: e.message.split('\n')[0] });
    }
  }
}
const sizes = runs.has('size') ? await shippedSizes() : [];

// ---------------------------------------------------------------- report
const loadAfter = os.loadavg();
const minutes = (performance.now() - started) / 60000;
const f2 = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const ms = (v) => (v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toFixed(3));
const kib = (b) => (b / 1024).toFixed(1);
const out = [];
const command = `npm run bench:peers${args.length ? ` -- ${args.join(' ')}` : ''}`;
out.push(`### ${new Date().toISOString().slice(0, 10)} — \`${command}\`${quick ? ' (SMOKE RUN: few samples, not for citing)' : ''}`, '');
out.push(`Machine: ${os.cpus()[0]?.model ?? 'unknown cpu'}, ${os.cpus().length} cores, Node ${process.version}${process.execArgv.includes(RELAXED_FLAG) ? ` (${RELAXED_FLAG})` : ''}, ${os.platform()} ${os.release()}; load average ${loadBefore.map((l) => l.toFixed(1)).join(' ')} at the start, ${loadAfter.map((l) => l.toFixed(1)).join(' ')} at the end; the run took ${minutes.toFixed(1)} min.`);
if (versions.size) out.push(`Versions: ${[...versions].map(([k, v]) => `${k} ${v}`).join(', ')}.`);
if (peak) out.push(`One core's f32x4 multiply-add peak (bench/peak/peak.ts, 12 independent chains, best of the calls): **${peak.plain.toFixed(1)} GFLOP/s** with mul then add (the default SIMD build's madd)${peak.relaxed ? `, ${peak.relaxed.toFixed(1)} GFLOP/s with relaxed_madd` : ', relaxed_madd does not validate here'}. "% of peak" below is a workload's GFLOP/s (from its median) over the mul-then-add peak (a wasm core's; native code with 256-bit AVX2 FMA can pass it).`);
if (skipped.size) out.push('', 'Not run here:', ...[...skipped].map(([k, v]) => `- ${k}: ${v}`));

const simdName = OUR_SIMD.name;
const rowOf = (id, name) => results.get(id)?.find((r) => r.name === name);
function forwardTable(w) {
  const rows = results.get(w.id) ?? [];
  const simd = rowOf(w.id, simdName);
  out.push('', `**${w.id}** — one LSTM layer forward, every step out: I=${w.I}, H=${w.H}, B=${w.B}, T=${w.T} (${(W.flops(w) / 1e6).toFixed(1)} MFLOP). Median and min ms over the samples in brackets; GFLOP/s from the median.`, '');
  out.push('| contender | median ms | min ms | GFLOP/s | % of peak | lstm-wasm wasm-simd is … × faster | max abs diff vs lstm-wasm js |');
  out.push('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    if (r.failed) { out.push(`| ${r.name} | failed: ${r.failed} | | | | | |`); continue; }
    const diff = r.sameModel ? r.diff.toExponential(1) : `${r.diff.toExponential(1)} vs its own equations (a different model: not ranked)`;
    if (r.wrong) { out.push(`| ${r.name} | WRONG, not timed | | | | | ${diff} |`); continue; }
    const g = W.flops(w) / (r.median * 1e6);
    const ratio = r.name === simdName || !simd?.median || !r.sameModel ? '—' : f2(r.median / simd.median);
    out.push(`| ${r.name} | ${ms(r.median)} (${r.samples}) | ${ms(r.min)} | ${g.toFixed(1)} | ${peak ? `${((100 * g) / peak.plain).toFixed(0)}%` : '—'} | ${ratio} | ${diff} |`);
  }
}
for (const w of forwardWorkloads.filter((k) => !k.sweep)) forwardTable(w);

const sweepRows = forwardWorkloads.filter((k) => k.sweep);
if (sweepRows.length) {
  const peers = [...new Set(sweepRows.flatMap((w) => (results.get(w.id) ?? []).map((r) => r.name)))].filter((n) => n !== simdName);
  out.push('', `**Sweep** — one LSTM layer forward, T=100, I=32 fixed (so the 4H×H recurrent matrix is what grows), H × B; then T at W1's shape (I=32, H=128, B=1). Cells: median ms, and (×) how many times faster lstm-wasm wasm-simd was. Every output checked against lstm-wasm js first (max abs diff ≤ ${TOLERANCE}; a wrong one says WRONG). lstm-wasm's scalar build is left out of the sweep, TF.js out of T = 10,000 (a fixed cost per step: 10× its T = 1000 time). ORT-web's threaded run (its own process, timed alone) is on the batched rows only.`, '');
  out.push(`| shape | lstm-wasm wasm-simd ms | GFLOP/s | % of peak | ${peers.join(' | ')} |`);
  out.push(`|---|---:|---:|---:|${peers.map(() => '---:').join('|')}|`);
  for (const w of sweepRows) {
    const simd = rowOf(w.id, simdName);
    const g = simd?.median ? W.flops(w) / (simd.median * 1e6) : NaN;
    const cells = peers.map((n) => {
      const r = rowOf(w.id, n);
      if (!r) return '—';
      if (r.failed) return 'failed';
      if (r.wrong) return `WRONG (${r.diff.toExponential(1)})`;
      return `${ms(r.median)} (${simd?.median ? f2(r.median / simd.median) : '?'}×)`;
    });
    out.push(`| ${w.id === `T=${w.T}` ? `H=${w.H} B=${w.B} T=${w.T}` : w.id} | ${simd?.median ? ms(simd.median) : simd?.wrong ? 'WRONG' : '—'} | ${g.toFixed(1)} | ${peak ? `${((100 * g) / peak.plain).toFixed(0)}%` : '—'} | ${cells.join(' | ')} |`);
  }
}

if (runs.has('w3') && w3.size) {
  const w = W.W3;
  const stepFlops = 3 * W.flops(w);
  const simd = w3.get(simdName);
  out.push('', `**W3** — one training step: LSTM(8→64) → Dense(1) on the last step, MSE, Adam(1e-3), B=64, T=50, from the same weights. GFLOP/s counts a step as 3× the forward's 2·4H·(I+H)·B·T. Checked: the losses of steps 1 (the forward) and 2 (after one Adam update) against lstm-wasm js's; they differ by ~4e-5 at step 2 where Adam puts ε differently (Keras, which lstm-wasm follows, adds ε to √v before the bias correction; TF.js and PyTorch after). PyTorch's LSTM has two biases; it runs with their sum in one and the other frozen, as Keras and TF.js have it (two would each take an Adam step: a different optimization).`, '');
  out.push('| contender | median ms | min ms | ≈ GFLOP/s | lstm-wasm wasm-simd is … × faster | losses of steps 1, 2 | max abs diff vs lstm-wasm js |');
  out.push('|---|---:|---:|---:|---:|---|---:|');
  for (const [name, r] of w3) {
    if (r.failed) { out.push(`| ${name} | failed: ${r.failed} | | | | | |`); continue; }
    if (r.wrong) { out.push(`| ${name} | WRONG, not timed | | | | ${r.losses.map((l) => l.toFixed(6)).join(', ')} | ${r.diff.toExponential(1)} |`); continue; }
    const label = name === pytorch.contender.name ? `PyTorch ${torch.version} native (1 thread${blas() ? `, ${blas()}` : ''}; timed by Python)` : name;
    out.push(`| ${label} | ${ms(r.median)} (${r.samples}) | ${ms(r.min)} | ${(stepFlops / (r.median * 1e6)).toFixed(1)} | ${name === simdName || !simd?.median ? '—' : f2(r.median / simd.median)} | ${r.losses.map((l) => l.toFixed(6)).join(', ')} | ${r.diff.toExponential(1)} |`);
  }
  out.push('', 'W4 (the airline fit, whole `fit` calls) is measured by `npm run bench:train` (bench/train.js), lstm-wasm against TF.js.');
}

if (cold.length) {
  out.push('', `**Cold start** — a fresh Node process per run (${TIMING.cold} runs each): import the framework → load the W1 weights → the first W1 result. bench/cold.js splits lstm-wasm's into its phases.`, '');
  out.push('| contender | median ms | min ms |');
  out.push('|---|---:|---:|');
  for (const r of cold) out.push(r.failed ? `| ${r.name} | failed: ${r.failed} | |` : `| ${r.name} | ${r.median.toFixed(0)} | ${r.min.toFixed(0)} |`);
}

if (sizes.length) {
  const base = sizes[0].gzip;
  out.push('', '**Shipped size** — what a browser app downloads to run an LSTM, gzip -9 per file: lstm-wasm\'s as `npm run size` measures it (bundled with esbuild), the peers\' published minified builds (onnxruntime-node is native: nothing for a browser).', '');
  out.push('| contender | files | raw KiB | gzip KiB | × lstm-wasm predict-only |');
  out.push('|---|---|---:|---:|---:|');
  for (const s of sizes) out.push(`| ${s.name} | ${s.what}${s.note ? ` (${s.note})` : ''} | ${kib(s.raw)} | ${kib(s.gzip)} | ${f2(s.gzip / base)} |`);
}

function blas() {
  try {
    const p = realpathSync('/usr/lib/x86_64-linux-gnu/libblas.so.3');
    return p.includes('openblas') ? 'OpenBLAS' : p.includes('/blas/') ? 'reference BLAS' : p;
  } catch {
    return undefined;
  }
}

const report = out.join('\n');
console.log(report);

// ---------------------------------------------------------------- chart and RESULTS.md
if (write) {
  const groups = [];
  const peerBars = (rows, simd) => rows.filter((r) => r.name !== simdName && r.median && !r.wrong && r.sameModel !== false && !r.name.startsWith('lstm-wasm')).map((r) => ({ label: r.name, value: r.median / simd.median }));
  for (const w of forwardWorkloads.filter((k) => !k.sweep)) {
    const simd = rowOf(w.id, simdName);
    if (simd?.median) groups.push({ label: `${w.id} (I=${w.I} H=${w.H} B=${w.B} T=${w.T})`, bars: peerBars(results.get(w.id), simd) });
  }
  if (w3.get(simdName)?.median) groups.push({ label: 'W3 (one training step)', bars: peerBars([...w3].map(([name, r]) => ({ name, ...r })), w3.get(simdName)) });
  for (const w of sweepRows.filter((k) => k.H === 1024 || k.T > 100)) {
    const simd = rowOf(w.id, simdName);
    if (simd?.median) groups.push({ label: `sweep ${w.id === `T=${w.T}` ? `T=${w.T}` : w.id}`, bars: peerBars(results.get(w.id), simd) });
  }
  const svg = groups.length && ratioChart({
    title: 'lstm-wasm (wasm-simd) is … × faster than',
    subtitle: `same weights, outputs checked, one process; ${new Date().toISOString().slice(0, 10)}, ${os.cpus()[0]?.model ?? ''}, Node ${process.version}; bench/RESULTS.md`,
    groups,
  });
  if (groups.length) writeFileSync(new URL('./peers.svg', import.meta.url), svg);
  else log('no ratios timed in this run: bench/peers.svg left as it was');
  // into the "Peers (issue 12)" section of RESULTS.md, after its earlier runs (other sections may follow it)
  const file = new URL('./RESULTS.md', import.meta.url);
  const text = readFileSync(file, 'utf8');
  const at = text.indexOf('\n## Peers (issue 12)');
  if (at < 0) throw new Error('bench/RESULTS.md has no "## Peers (issue 12)" section to append to');
  const next = text.indexOf('\n## ', at + 1);
  const end = next < 0 ? text.length : next;
  writeFileSync(file, `${text.slice(0, end).trimEnd()}\n\n${report}\n${text.slice(end)}`);
  log(`added the run to bench/RESULTS.md${groups.length ? '; drew bench/peers.svg' : ''}`);
}
