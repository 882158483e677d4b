/**
 * The members of a group, by name → object header address. Old-style
 * groups (h5py's libver "earliest") keep them in a symbol table: a version
 * 1 B-tree whose leaves are symbol table nodes, names in a local heap.
 * New-style groups ("latest") list link messages in their header; past 8
 * links HDF5 moves them to a fractal heap ("dense" storage, dense.ts).
 */
import { fail, show } from '../../errors.js';
import { Cursor, H5File, UNDEFINED } from './file.js';
import { utf8 } from '../text.js';
import { body, MSG, type ObjectHeader } from './object-header.js';
import { denseObjects } from './dense.js';

/** A member: an object header's address, or the path of a soft link (which is refused when followed). */
export type Link = number | { soft: string };

/** Deepest a B-tree may be (HDF5 never comes close: the depth grows with the log of the entries). */
const MAX_BTREE_DEPTH = 32;


export function readLinks(file: H5File, header: ObjectHeader, where: string): Map<string, Link> {
  const links = new Map<string, Link>();
  for (const m of header.messages) {
    if (m.type === MSG.SYMBOL_TABLE) {
      const c = body(file, m, `the symbol table of ${where}`);
      const btree = c.offset();
      const heap = c.offset();
      readSymbolTable(file, btree, heap, where, links);
    } else if (m.type === MSG.LINK_INFO) {
      const c = body(file, m, `the link info of ${where}`);
      c.u8();
      const flags = c.u8();
      if (flags & 0x01) c.skip(8);
      const fractalHeap = c.offset();
      const nameIndex = c.offset();
      // more than 8 links (libver "latest"): link messages in a fractal heap, indexed by a B-tree whose records are a name hash then a heap ID
      if (fractalHeap !== UNDEFINED) {
        for (const link of denseObjects(file, fractalHeap, nameIndex, 4, `the links of ${where}`)) readLinkMessage(link, links, where);
      }
    } else if (m.type === MSG.LINK) {
      readLinkMessage(body(file, m, `a link of ${where}`), links, where);
    }
  }
  return links;
}

function readLinkMessage(c: Cursor, links: Map<string, Link>, where: string): void {
  const version = c.u8();
  if (version !== 1) fail(`hdf5: ${c.what}: link message version ${version} (1 is read)`);
  const flags = c.u8();
  const type = flags & 0x08 ? c.u8() : 0;
  if (flags & 0x04) c.skip(8); // creation order
  if (flags & 0x10) c.u8(); // character set of the name
  const nameLength = c.uint(1 << (flags & 0x03));
  const name = utf8(c.bytes(nameLength));
  if (type === 0) {
    add(links, name, c.offset(), where);
  } else if (type === 1) {
    add(links, name, { soft: utf8(c.bytes(c.u16())) }, where);
  } else {
    fail(`hdf5: ${where}: member ${show(name)} is an ${type === 64 ? 'external' : `type-${type}`} link (only hard and soft links are read)`);
  }
}

function add(links: Map<string, Link>, name: string, link: Link, where: string): void {
  if (links.has(name)) fail(`hdf5: ${where} has two members named ${show(name)} (corrupt file)`);
  links.set(name, link);
}

/** Reads the local heap's data segment: where the names of a symbol table live. */
function localHeap(file: H5File, address: number, where: string): Cursor {
  const c = file.at(address, 8 + 2 * file.lengthSize + file.offsetSize, `the local heap of ${where}`);
  c.signature('HEAP');
  const version = c.u8();
  if (version !== 0) fail(`hdf5: the local heap of ${where} has version ${version} (0 is read)`);
  c.skip(3);
  const size = c.length();
  c.length(); // free list
  return file.at(c.offset(), size, `the local heap data of ${where}`);
}

function heapName(heap: Cursor, offset: number, where: string): string {
  const start = heap.pos + offset;
  if (offset >= heap.end - heap.pos) fail(`hdf5: a name of ${where} lies at ${offset}, past its ${heap.end - heap.pos}-byte local heap (corrupt file)`);
  const end = heap.file.u8.indexOf(0, start);
  if (end < 0 || end >= heap.end) fail(`hdf5: a name of ${where} in its local heap has no terminating NUL (corrupt file)`);
  return utf8(heap.file.u8.subarray(start, end));
}

function readSymbolTable(file: H5File, btree: number, heapAddress: number, where: string, links: Map<string, Link>): void {
  const heap = localHeap(file, heapAddress, where);
  const visited = new Set<number>();
  const visit = (address: number, depth: number, expectedLevel: number | undefined): void => {
    if (depth > MAX_BTREE_DEPTH) fail(`hdf5: the B-tree of ${where} is deeper than ${MAX_BTREE_DEPTH} (corrupt file)`);
    if (visited.has(address)) fail(`hdf5: the B-tree of ${where} reaches node ${address} twice (a cycle; corrupt file)`);
    visited.add(address);
    file.spend(where);
    const head = file.at(address, 8 + 2 * file.offsetSize, `a B-tree node of ${where}`);
    head.signature('TREE');
    const type = head.u8();
    const level = head.u8();
    const entries = head.u16();
    if (type !== 0) fail(`hdf5: the B-tree of ${where} has node type ${type} (a group's is 0; corrupt file)`);
    if (expectedLevel !== undefined && level !== expectedLevel) fail(`hdf5: a B-tree node of ${where} has level ${level}, its parent says ${expectedLevel} (corrupt file)`);
    head.offset(); // left sibling
    head.offset(); // right sibling
    const c = file.at(address + 8 + 2 * file.offsetSize, entries * (file.lengthSize + file.offsetSize) + file.lengthSize, `a B-tree node of ${where}`);
    for (let i = 0; i < entries; i++) {
      c.length(); // key: a heap offset of the largest name below it
      const child = c.offset();
      if (level > 0) visit(child, depth + 1, level - 1);
      else readSymbolNode(file, child, heap, where, links, visited);
    }
  };
  visit(btree, 0, undefined);
}

function readSymbolNode(file: H5File, address: number, heap: Cursor, where: string, links: Map<string, Link>, visited: Set<number>): void {
  if (visited.has(address)) fail(`hdf5: the symbol table of ${where} reaches node ${address} twice (corrupt file)`);
  visited.add(address);
  file.spend(where);
  const head = file.at(address, 8, `a symbol table node of ${where}`);
  head.signature('SNOD');
  const version = head.u8();
  if (version !== 1) fail(`hdf5: a symbol table node of ${where} has version ${version} (1 is read)`);
  head.skip(1);
  const count = head.u16();
  const entrySize = 2 * file.offsetSize + 8 + 16;
  const c = file.at(address + 8, count * entrySize, `a symbol table node of ${where}`);
  for (let i = 0; i < count; i++) {
    const nameOffset = c.offset();
    const objectHeader = c.offset();
    const cacheType = c.u32();
    c.skip(4);
    const scratch = c.sub(16, `a symbol table entry of ${where}`);
    const name = heapName(heap, nameOffset, where);
    if (cacheType === 2) {
      // a soft link kept in the entry itself: the scratch pad holds the offset of its value in the local heap
      add(links, name, { soft: heapName(heap, scratch.u32(), where) }, where);
    } else {
      add(links, name, objectHeader, where);
    }
  }
}
