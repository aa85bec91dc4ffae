"""manage.py generate_demo_data: counts, determinism, anchored spans, and refusals.

The command runs in a subprocess, as a user runs it, into a database of its own
(`<configured name>_pytest_demo`, created by the command and dropped afterwards).
"""

from collections import defaultdict

import psycopg
import pytest
from django.conf import settings
from psycopg import sql

from statements.models import quote_spans_problems
from statements.resources import RESOURCES
from tests.conftest import run_manage

pytestmark = pytest.mark.slow

QUOTES = 500
SEED = 7
TABLES = [
    "statements_speaker",
    "statements_speakerrole",
    "statements_event",
    "statements_theme",
    "statements_stakeholdergroup",
    "statements_statement",
    "statements_statement_themes",
    "statements_statement_stakeholder_groups",
    "statements_quote",
    "statements_quotespan",
    "statements_quote_themes",
    "statements_quotestakeholder",
]
# Every resource's table (the registry's, so that a new resource is counted).
RESOURCE_TABLES = {
    resource.kind: resource.model._meta.db_table for resource in RESOURCES
}


def server_params(dbname: str) -> dict:
    database = settings.DATABASES["default"]
    return {
        "dbname": dbname,
        "host": database["HOST"] or None,
        "port": database["PORT"] or None,
        "user": database["USER"] or None,
        "password": database["PASSWORD"] or None,
    }


def configured_name() -> str:
    return settings.DATABASES["default"]["NAME"].removeprefix("test_")


def database_exists(name: str) -> bool:
    with psycopg.connect(**server_params("postgres"), autocommit=True) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return row.fetchone() is not None


def generate(*args: str):
    return run_manage("generate_demo_data", "--verbosity", "0", *args, timeout=300)


def digest(dbname: str) -> dict[str, str]:
    """An md5 of every row of every table the command writes, in id order."""
    with psycopg.connect(**server_params(dbname)) as conn:
        return {
            table: conn.execute(
                sql.SQL(
                    "SELECT count(*) || ':' || md5(string_agg(t::text, '|' ORDER BY "
                    "t.id)) FROM {} t"
                ).format(sql.Identifier(table))
            ).fetchone()[0]
            for table in TABLES
        }


@pytest.fixture(scope="module")
def demo_db():
    name = f"{configured_name()}_pytest_demo"
    result = generate(
        "--database-name", name, "--quotes", str(QUOTES), "--seed", str(SEED), "--reset"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    yield name
    with psycopg.connect(**server_params("postgres"), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)
            )
        )


def test_counts_follow_the_proportions(demo_db):
    with psycopg.connect(**server_params(demo_db)) as conn:

        def count(query):
            return conn.execute(query).fetchone()[0]

        assert count("SELECT count(*) FROM statements_quote") == QUOTES
        assert count("SELECT count(*) FROM statements_statement") == QUOTES // 5
        assert count("SELECT count(*) FROM statements_speaker") == 10
        assert count("SELECT count(*) FROM statements_event") == 20
        assert (
            count("SELECT count(*) FROM statements_event WHERE parent_id IS NULL") == 4
        )
        assert count("SELECT count(*) FROM statements_theme") == 60
        assert (
            count("SELECT count(*) FROM statements_theme WHERE parent_id IS NULL") == 10
        )
        assert count("SELECT count(*) FROM statements_stakeholdergroup") == 30
        assert (
            count("SELECT count(DISTINCT speaker_id) FROM statements_speakerrole") == 10
        )
        orphans = (
            "SELECT count(*) FROM statements_statement s WHERE NOT EXISTS "
            "(SELECT 1 FROM statements_quote q WHERE q.statement_id = s.id)"
        )
        assert count(orphans) == 0
        fidelities = dict(
            conn.execute(
                "SELECT fidelity, count(*) FROM statements_quote GROUP BY 1"
            ).fetchall()
        )
        assert set(fidelities) == {"direct", "reported", "paraphrase"}
        # New rows get ids after the generated ones.
        next_id = "SELECT nextval(pg_get_serial_sequence('statements_quote', 'id'))"
        assert count(next_id) == QUOTES + 1


def test_the_change_feed_announces_every_record_once(demo_db):
    with psycopg.connect(**server_params(demo_db)) as conn:
        feed = dict(
            conn.execute(
                "SELECT resource_type, count(*) FROM statements_change "
                "WHERE action = 'created' GROUP BY 1"
            ).fetchall()
        )
        records = {
            kind: conn.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            ).fetchone()[0]
            for kind, table in RESOURCE_TABLES.items()
        }
        total = conn.execute("SELECT count(*) FROM statements_change").fetchone()[0]
    assert feed == records
    assert total == sum(records.values())


def test_every_quote_is_anchored_in_its_statement(demo_db):
    with psycopg.connect(**server_params(demo_db)) as conn:
        texts = dict(conn.execute("SELECT id, text FROM statements_statement"))
        spans = defaultdict(list)
        for quote_id, start, end in conn.execute(
            'SELECT quote_id, start, "end" FROM statements_quotespan '
            "ORDER BY quote_id, position"
        ):
            spans[quote_id].append((start, end))
        quotes = conn.execute(
            "SELECT id, statement_id, fidelity, text FROM statements_quote"
        ).fetchall()
    problems = {
        pk: quote_spans_problems(texts[statement_id], spans[pk], fidelity, text)
        for pk, statement_id, fidelity, text in quotes
    }
    assert {pk: p for pk, p in problems.items() if p} == {}
    assert len(problems) == QUOTES
    assert any(len(quote_spans) == 2 for quote_spans in spans.values())


def test_the_same_seed_gives_the_same_rows(demo_db):
    def run(*args):
        return generate("--database-name", demo_db, "--quotes", str(QUOTES), *args)

    first = digest(demo_db)
    assert first["statements_quote"].startswith(f"{QUOTES}:")

    mixed = run("--seed", str(SEED))
    assert mixed.returncode != 0, "a second run must not mix into existing data"
    assert "already has data" in mixed.stderr
    kept = run("--seed", "9", "--keep-existing")
    assert kept.returncode == 0, kept.stderr
    assert digest(demo_db) == first

    other = run("--seed", "8", "--reset")
    assert other.returncode == 0, other.stderr
    assert digest(demo_db)["statements_quote"] != first["statements_quote"]

    again = run("--seed", str(SEED), "--reset")
    assert again.returncode == 0, again.stderr
    assert digest(demo_db) == first


@pytest.mark.parametrize(
    "args",
    [
        pytest.param([], id="the configured database"),
        pytest.param(["--database-name", "statements"], id="a name without _demo"),
        pytest.param(["--database-name", "_demo"], id="only the suffix"),
        pytest.param(["--database-name", "statements_demo_copy"], id="suffix inside"),
    ],
)
def test_it_refuses_any_database_not_named_demo(args):
    assert not configured_name().endswith("_demo")
    result = generate("--quotes", "10", *args)
    assert result.returncode != 0
    assert "does not end with '_demo'" in result.stderr
    for name in ("_demo", "statements_demo_copy"):
        if name in args:
            assert not database_exists(name)
