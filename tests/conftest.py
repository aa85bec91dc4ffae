"""Shared fixtures: an API client and the seeded Blinken data."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from rest_framework.test import APIClient

from statements.api import throttling
from statements.api.pagination import result_cache

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _fresh_result_cache():
    """Counts and facets are kept per process by data version; a rolled-back test
    can leave one under a version number that the next test reaches again."""
    result_cache.clear()


@pytest.fixture(autouse=True)
def _no_random_prune(monkeypatch):
    """One hit in a thousand also prunes ended rate-limit windows: one query more,
    at random. Query counts must not flake on it; test_rate_limits tests it."""
    monkeypatch.setattr(throttling, "PRUNE_PROBABILITY", 0.0)


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hasher():
    """Admin users log in in many tests; PBKDF2's 10**6 rounds cost ~0.3 s each.
    No test is about the hash itself."""
    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    ):
        yield


@pytest.fixture
def client():
    return APIClient()


class SharedSeed:
    """The seed data, loaded once into an outer transaction kept open across the
    tests that ask for `seeded`.

    Each such test's own transaction (pytest-django's `db`) is a savepoint inside
    it, rolled back at the test's end, so a test that writes leaves the seed as
    it found it. Any other test gets the outer transaction rolled back before its
    fixtures are set up: it sees the empty database (or commits, in
    `transactional_db` tests) as before. The seeded tests are collected into one
    run (pytest_collection_modifyitems), so the seed is loaded once per session;
    in any other order it is loaded once per run of consecutive seeded tests.
    """

    def __init__(self):
        self.atomic = None
        self.blocker = None

    @property
    def is_open(self) -> bool:
        return self.atomic is not None

    def open(self, blocker) -> None:
        with blocker.unblock():
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            call_command("seed", verbosity=0)
        self.blocker = blocker

    def close(self) -> None:
        if not self.is_open:
            return
        with self.blocker.unblock():
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)
        self.atomic = None


shared_seed = SharedSeed()


def shares_the_seed(item) -> bool:
    """Whether `item` asks for the seed and runs inside a rolled-back transaction."""
    names = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    committing = "transactional_db" in names or "live_server" in names
    if marker is not None:
        committing = committing or marker.kwargs.get(
            "transaction", bool(marker.args and marker.args[0])
        )
    return "seeded" in names and not committing


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run the seeded tests first, together, so that one seed serves them all.

    pytest-django has ordered the tests that use a rolled-back transaction
    first; the seeded ones are among them, so this keeps its order otherwise.
    """
    items.sort(key=lambda item: not shares_the_seed(item))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Roll the shared seed back before a test that did not ask for it sets up
    its fixtures: it must find the database empty."""
    if not shares_the_seed(item):
        shared_seed.close()


@pytest.fixture(scope="session")
def _shared_seed_database(django_db_setup, django_db_blocker):
    """The test database for the shared seed, which is rolled back before the
    database is dropped."""
    yield django_db_blocker
    shared_seed.close()


@pytest.fixture(autouse=True)
def _shared_seed(request):
    """Open the shared seed before any other fixture of a seeded test starts its
    transaction (autouse fixtures of this file come first)."""
    if (
        shares_the_seed(request.node)
        and not shared_seed.is_open
        and not connection.in_atomic_block
    ):
        shared_seed.open(request.getfixturevalue("_shared_seed_database"))


@pytest.fixture
def seeded(db):
    """The seed data (fixtures/), shared by the tests that read it (SharedSeed).

    Seeded afresh inside the test when the shared seed is not under its
    transaction: in a `transactional_db` test, or after a `django_db` mark has
    started the transaction first.
    """
    if not shared_seed.is_open:
        call_command("seed", verbosity=0)


def run_manage(*args, env=None, timeout=120):
    """Run manage.py in a fresh process with `env` laid over this one's."""
    full_env = {**os.environ, **(env or {})}
    for name, value in (env or {}).items():
        if value is None:
            full_env.pop(name, None)
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def connect_test_database():
    """A psycopg connection of its own to the test database (autocommit), as
    another server process would have: keywords, so that the embedded
    PostgreSQL's socket directory is reached too (a URL path cannot name it)."""
    import psycopg

    db = connection.settings_dict
    return psycopg.connect(
        dbname=db["NAME"],
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        autocommit=True,
    )


def database_url() -> str:
    """The URL of the test database, for processes the test starts.

    The embedded PostgreSQL is reached through a Unix socket directory: a URL
    names it as the percent-encoded first segment of the path.
    """
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    port = db["PORT"] or 5432
    host = db["HOST"] or "127.0.0.1"
    if host.startswith("/"):
        socket_dir = quote(host, safe="")
        return f"postgres://{db['USER']}{password}@:{port}/{socket_dir}/{db['NAME']}"
    return f"postgres://{db['USER']}{password}@{host}:{port}/{db['NAME']}"
