/**
 * `lstm-wasm convert`, and `predict --input` / `summary` on every model
 * format, run as a user runs them (dist/cli.js in a child process).
 *
 * Every IN kind (ONNX from PyTorch, TF.js model.json from TF.js, Keras .keras
 * and .h5, a forecaster saved by `lstm-wasm forecast`) is converted to every
 * OUT kind (ONNX, TF.js, lstm-wasm X.json, lstm-wasm folder); the CLI's
 * predictions on each file match the framework that made the fixture (PyTorch's
 * and TF.js's recorded outputs; for the Keras files, TF.js running the same
 * Keras config and weights), and every file converted back to lstm-wasm holds
 * the same weights bit for bit. Bad inputs and outputs get one line, exit 1,
 * and leave the folder as it was (no partial or temporary files).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, expectUserError, isRoot, NOBODY, run, snapshot } from './cli-run.js';
import { tf } from './tfjs-peer.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const TOLERANCE = 1e-5;

interface Flat { shape: number[]; data: number[] }

/** A flat tensor as the nested array `predict --input` reads. */
function nested({ shape, data }: Flat): unknown {
  const build = (axis: number, at: number): unknown => {
    if (axis === shape.length) return data[at];
    const stride = shape.slice(axis + 1).reduce((a, d) => a * d, 1);
    return Array.from({ length: shape[axis] }, (_, i) => build(axis + 1, at + i * stride));
  };
  return build(0, 0);
}

/** Every file below `dir` with the SHA-256 of its bytes, and every folder: the same means no file added, removed or changed anywhere below. */
function tree(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) Object.assign(out, { [`${prefix}${name}/`]: 'folder' }, tree(path, `${prefix}${name}/`));
    else out[`${prefix}${name}`] = createHash('sha256').update(readFileSync(path)).digest('hex');
  }
  return out;
}

function openTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755); // readable by `nobody` for the read-only test
  return dir;
}

/** A model fixture: its file, an input, and the output of the framework that made it. */
interface Case {
  name: string;
  path: string;
  input: Flat;
  expected: Flat;
}

const ONNX = ['lstm_last_sigmoid', 'rnn_tanh_2layer_last', 'lstm_2layer_every'].map((name): Case => {
  const ref = JSON.parse(readFileSync(join(FIXTURES, 'onnx/torch', `${name}.json`), 'utf8'));
  expect(ref.batchFirst).toBe(true);
  return { name: `onnx ${name}`, path: join(FIXTURES, 'onnx/torch', `${name}.onnx`), input: ref.input, expected: ref.output };
});

// quantized: two shards, the boundary inside a weight; converter: tensorflowjs_converter's Keras 2 dialect
const TFJS = ['lstm_sigmoid_stacked', 'simple_rnn', 'quantized', 'converter', 'gru', 'lstm', 'dropout', 'autoencoder', 'bidirectional_sum'].map((name): Case => {
  const ref = JSON.parse(readFileSync(join(FIXTURES, 'tfjs', `${name}.expected.json`), 'utf8'));
  return { name: `tfjs ${name}`, path: join(FIXTURES, 'tfjs', `${name}.json`), input: ref.input, expected: ref.output };
});

/** Keras files: expected.json holds the Keras 2 config and the weights written; TF.js runs them for the reference. */
const KERAS_FILES: [string, string][] = [['lstm_dense', 'keras'], ['stacked', 'h5'], ['bidirectional', 'keras'], ['gru_reset_before', 'h5']];

