"""The history's triggers (django-pghistory through django-pgtrigger): installed as
declared, beside the change feed's, and never on the history's own tables, which
are not public data."""

import pgtrigger
import pytest
from django.db import connection

from statements import changefeed, history
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
