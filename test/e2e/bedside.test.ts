import assert from "node:assert/strict";
import { test } from "node:test";
import { expectNoAxeViolations, screenshot, signInAs, useServerAndBrowser, watchPage } from "./helpers.ts";

const env = useServerAndBrowser();

test("a void and its post-void scan on one form: clicks counted from the bladder page; the result comes first", async () => {
  const page = await env.browser.newPage({ viewport: { width: 1280, height: 900 } });
  const watch = watchPage(page, env.server.url);
  await signInAs(page, env.server.url, "nurse");
  await page.goto(`${env.server.url}/ward`);
  await page.click("a:has-text('OKAFOR, Grace')");
  await page.waitForLoadState("load");
  const bladderUrl = page.url();
  // The engine's next step comes first among the record buttons.
  assert.equal(await page.getAttribute("#twoc-actions a >> nth=0", "data-action"), "void-and-scan");
  await expectNoAxeViolations(page, "bladder page with the engine's actions");

  let clicks = 0;
  const click = async (selector: string) => {
    clicks++;
    await page.click(selector);
  };
  await click("#twoc-actions a:has-text('Void and post-void scan')");
  await page.waitForLoadState("load");
  await expectNoAxeViolations(page, "void and post-void scan form");
  await click("#scanVolumeMl");
  await page.keyboard.type("40");
  await click("button:has-text('Save')");
  await page.waitForLoadState("load");
  assert.equal(page.url(), bladderUrl);
  assert.equal(clicks, 3, "three clicks per void and post-void scan (four with the optional void volume)");
  const main = (await page.textContent("main")) ?? "";
  assert.match(main, /TWOC passed/);
  assert.match(main, /Recorded: Voided \(volume not measured\), then Post-void scan 40 ml/);
  const order = await page.evaluate(() => {
    const result = document.getElementById("twoc-result")!.getBoundingClientRect().top;
    const done = document.getElementById("done-banner")!.getBoundingClientRect().top;
    return { result, done };
  });
  assert.ok(order.result < order.done, "the result is above the Done note");
  await expectNoAxeViolations(page, "bladder page after saving");
  await screenshot(page, "bladder-after-void-and-scan-1280");
  watch.assertClean();
  await page.close();
});

