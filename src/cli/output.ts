/**
 * What the CLI prints: warnings on stderr, strings from files made safe
 * for a terminal, and the check that no result about to be printed or
 * saved is NaN or infinite (JSON.stringify would silently turn it into
 * null, and a report would print "NaN").
 */
import { cliFail } from './args.js';

/** `lstm-wasm: warning: …` on stderr, one line each; shown even with --quiet, which only silences progress. */
export function printWarnings(warnings: readonly string[]): void {
  for (const w of warnings) process.stderr.write(`lstm-wasm: warning: ${printable(w)}\n`);
}

/**
 * A string from a file (a CSV header, a date, a saved model's names) safe
 * to print: control characters, which could move the cursor or recolour
 * the terminal and so make the output say something else, become \u escapes.
 */
export function printable(s: string): string {
  return s.replace(/\p{Cc}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** printable() for text of several lines (a model summary), keeping its line breaks. */
export function printableLines(s: string): string {
  return s.split('\n').map(printable).join('\n');
}

/** The first number in `value` (walked depth first) that is NaN or ±Infinity, with its path, e.g. "test.rmse". */
function firstNonFinite(value: unknown, path = ''): { path: string; value: number } | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : { path, value };
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [k, v] of Object.entries(value)) {
    const found = firstNonFinite(v, Array.isArray(value) ? `${path}[${k}]` : path ? `${path}.${k}` : k);
    if (found) return found;
  }
  return undefined;
}

/** A one-line error if any number in `results` is not finite; `advice` says what the user can do. */
export function checkFinite(results: unknown, advice: (path: string) => string): void {
  const bad = firstNonFinite(results);
  if (bad) cliFail(`the result ${bad.path} is ${bad.value}, not a finite number: ${advice(bad.path)}`);
}
