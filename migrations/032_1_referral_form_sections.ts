import type { Knex } from "knex";

/**
 * The sections of the National Spinal Cord Injury Database's online referral form, in order, and
 * which fields of the referral pack go in each: reference data an admin keeps. The layout below is
 * a default that follows the order of a typical referral to the database; the service must check it
 * against the live form and an admin can change it. Field keys are the pack's (src/letters/referral-pack.ts).
 */
const DEFAULT_LAYOUT: [string, string[]][] = [
  ["Patient details", ["family-name", "given-name", "nhs-number", "date-of-birth", "sex"]],
  ["Referrer and referring hospital", ["referrer", "referral-date", "referring-hospital", "referred-to"]],
  ["GP details", ["gp-practice", "gp-address", "gp-email"]],
  ["Diagnosis, injury details and level", ["diagnosis", "presentation", "level"]],
  ["Surgery and imaging", ["mri", "surgery-time", "procedure", "surgeon", "discharged"]],
  ["Bladder", ["twoc", "bladder-scans", "bladder-management", "flip-flow", "isc"]],
  ["Bowel", ["bowel-regime", "bowel-issues"]],
  ["Skin, pain and medication", ["pain-phase", "medication", "neuropathic-pain"]],
  ["Sexual function", ["sexual-function"]],
  ["Psychological and social", ["psychological"]],
  ["Reasons for referral", ["reasons"]],
];

export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable("referral_form_sections"))) {
    await knex.schema.createTable("referral_form_sections", (t) => {
      t.increments("id").primary();
      t.integer("position").notNullable(); // 1, 2, 3 ... as the form shows the sections
      t.string("name", 120).notNullable();
      t.text("fields").notNullable(); // JSON list of pack field keys, in order
      t.timestamp("updated_at", { useTz: true }).notNullable();
    });
  }
  if ((await knex("referral_form_sections").first("id")) === undefined) {
    const now = new Date().toISOString();
    await knex("referral_form_sections").insert(DEFAULT_LAYOUT.map(([name, fields], i) => ({ position: i + 1, name, fields: JSON.stringify(fields), updated_at: now })));
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists("referral_form_sections");
}
