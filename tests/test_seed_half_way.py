"""A seed that fails half way leaves the database as it was: rows, feed, version.

These run with committed transactions (transactional_db), so that the data
version, bumped at commit by a deferred trigger, is the one a server would read.
`make faults` checks the same against a live server under load.
"""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError

from statements import selectors, services
from statements.models import Change, Speaker, Theme
from tests.test_seed import fixture_data, snapshot, write_fixture

pytestmark = pytest.mark.slow


def state():
    """Every row of the speech tables and the feed, and the data version."""
    return {
        "rows": snapshot(),
        "changes": list(Change.objects.order_by("pk").values_list()),
        "version": selectors.data_version(),
    }


def with_changes(data: dict) -> dict:
    """Real changes early in the file, which must not survive a later failure."""
    data["speakers"][0]["name"] = "Someone Else"
    data["themes"].append({**data["themes"][-1], "slug": "a-theme-of-the-test"})
    return data


def fail_in_the_last_quote(data: dict) -> dict:
    data["quotes"][-1]["spans"] = [[2270, 99999]]
    return data


@pytest.fixture
def seeded_committed(transactional_db):
    call_command("seed", verbosity=0)
    assert Change.objects.exists()


def test_a_fixture_failing_in_its_last_row_changes_nothing(seeded_committed, tmp_path):
    before = state()
    path = write_fixture(tmp_path, fail_in_the_last_quote(with_changes(fixture_data())))

    with pytest.raises(CommandError, match="Nothing was changed.*quotes\\[5\\]"):
        call_command("seed", path)

    assert state() == before
    assert Speaker.objects.get().name == "Antony Blinken"


def test_a_failing_second_file_undoes_the_first(seeded_committed, tmp_path):
    before = state()
    good = write_fixture(tmp_path, with_changes(fixture_data()))
    # Next to the good one, so that it finds the same texts directory.
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(fail_in_the_last_quote(fixture_data())), encoding="utf-8")

    with pytest.raises(CommandError, match="Nothing was changed. bad.json"):
        call_command("seed", good, bad)

    assert state() == before
    assert not Theme.objects.filter(slug="a-theme-of-the-test").exists()


def test_a_database_error_half_way_rolls_everything_back(
    seeded_committed, tmp_path, monkeypatch
):
    before = state()
    path = write_fixture(tmp_path, with_changes(fixture_data()))
    loaded = []

    def load_quote_then_lose_the_database(row, result):
        if len(loaded) == 3:
            raise OperationalError("server closed the connection unexpectedly")
        loaded.append(row["slug"])
        return services._load_quote(row, result)

    monkeypatch.setattr(
        services,
        "SECTIONS",
        [
            (name, load_quote_then_lose_the_database if name == "quotes" else loader)
            for name, loader in services.SECTIONS
        ],
    )

    with pytest.raises(OperationalError):
        call_command("seed", path)

    assert len(loaded) == 3
    assert state() == before
