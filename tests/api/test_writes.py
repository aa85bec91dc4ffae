"""The write API through HTTP: who may write, the rules, preconditions, idempotency.

Every refused write is checked to change nothing: a fingerprint of every row of
the speech tables (and the retired slugs, idempotency keys and change feed) is
the same before and after.
"""

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.middleware.csrf import _get_new_csrf_string
from rest_framework.test import APIClient

from statements.api.permissions import EDITORS_GROUP
from statements.choices import KeyScope
from statements.models import PartnerKey, Quote, QuoteSpan, Statement, Theme
from tests.api.helpers import (
    MASS_MIGRATION,
    PROBLEM_TYPE,
    STATEMENT,
    STATEMENT_TEXT,
)
from tests.conftest import connect_test_database
from tests.sync.test_change_feed import _drain

API = "/api/v1"
TABLES = (
    "statements_organization",
    "statements_eventhost",
    "statements_speaker",
    "statements_speakerrole",
    "statements_event",
    "statements_theme",
    "statements_stakeholdergroup",
    "statements_statement",
    "statements_statement_themes",
    "statements_statement_stakeholder_groups",
    "statements_quote",
    "statements_quote_themes",
    "statements_quotespan",
    "statements_quotestakeholder",
    "statements_retiredslug",
    "statements_idempotencykey",
    "statements_change",
)


def fingerprint() -> dict[str, str]:
    """An md5 of every row of each table, in a stable order."""
    prints = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' "
                f"ORDER BY t::text), '')) FROM {table} t"
            )
            prints[table] = cursor.fetchone()
    return prints


@pytest.fixture
def reader(db):
    _, raw = PartnerKey.objects.create_key(name="Partner")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


def session_client(user) -> APIClient:
    """A browser-like client: logged in, sending the CSRF cookie and header."""
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    token = _get_new_csrf_string()
    client.cookies["csrftoken"] = token
    client.credentials(HTTP_X_CSRFTOKEN=token)
    return client


@pytest.fixture
def editor_user(db):
    user = User.objects.create_user("ada", password="x")
    user.groups.add(Group.objects.get_or_create(name=EDITORS_GROUP)[0])
    return user


def assert_problem(response, status, *fields):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM_TYPE
    body = response.json()
    assert body["status"] == status
    named = {e["parameter"] for e in body.get("errors", [])}
    for field in fields:
        assert any(
            name == field or name.startswith((f"{field}.", f"{field}["))
            for name in named
        ), (field, body)
    return body


def etag_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response["ETag"]


THEME = {"slug": "labour-migration", "name": "Labour migration", "parent": "migration"}


# --- Who may write ---------------------------------------------------------------


