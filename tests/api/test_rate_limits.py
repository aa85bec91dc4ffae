"""Rate limits: the quota, 429 with Retry-After, the RateLimit fields on every
response, the quota endpoint, client addresses, and counters shared by processes."""

import datetime
import math
import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from django.core.cache import cache
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from statements.api import throttling
from statements.api.throttling import DatabaseCounter
from statements.models import PartnerKey, RateLimitCounter
from tests.conftest import ROOT, database_url

URL = "/api/v1/speakers/"
ANONYMOUS_POLICY = '"anonymous";q=3;w=60'
REDIS_URL = os.environ.get("REDIS_URL_FOR_TESTS", "redis://127.0.0.1:6379/15")


@pytest.fixture(autouse=True)
def small_limits(settings, db):
    settings.RATE_LIMIT_ANONYMOUS = 3
    settings.RATE_LIMIT_PARTNER = 5
    settings.RATE_LIMIT_WINDOW = 60
    settings.NUM_PROXIES = 0
    cache.clear()


@pytest.fixture
def raw_key(db):
    return PartnerKey.objects.create_key(name="Partner")[1]


def remaining(response) -> int:
    name, r, t = response["RateLimit"].split(";")
    return int(r.removeprefix("r="))


def spend(client, n, **kwargs):
    return [client.get(URL, **kwargs).status_code for _ in range(n)]


def test_the_quota_counts_down_then_429_with_retry_after_and_a_problem(client):
    responses = [client.get(URL) for _ in range(4)]
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert [r["RateLimit"] for r in responses] == [
        '"anonymous";r=2;t=60',
        '"anonymous";r=1;t=60',
        '"anonymous";r=0;t=60',
        '"anonymous";r=0;t=60',
    ]
    throttled = responses[-1]
    assert throttled["RateLimit-Policy"] == ANONYMOUS_POLICY
    assert 1 <= int(throttled["Retry-After"]) <= 60
    assert throttled["Content-Type"] == "application/problem+json"
    assert throttled["Cache-Control"] == "no-store"
    body = throttled.json()
    assert body == {
        "type": "https://statements-api.org/problems/too-many-requests",
        "title": "Too Many Requests",
        "status": 429,
        "detail": body["detail"],
    }
    assert body["detail"].startswith("Request was throttled.")


