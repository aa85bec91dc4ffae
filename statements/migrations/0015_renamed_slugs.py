"""Stable ids: a rename is one `renamed` change, and old slugs lead to the current one.

- The change feed records a slug change as one `renamed` row (`slug` the new one,
  `previous_slug` the old one) instead of a deletion and a creation
  (statements.changefeed). FEED_FUNCTIONS is a literal copy of the helpers and
  the resources' trigger functions of statements.changefeed.CREATE_SQL (the
  link and detail tables' functions do not change); PREVIOUS_FEED_FUNCTIONS what
  they were, to go back to.
- A retired slug names the record's current slug: a rename points every earlier
  slug of the record at the new one (a chain a, b, c redirects in one hop), a
  deletion empties them (statements.models.RetiredSlug). The slugs retired before
  are brought up to date.
"""

from django.db import migrations, models

FEED_FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION statements_record_change(
    p_type text, p_id bigint, p_slug text, p_action text
) RETURNS void AS $$
DECLARE
    tx bigint := pg_current_xact_id()::text::bigint;
BEGIN
    -- One "updated" row per record and transaction is enough.
    IF p_action = 'updated' AND EXISTS (
        SELECT 1 FROM statements_change
        WHERE resource_type || ':' || object_id::text || ':' || transaction_id::text = p_type || ':' || p_id::text || ':' || tx::text
          AND action IN ('created', 'updated', 'renamed')
    ) THEN
        RETURN;
    END IF;
    INSERT INTO statements_change
        (transaction_id, resource_type, object_id, slug, action, changed_at)
    VALUES (tx, p_type, p_id, p_slug, p_action, clock_timestamp());
END $$ LANGUAGE plpgsql;

-- Record that a record's slug changed from `p_previous_slug` to `p_slug`.
CREATE OR REPLACE FUNCTION statements_record_rename(
    p_type text, p_id bigint, p_slug text, p_previous_slug text
) RETURNS void AS $$
BEGIN
    INSERT INTO statements_change
        (transaction_id, resource_type, object_id, slug, previous_slug, action,
         changed_at)
    VALUES (pg_current_xact_id()::text::bigint, p_type, p_id, p_slug,
            p_previous_slug, 'renamed', clock_timestamp());
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
        'c.resource_type || '':'' || c.object_id::text || '':'' || c.transaction_id::text = $2 || '':'' || d.id::text || '':'' || $1::text '
        'AND c.action IN (''created'', ''updated'', ''renamed''))',
        p_query
    ) USING tx, p_type, p_id;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION statements_change_quote() RETURNS trigger AS $$
DECLARE
    old_visible boolean := TG_OP <> 'INSERT' AND COALESCE(OLD.status = 'confirmed', FALSE);
    new_visible boolean := TG_OP <> 'DELETE' AND COALESCE(NEW.status = 'confirmed', FALSE);
