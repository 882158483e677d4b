/**
 * Small helpers shared by the SVG charts: XML escaping, number formatting,
 * "nice" 1-2-5 tick steps, rough text widths and word wrapping. No DOM, no
 * dependencies: every chart is built as a string.
 */

/** Font stack used by every chart; DejaVu Sans is what librsvg finds on Debian. */
const FONT = "DejaVu Sans, Verdana, Helvetica, Arial, sans-serif";

/** Escapes text for element content and double- or single-quoted attributes. */
export function escapeXml(value: unknown): string {
  // Characters XML 1.0 forbids (C0 controls except tab/newline/CR, lone surrogates, U+FFFE/FFFF) are dropped.
  const text = String(value).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '');
  return text.replace(/[&<>"']/g, (c) => (
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;'
  ));
}

/** A pixel coordinate with at most two decimals and no "-0". */
export function px(v: number): string {
  if (!Number.isFinite(v)) return '0';
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

/** A finite number, or null for null/undefined/NaN/±Infinity/non-numbers. */
export function finite(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * Steps stay inside [MIN_STEP, MAX_STEP]: 10^k, v / step and k · step are then
 * finite and non-zero for every finite v (10^-324 would be 0, 10^309 Infinity).
 */
const MIN_STEP = 1e-300;
const MAX_STEP = 1e308;

/** The 1-2-5 × 10^k step closest above `raw` (raw > 0), kept within [1e-300, 1e308]; 1 for anything else. */
export function niceStep(raw: number): number {
  if (!(raw > 0) || Number.isNaN(raw)) return 1;
  if (raw >= MAX_STEP) return MAX_STEP;
  const r = Math.max(raw, MIN_STEP);
  const exp = Math.floor(Math.log10(r));
  const base = 10 ** exp;
  const m = r / base;
  const mant = m <= 1 + 1e-9 ? 1 : m <= 2 + 1e-9 ? 2 : m <= 5 + 1e-9 ? 5 : 10;
  return Math.min(mant * base, MAX_STEP);
}

export interface NiceScale {
  /** Tick step, 1, 2 or 5 × 10^k. */
  step: number;
  /** Domain ends are loK·step and hiK·step (safe integers, so no overflow for huge values). */
  loK: number;
  hiK: number;
  /** Tick values loK·step … hiK·step, cleaned of floating-point noise. */
  ticks: number[];
}

/** Most intervals an axis is split into, whatever `target` asks for. */
export const MAX_TICK_INTERVALS = 20;

/**
 * A range narrower than this fraction of its magnitude is drawn as flat.
 * Tick labels carry at most 12 significant digits, so ticks closer than
 * ~1e-11 of the values they label would read the same — and k = value / step
 * would pass 2^53, where k++ stops advancing. At 1e-9, k stays below ~1e11.
 */
const MIN_RELATIVE_SPAN = 1e-9;

/** Rounds away floating-point noise from k·step (e.g. 0.30000000000000004 → 0.3). */
function tickValue(k: number, step: number): number {
  const v = k * step;
  if (v === 0) return 0;
  return Number.parseFloat(v.toPrecision(12));
}

/** True when [lo, hi] is empty or too narrow to label with distinct ticks (see MIN_RELATIVE_SPAN). */
function isTooNarrow(lo: number, hi: number): boolean {
  // halves: hi - lo overflows for ±1e308
  const halfSpan = hi / 2 - lo / 2;
  const magnitude = Math.max(Math.abs(lo), Math.abs(hi));
  return !(halfSpan > 0) || halfSpan < (magnitude / 2) * MIN_RELATIVE_SPAN;
}

/**
 * ±10 % around the centre of a flat range, clamped to the finite numbers;
 * ±1 around 0 and around values so small (subnormal) that 10 % of them is 0.
 */
function widenFlat(lo: number, hi: number): [number, number] {
  const centre = lo / 2 + hi / 2;
  const tenth = Math.max(Math.abs(lo), Math.abs(hi)) * 0.1;
  const pad = tenth > 0 ? tenth : 1;
  const [a, b] = [Math.max(-Number.MAX_VALUE, centre - pad), Math.min(Number.MAX_VALUE, centre + pad)];
  return a < b ? [a, b] : [-1, 1];
}

/**
 * [min, max] made drawable: ordered, [0, 1] when an end is not finite, and
 * widened around its centre when it is too narrow to show with distinct tick
 * labels (a flat or nearly flat series). The result is finite, with lo < hi
 * and hi − lo at least 1e-9 of its magnitude (or the values are subnormal).
 */
export function drawableRange(min: number, max: number): [number, number] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  const lo = Math.min(min, max);
  const hi = Math.max(min, max);
  return isTooNarrow(lo, hi) ? widenFlat(lo, hi) : [lo, hi];
}

/** A tick target as a whole number of intervals in 1 … MAX_TICK_INTERVALS (5 when it is not a number). */
function intervalsFor(target: number): number {
  if (!Number.isFinite(target)) return 5;
  return Math.max(1, Math.min(MAX_TICK_INTERVALS, Math.round(target)));
}

/** The 1-2-5 step splitting a drawable [lo, hi] into about `intervals` parts. */
function stepFor(lo: number, hi: number, intervals: number): number {
  // dividing first keeps (hi - lo) finite for ±1e308; for subnormal ends the quotient may round to 0
  return niceStep(Math.max(MIN_STEP, hi / intervals - lo / intervals));
}

/**
 * Tick values k·step for k = kFrom … kTo, leaving out ends that overflow.
 * The count is capped (MAX_TICK_INTERVALS + 3) so no input can make it long.
 */
function ticksBetween(kFrom: number, kTo: number, step: number): number[] {
  const ticks: number[] = [];
  const count = Math.min(kTo - kFrom, MAX_TICK_INTERVALS + 2);
  for (let i = 0; i <= count; i++) {
    const v = tickValue(kFrom + i, step);
    if (Number.isFinite(v)) ticks.push(v);
  }
  return ticks;
}

/**
 * A domain covering [min, max] whose ends are multiples of a 1-2-5 step, with
 * about `target` intervals (at most MAX_TICK_INTERVALS). A range too narrow to
 * label is widened around its centre (see drawableRange); non-finite ends give
 * [0, 1].
 */
export function niceScale(min: number, max: number, target = 5): NiceScale {
  const intervals = intervalsFor(target);
  const [lo, hi] = drawableRange(min, max);
  const step = stepFor(lo, hi, intervals);
  // lo / step is at most ~intervals / MIN_RELATIVE_SPAN in size: a safe integer after rounding
  const loK = Math.floor(lo / step + 1e-9);
  const hiK = Math.max(loK + 1, Math.ceil(hi / step - 1e-9));
  // Near ±Number.MAX_VALUE an end tick can overflow; it is left out (positions use k, not values).
  return { step, loK, hiK, ticks: ticksBetween(loK, hiK, step) };
}

/** Round (1-2-5) values inside a drawable [lo, hi], about `target` intervals apart; with their step. */
export function ticksInside(lo: number, hi: number, target: number): { step: number; ticks: number[] } {
  const step = stepFor(lo, hi, intervalsFor(target));
  const kFrom = Math.ceil(lo / step - 1e-9);
  const kTo = Math.floor(hi / step + 1e-9);
  return { step, ticks: ticksBetween(kFrom, kTo, step) };
}

/** Where v lies in [lo, hi], as a fraction (0 at lo, 1 at hi); finite even for lo, hi = ∓1e308. */
export function fractionOf(v: number, lo: number, hi: number): number {
  return (v / 2 - lo / 2) / (hi / 2 - lo / 2);
}

/**
 * A label formatter for the ticks of one axis: fixed decimals just fine
 * enough for the step, thousands separators, or exponent notation when the
 * numbers are huge or tiny. Never prints "-0", "NaN" or "Infinity".
 */
export function tickFormatter(step: number, maxAbs: number): (v: number) => string {
  if (!(step > 0) || !Number.isFinite(step)) step = 1;
  if (!Number.isFinite(maxAbs)) maxAbs = 0;
  const useExp = maxAbs >= 1e9 || step < 1e-4;
  if (useExp) {
    const digits = Math.max(0, Math.min(12,
      Math.floor(Math.log10(Math.max(maxAbs, step))) - Math.floor(Math.log10(step) + 1e-9)));
    return (v) => {
      if (!Number.isFinite(v)) return '';
      if (v === 0) return '0';
      const [mant, exp] = v.toExponential(digits).split('e');
      const m = mant.includes('.') ? mant.replace(/\.?0+$/, '') : mant;
      return `${m}e${exp.replace('+', '')}`;
    };
  }
  const decimals = Math.max(0, Math.min(12, -Math.floor(Math.log10(step) + 1e-9)));
  return (v) => {
    if (!Number.isFinite(v)) return '';
    let s = Math.abs(v).toFixed(decimals);
    const [int, frac] = s.split('.');
    const grouped = int.length > 4 ? int.replace(/\B(?=(\d{3})+(?!\d))/g, ',') : int;
    s = frac ? `${grouped}.${frac}` : grouped;
    return v < 0 && /[1-9]/.test(s) ? `−${s}` : s;
  };
}

/** Rough rendered width of `text` in a sans-serif font of `size` px (bold is ~12% wider). */
export function textWidth(text: string, size: number, bold = false): number {
  if (bold) return textWidth(text, size) * 1.12;
  let w = 0;
  for (const ch of text) {
    if (/[il.,:;|'!\s]/.test(ch)) w += 0.32;
    else if (/[A-Z@%MW&mw—→]/.test(ch)) w += 0.8;
    else w += 0.6;
  }
  return w * size;
}

/**
 * Splits text into lines that fit `maxWidth` px (words longer than a line stay
 * whole). Widths add up word by word, so a long text costs linear time.
 */
export function wrapText(text: string, size: number, maxWidth: number, bold = false): string[] {
  const lines: string[] = [];
  const space = textWidth(' ', size, bold);
  for (const para of String(text).split(/\r?\n/)) {
    let line: string[] = [];
    let lineW = 0;
    for (const word of para.split(/\s+/)) {
      if (word === '') continue;
      const wordW = textWidth(word, size, bold);
      if (line.length > 0 && lineW + space + wordW > maxWidth) {
        lines.push(line.join(' '));
        line = [];
        lineW = 0;
      }
      lineW += (line.length > 0 ? space : 0) + wordW;
      line.push(word);
    }
    lines.push(line.join(' '));
  }
  return lines;
}

/** The largest width or height of a chart, in px (about what browsers draw; beyond it nothing useful shows). */
const MAX_CHART_PX = 32_767;

/** A positive finite size, else the fallback; within [min, max]. */
export function sizeOr(value: unknown, fallback: number, min: number, max = MAX_CHART_PX): number {
  const v = finite(value);
  return v !== null && v > 0 ? Math.min(max, Math.max(min, Math.round(v))) : fallback;
}

/**
 * The largest of the values, or `empty` when there are none. A loop, not
 * Math.max(...values): spreading a long array overflows the call stack.
 */
export function maxOf(values: Iterable<number>, empty: number): number {
  let m = -Infinity;
  for (const v of values) if (v > m) m = v;
  return m === -Infinity ? empty : m;
}

/** "#rrggbb" from r, g, b in [0, 255]. */
export function hex(r: number, g: number, b: number): string {
  const h = (v: number) => Math.max(0, Math.min(255, Math.round(v))).toString(16).padStart(2, '0');
  return `#${h(r)}${h(g)}${h(b)}`;
}

/** No CSS colour is longer; anything longer is refused before a regular expression looks at it. */
const MAX_COLOR_LENGTH = 100;

/** A colour for an SVG attribute: only simple CSS colour syntax is let through. */
export function safeColor(color: unknown, fallback: string): string {
  if (typeof color !== 'string' || color.length > MAX_COLOR_LENGTH) return fallback;
  const c = color.trim();
  // one character class for the arguments, spaces included: "\(\s*[…\s…]+" backtracked quadratically on long input
  if (/^#[0-9a-fA-F]{3,8}$/.test(c) || /^[a-zA-Z]{3,30}$/.test(c)
    || /^(rgb|rgba|hsl|hsla)\([-0-9.%,\s/]+\)$/.test(c)) return c;
  return fallback;
}

/** The text of an axis label given as a string or number: '' for null/undefined and for numbers that are not finite. */
export function labelText(v: unknown): string {
  if (v == null) return '';
  if (typeof v === 'number' && !Number.isFinite(v)) return '';
  return String(v);
}

/** The XML declaration and opening <svg> tag of a standalone document. */
export function svgOpen(width: number, height: number, title: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n`
    + `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" `
    + `font-family="${FONT}" role="img" aria-label="${escapeXml(title)}">\n`
    + `<title>${escapeXml(title)}</title>\n`
    + `<rect width="100%" height="100%" fill="#ffffff"/>\n`;
}
