/**
 * The series the CLI reads (a user's CSV or the embedded airline series)
 * and the output folder it writes into. Saved models: saved-model.ts (the files), src/forecast/saved.ts (their format).
 */
import { accessSync, constants, statSync, type Stats } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { show } from '../errors.js';
import { parseCsvSeries } from '../timeseries/csv.js';
import { fillMissing, type FilledSeries } from '../timeseries/missing.js';
import { cliFail } from './args.js';
import { reason } from './atomic-write.js';
import { LIMITS, showCount } from './limits.js';
import { decodeUtf8, readRegularFile, type FileToRead } from './read-file.js';

export interface LoadedSeries {
  /** The values, missing ones filled (fillMissing: linear interpolation, the nearest known value at the ends): every one finite. */
  values: number[];
  /** A label per point (dates from the CSV, else 1, 2, …). */
  labels: string[];
  /** The value column's name, used as the unit on plots. */
  name: string;
  /** Where it came from, for reports. */
  source: string;
  /** How many values were missing in the file (and were filled). */
  missing: number;
  /** The 0-based positions of the missing values, in increasing order (missingAt.length === missing). */
  missingAt: number[];
  /** The covariate columns asked for, in that order, their missing values filled the same way; [] when none. */
  covariates: LoadedCovariate[];
}

/** A covariate column as loaded: its gaps filled. */
interface LoadedCovariate {
  name: string;
  values: number[];
  /** How many of its values were missing in the file. */
  missing: number;
}

/** The airline series shipped inside the package. */
const EMBEDDED_CSV = fileURLToPath(new URL('../../data/international-airline-passengers.csv', import.meta.url));

/**
 * The series in a CSV file (default: the embedded one), within the size and
 * row limits, with its missing values filled; covariates are column names
 * (or 0-based indices) read beside it.
 */
export function loadSeries(path: string | undefined, column?: string, dateColumn?: string, covariates?: string[]): LoadedSeries {
  const { text, name } = readCsvText(path ?? EMBEDDED_CSV);
  const s = parseCsvSeries(text, {
    column: columnSpec(column), dateColumn: columnSpec(dateColumn), source: name,
    ...(covariates === undefined ? {} : { covariates: covariates.map((c) => columnSpec(c)!) }),
  });
  const filled = fillColumn(s.values, name, s.name);
  return {
    values: filled.values,
    labels: s.dates ?? s.values.map((_, i) => String(i + 1)),
    name: s.name,
    source: path ?? `${name} (embedded)`,
    missing: filled.filled,
    missingAt: filled.positions,
    covariates: (s.covariates ?? []).map((c) => {
      const f = fillColumn(c.values, name, c.name);
      return { name: c.name, values: f.values, missing: f.filled };
    }),
  };
}

/** A CSV file's text, read within the size and row limits; name is its file name, for messages. */
export function readCsvText(path: string): { text: string; name: string } {
  const file: FileToRead = { path, what: 'a CSV file', maxBytes: LIMITS.csvBytes, hint: 'give the path of a CSV file with --csv' };
  const bytes = readRegularFile(file);
  checkRowCount(bytes, file.path);
  return { text: decodeUtf8(bytes, file), name: basename(file.path) };
}

/** A column as the options give it: digits are a 0-based index, anything else a header name. */
export function columnSpec(c: string | undefined): string | number | undefined {
  return c !== undefined && /^\d+$/.test(c) ? Number(c) : c;
}

/** fillMissing on a column, its errors (too few known values) naming the file and the column. */
export function fillColumn(values: number[], file: string, column: string): FilledSeries {
  let known = 0;
  for (let i = 0; i < values.length && known < 2; i++) if (!Number.isNaN(values[i])) known++;
  if (known < 2 && known < values.length) {
    const what = known === 0 ? 'every value is missing' : `only 1 of its ${showCount(values.length)} values is known`;
    cliFail(`${file}: column ${show(column)}: ${what} — at least 2 known values are needed to fill the missing ones; choose another column or fill them in`);
  }
  return fillMissing(values);
}

/** Counted on the bytes before parsing: the parser's memory grows with the rows, and too many would exhaust it. */
function checkRowCount(bytes: Uint8Array, path: string): void {
  const rows = nonBlankLines(bytes) - 1; // the header
  if (rows > LIMITS.points) cliFail(`${path} has ${showCount(rows)} rows; the limit is ${showCount(LIMITS.points)} points — use a shorter stretch of the series`);
}

/** Lines with something besides spaces and tabs (a CR, LF or CRLF ends a line, as in the CSV parser). */
function nonBlankLines(bytes: Uint8Array): number {
  let lines = 0;
  let blank = true;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x0a || b === 0x0d) {
      if (!blank) lines++;
      blank = true;
    } else if (b !== 0x20 && b !== 0x09) {
      blank = false;
    }
  }
  return blank ? lines : lines + 1;
}

/**
 * The output folder as an absolute path, checked before any work: it is
 * a folder, or the nearest folder above it that exists is, and, as far as
 * permissions tell, writable. Nothing is created here: the folder is made
 * when the files are written.
 */
export function checkOutputFolder(dir: string): string {
  const abs = resolve(dir);
  let existing = abs;
  let info = statOrUndefined(existing);
  while (!info && dirname(existing) !== existing) {
    existing = dirname(existing);
    info = statOrUndefined(existing);
  }
  if (info && !info.isDirectory()) cliFail(`${existing} is not a folder, so ${abs} cannot be the output folder; choose another with --out`);
  try {
    accessSync(existing, constants.W_OK);
  } catch (e) {
    cliFail(`cannot write into ${existing}: ${reason(e)}; choose another output folder with --out`);
  }
  return abs;
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
