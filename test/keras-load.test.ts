/**
 * loadKeras end to end: every model file of test/fixtures/keras (Keras 3
 * .keras and Keras 2 .h5, written by make_keras.py in Keras's layouts)
 * predicts what Keras would, to 1e-5 on every backend. "What Keras would"
 * is reference.json (make_reference.mjs): each network built by hand in
 * TensorFlow.js from make_keras.py's definition, or in PyTorch (Keras's
 * reset_after=True GRU) or float64 numpy (Keras 3's hard_sigmoid) where
 * TF.js cannot. The architecture loaded is the one the config describes,
 * and a file that is not a model lstm-wasm can run fails with one clear
 * LstmWasmError and leaves nothing allocated.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { init, loadKeras, LstmWasmError, memoryInfo, type Layer, type Sequential } from '../src/index.js';
import { crc32, readZip } from '../src/io/zip.js';
import { BACKENDS, expectClose, f32, maxAbsDiff, rng, throwsLW, type GoldenTensor } from './helpers.js';

const DIR = new URL('./fixtures/keras/', import.meta.url);
const bytesOf = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(name, DIR)));

interface Reference { files: string[]; by: string; input: GoldenTensor; output: GoldenTensor }
const REFERENCE = JSON.parse(readFileSync(new URL('reference.json', DIR), 'utf8')) as Record<string, Reference>;
/** [case, file] for every model file. */
const FILES = Object.entries(REFERENCE).flatMap(([name, r]) => r.files.map((file) => [name, file] as const));

/** Each model of make_keras.py as lstm-wasm should build it (layer.config(), by hand from the Keras definitions). */
const lstm = (name: string, inputSize: number, units: number, returnSequences = false) => ({ className: 'LSTM', name, inputSize, units, returnSequences });
const dense = (name: string, inputSize: number, units: number) => ({ className: 'Dense', name, inputSize, units, activation: 'linear' });
const ARCHITECTURE: Record<string, object[]> = {
  lstm_dense: [lstm('lstm', 3, 4), dense('dense', 4, 2)],
  gru: [{ className: 'GRU', name: 'gru', inputSize: 2, units: 3, returnSequences: true }],
  gru_reset_before: [{ className: 'GRU', name: 'gru', inputSize: 2, units: 3, returnSequences: false, resetAfter: false }],
  stacked: [lstm('lstm', 2, 4, true), lstm('lstm_1', 4, 3), dense('dense', 3, 1)],
  bidirectional: [
    { className: 'Bidirectional', name: 'bidirectional', mergeMode: 'concat', layer: { ...lstm(expect.any(String) as never, 2, 3) } },
    dense('dense', 6, 1),
  ],
  dropout: [
    { className: 'SimpleRNN', name: 'simple_rnn', inputSize: 1, units: 3, returnSequences: false, activation: 'tanh' },
    { className: 'Dropout', name: 'dropout', inputSize: 3, rate: 0.2 },
    dense('dense', 3, 1),
  ],
  autoencoder: [lstm('encoder', 2, 4), { className: 'RepeatVector', name: 'repeat_vector', inputSize: 4, n: 5 }, lstm('decoder', 4, 3, true), dense('time_distributed', 3, 2)],
  // the same config: 'hard_sigmoid' is what the Keras that wrote the file meant by it
  'lstm_hard_sigmoid.keras3': [{ ...lstm('lstm', 2, 3, true), recurrentActivation: 'hard_sigmoid_relu6' }, dense('dense', 3, 1)],
  'lstm_hard_sigmoid.keras2': [{ ...lstm('lstm', 2, 3, true), recurrentActivation: 'hard_sigmoid' }, dense('dense', 3, 1)],
};

/** A layer as its class and config, without a Dropout's seed (Keras saved none; ours is drawn). */
function described(layer: Layer): object {
  const { seed: _seed, ...config } = layer.config();
  return { className: layer.className, ...config };
}

function withModel(bytes: Uint8Array | ArrayBuffer, f: (model: Sequential) => void): void {
  const model = loadKeras(bytes);
  try {
    f(model);
  } finally {
    model.dispose();
  }
}

describe.each(BACKENDS)('loadKeras on %s', (backend) => {
  for (const [name, file] of FILES) {
    it(`${file} predicts what ${REFERENCE[name].by} predicts, to 1e-5`, async () => {
      await init({ backend });
      const { input, output } = REFERENCE[name];
      withModel(bytesOf(file), (model) => expectClose(model.predict(f32(input)), output, 1e-5, file));
    });
  }
});

