// A horizontal bar chart as plain SVG text: one group of bars per workload,
// one bar per peer, its length how many times faster lstm-wasm wasm-simd
// was than that peer in the same run, on a log scale (the ratios run from
// about 1 to over 100) with the 1× line marked: a bar left of it is a peer
// that was faster.

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** groups: [{ label, bars: [{ label, value }] }] → SVG text. */
export function ratioChart({ title, subtitle, groups }) {
  const left = 230, width = 760, plot = width - left - 70, bar = 16, gap = 4, groupGap = 14, top = 58;
  const values = groups.flatMap((g) => g.bars.map((b) => b.value)).filter((v) => v > 0 && Number.isFinite(v));
  const lo = Math.min(0.5, ...values) * 0.9, hi = Math.max(2, ...values) * 1.1;
  const x = (v) => left + (plot * (Math.log10(v) - Math.log10(lo))) / (Math.log10(hi) - Math.log10(lo));
  const out = [];
  let y = top;
  for (const g of groups) {
    out.push(`<text x="8" y="${y + 12}" font-weight="bold">${esc(g.label)}</text>`);
    y += bar + gap;
    for (const b of g.bars) {
      // from the 1× line: right where lstm-wasm was faster, left where the peer was
      const one = x(1), end = x(b.value), from = Math.min(one, end), w = Math.max(1, Math.abs(end - one));
      out.push(`<text x="20" y="${y + 12}">${esc(b.label)}</text>`);
      out.push(`<rect x="${from.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${bar}" fill="${b.value >= 1 ? '#2f7ed8' : '#d8572f'}"/>`);
      out.push(`<text x="${(Math.max(one, end) + 4).toFixed(1)}" y="${y + 12}">${b.value >= 10 ? b.value.toFixed(0) : b.value.toFixed(2)}×</text>`);
      y += bar + gap;
    }
    y += groupGap;
  }
  const height = y + 24;
  const ticks = [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500].filter((t) => t >= lo && t <= hi);
  const axis = ticks.map((t) => `<line x1="${x(t).toFixed(1)}" y1="${top - 6}" x2="${x(t).toFixed(1)}" y2="${y}" stroke="${t === 1 ? '#000' : '#ddd'}"/><text x="${x(t).toFixed(1)}" y="${y + 16}" text-anchor="middle">${t}×</text>`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="8" y="20" font-size="15" font-weight="bold">${esc(title)}</text>`,
    `<text x="8" y="38" fill="#555">${esc(subtitle)}</text>`,
    ...axis,
    ...out,
    '</svg>',
    '',
  ].join('\n');
}
