"""Rate limits: fixed windows per API key or client address, shared by all processes.

A window starts with a client's first request and lasts RATE_LIMIT_WINDOW
seconds. Counters live where every server process sees them: in Redis when the
default cache is Redis (REDIS_URL), else in the statements_ratelimitcounter table.
The database cache is not used for counting because its incr() is a read and a
write in two statements, so concurrent requests from two processes lose counts;
the table takes one atomic upsert per request instead.

Every /api/ response carries the fields of draft-ietf-httpapi-ratelimit-headers:
`RateLimit-Policy: "anonymous";q=60;w=60` and `RateLimit: "anonymous";r=59;t=42`.

Requests cost what they cost the server (issue 14, item 5): most count 1, a
full-text search RATE_LIMIT_SEARCH_COST (2), the quote facets
RATE_LIMIT_FACETS_COST (5) when they must be computed (1 from the cache) and an
export RATE_LIMIT_EXPORT_COST (10) units of the quota. A view says which it is
with `rate_limit_cost()`; the response says what it cost in `RateLimit-Cost`.
Exports also take a slot of their own (statements.api.concurrency).
"""

import ipaddress
import logging
import math
import random
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connection
from django.utils.cache import patch_cache_control, patch_vary_headers
from django_redis.cache import RedisCache
from redis.exceptions import RedisError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import BaseThrottle

from statements.api.authentication import InvalidKey, key_of_request, sends_key
from statements.models import PartnerKey, RateLimitCounter

logger = logging.getLogger(__name__)

API_PATH_PREFIX = "/api/"
VARY = ("Accept", "Authorization", "X-API-Key", "Origin")
ANONYMOUS = "anonymous"
PARTNER = "partner"
WRITES = "writes"
# Share of hits that also delete the counters of ended windows.
PRUNE_PROBABILITY = 0.001


@dataclass(frozen=True)
class Policy:
    """A quota of requests per window for one bucket (a key or a client address)."""

    name: str
    quota: int
    window: int
    bucket: str

    @property
    def header(self) -> str:
        return f'"{self.name}";q={self.quota};w={self.window}'


def request_cost(request, view) -> int:
    """Units of the quota a request costs: 1, or its view's kind of expense."""
    kind = view.rate_limit_cost() if hasattr(view, "rate_limit_cost") else None
    return cost_of(kind)


def cost_of(kind: str | None) -> int:
    return {
        "search": settings.RATE_LIMIT_SEARCH_COST,
        "facets": settings.RATE_LIMIT_FACETS_COST,
        "export": settings.RATE_LIMIT_EXPORT_COST,
    }.get(kind, 1)


@dataclass(frozen=True)
class Usage:
    """How much of its policy a client has used, and when the window ends."""

    policy: Policy
    used: int
    resets_in: int

    @property
    def remaining(self) -> int:
        return max(0, self.policy.quota - self.used)

    @property
    def exceeded(self) -> bool:
        return self.used > self.policy.quota

    @property
    def header(self) -> str:
        return f'"{self.policy.name}";r={self.remaining};t={self.resets_in}'


def _without_port(hop: str) -> str:
    """An address without the port a proxy may write: `192.0.2.7:1001` and
    `[2001:db8::1]:443` name the clients 192.0.2.7 and 2001:db8::1."""
    if hop.startswith("["):
        return hop[1:].partition("]")[0]
    if hop.count(":") == 1:
        return hop.partition(":")[0]
    return hop


def _parsed_address(text: str):
    try:
        return ipaddress.ip_address(_without_port(text.strip()))
    except ValueError:
        return None


