/**
 * The CSV reader against files a user or a tool could hand it: RFC 4180
 * quoting read back exactly (a seeded round trip with quotes, delimiters and
 * line breaks in a text column), stray quotes named by row and column instead
 * of silently merging rows or digits, dates that must run oldest first, and
 * inputs that used to take quadratic time. Row numbers are file lines, the
 * header being row 1.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { rng, runBuilt, throwsLW } from './helpers.js';
import { parseCsvSeries } from '../src/index.js';
import { parseCsvRecords } from '../src/timeseries/csv.js';

const AIRLINE = fileURLToPath(new URL('../data/international-airline-passengers.csv', import.meta.url));

/** Expect an LstmWasmError whose one-line message matches every pattern; return the message. */
function throwsLine(fn: () => unknown, ...patterns: RegExp[]): string {
  const err = throwsLW(fn, ...patterns);
  expect(err.message).not.toContain('\n');
  return err.message;
}

// ---------------------------------------------------------------------------
// A seeded generator of RFC 4180 files: a date, a value and a free-text note
// per row, columns in any order, any of the three delimiters, LF / CRLF / CR
// records, fields quoted when they must be (and sometimes when they need not).

/** Pieces a note is made of: every character that needs quoting, and some that do not. */
const NOTE_PIECES = ['a', 'note', ' ', '  lead', 'trail  ', '"', '""', ',', ';', '\t', '\r\n', '\n', '\r', 'é', '😀', 'x,"y"', ''];
const LINE_ENDS = ['\n', '\r\n', '\r'];
const DELIMITERS = [',', ';', '\t'];

interface GeneratedFile {
  text: string;
  delimiter: string;
  /** Header then rows, as written before quoting. */
  records: string[][];
  values: number[];
  dates: string[];
  /** Where each data row starts in `text`. */
  rowStarts: number[];
}

