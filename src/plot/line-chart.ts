/**
 * A line chart as a standalone SVG document: title, axis labels, 1-2-5 y
 * ticks, readable x tick labels, gridlines, a legend, gaps where values are
 * null or not finite, and labelled vertical marker lines.
 */
import {
  escapeXml, finite, labelText, maxOf, niceScale, px, safeColor, sizeOr, svgOpen, textWidth, tickFormatter, wrapText,
} from './svg.js';

export interface LineSeries {
  /** Shown in the legend. */
  name: string;
  /** values[i] is plotted at x[i]; null, NaN and ±Infinity leave a gap. */
  values: (number | null)[];
  /** Any CSS colour (#hex, rgb(), a name); defaults to the colour-blind-safe palette. */
  color?: string;
  dashed?: boolean;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  /** Carries the units, e.g. "passengers (thousands)". */
  yLabel: string;
  /** One label per position; a series may be shorter or longer than x. */
  x: (string | number)[];
  series: LineSeries[];
  /** Pixels; default 960 × 540. */
  width?: number;
  height?: number;
  /**
   * Vertical lines at x positions (indices into x, fractions allowed), labelled above the plot.
   * Positions that are not finite or lie beyond ±1e15 are left out.
   */
  markX?: { at: number; label: string }[];
  /**
   * Shaded bands between low[i] and high[i] (prediction intervals), drawn under the lines and
   * listed in the legend. A position where either bound is missing or not finite breaks the band.
   */
  bands?: LineBand[];
}

export interface LineBand {
  name: string;
  low: (number | null)[];
  high: (number | null)[];
  /** Any CSS colour; drawn at 20% opacity. Default grey-blue. */
  color?: string;
}

/** Okabe & Ito's palette, distinguishable with every common colour-vision deficiency. */
export const SERIES_COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#999933'];

const DASH = '7 4';
const TITLE_SIZE = 18;
const LABEL_SIZE = 13;
const TICK_SIZE = 11;
const LEGEND_SIZE = 12;
const MARK_SIZE = 11;

/** Marker positions beyond this would squash the data into a pixel and lose integer precision. */
const MAX_MARK_POSITION = 1e15;

/** "1949-01" → 1949·12 + 0, for aligning ticks on years and quarters. */
function monthOrdinal(label: string | number): number | null {
  const m = /^(\d{4})-(\d{1,2})$/.exec(String(label).trim());
  if (!m) return null;
  const month = Number(m[2]);
  return month >= 1 && month <= 12 ? Number(m[1]) * 12 + month - 1 : null;
}

/** Which x positions get a tick label: a regular step that leaves room between labels. */
function chooseXTicks(labels: string[], raw: (string | number)[], n: number, plotW: number): number[] {
  if (n === 0) return [];
  const maxW = labels.reduce((w, l) => Math.max(w, textWidth(l, TICK_SIZE)), 0);
  const slot = plotW / Math.max(1, n - 1);
  const spacing = maxW + 14;

  // Ordinals: consecutive months or consecutive integers let ticks land on round values.
  let ordinals: number[] | null = null;
  let monthly = false;
  const months = raw.map(monthOrdinal);
  if (raw.length >= 2 && months.every((o, i) => o !== null && (i === 0 || o === months[i - 1]! + 1))) {
    ordinals = months as number[];
    monthly = true;
  } else if (raw.length >= 2 && raw.every((v, i) => typeof v === 'number' && Number.isInteger(v)
    && (i === 0 || v === (raw[i - 1] as number) + 1))) {
    ordinals = raw as number[];
  }
  const candidates: number[] = monthly ? [1, 2, 3, 6, 12, 24, 36, 60] : [1, 2, 5];
  if (!monthly) for (let e = 10; e < 1e9; e *= 10) candidates.push(e, 2 * e, 5 * e);
  if (monthly) for (let e = 120; e < 1e9; e *= 10) candidates.push(e, 2 * e, 5 * e);
  const step = candidates.find((s) => s * slot >= spacing) ?? candidates[candidates.length - 1];

  const ticks: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!labels[i]) continue;
    let on: boolean;
    if (ordinals && i < ordinals.length) on = ((ordinals[i] % step) + step) % step === 0;
    else if (ordinals) {
      const o = ordinals[ordinals.length - 1] + (i - ordinals.length + 1);
      on = ((o % step) + step) % step === 0;
    } else on = i % step === 0;
    if (on) ticks.push(i);
  }
  // A sparse label set (or an unlucky phase) could leave nothing: fall back to the first label.
  if (ticks.length === 0) {
    const first = labels.findIndex((l) => l !== '');
    if (first >= 0) ticks.push(first);
  }
  return ticks;
}

