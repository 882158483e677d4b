/**
 * The series of `lstm-wasm forecast`'s many-series mode, read from one CSV:
 *
 *   long  (--id-column NAME)  rows of id, date, value: each id one series,
 *                             in the order the ids first appear
 *   wide  (--column A,B,C)    one date column, a value column per series
 *
 * The file is parsed once either way (parseCsvSeries checks every number,
 * the dates' order — within each id for a long file — and the row limits),
 * then each series' missing values are filled on their own.
 */
import { show } from '../errors.js';
import { MAX_SERIES } from '../forecast/many.js';
import { parseCsvSeries } from '../timeseries/csv.js';
import { cliFail } from './args.js';
import { columnSpec, fillColumn, readCsvText } from './files.js';
import { showCount } from './limits.js';

interface ManyInputSeries {
  id: string;
  /** Every value finite: missing ones filled (linear interpolation, the nearest known value at the ends). */
  values: number[];
  /** The dates from the file, or 1, 2, … within the series when there are none. */
  labels: string[];
  /** How many of its values were missing in the file. */
  missing: number;
}

interface ManyInput {
  source: string;
  /** The value column's name (long) or the names given (wide). */
  column: string;
  series: ManyInputSeries[];
}

/** A long CSV: one series per id, its rows in file order (their dates already checked to run oldest first within the id). */
export function readLong(path: string, idColumn: string, column: string | undefined, dateColumn: string | undefined): ManyInput {
  const { text, name } = readCsvText(path);
  const s = parseCsvSeries(text, { idColumn: columnSpec(idColumn), column: columnSpec(column), dateColumn: columnSpec(dateColumn), source: name });
  const ids = s.ids!;
  // grouped by id with one pass over the rows: a Map keeps the ids in order of first appearance
  const groups = new Map<string, number[]>();
  for (let r = 0; r < ids.length; r++) {
    const g = groups.get(ids[r]);
    if (g) g.push(r);
    else {
      if (groups.size === MAX_SERIES) cliFail(`${name}: more than ${showCount(MAX_SERIES)} series (ids) — the limit is ${showCount(MAX_SERIES)}; split the file`);
      groups.set(ids[r], [r]);
    }
  }
  const series = [...groups].map(([id, rows]): ManyInputSeries => {
    const filled = fillColumn(rows.map((r) => s.values[r]), `${name}: series ${show(id)}`, s.name);
    const labels = s.dates ? rows.map((r) => s.dates![r]) : rows.map((_, i) => String(i + 1));
    return { id, values: filled.values, labels, missing: filled.filled };
  });
  return { source: path, column: s.name, series };
}

/** A wide CSV: one series per named column, over the shared date column. */
export function readWide(path: string, columns: string[], dateColumn: string | undefined): ManyInput {
  const { text, name } = readCsvText(path);
  // the first column is read as the values, the others as covariates: one parse reads them all, each cell checked
  const s = parseCsvSeries(text, { column: columnSpec(columns[0]), covariates: columns.slice(1).map((c) => columnSpec(c)!), dateColumn: columnSpec(dateColumn), source: name });
  const labels = s.dates ?? s.values.map((_, i) => String(i + 1));
  const read = [{ name: s.name, values: s.values }, ...(s.covariates ?? [])];
  const series = read.map((c): ManyInputSeries => {
    const filled = fillColumn(c.values, name, c.name);
    return { id: c.name, values: filled.values, labels, missing: filled.filled };
  });
  return { source: path, column: columns.join(','), series };
}

/** --column A,B,C checked: names, none empty, none twice, at most MAX_SERIES. */
export function wideColumns(spec: string): string[] {
  const names = spec.split(',').map((c) => c.trim());
  if (names.length > MAX_SERIES) cliFail(`--column names ${showCount(names.length)} columns; at most ${showCount(MAX_SERIES)} series are forecast at once`);
  const empty = names.findIndex((c) => c === '');
  if (empty >= 0) cliFail(`--column ${JSON.stringify(spec)}: name ${empty + 1} is empty; give the value columns as A,B,C`);
  const seen = new Set<string>();
  for (const c of names) {
    if (seen.has(c)) cliFail(`--column names ${show(c)} twice; list each value column once`);
    seen.add(c);
  }
  return names;
}
