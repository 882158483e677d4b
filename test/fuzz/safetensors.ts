/**
 * Target safetensors: readSafetensors / readSafetensorsWithMetadata /
 * writeSafetensors, and optimizer slots in files given to loadModel.
 *
 * Drives three kinds of case:
 *  - roundtrip: random tensors (names incl. "__proto__", "constructor",
 *    "", "__metadata__", unicode; ranks 0–3 with zero dims; values incl.
 *    NaN, ±Infinity, -0, subnormals) and metadata, written then read back
 *    (also from an ArrayBuffer and from a Uint8Array at a byte offset).
 *  - mutate: a written file edited — byte flips, the header-length field set
 *    to 0 / huge / 2^53 / past the end, header JSON edits (dtype; shape with
 *    huge, negative, fractional, 2^53 dims; data_offsets; fields missing or
 *    extra; `__metadata__` variants; entries renamed "__proto__" etc.;
 *    generic JSON-tree edits), with the length field fixed up or left
 *    stale; truncation, appended bytes, invalid UTF-8 in the header.
 *  - slots: a compiled, trained model saved with its optimizer, whose file
 *    gets `optimizer.slot<N>` keys added, renamed or resized, for N in
 *    -1, 0, 1, 2, 3, 99999999, 4294967294, 2^53−1, "abc", "", "01", …, and
 *    its optimizer_iterations metadata edited; given to loadModel.
 *
 * Asserts: a round trip is exact (bit for bit; metadata equal), and
 * writing a tensor named "__metadata__" is an LstmWasmError. A mutated
 * file is judged against a reference reader written from the format's
 * spec and the library's documented limits (dtypes F32/F16/BF16/F64,
 * header ≤ 100 MiB, shapes and offsets of whole numbers below 2^53, offsets that tile the data
 * exactly): where the reference reads it, the library must return the same
 * tensors and metadata; where it does not, an LstmWasmError. loadModel
 * accepts the slots only if they are exactly optimizer.slot0 … slot{k−1}
 * of the model's size and the iteration count is a whole number (the
 * loaded model then predicts as the saved one and reports the iterations);
 * anything else is an LstmWasmError that leaks no heap block. Every case
 * is bounded in time and memory by the sandbox.
 */
import fc from 'fast-check';
import {
  Dense, LSTM, loadModel, memoryInfo, readSafetensors, readSafetensorsWithMetadata, Sequential, writeSafetensors,
  type SavedModel, type Tensor,
} from '../../src/index.js';
import {
  applyTreeEdits, attempt, clip, expectLW, finding, randomData, sameFloats, setOwn, SPECIAL_KEYS, treeEdit, useBackend,
  type Target, type TreeEdit,
} from './common.js';

interface TensorSpec { name: string; shape: number[]; seed: number; specials: number[] }
type LengthValue = 'zero' | 'one' | 'seven' | 'max64' | '2^53' | '2^32' | 'minus1' | 'plus1' | 'file' | 'beyond';
type HeaderEdit =
  | { kind: 'field'; tensor: number; field: 'dtype' | 'shape' | 'data_offsets'; value: unknown }
  | { kind: 'delete'; tensor: number; field: 'dtype' | 'shape' | 'data_offsets' }
  | { kind: 'extra'; tensor: number; key: string; value: unknown }
  | { kind: 'metadata'; value: unknown }
  | { kind: 'rename'; tensor: number; to: string }
  | { kind: 'tree'; edit: TreeEdit }
  | { kind: 'root'; value: unknown };
type FileEdit =
  | { op: 'flip'; at: number; mask: number }
  | { op: 'length'; value: LengthValue }
  | { op: 'header'; edit: HeaderEdit; fixLength: boolean }
  | { op: 'truncate'; at: number }
  | { op: 'append'; bytes: number }
  | { op: 'bad-utf8'; at: number };

type StCase =
  | { kind: 'roundtrip'; tensors: TensorSpec[]; metadata: [string, string][] | null; input: 'u8' | 'buffer' | 'offset' }
  | { kind: 'mutate'; tensors: TensorSpec[]; metadata: [string, string][] | null; edits: FileEdit[] }
  | { kind: 'slots'; optimizer: 'sgd' | 'adam'; slot: { op: 'add' | 'rename' | 'resize' | 'drop'; which: number; key: string; size: 'n' | 'n-1' | 'n+1' | '0' }[]; iterations: string | null };

