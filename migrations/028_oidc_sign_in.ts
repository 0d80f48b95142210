import type { Knex } from "knex";

/**
 * Staff sign-in through the trust's identity provider (OpenID Connect): a user is known by the
 * provider's issuer and subject; an admin may pre-create an account to be linked on first sign-in
 * by email or NHS CIS2 user id; provider role claims map to the app's roles; and a session
 * remembers the provider's session id so the provider can end it (back-channel sign-out).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("users", (t) => {
    t.string("oidc_issuer", 500);
    t.string("oidc_subject", 255);
    t.string("link_email", 320);
    t.string("link_cis2_uid", 64);
    t.unique(["oidc_issuer", "oidc_subject"]);
  });
  await knex.schema.createTable("oidc_role_maps", (t) => {
    t.increments("id");
    t.string("claim_value", 200).notNullable().unique();
    t.string("role", 20).notNullable();
    t.string("description", 200);
    t.timestamp("created_at", { useTz: true }).notNullable();
    t.timestamp("retired_at", { useTz: true });
  });
  await knex.schema.alterTable("sessions", (t) => {
    t.string("oidc_session", 600).index();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("sessions", (t) => t.dropColumn("oidc_session"));
  await knex.schema.dropTableIfExists("oidc_role_maps");
  await knex.schema.alterTable("users", (t) => {
    t.dropUnique(["oidc_issuer", "oidc_subject"]);
    t.dropColumn("oidc_issuer");
    t.dropColumn("oidc_subject");
    t.dropColumn("link_email");
    t.dropColumn("link_cis2_uid");
  });
}
