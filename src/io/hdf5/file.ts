/**
 * The bytes of an HDF5 file and a cursor over them. Every read is checked
 * against the end of the file, so a corrupt offset or size becomes an
 * LstmWasmError naming what was being read, never an out-of-range read.
 */
import { fail } from '../../errors.js';

/** The "undefined address" of the format: all bits set. */
export const UNDEFINED = -1;

/** The file, its size of offsets and lengths (from the superblock) and its base address. */
export class H5File {
  readonly dv: DataView;
  offsetSize = 8;
  lengthSize = 8;
  base = 0;
  /** Object headers parsed so far, by address: each is read once, and a link cycle costs nothing. */
  readonly headers = new Map<number, unknown>();
  /** Global heap collections parsed so far, by address. */
  readonly globalHeaps = new Map<number, Map<number, { pos: number; size: number }>>();
  /** A budget of structure reads (B-tree nodes, heap blocks, header chunks) for the whole file, so a crafted file ends in bounded time. */
  private budget = 1_000_000;

  constructor(readonly u8: Uint8Array) {
    this.dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  }

  /** A cursor at file address `address` (relative to the base address), checked to have `size` bytes. */
  at(address: number, size: number, what: string): Cursor {
    if (address === UNDEFINED) fail(`hdf5: ${what} has an undefined address (corrupt file)`);
    const pos = this.base + address;
    if (!Number.isSafeInteger(pos) || pos < 0 || size < 0 || pos + size > this.u8.length) {
      fail(`hdf5: ${what} (${size} bytes at address ${address}) runs past the end of the ${this.u8.length}-byte file (truncated or corrupt)`);
    }
    return new Cursor(this, pos, pos + size, what);
  }

  /** Counts one structure read against the file's budget. */
  spend(what: string): void {
    if (--this.budget < 0) fail(`hdf5: too many structures read at ${what} (a cyclic or crafted file)`);
  }
}

/** Reads little-endian fields from [pos, end) of the file. */
export class Cursor {
  constructor(readonly file: H5File, public pos: number, readonly end: number, readonly what: string) {}

  private need(n: number): number {
    if (this.pos + n > this.end) fail(`hdf5: ${this.what} is cut short: needs ${n} more bytes at file byte ${this.pos} (truncated or corrupt)`);
    const p = this.pos;
    this.pos += n;
    return p;
  }

  get left(): number {
    return this.end - this.pos;
  }

  u8(): number {
    return this.file.dv.getUint8(this.need(1));
  }

  u16(): number {
    return this.file.dv.getUint16(this.need(2), true);
  }

  u32(): number {
    return this.file.dv.getUint32(this.need(4), true);
  }

  /** An unsigned integer of `size` bytes (1–8); past 2^53 is refused, and all bits set is UNDEFINED. */
  uint(size: number): number {
    const p = this.need(size);
    let allOnes = true;
    let value = 0;
    for (let i = size - 1; i >= 0; i--) {
      const b = this.file.u8[p + i];
      if (b !== 0xff) allOnes = false;
      value = value * 256 + b;
    }
    if (allOnes) return UNDEFINED;
    if (!Number.isSafeInteger(value)) fail(`hdf5: ${this.what} holds a ${size}-byte value past 2^53 (corrupt file)`);
    return value;
  }

  offset(): number {
    return this.uint(this.file.offsetSize);
  }

  /** A length field: never UNDEFINED. */
  length(): number {
    const v = this.uint(this.file.lengthSize);
    if (v === UNDEFINED) fail(`hdf5: ${this.what} holds an undefined length (corrupt file)`);
    return v;
  }

  bytes(n: number): Uint8Array {
    if (!Number.isSafeInteger(n) || n < 0) fail(`hdf5: ${this.what} asks for ${n} bytes (corrupt file)`);
    const p = this.need(n);
    return this.file.u8.subarray(p, p + n);
  }

  skip(n: number): void {
    this.need(n);
  }

  /** Skips to the next multiple of `n` bytes from `origin` (version 1 structures pad to 8). */
  align(origin: number, n: number): void {
    const pad = (n - ((this.pos - origin) % n)) % n;
    this.pos = Math.min(this.end, this.pos + pad);
  }

  signature(expected: string): void {
    const got = String.fromCharCode(...this.bytes(expected.length));
    if (got !== expected) fail(`hdf5: ${this.what} should start with ${JSON.stringify(expected)}, found ${JSON.stringify(got)} (corrupt file)`);
  }

  /** A cursor over the next `n` bytes, for a message or field read on its own. */
  sub(n: number, what: string): Cursor {
    const p = this.need(n);
    return new Cursor(this.file, p, p + n, what);
  }
}
