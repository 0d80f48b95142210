import { formatDateTime, londonParts } from "../time.ts";
import { SAFE_VOLUME_ML } from "../pathway/bladder.ts";
import { FAIL_PRE_VOID_ML, PASS_POST_VOID_ML } from "../pathway/twoc.ts";
import type { WardEvent } from "./model.ts";

const W = 900;
const H = 440;
const M = { left: 64, right: 24, top: 28, bottom: 96 };
const HOUR = 3600_000;
const TICK_HOURS = [1, 2, 3, 4, 6, 12, 24];
const MAX_SPAN = 7 * 24 * HOUR;

function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

const REFERENCE_LINES = [
  { ml: PASS_POST_VOID_ML, text: `${PASS_POST_VOID_ML} ml (U2: post-void under ${PASS_POST_VOID_ML} passes)`, colour: "#007f3b" },
  { ml: FAIL_PRE_VOID_ML, text: `${FAIL_PRE_VOID_ML} ml (U3 pre-void; F2 aim per opening)`, colour: "#b25d00" },
  { ml: SAFE_VOLUME_ML, text: `${SAFE_VOLUME_ML} ml (U-SAFE)`, colour: "#d5281b" },
];

/**
 * The bladder chart as SVG markup: scans, voided and drained volumes over time, lines at 100, 500
 * and 600 ml and markers for catheter removal and re-catheterisation. No script, no style
 * attributes (the CSP forbids them): presentation attributes only. The table on the page is its
 * text alternative.
 */
