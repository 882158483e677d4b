/**
 * Target model-json: loadModel(json, weights) (= Sequential.load) on the
 * architecture JSON of a real saved model, and the CLI's saved forecaster.
 *
 * Drives: a random small model (a layer stack as the models target makes,
 * ≤ 8 units) compiled with a random optimizer, loss and metrics, trained
 * one step and saved with its optimizer state; then 0–3 edits of its JSON
 * tree — a node replaced by a notable JSON value (null, booleans, numbers
 * huge / negative / fractional / NaN-as-null, strings such as "toString",
 * "__proto__", "constructor", "0.5", "false", arrays, objects), deleted, or
 * a key added — given as text or as a parsed object. One case in eight
 * instead edits out/model.json of a `lstm-wasm forecast` run and runs
 * `summary --model` and `predict --model --json` on it in child processes.
 *
 * Asserts: unedited, the model loads and predicts bit for bit as the saved
 * one. Edited: an LstmWasmError that leaves no heap block behind, or a model
 * that (a) predicts finite outputs, (b) has every setting read back as
 * given and of its documented type — format "lstm-wasm", version 1, names
 * strings, units and inputSize positive integers, returnSequences a
 * boolean (`"false"` must not load as true), activations from their lists,
 * optimizer settings numbers in range, loss and metrics known names — a
 * setting that is null or absent may take its default; (c) frees all its
 * blocks on dispose. The CLI must exit 0 (predictions finite, recipe and
 * layers read back as given) or exit 1 with one "lstm-wasm:" line.
 */
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { loadModel, memoryInfo, Sequential, type ModelJSON, type SavedModel, type Tensor } from '../../src/index.js';
import {
  allFinite, applyTreeEdits, at, attempt, checkCliExit, clip, finding, layerStack, makeLayers, randomData, runCli, sameFloats,
  tempDir, treeEdit, useBackend, type LayerSpec, type Target, type TreeEdit,
} from './common.js';

type Optimizer = 'sgd' | 'rmsprop' | 'adam' | 'adamw';
type MjCase =
  | { kind: 'library'; stack: LayerSpec[]; features: number; optimizer: Optimizer; loss: 'mse' | 'mae' | 'huber'; metrics: string[]; edits: TreeEdit[]; asText: boolean }
  | { kind: 'cli'; edits: TreeEdit[]; textSummary: boolean };