const SPECIAL_FLOATS = [NaN, Infinity, -Infinity, -0, 1e-45, 1.1754942e-38, 3.4028235e38, -3.4028235e38, 1];
const NAMES = ['a', 'b', 'lstm.weight_ih_l0', 'dense.bias', 'optimizer.slot0', 'é', 'a"b', 'a\\b', '1', '0', ' ', '__metadata__', ...SPECIAL_KEYS];

const tensorSpec: fc.Arbitrary<TensorSpec> = fc.record({
  name: fc.oneof(fc.constantFrom(...NAMES), fc.string({ maxLength: 6 })),
  shape: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 3 }),
  seed: fc.nat(),
  specials: fc.array(fc.nat(SPECIAL_FLOATS.length - 1), { maxLength: 3 }),
});
const tensors = fc.uniqueArray(tensorSpec, { maxLength: 4, selector: (t) => t.name });
const metadata = fc.option(fc.array(fc.tuple(fc.oneof(fc.constantFrom('format', 'producer', '__proto__', 'toString', ''), fc.string({ maxLength: 5 })), fc.string({ maxLength: 8 })), { maxLength: 3 }), { nil: null });

const DTYPES: unknown[] = ['F32', 'F16', 'BF16', 'F64', 'I32', 'U8', 'f32', 'F32 ', '', null, 0, '__proto__', 'toString', 'constructor', 'hasOwnProperty', ['F32'], {}];
const SHAPES: unknown[] = [[], [0], [1], [2], [-1], [1.5], [2 ** 53], [2 ** 53, 0], [0, 2 ** 53], [2 ** 31, 2 ** 31], [2 ** 32], [1e308], [-0], ['3'], [true], [null], [[2]], null, 'abc', {}, 4, [2, 2], [4, 1], [1, 1, 1, 1, 1]];
const OFFSETS: unknown[] = [[0, 0], [0, 4], [0, 8], [4, 8], [0, 2 ** 53], [2 ** 53, 2 ** 53 + 4], [-4, 0], [1.5, 5.5], [8, 4], [0], [0, 4, 8], null, ['0', '4'], '0,4', {}, [0, 1e308], [0, 4294967296]];
const METADATA: unknown[] = [null, [], 'str', 1, true, {}, { a: 1 }, { a: null }, { a: {} }, { a: ['x'] }, { __proto__x: 'y' }, { format: 'pt' }, { big: 'x'.repeat(5000), n: 1 }, { a: 'x', b: Array.from({ length: 1000 }, (_, i) => i) }, Array.from({ length: 1000 }, (_, i) => i)];

const fraction = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const headerEdit: fc.Arbitrary<HeaderEdit> = fc.oneof(
  { weight: 6, arbitrary: fc.oneof(
    fc.record({ kind: fc.constant('field' as const), tensor: fc.nat(), field: fc.constant('dtype' as const), value: fc.constantFrom(...DTYPES) }),
    fc.record({ kind: fc.constant('field' as const), tensor: fc.nat(), field: fc.constant('shape' as const), value: fc.constantFrom(...SHAPES) }),
    fc.record({ kind: fc.constant('field' as const), tensor: fc.nat(), field: fc.constant('data_offsets' as const), value: fc.constantFrom(...OFFSETS) }),
  ) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), tensor: fc.nat(), field: fc.constantFrom('dtype' as const, 'shape' as const, 'data_offsets' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('extra' as const), tensor: fc.nat(), key: fc.constantFrom('extra', '__proto__', 'toString', 'dtype2'), value: fc.constantFrom(1, 'x', null, {}) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('metadata' as const), value: fc.constantFrom(...METADATA) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rename' as const), tensor: fc.nat(), to: fc.constantFrom('__metadata__', ...SPECIAL_KEYS) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('tree' as const), edit: treeEdit }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('root' as const), value: fc.constantFrom([], null, 'x', 1, {}, [{}]) }) },
);
const fileEdit: fc.Arbitrary<FileEdit> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('flip' as const), at: fraction, mask: fc.integer({ min: 1, max: 255 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('length' as const), value: fc.constantFrom<LengthValue>('zero', 'one', 'seven', 'max64', '2^53', '2^32', 'minus1', 'plus1', 'file', 'beyond') }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant('header' as const), edit: headerEdit, fixLength: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: fraction }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('append' as const), bytes: fc.integer({ min: 1, max: 9 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('bad-utf8' as const), at: fraction }) },
);
const SLOT_KEYS = ['-1', '0', '1', '2', '3', '99999999', '4294967294', '9007199254740991', 'abc', '', '01', '1.5', ' 1', '1e0', '0x1', '__proto__'];
const ITERATIONS = ['0', '1', '7', '-1', '1.5', 'abc', '', '1e400', '9007199254740993', ' 3', 'NaN'];

