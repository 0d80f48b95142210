import { CLINICAL, type RoleRouter } from "../../web/routing.ts";
import { InputReader } from "../../web/validation.ts";
import { getWardState } from "../index.ts";
import { bladderEventBodySchema, twocSchema } from "../openapi.ts";
import { recordBladderEvent } from "../service.ts";
import { EVENT_FIELDS, readBladderEvent, readClientKey } from "../validation.ts";
import { apiEpisode, type WardRouteContext } from "./context.ts";

/** The ward API for bladder scanners and the EPR: record an event; read the TWOC assessment. */
export function wardApiRoutes(api: RoleRouter, ctx: WardRouteContext): void {
  const { db, now } = ctx;

  api.post("/episodes/:episodeId/bladder-events", CLINICAL, async (req, res, actor) => {
    const episode = await apiEpisode(ctx, req);
    const at = now();
    const reader = new InputReader(req.body, "json");
    reader.rejectUnknown(EVENT_FIELDS);
    const key = readClientKey(reader, actor.id);
    const input = reader.result(readBladderEvent(reader, at));
    const result = await recordBladderEvent(db, actor, episode, input, key, "api", at);
    res.status(result.duplicate ? 200 : 201).json({ id: result.event.id, twoc: result.twoc });
  });
  api.document("post", "/episodes/{episodeId}/bladder-events", {
    summary: "Record a bladder event (bladder scanner or EPR)",
    description:
      "Times may be up to 24 hours in the past and never in the future. The same clientId sent again by the same token for the episode, with the same event, stores nothing new and answers 200 with the first event's id; with a different event it is refused (409) naming what differs. A clientId belongs to the token that sent it. A catheter removal after a failed TWOC is refused (409, rule U6) unless a clinician recorded an override.",
    parameters: [{ name: "episodeId", in: "path", required: true, schema: { type: "integer" } }],
    requestBody: { required: true, content: { "application/json": { schema: bladderEventBodySchema } } },
    responses: {
      "201": { description: "Recorded", content: { "application/json": { schema: { type: "object", properties: { id: { type: "integer" }, twoc: twocSchema } } } } },
      "200": { description: "Already recorded with this clientId: nothing new stored", content: { "application/json": { schema: { type: "object", properties: { id: { type: "integer" }, twoc: twocSchema } } } } },
      "400": { description: "Invalid input; nothing stored" },
      "401": { description: "No valid bearer token" },
      "403": { description: "The token's role may not use this endpoint" },
      "404": { description: "No such episode" },
      "409": { description: "U6: a new TWOC after a failed one needs a clinician's override; or a valve opening is already recorded at that time; or this clientId was already used for a different event" },
    },
  });

  api.get("/episodes/:episodeId/twoc", CLINICAL, async (req, res) => {
    const episode = await apiEpisode(ctx, req);
    const state = await getWardState(db, episode.id, now());
    res.json(state.twoc);
  });
  api.document("get", "/episodes/{episodeId}/twoc", {
    summary: "The trial without catheter now: the rule engine's assessment (status, rule ids, reason, no-void deadline)",
    parameters: [{ name: "episodeId", in: "path", required: true, schema: { type: "integer" } }],
    responses: {
      "200": { description: "Assessment", content: { "application/json": { schema: twocSchema } } },
      "401": { description: "No valid bearer token" },
      "403": { description: "The token's role may not use this endpoint" },
      "404": { description: "No such episode" },
    },
  });
}
