import type { Knex } from "knex";

/**
 * The audit row for a delivered patient email is written by the database, in the same statement
 * that records the delivery: the dispatcher then needs no transaction per message, and the
 * record and its audit row still land together or not at all.
 */
export async function up(knex: Knex): Promise<void> {
  if (knex.client.config.client === "pg") {
    await knex.raw(`
      CREATE FUNCTION outbox_sent_audit() RETURNS trigger AS $$
      BEGIN
        IF NEW.status = 'sent' AND OLD.status = 'sending' AND NEW.patient_id IS NOT NULL THEN
          INSERT INTO audit_events (at, actor_type, actor_id, actor_name, patient_id, entity, entity_id, action, before, after)
          VALUES (NEW.sent_at, 'system', NULL, 'reminder dispatcher', NEW.patient_id, 'email', NEW.id, 'sent', NULL,
                  json_build_object('to', NEW.recipient, 'subject', NEW.subject, 'kind', NEW.kind)::text);
        END IF;
        RETURN NEW;
      END
      $$ LANGUAGE plpgsql`);
    await knex.raw(`CREATE TRIGGER outbox_sent_audit AFTER UPDATE OF status ON outbox FOR EACH ROW EXECUTE FUNCTION outbox_sent_audit()`);
    return;
  }
  await knex.raw(`
    CREATE TRIGGER outbox_sent_audit AFTER UPDATE OF status ON outbox
    FOR EACH ROW WHEN NEW.status = 'sent' AND OLD.status = 'sending' AND NEW.patient_id IS NOT NULL
    BEGIN
      INSERT INTO audit_events (at, actor_type, actor_id, actor_name, patient_id, entity, entity_id, action, before, after)
      VALUES (NEW.sent_at, 'system', NULL, 'reminder dispatcher', NEW.patient_id, 'email', NEW.id, 'sent', NULL,
              json_object('to', NEW.recipient, 'subject', NEW.subject, 'kind', NEW.kind));
    END`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw("DROP TRIGGER IF EXISTS outbox_sent_audit" + (knex.client.config.client === "pg" ? " ON outbox" : ""));
  if (knex.client.config.client === "pg") await knex.raw("DROP FUNCTION IF EXISTS outbox_sent_audit()");
}
