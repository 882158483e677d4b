/**
 * The SVG charts (src/plot): every document is well-formed XML (a strict
 * checker below), shows every series, legend entry, axis label and title,
 * puts y ticks on round 1-2-5 numbers, breaks lines at gaps, escapes text and
 * never prints NaN/undefined. With librsvg's rsvg-convert installed, each
 * chart is rendered to PNG and the pixels are checked where the data is; the
 * airline example and a gate heatmap are written to out/ for a person to see.
 *
 * rsvg-convert comes from Debian's librsvg2-bin. Without it these rendering
 * tests are skipped on a developer machine, but in CI (CI set) they run and
 * fail, so a missing install is caught.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { heatmapPanels, lineChart, SERIES_COLORS } from '../src/plot/index.js';
import { runBuilt } from './helpers.js';

const OUT_DIR = fileURLToPath(new URL('../out/', import.meta.url));
const AIRLINE_CSV = fileURLToPath(new URL('../data/international-airline-passengers.csv', import.meta.url));

// ---------------------------------------------------------------------------
// A strict little XML parser: well-formedness as the XML spec has it for the
// subset SVG needs (no DTD, no CDATA), returning a tree to query.

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Text directly inside this element, entities decoded. */
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(raw: string, where: string): string {
  return raw.replace(/&([^;&<]*);?/g, (m, name: string) => {
    if (!m.endsWith(';') || !(name in ENTITIES)) throw new Error(`bad entity ${JSON.stringify(m)} in ${where}`);
    return ENTITIES[name];
  });
}

function parseXml(doc: string): XmlElement {
  let i = 0;
  const NAME = /[A-Za-z_][\w.:-]*/y;
  const fail = (msg: string): never => { throw new Error(`${msg} at offset ${i}: ${JSON.stringify(doc.slice(i, i + 60))}`); };
  const skipMisc = () => {
    for (;;) {
      const ws = /\s*/y; ws.lastIndex = i; ws.exec(doc); i = ws.lastIndex;
      if (doc.startsWith('<!--', i)) {
        const end = doc.indexOf('-->', i + 4);
        if (end < 0) fail('unclosed comment');
        if (doc.slice(i + 4, end).includes('--')) fail('"--" in comment');
        i = end + 3;
      } else return;
    }
  };
  if (doc.startsWith('<?xml')) {
    const end = doc.indexOf('?>');
    if (!/^<\?xml version="1\.0"( encoding="UTF-8")?\s*\?>$/.test(doc.slice(0, end + 2))) fail('bad XML declaration');
    i = end + 2;
  } else if (/^\s*<\?xml/.test(doc)) fail('XML declaration not at the very start');
  skipMisc();
  if (doc.startsWith('<!', i)) fail('DOCTYPE/CDATA not allowed');

  const element = (): XmlElement => {
    if (doc[i] !== '<') fail('expected <');
    i++;
    NAME.lastIndex = i;
    const m = NAME.exec(doc);
    if (!m) fail('bad tag name');
    const el: XmlElement = { name: m![0], attrs: {}, children: [], text: '' };
    i = NAME.lastIndex;
    for (;;) {
      const ws = /\s*/y; ws.lastIndex = i; const sp = ws.exec(doc)![0]; i = ws.lastIndex;
      if (doc.startsWith('/>', i)) { i += 2; return el; }
      if (doc[i] === '>') { i++; break; }
      if (!sp) fail('attributes need whitespace between them');
      NAME.lastIndex = i;
      const a = NAME.exec(doc);
      if (!a) fail('bad attribute name');
      i = NAME.lastIndex;
      if (doc[i] !== '=') fail(`attribute ${a![0]} without ="…"`);
      i++;
      const q = doc[i];
      if (q !== '"' && q !== "'") fail(`attribute ${a![0]} not quoted`);
      const end = doc.indexOf(q, i + 1);
      if (end < 0) fail('unclosed attribute value');
      const raw = doc.slice(i + 1, end);
      if (raw.includes('<')) fail('< in attribute value');
      if (a![0] in el.attrs) fail(`duplicate attribute ${a![0]}`);
      el.attrs[a![0]] = decode(raw, `attribute ${a![0]}`);
      i = end + 1;
    }
    for (;;) {
      const lt = doc.indexOf('<', i);
      if (lt < 0) fail(`unclosed <${el.name}>`);
      const text = doc.slice(i, lt);
      if (text.includes(']]>')) fail(']]> in text');
      el.text += decode(text, `<${el.name}> text`);
      i = lt;
      if (doc.startsWith('</', i)) {
        const close = `</${el.name}`;
        if (!doc.startsWith(close, i)) fail(`</…> does not close <${el.name}>`);
        i += close.length;
        const ws = /\s*>/y; ws.lastIndex = i;
        if (!ws.exec(doc)) fail('bad closing tag');
        i = ws.lastIndex;
        return el;
      }
      if (doc.startsWith('<!--', i)) { skipMisc(); continue; }
      if (doc.startsWith('<!', i) || doc.startsWith('<?', i)) fail('DTD/CDATA/PI not allowed');
      el.children.push(element());
    }
  };
  const root = element();
  skipMisc();
  if (i !== doc.length) fail('content after the root element');
  return root;
}

function* walk(el: XmlElement): Generator<XmlElement> {
  yield el;
  for (const c of el.children) yield* walk(c);
}
const all = (root: XmlElement, pred: (e: XmlElement) => boolean) => [...walk(root)].filter(pred);
const byClass = (root: XmlElement, cls: string) => all(root, (e) => (e.attrs.class ?? '').split(' ').includes(cls));
/** All text inside an element, tspans included. */
const textOf = (el: XmlElement): string => el.text + el.children.map(textOf).join('');

/** Parses and checks the invariants every chart must keep; returns the tree. */
function checkSvg(svg: string): XmlElement {
  const root = parseXml(svg);
  expect(root.name).toBe('svg');
  expect(root.attrs.xmlns).toBe('http://www.w3.org/2000/svg');
  expect(Number(root.attrs.width)).toBeGreaterThan(0);
  expect(Number(root.attrs.height)).toBeGreaterThan(0);
  expect(root.attrs.viewBox).toBe(`0 0 ${root.attrs.width} ${root.attrs.height}`);
  expect(svg).not.toMatch(/NaN|undefined|Infinity|null|\[object/);
  expect(svg).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/); // not allowed in XML 1.0
  // every numeric-looking attribute is a finite number list (collected, then one assertion: charts can have 10^5 elements)
  const bad: string[] = [];
  for (const el of walk(root)) {
    for (const k of ['x', 'y', 'x1', 'x2', 'y1', 'y2', 'width', 'height', 'cx', 'cy', 'r']) {
      if (k in el.attrs && !el.attrs[k].endsWith('%') && !Number.isFinite(Number(el.attrs[k]))) bad.push(`${el.name} ${k}=${el.attrs[k]}`);
    }
  }
  expect(bad).toEqual([]);
  return root;
}

// ---------------------------------------------------------------------------
// PNG: rsvg-convert writes 8-bit RGBA (or RGB), non-interlaced.

interface Png { width: number; height: number; rgba(x: number, y: number): [number, number, number, number] }

