"""Organizations (Popolo Organization) and authorship.

Organizations replace the strings of a role's organization, a statement's
publisher and an event's hosts; a statement gets an author (a speaker or an
organization) in place of its speaker, whose quotes keep their own speakers.

The data step turns every name into an organization (the seed's slugs for the
names the seed uses, so that the next seed updates them instead of adding
duplicates; `other` for names it does not know), stores its id where the name
was (the history's event tables too, so that their rows keep pointing at it),
makes the first host of an event its host and the others co-hosts, and gives
an editorial its publisher as author (an editorial is its publisher's voice);
any other statement's author is unknown (null). The tables' triggers are off
while it runs: the history and the feed record the new shape, not the step.

CHANGE_FEED_SQL is a literal copy of statements.changefeed.CREATE_SQL as of
this migration (migrations are history), then the feed's announcements of the
organizations and of the records whose JSON changed shape.
"""

import re

import django.core.validators
import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models

# The names the seed (fixtures/blinken.json) uses, with its slugs and classes.
KNOWN = {
    "Voice of America": ("voice-of-america", "news_media"),
    "United States Department of State": (
        "us-department-of-state",
        "government_department",
    ),
    "U.S. Department of State": ("us-department-of-state", "government_department"),
    "Government of Panama": ("government-of-panama", "government"),
    "United States": ("government-of-the-united-states", "government"),
    "Government of the United States": (
        "government-of-the-united-states",
        "government",
    ),
}
TABLES = (
    "statements_speakerrole",
    "statements_statement",
    "statements_event",
)


def _slug(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:90] or "organization"
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    taken.add(slug)
    return slug


def names_to_organizations(apps, schema_editor):
    alias = schema_editor.connection.alias
    organizations = apps.get_model("statements", "Organization").objects.using(alias)
    hosts = apps.get_model("statements", "EventHost").objects.using(alias)
    events = apps.get_model("statements", "Event").objects.using(alias)
    cursor = schema_editor.connection.cursor()
    for table in TABLES:
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    names = set()
    for table, column in (
        ("statements_speakerrole", "organization"),
        ("statements_speakerroleevent", "organization"),
        ("statements_statement", "publisher"),
        ("statements_statementevent", "publisher"),
    ):
        cursor.execute(f"SELECT DISTINCT {column} FROM {table} WHERE {column} <> ''")
        names.update(row[0] for row in cursor.fetchall())
    for event in events.all():
        names.update(name for name in event.host_names if name)
    taken = set(organizations.values_list("slug", flat=True))
    ids = {}
    for name in sorted(names):
        slug, classification = KNOWN.get(name, (None, "other"))
        if slug is None or slug in taken:
            existing = organizations.filter(slug=slug).first() if slug else None
            if existing is not None:
                ids[name] = existing.pk
                continue
            slug = _slug(name, taken)
        taken.add(slug)
        ids[name] = organizations.create(
            slug=slug, name=name, classification=classification
        ).pk
    for table, column in (
        ("statements_speakerrole", "organization"),
        ("statements_speakerroleevent", "organization"),
        ("statements_statement", "publisher"),
        ("statements_statementevent", "publisher"),
    ):
        for name, pk in ids.items():
            cursor.execute(
                f"UPDATE {table} SET {column} = %s WHERE {column} = %s", [str(pk), name]
            )
        if column == "publisher":
            cursor.execute(f"ALTER TABLE {table} ALTER COLUMN {column} DROP NOT NULL")
            cursor.execute(f"UPDATE {table} SET {column} = NULL WHERE {column} = ''")
    for event in events.all():
        for index, name in enumerate(dict.fromkeys(event.host_names)):
            hosts.get_or_create(
                event=event,
                organization_id=ids[name],
                defaults={"role": "host" if index == 0 else "co_host"},
            )
    cursor.execute(
        "UPDATE statements_statement SET author_organization_id = "
        "publisher::bigint WHERE kind = 'editorial' AND publisher IS NOT NULL"
    )
    # The deferred foreign-key checks run now: ALTER TABLE refuses a table with
    # pending trigger events.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for table in TABLES:
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


