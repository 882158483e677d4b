/**
 * `lstm-wasm convert IN OUT`: a model from one format to another. The
 * output is checked before the model is read, and the new files are made in
 * memory before any is written, so that a failure anywhere leaves OUT as it
 * was (see model-output.ts for the writing, model-formats.ts for the reading).
 */
import { init } from '../backend/registry.js';
import { LstmWasmError } from '../errors.js';
import type { Sequential } from '../model/sequential.js';
import { backendOption, choiceOption, CliError, cliFail, parseWithPositionals } from './args.js';
import { writeFilesAtomically } from './atomic-write.js';
import { LIMITS, showBytes, showCount } from './limits.js';
import { FORMAT_NAMES, readModel, type ModelOnDisk } from './model-formats.js';
import { checkOutput, modelFiles, OUT_FORMATS, planOutput, type OutFormat, type OutputPlan } from './model-output.js';
import { printable, printWarnings } from './output.js';

const HELP = `lstm-wasm convert IN OUT [--to onnx|tfjs|lstm-wasm] [--backend wasm-simd|wasm|js] [--json]

Convert a model from one format to another; the outputs are the same to
float precision, the weights bit for bit.

IN, by its extension or, for .json, by what it holds:
  MODEL.onnx              ONNX (what torch.onnx.export writes; ONNX LSTM / GRU / RNN nodes)
  MODEL.keras, MODEL.h5   Keras 3 / Keras 2 model.save()
  model.json              a TF.js layers model (its weight files beside it, as its manifest names them),
                          an lstm-wasm model (X.json with X.safetensors beside it),
                          or a forecaster saved by \`lstm-wasm forecast\` (its network is converted)
  FOLDER                  the model.json in it
OUT, by its extension, unless --to says otherwise:
  MODEL.onnx              ONNX (opset 14)
  MODEL.json              lstm-wasm: MODEL.json + MODEL.safetensors;
                          with --to tfjs, TF.js: MODEL.json + MODEL.weights.bin
  FOLDER (ends in /, has no extension, or exists)
                          model.json + model.safetensors (tfjs: model.json + model.weights.bin; onnx: model.onnx)
  .keras and .h5 are read, not written.

Limits: a .onnx, .keras or .h5 file and a TF.js model's weight files at most
${showBytes(LIMITS.modelFileBytes)}, model.json at most ${showBytes(LIMITS.modelJsonBytes)}, at most ${showCount(LIMITS.shards)} weight files.
Every file is written to a temporary file first; none replaces an old one
until all are complete, so a failure leaves OUT as it was.
`;

export async function convertCommand(argv: string[]): Promise<void> {
  const { values: a, positionals } = parseWithPositionals(argv, {
    to: { type: 'string' }, backend: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
  }, 'convert', ['IN', 'OUT']);
  if (a.help) return void process.stdout.write(HELP);
  const [input, out] = positionals;
  for (const [name, v] of [['IN', input], ['OUT', out]]) if (v.trim() === '') cliFail(`${name} is ${v === '' ? 'empty' : 'blank'}; give a path (see \`lstm-wasm convert --help\`)`);
  const to = choiceOption(a.to, 'to', OUT_FORMATS, undefined as unknown as OutFormat) as OutFormat | undefined;
  const plan = planOutput(out, to);
  checkOutput(plan);
  await init(backendOption(a.backend));
  const read = await readModel(input, { hint: 'give a .onnx, .keras or .h5 file, a model.json or a folder holding one as IN' });
  try {
    if (read.forecaster) printWarnings(read.forecaster.warnings);
    const files = filesOf(read.model, plan, out);
    const written = writeFilesAtomically(plan.dir, files);
    report(input, read, plan, written, Boolean(a.json));
  } finally {
    read.model.dispose();
  }
}

/** The output files made in memory; a model the format cannot hold is named with the format, before anything is written. */
function filesOf(model: Sequential, plan: OutputPlan, out: string): ReturnType<typeof modelFiles> {
  try {
    return modelFiles(model, plan);
  } catch (e) {
    if (e instanceof LstmWasmError && !(e instanceof CliError)) cliFail(`cannot write ${out} as ${plan.format}: ${e.message.replace(/^lstm-wasm: /, '')}; nothing was written`);
    throw e;
  }
}

function report(input: string, read: ModelOnDisk, plan: OutputPlan, written: string[], json: boolean): void {
  const m = read.model;
  const layers = m.layers.map((l) => ({ name: l.name, className: l.className, parameters: l.countParams() }));
  if (json) {
    process.stdout.write(JSON.stringify({
      read: { path: input, format: read.format, files: read.files, layers, parameters: m.countParams() },
      wrote: { format: plan.format, files: written },
    }, null, 1) + '\n');
    return;
  }
  const layerList = layers.map((l) => `${printable(l.name)} (${l.className})`).join(' → ');
  process.stdout.write(`Read ${printable(read.files.join(', '))}: ${FORMAT_NAMES[read.format]}, ${layers.length} layer${layers.length === 1 ? '' : 's'} (${layerList}), ${showCount(m.countParams())} parameters\n`);
  if (read.forecaster) process.stdout.write(`  (a forecaster: its network is converted; its recipe and series stay in ${printable(input)})\n`);
  process.stdout.write(`Wrote ${printable(written.join(', '))}: ${plan.format === 'lstm-wasm' ? 'lstm-wasm model' : plan.format === 'tfjs' ? 'TF.js layers model' : 'ONNX'}\n`);
}
