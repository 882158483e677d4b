/**
 * Target csv: parseCsvSeries(text, options).
 *
 * Drives: generated CSV series — a header; a date column of months, days
 * or years (or none); a value column written in many number forms; extra
 * columns whose fields hold quotes, delimiters, CR and LF (quoted as
 * RFC 4180 says); delimiter `,` `;` or tab (header names never hold a
 * delimiter that the documented detection would prefer); an optional BOM,
 * CRLF line ends, blank lines, quoted and space-padded fields; options by
 * default, by name, by case-folded padded name, by index, or invalid. Then
 * row operations whose result is known (duplicate, swap, reverse, keep the
 * first k rows) and character edits (insert / delete / replace characters
 * from `"` `,` `;` tab CR LF digits `-` `.` `e` letters NUL non-ASCII,
 * truncate).
 *
 * Asserts: without character edits, the text parses to exactly the
 * generated values, dates and column name — or, where the rules say the
 * file is unusable, an LstmWasmError: an invalid option, no value column
 * to take by default (several numeric ones, none named value/y/target), dates a row
 * operation put out of order or repeated, a date column whose quoted
 * fields hold line breaks. With them: an LstmWasmError (message bounded), or a
 * result whose values are numbers (NaN only where a field is a missing value), whose dates (if any) are one
 * per value, and where every value, date and the name is "attested" — it
 * is what one field of the text says: a token between delimiters, quotes
 * and line ends, or the content of a well-formed quoted field. A value the
 * text never wrote (e.g. `"12"3` read as 123) is a silent misreading.
 */
import fc from 'fast-check';
import { parseCsvSeries, type CsvSeriesOptions } from '../../src/index.js';
import { applyTextEdits, attempt, clip, finding, textEdit, type Target, type TextEdit } from './common.js';

type Delimiter = ',' | ';' | '\t';
type DateKind = 'months' | 'days' | 'years' | 'none';
type OptionMode = 'default' | 'name' | 'folded' | 'index' | 'bad-index' | 'bad-name' | 'same-column';
type RowOp = { op: 'dup'; i: number } | { op: 'swap'; i: number; j: number } | { op: 'reverse' } | { op: 'keep'; k: number };
type Wrap = 'plain' | 'quoted' | 'padded' | 'quoted-padded';

interface CsvCase {
  delimiter: Delimiter;
  bom: boolean;
  crlf: boolean;
  trailingNewline: boolean;
  dateKind: DateKind;
  dateStart: number;
  names: { value: string; date: string; extras: string[] };
  /** Where the columns go: a permutation key (the default mode forces date first, value last). */
  order: number;
  rows: { value: string; valueWrap: Wrap; dateWrap: Wrap; extras: string[]; quoteExtras: boolean }[];
  blankAfter: number[];
  options: OptionMode;
  rowOps: RowOp[];
  edits: TextEdit[];
}

/** The documented number syntax (csv.ts): plain decimals, optional sign, fraction and exponent. */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const isNumeric = (s: string) => NUMBER.test(s) && Number.isFinite(Number(s));
/** The documented missing values (read as NaN): an empty field and these words, in any case. */
const MISSING = new Set(['', 'na', 'nan', 'null']);
/** The documented names that make a first column the dates even when it holds numbers. */
const DATE_NAMES = new Set(['date', 'time', 'datetime', 'timestamp', 'ds', 'year', 'quarter', 'month', 'week', 'day', 'period', 'index', 't']);
/** The documented names that pick the value column among several numeric ones. */
const VALUE_NAMES = new Set(['value', 'y', 'target']);

const valueText: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map(String),
  fc.double({ min: -1e12, max: 1e12, noNaN: true }).map(String),
  fc.double({ min: -1e-3, max: 1e-3, noNaN: true }).map(String),
  fc.tuple(fc.constantFrom('', '+', '-'), fc.nat(99999), fc.nat(999), fc.constantFrom('', 'e3', 'E-2', 'e+1')).map(([s, i, f, e]) => `${s}${i}.${f}${e}`),
  fc.constantFrom('.5', '5.', '-.5', '+7', '0', '-0', '1e308', '0.000001', '007', '1E5'),
).filter(isNumeric);