def test_an_editor_key_creates_changes_and_deletes_a_theme(editor, seeded):
    created = editor.post(f"{API}/themes/", THEME, format="json")
    assert created.status_code == 201, created.content
    url = f"http://testserver{API}/themes/labour-migration/"
    assert created["Location"] == url
    body = created.json()
    assert body["slug"] == "labour-migration"
    assert body["parent"]["slug"] == "migration"
    assert created["ETag"].startswith('"')
    assert etag_of(editor, url) == created["ETag"]

    changed = editor.patch(
        url,
        {"description": "Moving for work.", "reason": "A description"},
        format="json",
        HTTP_IF_MATCH=created["ETag"],
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["description"] == "Moving for work."
    assert changed.json()["name"] == "Labour migration"
    assert changed["ETag"] != created["ETag"]
    assert etag_of(editor, url) == changed["ETag"]
    parent = editor.get(f"{API}/themes/migration/").json()
    assert "labour-migration" in {child["slug"] for child in parent["children"]}

    deleted = editor.delete(f"{url}?reason=duplicate", HTTP_IF_MATCH=changed["ETag"])
    assert deleted.status_code == 204, deleted.content
    assert deleted.content == b""
    assert editor.get(url).status_code == 410


def test_put_replaces_the_record(editor, seeded):
    url = f"{API}/stakeholder-groups/ngos/"
    before = editor.get(url)
    response = editor.put(
        url,
        {"slug": "ngos", "name": "NGOs", "category": "civil_society"},
        format="json",
        HTTP_IF_MATCH=before["ETag"],
    )
    assert response.status_code == 200, response.content
    assert response.json()["description"] == ""
    assert response.json()["name"] == "NGOs"


def test_an_editors_group_user_writes_through_the_session(editor_user, seeded):
    client = session_client(editor_user)
    response = client.post(
        f"{API}/stakeholder-groups/",
        {"slug": "employers", "name": "Employers", "category": "private_sector"},
        format="json",
    )
    assert response.status_code == 201, response.content
    etag = response["ETag"]
    response = client.delete(f"{API}/stakeholder-groups/employers/", HTTP_IF_MATCH=etag)
    assert response.status_code == 204, response.content


def test_a_session_write_without_the_csrf_token_is_refused(editor_user, seeded):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(editor_user)
    before = fingerprint()
    response = client.post(f"{API}/themes/", THEME, format="json")
    assert_problem(response, 403)
    assert "CSRF" in response.json()["detail"]
    assert fingerprint() == before


def test_a_user_outside_the_editors_group_may_not_write(db, seeded):
    user = User.objects.create_user("bob", password="x")
    response = session_client(user).post(f"{API}/themes/", THEME, format="json")
    assert_problem(response, 403)


def test_anonymous_writes_are_401_with_the_schemes(client, seeded):
    before = fingerprint()
    response = client.post(f"{API}/themes/", THEME, format="json")
    assert_problem(response, 401)
    assert "Api-Key" in response["WWW-Authenticate"]
    assert fingerprint() == before


def test_a_read_only_key_is_403(reader, seeded):
    before = fingerprint()
    response = reader.post(f"{API}/themes/", THEME, format="json")
    body = assert_problem(response, 403)
    assert "editor" in body["detail"]
    etag = etag_of(reader, f"{API}/themes/migration/")
    response = reader.delete(f"{API}/themes/migration/", HTTP_IF_MATCH=etag)
    assert_problem(response, 403)
    assert fingerprint() == before


def test_methods_a_route_does_not_take_are_405(editor, seeded):
    assert_problem(editor.put(f"{API}/themes/", THEME, format="json"), 405)
    assert_problem(editor.post(f"{API}/themes/migration/", THEME, format="json"), 405)
    assert_problem(editor.post(f"{API}/search/?q=x", {}, format="json"), 405)


# --- Preconditions ---------------------------------------------------------------


def test_a_change_without_if_match_is_428(editor, seeded):
    before = fingerprint()
    response = editor.patch(
        f"{API}/themes/migration/", {"name": "Migr."}, format="json"
    )
    assert_problem(response, 428)
    assert_problem(editor.delete(f"{API}/themes/poverty/"), 428)
    assert fingerprint() == before


def test_a_stale_if_match_is_412(editor, seeded):
    url = f"{API}/themes/poverty/"
    stale = etag_of(editor, url)
    response = editor.patch(
        url, {"description": "First."}, format="json", HTTP_IF_MATCH=stale
    )
    assert response.status_code == 200
    before = fingerprint()
    response = editor.patch(
        url, {"description": "Second."}, format="json", HTTP_IF_MATCH=stale
    )
    assert_problem(response, 412)
    assert_problem(editor.delete(url, HTTP_IF_MATCH=stale), 412)
    assert_problem(
        editor.delete(url, HTTP_IF_MATCH=f"W/{response['ETag']}" if 0 else 'W/"x"'),
        412,
    )
    assert fingerprint() == before


# --- Idempotency -----------------------------------------------------------------


def test_an_idempotent_post_is_replayed_and_writes_once(editor, seeded):
    first = editor.post(
        f"{API}/themes/", THEME, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert first.status_code == 201, first.content
    assert "Idempotent-Replayed" not in first
    before = fingerprint()
    again = editor.post(
        f"{API}/themes/", THEME, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert again["Location"] == first["Location"]
    assert again["ETag"] == first["ETag"]
    assert fingerprint() == before


def test_the_same_key_with_another_body_is_422(editor, seeded):
    editor.post(f"{API}/themes/", THEME, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    before = fingerprint()
    response = editor.post(
        f"{API}/themes/",
        {**THEME, "slug": "other"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-2",
    )
    assert_problem(response, 422, "Idempotency-Key")
    assert fingerprint() == before


def test_a_duplicate_in_flight_is_409(editor, seeded):
    # Another connection holds the key's lock, as a first request still running.
    prefix = PartnerKey.objects.get(name="Newsroom").prefix
    with connect_test_database() as other:
        other.execute(
            "SELECT pg_advisory_lock(hashtextextended(%s, 0))",
            [f"idempotency:key:{prefix}:k-3"],
        )
        before = fingerprint()
        response = editor.post(
            f"{API}/themes/", THEME, format="json", HTTP_IDEMPOTENCY_KEY="k-3"
        )
        assert_problem(response, 409)
        assert fingerprint() == before


# --- The rules -------------------------------------------------------------------


def quote_body(**overrides):
    return {
        "slug": "blinken-new-quote",
        "statement": STATEMENT,
        "speaker": "antony-blinken",
        "fidelity": "direct",
        "text": STATEMENT_TEXT[0:20],
        "spans": [{"start": 0, "end": 20}],
        **overrides,
    }


def test_a_quote_is_created_with_its_spans_themes_and_groups(editor, seeded):
    response = editor.post(
        f"{API}/quotes/",
        quote_body(
            themes=["migration"],
            stakeholder_groups=[{"slug": "ngos", "role": "partner"}],
        ),
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["spans"] == [{"start": 0, "end": 20}]
    assert [t["slug"] for t in body["themes"]] == ["migration"]
    assert body["stakeholder_groups"][0]["slug"] == "ngos"
    assert body["stakeholder_groups"][0]["role"] == "partner"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        (quote_body(spans=[{"start": 0, "end": 10**6}]), 422, "spans"),
        (
            quote_body(spans=[{"start": 5, "end": 9}, {"start": 0, "end": 3}]),
            422,
            "spans",
        ),
        (quote_body(text="Not what the spans read"), 422, "text"),
        (quote_body(speaker="nobody"), 422, "speaker"),
        (quote_body(slug=MASS_MIGRATION), 409, "slug"),
        (quote_body(spans="everything"), 400, "spans"),
        (quote_body(fidelity="verbatim"), 400, "fidelity"),
        (quote_body(colour="blue"), 400, "colour"),
        ({"slug": "x"}, 400, "statement"),
    ],
)
def test_a_bad_quote_names_the_field_and_writes_nothing(
    editor, seeded, body, status, field
):
    before = fingerprint()
    assert_problem(editor.post(f"{API}/quotes/", body, format="json"), status, field)
    assert fingerprint() == before


def test_a_body_that_is_not_json_is_400(editor, seeded):
    response = editor.post(
        f"{API}/themes/", "{not json", content_type="application/json"
    )
    assert_problem(response, 400)


def test_a_theme_cannot_become_its_own_ancestor(editor, seeded):
    url = f"{API}/themes/migration/"
    child = editor.get(url).json()["children"][0]["slug"]
    before = fingerprint()
    response = editor.patch(
        url, {"parent": child}, format="json", HTTP_IF_MATCH=etag_of(editor, url)
    )
    assert_problem(response, 422, "parent")
    assert fingerprint() == before


def test_an_event_cannot_become_its_own_ancestor(editor, seeded):
    from tests.api.helpers import CONFERENCE, RECEPTION

    url = f"{API}/events/{CONFERENCE}/"
    before = fingerprint()
    response = editor.patch(
        url, {"parent": RECEPTION}, format="json", HTTP_IF_MATCH=etag_of(editor, url)
    )
    assert_problem(response, 422, "parent")
    assert fingerprint() == before


def test_a_deleted_or_renamed_slug_is_never_reused(editor, seeded):
    url = f"{API}/stakeholder-groups/ngos/"
    renamed = editor.patch(
        url,
        {"slug": "non-governmental-organizations"},
        format="json",
        HTTP_IF_MATCH=etag_of(editor, url),
    )
    assert renamed.status_code == 200, renamed.content
    assert editor.get(url).status_code == 301
    before = fingerprint()
    response = editor.post(
        f"{API}/stakeholder-groups/",
        {"slug": "ngos", "name": "Other", "category": "other"},
        format="json",
    )
    body = assert_problem(response, 409, "slug")
    assert body["errors"][0]["code"] == "slug_retired"
    assert fingerprint() == before


def test_a_record_others_point_at_cannot_be_deleted(editor, seeded):
    url = f"{API}/speakers/antony-blinken/"
    before = fingerprint()
    response = editor.delete(url, HTTP_IF_MATCH=etag_of(editor, url))
    assert_problem(response, 409)
    assert fingerprint() == before


def test_a_statement_text_is_immutable_while_quotes_are_anchored(editor, seeded):
    url = f"{API}/statements/{STATEMENT}/"
    before = fingerprint()
    response = editor.patch(
        url,
        {"text": "Prefix. " + STATEMENT_TEXT},
        format="json",
        HTTP_IF_MATCH=etag_of(editor, url),
    )
    assert_problem(response, 409, "text")
    assert fingerprint() == before


def test_a_statement_text_changes_with_its_quotes_re_anchored(editor, seeded):
    url = f"{API}/statements/{STATEMENT}/"
    shift = len("Prefix. ")
    anchors = [
        {
            "slug": quote.slug,
            "spans": [
                {"start": span.start + shift, "end": span.end + shift}
                for span in quote.spans.all()
            ],
        }
        for quote in Quote.objects.filter(statement__slug=STATEMENT)
    ]
    body = {"text": "Prefix. " + STATEMENT_TEXT, "quotes": anchors}
    before = fingerprint()
    response = editor.patch(
        url, body, format="json", HTTP_IF_MATCH=etag_of(editor, url)
    )
    assert_problem(response, 422, "reason")
    assert fingerprint() == before
    response = editor.patch(
        url,
        {**body, "reason": "The publisher added a dateline."},
        format="json",
        HTTP_IF_MATCH=etag_of(editor, url),
    )
    assert response.status_code == 200, response.content
    assert Statement.objects.get(slug=STATEMENT).text.startswith("Prefix. ")
    quote = editor.get(f"{API}/quotes/{MASS_MIGRATION}/").json()
    assert quote["spans"][0]["start"] == shift


def test_a_wrong_re_anchor_names_the_quote_and_writes_nothing(editor, seeded):
    url = f"{API}/statements/{STATEMENT}/"
    anchors = [
        {"slug": quote.slug, "spans": [{"start": 0, "end": 5}]}
        for quote in Quote.objects.filter(statement__slug=STATEMENT)
    ]
    before = fingerprint()
    response = editor.patch(
        url,
        {"text": "Prefix. " + STATEMENT_TEXT, "quotes": anchors, "reason": "x"},
        format="json",
        HTTP_IF_MATCH=etag_of(editor, url),
    )
    assert_problem(response, 422, "quotes[0].text")
    assert fingerprint() == before


def test_a_published_quote_text_change_needs_a_reason(editor, seeded):
    url = f"{API}/quotes/{MASS_MIGRATION}/"
    spans = list(
        QuoteSpan.objects.filter(quote__slug=MASS_MIGRATION).values_list("start", "end")
    )
    start, end = spans[0]
    before = fingerprint()
    body = {
        "text": STATEMENT_TEXT[start : end - 1],
        "spans": [{"start": start, "end": end - 1}],
    }
    response = editor.patch(
        url, body, format="json", HTTP_IF_MATCH=etag_of(editor, url)
    )
    assert_problem(response, 422, "reason")
    long_reason = {**body, "reason": "x" * 501}
    response = editor.patch(
        url, long_reason, format="json", HTTP_IF_MATCH=etag_of(editor, url)
    )
    assert_problem(response, 400, "reason")
    assert fingerprint() == before
    response = editor.patch(
        url,
        {**body, "reason": "Trailing full stop is the publisher's."},
        format="json",
        HTTP_IF_MATCH=etag_of(editor, url),
    )
    assert response.status_code == 200, response.content


def test_a_speaker_with_roles_is_created_and_its_roles_replaced(editor, seeded):
    body = {
        "slug": "alejandro-mayorkas",
        "name": "Alejandro Mayorkas",
        "wikidata_id": "Q4717052",
        "roles": [
            {
                "title": "Secretary",
                "organization": "government-of-the-united-states",
                "start_date": "2021-02-02",
            }
        ],
    }
    response = editor.post(f"{API}/speakers/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["roles"][0]["title"] == "Secretary"
    assert response.json()["roles"][0]["organization"]["slug"] == (
        "government-of-the-united-states"
    )
    response = editor.patch(
        f"{API}/speakers/alejandro-mayorkas/",
        {
            "roles": [
                {
                    "title": "Deputy",
                    "organization": "government-of-the-united-states",
                    "start_date": "2013-12-23",
                    "end_date": "2013-01-01",
                }
            ]
        },
        format="json",
        HTTP_IF_MATCH=response["ETag"],
    )
    assert_problem(response, 422, "roles[0].end_date")


@pytest.mark.parametrize(
    ("route", "body", "field"),
    [
        # A PATCH makes the body's keys optional, not those of a nested object:
        # a role, a host link or an author is replaced whole.
        (
            "speakers/antony-blinken",
            {"roles": [{"title": "T", "start_date": "2021-01-26"}]},
            "roles[0].organization",
        ),
        (
            "events/ministerial-conference-on-migration-and-protection-2022",
            {"hosts": [{"slug": "government-of-panama"}]},
            "hosts[0].role",
        ),
        (
            "statements/voa-blinken-on-meeting-the-migration-challenge",
            {"author": {"slug": "voice-of-america"}},
            "author.type",
        ),
    ],
)
def test_a_patch_names_the_missing_keys_of_a_nested_object(
    editor, seeded, route, body, field
):
    url = f"{API}/{route}/"
    before = editor.get(url).json()
    response = editor.patch(
        url, body, format="json", HTTP_IF_MATCH=etag_of(editor, url)
    )
    assert_problem(response, 400, field)
    assert editor.get(url).json() == before


def test_writes_are_counted_against_a_write_budget(editor, seeded, settings):
    settings.RATE_LIMIT_WRITES = 1
    response = editor.post(f"{API}/themes/", THEME, format="json")
    assert response.status_code == 201
    assert response["RateLimit-Policy"].startswith('"writes"')
    response = editor.post(f"{API}/themes/", {**THEME, "slug": "t2"}, format="json")
    assert_problem(response, 429)
    assert editor.get(f"{API}/themes/").status_code == 200


# --- The change feed follows ------------------------------------------------------


@pytest.fixture
def committed(transactional_db):
    call_command("seed", verbosity=0)


def test_writes_show_up_in_the_change_feed(committed):
    _, raw = PartnerKey.objects.create_key(name="Desk", scope=KeyScope.EDITOR)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    _, cursor = _drain(client)
    created = client.post(f"{API}/themes/", THEME, format="json")
    url = f"{API}/themes/labour-migration/"
    changed = client.patch(
        url, {"name": "Work"}, format="json", HTTP_IF_MATCH=created["ETag"]
    )
    assert changed["ETag"] != created["ETag"]
    assert client.delete(url, HTTP_IF_MATCH=changed["ETag"]).status_code == 204
    changes, _ = _drain(client, cursor)
    summary = [(c["type"], c["slug"], c["change"]) for c in changes]
    assert ("theme", "labour-migration", "created") in summary
    assert ("theme", "labour-migration", "updated") in summary
    assert ("theme", "labour-migration", "deleted") in summary
    assert ("theme", "migration", "updated") in summary  # its children changed


def test_a_detail_etag_moves_when_what_it_embeds_changes(committed):
    """Renaming a theme changes the JSON of the quotes that list it: their ETags
    move, and a conditional GET with the new one is a 304."""
    _, raw = PartnerKey.objects.create_key(name="Desk", scope=KeyScope.EDITOR)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    quote_url = f"{API}/quotes/{MASS_MIGRATION}/"
    quote_tag = etag_of(client, quote_url)
    theme_url = f"{API}/themes/migration/"
    response = client.patch(
        theme_url,
        {"name": "Migration and mobility"},
        format="json",
        HTTP_IF_MATCH=etag_of(client, theme_url),
    )
    assert response.status_code == 200, response.content
    tag = etag_of(client, quote_url)
    assert tag != quote_tag
    assert client.get(quote_url, HTTP_IF_NONE_MATCH=tag).status_code == 304
    assert client.get(quote_url, HTTP_IF_NONE_MATCH=quote_tag).status_code == 200


def test_a_retired_slug_is_refused_by_the_models_too(editor, seeded):
    """The admin and the seed validate with full_clean: the same rule holds."""
    url = f"{API}/themes/poverty/"
    response = editor.delete(url, HTTP_IF_MATCH=etag_of(editor, url))
    assert response.status_code == 204, response.content
    with pytest.raises(ValidationError) as error:
        Theme(slug="poverty", name="Poverty").full_clean()
    assert error.value.error_dict["slug"][0].code == "slug_retired"