describe('what loadKeras builds', () => {
  it('reference.json covers every model file of the folder', () => {
    const notModels = ['weights-only.h5', 'variants.earliest.h5', 'variants.latest.h5', 'dense.latest.h5'];
    const models = readdirSync(DIR).filter((f) => /\.(keras|h5)$/.test(f) && !notModels.includes(f));
    expect(FILES.map(([, file]) => file).sort()).toEqual(models.sort());
  });

  it("Keras 3's and Keras 2's hard_sigmoid give different references, so the test tells them apart", () => {
    const keras3 = REFERENCE['lstm_hard_sigmoid.keras3'], keras2 = REFERENCE['lstm_hard_sigmoid.keras2'];
    expect(keras3.input).toEqual(keras2.input);
    expect(maxAbsDiff(keras3.output.data, keras2.output.data)).toBeGreaterThan(1e-2);
  });

  for (const [name, file] of FILES) {
    it(`${file}: the layers, units, returnSequences, activations and merge mode of its config`, async () => {
      await init({ backend: 'js' });
      withModel(bytesOf(file), (model) => {
        expect(model.layers.map(described)).toEqual(ARCHITECTURE[name]);
      });
    });
  }

  it('takes an ArrayBuffer too', async () => {
    await init({ backend: 'js' });
    const { input, output } = REFERENCE.stacked;
    const bytes = bytesOf('stacked.h5');
    withModel(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length), (model) => expectClose(model.predict(f32(input)), output, 1e-5, 'stacked.h5'));
  });
});

// ---- files loadKeras must refuse ----

/** `bytes` with the one occurrence of `from` replaced by `to` of the same length (an edit that keeps every offset). */
function replacedOnce(bytes: Uint8Array, from: string, to: string): Uint8Array {
  if (from.length !== to.length) throw new Error('a same-length edit');
  const text = Buffer.from(bytes).toString('latin1');
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`"${from}" is not in the file exactly once`);
  return new Uint8Array(Buffer.from(text.slice(0, at) + to + text.slice(at + from.length), 'latin1'));
}

/** A zip of stored entries (what Keras writes), for a .keras with an edited member. */
function storedZip(entries: Map<string, Uint8Array>): Uint8Array {
  const locals: Buffer[] = [], centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const n = Buffer.from(name);
    const local = Buffer.alloc(30 + n.length);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(n.length, 26);
    n.copy(local, 30);
    const central = Buffer.alloc(46 + n.length);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(n.length, 28);
    central.writeUInt32LE(offset, 42);
    n.copy(central, 46);
    locals.push(local, Buffer.from(data));
    centrals.push(central);
    offset += local.length + data.length;
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.size, 8);
  end.writeUInt16LE(entries.size, 10);
  end.writeUInt32LE(centrals.reduce((s, c) => s + c.length, 0), 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, ...centrals, end]));
}

/** A .keras fixture with its config.json edited. */
function editedKeras(file: string, edit: (config: { config: { layers: Array<{ class_name: string; config: Record<string, unknown> }> } }) => void): Uint8Array {
  const entries = readZip(bytesOf(file));
  const config = JSON.parse(Buffer.from(entries.get('config.json')!).toString('utf8'));
  edit(config);
  entries.set('config.json', new TextEncoder().encode(JSON.stringify(config)));
  return storedZip(entries);
}

/** A .h5 fixture with its model_config attribute edited in place (same length; HDF5 1.10 "earliest" headers have no checksum). */
const editedH5 = (file: string, from: string, to: string): Uint8Array => replacedOnce(bytesOf(file), from, to);

