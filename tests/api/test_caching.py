"""HTTP caching: ETag and Last-Modified from the data version, 304 before the view
builds anything (but counted), Cache-Control public or private, and Vary."""

import time

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.utils.http import http_date, parse_http_date

from statements.models import PartnerKey, Speaker, Theme
from tests.factories import SpeakerFactory

SPEAKER = "antony-blinken"
VARY = "Accept, Authorization, X-API-Key, Origin"
# Shared caches revalidate every use (s-maxage=0); browsers keep it a minute.
PUBLIC = "public, max-age=60, s-maxage=0"
READS = [
    "/api/v1/",
    "/api/v1/speakers/",
    f"/api/v1/speakers/{SPEAKER}/",
    "/api/v1/events/",
    "/api/v1/events/ministerial-conference-on-migration-and-protection-2022/",
    "/api/v1/statements/",
    "/api/v1/statements/voa-blinken-on-meeting-the-migration-challenge/",
    "/api/v1/quotes/",
    "/api/v1/quotes/blinken-mass-migration-remains-a-priority/",
    "/api/v1/quotes/facets/",
    "/api/v1/themes/",
    "/api/v1/stakeholder-groups/",
    "/api/v1/search/?q=migration",
]


@pytest.fixture(autouse=True)
def limits(settings, db):
    settings.RATE_LIMIT_ANONYMOUS = 50
    settings.RATE_LIMIT_WINDOW = 60
    settings.API_CACHE_MAX_AGE = 60
    cache.clear()


@pytest.fixture
def raw_key(db):
    return PartnerKey.objects.create_key(name="Partner")[1]


@pytest.fixture
def committed(transactional_db):
    """The seed data, committed: each later write is a transaction of its own,
    as in production, and moves the data version."""
    call_command("seed", verbosity=0)


def remaining(response) -> int:
    return int(response["RateLimit"].split(";r=")[1].split(";")[0])


@pytest.mark.parametrize("path", READS)
def test_every_read_has_validators_and_cache_headers(client, seeded, path):
    response = client.get(path)
    assert response.status_code == 200
    # A record's detail has a strong ETag (writes compare it in If-Match).
    detail = path.count("/") == 5 and not path.endswith("/facets/")
    assert response["ETag"].startswith('"' if detail else 'W/"')
    assert parse_http_date(response["Last-Modified"]) > 0
    assert response["Cache-Control"] == PUBLIC
    assert response["Vary"] == VARY


