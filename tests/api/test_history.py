"""GET /api/v1/<resource>/<slug>/history/: every change, from wherever it came.

Changes made through the admin, the seed and the ORM inside `recording()` each
appear with their field-level diff, source, actor and reason; a quote's spans,
themes and group links fold into the quote's history; a deleted record keeps
its history; anonymous clients and read-only keys see `editor` where editors
see who; the change feed still reports every change.
"""

import json
import shutil
from unittest.mock import ANY

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from statements.history import recording
from statements.models import (
    Change,
    PartnerKey,
    Quote,
    QuoteEvent,
    QuoteSpan,
    QuoteStakeholder,
    StakeholderGroup,
    Theme,
    ThemeEvent,
)
from statements.models.history import EVENT_MODELS
from tests.conftest import ROOT
from tests.factories import ThemeFactory

QUOTE = "blinken-mass-migration-remains-a-priority"
QUOTE_URL = f"/api/v1/quotes/{QUOTE}/history/"
POVERTY_URL = "/api/v1/themes/poverty/history/"
# Rate limit, data version, whether the slug was renamed (a 301), the quote's id,
# its 4 event tables, 5 linked models.
HISTORY_QUERIES = 14
PAGE = {
    "number": 1,
    "size": 50,
    "requested_size": 50,
    "max_size": 100,
    "size_capped": False,
    "total_pages": 1,
}