const arbitrary: fc.Arbitrary<MjCase> = fc.oneof(
  { weight: 7, arbitrary: fc.record({
    kind: fc.constant('library' as const),
    stack: layerStack(8, 3),
    features: fc.integer({ min: 1, max: 4 }),
    optimizer: fc.constantFrom<Optimizer>('sgd', 'rmsprop', 'adam', 'adamw'),
    loss: fc.constantFrom('mse' as const, 'mae' as const, 'huber' as const),
    metrics: fc.subarray(['mae', 'mse', 'rmse']),
    edits: fc.oneof({ weight: 1, arbitrary: fc.constant([] as TreeEdit[]) }, { weight: 5, arbitrary: fc.array(treeEdit, { minLength: 1, maxLength: 3 }) }),
    asText: fc.boolean(),
  }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cli' as const), edits: fc.array(treeEdit, { minLength: 1, maxLength: 3 }), textSummary: fc.boolean() }) },
);

// ── what a loaded setting must be ──────────────────────────────────────────────────────────

const posInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 1;
const absent = (v: unknown) => v === undefined || v === null;
const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** `given` (from the JSON) and `loaded` (what the model reports) for one setting. */
function setting(where: string, given: unknown, loaded: unknown, ok: (v: unknown) => boolean, dflt?: unknown): void {
  if (absent(given)) {
    if (dflt !== undefined && loaded !== dflt) finding(`${where}: a missing setting did not take its default`, `loaded ${JSON.stringify(loaded)}, default ${JSON.stringify(dflt)}`);
    return;
  }
  if (!ok(given)) finding(`${where}: an ill-typed setting was accepted`, `given ${clip(JSON.stringify(given), 100)}, loaded as ${clip(JSON.stringify(loaded), 100)}`);
  if (loaded !== given) finding(`${where}: a setting reads back differently`, `given ${clip(JSON.stringify(given), 100)}, loaded ${clip(JSON.stringify(loaded), 100)}`);
}

/** A loaded layer ({ className, config } as config() reports it) against the JSON it came from. */
export function checkLayer(given: unknown, loaded: { className: string; config: Record<string, unknown> }, where: string): void {
  if (!isObject(given)) finding(`${where}: a layer that is not an object was loaded`, clip(JSON.stringify(given), 100));
  if (given.className !== loaded.className) finding(`${where}: loaded as ${loaded.className}, className given ${clip(JSON.stringify(given.className), 60)}`, '');
  const c = given.config;
  if (!isObject(c)) finding(`${where}: a layer config that is not an object was accepted`, clip(JSON.stringify(c), 100));
  const l = loaded.config;
  setting(`${where}.name`, c.name, l.name, (v) => typeof v === 'string');
  if (loaded.className === 'Bidirectional') {
    // mergeMode, or merge, its old name (config() reports mergeMode)
    const modes = ['concat', 'sum', 'mul', 'ave'];
    if (!absent(c.merge) && !modes.includes(c.merge as string)) finding(`${where}.merge: an ill-typed setting was accepted`, clip(JSON.stringify(c.merge), 100));
    setting(`${where}.mergeMode`, c.mergeMode ?? c.merge, l.mergeMode, (v) => modes.includes(v as string), 'concat');
    const inner = c.layer;
    if (!isObject(inner)) finding(`${where}.layer: a wrapped layer that is not an object was accepted`, clip(JSON.stringify(inner), 100));
    const { className, config, ...flat } = inner;
    const { className: lc, ...lconf } = l.layer as Record<string, unknown>;
    checkLayer({ className, config: config ?? flat }, { className: lc as string, config: lconf }, `${where}.layer`);
    return;
  }
  if (loaded.className === 'Dropout' || loaded.className === 'RepeatVector') {
    if (loaded.className === 'Dropout') setting(`${where}.rate`, c.rate, l.rate, (v) => typeof v === 'number' && v >= 0 && v < 1);
    else setting(`${where}.n`, c.n, l.n, posInt);
    setting(`${where}.inputSize`, c.inputSize, l.inputSize, posInt);
    return;
  }
  setting(`${where}.units`, c.units, l.units, posInt);
  if (absent(c.units)) finding(`${where}.units: a layer without units was accepted`, `loaded units ${JSON.stringify(l.units)}`);
  setting(`${where}.inputSize`, c.inputSize, l.inputSize, posInt);
  if (loaded.className === 'Dense') setting(`${where}.useBias`, c.useBias, l.useBias ?? true, (v) => typeof v === 'boolean', true);
  if (loaded.className === 'Dense') setting(`${where}.activation`, c.activation, l.activation, (v) => ['linear', 'relu', 'sigmoid', 'tanh', 'softmax'].includes(v as string), 'linear');
  else setting(`${where}.returnSequences`, c.returnSequences, l.returnSequences, (v) => typeof v === 'boolean', false);
  if (loaded.className === 'SimpleRNN') setting(`${where}.activation`, c.activation, l.activation, (v) => v === 'tanh' || v === 'relu', 'tanh');
}

const unit = (v: unknown) => typeof v === 'number' && v >= 0 && v < 1;
const positive = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0;
const nonNegative = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const OPTIMIZER_SETTINGS: Record<string, (v: unknown) => boolean> = {
  learningRate: positive, globalClipNorm: positive, clipValue: positive, momentum: unit, nesterov: (v) => typeof v === 'boolean',
  rho: unit, epsilon: nonNegative, beta1: unit, beta2: unit, weightDecay: nonNegative,
};

/** A loaded model's name, format, version and compile settings against the JSON. */
function checkModel(tree: unknown, m: Sequential): void {
  if (!isObject(tree)) finding('a model JSON that is not an object was loaded', clip(JSON.stringify(tree), 100));
  if (tree.format !== 'lstm-wasm') finding('a model JSON without "format": "lstm-wasm" was loaded', JSON.stringify(tree.format));
  if (tree.version !== 1) finding('a model JSON of a version other than 1 was loaded', clip(JSON.stringify(tree.version), 60));
  setting('model.name', tree.name, m.name, (v) => typeof v === 'string');
  const layers = tree.layers as unknown[];
  if (layers.length !== m.layers.length) finding('the model has a different number of layers than its JSON', `${m.layers.length} vs ${layers.length}`);
  layers.forEach((g, i) => checkLayer(g, { className: m.layers[i].className, config: m.layers[i].config() }, `layers[${i}]`));
  const compile = tree.compile;
  if (!compile) {
    if (m.optimizer) finding('a model JSON without compile settings loaded compiled', '');
    return;
  }
  if (!isObject(compile)) finding('compile settings that are not an object were accepted', clip(JSON.stringify(compile), 100));
  const opt = compile.optimizer;
  if (!isObject(opt)) finding('an optimizer that is not an object was accepted', clip(JSON.stringify(opt), 100));
  const cfg = m.optimizer!.config();
  if (typeof opt.name !== 'string' || opt.name.toLowerCase() !== String(cfg.name).toLowerCase()) finding('compile.optimizer.name reads back differently', `given ${clip(JSON.stringify(opt.name), 60)}, loaded ${cfg.name}`);
  for (const [k, ok] of Object.entries(OPTIMIZER_SETTINGS)) if (k in cfg) setting(`compile.optimizer.${k}`, opt[k], cfg[k], ok);
  setting('compile.loss', compile.loss, m.lossName, (v) => ['mse', 'mae', 'huber', 'binaryCrossentropy', 'categoricalCrossentropy'].includes(v as string));
  const metrics = compile.metrics;
  if (!absent(metrics) && (!Array.isArray(metrics) || !metrics.every((x) => ['mse', 'mae', 'rmse', 'accuracy'].includes(x)))) finding('ill-typed compile.metrics were accepted', clip(JSON.stringify(metrics), 100));
  if (JSON.stringify(m.metricNames) !== JSON.stringify(metrics ?? [])) finding('compile.metrics read back differently', `${JSON.stringify(m.metricNames)} vs ${clip(JSON.stringify(metrics), 100)}`);
}

// ── library cases ──────────────────────────────────────────────────────────────────────────

function build(c: Extract<MjCase, { kind: 'library' }>): { saved: SavedModel; x: Tensor; y: Float32Array } {
  const m = new Sequential(makeLayers(c.stack, c.features, 7), { name: 'fuzzed' });
  try {
    m.compile({ optimizer: c.optimizer, loss: c.loss, metrics: c.metrics as never });
    const x = { shape: [2, 3, c.features], data: randomData(6 * c.features, 1) };
    const out = m.predict(x);
    m.trainOnBatch(x, { shape: out.shape, data: randomData(out.data.length, 2) });
    return { saved: m.save({ includeOptimizer: true }), x, y: m.predict(x).data };
  } finally {
    m.dispose();
  }
}

async function runLibrary(c: Extract<MjCase, { kind: 'library' }>): Promise<void> {
  await useBackend('wasm-simd');
  const start = memoryInfo().liveBlocks;
  const { saved, x, y } = build(c);
  const { tree, applied } = applyTreeEdits(saved.json, c.edits);
  const text = JSON.stringify(tree) ?? 'undefined';
  const unchanged = text === JSON.stringify(saved.json);
  const json = c.asText ? text : (JSON.parse(text) as ModelJSON);
  const r = attempt('loadModel', () => loadModel(json, saved.weights));
  if (!r.ok) {
    if (memoryInfo().liveBlocks !== start) finding('a failed loadModel leaked heap blocks', `${memoryInfo().liveBlocks - start} block(s) after: ${r.error.message}`);
    if (unchanged) finding('a saved model does not load', r.error.message);
    return;
  }
  const m = r.value;
  try {
    if (unchanged) {
      const p = attempt('predict of a loaded model', () => m.predict(x));
      if (!p.ok || !sameFloats(p.value.data, y)) finding('a loaded model predicts differently from the saved one', p.ok ? 'outputs differ' : p.error.message);
      return;
    }
    checkModel(tree, m);
    const F = m.inputSize;
    if (!posInt(F)) finding('a loaded model has no valid input size', `inputSize ${JSON.stringify(F)} after ${applied.join('; ')}`);
    const p = attempt('predict of a loaded (edited) model', () => m.predict({ shape: [2, 3, F!], data: randomData(6 * F!, 3) }));
    if (!p.ok) finding('a loaded (edited) model cannot predict', p.error.message);
    if (!allFinite(p.value.data)) finding('a loaded (edited) model predicts non-finite outputs', clip(String(Array.from(p.value.data)), 200));
    attempt('summary of a loaded model', () => m.summary());
    attempt('save of a loaded model', () => m.save({ includeOptimizer: true }));
  } finally {
    m.dispose();
    if (memoryInfo().liveBlocks !== start) finding('a loaded model did not free all its blocks on dispose', `${memoryInfo().liveBlocks - start} block(s) left`);
  }
}

// ── the CLI's saved forecaster ─────────────────────────────────────────────────────────────

let forecasterDir = '';
const CSV = 'month,passengers\n' + Array.from({ length: 48 }, (_, i) => `${1950 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')},${(100 + 3 * i + 15 * Math.sin(i / 2)).toFixed(1)}`).join('\n') + '\n';

async function setup(): Promise<void> {
  await useBackend('wasm-simd');
  forecasterDir = tempDir('forecaster');
  writeFileSync(join(forecasterDir, 'series.csv'), CSV);
  const r = runCli(['forecast', '--quiet', '--epochs', '1', '--layers', '4,3', '--window', '4', '--csv', 'series.csv', '--out', 'out'], forecasterDir);
  if (r.code !== 0) throw new Error(`the base forecast failed: ${r.stderr}`);
}

async function runCliCase(c: Extract<MjCase, { kind: 'cli' }>): Promise<void> {
  const base = JSON.parse(readFileSync(join(forecasterDir, 'out', 'model.json'), 'utf8'));
  const { tree } = applyTreeEdits(base, c.edits);
  const dir = tempDir('mj');
  try {
    writeFileSync(join(dir, 'model.json'), JSON.stringify(tree) ?? '');
    copyFileSync(join(forecasterDir, 'out', 'model.safetensors'), join(dir, 'model.safetensors'));
    copyFileSync(join(forecasterDir, 'series.csv'), join(dir, 'series.csv'));
    const s = runCli(['summary', '--model', 'model.json', ...(c.textSummary ? [] : ['--json'])], dir);
    if (checkCliExit('summary --model (edited)', s) && !c.textSummary) {
      const out = JSON.parse(s.stdout);
      const recipe = at(tree, 'recipe', 'recipe');
      if (JSON.stringify(out.recipe?.recipe) !== JSON.stringify(recipe)) finding('summary: the recipe reads back differently', `${clip(JSON.stringify(out.recipe?.recipe), 150)} vs ${clip(JSON.stringify(recipe), 150)}`);
      const layers = at(tree, 'model', 'layers');
      if (!Array.isArray(layers) || layers.length !== out.layers.length) finding('summary: a different number of layers than the JSON', '');
      (layers as unknown[]).forEach((g, i) => checkLayer(g, out.layers[i], `model.layers[${i}]`));
    }
    const p = runCli(['predict', '--model', 'model.json', '--csv', 'series.csv', '--json'], dir);
    if (checkCliExit('predict --model (edited)', p)) {
      const out = JSON.parse(p.stdout);
      const values = [...out.predictions.map((q: { prediction: number }) => q.prediction), ...out.forecast.map((q: { value: number }) => q.value)];
      if (!values.every((v) => typeof v === 'number' && Number.isFinite(v))) finding('predict --model (edited): non-finite predictions', clip(JSON.stringify(values), 200));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function run(c: MjCase): Promise<void> {
  return c.kind === 'library' ? runLibrary(c) : runCliCase(c);
}

export const modelJson: Target<MjCase> = { name: 'model-json', arbitrary, setup, run, caseMs: 6_000, hangMs: 2 * 20_000 + 5_000 };
