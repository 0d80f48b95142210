/**
 * Report charts as server-rendered SVG (no script, no style attributes: the CSP forbids them).
 * Scales from d3-scale, outlines from d3-shape. Each chart is an image with a title and a short
 * description; the table beside it on the page is its full text alternative.
 */
import { scaleBand, scaleLinear } from "d3-scale";
import { curveStepAfter, line } from "d3-shape";

const W = 720;
const FONT = 'font-family="Arial, sans-serif" font-size="13"';
const BAR = "#005eb8";
const GRID = "#d8dde0";
const TEXT = "#212b32";

function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export interface Bar {
  label: string;
  value: number;
  /** The text printed at the end of the bar ("12 of 20, 60%"). */
  text: string;
  /** A bar that counts a problem (a breach, a missed opening) is drawn in red. */
  warning?: boolean;
}

/** Horizontal bars on one scale (a count, or a percentage with max 100). */
export function barChart(id: string, title: string, description: string, bars: Bar[], options: { max?: number; unit?: string } = {}): string {
  const labelW = 260;
  const rowH = 30;
  const top = 8;
  const bottom = 34;
  const h = top + bottom + Math.max(1, bars.length) * rowH;
  const max = options.max ?? Math.max(1, ...bars.map((b) => b.value));
  const x = scaleLinear().domain([0, max]).range([labelW, W - 150]).nice();
  const y = scaleBand<number>().domain(bars.map((_, i) => i)).range([top, h - bottom]).padding(0.25);
  const out: string[] = [];
  out.push(`<svg class="app-report-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${h}" role="img" aria-labelledby="${id}-title ${id}-desc" ${FONT}>`);
  out.push(`<title id="${id}-title">${esc(title)}</title><desc id="${id}-desc">${esc(description)}</desc>`);
  for (const tick of x.ticks(5)) {
    out.push(`<line x1="${x(tick)}" x2="${x(tick)}" y1="${top}" y2="${h - bottom}" stroke="${GRID}"/>`);
    out.push(`<text x="${x(tick)}" y="${h - bottom + 18}" text-anchor="middle" fill="${TEXT}">${tick}${options.unit ?? ""}</text>`);
  }
  bars.forEach((b, i) => {
    const yy = y(i)!;
    const mid = yy + y.bandwidth() / 2 + 4;
    out.push(`<text x="${labelW - 8}" y="${mid}" text-anchor="end" fill="${TEXT}">${esc(b.label)}</text>`);
    out.push(`<rect x="${labelW}" y="${yy}" width="${Math.max(0, x(b.value) - labelW)}" height="${y.bandwidth()}" fill="${b.warning ? "#d5281b" : BAR}"/>`);
    out.push(`<text x="${x(b.value) + 6}" y="${mid}" fill="${TEXT}">${esc(b.text)}</text>`);
  });
  out.push("</svg>");
  return out.join("");
}

export interface Bin {
  /** Lower edge, included. */
  from: number;
  /** Upper edge, excluded; null for the open last bin. */
  to: number | null;
  count: number;
}

/** Equal-width bins from 0, with one open bin for everything from `last` up. */
export function binValues(values: number[], width: number, last: number): Bin[] {
  const bins: Bin[] = [];
  for (let from = 0; from < last; from += width) bins.push({ from, to: from + width, count: 0 });
  bins.push({ from: last, to: null, count: 0 });
  for (const v of values) {
    const i = v >= last ? bins.length - 1 : Math.max(0, Math.floor(v / width));
    bins[i].count++;
  }
  return bins;
}

export function binLabel(bin: Bin, unit: string): string {
  return bin.to === null ? `${bin.from} ${unit} or more` : `${bin.from} to under ${bin.to} ${unit}`;
}

/** A histogram with an optional marked value (a rule's limit, named in `markText`). */
export function histogram(id: string, title: string, description: string, bins: Bin[], options: { unit: string; mark?: { at: number; text: string } }): string {
  const h = 300;
  const m = { left: 56, right: 20, top: 30, bottom: 56 };
  const edges = bins.map((b) => b.from);
  const width = bins.length > 1 ? bins[1].from - bins[0].from : 1;
  const end = bins[bins.length - 1].from + width;
  const x = scaleLinear().domain([0, end]).range([m.left, W - m.right]);
  const yMax = Math.max(1, ...bins.map((b) => b.count));
  const y = scaleLinear().domain([0, yMax]).range([h - m.bottom, m.top]).nice();
  const out: string[] = [];
  out.push(`<svg class="app-report-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${h}" role="img" aria-labelledby="${id}-title ${id}-desc" ${FONT}>`);
  out.push(`<title id="${id}-title">${esc(title)}</title><desc id="${id}-desc">${esc(description)}</desc>`);
  for (const tick of y.ticks(5).filter(Number.isInteger)) {
    out.push(`<line x1="${m.left}" x2="${W - m.right}" y1="${y(tick)}" y2="${y(tick)}" stroke="${GRID}"/>`);
    out.push(`<text x="${m.left - 8}" y="${y(tick) + 4}" text-anchor="end" fill="${TEXT}">${tick}</text>`);
  }
  bins.forEach((b) => {
    const x0 = x(b.from) + 1;
    const x1 = x(b.from + width) - 1;
    out.push(`<rect x="${x0}" y="${y(b.count)}" width="${Math.max(0, x1 - x0)}" height="${y(0) - y(b.count)}" fill="${BAR}"/>`);
  });
  // The outline of the distribution, a step line over the bars.
  const outline = line<[number, number]>().x((d) => x(d[0])).y((d) => y(d[1])).curve(curveStepAfter);
  const points: [number, number][] = bins.map((b) => [b.from, b.count]);
  points.push([end, bins[bins.length - 1].count]);
  out.push(`<path d="${outline(points)}" fill="none" stroke="${TEXT}" stroke-width="1.5"/>`);
  for (const edge of [...edges, end]) {
    const label = edge === end ? "" : edge === bins[bins.length - 1].from ? `${edge}+` : String(edge);
    if (label) out.push(`<text x="${x(edge)}" y="${h - m.bottom + 18}" text-anchor="middle" fill="${TEXT}">${label}</text>`);
  }
  out.push(`<text x="${(m.left + W - m.right) / 2}" y="${h - 12}" text-anchor="middle" fill="${TEXT}">${esc(options.unit)}</text>`);
  if (options.mark) {
    const mx = x(options.mark.at);
    out.push(`<line x1="${mx}" x2="${mx}" y1="${m.top - 8}" y2="${h - m.bottom}" stroke="#d5281b" stroke-width="2" stroke-dasharray="6 4"/>`);
    out.push(`<text x="${mx + 6}" y="${m.top - 12}" fill="#d5281b">${esc(options.mark.text)}</text>`);
  }
  out.push("</svg>");
  return out.join("");
}
