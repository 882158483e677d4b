/**
 * Read one numeric series (and optionally its dates) out of CSV text.
 *
 * The text needs a header row. Quoting follows RFC 4180: a field is quoted
 * when its first character is `"`; inside quotes `""` is one quote and
 * delimiters and line breaks are plain text. One leniency: spaces (and tabs,
 * unless tab is the delimiter) are allowed and dropped before the opening and
 * after the closing quote, since many writers put a space after the delimiter.
 * After the closing quote and that padding comes the delimiter, the line end
 * or the end of the text. A quote anywhere else — inside an unquoted field,
 * or text after a closing quote — is an error naming the row and column, as
 * is a quote that is never closed (naming the row where it opened).
 *
 * A quoted field may span lines only in a column that is neither the date
 * nor the value column (a free-text note, as RFC 4180 allows): a date or a
 * number never holds a line break, so there it is almost surely a stray
 * quote that swallowed the rows after it, and it is an error naming the row
 * where the quote opened. A header name may not span lines either.
 *
 * Lines may end in LF, CRLF or CR; a UTF-8 BOM and blank lines (anywhere,
 * e.g. trailing) are ignored. The delimiter is a comma, or a semicolon / tab
 * when the header has no comma outside quotes but has one of those.
 *
 * When every date is a recognisable time label (see labels.ts: YYYY-MM,
 * YYYY-Qn, YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS], whole numbers), the dates must
 * be of one kind and strictly increasing — oldest first, no repeats.
 * Free-text labels are taken as they are.
 *
 * A missing value — an empty cell, or `NA`, `NaN` or `null` in any case,
 * with spaces around it or not — reads as NaN, in the value column and in
 * covariate columns alike (fillMissing in missing.ts fills such gaps). Any
 * other text that is not a number (`n/a`, `-`, `?`, `12a`, `1,000`) is an
 * error naming the row and the column. Reading is linear in the size of the
 * text.
 */
import { fail, show } from '../errors.js';
import { firstOutOfOrder, readTimeAxis } from './labels.js';

/** The value column when none is given, among several numeric ones: the one with one of these names (any case). */
const VALUE_NAMES = new Set(['value', 'y', 'target']);
/** A first column with one of these names (any case) is the date column by default, even when it holds numbers (years, indices). */
const DATE_NAMES = new Set(['date', 'time', 'datetime', 'timestamp', 'ds', 'year', 'quarter', 'month', 'week', 'day', 'period', 'index', 't']);

export interface CsvSeriesOptions {
  /**
   * The value column: a header name or a 0-based index. Default: the one
   * numeric column besides the date column and the covariates (a column is
   * numeric when its first non-missing cell is a number); among several
   * numeric ones, the one named `value`, `y` or `target` (any case) if
   * exactly one is; otherwise an error listing the numeric columns. (When no
   * column is numeric and there is only one to choose, it is taken, and its
   * first bad cell is the error.)
   */
  column?: string | number;
  /**
   * The date (label) column: a header name or a 0-based index. Default: the
   * first column, if it is not the value column, there is
   * more than one column, and its first value is text (not a number, not
   * missing) or its name is a time word (`date`, `time`, `datetime`,
   * `timestamp`, `ds`, `year`, `quarter`, `month`, `week`, `day`, `period`,
   * `index`, `t`, any case); otherwise no dates.
   */
  dateColumn?: string | number;
  /**
   * Covariate columns to read beside the values (header names or 0-based
   * indices): numeric, missing values as NaN. Neither the value nor the date
   * column may be one of them, nor may one be named twice.
   */
  covariates?: (string | number)[];
  /**
   * A long CSV's id column (a header name or a 0-based index): each row
   * belongs to the series its id names. The id column is never taken as the
   * value or date column by default (the date column is then the first
   * column that is not the id column, by the same test), may not be given as
   * either or as a covariate, and every row needs an id. Dates are checked
   * within each id (oldest first, each once), not over the whole file; the
   * rows are returned as they are, for the caller to group.
   */
  idColumn?: string | number;
  /** Where the text came from (a file path), used to begin error messages. */
  source?: string;
}

