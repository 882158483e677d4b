/**
 * Command-line options: parsed with node:util's parseArgs (strict), then
 * checked and converted, every problem reported as one line that says
 * what to do. Numbers are matched against a pattern before conversion, so
 * that nothing Number() would also accept (" 5", "", "0x10", "Infinity")
 * passes as a different value than the one typed.
 */
import { parseArgs } from 'node:util';
import type { BackendName } from '../backend/kernels.js';
import { LstmWasmError } from '../errors.js';
import { showCount } from './limits.js';

/** An error the CLI reports as one line, no stack, exit code 1. */
export class CliError extends LstmWasmError {}

export function cliFail(message: string): never {
  throw new CliError(message);
}

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;
export type OptionValues = Record<string, string | boolean | undefined>;

export function parse(argv: string[], options: OptionSpec, command: string): OptionValues {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as OptionValues;
  } catch (e) {
    failOnParseError(e, command);
  }
}

/** node's parseArgs error as one line that says what to do. */
function failOnParseError(e: unknown, command: string): never {
  const err = e as { code?: string; message: string };
  // node's messages can run over several lines ("… is ambiguous.\nDid you forget …"): keep the first sentence
  const first = err.message.split('\n')[0].replace(/\. To specify.*$/s, '');
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') cliFail(`${first} for \`${command}\`; run \`lstm-wasm ${command} --help\` for the options`);
  if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') cliFail(`${first}; options take the form --name value (see \`lstm-wasm ${command} --help\`)`);
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const hint = first.includes('ambiguous') ? ' An option needs a value; one that starts with a dash is written --name=-value' : '';
    cliFail(`${first}${hint} (see \`lstm-wasm ${command} --help\`)`);
  }
  throw e;
}

/** parse(), for a command that also takes `names.length` positional arguments (convert IN OUT), in that order. */
export function parseWithPositionals(argv: string[], options: OptionSpec, command: string, names: string[]): { values: OptionValues; positionals: string[] } {
  let r;
  try {
    r = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (e) {
    failOnParseError(e, command);
  }
  const values = r.values as OptionValues;
  if (!values.help && r.positionals.length !== names.length) {
    const usage = names.join(' ');
    cliFail(r.positionals.length < names.length
      ? `\`lstm-wasm ${command}\` needs ${usage}; missing ${names.slice(r.positionals.length).join(' ')} (see \`lstm-wasm ${command} --help\`)`
      : `\`lstm-wasm ${command}\` takes ${usage} only, but got ${r.positionals.length} arguments: ${r.positionals.map((p) => JSON.stringify(p)).join(' ')}`);
  }
  return { values, positionals: r.positionals };
}

/** Digits only: no sign, no spaces, no hex, no exponent. */
const WHOLE = /^\d+$/;
/** A plain decimal without sign: 12, 0.5, .5, 5., 1e-3 (not hex, not Infinity, no spaces). */
const DECIMAL = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A string option that is given and not empty (a path or a name), or undefined when left out. */
export function textOption(v: string | boolean | undefined, name: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.trim() === '') cliFail(`--${name} is ${v === '' ? 'empty' : 'blank'}; give a value, or leave the option out for the default`);
  return v;
}

/** A whole number in min … max from an option, or the default. */
export function intOption(v: string | boolean | undefined, name: string, dflt: number, range: { min: number; max: number }): number {
  if (v === undefined) return dflt;
  const n = typeof v === 'string' && WHOLE.test(v) ? Number(v) : Number.NaN;
  if (!(n >= range.min && n <= range.max)) cliFail(`--${name} must be a whole number from ${showCount(range.min)} to ${showCount(range.max)}, got ${JSON.stringify(v)}`);
  return n;
}

/** A positive, finite plain decimal (1e-3 included) from an option, or the default. */
export function numberOption(v: string | boolean | undefined, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  const n = typeof v === 'string' && DECIMAL.test(v) ? Number(v) : Number.NaN;
  if (!(Number.isFinite(n) && n > 0)) cliFail(`--${name} must be a positive decimal number such as 0.001 or 1e-3, got ${JSON.stringify(v)}`);
  return n;
}

/** One of `choices`, or the default. */
export function choiceOption<T extends string>(v: string | boolean | undefined, name: string, choices: readonly T[], dflt: T): T {
  if (v === undefined) return dflt;
  if (typeof v !== 'string' || !choices.includes(v as T)) cliFail(`--${name} must be one of ${choices.join(', ')}; got ${JSON.stringify(v)}`);
  return v as T;
}

/** --backend as init() takes it: { backend } when given, {} for the fastest this runtime supports. */
export function backendOption(v: string | boolean | undefined): { backend?: BackendName } {
  const b = choiceOption(v, 'backend', ['wasm-simd', 'wasm', 'js'] as const, undefined as unknown as BackendName);
  return b ? { backend: b } : {};
}

/** "50,100" → [50, 100]: at most maxLayers counts, each 1 … maxUnits. */
export function unitsOption(v: string | boolean | undefined, dflt: number[], limits: { maxLayers: number; maxUnits: number }): number[] {
  if (v === undefined) return dflt;
  const parts = typeof v === 'string' ? v.split(',') : [];
  const units = parts.map((s) => (WHOLE.test(s) ? Number(s) : Number.NaN));
  if (units.length === 0 || units.length > limits.maxLayers || !units.every((u) => u >= 1 && u <= limits.maxUnits)) {
    cliFail(`--layers must be 1 to ${limits.maxLayers} comma-separated unit counts from 1 to ${showCount(limits.maxUnits)}, e.g. 50,100; got ${JSON.stringify(v)}`);
  }
  return units;
}
