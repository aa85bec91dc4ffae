"""The change feed and keyset sync pages, and the example sync script end to end."""

import json
import subprocess
import sys

import httpx
import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from statements.models import Change, Event, Quote, Speaker, Statement, Theme
from tests.conftest import ROOT

FEED = "/api/v1/changes/"


@pytest.fixture
def committed(transactional_db):
    """Seeded data that is committed: the feed shows only settled transactions."""
    call_command("seed", verbosity=0)


def _feed(client, **params):
    response = client.get(FEED, params)
    assert response.status_code == 200, response.content
    return response.json()


def _drain(client, since=None):
    changes, cursor = [], since
    while True:
        body = _feed(client, **({"since": cursor} if cursor else {}), limit=7)
        changes.extend(body["results"])
        cursor = body["next_cursor"]
        if not body["has_more"]:
            return changes, cursor


def test_feed_replays_every_seeded_record_as_created(client, committed):
    changes, _ = _drain(client)
    created = {(c["type"], c["slug"]) for c in changes if c["change"] == "created"}
    expected = {
        ("quote", slug) for slug in Quote.objects.values_list("slug", flat=True)
    }
    expected |= {
        ("theme", slug) for slug in Theme.objects.values_list("slug", flat=True)
    }
    assert expected <= created
    assert len(changes) == len({(c["type"], c["slug"], c["change"]) for c in changes})
    quote_change = next(c for c in changes if c["type"] == "quote")
    assert (
        quote_change["url"]
        == f"http://testserver/api/v1/quotes/{quote_change['slug']}/"
    )


def test_feed_reports_update_delete_and_resumes_from_cursor(client, committed):
    _, cursor = _drain(client)
    theme = Theme.objects.get(slug="poverty")
    theme.description = "Poverty as a driver of migration."
    theme.save()
    quote = Quote.objects.get(slug="blinken-stand-together-to-meet-the-challenge")
    quote.delete()

    changes, next_cursor = _drain(client, cursor)
    summary = [(c["type"], c["slug"], c["change"]) for c in changes]
    assert ("theme", "poverty", "updated") in summary
    assert (
        "quote",
        "blinken-stand-together-to-meet-the-challenge",
        "deleted",
    ) in summary
    deleted = next(c for c in changes if c["change"] == "deleted")
    assert deleted["url"] is None
    # Nothing new: resuming from the new cursor returns nothing and keeps it.
    body = _feed(client, since=next_cursor)
    assert body["results"] == []
    assert body["next_cursor"] == next_cursor


def test_a_change_to_a_quotes_themes_is_an_update_of_the_quote(client, committed):
    _, cursor = _drain(client)
    quote = Quote.objects.get(slug="blinken-strong-interest-in-border-security")
    quote.themes.add(Theme.objects.get(slug="insecurity"))
    changes, _ = _drain(client, cursor)
    # The theme is updated too: its quote_count changed, and so did the counts
    # of the themes above it, which include their descendants' quotes.
    # (One transaction: the feed gives its changes together, in no set order.)
    assert sorted((c["type"], c["slug"], c["change"]) for c in changes) == [
        ("quote", "blinken-strong-interest-in-border-security", "updated"),
        ("theme", "insecurity", "updated"),
        ("theme", "migration", "updated"),
        ("theme", "root-causes-of-migration", "updated"),
    ]


def test_moving_a_quote_to_a_sub_event_updates_the_events_above(client, committed):
    _, cursor = _drain(client)
    session = "ministerial-conference-on-migration-and-protection-2022-session-"
    session += "stabilization-of-communities"
    Quote.objects.filter(slug="blinken-stand-together-to-meet-the-challenge").update(
        event=Event.objects.get(slug=session)
    )
    changes, _ = _drain(client, cursor)
    # The conference loses a direct quote and gains one through its session
    # (the statement lists the quote in full).
    assert {(c["type"], c["slug"], c["change"]) for c in changes} == {
        ("quote", "blinken-stand-together-to-meet-the-challenge", "updated"),
        ("statement", "voa-blinken-on-meeting-the-migration-challenge", "updated"),
        ("event", "ministerial-conference-on-migration-and-protection-2022", "updated"),
        ("event", session, "updated"),
    }


def test_moving_a_theme_updates_the_counts_above_its_old_and_new_place(
    client, committed
):
    _, cursor = _drain(client)
    Theme.objects.filter(slug="host-communities").update(
        parent=Theme.objects.get(slug="root-causes-of-migration")
    )
    changes, _ = _drain(client, cursor)
    assert {
        ("theme", "root-causes-of-migration", "updated"),
        ("theme", "migration", "updated"),
    } <= {(c["type"], c["slug"], c["change"]) for c in changes}