async function kerasCase(model: string, ext: string): Promise<Case> {
  const all = JSON.parse(readFileSync(join(FIXTURES, 'keras/expected.json'), 'utf8'));
  const e = all[model] as { keras2_config: object; layers: { weights: Flat[] }[] };
  const m = await tf.models.modelFromJSON({ modelTopology: e.keras2_config } as never);
  m.setWeights(e.layers.flatMap((l) => l.weights.map((w) => tf.tensor(w.data, w.shape))));
  const [, T, F] = m.inputs[0].shape as number[];
  const shape = [2, T, F];
  const data = Array.from({ length: 2 * T * F }, (_, i) => Math.fround(Math.sin(1.7 * i + 0.3))); // any fixed input
  const y = m.predict(tf.tensor(data, shape)) as InstanceType<typeof tf.Tensor>;
  const expected = { shape: y.shape, data: Array.from(y.dataSync()) };
  m.dispose();
  return { name: `keras ${model}.${ext}`, path: join(FIXTURES, 'keras', `${model}.${ext}`), input: { shape, data }, expected };
}

/** OUT kinds: the path given to convert, the extra options, and the lstm-wasm weights file a conversion back writes. */
const OUTS: [string, string, string[]][] = [
  ['onnx', 'm.onnx', []],
  ['tfjs', 'm.json', ['--to', 'tfjs']],
  ['lstm-wasm file', 'own.json', []],
  ['lstm-wasm folder', 'own-folder/', []],
];

function predict(model: string, input: string, cwd: string): Flat {
  const r = run(['predict', '--model', model, '--input', input, '--json'], cwd);
  expect(r.code, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout) as { shape: number[]; output: unknown };
  return { shape: out.shape, data: (out.output as unknown[]).flat(3) as number[] };
}

/** A safetensors file's tensors in the order of their bytes: shape and the bytes themselves (hex), names left out. */
function tensorsInOrder(file: Buffer): { shape: number[]; bytes: string }[] {
  const headerBytes = Number(file.readBigUInt64LE(0));
  const header = JSON.parse(file.subarray(8, 8 + headerBytes).toString('utf8')) as Record<string, { shape: number[]; data_offsets: [number, number] }>;
  const data = file.subarray(8 + headerBytes);
  return Object.entries(header).filter(([k]) => k !== '__metadata__').map(([, t]) => t)
    .sort((a, b) => a.data_offsets[0] - b.data_offsets[0])
    .map((t) => ({ shape: t.shape, bytes: data.subarray(t.data_offsets[0], t.data_offsets[1]).toString('hex') }));
}

function expectClose(got: Flat, expected: Flat, what: string): void {
  expect(got.shape, what).toEqual(expected.shape);
  const worst = Math.max(...got.data.map((v, i) => Math.abs(v - expected.data[i])));
  expect(worst, `${what}: largest difference from the framework's output`).toBeLessThan(TOLERANCE);
}

