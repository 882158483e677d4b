/**
 * Time labels: recognising the dates of a series and labelling points beyond it.
 *
 * A label is a recognisable time label when it is one of
 *
 * - a month `YYYY-MM` (e.g. `1949-01`),
 * - a quarter `YYYY-Qn` (n 1 … 4, e.g. `1960-Q4`), also written `YYYY Qn`
 *   or `YYYYQn`; the `Q` is a capital, and the year comes first (`Q4 1960`
 *   is free text),
 * - a day `YYYY-MM-DD`,
 * - a date-time `YYYY-MM-DDTHH:MM`, `YYYY-MM-DD HH:MM`, with optional `:SS`
 *   and an optional trailing `Z` (read as UTC; numeric offsets like `+02:00`
 *   and fractions of a second are not recognised),
 * - a whole number of at most 15 digits, optionally negative (a plain year
 *   like `1949`, or a time index `1, 2, 3, …`).
 *
 * Years have exactly 4 digits (0000 … 9999) and every part must exist on the
 * calendar (no `2021-02-29`, no `24:00`, no `2020-Q5`). Anything else
 * (`1949-1`, `Q1 2020`, `01/02/2020`) is free text: nothing is assumed about
 * its order.
 */
import { fail } from '../errors.js';

export type TimeKind = 'month' | 'quarter' | 'day' | 'datetime' | 'integer';

/** How a date-time or number is written, so labels beyond the data are written the same way. */
interface TimeStyle {
  /** 'T' or ' ' between the date and the time; '-', ' ' or '' between the year and the quarter. */
  separator: string;
  seconds: boolean;
  /** 'Z' or ''. */
  zone: string;
  /** Zero-padded width of a whole number (`007` → 3), 0 when not padded. */
  width: number;
}

/**
 * A recognised label: its kind and a whole number that orders labels of that
 * kind — months or quarters since year 0, days or seconds since 1970-01-01,
 * or the number.
 */
export interface TimeLabel {
  kind: TimeKind;
  value: number;
  style: TimeStyle;
}

const MONTH = /^(\d{4})-(\d{2})$/;
const QUARTER = /^(\d{4})(-| |)Q(\d)$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})([T ])(\d{2}):(\d{2})(?::(\d{2}))?(Z?)$/;
const INTEGER = /^-?\d{1,15}$/;

const MS_PER_DAY = 86_400_000;
const SECONDS_PER_DAY = 86_400;
/** The last year a 4-digit label can show. */
const MAX_YEAR = 9999;
/** The most labels futureLabels makes (each is a string: 10^6 of them is already tens of MB). */
const MAX_FUTURE_LABELS = 1_000_000;

const KIND_NAMES: Record<TimeKind, string> = {
  month: 'a month (YYYY-MM)',
  quarter: 'a quarter (YYYY-Qn)',
  day: 'a date (YYYY-MM-DD)',
  datetime: 'a date and time (YYYY-MM-DD HH:MM)',
  integer: 'a whole number',
};

/** A description of a kind for messages, e.g. "a month (YYYY-MM)". */
function describeKind(kind: TimeKind): string {
  return KIND_NAMES[kind];
}

const PLAIN: TimeStyle = { separator: 'T', seconds: false, zone: '', width: 0 };

/** Days since 1970-01-01 of a calendar date, or null if the date does not exist (2021-02-29). */
function dayNumber(year: number, month: number, day: number): number | null {
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0 … 99 as 1900 … 1999
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return Math.round(d.getTime() / MS_PER_DAY);
}

/** The calendar date of a day number: [year, month 1-12, day 1-31]. */
function civilDate(days: number): [number, number, number] {
  const d = new Date(days * MS_PER_DAY);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
}

const pad = (v: number, width: number) => String(v).padStart(width, '0');

/**
 * Reads one label: a TimeLabel, 'invalid' when it has the shape of a date but
 * names none (`2020-13`, `2021-02-29`, `12:60`), or null for free text.
 */