const wrap = fc.constantFrom<Wrap>('plain', 'plain', 'quoted', 'padded', 'quoted-padded');
const extraField = fc.string({ unit: fc.constantFrom('a', 'b', 'x', '1', ' ', '"', ',', ';', '\t', '\r', '\n', '\r\n', 'é', '😀'), maxLength: 8 });

/** Header names; each delimiter gets names free of the delimiters detection prefers to it. */
const NAME_POOL = ['value', 'passengers', 'Sales (units)', 'y', 'say "hi"', 'a,b', 'x;y', 'tab\there', '  padded  ', 'é', '0', '1949', 'NA', 'toString', '__proto__', 'month', 'date', 'when, exactly', 'note', 'id', 'comment'];
const allowedName = (d: Delimiter, n: string) => n.trim() !== '' && (d === ',' || (!n.includes(',') && (d === ';' || !n.includes(';'))));

const rowOp: fc.Arbitrary<RowOp> = fc.oneof(
  fc.record({ op: fc.constant('dup' as const), i: fc.nat(40) }),
  fc.record({ op: fc.constant('swap' as const), i: fc.nat(40), j: fc.nat(40) }),
  fc.record({ op: fc.constant('reverse' as const) }),
  fc.record({ op: fc.constant('keep' as const), k: fc.integer({ min: 1, max: 40 }) }),
);

const arbitrary: fc.Arbitrary<CsvCase> = fc.record({
  delimiter: fc.constantFrom<Delimiter>(',', ';', '\t'),
  bom: fc.boolean(),
  crlf: fc.boolean(),
  trailingNewline: fc.boolean(),
  dateKind: fc.constantFrom<DateKind>('months', 'days', 'years', 'none'),
  dateStart: fc.integer({ min: 0, max: 3000 }),
  names: fc.record({ value: fc.constantFrom(...NAME_POOL), date: fc.constantFrom(...NAME_POOL), extras: fc.array(fc.constantFrom(...NAME_POOL), { maxLength: 3 }) }),
  order: fc.nat(),
  rows: fc.array(fc.record({ value: valueText, valueWrap: wrap, dateWrap: wrap, extras: fc.array(extraField, { minLength: 3, maxLength: 3 }), quoteExtras: fc.boolean() }), { minLength: 1, maxLength: 40 }),
  blankAfter: fc.array(fc.nat(40), { maxLength: 2 }),
  options: fc.constantFrom<OptionMode>('default', 'default', 'name', 'folded', 'index', 'bad-index', 'bad-name', 'same-column'),
  rowOps: fc.array(rowOp, { maxLength: 2 }),
  edits: fc.oneof({ weight: 1, arbitrary: fc.constant([] as TextEdit[]) }, { weight: 2, arbitrary: fc.array(textEdit, { minLength: 1, maxLength: 4 }) }),
});

