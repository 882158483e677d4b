#!/usr/bin/env node
/**
 * The `lstm-wasm` command: forecast (the main job), predict, summary,
 * explain, convert. Errors a user can fix print as one line and exit 1.
 */
import { LstmWasmError } from './errors.js';
import { convertCommand } from './cli/convert.js';
import { explainCommand } from './cli/explain.js';
import { forecastCommand } from './cli/forecast.js';
import { predictCommand, summaryCommand } from './cli/model-commands.js';

// a Map, not an object literal: "constructor" or "__proto__" typed as a command must not find Object's own members
const COMMANDS = new Map<string, (argv: string[]) => Promise<void>>([
  ['forecast', forecastCommand],
  ['predict', predictCommand],
  ['summary', summaryCommand],
  ['explain', explainCommand],
  ['convert', convertCommand],
]);

const USAGE = `lstm-wasm — LSTM forecasting in WebAssembly

  lstm-wasm forecast [options]   train on a series (default: airline passengers), test against baselines, plot, forecast
  lstm-wasm predict [options]    a saved model on a series: one-step predictions and the next points;
                                 or any model (ONNX, Keras, TF.js, lstm-wasm) on a tensor (--input)
  lstm-wasm summary [options]    what a model is, in any of those formats
  lstm-wasm explain [options]    heatmaps of the LSTM's gates over a stretch of the series
  lstm-wasm convert IN OUT       a model from one format to another (.onnx, .keras/.h5 in, TF.js, lstm-wasm)

lstm-wasm COMMAND --help for a command's options.
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const run = COMMANDS.get(command);
  if (!run) {
    process.stderr.write(`lstm-wasm: unknown command ${JSON.stringify(command)}; use forecast, predict, summary, explain or convert (lstm-wasm --help)\n`);
    return 1;
  }
  await run(rest);
  return 0;
}

/**
 * A reader that goes away (`lstm-wasm predict --json | head`) makes writes to
 * stdout fail with EPIPE, which Node raises as an unhandled 'error' event, a
 * crash with a stack trace. Nobody is reading any more, so the output is
 * dropped and the command finishes its work (the files it writes).
 */
function handleOutputErrors(stream: NodeJS.WriteStream, name: string): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') return;
    // e.g. stdout redirected to a full disk: the output is incomplete, so the run failed
    process.exitCode = 1;
    if (stream !== process.stderr) process.stderr.write(`lstm-wasm: cannot write to ${name}: ${e.message}\n`);
  });
}

handleOutputErrors(process.stdout, 'the standard output');
handleOutputErrors(process.stderr, 'the standard error');

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = process.exitCode || code; },
  (e: unknown) => {
    if (e instanceof LstmWasmError) process.stderr.write(`${e.message}\n`);
    else process.stderr.write(`lstm-wasm: unexpected error: ${(e as Error)?.message ?? e} (this is a bug; LSTM_WASM_DEBUG=1 shows the stack)\n${process.env.LSTM_WASM_DEBUG ? (e as Error)?.stack + '\n' : ''}`);
    process.exitCode = 1;
  },
);
