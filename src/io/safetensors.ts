/**
 * The safetensors format: an 8-byte little-endian header length N, N bytes
 * of JSON ({ name: { dtype, shape, data_offsets: [begin, end] }, and an
 * optional "__metadata__" of strings }), then the raw little-endian tensor
 * bytes. Offsets are relative to the end of the header.
 *
 * Reading checks everything a truncated or corrupt file could get wrong
 * and names it; tensors come back as float32 (F16, BF16 and F64 are
 * converted).
 */
import { fail, show } from '../errors.js';
import { isShape, sizeOf, type Tensor } from '../tensor.js';
import { halfToFloat } from './half.js';

const ITEM_BYTES: Record<string, number> = { F32: 4, F16: 2, BF16: 2, F64: 8 };
const MAX_HEADER = 100 * 1024 * 1024;

/**
 * The tensors of a safetensors file, as float32 (F16, BF16 and F64 are converted). A truncated or
 * corrupt file throws an LstmWasmError that says what is wrong.
 */
export function readSafetensors(bytes: Uint8Array | ArrayBuffer): Record<string, Tensor> {
  return readSafetensorsWithMetadata(bytes).tensors;
}

/** readSafetensors, plus the file's `__metadata__` strings. */
export function readSafetensorsWithMetadata(bytes: Uint8Array | ArrayBuffer): { tensors: Record<string, Tensor>; metadata: Record<string, string> } {
  const u8 = bytes instanceof Uint8Array ? bytes : bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : fail('readSafetensors: expects a Uint8Array or ArrayBuffer');
  if (u8.length < 8) fail(`safetensors: file is ${u8.length} bytes, too short for the 8-byte header length (truncated?)`);
  const dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  const n = Number(dv.getBigUint64(0, true));
  if (n > MAX_HEADER || 8 + n > u8.length) fail(`safetensors: header length ${n} runs past the end of the ${u8.length}-byte file (truncated or not a safetensors file)`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(u8.subarray(8, 8 + n)));
  } catch {
    fail('safetensors: header is not valid UTF-8 JSON (corrupt or not a safetensors file)');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('safetensors: header must be a JSON object');
  const data = u8.subarray(8 + n);
  let metadata: Record<string, string> = {};
  const spans: Span[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') {
      const ok = typeof info === 'object' && info !== null && !Array.isArray(info) && Object.values(info).every((v) => typeof v === 'string');
      if (!ok) fail(`safetensors: __metadata__ must be an object of strings, got ${show(info)}`);
      metadata = info as Record<string, string>;
      continue;
    }
    spans.push(spanOf(name, info, data.length));
  }
  // the tensors must tile the data exactly, as the reference implementation requires; checked
  // before any is decoded, so a header pointing many tensors at one span allocates nothing
  spans.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (let i = 0; i < spans.length; i++) {
    const { begin, end, name } = spans[i];
    if (begin < covered) fail(`safetensors: tensors ${show(spans[i - 1].name)} and ${show(name)} overlap (corrupt file)`);
    if (begin > covered) fail(`safetensors: data bytes ${covered} to ${begin} belong to no tensor (corrupt file)`);
    covered = end;
  }
  if (covered !== data.length) fail(`safetensors: ${data.length - covered} bytes after the last tensor belong to none (corrupt file)`);
  // entries, not assignments: a tensor may be named "__proto__" (assigning would set the prototype)
  const tensors = spans.map((t): [string, Tensor] => [t.name, { shape: t.shape, data: decode(data.subarray(t.begin, t.end), t.dtype, t.count) }]);
  return { tensors: Object.fromEntries(tensors), metadata };
}

/** Where one tensor's bytes are, and what they hold. */
interface Span {
  name: string;
  dtype: string;
  shape: number[];
  count: number;
  begin: number;
  end: number;
}

/** A header entry checked: a known dtype, a shape, offsets inside the data whose length fits the shape. */
function spanOf(name: string, info: unknown, dataBytes: number): Span {
  if (typeof info !== 'object' || info === null) fail(`safetensors: tensor ${show(name)} must be described by an object { dtype, shape, data_offsets }, got ${show(info)}`);
  const { dtype, shape, data_offsets: off } = info as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  const item = typeof dtype === 'string' && Object.hasOwn(ITEM_BYTES, dtype) ? ITEM_BYTES[dtype] : 0;
  if (!item) fail(`safetensors: tensor ${show(name)} has dtype ${show(dtype)}; supported: ${Object.keys(ITEM_BYTES).join(', ')}`);
  if (!isShape(shape)) fail(`safetensors: tensor ${show(name)} has a bad shape ${show(shape)}`);
  if (!Array.isArray(off) || off.length !== 2 || !off.every((o) => Number.isSafeInteger(o) && o >= 0) || off[0] > off[1]) {
    fail(`safetensors: tensor ${show(name)} has bad data_offsets ${show(off)}`);
  }
  const [begin, end] = off as [number, number];
  const count = sizeOf(shape);
  if (end - begin !== count * item) fail(`safetensors: tensor ${show(name)} spans ${end - begin} bytes but shape ${show(shape)} of ${dtype} needs ${count * item}`);
  if (end > dataBytes) fail(`safetensors: tensor ${show(name)} ends at byte ${end} but the data has only ${dataBytes} bytes (truncated file)`);
  return { name, dtype: dtype as string, shape, count, begin, end };
}

function decode(bytes: Uint8Array, dtype: string, count: number): Float32Array {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    out[i] = dtype === 'F32' ? dv.getFloat32(4 * i, true)
      : dtype === 'F64' ? dv.getFloat64(8 * i, true)
      : dtype === 'BF16' ? bf16(dv.getUint16(2 * i, true))
      : halfToFloat(dv.getUint16(2 * i, true));
  }
  return out;
}

const scratch = new DataView(new ArrayBuffer(4));
function bf16(bits: number): number {
  scratch.setUint32(0, bits << 16);
  return scratch.getFloat32(0);
}

/** Serialize float32 tensors (in insertion order) with optional string metadata. */
export function writeSafetensors(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  // built from entries so that any tensor name, "__proto__" included, becomes a key
  const entries: [string, unknown][] = [];
  if (metadata) entries.push(['__metadata__', Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, String(v)]))]);
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    if (name === '__metadata__') fail('writeSafetensors: "__metadata__" is reserved for metadata and cannot name a tensor');
    if (t.data.length !== sizeOf(t.shape)) fail(`writeSafetensors: tensor ${show(name)} has ${t.data.length} values for shape [${t.shape}]`);
    entries.push([name, { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + 4 * t.data.length] }]);
    offset += 4 * t.data.length;
  }
  const header = Object.fromEntries(entries);
  let json = new TextEncoder().encode(JSON.stringify(header));
  const pad = (8 - (json.length % 8)) % 8; // keep the data 8-byte aligned, padding with spaces as the format allows
  if (pad) json = new TextEncoder().encode(JSON.stringify(header) + ' '.repeat(pad));
  const out = new Uint8Array(8 + json.length + offset);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const t of Object.values(tensors)) {
    for (let i = 0; i < t.data.length; i++) dv.setFloat32(at + 4 * i, t.data[i], true);
    at += 4 * t.data.length;
  }
  return out;
}
