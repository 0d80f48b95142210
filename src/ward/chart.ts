import { formatDateTime, londonParts } from "../time.ts";
import { SAFE_VOLUME_ML } from "../pathway/bladder.ts";
import { FAIL_PRE_VOID_ML, PASS_POST_VOID_ML } from "../pathway/twoc.ts";
import type { WardEvent } from "./model.ts";

/** Two layouts of one chart: wide screens and print, and phones (shown by CSS), so that text stays readable. */
export interface ChartLayout {
  name: "wide" | "narrow";
  width: number;
  height: number;
  fontSize: number;
  margin: { left: number; right: number; top: number; bottom: number };
  /** At most this many time ticks on the x axis. */
  maxTicks: number;
}

export const WIDE: ChartLayout = { name: "wide", width: 900, height: 470, fontSize: 15, margin: { left: 64, right: 150, top: 60, bottom: 96 }, maxTicks: 12 };
/** At 390 px the chart is about 360 px wide: a 420-unit view box keeps 17-unit text at about 14.5 px. */
export const NARROW: ChartLayout = { name: "narrow", width: 420, height: 440, fontSize: 17, margin: { left: 62, right: 128, top: 72, bottom: 130 }, maxTicks: 4 };

const HOUR = 3600_000;
const TICK_HOURS = [1, 2, 3, 4, 6, 12, 24];
const MAX_SPAN = 7 * 24 * HOUR;

