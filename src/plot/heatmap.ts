/**
 * Heatmaps stacked vertically in one standalone SVG — made for an LSTM's gate
 * activations and cell state over time (rows = units, columns = time steps).
 * Each panel has its own colour scale: sequential (viridis) when every value
 * is ≥ 0, diverging (blue–white–red, white at 0) when the minimum is
 * negative. Cells are drawn as rectangles merged into one path per colour,
 * so 100 units × 50 steps × 5 panels stays a few hundred kB.
 */
import {
  drawableRange, escapeXml, finite, fractionOf, hex, labelText, maxOf, niceStep, px, sizeOr, svgOpen, textWidth, tickFormatter,
  ticksInside, wrapText,
} from './svg.js';

export interface HeatmapPanel {
  /** Panel heading, e.g. "forget gate f". */
  name: string;
  /** rows[row][time]; NaN/±Infinity/null cells are drawn grey, missing cells are left blank. */
  rows: number[][];
  /** Colour scale range; defaults to the data's (symmetric around 0 when negative). Values beyond are clamped. */
  min?: number;
  max?: number;
  /** Shown under the panel, e.g. "what the forget gate keeps (1) and drops (0)". */
  caption?: string;
}

export interface HeatmapOptions {
  title: string;
  subtitle?: string;
  /** Label of the time axis, e.g. "time step (oldest → newest)". */
  xLabel: string;
  panels: HeatmapPanel[];
  /** Label of the row axis; default "unit". */
  rowLabel?: string;
  /** Cell width and height in px (at most 200); default fits ~720 px wide and ~320 px tall per panel. */
  cellSize?: number;
  /** Optional labels of the columns (e.g. dates); default the 0-based time-step index. */
  x?: (string | number)[];
  /** Prefix of the element ids (colour-bar gradients); give each SVG inlined into one page its own. Default 'hm'. */
  idPrefix?: string;
}

/** viridis: perceptually uniform and readable with colour-vision deficiencies. */
const SEQUENTIAL = ['#440154', '#482475', '#414487', '#355f8d', '#2a788e', '#21918c', '#22a884', '#44bf70', '#7ad151', '#bddf26', '#fde725'];
/** ColorBrewer RdBu, blue for negative, near-white at 0, red for positive. */
const DIVERGING = ['#053061', '#2166ac', '#4393c3', '#92c5de', '#d1e5f0', '#f7f7f7', '#fddbc7', '#f4a582', '#d6604d', '#b2182b', '#67001f'];
/** Colour of cells that are not finite numbers. */
const MISSING = '#bdbdbd';
/** Colours per scale: an odd count so 0 falls on the exact centre of the diverging palette. */
const LEVELS = 65;
/** The largest cell side a caller can ask for, in px. */
const MAX_CELL = 200;

const TITLE_SIZE = 18;
const SUBTITLE_SIZE = 13;
const PANEL_SIZE = 14;
const LABEL_SIZE = 12;
const TICK_SIZE = 10;
const CAPTION_SIZE = 12;

function parseHex(c: string): [number, number, number] {
  return [1, 3, 5].map((i) => Number.parseInt(c.slice(i, i + 2), 16)) as [number, number, number];
}

