"""manage.py export_snapshot: every resource as CSV and NDJSON, with a manifest."""

import csv
import hashlib
import io
import json
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from statements import exports
from statements.management.commands.export_snapshot import SNAPSHOT_FORMAT_VERSION

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = json.loads((ROOT / "fixtures" / "blinken.json").read_text(encoding="utf-8"))
FIXTURE_KEYS = {
    "quotes": "quotes",
    "statements": "statements",
    "speakers": "speakers",
    "events": "events",
    "themes": "themes",
    "stakeholder-groups": "stakeholder_groups",
    "organizations": "organizations",
}


def snapshot(directory: Path, *args) -> dict:
    out = io.StringIO()
    call_command("export_snapshot", str(directory), "--no-progress", *args, stdout=out)
    assert "Wrote a snapshot" in out.getvalue()
    return json.loads((directory / "manifest.json").read_text(encoding="utf-8"))


def test_a_snapshot_has_every_resource_in_both_formats(seeded, tmp_path):
    manifest = snapshot(tmp_path / "snap", "--base-url", "https://api.example.org")

    names = {f"{name}.{fmt}" for name in exports.RESOURCES for fmt in ("csv", "ndjson")}
    assert {p.name for p in (tmp_path / "snap").iterdir()} == names | {"manifest.json"}
    expected_counts = {name: len(FIXTURE[key]) for name, key in FIXTURE_KEYS.items()}
    assert manifest["counts"] == expected_counts
    assert [(f["resource"], f["format"]) for f in manifest["files"]] == [
        (name, fmt) for name in exports.RESOURCES for fmt in ("csv", "ndjson")
    ]
    for entry in manifest["files"]:
        data = (tmp_path / "snap" / entry["path"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["bytes"] == len(data)
        assert entry["rows"] == expected_counts[entry["resource"]]
        if entry["format"] == "csv":
            header, *rows = csv.reader(io.StringIO(data.decode(), newline=""))
            columns = exports.RESOURCES[entry["resource"]].columns
            assert header == [column.name for column in columns]
        else:
            rows = [json.loads(line) for line in data.decode().splitlines()]
        assert len(rows) == entry["rows"]


def test_the_manifest_states_versions_licences_and_a_citation(seeded, tmp_path):
    manifest = snapshot(tmp_path / "snap", "--base-url", "https://api.example.org")

    assert manifest["api_version"] == settings.SPECTACULAR_SETTINGS["VERSION"]
    assert manifest["snapshot_format_version"] == SNAPSHOT_FORMAT_VERSION
    assert manifest["base_url"] == "https://api.example.org"
    assert manifest["taken_at"].endswith("Z")
    assert manifest["licence"]["code"] == "MIT"
    assert manifest["licence"]["annotations"] == {
        "id": "CC-BY-4.0",
        "name": "CC BY 4.0",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    }
    assert manifest["licence"]["text_licences"] == [
        {
            "license": "Public domain (work of the U.S. Government)",
            "license_url": None,
            "statements": 1,
            "quotes": len(FIXTURE["quotes"]),
        }
    ]
    assert manifest["columns"]["quotes"]["csv"][:3] == ["slug", "text", "fidelity"]
    citation = manifest["citation"]
    assert manifest["taken_at"][:10] in citation
    assert manifest["content_sha256"][:12] in citation
    assert settings.SPECTACULAR_SETTINGS["VERSION"] in citation
    quote = json.loads((tmp_path / "snap" / "quotes.ndjson").read_text().split("\n")[0])
    assert quote["url"].startswith("https://api.example.org/api/v1/quotes/")


def test_the_snapshot_files_are_the_http_exports(client, seeded, tmp_path, settings):
    # Twelve exports of 10 units each: more than the anonymous quota.
    settings.RATE_LIMIT_ANONYMOUS = 1000
    snapshot(tmp_path / "snap", "--base-url", "http://testserver")

    for name in exports.RESOURCES:
        for fmt in ("csv", "ndjson"):
            response = client.get(f"/api/v1/exports/{name}.{fmt}")
            assert response.status_code == 200
            http = b"".join(response.streaming_content)
            assert (tmp_path / "snap" / f"{name}.{fmt}").read_bytes() == http


def test_two_snapshots_of_the_same_data_are_identical_but_for_the_time(
    seeded, tmp_path
):
    first = snapshot(tmp_path / "one")
    second = snapshot(tmp_path / "two")

    for entry in first["files"]:
        one = (tmp_path / "one" / entry["path"]).read_bytes()
        assert one == (tmp_path / "two" / entry["path"]).read_bytes()
    for manifest in (first, second):
        day = manifest.pop("taken_at")[:10]
        manifest["citation"] = manifest["citation"].replace(day, "DAY")
    assert first == second


def test_the_snapshot_refuses_a_directory_that_is_not_empty(seeded, tmp_path):
    (tmp_path / "old.txt").write_text("keep me")

    with pytest.raises(CommandError, match="not an empty directory"):
        call_command("export_snapshot", str(tmp_path), "--no-progress")
    assert [p.name for p in tmp_path.iterdir()] == ["old.txt"]


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_progress_bar_shows_on_a_terminal_only(seeded, tmp_path, monkeypatch):
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    call_command("export_snapshot", str(tmp_path / "tty"), stdout=io.StringIO())
    quiet = _Terminal()
    monkeypatch.setattr(sys, "stderr", quiet)
    call_command(
        "export_snapshot",
        str(tmp_path / "quiet"),
        "--no-progress",
        stdout=io.StringIO(),
    )

    total = sum(len(FIXTURE[key]) for key in FIXTURE_KEYS.values())
    assert f"{total}/{total}" in terminal.getvalue()
    assert quiet.getvalue() == ""


@pytest.mark.django_db(transaction=True)
def test_a_snapshot_reads_one_read_only_transaction(seeded, tmp_path):
    with CaptureQueriesContext(connection) as queries:
        manifest = snapshot(tmp_path / "snap")

    sql = [q["sql"] for q in queries.captured_queries if q["sql"] != "BEGIN"]
    assert sql[0] == "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
    assert manifest["counts"]["quotes"] == len(FIXTURE["quotes"])
    assert connection.get_autocommit()
