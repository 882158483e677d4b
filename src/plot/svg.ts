/**
 * Small helpers shared by the SVG charts: XML escaping, number formatting,
 * "nice" 1-2-5 tick steps, rough text widths and word wrapping. No DOM, no
 * dependencies: every chart is built as a string.
 */

/** Font stack used by every chart; DejaVu Sans is what librsvg finds on Debian. */
export const FONT = "DejaVu Sans, Verdana, Helvetica, Arial, sans-serif";

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

/** The 1-2-5 × 10^k step closest above `raw` (raw > 0). */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const exp = Math.floor(Math.log10(raw));
  const base = 10 ** exp;
  const m = raw / base;
  const mant = m <= 1 + 1e-9 ? 1 : m <= 2 + 1e-9 ? 2 : m <= 5 + 1e-9 ? 5 : 10;
  return mant * base;
}

export interface NiceScale {
  /** Tick step, 1, 2 or 5 × 10^k. */
  step: number;
  /** Domain ends are loK·step and hiK·step (integers, so no overflow for huge values). */
  loK: number;
  hiK: number;
  /** Tick values loK·step … hiK·step, cleaned of floating-point noise. */
  ticks: number[];
}

/** Rounds away floating-point noise from k·step (e.g. 0.30000000000000004 → 0.3). */
export function tickValue(k: number, step: number): number {
  const v = k * step;
  if (v === 0) return 0;
  return Number.parseFloat(v.toPrecision(12));
}

/**
 * A domain covering [min, max] whose ends are multiples of a 1-2-5 step, with
 * about `target` intervals. A zero-width range is widened around the value.
 */
export function niceScale(min: number, max: number, target = 5): NiceScale {
  if (!Number.isFinite(min) || !Number.isFinite(max)) { min = 0; max = 1; }
  if (min > max) [min, max] = [max, min];
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    min -= pad; max += pad;
    if (min === max) { min = -1; max = 1; } // pad lost in rounding (e.g. 1e308)
  }
  target = Math.max(1, Math.round(target));
  // (max - min) may overflow for ±1e308; dividing first keeps it finite.
  const step = niceStep(max / target - min / target);
  const loK = Math.floor(min / step + 1e-9);
  const hiK = Math.max(loK + 1, Math.ceil(max / step - 1e-9));
  const ticks: number[] = [];
  // Near ±Number.MAX_VALUE an end tick can overflow; it is left out (positions use k, not values).
  for (let k = loK; k <= hiK; k++) if (Number.isFinite(tickValue(k, step))) ticks.push(tickValue(k, step));
  return { step, loK, hiK, ticks };
}

/**
 * A label formatter for the ticks of one axis: fixed decimals just fine
 * enough for the step, thousands separators, or exponent notation when the
 * numbers are huge or tiny. Never prints "-0", "NaN" or "Infinity".
 */
export function tickFormatter(step: number, maxAbs: number): (v: number) => string {
  const useExp = maxAbs >= 1e9 || (step < 1e-4 && step > 0);
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

/** Splits text into lines that fit `maxWidth` px (words longer than a line stay whole). */
export function wrapText(text: string, size: number, maxWidth: number, bold = false): string[] {
  const lines: string[] = [];
  for (const para of String(text).split(/\r?\n/)) {
    const words = para.split(/\s+/).filter(Boolean);
    let line = '';
    for (const word of words) {
      const candidate = line ? `${line} ${word}` : word;
      if (line && textWidth(candidate, size, bold) > maxWidth) {
        lines.push(line);
        line = word;
      } else {
        line = candidate;
      }
    }
    lines.push(line);
  }
  return lines;
}

/** A positive finite size, else the fallback; at least `min`. */
export function sizeOr(value: unknown, fallback: number, min: number): number {
  const v = finite(value);
  return v !== null && v > 0 ? Math.max(min, Math.round(v)) : fallback;
}

/** "#rrggbb" from r, g, b in [0, 255]. */
export function hex(r: number, g: number, b: number): string {
  const h = (v: number) => Math.max(0, Math.min(255, Math.round(v))).toString(16).padStart(2, '0');
  return `#${h(r)}${h(g)}${h(b)}`;
}

/** A colour for an SVG attribute: only simple CSS colour syntax is let through. */
export function safeColor(color: unknown, fallback: string): string {
  if (typeof color !== 'string') return fallback;
  const c = color.trim();
  if (/^#[0-9a-fA-F]{3,8}$/.test(c) || /^[a-zA-Z]{3,30}$/.test(c)
    || /^(rgb|rgba|hsl|hsla)\(\s*[-0-9.%,\s/]+\)$/.test(c)) return c;
  return fallback;
}

/** The XML declaration and opening <svg> tag of a standalone document. */
export function svgOpen(width: number, height: number, title: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n`
    + `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" `
    + `font-family="${FONT}" role="img" aria-label="${escapeXml(title)}">\n`
    + `<title>${escapeXml(title)}</title>\n`
    + `<rect width="100%" height="100%" fill="#ffffff"/>\n`;
}