const arbitrary: fc.Arbitrary<StCase> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('roundtrip' as const), tensors, metadata, input: fc.constantFrom('u8' as const, 'buffer' as const, 'offset' as const) }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('mutate' as const), tensors: tensors.filter((t) => t.every((x) => x.name !== '__metadata__')), metadata, edits: fc.array(fileEdit, { minLength: 1, maxLength: 3 }) }) },
  { weight: 2, arbitrary: fc.record({
    kind: fc.constant('slots' as const),
    optimizer: fc.constantFrom('sgd' as const, 'adam' as const),
    slot: fc.array(fc.record({ op: fc.constantFrom('add' as const, 'rename' as const, 'resize' as const, 'drop' as const), which: fc.nat(3), key: fc.constantFrom(...SLOT_KEYS), size: fc.constantFrom('n' as const, 'n-1' as const, 'n+1' as const, '0' as const) }), { maxLength: 2 }),
    iterations: fc.option(fc.constantFrom(...ITERATIONS), { nil: null }),
  }) },
);

// ── building files ──────────────────────────────────────────────────────────────────────────

function makeTensors(specs: TensorSpec[]): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const s of specs) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const data = randomData(n, s.seed, 10);
    s.specials.forEach((k, i) => { if (n) data[(s.seed + 7 * i) % n] = SPECIAL_FLOATS[k]; });
    setOwn(out, s.name, { shape: s.shape, data });
  }
  return out;
}

const u64 = (bytes: Uint8Array) => (bytes.length < 8 ? 0n : new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));

function applyFileEdit(file: Uint8Array, e: FileEdit): Uint8Array {
  const n = Number(u64(file));
  if (e.op === 'flip') {
    const out = file.slice();
    if (out.length) out[Math.floor(e.at * out.length)] ^= e.mask;
    return out;
  }
  if (e.op === 'length') {
    const out = file.slice();
    const v: Record<LengthValue, bigint> = {
      zero: 0n, one: 1n, seven: 7n, max64: 2n ** 64n - 1n, '2^53': 2n ** 53n, '2^32': 2n ** 32n,
      minus1: BigInt(Math.max(0, n - 1)), plus1: BigInt(n + 1), file: BigInt(out.length), beyond: BigInt(out.length - 7),
    };
    if (out.length >= 8) new DataView(out.buffer).setBigUint64(0, v[e.value], true);
    return out;
  }
  if (e.op === 'truncate') return file.slice(0, Math.floor(e.at * file.length));
  if (e.op === 'append') return Uint8Array.from([...file, ...new Array(e.bytes).fill(0x20)]);
  if (e.op === 'bad-utf8') {
    if (file.length < 9 || n < 1 || 8 + n > file.length) return file;
    const out = file.slice();
    out[8 + Math.floor(e.at * n)] = 0xff;
    return out;
  }
  // a header edit: parse, change, re-serialize (the data section stays as it was)
  if (file.length < 8 || 8 + n > file.length) return file;
  let header: any;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(file.subarray(8, 8 + n)));
  } catch {
    return file;
  }
  const names = header && typeof header === 'object' ? Object.keys(header).filter((k) => k !== '__metadata__') : [];
  const ed = e.edit;
  const entry = (i: number) => (names.length ? header[names[i % names.length]] : undefined);
  if (ed.kind === 'field' || ed.kind === 'delete' || ed.kind === 'extra') {
    const t = entry(ed.tensor);
    if (t && typeof t === 'object') {
      if (ed.kind === 'field') setOwn(t, ed.field, structuredClone(ed.value));
      else if (ed.kind === 'delete') delete t[ed.field];
      else setOwn(t, ed.key, ed.value);
    }
  } else if (ed.kind === 'metadata') {
    if (header && typeof header === 'object') setOwn(header, '__metadata__', structuredClone(ed.value));
  } else if (ed.kind === 'rename') {
    if (names.length) {
      const from = names[ed.tensor % names.length];
      const v = header[from];
      delete header[from];
      setOwn(header, ed.to, v);
    }
  } else if (ed.kind === 'tree') header = applyTreeEdits(header, [ed.edit]).tree;
  else header = structuredClone(ed.value);
  const json = new TextEncoder().encode(JSON.stringify(header) ?? '');
  const out = new Uint8Array(8 + json.length + file.length - 8 - n);
  new DataView(out.buffer).setBigUint64(0, BigInt(e.fixLength ? json.length : n), true);
  out.set(json, 8);
  out.set(file.subarray(8 + n), 8 + json.length);
  return out;
}

