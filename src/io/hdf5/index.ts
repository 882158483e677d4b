/**
 * A reader of the HDF5 subset h5py writes for Keras: groups old and new,
 * datasets (compact, contiguous, chunked with deflate and shuffle), float,
 * integer and string datatypes, and attributes.
 *
 *   const root = readHdf5(bytes);
 *   const kernel = root.get('layers/dense/vars/0');   // an H5Dataset
 *   kernel.shape, kernel.read()                       // [4, 1], Float32Array
 *
 * Objects are read lazily, when first reached; every offset and size is
 * checked against the file first. What is not read (resizable datasets,
 * other filters, big-endian data, compound types, very large dense
 * groups…) is an LstmWasmError that says so.
 */
import { fail, show } from '../../errors.js';
import { Cursor, H5File, UNDEFINED } from './file.js';
import { utf8 } from '../text.js';
import { countOf, decode, elementSize, readDatatype, readDataspace, type H5Type } from './datatype.js';
import { readFilters, type Filter } from './filters.js';
import { readLayout, readRaw, type Layout } from './layout.js';
import { readLinks, type Link } from './links.js';
import { body, MSG, readObjectHeader, type Message, type ObjectHeader } from './object-header.js';
import { readSuperblock } from './superblock.js';
import { denseObjects } from './dense.js';

/** An attribute's value: a scalar, an array (of any rank, flattened), or null for an empty (null-dataspace) one. */
export type H5Value = string | number | string[] | number[] | null;

export type H5DType = 'float16' | 'float32' | 'float64' | `int${8 | 16 | 32 | 64}` | `uint${8 | 16 | 32 | 64}` | 'string';

export interface H5Group {
  readonly kind: 'group';
  /** The group's attributes, by name (a null-prototype record). */
  readonly attrs: Record<string, H5Value>;
  /** The member at a '/'-separated path below this group, or undefined when there is none. */
  get(path: string): H5Group | H5Dataset | undefined;
  /** The names of the group's members, sorted by name (h5py's order). */
  names(): string[];
}

export interface H5Dataset {
  readonly kind: 'dataset';
  readonly shape: number[];
  readonly dtype: H5DType;
  readonly attrs: Record<string, H5Value>;
  /** The data, row-major: floats as a Float32Array (float64 only when exactly float32), integers as numbers, strings as strings. */
  read(): Float32Array | number[] | string[];
}

/** Longest path `get` follows, in members: deeper than any Keras file, shallow enough that no crafted path costs much. */
const MAX_PATH_DEPTH = 64;

/** Reads the structure of an HDF5 file; objects below the root are read when first reached. */
export function readHdf5(bytes: Uint8Array): H5Group {
  if (!(bytes instanceof Uint8Array)) fail('readHdf5: expects a Uint8Array');
  const file = new H5File(bytes);
  const root = readSuperblock(file);
  const node = objectAt(file, root, '/');
  if (node.kind !== 'group') fail('hdf5: the root object is not a group (corrupt file)');
  return node;
}

function dtypeName(t: H5Type): H5DType {
  if (t.kind === 'float') return `float${(t.size * 8) as 16 | 32 | 64}`;
  if (t.kind === 'int') return `${t.signed ? '' : 'u'}int${(t.size * 8) as 8 | 16 | 32 | 64}` as H5DType;
  return 'string';
}

function objectAt(file: H5File, address: number, path: string): H5Group | H5Dataset {
  const header = readObjectHeader(file, address, show(path));
  const attrs = readAttributes(file, header, path);
  const layoutMessage = header.messages.find((m) => m.type === MSG.LAYOUT);
  return layoutMessage ? dataset(file, header, layoutMessage, attrs, path) : new Group(file, header, attrs, path);
}

/** A group: its members are read when first asked for. */
class Group implements H5Group {
  readonly kind = 'group';
  private links: Map<string, Link> | undefined;

  constructor(private readonly file: H5File, private readonly header: ObjectHeader, readonly attrs: Record<string, H5Value>, private readonly path: string) {}

  /** The members, read on first use. */
  private linksOf(): Map<string, Link> {
    return (this.links ??= readLinks(this.file, this.header, show(this.path)));
  }

