/** For hospital systems that post: the ward list (to find a wardId) and registering an episode once per clientId. */
import type { Actor } from "../audit/audit.ts";
import { listWards } from "../admin/service.ts";
import type { Db } from "../db/knex.ts";
import { isUniqueViolation } from "../db/values.ts";
import type { AppDeps } from "../deps.ts";
import type { EpisodeInput } from "../patients/model.ts";
import { episodeIdByClientKey } from "../patients/repository.ts";
import { registerEpisode } from "../patients/service.ts";
import type { Role, RoleRouter } from "../web/routing.ts";
import type { InputReader } from "../web/validation.ts";
import { errorResponses } from "./openapi.ts";

const WARD_READERS: readonly Role[] = ["nurse", "clinician", "admin"];
const { "400": _invalid, ...authResponses } = errorResponses;

/** The optional clientId of an episode registration; null without one. */
export function readEpisodeClientKey(reader: InputReader): string | null {
  const value = reader.raw("clientId");
  if (value === undefined || value === null) return null;
  if (typeof value !== "string" || !/^[\x21-\x7e]{1,100}$/.test(value)) return reader.fail("clientId", "clientId must be 1 to 100 printable characters without spaces");
  return `api:${value}`;
}

/** Registers an episode, or answers the one already registered for the patient with this clientId. */
export async function registerEpisodeOnce(db: Db, actor: Actor, patientId: number, input: EpisodeInput, now: string, clientKey: string | null): Promise<{ id: number; repeated: boolean }> {
  if (clientKey) {
    const earlier = await episodeIdByClientKey(db, patientId, clientKey);
    if (earlier !== null) return { id: earlier, repeated: true };
  }
  try {
    return { id: (await registerEpisode(db, actor, patientId, input, now, clientKey)).id, repeated: false };
  } catch (err) {
    // The same clientId posted twice at once: the unique index let one in; answer with it.
    const raced = clientKey && isUniqueViolation(err) ? await episodeIdByClientKey(db, patientId, clientKey) : null;
    if (raced === null) throw err;
    return { id: raced, repeated: true };
  }
}

export function wardApiRoutes(api: RoleRouter, deps: AppDeps): void {
  const { db } = deps;
  api.get("/wards", WARD_READERS, async (_req, res) => {
    res.json((await listWards(db)).map((w) => ({ id: w.id, name: w.name, retired: w.retiredAt !== null })));
  });
  api.document("get", "/wards", {
    summary: "The wards an episode can point to (wardId), retired ones marked",
    description: "A retired ward is not accepted for a new episode or a transfer; episodes already on it keep it.",
    responses: {
      "200": {
        description: "Every ward, in name order",
        content: { "application/json": { schema: { type: "array", items: { type: "object", properties: { id: { type: "integer" }, name: { type: "string" }, retired: { type: "boolean" } } } } } },
      },
      ...authResponses,
    },
  });
}
