/**
 * The superblock: where an HDF5 file says how wide its addresses are and
 * where its root group is. Versions 0 and 1 (h5py's libver "earliest"),
 * 2 and 3 ("latest"). The format allows it at 0, 512, 1024, 2048, …: the
 * search stops at the file's end.
 */
import { fail } from '../../errors.js';
import { verifyChecksum } from './checksum.js';
import { Cursor, H5File, UNDEFINED } from './file.js';

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

function hasSignature(u8: Uint8Array, at: number): boolean {
  return at + 8 <= u8.length && SIGNATURE.every((b, i) => u8[at + i] === b);
}

/** Reads the superblock into `file` (sizes, base address) and returns the root group's object header address. */
export function readSuperblock(file: H5File): number {
  const u8 = file.u8;
  let at = 0;
  while (!hasSignature(u8, at)) {
    at = at === 0 ? 512 : at * 2;
    if (at >= u8.length) fail(`hdf5: no HDF5 signature in the ${u8.length}-byte file (not an HDF5 file, or truncated)`);
  }
  const c = new Cursor(file, at + 8, u8.length, 'the superblock');
  const version = c.u8();
  let root: number;
  if (version === 0 || version === 1) {
    c.skip(4); // versions of the free-space storage, root symbol table entry, reserved, shared header message format
    file.offsetSize = c.u8();
    file.lengthSize = c.u8();
    checkSizes(file);
    c.skip(1 + 2 + 2 + 4); // reserved, group leaf/internal node K, consistency flags
    if (version === 1) c.skip(4); // indexed storage internal node K, reserved
    const base = c.offset();
    c.offset(); // free-space info (unused by HDF5)
    const eof = c.offset();
    c.offset(); // driver information block
    // the root group's symbol table entry: link name offset, object header address, cache type, scratch pad
    c.offset();
    root = c.offset();
    file.base = base === UNDEFINED ? 0 : base;
    checkEnd(file, eof);
  } else if (version === 2 || version === 3) {
    file.offsetSize = c.u8();
    file.lengthSize = c.u8();
    checkSizes(file);
    c.skip(1); // consistency flags
    const base = c.offset();
    c.offset(); // superblock extension: holds nothing a reader of data needs
    const eof = c.offset();
    root = c.offset();
    verifyChecksum(file, at, c.pos, 'the superblock');
    file.base = base === UNDEFINED ? 0 : base;
    checkEnd(file, eof);
  } else {
    fail(`hdf5: superblock version ${version} (versions 0 to 3 are read)`);
  }
  if (root === UNDEFINED) fail('hdf5: the superblock gives no root group (corrupt file)');
  return root;
}

function checkSizes(file: H5File): void {
  for (const [name, size] of [['offsets', file.offsetSize], ['lengths', file.lengthSize]] as const) {
    if (size !== 2 && size !== 4 && size !== 8) fail(`hdf5: the superblock's size of ${name} is ${size} (2, 4 or 8; corrupt file)`);
  }
}

/** A file shorter than the end-of-file address its superblock records has lost its tail. */
function checkEnd(file: H5File, eof: number): void {
  if (eof !== UNDEFINED && file.base + eof > file.u8.length) {
    fail(`hdf5: the file is ${file.u8.length} bytes but its superblock says it ends at ${file.base + eof} (truncated)`);
  }
}