for (const width of [1280, 768, 390]) {
  test(`the bladder chart at ${width} px: fits, readable text, labels clear`, async () => {
    const page = await env.browser.newPage({ viewport: { width, height: 900 } });
    const watch = watchPage(page, env.server.url);
    await signInAs(page, env.server.url, "nurse");
    await page.goto(`${env.server.url}/ward`);
    await page.click("a:has-text('HUGHES, David')");
    await page.waitForLoadState("load");
    await page.click("a:has-text('Bladder chart')");
    await page.waitForLoadState("load");
    const chart = page.locator("svg.app-bladder-chart >> visible=true");
    assert.equal(await chart.count(), 1, "one chart shown");
    const box = await chart.boundingBox();
    assert.ok(box && box.width <= width && box.width > 300, `the chart fits the page (${box?.width} px)`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no sideways scrolling (${overflow} px)`);
    // Rendered height of the axis text: the reported 4 px at 390 px.
    const heights = await chart.locator("text").evaluateAll((nodes) => nodes.map((n) => n.getBoundingClientRect().height));
    const smallest = Math.min(...heights);
    assert.ok(smallest >= 12, `the smallest text is ${smallest.toFixed(1)} px high`);
    // No catheter label is crossed by a marker line, and no point covers a reference label.
    // Evaluated from source text: the test runner's compiler would add helpers the page does not have.
    const clashes = (await page.evaluate(`(() => {
      const svg = [...document.querySelectorAll("svg.app-bladder-chart")].find((n) => n.getBoundingClientRect().width > 0);
      function rects(sel) { return [...svg.querySelectorAll(sel)].map((n) => n.getBoundingClientRect()); }
      function overlap(a, b) { return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom; }
      const labels = rects("text[paint-order]");
      const lines = rects("line[stroke-dasharray='2 3'], line[stroke-dasharray='6 3']").filter((r) => r.height > 20);
      const refLabels = [...svg.querySelectorAll("text")].filter((n) => / ml U/.test(n.textContent || "")).map((n) => n.getBoundingClientRect());
      const points = rects("circle, rect[width='12'], path[fill]").filter((r) => r.width < 20);
      return {
        lineThroughLabel: labels.some((l) => lines.some((r) => overlap(l, r))),
        pointOnRefLabel: refLabels.some((l) => points.some((p) => overlap(l, p))),
        labelsOverlap: labels.some((a, i) => labels.some((b, j) => i !== j && overlap(a, b))),
        refLabels: refLabels.length,
      };
    })()`)) as { lineThroughLabel: boolean; pointOnRefLabel: boolean; labelsOverlap: boolean; refLabels: number };
    assert.equal(clashes.refLabels, 3);
    assert.equal(clashes.lineThroughLabel, false, "no marker line cuts a label");
    assert.equal(clashes.pointOnRefLabel, false, "no point covers a reference label");
    assert.equal(clashes.labelsOverlap, false, "catheter labels do not overlap");
    await expectNoAxeViolations(page, `bladder chart at ${width} px`);
    await screenshot(page, `bladder-chart-${width}`);
    watch.assertClean();
    await page.close();
  });
}

test("the shift handover sheet: axe-clean on screen, and its print preview on A4 landscape; the board's task list", async () => {
  const page = await env.browser.newPage({ viewport: { width: 1280, height: 900 } });
  const watch = watchPage(page, env.server.url);
  await signInAs(page, env.server.url, "nurse");
  await page.goto(`${env.server.url}/ward`);
  assert.ok((await page.locator("#ward-tasks li").count()) > 0, "the board lists the ward's tasks");
  await expectNoAxeViolations(page, "ward board with its task list");
  await screenshot(page, "ward-board-tasks-1280");
  await page.click("a:has-text('Shift handover sheet')");
  await page.waitForLoadState("load");
  assert.match((await page.textContent("#handover")) ?? "", /HUGHES, David/);
  assert.match((await page.textContent("#handover-printed")) ?? "", /Printed by Nia Nurse \(nurse\) on .* \(UK time\)/);
  assert.ok(await page.isVisible("button[data-print]"), "the print button shows with script");
  await expectNoAxeViolations(page, "shift handover sheet");
  await screenshot(page, "handover-1280");
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.isVisible("header.nhsuk-header"), false, "print shows the sheet only");
  assert.equal(await page.isVisible("button[data-print]"), false);
  await page.setViewportSize({ width: 1123, height: 794 }); // A4 landscape at 96 dpi
  await screenshot(page, "handover-print-preview");
  const pdf = await page.pdf({ preferCSSPageSize: true });
  assert.ok(pdf.length > 1000);
  watch.assertClean();
  await page.close();
});

test("the discharge form's checklist and the patient's discharge sheet pass axe", async () => {
  const page = await env.browser.newPage({ viewport: { width: 1280, height: 900 } });
  const watch = watchPage(page, env.server.url);
  await signInAs(page, env.server.url, "nurse");
  await page.goto(`${env.server.url}/ward`);
  await page.click("a:has-text('HUGHES, David')");
  await page.waitForLoadState("load");
  const episodeUrl = page.url().replace(/\/bladder$/, "");
  await page.goto(`${episodeUrl}/discharge`);
  assert.match((await page.textContent("#discharge-checklist")) ?? "", /U7|U8|R1|GP letter/);
  assert.equal(await page.isChecked("input[name=catheterStatus][value=flip-flow]"), true, "pre-filled from the record");
  await expectNoAxeViolations(page, "discharge form with its checklist");
  await page.click("a:has-text('Printable discharge sheet')");
  await page.waitForLoadState("load");
  assert.match((await page.textContent("main")) ?? "", /Who to call/);
  await expectNoAxeViolations(page, "discharge sheet");
  await screenshot(page, "discharge-sheet-1280");
  await page.goto(`${episodeUrl}/flip-flow/sheet`);
  await expectNoAxeViolations(page, "bedside flip-flow sheet");
  await screenshot(page, "flip-flow-sheet-1280");
  watch.assertClean();
  await page.close();
});
