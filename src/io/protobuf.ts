/**
 * The protobuf wire format, read and written by hand. ONNX files are
 * protobuf messages, but the subset lstm-wasm needs is a handful of message
 * types (onnx/proto.ts); a general protobuf library would add tens of KB
 * and a code generator for that. The reader trusts nothing: every length is
 * checked against the bytes left before anything is read or allocated,
 * varints are at most 10 bytes and must fit a safe integer, and nesting is
 * bounded by the caller (one level per message type it decodes).
 *
 * Wire types: 0 varint, 1 fixed64, 2 length-delimited (bytes, strings,
 * sub-messages, packed repeated numbers), 5 fixed32. A field's key is the
 * varint (field number << 3 | wire type).
 */
import { fail } from '../errors.js';

export const VARINT = 0, FIXED64 = 1, BYTES = 2, FIXED32 = 5;

/** One field as read: its number, wire type, and the value (a number for 0/1/5, a byte range for 2). */
export interface WireField {
  field: number;
  wire: number;
  /** The varint or fixed value (wire types 0, 1, 5). */
  value: number;
  /** The bytes of a length-delimited field (wire type 2): a view, not a copy. */
  bytes: Uint8Array<ArrayBufferLike>;
  /** Where the field's key started in its message, for messages. */
  at: number;
}

const EMPTY: Uint8Array<ArrayBufferLike> = new Uint8Array(0);
const utf8 = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true });

/**
 * The fields of one message, in order. `what` names the message in errors
 * ("ModelProto.graph.node[3]"). Unknown fields are read past (protobuf's
 * rule) but their lengths are checked all the same.
 */
export function readFields(buf: Uint8Array, what: string): WireField[] {
  const fields: WireField[] = [];
  let pos = 0;
  while (pos < buf.length) { // each turn consumes at least one byte
    const at = pos;
    const key = readVarint(buf, pos, what);
    pos = key.next;
    const field = Math.floor(key.value / 8), wire = key.value % 8;
    if (field === 0) fail(`${what}: field number 0 at byte ${at} (the file is corrupt or not ONNX)`);
    let value = 0, bytes = EMPTY;
    if (wire === VARINT) {
      const v = readVarint(buf, pos, what);
      value = v.value;
      pos = v.next;
    } else if (wire === FIXED64) {
      need(buf, pos, 8, what);
      value = new DataView(buf.buffer, buf.byteOffset + pos, 8).getFloat64(0, true);
      pos += 8;
    } else if (wire === FIXED32) {
      need(buf, pos, 4, what);
      value = new DataView(buf.buffer, buf.byteOffset + pos, 4).getFloat32(0, true);
      pos += 4;
    } else if (wire === BYTES) {
      const n = readVarint(buf, pos, what);
      pos = n.next;
      need(buf, pos, n.value, what);
      bytes = buf.subarray(pos, pos + n.value);
      pos += n.value;
    } else {
      fail(`${what}: field ${field} has wire type ${wire} at byte ${at}, which protobuf does not use here (groups are not supported; the file is corrupt or not ONNX)`);
    }
    fields.push({ field, wire, value, bytes, at });
  }
  return fields;
}

/** The bytes [pos, pos + n) must exist. */
function need(buf: Uint8Array, pos: number, n: number, what: string): void {
  if (n > buf.length - pos) fail(`${what}: declares ${n} bytes at byte ${pos} but only ${buf.length - pos} are left (truncated or corrupt)`);
}

/**
 * A varint as a number. 64-bit values beyond 2^53 cannot be a number
 * exactly: they are an error, except the ten-byte encodings of negative
 * int64 (two's complement), which are read as their negative value when it
 * is safe.
 */
export function readVarint(buf: Uint8Array, pos: number, what: string): { value: number; next: number } {
  let lo = 0, hi = 0; // low 28 bits, then the rest, as plain numbers
  let shift = 0, i = pos;
  for (; i < pos + 10; i++) {
    if (i >= buf.length) fail(`${what}: a varint runs past the end at byte ${i} (truncated)`);
    const b = buf[i];
    if (shift < 28) lo += (b & 0x7f) * 2 ** shift;
    else hi += (b & 0x7f) * 2 ** (shift - 28);
    shift += 7;
    if (b < 0x80) break;
  }
  if (i === pos + 10) fail(`${what}: a varint longer than 10 bytes at byte ${pos} (corrupt)`);
  const next = i + 1;
  // hi holds bits 28..69; a negative int64 has bit 63 set (hi ≥ 2^35)
  if (hi >= 2 ** 35) {
    const negHi = 2 ** 36 - hi; // two's complement of the high part over 64 bits
    const value = -(negHi * 2 ** 28 - lo);
    if (hi >= 2 ** 36 || !Number.isSafeInteger(value)) fail(`${what}: a 64-bit value at byte ${pos} is outside ±2^53`);
    return { value, next };
  }
  const value = hi * 2 ** 28 + lo;
  if (!Number.isSafeInteger(value)) fail(`${what}: a 64-bit value at byte ${pos} is beyond 2^53`);
  return { value, next };
}