BEGIN
    IF NOT old_visible AND NOT new_visible THEN
        RETURN NULL;
    ELSIF NOT old_visible THEN
        PERFORM statements_record_change('quote', NEW.id, NEW.slug, 'created');
    ELSIF NOT new_visible THEN
        PERFORM statements_record_change('quote', OLD.id, OLD.slug, 'deleted');
    ELSIF OLD.slug IS DISTINCT FROM NEW.slug THEN
        PERFORM statements_record_rename('quote', NEW.id, NEW.slug, OLD.slug);
    ELSE
        PERFORM statements_record_change('quote', NEW.id, NEW.slug, 'updated');
    END IF;
    IF NOT new_visible THEN
        PERFORM statements_touch('statement', 'SELECT id, slug FROM statements_statement WHERE id = $3', OLD.statement_id);
    ELSIF NOT old_visible THEN
        PERFORM statements_touch('statement', 'SELECT id, slug FROM statements_statement WHERE id = $3', NEW.statement_id);
    ELSIF TRUE THEN
        PERFORM statements_touch('statement', 'SELECT id, slug FROM statements_statement WHERE id = $3', OLD.statement_id);
        PERFORM statements_touch('statement', 'SELECT id, slug FROM statements_statement WHERE id = $3', NEW.statement_id);
    END IF;
    IF NOT new_visible THEN
        PERFORM statements_touch('speaker', 'SELECT id, slug FROM statements_speaker WHERE id = $3', OLD.speaker_id);
    ELSIF NOT old_visible THEN
        PERFORM statements_touch('speaker', 'SELECT id, slug FROM statements_speaker WHERE id = $3', NEW.speaker_id);
    ELSIF OLD.speaker_id IS DISTINCT FROM NEW.speaker_id THEN
        PERFORM statements_touch('speaker', 'SELECT id, slug FROM statements_speaker WHERE id = $3', OLD.speaker_id);
        PERFORM statements_touch('speaker', 'SELECT id, slug FROM statements_speaker WHERE id = $3', NEW.speaker_id);
    END IF;
    IF NOT new_visible THEN
        PERFORM statements_touch('event', 'SELECT id, slug FROM statements_event WHERE id = $3', OLD.event_id);
    ELSIF NOT old_visible THEN
        PERFORM statements_touch('event', 'SELECT id, slug FROM statements_event WHERE id = $3', NEW.event_id);
    ELSIF OLD.event_id IS DISTINCT FROM NEW.event_id THEN
        PERFORM statements_touch('event', 'SELECT id, slug FROM statements_event WHERE id = $3', OLD.event_id);
        PERFORM statements_touch('event', 'SELECT id, slug FROM statements_event WHERE id = $3', NEW.event_id);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION statements_change_statement() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM statements_record_change('statement', NEW.id, NEW.slug, 'created');
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM statements_record_change('statement', OLD.id, OLD.slug, 'deleted');
    ELSIF OLD.slug IS DISTINCT FROM NEW.slug THEN
        PERFORM statements_record_rename('statement', NEW.id, NEW.slug, OLD.slug);
    ELSE
        PERFORM statements_record_change('statement', NEW.id, NEW.slug, 'updated');
    END IF;
    IF TG_OP = 'DELETE' THEN
        PERFORM statements_touch('speaker', 'SELECT id, slug FROM statements_speaker WHERE id = $3', OLD.speaker_id);
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM statements_touch('speaker', 'SELECT id, slug FROM statements_speaker WHERE id = $3', NEW.speaker_id);
    ELSIF OLD.speaker_id IS DISTINCT FROM NEW.speaker_id THEN
        PERFORM statements_touch('speaker', 'SELECT id, slug FROM statements_speaker WHERE id = $3', OLD.speaker_id);
        PERFORM statements_touch('speaker', 'SELECT id, slug FROM statements_speaker WHERE id = $3', NEW.speaker_id);
    END IF;
    IF TG_OP = 'DELETE' THEN
        PERFORM statements_touch('event', 'SELECT id, slug FROM statements_event WHERE id = $3', OLD.event_id);
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM statements_touch('event', 'SELECT id, slug FROM statements_event WHERE id = $3', NEW.event_id);
    ELSIF OLD.event_id IS DISTINCT FROM NEW.event_id THEN
        PERFORM statements_touch('event', 'SELECT id, slug FROM statements_event WHERE id = $3', OLD.event_id);
        PERFORM statements_touch('event', 'SELECT id, slug FROM statements_event WHERE id = $3', NEW.event_id);
    END IF;
    IF TG_OP = 'UPDATE' THEN
        PERFORM statements_touch('quote', 'SELECT id, slug FROM statements_quote WHERE statement_id = $3 AND status = ''confirmed''', NEW.id);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION statements_change_speaker() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM statements_record_change('speaker', NEW.id, NEW.slug, 'created');
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM statements_record_change('speaker', OLD.id, OLD.slug, 'deleted');
    ELSIF OLD.slug IS DISTINCT FROM NEW.slug THEN
        PERFORM statements_record_rename('speaker', NEW.id, NEW.slug, OLD.slug);
    ELSE
        PERFORM statements_record_change('speaker', NEW.id, NEW.slug, 'updated');
    END IF;
    IF TG_OP = 'UPDATE' THEN
        PERFORM statements_touch('quote', 'SELECT id, slug FROM statements_quote WHERE speaker_id = $3 AND status = ''confirmed''', NEW.id);
    END IF;
    IF TG_OP = 'UPDATE' THEN
        PERFORM statements_touch('statement', 'SELECT id, slug FROM statements_statement WHERE speaker_id = $3', NEW.id);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION statements_change_event() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM statements_record_change('event', NEW.id, NEW.slug, 'created');
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM statements_record_change('event', OLD.id, OLD.slug, 'deleted');
    ELSIF OLD.slug IS DISTINCT FROM NEW.slug THEN
        PERFORM statements_record_rename('event', NEW.id, NEW.slug, OLD.slug);
    ELSE
        PERFORM statements_record_change('event', NEW.id, NEW.slug, 'updated');
    END IF;
    IF TG_OP = 'DELETE' THEN
        PERFORM statements_touch('event', 'SELECT id, slug FROM statements_event WHERE id = $3', OLD.parent_id);
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM statements_touch('event', 'SELECT id, slug FROM statements_event WHERE id = $3', NEW.parent_id);
    ELSIF TRUE THEN
        PERFORM statements_touch('event', 'SELECT id, slug FROM statements_event WHERE id = $3', OLD.parent_id);
        PERFORM statements_touch('event', 'SELECT id, slug FROM statements_event WHERE id = $3', NEW.parent_id);
    END IF;
    IF TG_OP = 'UPDATE' THEN
        PERFORM statements_touch('quote', 'SELECT id, slug FROM statements_quote WHERE event_id = $3 AND status = ''confirmed''', NEW.id);
    END IF;
    IF TG_OP = 'UPDATE' THEN
        PERFORM statements_touch('statement', 'SELECT id, slug FROM statements_statement WHERE event_id = $3', NEW.id);
    END IF;
    IF TG_OP = 'UPDATE' THEN
        PERFORM statements_touch('event', 'SELECT id, slug FROM statements_event WHERE parent_id = $3', NEW.id);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION statements_change_theme() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM statements_record_change('theme', NEW.id, NEW.slug, 'created');
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM statements_record_change('theme', OLD.id, OLD.slug, 'deleted');
    ELSIF OLD.slug IS DISTINCT FROM NEW.slug THEN
        PERFORM statements_record_rename('theme', NEW.id, NEW.slug, OLD.slug);
    ELSE
        PERFORM statements_record_change('theme', NEW.id, NEW.slug, 'updated');
    END IF;
    IF TG_OP = 'DELETE' THEN
        PERFORM statements_touch('theme', 'SELECT id, slug FROM statements_theme WHERE id = $3', OLD.parent_id);
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM statements_touch('theme', 'SELECT id, slug FROM statements_theme WHERE id = $3', NEW.parent_id);
    ELSIF TRUE THEN
        PERFORM statements_touch('theme', 'SELECT id, slug FROM statements_theme WHERE id = $3', OLD.parent_id);
        PERFORM statements_touch('theme', 'SELECT id, slug FROM statements_theme WHERE id = $3', NEW.parent_id);
    END IF;
    IF TG_OP = 'UPDATE' THEN
        PERFORM statements_touch('quote', 'SELECT q.id, q.slug FROM statements_quote q JOIN statements_quote_themes l ON l.quote_id = q.id WHERE l.theme_id = $3 AND q.status = ''confirmed''', NEW.id);
    END IF;
    IF TG_OP = 'UPDATE' THEN
        PERFORM statements_touch('statement', 'SELECT s.id, s.slug FROM statements_statement s JOIN statements_statement_themes l ON l.statement_id = s.id WHERE l.theme_id = $3', NEW.id);
    END IF;
    IF TG_OP = 'UPDATE' THEN
        PERFORM statements_touch('theme', 'SELECT id, slug FROM statements_theme WHERE parent_id = $3', NEW.id);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION statements_change_stakeholder_group() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM statements_record_change('stakeholder_group', NEW.id, NEW.slug, 'created');
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM statements_record_change('stakeholder_group', OLD.id, OLD.slug, 'deleted');
    ELSIF OLD.slug IS DISTINCT FROM NEW.slug THEN
        PERFORM statements_record_rename('stakeholder_group', NEW.id, NEW.slug, OLD.slug);
    ELSE
        PERFORM statements_record_change('stakeholder_group', NEW.id, NEW.slug, 'updated');
    END IF;
    IF TG_OP = 'UPDATE' THEN
        PERFORM statements_touch('quote', 'SELECT DISTINCT q.id, q.slug FROM statements_quote q JOIN statements_quotestakeholder l ON l.quote_id = q.id WHERE l.group_id = $3 AND q.status = ''confirmed''', NEW.id);
    END IF;
    IF TG_OP = 'UPDATE' THEN
        PERFORM statements_touch('statement', 'SELECT s.id, s.slug FROM statements_statement s JOIN statements_statement_stakeholder_groups l ON l.statement_id = s.id WHERE l.stakeholdergroup_id = $3', NEW.id);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