def test_the_window_resets_when_it_ends(client):
    assert spend(client, 4) == [200, 200, 200, 429]
    RateLimitCounter.objects.update(
        window_ends_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client.get(URL)
    assert response.status_code == 200
    assert response["RateLimit"] == '"anonymous";r=2;t=60'


def test_every_view_of_the_api_is_counted(client, settings):
    settings.RATE_LIMIT_SEARCH_COST = 1
    for path in ["/api/v1/", "/api/v1/search/?q=x", "/api/v1/schema/"]:
        assert client.get(path).status_code == 200
    assert client.get(URL).status_code == 429


def test_a_partner_key_has_its_own_quota(client, raw_key):
    assert spend(client, 4) == [200, 200, 200, 429]
    headers = {"X-API-Key": raw_key}
    assert spend(client, 6, headers=headers) == [200] * 5 + [429]
    response = client.get(URL, headers=headers)
    assert response["RateLimit-Policy"] == '"partner";q=5;w=60'
    assert response["RateLimit"] == '"partner";r=0;t=60'


def test_two_keys_do_not_share_a_quota(client, raw_key):
    _, other_key = PartnerKey.objects.create_key(name="Other", rate=2)
    assert spend(client, 3, headers={"X-API-Key": other_key}) == [200, 200, 429]
    assert client.get(URL, headers={"X-API-Key": raw_key}).status_code == 200


def test_the_same_key_is_one_quota_in_either_header(client, raw_key):
    assert spend(client, 3, headers={"X-API-Key": raw_key}) == [200] * 3
    headers = {"Authorization": f"Api-Key {raw_key}"}
    assert spend(client, 3, headers=headers) == [200, 200, 429]


@pytest.mark.parametrize(
    ("path", "headers", "status", "policy", "left"),
    [
        (URL, {}, 200, ANONYMOUS_POLICY, 1),
        (URL, "etag", 304, ANONYMOUS_POLICY, 1),
        ("/api/v1/speakers/?page=x", {}, 400, ANONYMOUS_POLICY, 1),
        ("/api/v1/speakers/nobody/", {}, 404, ANONYMOUS_POLICY, 1),
        ("/api/v1/no-such-resource/", {}, 404, ANONYMOUS_POLICY, 2),
        (URL, {"X-API-Key": "AbCdEfGh.wrong"}, 401, ANONYMOUS_POLICY, 1),
        (URL, "key", 200, '"partner";q=5;w=60', 4),
    ],
    ids=["200", "304", "400", "404", "404-no-view", "401", "200-key"],
)
def test_every_response_carries_the_rate_limit_fields(
    client, raw_key, path, headers, status, policy, left
):
    # One counted request first, so that `left` shows what the second one cost.
    first = client.get(URL)
    if headers == "etag":
        headers = {"If-None-Match": first["ETag"]}
    elif headers == "key":
        headers = {"X-API-Key": raw_key}
    response = client.get(path, headers=headers)
    assert response.status_code == status
    assert response["RateLimit-Policy"] == policy
    assert remaining(response) == left
    assert 0 < int(response["RateLimit"].rsplit(";t=", 1)[1]) <= 60


@pytest.mark.parametrize(
    "headers",
    [{"X-API-Key": "AbCdEfGh.wrong"}, {"Authorization": "Api-Key AbCdEfGh.wrong"}],
)
def test_a_bad_key_is_counted_then_429_once_the_quota_is_spent(client, headers):
    assert spend(client, 4, headers=headers) == [401, 401, 401, 429]
    throttled = client.get(URL, headers=headers)
    assert throttled.status_code == 429
    assert throttled["RateLimit"] == '"anonymous";r=0;t=60'
    assert 1 <= int(throttled["Retry-After"]) <= 60
    # The address's anonymous quota is what the bad key spent.
    assert client.get(URL).status_code == 429


def test_a_429_carries_the_fields_too(client):
    spend(client, 3)
    response = client.get("/api/v1/")
    assert response.status_code == 429
    assert response["RateLimit-Policy"] == ANONYMOUS_POLICY
    assert remaining(response) == 0


# --- the quota endpoint -----------------------------------------------------------


def test_quota_tells_an_anonymous_caller_its_policy_usage_and_reset(client):
    spend(client, 2)
    before = timezone.now()
    response = client.get("/api/v1/quota/")
    assert response.status_code == 200
    body = response.json()
    resets_at = parse_datetime(body.pop("resets_at"))
    assert body == {
        "policy": "anonymous",
        "quota": 3,
        "window": 60,
        "used": 2,
        "remaining": 1,
        "resets_in": body["resets_in"],
        "key": None,
        "costs": {"default": 1, "search": 2, "facets": 5, "export": 10},
        "exports_at_once": 2,
    }
    assert 0 < body["resets_in"] <= 60
    expected = before + datetime.timedelta(seconds=body["resets_in"])
    assert abs((resets_at - expected).total_seconds()) < 2
    assert response["Cache-Control"] == "private, no-store"
    assert response["RateLimit"] == f'"anonymous";r=1;t={body["resets_in"]}'


def test_quota_names_the_key_and_its_rate(client, raw_key):
    key = PartnerKey.objects.get()
    client.get(URL, headers={"X-API-Key": raw_key})
    body = client.get("/api/v1/quota/", headers={"X-API-Key": raw_key}).json()
    assert {k: body[k] for k in ("policy", "quota", "used", "remaining", "key")} == {
        "policy": "partner",
        "quota": 5,
        "used": 1,
        "remaining": 4,
        "key": {"prefix": key.prefix, "name": "Partner"},
    }


def test_quota_is_not_counted_and_answers_when_the_quota_is_spent(client):
    assert spend(client, 4) == [200, 200, 200, 429]
    for _ in range(3):
        response = client.get("/api/v1/quota/")
        assert response.status_code == 200
        assert response.json()["used"] == 4
        assert response.json()["remaining"] == 0


@pytest.mark.django_db
def test_quota_before_any_request_shows_the_full_quota(client):
    body = client.get("/api/v1/quota/").json()
    assert (body["used"], body["remaining"], body["resets_in"]) == (0, 3, 60)


# --- who the client is: X-Forwarded-For and NUM_PROXIES ---------------------------


def test_a_forged_x_forwarded_for_does_not_reset_the_quota(client):
    assert spend(client, 3) == [200] * 3
    for forged in ["203.0.113.7", "198.51.100.1, 203.0.113.8", "garbage"]:
        response = client.get(URL, headers={"X-Forwarded-For": forged})
        assert response.status_code == 429


def test_x_forwarded_for_is_honoured_behind_one_proxy(client, settings):
    settings.NUM_PROXIES = 1
    proxied = {"REMOTE_ADDR": "10.0.0.2"}
    first = {"X-Forwarded-For": "203.0.113.7"}
    assert spend(client, 4, headers=first, **proxied) == [200, 200, 200, 429]
    second = {"X-Forwarded-For": "203.0.113.8"}
    assert client.get(URL, headers=second, **proxied).status_code == 200
    # The proxy appends the address it saw; what the client wrote before it is
    # not believed, so prepending a fresh address does not help either.
    forged = {"X-Forwarded-For": "198.51.100.9, 203.0.113.7"}
    assert client.get(URL, headers=forged, **proxied).status_code == 429


@pytest.mark.parametrize(
    ("first", "second", "bucket"),
    [
        ("192.0.2.7:1001", "192.0.2.7:1002", "ip:192.0.2.7"),
        ("[2001:db8:1:2::1]:443", "[2001:db8:1:2::1]:444", "ip:2001:db8:1:2::/64"),
        ("[2001:db8:1:2::1]", "2001:db8:1:2::1", "ip:2001:db8:1:2::/64"),
    ],
    ids=["ipv4-port", "ipv6-port", "ipv6-brackets"],
)
def test_a_port_in_x_forwarded_for_is_not_a_bucket_of_its_own(
    client, settings, first, second, bucket
):
    settings.NUM_PROXIES = 1
    proxied = {"REMOTE_ADDR": "10.0.0.2"}
    assert spend(client, 3, headers={"X-Forwarded-For": first}, **proxied) == [200] * 3
    response = client.get(URL, headers={"X-Forwarded-For": second}, **proxied)
    assert response.status_code == 429
    assert list(RateLimitCounter.objects.values_list("bucket", flat=True)) == [bucket]


def test_ipv6_clients_are_counted_by_their_64_network(client):
    assert spend(client, 2, REMOTE_ADDR="2001:db8:1:2::1") == [200, 200]
    assert spend(client, 2, REMOTE_ADDR="2001:db8:1:2::ffff") == [200, 429]
    assert spend(client, 1, REMOTE_ADDR="2001:db8:1:3::1") == [200]
    assert RateLimitCounter.objects.filter(bucket="ip:2001:db8:1:2::/64").exists()


# --- the shared store -----------------------------------------------------------


def test_counters_live_in_the_database_with_one_row_per_client(client, raw_key):
    spend(client, 2)
    spend(client, 1, headers={"X-API-Key": raw_key})
    key = PartnerKey.objects.get()
    assert dict(RateLimitCounter.objects.values_list("bucket", "hits")) == {
        "ip:127.0.0.1": 2,
        f"key:{key.prefix}": 1,
    }


def test_a_hit_now_and_then_prunes_the_counters_of_ended_windows(client, monkeypatch):
    ended = timezone.now() - datetime.timedelta(seconds=1)
    RateLimitCounter.objects.create(bucket="ip:192.0.2.1", window_ends_at=ended, hits=9)
    monkeypatch.setattr(throttling, "PRUNE_PROBABILITY", 1.0)
    spend(client, 1)
    assert list(RateLimitCounter.objects.values_list("bucket", flat=True)) == [
        "ip:127.0.0.1"
    ]


def test_prune_deletes_only_the_counters_of_ended_windows(client):
    spend(client, 1)
    ended = timezone.now() - datetime.timedelta(seconds=1)
    RateLimitCounter.objects.create(bucket="ip:192.0.2.1", window_ends_at=ended, hits=9)
    assert DatabaseCounter().prune() == 1
    assert list(RateLimitCounter.objects.values_list("bucket", flat=True)) == [
        "ip:127.0.0.1"
    ]


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
    cache.clear()
    yield cache
    cache.clear()


def test_with_redis_the_counters_live_in_redis(client, redis_cache):
    assert spend(client, 4) == [200, 200, 200, 429]
    assert not RateLimitCounter.objects.exists()
    redis = redis_cache.client.get_client()
    assert int(redis.get("statements:ratelimit:ip:127.0.0.1")) == 4
    assert 0 < redis.ttl("statements:ratelimit:ip:127.0.0.1") <= 60
    response = client.get("/api/v1/quota/")
    assert response.json()["used"] == 4
    assert response["RateLimit"].startswith('"anonymous";r=0;t=')


# --- what requests cost ------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "cost"),
    [
        (URL, 1),
        ("/api/v1/quotes/?q=migration", 2),
        ("/api/v1/search/?q=migration", 2),
        ("/api/v1/quotes/facets/", 5),
        ("/api/v1/exports/quotes.csv", 10),
        ("/api/v1/exports/speakers.ndjson", 10),
    ],
)
def test_expensive_requests_cost_more_of_the_quota(client, settings, path, cost):
    settings.RATE_LIMIT_ANONYMOUS = 20
    response = client.get(path)
    if response.streaming:
        b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["RateLimit-Cost"] == str(cost)
    assert remaining(response) == 20 - cost
    assert client.get("/api/v1/quota/").json()["used"] == cost