# statements.changefeed.CREATE_SQL as of this migration.
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
CREATE OR REPLACE TRIGGER statements_quote_change AFTER INSERT OR UPDATE OR DELETE ON statements_quote FOR EACH ROW EXECUTE FUNCTION statements_change_quote();
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
CREATE OR REPLACE TRIGGER statements_statement_change AFTER INSERT OR UPDATE OR DELETE ON statements_statement FOR EACH ROW EXECUTE FUNCTION statements_change_statement();
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
CREATE OR REPLACE TRIGGER statements_event_change AFTER INSERT OR UPDATE OR DELETE ON statements_event FOR EACH ROW EXECUTE FUNCTION statements_change_event();
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
CREATE OR REPLACE TRIGGER statements_theme_change AFTER INSERT OR UPDATE OR DELETE ON statements_theme FOR EACH ROW EXECUTE FUNCTION statements_change_theme();
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
CREATE OR REPLACE TRIGGER statements_stakeholdergroup_change AFTER INSERT OR UPDATE OR DELETE ON statements_stakeholdergroup FOR EACH ROW EXECUTE FUNCTION statements_change_stakeholder_group();
CREATE OR REPLACE FUNCTION statements_change_organization() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM statements_record_change('organization', NEW.id, NEW.slug, 'created');
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM statements_record_change('organization', OLD.id, OLD.slug, 'deleted');
    ELSIF OLD.slug IS DISTINCT FROM NEW.slug THEN
        -- Slugs are the public ids: a new slug is a new record for a replica.
        PERFORM statements_record_change('organization', OLD.id, OLD.slug, 'deleted');
        PERFORM statements_record_change('organization', NEW.id, NEW.slug, 'created');
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

# Its slugs are retired like every record's (migration 0014's function).
RETIRE_SLUG_SQL = """
CREATE TRIGGER statements_organization_retire_slug
AFTER UPDATE OF slug OR DELETE ON statements_organization
FOR EACH ROW EXECUTE FUNCTION retire_slug('organization');
"""

CHANGE_FEED_SQL = (
    CREATE_SQL
    + """
INSERT INTO statements_change
    (transaction_id, resource_type, object_id, slug, action, changed_at)
SELECT pg_current_xact_id()::text::bigint, 'organization', id, slug, 'created',
    clock_timestamp() FROM statements_organization ORDER BY id;
INSERT INTO statements_change
    (transaction_id, resource_type, object_id, slug, action, changed_at)
SELECT pg_current_xact_id()::text::bigint, kind, id, slug, 'updated', clock_timestamp()
FROM (
    SELECT 'statement' AS kind, id, slug FROM statements_statement
    UNION ALL SELECT 'event', id, slug FROM statements_event
    UNION ALL SELECT 'speaker', id, slug FROM statements_speaker
) records ORDER BY kind, id;
"""
)