"""

PREVIOUS_FEED_FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION statements_record_change(
    p_type text, p_id bigint, p_slug text, p_action text
) RETURNS void AS $$
DECLARE
    tx bigint := pg_current_xact_id()::text::bigint;
BEGIN
    -- One "updated" row per record and transaction is enough.
    IF p_action = 'updated' AND EXISTS (
        SELECT 1 FROM statements_change
        WHERE resource_type || ':' || object_id::text || ':' || transaction_id::text = p_type || ':' || p_id::text || ':' || tx::text
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
        'c.resource_type || '':'' || c.object_id::text || '':'' || c.transaction_id::text = $2 || '':'' || d.id::text || '':'' || $1::text '
        'AND c.action IN (''created'', ''updated''))',
        p_query
    ) USING tx, p_type, p_id;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION statements_change_quote() RETURNS trigger AS $$
DECLARE
    old_visible boolean := TG_OP <> 'INSERT' AND COALESCE(OLD.status = 'confirmed', FALSE);
    new_visible boolean := TG_OP <> 'DELETE' AND COALESCE(NEW.status = 'confirmed', FALSE);
BEGIN
    IF NOT old_visible AND NOT new_visible THEN
        RETURN NULL;
    ELSIF NOT old_visible THEN
        PERFORM statements_record_change('quote', NEW.id, NEW.slug, 'created');
    ELSIF NOT new_visible THEN
        PERFORM statements_record_change('quote', OLD.id, OLD.slug, 'deleted');
    ELSIF OLD.slug IS DISTINCT FROM NEW.slug THEN
        PERFORM statements_record_change('quote', OLD.id, OLD.slug, 'deleted');
        PERFORM statements_record_change('quote', NEW.id, NEW.slug, 'created');
    ELSE
        PERFORM statements_record_change('quote', NEW.id, NEW.slug, 'updated');
    END IF;
    IF NOT new_visible THEN
        PERFORM statements_touch('statement', 'SELECT id, slug FROM statements_statement WHERE id = $3', OLD.statement_id);
    ELSIF NOT old_visible THEN
        PERFORM statements_touch('statement', 'SELECT id, slug FROM statements_statement WHERE id = $3', NEW.statement_id);
    ELSIF TRUE THEN
        PERFORM statements_touch('statement', 'SELECT id, slug FROM statements_statement WHERE id = $3', OLD.statement_id);
        PERFORM statements_touch('statement', 'SELECT id, slug FROM statements_statement WHERE id = $3', NEW.statement_id);
    END IF;
    IF NOT new_visible THEN
        PERFORM statements_touch('speaker', 'SELECT id, slug FROM statements_speaker WHERE id = $3', OLD.speaker_id);
    ELSIF NOT old_visible THEN
        PERFORM statements_touch('speaker', 'SELECT id, slug FROM statements_speaker WHERE id = $3', NEW.speaker_id);
    ELSIF OLD.speaker_id IS DISTINCT FROM NEW.speaker_id THEN
        PERFORM statements_touch('speaker', 'SELECT id, slug FROM statements_speaker WHERE id = $3', OLD.speaker_id);
        PERFORM statements_touch('speaker', 'SELECT id, slug FROM statements_speaker WHERE id = $3', NEW.speaker_id);
    END IF;
    IF NOT new_visible THEN
        PERFORM statements_touch('event', 'SELECT id, slug FROM statements_event WHERE id = $3', OLD.event_id);
    ELSIF NOT old_visible THEN
        PERFORM statements_touch('event', 'SELECT id, slug FROM statements_event WHERE id = $3', NEW.event_id);
    ELSIF OLD.event_id IS DISTINCT FROM NEW.event_id THEN
        PERFORM statements_touch('event', 'SELECT id, slug FROM statements_event WHERE id = $3', OLD.event_id);
        PERFORM statements_touch('event', 'SELECT id, slug FROM statements_event WHERE id = $3', NEW.event_id);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION statements_change_statement() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM statements_record_change('statement', NEW.id, NEW.slug, 'created');
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM statements_record_change('statement', OLD.id, OLD.slug, 'deleted');
    ELSIF OLD.slug IS DISTINCT FROM NEW.slug THEN
        -- Slugs are the public ids: a new slug is a new record for a replica.
        PERFORM statements_record_change('statement', OLD.id, OLD.slug, 'deleted');
        PERFORM statements_record_change('statement', NEW.id, NEW.slug, 'created');
    ELSE
        PERFORM statements_record_change('statement', NEW.id, NEW.slug, 'updated');
    END IF;
    IF TG_OP = 'DELETE' THEN
        PERFORM statements_touch('speaker', 'SELECT id, slug FROM statements_speaker WHERE id = $3', OLD.speaker_id);
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM statements_touch('speaker', 'SELECT id, slug FROM statements_speaker WHERE id = $3', NEW.speaker_id);
    ELSIF OLD.speaker_id IS DISTINCT FROM NEW.speaker_id THEN
        PERFORM statements_touch('speaker', 'SELECT id, slug FROM statements_speaker WHERE id = $3', OLD.speaker_id);
        PERFORM statements_touch('speaker', 'SELECT id, slug FROM statements_speaker WHERE id = $3', NEW.speaker_id);
    END IF;
    IF TG_OP = 'DELETE' THEN
        PERFORM statements_touch('event', 'SELECT id, slug FROM statements_event WHERE id = $3', OLD.event_id);
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM statements_touch('event', 'SELECT id, slug FROM statements_event WHERE id = $3', NEW.event_id);
    ELSIF OLD.event_id IS DISTINCT FROM NEW.event_id THEN
        PERFORM statements_touch('event', 'SELECT id, slug FROM statements_event WHERE id = $3', OLD.event_id);
        PERFORM statements_touch('event', 'SELECT id, slug FROM statements_event WHERE id = $3', NEW.event_id);
    END IF;
    IF TG_OP = 'UPDATE' THEN
        PERFORM statements_touch('quote', 'SELECT id, slug FROM statements_quote WHERE statement_id = $3 AND status = ''confirmed''', NEW.id);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION statements_change_speaker() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM statements_record_change('speaker', NEW.id, NEW.slug, 'created');
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM statements_record_change('speaker', OLD.id, OLD.slug, 'deleted');
    ELSIF OLD.slug IS DISTINCT FROM NEW.slug THEN
        -- Slugs are the public ids: a new slug is a new record for a replica.
        PERFORM statements_record_change('speaker', OLD.id, OLD.slug, 'deleted');
        PERFORM statements_record_change('speaker', NEW.id, NEW.slug, 'created');
    ELSE
        PERFORM statements_record_change('speaker', NEW.id, NEW.slug, 'updated');
    END IF;
    IF TG_OP = 'UPDATE' THEN
        PERFORM statements_touch('quote', 'SELECT id, slug FROM statements_quote WHERE speaker_id = $3 AND status = ''confirmed''', NEW.id);
    END IF;
    IF TG_OP = 'UPDATE' THEN
        PERFORM statements_touch('statement', 'SELECT id, slug FROM statements_statement WHERE speaker_id = $3', NEW.id);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION statements_change_event() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM statements_record_change('event', NEW.id, NEW.slug, 'created');
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM statements_record_change('event', OLD.id, OLD.slug, 'deleted');
    ELSIF OLD.slug IS DISTINCT FROM NEW.slug THEN
        -- Slugs are the public ids: a new slug is a new record for a replica.
        PERFORM statements_record_change('event', OLD.id, OLD.slug, 'deleted');
        PERFORM statements_record_change('event', NEW.id, NEW.slug, 'created');
    ELSE
        PERFORM statements_record_change('event', NEW.id, NEW.slug, 'updated');
    END IF;
    IF TG_OP = 'DELETE' THEN
        PERFORM statements_touch('event', 'SELECT id, slug FROM statements_event WHERE id = $3', OLD.parent_id);
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM statements_touch('event', 'SELECT id, slug FROM statements_event WHERE id = $3', NEW.parent_id);
    ELSIF TRUE THEN
        PERFORM statements_touch('event', 'SELECT id, slug FROM statements_event WHERE id = $3', OLD.parent_id);
        PERFORM statements_touch('event', 'SELECT id, slug FROM statements_event WHERE id = $3', NEW.parent_id);
    END IF;
    IF TG_OP = 'UPDATE' THEN
        PERFORM statements_touch('quote', 'SELECT id, slug FROM statements_quote WHERE event_id = $3 AND status = ''confirmed''', NEW.id);
    END IF;
    IF TG_OP = 'UPDATE' THEN
        PERFORM statements_touch('statement', 'SELECT id, slug FROM statements_statement WHERE event_id = $3', NEW.id);
    END IF;
    IF TG_OP = 'UPDATE' THEN
        PERFORM statements_touch('event', 'SELECT id, slug FROM statements_event WHERE parent_id = $3', NEW.id);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION statements_change_theme() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM statements_record_change('theme', NEW.id, NEW.slug, 'created');
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM statements_record_change('theme', OLD.id, OLD.slug, 'deleted');
    ELSIF OLD.slug IS DISTINCT FROM NEW.slug THEN
        -- Slugs are the public ids: a new slug is a new record for a replica.
        PERFORM statements_record_change('theme', OLD.id, OLD.slug, 'deleted');
        PERFORM statements_record_change('theme', NEW.id, NEW.slug, 'created');
    ELSE
        PERFORM statements_record_change('theme', NEW.id, NEW.slug, 'updated');
    END IF;
    IF TG_OP = 'DELETE' THEN
        PERFORM statements_touch('theme', 'SELECT id, slug FROM statements_theme WHERE id = $3', OLD.parent_id);
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM statements_touch('theme', 'SELECT id, slug FROM statements_theme WHERE id = $3', NEW.parent_id);
    ELSIF TRUE THEN
        PERFORM statements_touch('theme', 'SELECT id, slug FROM statements_theme WHERE id = $3', OLD.parent_id);
        PERFORM statements_touch('theme', 'SELECT id, slug FROM statements_theme WHERE id = $3', NEW.parent_id);
    END IF;
    IF TG_OP = 'UPDATE' THEN
        PERFORM statements_touch('quote', 'SELECT q.id, q.slug FROM statements_quote q JOIN statements_quote_themes l ON l.quote_id = q.id WHERE l.theme_id = $3 AND q.status = ''confirmed''', NEW.id);
    END IF;
    IF TG_OP = 'UPDATE' THEN
        PERFORM statements_touch('statement', 'SELECT s.id, s.slug FROM statements_statement s JOIN statements_statement_themes l ON l.statement_id = s.id WHERE l.theme_id = $3', NEW.id);
    END IF;
    IF TG_OP = 'UPDATE' THEN
        PERFORM statements_touch('theme', 'SELECT id, slug FROM statements_theme WHERE parent_id = $3', NEW.id);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION statements_change_stakeholder_group() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM statements_record_change('stakeholder_group', NEW.id, NEW.slug, 'created');
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM statements_record_change('stakeholder_group', OLD.id, OLD.slug, 'deleted');
    ELSIF OLD.slug IS DISTINCT FROM NEW.slug THEN
        -- Slugs are the public ids: a new slug is a new record for a replica.
        PERFORM statements_record_change('stakeholder_group', OLD.id, OLD.slug, 'deleted');
        PERFORM statements_record_change('stakeholder_group', NEW.id, NEW.slug, 'created');
    ELSE
        PERFORM statements_record_change('stakeholder_group', NEW.id, NEW.slug, 'updated');
    END IF;
    IF TG_OP = 'UPDATE' THEN
        PERFORM statements_touch('quote', 'SELECT DISTINCT q.id, q.slug FROM statements_quote q JOIN statements_quotestakeholder l ON l.quote_id = q.id WHERE l.group_id = $3 AND q.status = ''confirmed''', NEW.id);
    END IF;
    IF TG_OP = 'UPDATE' THEN
        PERFORM statements_touch('statement', 'SELECT s.id, s.slug FROM statements_statement s JOIN statements_statement_stakeholder_groups l ON l.statement_id = s.id WHERE l.stakeholdergroup_id = $3', NEW.id);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
DROP FUNCTION statements_record_rename(text, bigint, text, text);
"""

