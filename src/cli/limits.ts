/**
 * The CLI's limits: every option that sizes work or memory, and every file
 * it reads, has an upper bound checked before any work is done, so that no
 * option or file can make it hang or run out of memory. Each is named in
 * the commands' --help.
 */
import { MAX_HORIZON } from '../forecast/forecaster.js';

const MiB = 1024 * 1024;

export const LIMITS = {
  /** Points to forecast beyond the data (the library's own limit on recursive forecasts). */
  horizon: MAX_HORIZON,
  epochs: 100_000,
  /** LSTM layers in --layers. */
  layers: 8,
  /** Units of one LSTM layer: 8 layers of 1,024 are 63 M parameters, about 250 MB of weights. */
  units: 1024,
  window: 1000,
  period: 10_000,
  batchSize: 4096,
  /** Largest seed: seed × 1000 + layer must stay below 2³² to give every seed its own initial weights. */
  seed: 1_000_000,
  /** Steps of `explain`'s heatmaps: more makes an SVG of hundreds of MB. */
  steps: 1000,
  /** Data rows of a CSV (non-blank lines after the header), counted before parsing: 1,000,000 rows parse in ~0.5 GB. */
  points: 1_000_000,
  /** Model inputs of one pass over the series, points × window (80 MB as float32). */
  windowValues: 20_000_000,
  /** A CSV file's size, checked with stat before reading: parsing takes up to ~7× the file's size in memory. */
  csvBytes: 64 * MiB,
  /** model.json: a forecaster's is about 1 KB. */
  modelJsonBytes: 1 * MiB,
  /** model.safetensors: the largest model the limits above allow is about 250 MB. */
  weightsBytes: 512 * MiB,
} as const;

/** "64 MiB", "1,000,000": a limit as --help and error messages show it. */
export function showBytes(bytes: number): string {
  return bytes >= MiB ? `${bytes / MiB} MiB` : `${bytes / 1024} KiB`;
}

export function showCount(n: number): string {
  return n.toLocaleString('en-US');
}
