/**
 * A dataset's raw bytes from its data layout message: compact (in the
 * header), contiguous (one block; never written means all fill value,
 * zeros), or chunked. Chunks are found through a version 1 B-tree (layout
 * version 3, h5py's default) or, in layout version 4 (libver "latest"),
 * a single-chunk, implicit or fixed-array index; the extensible array and
 * version 2 B-tree indexes (datasets that can grow) are refused.
 */
import { fail } from '../../errors.js';
import { verifyChecksum } from './checksum.js';
import { Cursor, H5File, UNDEFINED } from './file.js';
import { unfilter, type Filter } from './filters.js';

export type Layout =
  | { kind: 'compact'; data: Uint8Array }
  | { kind: 'contiguous'; address: number; size: number }
  | { kind: 'chunked'; chunk: number[]; index: ChunkIndex };

type ChunkIndex =
  | { type: 'btree1'; address: number }
  | { type: 'single'; address: number; size: number | undefined; mask: number }
  | { type: 'implicit'; address: number }
  | { type: 'fixed-array'; address: number };

/** A stored chunk: where it starts (in elements, per dimension), its bytes and which filters it skipped. */
interface Chunk {
  offset: number[];
  address: number;
  size: number;
  mask: number;
}

const MAX_BTREE_DEPTH = 32;

export function readLayout(c: Cursor, rank: number): Layout {
  const version = c.u8();
  if (version !== 3 && version !== 4) fail(`hdf5: ${c.what}: data layout version ${version} (3 and 4 are read)`);
  const cls = c.u8();
  if (cls === 0) return { kind: 'compact', data: c.bytes(c.u16()) };
  if (cls === 1) return { kind: 'contiguous', address: c.offset(), size: c.length() };
  if (cls !== 2) fail(`hdf5: ${c.what}: layout class ${cls} (${cls === 3 ? 'virtual datasets are' : 'it is'} not read)`);
  if (version === 3) {
    const dims = c.u8();
    const address = c.offset();
    const chunk = readChunkDims(c, dims, rank, 4);
    return { kind: 'chunked', chunk, index: { type: 'btree1', address } };
  }
  const flags = c.u8();
  const dims = c.u8();
  const width = c.u8();
  if (width < 1 || width > 8) fail(`hdf5: ${c.what}: chunk dimensions of ${width} bytes (corrupt)`);
  const chunk = readChunkDims(c, dims, rank, width);
  const indexType = c.u8();
  if (indexType === 1) {
    const filtered = (flags & 0x02) !== 0;
    const size = filtered ? c.length() : undefined;
    const mask = filtered ? c.u32() : 0;
    return { kind: 'chunked', chunk, index: { type: 'single', address: c.offset(), size, mask } };
  }
  if (indexType === 2) return { kind: 'chunked', chunk, index: { type: 'implicit', address: c.offset() } };
  if (indexType === 3) {
    c.u8(); // page bits: the header repeats them
    return { kind: 'chunked', chunk, index: { type: 'fixed-array', address: c.offset() } };
  }
  fail(`hdf5: ${c.what}: chunk index type ${indexType} (${indexType === 4 ? 'an extensible array' : indexType === 5 ? 'a version 2 B-tree' : 'unknown'}: a resizable dataset, not read; save with a fixed shape)`);
}

/** The chunk's dimensions; the last stored dimension is the element size, which the datatype already gives. */
function readChunkDims(c: Cursor, dims: number, rank: number, width: number): number[] {
  if (dims !== rank + 1) fail(`hdf5: ${c.what}: chunks of ${dims - 1} dimensions for a dataset of rank ${rank} (corrupt)`);
  const chunk: number[] = [];
  for (let i = 0; i < dims; i++) {
    const d = c.uint(width);
    if (i < rank) {
      if (d < 1) fail(`hdf5: ${c.what}: a chunk dimension of ${d} (corrupt)`);
      chunk.push(d);
    }
  }
  return chunk;
}

