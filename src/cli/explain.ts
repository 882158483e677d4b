/**
 * `lstm-wasm explain`: what the LSTM's gates did on a stretch of the
 * user's own data. The first LSTM layer runs over the window with its
 * gates recorded (`forward(x, { record: true })`), and each gate and the
 * cell state are drawn as a heatmap, units × time steps.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { init } from '../backend/registry.js';
import { forecaster } from '../forecast/forecaster.js';
import { gatePanels, recordGates } from '../forecast/charts.js';
import { heatmapPanels } from '../plot/heatmap.js';
import type { Tensor } from '../tensor.js';
import { cliFail, intOption, parse } from './args.js';
import { ensureDir, loadForecaster, loadSeries, saveForecaster, writeText } from './files.js';
import { backendOf } from './model-commands.js';

export const EXPLAIN_HELP = `lstm-wasm explain [--model out/model.json] [--csv PATH] [--column NAME|N] [--at LABEL|N] [--steps N] [--out DIR]

Draw the first LSTM layer's gates — input i, forget f, output o, the candidate g
— and its cell state c for every unit and step, as heatmaps in DIR/explain.svg
(default out). The model is the saved one (trained first with the defaults if
there is none). --at: the last point of the stretch (a label such as 1960-12,
or a 1-based index; default the last point); --steps: how many points to feed
(default the model's window).
`;

export async function explainCommand(argv: string[]): Promise<void> {
  const a = parse(argv, { model: { type: 'string' }, csv: { type: 'string' }, column: { type: 'string' }, 'date-column': { type: 'string' }, at: { type: 'string' }, steps: { type: 'string' }, out: { type: 'string' }, backend: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, 'explain');
  if (a.help) return void process.stdout.write(EXPLAIN_HELP);
  const series = loadSeries(a.csv as string | undefined, a.column as string | undefined, a['date-column'] as string | undefined);
  await init(backendOf(a.backend));
  const outDir = ensureDir((a.out as string | undefined) ?? 'out');
  const modelPath = (a.model as string | undefined) ?? join(outDir, 'model.json');
  if (!existsSync(modelPath) && a.model === undefined) {
    process.stdout.write(`No saved model at ${modelPath}: training one with the defaults first …\n`);
    const f = await forecaster(series.values);
    saveForecaster(outDir, f.model, f.recipe, series);
    f.dispose();
  }
  const { model, recipe } = loadForecaster(modelPath);
  try {
    const end = endIndex(a.at, series.labels);
    const steps = intOption(a.steps, 'steps', recipe.recipe.window);
    const { layer: lstm, labels, record: rec } = recordGates(model, recipe, series, end, steps);
    const svg = heatmapPanels({
      title: `What ${lstm.name}'s gates did on ${series.name}, ${labels[0]} … ${labels[labels.length - 1]}`,
      subtitle: `first LSTM layer, ${lstm.units} units, fed ${steps} points (${recipe.describe()}) from a zero state`,
      xLabel: 'time step (oldest → newest)', rowLabel: 'unit', x: labels,
      panels: gatePanels(rec, lstm.units),
    });
    const path = join(outDir, 'explain.svg');
    writeText(path, svg);
    const mean = (t: Tensor, s: number) => t.data.subarray(s * lstm.units, (s + 1) * lstm.units).reduce((p, v) => p + v, 0) / lstm.units;
    const kept = (s: number) => rec.forget.data.subarray(s * lstm.units, (s + 1) * lstm.units).filter((v) => v > 0.9).length;
    process.stdout.write(`${lstm.name}: ${lstm.units} units over ${steps} steps, ${labels[0]} … ${labels[labels.length - 1]}\n`);
    process.stdout.write('  step          mean f  mean i  mean o  units keeping their memory (f > 0.9)\n');
    for (let s = 0; s < steps; s++) {
      process.stdout.write(`  ${labels[s].padEnd(12)}  ${mean(rec.forget, s).toFixed(2)}    ${mean(rec.input, s).toFixed(2)}    ${mean(rec.output, s).toFixed(2)}    ${kept(s)}/${lstm.units}\n`);
    }
    process.stdout.write(`Wrote ${path}\n`);
  } finally {
    model.dispose();
  }
}

/** --at as a label of the series or a 1-based index; default the last point. */
function endIndex(at: string | boolean | undefined, labels: string[]): number {
  if (at === undefined) return labels.length - 1;
  const byLabel = labels.indexOf(String(at));
  if (byLabel >= 0) return byLabel;
  const n = Number(at);
  if (Number.isInteger(n) && n >= 1 && n <= labels.length) return n - 1;
  cliFail(`--at ${JSON.stringify(at)} is neither a label of the series (${labels[0]} … ${labels[labels.length - 1]}) nor a position 1 … ${labels.length}`);
}
