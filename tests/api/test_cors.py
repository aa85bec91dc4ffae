"""CORS: any origin may read by default, preflights allow the key headers, and the
rate-limit and caching headers are exposed to scripts."""

import pytest
from django.core.cache import cache

from statements.models import RateLimitCounter

ORIGIN = "https://app.example.org"
EXPOSED = {
    "etag",
    "link",
    "ratelimit",
    "ratelimit-cost",
    "ratelimit-policy",
    "retry-after",
}


@pytest.fixture(autouse=True)
def limits(settings, db):
    settings.RATE_LIMIT_ANONYMOUS = 2
    cache.clear()


def header_set(response, name) -> set[str]:
    return {part.strip().lower() for part in response[name].split(",")}


def preflight(client, headers, origin=ORIGIN):
    return client.options(
        "/api/v1/quotes/",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": headers,
        },
    )


@pytest.mark.parametrize(
    "requested",
    ["authorization", "x-api-key", "authorization, x-api-key, if-none-match"],
)
def test_a_preflight_for_the_key_headers_succeeds(client, requested):
    response = preflight(client, requested)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    allowed = header_set(response, "Access-Control-Allow-Headers")
    assert {h.strip() for h in requested.split(",")} <= allowed
    assert header_set(response, "Access-Control-Allow-Methods") == {
        "get",
        "head",
        "options",
    }


def test_a_preflight_is_not_counted(client):
    for _ in range(5):
        assert preflight(client, "x-api-key").status_code == 200
    assert not RateLimitCounter.objects.exists()


def test_a_read_from_any_origin_exposes_the_headers(client):
    response = client.get("/api/v1/quotes/", headers={"Origin": ORIGIN})
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert header_set(response, "Access-Control-Expose-Headers") == EXPOSED
    assert "Origin" in response["Vary"]


def test_a_429_is_readable_by_scripts_too(client):
    for _ in range(2):
        client.get("/api/v1/quotes/")
    response = client.get("/api/v1/quotes/", headers={"Origin": ORIGIN})
    assert response.status_code == 429
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "retry-after" in header_set(response, "Access-Control-Expose-Headers")


def test_allowed_origins_narrow_who_may_read(client, settings):
    settings.CORS_ALLOWED_ORIGINS = [ORIGIN]
    settings.CORS_ALLOW_ALL_ORIGINS = False
    allowed = client.get("/api/v1/quotes/", headers={"Origin": ORIGIN})
    assert allowed["Access-Control-Allow-Origin"] == ORIGIN
    assert header_set(allowed, "Access-Control-Expose-Headers") == EXPOSED
    other = client.get("/api/v1/quotes/", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other
    refused = preflight(client, "x-api-key", origin="https://evil.example")
    assert "Access-Control-Allow-Origin" not in refused
    assert preflight(client, "x-api-key")["Access-Control-Allow-Origin"] == ORIGIN