/** The dataset's `count` elements of `size` bytes, in row-major order. */
export function readRaw(file: H5File, layout: Layout, shape: number[], size: number, filters: Filter[], what: string): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  const bytes = count * size;
  if (layout.kind === 'compact') {
    if (layout.data.length < bytes) fail(`hdf5: ${what}: compact data of ${layout.data.length} bytes for ${bytes} (corrupt)`);
    return layout.data.subarray(0, bytes);
  }
  if (layout.kind === 'contiguous') {
    if (layout.address === UNDEFINED) return unwritten(bytes, what);
    if (layout.size < bytes) fail(`hdf5: ${what}: ${layout.size} bytes of contiguous data for ${bytes} (corrupt)`);
    return file.at(layout.address, bytes, `the data of ${what}`).bytes(bytes);
  }
  const chunkCount = layout.chunk.reduce((a, b) => a * b, 1);
  const chunkBytes = chunkCount * size;
  if (chunkBytes > 1 << 30) fail(`hdf5: ${what}: chunks of ${chunkBytes} bytes (more than 1 GiB; corrupt or too large)`);
  // a chunked dataset is the one kind whose size the file's length does not bound (chunks can be
  // compressed, or shared by a crafted index), so its size is bounded here
  if (bytes > MAX_CHUNKED_BYTES) fail(`hdf5: ${what}: ${bytes} bytes of chunked data (more than the ${MAX_CHUNKED_BYTES} read)`);
  if (count === 0) return new Uint8Array(0);
  const chunks = chunksOf(file, layout, shape, chunkBytes, filters.length > 0, what);
  // chunks never written read as zeros; a dataset mostly made of them would only cost memory
  if (chunks.length * chunkBytes < bytes) unwritten(bytes, what);
  const out = new Uint8Array(bytes);
  for (const chunk of chunks) {
    chunk.offset.forEach((o, d) => {
      if (o % layout.chunk[d] !== 0 || o >= shape[d]) fail(`hdf5: ${what}: a chunk at offset [${chunk.offset.join(', ')}], outside the dataset or off the chunk grid (corrupt)`);
    });
    file.spend(what);
    const stored = file.at(chunk.address, chunk.size, `a chunk of ${what}`).bytes(chunk.size);
    const data = filters.length ? unfilter(stored, filters, chunk.mask, chunkBytes, size, `a chunk of ${what}`) : stored;
    if (data.length < chunkBytes) fail(`hdf5: ${what}: a chunk of ${data.length} bytes, expected ${chunkBytes} (corrupt)`);
    copyChunk(data, chunk.offset, layout.chunk, shape, size, out);
  }
  return out;
}

/** Most bytes of never-written data (the fill value, zero) a dataset may read as: weights are always written. */
const MAX_UNWRITTEN = 1 << 24;
/** Most bytes a chunked dataset may hold (1 GiB: a quarter-billion float32 weights). */
const MAX_CHUNKED_BYTES = 1 << 30;

function unwritten(bytes: number, what: string): Uint8Array {
  if (bytes > MAX_UNWRITTEN) fail(`hdf5: ${what}: ${bytes} bytes never written to the file (a dataset created but not filled, or a corrupt file)`);
  return new Uint8Array(bytes);
}

/** Copies the part of a chunk that lies inside the dataset (edge chunks overhang it) into place. */
function copyChunk(data: Uint8Array, offset: number[], chunk: number[], shape: number[], size: number, out: Uint8Array): void {
  const rank = shape.length;
  const index = new Array(rank).fill(0);
  const rowLength = Math.min(chunk[rank - 1], shape[rank - 1] - offset[rank - 1]);
  const rows = chunk.slice(0, -1).reduce((a, b) => a * b, 1);
  for (let r = 0; r < rows; r++) {
    // index holds the row's position in the chunk for dimensions 0..rank-2
    let inside = true;
    let target = 0;
    for (let d = 0; d < rank - 1; d++) {
      const at = offset[d] + index[d];
      if (at >= shape[d]) inside = false;
      target = target * shape[d] + at;
    }
    if (inside) {
      target = target * shape[rank - 1] + offset[rank - 1];
      const source = r * chunk[rank - 1] * size;
      out.set(data.subarray(source, source + rowLength * size), target * size);
    }
    for (let d = rank - 2; d >= 0; d--) {
      if (++index[d] < chunk[d]) break;
      index[d] = 0;
    }
  }
}

/** The offsets, in elements, of chunk number `i` of the grid in row-major order. */
function gridOffset(i: number, shape: number[], chunk: number[]): number[] {
  const offset = new Array(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = Math.ceil(shape[d] / chunk[d]);
    offset[d] = (i % n) * chunk[d];
    i = Math.floor(i / n);
  }
  return offset;
}

