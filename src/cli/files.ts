/**
 * What the CLI reads and writes: the series (a user's CSV or the embedded
 * airline series), the output folder, and a saved forecaster (the model's
 * JSON and safetensors plus the fitted recipe).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FittedRecipe } from '../forecast/recipe.js';
import type { ModelJSON } from '../io/model-file.js';
import { Sequential } from '../model/sequential.js';
import { parseCsvSeries } from '../timeseries/csv.js';
import { cliFail } from './args.js';

export interface LoadedSeries {
  values: number[];
  /** A label per point (dates from the CSV, else 1, 2, …). */
  labels: string[];
  /** The value column's name, used as the unit on plots. */
  name: string;
  /** Where it came from, for reports. */
  source: string;
}

/** The airline series shipped inside the package. */
export const EMBEDDED_CSV = fileURLToPath(new URL('../../data/international-airline-passengers.csv', import.meta.url));

export function loadSeries(path: string | undefined, column?: string, dateColumn?: string): LoadedSeries {
  const file = path ?? EMBEDDED_CSV;
  if (!existsSync(file)) cliFail(`no such file: ${file}; give the path of a CSV file with --csv`);
  const text = readFileSync(file, 'utf8');
  const asIndex = (c?: string) => (c !== undefined && /^\d+$/.test(c) ? Number(c) : c);
  const s = parseCsvSeries(text, { column: asIndex(column), dateColumn: asIndex(dateColumn), source: basename(file) });
  return { values: s.values, labels: s.dates ?? s.values.map((_, i) => String(i + 1)), name: s.name, source: path ? file : `${basename(file)} (embedded)` };
}

export function ensureDir(dir: string): string {
  const abs = resolve(dir);
  try {
    mkdirSync(abs, { recursive: true });
  } catch (e) {
    cliFail(`cannot create the output folder ${abs}: ${(e as Error).message}; choose another with --out`);
  }
  return abs;
}

export function writeText(path: string, text: string | Uint8Array): void {
  try {
    writeFileSync(path, text);
  } catch (e) {
    cliFail(`cannot write ${path}: ${(e as Error).message}`);
  }
}

/** The JSON half of a saved forecaster (model.json); the weights sit beside it in model.safetensors. */
export interface SavedForecaster {
  format: 'lstm-wasm-forecaster';
  version: 1;
  model: ModelJSON;
  recipe: ReturnType<FittedRecipe['toJSON']>;
  series: { name: string; source: string; points: number; lastLabel: string };
}

export function saveForecaster(dir: string, model: Sequential, recipe: FittedRecipe, series: LoadedSeries): { json: string; weights: string } {
  const { json, weights } = model.save();
  const saved: SavedForecaster = {
    format: 'lstm-wasm-forecaster', version: 1, model: json, recipe: recipe.toJSON(),
    series: { name: series.name, source: series.source, points: series.values.length, lastLabel: series.labels[series.labels.length - 1] },
  };
  const paths = { json: join(dir, 'model.json'), weights: join(dir, 'model.safetensors') };
  writeText(paths.json, JSON.stringify(saved, null, 1) + '\n');
  writeText(paths.weights, weights);
  return paths;
}

export function loadForecaster(path: string): { model: Sequential; recipe: FittedRecipe; saved: SavedForecaster } {
  if (!existsSync(path)) cliFail(`no saved model at ${path}; train one with \`lstm-wasm forecast\` (it writes out/model.json) or pass --model`);
  let saved: SavedForecaster;
  try {
    saved = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    cliFail(`${path} is not valid JSON; pass the model.json written by \`lstm-wasm forecast\``);
  }
  if (saved?.format !== 'lstm-wasm-forecaster') cliFail(`${path} is not a saved lstm-wasm forecaster (no "format": "lstm-wasm-forecaster")`);
  const weightsPath = join(dirname(path), 'model.safetensors');
  if (!existsSync(weightsPath)) cliFail(`the weights file ${weightsPath} is missing (it is written next to model.json)`);
  const model = Sequential.load(saved.model, new Uint8Array(readFileSync(weightsPath)));
  return { model, recipe: FittedRecipe.fromJSON(saved.recipe), saved };
}