function dateText(kind: DateKind, start: number, i: number): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  if (kind === 'years') return String(1800 + start + i);
  if (kind === 'months') { const m = start * 7 + i; return `${1900 + Math.floor(m / 12)}-${pad((m % 12) + 1)}`; }
  const d = new Date(Date.UTC(1950, 0, 1) + (start * 13 + i) * 86_400_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

function quote(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

/** A field as written: quoted when it must be (or when asked), padded with spaces when asked. */
function field(s: string, how: Wrap | 'must', d: Delimiter): string {
  const must = s.includes(d) || /["\r\n]/.test(s) || s !== s.trim();
  if (how === 'must') return must ? quote(s) : s;
  const q = how === 'quoted' || how === 'quoted-padded' || must ? quote(s) : s;
  return how === 'padded' || how === 'quoted-padded' ? ` ${q} ` : q;
}

interface Built {
  text: string;
  options: CsvSeriesOptions;
  /** What the text must parse to; 'error' when the options are invalid. */
  expect: { values: number[]; dates: string[] | undefined; name: string } | 'error';
  /** The expected result may also be an error (a column of generated text taken as the dates may look like an unordered time axis). */
  mayFail?: boolean;
}

/** The CSV text, the options and the expected result of a case (row operations applied, no character edits). */
function build(c: CsvCase): Built {
  const d = c.delimiter;
  const used = new Set<string>();
  const pick = (n: string, fallback: string) => {
    const name = allowedName(d, n) && !used.has(n.trim().toLowerCase()) ? n : fallback;
    used.add(name.trim().toLowerCase());
    return name;
  };
  const hasDate = c.dateKind !== 'none';
  const valueName = pick(c.names.value, 'value_col');
  const dateName = hasDate ? pick(c.names.date, 'date_col') : '';
  const extraNames = c.names.extras.map((n, i) => pick(n, `extra_${i}`));
  // the columns: 'v', 'd', 'e0', 'e1', … in an order from `order` (default mode: date first, value last)
  const kinds = [...(hasDate ? ['d'] : []), ...extraNames.map((_, i) => `e${i}`), 'v'];
  let cols: string[];
  if (c.options === 'default') cols = kinds; // the value column last (the default); the first column may be read as dates
  else if (!hasDate) cols = ['v', ...kinds.filter((k) => k !== 'v')]; // value first: no date column can be detected
  else {
    const rest = [...kinds];
    cols = [];
    let o = c.order;
    while (rest.length) { cols.push(rest.splice(o % rest.length, 1)[0]); o = Math.floor(o / 7) + 3; }
  }
  // rows, with the row operations applied (each row keeps its own date)
  let rows = c.rows.map((r, i) => ({ ...r, date: dateText(c.dateKind, c.dateStart, i), at: i }));
  for (const op of c.rowOps) {
    const n = rows.length;
    if (op.op === 'dup') rows.splice(op.i % n, 0, rows[op.i % n]);
    else if (op.op === 'swap') { const [i, j] = [op.i % n, op.j % n]; [rows[i], rows[j]] = [rows[j], rows[i]]; rows = [...rows]; }
    else if (op.op === 'reverse') rows = [...rows].reverse();
    else rows = rows.slice(0, Math.max(1, Math.min(op.k, n)));
  }
  // header names holding any delimiter are quoted: in a one-column file the detection would otherwise split them
  const headerField = (k: string) => {
    const n = k === 'v' ? valueName : k === 'd' ? dateName : extraNames[Number(k.slice(1))];
    return /[,;\t]/.test(n) ? quote(n) : field(n, 'must', d);
  };
  const rowField = (r: (typeof rows)[number], k: string) =>
    k === 'v' ? field(r.value, r.valueWrap, d) : k === 'd' ? field(r.date, r.dateWrap, d) : field(r.extras[Number(k.slice(1))] ?? '', r.quoteExtras ? 'quoted' : 'must', d);
  const eol = c.crlf ? '\r\n' : '\n';
  const lines = [cols.map(headerField).join(d)];
  rows.forEach((r, i) => {
    lines.push(cols.map((k) => rowField(r, k)).join(d));
    if (c.blankAfter.includes(i)) lines.push(i % 2 ? '' : '  ');
  });
  const text = (c.bom ? '\ufeff' : '') + lines.join(eol) + (c.trailingNewline ? eol : '');

  const vi = cols.indexOf('v'), di = cols.indexOf('d');
  const values = rows.map((r) => Number(r.value.trim()));
  const raw = (r: (typeof rows)[number], k: string) => (k === 'd' ? r.date : r.extras[Number(k.slice(1))] ?? '').trim();
  const nameOf = (k: string) => (k === 'v' ? valueName : k === 'd' ? dateName : extraNames[Number(k.slice(1))]).trim();
  // the documented default: the first column is the dates if it is not the value column and its first value is text
  // (not a number nor a missing-value word) or its name is a time word
  const firstText = cols.length > 1 && !isNumeric(raw(rows[0], cols[0])) && !MISSING.has(raw(rows[0], cols[0]).toLowerCase());
  const firstIsDates = cols.length > 1 && cols[0] !== 'v' && (firstText || DATE_NAMES.has(nameOf(cols[0]).toLowerCase()));
  // the documented default value column: the one numeric column besides the dates (numeric: its first non-missing field
  // is a number), or among several the one named value, y or target; otherwise an error
  const numericCols = cols.filter((k, i) => {
    if (firstIsDates && i === 0) return false;
    const first = rows.map((r) => (k === 'v' ? r.value.trim() : raw(r, k))).find((f) => !MISSING.has(f.toLowerCase()));
    return first !== undefined && isNumeric(first);
  });
  const named = numericCols.filter((k) => VALUE_NAMES.has(nameOf(k).toLowerCase()));
  const chosen = numericCols.length === 1 ? numericCols[0] : named.length === 1 ? named[0] : undefined;
  // the chosen column's values: a number, NaN where missing; text after its first field is an error
  const chosenFields = chosen === undefined ? [] : rows.map((r) => (chosen === 'v' ? r.value.trim() : raw(r, chosen)));
  // (a value field may not hold a line break: documented, an error)
  const chosenSpans = chosen !== undefined && chosen !== 'v' && chosen !== 'd' && rows.some((r) => /[\r\n]/.test(r.extras[Number(chosen.slice(1))] ?? ''));
  const chosenValues = !chosenSpans && chosenFields.every((f) => isNumeric(f) || MISSING.has(f.toLowerCase()))
    ? chosenFields.map((f) => (isNumeric(f) ? Number(f) : Number.NaN)) : undefined;
  const dates = c.options === 'default' ? (firstIsDates ? rows.map((r) => raw(r, cols[0])) : undefined) : hasDate ? rows.map((r) => r.date) : undefined;
  // what makes a well-formed file's dates unusable (documented in csv.ts): generated dates (months, days, and years when
  // named) that a row operation put out of order or repeated; and a date column of text whose quoted fields hold line breaks
  const datesFromD = c.options === 'default' ? firstIsDates && cols[0] === 'd' : hasDate;
  const outOfOrder = datesFromD && rows.some((r, i) => i > 0 && r.at <= rows[i - 1].at);
  const textDatesSpanLines = c.options === 'default' && firstIsDates && cols[0] !== 'd' && rows.some((r) => /[\r\n]/.test(r.extras[Number(cols[0].slice(1))] ?? ''));
  const ok = outOfOrder || textDatesSpanLines ? 'error' : { values, dates, name: valueName.trim() };
  // an extra column taken as the dates by its name may hold numbers: a time axis whose order is then checked
  const mayFail = c.options === 'default' && firstIsDates && cols[0] !== 'd' && !firstText;
  switch (c.options) {
    case 'default': {
      if (chosen === undefined || chosenValues === undefined || ok === 'error') return { text, options: {}, expect: 'error', mayFail };
      return { text, options: {}, expect: { values: chosenValues, dates, name: nameOf(chosen) }, mayFail };
    }
    case 'name': return { text, options: { column: valueName, dateColumn: hasDate ? dateName : undefined }, expect: ok };
    case 'folded': return { text, options: { column: ` ${valueName.trim().toUpperCase()} `, dateColumn: hasDate ? dateName.toLowerCase() : undefined }, expect: ok };
    case 'index': return { text, options: { column: vi, dateColumn: hasDate ? di : undefined }, expect: ok };
    case 'bad-index': return { text, options: { column: [cols.length, -1, 1.5, NaN][c.order % 4] }, expect: 'error' };
    case 'bad-name': return { text, options: { column: 'no such column' }, expect: 'error' };
    case 'same-column': return { text, options: { column: vi, dateColumn: valueName }, expect: 'error' };
  }
}

/**
 * Every string one field of `text` could say: tokens between delimiters,
 * quotes and line ends; tokens between delimiters and line ends (quotes
 * kept, as in an unquoted field); and the contents of quoted fields.
 */
function attested(text: string): Set<string> {
  const out = new Set<string>();
  // the delimiter as documented: a comma, or a semicolon / tab when the header has no comma but has one of those
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const first = body.slice(0, body.search(/\r?\n|$/));
  const d = first.includes(',') ? ',' : first.includes(';') ? ';' : first.includes('\t') ? '\t' : ',';
  for (const t of body.split(new RegExp(`[${d}"\r\n]`))) out.add(t.trim());
  // a quote inside an unquoted field is text (documented): fields read with their quotes
  for (const t of body.split(new RegExp(`[${d}\r\n]`))) out.add(t.trim());
  // a quoted field may start at any quote (an edit can unbalance the ones before it)
  for (let i = body.indexOf('"'); i >= 0; i = body.indexOf('"', i + 1)) {
    let k = i + 1, content = '';
    for (; k < body.length; k++) {
      if (body[k] !== '"') content += body[k];
      else if (body[k + 1] === '"') { content += '"'; k++; }
      else break;
    }
    if (k < body.length) out.add(content.trim());
  }
  return out;
}

async function run(c: CsvCase): Promise<void> {
  const b = build(c);
  const text = applyTextEdits(b.text, c.edits);
  const r = attempt('parseCsvSeries', () => parseCsvSeries(text, b.options));
  if (text === b.text) {
    if (b.expect === 'error') {
      if (r.ok) finding('an invalid file or column option was accepted', `options ${JSON.stringify(b.options)} gave ${clip(JSON.stringify(r.value), 200)}`);
      return;
    }
    if (!r.ok) {
      if (b.mayFail) return;
      finding('a valid CSV was rejected', r.error.message);
    }
    const got = r.value, want = b.expect;
    if (got.name !== want.name) finding('wrong column name', `got ${JSON.stringify(got.name)}, want ${JSON.stringify(want.name)}`);
    if (got.values.length !== want.values.length || got.values.some((v, i) => !Object.is(v, want.values[i]))) {
      const i = got.values.findIndex((v, k) => !Object.is(v, want.values[k]));
      finding('wrong values', `${got.values.length} values (want ${want.values.length}); first difference at row ${i + 2}: got ${got.values[i]}, want ${want.values[i]}`);
    }
    if (JSON.stringify(got.dates) !== JSON.stringify(want.dates)) {
      finding('wrong dates', `got ${clip(JSON.stringify(got.dates), 200)}, want ${clip(JSON.stringify(want.dates), 200)}`);
    }
    return;
  }
  if (!r.ok) return; // a clear error for an edited file is always acceptable
  const { values, dates, name } = r.value;
  // NaN is a missing value (an empty field or NA, NaN, null); any other non-finite value is a misreading
  if (!Array.isArray(values) || values.some((v) => typeof v !== 'number' || v === Infinity || v === -Infinity)) finding('an edited file gave infinite values', clip(JSON.stringify(values), 200));
  if (dates !== undefined && (!Array.isArray(dates) || dates.length !== values.length || dates.some((s) => typeof s !== 'string'))) {
    finding('an edited file gave dates inconsistent with its values', `${values.length} values, dates ${clip(JSON.stringify(dates), 200)}`);
  }
  const said = attested(text);
  const bad = values.findIndex((v) => ![...said].some((t) => (Number.isNaN(v) ? MISSING.has(t.toLowerCase()) : isNumeric(t) && Number(t) === v)));
  if (bad >= 0) finding('an edited file gave a value no field of it says', `value ${bad + 1} is ${values[bad]}, which no field of the text reads as`);
  const badDate = dates?.findIndex((s) => !said.has(s)) ?? -1;
  if (badDate >= 0) finding('an edited file gave a date no field of it says', `date ${badDate + 1} is ${JSON.stringify(dates![badDate])}`);
  if (!said.has(name)) finding('an edited file gave a column name no field of it says', JSON.stringify(name));
}

export const csv: Target<CsvCase> = { name: 'csv', arbitrary, run };