function chunksOf(file: H5File, layout: Extract<Layout, { kind: 'chunked' }>, shape: number[], chunkBytes: number, filtered: boolean, what: string): Chunk[] {
  const index = layout.index;
  const grid = shape.reduce((n, d, i) => n * Math.ceil(d / layout.chunk[i]), 1);
  if (index.type === 'single') return [{ offset: shape.map(() => 0), address: index.address, size: index.size ?? chunkBytes, mask: index.mask }];
  if (index.type === 'implicit') {
    // the chunks lie one after another: the whole run must be in the file before any is listed
    file.at(index.address, grid * chunkBytes, `the chunks of ${what}`);
    return Array.from({ length: grid }, (_, i) => ({ offset: gridOffset(i, shape, layout.chunk), address: index.address + i * chunkBytes, size: chunkBytes, mask: 0 }));
  }
  if (index.type === 'fixed-array') return fixedArrayChunks(file, index.address, shape, layout.chunk, chunkBytes, filtered, grid, what);
  const chunks: Chunk[] = [];
  const visited = new Set<number>();
  const rank = shape.length;
  const visit = (address: number, depth: number): void => {
    if (depth > MAX_BTREE_DEPTH) fail(`hdf5: the chunk B-tree of ${what} is deeper than ${MAX_BTREE_DEPTH} (corrupt)`);
    if (visited.has(address)) fail(`hdf5: the chunk B-tree of ${what} reaches node ${address} twice (a cycle; corrupt)`);
    visited.add(address);
    file.spend(what);
    const head = file.at(address, 8 + 2 * file.offsetSize, `a chunk B-tree node of ${what}`);
    head.signature('TREE');
    const type = head.u8();
    const level = head.u8();
    const entries = head.u16();
    if (type !== 1) fail(`hdf5: the chunk B-tree of ${what} has node type ${type} (a dataset's is 1; corrupt)`);
    head.offset();
    head.offset();
    const keySize = 8 + 8 * (rank + 1);
    const c = file.at(address + 8 + 2 * file.offsetSize, entries * (keySize + file.offsetSize) + keySize, `a chunk B-tree node of ${what}`);
    for (let i = 0; i < entries; i++) {
      const size = c.u32();
      const mask = c.u32();
      const offset: number[] = [];
      for (let d = 0; d <= rank; d++) offset.push(c.uint(8));
      const child = c.offset();
      if (level > 0) visit(child, depth + 1);
      else {
        if (chunks.length >= grid) fail(`hdf5: the chunk B-tree of ${what} lists more chunks than the dataset has (corrupt)`);
        chunks.push({ offset: offset.slice(0, rank), address: child, size, mask });
      }
    }
  };
  if (index.address !== UNDEFINED) visit(index.address, 0);
  return chunks;
}

/** Chunks listed by a fixed array (layout version 4, index type 3): one entry per chunk of the grid, in row-major order. */
function fixedArrayChunks(file: H5File, address: number, shape: number[], chunk: number[], chunkBytes: number, filtered: boolean, grid: number, what: string): Chunk[] {
  if (address === UNDEFINED) return [];
  const h = file.at(address, 8 + file.lengthSize + file.offsetSize, `the fixed array header of ${what}`);
  h.signature('FAHD');
  if (h.u8() !== 0) fail(`hdf5: the fixed array header of ${what} has an unknown version`);
  h.u8(); // client id: filtered or not, which the layout's filters already say
  const entrySize = h.u8();
  const pageBits = h.u8();
  const entries = h.length();
  const dataBlock = h.offset();
  verifyChecksum(file, file.base + address, h.pos, `the fixed array header of ${what}`);
  if (entries !== grid) fail(`hdf5: the fixed array of ${what} has ${entries} entries for ${grid} chunks (corrupt)`);
  if (entries > 2 ** pageBits) fail(`hdf5: the fixed array of ${what} is paged (${entries} chunks), which is not read`);
  const expectedEntry = filtered ? entrySize : file.offsetSize;
  if (entrySize !== expectedEntry || (filtered && entrySize < file.offsetSize + 5)) fail(`hdf5: the fixed array of ${what} has ${entrySize}-byte entries (corrupt)`);
  const c = file.at(dataBlock, 6 + file.offsetSize + entries * entrySize, `the fixed array data block of ${what}`);
  verifyChecksum(file, c.pos, c.end, `the fixed array data block of ${what}`);
  c.signature('FADB');
  c.skip(2); // version, client id
  c.offset(); // the header's address
  const chunks: Chunk[] = [];
  for (let i = 0; i < entries; i++) {
    const at = c.offset();
    const size = filtered ? c.uint(entrySize - file.offsetSize - 4) : chunkBytes;
    const mask = filtered ? c.u32() : 0;
    if (at !== UNDEFINED) chunks.push({ offset: gridOffset(i, shape, chunk), address: at, size, mask });
  }
  return chunks;
}
