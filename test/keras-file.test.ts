/**
 * Reading Keras model files: the zip of a Keras 3 `.keras`, the HDF5 of
 * its weights and of a Keras 2 `.h5`. The fixtures (test/fixtures/keras,
 * made by make_keras.py) are written by h5py and Python's zipfile, the
 * reference implementations of these formats, in the layouts Keras's own
 * savers use; expected.json holds exactly what was written. Corrupt and
 * hostile files must each end in an LstmWasmError, never another kind of
 * exception, a hang or a huge allocation.
 */
import { readFileSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { LstmWasmError } from '../src/index.js';
import { inflateRaw } from '../src/io/inflate.js';
import { crc32, readZip } from '../src/io/zip.js';
import { readHdf5, type H5Dataset, type H5Group } from '../src/io/hdf5/index.js';
import { readKerasFile, snakeCase } from '../src/io/keras/file.js';
import { rng } from './rng.js';

const DIR = new URL('./fixtures/keras/', import.meta.url);
const bytesOf = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(name, DIR)));

interface ExpectedLayer { name: string; class_name: string; weights: Array<{ shape: number[]; data: number[] }> }
interface ExpectedModel { keras3_config: unknown; keras2_config: unknown; layers: ExpectedLayer[] }
const EXPECTED = JSON.parse(readFileSync(new URL('expected.json', DIR), 'utf8')) as Record<string, ExpectedModel> & {
  variants: Record<string, { shape: number[]; data: number[] }>;
};
const MODELS = Object.keys(EXPECTED).filter((k) => k !== 'variants');

/** Every weight of every layer equals what make_keras.py wrote, bit for bit (they were float32 there). */
function expectWeights(file: ReturnType<typeof readKerasFile>, layers: ExpectedLayer[]): void {
  for (const layer of layers) {
    const got = file.weightsOf(layer.name, layer.class_name);
    expect(got.map((t) => t.shape), layer.name).toEqual(layer.weights.map((w) => w.shape));
    got.forEach((t, i) => expect(Array.from(t.data), `${layer.name} weight ${i}`).toEqual(layer.weights[i].data.map(Math.fround)));
  }
}

/** Reads every member below a group, and every dataset's data: what a hostile file must survive. */
function walk(group: H5Group, depth = 0): void {
  if (depth > 10) return;
  void Object.keys(group.attrs);
  for (const name of group.names()) {
    const node = group.get(name);
    if (node?.kind === 'group') walk(node, depth + 1);
    else if (node) {
      try {
        node.read();
      } catch (e) {
        // a float64 that is not a float32 is refused on purpose, in an intact file too
        if (!(e instanceof LstmWasmError && /not exactly a float32/.test(e.message))) throw e;
      }
    }
  }
}

/** Runs `f` and expects an LstmWasmError (the only kind the readers may throw) whose message matches. */
function expectLW(f: () => unknown, message?: RegExp): void {
  let error: unknown;
  try {
    f();
  } catch (e) {
    error = e;
  }
  expect(error, 'an LstmWasmError').toBeInstanceOf(LstmWasmError);
  if (message) expect((error as Error).message).toMatch(message);
}

/** A zip of stored entries, as the simplest writer would make it. */
function storedZip(entries: Map<string, Uint8Array>): Uint8Array {
  const parts: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const nameBytes = new TextEncoder().encode(name);
    const local = new Uint8Array(30 + nameBytes.length);
    const ldv = new DataView(local.buffer);
    ldv.setUint32(0, 0x04034b50, true);
    ldv.setUint32(14, crc32(data), true);
    ldv.setUint32(18, data.length, true);
    ldv.setUint32(22, data.length, true);
    ldv.setUint16(26, nameBytes.length, true);
    local.set(nameBytes, 30);
    const central = new Uint8Array(46 + nameBytes.length);
    const cdv = new DataView(central.buffer);
    cdv.setUint32(0, 0x02014b50, true);
    cdv.setUint32(16, crc32(data), true);
    cdv.setUint32(20, data.length, true);
    cdv.setUint32(24, data.length, true);
    cdv.setUint16(28, nameBytes.length, true);
    cdv.setUint32(42, offset, true);
    central.set(nameBytes, 46);
    parts.push(local, data);
    centrals.push(central);
    offset += local.length + data.length;
  }
  const centralSize = centrals.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const edv = new DataView(end.buffer);
  edv.setUint32(0, 0x06054b50, true);
  edv.setUint16(8, entries.size, true);
  edv.setUint16(10, entries.size, true);
  edv.setUint32(12, centralSize, true);
  edv.setUint32(16, offset, true);
  return new Uint8Array(Buffer.concat([...parts, ...centrals, end]));
}

