-- AlterTable
ALTER TABLE "outbox_event" ADD COLUMN     "checked_at" TIMESTAMPTZ(3),
ADD COLUMN     "confirmed_at" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "outbox_event_confirmed_at_checked_at_idx" ON "outbox_event"("confirmed_at", "checked_at");

-- Events published before deliveries were confirmed reached their queues then; not re-sent.
UPDATE "outbox_event" SET "confirmed_at" = "published_at" WHERE "published_at" IS NOT NULL;

-- Wakes the relay (LISTEN outbox_<schema>) as an insert commits: one notification a statement.
CREATE FUNCTION outbox_event_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('outbox_' || TG_TABLE_SCHEMA, '');
  RETURN NULL;
END
$$;
CREATE TRIGGER outbox_event_notify AFTER INSERT ON "outbox_event"
  FOR EACH STATEMENT EXECUTE FUNCTION outbox_event_notify();
