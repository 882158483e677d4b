/**
 * Datatype and dataspace messages, and turning raw element bytes into
 * values: IEEE floats of 2, 4 and 8 bytes, integers of 1 to 8 bytes, all
 * little-endian; fixed-length strings and variable-length strings (whose
 * bytes live in the global heap). Other classes are refused by name.
 */
import { fail } from '../../errors.js';
import { Cursor, H5File } from './file.js';
import { utf8 } from '../text.js';
import { globalHeapObject } from './global-heap.js';
import { halfToFloat } from '../half.js';

export type H5Type =
  | { kind: 'float'; size: 2 | 4 | 8 }
  | { kind: 'int'; size: number; signed: boolean }
  | { kind: 'string'; size: number; padding: number }
  | { kind: 'vlen-string' };

const CLASS_NAMES = ['fixed-point', 'floating-point', 'time', 'string', 'bitfield', 'opaque', 'compound', 'reference', 'enum', 'variable-length', 'array', 'complex'];

/** Most dimensions a dataspace may have (HDF5's own limit is 32). */
const MAX_RANK = 32;

export function readDatatype(c: Cursor): H5Type {
  const head = c.u8();
  const cls = head & 0x0f;
  const bits0 = c.u8();
  c.skip(2); // the rest of the class bit field: nothing this reader's classes need
  const size = c.u32();
  const name = CLASS_NAMES[cls] ?? `class ${cls}`;
  if (cls === 0) {
    if (bits0 & 0x01) fail(`hdf5: ${c.what}: big-endian integers are not read`);
    if (size < 1 || size > 8) fail(`hdf5: ${c.what}: a ${size}-byte integer (1 to 8 bytes are read)`);
    return { kind: 'int', size, signed: (bits0 & 0x08) !== 0 };
  }
  if (cls === 1) {
    if (bits0 & 0x41) fail(`hdf5: ${c.what}: big-endian or VAX floats are not read`);
    if (size !== 2 && size !== 4 && size !== 8) fail(`hdf5: ${c.what}: a ${size}-byte float (IEEE 2, 4 and 8 bytes are read)`);
    // the bit layout must be IEEE's for that size: a bfloat16 is also 2 bytes, with 8 exponent bits
    c.skip(4); // bit offset, precision
    c.u8(); // exponent location
    const exponentBits = c.u8();
    c.u8(); // mantissa location
    const mantissaBits = c.u8();
    const ieee = { 2: [5, 10], 4: [8, 23], 8: [11, 52] }[size];
    if (exponentBits !== ieee[0] || mantissaBits !== ieee[1]) fail(`hdf5: ${c.what}: a ${size}-byte float with ${exponentBits} exponent and ${mantissaBits} mantissa bits (only IEEE half, single and double are read)`);
    return { kind: 'float', size };
  }
  if (cls === 3) {
    if (size < 1) fail(`hdf5: ${c.what}: a fixed-length string of ${size} bytes (corrupt)`);
    return { kind: 'string', size, padding: bits0 & 0x0f };
  }
  if (cls === 9) {
    if ((bits0 & 0x0f) !== 1) fail(`hdf5: ${c.what}: variable-length sequences other than strings are not read`);
    return { kind: 'vlen-string' };
  }
  fail(`hdf5: ${c.what}: the ${name} datatype is not read (floats, integers and strings are)`);
}

/** The bytes one element of `t` takes in a dataset or attribute. */
export function elementSize(file: H5File, t: H5Type): number {
  return t.kind === 'vlen-string' ? 4 + file.offsetSize + 4 : t.size;
}

/** A dataspace's shape; a scalar has shape [], a null dataspace (no data) is `null`. */
export function readDataspace(c: Cursor): number[] | null {
  const version = c.u8();
  const rank = c.u8();
  c.u8(); // flags: maximum dimensions (and, in version 1, a permutation) follow the sizes; reading data does not need them
  let type = 1;
  if (version === 1) {
    c.skip(5);
    if (rank === 0) type = 0;
  } else if (version === 2) {
    type = c.u8();
  } else {
    fail(`hdf5: ${c.what}: dataspace version ${version} (1 and 2 are read)`);
  }
  if (rank > MAX_RANK) fail(`hdf5: ${c.what}: a dataspace of rank ${rank} (at most ${MAX_RANK})`);
  if (type === 2) return null;
  if (type === 0) return [];
  if (type !== 1) fail(`hdf5: ${c.what}: dataspace type ${type} (corrupt)`);
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) shape.push(c.length());
  return shape;
}

