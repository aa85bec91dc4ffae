"""Organizations (issue 11): the resource, its filters, exports, writes, history
and change feed, and the records that link it: roles, event hosts, statement
authors and publishers."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from statements.choices import KeyScope
from statements.models import Organization, PartnerKey
from tests.api.helpers import (
    CONFERENCE,
    FIXTURE,
    QUOTES_IN_ORDER,
    SPEAKER,
    STATEMENT,
    STRONG_INTEREST,
    assert_problem,
    brief,
    expected_host,
    expected_organization,
    row,
    slugs,
    strip_timestamps,
    url,
)
from tests.factories import OrganizationFactory
from tests.sync.test_change_feed import _drain

API = "/api/v1"
VOA = "voice-of-america"
STATE = "us-department-of-state"
US_GOVERNMENT = "government-of-the-united-states"
PANAMA = "government-of-panama"
PANAMA_MFA = "panama-ministry-of-foreign-affairs"
BY_NAME = [PANAMA, US_GOVERNMENT, PANAMA_MFA, STATE, VOA]


@pytest.fixture
def editor(db):
    _, raw = PartnerKey.objects.create_key(name="Newsroom", scope=KeyScope.EDITOR)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


# --- Reading -------------------------------------------------------------------------


def test_the_list_has_every_seeded_organization_by_name(client, seeded):
    response = client.get(f"{API}/organizations/")

    assert response.status_code == 200
    assert strip_timestamps(response.json()["results"]) == [
        expected_organization(slug) for slug in BY_NAME
    ]


def test_voice_of_america_is_listed(client, seeded):
    assert VOA in slugs(client.get(f"{API}/organizations/"))


def test_the_state_department_is_probably_wikidata_q789915_under_the_government(
    client, seeded
):
    body = client.get(f"{API}/organizations/{STATE}/").json()

    assert body["wikidata_id"] == "Q789915"
    assert body["wikidata_certainty"] == "probable"
    assert body["classification"] == "government_department"
    assert body["parent"] == brief("organizations", US_GOVERNMENT)


def test_no_government_has_the_id_of_a_place(client, seeded):
    ids = {item["wikidata_id"] for item in FIXTURE["organizations"]}

    # Q804 is the country Panama and Q3306 Panama City: places, not bodies.
    assert ids == {None, "Q789915"}
    assert not Organization.objects.filter(wikidata_id__in=["Q804", "Q3306"]).exists()


def test_voas_parent_is_unknown(client, seeded):
    body = client.get(f"{API}/organizations/{VOA}/").json()

    assert body["parent"] is None
    assert body["wikidata_id"] is None
    assert body["wikidata_certainty"] is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("classification=government", [PANAMA, US_GOVERNMENT]),
        ("classification=news_media", [VOA]),
        (
            "classification=news_media,government_department",
            [PANAMA_MFA, STATE, VOA],
        ),
        (
            "classification=news_media&classification=government_department",
            [PANAMA_MFA, STATE, VOA],
        ),
        (f"parent={US_GOVERNMENT}", [STATE]),
        (f"parent={PANAMA},{US_GOVERNMENT}", [PANAMA_MFA, STATE]),
        (f"parent={PANAMA}&classification=government", []),
        ("top_level=true", [PANAMA, US_GOVERNMENT, VOA]),
        ("top_level=false", [PANAMA_MFA, STATE]),
        ("q=voice", [VOA]),
        ("q=foreign affairs", [PANAMA_MFA]),
        ("q=department", [STATE]),
        ("ordering=-name", list(reversed(BY_NAME))),
    ],
)
def test_filters(client, seeded, query, expected):
    response = client.get(f"{API}/organizations/?{query}")

    assert slugs(response) == expected
    assert response.json()["count"] == len(expected)


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("classification=newspaper", "classification"),
        ("parent=nowhere", "parent"),
        ("top_level=maybe", "top_level"),
        ("q=" + "x" * 600, "q"),
        ("clasification=government", "clasification"),
    ],
)
def test_bad_filters_are_400_naming_the_parameter(client, seeded, query, parameter):
    assert_problem(client.get(f"{API}/organizations/?{query}"), 400, parameter)


def test_the_unknown_parameter_suggests_the_closest(client, seeded):
    body = assert_problem(
        client.get(f"{API}/organizations/?clasification=government"),
        400,
        "clasification",
    )

    assert "classification" in body["errors"][0]["message"]


# --- What links organizations ------------------------------------------------------


def test_the_conference_is_hosted_by_panama_and_co_hosted_by_the_united_states(
    client, seeded
):
    body = client.get(f"{API}/events/{CONFERENCE}/").json()

    assert body["hosts"] == [
        {**brief("organizations", PANAMA), "role": "host"},
        {**brief("organizations", US_GOVERNMENT), "role": "co_host"},
    ]
    assert body["hosts"] == [
        expected_host(h) for h in row("events", CONFERENCE)["hosts"]
    ]


def test_the_role_links_its_organization(client, seeded):
    (role,) = client.get(f"{API}/speakers/{SPEAKER}/").json()["roles"]

    assert role["organization"] == brief("organizations", STATE)


def test_the_role_of_the_day_and_the_citation_read_well(client, seeded):
    body = client.get(f"{API}/quotes/{STRONG_INTEREST}/").json()

    assert body["speaker_role"] == {
        "title": "Secretary of State",
        "organization": "U.S. Department of State",
    }
    assert body["source"]["publisher"] == "Voice of America"
    assert body["citation"].startswith(
        "Antony Blinken (Secretary of State, U.S. Department of State), "
    )
    assert (
        "\u201d, Voice of America, n.d., https://editorials.voa.gov/"
        in (body["citation"])
    )


def test_every_quote_is_blinkens_and_the_editorial_is_voas(client, seeded):
    quotes = client.get(f"{API}/quotes/?fields=slug,speaker").json()["results"]
    statement = client.get(f"{API}/statements/{STATEMENT}/").json()

    assert sorted(q["slug"] for q in quotes) == sorted(QUOTES_IN_ORDER)
    assert {q["speaker"]["slug"] for q in quotes} == {SPEAKER}
    assert statement["author"] == {
        "type": "organization",
        "slug": VOA,
        "name": "Voice of America",
        "url": url("organizations", VOA),
    }
    assert statement["publisher"] == brief("organizations", VOA)
    assert {q["speaker"]["slug"] for q in statement["quotes"]} == {SPEAKER}


def test_the_issue_requests(client, seeded):
    retired = client.get(f"{API}/statements/?speaker={SPEAKER}&theme=misinformation")
    body = assert_problem(retired, 400, "speaker")
    assert "author" in body["detail"]
    assert "quoted_speaker" in body["detail"]
    assert slugs(client.get(f"{API}/statements/?author={VOA}")) == [STATEMENT]
    assert slugs(client.get(f"{API}/statements/?quoted_speaker={SPEAKER}")) == [
        STATEMENT
    ]
    assert (
        slugs(client.get(f"{API}/statements/?author={SPEAKER}&theme=misinformation"))
        == []
    )


def test_an_organization_others_point_at_cannot_be_deleted(editor, seeded):
    detail = f"{API}/organizations/{VOA}/"
    tag = editor.get(detail)["ETag"]

    response = editor.delete(detail, HTTP_IF_MATCH=tag)

    body = assert_problem(response, 409)
    assert "statements" in body["detail"]
    assert Organization.objects.filter(slug=VOA).exists()


# --- Exports -------------------------------------------------------------------------


def _csv_rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_csv_export_has_a_row_per_organization(client, seeded):
    response = client.get(f"{API}/exports/organizations.csv")

    assert response.status_code == 200, response.content
    rows = {r["slug"]: r for r in _csv_rows(response)}
    assert list(rows) == BY_NAME
    assert rows[STATE]["wikidata_id"] == "Q789915"
    assert rows[STATE]["wikidata_certainty"] == "probable"
    assert rows[STATE]["parent_slug"] == US_GOVERNMENT
    assert rows[US_GOVERNMENT]["children"] == STATE
    assert rows[VOA]["parent_slug"] == ""


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("classification=government", [PANAMA, US_GOVERNMENT]),
        (f"parent={PANAMA}", [PANAMA_MFA]),
        ("top_level=false", [PANAMA_MFA, STATE]),
        ("q=voice", [VOA]),
    ],
)
def test_the_exports_take_the_lists_filters(client, seeded, query, expected):
    as_csv = client.get(f"{API}/exports/organizations.csv?{query}")
    as_ndjson = client.get(f"{API}/exports/organizations.ndjson?{query}")

    assert [r["slug"] for r in _csv_rows(as_csv)] == expected
    lines = b"".join(as_ndjson.streaming_content).decode().splitlines()
    assert [json.loads(line)["slug"] for line in lines] == expected


def test_a_bad_export_filter_is_a_400(client, seeded):
    assert_problem(
        client.get(f"{API}/exports/organizations.csv?parent=nowhere"), 400, "parent"
    )


def test_the_statements_csv_names_author_and_publisher(client, seeded):
    (statement,) = _csv_rows(client.get(f"{API}/exports/statements.csv"))

    assert statement["author_type"] == "organization"
    assert statement["author_slug"] == VOA
    assert statement["author_name"] == "Voice of America"
    assert statement["publisher_slug"] == VOA
    assert statement["publisher_name"] == "Voice of America"


def test_the_quotes_csv_names_the_publisher(client, seeded):
    rows = _csv_rows(client.get(f"{API}/exports/quotes.csv"))

    assert {r["publisher"] for r in rows} == {"Voice of America"}
    assert {r["speaker_role_organization"] for r in rows} == {
        "U.S. Department of State"
    }


# --- Writes, history and the change feed -------------------------------------------

DHS = {
    "slug": "us-department-of-homeland-security",
    "name": "U.S. Department of Homeland Security",
    "classification": "government_department",
    "parent": US_GOVERNMENT,
}


def test_an_editor_creates_patches_and_deletes_an_organization(editor, seeded):
    created = editor.post(f"{API}/organizations/", DHS, format="json")
    assert created.status_code == 201, created.content
    detail = f"{API}/organizations/{DHS['slug']}/"
    assert created.json()["parent"] == brief("organizations", US_GOVERNMENT)
    assert created.json()["wikidata_id"] is None

    without = editor.patch(detail, {"description": "x"}, format="json")
    assert_problem(without, 428)
    changed = editor.patch(
        detail,
        {"wikidata_id": "Q11231", "wikidata_certainty": "probable", "reason": "id"},
        format="json",
        HTTP_IF_MATCH=created["ETag"],
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["wikidata_certainty"] == "probable"
    parent = editor.get(f"{API}/organizations/{US_GOVERNMENT}/").json()
    assert DHS["slug"] in {child["slug"] for child in parent["children"]}

    history = editor.get(f"{detail}history/").json()["results"]
    assert [entry["action"] for entry in history] == ["updated", "created"]
    assert history[0]["changes"]["wikidata_id"] == {"from": None, "to": "Q11231"}
    assert history[0]["reason"] == "id"
    assert history[1]["changes"]["parent"] == {"from": None, "to": US_GOVERNMENT}

    deleted = editor.delete(detail, HTTP_IF_MATCH=changed["ETag"])
    assert deleted.status_code == 204, deleted.content
    # Gone: a deleted record's slug is never given to another one.
    assert editor.get(detail).status_code == 410
    assert editor.get(f"{detail}history/").json()["results"][0]["action"] == ("deleted")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"wikidata_id": "Q804"}, "wikidata_certainty"),
        ({"wikidata_certainty": "certain"}, "wikidata_certainty"),
        ({"wikidata_id": "804", "wikidata_certainty": "certain"}, "wikidata_id"),
        ({"classification": "newspaper"}, "classification"),
        ({"parent": "nowhere"}, "parent"),
        ({"parent": DHS["slug"]}, "parent"),
    ],
)
def test_a_bad_organization_is_refused_and_changes_nothing(editor, seeded, body, field):
    before = Organization.objects.count()

    response = editor.post(f"{API}/organizations/", {**DHS, **body}, format="json")

    assert 400 <= response.status_code < 500, response.content
    assert_problem(response, response.status_code, field)
    assert Organization.objects.count() == before


def test_an_organization_cannot_become_its_own_ancestor(editor, seeded):
    detail = f"{API}/organizations/{US_GOVERNMENT}/"
    response = editor.patch(
        detail,
        {"parent": STATE},
        format="json",
        HTTP_IF_MATCH=editor.get(detail)["ETag"],
    )

    assert_problem(response, 422, "parent")


def test_a_statement_is_written_with_its_author_and_publisher(editor, seeded):
    body = {
        "slug": "a-state-department-note",
        "title": "A note",
        "kind": "press_release",
        "author": {"type": "organization", "slug": STATE},
        "publisher": STATE,
        "source_url": "https://statements.example.org/a-note",
        "language": "en",
        "license": "Public domain",
        "text": "A short note.",
    }

    created = editor.post(f"{API}/statements/", body, format="json")

    assert created.status_code == 201, created.content
    assert created.json()["author"]["slug"] == STATE
    assert created.json()["author"]["type"] == "organization"
    assert created.json()["publisher"] == brief("organizations", STATE)
    detail = f"{API}/statements/{body['slug']}/"
    person = editor.patch(
        detail,
        {"author": {"type": "speaker", "slug": SPEAKER}},
        format="json",
        HTTP_IF_MATCH=created["ETag"],
    )
    assert person.status_code == 200, person.content
    assert person.json()["author"]["type"] == "speaker"
    bad = editor.patch(
        detail,
        {"author": {"type": "speaker", "slug": VOA}},
        format="json",
        HTTP_IF_MATCH=person["ETag"],
    )
    assert_problem(bad, bad.status_code, "author")
    assert 400 <= bad.status_code < 500


def test_an_events_hosts_are_written_with_their_roles(editor, seeded):
    detail = f"{API}/events/{CONFERENCE}/"
    response = editor.patch(
        detail,
        {"hosts": [{"slug": PANAMA, "role": "host"}]},
        format="json",
        HTTP_IF_MATCH=editor.get(detail)["ETag"],
    )

    assert response.status_code == 200, response.content
    assert response.json()["hosts"] == [
        {**brief("organizations", PANAMA), "role": "host"}
    ]
    history = editor.get(f"{detail}history/").json()["results"]
    assert history[0]["changes"]["hosts"]["to"] == [{"slug": PANAMA, "role": "host"}]


@pytest.fixture
def committed(transactional_db):
    call_command("seed", verbosity=0)


def test_the_change_feed_shows_organizations_and_what_shows_them(committed):
    _, raw = PartnerKey.objects.create_key(name="Desk", scope=KeyScope.EDITOR)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    seeded_changes, cursor = _drain(client)
    assert ("organization", VOA, "created") in {
        (c["type"], c["slug"], c["change"]) for c in seeded_changes
    }

    detail = f"{API}/organizations/{VOA}/"
    renamed = client.patch(
        detail, {"name": "VOA"}, format="json", HTTP_IF_MATCH=client.get(detail)["ETag"]
    )
    assert renamed.status_code == 200, renamed.content
    changes, _ = _drain(client, cursor)

    summary = {(c["type"], c["slug"], c["change"]) for c in changes}
    assert ("organization", VOA, "updated") in summary
    # The editorial shows it as author and publisher; its quotes in their source.
    assert ("statement", STATEMENT, "updated") in summary
    assert {("quote", slug, "updated") for slug in QUOTES_IN_ORDER} <= summary
    quote = client.get(f"{API}/quotes/{STRONG_INTEREST}/").json()
    assert quote["source"]["publisher"] == "VOA"


def test_renaming_the_department_updates_the_speaker_and_the_role_of_the_day(
    committed,
):
    _, raw = PartnerKey.objects.create_key(name="Desk", scope=KeyScope.EDITOR)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    _, cursor = _drain(client)
    detail = f"{API}/organizations/{STATE}/"

    client.patch(
        detail,
        {"name": "Department of State"},
        format="json",
        HTTP_IF_MATCH=client.get(detail)["ETag"],
    )
    changes, _ = _drain(client, cursor)

    summary = {(c["type"], c["slug"]) for c in changes}
    assert ("speaker", SPEAKER) in summary
    assert ("quote", STRONG_INTEREST) in summary
    role = client.get(f"{API}/quotes/{STRONG_INTEREST}/").json()["speaker_role"]
    assert role["organization"] == "Department of State"


# --- Cost --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_list_costs_the_same_for_3_and_30_organizations(
    client, django_assert_num_queries
):
    """The rate-limit counter, the data version, the count, the page's ids, its
    rows and the children of all of them: 6, whatever the number of rows."""
    parent = OrganizationFactory()
    for _ in range(2):
        OrganizationFactory(parent=parent)
    with django_assert_num_queries(6):
        few = client.get(f"{API}/organizations/")
    assert few.json()["count"] == 3

    for _ in range(9):
        child = OrganizationFactory(parent=parent)
        OrganizationFactory(parent=child)
        OrganizationFactory(parent=child)
    with django_assert_num_queries(6):
        many = client.get(f"{API}/organizations/")
    assert many.json()["count"] == 30


def test_a_slug_another_write_took_first_is_a_409(editor, seeded, monkeypatch):
    """The race make fuzz found: full_clean saw the slug free, the database's
    unique constraint then refused it (the other write won)."""
    monkeypatch.setattr(
        Organization, "validate_unique", lambda self, exclude=None: None
    )
    before = Organization.objects.count()

    response = editor.post(f"{API}/organizations/", {**DHS, "slug": VOA}, format="json")

    assert_problem(response, 409, "slug")
    assert Organization.objects.count() == before
