#!/usr/bin/env node
/**
 * The `lstm-wasm` command: forecast (the main job), predict, summary,
 * explain. Errors a user can fix print as one line and exit 1.
 */
import { LstmWasmError } from './errors.js';
import { explainCommand, EXPLAIN_HELP } from './cli/explain.js';
import { forecastCommand, FORECAST_HELP } from './cli/forecast.js';
import { predictCommand, PREDICT_HELP, summaryCommand, SUMMARY_HELP } from './cli/model-commands.js';

const COMMANDS: Record<string, [(argv: string[]) => Promise<void>, string]> = {
  forecast: [forecastCommand, FORECAST_HELP],
  predict: [predictCommand, PREDICT_HELP],
  summary: [summaryCommand, SUMMARY_HELP],
  explain: [explainCommand, EXPLAIN_HELP],
};

const USAGE = `lstm-wasm — LSTM forecasting in WebAssembly

  lstm-wasm forecast [options]   train on a series (default: airline passengers), test against baselines, plot, forecast
  lstm-wasm predict [options]    a saved model on a series: one-step predictions and the next points
  lstm-wasm summary [options]    what a saved model is
  lstm-wasm explain [options]    heatmaps of the LSTM's gates over a stretch of the series

lstm-wasm COMMAND --help for a command's options.
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const entry = COMMANDS[command];
  if (!entry) {
    process.stderr.write(`lstm-wasm: unknown command ${JSON.stringify(command)}; use forecast, predict, summary or explain (lstm-wasm --help)\n`);
    return 1;
  }
  await entry[0](rest);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    if (e instanceof LstmWasmError) process.stderr.write(`${e.message}\n`);
    else process.stderr.write(`lstm-wasm: unexpected error: ${(e as Error)?.message ?? e} (this is a bug; LSTM_WASM_DEBUG=1 shows the stack)\n${process.env.LSTM_WASM_DEBUG ? (e as Error)?.stack + '\n' : ''}`);
    process.exitCode = 1;
  },
);
