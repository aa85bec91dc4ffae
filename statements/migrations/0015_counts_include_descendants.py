"""Counts that include descendants (issue 11): a theme's or an event's
quote_count and statement_count now count the rows of the themes or events below
it, so a change of such a row is also an update of every theme or event above
(statements.changefeed.counted_above): a quote's or a statement's themes and
event, and a theme's or an event's parent.

TRIGGER_FUNCTIONS is a literal copy of the functions of
statements.changefeed.CREATE_SQL that this changes; PREVIOUS_FUNCTIONS what they
were, to go back to.
"""

from django.db import migrations

TRIGGER_FUNCTIONS = r"""
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
"""

PREVIOUS_FUNCTIONS = r"""
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
    RETURN NULL;
END $$ LANGUAGE plpgsql;
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
    RETURN NULL;
END $$ LANGUAGE plpgsql;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0014_writes"),
    ]

    operations = [
        migrations.RunSQL(TRIGGER_FUNCTIONS, PREVIOUS_FUNCTIONS),
    ]
