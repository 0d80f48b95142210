import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { bladderChartSvg, NARROW, WIDE, type ChartLayout } from "../../src/ward/chart.ts";
import type { WardEvent } from "../../src/ward/model.ts";

const NOW = "2026-11-24T12:00:00.000Z";
// The reported case: removal and re-catheterisation close together, a 520 ml scan, a point at the very end.
const events: WardEvent[] = [
  { id: 1, type: "catheter-removed", at: "2026-11-24T06:00:00.000Z" },
  { id: 2, type: "scan", at: "2026-11-24T07:00:00.000Z", phase: "pre-void", volumeMl: 520, sensationToVoid: false },
  { id: 3, type: "recatheterised", at: "2026-11-24T07:20:00.000Z", catheterType: "long-term-flip-flow" },
  { id: 4, type: "flip-flow-opening", at: NOW, volumeMl: 480 },
];

const num = (tag: string, attr: string) => Number(new RegExp(`\\b${attr}="(-?[\\d.]+)"`).exec(tag)![1]);

for (const layout of [WIDE, NARROW] as ChartLayout[]) {
  describe(`the bladder chart's ${layout.name} layout`, () => {
    const { svg } = bladderChartSvg(events, NOW, "HUGHES, David", layout);
    const plotRight = layout.width - layout.margin.right;

    test("catheter labels sit above the plot, where no marker line reaches, and do not overlap each other", () => {
      const labels = [...svg.matchAll(/<text [^>]*>(Catheter removed|Re-catheterised)<\/text>/g)].filter((m) => /paint-order/.test(m[0]));
      assert.equal(labels.length, 2);
      for (const m of labels) assert.ok(num(m[0], "y") < layout.margin.top, `${m[1]} above the plot`);
      const [a, b] = labels.map((m) => ({ x: num(m[0], "x"), y: num(m[0], "y") }));
      assert.ok(a.y !== b.y || Math.abs(a.x - b.x) > 140, "two labels close in time are on different rows");
      const lines = [...svg.matchAll(/<line [^>]*stroke-dasharray="(2 3|6 3)"[^>]*\/>/g)].filter((m) => num(m[0], "y2") > layout.margin.top);
      for (const l of lines) assert.ok(num(l[0], "y1") >= layout.margin.top, "marker lines start at the top of the plot");
    });

    test("the reference lines are labelled outside the plot, so no point covers the 500 ml label", () => {
      const label = /<text [^>]*>500 ml U3 F2<\/text>/.exec(svg)![0];
      assert.ok(num(label, "x") > plotRight, "right of the plot");
      const point = /<circle [^>]*><title>Pre-void scan[^<]*520 ml/.exec(svg)![0];
      assert.ok(num(point, "cx") + 7 < num(label, "x"), "the 520 ml point is left of the label");
    });

    test("the last point is drawn whole inside the plot", () => {
      const diamond = /<path d="M([\d.]+) [\d.]+L([\d.]+) [^"]*" fill="#ffb81c" stroke="#212b32"><title>Flip-flow drained/.exec(svg)!;
      assert.ok(Number(diamond[2]) <= plotRight, `its right corner ${diamond[2]} within the plot edge ${plotRight}`);
    });

    test("text is readable at the width it is shown: 14 px or more on a 390 px phone (narrow), 12 px or more at 768 px (wide)", () => {
      // The page's content is about 358 px wide on a 390 px phone and 720 px at 768 px.
      const shown = layout.name === "narrow" ? 358 : 720;
      const px = (layout.fontSize * shown) / layout.width;
      assert.ok(px >= (layout.name === "narrow" ? 14 : 12), `${px.toFixed(1)} px`);
      assert.match(svg, new RegExp(`font-size="${layout.fontSize}"`));
    });
  });
}