function generateFile(seed: number): GeneratedFile {
  const r = rng(seed);
  const int = (n: number) => Math.floor(r(0, n));
  const pick = <T>(xs: T[]) => xs[int(xs.length)];
  const delimiter = pick(DELIMITERS);
  const lineEnd = pick(LINE_ENDS);

  const value = (): number => {
    const kinds = [
      () => Math.round(r(-1e6, 1e6)),
      () => r(-1, 1) * 10 ** Math.round(r(-300, 300)),
      () => r(-100, 100),
      () => pick([5e-324, 1e-323, Number.MAX_VALUE, -Number.MAX_VALUE, 1e21, 0.1, 123456789012345680000]),
    ];
    const v = kinds[int(kinds.length)]();
    return v === 0 ? 0 : v; // no -0: it is written as "0"
  };
  const note = () => Array.from({ length: int(6) }, () => pick(NOTE_PIECES)).join('');
  const quote = (field: string) => {
    const must = field.includes(delimiter) || /["\r\n]/.test(field);
    return must || r(0, 1) < 0.3 ? `"${field.replace(/"/g, '""')}"` : field;
  };

  const order = [['date', 'value', 'note'], ['note', 'date', 'value'], ['value', 'note', 'date']][int(3)];
  const rowCount = 1 + int(30);
  let day = Date.UTC(1900, 0, 1) / 86_400_000 + int(60_000);
  const values: number[] = [];
  const dates: string[] = [];
  const records: string[][] = [order];
  for (let i = 0; i < rowCount; i++) {
    day += 1 + int(3); // increasing, not always by one day
    const cells: Record<string, string> = { date: new Date(day * 86_400_000).toISOString().slice(0, 10), value: '', note: note() };
    const v = value();
    cells.value = String(v);
    values.push(v);
    dates.push(cells.date);
    records.push(order.map((c) => cells[c]));
  }
  let text = r(0, 1) < 0.3 ? '\uFEFF' : '';
  const rowStarts: number[] = [];
  records.forEach((rec, i) => {
    if (i > 0) rowStarts.push(text.length);
    text += rec.map(quote).join(delimiter);
    if (i < records.length - 1 || r(0, 1) < 0.5) text += lineEnd;
  });
  return { text, delimiter, records, values, dates, rowStarts };
}

/** The line number at an offset: 1 + the line breaks before it (CRLF being one). */
function lineAt(text: string, offset: number): number {
  return text.slice(0, offset).split(/\r\n|\r|\n/).length;
}

describe('parseCsvSeries reads RFC 4180 back exactly', () => {
  it('round-trips 400 seeded files: every field, every value and date, and the row numbers of errors', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const f = generateFile(seed);
      const body = f.text.replace(/^\uFEFF/, '');
      expect(parseCsvRecords(body, f.delimiter), `seed ${seed}`).toEqual(f.records);
      const s = parseCsvSeries(f.text, { column: 'value', dateColumn: 'date' });
      expect(s.values, `seed ${seed}`).toEqual(f.values);
      expect(s.dates, `seed ${seed}`).toEqual(f.dates);
      expect(s.name).toBe('value');

      // a bad value in some row is reported at that row's line in the file, however many line breaks the notes hold
      const bad = Math.floor(rng(seed + 1000)(0, f.rowStarts.length));
      const rec = f.records[bad + 1].slice();
      rec[f.records[0].indexOf('value')] = 'oops';
      const start = f.rowStarts[bad];
      const end = bad + 1 < f.rowStarts.length ? f.rowStarts[bad + 1] : f.text.length;
      const rowText = f.text.slice(start, end);
      const lineEnd = /(\r\n|\r|\n)$/.exec(rowText)?.[0] ?? '';
      const rewritten = rec.map((field) => `"${field.replace(/"/g, '""')}"`).join(f.delimiter) + lineEnd;
      const broken = f.text.slice(0, start) + rewritten + f.text.slice(end);
      throwsLine(() => parseCsvSeries(broken, { column: 'value', dateColumn: 'date' }),
        new RegExp(`row ${lineAt(broken, start)}, column "value": "oops" is not a number`));
    }
  });

  it('allows spaces and tabs around a quoted field, and keeps them inside it', () => {
    expect(parseCsvSeries('t,v\na, "1" \nb,\t"2"\t\n')).toEqual({ values: [1, 2], dates: ['a', 'b'], name: 'v' });
    expect(parseCsvRecords('a, " x " ,b\n')).toEqual([['a', ' x ', 'b']]);
    // with tab as the delimiter a tab is a field boundary, not padding
    expect(parseCsvRecords('a\t\t"b"\t\n', '\t')).toEqual([['a', '', 'b', '']]);
  });
});

