"""The history's triggers (django-pghistory through django-pgtrigger): installed as
declared, beside the change feed's, and never on the history's own tables, which
are not public data."""

import pgtrigger
import pytest
from django.core.management import call_command
from django.db import connection

from statements import changefeed, history
from statements.history import recording
from statements.models import Theme
from statements.models.history import EVENT_MODELS, HistoryEvent


def test_event_models_lists_every_event_model():
    assert set(EVENT_MODELS) == set(HistoryEvent.__subclasses__())


def test_every_history_trigger_is_installed_as_compiled(db):
    statuses = {
        (model._meta.db_table, trigger.get_pgid(model)): (
            trigger.get_installation_status(model)
        )
        for model, trigger in pgtrigger.registered()
    }

    assert set(statuses) == set(history.triggers())
    assert set(statuses.values()) == {("INSTALLED", True)}


def test_every_public_table_is_tracked_for_inserts_updates_and_deletes():
    tables = {table for table, _ in changefeed.TRIGGERS}
    tracked = {}
    for table, name in history.triggers():
        tracked.setdefault(table, set()).add(name.split("_")[1])

    assert set(tracked) == tables
    for table, operations in tracked.items():
        link_table = table.endswith(("_themes", "_stakeholder_groups"))
        expected = (
            {"created", "deleted"}
            if link_table
            else {
                "created",
                "updated",
                "deleted",
            }
        )
        assert operations == expected, table


@pytest.mark.parametrize("model", EVENT_MODELS, ids=lambda m: m.__name__)
def test_no_trigger_writes_on_an_event_table(db, model):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND c.relname = %s",
            [model._meta.db_table],
        )
        assert cursor.fetchone() == (0,)


def test_a_recorded_change_is_in_the_feed_and_the_history(client, transactional_db):
    """Both sets of triggers fire on one committed write."""
    call_command("seed", verbosity=0)
    cursor = client.get("/api/v1/changes/").json()["next_cursor"]
    theme = Theme.objects.get(slug="poverty")
    with recording(source="import", actor="user:ann", reason="Renamed"):
        theme.name = "Poverty and want"
        theme.save()

    feed = client.get("/api/v1/changes/", {"since": cursor}).json()["results"]
    entries = client.get("/api/v1/themes/poverty/history/").json()["results"]

    assert ("theme", "poverty", "updated") in {
        (change["type"], change["slug"], change["change"]) for change in feed
    }
    assert entries[0]["changes"] == {
        "name": {"from": "Poverty", "to": "Poverty and want"}
    }
    assert (entries[0]["source"], entries[0]["reason"]) == ("import", "Renamed")