def test_a_request_costing_more_than_what_is_left_is_429(client, settings):
    settings.RATE_LIMIT_ANONYMOUS = 12
    assert spend(client, 3) == [200, 200, 200]
    response = client.get("/api/v1/exports/quotes.csv")
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert int(response["Retry-After"]) >= 1
    # A plain read still fits what is left... of nothing: the export was counted.
    assert client.get("/api/v1/quota/").json()["used"] == 13


def test_facets_cost_1_once_this_server_has_them(client, settings):
    settings.RATE_LIMIT_ANONYMOUS = 20
    path = "/api/v1/quotes/facets/?fidelity=direct"
    assert client.get(path)["RateLimit-Cost"] == "5"
    assert client.get(path)["RateLimit-Cost"] == "1"
    # Other filters are other facets, to compute.
    assert client.get(path + ",reported")["RateLimit-Cost"] == "5"


def test_costs_are_configurable(client, settings):
    settings.RATE_LIMIT_ANONYMOUS = 20
    settings.RATE_LIMIT_FACETS_COST = 7
    response = client.get("/api/v1/quotes/facets/")
    assert (response["RateLimit-Cost"], remaining(response)) == ("7", 13)


def test_with_redis_a_request_counts_its_cost(client, redis_cache, settings):
    settings.RATE_LIMIT_ANONYMOUS = 20
    response = client.get("/api/v1/quotes/facets/")
    assert remaining(response) == 15
    redis = redis_cache.client.get_client()
    assert int(redis.get("statements:ratelimit:ip:127.0.0.1")) == 5


