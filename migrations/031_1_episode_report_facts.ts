import type { Knex } from "knex";

/**
 * The reports' answers for each episode (src/reports/classify.ts), kept by the record: every change
 * to an episode marks its row out of date in the same transaction (valid_until long past), and the
 * next report classifies it again. One row per episode (its id is the key). `valid_until` is the first instant at which the answers could change with no change to the
 * record (an opening falls due, a trial's no-void deadline passes); null when they cannot. The
 * reports classify again only rows whose instant has passed, and episodes with no row yet.
 * `version` counts the changes that marked the row, so a report that classified an episode while a
 * change was being made never overwrites the change's mark. Hospital, ward and presentation are not
 * kept: they are the episode's own fields, read with it (a ward renamed takes its episodes along).
 * `problem`: the rule engine could not read the record (the episode is listed, not counted).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("episode_report_facts", (t) => {
    t.integer("episode_id").primary().references("episodes.id").onDelete("CASCADE");
    t.integer("version").notNullable().defaultTo(0);
    t.timestamp("classified_at", { useTz: true }).notNullable();
    t.timestamp("valid_until", { useTz: true }).index();
    t.text("problem");
    t.double("mri_to_anaesthesia_hours");
    t.string("time_r", 30);
    t.string("night", 30);
    t.boolean("check_doc");
    t.boolean("check_consent");
    t.boolean("check_bsr");
    t.boolean("check_cath");
    t.string("twoc_outcome", 20);
    t.timestamp("twoc_decided_at", { useTz: true });
    t.double("twoc_hours_from_surgery");
    t.integer("ff_due");
    t.integer("ff_on_time");
    t.integer("ff_late");
    t.integer("ff_missed");
    t.integer("ff_overdue");
    t.boolean("isc_failed_twoc");
    t.timestamp("isc_taught_at", { useTz: true });
    t.boolean("isc_taught_before_discharge");
    t.boolean("sci_indicated");
    t.string("sci_rules", 200);
    t.timestamp("sci_indicated_since", { useTz: true });
    t.timestamp("sci_sent_at", { useTz: true });
    t.integer("sci_days_to_send");
    t.timestamp("appointment_at", { useTz: true });
    t.boolean("appointment_passed");
    t.boolean("bowel_reassessed");
    t.boolean("sexual_reassessed");
    t.string("gp_review_from", 10);
    t.string("gp_review_to", 10);
    t.timestamp("gp_letter_sent_at", { useTz: true });
    t.timestamp("gp_review_checked_at", { useTz: true });
    t.boolean("pre_void_recorded");
    t.boolean("post_void_recorded");
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("episode_report_facts");
}
