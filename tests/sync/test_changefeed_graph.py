"""statements.changefeed declares exactly the triggers that the migrations installed.

The migrations keep their own copy of the triggers' SQL; these tests keep the
module and the migrated database from drifting apart. The history's triggers
(statements.history, django-pgtrigger) share the tables; they are declared there
and tests/sync/test_history_triggers.py checks their definitions.
"""

import pytest
from django.db import connection

from statements import changefeed, history, resources, search
from statements.models import (
    Event,
    EventHost,
    Organization,
    Quote,
    QuoteSpan,
    Speaker,
    SpeakerRole,
    StakeholderGroup,
    Statement,
    Theme,
)
from statements.models.writes import RETIRE_SLUG_TRIGGERS

# Every trigger that is not PostgreSQL's own (foreign keys) on the app's tables.
TRIGGERS = """
SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid) || ' ' || t.tgenabled::text
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace
  AND c.relname LIKE 'statements\\_%'
"""
FUNCTIONS = """
SELECT p.oid::regprocedure::text, pg_get_functiondef(p.oid)
FROM pg_proc p
WHERE p.pronamespace = current_schema()::regnamespace
  AND p.proname LIKE 'statements\\_%'
"""


def catalog() -> tuple[dict, dict]:
    """({(table, trigger): definition}, {function signature: definition})."""
    with connection.cursor() as cursor:
        cursor.execute(TRIGGERS)
        triggers = {(table, name): definition for table, name, definition in cursor}
        cursor.execute(FUNCTIONS)
        return triggers, dict(cursor.fetchall())


def test_every_trigger_on_the_apps_tables_is_declared(db):
    triggers, _ = catalog()
    assert set(triggers) == {
        *changefeed.TRIGGERS,
        *changefeed.DATA_VERSION_TRIGGERS,
        *history.triggers(),
        *RETIRE_SLUG_TRIGGERS,
        *search.TRIGGERS,
    }
    assert len(changefeed.TRIGGERS) == len(set(changefeed.TRIGGERS))
    assert not set(changefeed.TRIGGERS) & set(history.triggers())


def test_the_modules_sql_recreates_exactly_what_is_installed(db):
    before = catalog()
    data_version_functions = {
        before[0][trigger].rsplit("EXECUTE FUNCTION ", 1)[1].split("(")[0]
        for trigger in changefeed.DATA_VERSION_TRIGGERS
    }
    feed_functions = [
        signature
        for signature in before[1]
        if signature.split("(")[0] not in data_version_functions
        # The search documents' (tests/sync/test_search_sql.py).
        and signature not in search.FUNCTIONS
    ]
    with connection.cursor() as cursor:
        # The feed's functions and, with them, their triggers go: whatever the
        # module does not create is missing afterwards.
        for signature in feed_functions:
            cursor.execute(f"DROP FUNCTION {signature} CASCADE")
        cursor.execute(TRIGGERS)
        left = {(table, name) for table, name, _ in cursor}
        assert left == {
            *changefeed.DATA_VERSION_TRIGGERS,
            *history.triggers(),
            *RETIRE_SLUG_TRIGGERS,
            *search.TRIGGERS,
        }
        cursor.execute(changefeed.CREATE_SQL)
    after = catalog()
    assert after[0] == before[0]
    assert after[1] == before[1]
    # The helpers: record a change, record a rename, touch the records shown.
    assert len(feed_functions) == len(changefeed.TRIGGERS) + 3


def test_the_sql_can_run_again_on_a_database_that_has_it(db):
    before = catalog()
    with connection.cursor() as cursor:
        cursor.execute(changefeed.CREATE_SQL)
    assert catalog() == before


def test_embedded_relations_name_what_each_record_shows_or_counts():
    assert changefeed.embedded_relations() == {
        # Records show the records they name.
        (Quote, Speaker),
        (Quote, Event),
        (Quote, Statement),
        (Quote, Theme),
        (Quote, StakeholderGroup),
        (Statement, Speaker),
        (Statement, Organization),
        (Statement, Event),
        (Statement, Theme),
        (Statement, StakeholderGroup),
        (Event, Event),
        (Event, Organization),
        (Theme, Theme),
        (Organization, Organization),
        # Roles (and a quote's role of the day and source) name organizations.
        (Speaker, Organization),
        (Quote, Organization),
        # Records list or count the records that name them.
        (Speaker, Quote),
        (Event, Quote),
        (Event, Statement),
        (Statement, Quote),
        (Theme, Quote),
        (Theme, Statement),
        (StakeholderGroup, Quote),
        (StakeholderGroup, Statement),
        # Details without public ids.
        (Quote, QuoteSpan),
        (Statement, QuoteSpan),
        (Speaker, SpeakerRole),
        (Quote, SpeakerRole),
        (Event, EventHost),
    }


def _shown_by(resource) -> set[tuple[type, type]]:
    """(resource's model, model) for every model whose rows its JSON shows or
    counts, read from its declaration (statements.resources)."""
    model = resource.model
    pairs = set()

    def walk(owner, fields):
        for f in fields:
            match f:
                case resources.Link() | resources.Links():
                    pairs.add((model, resources.BY_KIND[f.target].model))
                case resources.Nested():
                    related = owner._meta.get_field(f.relation).related_model
                    pairs.add((model, related))
                    walk(related, f.fields)
                case resources.Embedded():
                    via = owner._meta.get_field(f.via).related_model
                    pairs.add((model, via))
                    for _, path in f.paths:
                        pairs.add(
                            (
                                model,
                                via._meta.get_field(path.split("__")[0]).related_model,
                            )
                        )
                case resources.Author():
                    for _, path in f.choices:
                        pairs.add((model, owner._meta.get_field(path).related_model))
                case resources.Spans():
                    pairs.add((model, QuoteSpan))
                case resources.RoleOfTheDay():
                    pairs.add((model, SpeakerRole))
                case resources.Citation():
                    for name in ("speaker", "event", "statement"):
                        pairs.add((model, owner._meta.get_field(name).related_model))
                    pairs.add((model, SpeakerRole))
                case resources.Count():
                    # A speaker's statements are counted through its quotes.
                    counted = {
                        "quote_count": Quote,
                        "statement_count": Quote if model is Speaker else Statement,
                    }
                    pairs.add((model, counted[f.name.removesuffix("_direct")]))

    walk(model, (*resource.fields, *resource.detail))
    return pairs


@pytest.mark.parametrize("resource", resources.RESOURCES, ids=lambda r: r.kind)
def test_every_relation_a_resource_shows_is_kept_current_by_a_trigger(resource):
    shown = _shown_by(resource)

    assert shown, resource.kind
    assert shown <= changefeed.embedded_relations(), (
        shown - changefeed.embedded_relations()
    )


def test_the_feed_announces_every_resource_of_the_registry():
    assert {r.model: r.kind for r in resources.RESOURCES} == changefeed.RESOURCES