describe('lstm-wasm convert: every IN kind to every OUT kind, predictions as the framework made them', () => {
  const cases: Case[] = [...ONNX, ...TFJS];
  beforeAll(async () => {
    for (const [model, ext] of KERAS_FILES) cases.push(await kerasCase(model, ext));
  });

  const names = [...ONNX, ...TFJS].map((c) => c.name).concat(KERAS_FILES.map(([m, e]) => `keras ${m}.${e}`));
  it.each(names)('%s', (name) => {
    const c = cases.find((k) => k.name === name)!;
    const dir = openTempDir('lstm-wasm-convert-');
    writeFileSync(join(dir, 'input.json'), JSON.stringify(nested(c.input)));
    expectClose(predict(c.path, 'input.json', dir), c.expected, `${name} read directly`);
    for (const [kind, out, extra] of OUTS) {
      const r = run(['convert', c.path, out, ...extra], dir);
      expect(r.code, `${kind}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/^Read .*: .*, \d+ layers? \(.*\), [\d,]+ parameters\nWrote /);
      expectClose(predict(out, 'input.json', dir), c.expected, `${name} → ${kind}`);
    }
    // back to lstm-wasm from each: the same weights, bit for bit, whichever way they went (ONNX keeps no layer names, so the tensors are compared in order)
    const direct = readFileSync(join(dir, 'own.safetensors'));
    expect(readFileSync(join(dir, 'own-folder', 'model.safetensors')).equals(direct)).toBe(true);
    for (const [kind, out] of OUTS.slice(0, 2)) {
      const r = run(['convert', out, `back-${kind}.json`], dir);
      expect(r.code, r.stderr).toBe(0);
      expect(tensorsInOrder(readFileSync(join(dir, `back-${kind}.safetensors`))), `${name} → ${kind} → lstm-wasm`).toEqual(tensorsInOrder(direct));
    }
  });

  it('summary shows the layer table of every format', () => {
    const c = TFJS[0];
    const dir = openTempDir('lstm-wasm-summary-');
    for (const [, out, extra] of OUTS) expect(run(['convert', c.path, out, ...extra], dir).code).toBe(0);
    for (const [path, format] of [[ONNX[0].path, 'ONNX'], [c.path, 'TF.js layers model'], [join(FIXTURES, 'keras/stacked.h5'), 'Keras'], ['m.onnx', 'ONNX'], ['m.json', 'TF.js'], ['own.json', 'lstm-wasm model'], ['own-folder', 'lstm-wasm model']]) {
      const r = run(['summary', '--model', path], dir);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`(${format}`);
      expect(r.stdout).toMatch(/Layer \(type\) +Output shape +Params/);
      expect(r.stdout).toMatch(/Total params: \d+/);
    }
    const json = JSON.parse(run(['summary', '--model', 'm.onnx', '--json'], dir).stdout);
    expect(json).toMatchObject({ format: 'onnx', parameters: 228, inputSize: 3, outputSize: 1 }); // LSTM(4) on 3 features 128, LSTM(3) 96, Dense(1) 4
    expect(json.layers.map((l: { className: string }) => l.className)).toEqual(['LSTM', 'LSTM', 'Dense']);
  });
});

describe('lstm-wasm convert of a saved forecaster: its network, unchanged', () => {
  const dir = openTempDir('lstm-wasm-convert-forecaster-');
  beforeAll(() => {
    const r = run(['forecast', '--epochs', '1', '--horizon', '0', '--quiet', '--out', 'fc'], dir);
    expect(r.code, r.stderr).toBe(0);
  });

  it('converts to ONNX and lstm-wasm with the same weights; summary and predict still treat the original as a forecaster', () => {
    const c = run(['convert', 'fc', 'net.onnx'], dir);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toContain('lstm-wasm forecaster');
    expect(c.stdout).toContain('its network is converted');
    expect(run(['convert', 'fc/model.json', 'net.json'], dir).code).toBe(0);
    expect(readFileSync(join(dir, 'net.safetensors')).equals(readFileSync(join(dir, 'fc', 'model.safetensors')))).toBe(true);
    writeFileSync(join(dir, 'x.json'), JSON.stringify([[[0.1], [0.3], [-0.2], [0.5], [0.0], [0.2]]]));
    const original = predict('fc/model.json', 'x.json', dir);
    expect(predict('net.onnx', 'x.json', dir).data).toEqual(original.data);
    expect(run(['summary', '--model', 'fc'], dir).stdout).toMatch(/Recipe: [^\n]+\nTrained on: /);
    const p = run(['predict', '--model', 'fc', '--json'], dir);
    expect(p.code, p.stderr).toBe(0);
    expect(JSON.parse(p.stdout).predictions.length).toBeGreaterThan(0);
  });
});

/** As root, permissions do not stop writes: the read-only test then runs as `nobody`, if that user can run the CLI here. */
const canDropRoot = isRoot && spawnSync(process.execPath, [CLI, '--help'], { uid: NOBODY, gid: NOBODY }).status === 0;
const permissionsApply = process.platform !== 'win32' && (!isRoot || canDropRoot);

describe('lstm-wasm convert refuses what it cannot do, in one line, leaving the folder as it was', () => {
  const dir = openTempDir('lstm-wasm-convert-bad-');
  const onnx = join(FIXTURES, 'onnx/torch/lstm_last_sigmoid.onnx');
  const tfjs = join(FIXTURES, 'tfjs/lstm_sigmoid_stacked.json');
  const manifest = JSON.parse(readFileSync(tfjs, 'utf8'));
  const withShard = (paths: string[]) => JSON.stringify({ ...manifest, weightsManifest: [{ ...manifest.weightsManifest[0], paths }] });
  beforeAll(() => {
    writeFileSync(join(dir, 'model.pt'), 'not a model');
    mkdirSync(join(dir, 'lonely'));
    copyFileSync(tfjs, join(dir, 'lonely', 'model.json')); // its shard not beside it
    mkdirSync(join(dir, 'escape', 'inner'), { recursive: true });
    copyFileSync(join(FIXTURES, 'tfjs/lstm_sigmoid_stacked.bin'), join(dir, 'escape', 'weights.bin'));
    writeFileSync(join(dir, 'escape', 'inner', 'model.json'), withShard(['../weights.bin']));
    writeFileSync(join(dir, 'escape', 'inner', 'absolute.json'), withShard([join(dir, 'escape', 'weights.bin')]));
    mkdirSync(join(dir, 'linked'));
    symlinkSync(join(dir, 'escape', 'weights.bin'), join(dir, 'linked', 'weights.bin'));
    writeFileSync(join(dir, 'linked', 'model.json'), withShard(['weights.bin']));
    const bytes = readFileSync(onnx);
    writeFileSync(join(dir, 'cut.onnx'), bytes.subarray(0, bytes.length >> 1));
    writeFileSync(join(dir, 'noise.keras'), Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37) & 0xff)));
    writeFileSync(join(dir, 'words.json'), '{"hello": "world"}');
    mkdirSync(join(dir, 'in-the-way.onnx'));
    mkdirSync(join(dir, 'blocked.safetensors'));
  });

  const cases: [string, string[], RegExp][] = [
    ['an unknown IN extension', ['model.pt', 'out.onnx'], /model\.pt: the extension "\.pt" is not a model format lstm-wasm reads/],
    ['an unknown OUT extension', [onnx, 'out.pt'], /out\.pt: the extension "\.pt" says no format lstm-wasm writes/],
    ['a Keras OUT', [onnx, 'out.keras'], /out\.keras: lstm-wasm reads Keras files but does not write them/],
    ['--to contradicting OUT', [onnx, 'out.onnx', '--to', 'tfjs'], /out\.onnx ends in \.onnx but --to says tfjs/],
    ['an unknown --to', [onnx, 'out.json', '--to', 'keras'], /--to must be one of onnx, tfjs, lstm-wasm; got "keras"/],
    ['a missing IN', ['none.onnx', 'out.onnx'], /no such file: none\.onnx/],
    ['OUT missing', [onnx], /`lstm-wasm convert` needs IN OUT; missing OUT/],
    ['a TF.js model without its shard', ['lonely', 'out.onnx'], /the weights file lonely\/lstm_sigmoid_stacked\.bin named in lonely\/model\.json's weightsManifest is missing/],
    ['a shard path escaping the folder', ['escape/inner/model.json', 'out.onnx'], /weightsManifest names "\.\.\/weights\.bin", which is outside the folder of the model\.json/],
    ['an absolute shard path', ['escape/inner/absolute.json', 'out.onnx'], /which is outside the folder of the model\.json/],
    ['a shard linking out of the folder', ['linked', 'out.onnx'], /the weights file linked\/weights\.bin links to .*escape\/weights\.bin, outside the folder/],
    ['a cut ONNX file', ['cut.onnx', 'out.json'], /^lstm-wasm: cut\.onnx: /],
    ['a .keras that is no zip', ['noise.keras', 'out.json'], /^lstm-wasm: noise\.keras: /],
    ['JSON that is no model', ['words.json', 'out.onnx'], /words\.json is JSON but not a model lstm-wasm reads/],
    ['a folder where OUT goes', [onnx, 'in-the-way.onnx'], /cannot write in-the-way\.onnx: a folder .* is in the way/],
    ['a folder where the weights beside OUT go', [onnx, 'blocked.json'], /cannot write blocked\.safetensors: a folder .* is in the way/],
    ['a GRU that TF.js cannot run, to TF.js', [join(FIXTURES, 'onnx/torch/gru_bi_2layer_every_softmax.onnx'), 'gru.json', '--to', 'tfjs'], /cannot write gru\.json as tfjs: .*reset_after.*; nothing was written/],
    ['Keras 3\'s hard sigmoid, to TF.js (which has only Keras 2\'s)', [join(FIXTURES, 'keras/lstm_hard_sigmoid.keras'), 'hs.json', '--to', 'tfjs'], /cannot write hs\.json as tfjs: .*TF\.js has no hard_sigmoid_relu6.*; nothing was written/],
    ['a file where OUT\'s folder goes', [onnx, 'model.pt/deeper/'], /model\.pt is a file, not a folder/],
  ];
  it.each(cases)('%s', (_, args, message) => {
    const before = tree(dir);
    const r = run(['convert', ...args], dir);
    expectUserError(r, message);
    expect(r.stdout).toBe('');
    expect(tree(dir)).toEqual(before);
  });

  it.skipIf(!permissionsApply)('a read-only OUT folder', () => {
    mkdirSync(join(dir, 'readonly'));
    copyFileSync(onnx, join(dir, 'readonly-in.onnx'));
    chmodSync(join(dir, 'readonly'), 0o555);
    const r = run(['convert', 'readonly-in.onnx', 'readonly/out.json'], dir, { asNobody: isRoot });
    chmodSync(join(dir, 'readonly'), 0o755);
    expectUserError(r, /cannot write into .*readonly: permission denied/);
    expect(snapshot(join(dir, 'readonly'))).toEqual({});
  });

  it('--help', () => {
    const r = run(['convert', '--help'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^lstm-wasm convert IN OUT \[--to onnx\|tfjs\|lstm-wasm\]/);
  });
});

describe('lstm-wasm predict --input: option errors are clear', () => {
  const dir = openTempDir('lstm-wasm-predict-input-');
  const onnx = join(FIXTURES, 'onnx/torch/lstm_last_sigmoid.onnx');
  beforeAll(() => {
    writeFileSync(join(dir, 'flat.json'), '[[1, 2, 3]]');
    writeFileSync(join(dir, 'object.json'), '{"x": 1}');
    writeFileSync(join(dir, 'four.json'), JSON.stringify([[[1, 2, 3, 4]]]));
  });
  const cases: [string, string[], RegExp][] = [
    ['a plain network without --input', ['--model', onnx], /lstm_last_sigmoid\.onnx is an ONNX, not a forecaster: .* with --input FILE\.json/],
    ['--input with --csv', ['--model', onnx, '--input', 'flat.json', '--csv', 'x.csv'], /--input runs the network on a tensor; --csv is for a forecaster's series/],
    ['a missing --input file', ['--model', onnx, '--input', 'none.json'], /no such file: none\.json/],
    ['an input that is not an array', ['--model', onnx, '--input', 'object.json'], /object\.json holds \{"x":1\}, not a nested array/],
    ['an input without a time axis', ['--model', onnx, '--input', 'flat.json'], /flat\.json: .*must be 3-D \[batch, time, features\]/],
    ['an input of the wrong width', ['--model', onnx, '--input', 'four.json'], /four\.json: .*4 features.*3|four\.json: .*3.*4/],
  ];
  it.each(cases)('%s', (_, args, message) => {
    expectUserError(run(['predict', ...args], dir), message);
  });

  it('prints a short table without --json', () => {
    writeFileSync(join(dir, 'one.json'), JSON.stringify([[[0.1, 0.2, 0.3], [0.0, -0.1, 0.4]]]));
    const r = run(['predict', '--model', onnx, '--input', 'one.json'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\(ONNX\) on one\.json: output \[1, 2\]\n {2}\[0\] +-?\d\.\d{6} +-?\d\.\d{6}\n$/);
  });
});
