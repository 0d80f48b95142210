/**
 * /reports: the pathway reports for the spinal service lead, a clinician (see the README's Reports
 * section for why no separate role). GET only: the period is in the query string, so a report can
 * be bookmarked and shared; a period that is not one answers 400 with an error summary.
 */
import type { Response } from "express";
import type { AppDeps } from "../deps.ts";
import { NotFoundError } from "../errors.ts";
import { formErrors } from "../web/forms.ts";
import { CLINICIANS, type RoleRouter } from "../web/routing.ts";
import { FIGURES, figureById, groupsOf } from "./figures.ts";
import { type Period, periodFields, readPeriod } from "./period.ts";
import { bsrCsv, figureCsv, nextTurn, reportRecords, sharedReportTallies, type Tallies } from "./service.ts";

export function reportRoutes(pages: RoleRouter, deps: AppDeps): void {
  const { db, clock } = deps;
  const now = () => clock().toISOString();

  pages.get("/reports", CLINICIANS, async (req, res) => {
    const at = now();
    let period: Period | null = null;
    let report: Tallies;
    try {
      period = readPeriod(req.query, at);
      report = await sharedReportTallies(db, period, now);
    } catch (err) {
      const errors = formErrors(err);
      if (!errors) throw err;
      res.status(400);
      return renderPage(res, { values: period ? periodFields(period) : (req.query as Record<string, unknown>), errors, period: null, report: { wards: [], unassessed: [] } });
    }
    await renderPage(res, { values: periodFields(period), errors: null, period, report });
  });

  pages.get("/reports/registry/bsr.csv", CLINICIANS, async (req, res) => {
    const at = now();
    const period = readPeriod(req.query, at);
    await download(res, "british-spine-registry", period, bsrCsv((await reportRecords(db, period, at)).episodes));
  });

  pages.get("/reports/:figure.csv", CLINICIANS, async (req, res) => {
    const figure = figureById(String(req.params.figure));
    if (!figure) throw new NotFoundError("Report");
    const at = now();
    const period = readPeriod(req.query, at);
    await download(res, figure.id, period, figureCsv(figure, (await reportRecords(db, period, at)).episodes));
  });
}

/** A CSV download, written a piece at a time as it is made (a long period is tens of thousands of rows). */
async function download(res: Response, name: string, period: Period, pieces: Iterable<string>): Promise<void> {
  res.type("text/csv; charset=utf-8");
  res.set("Content-Disposition", `attachment; filename="${name}-${period.from}-to-${period.to}.csv"`);
  for (const piece of pieces) {
    res.write(piece);
    await nextTurn();
  }
  res.end();
}

async function renderPage(res: Response, view: { values: Record<string, unknown>; errors: unknown; period: Period | null; report: Tallies }): Promise<void> {
  const { period } = view;
  const { unassessed } = view.report;
  const query = period ? new URLSearchParams(periodFields(period)).toString() : "";
  const groups = groupsOf(view.report.wards);
  const all = groups[0].tally;
  const figures = [];
  for (const figure of period ? FIGURES : []) {
    const chart = figure.chart(all);
    figures.push({
      id: figure.id,
      title: figure.title,
      rules: figure.rules,
      notes: figure.notes,
      svg: chart.svg,
      chartRows: chart.rows,
      headings: figure.columns.map((c) => c.heading),
      rows: groups.map((g) => ({
        level: g.level,
        name: g.level === "ward" ? g.ward : g.hospital,
        hospital: g.hospital,
        cells: figure.columns.map((c) => c.value(g.tally)),
      })),
      csvHref: `/reports/${figure.id}.csv?${query}`,
    });
  }
  res.render("reports/page", {
    title: "Pathway reports",
    values: view.values,
    errors: view.errors,
    period,
    query,
    episodeCount: all.episodes,
    unassessed,
    figures,
    bsrHref: `/reports/registry/bsr.csv?${query}`,
  });
}