# --- two server processes, one counter ---------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def two_servers(transactional_db):
    """Two gunicorn processes on their own ports, both on the test database."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DEBUG": "false",
        "RATE_LIMIT_ANONYMOUS": "12",
        "RATE_LIMIT_WINDOW": "600",
        "NUM_PROXIES": "0",
        "CONN_MAX_AGE": "0",
    }
    env.pop("REDIS_URL", None)
    ports = [free_port(), free_port()]
    servers = [
        subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind"]
            + [f"127.0.0.1:{port}", "--workers", "1", "--threads", "4"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for port in ports
    ]
    try:
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        deadline = time.monotonic() + 60
        for url, server in zip(urls, servers, strict=True):
            while True:
                assert server.poll() is None, server.stderr.read().decode()
                try:
                    if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "the servers did not start"
                time.sleep(0.2)
        yield urls
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
            server.stderr.close()


@pytest.mark.slow
def test_two_server_processes_share_one_counter(two_servers):
    first, second = two_servers
    answers = []
    started = time.monotonic()
    for n in range(14):
        response = httpx.get(f"{two_servers[n % 2]}{URL}", timeout=10)
        answers.append((response.status_code, response.headers["RateLimit"]))
    elapsed = time.monotonic() - started
    # The window's seconds left may tick down while the requests are made.
    left = [int(header.rsplit(";t=", 1)[1]) for _, header in answers]
    assert all(600 - math.ceil(elapsed) <= t <= 600 for t in left), (left, elapsed)
    assert left == sorted(left, reverse=True)
    assert [(status, header.rsplit(";t=", 1)[0]) for status, header in answers] == (
        [(200, f'"anonymous";r={11 - n}') for n in range(12)]
        + [(429, '"anonymous";r=0')] * 2
    )
    for url in (first, second):
        body = httpx.get(f"{url}/api/v1/quota/", timeout=10).json()
        assert (body["used"], body["remaining"]) == (14, 0)


@pytest.mark.slow
def test_concurrent_requests_to_two_processes_are_all_counted(two_servers):
    def fetch(n):
        return httpx.get(f"{two_servers[n % 2]}{URL}", timeout=30).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(fetch, range(20)))
    assert sorted(statuses) == [200] * 12 + [429] * 8
    assert RateLimitCounter.objects.get(bucket="ip:127.0.0.1").hits == 20