describe('loadKeras refuses what it cannot run, with one clear error and nothing left allocated', () => {
  const cases: Array<[what: string, bytes: () => Uint8Array, patterns: RegExp[]]> = [
    ['a weights-only .h5 (model.save_weights)', () => bytesOf('weights-only.h5'), [/weights/i]],
    ['a zip without config.json', () => bytesOf('not-keras.zip'), [/config\.json/]],
    ['not a zip nor HDF5', () => new TextEncoder().encode('{"class_name": "Sequential"}'), [/./]],
    ['.keras: a Conv1D layer', () => editedKeras('dropout.keras', (c) => (c.config.layers[2].class_name = 'Conv1D')), [/layer 2 "dropout" \(Conv1D\)/, /layer class "Conv1D" is not supported/]],
    ['.h5: a Conv1D layer', () => editedH5('dropout.h5', '"class_name": "Dropout", "config"', '"class_name": "Conv1D",  "config"'), [/"dropout" \(Conv1D\)/, /layer class "Conv1D" is not supported/]],
    // Masking loads (test/mask-io.test.ts); one carrying an attribute it does not have is refused by name
    ['.keras: a Masking layer with a Dropout\'s rate', () => editedKeras('dropout.keras', (c) => (c.config.layers[2].class_name = 'Masking')), [/"dropout" \(Masking\)/, /attribute "rate" is not supported/]],
    ['.h5: a Masking layer with a Dropout\'s rate', () => editedH5('dropout.h5', '"class_name": "Dropout"', '"class_name": "Masking"'), [/"dropout" \(Masking\)/, /attribute "rate" is not supported/]],
    ['.keras: return_state true', () => editedKeras('stacked.keras', (c) => (c.config.layers[2].config.return_state = true)), [/"lstm_1" \(LSTM\)/, /return_state/]],
    ['.h5: stateful true', () => editedH5('gru_reset_before.h5', '"stateful": false', '"stateful": true '), [/"gru" \(GRU\)/, /stateful/]],
    ['.keras: an attribute lstm-wasm does not know', () => editedKeras('lstm_dense.keras', (c) => (c.config.layers[1].config.time_scale = 2)), [/"lstm" \(LSTM\)/, /attribute "time_scale" is not supported/]],
    ['.keras: the weights of another model', () => {
      const entries = readZip(bytesOf('stacked.keras'));
      entries.set('model.weights.h5', readZip(bytesOf('autoencoder.keras')).get('model.weights.h5')!);
      return storedZip(entries);
    }, [/model\.weights\.h5/, /do not belong together/]],
    // the last layer fails after the LSTMs are built: they must be disposed
    ['.keras: a bad last layer after good ones', () => editedKeras('stacked.keras', (c) => (c.config.layers[3].config.activation = 'selu')), [/"dense" \(Dense\)/, /activation = "selu" is not supported/]],
    // every layer builds, then the weights do not fit the config
    ['.keras: weights of another shape than the config', () => editedKeras('stacked.keras', (c) => (c.config.layers[3].config.units = 2)), [/^lstm-wasm: loadKeras: layer "dense" \(Dense\): /, /weight "kernel" has shape \[3,1\] but this layer needs \[3,2\]/]],
    ['.h5: weights of another shape than the config', () => editedH5('lstm_dense.h5', '"units": 2,', '"units": 5,'), [/^lstm-wasm: loadKeras: layer "dense" \(Dense\): /, /weight "kernel" has shape \[4,2\] but this layer needs \[4,5\]/]],
  ];
  for (const [what, bytes, patterns] of cases) {
    it(what, async () => {
      await init({ backend: 'wasm' });
      const file = bytes();
      const before = memoryInfo().liveBlocks;
      throwsLW(() => loadKeras(file), ...patterns);
      expect(memoryInfo().liveBlocks).toBe(before);
    });
  }

  it('random byte damage: every load is a model or an LstmWasmError, and nothing leaks', async () => {
    await init({ backend: 'wasm' });
    const before = memoryInfo().liveBlocks;
    const random = rng(7);
    let refused = 0;
    for (const file of ['stacked.h5', 'autoencoder.h5', 'bidirectional.keras']) {
      const original = bytesOf(file);
      for (let trial = 0; trial < 100; trial++) {
        const bytes = original.slice();
        const flips = 1 + Math.floor(random(0, 4));
        for (let k = 0; k < flips; k++) bytes[Math.floor(random(0, bytes.length))] = Math.floor(random(0, 256));
        try {
          loadKeras(bytes).dispose();
        } catch (e) {
          if (!(e instanceof LstmWasmError)) throw e;
          refused++;
        }
      }
    }
    expect(refused).toBeGreaterThan(0);
    expect(memoryInfo().liveBlocks).toBe(before);
  });

  it('a .keras or .h5 cut short anywhere', async () => {
    await init({ backend: 'wasm' });
    const before = memoryInfo().liveBlocks;
    for (const file of ['stacked.keras', 'stacked.h5', 'autoencoder.keras', 'autoencoder.h5']) {
      const bytes = bytesOf(file);
      for (let k = 1; k < 16; k++) throwsLW(() => loadKeras(bytes.subarray(0, Math.floor((bytes.length * k) / 16))));
    }
    expect(memoryInfo().liveBlocks).toBe(before);
  });
});