// ── the reference reader ────────────────────────────────────────────────────────────────────

const ITEM: Record<string, number> = { F32: 4, F16: 2, BF16: 2, F64: 8 };

function f16(bits: number): number {
  const s = bits >> 15 ? -1 : 1, e = (bits >> 10) & 31, m = bits & 1023;
  if (e === 31) return m ? NaN : s * Infinity;
  return e ? s * 2 ** (e - 15) * (1 + m / 1024) : s * 2 ** -14 * (m / 1024);
}

/** The tensors of a file as the spec reads them, or why it cannot be read. */
function reference(file: Uint8Array): { tensors: [string, number[], Float32Array][]; metadata: Record<string, string> } | string {
  if (file.length < 8) return 'shorter than 8 bytes';
  const n = u64(file);
  if (n > 100n * 2n ** 20n || 8n + n > BigInt(file.length)) return 'header length past the end';
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(file.subarray(8, 8 + Number(n))));
  } catch {
    return 'header not UTF-8 JSON';
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) return 'header not an object';
  const data = file.subarray(8 + Number(n));
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let metadata: Record<string, string> = {};
  const spans: [number, number][] = [];
  const tensors: [string, number[], Float32Array][] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (!info || typeof info !== 'object' || Array.isArray(info) || !Object.values(info).every((v) => typeof v === 'string')) return '__metadata__ not an object of strings';
      metadata = info as Record<string, string>;
      continue;
    }
    if (!info || typeof info !== 'object') return `${name}: not an object`;
    const { dtype, shape, data_offsets: off } = info as Record<string, unknown>;
    if (typeof dtype !== 'string' || !Object.hasOwn(ITEM, dtype)) return `${name}: dtype`;
    // dimensions and offsets are whole numbers a double holds exactly (≤ 2^53 − 1): beyond, JSON's numbers are already rounded
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) return `${name}: shape`;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((o) => Number.isSafeInteger(o) && o >= 0) || off[0] > off[1]) return `${name}: offsets`;
    const count = shape.reduce((a: bigint, d: number) => a * BigInt(d), 1n);
    if (BigInt(off[1] - off[0]) !== count * BigInt(ITEM[dtype])) return `${name}: span vs shape`;
    if (off[1] > data.length) return `${name}: past the data`;
    const values = new Float32Array(Number(count));
    for (let i = 0; i < values.length; i++) {
      const p = off[0] + i * ITEM[dtype];
      values[i] = dtype === 'F32' ? dv.getFloat32(p, true) : dtype === 'F64' ? dv.getFloat64(p, true) : dtype === 'BF16' ? new Float32Array(new Uint32Array([dv.getUint16(p, true) << 16]).buffer)[0] : f16(dv.getUint16(p, true));
    }
    spans.push([off[0], off[1]]);
    tensors.push([name, shape as number[], values]);
  }
  spans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let covered = 0;
  for (const [b, e] of spans) {
    if (b !== covered) return 'tensors do not tile the data';
    covered = e;
  }
  if (covered !== data.length) return 'bytes after the last tensor';
  return { tensors, metadata };
}