/** A length-delimited field as UTF-8 text. */
export function text(f: WireField, what: string): string {
  expectWire(f, BYTES, what);
  try {
    return utf8.decode(f.bytes);
  } catch {
    return fail(`${what}: is not valid UTF-8`);
  }
}

export function expectWire(f: WireField, wire: number, what: string): void {
  if (f.wire !== wire) fail(`${what}: field ${f.field} has wire type ${f.wire} where ${wire} was expected (corrupt or not ONNX)`);
}

/** A repeated integer field: packed (one length-delimited run of varints) or one varint per field. */
export function pushInts(f: WireField, into: number[], limit: number, what: string): void {
  if (f.wire === VARINT) {
    if (into.length >= limit) fail(`${what}: more than ${limit} values`);
    into.push(f.value);
    return;
  }
  expectWire(f, BYTES, what);
  let pos = 0;
  while (pos < f.bytes.length) { // each varint is at least one byte, so at most bytes.length turns
    if (into.length >= limit) fail(`${what}: more than ${limit} values`);
    const v = readVarint(f.bytes, pos, what);
    into.push(v.value);
    pos = v.next;
  }
}

/** A repeated float field: packed (4 bytes each) or one fixed32 per field. */
export function pushFloats(f: WireField, into: number[], limit: number, what: string): void {
  if (f.wire === FIXED32) {
    if (into.length >= limit) fail(`${what}: more than ${limit} values`);
    into.push(f.value);
    return;
  }
  expectWire(f, BYTES, what);
  if (f.bytes.length % 4 !== 0) fail(`${what}: packed floats of ${f.bytes.length} bytes, not a multiple of 4`);
  const n = f.bytes.length / 4;
  if (into.length + n > limit) fail(`${what}: more than ${limit} values`);
  const dv = new DataView(f.bytes.buffer, f.bytes.byteOffset, f.bytes.length);
  for (let k = 0; k < n; k++) into.push(dv.getFloat32(4 * k, true));
}

/**
 * Writes a message: fields are appended in the order they are called.
 * Sub-messages are written into their own Writer and appended as bytes.
 */
export class Writer {
  private chunks: Uint8Array[] = [];
  private length = 0;

  private push(b: Uint8Array): void {
    this.chunks.push(b);
    this.length += b.length;
  }

  private varint(v: number): void {
    if (!Number.isSafeInteger(v)) fail(`protobuf writer: ${v} is not a safe integer`);
    const out: number[] = [];
    if (v < 0) {
      // int64 two's complement: ten bytes; split into low 32 and high 32 bits
      let lo = Number(BigInt.asUintN(64, BigInt(v)) & 0xffffffffn), hi = Number(BigInt.asUintN(64, BigInt(v)) >> 32n);
      for (let k = 0; k < 9; k++) {
        out.push((lo & 0x7f) | 0x80);
        lo = (lo >>> 7) | ((hi & 0x7f) << 25);
        hi >>>= 7;
      }
      out.push(lo & 0x01);
    } else {
      while (v >= 0x80) {
        out.push((v % 0x80) | 0x80);
        v = Math.floor(v / 0x80);
      }
      out.push(v);
    }
    this.push(Uint8Array.from(out));
  }

  private key(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  int(field: number, v: number): this {
    this.key(field, VARINT);
    this.varint(v);
    return this;
  }

  float(field: number, v: number): this {
    this.key(field, FIXED32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.push(b);
    return this;
  }

  bytes(field: number, b: Uint8Array): this {
    this.key(field, BYTES);
    this.varint(b.length);
    this.push(b);
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  message(field: number, m: Writer): this {
    return this.bytes(field, m.finish());
  }

  /** A packed repeated int64/int32 field. */
  packedInts(field: number, values: readonly number[]): this {
    const w = new Writer();
    for (const v of values) w.varint(v);
    return this.bytes(field, w.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let pos = 0;
    for (const c of this.chunks) {
      out.set(c, pos);
      pos += c.length;
    }
    return out;
  }
}