def test_slug_change_is_one_renamed_change_naming_the_old_slug(client, committed):
    _, cursor = _drain(client)
    Theme.objects.filter(slug="poverty").update(slug="extreme-poverty")
    changes, _ = _drain(client, cursor)
    # Records that show the theme (its parent's children, the statement's themes)
    # are updated too, so a replica refreshes them.
    assert [
        (c["type"], c["slug"], c["change"], c["previous_slug"]) for c in changes
    ] == [
        ("theme", "extreme-poverty", "renamed", "poverty"),
        ("theme", "root-causes-of-migration", "updated", None),
        (
            "statement",
            "voa-blinken-on-meeting-the-migration-challenge",
            "updated",
            None,
        ),
    ]
    assert changes[0]["url"] == "http://testserver/api/v1/themes/extreme-poverty/"


def test_since_now_returns_the_head_without_changes(client, committed):
    body = _feed(client, since="now")
    assert body["results"] == []
    assert body["has_more"] is False
    _, drained_cursor = _drain(client)
    assert body["next_cursor"] == drained_cursor


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"since": "not-a-cursor"}, "since"),
        ({"since": "WzEsMiwzXQ"}, "since"),
        ({"limit": "0"}, "limit"),
        ({"limit": "1001"}, "limit"),
        ({"limit": "ten"}, "limit"),
    ],
)
def test_bad_feed_parameters_are_400_problems(client, params, parameter):
    response = client.get(FEED, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["parameter"] == parameter


def test_changes_of_a_running_transaction_stay_hidden_until_it_commits(
    client, committed
):
    """A change that commits late must not land behind a reader's cursor."""
    _, cursor = _drain(client)
    settings_dict = connection.settings_dict
    other = psycopg.connect(
        dbname=settings_dict["NAME"],
        user=settings_dict["USER"],
        host=settings_dict["HOST"],
        port=settings_dict["PORT"] or None,
        autocommit=False,
    )
    try:
        with other.cursor() as cur:
            cur.execute(
                "UPDATE statements_theme SET description = 'late' "
                "WHERE slug = 'poverty'"
            )
            # Meanwhile another writer commits a later change.
            Theme.objects.filter(slug="corruption").update(description="early")
            changes, after = _drain(client, cursor)
            assert changes == []  # the early commit waits behind the open one
            assert after == cursor
        other.commit()
    finally:
        other.close()
    changes, _ = _drain(client, cursor)
    assert {"poverty", "corruption"} <= {c["slug"] for c in changes}


# --- Keyset sync pages ---------------------------------------------------------------


def test_sync_pages_walk_every_row_once_in_updated_order(client, seeded):
    seen, url, params = [], "/api/v1/quotes/", {"updated_since": "2000-01-01T00:00:00Z"}
    params["page_size"] = 2
    while url:
        response = client.get(url, params)
        assert response.status_code == 200
        body = response.json()
        assert body["count"] is None
        assert body["page"] is None
        seen.extend(item["slug"] for item in body["results"])
        url, params = body["next"], {}
    assert sorted(seen) == sorted(Quote.objects.values_list("slug", flat=True))
    assert len(seen) == len(set(seen))


def test_a_row_edited_during_a_sync_comes_again_at_the_end(client, seeded):
    first = client.get(
        "/api/v1/quotes/", {"updated_since": "2000-01-01", "page_size": 2}
    )
    first_slugs = [item["slug"] for item in first.json()["results"]]
    Quote.objects.get(slug=first_slugs[0]).save()  # edited after it was read
    seen = list(first_slugs)
    url = first.json()["next"]
    while url:
        body = client.get(url).json()
        seen.extend(item["slug"] for item in body["results"])
        url = body["next"]
    assert seen.count(first_slugs[0]) == 2
    assert set(seen) == set(Quote.objects.values_list("slug", flat=True))


def test_updated_since_filters_by_time(client, seeded):
    quote = Quote.objects.get(slug="blinken-strong-interest-in-border-security")
    quote.save()
    since = quote.updated_at.isoformat()
    body = client.get("/api/v1/quotes/", {"updated_since": since}).json()
    assert [item["slug"] for item in body["results"]] == [quote.slug]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"updated_since": "2022-13-45"}, "updated_since"),
        ({"cursor": "garbage"}, "cursor"),
        ({"cursor": "WyJ4IiwxXQ"}, "cursor"),
    ],
)
def test_bad_sync_parameters_are_400_problems(client, params, parameter):
    response = client.get("/api/v1/quotes/", params)
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["parameter"] == parameter


