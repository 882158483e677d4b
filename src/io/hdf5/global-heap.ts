/**
 * The global heap: collections ("GCOL") of objects that variable-length
 * data points into, by collection address and object index.
 */
import { fail } from '../../errors.js';
import { H5File } from './file.js';

type Collection = Map<number, { pos: number; size: number }>;

function readCollection(file: H5File, address: number, what: string): Collection {
  const cached = file.globalHeaps.get(address);
  if (cached) return cached;
  file.spend(what);
  const head = file.at(address, 8 + file.lengthSize, `the global heap collection of ${what}`);
  head.signature('GCOL');
  const version = head.u8();
  if (version !== 1) fail(`hdf5: global heap collection version ${version} at ${address} (1 is read)`);
  head.skip(3);
  const size = head.length();
  const c = file.at(address, size, `the global heap collection of ${what}`);
  c.skip(8 + file.lengthSize);
  const objects: Collection = new Map();
  // each object: index, reference count, reserved, size, data padded to 8; index 0 is the free space that ends it
  while (c.left >= 8 + file.lengthSize) {
    const index = c.u16();
    c.skip(6);
    const objSize = c.length();
    if (index === 0) break;
    const pos = c.pos;
    c.skip(objSize);
    c.align(pos, 8);
    objects.set(index, { pos, size: objSize });
  }
  file.globalHeaps.set(address, objects);
  return objects;
}

/** The `length` bytes of object `index` of the collection at `address`. */
export function globalHeapObject(file: H5File, address: number, index: number, length: number, what: string): Uint8Array {
  const obj = readCollection(file, address, what).get(index);
  if (!obj) fail(`hdf5: ${what} refers to global heap object ${index} at ${address}, which does not exist (corrupt file)`);
  if (length > obj.size) fail(`hdf5: ${what} asks ${length} bytes of a ${obj.size}-byte global heap object (corrupt file)`);
  return file.u8.subarray(obj.pos, obj.pos + length);
}