@pytest.mark.parametrize("path", READS)
def test_if_none_match_is_304_with_no_body(client, seeded, path):
    etag = client.get(path)["ETag"]
    response = client.get(path, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert response["Cache-Control"] == PUBLIC
    assert response["Vary"] == VARY
    assert "Content-Type" not in response


def test_the_same_read_twice_has_the_same_etag(client, seeded):
    assert (
        client.get("/api/v1/quotes/")["ETag"] == client.get("/api/v1/quotes/")["ETag"]
    )


def test_validators_differ_between_filters_pages_and_resources(client, seeded):
    etags = {
        client.get(path)["ETag"]
        for path in [
            "/api/v1/quotes/",
            "/api/v1/quotes/?fidelity=direct",
            "/api/v1/quotes/?fidelity=paraphrase",
            "/api/v1/quotes/?page_size=2",
            "/api/v1/quotes/?page_size=2&page=2",
            "/api/v1/speakers/",
        ]
    }
    assert len(etags) == 6


def test_validators_change_when_the_data_changes(client, committed):
    path = f"/api/v1/speakers/{SPEAKER}/"
    before = client.get(path)
    Speaker.objects.filter(slug=SPEAKER).update(biography="Changed.")
    after = client.get(path, headers={"If-None-Match": before["ETag"]})
    assert after.status_code == 200
    assert after.json()["biography"] == "Changed."
    assert after["ETag"] != before["ETag"]
    assert parse_http_date(after["Last-Modified"]) >= parse_http_date(
        before["Last-Modified"]
    )


def test_any_change_anywhere_changes_every_etag(client, committed):
    # A theme's rename can change what a quote shows: one version for all.
    before = client.get("/api/v1/speakers/")["ETag"]
    Theme.objects.filter(pk=Theme.objects.first().pk).update(name="Renamed")
    assert client.get("/api/v1/speakers/")["ETag"] != before


def test_a_created_record_changes_the_list_etag(client, committed):
    before = client.get("/api/v1/speakers/")
    SpeakerFactory()
    response = client.get(
        "/api/v1/speakers/", headers={"If-None-Match": before["ETag"]}
    )
    assert response.status_code == 200
    assert response.json()["count"] == 2


def test_if_modified_since_is_304_until_the_data_changes(client, committed):
    # HTTP dates count whole seconds: date the last change two seconds back
    # instead of waiting for the clock to pass one.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE statements_data_version "
            "SET changed_at = changed_at - interval '2 seconds'"
        )
    path = "/api/v1/speakers/"
    last_modified = client.get(path)["Last-Modified"]
    same = client.get(path, headers={"If-Modified-Since": last_modified})
    assert same.status_code == 304
    earlier = http_date(parse_http_date(last_modified) - 1)
    assert client.get(path, headers={"If-Modified-Since": earlier}).status_code == 200
    SpeakerFactory()
    later = client.get(path, headers={"If-Modified-Since": last_modified})
    assert later.status_code == 200
    assert parse_http_date(later["Last-Modified"]) > parse_http_date(last_modified)


def test_if_none_match_wins_over_if_modified_since(client, seeded):
    path = "/api/v1/speakers/"
    last_modified = client.get(path)["Last-Modified"]
    headers = {"If-None-Match": 'W/"stale"', "If-Modified-Since": last_modified}
    assert client.get(path, headers=headers).status_code == 200


def test_if_none_match_star_is_left_to_the_view(client, seeded):
    headers = {"If-None-Match": "*"}
    assert client.get("/api/v1/speakers/nobody/", headers=headers).status_code == 404


def test_a_failed_if_match_is_412(client, seeded):
    response = client.get("/api/v1/speakers/", headers={"If-Match": '"other"'})
    assert response.status_code == 412
    assert response.json()["title"] == "Precondition Failed"


def test_a_304_is_counted_against_the_quota(client, seeded):
    first = client.get("/api/v1/quotes/")
    assert remaining(first) == 49
    for left in (48, 47, 46):
        response = client.get(
            "/api/v1/quotes/", headers={"If-None-Match": first["ETag"]}
        )
        assert response.status_code == 304
        assert remaining(response) == left
    assert client.get("/api/v1/quota/").json()["used"] == 4


def test_a_future_if_modified_since_is_not_a_free_request(client, seeded, settings):
    """Any URL with a future If-Modified-Since is a 304: it must still count."""
    settings.RATE_LIMIT_ANONYMOUS = 3
    future = {"If-Modified-Since": http_date(time.time() + 86400)}
    statuses = [
        client.get(path, headers=future).status_code
        for path in ("/api/v1/quotes/", "/api/v1/themes/", "/api/v1/speakers/")
    ]
    assert statuses == [304, 304, 304]
    response = client.get("/api/v1/events/", headers=future)
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"


def test_a_304_is_a_429_once_the_quota_is_spent(client, seeded, settings):
    settings.RATE_LIMIT_ANONYMOUS = 3
    etag = client.get("/api/v1/quotes/")["ETag"]
    while client.get("/api/v1/speakers/").status_code != 429:
        pass
    response = client.get("/api/v1/quotes/", headers={"If-None-Match": etag})
    assert response.status_code == 429
    assert remaining(response) == 0