describe('parseCsvSeries names stray quotes instead of misreading them', () => {
  it('a quote opening a date that is closed lines later does not swallow the rows in between', () => {
    // before: 3 rows read as 2, the date being '2000-02,2\n2000-03'
    throwsLine(() => parseCsvSeries('month,v\n2000-01,1\n"2000-02,2\n2000-03",3\n2000-04,4\n'),
      /row 3, column 1 \("month"\): a quoted date opens here and runs on to row 4/, /stray quote/);
    throwsLine(() => parseCsvSeries('t,v\na,"1\n2"\n'), /row 2, column 2 \("v"\): a quoted value opens here and runs on to row 3/);
  });

  it('text after a closing quote is an error, not glued on ("1"5 was read as 15)', () => {
    throwsLine(() => parseCsvSeries('a,v\nx,"1"5\n'), /row 2, column 2 \("v"\): text after the closing quote of a quoted field: "5"/);
    throwsLine(() => parseCsvSeries('t,v\n"2000-01"x,1\n'), /row 2, column 1 \("t"\): text after the closing quote/);
    // the row named is where the text is; where the quote opened is named too
    throwsLine(() => parseCsvSeries('t,note,v\na,"x\ny"z,1\n'), /row 3, column 2 \("note"\): text after the closing quote of a quoted field \(its quote opened in row 2\)/);
  });

  it('a quote inside an unquoted field is an error naming the row and column', () => {
    throwsLine(() => parseCsvSeries('a,v\nx,1"5\n'), /row 2, column 2 \("v"\): a quote inside an unquoted field/, /double the quotes/);
    throwsLine(() => parseCsvSeries('a,v\nx,1\nsay "hi",2\n'), /row 3, column 1 \("a"\): a quote inside an unquoted field/);
  });

  it('an unclosed quote names the row and column where it opened', () => {
    throwsLine(() => parseCsvSeries('month,v\n2000-01,1\n2000-02,"2\n2000-03,3\n'), /row 3, column 2 \("v"\): a quote opens a field here and is never closed/);
  });

  it('a row that has the wrong field count because a quoted field ran on names that field', () => {
    throwsLine(() => parseCsvSeries('t,note,v\n2000-01,"oops,1\n2000-02,x",2,9\n'),
      /row 2 has 4 fields but the header has 3 columns, and its quoted field in column 2 \("note"\) opens in row 2 and runs on to row 3/);
  });

  it('a header name may not span lines', () => {
    throwsLine(() => parseCsvSeries('"t\nx",v\na,1\n'), /row 1, column 1 of the header: a quoted column name runs over several lines/);
  });

  it('counts a lone CR inside quotes as a line, as it does outside them', () => {
    throwsLine(() => parseCsvSeries('t,note,v\na,"x\ry",1\nb,z,oops\n'), /row 4, column "v": "oops" is not a number/);
  });

  it('finds the delimiter outside quotes: a quoted comma in a semicolon header', () => {
    expect(parseCsvSeries('"a,b";c\nx;1\n')).toEqual({ values: [1], dates: ['x'], name: 'c' });
  });
});

describe('parseCsvSeries checks dates that are time labels', () => {
  const airlineLines = () => readFileSync(AIRLINE, 'utf8').trim().split('\n');

  it('rejects reversed dates, naming the first row out of order and both dates', () => {
    const [header, ...rows] = airlineLines();
    const reversed = [header, ...rows.reverse()].join('\n');
    throwsLine(() => parseCsvSeries(reversed, { source: 'air.csv' }),
      /^lstm-wasm: air\.csv: row 3, column "time": the date "1960-11" comes before "1960-12" in row 2 — sort the rows by date, oldest first$/);
  });

  it('rejects a shuffled pair in the middle and duplicate dates', () => {
    const lines = airlineLines();
    [lines[50], lines[51]] = [lines[51], lines[50]]; // rows 51 and 52 of the file
    throwsLine(() => parseCsvSeries(lines.join('\n')), /row 52, column "time": the date "1953-02" comes before "1953-03" in row 51/);
    throwsLine(() => parseCsvSeries('day,v\n2020-01-01,1\n2020-01-02,2\n2020-01-02,3\n'),
      /row 4, column "day": the date "2020-01-02" repeats row 3 \("2020-01-02"\) — each date may appear once/);
  });

  it('checks every recognised kind: days across a leap day, date-times, plain years', () => {
    expect(parseCsvSeries('d,v\n2020-02-28,1\n2020-02-29,2\n2020-03-01,3\n').dates).toEqual(['2020-02-28', '2020-02-29', '2020-03-01']);
    throwsLine(() => parseCsvSeries('d,v\n2020-02-28,1\n2020-02-27,2\n'), /row 3, .*comes before "2020-02-28"/);
    throwsLine(() => parseCsvSeries('t,v\n2021-01-01 10:00,1\n2021-01-01 09:59:59,2\n'), /row 3, .*"2021-01-01 09:59:59" comes before "2021-01-01 10:00"/);
    throwsLine(() => parseCsvSeries('t,v\n2021-01-01T10:00,1\n2021-01-01T10:00:00,2\n'), /row 3, .*repeats row 2/);
    throwsLine(() => parseCsvSeries('year,v\n1950,1\n1949,2\n', { dateColumn: 'year' }), /row 3, column "year": the date "1949" comes before "1950"/);
  });

  it('rejects a date column with a missing, impossible or differently written date', () => {
    throwsLine(() => parseCsvSeries('m,v\n1949-01,1\n,2\n'), /row 3, column "m": the date is missing — fill it in or remove the row/);
    throwsLine(() => parseCsvSeries('m,v\n1949-01,1\n1949-13,2\n'), /row 3, column "m": "1949-13" is not a real date/);
    throwsLine(() => parseCsvSeries('d,v\n2021-02-28,1\n2021-02-29,2\n'), /row 3, .*"2021-02-29" is not a real date/);
    throwsLine(() => parseCsvSeries('t,v\n2021-01-01 24:00,1\n'), /row 2, .*is not a real date or time/);
    throwsLine(() => parseCsvSeries('m,v\n1949-01,1\n1949-02-01,2\n'), /row 3, .*"1949-02-01" is a date \(YYYY-MM-DD\) but the first date is a month \(YYYY-MM\) — write every date in the same form/);
  });

  it('takes free-text labels as they are, in any order', () => {
    expect(parseCsvSeries('q,v\nQ2 2020,1\nQ1 2020,2\n').dates).toEqual(['Q2 2020', 'Q1 2020']);
    expect(parseCsvSeries('m,v\n1949-02,1\nJan 1949,2\n').dates).toEqual(['1949-02', 'Jan 1949']); // not all are time labels
    expect(parseCsvSeries('m,v\n1949-2,1\n1949-1,2\n').dates).toEqual(['1949-2', '1949-1']); // one-digit months are free text
  });
});