function compareRead(what: string, got: { tensors: Record<string, Tensor>; metadata: Record<string, string> }, want: { tensors: [string, number[], Float32Array][]; metadata: Record<string, string> }): void {
  const gotNames = Object.keys(got.tensors).sort(), wantNames = want.tensors.map((t) => t[0]).sort();
  if (JSON.stringify(gotNames) !== JSON.stringify(wantNames)) finding(`${what}: wrong tensor names`, `got ${clip(JSON.stringify(gotNames), 200)}, want ${clip(JSON.stringify(wantNames), 200)}`);
  for (const [name, shape, values] of want.tensors) {
    const t = got.tensors[name];
    if (!Object.hasOwn(got.tensors, name) || !(t.data instanceof Float32Array)) finding(`${what}: tensor missing or not float32`, JSON.stringify(name));
    if (JSON.stringify(t.shape) !== JSON.stringify(shape)) finding(`${what}: wrong shape`, `${JSON.stringify(name)}: got [${t.shape}], want [${shape}]`);
    if (!sameFloats(t.data, values)) finding(`${what}: wrong values`, `${JSON.stringify(name)} differs from the file's bytes`);
  }
  const m = (o: Record<string, string>) => JSON.stringify(Object.entries(o).sort());
  if (m(got.metadata) !== m(want.metadata)) finding(`${what}: wrong metadata`, `got ${clip(m(got.metadata), 200)}, want ${clip(m(want.metadata), 200)}`);
}

// ── optimizer slots through loadModel ───────────────────────────────────────────────────────

const bases = new Map<string, { saved: SavedModel; x: Tensor; y: Float32Array; n: number; iterations: number }>();

async function setup(): Promise<void> {
  await useBackend('wasm-simd');
  for (const optimizer of ['sgd', 'adam'] as const) {
    const m = new Sequential([new LSTM({ inputSize: 3, units: 4, returnSequences: true, seed: 1, name: 'lstm' }), new LSTM({ units: 3, seed: 2, name: 'lstm2' }), new Dense({ units: 2, seed: 3, name: 'out' })]);
    m.compile({ optimizer: optimizer === 'sgd' ? { name: 'sgd', momentum: 0.9 } as never : optimizer, loss: 'mse' });
    const x = { shape: [2, 5, 3], data: randomData(30, 1) };
    m.trainOnBatch(x, { shape: [2, 2], data: randomData(4, 2) });
    m.trainOnBatch(x, { shape: [2, 2], data: randomData(4, 3) });
    const saved = m.save({ includeOptimizer: true });
    bases.set(optimizer, { saved, x, y: m.predict(x).data, n: m.parameterBlock().floats, iterations: 2 });
    m.dispose();
  }
}