def _history(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def _key(scope: str) -> str:
    _, raw = PartnerKey.objects.create_key(name=f"{scope} partner", scope=scope)
    return raw


def _event_count() -> int:
    return sum(model.objects.count() for model in EVENT_MODELS)


def _rename_poverty():
    theme = Theme.objects.get(slug="poverty")
    with recording(source="import", actor="user:ann", reason="House style"):
        theme.name = "Poverty and want"
        theme.save()


def test_a_change_inside_recording_is_in_the_history(seeded, client):
    _rename_poverty()

    body = _history(client, POVERTY_URL)

    assert body["count"] == 2
    assert body["page"] == PAGE
    assert body["next"] is None
    assert body["previous"] is None
    updated, created = body["results"]
    assert updated == {
        "id": ANY,
        "at": ANY,
        "action": "updated",
        "source": "import",
        "actor": "editor",
        "reason": "House style",
        "changes": {"name": {"from": "Poverty", "to": "Poverty and want"}},
    }
    assert created["action"] == "created"
    assert (created["source"], created["actor"], created["reason"]) == (
        "seed",
        None,
        None,
    )
    assert created["changes"]["slug"] == {"from": None, "to": "poverty"}
    assert created["changes"]["name"] == {"from": None, "to": "Poverty"}
    assert created["changes"]["parent"] == {
        "from": None,
        "to": "root-causes-of-migration",
    }
    assert updated["at"] > created["at"]
    assert updated["id"] != created["id"]


@pytest.mark.parametrize(
    ("scope", "actor"), [("editor", "user:ann"), ("read", "editor")]
)
def test_only_editors_see_who_made_a_change(seeded, client, scope, actor):
    _rename_poverty()

    body = _history(client, POVERTY_URL, HTTP_X_API_KEY=_key(scope))

    assert body["results"][0]["actor"] == actor


def test_the_history_of_a_page_varies_with_the_credentials(seeded, client):
    response = client.get(POVERTY_URL)

    assert response.status_code == 200
    assert "Authorization" in response["Vary"]
    assert "X-API-Key" in response["Vary"]


def test_a_quotes_spans_themes_and_groups_fold_into_its_history(seeded, client):
    quote = Quote.objects.get(slug=QUOTE)
    with recording(source="shell", reason="Re-read the article"):
        QuoteSpan.objects.filter(quote=quote).update(end=108)
        quote.themes.add(Theme.objects.get(slug="poverty"))
        QuoteStakeholder.objects.create(
            quote=quote,
            group=StakeholderGroup.objects.get(slug="migrants"),
            role="addressed",
        )

    latest = _history(client, QUOTE_URL)["results"][0]

    assert latest == {
        "id": ANY,
        "at": ANY,
        "action": "updated",
        "source": "shell",
        "actor": None,
        "reason": "Re-read the article",
        "changes": {
            "spans": {
                "from": [{"start": 0, "end": 109}],
                "to": [{"start": 0, "end": 108}],
            },
            "themes": {"from": ["migration"], "to": ["migration", "poverty"]},
            "stakeholder_groups": {
                "from": [{"group": "united-states-government", "role": "mentioned"}],
                "to": [
                    {"group": "migrants", "role": "addressed"},
                    {"group": "united-states-government", "role": "mentioned"},
                ],
            },
        },
    }


def test_the_creation_of_a_quote_lists_its_rows(seeded, client):
    created = _history(client, QUOTE_URL)["results"][-1]

    assert created["action"] == "created"
    changes = created["changes"]
    assert changes["spans"] == {"from": [], "to": [{"start": 0, "end": 109}]}
    assert changes["themes"] == {"from": [], "to": ["migration"]}
    assert changes["speaker"] == {"from": None, "to": "antony-blinken"}
    assert changes["fidelity"] == {"from": None, "to": "reported"}
    assert "said_on" not in changes  # not set: null before and after
    assert "updated_at" not in changes
    assert "search_vector" not in changes


def test_a_change_in_the_admin_is_recorded_with_the_user(seeded, admin_client, client):
    theme = Theme.objects.get(slug="poverty")
    url = reverse("admin:statements_theme_change", args=[theme.pk])
    response = admin_client.post(
        url,
        {
            "slug": "poverty",
            "name": "Poverty",
            "description": "Edited: poverty as a driver of migration.",
            "parent": theme.parent_id,
        },
    )
    old_description = theme.description
    assert response.status_code == 302, response.context["adminform"].errors

    editor = _history(client, POVERTY_URL, HTTP_X_API_KEY=_key("editor"))
    public = _history(client, POVERTY_URL)

    assert editor["results"][0] == {
        "id": ANY,
        "at": ANY,
        "action": "updated",
        "source": "admin",
        "actor": "user:admin",
        "reason": None,
        "changes": {
            "description": {
                "from": old_description,
                "to": "Edited: poverty as a driver of migration.",
            }
        },
    }
    assert public["results"][0]["actor"] == "editor"


def test_the_admin_history_page_shows_the_changes(seeded, admin_client):
    _rename_poverty()
    theme = Theme.objects.get(slug="poverty")

    response = admin_client.get(
        reverse("admin:statements_theme_history", args=[theme.pk])
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Poverty and want" in html
    assert "House style" in html
    assert "user:ann" in html
    assert html.index("Poverty and want") < html.index("root-causes-of-migration")


@pytest.mark.parametrize("model", [Theme, Quote])
def test_the_change_page_links_to_the_history_and_asks_why(seeded, admin_client, model):
    record = model.objects.first()
    name = model._meta.model_name

    response = admin_client.get(
        reverse(f"admin:statements_{name}_change", args=[record.pk])
    )

    html = response.content.decode()
    assert reverse(f"admin:statements_{name}_history", args=[record.pk]) in html
    assert 'name="history_reason"' in html


@pytest.fixture
def fixture_copy(tmp_path):
    """fixtures/ in a temporary directory, to change before seeding again."""
    shutil.copytree(ROOT / "fixtures", tmp_path / "fixtures")
    return tmp_path / "fixtures" / "blinken.json"


def test_seeding_again_records_nothing(seeded, client):
    before = _event_count()
    history_before = _history(client, QUOTE_URL)

    call_command("seed", verbosity=0)

    assert _event_count() == before
    assert _history(client, QUOTE_URL) == history_before


def test_a_changed_fixture_is_recorded_as_a_change_by_the_seed(
    seeded, client, fixture_copy
):
    data = json.loads(fixture_copy.read_text())
    row = next(row for row in data["quotes"] if row["slug"] == QUOTE)
    row["provenance_note"] = "Checked against the VOA article."
    row["themes"] = ["migration", "poverty"]
    fixture_copy.write_text(json.dumps(data))

    call_command("seed", str(fixture_copy), verbosity=0)

    latest = _history(client, QUOTE_URL)["results"][0]
    assert (latest["action"], latest["source"], latest["actor"]) == (
        "updated",
        "seed",
        None,
    )
    assert latest["changes"]["provenance_note"]["to"] == (
        "Checked against the VOA article."
    )
    assert latest["changes"]["themes"] == {
        "from": ["migration"],
        "to": ["migration", "poverty"],
    }
    assert set(latest["changes"]) == {"provenance_note", "themes"}


def test_a_deleted_record_keeps_its_history(db, client):
    with recording(source="shell"):
        theme = ThemeFactory(slug="short-lived", name="Short lived")
    with recording(source="shell", reason="Duplicate of poverty"):
        theme.delete()

    assert client.get("/api/v1/themes/short-lived/").status_code == 410
    body = _history(client, "/api/v1/themes/short-lived/history/")

    deleted, created = body["results"]
    assert deleted["action"] == "deleted"
    assert deleted["reason"] == "Duplicate of poverty"
    assert deleted["changes"]["name"] == {"from": "Short lived", "to": None}
    assert created["action"] == "created"


def test_a_slug_no_record_ever_had_is_404(db, client):
    response = client.get("/api/v1/themes/never-was/history/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "No theme ever had the slug 'never-was'."


def test_the_history_takes_only_page_parameters(seeded, client):
    response = client.get(POVERTY_URL, {"fields": "name", "parent": "x"})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert {error["parameter"] for error in response.json()["errors"]} == {
        "fields",
        "parent",
    }


def test_the_history_pages(seeded, client):
    for name in ("One", "Two", "Three"):
        with recording(source="shell"):
            Theme.objects.filter(slug="poverty").update(name=name)

    body = _history(client, POVERTY_URL + "?page_size=2&page=2")

    assert body["count"] == 4
    assert body["page"]["total_pages"] == 2
    assert [entry["action"] for entry in body["results"]] == ["updated", "created"]
    assert body["results"][0]["changes"]["name"] == {"from": "Poverty", "to": "One"}
    assert client.get(POVERTY_URL + "?page=3").status_code == 404


def test_every_resource_has_a_history(seeded, client):
    for route, slug in [
        ("speakers", "antony-blinken"),
        ("events", "ministerial-conference-on-migration-and-protection-2022"),
        ("themes", "poverty"),
        ("stakeholder-groups", "migrants"),
        ("statements", "voa-blinken-on-meeting-the-migration-challenge"),
        ("quotes", QUOTE),
    ]:
        body = _history(client, f"/api/v1/{route}/{slug}/history/")
        assert [entry["action"] for entry in body["results"]] == ["created"], route
        assert body["results"][0]["changes"]["slug"]["to"] == slug


@pytest.mark.urls("tests.api.history_urls")
def test_an_api_write_records_the_key_that_authenticated_it(db, client):
    ThemeFactory(slug="renamed", name="Before")
    key = _key("editor")
    prefix = key.split(".")[0]

    response = client.post(
        "/test-only/themes/renamed/rename/",
        {"name": "After"},
        format="json",
        HTTP_X_API_KEY=key,
    )

    assert response.status_code == 200, response.content
    latest = _history(client, "/api/v1/themes/renamed/history/", HTTP_X_API_KEY=key)
    assert latest["results"][0]["source"] == "api"
    assert latest["results"][0]["actor"] == f"key:{prefix}"
    assert latest["results"][0]["changes"] == {
        "name": {"from": "Before", "to": "After"}
    }


@pytest.mark.urls("tests.api.history_urls")
def test_a_signed_in_user_writes_nothing_through_the_api(db, client):
    ThemeFactory(slug="renamed", name="Before")
    user = User.objects.create_superuser("editor-ann", password="x")
    client.force_login(user)

    # The API authenticates by key only: a session is no editor there.
    response = client.post(
        "/test-only/themes/renamed/rename/", {"name": "After"}, format="json"
    )

    assert response.status_code == 401
    assert ThemeEvent.objects.filter(pgh_label="updated").count() == 0


def test_reads_open_no_history_context(seeded, client):
    with connection.execute_wrapper(_refuse_context):
        response = client.get(POVERTY_URL)
    assert response.status_code == 200


def _refuse_context(execute, sql, params, many, context):
    assert "pghistory.context" not in sql
    return execute(sql, params, many, context)


def test_history_rows_are_no_public_data(seeded):
    """Event rows neither enter the change feed nor move the data version (which
    only the feed's rows move); the change they record does."""
    feed = Change.objects.count()

    QuoteEvent.objects.filter(pgh_obj__slug=QUOTE).update(pgh_label="updated")
    ThemeEvent.objects.filter(slug="poverty").delete()

    assert Change.objects.count() == feed
    Quote.objects.get(slug=QUOTE).delete()
    assert Change.objects.count() > feed


def test_the_history_costs_the_same_for_1_and_11_changes(
    seeded, client, django_assert_num_queries
):
    """The event tables are read once each, and the slugs once per linked model
    (twice when some are deleted): the number of changes does not matter. The
    rest is what every request costs (rate limit, data version)."""
    with django_assert_num_queries(HISTORY_QUERIES):
        assert client.get(QUOTE_URL).json()["count"] == 1

    quote = Quote.objects.get(slug=QUOTE)
    themes = list(Theme.objects.exclude(quotes=quote)[:10])
    for index, theme in enumerate(themes):
        with recording(source="shell", reason=f"Change {index}"):
            quote.provenance_note = f"Note {index}"
            quote.save()
            quote.themes.add(theme)
            QuoteSpan.objects.filter(quote=quote).update(end=109 - index)
    with recording(source="shell", reason="Not a theme after all"):
        quote.themes.remove(themes[0])
        themes[0].delete()

    with django_assert_num_queries(HISTORY_QUERIES + 1):  # + a deleted theme's slug
        body = client.get(QUOTE_URL).json()
    assert body["count"] == 12
    assert body["results"][0]["changes"] == {
        "themes": {
            "from": sorted(["migration", *(theme.slug for theme in themes)]),
            "to": sorted(["migration", *(theme.slug for theme in themes[1:])]),
        }
    }


def test_a_change_in_manage_py_shell_is_recorded_as_shell(seeded, client):
    call_command(
        "shell",
        command=(
            "from statements.models import Theme; "
            "Theme.objects.filter(slug='poverty').update(name='Want')"
        ),
    )

    latest = _history(client, POVERTY_URL)["results"][0]
    assert (latest["source"], latest["actor"], latest["changes"]) == (
        "shell",
        None,
        {"name": {"from": "Poverty", "to": "Want"}},
    )


def test_a_change_outside_any_recording_is_recorded_as_system(db, client):
    theme = ThemeFactory(slug="plain", name="Plain")
    Theme.objects.filter(pk=theme.pk).update(name="Plainer")

    results = _history(client, "/api/v1/themes/plain/history/")["results"]

    assert [(entry["source"], entry["actor"]) for entry in results] == [
        ("system", None)
    ]
    assert results[0]["action"] == "created"
    assert results[0]["changes"]["name"] == {"from": None, "to": "Plainer"}


def test_the_admin_form_takes_a_reason_for_the_history(seeded, admin_client, client):
    theme = Theme.objects.get(slug="poverty")
    url = reverse("admin:statements_theme_change", args=[theme.pk])
    response = admin_client.post(
        url,
        {
            "slug": "poverty",
            "name": "Poverty and want",
            "description": theme.description,
            "parent": theme.parent_id,
            "history_reason": "The article says want",
        },
    )
    assert response.status_code == 302, response.context["adminform"].errors

    latest = _history(client, POVERTY_URL)["results"][0]
    assert (latest["source"], latest["reason"], latest["changes"]) == (
        "admin",
        "The article says want",
        {"name": {"from": "Poverty", "to": "Poverty and want"}},
    )