/** Either reads cleanly or throws an LstmWasmError. */
function survives(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof LstmWasmError)) throw e;
  }
}

describe('readKerasFile', () => {
  for (const model of MODELS) {
    it(`${model}.keras: the config and every layer's weights, exactly as saved`, () => {
      const file = readKerasFile(bytesOf(`${model}.keras`));
      expect(file.format).toBe('keras3');
      expect(file.config).toEqual(EXPECTED[model].keras3_config);
      expectWeights(file, EXPECTED[model].layers);
    });
    it(`${model}.h5 (Keras 2): the config and every layer's weights, exactly as saved`, () => {
      const file = readKerasFile(bytesOf(`${model}.h5`));
      expect(file.format).toBe('keras2-h5');
      expect(file.config).toEqual(EXPECTED[model].keras2_config);
      expectWeights(file, EXPECTED[model].layers);
    });
  }

  it('reads a deflated .keras zip and weights written with libver "latest" (superblock 3, new-style groups)', () => {
    for (const variant of ['lstm_dense.deflated.keras', 'lstm_dense.latest.keras']) {
      const file = readKerasFile(bytesOf(variant));
      expect(file.config).toEqual(EXPECTED.lstm_dense.keras3_config);
      expectWeights(file, EXPECTED.lstm_dense.layers);
    }
  });

  it('reads a tf-keras 2.13–2.15 .keras (layers under _layer_checkpoint_dependencies, vars groups without names)', () => {
    const file = readKerasFile(bytesOf('bidirectional.tf-keras.keras'));
    expect(file.config).toEqual(EXPECTED.bidirectional.keras3_config);
    expectWeights(file, EXPECTED.bidirectional.layers);
  });

  it('reads layer_names split into layer_names0, layer_names1 (how Keras 2 saves long lists)', () => {
    expectWeights(readKerasFile(bytesOf('stacked.split-names.h5')), EXPECTED.stacked.layers);
  });

  it('finds layers by Keras 3 path (snake_case of the class, _1 for the second) and checks the class', () => {
    expect(['LSTM', 'GRU', 'SimpleRNN', 'TimeDistributed', 'RepeatVector', 'Bidirectional', 'Dense'].map(snakeCase))
      .toEqual(['lstm', 'gru', 'simple_rnn', 'time_distributed', 'repeat_vector', 'bidirectional', 'dense']);
    const file = readKerasFile(bytesOf('stacked.keras'));
    expectLW(() => file.weightsOf('lstm_1', 'GRU'), /"lstm_1" is a "LSTM" in config\.json, not a "GRU"/);
    expectLW(() => file.weightsOf('nope', 'LSTM'), /no layer named "nope"/);
    expectLW(() => readKerasFile(bytesOf('stacked.h5')).weightsOf('nope', 'LSTM'), /lists no layer "nope"/);
    expectLW(() => readKerasFile(bytesOf('stacked.h5')).weightsOf('dense', 'LSTM'), /"dense" is a "Dense" in the \.h5 file's model_config, not a "LSTM"/);
  });

  it('refuses a .keras whose weights file belongs to another model (its vars group names another layer)', () => {
    const entries = readZip(bytesOf('lstm_dense.keras'));
    const config = JSON.parse(new TextDecoder().decode(entries.get('config.json')));
    // rename the LSTM in the config only: its weights group still records "lstm"
    config.config.layers[1].config.name = 'renamed';
    entries.set('config.json', new TextEncoder().encode(JSON.stringify(config)));
    const file = readKerasFile(storedZip(entries));
    expectLW(() => file.weightsOf('renamed', 'LSTM'), /"layers\/lstm" holds the weights of layer "lstm", but config\.json puts "renamed" there/);
    expect(file.weightsOf('dense', 'Dense').length).toBe(2);
  });

  it('says what a file is when it is not a Keras model', () => {
    expectLW(() => readKerasFile(bytesOf('weights-only.h5')), /weights-only \.h5 \(from model\.save_weights\)/);
    expectLW(() => readKerasFile(bytesOf('variants.earliest.h5')), /without a model_config attribute: not a Keras model file/);
    expectLW(() => readKerasFile(bytesOf('not-keras.zip')), /no config\.json, so it is not a \.keras model file \(it holds \["readme\.txt"\]\)/);
    expectLW(() => readKerasFile(new TextEncoder().encode('{"format": "layers-model"}')), /not a Keras model file.*SavedModel/);
    expectLW(() => readKerasFile(new Uint8Array(0)), /not a Keras model file/);
    expectLW(() => readKerasFile('model.keras' as unknown as Uint8Array), /Uint8Array/);
  });

  it('a .keras or .h5 truncated anywhere is an LstmWasmError', () => {
    for (const name of ['bidirectional.keras', 'bidirectional.h5', 'lstm_dense.latest.keras']) {
      const bytes = bytesOf(name);
      for (let n = 0; n < bytes.length; n += 61) expectLW(() => readKerasFile(bytes.subarray(0, n)));
    }
  });
});

describe('readHdf5', () => {
  for (const libver of ['earliest', 'latest']) {
    it(`libver ${libver}: every dataset's shape, dtype and values as h5py wrote them`, () => {
      const root = readHdf5(bytesOf(`variants.${libver}.h5`));
      for (const [path, expected] of Object.entries(EXPECTED.variants)) {
        const dataset = root.get(path) as H5Dataset;
        expect(dataset.kind, path).toBe('dataset');
        expect(dataset.shape, path).toEqual(expected.shape);
        const data = dataset.read();
        expect(data, path).toBeInstanceOf(path.startsWith('floats/') || path.endsWith('compact') || path.endsWith('unwritten') || path.endsWith('deep') ? Float32Array : Array);
        expect(Array.from(data as ArrayLike<number>), path).toEqual(expected.data.map((v) => (data instanceof Float32Array ? Math.fround(v) : v)));
      }
      expect((root.get('floats/f16') as H5Dataset).dtype).toBe('float16');
      expect((root.get('floats/f64_exact') as H5Dataset).dtype).toBe('float64');
      expect((root.get('other/i64') as H5Dataset).dtype).toBe('int64');
      expect((root.get('other/u8') as H5Dataset).dtype).toBe('uint8');
      expect((root.get('floats/scalar') as H5Dataset).shape).toEqual([]);
    });

    it(`libver ${libver}: attributes of every kind, strings fixed and variable-length`, () => {
      const root = readHdf5(bytesOf(`variants.${libver}.h5`));
      expect({ ...root.attrs }).toEqual({
        text: 'a str attribute', bytes: 'fixed bytes', int: -7, float: 0.1, floats: [1.5, -2.25],
        texts: ['one', 'two', 'three'], fixed_texts: ['ab', 'cde'], empty: [],
      });
      expect(Object.getPrototypeOf(root.attrs)).toBe(null);
      expect(root.get('floats/plain')!.attrs.note).toBe('on a dataset');
      expect((root.get('other/strings_vlen') as H5Dataset).read()).toEqual(['alpha', 'beta', 'γάμμα']);
      expect((root.get('other/strings_fixed') as H5Dataset).read()).toEqual(['ab', 'cde']);
    });
  }

  it('paths: nested, missing, through a dataset; names in order', () => {
    const root = readHdf5(bytesOf('variants.earliest.h5'));
    expect(root.names()).toEqual(['a', 'floats', 'many', 'other']);
    expect(root.get('/a/b/c/deep')?.kind).toBe('dataset');
    expect((root.get('a') as H5Group).get('b/c/deep')?.kind).toBe('dataset');
    expect(root.get('a/b/nothing')).toBeUndefined();
    expect(root.get('floats/plain/below')).toBeUndefined();
    // 10 members: an old-style group whose symbol table needs two leaf nodes
    expect((root.get('many') as H5Group).names()).toEqual(Array.from({ length: 10 }, (_, i) => `member0${i}`));
  });

  it('says what it does not read: float64 that is not float32', () => {
    expectLW(() => (readHdf5(bytesOf('variants.earliest.h5')).get('other/f64_inexact') as H5Dataset).read(), /float64 and element 0 \(0\.1\) is not exactly a float32/);
  });

  it('dense storage (libver "latest", past 8 members or attributes): a fractal heap indexed by a version 2 B-tree', () => {
    const names = Array.from({ length: 10 }, (_, i) => `member0${i}`);
    expect((readHdf5(bytesOf('variants.latest.h5')).get('many') as H5Group).names()).toEqual(names);
    const root = readHdf5(bytesOf('dense.latest.h5'));
    // 300 links: the heap's root is an indirect block, the B-tree has an internal node
    const crowd = root.get('crowd') as H5Group;
    expect(crowd.names()).toEqual(Array.from({ length: 300 }, (_, i) => `m${String(i).padStart(3, '0')}`));
    expect(crowd.get('m299')?.kind).toBe('group');
    const dataset = root.get('with_attrs') as H5Dataset;
    expect({ ...dataset.attrs }).toEqual(Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`attr${String(i).padStart(2, '0')}`, i * 1.5])));
    expect(Array.from(dataset.read() as Float32Array)).toEqual([0, 1, 2]);
  });

  it('wrong magic, truncation anywhere, an address past the end', () => {
    expectLW(() => readHdf5(new Uint8Array(100)), /no HDF5 signature/);
    expectLW(() => readHdf5(bytesOf('payload.bin')), /no HDF5 signature/);
    for (const libver of ['earliest', 'latest']) {
      const bytes = bytesOf(`variants.${libver}.h5`);
      for (let n = 0; n < bytes.length; n += 97) expectLW(() => walk(readHdf5(bytes.subarray(0, n))));
    }
    // superblock 0: the root object header address is the second address of the root symbol table entry
    const bytes = bytesOf('variants.earliest.h5').slice();
    new DataView(bytes.buffer).setUint32(64, 0x7fffff00, true);
    expectLW(() => readHdf5(bytes), /runs past the end of the .*-byte file/);
  });

  it('a cyclic B-tree, a cyclic object header, a huge local heap, a huge chunk: each an LstmWasmError', () => {
    const original = bytesOf('variants.earliest.h5');
    const find = (bytes: Uint8Array, signature: string, from = 0): number => Buffer.from(bytes).indexOf(signature, from);

    // a group B-tree node made an internal node whose first child is itself
    const cyclic = original.slice();
    const tree = find(cyclic, 'TREE');
    cyclic[tree + 5] = 1; // level 1
    const dv = new DataView(cyclic.buffer);
    dv.setBigUint64(tree + 8 + 16 + 8, BigInt(tree), true); // key 0 (8 bytes), then child 0
    expectLW(() => walk(readHdf5(cyclic)), /reaches node \d+ twice \(a cycle/);

    // the root object header (at 96, its messages from 112) continues into itself: the continuation message at 112 is made to point at 112
    const looped = original.slice();
    expect(new DataView(looped.buffer).getUint32(64, true)).toBe(96);
    expect(new DataView(looped.buffer).getUint16(112, true)).toBe(0x10);
    new DataView(looped.buffer).setBigUint64(120, 112n, true);
    new DataView(looped.buffer).setBigUint64(128, 24n, true);
    expectLW(() => readHdf5(looped), /continues into a block it already read \(a cycle/);

    // a local heap that claims 4 GiB of names
    const heap = original.slice();
    const at = find(heap, 'HEAP');
    new DataView(heap.buffer).setBigUint64(at + 8, 0xffffffffn, true);
    expectLW(() => walk(readHdf5(heap)), /local heap data .* runs past the end/);

    // a chunk B-tree (node type 1) whose first chunk claims 2 GiB of stored bytes
    const chunk = original.slice();
    let node = find(chunk, 'TREE');
    while (node >= 0 && chunk[node + 4] !== 1) node = find(chunk, 'TREE', node + 4);
    new DataView(chunk.buffer).setUint32(node + 24, 0x7fffffff, true);
    expectLW(() => walk(readHdf5(chunk)), /a chunk of dataset .* runs past the end/);
  });

  it('checks the checksums of libver "latest" structures (superblock 3, object headers, fixed arrays)', () => {
    const original = bytesOf('variants.latest.h5');
    const damaged = (offset: number): Uint8Array => {
      const bytes = original.slice();
      bytes[offset] ^= 0x10;
      return bytes;
    };
    expectLW(() => readHdf5(damaged(30)), /the superblock: checksum mismatch/); // a byte of its end-of-file address
    const header = Buffer.from(original).indexOf('OHDR', 48);
    expectLW(() => walk(readHdf5(damaged(header + 12))), /object header .*checksum mismatch/);
    const fixedArray = Buffer.from(original).indexOf('FADB');
    expectLW(() => walk(readHdf5(damaged(fixedArray + 20))), /fixed array data block .*checksum mismatch/);
  });

  it('random byte damage: every outcome is data or an LstmWasmError, in bounded work', () => {
    const random = rng(11);
    for (const name of ['variants.earliest.h5', 'variants.latest.h5', 'autoencoder.h5', 'dense.latest.h5']) {
      const original = bytesOf(name);
      for (let trial = 0; trial < 150; trial++) {
        const bytes = original.slice();
        const flips = 1 + Math.floor(random() * 8);
        for (let k = 0; k < flips; k++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
        survives(() => walk(readHdf5(bytes)));
      }
    }
  });
});

describe('readZip and inflate', () => {
  const payload = bytesOf('payload.bin');

  it('reads zips from Python\'s zipfile: stored, deflated at levels 1 and 9, fixed Huffman, streamed with data descriptors', () => {
    for (const name of ['stored', 'deflate1', 'deflate9']) {
      const entries = readZip(bytesOf(`${name}.zip`));
      expect([...entries.keys()]).toEqual(['payload.bin', 'dir/empty.txt']);
      expect(Buffer.from(entries.get('payload.bin')!).equals(Buffer.from(payload)), name).toBe(true);
      expect(entries.get('dir/empty.txt')!.length).toBe(0);
    }
    expect(new TextDecoder().decode(readZip(bytesOf('fixed-huffman.zip')).get('short.txt'))).toBe('hello, hello, hello zip');
    expect(Buffer.from(readZip(bytesOf('streamed.zip')).get('payload.bin')!).equals(Buffer.from(payload))).toBe(true);
  });

  it('CRC-32 is the IEEE one (the check value of "123456789" is 0xCBF43926)', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('inflates what node:zlib deflates, at every level and strategy', () => {
    const random = rng(3);
    const noisy = Uint8Array.from({ length: 5000 }, (_, i) => (i % 7 === 0 ? Math.floor(random() * 256) : i % 13));
    for (const level of [0, 1, 6, 9]) {
      for (const strategy of [0, 1, 2, 3, 4]) {
        const packed = new Uint8Array(deflateRawSync(noisy, { level, strategy }));
        expect(Buffer.from(inflateRaw(packed, noisy.length, 'test').output).equals(Buffer.from(noisy)), `level ${level} strategy ${strategy}`).toBe(true);
      }
    }
  });

  /** A one-entry zip, written by hand so that each field can lie. */
  function zipOf(data: Uint8Array, options: { method?: number; size?: number; crc?: number; flags?: number; raw?: Uint8Array } = {}): Uint8Array {
    const name = new TextEncoder().encode('x.bin');
    const body = options.raw ?? data;
    const method = options.method ?? 0;
    const local = new Uint8Array(30 + name.length + body.length);
    const ldv = new DataView(local.buffer);
    ldv.setUint32(0, 0x04034b50, true);
    ldv.setUint16(6, options.flags ?? 0, true);
    ldv.setUint16(8, method, true);
    local.set(name, 30);
    local.set(body, 30 + name.length);
    const central = new Uint8Array(46 + name.length);
    const cdv = new DataView(central.buffer);
    cdv.setUint32(0, 0x02014b50, true);
    cdv.setUint16(8, options.flags ?? 0, true);
    cdv.setUint16(10, method, true);
    cdv.setUint32(16, options.crc ?? crc32(data), true);
    cdv.setUint32(20, body.length, true);
    cdv.setUint32(24, options.size ?? data.length, true);
    cdv.setUint16(28, name.length, true);
    central.set(name, 46);
    ldv.setUint16(26, name.length, true);
    const end = new Uint8Array(22);
    const edv = new DataView(end.buffer);
    edv.setUint32(0, 0x06054b50, true);
    edv.setUint16(8, 1, true);
    edv.setUint16(10, 1, true);
    edv.setUint32(12, central.length, true);
    edv.setUint32(16, local.length, true);
    return new Uint8Array([...local, ...central, ...end]);
  }

  it('a zip bomb (a small declared size that inflates big) stops at the declared size', () => {
    const huge = new Uint8Array(deflateRawSync(new Uint8Array(50_000_000)));
    expect(huge.length).toBeLessThan(100_000);
    expectLW(() => readZip(zipOf(new Uint8Array(1000), { method: 8, raw: huge, size: 1000 })), /inflates to more than its declared 1000 bytes \(corrupt data or a zip bomb\)/);
    // and a declared size past what is read is refused before allocating
    expectLW(() => readZip(zipOf(new Uint8Array(10), { method: 8, raw: huge, size: 0xfffffff0 })), /declares 4294967280 bytes/);
    // and so is one past what DEFLATE can expand its input to (at most 1032 times)
    expectLW(() => readZip(zipOf(new Uint8Array(10), { method: 8, raw: huge, size: 200_000_000 })), /more than DEFLATE can produce/);
  });

  it('bad CRC, encryption, other methods, zip64, truncation, garbage: each an LstmWasmError', () => {
    const data = new TextEncoder().encode('some bytes');
    expect(new TextDecoder().decode(readZip(zipOf(data)).get('x.bin'))).toBe('some bytes');
    expectLW(() => readZip(zipOf(data, { crc: 1234 })), /CRC-32 does not match/);
    expectLW(() => readZip(zipOf(data, { flags: 1 })), /is encrypted/);
    expectLW(() => readZip(zipOf(data, { method: 12 })), /compression method 12; only stored \(0\) and deflate \(8\)/);
    expectLW(() => readZip(zipOf(data, { size: 0xffffffff })), /zip64/);
    expectLW(() => readZip(zipOf(data, { method: 8, raw: new Uint8Array([0xff, 0xff, 0xff]) })), /inflate|x\.bin/);
    expectLW(() => readZip(new Uint8Array(10)), /too short/);
    expectLW(() => readZip(new Uint8Array(1000)), /no end-of-central-directory record/);
    for (const name of ['deflate9.zip', 'stored.zip', 'streamed.zip']) {
      const bytes = bytesOf(name);
      for (let n = 0; n < bytes.length; n += 37) expectLW(() => readZip(bytes.subarray(0, n)));
    }
  });

  it('random byte damage to a deflated zip: data or an LstmWasmError, never a wrong payload', () => {
    const random = rng(7);
    const original = bytesOf('deflate9.zip');
    for (let trial = 0; trial < 300; trial++) {
      const bytes = original.slice();
      bytes[Math.floor(random() * bytes.length)] ^= 1 + Math.floor(random() * 255);
      let entries: Map<string, Uint8Array> | undefined;
      survives(() => (entries = readZip(bytes)));
      // a flip inside the data must be caught by the CRC; one in a name or a date may pass
      const got = entries?.get('payload.bin');
      if (got) expect(Buffer.from(got).equals(Buffer.from(payload))).toBe(true);
    }
  });
});