describe('parseCsvSeries: other ways a file could mislead it', () => {
  it('a column name that two columns share is ambiguous, not silently the first', () => {
    throwsLine(() => parseCsvSeries('t,v,v\na,1,2\n', { column: 'v' }), /column "v" names 2 columns \(1, 2\) — give the 0-based index/);
    throwsLine(() => parseCsvSeries('t,Sales,sales\na,1,2\n', { column: 'SALES' }), /names 2 columns/);
    expect(parseCsvSeries('t,Sales,sales\na,1,2\n', { column: 'sales' }).values).toEqual([2]); // an exact match wins
  });

  it('a number too large or too small for a double is an error, not Infinity or 0', () => {
    throwsLine(() => parseCsvSeries('t,v\na,1e999\n'), /row 2, column "v": "1e999" is too large for a 64-bit float/);
    throwsLine(() => parseCsvSeries('t,v\na,-2.5e-999\n'), /row 2, column "v": "-2\.5e-999" is too small for a 64-bit float and would read as 0/);
    expect(parseCsvSeries('t,v\na,0e-999\nb,0.000\nc,5e-324\n').values).toEqual([0, 0, 5e-324]);
  });

  it('keeps messages short: long fields and long headers are cut', () => {
    const long = 'x'.repeat(100_000);
    const msg = throwsLine(() => parseCsvSeries(`t,v\na,${long}\n`), /row 2, column "v": "x{79}…" is not a number/);
    expect(msg.length).toBeLessThan(300);
    const header = Array.from({ length: 10_000 }, (_, i) => `c${i}`).join(',');
    const msg2 = throwsLine(() => parseCsvSeries(`${header}\n${header}\n`, { column: 'nope' }), /no column named "nope" — the columns are 0: "c0", 1: "c1"/, /… \(9980 more\)/);
    expect(msg2.length).toBeLessThan(1_000);
  });

  it('options of null are no options', () => {
    expect(parseCsvSeries('t,v\na,1\n', null as unknown as undefined).values).toEqual([1]);
  });
});

const SUITE = new URL('./data/forecast-dev/', import.meta.url);
const suiteText = (file: string) => readFileSync(new URL(file, SUITE), 'utf8');

