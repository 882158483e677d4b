/**
 * A TF.js weights manifest ([{ paths, weights: [{ name, shape, dtype,
 * quantization? }] }]) read against the bytes given: the shards are
 * concatenated in manifest order (as tf.io does), every entry's size is
 * checked against them before anything is allocated, and quantized entries
 * (uint8 / uint16 with scale and min, float16) are dequantized to float32.
 */
import { fail, show } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { isRecord } from '../keras/model-config.js';
import { halfToFloat } from '../half.js';

export type WeightBytes = ArrayBuffer | Uint8Array | (ArrayBuffer | Uint8Array)[];

/** Bounds on what a manifest may declare: loops over it stop there. */
const MAX_GROUPS = 4096, MAX_ENTRIES = 65536, MAX_RANK = 8;

interface Entry {
  name: string;
  shape: number[];
  /** 'float32', or the quantized form's. */
  stored: 'float32' | 'uint8' | 'uint16' | 'float16';
  scale: number;
  min: number;
  bytes: number;
}

const BYTES = { float32: 4, uint8: 1, uint16: 2, float16: 2 } as const;

/** Every weight of the manifest, by its name, in manifest order. */
export function readManifest(manifest: unknown, weights: WeightBytes, where: string): { name: string; tensor: Tensor }[] {
  if (!Array.isArray(manifest)) fail(`${where}: weightsManifest must be a list of { paths, weights }, got ${show(manifest)}`);
  if (manifest.length > MAX_GROUPS) fail(`${where}: weightsManifest has ${manifest.length} groups; at most ${MAX_GROUPS} are read`);
  const entries: Entry[] = [];
  let paths = 0;
  manifest.forEach((g, gi) => {
    const at = `${where}: weightsManifest[${gi}]`;
    if (!isRecord(g) || !Array.isArray(g.paths) || !Array.isArray(g.weights)) fail(`${at} must be { paths: [...], weights: [...] }, got ${show(g)}`);
    if (!g.paths.every((p) => typeof p === 'string')) fail(`${at}.paths must be file names`);
    paths += g.paths.length;
    if (entries.length + g.weights.length > MAX_ENTRIES) fail(`${where}: the manifest lists more than ${MAX_ENTRIES} weights`);
    g.weights.forEach((w, wi) => entries.push(entryOf(w, `${at}.weights[${wi}]`)));
  });
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.name)) fail(`${where}: weight ${show(e.name)} is listed twice in the manifest`);
    seen.add(e.name);
  }
  const bytes = concatShards(weights, paths, entries.reduce((n, e) => n + e.bytes, 0), where);
  let offset = 0;
  return entries.map((e) => {
    const tensor = { shape: e.shape, data: decode(bytes, offset, e) };
    offset += e.bytes;
    return { name: e.name, tensor };
  });
}

function entryOf(w: unknown, at: string): Entry {
  if (!isRecord(w) || typeof w.name !== 'string' || w.name.length === 0) fail(`${at} must be { name, shape, dtype }, got ${show(w)}`);
  const where = `${at} ${show(w.name)}`;
  if (!Array.isArray(w.shape) || w.shape.length > MAX_RANK || !w.shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0 && d <= 2 ** 31)) {
    fail(`${where}: shape ${show(w.shape)} is not a list of at most ${MAX_RANK} whole numbers`);
  }
  const shape = w.shape as number[];
  const size = shape.reduce((a, d) => a * d, 1); // ≤ 2^248 in a double, compared with the bytes given before use
  if (w.dtype !== 'float32') fail(`${where}: dtype ${show(w.dtype)} is not supported; lstm-wasm's layers take float32 weights`);
  let stored: Entry['stored'] = 'float32', scale = 1, min = 0;
  if (w.quantization !== undefined && w.quantization !== null) {
    const q = w.quantization;
    if (!isRecord(q) || !['uint8', 'uint16', 'float16'].includes(q.dtype as string)) fail(`${where}: quantization ${show(q)} is not uint8, uint16 or float16`);
    stored = q.dtype as Entry['stored'];
    if (stored !== 'float16') {
      if (typeof q.scale !== 'number' || !Number.isFinite(q.scale) || typeof q.min !== 'number' || !Number.isFinite(q.min)) fail(`${where}: ${stored} quantization needs finite scale and min, got ${show(q)}`);
      scale = q.scale;
      min = q.min;
    }
  }
  return { name: w.name, shape, stored, scale, min, bytes: size * BYTES[stored] };
}

/** The shards as one byte array, after checking their count and total size against the manifest. */
function concatShards(weights: WeightBytes, paths: number, needed: number, where: string): Uint8Array {
  const list = Array.isArray(weights) ? weights : [weights];
  if (list.length > MAX_GROUPS * 64) fail(`${where}: ${list.length} weight buffers given; at most ${MAX_GROUPS * 64} are read`);
  const parts = list.map((b, i) => {
    if (b instanceof Uint8Array) return b;
    if (b instanceof ArrayBuffer) return new Uint8Array(b);
    return fail(`${where}: weights[${i}] must be an ArrayBuffer or a Uint8Array, got ${show(b)}`);
  });
  if (Array.isArray(weights) && parts.length !== paths && parts.length !== 1) {
    fail(`${where}: ${parts.length} weight shards given but the manifest lists ${paths} (pass them in manifest order, or all of them as one buffer)`);
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  if (total !== needed) {
    fail(`${where}: the weights are ${total} bytes but the manifest declares ${needed}${total < needed ? ' (a shard missing or cut short?)' : ' (a shard too many, or from another model?)'}`);
  }
  if (parts.length === 1) return parts[0];
  const all = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
}

function decode(bytes: Uint8Array, offset: number, e: Entry): Float32Array {
  const n = e.bytes / BYTES[e.stored];
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, e.bytes);
  const out = new Float32Array(n);
  switch (e.stored) {
    case 'float32':
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, true);
      break;
    case 'uint8':
      for (let i = 0; i < n; i++) out[i] = view.getUint8(i) * e.scale + e.min;
      break;
    case 'uint16':
      for (let i = 0; i < n; i++) out[i] = view.getUint16(2 * i, true) * e.scale + e.min;
      break;
    case 'float16':
      for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
      break;
  }
  return out;
}

