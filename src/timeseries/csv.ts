/**
 * Read one numeric series (and optionally its dates) out of CSV text.
 *
 * The text needs a header row. Fields may be quoted (`"1949-01"`, with `""`
 * for a quote inside quotes); lines may end in LF or CRLF; a UTF-8 BOM and
 * blank lines (anywhere, e.g. trailing) are ignored. The delimiter is a
 * comma, or a semicolon / tab when the header has no comma but has one of
 * those.
 */
import { fail } from '../errors.js';

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

/** A plain decimal number: `12`, `-3.5`, `.5`, `1e3`. Not hex, not `Infinity`, not `1,000`. */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** True if `field` (already trimmed) is a finite decimal number. */
export function isNumericField(field: string): boolean {
  return NUMBER.test(field) && Number.isFinite(Number(field));
}

/**
 * Parse CSV text into `{ values, dates, name }`.
 *
 * Row numbers in errors count the header as row 1, so they match the line
 * number in an editor when no quoted field spans lines. Every error is an
 * `LstmWasmError` saying what is wrong and what to do: empty text, no data
 * rows, an unknown column (the message lists the columns), a row with the
 * wrong number of fields, a missing value (empty, `NA`, `NaN`, `null`, …) or
 * a value that is not a number (row, column and the value are named).
 */
export function parseCsvSeries(text: string, options: CsvSeriesOptions = {}): CsvSeries {
  const where = options.source ? `${options.source}: ` : 'parseCsvSeries: ';
  if (typeof text !== 'string') fail(`${where}expected CSV text (a string), got ${typeof text}`);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') fail(`${where}the file is empty — a CSV needs a header row and at least one data row`);

  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = firstLine.includes(',') ? ',' : firstLine.includes(';') ? ';' : firstLine.includes('\t') ? '\t' : ',';
  const records = parseRecords(text, delimiter, where);
  if (records.length === 0) fail(`${where}the file is empty — a CSV needs a header row and at least one data row`);

  const [headerRecord, ...rows] = records;
  const header = headerRecord.fields.map((h) => h.trim());
  if (rows.length === 0) fail(`${where}no data rows after the header (${header.join(',')}) — the file needs at least one row of values`);

  // default: the last column with a name (a trailing delimiter leaves an unnamed, empty last column)
  let lastNamed = header.length - 1;
  while (lastNamed > 0 && header[lastNamed] === '') lastNamed--;
  const valueIndex = options.column === undefined ? lastNamed : resolveColumn(options.column, header, 'column', where);
  let dateIndex: number | undefined;
  if (options.dateColumn !== undefined) {
    dateIndex = resolveColumn(options.dateColumn, header, 'dateColumn', where);
    if (dateIndex === valueIndex) {
      fail(`${where}dateColumn and column are the same column ("${header[valueIndex]}") — pick a different date column or leave it out`);
    }
  } else if (valueIndex !== 0 && header.length > 1) {
    const first = rows[0].fields[0]?.trim() ?? '';
    if (!isNumericField(first) && !MISSING.has(first.toLowerCase())) dateIndex = 0;
  }

  const name = header[valueIndex];
  const values: number[] = new Array(rows.length);
  const dates: string[] | undefined = dateIndex === undefined ? undefined : new Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const { fields, row } = rows[r];
    if (fields.length !== header.length) {
      const hint = fields.length < header.length ? 'a value is missing' : 'an unquoted delimiter inside a field?';
      fail(`${where}row ${row} has ${fields.length} field${fields.length === 1 ? '' : 's'} but the header has ${header.length} columns (${hint}) — give every row one field per column`);
    }
    const raw = fields[valueIndex].trim();
    if (MISSING.has(raw.toLowerCase())) {
      fail(`${where}row ${row}, column "${name}": missing value${raw === '' ? '' : ` ("${raw}")`} — fill it in (e.g. interpolate) or remove the row`);
    }
    if (!isNumericField(raw)) fail(`${where}row ${row}, column "${name}": "${raw}" is not a number — fix the value or choose another column`);
    values[r] = Number(raw);
    if (dates) dates[r] = fields[dateIndex!].trim();
  }
  return { values, dates, name };
}

/** A header name or 0-based index → a column index, or a one-line error listing the columns. */
function resolveColumn(spec: string | number, header: string[], option: string, where: string): number {
  const list = header.map((h, i) => `${i}: "${h}"`).join(', ');
  if (typeof spec === 'number') {
    if (!Number.isInteger(spec) || spec < 0 || spec >= header.length) {
      fail(`${where}${option} ${spec} is out of range — the columns are ${list}`);
    }
    return spec;
  }
  if (typeof spec !== 'string') fail(`${where}${option} must be a column name or a 0-based index, got ${typeof spec}`);
  const exact = header.indexOf(spec.trim());
  if (exact >= 0) return exact;
  const folded = header.map((h) => h.toLowerCase()).indexOf(spec.trim().toLowerCase());
  if (folded >= 0) return folded;
  fail(`${where}no column named "${spec}" — the columns are ${list}`);
}

interface CsvRecord {
  fields: string[];
  /** 1-based record number, the header being row 1 (blank lines count, so it is the line number when no field spans lines). */
  row: number;
}

/** Split CSV text into records of raw fields (unquoted), dropping blank lines. */
function parseRecords(text: string, delimiter: string, where: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false; // inside a quoted field
  let line = 1; // current line number
  let recordLine = 1; // line where the current record began
  let sawContent = false; // the current record has a delimiter, a quote or non-blank text
  const endRecord = () => {
    fields.push(field);
    if (sawContent) records.push({ fields, row: recordLine });
    fields = [];
    field = '';
    sawContent = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"' && field.trim() === '') {
      // an opening quote (a quote later in an unquoted field is kept as text)
      field = '';
      quoted = true;
      sawContent = true;
    } else if (ch === delimiter) {
      fields.push(field);
      field = '';
      sawContent = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      field += ch;
      if (ch !== ' ' && ch !== '\t') sawContent = true;
    }
  }
  if (quoted) fail(`${where}row ${recordLine} has a quote that is never closed — close it or remove the stray "`);
  endRecord();
  return records;
}