describe('parseCsvSeries: missing values are NaN', () => {
  it('an empty cell, NA, NaN, null — any case, spaces around, quoted or not — reads as NaN', () => {
    const s = parseCsvSeries('t,v\na,1\nb,\nc,NA\nd, na \ne,NaN\nf,nan\ng,NULL\nh," Null "\ni,""\nj,2\n');
    expect(s.values).toEqual([1, NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN, 2]);
    expect(s.values.filter(Number.isNaN)).toHaveLength(8);
  });

  it('other text is still an error naming the row and the column; look-alike missing markers get a hint', () => {
    for (const word of ['n/a', 'N/A', 'none', '-', '?', '.', '#N/A', 'missing', 'nil']) {
      throwsLine(() => parseCsvSeries(`t,v\na,1\nb,${word}\n`), new RegExp(`row 3, column "v": "${word.replace(/[?.\/#-]/g, '\\$&')}" is not a number — if the value is missing, leave the cell empty or write NA`));
    }
    throwsLine(() => parseCsvSeries('t,v\na,1\nb,NAN1\n'), /row 3, column "v": "NAN1" is not a number — fix the value/);
    throwsLine(() => parseCsvSeries('t,v\na,1\nb,NA NA\n'), /row 3, column "v": "NA NA" is not a number/);
  });

  it('presidents.train.csv: its first value is missing (1945-Q1), as are the others its file leaves empty', () => {
    const text = suiteText('presidents.train.csv');
    const s = parseCsvSeries(text);
    expect(s.name).toBe('value');
    expect(s.dates![0]).toBe('1945-Q1');
    expect(s.values[0]).toBeNaN();
    expect(s.values[1]).toBe(87);
    // counted independently: lines whose value field is empty
    const empty = text.trim().split('\n').slice(1).filter((line) => line.split(',')[1] === '').length;
    expect(empty).toBeGreaterThan(1);
    expect(s.values.filter(Number.isNaN)).toHaveLength(empty);
  });

  it('gold.train.csv: as many NaN as empty value cells (counted with a plain line split)', () => {
    const text = suiteText('gold.train.csv');
    const lines = text.trim().split(/\r?\n/).slice(1);
    const emptyAt = lines.flatMap((line, i) => (line.split(',')[1].trim() === '' ? [i] : []));
    expect(emptyAt.length).toBeGreaterThan(10);
    const s = parseCsvSeries(text);
    expect(s.values).toHaveLength(lines.length);
    expect(s.values.flatMap((v, i) => (Number.isNaN(v) ? [i] : []))).toEqual(emptyAt);
  });

  it('a missing first cell does not make the first column the dates (unless it is named like dates)', () => {
    expect(parseCsvSeries('a,v\n,1\nx,2\n', { column: 'v' }).dates).toBeUndefined();
    expect(parseCsvSeries('date,v\n,1\nx,2\n').dates).toEqual(['', 'x']); // free text: no order to check
  });
});