function runSlots(c: Extract<StCase, { kind: 'slots' }>): void {
  const base = bases.get(c.optimizer)!;
  const { tensors, metadata } = readSafetensorsWithMetadata(base.saved.weights);
  const entries = Object.entries(tensors);
  const slotNames = () => entries.filter(([k]) => k.startsWith('optimizer.slot')).map(([k]) => k);
  const sized = (size: string): Tensor => {
    const len = size === 'n' ? base.n : size === 'n-1' ? base.n - 1 : size === 'n+1' ? base.n + 1 : 0;
    return { shape: [len], data: randomData(len, 9) };
  };
  for (const s of c.slot) {
    const names = slotNames();
    const target = names[s.which % Math.max(1, names.length)];
    if (s.op === 'add') entries.push([`optimizer.slot${s.key}`, sized(s.size)]);
    else if (!target) continue;
    else if (s.op === 'rename') entries.forEach((e) => { if (e[0] === target) e[0] = `optimizer.slot${s.key}`; });
    else if (s.op === 'resize') entries.forEach((e) => { if (e[0] === target) e[1] = sized(s.size); });
    else entries.splice(entries.findIndex((e) => e[0] === target), 1);
  }
  const record: Record<string, Tensor> = {};
  for (const [k, t] of entries) setOwn(record, k, t);
  const meta = { ...metadata };
  if (c.iterations !== null) meta.optimizer_iterations = c.iterations;
  const w = attempt('writeSafetensors', () => writeSafetensors(record, meta));
  if (!w.ok) finding('writeSafetensors rejected a record of valid tensors', w.error.message);
  // what a correct loader must accept: slots exactly optimizer.slot0 … slot{k−1}, each of the model's size
  const k = c.optimizer === 'sgd' ? 1 : 2;
  const slots = Object.keys(record).filter((key) => key.startsWith('optimizer.slot'));
  const wantNames = Array.from({ length: k }, (_, i) => `optimizer.slot${i}`);
  const slotsOk = slots.length === 0 || (slots.length === k && wantNames.every((nm) => Object.hasOwn(record, nm) && record[nm].data.length === base.n));
  const it = meta.optimizer_iterations;
  // a present optimizer_iterations must be a whole number even when no slot uses it: malformed is malformed
  const itOk = /^\d+$/.test(it ?? '0') && Number.isSafeInteger(Number(it ?? '0'));
  const before = memoryInfo().liveBlocks;
  const r = attempt(`loadModel with optimizer slots ${JSON.stringify(slots)}`, () => loadModel(JSON.stringify(base.saved.json), w.value));
  if (!r.ok) {
    if (memoryInfo().liveBlocks !== before) finding('a failed loadModel leaked heap blocks', `${memoryInfo().liveBlocks - before} block(s); ${r.error.message}`);
    if (slotsOk && itOk) finding('loadModel rejected a valid optimizer state', r.error.message);
    return;
  }
  const m = r.value;
  try {
    if (!slotsOk) finding('loadModel accepted malformed optimizer slots', `slots ${clip(JSON.stringify(slots.map((s) => [s, record[s].data.length])), 300)} (model size ${base.n}, optimizer needs ${k})`);
    if (!itOk) finding('loadModel accepted a malformed optimizer_iterations', JSON.stringify(it));
    const want = slots.length ? Number(it ?? '0') : 0;
    if (m.optimizer?.iterations !== want) finding('loadModel: wrong optimizer iterations', `got ${m.optimizer?.iterations}, want ${want}`);
    const y = attempt('predict after loadModel', () => m.predict(base.x));
    if (!y.ok || !sameFloats(y.value.data, base.y)) finding('a loaded model predicts differently from the saved one', y.ok ? 'different outputs' : y.error.message);
  } finally {
    m.dispose();
  }
}

// ── the case ───────────────────────────────────────────────────────────────────────────────

async function run(c: StCase): Promise<void> {
  if (c.kind === 'slots') return runSlots(c);
  const record = makeTensors(c.tensors);
  const meta = c.metadata ? Object.fromEntries(c.metadata) : undefined;
  if (c.kind === 'roundtrip' && c.tensors.some((t) => t.name === '__metadata__')) {
    expectLW('writeSafetensors with a tensor named "__metadata__"', () => writeSafetensors(record, meta));
    return;
  }
  const w = attempt('writeSafetensors', () => writeSafetensors(record, meta));
  if (!w.ok) finding('writeSafetensors rejected valid tensors', w.error.message);
  const file = w.value;
  if (c.kind === 'roundtrip') {
    const input = c.input === 'buffer' ? file.slice().buffer : c.input === 'offset' ? new Uint8Array([...new Array(5).fill(7), ...file]).subarray(5) : file;
    const r = attempt('readSafetensorsWithMetadata', () => readSafetensorsWithMetadata(input));
    if (!r.ok) finding('a written file does not read back', r.error.message);
    const want = { tensors: c.tensors.map((t) => [t.name, t.shape, record[t.name].data] as [string, number[], Float32Array]), metadata: meta ?? {} };
    compareRead('round trip', r.value, want);
    const plain = attempt('readSafetensors', () => readSafetensors(input));
    if (!plain.ok) finding('readSafetensors fails where readSafetensorsWithMetadata reads', plain.error.message);
    return;
  }
  const mutated = c.edits.reduce(applyFileEdit, file);
  const want = reference(mutated);
  const r = attempt('readSafetensorsWithMetadata (edited file)', () => readSafetensorsWithMetadata(mutated));
  if (typeof want === 'string') {
    if (r.ok) finding('a corrupt file was read', `the reference rejects it (${want}) but the library returned ${Object.keys(r.value.tensors).length} tensor(s)`);
    return;
  }
  if (!r.ok) finding('a valid (edited) file was rejected', r.error.message);
  compareRead('edited file', r.value, want);
}

export const safetensors: Target<StCase> = { name: 'safetensors', arbitrary, setup, run };
