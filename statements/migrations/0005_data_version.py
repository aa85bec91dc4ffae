"""A single-row data version, bumped at commit by every transaction that changes data.

Validators (ETag, Last-Modified) and cached counts key on it. MAX(id) of the change
feed is not enough: a transaction that commits after a later one would not move it.

The bump runs in a deferred constraint trigger, at commit, once per transaction:
the first change row of a transaction queues one row in statements_version_bump,
whose deferred trigger moves the version. The version row is therefore locked only
while a writer commits, never for the length of its transaction, and a reader
sees the new version and the new data together.
"""

from django.db import migrations

CREATE = """
CREATE TABLE statements_data_version (
    id boolean PRIMARY KEY DEFAULT TRUE CHECK (id),
    version bigint NOT NULL,
    changed_at timestamptz NOT NULL
);
INSERT INTO statements_data_version (id, version, changed_at)
SELECT TRUE, COALESCE(MAX(id), 0), COALESCE(MAX(changed_at), now())
FROM statements_change;

CREATE TABLE statements_version_bump (transaction_id bigint PRIMARY KEY);

CREATE OR REPLACE FUNCTION statements_queue_version_bump() RETURNS trigger AS $$
BEGIN
    IF current_setting('statements.version_bump_queued', true)
            IS DISTINCT FROM 'on' THEN
        PERFORM set_config('statements.version_bump_queued', 'on', true);
        INSERT INTO statements_version_bump (transaction_id)
        VALUES (NEW.transaction_id) ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER statements_change_queues_version_bump
AFTER INSERT ON statements_change
FOR EACH ROW EXECUTE FUNCTION statements_queue_version_bump();

CREATE OR REPLACE FUNCTION statements_bump_data_version() RETURNS trigger AS $$
BEGIN
    UPDATE statements_data_version
    SET version = version + 1, changed_at = clock_timestamp();
    DELETE FROM statements_version_bump WHERE transaction_id = NEW.transaction_id;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER statements_version_bump_at_commit
AFTER INSERT ON statements_version_bump
DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW EXECUTE FUNCTION statements_bump_data_version();
"""

DROP = """
DROP TRIGGER IF EXISTS statements_version_bump_at_commit ON statements_version_bump;
DROP FUNCTION IF EXISTS statements_bump_data_version();
DROP TRIGGER IF EXISTS statements_change_queues_version_bump ON statements_change;
DROP FUNCTION IF EXISTS statements_queue_version_bump();
DROP TABLE IF EXISTS statements_version_bump;
DROP TABLE IF EXISTS statements_data_version;
"""


class Migration(migrations.Migration):
    dependencies = [("statements", "0004_api_keys")]

    operations = [migrations.RunSQL(CREATE, DROP)]