  // in name order, as h5py lists them (dense storage keeps them in hash order, header messages in creation order)
  names(): string[] {
    return [...this.linksOf().keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  get(sub: string): H5Group | H5Dataset | undefined {
    const parts = sub.split('/').filter((p) => p !== '' && p !== '.');
    if (parts.length > MAX_PATH_DEPTH) fail(`hdf5: path ${show(sub)} is deeper than ${MAX_PATH_DEPTH} members`);
    let node: H5Group | H5Dataset = this;
    let at = this.path;
    for (const part of parts) {
      if (!(node instanceof Group)) return undefined;
      const link = node.linksOf().get(part);
      at = at === '/' ? `/${part}` : `${at}/${part}`;
      if (link === undefined) return undefined;
      if (typeof link !== 'number') fail(`hdf5: ${show(at)} is a soft link to ${show(link.soft)}, which is not followed`);
      node = objectAt(this.file, link, at);
    }
    return node;
  }
}

function dataset(file: H5File, header: ObjectHeader, layoutMessage: Message, attrs: Record<string, H5Value>, path: string): H5Dataset {
  const where = `dataset ${show(path)}`;
  const typeMessage = header.messages.find((m) => m.type === MSG.DATATYPE);
  const spaceMessage = header.messages.find((m) => m.type === MSG.DATASPACE);
  if (!typeMessage || !spaceMessage) fail(`hdf5: ${where} has no ${typeMessage ? 'dataspace' : 'datatype'} message (corrupt file)`);
  if (header.messages.some((m) => m.type === MSG.EXTERNAL_FILES)) fail(`hdf5: ${where} keeps its data in external files, which are not read`);
  const type = readDatatype(body(file, typeMessage, `the datatype of ${where}`));
  const shape = readDataspace(body(file, spaceMessage, `the dataspace of ${where}`)) ?? [0];
  const count = countOf(shape, where);
  const layout: Layout = readLayout(body(file, layoutMessage, `the data layout of ${where}`), shape.length);
  const filterMessage = header.messages.find((m) => m.type === MSG.FILTERS);
  const filters: Filter[] = filterMessage ? readFilters(body(file, filterMessage, `the filters of ${where}`)) : [];
  return {
    kind: 'dataset',
    shape,
    dtype: dtypeName(type),
    attrs,
    read: () => decode(file, type, readRaw(file, layout, shape, elementSize(file, type), filters, where), count, where),
  };
}

function readAttributes(file: H5File, header: ObjectHeader, path: string): Record<string, H5Value> {
  const attrs: Record<string, H5Value> = Object.create(null);
  const add = ({ name, value }: { name: string; value: H5Value }): void => {
    if (Object.prototype.hasOwnProperty.call(attrs, name)) fail(`hdf5: ${show(path)} has two attributes named ${show(name)} (corrupt file)`);
    attrs[name] = value;
  };
  for (const m of header.messages) {
    if (m.type === MSG.ATTRIBUTE_INFO) {
      const c = body(file, m, `the attribute info of ${show(path)}`);
      c.u8();
      const flags = c.u8();
      if (flags & 0x01) c.skip(2);
      const fractalHeap = c.offset();
      const nameIndex = c.offset();
      // more than 8 attributes, or a large one (libver "latest"): attribute messages in a fractal heap, indexed by a B-tree whose records start with the heap ID
      if (fractalHeap !== UNDEFINED) {
        for (const attribute of denseObjects(file, fractalHeap, nameIndex, 0, `the attributes of ${show(path)}`)) add(readAttribute(file, attribute));
      }
    } else if (m.type === MSG.ATTRIBUTE) {
      add(readAttribute(file, body(file, m, `an attribute of ${show(path)}`)));
    }
  }
  return attrs;
}


function readAttribute(file: H5File, c: Cursor): { name: string; value: H5Value } {
  const version = c.u8();
  if (version < 1 || version > 3) fail(`hdf5: ${c.what}: attribute message version ${version} (1 to 3 are read)`);
  const flags = c.u8();
  if (version > 1 && flags & 0x03) fail(`hdf5: ${c.what}: a shared datatype or dataspace (not read)`);
  const nameSize = c.u16();
  const typeSize = c.u16();
  const spaceSize = c.u16();
  if (version === 3) c.u8(); // the name's character set
  // version 1 pads each part to a multiple of 8 bytes
  const padded = (n: number): number => (version === 1 ? Math.ceil(n / 8) * 8 : n);
  const nameBytes = c.bytes(padded(nameSize)).subarray(0, nameSize);
  const nul = nameBytes.indexOf(0);
  const name = utf8(nul >= 0 ? nameBytes.subarray(0, nul) : nameBytes);
  const what = `attribute ${show(name)} (${c.what})`;
  const type = readDatatype(c.sub(padded(typeSize), `the datatype of ${what}`));
  const shape = readDataspace(c.sub(padded(spaceSize), `the dataspace of ${what}`));
  if (shape === null) return { name, value: null };
  const count = countOf(shape, what);
  const size = elementSize(file, type);
  // attributes are settings, not weights: their floats stay exact numbers
  const list = decode(file, type, c.bytes(count * size), count, what, true) as number[] | string[];
  return { name, value: shape.length === 0 ? list[0] : list };
}

