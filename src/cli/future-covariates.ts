/**
 * `--future PATH`: the covariates known in advance, for the forecast steps.
 * A CSV with a header row whose columns include some of the --covariates;
 * its first --horizon rows are the forecast steps, in order. Every cell
 * read must be a number: a forecast cannot be conditioned on a missing
 * future.
 */
import { basename } from 'node:path';
import { isNumericField, parseCsvRecords } from '../timeseries/csv.js';
import { cliFail } from './args.js';
import { LIMITS, showCount } from './limits.js';
import { printable } from './output.js';
import { decodeUtf8, readRegularFile } from './read-file.js';

/** The future values of each covariate the file has (by name); covariates it lacks are past-only. */
export function readFutureCovariates(path: string, names: string[], horizon: number): Map<string, number[]> {
  const file = { path, what: 'a CSV file', maxBytes: LIMITS.csvBytes, hint: 'give the path of a CSV file with --future' };
  const records = parseCsvRecords(decodeUtf8(readRegularFile(file), file));
  const name = basename(path);
  if (records.length === 0) cliFail(`${name}: --future needs a header row and the next ${horizon} rows`);
  const header = records[0].map((h) => h.trim());
  const known = names.filter((c) => header.includes(c));
  if (known.length === 0) cliFail(`${name}: none of the covariates (${names.map((c) => JSON.stringify(printable(c))).join(', ')}) is a column of the --future file, whose columns are ${header.map((h) => JSON.stringify(printable(h))).join(', ')}`);
  const rows = records.length - 1;
  if (rows < horizon) cliFail(`${name}: --future has ${showCount(rows)} row${rows === 1 ? '' : 's'}, but the forecast needs the next ${showCount(horizon)}`);
  const out = new Map<string, number[]>();
  for (const c of known) {
    const col = header.indexOf(c);
    out.set(c, Array.from({ length: horizon }, (_, k) => {
      const cell = (records[k + 1][col] ?? '').trim();
      if (!isNumericField(cell)) cliFail(`${name}: row ${k + 2}, column ${JSON.stringify(printable(c))}: ${JSON.stringify(printable(cell))} is not a number; a covariate known in advance needs every future value`);
      return Number(cell);
    }));
  }
  return out;
}