function parseTimeLabel(label: string): TimeLabel | 'invalid' | null {
  let m = MONTH.exec(label);
  if (m) {
    const month = Number(m[2]);
    return month >= 1 && month <= 12 ? { kind: 'month', value: Number(m[1]) * 12 + month - 1, style: PLAIN } : 'invalid';
  }
  m = QUARTER.exec(label);
  if (m) {
    const quarter = Number(m[3]);
    if (quarter < 1 || quarter > 4) return 'invalid';
    return { kind: 'quarter', value: Number(m[1]) * 4 + quarter - 1, style: { ...PLAIN, separator: m[2] } };
  }
  m = DAY.exec(label);
  if (m) {
    const days = dayNumber(Number(m[1]), Number(m[2]), Number(m[3]));
    return days === null ? 'invalid' : { kind: 'day', value: days, style: PLAIN };
  }
  m = DATETIME.exec(label);
  if (m) {
    const days = dayNumber(Number(m[1]), Number(m[2]), Number(m[3]));
    const [h, min, s] = [Number(m[5]), Number(m[6]), m[7] === undefined ? 0 : Number(m[7])];
    if (days === null || h > 23 || min > 59 || s > 59) return 'invalid';
    const style = { separator: m[4], seconds: m[7] !== undefined, zone: m[8], width: 0 };
    return { kind: 'datetime', value: days * SECONDS_PER_DAY + h * 3600 + min * 60 + s, style };
  }
  if (INTEGER.test(label)) {
    const width = /^0\d/.test(label) ? label.length : 0;
    return { kind: 'integer', value: Number(label), style: { ...PLAIN, width } };
  }
  return null;
}

/** The labels read as one time axis: every label of one kind, in file order. */
export interface TimeAxis {
  ok: true;
  kind: TimeKind;
  /** values[i] orders labels[i] (see TimeLabel.value). */
  values: number[];
  /** How the last label is written. */
  last: TimeLabel;
}

/** Why labels that look like times do not make a time axis: the first label at fault. */
export interface TimeAxisProblem {
  ok: false;
  index: number;
  /** What is wrong with that label. */
  reason: string;
  /** What to do about it. */
  fix: string;
}

/**
 * Reads labels as a time axis. Returns null when they are not time labels
 * (some label is free text, or none is a time), a problem when the labels
 * look like times but one is empty, names no real date or is of another kind
 * than the first, and the axis otherwise. Order is not checked here (see
 * firstOutOfOrder). Linear in the number of labels.
 */
export function readTimeAxis(labels: readonly string[]): TimeAxis | TimeAxisProblem | null {
  const parsed: (TimeLabel | 'invalid' | null)[] = new Array(labels.length);
  let first: TimeLabel | null = null;
  let firstInvalid = -1;
  let firstEmpty = -1;
  for (let i = 0; i < labels.length; i++) {
    const label = String(labels[i]);
    if (label === '') {
      if (firstEmpty < 0) firstEmpty = i;
      parsed[i] = null;
      continue;
    }
    const p = parseTimeLabel(label);
    if (p === null) return null;
    parsed[i] = p;
    if (p === 'invalid') { if (firstInvalid < 0) firstInvalid = i; } else if (first === null) first = p;
  }
  if (first === null && firstInvalid < 0) return null; // no label at all, or only empty ones
  for (let i = 0; i < labels.length; i++) {
    const p = parsed[i];
    if (p === null) return { ok: false, index: i, reason: 'the date is missing', fix: 'fill it in or remove the row' };
    if (p === 'invalid') {
      return { ok: false, index: i, reason: `"${labels[i]}" is not a real date or time`, fix: 'correct it (months 01-12, quarters Q1-Q4, days that exist, hours 00-23)' };
    }
    if (p.kind !== first!.kind) {
      return {
        ok: false, index: i, reason: `"${labels[i]}" is ${describeKind(p.kind)} but the first date is ${describeKind(first!.kind)}`,
        fix: 'write every date in the same form',
      };
    }
  }
  const values = parsed.map((p) => (p as TimeLabel).value);
  return { ok: true, kind: first!.kind, values, last: parsed[parsed.length - 1] as TimeLabel };
}