/** Lays items out left to right, wrapping to new rows; returns [x, row] per item. */
function flowRows(widths: number[], maxWidth: number, gap: number): { pos: [number, number][]; rowWidths: number[] } {
  const pos: [number, number][] = [];
  const rowWidths: number[] = [0];
  let x = 0;
  let row = 0;
  for (const w of widths) {
    if (x > 0 && x + w > maxWidth) { row++; x = 0; rowWidths.push(0); }
    pos.push([x, row]);
    x += w + gap;
    rowWidths[row] = x - gap;
  }
  return { pos, rowWidths };
}

interface MarkLabel { x: number; row: number; w: number; label: string; lineX: number }

/**
 * Marker labels centred on their line, clamped to the chart, stacked in up to
 * `maxRows` rows so they do not overlap (the last row takes what fits nowhere).
 * Labels are placed left to right, so each row only needs its right end: linear
 * after the sort, however many markers there are.
 */
function placeMarkLabels(
  marks: { at: number; label: string }[], xPos: (i: number) => number, plotLeft: number, W: number, maxRows: number,
): MarkLabel[] {
  const placed: MarkLabel[] = marks.map((m) => {
    const lineX = xPos(m.at);
    const w = textWidth(m.label, MARK_SIZE);
    const x = w > W - 8 ? W / 2 : Math.min(Math.max(lineX, plotLeft + w / 2), W - 4 - w / 2);
    return { x, row: 0, w, label: m.label, lineX };
  });
  const order = placed.map((_, i) => i).sort((a, b) => (placed[a].x - placed[a].w / 2) - (placed[b].x - placed[b].w / 2));
  const rowRight: number[] = [];
  for (const i of order) {
    const m = placed[i];
    const [l, r] = [m.x - m.w / 2 - 6, m.x + m.w / 2 + 6];
    let row = rowRight.findIndex((right) => l > right);
    if (row < 0) row = rowRight.length < maxRows ? rowRight.length : maxRows - 1;
    rowRight[row] = Math.max(rowRight[row] ?? -Infinity, r);
    m.row = row;
  }
  return placed;
}