RETIRE_SLUG = r"""
CREATE OR REPLACE FUNCTION retire_slug() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE statements_retiredslug SET replaced_by = NULL
        WHERE kind = TG_ARGV[0] AND replaced_by = OLD.slug;
        INSERT INTO statements_retiredslug (kind, slug, replaced_by, retired_at)
        VALUES (TG_ARGV[0], OLD.slug, NULL, clock_timestamp())
        ON CONFLICT (kind, slug) DO NOTHING;
    ELSIF NEW.slug IS DISTINCT FROM OLD.slug THEN
        UPDATE statements_retiredslug SET replaced_by = NEW.slug
        WHERE kind = TG_ARGV[0] AND replaced_by = OLD.slug;
        INSERT INTO statements_retiredslug (kind, slug, replaced_by, retired_at)
        VALUES (TG_ARGV[0], OLD.slug, NEW.slug, clock_timestamp())
        ON CONFLICT (kind, slug) DO UPDATE SET replaced_by = EXCLUDED.replaced_by;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

-- Chains retired before: each slug names the end of its chain (NULL if deleted).
DO $$
BEGIN
    LOOP
        UPDATE statements_retiredslug r SET replaced_by = n.replaced_by
        FROM statements_retiredslug n
        WHERE n.kind = r.kind AND n.slug = r.replaced_by;
        EXIT WHEN NOT FOUND;
    END LOOP;
END $$;
"""

