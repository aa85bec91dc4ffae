"""Quotes get a status: proposed, confirmed (the default, so existing quotes and
editors' writes stay public) or rejected. Only confirmed quotes are public.

The change feed follows: the triggers of the tables that show quotes read only
confirmed ones, a quote becoming confirmed is announced as created and one
leaving confirmed as deleted, and a hidden quote's changes touch nothing
(statements.changefeed.VISIBLE). TRIGGER_FUNCTIONS is a literal copy of the
functions of statements.changefeed.CREATE_SQL that this changes;
PREVIOUS_FUNCTIONS what they were, to go back to.

ArticleImport keeps the document an imported statement was read from.
"""

import django.db.models.deletion
import django.db.models.manager
from django.db import migrations, models

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
"""

PREVIOUS_FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION statements_change_quote() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM statements_record_change('quote', NEW.id, NEW.slug, 'created');
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM statements_record_change('quote', OLD.id, OLD.slug, 'deleted');
    ELSIF OLD.slug IS DISTINCT FROM NEW.slug THEN
        -- Slugs are the public ids: a new slug is a new record for a replica.
        PERFORM statements_record_change('quote', OLD.id, OLD.slug, 'deleted');
        PERFORM statements_record_change('quote', NEW.id, NEW.slug, 'created');
    ELSE
        PERFORM statements_record_change('quote', NEW.id, NEW.slug, 'updated');
    END IF;
    IF TG_OP = 'DELETE' THEN
        PERFORM statements_touch('statement', 'SELECT id, slug FROM statements_statement WHERE id = $3', OLD.statement_id);
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM statements_touch('statement', 'SELECT id, slug FROM statements_statement WHERE id = $3', NEW.statement_id);
    ELSIF TRUE THEN
        PERFORM statements_touch('statement', 'SELECT id, slug FROM statements_statement WHERE id = $3', OLD.statement_id);
        PERFORM statements_touch('statement', 'SELECT id, slug FROM statements_statement WHERE id = $3', NEW.statement_id);
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
        PERFORM statements_touch('quote', 'SELECT id, slug FROM statements_quote WHERE statement_id = $3', NEW.id);
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
        PERFORM statements_touch('quote', 'SELECT id, slug FROM statements_quote WHERE speaker_id = $3', NEW.id);
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
        PERFORM statements_touch('quote', 'SELECT id, slug FROM statements_quote WHERE event_id = $3', NEW.id);
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
        PERFORM statements_touch('quote', 'SELECT q.id, q.slug FROM statements_quote q JOIN statements_quote_themes l ON l.quote_id = q.id WHERE l.theme_id = $3', NEW.id);
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
        PERFORM statements_touch('quote', 'SELECT DISTINCT q.id, q.slug FROM statements_quote q JOIN statements_quotestakeholder l ON l.quote_id = q.id WHERE l.group_id = $3', NEW.id);
    END IF;
    IF TG_OP = 'UPDATE' THEN
        PERFORM statements_touch('statement', 'SELECT s.id, s.slug FROM statements_statement s JOIN statements_statement_stakeholder_groups l ON l.statement_id = s.id WHERE l.stakeholdergroup_id = $3', NEW.id);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION statements_quote_themes_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM statements_touch('quote', 'SELECT id, slug FROM statements_quote WHERE id = $3', OLD.quote_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM statements_touch('quote', 'SELECT id, slug FROM statements_quote WHERE id = $3', NEW.quote_id);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM statements_touch('theme', 'SELECT id, slug FROM statements_theme WHERE id = $3', OLD.theme_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM statements_touch('theme', 'SELECT id, slug FROM statements_theme WHERE id = $3', NEW.theme_id);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION statements_quotestakeholder_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM statements_touch('quote', 'SELECT id, slug FROM statements_quote WHERE id = $3', OLD.quote_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM statements_touch('quote', 'SELECT id, slug FROM statements_quote WHERE id = $3', NEW.quote_id);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM statements_touch('stakeholder_group', 'SELECT id, slug FROM statements_stakeholdergroup WHERE id = $3', OLD.group_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM statements_touch('stakeholder_group', 'SELECT id, slug FROM statements_stakeholdergroup WHERE id = $3', NEW.group_id);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION statements_quotespan_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM statements_touch('quote', 'SELECT id, slug FROM statements_quote WHERE id = $3', OLD.quote_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM statements_touch('quote', 'SELECT id, slug FROM statements_quote WHERE id = $3', NEW.quote_id);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM statements_touch('statement', 'SELECT s.id, s.slug FROM statements_statement s JOIN statements_quote q ON q.statement_id = s.id WHERE q.id = $3', OLD.quote_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM statements_touch('statement', 'SELECT s.id, s.slug FROM statements_statement s JOIN statements_quote q ON q.statement_id = s.id WHERE q.id = $3', NEW.quote_id);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION statements_speakerrole_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM statements_touch('speaker', 'SELECT id, slug FROM statements_speaker WHERE id = $3', OLD.speaker_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM statements_touch('speaker', 'SELECT id, slug FROM statements_speaker WHERE id = $3', NEW.speaker_id);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM statements_touch('quote', 'SELECT id, slug FROM statements_quote WHERE speaker_id = $3', OLD.speaker_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM statements_touch('quote', 'SELECT id, slug FROM statements_quote WHERE speaker_id = $3', NEW.speaker_id);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0011_history"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="quote",
            options={"default_manager_name": "all_objects", "ordering": ["id"]},
        ),
        migrations.AlterModelManagers(
            name="quote",
            managers=[
                ("all_objects", django.db.models.manager.Manager()),
            ],
        ),
        migrations.AddField(
            model_name="quote",
            name="status",
            field=models.CharField(
                choices=[
                    ("proposed", "Proposed (awaiting review)"),
                    ("confirmed", "Confirmed"),
                    ("rejected", "Rejected"),
                ],
                db_default="confirmed",
                default="confirmed",
                help_text="Only confirmed quotes are public; the importer proposes quotes for an editor to confirm or reject.",
                max_length=16,
            ),
        ),
        migrations.AlterField(
            model_name="quote",
            name="speaker",
            field=models.ForeignKey(
                blank=True,
                help_text="Who said it; unknown only while the quote is not confirmed.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="quotes",
                to="statements.speaker",
            ),
        ),
        migrations.AddConstraint(
            model_name="quote",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("status__in", ["proposed", "confirmed", "rejected"])
                ),
                name="statements_quote_status_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="quote",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "confirmed"), _negated=True),
                    ("speaker__isnull", False),
                    _connector="OR",
                ),
                name="statements_quote_confirmed_has_speaker",
            ),
        ),
        migrations.CreateModel(
            name="ArticleImport",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "source_name",
                    models.CharField(help_text="The file's name.", max_length=300),
                ),
                (
                    "media_type",
                    models.CharField(
                        help_text="text/plain or text/html.", max_length=32
                    ),
                ),
                (
                    "original",
                    models.TextField(help_text="The document as it was read."),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "statement",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="article_import",
                        to="statements.statement",
                    ),
                ),
            ],
            options={
                "ordering": ["id"],
            },
        ),
        migrations.RunSQL(TRIGGER_FUNCTIONS, PREVIOUS_FUNCTIONS),
    ]
