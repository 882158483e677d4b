/**
 * The safetensors reader and writer: exact round trips, the golden files
 * bit for bit, F16/BF16/F64 decoding, and every kind of corrupt file
 * rejected with an LstmWasmError that says what is wrong — never a
 * silently wrong tensor, never a different kind of exception.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  Bidirectional, Dense, GRU, init, LSTM, LstmWasmError, readSafetensors, readSafetensorsWithMetadata, Sequential,
  SimpleRNN, writeSafetensors, type Tensor,
} from '../src/index.js';
import { BACKENDS, GOLDEN_DIR, golden, goldenBytes, randomTensor, rng } from './helpers.js';

const GOLDEN = readdirSync(GOLDEN_DIR).filter((f) => f.endsWith('.safetensors')).map((f) => f.replace(/\.safetensors$/, ''));

/** The raw bit patterns of float32 values (so -0, subnormals and NaN payloads compare exactly). */
const bits = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

/** A safetensors file from a header (object or raw string) and data bytes, with an optional forced header length. */
function file(header: unknown, data: Uint8Array = new Uint8Array(0), headerLength?: bigint): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, headerLength ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function u16le(values: number[]): Uint8Array {
  const out = new Uint8Array(2 * values.length);
  const dv = new DataView(out.buffer);
  values.forEach((v, i) => dv.setUint16(2 * i, v, true));
  return out;
}

function rejects(bytes: Uint8Array | ArrayBuffer, ...patterns: RegExp[]): void {
  let err: unknown;
  let result: unknown;
  try {
    result = readSafetensors(bytes);
  } catch (e) {
    err = e;
  }
  if (!(err instanceof LstmWasmError)) {
    throw new Error(`expected an LstmWasmError matching ${patterns.join(' ')}, got ${err === undefined ? `a result with keys ${Object.keys(result as object)}` : String(err)}`);
  }
  expect(err.message).toMatch(/safetensors/);
  for (const p of patterns) expect(err.message).toMatch(p);
}