describe('parseCsvSeries: the value column when none is given', () => {
  it('the one numeric column besides the date column, wherever it is (not the last column)', () => {
    expect(parseCsvSeries('month,sales,note\n2020-01,5,a\n2020-02,6,b\n')).toEqual({ values: [5, 6], dates: ['2020-01', '2020-02'], name: 'sales' });
    expect(parseCsvSeries('month,sales,comment\n2020-01,,ok\n2020-02,6,\n').name).toBe('sales'); // numeric: its first non-missing cell
    expect(parseCsvSeries('v\n1\n2\n').name).toBe('v');
  });

  it('the airline file: time (dates) and passengers', () => {
    const s = parseCsvSeries(readFileSync(AIRLINE, 'utf8'));
    expect([s.name, s.values.length, s.dates![0]]).toEqual(['passengers', 144, '1949-01']);
  });

  it('among several numeric columns, the one named value, y or target (any case)', () => {
    const bj = parseCsvSeries(suiteText('BJsales.train.csv')); // date,value,lead: the last column was taken before
    expect(bj.name).toBe('value');
    expect(bj.values[0]).toBe(200.1);
    expect(bj.dates![0]).toBe('1'); // "date" names the dates even though they are numbers
    const front = parseCsvSeries(suiteText('seatbelts_front.train.csv')); // date,value,kms,PetrolPrice,law
    expect([front.name, front.values[0], front.dates![0]]).toEqual(['value', 867, '1969-01']);
    expect(parseCsvSeries('t,price,Y\na,1,2\n').name).toBe('Y');
    expect(parseCsvSeries('t,TARGET,x\na,1,2\n').name).toBe('TARGET');
  });

  it('several numeric columns and none (or more than one) named value/y/target: an error listing them and saying how to choose', () => {
    throwsLine(() => parseCsvSeries('month,a,b,note\n2020-01,1,2,x\n', { source: 'f.csv' }),
      /^lstm-wasm: f\.csv: 2 numeric columns besides the date column "month" \("a", "b"\) and none is named value, y or target — say which with the column option \(--column NAME on the command line\)$/);
    throwsLine(() => parseCsvSeries('month,value,y\n2020-01,1,2\n'), /2 numeric columns .*\("value", "y"\) and 2 are named value, y or target \("value", "y"\)/);
    throwsLine(() => parseCsvSeries('year,a,b\n1990,1,2\n'), /besides the date column "year" \("a", "b"\)/);
  });

  it('no numeric column: one candidate is taken (its first bad cell is the error); several are an error', () => {
    throwsLine(() => parseCsvSeries('t,v\na,x\n'), /row 2, column "v": "x" is not a number/);
    throwsLine(() => parseCsvSeries('t,u,v\na,x,y\n'), /no numeric column besides the date column "t": the columns "u", "v" begin with text — say which/);
  });
});

describe('parseCsvSeries: covariates', () => {
  it('reads the named columns beside the values, in the order asked, NaN where missing', () => {
    const s = parseCsvSeries('date,value,kms,price\n2020-01,1,10,0.5\n2020-02,2,,NA\n2020-03,3,30,0.7\n', { covariates: ['price', 'KMS'] });
    expect(s.values).toEqual([1, 2, 3]);
    expect(s.covariates).toEqual([{ name: 'price', values: [0.5, NaN, 0.7] }, { name: 'kms', values: [10, NaN, 30] }]);
    expect(parseCsvSeries('t,v,c\na,1,2\n', { covariates: [2] }).covariates).toEqual([{ name: 'c', values: [2] }]);
    expect(parseCsvSeries('t,v,c\na,1,2\n', { column: 'v', covariates: [] }).covariates).toEqual([]);
    expect(parseCsvSeries('t,v,c\na,1,2\n', { column: 'v' })).not.toHaveProperty('covariates');
  });

  it('seatbelts_front.train.csv: kms, PetrolPrice and law', () => {
    const s = parseCsvSeries(suiteText('seatbelts_front.train.csv'), { covariates: ['kms', 'PetrolPrice', 'law'] });
    expect(s.name).toBe('value');
    expect(s.covariates!.map((c) => [c.name, c.values.length, c.values[0]])).toEqual([
      ['kms', 174, 9059], ['PetrolPrice', 174, 0.102971811805368], ['law', 174, 0],
    ]);
  });

  it('covariates are left out of the default value column: one numeric column besides them is the value', () => {
    expect(parseCsvSeries('month,sales,price\n2020-01,5,1.5\n', { covariates: ['price'] }).name).toBe('sales');
  });

  it('errors: an unknown column (listing them), the value or date column as a covariate, one named twice, a non-numeric cell', () => {
    throwsLine(() => parseCsvSeries('date,value,kms\n2020-01,1,2\n', { covariates: ['km'] }), /no column named "km" — the columns are 0: "date", 1: "value", 2: "kms"/);
    throwsLine(() => parseCsvSeries('date,value,kms\n2020-01,1,2\n', { covariates: [3] }), /covariate 3 is out of range/);
    throwsLine(() => parseCsvSeries('date,value,kms\n2020-01,1,2\n', { covariates: ['value'] }), /covariate column 2 \("value"\) is the value column/);
    throwsLine(() => parseCsvSeries('date,value,kms\n2020-01,1,2\n', { column: 'kms', covariates: ['kms'] }), /covariate column 3 \("kms"\) is the value column/);
    throwsLine(() => parseCsvSeries('date,value,kms\n2020-01,1,2\n', { covariates: ['date'] }), /covariate column 1 \("date"\) is the date column/);
    throwsLine(() => parseCsvSeries('d,value,kms\n2020-01,1,2\n', { dateColumn: 'd', covariates: [0] }), /covariate column 1 \("d"\) is the date column/);
    throwsLine(() => parseCsvSeries('date,value,kms\n2020-01,1,2\n', { covariates: ['kms', 'KMS'] }), /covariate column 3 \("kms"\) is named twice/);
    throwsLine(() => parseCsvSeries('date,value,kms\n2020-01,1,2\n2020-02,1,fast\n', { covariates: ['kms'] }), /row 3, column "kms": "fast" is not a number/);
    throwsLine(() => parseCsvSeries('date,value,kms\n2020-01,1,"2\n3"\n', { covariates: ['kms'] }), /row 2, column 3 \("kms"\): a quoted value opens here and runs on to row 3/);
    throwsLine(() => parseCsvSeries('t,v\na,1\n', { covariates: 'kms' as unknown as string[] }), /covariates must be an array of column names or 0-based indices, got "kms"/);
  });
});