def test_a_412_is_counted_against_the_quota(client, seeded, settings):
    settings.RATE_LIMIT_ANONYMOUS = 2
    headers = {"If-Match": '"other"'}
    statuses = [
        client.get("/api/v1/speakers/", headers=headers).status_code for _ in range(3)
    ]
    assert statuses == [412, 412, 429]


def test_a_304_is_one_query_to_count_it_plus_one_before_the_view(
    client, seeded, django_assert_num_queries
):
    etag = client.get("/api/v1/quotes/?expand=speaker,event")["ETag"]
    with django_assert_num_queries(2):
        response = client.get(
            "/api/v1/quotes/?expand=speaker,event", headers={"If-None-Match": etag}
        )
    assert response.status_code == 304


def test_a_wrong_key_is_401_even_with_a_matching_etag(client, seeded):
    etag = client.get("/api/v1/speakers/")["ETag"]
    headers = {"If-None-Match": etag, "X-API-Key": "AbCdEfGh.wrong"}
    assert client.get("/api/v1/speakers/", headers=headers).status_code == 401


def test_head_has_the_same_validators(client, seeded):
    get = client.get("/api/v1/speakers/")
    head = client.head("/api/v1/speakers/")
    assert head.status_code == 200
    assert head["ETag"] == get["ETag"]
    assert head["Last-Modified"] == get["Last-Modified"]


def test_a_request_with_a_key_is_private(client, seeded, raw_key):
    for headers in ({"X-API-Key": raw_key}, {"Authorization": f"Api-Key {raw_key}"}):
        response = client.get("/api/v1/speakers/", headers=headers)
        assert response["Cache-Control"] == "private, max-age=60"
        etag = response["ETag"]
        not_modified = client.get(
            "/api/v1/speakers/", headers={**headers, "If-None-Match": etag}
        )
        assert not_modified.status_code == 304
        assert not_modified["Cache-Control"] == "private, max-age=60"


def test_max_age_comes_from_the_settings(client, seeded, settings):
    settings.API_CACHE_MAX_AGE = 300
    response = client.get("/api/v1/speakers/")
    assert response["Cache-Control"] == "public, max-age=300, s-maxage=0"


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/speakers/nobody/", 404),
        ("/api/v1/speakers/?page=0", 400),
        ("/api/v1/nothing-here/", 404),
    ],
)
def test_errors_are_not_stored_and_have_no_validators(client, seeded, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert response["Cache-Control"] == "no-store"
    assert response["Vary"] == VARY
    assert "ETag" not in response
    assert "Last-Modified" not in response


def test_the_quota_is_never_cached(client, seeded):
    response = client.get("/api/v1/quota/")
    assert response["Cache-Control"] == "private, no-store"
    assert response["Vary"] == VARY
    assert "ETag" not in response


def test_a_shared_cache_revalidates_and_never_replays_one_clients_quota(client, seeded):
    url = "/api/v1/speakers/"
    first = client.get(url, REMOTE_ADDR="192.0.2.1")
    assert first["Cache-Control"] == PUBLIC
    for _ in range(3):
        client.get(url, REMOTE_ADDR="192.0.2.2")

    # What a CDN sends for another client before reusing its stored copy; the 304's
    # fields replace the stored ones (RFC 9111, 4.3.4).
    revalidated = client.get(
        url, headers={"If-None-Match": first["ETag"]}, REMOTE_ADDR="192.0.2.2"
    )

    assert revalidated.status_code == 304
    assert revalidated["Cache-Control"] == PUBLIC
    assert remaining(first) == 49
    assert remaining(revalidated) == 46


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/exports/speakers.csv",
        "/api/v1/exports/speakers.ndjson",
        "/api/v1/changes/",
        "/api/v1/changes/?since=now",
    ],
)
def test_exports_and_the_change_feed_are_never_stored(client, seeded, raw_key, path):
    for headers in ({}, {"X-API-Key": raw_key}):
        response = client.get(path, headers=headers)
        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store"
        assert response["Vary"] == VARY
        assert "ETag" not in response
