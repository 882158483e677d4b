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
 * YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS], whole numbers), the dates must be of one
 * kind and strictly increasing — oldest first, no repeats. Free-text labels
 * are taken as they are. Reading is linear in the size of the text.
 */
import { fail, show } from '../errors.js';
import { firstOutOfOrder, readTimeAxis } from './labels.js';

export interface CsvSeriesOptions {
  /** The value column: a header name or a 0-based index. Default: the last column (the last with a non-empty name). */
  column?: string | number;
  /**
   * The date (label) column: a header name or a 0-based index. Default: the
   * first column, if it is not the value column and its first value is not a
   * number; otherwise no dates.
   */
  dateColumn?: string | number;
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
}

/** Words that mark a missing value (compared case-insensitively), besides an empty field. */
const MISSING = new Set(['', 'na', 'n/a', 'nan', 'null', 'none', '-', '?']);

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
 * Parse CSV text into `{ values, dates, name }`.
 *
 * Row numbers in errors count the header as row 1 and are line numbers in the
 * file (blank lines and lines inside quoted fields count), so they match an
 * editor. Every error is an `LstmWasmError` saying what is wrong and what to
 * do: empty text, no data rows, a stray or unclosed quote, an unknown or
 * ambiguous column (the message lists the columns), a row with the wrong
 * number of fields, a missing value (empty, `NA`, `NaN`, `null`, …), a value
 * that is not a number or is out of range (row, column and the value are
 * named), and dates that are missing, malformed, mixed or out of order.
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

  // default: the last column with a name (a trailing delimiter leaves an unnamed, empty last column)
  let lastNamed = header.length - 1;
  while (lastNamed > 0 && header[lastNamed] === '') lastNamed--;
  const valueIndex = options.column === undefined ? lastNamed : resolveColumn(options.column, header, 'column', where);
  let dateIndex: number | undefined;
  if (options.dateColumn !== undefined) {
    dateIndex = resolveColumn(options.dateColumn, header, 'dateColumn', where);
    if (dateIndex === valueIndex) {
      fail(`${where}dateColumn and column are the same column (${show(header[valueIndex])}) — pick a different date column or leave it out`);
    }
  } else if (valueIndex !== 0 && header.length > 1) {
    const first = rows[0].fields[0]?.trim() ?? '';
    if (!isNumericField(first) && !MISSING.has(first.toLowerCase())) dateIndex = 0;
  }

  const name = header[valueIndex];
  const values: number[] = new Array(rows.length);
  const dates: string[] | undefined = dateIndex === undefined ? undefined : new Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const record = rows[r];
    checkShape(record, header, { value: valueIndex, date: dateIndex }, where);
    values[r] = readValue(record.fields[valueIndex], record.row, name, where);
    if (dates) dates[r] = record.fields[dateIndex!].trim();
  }
  if (dates) checkDates(dates, rows.map((rec) => rec.row), header[dateIndex!], where);
  return { values, dates, name };
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
 * A row must have one field per column, and its date and value fields must
 * not span lines. A row with the wrong number of fields that holds a field
 * spanning lines names that field too: a stray quote that swallowed the rows
 * after it is the likely cause.
 */
function checkShape(record: CsvRecord, header: string[], keyColumns: { value: number; date?: number }, where: string): void {
  const { fields, row, spanning } = record;
  if (fields.length !== header.length) {
    const s = spanning[0];
    const count = `row ${row} has ${fields.length} field${fields.length === 1 ? '' : 's'} but the header has ${header.length} columns`;
    if (s) {
      fail(`${where}${count}, and its quoted field in ${columnName(s.column, header)} opens in row ${s.row} and runs on to row ${s.endRow} — `
        + 'a stray quote that swallowed the rows after it? Close the quote on the same line or remove it');
    }
    const hint = fields.length < header.length ? 'a value is missing' : 'an unquoted delimiter inside a field?';
    fail(`${where}${count} (${hint}) — give every row one field per column`);
  }
  for (const s of spanning) {
    const what = s.column === keyColumns.value ? 'value' : s.column === keyColumns.date ? 'date' : null;
    if (what === null) continue; // a note or other text may span lines (RFC 4180)
    fail(`${where}row ${s.row}, ${columnName(s.column, header)}: a quoted ${what} opens here and runs on to row ${s.endRow}, `
      + `but a ${what} cannot hold a line break — almost surely a stray quote: close it on the same line or remove it`);
  }
}

/** The number in a value field, or an error naming the row, the column and the field. */
function readValue(field: string, row: number, name: string, where: string): number {
  const raw = field.trim();
  const at = `${where}row ${row}, column ${show(name)}`;
  if (MISSING.has(raw.toLowerCase())) {
    fail(`${at}: missing value${raw === '' ? '' : ` (${show(raw)})`} — fill it in (e.g. interpolate) or remove the row`);
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