function decodePng(buf: Buffer): Png {
  expect(buf.subarray(0, 8).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]))).toBe(true);
  let off = 8;
  let width = 0; let height = 0; let colorType = 0;
  const idat: Buffer[] = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('latin1', off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0); height = data.readUInt32BE(4);
      const bitDepth = data[8]; colorType = data[9];
      expect(bitDepth).toBe(8);
      expect([2, 6]).toContain(colorType);
      expect(data[12]).toBe(0); // not interlaced
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    off += 12 + len;
  }
  const ch = colorType === 6 ? 4 : 3;
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * ch;
  const px = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= ch ? px[y * stride + x - ch] : 0;
      const b = y > 0 ? px[(y - 1) * stride + x] : 0;
      const c = x >= ch && y > 0 ? px[(y - 1) * stride + x - ch] : 0;
      let v = line[x];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c; const pa = Math.abs(p - a); const pb = Math.abs(p - b); const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else if (filter !== 0) throw new Error(`PNG filter ${filter}`);
      px[y * stride + x] = v & 255;
    }
  }
  return {
    width, height,
    rgba(x, y) {
      const o = Math.round(y) * stride + Math.round(x) * ch;
      return [px[o], px[o + 1], px[o + 2], ch === 4 ? px[o + 3] : 255];
    },
  };
}

const hasRsvg = spawnSync('rsvg-convert', ['--version']).status === 0;
const skipRender = !hasRsvg && !process.env.CI;
if (skipRender) {
  console.warn('plot.test: rsvg-convert not found, PNG rendering checks skipped (apt-get install -y librsvg2-bin); in CI they run');
}

function render(svg: string): { png: Buffer; image: Png } {
  const r = spawnSync('rsvg-convert', ['--format', 'png'], { input: svg, maxBuffer: 256 << 20 });
  if (r.error || r.status !== 0) {
    throw new Error(`rsvg-convert failed (${r.error?.message ?? r.stderr.toString()}); install it with: apt-get install -y librsvg2-bin`);
  }
  return { png: r.stdout, image: decodePng(r.stdout) };
}

const hexRgb = (c: string) => [1, 3, 5].map((k) => Number.parseInt(c.slice(k, k + 2), 16));
const dist = (a: number[], b: number[]) => Math.max(...[0, 1, 2].map((k) => Math.abs(a[k] - b[k])));
/** Whether some pixel within `r` of (x, y) is within `tol` of the colour. */
function colourNear(img: Png, x: number, y: number, colour: string, r = 2, tol = 40): boolean {
  const want = hexRgb(colour);
  for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) {
    const xx = x + dx; const yy = y + dy;
    if (xx < 0 || yy < 0 || xx >= img.width || yy >= img.height) continue;
    if (dist(img.rgba(xx, yy), want) <= tol) return true;
  }
  return false;
}
function darkPixels(img: Png, x0: number, y0: number, x1: number, y1: number): number {
  let n = 0;
  for (let y = Math.max(0, y0); y < Math.min(img.height, y1); y++) for (let x = Math.max(0, x0); x < Math.min(img.width, x1); x++) {
    const [r, g, b] = img.rgba(x, y);
    if (r + g + b < 3 * 160) n++;
  }
  return n;
}

// ---------------------------------------------------------------------------
// helpers on the chart's structure

const points = (pl: XmlElement) => pl.attrs.points.trim().split(/\s+/).map((p) => p.split(',').map(Number));
function seriesGroup(root: XmlElement, name: string): XmlElement {
  const g = byClass(root, 'series').filter((e) => e.attrs['data-name'] === name);
  expect(g, `series ${name}`).toHaveLength(1);
  return g[0];
}
/** Runs of consecutive finite values: [start, length]. */
function runs(values: (number | null)[]): [number, number][] {
  const out: [number, number][] = [];
  let start = -1;
  values.forEach((v, i) => {
    const ok = typeof v === 'number' && Number.isFinite(v);
    if (ok && start < 0) start = i;
    if (!ok && start >= 0) { out.push([start, i - start]); start = -1; }
  });
  if (start >= 0) out.push([start, values.length - start]);
  return out;
}
const parseTick = (s: string) => Number(s.replace('−', '-').replace(/,/g, ''));
/** y ticks: evenly spaced 1-2-5 × 10^k values whose labels read as those values. */
function checkYTicks(root: XmlElement, dataMin: number, dataMax: number): number[] {
  const ticks = byClass(byClass(root, 'y-ticks')[0], 'tick');
  const values = ticks.map((t) => Number(t.attrs['data-value']));
  expect(values.length).toBeGreaterThanOrEqual(3);
  expect(values.length).toBeLessThanOrEqual(12);
  const step = values[1] - values[0];
  const mant = step / 10 ** Math.floor(Math.log10(step) + 1e-9);
  expect([1, 2, 5].some((m) => Math.abs(mant - m) < 1e-6), `step ${step}`).toBe(true);
  values.forEach((v, k) => {
    expect(Math.abs(v - (values[0] + k * step))).toBeLessThanOrEqual(Math.abs(step) * 1e-9);
    expect(Math.abs(v / step - Math.round(v / step))).toBeLessThan(1e-6); // a multiple of the step
    const label = textOf(ticks[k]);
    expect(Math.abs(parseTick(label) - v)).toBeLessThanOrEqual(Math.abs(step) * 1e-6 + Math.abs(v) * 1e-9);
  });
  // the ticks span the data (up to float noise like 0.1 + 0.2)
  expect(values[0]).toBeLessThanOrEqual(dataMin + Math.abs(step) * 1e-6);
  expect(values[values.length - 1]).toBeGreaterThanOrEqual(dataMax - Math.abs(step) * 1e-6);
  // tick screen positions go up as values go up, evenly
  const ys = ticks.map((t) => Number(t.attrs.y));
  for (let k = 1; k < ys.length; k++) expect(ys[k]).toBeLessThan(ys[k - 1]);
  return values;
}

