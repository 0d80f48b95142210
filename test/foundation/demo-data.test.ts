// The demo a newcomer sees after `npm start`: a working ward whatever the time of day.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createTestApp, pageText, signIn } from "../helpers/app.ts";

async function episodePageOf(ctx: Awaited<ReturnType<typeof createTestApp>>, nhsNumber: string, agent: Awaited<ReturnType<typeof signIn>>) {
  const patient = await ctx.db("patients").where({ nhs_number: nhsNumber }).first();
  const episode = await ctx.db("episodes").where({ patient_id: patient.id }).first();
  return pageText((await agent.agent.get(`/episodes/${episode.id}`)).text);
}

describe("demo data", () => {
  for (const now of ["2026-11-24T10:00:00Z", "2026-11-24T23:30:00Z", "2026-07-01T03:00:00Z"]) {
    test(`seeded at ${now}: a TWOC under way, a failed TWOC on flip-flow, an outpatient review due, a night-time surgery flag`, async () => {
      const ctx = await createTestApp({ now });
      try {
        const nurse = await signIn(ctx.app, "nurse");
        const board = pageText((await nurse.agent.get("/ward")).text);
        assert.match(board, /OKAFOR, Grace .*TWOC in progress/);
        assert.match(board, /HUGHES, David .*TWOC failed U3 Flip-flow/, "U-SAFE resolved by the re-catheterisation: no longer on the board");
        assert.match(board, /LEWIS, Owen .*Clinical review U-REVIEW Nothing timed/, "re-catheterised mid-trial: review, no no-void clock");
        assert.match(await episodePageOf(ctx, "9876543210", nurse), /Outpatient appointment: \w{3}, /);
        const brown = await episodePageOf(ctx, "4010232137", nurse);
        assert.match(brown, /S-NIGHT Anaesthesia started at 02:15/);
        for (const nhs of ["9434765919", "9000000009", "9876543210"]) {
          assert.doesNotMatch(await episodePageOf(ctx, nhs, nurse), /S-NIGHT Anaesthesia started at/, `only the night-time demo shows S-NIGHT (${nhs})`);
        }
      } finally {
        await ctx.close();
      }
    });
  }
});