describe('writeSafetensors → readSafetensors', () => {
  const special = Float32Array.from([0, -0, 1, -1, 1e-45, -1e-45, 1.1754942e-38, 3.4028235e38, -3.4028235e38, Math.PI, 0.1, -2.5]);
  const tensors: Record<string, Tensor> = {
    'encoder.weight_ih_l0': randomTensor([16, 3], rng(1)),
    special: { shape: [3, 4], data: special },
    scalar: { shape: [], data: Float32Array.from([42.5]) },
    empty: { shape: [0, 3], data: new Float32Array(0) },
    'ünïcode name/with.dots': randomTensor([2, 1, 3], rng(2)),
    odd: randomTensor([7], rng(3)),
  };

  it('round-trips names (in order), shapes and exact bits', () => {
    const bytes = writeSafetensors(tensors);
    const back = readSafetensors(bytes);
    expect(Object.keys(back)).toEqual(Object.keys(tensors));
    for (const [k, t] of Object.entries(tensors)) {
      expect(back[k].shape, k).toEqual(t.shape);
      expect(back[k].data).toBeInstanceOf(Float32Array);
      expect(bits(back[k].data), k).toEqual(bits(t.data));
    }
    // the data starts 8-byte aligned, as the format recommends
    const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    // reading from an ArrayBuffer, and from a Uint8Array that sits at an offset in a larger buffer
    expect(bits(readSafetensors(bytes.slice().buffer).special.data)).toEqual(bits(special));
    const bigger = new Uint8Array(bytes.length + 13);
    bigger.set(bytes, 5);
    expect(bits(readSafetensors(bigger.subarray(5, 5 + bytes.length)).special.data)).toEqual(bits(special));
  });

  it('keeps metadata; a file without metadata reads as {}', () => {
    const meta = { format: 'pt', note: 'ünïcode ✓', empty: '' };
    const r = readSafetensorsWithMetadata(writeSafetensors(tensors, meta));
    expect(r.metadata).toEqual(meta);
    expect(Object.keys(r.tensors)).toEqual(Object.keys(tensors));
    expect(readSafetensorsWithMetadata(writeSafetensors(tensors)).metadata).toEqual({});
    // no tensors at all is a valid file too
    const none = readSafetensorsWithMetadata(writeSafetensors({}, { a: 'b' }));
    expect(none.tensors).toEqual({});
    expect(none.metadata).toEqual({ a: 'b' });
  });

  it('reads the exact tensors a writer of the reference implementation lays out (hand-built file)', () => {
    const data = new Uint8Array(12);
    new DataView(data.buffer).setFloat32(0, 1.5, true);
    new DataView(data.buffer).setFloat32(4, -2, true);
    new DataView(data.buffer).setFloat32(8, 0.25, true);
    // tensors listed out of order in the header; the data order is b then a
    const st = readSafetensors(file({ a: { dtype: 'F32', shape: [1], data_offsets: [8, 12] }, b: { dtype: 'F32', shape: [2, 1], data_offsets: [0, 8] } }, data));
    expect(Array.from(st.b.data)).toEqual([1.5, -2]);
    expect(st.b.shape).toEqual([2, 1]);
    expect(Array.from(st.a.data)).toEqual([0.25]);
  });

  it('a tensor named like an Object.prototype property keeps its name', () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const t = { shape: [2], data: Float32Array.from([1, 2]) };
      const back = readSafetensors(writeSafetensors({ [name]: t } as Record<string, Tensor>));
      expect(Object.keys(back), name).toEqual([name]);
      expect(Object.getOwnPropertyDescriptor(back, name)?.value.data, name).toEqual(t.data);
      // and a hand-built file with such a name reads the same way
      const data = new Uint8Array(new Float32Array([1, 2]).buffer);
      const fromHand = readSafetensors(file(`{"${name}":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, data));
      expect(Object.keys(fromHand), name).toEqual([name]);
    }
  });

  it('writing checks its input', () => {
    expect(() => writeSafetensors({ a: { shape: [2, 3], data: new Float32Array(5) } })).toThrow(LstmWasmError);
    expect(() => writeSafetensors({ a: { shape: [2, 3], data: new Float32Array(5) } })).toThrow(/"a" has 5 values for shape \[2,3\]/);
    expect(() => writeSafetensors({ __metadata__: { shape: [1], data: new Float32Array(1) } })).toThrow(/__metadata__/);
  });
});

describe('the golden safetensors files', () => {
  it.each(GOLDEN)('%s equals its JSON state_dict bit for bit', (name) => {
    const c = golden(name);
    const { tensors, metadata } = readSafetensorsWithMetadata(goldenBytes(name));
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(c.state_dict).sort());
    for (const [k, v] of Object.entries(c.state_dict)) {
      expect(tensors[k].shape, k).toEqual(v.shape);
      expect(bits(tensors[k].data), k).toEqual(bits(Float32Array.from(v.data)));
    }
    expect(metadata.case).toBe(name);
    // and our writer reproduces the same tensors
    const again = readSafetensors(writeSafetensors(tensors, metadata));
    for (const k of Object.keys(tensors)) expect(bits(again[k].data), k).toEqual(bits(tensors[k].data));
  });

  it.each(GOLDEN)('%s cut short anywhere is rejected, never read', (name) => {
    const bytes = goldenBytes(name);
    const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    // every cut through the length and the header, then enough through the data to hit every tensor
    const stride = Math.max(1, Math.floor((bytes.length - 8 - n) / 1500));
    const cuts = new Set<number>();
    for (let c = 0; c < 8 + n + 8; c++) cuts.add(c);
    for (let c = 8 + n; c < bytes.length; c += stride) cuts.add(c);
    for (const d of [1, 2, 3, 4, 5]) cuts.add(bytes.length - d);
    for (const cut of cuts) {
      let err: unknown;
      try {
        readSafetensors(bytes.subarray(0, cut));
      } catch (e) {
        err = e;
      }
      if (!(err instanceof LstmWasmError)) throw new Error(`${name} cut at ${cut} of ${bytes.length}: ${err === undefined ? 'read without error' : String(err)}`);
      const msg = err.message;
      if (cut < 8) expect(msg).toMatch(/too short/);
      else if (cut < 8 + n) expect(msg).toMatch(/header length \d+ runs past the end/);
      else expect(msg, `cut at ${cut}`).toMatch(/truncated|header is not valid/);
    }
  });
});

describe('corrupt files are rejected with a clear message', () => {
  const f32 = (values: number[]) => new Uint8Array(Float32Array.from(values).buffer);
  const one = (info: Record<string, unknown>, data = f32([1, 2, 3, 4])) => file({ t: { dtype: 'F32', shape: [4], data_offsets: [0, 16], ...info } }, data);

  it('too short for the length field', () => {
    for (let n = 0; n < 8; n++) rejects(new Uint8Array(n), new RegExp(`file is ${n} bytes`), /too short/);
  });

  it('a header length past the end (or absurdly large)', () => {
    const good = one({});
    const n = good.length - 8 - 16;
    rejects(file(JSON.parse(new TextDecoder().decode(good.subarray(8, 8 + n))), f32([1, 2, 3, 4]), BigInt(good.length)), /header length \d+ runs past the end/);
    rejects(file('{}', new Uint8Array(0), 2n ** 63n), /header length/);
    rejects(file('{}', new Uint8Array(0), 2n ** 64n - 1n), /header length/);
    rejects(file('{}', new Uint8Array(0), 3n), /header length 3 runs past the end of the 10-byte file/);
  });

  it('a header that is not JSON, not UTF-8, or not an object', () => {
    rejects(file('{"t": {"dtype": "F32",'), /not valid UTF-8 JSON/);
    rejects(file('not json at all'), /not valid UTF-8 JSON/);
    rejects(file(''), /not valid UTF-8 JSON/);
    const badUtf8 = file('{"a":"xx"}');
    badUtf8[14] = 0xff;
    rejects(badUtf8, /not valid UTF-8 JSON/);
    for (const h of ['[]', 'null', '42', '"str"', 'true']) rejects(file(h), /header must be a JSON object/);
    // a tensor entry that is not an object
    rejects(file({ t: 5 }), /"t"/);
    rejects(file({ t: null }), /"t"/);
  });

  it('an unsupported or missing dtype', () => {
    for (const dtype of ['I64', 'F8_E4M3', 'f32', 'constructor', 'toString', '__proto__', 7, null]) {
      rejects(one({ dtype }), /tensor "t" has dtype/, /supported: F32, F16, BF16, F64/);
    }
    rejects(file({ t: { shape: [4], data_offsets: [0, 16] } }, f32([1, 2, 3, 4])), /dtype undefined/);
  });

  it('a bad shape', () => {
    for (const shape of [[-4], [2.5], ['4'], [null], 4, '4', null, { 0: 4 }]) rejects(one({ shape }), /tensor "t" has a bad shape/);
    rejects(file({ t: { dtype: 'F32', data_offsets: [0, 16] } }, f32([1, 2, 3, 4])), /bad shape/);
  });

  it('data_offsets malformed or not matching the shape', () => {
    for (const data_offsets of [[16, 0], [0], [0, 16, 32], [-16, 0], [0.5, 16.5], ['0', '16'], null, 16]) {
      rejects(one({ data_offsets }), /tensor "t" has bad data_offsets/);
    }
    rejects(one({ data_offsets: [0, 12] }, f32([1, 2, 3])), /spans 12 bytes but shape \[4\] of F32 needs 16/);
    rejects(one({ shape: [2, 3] }), /spans 16 bytes but shape \[2,3\] of F32 needs 24/);
    rejects(one({ dtype: 'F16' }), /needs 8/);
    rejects(one({ data_offsets: [16, 32] }), /ends at byte 32 but the data has only 16 bytes/);
  });

  it('overlapping tensors', () => {
    const data = f32([1, 2, 3, 4, 5, 6]);
    rejects(file({ a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] }, b: { dtype: 'F32', shape: [4], data_offsets: [8, 24] } }, data), /"a" and "b" overlap/);
    rejects(file({ a: { dtype: 'F32', shape: [6], data_offsets: [0, 24] }, b: { dtype: 'F32', shape: [2], data_offsets: [8, 16] } }, data), /overlap/);
    rejects(file({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, f32([1, 2])), /overlap/);
  });

  it('many tensors over one span are refused before any is decoded (each would be a copy of all the data)', () => {
    const data = new Uint8Array(4 << 20); // 1M floats
    const header: Record<string, unknown> = {};
    for (let i = 0; i < 4000; i++) header[`t${i}`] = { dtype: 'F32', shape: [1 << 20], data_offsets: [0, 4 << 20] };
    const heap = process.memoryUsage().arrayBuffers;
    rejects(file(header, data), /overlap/);
    // decoding first allocated 4000 × 4 MiB before the overlap was seen
    expect(process.memoryUsage().arrayBuffers - heap).toBeLessThan(64 << 20);
  });

  it('dimensions and offsets beyond 2^53 (where integers stop being exact) are bad, not rounded', () => {
    rejects(one({ shape: [2 ** 53, 0] }), /tensor "t" has a bad shape \[9007199254740992,0\]/);
    rejects(one({ shape: [1e300, 0] }), /bad shape/);
    rejects(one({ data_offsets: [2 ** 53, 2 ** 53 + 16] }), /bad data_offsets/);
  });

  it('a huge header value is quoted in a short message', () => {
    const long = 'x'.repeat(1 << 20);
    let message = '';
    try {
      readSafetensors(file({ [long]: { dtype: long, shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4)));
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/has dtype "xxx/);
    expect(message.length).toBeLessThan(400);
  });

  it('holes between tensors, and bytes after the last one', () => {
    const data = f32([1, 2, 3, 4]);
    rejects(file({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [12, 16] } }, data), /bytes 4 to 12 belong to no tensor/);
    rejects(file({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32([1, 2])), /bytes 0 to 4 belong to no tensor/);
    rejects(file({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 12] } }, data), /4 bytes after the last tensor/);
    rejects(file({}, f32([1])), /4 bytes after the last tensor/);
    // a golden file with one byte appended
    const g = goldenBytes('lstm_small');
    const longer = new Uint8Array(g.length + 1);
    longer.set(g);
    rejects(longer, /1 bytes after the last tensor/);
  });

  it('metadata that is not a record of strings', () => {
    for (const m of [5, 'x', [1], { a: 1 }, { a: null }, { a: { b: 'c' } }]) {
      rejects(file({ __metadata__: m, t: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, f32([1])), /__metadata__/);
    }
  });

  it('not bytes at all', () => {
    for (const x of ['abc', null, undefined, [1, 2, 3], new Float32Array(4)]) {
      expect(() => readSafetensors(x as unknown as Uint8Array)).toThrow(LstmWasmError);
      expect(() => readSafetensors(x as unknown as Uint8Array)).toThrow(/Uint8Array or ArrayBuffer/);
    }
  });
});

describe('F16, BF16 and F64 decode to the right float32 values', () => {
  it('F16: ±1, −2.5, 65504 (max), subnormals, ±0, ±Infinity', () => {
    const cases: [number, number][] = [
      [0x3c00, 1], [0xbc00, -1], [0xc100, -2.5], [0x7bff, 65504], [0xfbff, -65504],
      [0x3555, 0.333251953125], [0x0400, 2 ** -14], // smallest normal
      [0x0001, 2 ** -24], [0x8001, -(2 ** -24)], [0x03ff, 1023 * 2 ** -24], // subnormals
      [0x0000, 0], [0x8000, -0], [0x7c00, Infinity], [0xfc00, -Infinity],
    ];
    const st = readSafetensors(file({ h: { dtype: 'F16', shape: [cases.length], data_offsets: [0, 2 * cases.length] } }, u16le(cases.map((c) => c[0]))));
    expect(st.h.data).toBeInstanceOf(Float32Array);
    cases.forEach(([b, want], i) => expect(Object.is(st.h.data[i], want), `F16 0x${b.toString(16)} → ${st.h.data[i]}, want ${want}`).toBe(true));
    const nan = readSafetensors(file({ h: { dtype: 'F16', shape: [1], data_offsets: [0, 2] } }, u16le([0x7e00])));
    expect(Number.isNaN(nan.h.data[0])).toBe(true);
  });

  it('BF16: ±1, −2.5, max, float32 subnormals, ±0, ±Infinity', () => {
    const cases: [number, number][] = [
      [0x3f80, 1], [0xbf80, -1], [0xc020, -2.5], [0x4049, 3.140625],
      [0x7f7f, 3.3895313892515355e38], [0xff7f, -3.3895313892515355e38],
      [0x0001, 2 ** -133], [0x8001, -(2 ** -133)], [0x0080, 2 ** -126],
      [0x0000, 0], [0x8000, -0], [0x7f80, Infinity], [0xff80, -Infinity],
    ];
    const st = readSafetensors(file({ b: { dtype: 'BF16', shape: [cases.length], data_offsets: [0, 2 * cases.length] } }, u16le(cases.map((c) => c[0]))));
    cases.forEach(([b, want], i) => expect(Object.is(st.b.data[i], want), `BF16 0x${b.toString(16)} → ${st.b.data[i]}, want ${want}`).toBe(true));
  });

  it('F64 is rounded to float32; mixed dtypes in one file', () => {
    const d = new Uint8Array(8 * 3 + 2 + 4);
    const dv = new DataView(d.buffer);
    [0.1, -1e300, 1 / 3].forEach((v, i) => dv.setFloat64(8 * i, v, true));
    dv.setUint16(24, 0x3c00, true);
    dv.setFloat32(26, 7.5, true);
    const st = readSafetensors(file({
      d: { dtype: 'F64', shape: [3], data_offsets: [0, 24] },
      h: { dtype: 'F16', shape: [], data_offsets: [24, 26] },
      f: { dtype: 'F32', shape: [1, 1], data_offsets: [26, 30] },
    }, d));
    expect(Array.from(st.d.data)).toEqual([Math.fround(0.1), -Infinity, Math.fround(1 / 3)]);
    expect(st.h.shape).toEqual([]);
    expect(Array.from(st.h.data)).toEqual([1]);
    expect(Array.from(st.f.data)).toEqual([7.5]);
  });
});

describe.each(BACKENDS)('a whole model through safetensors on %s', (backendName) => {
  const make = (seed: number) => new Sequential([
    new Bidirectional(new LSTM({ inputSize: 5, units: 6, returnSequences: true, seed })),
    new GRU({ units: 7, returnSequences: true, seed: seed + 1 }),
    new SimpleRNN({ units: 4, seed: seed + 2 }),
    new Dense({ units: 3, activation: 'tanh', seed: seed + 3 }),
  ]);

  it('stateDict → writeSafetensors → loadStateDict into a fresh model: identical predictions', async () => {
    await init({ backend: backendName });
    const a = make(1), b = make(100);
    const x = randomTensor([3, 9, 5], rng(4));
    const ya = a.predict(x);
    expect(bits(b.predict(x).data)).not.toEqual(bits(ya.data)); // different seeds: the load has something to do
    const bytes = writeSafetensors(a.stateDict(), { format: 'pt' });
    b.loadStateDict(bytes);
    expect(b.predict(x).shape).toEqual(ya.shape);
    expect(bits(b.predict(x).data)).toEqual(bits(ya.data));
    // also into a model that has not run yet, and without inputSize on its first layer
    const c = new Sequential([
      new Bidirectional(new LSTM({ units: 6, returnSequences: true })),
      new GRU({ units: 7, returnSequences: true }),
      new SimpleRNN({ units: 4 }),
      new Dense({ units: 3, activation: 'tanh' }),
    ]);
    c.loadStateDict(bytes.slice().buffer);
    expect(c.inputSize).toBe(5);
    expect(bits(c.predict(x).data)).toEqual(bits(ya.data));
    a.dispose();
    b.dispose();
    c.dispose();
  });
});