function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** Labelled in the right margin, outside the plot, so that no point covers them (the page's text says what each means). */
const REFERENCE_LINES = [
  { ml: PASS_POST_VOID_ML, text: `${PASS_POST_VOID_ML} ml U2`, colour: "#007f3b" },
  { ml: FAIL_PRE_VOID_ML, text: `${FAIL_PRE_VOID_ML} ml U3 F2`, colour: "#8a4600" },
  { ml: SAFE_VOLUME_ML, text: `${SAFE_VOLUME_ML} ml U-SAFE`, colour: "#d5281b" },
];

/** About how wide a text is drawn, for placing labels so that they do not collide (Arial, average glyph). */
function textWidth(text: string, size: number, bold = false): number {
  return text.length * size * (bold ? 0.62 : 0.56);
}

/**
 * The bladder chart as SVG markup: scans, voided and drained volumes over time, lines at 100, 500
 * and 600 ml and markers for catheter removal and re-catheterisation. No script, no style
 * attributes (the CSP forbids them): presentation attributes only. The table on the page is its
 * text alternative.
 */
export function bladderChartSvg(events: WardEvent[], now: string, patientLabel: string, layout: ChartLayout = WIDE): { svg: string; from: string; to: string } {
  const { width: W, height: H, margin: M, fontSize: FS } = layout;
  const ids = layout.name === "wide" ? { title: "chart-title", desc: "chart-desc" } : { title: "chart-narrow-title", desc: "chart-narrow-desc" };
  const nowMs = Date.parse(now);
  const first = events.length > 0 ? Date.parse(events[0].at) : nowMs - 24 * HOUR;
  const from = Math.floor(Math.max(Math.min(first, nowMs - 6 * HOUR), nowMs - MAX_SPAN) / HOUR) * HOUR;
  const to = Math.max(nowMs, from + HOUR);
  const shown = events.filter((e) => Date.parse(e.at) >= from && Date.parse(e.at) <= to);
  // The axis runs a little past now, so that a point recorded now is drawn whole inside the plot.
  const axisTo = to + (to - from) * 0.04;
  const volumes = shown.flatMap((e) => ("volumeMl" in e && typeof e.volumeMl === "number" ? [e.volumeMl] : []));
  const yMax = Math.max(700, Math.ceil((Math.max(0, ...volumes) + 50) / 100) * 100);

  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const x = (t: number) => M.left + ((t - from) / (axisTo - from)) * plotW;
  const y = (ml: number) => M.top + plotH - (ml / yMax) * plotH;
  const out: string[] = [];

  const scans = shown.filter((e) => e.type === "scan");
  const largest = scans.reduce((m, e) => Math.max(m, "volumeMl" in e ? (e.volumeMl ?? 0) : 0), -1);
  const titleText = `Bladder chart for ${patientLabel}`;
  const descText = [
    `Bladder volumes from ${formatDateTime(new Date(from))} to ${formatDateTime(new Date(to))}, UK time.`,
    `${scans.length} scan${scans.length === 1 ? "" : "s"}${largest >= 0 ? `, largest ${largest} ml` : ""};`,
    `${shown.filter((e) => e.type === "void").length} voids; ${shown.filter((e) => e.type === "flip-flow-opening").length} flip-flow openings;`,
    ...shown.filter((e) => e.type === "catheter-removed" || e.type === "recatheterised").map((e) => `${e.type === "catheter-removed" ? "catheter removed" : "re-catheterised"} ${formatDateTime(e.at)};`),
    "Lines at 100, 500 and 600 ml. The same events are listed in the table below the chart.",
  ].join(" ");

  out.push(`<svg class="app-bladder-chart app-bladder-chart--${layout.name}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${ids.title} ${ids.desc}" font-family="Arial, sans-serif" font-size="${FS}">`);
  out.push(`<title id="${ids.title}">${esc(titleText)}</title><desc id="${ids.desc}">${esc(descText)}</desc>`);
  out.push(`<rect x="${M.left}" y="${M.top}" width="${plotW}" height="${plotH}" fill="#ffffff" stroke="#425563"/>`);

  // y axis
  const yStep = yMax > 1500 ? 500 : yMax > 800 ? 200 : 100;
  for (let ml = 0; ml <= yMax; ml += yStep) {
    out.push(`<line x1="${M.left - 5}" x2="${M.left}" y1="${y(ml)}" y2="${y(ml)}" stroke="#425563"/>`);
    out.push(`<text x="${M.left - 8}" y="${y(ml) + FS * 0.3}" text-anchor="end" fill="#212b32">${ml}</text>`);
  }
  out.push(`<text x="${FS}" y="${M.top + plotH / 2}" transform="rotate(-90 ${FS} ${M.top + plotH / 2})" text-anchor="middle" fill="#212b32">Volume (ml)</text>`);

  // x axis: ticks on whole UK-time hours
  const spanHours = (to - from) / HOUR;
  const stepHours = TICK_HOURS.find((h) => spanHours / h <= layout.maxTicks) ?? 24;
  for (let t = Math.ceil(from / HOUR) * HOUR; t <= to; t += HOUR) {
    const p = londonParts(new Date(t));
    if (p.minute !== 0 || p.hour % stepHours !== 0) continue;
    out.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${M.top}" y2="${M.top + plotH}" stroke="#e8edee"/>`);
    out.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${M.top + plotH}" y2="${M.top + plotH + 5}" stroke="#425563"/>`);
    out.push(`<text x="${x(t)}" y="${M.top + plotH + FS + 5}" text-anchor="middle" fill="#212b32">${pad(p.hour)}:00</text>`);
    if (p.hour < stepHours) out.push(`<text x="${x(t)}" y="${M.top + plotH + 2 * FS + 8}" text-anchor="middle" fill="#4c6272">${p.day}/${p.month}</text>`);
  }

  for (const line of REFERENCE_LINES) {
    if (line.ml > yMax) continue;
    out.push(`<line x1="${M.left}" x2="${M.left + plotW}" y1="${y(line.ml)}" y2="${y(line.ml)}" stroke="${line.colour}" stroke-width="2" stroke-dasharray="8 4"/>`);
    out.push(`<text x="${M.left + plotW + 6}" y="${y(line.ml) + FS * 0.3}" fill="${line.colour}" font-weight="bold">${esc(line.text)}</text>`);
  }

  // Catheter markers: the lines run down the plot; their labels sit above it, where no line reaches,
  // each on the first of three rows where it meets no other label.
  const markers = shown.filter((e) => e.type === "catheter-removed" || e.type === "recatheterised").map((e) => ({ removed: e.type === "catheter-removed", at: x(Date.parse(e.at)) }));
  for (const m of markers) {
    const colour = m.removed ? "#005eb8" : "#330072";
    out.push(`<line x1="${m.at}" x2="${m.at}" y1="${M.top}" y2="${M.top + plotH}" stroke="${colour}" stroke-width="2" stroke-dasharray="${m.removed ? "2 3" : "6 3"}"/>`);
  }
  const ROWS = 3;
  const rowHeight = FS + 4;
  const placed: { row: number; from: number; to: number }[] = [];
  for (const m of markers) {
    const text = m.removed ? "Catheter removed" : "Re-catheterised";
    const w = textWidth(text, FS, true);
    // Right of its line when there is room, else left of it.
    const start = m.at + 4 + w <= W - 2 ? m.at + 4 : m.at - 4 - w;
    const span = { from: start - 2, to: start + w + 2 };
    const free = (row: number) => !placed.some((p) => p.row === row && p.from < span.to && span.from < p.to);
    const row = Array.from({ length: ROWS }, (_, r) => r).find(free) ?? placed.length % ROWS;
    placed.push({ row, ...span });
    const colour = m.removed ? "#005eb8" : "#330072";
    // Labels sit above the plot, where the lines do not reach; a white outline keeps them clear of anything behind.
    const labelY = M.top - 8 - (ROWS - 1 - row) * rowHeight;
    out.push(`<text x="${start}" y="${labelY}" fill="${colour}" font-weight="bold" stroke="#ffffff" stroke-width="4" paint-order="stroke">${text}</text>`);
  }

  for (const e of shown) {
    if (!("volumeMl" in e) || typeof e.volumeMl !== "number") continue;
    const cx = x(Date.parse(e.at));
    const cy = y(e.volumeMl);
    const label = `${formatDateTime(e.at)}: ${e.volumeMl} ml`;
    if (e.type === "scan" && e.phase === "pre-void") out.push(`<circle cx="${cx}" cy="${cy}" r="7" fill="#005eb8"><title>${esc(`Pre-void scan ${label}`)}</title></circle>`);
    else if (e.type === "scan") out.push(`<rect x="${cx - 6}" y="${cy - 6}" width="12" height="12" fill="#007f3b"><title>${esc(`Post-void scan ${label}`)}</title></rect>`);
    else if (e.type === "void") out.push(`<path d="M${cx} ${cy - 8}L${cx + 8} ${cy + 6}L${cx - 8} ${cy + 6}Z" fill="#4c6272"><title>${esc(`Void ${label}`)}</title></path>`);
    else out.push(`<path d="M${cx} ${cy - 8}L${cx + 8} ${cy}L${cx} ${cy + 8}L${cx - 8} ${cy}Z" fill="#ffb81c" stroke="#212b32"><title>${esc(`Flip-flow drained ${label}`)}</title></path>`);
  }

  out.push(`<g aria-hidden="true">${legend(layout, H - M.bottom + 3 * FS + 12).join("")}</g>`);
  out.push("</svg>");
  return { svg: out.join(""), from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

/** The legend's keys, wrapped into rows that fit the layout's width, from `top` down. */
function legend(layout: ChartLayout, top: number): string[] {
  const FS = layout.fontSize;
  const keys: { text: string; symbol: (cx: number, cy: number) => string }[] = [
    { text: "Pre-void scan", symbol: (cx, cy) => `<circle cx="${cx}" cy="${cy}" r="7" fill="#005eb8"/>` },
    { text: "Post-void scan", symbol: (cx, cy) => `<rect x="${cx - 6}" y="${cy - 6}" width="12" height="12" fill="#007f3b"/>` },
    { text: "Void", symbol: (cx, cy) => `<path d="M${cx} ${cy - 8}L${cx + 8} ${cy + 6}L${cx - 8} ${cy + 6}Z" fill="#4c6272"/>` },
    { text: "Flip-flow drained", symbol: (cx, cy) => `<path d="M${cx} ${cy - 8}L${cx + 8} ${cy}L${cx} ${cy + 8}L${cx - 8} ${cy}Z" fill="#ffb81c" stroke="#212b32"/>` },
    { text: "Catheter removed", symbol: (cx, cy) => `<line x1="${cx - 12}" x2="${cx + 12}" y1="${cy}" y2="${cy}" stroke="#005eb8" stroke-width="2" stroke-dasharray="2 3"/>` },
    { text: "Re-catheterised", symbol: (cx, cy) => `<line x1="${cx - 12}" x2="${cx + 12}" y1="${cy}" y2="${cy}" stroke="#330072" stroke-width="2" stroke-dasharray="6 3"/>` },
  ];
  const out: string[] = [];
  const left = 8;
  let cx = left;
  let cy = top;
  for (const key of keys) {
    const w = 30 + textWidth(key.text, FS) + 16;
    if (cx > left && cx + w > layout.width - 4) {
      cx = left;
      cy += FS + 10;
    }
    out.push(`${key.symbol(cx + 12, cy)}<text x="${cx + 30}" y="${cy + FS * 0.35}" fill="#212b32">${key.text}</text>`);
    cx += w;
  }
  return out;
}
