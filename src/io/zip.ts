/**
 * Reading a zip archive (PKWARE APPNOTE), as far as a Keras 3 `.keras`
 * file needs: entries stored (method 0) or deflated (method 8), no zip64,
 * no encryption. Keras writes its zip with Python's zipfile, stored by
 * default; deflated ones come from re-zipping by hand, so both are read.
 *
 * The central directory is the index (sizes and CRCs there are final even
 * when the entry used a data descriptor); each local header is checked to
 * agree with it, each entry's data is checked against its CRC-32.
 */
import { fail, show } from '../errors.js';
import { utf8 } from './text.js';
import { inflateRaw } from './inflate.js';

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_SIZE = 22;
/** The end record is followed by a comment of at most 65535 bytes: the search looks no further back. */
const MAX_COMMENT = 0xffff;
/** Most entries an archive may list; a .keras file has three or four. */
const MAX_ENTRIES = 10000;
/** The largest an entry may inflate to (1 GiB): a declared size past it is refused before allocating. */
const MAX_ENTRY_SIZE = 1 << 30;

let crcTable: Uint32Array | undefined;

/** CRC-32 (the IEEE polynomial zip uses). */
export function crc32(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** The end-of-central-directory record's offset: searched backwards over at most the comment's reach. */
function findEnd(u8: Uint8Array, dv: DataView): number {
  if (u8.length < EOCD_SIZE) fail(`zip: file is ${u8.length} bytes, too short for a zip archive (truncated or not a zip)`);
  const lowest = Math.max(0, u8.length - EOCD_SIZE - MAX_COMMENT);
  for (let p = u8.length - EOCD_SIZE; p >= lowest; p--) {
    // the comment length must reach exactly to the end of the file, which tells a real record from a stray signature in the comment
    if (dv.getUint32(p, true) === EOCD_SIGNATURE && p + EOCD_SIZE + dv.getUint16(p + 20, true) === u8.length) return p;
  }
  fail('zip: no end-of-central-directory record (truncated, or not a zip archive)');
}

/**
 * The entries of a zip archive by name, each its uncompressed bytes. Zip64, encryption, multi-disk
 * archives and methods other than stored and deflate are refused with an LstmWasmError, as is any
 * size, offset or checksum that does not agree with the bytes.
 */
export function readZip(bytes: Uint8Array): Map<string, Uint8Array> {
  if (!(bytes instanceof Uint8Array)) fail('readZip: expects a Uint8Array');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = findEnd(bytes, dv);
  const disk = dv.getUint16(end + 4, true);
  const cdDisk = dv.getUint16(end + 6, true);
  const onDisk = dv.getUint16(end + 8, true);
  const count = dv.getUint16(end + 10, true);
  const cdSize = dv.getUint32(end + 12, true);
  const cdOffset = dv.getUint32(end + 16, true);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) fail('zip: a zip64 archive (not supported; a .keras file is an ordinary zip)');
  if (disk !== 0 || cdDisk !== 0 || onDisk !== count) fail('zip: a multi-disk archive (not supported)');
  if (count > MAX_ENTRIES) fail(`zip: ${count} entries, more than the ${MAX_ENTRIES} read`);
  if (cdOffset + cdSize > end) fail(`zip: the central directory (offset ${cdOffset}, ${cdSize} bytes) runs past its end record at ${end} (corrupt or truncated)`);

  const entries = new Map<string, Uint8Array>();
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    const where = `zip: central directory entry ${i}`;
    if (p + 46 > cdOffset + cdSize) fail(`${where} runs past the central directory (corrupt)`);
    if (dv.getUint32(p, true) !== CENTRAL_SIGNATURE) fail(`${where} has no central-directory signature at offset ${p} (corrupt)`);
    const flags = dv.getUint16(p + 8, true);
    const method = dv.getUint16(p + 10, true);
    const crc = dv.getUint32(p + 16, true);
    const compressed = dv.getUint32(p + 20, true);
    const size = dv.getUint32(p + 24, true);
    const nameLength = dv.getUint16(p + 28, true);
    const extraLength = dv.getUint16(p + 30, true);
    const commentLength = dv.getUint16(p + 32, true);
    const localOffset = dv.getUint32(p + 42, true);
    const next = p + 46 + nameLength + extraLength + commentLength;
    if (next > cdOffset + cdSize) fail(`${where}: its name and extra fields run past the central directory (corrupt)`);
    const name = utf8(bytes.subarray(p + 46, p + 46 + nameLength));
    const what = `zip: entry ${show(name)}`;
    if (flags & 0x1) fail(`${what} is encrypted (not supported)`);
    if (compressed === 0xffffffff || size === 0xffffffff || localOffset === 0xffffffff) fail(`${what} uses zip64 sizes (not supported)`);
    if (method !== 0 && method !== 8) fail(`${what} uses compression method ${method}; only stored (0) and deflate (8) are read`);
    if (size > MAX_ENTRY_SIZE) fail(`${what} declares ${size} bytes, more than the ${MAX_ENTRY_SIZE} read`);
    if (method === 0 && compressed !== size) fail(`${what} is stored but its sizes differ (${compressed} and ${size}; corrupt)`);
    if (entries.has(name)) fail(`${what} appears twice in the archive (corrupt or ambiguous)`);

    // the local header repeats the name; its own sizes may be zero (data descriptor), so the central ones rule
    if (localOffset + 30 > cdOffset) fail(`${what}: its local header at ${localOffset} runs into the central directory (corrupt)`);
    if (dv.getUint32(localOffset, true) !== LOCAL_SIGNATURE) fail(`${what}: no local-header signature at offset ${localOffset} (corrupt)`);
    if (dv.getUint16(localOffset + 8, true) !== method) fail(`${what}: its local header gives another compression method (corrupt)`);
    const localNameLength = dv.getUint16(localOffset + 26, true);
    const localExtraLength = dv.getUint16(localOffset + 28, true);
    const dataStart = localOffset + 30 + localNameLength + localExtraLength;
    if (localNameLength !== nameLength || utf8(bytes.subarray(localOffset + 30, localOffset + 30 + localNameLength)) !== name) {
      fail(`${what}: its local header names another file (corrupt)`);
    }
    if (dataStart + compressed > cdOffset) fail(`${what}: its ${compressed} bytes of data run past the start of the central directory (corrupt or truncated)`);
    const raw = bytes.subarray(dataStart, dataStart + compressed);
    const data = method === 0 ? raw.slice() : inflateRaw(raw, size, what).output;
    if (crc32(data) !== crc) fail(`${what}: CRC-32 does not match its data (corrupt)`);
    entries.set(name, data);
    p = next;
  }
  return entries;
}
