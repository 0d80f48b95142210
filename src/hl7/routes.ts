/** Admin pages of the hospital feed: the messages received (and what became of each), and the PAS ward-code map. */
import type { Request } from "express";
import type { AppDeps } from "../deps.ts";
import { NotFoundError } from "../errors.ts";
import { listWards } from "../admin/service.ts";
import { formPage } from "../web/forms.ts";
import { idParam } from "../web/form-values.ts";
import { ADMINS, type RoleRouter } from "../web/routing.ts";
import { InputReader } from "../web/validation.ts";
import { FEED_STATUSES, type FeedMessage, type FeedStatus, findFeedMessage, listFeedMessages, listWardCodes, setWardCode } from "./store.ts";

const STATUS_TAGS: Record<FeedStatus, { text: string; colour: string }> = {
  applied: { text: "Applied", colour: "green" },
  ignored: { text: "Ignored", colour: "grey" },
  superseded: { text: "Superseded", colour: "yellow" },
  failed: { text: "Failed (AE)", colour: "red" },
  rejected: { text: "Rejected (AR)", colour: "orange" },
};

const PAGE_SIZE = 200;
/** A 2 MB message would make a page no one can read: the start is enough to see what it was. */
const RAW_SHOWN = 100_000;

function messageRow(m: FeedMessage) {
  return { ...m, tag: STATUS_TAGS[m.status], cancelled: m.cancelledByMessageId !== null };
}

/** What a message changed, as rows of field, before and after. */
function changeRows(changes: unknown): { field: string; before: string; after: string }[] {
  const c = changes as { before?: Record<string, unknown> | null; after?: Record<string, unknown> | null } | null;
  if (!c || typeof c !== "object") return [];
  const before = c.before ?? {};
  const after = c.after ?? {};
  const show = (v: unknown) => (v === undefined || v === null ? "" : typeof v === "string" ? v : JSON.stringify(v));
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const rows = fields.map((field) => ({ field, before: show(before[field]), after: show(after[field]) }));
  for (const [field, v] of Object.entries(c)) if (field !== "before" && field !== "after") rows.push({ field, before: "", after: show(v) });
  return rows;
}

export function feedRoutes(pages: RoleRouter, deps: AppDeps): void {
  const { db, clock } = deps;

  pages.get("/admin/feed", ADMINS, async (req, res) => {
    const status = FEED_STATUSES.find((s) => s === req.query.status);
    const { messages, counts, total } = await listFeedMessages(db, { status, limit: PAGE_SIZE });
    res.render("hl7/messages", {
      title: "Hospital feed messages",
      total,
      status: status ?? null,
      filters: FEED_STATUSES.map((s) => ({ status: s, text: STATUS_TAGS[s].text, count: counts[s], current: s === status })),
      messages: messages.map(messageRow),
      pageSize: PAGE_SIZE,
    });
  });

  pages.get("/admin/feed/messages/:messageId", ADMINS, async (req, res) => {
    const id = idParam(req.params.messageId);
    const message = id ? await findFeedMessage(db, id) : null;
    if (!message) throw new NotFoundError("Feed message");
    res.render("hl7/message", {
      title: `Feed message ${message.id}`,
      backLink: { href: "/admin/feed", text: "Hospital feed messages" },
      message: messageRow(message),
      segments: message.raw.slice(0, RAW_SHOWN).split("\r"),
      rawCut: message.raw.length > RAW_SHOWN,
      rawLength: message.raw.length,
      rawShown: RAW_SHOWN,
      changes: changeRows(message.changes),
    });
  });

  const wardCodePage = async (errors: unknown[] | undefined, values: Record<string, unknown>) => ({
    title: "PAS ward codes",
    backLink: { href: "/admin/feed", text: "Hospital feed messages" },
    codes: await listWardCodes(db),
    wards: (await listWards(db)).filter((w) => !w.retiredAt).map((w) => ({ value: String(w.id), text: w.name, selected: String(values.wardId ?? "") === String(w.id) })),
    values,
    errors,
  });

  formPage(pages, ADMINS, { form: "/admin/feed/ward-codes" }, {
    load: async () => null,
    initial: (): Record<string, unknown> => ({}),
    render: async (res, _none, values, errors) => res.render("hl7/ward-codes", await wardCodePage(errors, values)),
    save: async (req: Request, _none, actor) => {
      const input = new InputReader(req.body, "form");
      const code = input.text("code", { label: "PAS ward code", required: true, max: 40 });
      if (code && !/^[A-Za-z0-9 _./-]+$/.test(code)) input.fail("code", "PAS ward code must be letters, digits, spaces or . _ / -");
      const wardId = input.integer("wardId", { label: "Ward", min: 1, max: 2_000_000_000, required: true });
      input.result(null);
      await setWardCode(db, actor, code!, wardId!, clock().toISOString());
      return { redirect: "/admin/feed/ward-codes", flash: `PAS ward code ${code!.trim().toUpperCase()} saved` };
    },
  });
}