/** The first index whose value is not greater than the one before it, or -1 when strictly increasing. */
export function firstOutOfOrder(values: readonly number[]): number {
  for (let i = 1; i < values.length; i++) if (!(values[i] > values[i - 1])) return i;
  return -1;
}

/**
 * The spacing of an increasing axis: the one difference between neighbours,
 * or null when the differences vary (irregular dates: a missing month, weekends
 * left out). A single label is taken as one unit apart (a month, a day, 1),
 * except a date-time, whose unit is unknown.
 */
function regularStep(axis: TimeAxis): number | null {
  const v = axis.values;
  if (v.length < 2) return axis.kind === 'datetime' ? null : 1;
  const step = v[1] - v[0];
  for (let i = 2; i < v.length; i++) if (v[i] - v[i - 1] !== step) return null;
  return step;
}

/** Writes a value of the axis' kind in the style of its last label, or null if it cannot be (past year 9999). */
function formatValue(kind: TimeKind, value: number, style: TimeStyle): string | null {
  if (kind === 'integer') {
    if (!Number.isSafeInteger(value)) return null;
    return style.width > 0 && value >= 0 ? pad(value, style.width) : String(value);
  }
  if (kind === 'month') {
    const year = Math.floor(value / 12);
    return year > MAX_YEAR ? null : `${pad(year, 4)}-${pad((value % 12) + 1, 2)}`;
  }
  if (kind === 'quarter') {
    const year = Math.floor(value / 4);
    return year > MAX_YEAR ? null : `${pad(year, 4)}${style.separator}Q${(value % 4) + 1}`;
  }
  const days = kind === 'day' ? value : Math.floor(value / SECONDS_PER_DAY);
  const [y, m, d] = civilDate(days);
  if (!(y <= MAX_YEAR)) return null; // also NaN: beyond the ±275,760 years a Date holds
  const date = `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
  if (kind === 'day') return date;
  const secs = value - days * SECONDS_PER_DAY;
  const time = `${pad(Math.floor(secs / 3600), 2)}:${pad(Math.floor(secs / 60) % 60, 2)}`;
  const showSeconds = style.seconds || secs % 60 !== 0;
  return `${date}${style.separator}${time}${showSeconds ? `:${pad(secs % 60, 2)}` : ''}${style.zone}`;
}

/**
 * Labels for n points after the data. When every label is a recognisable
 * time label of one kind, strictly increasing and regularly spaced, the next
 * n are continued at that spacing (months and quarters roll over into years; days,
 * weeks and hours follow the calendar) and written like the last label.
 * Otherwise — free text, dates out of order, irregular spacing, or labels
 * that would pass year 9999 — they are `+1, +2, …`: no dates are made up.
 * Every label made is after the last data label. Linear in the labels and n.
 */
export function futureLabels(labels: string[], n: number): string[] {
  if (!Array.isArray(labels)) fail(`futureLabels: labels must be an array of strings, got ${typeof labels}`);
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_FUTURE_LABELS) {
    fail(`futureLabels: n must be a whole number from 0 to ${MAX_FUTURE_LABELS}, got ${String(n)}`);
  }
  return continuedLabels(labels, n) ?? Array.from({ length: n }, (_, k) => `+${k + 1}`);
}

/** The n labels continuing a regular, increasing time axis, or null when there is none to continue. */
function continuedLabels(labels: string[], n: number): string[] | null {
  const axis = readTimeAxis(labels);
  if (axis === null || !axis.ok || firstOutOfOrder(axis.values) >= 0) return null;
  const step = regularStep(axis);
  if (step === null || !(step > 0)) return null;
  const lastValue = axis.values[axis.values.length - 1];
  // the furthest label decides whether all of them can be written (the values only grow)
  if (n > 0 && formatValue(axis.kind, lastValue + n * step, axis.last.style) === null) return null;
  const out: string[] = new Array(n);
  for (let k = 1; k <= n; k++) out[k - 1] = formatValue(axis.kind, lastValue + k * step, axis.last.style)!;
  return out;
}
