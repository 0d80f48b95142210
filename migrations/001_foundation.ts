import type { Knex } from "knex";

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("users", (t) => {
    t.increments("id");
    t.string("username", 80).notNullable().unique();
    t.string("display_name", 200).notNullable();
    t.string("role", 20).notNullable(); // nurse | clinician | admin
    t.string("email", 320);
    t.string("password_hash", 255).notNullable();
    t.timestamp("disabled_at", { useTz: true });
    t.timestamp("created_at", { useTz: true }).notNullable();
    t.timestamp("updated_at", { useTz: true }).notNullable();
  });

  await knex.schema.createTable("sessions", (t) => {
    t.string("sid", 128).primary();
    t.integer("user_id").index();
    t.text("data").notNullable();
    t.timestamp("expires_at", { useTz: true }).notNullable().index();
  });

  await knex.schema.createTable("api_tokens", (t) => {
    t.increments("id");
    t.string("name", 120).notNullable();
    t.string("role", 20).notNullable();
    t.string("token_hash", 64).notNullable().unique(); // sha256 hex of the token; the token itself is never stored
    t.integer("created_by").references("users.id");
    t.timestamp("created_at", { useTz: true }).notNullable();
    t.timestamp("revoked_at", { useTz: true });
    t.timestamp("last_used_at", { useTz: true });
  });

  await knex.schema.createTable("wards", (t) => {
    t.increments("id");
    t.string("name", 120).notNullable().unique();
    t.string("email", 320);
    t.string("phone", 40);
  });

  await knex.schema.createTable("patients", (t) => {
    t.increments("id");
    t.string("nhs_number", 10).notNullable().unique();
    t.string("family_name", 100).notNullable();
    t.string("given_name", 100).notNullable();
    t.date("date_of_birth").notNullable();
    t.string("sex", 20).notNullable();
    t.string("email", 320);
    t.boolean("email_consent").notNullable().defaultTo(false);
    t.timestamp("email_opted_out_at", { useTz: true });
    t.string("gp_practice_name", 200);
    t.string("gp_address", 500);
    t.string("gp_email", 320);
    t.string("search_name", 210).notNullable().index(); // lower-case "family given" for search
    t.timestamp("created_at", { useTz: true }).notNullable();
    t.timestamp("updated_at", { useTz: true }).notNullable();
  });

  await knex.schema.createTable("episodes", (t) => {
    t.increments("id");
    t.integer("patient_id").notNullable().references("patients.id").index();
    t.string("presentation", 10).notNullable(); // CES-I | CES-R
    t.timestamp("mri_at", { useTz: true }).notNullable();
    t.timestamp("anaesthesia_start_at", { useTz: true }).notNullable();
    t.string("procedure", 40).notNullable();
    t.string("level", 60);
    t.string("surgeon", 200);
    t.string("hospital", 200);
    t.string("ward", 120);
    t.string("bed", 40);
    t.text("delay_reason");
    t.boolean("consultant_sanction");
    t.timestamp("preop_review_at", { useTz: true });
    t.boolean("consent_recorded");
    t.boolean("bsr_registered");
    t.boolean("catheterised_before_surgery");
    t.timestamp("discharged_at", { useTz: true });
    t.string("discharge_destination", 200);
    t.string("catheter_status_at_discharge", 40);
    t.timestamp("created_at", { useTz: true }).notNullable();
    t.timestamp("updated_at", { useTz: true }).notNullable();
    t.index(["ward", "discharged_at"]);
  });

  await knex.schema.createTable("audit_events", (t) => {
    t.increments("id");
    t.timestamp("at", { useTz: true }).notNullable();
    t.string("actor_type", 10).notNullable(); // user | api | system
    t.integer("actor_id");
    t.string("actor_name", 200).notNullable();
    t.integer("patient_id").index();
    t.string("entity", 60).notNullable();
    t.integer("entity_id");
    t.string("action", 60).notNullable();
    t.text("before");
    t.text("after");
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ["audit_events", "episodes", "patients", "wards", "api_tokens", "sessions", "users"]) {
    await knex.schema.dropTableIfExists(table);
  }
}
