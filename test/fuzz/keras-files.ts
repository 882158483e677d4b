/**
 * Target keras-files: readZip, readHdf5 and readKerasFile on the fixtures
 * of test/fixtures/keras (zips from Python's zipfile, HDF5 from h5py in
 * libver "earliest" and "latest", Keras 3 and Keras 2 model files), each
 * damaged: bytes overwritten or xored, a run of bytes zeroed or set to
 * 0xff (an undefined address, a huge size), the file truncated, bytes
 * appended.
 *
 * Asserts: every call returns or throws a clear LstmWasmError (never
 * another exception, a hang or a huge allocation: the sandbox bounds time
 * and memory); an entry readZip returns is exactly what was zipped when
 * its name is the original's (the CRC-32 must catch changed data); every
 * dataset and every layer's weights reached are read to the end.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { readHdf5, type H5Group } from '../../src/io/hdf5/index.js';
import { readKerasFile } from '../../src/io/keras/file.js';
import { readZip } from '../../src/io/zip.js';
import { attempt, finding, REPO, type Target } from './common.js';

const FILES = [
  'variants.earliest.h5', 'variants.latest.h5', 'dense.latest.h5', 'autoencoder.h5', 'bidirectional.keras', 'lstm_dense.latest.keras',
  'lstm_dense.deflated.keras', 'deflate9.zip', 'fixed-huffman.zip', 'streamed.zip',
] as const;

type Edit =
  | { op: 'set' | 'xor'; at: number; value: number }
  | { op: 'fill'; at: number; length: number; value: 0 | 0xff }
  | { op: 'truncate'; at: number }
  | { op: 'append'; bytes: number };

interface KerasCase { file: (typeof FILES)[number]; edits: Edit[] }

const at = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const edit: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constantFrom('set' as const, 'xor' as const), at, value: fc.integer({ min: 1, max: 255 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('fill' as const), at, length: fc.integer({ min: 1, max: 8 }), value: fc.constantFrom(0 as const, 0xff as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate' as const), at }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('append' as const), bytes: fc.integer({ min: 1, max: 600 }) }) },
);
const arbitrary: fc.Arbitrary<KerasCase> = fc.record({ file: fc.constantFrom(...FILES), edits: fc.array(edit, { minLength: 1, maxLength: 4 }) });

const cache = new Map<string, Uint8Array>();
function fixture(name: string): Uint8Array {
  let bytes = cache.get(name);
  if (!bytes) cache.set(name, (bytes = new Uint8Array(readFileSync(`${REPO}/test/fixtures/keras/${name}`))));
  return bytes;
}

function apply(file: Uint8Array, e: Edit): Uint8Array {
  const i = Math.floor(('at' in e ? e.at : 0) * file.length);
  if (e.op === 'truncate') return file.slice(0, i);
  if (e.op === 'append') return Uint8Array.from([...file, ...new Array(e.bytes).fill(0x41)]);
  const out = file.slice();
  if (e.op === 'set') out[i] = e.value;
  else if (e.op === 'xor') out[i] ^= e.value;
  else out.fill(e.value, i, i + e.length);
  return out;
}

/** Reads every group, attribute and dataset below `group`. */
function walk(group: H5Group, depth: number): void {
  if (depth > 12) return;
  for (const name of group.names()) {
    const node = group.get(name);
    if (node?.kind === 'group') walk(node, depth + 1);
    else if (node) attempt(`read of dataset ${name}`, () => node.read());
  }
}

async function run(c: KerasCase): Promise<void> {
  const original = fixture(c.file);
  const bytes = c.edits.reduce(apply, original);
  if (c.file.endsWith('.zip')) {
    const r = attempt('readZip', () => readZip(bytes));
    if (!r.ok) return;
    const intact = readZip(original);
    for (const [name, data] of r.value) {
      const was = intact.get(name);
      if (was && Buffer.compare(Buffer.from(was), Buffer.from(data)) !== 0) finding('readZip returned changed data', `entry ${name} differs from what was zipped, yet passed its CRC-32`);
    }
  } else if (c.file.endsWith('.keras') || c.file === 'autoencoder.h5') {
    const r = attempt('readKerasFile', () => readKerasFile(bytes));
    if (!r.ok) return;
    const layers = (r.value.config as { config?: { layers?: Array<{ class_name?: string; config?: { name?: string } }> } })?.config?.layers;
    for (const layer of Array.isArray(layers) ? layers.slice(0, 16) : []) {
      attempt('weightsOf', () => r.value.weightsOf(String(layer?.config?.name), String(layer?.class_name)));
    }
  } else {
    const r = attempt('readHdf5', () => readHdf5(bytes));
    if (r.ok) attempt('walking the file', () => walk(r.value, 0));
  }
}

export const kerasFiles: Target<KerasCase> = { name: 'keras-files', arbitrary, run };