export function bladderChartSvg(events: WardEvent[], now: string, patientLabel: string): { svg: string; from: string; to: string } {
  const nowMs = Date.parse(now);
  const first = events.length > 0 ? Date.parse(events[0].at) : nowMs - 24 * HOUR;
  const from = Math.floor(Math.max(Math.min(first, nowMs - 6 * HOUR), nowMs - MAX_SPAN) / HOUR) * HOUR;
  const to = Math.max(nowMs, from + HOUR);
  const shown = events.filter((e) => Date.parse(e.at) >= from && Date.parse(e.at) <= to);
  const volumes = shown.flatMap((e) => ("volumeMl" in e && typeof e.volumeMl === "number" ? [e.volumeMl] : []));
  const yMax = Math.max(700, Math.ceil((Math.max(0, ...volumes) + 50) / 100) * 100);

  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const x = (t: number) => M.left + ((t - from) / (to - from)) * plotW;
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

  out.push(`<svg class="app-bladder-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="chart-title chart-desc" font-family="Arial, sans-serif" font-size="13">`);
  out.push(`<title id="chart-title">${esc(titleText)}</title><desc id="chart-desc">${esc(descText)}</desc>`);
  out.push(`<rect x="${M.left}" y="${M.top}" width="${plotW}" height="${plotH}" fill="#ffffff" stroke="#425563"/>`);

  // y axis
  const yStep = yMax > 1500 ? 500 : yMax > 800 ? 200 : 100;
  for (let ml = 0; ml <= yMax; ml += yStep) {
    out.push(`<line x1="${M.left - 5}" x2="${M.left}" y1="${y(ml)}" y2="${y(ml)}" stroke="#425563"/>`);
    out.push(`<text x="${M.left - 8}" y="${y(ml) + 4}" text-anchor="end" fill="#212b32">${ml}</text>`);
  }
  out.push(`<text x="16" y="${M.top + plotH / 2}" transform="rotate(-90 16 ${M.top + plotH / 2})" text-anchor="middle" fill="#212b32">Volume (ml)</text>`);

  // x axis: ticks on whole UK-time hours
  const spanHours = (to - from) / HOUR;
  const stepHours = TICK_HOURS.find((h) => spanHours / h <= 12) ?? 24;
  for (let t = Math.ceil(from / HOUR) * HOUR; t <= to; t += HOUR) {
    const p = londonParts(new Date(t));
    if (p.minute !== 0 || p.hour % stepHours !== 0) continue;
    out.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${M.top}" y2="${M.top + plotH}" stroke="#e8edee"/>`);
    out.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${M.top + plotH}" y2="${M.top + plotH + 5}" stroke="#425563"/>`);
    out.push(`<text x="${x(t)}" y="${M.top + plotH + 18}" text-anchor="middle" fill="#212b32">${pad(p.hour)}:00</text>`);
    if (p.hour < stepHours) out.push(`<text x="${x(t)}" y="${M.top + plotH + 34}" text-anchor="middle" fill="#4c6272">${p.day}/${p.month}</text>`);
  }

  for (const line of REFERENCE_LINES) {
    if (line.ml > yMax) continue;
    out.push(`<line x1="${M.left}" x2="${M.left + plotW}" y1="${y(line.ml)}" y2="${y(line.ml)}" stroke="${line.colour}" stroke-width="2" stroke-dasharray="8 4"/>`);
    out.push(`<text x="${M.left + plotW - 6}" y="${y(line.ml) - 5}" text-anchor="end" fill="${line.colour}" font-weight="bold">${esc(line.text)}</text>`);
  }

  let marker = 0;
  for (const e of shown) {
    if (e.type !== "catheter-removed" && e.type !== "recatheterised") continue;
    const labelY = M.top + 14 + (marker++ % 3) * 16; // staggered so markers close in time stay readable
    const removed = e.type === "catheter-removed";
    const colour = removed ? "#005eb8" : "#330072";
    out.push(`<line x1="${x(Date.parse(e.at))}" x2="${x(Date.parse(e.at))}" y1="${M.top}" y2="${M.top + plotH}" stroke="${colour}" stroke-width="2" stroke-dasharray="${removed ? "2 3" : "6 3"}"/>`);
    out.push(`<text x="${x(Date.parse(e.at)) + 4}" y="${labelY}" fill="${colour}" font-weight="bold">${removed ? "Catheter removed" : "Re-catheterised"}</text>`);
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

  // legend
  const ly = H - 30;
  const legend = [
    `<circle cx="${M.left + 8}" cy="${ly}" r="7" fill="#005eb8"/><text x="${M.left + 20}" y="${ly + 4}" fill="#212b32">Pre-void scan</text>`,
    `<rect x="${M.left + 142}" y="${ly - 6}" width="12" height="12" fill="#007f3b"/><text x="${M.left + 160}" y="${ly + 4}" fill="#212b32">Post-void scan</text>`,
    `<path d="M${M.left + 290} ${ly - 8}L${M.left + 298} ${ly + 6}L${M.left + 282} ${ly + 6}Z" fill="#4c6272"/><text x="${M.left + 304}" y="${ly + 4}" fill="#212b32">Void</text>`,
    `<path d="M${M.left + 360} ${ly - 8}L${M.left + 368} ${ly}L${M.left + 360} ${ly + 8}L${M.left + 352} ${ly}Z" fill="#ffb81c" stroke="#212b32"/><text x="${M.left + 374}" y="${ly + 4}" fill="#212b32">Flip-flow drained</text>`,
    `<line x1="${M.left + 510}" x2="${M.left + 540}" y1="${ly}" y2="${ly}" stroke="#005eb8" stroke-width="2" stroke-dasharray="2 3"/><text x="${M.left + 546}" y="${ly + 4}" fill="#212b32">Catheter removed</text>`,
    `<line x1="${M.left + 670}" x2="${M.left + 700}" y1="${ly}" y2="${ly}" stroke="#330072" stroke-width="2" stroke-dasharray="6 3"/><text x="${M.left + 706}" y="${ly + 4}" fill="#212b32">Re-catheterised</text>`,
  ];
  out.push(`<g aria-hidden="true">${legend.join("")}</g>`);
  out.push("</svg>");
  return { svg: out.join(""), from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}