export interface CsvSeries {
  /** The value column, in file order. */
  values: number[];
  /** The date column's fields as written (trimmed, unquoted), or undefined if there is none. */
  dates: string[] | undefined;
  /** The value column's header name. */
  name: string;
  /** The covariate columns asked for (options.covariates), in that order; absent when none were asked for. */
  covariates?: CsvCovariate[];
  /** With options.idColumn: each row's id (trimmed, unquoted, never empty) and its row in the file (the header is row 1). */
  ids?: string[];
  rows?: number[];
}

/** A covariate column: its header name and its values in file order (NaN where missing). */
export interface CsvCovariate {
  name: string;
  values: number[];
}

/** What marks a missing value (compared case-insensitively, after trimming): an empty field or one of these words. */
const MISSING = new Set(['', 'na', 'nan', 'null']);
/** Other ways files write a missing value: an error, with a hint to write it as one of the above. */
const NOT_MISSING = new Set(['n/a', 'none', '-', '?', '.', '#n/a', 'nil', 'missing']);

/**
 * A plain decimal number: `12`, `-3.5`, `.5`, `1e3`. Not hex, not `Infinity`,
 * not `1,000`. Each digit run can be matched one way only, so a long field
 * that fails to match costs linear time (`\d+\.?\d*` backtracks quadratically).
 */
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
/** The digits before the exponent contain a non-zero one. */
const NONZERO_MANTISSA = /^[^eE]*[1-9]/;

/** True if `field` (already trimmed) is a finite decimal number. */
export function isNumericField(field: string): boolean {
  return NUMBER.test(field) && Number.isFinite(Number(field));
}