/** The number of elements of a shape, refused past 2^31 (a corrupt header cannot make a huge count). */
export function countOf(shape: number[], what: string): number {
  let n = 1;
  for (const d of shape) {
    n *= d;
    if (n > 2 ** 31) fail(`hdf5: ${what} has shape [${shape.join(', ')}], more than 2^31 elements (corrupt or too large)`);
  }
  return n;
}


/** An unsigned little-endian integer of `n` bytes at `pos`; all bits set (the undefined address) is -1. */
function littleEndian(bytes: Uint8Array, pos: number, n: number): number {
  let v = 0;
  let allOnes = true;
  for (let b = n - 1; b >= 0; b--) {
    if (bytes[pos + b] !== 0xff) allOnes = false;
    v = v * 256 + bytes[pos + b];
  }
  return allOnes ? -1 : v;
}

function fixedString(bytes: Uint8Array, padding: number): string {
  let end = bytes.length;
  if (padding === 2) {
    while (end > 0 && bytes[end - 1] === 0x20) end--;
  } else {
    const nul = bytes.indexOf(0);
    if (nul >= 0) end = nul;
  }
  return utf8(bytes.subarray(0, end));
}

/**
 * The `count` elements of `t` in `raw`: floats as a Float32Array (float64 only when every value
 * is exactly a float32, else an error saying so; or all as exact numbers when `floatsAsNumbers`),
 * integers as numbers, strings as strings.
 */
export function decode(file: H5File, t: H5Type, raw: Uint8Array, count: number, what: string, floatsAsNumbers = false): Float32Array | number[] | string[] {
  const size = elementSize(file, t);
  if (raw.length < count * size) fail(`hdf5: ${what} holds ${raw.length} bytes, too few for ${count} elements of ${size} bytes (corrupt)`);
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  if (t.kind === 'float' && floatsAsNumbers) {
    const out: number[] = new Array(count);
    for (let i = 0; i < count; i++) out[i] = t.size === 8 ? dv.getFloat64(i * 8, true) : t.size === 4 ? dv.getFloat32(i * 4, true) : halfToFloat(dv.getUint16(i * 2, true));
    return out;
  }
  if (t.kind === 'float') {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      if (t.size === 4) out[i] = dv.getFloat32(i * 4, true);
      else if (t.size === 2) out[i] = halfToFloat(dv.getUint16(i * 2, true));
      else {
        const v = dv.getFloat64(i * 8, true);
        out[i] = v;
        if (out[i] !== v && !Number.isNaN(v)) fail(`hdf5: ${what} is float64 and element ${i} (${v}) is not exactly a float32; convert it to float32 before saving`);
      }
    }
    return out;
  }
  if (t.kind === 'int') {
    const out: number[] = new Array(count);
    for (let i = 0; i < count; i++) {
      // a negative two's-complement value is read as −(its complement + 1), which stays exact in a double
      const negative = t.signed && (raw[i * t.size + t.size - 1] & 0x80) !== 0;
      let v = 0;
      for (let b = t.size - 1; b >= 0; b--) v = v * 256 + (negative ? 255 - raw[i * t.size + b] : raw[i * t.size + b]);
      if (negative) v = -(v + 1);
      if (!Number.isSafeInteger(v)) fail(`hdf5: ${what}: element ${i} is an integer past 2^53`);
      out[i] = v;
    }
    return out;
  }
  const out: string[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const at = raw.subarray(i * size, (i + 1) * size);
    if (t.kind === 'string') {
      out[i] = fixedString(at, t.padding);
    } else {
      // a reference into the global heap: the string's length, the heap collection's address, the object's index
      const length = dv.getUint32(i * size, true);
      const collection = littleEndian(at, 4, file.offsetSize);
      const index = dv.getUint32(i * size + 4 + file.offsetSize, true);
      out[i] = length === 0 ? '' : utf8(globalHeapObject(file, collection, index, length, what));
    }
  }
  return out;
}