// ---------------------------------------------------------------------------
// Linear time. A synchronous loop cannot be interrupted by the test runner, so
// these run the built package (npm test builds it first) in a child process
// that is killed after 60 s: a quadratic regression fails here instead of
// stalling the run.


describe('parseCsvSeries in linear time', () => {
  it('rejects a 1,000,000-digit non-number without backtracking (\\d+\\.?\\d* was quadratic: 50,000 digits took 10 s)', () => {
    const r = runBuilt(`
      const text = 'v\\n' + '1'.repeat(1_000_000) + 'x\\n';
      try { lib.parseCsvSeries(text); console.log('no error'); } catch (e) { console.log(e.message.slice(0, 200)); }
    `);
    expect(r.signal, 'killed: did not finish in 60 s').toBeNull();
    expect(r.stdout).toMatch(/row 2, column "v": "1{79}…" is not a number/);
  }, 90_000);

  it('rejects a field of 1,000,000 stray quotes at the first one (a trim per quote was quadratic)', () => {
    const r = runBuilt(`
      const text = 't,v\\na' + '"'.repeat(1_000_000) + ',1\\n';
      try { lib.parseCsvSeries(text); console.log('no error'); } catch (e) { console.log(e.message.slice(0, 200)); }
    `);
    expect(r.signal, 'killed: did not finish in 60 s').toBeNull();
    expect(r.stdout).toMatch(/row 2, column 1 \("t"\): a quote inside an unquoted field/);
  }, 90_000);

  it('reads a 50 MB file with quoted, quote-filled notes', () => {
    const r = runBuilt(`
      const rows = [];
      const note = '"' + 'a ""quoted"", note\\r\\n'.repeat(20) + '"';
      let size = 0;
      for (let i = 0; size < 50e6; i++) {
        const d = new Date(Date.UTC(2000, 0, 1) + i * 1000).toISOString().slice(0, 19);
        const line = d + ',' + note + ',' + (i % 1000) + '\\n';
        rows.push(line);
        size += line.length;
      }
      const s = lib.parseCsvSeries('time,note,value\\n' + rows.join(''), { column: 'value', dateColumn: 'time' });
      console.log(JSON.stringify({ n: s.values.length, expected: rows.length, last: s.values.at(-1), lastDate: s.dates.at(-1) }));
    `);
    expect(r.signal, 'killed: did not finish in 60 s').toBeNull();
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out.n).toBe(out.expected);
    expect(out.last).toBe((out.expected - 1) % 1000);
  }, 90_000);
});