/** Colour at t ∈ [0, 1] of a palette, linear in RGB between its stops. */
function paletteAt(stops: string[], t: number): string {
  const x = Math.max(0, Math.min(1, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = parseHex(stops[i]);
  const b = parseHex(stops[i + 1]);
  return hex(a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f);
}

interface Scale {
  min: number;
  max: number;
  diverging: boolean;
  /** Position of a value on the palette, in [0, 1]. */
  t: (v: number) => number;
  palette: string[];
}

/** The smallest and largest finite numbers in the rows, or null when there are none. */
function finiteExtent(rows: unknown): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const row of Array.isArray(rows) ? rows : []) {
    if (!Array.isArray(row)) continue;
    for (const v of row) if (typeof v === 'number' && Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
  }
  return lo <= hi ? [lo, hi] : null;
}

function panelScale(panel: HeatmapPanel): Scale {
  const [dataMin, dataMax] = finiteExtent(panel.rows) ?? [0, 1];
  const givenMin = finite(panel.min);
  const givenMax = finite(panel.max);
  let min = givenMin ?? dataMin;
  let max = givenMax ?? dataMax;
  const diverging = Math.min(min, max) < 0;
  if (diverging && givenMin === null && givenMax === null) {
    const m = Math.max(Math.abs(dataMin), Math.abs(dataMax));
    min = -m; max = m;
  }
  // ordered, and widened when too narrow to label (a constant panel), like a line chart's y axis
  [min, max] = drawableRange(min, max);
  const clamp = (v: number) => Math.max(min, Math.min(max, v));
  const t = diverging
    ? (v: number) => {
      const c = clamp(v);
      if (c < 0) return 0.5 * (1 - c / min);
      return max > 0 ? 0.5 + 0.5 * (c / max) : 0.5;
    }
    : (v: number) => fractionOf(clamp(v), min, max);
  return { min, max, diverging, t, palette: diverging ? DIVERGING : SEQUENTIAL };
}

/** Integer tick step (1-2-5) for cells of `cell` px when labels need `spacing` px. */
function indexStep(cell: number, spacing: number): number {
  return Math.max(1, Math.round(niceStep(Math.max(1, spacing / cell))));
}

/** One SVG document with a heatmap per panel, stacked vertically. */
export function heatmapPanels(options: HeatmapOptions): string {
  const title = String(options.title ?? '');
  const subtitle = options.subtitle == null ? '' : String(options.subtitle);
  const xLabel = String(options.xLabel ?? '');
  const rowLabel = options.rowLabel == null ? 'unit' : String(options.rowLabel);
  const panels = (Array.isArray(options.panels) ? options.panels : []).map((p, i) => {
    const rows = (Array.isArray(p?.rows) ? p.rows : []).map((r) => (Array.isArray(r) ? r : []));
    return {
      name: String(p?.name ?? `panel ${i + 1}`),
      caption: p?.caption == null ? '' : String(p.caption),
      rows,
      nRows: rows.length,
      nCols: rows.reduce((m, r) => Math.max(m, r.length), 0),
      scale: panelScale({ ...p, rows }),
    };
  });
  const maxCols = Math.max(1, maxOf(panels.map((p) => p.nCols), 0));
  const maxRows = Math.max(1, maxOf(panels.map((p) => p.nRows), 0));
  const givenCell = options.cellSize == null ? null : sizeOr(options.cellSize, 0, 1, MAX_CELL) || null;
  const cellW = givenCell ?? Math.max(4, Math.min(28, Math.floor(720 / maxCols)));
  const cellH = givenCell ?? Math.max(2, Math.min(cellW, 20, Math.floor(320 / maxRows)));

  const colLabels = Array.from({ length: maxCols }, (_, i) => {
    const l = Array.isArray(options.x) && i < options.x.length ? labelText(options.x[i]) : '';
    return l || (Array.isArray(options.x) && options.x.length > 0 ? '' : String(i));
  });

  // ---- horizontal layout -------------------------------------------------------
  const rowTickW = textWidth(String(maxRows - 1), TICK_SIZE);
  const gridLeft = Math.round(14 + (rowLabel ? LABEL_SIZE + 10 : 0) + rowTickW + 8);
  const gridW = maxCols * cellW;
  const barGap = 18;
  const barW = 14;
  const barLabels = panels.map((p) => colourTicks(p.scale));
  const barLabelW = Math.max(30, maxOf(barLabels.flat().map((t) => textWidth(t.label, TICK_SIZE)), 0));
  const contentW = gridLeft + gridW + barGap + barW + 6 + barLabelW + 16;
  const textW = Math.max(
    textWidth(title, TITLE_SIZE, true), textWidth(subtitle, SUBTITLE_SIZE),
    maxOf(panels.map((p) => Math.max(textWidth(p.name, PANEL_SIZE, true), textWidth(p.caption, CAPTION_SIZE))), 0),
  ) + 32;
  const W = Math.ceil(Math.max(contentW, Math.min(textW, 1000), 360));
  const textMax = W - 32;

  const out: string[] = [];
  let y = 12;
  const titleLines = title ? wrapText(title, TITLE_SIZE, textMax, true) : [];
  const subtitleLines = subtitle ? wrapText(subtitle, SUBTITLE_SIZE, textMax) : [];
  const body: string[] = [];
  if (titleLines.length) {
    body.push(`<text class="title" x="${px(W / 2)}" y="${y + TITLE_SIZE}" font-size="${TITLE_SIZE}" font-weight="bold" text-anchor="middle" fill="#222222">`);
    titleLines.forEach((l, i) => body.push(`<tspan x="${px(W / 2)}" dy="${i === 0 ? 0 : TITLE_SIZE + 6}">${escapeXml(l)}</tspan>`));
    body.push('</text>\n');
    y += titleLines.length * (TITLE_SIZE + 6);
  }
  if (subtitleLines.length) {
    body.push(`<text class="subtitle" x="${px(W / 2)}" y="${y + SUBTITLE_SIZE + 2}" font-size="${SUBTITLE_SIZE}" text-anchor="middle" fill="#555555">`);
    subtitleLines.forEach((l, i) => body.push(`<tspan x="${px(W / 2)}" dy="${i === 0 ? 0 : SUBTITLE_SIZE + 5}">${escapeXml(l)}</tspan>`));
    body.push('</text>\n');
    y += subtitleLines.length * (SUBTITLE_SIZE + 5) + 4;
  }
  y += 14;

  const xStep = indexStep(cellW, colLabels.reduce((m, l) => Math.max(m, textWidth(l, TICK_SIZE)), 0) + 10);
  const yStep = indexStep(cellH, TICK_SIZE + 8);
  const defs: string[] = [];

  panels.forEach((p, pi) => {
    const { scale } = p;
    // panel heading
    body.push(`<g class="panel" data-name="${escapeXml(p.name)}">\n`);
    body.push(`<text class="panel-name" x="${gridLeft}" y="${y + PANEL_SIZE}" font-size="${PANEL_SIZE}" font-weight="bold" fill="#222222">${escapeXml(p.name)}</text>\n`);
    y += PANEL_SIZE + 8;
    const gridTop = y;
    const gridH = Math.max(1, p.nRows) * cellH;
    const panelGridW = Math.max(1, p.nCols) * cellW;

    // cells: one path per colour level, in cell units, scaled to pixels
    const levels = Array.from({ length: LEVELS }, (_, k) => paletteAt(scale.palette, k / (LEVELS - 1)));
    const colourOf = (v: unknown) => (typeof v === 'number' && Number.isFinite(v)
      ? levels[Math.max(0, Math.min(LEVELS - 1, Math.round(scale.t(v) * (LEVELS - 1))))] : MISSING);
    const byColour = new Map<string, string[]>();
    let anyMissing = false;
    p.rows.forEach((row, r) => {
      let c = 0;
      while (c < row.length) {
        const colour = colourOf(row[c]);
        if (colour === MISSING) anyMissing = true;
        let end = c + 1;
        while (end < row.length) {
          if (colourOf(row[end]) !== colour) break;
          end++;
        }
        let list = byColour.get(colour);
        if (!list) byColour.set(colour, (list = []));
        list.push(`M${c} ${r}h${end - c}v1h${c - end}z`);
        c = end;
      }
    });
    body.push(`<rect class="frame" x="${gridLeft - 0.5}" y="${gridTop - 0.5}" width="${panelGridW + 1}" height="${gridH + 1}" fill="#f4f4f4" stroke="#888888" stroke-width="1"/>\n`);
    body.push(`<g class="cells" data-rows="${p.nRows}" data-cols="${p.nCols}" transform="translate(${gridLeft} ${gridTop}) scale(${cellW} ${cellH})" shape-rendering="crispEdges" stroke="none">\n`);
    for (const [colour, cells] of byColour) body.push(`<path fill="${colour}" d="${cells.join('')}"/>\n`);
    body.push('</g>\n');

    // row (unit) ticks
    body.push(`<g class="y-ticks" font-size="${TICK_SIZE}" fill="#444444" text-anchor="end">\n`);
    for (let r = 0; r < p.nRows; r += yStep) {
      const cy = gridTop + (r + 0.5) * cellH;
      body.push(`<line x1="${gridLeft - 4}" x2="${gridLeft}" y1="${px(cy)}" y2="${px(cy)}" stroke="#666666"/><text x="${gridLeft - 6}" y="${px(cy + TICK_SIZE * 0.35)}">${r}</text>\n`);
    }
    body.push('</g>\n');
    if (rowLabel) {
      const cx = 14 + LABEL_SIZE * 0.8;
      const cy = gridTop + gridH / 2;
      body.push(`<text class="row-label" x="${px(cx)}" y="${px(cy)}" font-size="${LABEL_SIZE}" text-anchor="middle" fill="#222222" transform="rotate(-90 ${px(cx)} ${px(cy)})">${escapeXml(rowLabel)}</text>\n`);
    }

    // colour bar, min at the bottom
    const barX = gridLeft + gridW + barGap;
    const barH = Math.max(gridH, 60);
    const gradId = `${String(options.idPrefix ?? 'hm').replace(/[^A-Za-z0-9_-]/g, '') || 'hm'}-scale-${pi}`;
    const stops: string[] = [];
    const samples = 24;
    const stopAt = (v: number) => {
      const off = fractionOf(v, scale.min, scale.max);
      stops.push(`<stop offset="${px(off * 100)}%" stop-color="${paletteAt(scale.palette, scale.t(v))}"/>`);
    };
    // a weighted mean of the ends, never their difference: max − min overflows for ±1e308
    const sample = (k: number) => Math.max(scale.min, Math.min(scale.max, scale.min * (1 - k / samples) + scale.max * (k / samples)));
    for (let k = 0; k <= samples; k++) {
      const v = sample(k);
      if (scale.diverging && k > 0 && v > 0 && sample(k - 1) < 0) stopAt(0);
      stopAt(v);
    }
    defs.push(`<linearGradient id="${gradId}" x1="0" y1="1" x2="0" y2="0">${stops.join('')}</linearGradient>\n`);
    body.push(`<g class="colour-scale" data-min="${scale.min}" data-max="${scale.max}" data-kind="${scale.diverging ? 'diverging' : 'sequential'}" font-size="${TICK_SIZE}" fill="#444444">\n`);
    body.push(`<rect x="${barX}" y="${gridTop}" width="${barW}" height="${barH}" fill="url(#${gradId})" stroke="#888888" stroke-width="0.8"/>\n`);
    for (const t of barLabels[pi]) {
      const ty = gridTop + barH - fractionOf(t.value, scale.min, scale.max) * barH;
      body.push(`<line x1="${barX + barW}" x2="${barX + barW + 4}" y1="${px(ty)}" y2="${px(ty)}" stroke="#666666"/><text x="${barX + barW + 6}" y="${px(ty + TICK_SIZE * 0.35)}">${escapeXml(t.label)}</text>\n`);
    }
    if (anyMissing) {
      body.push(`<rect x="${barX}" y="${px(gridTop + barH + 6)}" width="${barW}" height="8" fill="${MISSING}"/><text x="${barX + barW + 6}" y="${px(gridTop + barH + 14)}">not finite</text>\n`);
    }
    body.push('</g>\n');
    y = gridTop + Math.max(barH + (anyMissing ? 16 : 0), gridH);

    // time ticks: labels under the columns of this panel
    body.push(`<g class="x-ticks" font-size="${TICK_SIZE}" fill="#444444" text-anchor="middle">\n`);
    const tickTop = gridTop + gridH;
    for (let c = 0; c < p.nCols; c += xStep) {
      if (!colLabels[c]) continue;
      const cx = gridLeft + (c + 0.5) * cellW;
      body.push(`<line x1="${px(cx)}" x2="${px(cx)}" y1="${tickTop}" y2="${tickTop + 4}" stroke="#666666"/><text x="${px(cx)}" y="${tickTop + 6 + TICK_SIZE}">${escapeXml(colLabels[c])}</text>\n`);
    }
    body.push('</g>\n');
    y = Math.max(y, tickTop + TICK_SIZE + 8);
    if (xLabel) {
      body.push(`<text class="x-label" x="${px(gridLeft + panelGridW / 2)}" y="${y + LABEL_SIZE + 4}" font-size="${LABEL_SIZE}" text-anchor="middle" fill="#222222">${escapeXml(xLabel)}</text>\n`);
      y += LABEL_SIZE + 8;
    }
    if (p.caption) {
      const lines = wrapText(p.caption, CAPTION_SIZE, textMax);
      body.push(`<text class="caption" x="${gridLeft}" y="${y + CAPTION_SIZE + 4}" font-size="${CAPTION_SIZE}" font-style="italic" fill="#333333">`);
      lines.forEach((l, i) => body.push(`<tspan x="${gridLeft}" dy="${i === 0 ? 0 : CAPTION_SIZE + 4}">${escapeXml(l)}</tspan>`));
      body.push('</text>\n');
      y += lines.length * (CAPTION_SIZE + 4) + 4;
    }
    body.push('</g>\n');
    y += 26;
  });

  if (panels.length === 0) {
    body.push(`<text class="no-data" x="${px(W / 2)}" y="${y + 20}" font-size="${LABEL_SIZE}" text-anchor="middle" fill="#777777">no data</text>\n`);
    y += 40;
  }

  const H = Math.ceil(y);
  out.push(svgOpen(W, H, title || 'heatmaps'));
  if (defs.length) out.push(`<defs>\n${defs.join('')}</defs>\n`);
  out.push(body.join('')); // one string: push(...body) overflows the stack for many panels
  out.push('</svg>\n');
  return out.join('');
}

/** Round (1-2-5) values inside the scale, plus its ends when no tick is near them. */
function colourTicks(scale: Scale): { value: number; label: string }[] {
  const { min, max } = scale;
  const { step, ticks: values } = ticksInside(min, max, 4);
  const near = (v: number) => values.some((u) => Math.abs(fractionOf(u, min, max) - fractionOf(v, min, max)) < 0.12);
  const fmt = tickFormatter(step, Math.max(Math.abs(min), Math.abs(max)));
  const ticks = values.map((v) => ({ value: v, label: fmt(v) }));
  if (!near(min)) ticks.unshift({ value: min, label: endLabel(min) });
  if (!near(max)) ticks.push({ value: max, label: endLabel(max) });
  return ticks;
}

/** A colour-scale end to 3 significant digits. */
function endLabel(v: number): string {
  const rounded = Number.parseFloat(v.toPrecision(3));
  // 1.7976931348623157e308 rounds up to Infinity at 3 digits: keep the value itself then
  const s = Number.isFinite(rounded) ? rounded : v;
  return tickFormatter(niceStep(Math.abs(s) / 100 || 1e-3), Math.abs(s))(s);
}