class Migration(migrations.Migration):
    dependencies = [
        ("pghistory", "0007_auto_20250421_0444"),
        ("statements", "0014_writes"),
    ]

    operations = [
        migrations.CreateModel(
            name="EventHost",
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
                    "role",
                    models.CharField(
                        choices=[("host", "Host"), ("co_host", "Co-host")],
                        max_length=16,
                    ),
                ),
            ],
            options={
                "ordering": ["event", "role", "organization"],
            },
        ),
        migrations.CreateModel(
            name="EventHostEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                (
                    "pgh_transaction",
                    models.BigIntegerField(
                        db_default=models.Func(
                            output_field=models.BigIntegerField(),
                            template="pg_current_xact_id()::text::bigint",
                        ),
                        editable=False,
                    ),
                ),
                ("id", models.BigIntegerField()),
                (
                    "role",
                    models.CharField(
                        choices=[("host", "Host"), ("co_host", "Co-host")],
                        max_length=16,
                    ),
                ),
            ],
            options={
                "ordering": ["pgh_id"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="Organization",
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
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True, db_index=True)),
                ("slug", models.SlugField(max_length=100, unique=True)),
                ("name", models.CharField(max_length=200)),
                (
                    "classification",
                    models.CharField(
                        choices=[
                            ("government", "Government"),
                            ("government_department", "Government department"),
                            ("government_agency", "Government agency"),
                            ("news_media", "News media"),
                            (
                                "international_organization",
                                "International organization",
                            ),
                            ("ngo", "Non-governmental organization"),
                            ("company", "Company"),
                            ("other", "Other"),
                        ],
                        help_text="What kind of organization it is.",
                        max_length=32,
                    ),
                ),
                (
                    "description",
                    models.TextField(
                        blank=True, help_text="A short public description."
                    ),
                ),
                (
                    "wikidata_id",
                    models.CharField(
                        blank=True,
                        help_text="Its Wikidata item (Q…); null when unknown.",
                        max_length=20,
                        null=True,
                        validators=[
                            django.core.validators.RegexValidator(
                                "^Q[1-9][0-9]*$", "A Wikidata id is Q and digits."
                            )
                        ],
                    ),
                ),
                (
                    "wikidata_certainty",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("certain", "Certain"),
                            ("probable", "Probable"),
                            ("unknown", "Unknown"),
                        ],
                        help_text="How sure the Wikidata id is: certain or probable; null without an id.",
                        max_length=16,
                        null=True,
                    ),
                ),
            ],
            options={
                "ordering": ["name", "id"],
            },
        ),
        migrations.CreateModel(
            name="OrganizationEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                (
                    "pgh_transaction",
                    models.BigIntegerField(
                        db_default=models.Func(
                            output_field=models.BigIntegerField(),
                            template="pg_current_xact_id()::text::bigint",
                        ),
                        editable=False,
                    ),
                ),
                ("id", models.BigIntegerField()),
                ("slug", models.SlugField(db_index=False, max_length=100)),
                ("name", models.CharField(max_length=200)),
                (
                    "classification",
                    models.CharField(
                        choices=[
                            ("government", "Government"),
                            ("government_department", "Government department"),
                            ("government_agency", "Government agency"),
                            ("news_media", "News media"),
                            (
                                "international_organization",
                                "International organization",
                            ),
                            ("ngo", "Non-governmental organization"),
                            ("company", "Company"),
                            ("other", "Other"),
                        ],
                        help_text="What kind of organization it is.",
                        max_length=32,
                    ),
                ),
                (
                    "description",
                    models.TextField(
                        blank=True, help_text="A short public description."
                    ),
                ),
                (
                    "wikidata_id",
                    models.CharField(
                        blank=True,
                        help_text="Its Wikidata item (Q…); null when unknown.",
                        max_length=20,
                        null=True,
                        validators=[
                            django.core.validators.RegexValidator(
                                "^Q[1-9][0-9]*$", "A Wikidata id is Q and digits."
                            )
                        ],
                    ),
                ),
                (
                    "wikidata_certainty",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("certain", "Certain"),
                            ("probable", "Probable"),
                            ("unknown", "Unknown"),
                        ],
                        help_text="How sure the Wikidata id is: certain or probable; null without an id.",
                        max_length=16,
                        null=True,
                    ),
                ),
            ],
            options={
                "ordering": ["pgh_id"],
                "abstract": False,
            },
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="event",
            name="created_insert",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="event",
            name="updated_update",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="event",
            name="deleted_delete",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="speakerrole",
            name="created_insert",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="speakerrole",
            name="updated_update",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="speakerrole",
            name="deleted_delete",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="statement",
            name="created_insert",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="statement",
            name="updated_update",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="statement",
            name="deleted_delete",
        ),
        migrations.RemoveField(
            model_name="eventevent",
            name="hosts",
        ),
        migrations.AddField(
            model_name="statement",
            name="author_speaker",
            field=models.ForeignKey(
                blank=True,
                help_text="The author when a person wrote it (not the speaker it quotes).",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="authored_statements",
                to="statements.speaker",
            ),
        ),
        migrations.AddField(
            model_name="statementevent",
            name="author_speaker",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The author when a person wrote it (not the speaker it quotes).",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to="statements.speaker",
            ),
        ),
        migrations.AlterField(
            model_name="change",
            name="resource_type",
            field=models.CharField(
                choices=[
                    ("speaker", "Speaker"),
                    ("event", "Event"),
                    ("statement", "Statement"),
                    ("quote", "Quote"),
                    ("theme", "Theme"),
                    ("stakeholder_group", "Stakeholder group"),
                    ("organization", "Organization"),
                ],
                max_length=32,
            ),
        ),
        migrations.RenameField(
            model_name="event",
            old_name="hosts",
            new_name="host_names",
        ),
        migrations.AlterField(
            model_name="retiredslug",
            name="kind",
            field=models.CharField(
                choices=[
                    ("speaker", "Speaker"),
                    ("event", "Event"),
                    ("statement", "Statement"),
                    ("quote", "Quote"),
                    ("theme", "Theme"),
                    ("stakeholder_group", "Stakeholder group"),
                    ("organization", "Organization"),
                ],
                max_length=32,
            ),
        ),
        migrations.AddField(
            model_name="eventhost",
            name="event",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="host_links",
                to="statements.event",
            ),
        ),
        migrations.AddField(
            model_name="eventhostevent",
            name="event",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to="statements.event",
            ),
        ),
        migrations.AddField(
            model_name="eventhostevent",
            name="pgh_context",
            field=models.ForeignKey(
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="pghistory.context",
            ),
        ),
        migrations.AddField(
            model_name="eventhostevent",
            name="pgh_obj",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="events",
                to="statements.eventhost",
            ),
        ),
        migrations.AddField(
            model_name="organization",
            name="parent",
            field=models.ForeignKey(
                blank=True,
                help_text="The organization it is part of; null when none is recorded.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="children",
                to="statements.organization",
            ),
        ),
        migrations.AddField(
            model_name="eventhostevent",
            name="organization",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to="statements.organization",
            ),
        ),
        migrations.AddField(
            model_name="eventhost",
            name="organization",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="host_links",
                to="statements.organization",
            ),
        ),
        migrations.AddField(
            model_name="statement",
            name="author_organization",
            field=models.ForeignKey(
                blank=True,
                help_text="The author when an organization wrote it (an editorial).",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="authored_statements",
                to="statements.organization",
            ),
        ),
        migrations.AddField(
            model_name="statementevent",
            name="author_organization",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The author when an organization wrote it (an editorial).",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to="statements.organization",
            ),
        ),
        migrations.RunPython(names_to_organizations, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="speakerrole",
            name="organization",
            field=models.ForeignKey(
                help_text="The organization the post belongs to.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="roles",
                to="statements.organization",
            ),
        ),
        migrations.AlterField(
            model_name="speakerroleevent",
            name="organization",
            field=models.ForeignKey(
                db_constraint=False,
                help_text="The organization the post belongs to.",
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to="statements.organization",
            ),
        ),
        migrations.AlterField(
            model_name="statement",
            name="publisher",
            field=models.ForeignKey(
                blank=True,
                help_text="The organization that published it; null when unknown.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="published_statements",
                to="statements.organization",
            ),
        ),
        migrations.AlterField(
            model_name="statementevent",
            name="publisher",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The organization that published it; null when unknown.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to="statements.organization",
            ),
        ),
        migrations.AddConstraint(
            model_name="statement",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("author_speaker__isnull", True),
                    ("author_organization__isnull", True),
                    _connector="OR",
                ),
                name="statements_statement_one_author",
            ),
        ),
        migrations.AddField(
            model_name="organizationevent",
            name="parent",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The organization it is part of; null when none is recorded.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to="statements.organization",
            ),
        ),
        migrations.AddField(
            model_name="organizationevent",
            name="pgh_context",
            field=models.ForeignKey(
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="pghistory.context",
            ),
        ),
        migrations.AddField(
            model_name="organizationevent",
            name="pgh_obj",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="events",
                to="statements.organization",
            ),
        ),
        migrations.AddField(
            model_name="event",
            name="hosts",
            field=models.ManyToManyField(
                blank=True,
                help_text="The organizations that hosted it, each with its role.",
                related_name="hosted_events",
                through="statements.EventHost",
                to="statements.organization",
            ),
        ),
        migrations.AddConstraint(
            model_name="organization",
            constraint=models.UniqueConstraint(
                condition=models.Q(("wikidata_id__isnull", False)),
                fields=("wikidata_id",),
                name="statements_organization_unique_wikidata_id",
            ),
        ),
        migrations.AddConstraint(
            model_name="organization",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("wikidata_id__isnull", True),
                    ("wikidata_id__regex", "^Q[1-9][0-9]*$"),
                    _connector="OR",
                ),
                name="statements_organization_wikidata_id_format",
            ),
        ),
        migrations.AddConstraint(
            model_name="organization",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("wikidata_certainty__isnull", True),
                        ("wikidata_id__isnull", True),
                    ),
                    models.Q(
                        ("wikidata_certainty__in", ["certain", "probable"]),
                        ("wikidata_id__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="statements_organization_wikidata_certainty",
            ),
        ),
        migrations.AddConstraint(
            model_name="organization",
            constraint=models.CheckConstraint(
                condition=models.Q(("parent", models.F("id")), _negated=True),
                name="statements_organization_not_own_parent",
            ),
        ),
        migrations.AddConstraint(
            model_name="eventhost",
            constraint=models.UniqueConstraint(
                fields=("event", "organization"),
                name="statements_eventhost_unique_host",
            ),
        ),
        migrations.RemoveField(
            model_name="statement",
            name="speaker",
        ),
        migrations.RemoveField(
            model_name="statementevent",
            name="speaker",
        ),
        migrations.RemoveField(
            model_name="event",
            name="host_names",
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="event",
            trigger=pgtrigger.compiler.Trigger(
                name="created_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "statements_eventevent" ("city", "country", "description", "end_date", "id", "kind", "name", "parent_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "slug", "source_urls", "start_date", "venue") VALUES (NEW."city", NEW."country", NEW."description", NEW."end_date", NEW."id", NEW."kind", NEW."name", NEW."parent_id", _pgh_attach_context(), clock_timestamp(), \'created\', NEW."id", NEW."slug", NEW."source_urls", NEW."start_date", NEW."venue"); RETURN NULL;',
                    hash="03142fe36b3f8d4cc5f9cb4d3830d84dccfdd752",
                    operation="INSERT",
                    pgid="pgtrigger_created_insert_6fe9d",
                    table="statements_event",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="event",
            trigger=pgtrigger.compiler.Trigger(
                name="updated_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."city" IS DISTINCT FROM (NEW."city") OR OLD."country" IS DISTINCT FROM (NEW."country") OR OLD."description" IS DISTINCT FROM (NEW."description") OR OLD."end_date" IS DISTINCT FROM (NEW."end_date") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."kind" IS DISTINCT FROM (NEW."kind") OR OLD."name" IS DISTINCT FROM (NEW."name") OR OLD."parent_id" IS DISTINCT FROM (NEW."parent_id") OR OLD."slug" IS DISTINCT FROM (NEW."slug") OR OLD."source_urls" IS DISTINCT FROM (NEW."source_urls") OR OLD."start_date" IS DISTINCT FROM (NEW."start_date") OR OLD."venue" IS DISTINCT FROM (NEW."venue"))',
                    func='INSERT INTO "statements_eventevent" ("city", "country", "description", "end_date", "id", "kind", "name", "parent_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "slug", "source_urls", "start_date", "venue") VALUES (NEW."city", NEW."country", NEW."description", NEW."end_date", NEW."id", NEW."kind", NEW."name", NEW."parent_id", _pgh_attach_context(), clock_timestamp(), \'updated\', NEW."id", NEW."slug", NEW."source_urls", NEW."start_date", NEW."venue"); RETURN NULL;',
                    hash="6966df3dc861d61938a02a88461244a0ff2e53d5",
                    operation="UPDATE",
                    pgid="pgtrigger_updated_update_cac3b",
                    table="statements_event",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="event",
            trigger=pgtrigger.compiler.Trigger(
                name="deleted_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "statements_eventevent" ("city", "country", "description", "end_date", "id", "kind", "name", "parent_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "slug", "source_urls", "start_date", "venue") VALUES (OLD."city", OLD."country", OLD."description", OLD."end_date", OLD."id", OLD."kind", OLD."name", OLD."parent_id", _pgh_attach_context(), clock_timestamp(), \'deleted\', OLD."id", OLD."slug", OLD."source_urls", OLD."start_date", OLD."venue"); RETURN NULL;',
                    hash="50fb37f30236ec62fc30a12f865f9f8a31105380",
                    operation="DELETE",
                    pgid="pgtrigger_deleted_delete_8165e",
                    table="statements_event",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="speakerrole",
            trigger=pgtrigger.compiler.Trigger(
                name="created_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "statements_speakerroleevent" ("end_date", "id", "note", "organization_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "source_url", "speaker_id", "start_date", "title") VALUES (NEW."end_date", NEW."id", NEW."note", NEW."organization_id", _pgh_attach_context(), clock_timestamp(), \'created\', NEW."id", NEW."source_url", NEW."speaker_id", NEW."start_date", NEW."title"); RETURN NULL;',
                    hash="06aabac2f116c92ea929bf4f004e9686e66ef9a4",
                    operation="INSERT",
                    pgid="pgtrigger_created_insert_b40ac",
                    table="statements_speakerrole",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="speakerrole",
            trigger=pgtrigger.compiler.Trigger(
                name="updated_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."end_date" IS DISTINCT FROM (NEW."end_date") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."note" IS DISTINCT FROM (NEW."note") OR OLD."organization_id" IS DISTINCT FROM (NEW."organization_id") OR OLD."source_url" IS DISTINCT FROM (NEW."source_url") OR OLD."speaker_id" IS DISTINCT FROM (NEW."speaker_id") OR OLD."start_date" IS DISTINCT FROM (NEW."start_date") OR OLD."title" IS DISTINCT FROM (NEW."title"))',
                    func='INSERT INTO "statements_speakerroleevent" ("end_date", "id", "note", "organization_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "source_url", "speaker_id", "start_date", "title") VALUES (NEW."end_date", NEW."id", NEW."note", NEW."organization_id", _pgh_attach_context(), clock_timestamp(), \'updated\', NEW."id", NEW."source_url", NEW."speaker_id", NEW."start_date", NEW."title"); RETURN NULL;',
                    hash="1037fa29f7c2e08995188130f817705f94095a90",
                    operation="UPDATE",
                    pgid="pgtrigger_updated_update_6d249",
                    table="statements_speakerrole",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="speakerrole",
            trigger=pgtrigger.compiler.Trigger(
                name="deleted_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "statements_speakerroleevent" ("end_date", "id", "note", "organization_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "source_url", "speaker_id", "start_date", "title") VALUES (OLD."end_date", OLD."id", OLD."note", OLD."organization_id", _pgh_attach_context(), clock_timestamp(), \'deleted\', OLD."id", OLD."source_url", OLD."speaker_id", OLD."start_date", OLD."title"); RETURN NULL;',
                    hash="243dfed4c6fd7624d31625d129d91278d8d9ef98",
                    operation="DELETE",
                    pgid="pgtrigger_deleted_delete_1ca2d",
                    table="statements_speakerrole",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="statement",
            trigger=pgtrigger.compiler.Trigger(
                name="created_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "statements_statementevent" ("author_organization_id", "author_speaker_id", "event_id", "id", "kind", "language", "license", "license_url", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "provenance_note", "published_on", "publisher_id", "slug", "source_url", "text", "title") VALUES (NEW."author_organization_id", NEW."author_speaker_id", NEW."event_id", NEW."id", NEW."kind", NEW."language", NEW."license", NEW."license_url", _pgh_attach_context(), clock_timestamp(), \'created\', NEW."id", NEW."provenance_note", NEW."published_on", NEW."publisher_id", NEW."slug", NEW."source_url", NEW."text", NEW."title"); RETURN NULL;',
                    hash="ce13dd4dae2d5fc5d3d46faced58621e0476947d",
                    operation="INSERT",
                    pgid="pgtrigger_created_insert_39062",
                    table="statements_statement",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="statement",
            trigger=pgtrigger.compiler.Trigger(
                name="updated_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."author_organization_id" IS DISTINCT FROM (NEW."author_organization_id") OR OLD."author_speaker_id" IS DISTINCT FROM (NEW."author_speaker_id") OR OLD."event_id" IS DISTINCT FROM (NEW."event_id") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."kind" IS DISTINCT FROM (NEW."kind") OR OLD."language" IS DISTINCT FROM (NEW."language") OR OLD."license" IS DISTINCT FROM (NEW."license") OR OLD."license_url" IS DISTINCT FROM (NEW."license_url") OR OLD."provenance_note" IS DISTINCT FROM (NEW."provenance_note") OR OLD."published_on" IS DISTINCT FROM (NEW."published_on") OR OLD."publisher_id" IS DISTINCT FROM (NEW."publisher_id") OR OLD."slug" IS DISTINCT FROM (NEW."slug") OR OLD."source_url" IS DISTINCT FROM (NEW."source_url") OR OLD."text" IS DISTINCT FROM (NEW."text") OR OLD."title" IS DISTINCT FROM (NEW."title"))',
                    func='INSERT INTO "statements_statementevent" ("author_organization_id", "author_speaker_id", "event_id", "id", "kind", "language", "license", "license_url", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "provenance_note", "published_on", "publisher_id", "slug", "source_url", "text", "title") VALUES (NEW."author_organization_id", NEW."author_speaker_id", NEW."event_id", NEW."id", NEW."kind", NEW."language", NEW."license", NEW."license_url", _pgh_attach_context(), clock_timestamp(), \'updated\', NEW."id", NEW."provenance_note", NEW."published_on", NEW."publisher_id", NEW."slug", NEW."source_url", NEW."text", NEW."title"); RETURN NULL;',
                    hash="48047b1e9bdefdc32b560ba11e9d4399894fabeb",
                    operation="UPDATE",
                    pgid="pgtrigger_updated_update_3dba3",
                    table="statements_statement",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="statement",
            trigger=pgtrigger.compiler.Trigger(
                name="deleted_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "statements_statementevent" ("author_organization_id", "author_speaker_id", "event_id", "id", "kind", "language", "license", "license_url", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "provenance_note", "published_on", "publisher_id", "slug", "source_url", "text", "title") VALUES (OLD."author_organization_id", OLD."author_speaker_id", OLD."event_id", OLD."id", OLD."kind", OLD."language", OLD."license", OLD."license_url", _pgh_attach_context(), clock_timestamp(), \'deleted\', OLD."id", OLD."provenance_note", OLD."published_on", OLD."publisher_id", OLD."slug", OLD."source_url", OLD."text", OLD."title"); RETURN NULL;',
                    hash="549e8af155aac072eea207d6b91fff853b80ea2b",
                    operation="DELETE",
                    pgid="pgtrigger_deleted_delete_67015",
                    table="statements_statement",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="organization",
            trigger=pgtrigger.compiler.Trigger(
                name="created_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "statements_organizationevent" ("classification", "description", "id", "name", "parent_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "slug", "wikidata_certainty", "wikidata_id") VALUES (NEW."classification", NEW."description", NEW."id", NEW."name", NEW."parent_id", _pgh_attach_context(), clock_timestamp(), \'created\', NEW."id", NEW."slug", NEW."wikidata_certainty", NEW."wikidata_id"); RETURN NULL;',
                    hash="66aa1c9351ece55eca26ec1df68b5aa0008e85e9",
                    operation="INSERT",
                    pgid="pgtrigger_created_insert_e0599",
                    table="statements_organization",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="organization",
            trigger=pgtrigger.compiler.Trigger(
                name="updated_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."classification" IS DISTINCT FROM (NEW."classification") OR OLD."description" IS DISTINCT FROM (NEW."description") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."name" IS DISTINCT FROM (NEW."name") OR OLD."parent_id" IS DISTINCT FROM (NEW."parent_id") OR OLD."slug" IS DISTINCT FROM (NEW."slug") OR OLD."wikidata_certainty" IS DISTINCT FROM (NEW."wikidata_certainty") OR OLD."wikidata_id" IS DISTINCT FROM (NEW."wikidata_id"))',
                    func='INSERT INTO "statements_organizationevent" ("classification", "description", "id", "name", "parent_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "slug", "wikidata_certainty", "wikidata_id") VALUES (NEW."classification", NEW."description", NEW."id", NEW."name", NEW."parent_id", _pgh_attach_context(), clock_timestamp(), \'updated\', NEW."id", NEW."slug", NEW."wikidata_certainty", NEW."wikidata_id"); RETURN NULL;',
                    hash="b705ca6c8d0ed2942801ea6d3514543a423ac4ad",
                    operation="UPDATE",
                    pgid="pgtrigger_updated_update_460cd",
                    table="statements_organization",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="organization",
            trigger=pgtrigger.compiler.Trigger(
                name="deleted_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "statements_organizationevent" ("classification", "description", "id", "name", "parent_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "slug", "wikidata_certainty", "wikidata_id") VALUES (OLD."classification", OLD."description", OLD."id", OLD."name", OLD."parent_id", _pgh_attach_context(), clock_timestamp(), \'deleted\', OLD."id", OLD."slug", OLD."wikidata_certainty", OLD."wikidata_id"); RETURN NULL;',
                    hash="b85bec2ba52aff0516c9b91c917fcf9d493393ed",
                    operation="DELETE",
                    pgid="pgtrigger_deleted_delete_83087",
                    table="statements_organization",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="eventhost",
            trigger=pgtrigger.compiler.Trigger(
                name="created_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "statements_eventhostevent" ("event_id", "id", "organization_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "role") VALUES (NEW."event_id", NEW."id", NEW."organization_id", _pgh_attach_context(), clock_timestamp(), \'created\', NEW."id", NEW."role"); RETURN NULL;',
                    hash="6d9399e22c28f663c698f66084b47462d62b1d15",
                    operation="INSERT",
                    pgid="pgtrigger_created_insert_f4455",
                    table="statements_eventhost",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="eventhost",
            trigger=pgtrigger.compiler.Trigger(
                name="updated_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "statements_eventhostevent" ("event_id", "id", "organization_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "role") VALUES (NEW."event_id", NEW."id", NEW."organization_id", _pgh_attach_context(), clock_timestamp(), \'updated\', NEW."id", NEW."role"); RETURN NULL;',
                    hash="460853df1a750b03370fe740b6e2a7abfdbf7f7c",
                    operation="UPDATE",
                    pgid="pgtrigger_updated_update_7b7e1",
                    table="statements_eventhost",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="eventhost",
            trigger=pgtrigger.compiler.Trigger(
                name="deleted_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "statements_eventhostevent" ("event_id", "id", "organization_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "role") VALUES (OLD."event_id", OLD."id", OLD."organization_id", _pgh_attach_context(), clock_timestamp(), \'deleted\', OLD."id", OLD."role"); RETURN NULL;',
                    hash="8cfadb98dc570b5f156ea2e1573a9c3a33c9dd15",
                    operation="DELETE",
                    pgid="pgtrigger_deleted_delete_cc3f9",
                    table="statements_eventhost",
                    when="AFTER",
                ),
            ),
        ),
        migrations.RunSQL(CHANGE_FEED_SQL, migrations.RunSQL.noop),
        migrations.RunSQL(
            RETIRE_SLUG_SQL,
            "DROP TRIGGER statements_organization_retire_slug "
            "ON statements_organization;",
        ),
    ]
