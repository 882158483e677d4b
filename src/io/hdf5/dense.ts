/**
 * Dense storage: where a new-style group keeps its links, or an object its
 * attributes, past 8 of them (libver "latest"). The messages are objects in
 * a fractal heap ("FRHP"); a version 2 B-tree ("BTHD") indexes them by name
 * hash, its records holding heap IDs. Read here: a heap whose root is a
 * direct block or an indirect block of direct blocks, unfiltered, and a
 * B-tree of depth 0 or 1 — what HDF5 builds for up to thousands of members.
 * Deeper ones are refused by name.
 */
import { fail } from '../../errors.js';
import { verifyChecksum } from './checksum.js';
import { Cursor, H5File, UNDEFINED } from './file.js';

interface Heap {
  address: number;
  idLength: number;
  offsetBytes: number;
  lengthBytes: number;
  tableWidth: number;
  startBlock: number;
  maxDirectBlock: number;
  rootAddress: number;
  rootRows: number;
  checksummed: boolean;
}

/** Bytes needed to write `n` (at least 1): the width of a variable-size field of the format. */
function bytesFor(n: number): number {
  let k = 1;
  while (256 ** k <= n) k++;
  return k;
}

function readHeap(file: H5File, address: number, what: string): Heap {
  file.spend(what);
  const c = file.at(address, 22 + 12 * file.lengthSize + 3 * file.offsetSize + 4, `the fractal heap of ${what}`);
  c.signature('FRHP');
  if (c.u8() !== 0) fail(`hdf5: the fractal heap of ${what} has an unknown version`);
  const idLength = c.u16();
  const filterLength = c.u16();
  const flags = c.u8();
  const maxManaged = c.u32();
  c.length(); // next huge object id
  c.offset(); // huge objects' B-tree
  c.length(); // free space
  c.offset(); // free space manager
  c.length(); // managed space
  c.length(); // allocated managed space
  c.length(); // direct block allocation iterator
  c.length(); // managed objects
  c.length(); // huge objects' size
  const huge = c.length();
  c.length(); // tiny objects' size
  c.length(); // tiny objects
  const tableWidth = c.u16();
  const startBlock = c.length();
  const maxDirectBlock = c.length();
  const maxHeapBits = c.u16();
  c.u16(); // starting rows of the root indirect block
  const rootAddress = c.offset();
  const rootRows = c.u16();
  if (filterLength) fail(`hdf5: the fractal heap of ${what} is filtered (not read)`);
  verifyChecksum(file, file.base + address, c.pos, `the fractal heap of ${what}`);
  if (huge) fail(`hdf5: the fractal heap of ${what} holds huge objects (not read)`);
  const power = (n: number): boolean => n > 0 && Number.isSafeInteger(n) && (n & (n - 1)) === 0;
  if (!power(startBlock) || !power(maxDirectBlock) || maxDirectBlock < startBlock || tableWidth < 1 || tableWidth > 1024 || maxHeapBits < 1 || maxHeapBits > 53) {
    fail(`hdf5: the fractal heap of ${what} has an impossible doubling table (corrupt file)`);
  }
  return {
    address, idLength, tableWidth, startBlock, maxDirectBlock, rootAddress, rootRows,
    offsetBytes: Math.ceil(maxHeapBits / 8),
    lengthBytes: Math.min(bytesFor(maxDirectBlock - 1), bytesFor(maxManaged)),
    checksummed: (flags & 0x02) !== 0,
  };
}

/** The direct blocks of the heap: where each lies in the file and which heap offsets it holds. */
function directBlocks(file: H5File, heap: Heap, what: string): Array<{ offset: number; size: number; address: number }> {
  if (heap.rootAddress === UNDEFINED) return [];
  if (heap.rootRows === 0) return [{ offset: 0, size: heap.startBlock, address: heap.rootAddress }];
  const directRows = Math.log2(heap.maxDirectBlock) - Math.log2(heap.startBlock) + 2;
  if (heap.rootRows > directRows) fail(`hdf5: the fractal heap of ${what} nests indirect blocks (a very large group; not read)`);
  const entries = heap.rootRows * heap.tableWidth;
  file.spend(what);
  const c = file.at(heap.rootAddress, 5 + file.offsetSize + heap.offsetBytes + entries * file.offsetSize + 4, `the fractal heap of ${what}`);
  c.signature('FHIB');
  c.u8();
  c.offset();
  c.uint(heap.offsetBytes);
  const blocks: Array<{ offset: number; size: number; address: number }> = [];
  let offset = 0;
  for (let row = 0; row < heap.rootRows; row++) {
    const size = heap.startBlock * (row <= 1 ? 1 : 2 ** (row - 1));
    for (let col = 0; col < heap.tableWidth; col++) {
      const address = c.offset();
      if (address !== UNDEFINED) blocks.push({ offset, size, address });
      offset += size;
    }
  }
  verifyChecksum(file, file.base + heap.rootAddress, c.pos, `the fractal heap of ${what}`);
  return blocks;
}