def client_address(request) -> str:
    """The client's address, trusting X-Forwarded-For only for NUM_PROXIES hops.

    Each trusted proxy appends the address it received the request from, so the
    client is the NUM_PROXIES-th entry from the right; entries further left are
    whatever the client wrote. A port after the address is dropped, so that one
    client is one bucket whatever its source port. IPv6 clients are counted by
    their /64 network, which one subscriber usually holds whole.

    The rate limits and the admin's login lockout (lockout_address) both use
    this rule.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    parsed = _parsed_address(remote)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    num_proxies = settings.NUM_PROXIES
    if num_proxies > 0 and forwarded.strip():
        hops = forwarded.split(",")
        parsed = _parsed_address(hops[-min(num_proxies, len(hops))])
    if parsed is None:
        # Only a misconfigured proxy count lets a client-written hop through.
        return remote[:64] or "unknown"
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))


def lockout_address(request) -> str | None:
    """client_address as one IP address, for django-axes, which stores addresses:
    an IPv6 /64 is its first address; None when the request names none."""
    try:
        network = ipaddress.ip_network(client_address(request), strict=False)
    except ValueError:
        return None
    return str(network.network_address)


def policy_for(request, key: PartnerKey | None) -> Policy:
    """The policy of a request: its key's, or the anonymous one of its address."""
    window = settings.RATE_LIMIT_WINDOW
    if key is not None:
        quota = settings.RATE_LIMIT_PARTNER if key.rate is None else key.rate
        return Policy(PARTNER, quota, window, f"key:{key.prefix}")
    quota = settings.RATE_LIMIT_ANONYMOUS
    return Policy(ANONYMOUS, quota, window, f"ip:{client_address(request)}")


def write_policy(request, key: PartnerKey | None) -> Policy:
    """The write budget of an editor: per key, or per user of a session."""
    who = f"key:{key.prefix}" if key is not None else f"user:{request.user.pk}"
    window = settings.RATE_LIMIT_WINDOW
    return Policy(WRITES, settings.RATE_LIMIT_WRITES, window, f"writes:{who}")


class DatabaseCounter:
    """Counters in a table: one atomic upsert per hit, one indexed read per peek."""

    def __init__(self):
        table = connection.ops.quote_name(RateLimitCounter._meta.db_table)
        self.hit_sql = f"""
            INSERT INTO {table} AS c (bucket, window_ends_at, hits)
            VALUES (%s, statement_timestamp() + %s * interval '1 second', %s)
            ON CONFLICT (bucket) DO UPDATE SET
                hits = CASE WHEN c.window_ends_at > statement_timestamp()
                    THEN c.hits + EXCLUDED.hits ELSE EXCLUDED.hits END,
                window_ends_at = CASE WHEN c.window_ends_at > statement_timestamp()
                    THEN c.window_ends_at ELSE EXCLUDED.window_ends_at END
            RETURNING hits, EXTRACT(EPOCH FROM window_ends_at - statement_timestamp())
        """
        self.peek_sql = f"""
            SELECT hits, EXTRACT(EPOCH FROM window_ends_at - statement_timestamp())
            FROM {table} WHERE bucket = %s AND window_ends_at > statement_timestamp()
        """
        self.prune_sql = (
            f"DELETE FROM {table} WHERE window_ends_at < statement_timestamp()"
        )

    def hit(self, bucket: str, window: int, cost: int = 1) -> tuple[int, float]:
        """Count a request of `cost` units; return (units used in the window,
        seconds left)."""
        with connection.cursor() as cursor:
            cursor.execute(self.hit_sql, [bucket, window, cost])
            hits, left = cursor.fetchone()
        if random.random() < PRUNE_PROBABILITY:
            self.prune()
        return hits, float(left)

    def peek(self, bucket: str, window: int) -> tuple[int, float]:
        """(requests in the current window, seconds left), counting nothing."""
        with connection.cursor() as cursor:
            cursor.execute(self.peek_sql, [bucket])
            row = cursor.fetchone()
        return (row[0], float(row[1])) if row else (0, float(window))

    def prune(self) -> int:
        """Delete the counters of windows that have ended; return how many."""
        with connection.cursor() as cursor:
            cursor.execute(self.prune_sql)
            return cursor.rowcount