/** Comma-separated items for a message, the first `max` of them and how many more. */
function listSome(items: string[], max = 20): string {
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${shown}, … (${items.length - max} more)` : shown;
}

/**
 * Parse CSV text into `{ values, dates, name }` (and `covariates` when
 * asked for). A missing value (an empty cell, `NA`, `NaN`, `null`) is NaN in
 * `values` and in the covariates: fill the gaps with fillMissing before
 * training.
 *
 * Row numbers in errors count the header as row 1 and are line numbers in the
 * file (blank lines and lines inside quoted fields count), so they match an
 * editor. Every error is an `LstmWasmError` saying what is wrong and what to
 * do: empty text, no data rows, a stray or unclosed quote, an unknown or
 * ambiguous column (the message lists the columns), no value column given
 * and none to take by default (the message lists the numeric columns), a
 * covariate that is the value or date column or is named twice, a row with
 * the wrong number of fields, a value that is not a number or is out of
 * range (row, column and the value are named), and dates that are missing,
 * malformed, mixed or out of order.
 */
export function parseCsvSeries(text: string, options: CsvSeriesOptions = {}): CsvSeries {
  options ??= {};
  const where = options.source ? `${options.source}: ` : 'parseCsvSeries: ';
  if (typeof text !== 'string') fail(`${where}expected CSV text (a string), got ${typeof text}`);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') fail(`${where}the file is empty — a CSV needs a header row and at least one data row`);

  const records = parseRecords(text, detectDelimiter(text), where);
  if (records.length === 0) fail(`${where}the file is empty — a CSV needs a header row and at least one data row`);

  const [headerRecord, ...rows] = records;
  const header = headerRecord.fields.map((h) => h.trim());
  const spanning = headerRecord.spanning[0];
  if (spanning) {
    fail(`${where}row ${spanning.row}, column ${spanning.column + 1} of the header: a quoted column name runs over several lines — a stray quote? Close it on the same line or remove it`);
  }
  if (rows.length === 0) fail(`${where}no data rows after the header (${show(header.join(','))}) — the file needs at least one row of values`);

  for (const record of rows) checkFieldCount(record, header, where);

  const covariateIndices = resolveCovariates(options.covariates, header, where);
  const covariateSet = new Set(covariateIndices);
  const isCovariate = (c: number) => covariateSet.has(c);
  const idIndex = options.idColumn === undefined ? undefined : resolveColumn(options.idColumn, header, 'idColumn', where);
  let valueIndex = options.column === undefined ? undefined : resolveColumn(options.column, header, 'column', where);
  if (idIndex !== undefined && valueIndex === idIndex) fail(`${where}the value column and the id column are the same column (${show(header[idIndex])}) — name another value column`);
  if (idIndex !== undefined && covariateSet.has(idIndex)) fail(`${where}covariate ${columnName(idIndex, header)} is the id column — leave it out of the covariates`);
  let dateIndex: number | undefined;
  // the first column that could hold the dates: with an id column first (id,date,value), the one after it
  const firstOther = idIndex === 0 ? 1 : 0;
  if (options.dateColumn !== undefined) {
    dateIndex = resolveColumn(options.dateColumn, header, 'dateColumn', where);
    if (dateIndex === valueIndex) {
      fail(`${where}dateColumn and column are the same column (${show(header[valueIndex])}) — pick a different date column or leave it out`);
    }
    if (dateIndex === idIndex) fail(`${where}the date column and the id column are the same column (${show(header[idIndex])}) — name another date column`);
  } else if (valueIndex !== firstOther && header.length > firstOther + 1) {
    const first = rows[0].fields[firstOther].trim();
    const isText = !isNumericField(first) && !MISSING.has(first.toLowerCase());
    if (isText || DATE_NAMES.has(header[firstOther].toLowerCase())) dateIndex = firstOther;
  }
  const byDefault = valueIndex === undefined;
  if (valueIndex === undefined) {
    // covariates do not change the choice made without them; they only settle a choice it could not make
    const plain = defaultValueColumn(header, rows, (c) => c !== dateIndex && c !== idIndex, dateIndex);
    const chosen = typeof plain === 'number' || covariateIndices.length === 0 ? plain
      : defaultValueColumn(header, rows, (c) => c !== dateIndex && c !== idIndex && !isCovariate(c), dateIndex);
    if (typeof chosen === 'string') fail(`${where}${chosen}`);
    valueIndex = chosen;
  }
  for (const c of covariateIndices) {
    if (c === valueIndex || c === dateIndex) {
      const role = c === valueIndex ? `value column${byDefault ? ' (taken by default)' : ''}` : `date column${options.dateColumn === undefined ? ' (taken by default)' : ''}`;
      fail(`${where}covariate ${columnName(c, header)} is the ${role} — a covariate must be another column: leave it out of the covariates${byDefault && c === valueIndex ? ' or name the value column with the column option (--column NAME on the command line)' : ''}`);
    }
  }

  const name = header[valueIndex];
  const values: number[] = new Array(rows.length);
  const dates: string[] | undefined = dateIndex === undefined ? undefined : new Array(rows.length);
  const covariates: CsvCovariate[] = covariateIndices.map((c) => ({ name: header[c], values: new Array(rows.length) }));
  const ids: string[] | undefined = idIndex === undefined ? undefined : new Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const record = rows[r];
    checkSpanning(record, header, { value: valueIndex, date: dateIndex, id: idIndex, covariates: covariateSet }, where);
    if (ids) {
      ids[r] = record.fields[idIndex!].trim();
      if (ids[r] === '') fail(`${where}row ${record.row}, column ${show(header[idIndex!])}: the id is empty — every row needs the name of the series it belongs to`);
    }
    values[r] = readValue(record.fields[valueIndex], record.row, name, where);
    if (dates) dates[r] = record.fields[dateIndex!].trim();
    for (let k = 0; k < covariates.length; k++) {
      covariates[k].values[r] = readValue(record.fields[covariateIndices[k]], record.row, covariates[k].name, where);
    }
  }
  const rowOf = rows.map((rec) => rec.row);
  if (dates && ids) checkDatesPerId(dates, ids, rowOf, header[dateIndex!], where);
  else if (dates) checkDates(dates, rowOf, header[dateIndex!], where);
  const out: CsvSeries = options.covariates === undefined ? { values, dates, name } : { values, dates, name, covariates };
  return ids ? { ...out, ids, rows: rowOf } : out;
}

/** checkDates on each id's rows (in file order): a long CSV's series each have their own dates, which may repeat across ids. */
function checkDatesPerId(dates: string[], ids: string[], rowOf: number[], column: string, where: string): void {
  const groups = new Map<string, number[]>();
  for (let r = 0; r < ids.length; r++) {
    const g = groups.get(ids[r]);
    if (g) g.push(r);
    else groups.set(ids[r], [r]);
  }
  for (const [id, at] of groups) checkDates(at.map((r) => dates[r]), at.map((r) => rowOf[r]), column, `${where}series ${show(id)}: `);
}

/**
 * The value column when none is given: the one numeric column among the
 * candidates (a column is numeric when its first non-missing cell is a
 * number), or among several the one named value, y or target; with no
 * numeric column, the only candidate if there is just one (its first bad
 * cell is then the error). Otherwise why not, listing the columns (the
 * message for an error). Linear in the number of cells (every row has one
 * field per column).
 */
function defaultValueColumn(header: string[], rows: CsvRecord[], candidate: (c: number) => boolean, dateIndex: number | undefined): number | string {
  const candidates: number[] = [];
  const numeric: number[] = [];
  for (let c = 0; c < header.length; c++) {
    if (!candidate(c)) continue;
    let first: string | undefined; // the first non-missing cell
    for (let r = 0; r < rows.length && first === undefined; r++) {
      const field = rows[r].fields[c].trim();
      if (!MISSING.has(field.toLowerCase())) first = field;
    }
    if (header[c] === '' && first === undefined) continue; // an unnamed, empty column (a trailing delimiter)
    candidates.push(c);
    if (first !== undefined && isNumericField(first)) numeric.push(c);
  }
  const besides = dateIndex === undefined ? '' : ` besides the date column ${show(header[dateIndex])}`;
  const choose = 'say which with the column option (--column NAME on the command line)';
  const names = (cols: number[]) => listSome(cols.map((c) => (header[c] ? show(header[c]) : `column ${c + 1}`)));
  if (numeric.length === 1) return numeric[0];
  if (numeric.length > 1) {
    const named = numeric.filter((c) => VALUE_NAMES.has(header[c].toLowerCase()));
    if (named.length === 1) return named[0];
    const why = named.length === 0 ? 'none is named value, y or target' : `${named.length} are named value, y or target (${names(named)})`;
    return `${numeric.length} numeric columns${besides} (${names(numeric)}) and ${why} — ${choose}`;
  }
  if (candidates.length === 1) return candidates[0];
  if (candidates.length === 0) return `no column for the values${besides} — the file needs a numeric column`;
  return `no numeric column${besides}: the columns ${names(candidates)} begin with text — ${choose}`;
}

/** The covariate columns' indices, checked: an array of names or indices, each an existing column, none twice. */
function resolveCovariates(specs: (string | number)[] | undefined, header: string[], where: string): number[] {
  if (specs === undefined) return [];
  if (!Array.isArray(specs)) fail(`${where}covariates must be an array of column names or 0-based indices, got ${show(specs)}`);
  const out: number[] = [];
  const seen = new Set<number>();
  for (const spec of specs) {
    const c = resolveColumn(spec, header, 'covariate', where);
    if (seen.has(c)) fail(`${where}covariate ${columnName(c, header)} is named twice — list each covariate once`);
    seen.add(c);
    out.push(c);
  }
  return out;
}

/** The delimiter: a comma, or a semicolon / tab when the header has none outside quotes but has one of those. */
function detectDelimiter(text: string): string {
  const end = text.search(/[\r\n]/);
  const headerLine = (end < 0 ? text : text.slice(0, end)).replace(/"[^"]*"/g, '');
  return headerLine.includes(',') ? ',' : headerLine.includes(';') ? ';' : headerLine.includes('\t') ? '\t' : ',';
}

/** A column for a message: its 1-based number and header name. */
function columnName(column: number, header: string[]): string {
  const label = header[column];
  return label ? `column ${column + 1} (${show(label)})` : `column ${column + 1}`;
}

/**
 * A row must have one field per column. A row with the wrong number of
 * fields that holds a field spanning lines names that field too: a stray
 * quote that swallowed the rows after it is the likely cause.
 */
function checkFieldCount(record: CsvRecord, header: string[], where: string): void {
  const { fields, row, spanning } = record;
  if (fields.length === header.length) return;
  const s = spanning[0];
  const count = `row ${row} has ${fields.length} field${fields.length === 1 ? '' : 's'} but the header has ${header.length} columns`;
  if (s) {
    fail(`${where}${count}, and its quoted field in ${columnName(s.column, header)} opens in row ${s.row} and runs on to row ${s.endRow} — `
      + 'a stray quote that swallowed the rows after it? Close the quote on the same line or remove it');
  }
  const hint = fields.length < header.length ? 'a value is missing' : 'an unquoted delimiter inside a field?';
  fail(`${where}${count} (${hint}) — give every row one field per column`);
}

/** The date, value and covariate fields of a row must not span lines (a note may, as RFC 4180 allows). */
function checkSpanning(record: CsvRecord, header: string[], keyColumns: { value: number; date?: number; id?: number; covariates: ReadonlySet<number> }, where: string): void {
  for (const s of record.spanning) {
    const what = s.column === keyColumns.value || keyColumns.covariates.has(s.column) ? 'value' : s.column === keyColumns.date ? 'date' : s.column === keyColumns.id ? 'id' : null;
    if (what === null) continue; // a note or other text may span lines (RFC 4180)
    fail(`${where}row ${s.row}, ${columnName(s.column, header)}: a quoted ${what} opens here and runs on to row ${s.endRow}, `
      + `but ${what === 'id' ? 'an' : 'a'} ${what} cannot hold a line break — almost surely a stray quote: close it on the same line or remove it`);
  }
}

/** The number in a value field, NaN for a missing value, or an error naming the row, the column and the field. */
function readValue(field: string, row: number, name: string, where: string): number {
  const raw = field.trim();
  const at = `${where}row ${row}, column ${show(name)}`;
  if (MISSING.has(raw.toLowerCase())) return Number.NaN;
  if (NOT_MISSING.has(raw.toLowerCase())) {
    fail(`${at}: ${show(raw)} is not a number — if the value is missing, leave the cell empty or write NA`);
  }
  if (!NUMBER.test(raw)) fail(`${at}: ${show(raw)} is not a number — fix the value or choose another column`);
  const value = Number(raw); // validated above as a plain decimal
  if (!Number.isFinite(value)) fail(`${at}: ${show(raw)} is too large for a 64-bit float (over ~1.8e308) — rescale the column`);
  if (value === 0 && NONZERO_MANTISSA.test(raw)) {
    fail(`${at}: ${show(raw)} is too small for a 64-bit float and would read as 0 — rescale the column`);
  }
  return value;
}

/**
 * Dates that are all recognisable time labels must be of one kind and
 * strictly increasing: otherwise the model would learn from shuffled history
 * and the forecast would be labelled with dates inside the data.
 */
function checkDates(dates: string[], rowOf: number[], column: string, where: string): void {
  const axis = readTimeAxis(dates);
  if (axis === null) return; // free text: no order to check
  const at = (i: number) => `${where}row ${rowOf[i]}, column ${show(column)}`;
  if (!axis.ok) fail(`${at(axis.index)}: ${axis.reason} — ${axis.fix}`);
  const i = firstOutOfOrder(axis.values);
  if (i < 0) return;
  const [before, after] = [dates[i - 1], dates[i]];
  if (axis.values[i] === axis.values[i - 1]) {
    fail(`${at(i)}: the date ${show(after)} repeats row ${rowOf[i - 1]} (${show(before)}) — each date may appear once: remove or merge the duplicate rows`);
  }
  fail(`${at(i)}: the date ${show(after)} comes before ${show(before)} in row ${rowOf[i - 1]} — sort the rows by date, oldest first`);
}

/** A header name or 0-based index → a column index, or a one-line error listing the columns. */
function resolveColumn(spec: string | number, header: string[], option: string, where: string): number {
  const list = () => listSome(header.map((h, i) => `${i}: ${show(h)}`));
  if (typeof spec === 'number') {
    if (!Number.isInteger(spec) || spec < 0 || spec >= header.length) {
      fail(`${where}${option} ${spec} is out of range — the columns are ${list()}`);
    }
    return spec;
  }
  if (typeof spec !== 'string') fail(`${where}${option} must be a column name or a 0-based index, got ${typeof spec}`);
  const wanted = spec.trim();
  const exact = indicesWhere(header, (h) => h === wanted);
  const matches = exact.length > 0 ? exact : indicesWhere(header, (h) => h.toLowerCase() === wanted.toLowerCase());
  if (matches.length === 1) return matches[0];
  if (matches.length > 1) {
    fail(`${where}${option} ${show(spec)} names ${matches.length} columns (${listSome(matches.map(String))}) — give the 0-based index of the one you mean`);
  }
  fail(`${where}no column named ${show(spec)} — the columns are ${list()}`);
}

function indicesWhere(items: string[], test: (item: string) => boolean): number[] {
  const out: number[] = [];
  items.forEach((item, i) => { if (test(item)) out.push(i); });
  return out;
}

/** A quoted field whose text holds a line break. */
interface Spanning {
  /** 0-based column. */
  column: number;
  /** The line where its opening quote is. */
  row: number;
  /** The line where its closing quote is. */
  endRow: number;
}

interface CsvRecord {
  /** Raw fields: unquoted, untrimmed (spaces around a quoted field are dropped). */
  fields: string[];
  /** The line where the record began, the header being row 1 (blank lines count). */
  row: number;
  /** Its quoted fields that span lines, in column order (usually none). */
  spanning: Spanning[];
}

/** Where the reader is: position, line, and what messages need. */
interface Cursor {
  text: string;
  pos: number;
  /** 1-based line at pos. */
  line: number;
  delimiter: number;
  where: string;
  /** The header's names once read, for naming columns in errors. */
  header: string[] | null;
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;

/** Padding allowed around a quoted field: a space, or a tab unless tab is the delimiter. */
const isPadding = (c: number, delimiter: number) => c === SPACE || (c === TAB && delimiter !== TAB);
const isLineEnd = (c: number) => c === LF || c === CR;

/**
 * The records of CSV text as raw fields (unquoted, untrimmed), blank lines
 * dropped, with the same quoting rules and errors as parseCsvSeries. Not part
 * of the package's API: the tests use it to check that every field of an
 * RFC 4180 file reads back as it was written.
 * @internal
 */
export function parseCsvRecords(text: string, delimiter = ','): string[][] {
  return parseRecords(text, delimiter, 'parseCsvRecords: ').map((r) => r.fields);
}

/**
 * Splits CSV text into records of raw fields, dropping blank lines (lines of
 * nothing but spaces and tabs). One pass over the text, slicing fields out of
 * it rather than growing strings a character at a time: linear time.
 */
function parseRecords(text: string, delimiter: string, where: string): CsvRecord[] {
  const cur: Cursor = { text, pos: 0, line: 1, delimiter: delimiter.charCodeAt(0), where, header: null };
  const records: CsvRecord[] = [];
  while (cur.pos < text.length) {
    const record = readRecord(cur);
    if (record === null) continue;
    records.push(record);
    cur.header ??= record.fields.map((f) => f.trim());
  }
  return records;
}

/** Reads one record and the line end after it; null for a blank line. */
function readRecord(cur: Cursor): CsvRecord | null {
  const { text } = cur;
  const row = cur.line;
  const fields: string[] = [];
  const spanning: Spanning[] = [];
  let blank = true; // nothing but spaces and tabs so far
  for (;;) {
    const column = fields.length;
    const start = cur.pos;
    while (cur.pos < text.length && isPadding(text.charCodeAt(cur.pos), cur.delimiter)) cur.pos++;
    if (cur.pos < text.length && text.charCodeAt(cur.pos) === QUOTE) {
      const openLine = cur.line;
      fields.push(readQuoted(cur, column));
      if (cur.line > openLine) spanning.push({ column, row: openLine, endRow: cur.line });
      blank = false;
    } else {
      cur.pos = start;
      const field = readUnquoted(cur, column);
      if (field.trim() !== '') blank = false;
      fields.push(field);
    }
    if (cur.pos >= text.length || text.charCodeAt(cur.pos) !== cur.delimiter) break;
    cur.pos++;
    blank = false;
  }
  skipLineEnd(cur);
  return blank ? null : { fields, row, spanning };
}

/** Steps over one LF, CRLF or CR at pos, if there is one. */
function skipLineEnd(cur: Cursor): void {
  const c = cur.text.charCodeAt(cur.pos);
  if (c === CR && cur.text.charCodeAt(cur.pos + 1) === LF) cur.pos += 2;
  else if (isLineEnd(c)) cur.pos++;
  else return;
  cur.line++;
}

/** Where a field is, for messages: `row 3, column 2 ("passengers")`. */
function fieldAt(cur: Cursor, row: number, column: number): string {
  return `${cur.where}row ${row}, ${columnName(column, cur.header ?? [])}`;
}

/** An unquoted field up to the delimiter or the line end; a quote inside it is an error. */
function readUnquoted(cur: Cursor, column: number): string {
  const { text } = cur;
  const start = cur.pos;
  for (; cur.pos < text.length; cur.pos++) {
    const c = text.charCodeAt(cur.pos);
    if (c === cur.delimiter || isLineEnd(c)) break;
    if (c === QUOTE) {
      fail(`${fieldAt(cur, cur.line, column)}: a quote inside an unquoted field (${show(text.slice(start, cur.pos + 1))}) — `
        + 'quote the whole field and double the quotes inside it ("a ""b"" c"), or remove the stray quote');
    }
  }
  return text.slice(start, cur.pos);
}

/**
 * A quoted field, pos being at its opening quote: its text with `""` read as
 * one quote. Afterwards pos is at the delimiter, the line end or the end of
 * the text (padding after the closing quote is skipped).
 */
function readQuoted(cur: Cursor, column: number): string {
  const { text } = cur;
  const openLine = cur.line;
  const parts: string[] = [];
  let chunk = ++cur.pos; // start of the text not yet copied
  for (;;) {
    if (cur.pos >= text.length) {
      fail(`${fieldAt(cur, openLine, column)}: a quote opens a field here and is never closed — close it or remove the stray quote`);
    }
    const c = text.charCodeAt(cur.pos);
    if (c === QUOTE) {
      parts.push(text.slice(chunk, cur.pos));
      if (text.charCodeAt(cur.pos + 1) !== QUOTE) break;
      parts.push('"');
      cur.pos += 2;
      chunk = cur.pos;
    } else {
      // CRLF counts once, at its LF
      if (c === LF || (c === CR && text.charCodeAt(cur.pos + 1) !== LF)) cur.line++;
      cur.pos++;
    }
  }
  cur.pos++; // past the closing quote
  while (cur.pos < text.length && isPadding(text.charCodeAt(cur.pos), cur.delimiter)) cur.pos++;
  if (cur.pos < text.length) {
    const c = text.charCodeAt(cur.pos);
    if (c !== cur.delimiter && !isLineEnd(c)) {
      const rest = text.slice(cur.pos, cur.pos + 100).split(/[\r\n]/)[0];
      const opened = openLine === cur.line ? '' : ` (its quote opened in row ${openLine})`;
      fail(`${fieldAt(cur, cur.line, column)}: text after the closing quote of a quoted field${opened}: ${show(rest)} — `
        + 'quote the whole field and double the quotes inside it ("a ""b"" c"), or remove the stray quote');
    }
  }
  return parts.join('');
}
