"""The change feed after issue 11's branches met: organizations (their rows, a
statement's author and publisher, an event's hosts, a role's organization),
counts that include descendants (a change counts in every theme or event above),
renames (one `renamed` change naming the previous slug),
and search documents (a refreshed search document is not a change). Each branch
installed the feed's SQL as it stood on that branch; this installs it as it stands
now.

CREATE_SQL is a literal copy of statements.changefeed.CREATE_SQL at this
migration (every helper, trigger function and trigger, created or replaced; it
can run again). Going back leaves the functions in place: the migrations before
this one install their own.
"""

from django.db import migrations

CREATE_SQL = r"""

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
    IF NOT new_visible THEN
        PERFORM statements_touch('event', 'WITH RECURSIVE up(id) AS (SELECT parent_id FROM statements_event WHERE id = $3 UNION SELECT t.parent_id FROM statements_event t JOIN up ON t.id = up.id) SELECT n.id, n.slug FROM statements_event n JOIN up ON n.id = up.id', OLD.event_id);
    ELSIF NOT old_visible THEN
        PERFORM statements_touch('event', 'WITH RECURSIVE up(id) AS (SELECT parent_id FROM statements_event WHERE id = $3 UNION SELECT t.parent_id FROM statements_event t JOIN up ON t.id = up.id) SELECT n.id, n.slug FROM statements_event n JOIN up ON n.id = up.id', NEW.event_id);
    ELSIF OLD.event_id IS DISTINCT FROM NEW.event_id THEN
        PERFORM statements_touch('event', 'WITH RECURSIVE up(id) AS (SELECT parent_id FROM statements_event WHERE id = $3 UNION SELECT t.parent_id FROM statements_event t JOIN up ON t.id = up.id) SELECT n.id, n.slug FROM statements_event n JOIN up ON n.id = up.id', OLD.event_id);
        PERFORM statements_touch('event', 'WITH RECURSIVE up(id) AS (SELECT parent_id FROM statements_event WHERE id = $3 UNION SELECT t.parent_id FROM statements_event t JOIN up ON t.id = up.id) SELECT n.id, n.slug FROM statements_event n JOIN up ON n.id = up.id', NEW.event_id);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE OR REPLACE TRIGGER statements_quote_change AFTER INSERT OR UPDATE OF id, created_at, updated_at, slug, statement_id, speaker_id, fidelity, text, status, event_id, event_certainty, event_note, said_on, said_on_certainty, as_delivered, as_delivered_source_url, alterations, attribution_text, attribution_start, attribution_end, position, provenance_note OR DELETE ON statements_quote FOR EACH ROW EXECUTE FUNCTION statements_change_quote();
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
        PERFORM statements_touch('event', 'SELECT id, slug FROM statements_event WHERE id = $3', OLD.event_id);
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM statements_touch('event', 'SELECT id, slug FROM statements_event WHERE id = $3', NEW.event_id);
    ELSIF OLD.event_id IS DISTINCT FROM NEW.event_id THEN
        PERFORM statements_touch('event', 'SELECT id, slug FROM statements_event WHERE id = $3', OLD.event_id);
        PERFORM statements_touch('event', 'SELECT id, slug FROM statements_event WHERE id = $3', NEW.event_id);
    END IF;
    IF TG_OP = 'DELETE' THEN
        PERFORM statements_touch('event', 'WITH RECURSIVE up(id) AS (SELECT parent_id FROM statements_event WHERE id = $3 UNION SELECT t.parent_id FROM statements_event t JOIN up ON t.id = up.id) SELECT n.id, n.slug FROM statements_event n JOIN up ON n.id = up.id', OLD.event_id);
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM statements_touch('event', 'WITH RECURSIVE up(id) AS (SELECT parent_id FROM statements_event WHERE id = $3 UNION SELECT t.parent_id FROM statements_event t JOIN up ON t.id = up.id) SELECT n.id, n.slug FROM statements_event n JOIN up ON n.id = up.id', NEW.event_id);
    ELSIF OLD.event_id IS DISTINCT FROM NEW.event_id THEN
        PERFORM statements_touch('event', 'WITH RECURSIVE up(id) AS (SELECT parent_id FROM statements_event WHERE id = $3 UNION SELECT t.parent_id FROM statements_event t JOIN up ON t.id = up.id) SELECT n.id, n.slug FROM statements_event n JOIN up ON n.id = up.id', OLD.event_id);
        PERFORM statements_touch('event', 'WITH RECURSIVE up(id) AS (SELECT parent_id FROM statements_event WHERE id = $3 UNION SELECT t.parent_id FROM statements_event t JOIN up ON t.id = up.id) SELECT n.id, n.slug FROM statements_event n JOIN up ON n.id = up.id', NEW.event_id);
    END IF;
    IF TG_OP = 'UPDATE' THEN
        PERFORM statements_touch('quote', 'SELECT id, slug FROM statements_quote WHERE statement_id = $3 AND status = ''confirmed''', NEW.id);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE OR REPLACE TRIGGER statements_statement_change AFTER INSERT OR UPDATE OF id, created_at, updated_at, slug, title, title_certainty, title_note, kind, publisher_id, source_url, published_on, language, license, license_url, provenance_note, text, text_sha256, author_speaker_id, author_organization_id, event_id OR DELETE ON statements_statement FOR EACH ROW EXECUTE FUNCTION statements_change_statement();
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
        PERFORM statements_touch('statement', 'SELECT id, slug FROM statements_statement WHERE author_speaker_id = $3', NEW.id);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE OR REPLACE TRIGGER statements_speaker_change AFTER INSERT OR UPDATE OR DELETE ON statements_speaker FOR EACH ROW EXECUTE FUNCTION statements_change_speaker();
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
    IF TG_OP = 'DELETE' THEN
        PERFORM statements_touch('event', 'WITH RECURSIVE up(id) AS (SELECT parent_id FROM statements_event WHERE id = $3 UNION SELECT t.parent_id FROM statements_event t JOIN up ON t.id = up.id) SELECT n.id, n.slug FROM statements_event n JOIN up ON n.id = up.id', OLD.parent_id);
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM statements_touch('event', 'WITH RECURSIVE up(id) AS (SELECT parent_id FROM statements_event WHERE id = $3 UNION SELECT t.parent_id FROM statements_event t JOIN up ON t.id = up.id) SELECT n.id, n.slug FROM statements_event n JOIN up ON n.id = up.id', NEW.parent_id);
    ELSIF OLD.parent_id IS DISTINCT FROM NEW.parent_id THEN
        PERFORM statements_touch('event', 'WITH RECURSIVE up(id) AS (SELECT parent_id FROM statements_event WHERE id = $3 UNION SELECT t.parent_id FROM statements_event t JOIN up ON t.id = up.id) SELECT n.id, n.slug FROM statements_event n JOIN up ON n.id = up.id', OLD.parent_id);
        PERFORM statements_touch('event', 'WITH RECURSIVE up(id) AS (SELECT parent_id FROM statements_event WHERE id = $3 UNION SELECT t.parent_id FROM statements_event t JOIN up ON t.id = up.id) SELECT n.id, n.slug FROM statements_event n JOIN up ON n.id = up.id', NEW.parent_id);
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
CREATE OR REPLACE TRIGGER statements_event_change AFTER INSERT OR UPDATE OR DELETE ON statements_event FOR EACH ROW EXECUTE FUNCTION statements_change_event();
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
    IF TG_OP = 'DELETE' THEN
        PERFORM statements_touch('theme', 'WITH RECURSIVE up(id) AS (SELECT parent_id FROM statements_theme WHERE id = $3 UNION SELECT t.parent_id FROM statements_theme t JOIN up ON t.id = up.id) SELECT n.id, n.slug FROM statements_theme n JOIN up ON n.id = up.id', OLD.parent_id);
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM statements_touch('theme', 'WITH RECURSIVE up(id) AS (SELECT parent_id FROM statements_theme WHERE id = $3 UNION SELECT t.parent_id FROM statements_theme t JOIN up ON t.id = up.id) SELECT n.id, n.slug FROM statements_theme n JOIN up ON n.id = up.id', NEW.parent_id);
    ELSIF OLD.parent_id IS DISTINCT FROM NEW.parent_id THEN
        PERFORM statements_touch('theme', 'WITH RECURSIVE up(id) AS (SELECT parent_id FROM statements_theme WHERE id = $3 UNION SELECT t.parent_id FROM statements_theme t JOIN up ON t.id = up.id) SELECT n.id, n.slug FROM statements_theme n JOIN up ON n.id = up.id', OLD.parent_id);
        PERFORM statements_touch('theme', 'WITH RECURSIVE up(id) AS (SELECT parent_id FROM statements_theme WHERE id = $3 UNION SELECT t.parent_id FROM statements_theme t JOIN up ON t.id = up.id) SELECT n.id, n.slug FROM statements_theme n JOIN up ON n.id = up.id', NEW.parent_id);
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
CREATE OR REPLACE TRIGGER statements_theme_change AFTER INSERT OR UPDATE OR DELETE ON statements_theme FOR EACH ROW EXECUTE FUNCTION statements_change_theme();
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
CREATE OR REPLACE TRIGGER statements_stakeholdergroup_change AFTER INSERT OR UPDATE OR DELETE ON statements_stakeholdergroup FOR EACH ROW EXECUTE FUNCTION statements_change_stakeholder_group();
CREATE OR REPLACE FUNCTION statements_change_organization() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM statements_record_change('organization', NEW.id, NEW.slug, 'created');
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM statements_record_change('organization', OLD.id, OLD.slug, 'deleted');
    ELSIF OLD.slug IS DISTINCT FROM NEW.slug THEN
        PERFORM statements_record_rename('organization', NEW.id, NEW.slug, OLD.slug);
    ELSE
        PERFORM statements_record_change('organization', NEW.id, NEW.slug, 'updated');
    END IF;
    IF TG_OP = 'DELETE' THEN
        PERFORM statements_touch('organization', 'SELECT id, slug FROM statements_organization WHERE id = $3', OLD.parent_id);
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM statements_touch('organization', 'SELECT id, slug FROM statements_organization WHERE id = $3', NEW.parent_id);
    ELSIF TRUE THEN
        PERFORM statements_touch('organization', 'SELECT id, slug FROM statements_organization WHERE id = $3', OLD.parent_id);
        PERFORM statements_touch('organization', 'SELECT id, slug FROM statements_organization WHERE id = $3', NEW.parent_id);
    END IF;
    IF TG_OP = 'UPDATE' THEN
        PERFORM statements_touch('organization', 'SELECT id, slug FROM statements_organization WHERE parent_id = $3', NEW.id);
    END IF;
    IF TG_OP = 'UPDATE' THEN
        PERFORM statements_touch('statement', 'SELECT id, slug FROM statements_statement WHERE publisher_id = $3', NEW.id);
    END IF;
    IF TG_OP = 'UPDATE' THEN
        PERFORM statements_touch('statement', 'SELECT id, slug FROM statements_statement WHERE author_organization_id = $3', NEW.id);
    END IF;
    IF TG_OP = 'UPDATE' THEN
        PERFORM statements_touch('event', 'SELECT e.id, e.slug FROM statements_event e JOIN statements_eventhost l ON l.event_id = e.id WHERE l.organization_id = $3', NEW.id);
    END IF;
    IF TG_OP = 'UPDATE' THEN
        PERFORM statements_touch('speaker', 'SELECT DISTINCT s.id, s.slug FROM statements_speaker s JOIN statements_speakerrole r ON r.speaker_id = s.id WHERE r.organization_id = $3', NEW.id);
    END IF;
    IF TG_OP = 'UPDATE' THEN
        PERFORM statements_touch('quote', 'SELECT DISTINCT q.id, q.slug FROM statements_quote q JOIN statements_speakerrole r ON r.speaker_id = q.speaker_id WHERE r.organization_id = $3 AND q.status = ''confirmed''', NEW.id);
    END IF;
    IF TG_OP = 'UPDATE' THEN
        PERFORM statements_touch('quote', 'SELECT q.id, q.slug FROM statements_quote q JOIN statements_statement t ON t.id = q.statement_id WHERE t.publisher_id = $3 AND q.status = ''confirmed''', NEW.id);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE OR REPLACE TRIGGER statements_organization_change AFTER INSERT OR UPDATE OR DELETE ON statements_organization FOR EACH ROW EXECUTE FUNCTION statements_change_organization();
CREATE OR REPLACE FUNCTION statements_quote_themes_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM statements_touch('quote', 'SELECT id, slug FROM statements_quote WHERE id = $3 AND status = ''confirmed''', OLD.quote_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM statements_touch('quote', 'SELECT id, slug FROM statements_quote WHERE id = $3 AND status = ''confirmed''', NEW.quote_id);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM statements_touch('theme', 'SELECT id, slug FROM statements_theme WHERE id = $3', OLD.theme_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM statements_touch('theme', 'SELECT id, slug FROM statements_theme WHERE id = $3', NEW.theme_id);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM statements_touch('theme', 'WITH RECURSIVE up(id) AS (SELECT parent_id FROM statements_theme WHERE id = $3 UNION SELECT t.parent_id FROM statements_theme t JOIN up ON t.id = up.id) SELECT n.id, n.slug FROM statements_theme n JOIN up ON n.id = up.id', OLD.theme_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM statements_touch('theme', 'WITH RECURSIVE up(id) AS (SELECT parent_id FROM statements_theme WHERE id = $3 UNION SELECT t.parent_id FROM statements_theme t JOIN up ON t.id = up.id) SELECT n.id, n.slug FROM statements_theme n JOIN up ON n.id = up.id', NEW.theme_id);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE OR REPLACE TRIGGER statements_quote_themes_change AFTER INSERT OR UPDATE OR DELETE ON statements_quote_themes FOR EACH ROW EXECUTE FUNCTION statements_quote_themes_change();
CREATE OR REPLACE FUNCTION statements_quotestakeholder_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM statements_touch('quote', 'SELECT id, slug FROM statements_quote WHERE id = $3 AND status = ''confirmed''', OLD.quote_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM statements_touch('quote', 'SELECT id, slug FROM statements_quote WHERE id = $3 AND status = ''confirmed''', NEW.quote_id);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM statements_touch('stakeholder_group', 'SELECT id, slug FROM statements_stakeholdergroup WHERE id = $3', OLD.group_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM statements_touch('stakeholder_group', 'SELECT id, slug FROM statements_stakeholdergroup WHERE id = $3', NEW.group_id);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE OR REPLACE TRIGGER statements_quotestakeholder_change AFTER INSERT OR UPDATE OR DELETE ON statements_quotestakeholder FOR EACH ROW EXECUTE FUNCTION statements_quotestakeholder_change();
CREATE OR REPLACE FUNCTION statements_quotespan_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM statements_touch('quote', 'SELECT id, slug FROM statements_quote WHERE id = $3 AND status = ''confirmed''', OLD.quote_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM statements_touch('quote', 'SELECT id, slug FROM statements_quote WHERE id = $3 AND status = ''confirmed''', NEW.quote_id);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM statements_touch('statement', 'SELECT s.id, s.slug FROM statements_statement s JOIN statements_quote q ON q.statement_id = s.id WHERE q.id = $3 AND q.status = ''confirmed''', OLD.quote_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM statements_touch('statement', 'SELECT s.id, s.slug FROM statements_statement s JOIN statements_quote q ON q.statement_id = s.id WHERE q.id = $3 AND q.status = ''confirmed''', NEW.quote_id);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE OR REPLACE TRIGGER statements_quotespan_change AFTER INSERT OR UPDATE OR DELETE ON statements_quotespan FOR EACH ROW EXECUTE FUNCTION statements_quotespan_change();
CREATE OR REPLACE FUNCTION statements_speakerrole_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM statements_touch('speaker', 'SELECT id, slug FROM statements_speaker WHERE id = $3', OLD.speaker_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM statements_touch('speaker', 'SELECT id, slug FROM statements_speaker WHERE id = $3', NEW.speaker_id);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM statements_touch('quote', 'SELECT id, slug FROM statements_quote WHERE speaker_id = $3 AND status = ''confirmed''', OLD.speaker_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM statements_touch('quote', 'SELECT id, slug FROM statements_quote WHERE speaker_id = $3 AND status = ''confirmed''', NEW.speaker_id);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE OR REPLACE TRIGGER statements_speakerrole_change AFTER INSERT OR UPDATE OR DELETE ON statements_speakerrole FOR EACH ROW EXECUTE FUNCTION statements_speakerrole_change();
CREATE OR REPLACE FUNCTION statements_statement_themes_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM statements_touch('statement', 'SELECT id, slug FROM statements_statement WHERE id = $3', OLD.statement_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM statements_touch('statement', 'SELECT id, slug FROM statements_statement WHERE id = $3', NEW.statement_id);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM statements_touch('theme', 'SELECT id, slug FROM statements_theme WHERE id = $3', OLD.theme_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM statements_touch('theme', 'SELECT id, slug FROM statements_theme WHERE id = $3', NEW.theme_id);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM statements_touch('theme', 'WITH RECURSIVE up(id) AS (SELECT parent_id FROM statements_theme WHERE id = $3 UNION SELECT t.parent_id FROM statements_theme t JOIN up ON t.id = up.id) SELECT n.id, n.slug FROM statements_theme n JOIN up ON n.id = up.id', OLD.theme_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM statements_touch('theme', 'WITH RECURSIVE up(id) AS (SELECT parent_id FROM statements_theme WHERE id = $3 UNION SELECT t.parent_id FROM statements_theme t JOIN up ON t.id = up.id) SELECT n.id, n.slug FROM statements_theme n JOIN up ON n.id = up.id', NEW.theme_id);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE OR REPLACE TRIGGER statements_statement_themes_change AFTER INSERT OR UPDATE OR DELETE ON statements_statement_themes FOR EACH ROW EXECUTE FUNCTION statements_statement_themes_change();
CREATE OR REPLACE FUNCTION statements_statement_stakeholder_groups_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM statements_touch('statement', 'SELECT id, slug FROM statements_statement WHERE id = $3', OLD.statement_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM statements_touch('statement', 'SELECT id, slug FROM statements_statement WHERE id = $3', NEW.statement_id);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM statements_touch('stakeholder_group', 'SELECT id, slug FROM statements_stakeholdergroup WHERE id = $3', OLD.stakeholdergroup_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM statements_touch('stakeholder_group', 'SELECT id, slug FROM statements_stakeholdergroup WHERE id = $3', NEW.stakeholdergroup_id);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE OR REPLACE TRIGGER statements_statement_stakeholder_groups_change AFTER INSERT OR UPDATE OR DELETE ON statements_statement_stakeholder_groups FOR EACH ROW EXECUTE FUNCTION statements_statement_stakeholder_groups_change();
CREATE OR REPLACE FUNCTION statements_eventhost_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM statements_touch('event', 'SELECT id, slug FROM statements_event WHERE id = $3', OLD.event_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM statements_touch('event', 'SELECT id, slug FROM statements_event WHERE id = $3', NEW.event_id);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE OR REPLACE TRIGGER statements_eventhost_change AFTER INSERT OR UPDATE OR DELETE ON statements_eventhost FOR EACH ROW EXECUTE FUNCTION statements_eventhost_change();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0018_renamed_slugs"),
    ]

    operations = [
        migrations.RunSQL(CREATE_SQL, migrations.RunSQL.noop),
    ]