class RedisCounter:
    """Counters in Redis: SET NX EX, INCR and PTTL in one MULTI transaction."""

    key_prefix = "statements:ratelimit:"

    def __init__(self, cache):
        self.redis = cache.client.get_client(write=True)

    def hit(self, bucket: str, window: int, cost: int = 1) -> tuple[int, float]:
        key = self.key_prefix + bucket
        pipe = self.redis.pipeline(transaction=True)
        pipe.set(key, 0, ex=window, nx=True)
        pipe.incrby(key, cost)
        pipe.pttl(key)
        _, hits, pttl = pipe.execute()
        return hits, max(pttl, 0) / 1000

    def peek(self, bucket: str, window: int) -> tuple[int, float]:
        key = self.key_prefix + bucket
        pipe = self.redis.pipeline(transaction=True)
        pipe.get(key)
        pipe.pttl(key)
        hits, pttl = pipe.execute()
        if hits is None or pttl < 0:
            return 0, float(window)
        return int(hits), pttl / 1000


def counter() -> DatabaseCounter | RedisCounter:
    """The shared counter store that fits the default cache."""
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        return RedisCounter(cache)
    return DatabaseCounter()


def _usage(policy: Policy, hits: int, left: float) -> Usage:
    return Usage(policy, hits, max(0, math.ceil(left)))


def count_request(
    request, key: PartnerKey | None, cost: int = 1, policy: Policy | None = None
) -> Usage | None:
    """Count a request of `cost` units against its policy (by default the key's
    or the address's); None when Redis is unreachable.

    Redis being away lets requests through unlimited rather than failing them:
    the data is public, and the outage is logged. Database errors propagate, to
    be answered 503 like any other request while the database is away.
    """
    policy = policy or policy_for(request, key)
    try:
        hits, left = counter().hit(policy.bucket, policy.window, cost)
    except RedisError as exc:
        logger.warning("rate-limit store unavailable, not limiting: %s", exc)
        return None
    request.rate_limit_cost = cost
    request.rate_limit_usage = _usage(policy, hits, left)
    return request.rate_limit_usage


def current_usage(request, key: PartnerKey | None) -> Usage | None:
    """The usage of a request's policy without counting the request."""
    policy = policy_for(request, key)
    try:
        hits, left = counter().peek(policy.bucket, policy.window)
    except RedisError as exc:
        logger.warning("rate-limit store unavailable: %s", exc)
        return None
    return _usage(policy, hits, left)


class RateLimitThrottle(BaseThrottle):
    """Counts every request that reaches a view; 429 once the quota is spent."""

    usage: Usage | None = None

    def allow_request(self, request, view):
        cost = request_cost(request, view)
        self.usage = count_request(request._request, request.auth, cost)
        if self.usage is not None and self.usage.exceeded:
            return False
        editor = request.auth is not None or request.user is not None
        if request.method not in SAFE_METHODS and editor:
            # Permissions come first: on the resources only editors get here.
            policy = write_policy(request, request.auth)
            self.usage = count_request(request._request, request.auth, 1, policy)
        return self.usage is None or not self.usage.exceeded

    def wait(self):
        return max(1, self.usage.resets_in) if self.usage else None


class RateLimitHeadersMiddleware:
    """Rate-limit fields, Vary and no-store on errors, on every /api/ response.

    A response that was not counted (a 304, a 401, a URL that matches no view)
    still tells the client where it stands, from a read of its counter.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(API_PATH_PREFIX):
            self.add_headers(request, response)
        return response

    def add_headers(self, request, response):
        patch_vary_headers(response, VARY)
        if response.status_code >= 400 and not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True)
        usage = getattr(request, "rate_limit_usage", None)
        if usage is None and response.status_code != 503:
            # While the database is away (503) nothing more can be learnt.
            try:
                usage = current_usage(request, self.key_of(request))
            except DatabaseError as exc:
                logger.warning("rate-limit usage unavailable: %s", exc)
        if usage is not None:
            response["RateLimit-Policy"] = usage.policy.header
            response["RateLimit"] = usage.header
        cost = getattr(request, "rate_limit_cost", None)
        if cost is not None:
            response["RateLimit-Cost"] = str(cost)

    @staticmethod
    def key_of(request) -> PartnerKey | None:
        if hasattr(request, "partner_key"):
            return request.partner_key
        if not sends_key(request):
            return None
        # No view authenticated the request (say, a URL that matches none).
        try:
            return key_of_request(request)
        except InvalidKey:
            return None
