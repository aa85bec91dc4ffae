"""The change-feed triggers' duplicate check gets an index the planner cannot pass by.

The triggers ask "is this record already recorded as created or updated in this
transaction?" for every row they touch. On (transaction_id, resource_type,
object_id) the planner could not tell that index from change_cursor_idx: the
current transaction's id is in no statistics, so both looked like one row, it
took change_cursor_idx with transaction_id as the only condition, and every
look-up read every row the transaction had written so far (quadratic in the
size of a writing transaction). The look-up is now one equality on an
expression that only this index holds.
"""

import importlib

from django.db import migrations

# Migration 0003's functions, to go back to.
PREVIOUS_FUNCTIONS = importlib.import_module(
    "statements.migrations.0003_change_feed"
).HELPERS

# resource type, object id and transaction id in one text value.
KEY = "{p}resource_type || ':' || {p}object_id::text || ':' || {p}transaction_id::text"

# The same, inside the string literal of statements_touch's dynamic query.
QUOTED_KEY = KEY.format(p="c.").replace("'", "''")

FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION statements_record_change(
    p_type text, p_id bigint, p_slug text, p_action text
) RETURNS void AS $$
DECLARE
    tx bigint := pg_current_xact_id()::text::bigint;
BEGIN
    -- One "updated" row per record and transaction is enough.
    IF p_action = 'updated' AND EXISTS (
        SELECT 1 FROM statements_change
        WHERE {KEY.format(p="")} = p_type || ':' || p_id::text || ':' || tx::text
          AND action IN ('created', 'updated')
    ) THEN
        RETURN;
    END IF;
    INSERT INTO statements_change
        (transaction_id, resource_type, object_id, slug, action, changed_at)
    VALUES (tx, p_type, p_id, p_slug, p_action, clock_timestamp());
END $$ LANGUAGE plpgsql;

-- Record an update of each row (id, slug) that `p_query` finds for id `p_id`.
CREATE OR REPLACE FUNCTION statements_touch(
    p_type text, p_query text, p_id bigint
) RETURNS void AS $$
DECLARE
    tx bigint := pg_current_xact_id()::text::bigint;
BEGIN
    IF p_id IS NULL THEN
        RETURN;
    END IF;
    EXECUTE format(
        'INSERT INTO statements_change '
        '(transaction_id, resource_type, object_id, slug, action, changed_at) '
        'SELECT $1, $2, d.id, d.slug, ''updated'', clock_timestamp() FROM (%s) d '
        'WHERE NOT EXISTS (SELECT 1 FROM statements_change c WHERE '
        '{QUOTED_KEY} = $2 || '':'' || d.id::text || '':'' || $1::text '
        'AND c.action IN (''created'', ''updated''))',
        p_query
    ) USING tx, p_type, p_id;
END $$ LANGUAGE plpgsql;
"""

CREATE_INDEX = (
    f"CREATE INDEX change_record_idx ON statements_change (({KEY.format(p='')}));"
)


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0007_statement_order_index"),
    ]

    # The new index first, so that the triggers are never without one.
    operations = [
        migrations.RunSQL(CREATE_INDEX, "DROP INDEX change_record_idx;"),
        migrations.RunSQL(FUNCTIONS, PREVIOUS_FUNCTIONS),
        migrations.RemoveIndex(model_name="change", name="change_dedupe_idx"),
    ]