function airline(): { labels: string[]; values: number[] } {
  const lines = readFileSync(AIRLINE_CSV, 'utf8').trim().split(/\r?\n/).slice(1);
  const labels: string[] = [];
  const values: number[] = [];
  for (const l of lines) {
    const [t, v] = l.split(',');
    labels.push(t.replace(/"/g, ''));
    values.push(Number(v));
  }
  return { labels, values };
}

/** Month label n months after "YYYY-MM". */
function addMonths(label: string, n: number): string {
  const [y, m] = label.split('-').map(Number);
  const o = y * 12 + m - 1 + n;
  return `${Math.floor(o / 12)}-${String((o % 12) + 1).padStart(2, '0')}`;
}

/** The picture the CLI's forecast command draws: history, test predictions, forecast. */
function airlineChart(): { svg: string; history: number[]; pred: (number | null)[]; forecast: (number | null)[]; x: string[] } {
  const { labels, values } = airline();
  expect(values).toHaveLength(144);
  const nTest = 29;
  const horizon = 12;
  const x = [...labels, ...Array.from({ length: horizon }, (_, k) => addMonths(labels[labels.length - 1], k + 1))];
  const pred: (number | null)[] = x.map((_, i) => (i >= 144 - nTest && i < 144 ? Math.round(values[i] * (1 + 0.06 * Math.sin(i * 1.7))) : null));
  const forecast: (number | null)[] = x.map((_, i) => (i >= 144 ? Math.round(values[i - 12] * 1.07) : null));
  const svg = lineChart({
    title: 'International airline passengers: LSTM forecast vs truth',
    xLabel: 'month',
    yLabel: 'passengers (thousands)',
    x,
    series: [
      { name: 'history (truth)', values },
      { name: 'test prediction', values: pred },
      { name: 'forecast (next 12 months)', values: forecast, dashed: true },
    ],
    markX: [{ at: 144 - nTest - 0.5, label: 'train | test' }, { at: 143.5, label: 'forecast →' }],
  });
  return { svg, history: values, pred, forecast, x };
}

/** Random gate activations like an LSTM's: sigmoids in (0, 1), tanh in (-1, 1), a cell state that drifts. */
function fakeGates(units: number, steps: number, seed = 1) {
  let s = seed >>> 0;
  const rand = () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  const bias = Array.from({ length: units }, () => (rand() - 0.5) * 6);
  const gate = (f: (v: number) => number, b: number) => Array.from({ length: units }, (_, u) => Array.from({ length: steps }, (_, t) => f(bias[u] * b + Math.sin(t / 3 + u) * 1.5 + (rand() - 0.5))));
  const i = gate(sig, 1); const f = gate(sig, -0.7); const o = gate(sig, 0.4); const g = gate(Math.tanh, 0.5);
  const c = Array.from({ length: units }, (_, u) => {
    let cell = 0;
    return Array.from({ length: steps }, (_, t) => (cell = f[u][t] * cell + i[u][t] * g[u][t]));
  });
  return { i, f, o, g, c };
}

function gateHeatmap(units: number, steps: number): string {
  const { i, f, o, g, c } = fakeGates(units, steps);
  return heatmapPanels({
    title: 'LSTM gates over one window (layer 1)',
    subtitle: `input window ending 1960-12 · ${units} units × ${steps} steps`,
    xLabel: 'time step (0 = oldest)',
    panels: [
      { name: 'input gate i', rows: i, min: 0, max: 1, caption: 'how much of the new candidate each unit writes (1) or ignores (0)' },
      { name: 'forget gate f', rows: f, min: 0, max: 1, caption: 'what the forget gate keeps (1) and drops (0)' },
      { name: 'output gate o', rows: o, min: 0, max: 1, caption: 'how much of the cell state each unit shows as its output' },
      { name: 'candidate g', rows: g, min: -1, max: 1, caption: 'the new content proposed at each step (tanh, −1 … 1)' },
      { name: 'cell state c', rows: c, caption: 'the memory carried from step to step' },
    ],
  });
}

// ---------------------------------------------------------------------------

describe('lineChart', () => {
  it('draws every series, one polyline per run, with the legend, title and axis labels', () => {
    const a = [1, 2, 3, null, 5, 6, Number.NaN, 8, Number.POSITIVE_INFINITY, 10, 11, 12];
    const b = [null, null, 4, 4.5, 5, null, null, null, null, null, 7, 7.5];
    const c = [null, null, null, null, null, null, null, null, 3, null, null, null]; // one lone point
    const svg = lineChart({
      title: 'T', xLabel: 'step', yLabel: 'value (m/s)', x: a.map((_, i) => i),
      series: [{ name: 'alpha', values: a }, { name: 'beta', values: b, dashed: true, color: '#123456' }, { name: 'gamma', values: c }],
    });
    const root = checkSvg(svg);
    for (const [name, values] of [['alpha', a], ['beta', b], ['gamma', c]] as const) {
      const g = seriesGroup(root, name);
      const lines = g.children.filter((e) => e.name === 'polyline');
      const dots = g.children.filter((e) => e.name === 'circle');
      const r = runs(values);
      expect(lines.length + dots.length).toBe(r.length);
      expect(lines.map((l) => points(l).length)).toEqual(r.filter(([, n]) => n > 1).map(([, n]) => n));
      expect(lines.map((l) => Number(l.attrs['data-start']))).toEqual(r.filter(([, n]) => n > 1).map(([s]) => s));
      expect(dots.length).toBe(r.filter(([, n]) => n === 1).length);
      const total = lines.reduce((s, l) => s + points(l).length, 0) + dots.length;
      expect(total).toBe(values.filter((v) => typeof v === 'number' && Number.isFinite(v)).length);
    }
    expect(seriesGroup(root, 'alpha').attrs.stroke).toBe(SERIES_COLORS[0]);
    expect(seriesGroup(root, 'beta').attrs.stroke).toBe('#123456');
    expect(seriesGroup(root, 'beta').attrs['stroke-dasharray']).toBeTruthy();
    expect(seriesGroup(root, 'gamma').attrs['stroke-dasharray']).toBeUndefined();
    // the same x position maps to the same pixel in every series, y grows downwards
    const a0 = points(seriesGroup(root, 'alpha').children[0]);
    const b0 = points(seriesGroup(root, 'beta').children[0]);
    expect(b0[0][0]).toBeCloseTo(a0[2][0], 5);
    expect(a0[1][1]).toBeLessThan(a0[0][1]);
    const legend = byClass(root, 'legend-item').map(textOf);
    expect(legend).toEqual(['alpha', 'beta', 'gamma']);
    const legendLines = byClass(root, 'legend-item').map((e) => e.children.find((c) => c.name === 'line')!);
    expect(legendLines[1].attrs['stroke-dasharray']).toBeTruthy();
    expect(legendLines[1].attrs.stroke).toBe('#123456');
    expect(textOf(byClass(root, 'title')[0])).toBe('T');
    expect(textOf(byClass(root, 'x-label')[0])).toBe('step');
    expect(textOf(byClass(root, 'y-label')[0])).toBe('value (m/s)');
    checkYTicks(root, 1, 12);
  });

  it('puts y ticks on round numbers for any magnitude, negative and constant series too', () => {
    const cases: [number, number][] = [
      [104, 622], [0, 1], [-0.37, 0.81], [-5e12, 3e12], [1e-7, 3e-7], [-123456, -98765],
      [42, 42], [0, 0], [-3, -3], [1e300, 1e308], [0.1, 0.30000000000000004],
    ];
    for (const [lo, hi] of cases) {
      const values = [lo, (lo + hi) / 2, hi];
      if (!Number.isFinite(values[1])) values[1] = lo / 2 + hi / 2;
      const svg = lineChart({ title: `${lo}..${hi}`, xLabel: 'i', yLabel: 'v', x: [0, 1, 2], series: [{ name: 's', values }] });
      const root = checkSvg(svg);
      checkYTicks(root, lo, hi);
      const pts = points(seriesGroup(root, 's').children[0]);
      expect(pts).toHaveLength(3);
      for (const [xx, yy] of pts) expect(Number.isFinite(xx) && Number.isFinite(yy)).toBe(true);
      if (lo === hi) expect(new Set(pts.map((p) => p[1])).size).toBe(1); // flat line, inside the plot
    }
    // next to Number.MAX_VALUE a round end tick would overflow: it is left out, the rest still draws
    for (const values of [[1e300, 1.7e308], [-1.7e308, 1.7e308]]) {
      const root = checkSvg(lineChart({ title: 'huge', xLabel: 'i', yLabel: 'v', x: [0, 1], series: [{ name: 's', values }] }));
      expect(points(seriesGroup(root, 's').children[0])).toHaveLength(2);
      expect(byClass(root, 'tick').length).toBeGreaterThan(3);
    }
  });

  it('shows a readable subset of date labels: every year, January, no overlap', () => {
    const { svg, x } = airlineChart();
    const root = checkSvg(svg);
    const ticks = byClass(byClass(root, 'x-ticks')[0], 'tick');
    const labels = ticks.map(textOf);
    expect(labels.length).toBeGreaterThanOrEqual(6);
    expect(labels.length).toBeLessThanOrEqual(20);
    for (const l of labels) expect(x).toContain(l);
    expect(labels.every((l) => l.endsWith('-01'))).toBe(true);
    const xs = ticks.map((t) => Number(t.attrs.x));
    const width = 7 * 11 * 0.62; // "1949-01" at 11 px
    for (let k = 1; k < xs.length; k++) expect(xs[k] - xs[k - 1]).toBeGreaterThan(width);
    // short numeric x: all labels fit, so all are shown
    const small = checkSvg(lineChart({ title: 't', xLabel: 'x', yLabel: 'y', x: [1, 2, 3, 4, 5], series: [{ name: 's', values: [1, 2, 3, 4, 5] }] }));
    expect(byClass(byClass(small, 'x-ticks')[0], 'tick').map(textOf)).toEqual(['1', '2', '3', '4', '5']);
    // many integer steps: ticks on multiples of a 1-2-5 step
    const many = checkSvg(lineChart({ title: 't', xLabel: 'x', yLabel: 'y', x: Array.from({ length: 1000 }, (_, i) => i + 1), series: [{ name: 's', values: Array.from({ length: 1000 }, Math.sqrt) }] }));
    const manyLabels = byClass(byClass(many, 'x-ticks')[0], 'tick').map((t) => Number(textOf(t)));
    const step = manyLabels[1] - manyLabels[0];
    expect(manyLabels.every((v) => v % step === 0)).toBe(true);
  });

  it('covers partial series (test predictions, a forecast past the data) and labels the markers', () => {
    const { svg, pred, forecast } = airlineChart();
    const root = checkSvg(svg);
    expect(points(seriesGroup(root, 'history (truth)').children[0])).toHaveLength(144);
    const p = seriesGroup(root, 'test prediction').children.filter((e) => e.name === 'polyline');
    expect(p).toHaveLength(1);
    expect(points(p[0])).toHaveLength(pred.filter((v) => v !== null).length);
    expect(p[0].attrs['data-start']).toBe('115');
    const f = seriesGroup(root, 'forecast (next 12 months)').children.filter((e) => e.name === 'polyline');
    expect(points(f[0])).toHaveLength(forecast.filter((v) => v !== null).length);
    // the forecast lies right of the history, the prediction inside it
    const hist = points(seriesGroup(root, 'history (truth)').children[0]);
    expect(points(f[0])[0][0]).toBeGreaterThan(hist[143][0]);
    expect(points(p[0])[0][0]).toBeCloseTo(hist[115][0], 5);
    const marks = byClass(root, 'marker-label').map(textOf);
    expect(marks).toEqual(['train | test', 'forecast →']);
    const markLines = byClass(root, 'markers')[0].children.filter((e) => e.name === 'line');
    const mx = Number(markLines[0].attrs.x1);
    expect(mx).toBeGreaterThan(hist[114][0]);
    expect(mx).toBeLessThan(hist[115][0]);
    expect(svg.length).toBeLessThan(100_000);
  });

  it('escapes every text and keeps odd input out of the markup', () => {
    const nasty = `<b>"Q&A"</b> it's & <script>&amp;`;
    const svg = lineChart({
      title: nasty, xLabel: `x < 1 & "y"`, yLabel: `'units' > 0`, x: ['<a>', '&', '"q"'],
      series: [{ name: nasty, values: [1, 2, 3], color: '"/><script>alert(1)</script>' }],
      markX: [{ at: 1, label: '<&>' }],
    });
    const root = checkSvg(svg);
    expect(svg).not.toContain('<script');
    // characters XML cannot carry are dropped, not passed through
    const ctl = checkSvg(lineChart({ title: 'bell\u0007 here', xLabel: 'x', yLabel: 'y', x: [0], series: [] }));
    expect(textOf(byClass(ctl, 'title')[0])).toBe('bell here');
    expect(svg).not.toContain('<b>');
    expect(textOf(byClass(root, 'title')[0])).toBe(nasty);
    expect(textOf(byClass(root, 'x-label')[0])).toBe(`x < 1 & "y"`);
    expect(textOf(byClass(root, 'y-label')[0])).toBe(`'units' > 0`);
    expect(byClass(root, 'legend-item').map(textOf)).toEqual([nasty]);
    expect(seriesGroup(root, nasty).attrs.stroke).toBe(SERIES_COLORS[0]); // a bad colour falls back
    expect(byClass(root, 'marker-label').map(textOf)).toEqual(['<&>']);
    expect(byClass(byClass(root, 'x-ticks')[0], 'tick').map(textOf)).toEqual(['<a>', '&', '"q"']);
  });

  it('survives empty, all-gap and degenerate input without NaN', () => {
    const inputs = [
      { title: '', xLabel: '', yLabel: '', x: [], series: [] },
      { title: 'gaps', xLabel: 'x', yLabel: 'y', x: [1, 2, 3], series: [{ name: 'none', values: [null, Number.NaN, Number.NEGATIVE_INFINITY] }] },
      { title: 'one', xLabel: 'x', yLabel: 'y', x: ['only'], series: [{ name: 'one', values: [5] }] },
      { title: 'longer series than x', xLabel: 'x', yLabel: 'y', x: ['a'], series: [{ name: 's', values: [1, 2, 3, 4] }] },
      { title: 'tiny', xLabel: 'x', yLabel: 'y', x: [0, 1], series: [{ name: 's', values: [0, 1] }], width: 10, height: Number.NaN },
      { title: 'markers outside', xLabel: 'x', yLabel: 'y', x: [0, 1, 2], series: [{ name: 's', values: [0, 1, 2] }], markX: [{ at: -3, label: 'before' }, { at: 9, label: 'after' }, { at: Number.NaN, label: 'bad' }] },
    ];
    for (const opts of inputs) {
      const root = checkSvg(lineChart(opts as Parameters<typeof lineChart>[0]));
      expect(byClass(root, 'series')).toHaveLength(opts.series.length);
    }
    const none = checkSvg(lineChart(inputs[1] as Parameters<typeof lineChart>[0]));
    expect(seriesGroup(none, 'none').children).toHaveLength(0);
    expect(byClass(none, 'legend-item').map(textOf)).toEqual(['none']);
  });

  it('has distinct default colours, used in order', () => {
    expect(new Set(SERIES_COLORS.map((c) => c.toLowerCase())).size).toBe(SERIES_COLORS.length);
    const root = checkSvg(lineChart({ title: 't', xLabel: 'x', yLabel: 'y', x: [0, 1], series: SERIES_COLORS.map((_, i) => ({ name: `s${i}`, values: [i, i + 1] })) }));
    expect(byClass(root, 'series').map((g) => g.attrs.stroke)).toEqual(SERIES_COLORS);
  });
});

describe('heatmapPanels', () => {
  it('draws every cell of every panel, with its own scale, ticks, labels and caption', () => {
    const rows = [[0, 0.25, 0.5, 1], [1, 1, Number.NaN, 0], [0.1, 0.2, 0.3]]; // ragged, one NaN
    const neg = [[-2, -1, 0, 1, 3], [0, 0, 0, 0, 0]];
    const svg = heatmapPanels({
      title: 'Gates & <state>', subtitle: 'sub "title"', xLabel: 'time step', rowLabel: 'unit',
      panels: [
        { name: 'forget gate f', rows, min: 0, max: 1, caption: 'what the forget gate keeps (1) and drops (0)' },
        { name: 'cell state c', rows: neg, caption: 'memory' },
      ],
    });
    const root = checkSvg(svg);
    expect(textOf(byClass(root, 'title')[0])).toBe('Gates & <state>');
    expect(textOf(byClass(root, 'subtitle')[0])).toBe('sub "title"');
    const panels = byClass(root, 'panel');
    expect(panels.map((p) => p.attrs['data-name'])).toEqual(['forget gate f', 'cell state c']);
    expect(panels.map((p) => textOf(byClass(p, 'panel-name')[0]))).toEqual(['forget gate f', 'cell state c']);
    expect(panels.map((p) => textOf(byClass(p, 'caption')[0]))).toEqual(['what the forget gate keeps (1) and drops (0)', 'memory']);
    expect(panels.map((p) => textOf(byClass(p, 'x-label')[0]))).toEqual(['time step', 'time step']);
    expect(panels.map((p) => textOf(byClass(p, 'row-label')[0]))).toEqual(['unit', 'unit']);

    const scales = panels.map((p) => byClass(p, 'colour-scale')[0]);
    expect(scales.map((s) => s.attrs['data-kind'])).toEqual(['sequential', 'diverging']);
    expect([Number(scales[0].attrs['data-min']), Number(scales[0].attrs['data-max'])]).toEqual([0, 1]);
    expect([Number(scales[1].attrs['data-min']), Number(scales[1].attrs['data-max'])]).toEqual([-3, 3]); // symmetric
    const scaleLabels = scales.map((s) => s.children.filter((e) => e.name === 'text').map(textOf));
    expect(scaleLabels[0]).toEqual(expect.arrayContaining(['0.0', '0.5', '1.0', 'not finite']));
    expect(scaleLabels[1]).toEqual(expect.arrayContaining(['0']));
    for (const s of scales) {
      const rect = s.children.find((e) => e.name === 'rect')!;
      const id = /^url\(#(.+)\)$/.exec(rect.attrs.fill)![1];
      expect(all(root, (e) => e.name === 'linearGradient' && e.attrs.id === id)).toHaveLength(1);
    }

    // the cells: rectangles in cell units, covering exactly the cells that exist, coloured by value
    const cellColours = (panel: XmlElement) => {
      const map = new Map<string, string>();
      for (const path of byClass(panel, 'cells')[0].children) {
        for (const [, c, r, w] of path.attrs.d.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
          for (let k = 0; k < Number(w); k++) {
            const key = `${r},${Number(c) + k}`;
            expect(map.has(key), `cell ${key} drawn twice`).toBe(false);
            map.set(key, path.attrs.fill);
          }
        }
        expect(path.attrs.d.replace(/M(\d+) (\d+)h(\d+)v1h-\d+z/g, '')).toBe('');
      }
      return map;
    };
    const c0 = cellColours(panels[0]);
    expect(c0.size).toBe(11);
    expect(c0.get('0,0')).toBe('#440154'); // viridis 0
    expect(c0.get('0,3')).toBe('#fde725'); // viridis 1
    expect(c0.get('1,0')).toBe('#fde725');
    expect(c0.get('1,2')).toBe('#bdbdbd'); // NaN
    expect(c0.has('2,3')).toBe(false);
    const c1 = cellColours(panels[1]);
    expect(c1.size).toBe(10);
    expect(c1.get('0,2')).toBe('#f7f7f7'); // 0 → white centre
    expect(c1.get('0,4')).toBe('#67001f'); // +max → dark red
    expect(c1.get('1,0')).toBe('#f7f7f7');
    const blue = hexRgb(c1.get('0,0')!);
    expect(blue[2]).toBeGreaterThan(blue[0]); // negative → blue
    const cells = byClass(panels[0], 'cells')[0];
    expect([cells.attrs['data-rows'], cells.attrs['data-cols']]).toEqual(['3', '4']);

    // time and unit ticks
    expect(byClass(panels[1], 'x-ticks')[0].children.filter((e) => e.name === 'text').map(textOf)).toEqual(['0', '1', '2', '3', '4']);
    expect(byClass(panels[0], 'y-ticks')[0].children.filter((e) => e.name === 'text').map(textOf)).toEqual(['0', '1', '2']);
  });

  it('honours explicit ranges, column labels and clamps values beyond them', () => {
    const svg = heatmapPanels({
      title: 't', xLabel: 'month', x: ['1960-01', '1960-02', '1960-03'],
      panels: [{ name: 'candidate g', rows: [[-5, 0, 5]], min: -1, max: 1 }, { name: 'const', rows: [[0.5, 0.5, 0.5]] }],
    });
    const root = checkSvg(svg);
    const panels = byClass(root, 'panel');
    const fills = byClass(panels[0], 'cells')[0].children.map((p) => p.attrs.fill);
    expect(fills).toEqual(['#053061', '#f7f7f7', '#67001f']);
    expect(byClass(panels[0], 'x-ticks')[0].children.filter((e) => e.name === 'text').map(textOf)).toEqual(['1960-01', '1960-03']); // no room for every one
    const scale = byClass(panels[1], 'colour-scale')[0];
    expect(Number(scale.attrs['data-min'])).toBeLessThan(0.5);
    expect(Number(scale.attrs['data-max'])).toBeGreaterThan(0.5);
  });

  it('keeps 100 units × 50 steps × 5 panels well under 1 MB, with sparse ticks', () => {
    const svg = gateHeatmap(100, 50);
    expect(svg.length).toBeLessThan(1_000_000);
    const root = checkSvg(svg);
    expect(all(root, (e) => e.name === 'text').length).toBeLessThan(400);
    for (const p of byClass(root, 'panel')) {
      const yt = byClass(p, 'y-ticks')[0].children.filter((e) => e.name === 'text');
      expect(yt.length).toBeGreaterThan(3);
      expect(yt.length).toBeLessThanOrEqual(25);
      const ys = yt.map((t) => Number(t.attrs.y));
      for (let k = 1; k < ys.length; k++) expect(ys[k] - ys[k - 1]).toBeGreaterThanOrEqual(12);
    }
  });

  it('survives no panels, empty rows and degenerate options', () => {
    for (const opts of [
      { title: '', xLabel: '', panels: [] },
      { title: 'empty', xLabel: 'x', panels: [{ name: 'e', rows: [] }, { name: 'e2', rows: [[], []] }] },
      { title: 'nan', xLabel: 'x', panels: [{ name: 'n', rows: [[Number.NaN, Number.POSITIVE_INFINITY]], min: Number.NaN }], cellSize: -3 },
      { title: 'big cells', xLabel: 'x', panels: [{ name: 'b', rows: [[1e300, -1e300]] }], cellSize: 40 },
    ]) checkSvg(heatmapPanels(opts as Parameters<typeof heatmapPanels>[0]));
  });
});

describe.skipIf(skipRender)('rendered with rsvg-convert', () => {
  it('is installed (in CI: apt-get install -y librsvg2-bin)', () => {
    expect(hasRsvg, 'rsvg-convert missing: apt-get install -y librsvg2-bin').toBe(true);
  });

  it('draws the lines where the data is, with gaps, and the text', () => {
    const values = [1, 2, 3, 4, 5, null, null, null, null, null, 6, 7, 8, 9, 10];
    const svg = lineChart({ title: 'Render check', xLabel: 'step', yLabel: 'value', x: values.map((_, i) => i), series: [{ name: 'line', values, color: '#0072B2' }] });
    const root = checkSvg(svg);
    const { image } = render(svg);
    expect([image.width, image.height]).toEqual([960, 540]);
    const segs = seriesGroup(root, 'line').children.map(points);
    expect(segs).toHaveLength(2);
    for (const seg of segs) for (const [x, y] of seg) expect(colourNear(image, x, y, '#0072B2'), `line at ${x},${y}`).toBe(true);
    // midway along each segment too
    for (const seg of segs) {
      const [x0, y0] = seg[0]; const [x1, y1] = seg[seg.length - 1];
      expect(colourNear(image, (x0 + x1) / 2, (y0 + y1) / 2, '#0072B2')).toBe(true);
    }
    // nothing of the series' colour in the gap between them
    const [gx0, gy0] = segs[0][segs[0].length - 1]; const [gx1, gy1] = segs[1][0];
    for (let f = 0.2; f <= 0.8; f += 0.1) {
      expect(colourNear(image, gx0 + (gx1 - gx0) * f, gy0 + (gy1 - gy0) * f, '#0072B2', 3, 60)).toBe(false);
    }
    // text is rendered: dark pixels where the title, the axis labels and the legend are
    const title = byClass(root, 'title')[0];
    expect(darkPixels(image, 300, Number(title.attrs.y) - 16, 660, Number(title.attrs.y) + 4)).toBeGreaterThan(100);
    const xl = byClass(root, 'x-label')[0];
    expect(darkPixels(image, Number(xl.attrs.x) - 30, Number(xl.attrs.y) - 12, Number(xl.attrs.x) + 30, Number(xl.attrs.y) + 3)).toBeGreaterThan(20);
    expect(darkPixels(image, 0, 200, 30, 340)).toBeGreaterThan(20); // rotated y label
    // the background stays white away from everything
    expect(image.rgba(5, image.height - 3).slice(0, 3)).toEqual([255, 255, 255]);
  });

  it('colours heatmap cells by value', () => {
    const svg = heatmapPanels({
      title: 'Render check', xLabel: 't',
      panels: [{ name: 'ones', rows: [[1, 1, 1], [1, 1, 1]], min: 0, max: 1 }, { name: 'negative', rows: [[-1, -1, -1], [-1, -1, 1]] }],
    });
    const root = checkSvg(svg);
    const { image } = render(svg);
    const centre = (p: XmlElement, r: number, c: number) => {
      const m = /translate\(([\d.]+) ([\d.]+)\) scale\(([\d.]+) ([\d.]+)\)/.exec(byClass(p, 'cells')[0].attrs.transform)!.slice(1).map(Number);
      return [m[0] + (c + 0.5) * m[2], m[1] + (r + 0.5) * m[3]] as const;
    };
    const [p0, p1] = byClass(root, 'panel');
    expect(colourNear(image, ...centre(p0, 1, 1), '#fde725', 0, 8)).toBe(true);
    expect(colourNear(image, ...centre(p1, 0, 0), '#053061', 0, 8)).toBe(true);
    expect(colourNear(image, ...centre(p1, 1, 2), '#67001f', 0, 8)).toBe(true);
  });

  it('writes the airline forecast chart and a gate heatmap to out/ as SVG and PNG', () => {
    mkdirSync(OUT_DIR, { recursive: true });
    const { svg } = airlineChart();
    const root = checkSvg(svg);
    const chart = render(svg);
    writeFileSync(`${OUT_DIR}plot-example.svg`, svg);
    writeFileSync(`${OUT_DIR}plot-example.png`, chart.png);
    for (const [name, colour] of [['history (truth)', SERIES_COLORS[0]], ['test prediction', SERIES_COLORS[1]], ['forecast (next 12 months)', SERIES_COLORS[2]]]) {
      const pts = seriesGroup(root, name).children.flatMap(points);
      const hits = pts.filter(([x, y]) => colourNear(chart.image, x, y, colour, 2, 60)).length;
      expect(hits / pts.length, name).toBeGreaterThan(0.6); // lines overlap each other in places
    }
    const heat = gateHeatmap(32, 24);
    checkSvg(heat);
    const rendered = render(heat);
    writeFileSync(`${OUT_DIR}heatmap-example.svg`, heat);
    writeFileSync(`${OUT_DIR}heatmap-example.png`, rendered.png);
    const big = gateHeatmap(100, 50);
    const bigRendered = render(big);
    expect(bigRendered.image.width).toBeLessThan(1200);
    writeFileSync(`${OUT_DIR}heatmap-large.svg`, big);
    writeFileSync(`${OUT_DIR}heatmap-large.png`, bigRendered.png);
  });
});

describe('heatmap ids', () => {
  it('idPrefix keeps the ids of several heatmaps inlined in one page apart', () => {
    const panel = { name: 'forget gate f', rows: [[0.1, 0.9], [0.5, 0.7]], min: 0, max: 1 };
    const ids = (svg: string) => [...svg.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
    const a = ids(heatmapPanels({ title: 'a', xLabel: 't', panels: [panel], idPrefix: 'first' }));
    const b = ids(heatmapPanels({ title: 'b', xLabel: 't', panels: [panel], idPrefix: 'second' }));
    expect(a.length).toBeGreaterThan(0);
    expect(a.filter((id) => b.includes(id))).toEqual([]);
    const svg = heatmapPanels({ title: 'c', xLabel: 't', panels: [panel], idPrefix: 'third' });
    for (const id of ids(svg)) expect(svg).toContain(`url(#${id})`); // every gradient is used by its own colour bar
  });
});

// ---------------------------------------------------------------------------
// Hostile numbers: whatever comes in, a chart is well-formed, its loops end
// and its ticks stay few, distinct and in order.

/** Most y ticks an axis may carry (MAX_TICK_INTERVALS + 1, plus one for rounding at the ends). */
const MAX_Y_TICKS = 22;

/** The plot area from the axes: the y axis runs from plotTop down to plotBottom at x = plotLeft. */
function plotArea(root: XmlElement): { left: number; right: number; top: number; bottom: number } {
  const [yAxis, xAxis] = byClass(root, 'axes')[0].children;
  return { left: Number(yAxis.attrs.x1), right: Number(xAxis.attrs.x2), top: Number(yAxis.attrs.y1), bottom: Number(yAxis.attrs.y2) };
}

/**
 * y ticks: 2 … MAX_Y_TICKS of them, increasing upwards, multiples of one
 * 1-2-5 step, with distinct labels that read as their values.
 */
function checkBoundedYTicks(root: XmlElement): number[] {
  const ticks = byClass(byClass(root, 'y-ticks')[0], 'tick');
  expect(ticks.length).toBeGreaterThanOrEqual(2);
  expect(ticks.length).toBeLessThanOrEqual(MAX_Y_TICKS);
  const values = ticks.map((t) => Number(t.attrs['data-value']));
  const labels = ticks.map(textOf);
  for (let k = 1; k < values.length; k++) {
    expect(values[k]).toBeGreaterThan(values[k - 1]);
    expect(Number(ticks[k].attrs.y)).toBeLessThan(Number(ticks[k - 1].attrs.y));
  }
  // the step, from the whole run (one difference of values near 1 ± 1e-8 is off by ~1e-8 of itself), snapped to 1-2-5
  const rough = values[values.length - 1] / (values.length - 1) - values[0] / (values.length - 1);
  const decade = 10 ** Math.floor(Math.log10(rough) + 1e-9);
  const mant = rough / decade;
  const nice = [1, 2, 5, 10].find((m) => Math.abs(mant - m) < 1e-6 * m);
  expect(nice, `step ${rough}`).toBeDefined();
  const step = nice! * decade;
  for (const v of values) expect(Math.abs(v / step - Math.round(v / step)), `${v} on step ${step}`).toBeLessThan(1e-6);
  expect(new Set(labels).size, `labels ${labels.join(' | ')}`).toBe(labels.length);
  labels.forEach((l, k) => {
    expect(l).not.toBe('');
    expect(Math.abs(parseTick(l) - values[k])).toBeLessThanOrEqual(step * 1e-3);
  });
  return values;
}

/** Every drawn point lies inside the plot area. */
function checkPointsInside(root: XmlElement, name: string): [number, number][] {
  const area = plotArea(root);
  const g = seriesGroup(root, name);
  const pts: [number, number][] = [];
  for (const e of g.children) {
    if (e.name === 'polyline') for (const p of points(e)) pts.push(p as [number, number]);
    if (e.name === 'circle') pts.push([Number(e.attrs.cx), Number(e.attrs.cy)]);
  }
  const outside = pts.filter(([x, y]) => !(x >= area.left - 0.01 && x <= area.right + 0.01 && y >= area.top - 0.01 && y <= area.bottom + 0.01));
  expect(outside.slice(0, 5), `${outside.length} points outside the plot`).toEqual([]);
  return pts;
}

const chartOf = (values: (number | null)[], extra: Partial<Parameters<typeof lineChart>[0]> = {}) => lineChart({
  title: 'edge', xLabel: 'i', yLabel: 'v', x: values.map((_, i) => i), series: [{ name: 's', values }], ...extra,
});

describe('lineChart with hostile numbers', () => {
  it('draws a series that is flat up to rounding ([100, 100.00000000000004], [1, 1.0000000000000002]) with a few round ticks around it', () => {
    for (const values of [[100, 100.00000000000004], [1, 1.0000000000000002], [100.00000000000004, 100]]) {
      const root = checkSvg(chartOf(values));
      const ticks = checkYTicks(root, Math.min(...values), Math.max(...values)); // 3 … 12 ticks on a 1-2-5 step
      checkBoundedYTicks(root);
      // the values are inside the tick range, not at its edge: the range was widened around them
      expect(ticks[0]).toBeLessThan(values[0]);
      expect(ticks[ticks.length - 1]).toBeGreaterThan(values[0]);
      const pts = checkPointsInside(root, 's');
      expect(pts).toHaveLength(2);
      expect(pts[0][1]).toBeCloseTo(pts[1][1], 1); // drawn flat
    }
  });

  it('keeps ranges too narrow for distinct labels flat and wide ones labelled, never more than a few ticks', () => {
    const cases: number[][] = [
      [1e15, 1e15 + 2], [123456789.123, 123456789.124], [-7, -7 - 1e-14], [0.1, 0.1 + 1e-17],
      [1, 1 + 1e-8], [1e-300, 2e-300], [1e300, 1e300 * (1 + 1e-15)],
    ];
    for (const values of cases) {
      const root = checkSvg(chartOf(values));
      const ticks = checkBoundedYTicks(root);
      expect(ticks[0]).toBeLessThanOrEqual(Math.min(...values)); // the ticks span the data
      expect(ticks[ticks.length - 1]).toBeGreaterThanOrEqual(Math.max(...values));
      expect(checkPointsInside(root, 's')).toHaveLength(2);
    }
  });

  it('survives NaN, ±Infinity, -0, subnormals, ±1e308 and ranges up to ±Number.MAX_VALUE', () => {
    const MAX = Number.MAX_VALUE;
    const cases: (number | null)[][] = [
      [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY], [-0, 0], [-0, -0], [0, -0, 1],
      [5e-324], [5e-324, 1e-323], [-5e-324, 5e-324], [5e-324, 1], [-2.2250738585072014e-308, 1e-310],
      [1e308, 1e308], [-1e308, 1e308], [-1e308, -1e308], [MAX, MAX], [-MAX, -MAX], [-MAX, MAX], [MAX, 1e308], [-MAX, 0],
      [1e-320, 1e308], [Number.NaN, 3, Number.POSITIVE_INFINITY, 3],
    ];
    for (const values of cases) {
      const root = checkSvg(chartOf(values));
      checkBoundedYTicks(root);
      const finiteCount = values.filter((v) => typeof v === 'number' && Number.isFinite(v)).length;
      expect(checkPointsInside(root, 's'), JSON.stringify(values)).toHaveLength(finiteCount);
    }
  });

  it('draws 100,001 points with a bounded number of x and y ticks', () => {
    const n = 100_001;
    const values = Array.from({ length: n }, (_, i) => Math.sin(i / 500) * 1e6 + (i % 7));
    const x = Array.from({ length: n }, (_, i) => `t${i}`);
    const root = checkSvg(lineChart({ title: 'many', xLabel: 'i', yLabel: 'v', x, series: [{ name: 's', values }] }));
    checkBoundedYTicks(root);
    const xTicks = byClass(byClass(root, 'x-ticks')[0], 'tick');
    expect(xTicks.length).toBeGreaterThanOrEqual(2);
    expect(xTicks.length).toBeLessThanOrEqual(30);
    expect(checkPointsInside(root, 's')).toHaveLength(n);
  });

  it('survives long labels, empty series, one point and odd x labels', () => {
    const long = 'word '.repeat(20_000);
    const cases: Parameters<typeof lineChart>[0][] = [
      { title: long, xLabel: long, yLabel: long, x: [long, long], series: [{ name: long, values: [1, 2] }], markX: [{ at: 0.5, label: long }] },
      { title: 't', xLabel: 'x', yLabel: 'y', x: [], series: [{ name: 'empty', values: [] }] },
      { title: 't', xLabel: 'x', yLabel: 'y', x: [0], series: [{ name: 'one', values: [-0] }] },
      { title: 't', xLabel: 'x', yLabel: 'y', x: [Number.NaN, Number.POSITIVE_INFINITY, -0], series: [{ name: 's', values: [1, 2, 3] }] },
    ];
    for (const opts of cases) {
      const root = checkSvg(lineChart(opts));
      checkBoundedYTicks(root);
      expect(byClass(root, 'series')).toHaveLength(opts.series.length);
    }
  });

  it('wraps a long title in linear time, even on a very wide chart', () => {
    // 200,000 words: re-measuring the whole line for every word would be 2·10^10 character steps
    const title = 'ab '.repeat(200_000);
    const root = checkSvg(lineChart({ title, xLabel: 'x', yLabel: 'y', x: [0, 1], series: [{ name: 's', values: [0, 1] }], width: 1e9 }));
    expect(Number(root.attrs.width)).toBeLessThanOrEqual(32_767); // widths are capped
    expect(textOf(byClass(root, 'title')[0]).replace(/\s+/g, '')).toBe('ab'.repeat(200_000));
  }, 60_000);

  it('leaves gaps for the holes of a sparse array instead of joining across them', () => {
    const values: (number | null)[] = [1, 2, 3, 4, 5];
    delete values[2]; // a hole, not undefined
    const root = checkSvg(chartOf(values));
    const g = seriesGroup(root, 's');
    expect(g.children.filter((e) => e.name === 'polyline').map((e) => points(e).length)).toEqual([2, 2]);
  });

  it('leaves out markers too far away to draw instead of squashing the data into one pixel', () => {
    const root = checkSvg(chartOf([1, 2, 3], { markX: [{ at: -1e308, label: 'far left' }, { at: 1e308, label: 'far right' }, { at: 1.5, label: 'near' }] }));
    expect(byClass(root, 'marker-label').map(textOf)).toEqual(['near']);
    const xs = checkPointsInside(root, 's').map(([x]) => x);
    const area = plotArea(root);
    expect(xs[2] - xs[0]).toBeGreaterThan((area.right - area.left) / 2);
  });

  it('places 200,000 markers without overflowing the call stack (Math.max(...200,000 rows) would)', () => {
    const markX = Array.from({ length: 200_000 }, (_, i) => ({ at: i % 2, label: '' }));
    const svg = lineChart({ title: 't', xLabel: 'x', yLabel: 'y', x: [0, 1], series: [{ name: 's', values: [0, 1] }], markX });
    // counted in the text: this test's strict parser takes ~10 s on 34 MB; markers are parsed in the tests above
    expect(svg.match(/<text class="marker-label" /g)).toHaveLength(200_000);
    expect(svg).not.toMatch(/NaN|undefined|Infinity/);
    expect(svg.endsWith('</svg>\n')).toBe(true);
    // three rows of labels at most: each label's y is one of three
    expect(new Set([...svg.matchAll(/class="marker-label" x="[^"]*" y="([^"]*)"/g)].map((m) => m[1])).size).toBeLessThanOrEqual(3);
  }, 60_000);
});

describe('heatmapPanels with hostile numbers', () => {
  /** Colour-bar labels: finite count, distinct, non-empty; returns the scale's ends. */
  function checkColourScales(root: XmlElement): [number, number][] {
    return byClass(root, 'colour-scale').map((s) => {
      const labels = s.children.filter((e) => e.name === 'text').map(textOf).filter((l) => l !== 'not finite');
      expect(labels.length).toBeGreaterThanOrEqual(2);
      expect(labels.length).toBeLessThanOrEqual(MAX_Y_TICKS);
      expect(new Set(labels).size, labels.join(' | ')).toBe(labels.length);
      for (const l of labels) expect(l).not.toBe('');
      const [min, max] = [Number(s.attrs['data-min']), Number(s.attrs['data-max'])];
      expect(min).toBeLessThan(max);
      const offsets = all(root, (e) => e.name === 'stop').map((e) => Number.parseFloat(e.attrs.offset));
      for (const o of offsets) { expect(o).toBeGreaterThanOrEqual(0); expect(o).toBeLessThanOrEqual(100); }
      return [min, max];
    });
  }
  const fills = (root: XmlElement) => all(root, (e) => e.name === 'path').map((e) => e.attrs.fill);

  it('draws panels whose values are flat up to rounding with a widened, labelled scale', () => {
    for (const row of [[1, 1.0000000000000002], [100, 100.00000000000004], [1e15, 1e15 + 2]]) {
      const root = checkSvg(heatmapPanels({ title: 't', xLabel: 'x', panels: [{ name: 'p', rows: [row] }] }));
      const [[min, max]] = checkColourScales(root);
      expect(min).toBeLessThan(row[0]);
      expect(max).toBeGreaterThan(row[1]);
    }
  });

  it('survives explicit ranges of ±1e308, ±Number.MAX_VALUE and subnormals, colouring cells by value', () => {
    const MAX = Number.MAX_VALUE;
    const root = checkSvg(heatmapPanels({
      title: 't', xLabel: 'x',
      panels: [
        { name: 'huge', rows: [[-1e308, 0, 1e308]], min: -1e308, max: 1e308 },
        { name: 'max', rows: [[-MAX, 0, MAX]] },
        { name: 'max given', rows: [[1, 2]], min: -MAX, max: MAX },
        { name: 'sub', rows: [[5e-324, 1e-323]], min: 5e-324, max: 1e-323 },
        { name: 'sub data', rows: [[5e-324, -5e-324, -0]] },
        { name: 'odd', rows: [[Number.NaN, Number.POSITIVE_INFINITY, -0, 0]], min: 3, max: 3 },
      ],
    }));
    checkColourScales(root);
    for (const f of fills(root)) expect(f).toMatch(/^#[0-9a-f]{6}$/);
    // -1e308 / 0 / 1e308 on a symmetric diverging scale: dark blue, white, dark red
    const huge = byClass(root, 'panel')[0];
    expect(byClass(huge, 'cells')[0].children.map((p) => p.attrs.fill)).toEqual(['#053061', '#f7f7f7', '#67001f']);
  });

  it('accepts a non-string idPrefix and many panels without overflowing the call stack', () => {
    const root = checkSvg(heatmapPanels({ title: 't', xLabel: 'x', panels: [{ name: 'p', rows: [[0, 1]] }], idPrefix: 5 as unknown as string }));
    expect(all(root, (e) => e.name === 'linearGradient').map((e) => e.attrs.id)).toEqual(['5-scale-0']);
  });

  it('leaves non-finite numeric column labels blank instead of printing NaN or Infinity', () => {
    const root = checkSvg(heatmapPanels({ title: 't', xLabel: 'x', x: [Number.NaN, 'b', Number.POSITIVE_INFINITY], panels: [{ name: 'p', rows: [[0, 1, 2]] }], cellSize: 40 }));
    expect(byClass(root, 'x-ticks')[0].children.filter((e) => e.name === 'text').map(textOf)).toEqual(['b']);
  });

  it('caps a huge cellSize so the document keeps a finite size', () => {
    const root = checkSvg(heatmapPanels({ title: 't', xLabel: 'x', panels: [{ name: 'p', rows: [[0, 1, 2]] }], cellSize: 1e300 }));
    expect(Number(root.attrs.width)).toBeLessThan(10_000);
  });
});

describe('plot input that used to take super-linear time', () => {
  // A synchronous loop cannot be interrupted by the test runner, so this runs the
  // built package (npm test builds it first) in a child process killed after 60 s.
  it('refuses a 1,000,000-character colour at once ("rgb(" + spaces backtracked quadratically)', () => {
    const r = runBuilt(`
      const svg = lib.lineChart({ title: 't', xLabel: 'x', yLabel: 'y', x: [0, 1], series: [{ name: 's', values: [0, 1], color: 'rgb(' + ' '.repeat(1e6) + 'x' }] });
      console.log(/class="series"[^>]* stroke="([^"]*)"/.exec(svg)[1]);`);
    expect(r.signal, 'killed: did not finish in 60 s').toBeNull();
    expect(r.stdout.trim()).toBe(SERIES_COLORS[0]); // not a colour: the default is used
  }, 90_000);
});
