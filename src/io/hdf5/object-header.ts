/**
 * Object headers: the list of messages that say what an object (group or
 * dataset) is. Version 1 (fixed 16-byte prefix, messages padded to 8) and
 * version 2 ("OHDR", compact message headers), each followed through its
 * continuation blocks. A continuation seen twice is a cycle and refused.
 */
import { fail } from '../../errors.js';
import { verifyChecksum } from './checksum.js';
import { Cursor, H5File } from './file.js';

export const MSG = {
  NIL: 0x00,
  DATASPACE: 0x01,
  LINK_INFO: 0x02,
  DATATYPE: 0x03,
  FILL_VALUE_OLD: 0x04,
  FILL_VALUE: 0x05,
  LINK: 0x06,
  EXTERNAL_FILES: 0x07,
  LAYOUT: 0x08,
  GROUP_INFO: 0x0a,
  FILTERS: 0x0b,
  ATTRIBUTE: 0x0c,
  CONTINUATION: 0x10,
  SYMBOL_TABLE: 0x11,
  ATTRIBUTE_INFO: 0x15,
} as const;

/** Flag bit of a message that is stored elsewhere and shared (a committed datatype, a shared dataspace). */
const SHARED = 0x02;
/** Most messages one object may have: far more than h5py ever writes, few enough to bound a crafted file. */
const MAX_MESSAGES = 4096;

export interface Message {
  type: number;
  flags: number;
  /** Where the message's body lies in the file. */
  pos: number;
  size: number;
}

export interface ObjectHeader {
  address: number;
  messages: Message[];
}

/** A cursor over one message's body. */
export function body(file: H5File, m: Message, what: string): Cursor {
  if (m.flags & SHARED) fail(`hdf5: ${what} is a shared message (committed datatypes and shared messages are not read)`);
  return new Cursor(file, m.pos, m.pos + m.size, what);
}

export function readObjectHeader(file: H5File, address: number, where: string): ObjectHeader {
  const cached = file.headers.get(address);
  if (cached) return cached as ObjectHeader;
  file.spend(where);
  const messages: Message[] = [];
  const blocks: Array<{ pos: number; end: number }> = [];
  const seen = new Set<number>();
  const what = `the object header of ${where}`;
  const first = file.at(address, 6, what);
  const v2 = file.u8[first.pos] === 0x4f; // 'O' of "OHDR"
  let creationOrder = false;
  if (v2) {
    first.signature('OHDR');
    const version = first.u8();
    if (version !== 2) fail(`hdf5: ${what} has OHDR version ${version} (2 is read)`);
    const flags = first.u8();
    creationOrder = (flags & 0x04) !== 0;
    const hdr = new Cursor(file, first.pos, file.u8.length, what);
    if (flags & 0x20) hdr.skip(16); // access, modification, change and birth times
    if (flags & 0x10) hdr.skip(4); // attribute storage phase change values
    const size = hdr.uint(1 << (flags & 0x03));
    const start = hdr.pos - file.base;
    const c = file.at(start, size + 4, what); // + its checksum
    verifyChecksum(file, file.base + address, c.pos + size, what);
    blocks.push({ pos: c.pos, end: c.pos + size });
  } else {
    const version = first.u8();
    if (version !== 1) fail(`hdf5: ${what} has version ${version} (not an object header, or corrupt)`);
    const prefix = file.at(address + 1, 15, what);
    prefix.skip(1);
    prefix.u16(); // message count: the blocks themselves are read, which bounds this anyway
    prefix.u32(); // reference count
    const size = prefix.u32();
    const c = file.at(address + 16, size, what);
    blocks.push({ pos: c.pos, end: c.pos + size });
  }
  seen.add(address);
  for (let b = 0; b < blocks.length; b++) {
    const c = new Cursor(file, blocks[b].pos, blocks[b].end, what);
    if (v2 && b > 0) c.signature('OCHK');
    // a v2 header's messages have a 4- or 6-byte prefix, a v1 header's 8; a smaller gap at the end is padding
    const prefix = v2 ? (creationOrder ? 6 : 4) : 8;
    while (c.left >= prefix) {
      let type: number;
      let size: number;
      let flags: number;
      if (v2) {
        type = c.u8();
        size = c.u16();
        flags = c.u8();
        if (creationOrder) c.u16();
      } else {
        type = c.u16();
        size = c.u16();
        flags = c.u8();
        c.skip(3);
      }
      const pos = c.pos;
      c.skip(size);
      if (messages.length >= MAX_MESSAGES) fail(`hdf5: ${what} has more than ${MAX_MESSAGES} messages (corrupt file)`);
      if (type === MSG.CONTINUATION) {
        const m = new Cursor(file, pos, pos + size, `a continuation message in ${what}`);
        const at = m.offset();
        const length = m.length();
        if (seen.has(at)) fail(`hdf5: ${what} continues into a block it already read (a cycle; corrupt file)`);
        seen.add(at);
        file.spend(what);
        const block = file.at(at, length, `a continuation block of ${what}`);
        if (v2) verifyChecksum(file, block.pos, block.pos + length - 4, `a continuation block of ${what}`);
        // a v2 continuation block ends with a checksum
        blocks.push({ pos: block.pos, end: block.pos + length - (v2 ? 4 : 0) });
      } else if (type !== MSG.NIL) {
        if (flags & 0x08 && type > 0x18) fail(`hdf5: ${what} has message type ${type} marked "must understand" (not read)`);
        messages.push({ type, flags, pos, size });
      }
    }
  }
  const header = { address, messages };
  file.headers.set(address, header);
  return header;
}