/** A complete SVG document (XML declaration, xmlns) drawing the series as lines. */
export function lineChart(options: LineChartOptions): string {
  const W = sizeOr(options.width, 960, 240);
  const H = sizeOr(options.height, 540, 180);
  const title = String(options.title ?? '');
  const xLabel = String(options.xLabel ?? '');
  const yLabel = String(options.yLabel ?? '');
  const rawX = Array.isArray(options.x) ? options.x : [];
  const series = (Array.isArray(options.series) ? options.series : []).map((s, i) => ({
    name: String(s?.name ?? `series ${i + 1}`),
    // Array.from, not map: holes in a sparse array become gaps instead of being skipped
    values: Array.from(Array.isArray(s?.values) ? s.values : [], finite),
    color: safeColor(s?.color, SERIES_COLORS[i % SERIES_COLORS.length]),
    dashed: Boolean(s?.dashed),
  }));
  const bands = (Array.isArray(options.bands) ? options.bands : []).map((b, i) => ({
    name: String(b?.name ?? `band ${i + 1}`),
    low: Array.from(Array.isArray(b?.low) ? b.low : [], finite),
    high: Array.from(Array.isArray(b?.high) ? b.high : [], finite),
    color: safeColor(b?.color, '#56B4E9'),
  }));
  const marks = (Array.isArray(options.markX) ? options.markX : [])
    .filter((m) => finite(m?.at) !== null && Math.abs(m.at) <= MAX_MARK_POSITION)
    .map((m) => ({ at: m.at, label: String(m.label ?? '') }));

  // Positions 0 … n-1: as many as the longest of x and the series.
  const n = Math.max(rawX.length, maxOf(series.map((s) => s.values.length), 0), maxOf(bands.map((b) => Math.min(b.low.length, b.high.length)), 0));
  const labels = Array.from({ length: n }, (_, i) => (i < rawX.length ? labelText(rawX[i]) : ''));

  // ---- y domain --------------------------------------------------------------
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const s of series) for (const v of s.values) if (v !== null) { yMin = Math.min(yMin, v); yMax = Math.max(yMax, v); }
  for (const b of bands) for (const v of [...b.low, ...b.high]) if (v !== null) { yMin = Math.min(yMin, v); yMax = Math.max(yMax, v); }
  const hasData = yMin <= yMax;
  if (!hasData) { yMin = 0; yMax = 1; }

  // ---- vertical layout ---------------------------------------------------------
  const out: string[] = [];
  let y = 0;
  const titleLines = title ? wrapText(title, TITLE_SIZE, W - 32, true) : [];
  const titleTop = 12;
  y = titleTop + titleLines.length * (TITLE_SIZE + 6);

  const legendWidths = [...series, ...bands].map((s) => 30 + 6 + textWidth(s.name, LEGEND_SIZE));
  const legend = flowRows(legendWidths, W - 64, 22);
  const legendTop = y + 8;
  const legendRowH = LEGEND_SIZE + 8;
  if (series.length + bands.length > 0) y = legendTop + legend.rowWidths.length * legendRowH;

  const markBandTop = y + 6;
  const markRowH = MARK_SIZE + 5;
  // marker label rows are decided once x positions are known; reserve up to 3 rows
  const markRowsMax = marks.length === 0 ? 0 : Math.min(3, marks.length);

  const xTickBand = TICK_SIZE + 10;
  const xLabelBand = xLabel ? LABEL_SIZE + 12 : 0;
  const bottomPad = 12;

  // x positions of marker rows need plot left/right, which depend on y tick widths; compute y first.
  const provisionalTop = markBandTop + markRowsMax * markRowH + 4;
  const plotBottom = H - bottomPad - xLabelBand - xTickBand;
  const plotH0 = Math.max(40, plotBottom - provisionalTop);
  const scale = niceScale(yMin, yMax, Math.max(2, Math.min(10, Math.round(plotH0 / 55))));
  const maxAbs = maxOf(scale.ticks.map(Math.abs), 0);
  const fmt = tickFormatter(scale.step, maxAbs);
  const yTickLabels = scale.ticks.map(fmt);
  const yTickW = yTickLabels.reduce((w, l) => Math.max(w, textWidth(l, TICK_SIZE)), 0);

  const plotLeft = Math.round(14 + (yLabel ? LABEL_SIZE + 10 : 0) + yTickW + 8);
  const plotRight = W - 24;
  const plotW = Math.max(20, plotRight - plotLeft);

  // x domain: 0 … n-1, widened to show markers outside it.
  let xLo = 0;
  let xHi = Math.max(0, n - 1);
  for (const m of marks) { xLo = Math.min(xLo, m.at); xHi = Math.max(xHi, m.at); }
  if (xHi === xLo) { xLo -= 0.5; xHi += 0.5; }
  const xPos = (i: number) => plotLeft + ((i - xLo) / (xHi - xLo)) * plotW;

  const markPlaced = placeMarkLabels(marks, xPos, plotLeft, W, markRowsMax);
  const markRows = markPlaced.length ? maxOf(markPlaced.map((m) => m.row), 0) + 1 : 0;
  const plotTop = Math.round(markBandTop + markRows * markRowH + (markRows ? 4 : 0));
  const plotH = Math.max(20, plotBottom - plotTop);
  const span = scale.hiK - scale.loK;
  const yPos = (v: number) => plotBottom - ((v / scale.step - scale.loK) / span) * plotH;

  // ---- document ----------------------------------------------------------------
  out.push(svgOpen(W, H, title || 'line chart'));
  if (titleLines.length) {
    out.push(`<text class="title" x="${px(W / 2)}" y="${titleTop + TITLE_SIZE}" font-size="${TITLE_SIZE}" font-weight="bold" text-anchor="middle" fill="#222222">`);
    titleLines.forEach((l, i) => out.push(`<tspan x="${px(W / 2)}" dy="${i === 0 ? 0 : TITLE_SIZE + 6}">${escapeXml(l)}</tspan>`));
    out.push('</text>\n');
  }

  // gridlines and axes
  out.push('<g class="grid" stroke="#e3e3e3" stroke-width="1" shape-rendering="crispEdges">\n');
  scale.ticks.forEach((t) => out.push(`<line x1="${plotLeft}" x2="${plotRight}" y1="${px(yPos(t))}" y2="${px(yPos(t))}"${t === 0 ? ' stroke="#9a9a9a"' : ''}/>\n`));
  const xTicks = chooseXTicks(labels, rawX, n, plotW);
  xTicks.forEach((i) => out.push(`<line x1="${px(xPos(i))}" x2="${px(xPos(i))}" y1="${plotTop}" y2="${px(plotBottom)}"/>\n`));
  out.push('</g>\n');

  out.push(`<g class="axes" stroke="#444444" stroke-width="1" shape-rendering="crispEdges">`
    + `<line x1="${plotLeft}" x2="${plotLeft}" y1="${plotTop}" y2="${px(plotBottom)}"/>`
    + `<line x1="${plotLeft}" x2="${plotRight}" y1="${px(plotBottom)}" y2="${px(plotBottom)}"/></g>\n`);

  // y ticks
  out.push(`<g class="y-ticks" font-size="${TICK_SIZE}" fill="#444444" text-anchor="end">\n`);
  scale.ticks.forEach((t, k) => out.push(
    `<text class="tick" data-value="${t}" x="${plotLeft - 6}" y="${px(yPos(t) + TICK_SIZE * 0.35)}">${escapeXml(yTickLabels[k])}</text>\n`,
  ));
  out.push('</g>\n');

  // x ticks
  out.push(`<g class="x-ticks" font-size="${TICK_SIZE}" fill="#444444">\n`);
  for (const i of xTicks) {
    const lx = xPos(i);
    const w = textWidth(labels[i], TICK_SIZE);
    const anchor = lx - w / 2 < 2 ? 'start' : lx + w / 2 > W - 2 ? 'end' : 'middle';
    const tx = anchor === 'start' ? Math.max(2, lx - w / 2) : anchor === 'end' ? W - 2 : lx;
    out.push(`<line x1="${px(lx)}" x2="${px(lx)}" y1="${px(plotBottom)}" y2="${px(plotBottom + 4)}" stroke="#444444"/>`
      + `<text class="tick" x="${px(tx)}" y="${px(plotBottom + 6 + TICK_SIZE)}" text-anchor="${anchor}">${escapeXml(labels[i])}</text>\n`);
  }
  out.push('</g>\n');

  // axis labels
  if (xLabel) {
    out.push(`<text class="x-label" x="${px(plotLeft + plotW / 2)}" y="${px(H - bottomPad - 2)}" font-size="${LABEL_SIZE}" text-anchor="middle" fill="#222222">${escapeXml(xLabel)}</text>\n`);
  }
  if (yLabel) {
    const cy = plotTop + plotH / 2;
    const cx = 14 + LABEL_SIZE * 0.8;
    out.push(`<text class="y-label" x="${px(cx)}" y="${px(cy)}" font-size="${LABEL_SIZE}" text-anchor="middle" fill="#222222" transform="rotate(-90 ${px(cx)} ${px(cy)})">${escapeXml(yLabel)}</text>\n`);
  }

  // markers (below the data lines)
  if (markPlaced.length) {
    out.push(`<g class="markers" font-size="${MARK_SIZE}" fill="#333333">\n`);
    for (const m of markPlaced) {
      out.push(`<line x1="${px(m.lineX)}" x2="${px(m.lineX)}" y1="${plotTop}" y2="${px(plotBottom)}" stroke="#555555" stroke-width="1.2" stroke-dasharray="4 3"/>`
        + `<text class="marker-label" x="${px(m.x)}" y="${px(markBandTop + m.row * markRowH + MARK_SIZE)}" text-anchor="middle">${escapeXml(m.label)}</text>\n`);
    }
    out.push('</g>\n');
  }

  // bands: one polygon per run of positions where both bounds are known (low edge forward, high edge back)
  for (const b of bands) {
    out.push(`<g class="band" data-name="${escapeXml(b.name)}" fill="${escapeXml(b.color)}" fill-opacity="0.2" stroke="none">\n`);
    let run: number[] = [];
    const flush = () => {
      if (run.length > 1) {
        const edge = [...run.map((i) => `${px(xPos(i))},${px(yPos(b.low[i]!))}`), ...run.reverse().map((i) => `${px(xPos(i))},${px(yPos(b.high[i]!))}`)];
        out.push(`<polygon points="${edge.join(' ')}"/>\n`);
      }
      run = [];
    };
    const len = Math.min(b.low.length, b.high.length);
    for (let i = 0; i < len; i++) {
      if (b.low[i] === null || b.high[i] === null) flush();
      else run.push(i);
    }
    flush();
    out.push('</g>\n');
  }

  // series: one polyline per run of consecutive finite values; lone points as dots
  for (const s of series) {
    out.push(`<g class="series" data-name="${escapeXml(s.name)}" fill="none" stroke="${escapeXml(s.color)}" stroke-width="2" stroke-linejoin="round" stroke-linecap="round"${s.dashed ? ` stroke-dasharray="${DASH}"` : ''}>\n`);
    let run: string[] = [];
    const flush = (i: number) => {
      if (run.length === 1) {
        out.push(`<circle class="point" cx="${run[0].split(',')[0]}" cy="${run[0].split(',')[1]}" r="2.5" fill="${escapeXml(s.color)}" stroke="none"/>\n`);
      } else if (run.length > 1) {
        out.push(`<polyline class="segment" data-start="${i - run.length}" points="${run.join(' ')}"/>\n`);
      }
      run = [];
    };
    s.values.forEach((v, i) => {
      if (v === null) flush(i);
      else run.push(`${px(xPos(i))},${px(yPos(v))}`);
    });
    flush(s.values.length);
    out.push('</g>\n');
  }

  if (!hasData) {
    out.push(`<text class="no-data" x="${px(plotLeft + plotW / 2)}" y="${px(plotTop + plotH / 2)}" font-size="${LABEL_SIZE}" text-anchor="middle" fill="#777777">no data</text>\n`);
  }

  // legend, centred under the title
  if (series.length + bands.length) {
    out.push(`<g class="legend" font-size="${LEGEND_SIZE}" fill="#222222">\n`);
    series.forEach((s, i) => {
      const [lx, row] = legend.pos[i];
      const rowW = legend.rowWidths[row];
      const x0 = (W - rowW) / 2 + lx;
      const ly = legendTop + row * legendRowH + LEGEND_SIZE / 2 + 2;
      out.push(`<g class="legend-item"><line x1="${px(x0)}" x2="${px(x0 + 30)}" y1="${px(ly)}" y2="${px(ly)}" stroke="${escapeXml(s.color)}" stroke-width="2.5"${s.dashed ? ` stroke-dasharray="${DASH}"` : ''}/>`
        + `<text x="${px(x0 + 36)}" y="${px(ly + LEGEND_SIZE * 0.35)}">${escapeXml(s.name)}</text></g>\n`);
    });
    bands.forEach((b, k) => {
      const [lx, row] = legend.pos[series.length + k];
      const x0 = (W - legend.rowWidths[row]) / 2 + lx;
      const ly = legendTop + row * legendRowH + LEGEND_SIZE / 2 + 2;
      out.push(`<g class="legend-item"><rect x="${px(x0)}" y="${px(ly - 6)}" width="30" height="12" fill="${escapeXml(b.color)}" fill-opacity="0.35"/>`
        + `<text x="${px(x0 + 36)}" y="${px(ly + LEGEND_SIZE * 0.35)}">${escapeXml(b.name)}</text></g>\n`);
    });
    out.push('</g>\n');
  }

  out.push('</svg>\n');
  return out.join('');
}