# Migration 0014's function (the chains stay flat: nothing to undo there).
PREVIOUS_RETIRE_SLUG = r"""
CREATE OR REPLACE FUNCTION retire_slug() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO statements_retiredslug (kind, slug, replaced_by, retired_at)
        VALUES (TG_ARGV[0], OLD.slug, NULL, clock_timestamp())
        ON CONFLICT (kind, slug) DO NOTHING;
    ELSIF NEW.slug IS DISTINCT FROM OLD.slug THEN
        INSERT INTO statements_retiredslug (kind, slug, replaced_by, retired_at)
        VALUES (TG_ARGV[0], OLD.slug, NEW.slug, clock_timestamp())
        ON CONFLICT (kind, slug) DO UPDATE SET replaced_by = EXCLUDED.replaced_by;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0014_writes"),
    ]

    operations = [
        migrations.AddField(
            model_name="change",
            name="previous_slug",
            field=models.CharField(
                blank=True,
                help_text="The slug the record had before a rename; null otherwise.",
                max_length=150,
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="change",
            name="action",
            field=models.CharField(
                choices=[
                    ("created", "Created"),
                    ("updated", "Updated"),
                    ("deleted", "Deleted"),
                    ("renamed", "Renamed"),
                ],
                max_length=16,
            ),
        ),
        migrations.AddIndex(
            model_name="retiredslug",
            index=models.Index(
                fields=["kind", "replaced_by"], name="retiredslug_target_idx"
            ),
        ),
        migrations.RunSQL(FEED_FUNCTIONS, PREVIOUS_FEED_FUNCTIONS),
        migrations.RunSQL(RETIRE_SLUG, PREVIOUS_RETIRE_SLUG),
    ]
