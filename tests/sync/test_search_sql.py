"""statements.search declares exactly the functions and triggers that migration
0017 installed, and the migration's literal SQL is the module's (migrations keep
their own copy; these tests keep them from drifting apart)."""

import importlib

import pytest
from django.db import connection

from statements import search
from tests.sync.test_changefeed_graph import FUNCTIONS, TRIGGERS

MIGRATION = importlib.import_module("statements.migrations.0017_search")


def installed() -> tuple[dict, dict]:
    """({(table, trigger): definition}, {signature: definition}) of search."""
    with connection.cursor() as cursor:
        cursor.execute(TRIGGERS)
        triggers = {
            (table, name): definition
            for table, name, definition in cursor
            if (table, name) in set(search.TRIGGERS)
        }
        cursor.execute(FUNCTIONS)
        functions = {
            signature: definition
            for signature, definition in cursor
            if signature in search.FUNCTIONS
        }
    return triggers, functions


def test_every_search_trigger_and_function_is_installed(db):
    triggers, functions = installed()

    assert set(triggers) == set(search.TRIGGERS)
    assert set(functions) == set(search.FUNCTIONS)
    assert len(search.TRIGGERS) == len(set(search.TRIGGERS))


@pytest.mark.parametrize("name", ["UNACCENT_SQL", "QUERY_SQL", "CREATE_SQL", "REBUILD"])
def test_the_migration_installs_the_modules_sql(name):
    assert getattr(MIGRATION, name) == getattr(search, name)


def test_the_migration_installs_the_modules_variants():
    assert MIGRATION.CONFIG_SQL == search.CONFIG_SQL
    assert MIGRATION.SUGGEST_SQL == search.SUGGEST_SQL


def test_the_modules_sql_recreates_exactly_what_is_installed(db):
    before = installed()
    with connection.cursor() as cursor:
        # The documents' functions and, with them, their triggers go (the
        # functions of text stay: the documents' functions call them).
        for signature in search.FUNCTIONS:
            if not signature.endswith("(text)"):
                cursor.execute(f"DROP FUNCTION {signature} CASCADE")
        cursor.execute(TRIGGERS)
        assert not {(table, name) for table, name, _ in cursor} & set(search.TRIGGERS)
        cursor.execute(search.CREATE_SQL)
    assert installed() == before
