/**
 * Command-line options: parsed with node:util's parseArgs (strict), then
 * checked and converted, every problem reported as one line that says
 * what to do.
 */
import { parseArgs } from 'node:util';
import { LstmWasmError } from '../errors.js';

/** An error the CLI reports as one line, no stack, exit code 1. */
export class CliError extends LstmWasmError {}

export function cliFail(message: string): never {
  throw new CliError(message);
}

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

export function parse(argv: string[], options: OptionSpec, command: string): Record<string, string | boolean | undefined> {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as Record<string, string | boolean | undefined>;
  } catch (e) {
    const err = e as { code?: string; message: string };
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') cliFail(`${err.message.replace(/\. To specify.*$/s, '')} for \`${command}\`; run \`lstm-wasm ${command} --help\` for the options`);
    if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') cliFail(`${err.message.replace(/\. To specify.*$/s, '')}; options take the form --name value (see \`lstm-wasm ${command} --help\`)`);
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') cliFail(`${err.message} (see \`lstm-wasm ${command} --help\`)`);
    throw e;
  }
}

/** A whole number ≥ min from an option, or the default. */
export function intOption(v: string | boolean | undefined, name: string, dflt: number, min = 1): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isInteger(n) || n < min) cliFail(`--${name} must be a whole number ≥ ${min}, got ${JSON.stringify(v)}`);
  return n;
}

/** A positive number from an option, or the default. */
export function numberOption(v: string | boolean | undefined, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isFinite(n) || n <= 0) cliFail(`--${name} must be a positive number, got ${JSON.stringify(v)}`);
  return n;
}

/** One of `choices`, or the default. */
export function choiceOption<T extends string>(v: string | boolean | undefined, name: string, choices: readonly T[], dflt: T): T {
  if (v === undefined) return dflt;
  if (typeof v !== 'string' || !choices.includes(v as T)) cliFail(`--${name} must be one of ${choices.join(', ')}; got ${JSON.stringify(v)}`);
  return v as T;
}

/** "50,100" → [50, 100]. */
export function unitsOption(v: string | boolean | undefined, dflt: number[]): number[] {
  if (v === undefined) return dflt;
  const parts = String(v).split(',').map((s) => Number(s.trim()));
  if (!parts.length || parts.some((n) => !Number.isInteger(n) || n < 1)) cliFail(`--layers must be comma-separated unit counts, e.g. 50,100; got ${JSON.stringify(v)}`);
  return parts;
}