@pytest.mark.django_db
def test_sync_pages_ignore_ordering_and_page(client, seeded):
    plain = client.get("/api/v1/quotes/", {"updated_since": "2000-01-01"}).json()
    mixed = client.get(
        "/api/v1/quotes/",
        {"updated_since": "2000-01-01", "ordering": "-slug", "page": "2"},
    ).json()
    assert mixed["results"] == plain["results"]
    assert plain["page"] is None


# --- The example partner script against a live server ---


def _server_state(base_url):
    """Every record as the API serves it: list items, statement details."""
    from examples.sync import RESOURCES

    state = {}
    with httpx.Client(base_url=base_url) as http:
        for type_name, path in RESOURCES.items():
            state[type_name] = {}
            url, params = f"/api/v1/{path}/", {"page_size": 100}
            while url:
                body = http.get(url, params=params).json()
                for item in body["results"]:
                    if type_name == "statement":
                        item = http.get(item["url"]).json()
                    state[type_name][item["slug"]] = item
                url, params = body["next"], {}
    return state


def _run_sync(base_url, state_path):
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "examples" / "sync.py"),
            "--base-url",
            base_url,
            "--state",
            str(state_path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _replica_matches(state_path, base_url):
    replica = json.loads(state_path.read_text())["records"]
    server = _server_state(base_url)
    assert {k: set(v) for k, v in replica.items()} == {
        k: set(v) for k, v in server.items()
    }
    for type_name, records in server.items():
        for slug, item in records.items():
            local = replica[type_name][slug]
            assert {k: local.get(k) for k in item} == item, (type_name, slug)


@pytest.mark.slow
def test_example_sync_script_replays_to_the_servers_exact_data(
    live_server, tmp_path, settings
):
    # Two syncs and two full reads of the server: more than the anonymous quota.
    settings.RATE_LIMIT_ANONYMOUS = 1000
    call_command("seed", verbosity=0)
    state_path = tmp_path / "replica.json"
    first = _run_sync(live_server.url, state_path)
    assert first["records"]["quote"] == Quote.objects.count()
    _replica_matches(state_path, live_server.url)

    # The server changes: an edit, a deletion, a new record, a slug change.
    theme = Theme.objects.get(slug="corruption")
    theme.description = "Corruption, a root cause of migration."
    theme.save()
    Quote.objects.get(slug="blinken-stand-together-to-meet-the-challenge").delete()
    statement = Statement.objects.get()
    statement.provenance_note += " Checked again."
    statement.save()
    Theme.objects.create(slug="new-theme", name="A new theme")
    Theme.objects.filter(slug="insecurity").update(slug="insecurity-and-violence")
    # A record updated, then renamed twice: its earlier changes' URLs redirect.
    speaker = Speaker.objects.get(slug="antony-blinken")
    speaker.biography += " Secretary of State."
    speaker.save()
    Speaker.objects.filter(pk=speaker.pk).update(slug="blinken")
    Speaker.objects.filter(pk=speaker.pk).update(slug="antony-j-blinken")

    second = _run_sync(live_server.url, state_path)
    assert second["applied_changes"] >= 8
    _replica_matches(state_path, live_server.url)
    records = json.loads(state_path.read_text())["records"]
    assert "blinken-stand-together-to-meet-the-challenge" not in records["quote"]
    assert set(records["speaker"]) == {"antony-j-blinken"}
    assert Change.objects.filter(action="deleted").count() == 1
    assert list(
        Change.objects.filter(action="renamed").values_list("previous_slug", "slug")
    ) == [
        ("insecurity", "insecurity-and-violence"),
        ("antony-blinken", "blinken"),
        ("blinken", "antony-j-blinken"),
    ]


@pytest.mark.django_db
def test_the_triggers_find_a_records_earlier_change_through_its_own_index(seeded):
    """The duplicate check runs for every row a trigger touches: on an index
    led by transaction_id the planner took change_cursor_idx and read every row
    of the transaction so far (quadratic in its size; docs/performance.md)."""
    with connection.cursor() as cursor:
        # Only an index decision is asked for: a table this small would be read whole.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT 1 FROM statements_change c WHERE "
            "c.resource_type || ':' || c.object_id::text || ':' || "
            "c.transaction_id::text = %s || ':' || %s::text || ':' || "
            "pg_current_xact_id()::text AND c.action IN ('created', 'updated')",
            ["quote", Quote.objects.values_list("id", flat=True).first()],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "change_record_idx" in plan, plan

    Quote.objects.update(text="x")  # every quote, and each statement, once
    quotes = Quote.objects.count()
    changed = Change.objects.filter(transaction_id=_current_transaction())
    assert changed.filter(resource_type="quote").count() == quotes
    assert (
        changed.filter(resource_type="statement").count() == Statement.objects.count()
    )


def _current_transaction() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_xact_id()::text::bigint")
        return cursor.fetchone()[0]
