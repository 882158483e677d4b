/**
 * The filter pipeline message and undoing its filters on a chunk: deflate
 * (1, a zlib stream), shuffle (2, bytes of each element regrouped by
 * significance) and Fletcher-32 (3, a 4-byte checksum appended; it is
 * stripped, not verified). Any other filter (szip, LZF, Blosc, …) is
 * refused by number.
 */
import { fail } from '../../errors.js';
import { inflateZlib } from '../inflate.js';
import { Cursor } from './file.js';

export interface Filter {
  id: number;
  values: number[];
}

const DEFLATE = 1;
const SHUFFLE = 2;
const FLETCHER32 = 3;
const NAMES: Record<number, string> = { 4: 'szip', 5: 'nbit', 6: 'scaleoffset', 32000: 'LZF', 32001: 'Blosc', 32004: 'LZ4', 32015: 'Zstandard' };

export function readFilters(c: Cursor): Filter[] {
  const version = c.u8();
  const count = c.u8();
  if (version !== 1 && version !== 2) fail(`hdf5: ${c.what}: filter pipeline version ${version} (1 and 2 are read)`);
  if (count > 32) fail(`hdf5: ${c.what}: ${count} filters (at most 32; corrupt)`);
  if (version === 1) c.skip(6);
  const filters: Filter[] = [];
  for (let i = 0; i < count; i++) {
    const id = c.u16();
    const nameLength = version === 1 || id >= 256 ? c.u16() : 0;
    c.u16(); // flags: optional or not, a reader must undo it either way
    const nValues = c.u16();
    if (nameLength) c.skip(version === 1 ? Math.ceil(nameLength / 8) * 8 : nameLength);
    const values: number[] = [];
    for (let k = 0; k < nValues; k++) values.push(c.u32());
    if (version === 1 && nValues % 2 === 1) c.skip(4);
    if (id !== DEFLATE && id !== SHUFFLE && id !== FLETCHER32) {
      fail(`hdf5: ${c.what}: filter ${id}${NAMES[id] ? ` (${NAMES[id]})` : ''} is not read (deflate, shuffle and fletcher32 are)`);
    }
    filters.push({ id, values });
  }
  return filters;
}

/** Undoes the filters on one stored chunk, last filter first; `mask` bit i set means filter i was skipped for it. */
export function unfilter(stored: Uint8Array, filters: Filter[], mask: number, chunkBytes: number, elementSize: number, what: string): Uint8Array {
  let data = stored;
  for (let i = filters.length - 1; i >= 0; i--) {
    if (mask & (1 << i)) continue;
    const f = filters[i];
    // the size this filter's output should have: the chunk, plus any checksums added before it
    let expected = chunkBytes;
    for (let k = 0; k < i; k++) if (!(mask & (1 << k)) && filters[k].id === FLETCHER32) expected += 4;
    if (f.id === DEFLATE) {
      data = inflateZlib(data, expected, `${what} (deflate)`);
    } else if (f.id === SHUFFLE) {
      data = unshuffle(data, f.values[0] ?? elementSize);
    } else {
      if (data.length < 4) fail(`hdf5: ${what}: a Fletcher-32 chunk of ${data.length} bytes (corrupt)`);
      data = data.subarray(0, data.length - 4);
    }
  }
  if (data.length !== chunkBytes) fail(`hdf5: ${what}: a chunk of ${data.length} bytes after its filters, expected ${chunkBytes} (corrupt)`);
  return data;
}

/** The inverse of HDF5's shuffle: byte b of element i was stored at b·n + i; a tail of fewer than `size` bytes is left as is. */
function unshuffle(data: Uint8Array, size: number): Uint8Array {
  if (size <= 1) return data;
  const n = Math.floor(data.length / size);
  const out = new Uint8Array(data.length);
  for (let b = 0; b < size; b++) for (let i = 0; i < n; i++) out[i * size + b] = data[b * n + i];
  out.set(data.subarray(n * size), n * size);
  return out;
}
