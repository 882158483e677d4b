/**
 * The checksum of HDF5's newer structures (superblock 2/3, OHDR, OCHK,
 * fixed arrays): Bob Jenkins's lookup3 "hashlittle" with seed 0, over the
 * structure's bytes up to the 4-byte checksum that ends it.
 */
import { fail } from '../../errors.js';
import { H5File } from './file.js';

const rot = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

export function lookup3(data: Uint8Array): number {
  let a = (0xdeadbeef + data.length) | 0;
  let b = a;
  let c = a;
  let i = 0;
  let n = data.length;
  const word = (p: number): number => data[p] | (data[p + 1] << 8) | (data[p + 2] << 16) | (data[p + 3] << 24);
  while (n > 12) {
    a = (a + word(i)) | 0;
    b = (b + word(i + 4)) | 0;
    c = (c + word(i + 8)) | 0;
    // mix(a, b, c)
    a = (a - c) | 0; a ^= rot(c, 4); c = (c + b) | 0;
    b = (b - a) | 0; b ^= rot(a, 6); a = (a + c) | 0;
    c = (c - b) | 0; c ^= rot(b, 8); b = (b + a) | 0;
    a = (a - c) | 0; a ^= rot(c, 16); c = (c + b) | 0;
    b = (b - a) | 0; b ^= rot(a, 19); a = (a + c) | 0;
    c = (c - b) | 0; c ^= rot(b, 4); b = (b + a) | 0;
    i += 12;
    n -= 12;
  }
  if (n === 0) return c >>> 0;
  // the last 1–12 bytes, zero-padded
  const tail = new Uint8Array(12);
  tail.set(data.subarray(i, i + n));
  const t = (p: number): number => tail[p] | (tail[p + 1] << 8) | (tail[p + 2] << 16) | (tail[p + 3] << 24);
  a = (a + t(0)) | 0;
  b = (b + t(4)) | 0;
  c = (c + t(8)) | 0;
  // final(a, b, c)
  c ^= b; c = (c - rot(b, 14)) | 0;
  a ^= c; a = (a - rot(c, 11)) | 0;
  b ^= a; b = (b - rot(a, 25)) | 0;
  c ^= b; c = (c - rot(b, 16)) | 0;
  a ^= c; a = (a - rot(c, 4)) | 0;
  b ^= a; b = (b - rot(a, 14)) | 0;
  c ^= b; c = (c - rot(b, 24)) | 0;
  return c >>> 0;
}

/** Checks that the 4 bytes at file position `end` are the lookup3 checksum of [start, end). */
export function verifyChecksum(file: H5File, start: number, end: number, what: string): void {
  if (end + 4 > file.u8.length || start > end) fail(`hdf5: ${what}: its checksum lies past the end of the file (truncated or corrupt)`);
  if (lookup3(file.u8.subarray(start, end)) !== file.dv.getUint32(end, true)) fail(`hdf5: ${what}: checksum mismatch (corrupt file)`);
}
