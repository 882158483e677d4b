/**
 * `lstm-wasm explain`: what the LSTM's gates did on a stretch of the
 * user's own data. The first LSTM layer runs over the window with its
 * gates recorded (`forward(x, { record: true })`), and each gate and the
 * cell state are drawn as a heatmap, units × time steps.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { init } from '../backend/registry.js';
import { DEFAULT_RECIPE } from '../forecast/recipe.js';
import { forecaster } from '../forecast/forecaster.js';
import { gatePanels, recordGates } from '../forecast/charts.js';
import { heatmapPanels } from '../plot/heatmap.js';
import type { Tensor } from '../tensor.js';
import { backendOption, cliFail, intOption, parse, textOption } from './args.js';
import { writeFilesAtomically } from './atomic-write.js';
import { checkOutputFolder, loadSeries, type LoadedSeries } from './files.js';
import { checkWindowValues } from './forecast.js';
import { LIMITS, showCount } from './limits.js';
import { checkSeriesFitsRecipe, loadSavedModel } from './model-commands.js';
import { printable, printWarnings } from './output.js';
import { MODEL_FILE } from '../forecast/saved.js';
import { forecasterFiles } from './saved-model.js';

const EXPLAIN_HELP = `lstm-wasm explain [--model out/model.json] [--csv PATH] [--column NAME|N] [--at LABEL|N] [--steps N] [--out DIR]

Draw the first LSTM layer's gates — input i, forget f, output o, the candidate g
— and its cell state c for every unit and step, as heatmaps in DIR/explain.svg
(default out; the file is replaced atomically). The model is the saved one
(trained first with the defaults if there is none). --at: the last point of the
stretch (a label such as 1960-12, or a 1-based index; default the last point);
--steps: how many points to feed, 1 … ${showCount(LIMITS.steps)} (default the model's window).
The CSV and the saved model are checked as by forecast and summary (--help).
`;

export async function explainCommand(argv: string[]): Promise<void> {
  const a = parse(argv, { model: { type: 'string' }, csv: { type: 'string' }, column: { type: 'string' }, 'date-column': { type: 'string' }, at: { type: 'string' }, steps: { type: 'string' }, out: { type: 'string' }, backend: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, 'explain');
  if (a.help) return void process.stdout.write(EXPLAIN_HELP);
  const modelOption = textOption(a.model, 'model');
  const at = textOption(a.at, 'at');
  const stepsOption = a.steps === undefined ? undefined : intOption(a.steps, 'steps', 0, { min: 1, max: LIMITS.steps });
  const backendChoice = backendOption(a.backend);
  const series = loadSeries(textOption(a.csv, 'csv'), textOption(a.column, 'column'), textOption(a['date-column'], 'date-column'));
  const end = endIndex(at, series.labels);
  const outDir = checkOutputFolder(textOption(a.out, 'out') ?? 'out');
  await init(backendChoice);
  const modelPath = modelOption ?? join(outDir, MODEL_FILE);
  if (modelOption === undefined && !existsSync(modelPath)) await trainDefaultModel(series, outDir);
  const { model, recipe } = await loadSavedModel(modelPath);
  try {
    checkSeriesFitsRecipe(series, recipe);
    const steps = stepsOption ?? recipe.recipe.window;
    const { layer: lstm, labels, record: rec } = recordGates(model, recipe, series, end, steps);
    const shown = labels.map(printable);
    const svg = heatmapPanels({
      title: `What ${lstm.name}'s gates did on ${series.name}, ${labels[0]} … ${labels[labels.length - 1]}`,
      subtitle: `first LSTM layer, ${lstm.units} units, fed ${steps} points (${recipe.describe()}) from a zero state`,
      xLabel: 'time step (oldest → newest)', rowLabel: 'unit', x: labels,
      panels: gatePanels(rec, lstm.units),
    });
    const [path] = writeFilesAtomically(outDir, [{ name: 'explain.svg', data: svg }]);
    const mean = (t: Tensor, s: number) => t.data.subarray(s * lstm.units, (s + 1) * lstm.units).reduce((p, v) => p + v, 0) / lstm.units;
    const kept = (s: number) => rec.forget.data.subarray(s * lstm.units, (s + 1) * lstm.units).filter((v) => v > 0.9).length;
    process.stdout.write(`${lstm.name}: ${lstm.units} units over ${steps} steps, ${shown[0]} … ${shown[shown.length - 1]}\n`);
    process.stdout.write('  step          mean f  mean i  mean o  units keeping their memory (f > 0.9)\n');
    for (let s = 0; s < steps; s++) {
      process.stdout.write(`  ${shown[s].padEnd(12)}  ${mean(rec.forget, s).toFixed(2)}    ${mean(rec.input, s).toFixed(2)}    ${mean(rec.output, s).toFixed(2)}    ${kept(s)}/${lstm.units}\n`);
    }
    process.stdout.write(`Wrote ${path}\n`);
  } finally {
    model.dispose();
  }
}

/** No saved model yet: train one with forecast's defaults and save it (atomically, as forecast does). */
async function trainDefaultModel(series: LoadedSeries, outDir: string): Promise<void> {
  checkWindowValues(series.values.length, DEFAULT_RECIPE.window);
  process.stdout.write(`No saved model at ${join(outDir, MODEL_FILE)}: training one with the defaults first …\n`);
  const f = await forecaster(series.values);
  try {
    printWarnings(f.warnings);
    const info = { name: series.name, source: series.source, points: series.values.length, lastLabel: series.labels[series.labels.length - 1] };
    writeFilesAtomically(outDir, await forecasterFiles(f.model, f.recipe, info));
  } finally {
    f.dispose();
  }
}

/** --at as a label of the series or a 1-based index (digits only); default the last point. */
function endIndex(at: string | undefined, labels: string[]): number {
  if (at === undefined) return labels.length - 1;
  const byLabel = labels.indexOf(at);
  if (byLabel >= 0) return byLabel;
  const position = /^\d+$/.test(at) ? Number(at) : Number.NaN;
  if (position >= 1 && position <= labels.length) return position - 1;
  cliFail(`--at ${JSON.stringify(at)} is neither a label of the series (${printable(labels[0])} … ${printable(labels[labels.length - 1])}) nor a position 1 … ${labels.length}`);
}
