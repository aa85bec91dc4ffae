"""Shared fixtures: an API client and the seeded Blinken data."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
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


@pytest.fixture
def client():
    return APIClient()


@pytest.fixture
def seeded(db):
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


def database_url() -> str:
    """The URL of the test database, for processes the test starts."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )
