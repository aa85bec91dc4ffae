"""A corpus of hostile requests: each gets its documented answer, never a 500.

Every case runs over HTTP against the seeded data and asserts one outcome: a 4xx
problem+json (type, title, status, detail, and errors[].parameter for validation
errors), or a 200 where the input is legitimately fine (a q of stopwords matches
nothing). Afterwards every stored row is as it was. Known bugs are strict xfails
whose reason starts with BUG, so that a fix turns them into failures to un-mark.
"""

import base64
import datetime
import json
from dataclasses import dataclass, field

import pytest
from django.db.models import F

from statements.models import Quote
from tests.reliability.conftest import assert_problem, data_fingerprint

QUOTES = "/api/v1/quotes/"
STATEMENTS = "/api/v1/statements/"
EVENTS = "/api/v1/events/"
THEMES = "/api/v1/themes/"
SPEAKERS = "/api/v1/speakers/"
GROUPS = "/api/v1/stakeholder-groups/"
SEARCH = "/api/v1/search/"
CHANGES = "/api/v1/changes/"
FACETS = "/api/v1/quotes/facets/"
QUOTE = "/api/v1/quotes/blinken-mass-migration-remains-a-priority/"
STATEMENT = "/api/v1/statements/voa-blinken-on-meeting-the-migration-challenge/"
SEEDED_QUOTES = 6

TEN_KB = "a" * 10 * 1024
INVALID_UTF8 = "%ff%fe"
ALLOW = {"GET", "HEAD", "OPTIONS"}
# Above DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB by default).
OVERSIZED = b'{"text": "' + b"x" * (3 * 1024 * 1024) + b'"}'


def cursor(value) -> str:
    """A cursor as the API encodes them, around any JSON value."""
    raw = json.dumps(value).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@dataclass(frozen=True)
class Hostile:
    """One request and the answer it must get."""

    path: str
    status: int
    parameter: str | None = None
    method: str = "GET"
    body: bytes = b""
    content_type: str = "application/octet-stream"
    headers: dict = field(default_factory=dict)
    # For a 200: the number of rows (lists) or hits (search) it must return.
    count: int | None = None

    def send(self, client):
        meta = {
            "HTTP_" + name.upper().replace("-", "_"): value
            for name, value in self.headers.items()
        }
        return client.generic(
            self.method,
            self.path,
            data=self.body,
            content_type=self.content_type,
            **meta,
        )


def case(id_, path, status, parameter=None, *, bug=None, **kwargs):
    marks = [pytest.mark.xfail(strict=True, reason=f"BUG: {bug}")] if bug else []
    return pytest.param(Hostile(path, status, parameter, **kwargs), id=id_, marks=marks)


def bad(id_, path, parameter=None, *, bug=None, **kwargs):
    """A request that must be a 400 naming `parameter`."""
    return case(id_, path, 400, parameter, bug=bug, **kwargs)


def missing(id_, path, *, bug=None, **kwargs):
    """A well-formed request for something that is not there: a 404."""
    return case(id_, path, 404, bug=bug, **kwargs)


def fine(id_, path, count=None, *, bug=None, **kwargs):
    """A request that is legitimately fine: a 200, with `count` rows if given."""
    return case(id_, path, 200, count=count, bug=bug, **kwargs)


PAGINATION = [
    fine("page-size-huge-is-capped", f"{QUOTES}?page_size=1000000", SEEDED_QUOTES),
    fine(
        "page-size-largest-exact-json-integer-is-capped",
        f"{QUOTES}?page_size={2**53 - 1}",
        SEEDED_QUOTES,
    ),
    bad(
        "page-size-beyond-exact-json-integers",
        f"{QUOTES}?page_size={2**53}",
        "page_size",
    ),
    bad(
        "page-size-beyond-int64",
        f"{QUOTES}?page_size=99999999999999999999999999",
        "page_size",
    ),
    bad("page-beyond-exact-json-integers", f"{QUOTES}?page={2**53}", "page"),
    bad("page-size-zero", f"{QUOTES}?page_size=0", "page_size"),
    bad("page-size-negative", f"{QUOTES}?page_size=-1", "page_size"),
    bad("page-size-abc", f"{QUOTES}?page_size=abc", "page_size"),
    bad("page-size-exponent", f"{QUOTES}?page_size=1e3", "page_size"),
    bad("page-size-fraction", f"{QUOTES}?page_size=2.5", "page_size"),
    bad("page-size-nul", f"{QUOTES}?page_size=%00", "page_size"),
    bad("page-size-5000-digits", f"{QUOTES}?page_size={'9' * 5000}", "page_size"),
    bad("page-zero", f"{QUOTES}?page=0", "page"),
    bad("page-minus-one", f"{QUOTES}?page=-1", "page"),
    bad("page-abc", f"{QUOTES}?page=abc", "page"),
    bad("page-1e9", f"{QUOTES}?page=1e9", "page"),
    missing("page-one-billion", f"{QUOTES}?page=1000000000"),
    missing("page-past-the-last", f"{QUOTES}?page=2"),
    bad("page-5000-digits", f"{QUOTES}?page={'9' * 5000}", "page"),
    missing("page-deeper-than-offset-limit", f"{QUOTES}?page=101&page_size=100"),
    fine("page-empty-means-first", f"{QUOTES}?page=", SEEDED_QUOTES),
    bad("page-on-events-abc", f"{EVENTS}?page=abc", "page"),
    bad("page-size-on-themes-negative", f"{THEMES}?page_size=-5", "page_size"),
    bad("cursor-garbage", f"{QUOTES}?cursor=garbage", "cursor"),
    bad("cursor-invalid-utf8", f"{QUOTES}?cursor={INVALID_UTF8}", "cursor"),
    bad("cursor-nul", f"{QUOTES}?cursor=%00", "cursor"),
    bad("cursor-not-a-list", f"{QUOTES}?cursor={cursor({'a': 1})}", "cursor"),
    bad("cursor-bad-date", f"{QUOTES}?cursor={cursor(['2022-02-30', 1])}", "cursor"),
    bad(
        "cursor-infinite-id",
        f"{QUOTES}?cursor="
        + base64.urlsafe_b64encode(b'["2022-01-01", 1e999]').decode(),
        "cursor",
    ),
    bad("cursor-with-ordering", f"{QUOTES}?cursor=x&ordering=slug", "cursor"),
    bad(
        "updated-since-yesterday", f"{QUOTES}?updated_since=yesterday", "updated_since"
    ),
    bad(
        "updated-since-feb-30",
        f"{QUOTES}?updated_since=2022-02-30T00:00:00Z",
        "updated_since",
    ),
    bad(
        "updated-since-hour-25",
        f"{THEMES}?updated_since=2022-02-28T25:00:00Z",
        "updated_since",
    ),
    # ISO 8601 allows any offset under 24 h; the API converts to UTC first.
    fine(
        "updated-since-offset-21h",
        f"{THEMES}?updated_since=2022-01-01T00:00:00%2B21:17",
    ),
    bad("updated-since-10kb", f"{QUOTES}?updated_since={TEN_KB}", "updated_since"),
    # Sync pages continue from their cursor: `page` does not apply to them.
    fine(
        "updated-since-with-page",
        f"{QUOTES}?updated_since=2022-01-01&page=2",
        SEEDED_QUOTES,
    ),
    bad("changes-limit-zero", f"{CHANGES}?limit=0", "limit"),
    bad("changes-limit-negative", f"{CHANGES}?limit=-1", "limit"),
    bad("changes-limit-abc", f"{CHANGES}?limit=abc", "limit"),
    bad("changes-limit-over-max", f"{CHANGES}?limit=1001", "limit"),
    bad(
        "changes-limit-5000-digits",
        f"{CHANGES}?limit={'9' * 5000}",
        "limit",
    ),
    bad("changes-since-garbage", f"{CHANGES}?since=garbage", "since"),
    bad("changes-since-not-a-pair", f"{CHANGES}?since={cursor([1, 2, 3])}", "since"),
    bad(
        "changes-since-infinite",
        f"{CHANGES}?since=" + base64.urlsafe_b64encode(b"[1e999, 1]").decode(),
        "since",
    ),
    bad("search-limit-zero", f"{SEARCH}?q=border&limit=0", "limit"),
    bad("search-limit-huge", f"{SEARCH}?q=border&limit=99999999999999999999", "limit"),
    bad("search-limit-exponent", f"{SEARCH}?q=border&limit=1e3", "limit"),
]

SLUGS = [
    case("detail-unknown-slug", f"{QUOTES}does-not-exist/", 404),
    case("detail-slug-5000-chars", f"{QUOTES}{'a' * 5000}/", 404),
    case("detail-slug-unicode", f"{QUOTES}caf%C3%A9/", 404),
    case("detail-slug-emoji", f"{SPEAKERS}%F0%9F%92%A5/", 404),
    case("detail-slug-dot-dot-slash", f"{QUOTES}../speakers/", 404),
    case("detail-slug-encoded-traversal", f"{QUOTES}..%2f..%2fadmin/", 404),
    case("detail-slug-nul", f"{QUOTES}a%00b/", 404),
    case("detail-slug-invalid-utf8", f"{QUOTES}{INVALID_UTF8}/", 404),
    case("detail-slug-sql", f"{QUOTES}%27%20OR%201%3D1%20--/", 404),
    case("detail-slug-zero", f"{THEMES}0/", 404),
    case("detail-slug-minus-one", f"{EVENTS}-1/", 404),
    case("detail-slug-null", f"{GROUPS}null/", 404),
    case("unknown-route", "/api/v1/users/", 404),
    case("unknown-version", "/api/v2/quotes/", 404),
    bad("filter-unknown-speaker", f"{QUOTES}?speaker=nobody", "speaker"),
    bad("filter-slug-10kb", f"{QUOTES}?theme={TEN_KB}", "theme"),
    bad("filter-slug-unicode", f"{STATEMENTS}?author=%E2%98%83", "author"),
    bad("filter-retired-speaker", f"{STATEMENTS}?speaker=antony-blinken", "speaker"),
    bad("filter-slug-dot-dot-slash", f"{QUOTES}?event=../../etc/passwd", "event"),
    bad("filter-slug-sql", f"{QUOTES}?speaker=%27%20OR%20%271%27%3D%271", "speaker"),
    bad("filter-slug-invalid-utf8", f"{QUOTES}?statement={INVALID_UTF8}", "statement"),
    bad(
        "filter-too-many-slugs",
        f"{QUOTES}?theme=" + ",".join(f"t{i}" for i in range(600)),
        "theme",
    ),
    bad("filter-only-commas-is-an-empty-item", f"{QUOTES}?theme=,,,", "theme"),
    bad(
        "filter-percent-s-speaker",
        f"{QUOTES}?speaker=%25s",
        "speaker",
    ),
    bad("filter-percent-d-theme", f"{QUOTES}?theme=a%25d", "theme"),
    bad("filter-percent-parent", f"{EVENTS}?parent=%25", "parent"),
    bad(
        "facets-percent-s-speaker",
        f"{FACETS}?speaker=%25s",
        "speaker",
    ),
]

ENUMS = [
    bad("fidelity-unknown", f"{QUOTES}?fidelity=verbatim", "fidelity"),
    bad("fidelity-wrong-case", f"{QUOTES}?fidelity=DIRECT", "fidelity"),
    bad(
        "fidelity-one-of-two-unknown", f"{QUOTES}?fidelity=direct,verbatim", "fidelity"
    ),
    bad(
        "stakeholder-role-unknown",
        f"{QUOTES}?stakeholder_role=villain",
        "stakeholder_role",
    ),
    bad("statement-kind-unknown", f"{STATEMENTS}?kind=tweet", "kind"),
    bad("event-kind-unknown", f"{EVENTS}?kind=party", "kind"),
    bad("category-unknown", f"{GROUPS}?category=aliens", "category"),
    bad("ordering-unknown-quotes", f"{QUOTES}?ordering=password", "ordering"),
    bad("ordering-rank-not-public", f"{QUOTES}?ordering=-rank", "ordering"),
    bad(
        "ordering-sql-statements",
        f"{STATEMENTS}?ordering=title;DROP%20TABLE",
        "ordering",
    ),
    bad("ordering-unknown-events", f"{EVENTS}?ordering=id", "ordering"),
    bad("ordering-unknown-themes", f"{THEMES}?ordering=parent__name", "ordering"),
    bad("ordering-unknown-speakers", f"{SPEAKERS}?ordering=biography", "ordering"),
    bad("ordering-unknown-groups", f"{GROUPS}?ordering=--name", "ordering"),
    bad("ordering-empty-item", f"{QUOTES}?ordering=slug,,slug", "ordering"),
    bad("ordering-only-comma", f"{SPEAKERS}?ordering=,", "ordering"),
    bad("expand-unknown-quotes", f"{QUOTES}?expand=password", "expand"),
    bad("expand-unknown-statement-detail", f"{STATEMENT}?expand=author", "expand"),
    bad("expand-on-speakers", f"{SPEAKERS}?expand=roles", "expand"),
    bad("fields-unknown-quotes", f"{QUOTES}?fields=slug,password", "fields"),
    bad("fields-unknown-quote-detail", f"{QUOTE}?fields=__dict__", "fields"),
    bad("fields-unknown-groups", f"{GROUPS}?fields=pk", "fields"),
    bad("search-type-unknown", f"{SEARCH}?q=border&type=user", "type"),
    bad("search-type-one-unknown", f"{SEARCH}?q=border&type=quote,user", "type"),
    bad("top-level-maybe", f"{EVENTS}?top_level=maybe", "top_level"),
]

DATES = [
    bad("date-from-feb-30", f"{QUOTES}?date_from=2022-02-30", "date_from"),
    bad("date-to-month-13", f"{QUOTES}?date_to=2022-13-01", "date_to"),
    bad("date-from-yesterday", f"{QUOTES}?date_from=yesterday", "date_from"),
    fine("date-from-empty-is-no-filter", f"{QUOTES}?date_from=", SEEDED_QUOTES),
    bad("date-from-10kb", f"{QUOTES}?date_from={TEN_KB}", "date_from"),
    bad("date-to-year-zero", f"{QUOTES}?date_to=0000-01-01", "date_to"),
    bad("date-from-five-digit-year", f"{QUOTES}?date_from=99999-01-01", "date_from"),
    bad("date-with-time", f"{QUOTES}?date_from=2022-02-28T00:00:00", "date_from"),
    bad(
        "published-from-feb-30",
        f"{STATEMENTS}?published_from=2022-02-30",
        "published_from",
    ),
    bad(
        "published-to-month-13", f"{STATEMENTS}?published_to=2022-13-01", "published_to"
    ),
    bad("events-date-from-feb-29-2022", f"{EVENTS}?date_from=2022-02-29", "date_from"),
    bad("events-date-to-words", f"{EVENTS}?date_to=next%20week", "date_to"),
]

FULL_TEXT = [
    fine("q-single-quote", f"{QUOTES}?q=%27", 0),
    fine("q-ampersand", f"{QUOTES}?q=%26", 0),
    fine("q-pipe", f"{QUOTES}?q=%7C", 0),
    fine("q-bang", f"{QUOTES}?q=!", 0),
    fine("q-prefix-operator", f"{QUOTES}?q=%3A*", 0),
    fine("q-followed-by-operator", f"{QUOTES}?q=%3C-%3E", 0),
    fine("q-unbalanced-double-quote", f"{QUOTES}?q=%22border", 1),
    fine("q-unbalanced-parentheses", f"{QUOTES}?q=((((border", 1),
    fine("q-closing-parenthesis", f"{QUOTES}?q=)", 0),
    fine("q-backslash", f"{QUOTES}?q=%5C", 0),
    fine("q-only-stopword", f"{QUOTES}?q=the", 0),
    fine("q-only-stopwords", f"{QUOTES}?q=the%20and%20of%20a", 0),
    fine("q-empty-is-no-filter", f"{QUOTES}?q=", SEEDED_QUOTES),
    fine("q-operators-between-words", f"{QUOTES}?q=a%20%26%20%7C%20!%20b", 0),
    fine("q-weight-label", f"{QUOTES}?q=foo%3AA", 0),
    fine(
        "q-sql-injection",
        f"{QUOTES}?q=%27%3B%20DROP%20TABLE%20statements_quote%3B--",
        0,
    ),
    fine("q-invalid-utf8", f"{QUOTES}?q={INVALID_UTF8}", 0),
    fine("q-control-characters", f"{QUOTES}?q=%01%02%1b", 0),
    bad("q-nul", f"{QUOTES}?q=%00", "q"),
    bad("q-10kb", f"{QUOTES}?q={TEN_KB}", "q"),
    fine("statements-q-metacharacters", f"{STATEMENTS}?q=%27%26%7C!%3A*", 0),
    fine("facets-q-metacharacters", f"{FACETS}?q=%3C-%3E%20%27", None),
    fine("search-only-stopword", f"{SEARCH}?q=the", 0),
    fine("search-metacharacters", f"{SEARCH}?q=%26%7C!%3A*%3C-%3E", 0),
    fine("search-unbalanced-quote", f"{SEARCH}?q=%22%27(", 0),
    bad("search-empty", f"{SEARCH}?q=", "q"),
    bad("search-blank", f"{SEARCH}?q=%20%20%20", "q"),
    bad("search-missing-q", f"{SEARCH}", "q"),
    bad("search-10kb", f"{SEARCH}?q={TEN_KB}", "q"),
    bad("search-nul", f"{SEARCH}?q=bor%00der", "q"),
    bad(
        "publisher-like-wildcard-is-no-slug", f"{STATEMENTS}?publisher=%25", "publisher"
    ),
    bad(
        "publisher-underscore-is-no-slug",
        f"{STATEMENTS}?publisher=_oice-of-america",
        "publisher",
    ),
    fine("language-like-wildcard-is-literal", f"{STATEMENTS}?language=e_", 0),
]

# NUL in every string parameter: PostgreSQL text cannot hold it, so each must be
# refused before the query is built.
NUL_PARAMETERS = [
    ("quotes", QUOTES, "speaker"),
    ("quotes", QUOTES, "statement"),
    ("quotes", QUOTES, "event"),
    ("quotes", QUOTES, "theme"),
    ("quotes", QUOTES, "stakeholder_group"),
    ("quotes", QUOTES, "stakeholder_role"),
    ("quotes", QUOTES, "fidelity"),
    ("quotes", QUOTES, "language"),
    ("quotes", QUOTES, "date_from"),
    ("quotes", QUOTES, "ordering"),
    ("quotes", QUOTES, "fields"),
    ("quotes", QUOTES, "expand"),
    ("quotes", QUOTES, "updated_since"),
    ("statements", STATEMENTS, "publisher"),
    ("statements", STATEMENTS, "author"),
    ("statements", STATEMENTS, "quoted_speaker"),
    ("statements", STATEMENTS, "kind"),
    ("statements", STATEMENTS, "published_to"),
    ("events", EVENTS, "country"),
    ("events", EVENTS, "kind"),
    ("events", EVENTS, "parent"),
    ("themes", THEMES, "parent"),
    ("stakeholder-groups", GROUPS, "category"),
    ("search", f"{SEARCH}?q=border&", "type"),
    ("changes", CHANGES, "since"),
    ("changes", CHANGES, "limit"),
    ("quote-detail", QUOTE, "fields"),
    ("export-quotes-csv", "/api/v1/exports/quotes.csv", "speaker"),
    ("export-events-ndjson", "/api/v1/exports/events.ndjson", "country"),
]
NUL = [
    bad(
        f"nul-{route}-{name}",
        f"{path}{'' if path.endswith('&') else '?'}{name}=ab%00cd",
        name,
    )
    for route, path, name in NUL_PARAMETERS
]
NUL.append(
    bad(
        "nul-events-top_level",
        f"{EVENTS}?top_level=%00",
        "top_level",
    )
)

INVALID_UTF8_VALUES = [
    bad("utf8-fields", f"{QUOTES}?fields={INVALID_UTF8}", "fields"),
    bad("utf8-expand", f"{STATEMENTS}?expand={INVALID_UTF8}", "expand"),
    bad("utf8-ordering", f"{EVENTS}?ordering={INVALID_UTF8}", "ordering"),
    bad("utf8-fidelity", f"{QUOTES}?fidelity={INVALID_UTF8}", "fidelity"),
    bad("utf8-date", f"{QUOTES}?date_to={INVALID_UTF8}", "date_to"),
    bad("utf8-country", f"{EVENTS}?country={INVALID_UTF8}%ff", "country"),
    fine("utf8-language-matches-nothing", f"{QUOTES}?language={INVALID_UTF8}", 0),
    bad(
        "utf8-publisher-is-no-slug",
        f"{STATEMENTS}?publisher={INVALID_UTF8}",
        "publisher",
    ),
    bad("utf8-parameter-name-is-unknown", f"{QUOTES}?{INVALID_UTF8}=1", "\ufffd\ufffd"),
    fine("utf8-search", f"{SEARCH}?q={INVALID_UTF8}", 0),
]

LONG_QUERY_STRINGS = [
    bad("unknown-parameter-10kb", f"{QUOTES}?x={TEN_KB}", "x"),
    bad("unknown-parameter-name-10kb", f"{QUOTES}?{TEN_KB}=1", TEN_KB[:100]),
    bad("fields-10kb", f"{QUOTES}?fields={TEN_KB}", "fields"),
    bad("ordering-10kb", f"{QUOTES}?ordering={TEN_KB}", "ordering"),
    bad("expand-10kb", f"{QUOTES}?expand={TEN_KB}", "expand"),
    bad("cursor-10kb", f"{QUOTES}?cursor={TEN_KB}", "cursor"),
    bad("since-10kb", f"{CHANGES}?since={TEN_KB}", "since"),
    bad("language-10kb", f"{QUOTES}?language={TEN_KB}", "language"),
    bad("country-10kb", f"{EVENTS}?country={TEN_KB}", "country"),
    # More fields than DATA_UPLOAD_MAX_NUMBER_FIELDS (1000): Django's 400.
    bad("two-thousand-parameters", QUOTES + "?" + "&".join(["a=1"] * 2500)),
    bad(
        "repeated-list-checks-each",
        f"{QUOTES}?fidelity=verbatim&fidelity=direct",
        "fidelity",
    ),
    bad("repeated-single-parameter", f"{QUOTES}?page=1&page=1", "page"),
]

WRITE_BODIES = [
    ("json-array", b"[]", "application/json"),
    ("json-string", b'"quote"', "application/json"),
    ("json-null", b"null", "application/json"),
    ("json-number", b"1", "application/json"),
    ("json-object", b'{"slug": "x", "text": "y"}', "application/json"),
    ("json-malformed", b'{"slug": ', "application/json"),
    ("json-deeply-nested", b"[" * 100_000 + b"]" * 100_000, "application/json"),
    ("form-encoded", b"slug=x&text=y", "application/x-www-form-urlencoded"),
    ("multipart", b"--b\r\n\r\nx\r\n--b--\r\n", "multipart/form-data; boundary=b"),
    ("text-plain", b"hello", "text/plain"),
    ("xml", b"<quote><slug>x</slug></quote>", "application/xml"),
    ("no-content-type", b"{}", ""),
    ("oversized-json", OVERSIZED, "application/json"),
    (
        "oversized-form",
        b"a=" + b"x" * (3 * 1024 * 1024),
        "application/x-www-form-urlencoded",
    ),
]
# Editors write to the resources (tests/api/test_writes.py): without
# credentials a write the route takes is a 401, whatever its body.
WRITES = (
    [
        case(
            f"{method.lower()}-{target_id}-{body_id}",
            target,
            401,
            method=method,
            body=body,
            content_type=content_type,
        )
        for method, target_id, target in [
            ("POST", "quotes", QUOTES),
            ("PUT", "quote", QUOTE),
        ]
        for body_id, body, content_type in WRITE_BODIES
    ]
    + [
        case(
            f"{method.lower()}-{name}",
            path,
            status,
            method=method,
            body=b"{}",
            content_type="application/json",
        )
        for method, name, path, status in [
            ("PATCH", "statement", STATEMENT, 401),
            ("DELETE", "statement", STATEMENT, 401),
        ]
    ]
    + [
        case(
            f"{method.lower()}-{name}",
            path,
            405,
            method=method,
            body=b"{}",
            content_type="application/json",
        )
        for method, name, path in [
            ("DELETE", "quotes", QUOTES),
            ("POST", "search", SEARCH),
            ("POST", "changes", CHANGES),
            ("PUT", "facets", FACETS),
            ("TRACE", "quotes", QUOTES),
            ("PROPFIND", "quotes", QUOTES),
            ("CONNECT", "quotes", QUOTES),
        ]
    ]
)

HEADERS = [
    case("accept-text-html", QUOTES, 406, headers={"Accept": "text/html"}),
    case("accept-xml", QUOTES, 406, headers={"Accept": "application/xml"}),
    case(
        "accept-10kb",
        QUOTES,
        406,
        headers={"Accept": ", ".join(f"application/x-{i}" for i in range(600))},
    ),
    case("accept-garbage", QUOTES, 406, headers={"Accept": ";;;,,,"}),
    fine("accept-any", QUOTES, SEEDED_QUOTES, headers={"Accept": "*/*"}),
    fine(
        "accept-html-then-json",
        QUOTES,
        SEEDED_QUOTES,
        headers={"Accept": "text/html, application/json;q=0.9"},
    ),
    fine("user-agent-10kb", QUOTES, SEEDED_QUOTES, headers={"User-Agent": TEN_KB}),
    fine(
        "accept-language-10kb",
        QUOTES,
        SEEDED_QUOTES,
        headers={"Accept-Language": TEN_KB},
    ),
    fine("cookie-garbage", QUOTES, SEEDED_QUOTES, headers={"Cookie": "=;=;" + TEN_KB}),
    fine(
        "forwarded-for-garbage",
        QUOTES,
        SEEDED_QUOTES,
        headers={"X-Forwarded-For": "not-an-ip, ::::, 999.1.1.1"},
    ),
    fine(
        "if-modified-since-garbage",
        QUOTES,
        SEEDED_QUOTES,
        headers={"If-Modified-Since": "yesterday"},
    ),
    fine("content-type-on-get", QUOTES, SEEDED_QUOTES, content_type="x/y;;"),
    fine(
        "authorization-other-scheme-is-anonymous",
        QUOTES,
        SEEDED_QUOTES,
        headers={"Authorization": "Basic Zm9vOmJhcg=="},
    ),
    case("api-key-unknown", QUOTES, 401, headers={"X-API-Key": "bogus"}),
    case("api-key-10kb", QUOTES, 401, headers={"X-API-Key": TEN_KB}),
    case("api-key-empty-scheme", QUOTES, 401, headers={"Authorization": "Api-Key "}),
    case(
        "api-key-two-different",
        QUOTES,
        401,
        headers={"Authorization": "Api-Key one", "X-API-Key": "two"},
    ),
]

LISTS = [QUOTES, STATEMENTS, EVENTS, THEMES, SPEAKERS, GROUPS]
DEEP_CURSOR = base64.urlsafe_b64encode(b"[" * 3000).decode()

# Issue 14, item 3: each of these was a 500. Dates whose UTC equivalent leaves
# years 1 to 9999 overflowed, a deeply nested cursor exhausted the JSON
# decoder's recursion, and '²' passed str.isdigit().
LIMITS_OF_THE_PARSERS = [
    *(
        bad(
            f"updated-since-before-year-1-in-utc-{path}",
            f"{path}?updated_since=0001-01-01T00:00:00%2B01:00",
            "updated_since",
        )
        for path in LISTS
    ),
    *(
        bad(
            f"updated-since-after-year-9999-in-utc-{path}",
            f"{path}?updated_since=9999-12-31T23:59:59-14:00",
            "updated_since",
        )
        for path in LISTS
    ),
    *(
        bad(f"cursor-3000-brackets-{path}", f"{path}?cursor={DEEP_CURSOR}", "cursor")
        for path in LISTS
    ),
    bad("changes-since-3000-brackets", f"{CHANGES}?since={DEEP_CURSOR}", "since"),
    bad("changes-limit-superscript-two", f"{CHANGES}?limit=%C2%B2", "limit"),
    bad("changes-limit-arabic-indic-three", f"{CHANGES}?limit=%D9%A3", "limit"),
    bad("changes-limit-underscore", f"{CHANGES}?limit=1_0", "limit"),
    fine("changes-limit-empty-means-default", f"{CHANGES}?limit="),
    bad("search-limit-superscript-two", f"{SEARCH}?q=x&limit=%C2%B2", "limit"),
    bad("page-size-arabic-indic-three", f"{QUOTES}?page_size=%D9%A3", "page_size"),
    bad("page-underscore", f"{QUOTES}?page=1_0", "page"),
    bad(
        "cursor-date-before-year-1-in-utc",
        f"{QUOTES}?cursor={cursor(['0001-01-01T00:00:00+01:00', 1])}",
        "cursor",
    ),
    bad("cursor-date-not-a-string", f"{QUOTES}?cursor={cursor([5, 1])}", "cursor"),
    bad("cursor-longer-than-any-issued", f"{QUOTES}?cursor={'W' * 5000}", "cursor"),
    fine(
        "updated-since-year-1-utc-is-fine",
        f"{QUOTES}?updated_since=0001-01-01T00:00:00Z",
        SEEDED_QUOTES,
    ),
]

CORPUS = [
    *LIMITS_OF_THE_PARSERS,
    *PAGINATION,
    *SLUGS,
    *ENUMS,
    *DATES,
    *FULL_TEXT,
    *NUL,
    *INVALID_UTF8_VALUES,
    *LONG_QUERY_STRINGS,
    *WRITES,
    *HEADERS,
]


def test_the_corpus_is_large_and_every_id_is_unique():
    ids = [param.id for param in CORPUS]
    assert len(ids) >= 100
    assert len(set(ids)) == len(ids)


def test_the_fingerprint_sees_one_changed_timestamp(seeded, db):
    before = data_fingerprint()

    Quote.objects.filter(slug=QUOTE.split("/")[-2]).update(
        updated_at=F("updated_at") + datetime.timedelta(microseconds=1)
    )

    assert data_fingerprint() != before


@pytest.mark.parametrize("hostile", CORPUS)
def test_hostile_request_gets_its_documented_answer(client, seeded, db, hostile):
    before = data_fingerprint()

    response = hostile.send(client)

    if hostile.status == 200:
        assert response.status_code == 200, response.content[:600]
        assert response["Content-Type"] == "application/json"
        body = response.json()
        if hostile.count is not None:
            # Sync (cursor) pages have no count: count their rows.
            found = body.get("count")
            if found is None:
                found = len(body["results"])
            assert found == hostile.count, body
    else:
        parameter = hostile.parameter if hostile.status == 400 else None
        assert_problem(response, hostile.status, parameter)
    if hostile.status == 405:
        allowed = {m.strip() for m in response["Allow"].split(",")}
        # The quote list takes editors' POSTs.
        assert allowed == ALLOW | ({"POST"} if hostile.path == QUOTES else set())
    assert data_fingerprint() == before