/** The object a heap ID names: a cursor over its bytes. */
function heapObject(file: H5File, heap: Heap, blocks: ReturnType<typeof directBlocks>, id: Uint8Array, what: string): Cursor {
  const type = (id[0] >> 4) & 0x03;
  if (type === 2) {
    // a tiny object: its length (minus one) in the low bits, its bytes in the ID itself
    const length = (id[0] & 0x0f) + 1;
    if (length > id.length - 1) fail(`hdf5: a tiny object of ${what} is longer than its ID (corrupt file)`);
    const inner = new H5File(id);
    inner.offsetSize = file.offsetSize;
    inner.lengthSize = file.lengthSize;
    return new Cursor(inner, 1, 1 + length, what);
  }
  if (type !== 0) fail(`hdf5: ${what} refers to a huge heap object (not read)`);
  const idCursor = new Cursor(new H5File(id), 1, id.length, `a heap ID of ${what}`);
  const offset = idCursor.uint(heap.offsetBytes);
  const length = idCursor.uint(heap.lengthBytes);
  const block = blocks.find((b) => offset >= b.offset && offset < b.offset + b.size);
  if (!block || offset + length > block.offset + block.size) fail(`hdf5: ${what} refers to heap offset ${offset}, in no block of its fractal heap (corrupt file)`);
  return file.at(block.address + (offset - block.offset), length, what);
}

/**
 * Every object the dense storage indexes: the heap IDs from the B-tree's records (each ID at
 * `idAt` bytes into its record), resolved in the heap.
 */
export function denseObjects(file: H5File, heapAddress: number, btreeAddress: number, idAt: number, what: string): Cursor[] {
  const heap = readHeap(file, heapAddress, what);
  const blocks = directBlocks(file, heap, what);
  if (btreeAddress === UNDEFINED) return [];
  file.spend(what);
  const h = file.at(btreeAddress, 16 + 2 * file.lengthSize + file.offsetSize, `the B-tree of ${what}`);
  h.signature('BTHD');
  h.u8();
  h.u8(); // type: the caller knows what it indexes
  const nodeSize = h.u32();
  const recordSize = h.u16();
  const depth = h.u16();
  h.skip(2);
  const root = h.offset();
  const rootRecords = h.u16();
  h.length();
  verifyChecksum(file, file.base + btreeAddress, h.pos, `the B-tree of ${what}`);
  if (recordSize < idAt + heap.idLength || nodeSize < 16 || nodeSize > 1 << 20) fail(`hdf5: the B-tree of ${what} has ${recordSize}-byte records in ${nodeSize}-byte nodes (corrupt file)`);
  if (depth > 1) fail(`hdf5: the B-tree of ${what} has depth ${depth} (a very large group; not read)`);
  const maxLeafRecords = Math.floor((nodeSize - 10) / recordSize);
  const ids: Uint8Array[] = [];
  const leaf = (address: number, count: number): void => {
    if (count > maxLeafRecords) fail(`hdf5: a B-tree leaf of ${what} claims ${count} records (corrupt file)`);
    file.spend(what);
    const c = file.at(address, 6 + count * recordSize + 4, `a B-tree leaf of ${what}`);
    c.signature('BTLF');
    c.skip(2);
    for (let i = 0; i < count; i++) ids.push(c.bytes(recordSize).subarray(idAt, idAt + heap.idLength));
    verifyChecksum(file, file.base + address, c.pos, `a B-tree leaf of ${what}`);
  };
  if (root === UNDEFINED) return [];
  if (depth === 0) leaf(root, rootRecords);
  else {
    const countBytes = bytesFor(maxLeafRecords);
    const c = file.at(root, 6 + rootRecords * recordSize + (rootRecords + 1) * (file.offsetSize + countBytes) + 4, `a B-tree node of ${what}`);
    c.signature('BTIN');
    c.skip(2);
    // the internal node's own records name objects too
    for (let i = 0; i < rootRecords; i++) ids.push(c.bytes(recordSize).subarray(idAt, idAt + heap.idLength));
    const children: Array<[number, number]> = [];
    for (let i = 0; i <= rootRecords; i++) children.push([c.offset(), c.uint(countBytes)]);
    verifyChecksum(file, file.base + root, c.pos, `a B-tree node of ${what}`);
    const seen = new Set<number>();
    for (const [address, count] of children) {
      if (seen.has(address)) fail(`hdf5: the B-tree of ${what} reaches a leaf twice (a cycle; corrupt file)`);
      seen.add(address);
      leaf(address, count);
    }
  }
  return ids.map((id) => heapObject(file, heap, blocks, id, what));
}
