"""Floor views: the API's list pages built the cheapest ways known, to compare with.

Floor B builds a page's JSON from `.values_list()` rows and orjson; floor C has
PostgreSQL build the rows' JSON (json_build_object / json_agg) in one query and
only wraps it in the page envelope. Both give the same keys and values as the
API's page for the same URL (tests/test_bench_floors.py), so a ratio to a floor
measures the cost of the API's machinery, not of a different answer. `?count=0`
leaves out the COUNT(*) (`count` and `total_pages` are then null).

The COPY view streams the quotes of the CSV export (same columns, same filter by
speaker) straight from `COPY ... TO STDOUT`: the floor of an export.

Only mounted with BENCH_FLOORS=1 (config/urls.py); never in production.
"""

import math
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlencode

import orjson
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse

from statements.exports import copy_to_stdout
from statements.models import (
    Quote,
    QuoteSpan,
    QuoteStakeholder,
    SpeakerRole,
    Statement,
)
from statements.resources import RESOURCES

PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
DETAIL_VIEWS = {resource.kind: resource.detail_view for resource in RESOURCES}
_SLUG = "slug-placeholder"


# --- What the floors share --------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """The page a floor request asks for, read as the API reads it."""

    number: int
    size: int
    requested_size: int
    with_count: bool

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @classmethod
    def of(cls, request) -> "Page":
        requested = int(request.GET.get("page_size") or PAGE_SIZE)
        return cls(
            number=int(request.GET.get("page") or 1),
            size=min(requested, MAX_PAGE_SIZE),
            requested_size=requested,
            with_count=request.GET.get("count", "1") != "0",
        )


class Urls:
    """Absolute API URLs by slug: one reverse() per kind and request."""

    def __init__(self, request):
        self.request = request
        self._parts = {}

    def parts(self, kind: str) -> tuple[str, str]:
        """(prefix, suffix) around the slug in the detail URL of `kind`."""
        parts = self._parts.get(kind)
        if parts is None:
            path = reverse(DETAIL_VIEWS[kind], kwargs={"slug": _SLUG})
            absolute = self.request.build_absolute_uri(path)
            parts = self._parts[kind] = tuple(absolute.split(_SLUG))
        return parts

    def __call__(self, kind: str, slug: str) -> str:
        prefix, suffix = self.parts(kind)
        return f"{prefix}{slug}{suffix}"

    def brief(self, kind: str, slug: str | None, name: str | None, key="name"):
        if slug is None:
            return None
        return {"slug": slug, key: name, "url": self(kind, slug), "shape": "brief"}


def envelope(request, list_view: str, page: Page, total: int | None, has_next: bool):
    """count, next, previous, page and search, as the API's page-number pagination
    has them."""
    base = request.build_absolute_uri(reverse(list_view))
    kept = {"page_size": request.GET["page_size"]} if "page_size" in request.GET else {}

    def url(number: int) -> str:
        query = {**kept, "page": number} if number > 1 else kept
        return f"{base}?{urlencode(sorted(query.items()))}" if query else base

    total_pages = None
    if total is not None:
        total_pages = max(1, math.ceil(total / page.size))
        has_next = page.number < total_pages
    return {
        "count": total,
        "next": url(page.number + 1) if has_next else None,
        "previous": url(page.number - 1) if page.number > 1 else None,
        "page": {
            "number": page.number,
            "size": page.size,
            "requested_size": page.requested_size,
            "max_size": MAX_PAGE_SIZE,
            "size_capped": page.requested_size > page.size,
            "total_pages": total_pages,
        },
        # The floors serve the lists of quotes and statements, which take `q`
        # (api.pagination.SearchablePagination): without it, `search` is null.
        "search": None,
    }


def json_response(body: bytes) -> HttpResponse:
    return HttpResponse(body, content_type="application/json")


def grouped(rows, build) -> dict[int, list]:
    """{first column: [build(*other columns), ...]} in the order of `rows`."""
    groups = defaultdict(list)
    for key, *values in rows:
        groups[key].append(build(*values))
    return groups


CITED_AS = {
    "direct": "Quoted in",
    "reported": "Reported in",
    "paraphrase": "Paraphrased in",
}


def citation(
    *,
    speaker,
    role,
    fidelity,
    event,
    event_certainty,
    day,
    day_certainty,
    title,
    publisher,
    published_on,
    source_url,
    license_,
):
    """The citation text of a quote, as the API words it (without the permalink)."""
    who = f"{speaker} ({role[0]}, {role[1]})" if role else speaker
    where = []
    if event and event_certainty != "unknown":
        where.append(f"probably at {event}" if event_certainty == "probable" else event)
    when = "date unknown"
    if day and day_certainty != "unknown":
        when = day.isoformat()
        when = f"probably on {when}" if day_certainty == "probable" else when
    published = published_on.isoformat() if published_on else "n.d."
    return (
        f"{', '.join([who, *where, when])}. "
        f"{CITED_AS[fidelity]} \u201c{title}\u201d, "
        f"{publisher or 'publisher unknown'}, "
        f"{published}, {source_url}. {license_}. Statements API: "
    )


def date_range(said_on, *event_dates) -> tuple:
    """(date_from, date_to): said_on, else the (start, end or start) of the first
    of the events (the quote's, its parent, its grandparent) with a start."""
    if said_on is not None:
        return said_on, said_on
    for start, end in zip(event_dates[::2], event_dates[1::2], strict=True):
        if start is not None:
            return start, end or start
    return None, None


def role_on(roles: list[tuple], day):
    """The first (title, organization, start, end) that covers `day`."""
    if day is None:
        return None
    for title, organization, start, end in roles:
        if start <= day and (end is None or day <= end):
            return title, organization
    return None


# --- Floor B: .values_list() rows and orjson ------------------------------------------

_QUOTE_COLUMNS = (
    "id",
    "slug",
    "text",
    "fidelity",
    "alterations",
    "position",
    "attribution_text",
    "attribution_start",
    "attribution_end",
    "event_certainty",
    "event_note",
    "said_on",
    "said_on_certainty",
    "as_delivered",
    "as_delivered_source_url",
    "provenance_note",
    "created_at",
    "updated_at",
    "speaker_id",
    "speaker__slug",
    "speaker__name",
    "statement__slug",
    "statement__title",
    "statement__title_certainty",
    "statement__publisher__name",
    "statement__source_url",
    "statement__published_on",
    "statement__language",
    "statement__license",
    "statement__license_url",
    "event__slug",
    "event__name",
    "event__start_date",
    "event__end_date",
    "event__parent__start_date",
    "event__parent__end_date",
    "event__parent__parent__start_date",
    "event__parent__parent__end_date",
)


def quotes_b(request):
    """GET /bench/quotes/b/: the quotes list page from rows and orjson."""
    data_license = {
        "name": settings.DATA_LICENSE["name"],
        "url": settings.DATA_LICENSE["url"],
    }
    page = Page.of(request)
    quotes = Quote.objects.order_by("id")
    total = quotes.count() if page.with_count else None
    rows = list(
        quotes.values_list(*_QUOTE_COLUMNS)[page.offset : page.offset + page.size + 1]
    )
    has_next, rows = len(rows) > page.size, rows[: page.size]
    ids = [row[0] for row in rows]
    urls = Urls(request)
    spans = grouped(
        QuoteSpan.objects.filter(quote_id__in=ids)
        .order_by("quote_id", "position")
        .values_list("quote_id", "start", "end"),
        lambda start, end: {"start": start, "end": end},
    )
    themes = grouped(
        Quote.themes.through.objects.filter(quote_id__in=ids)
        .order_by("theme__name", "theme_id")
        .values_list("quote_id", "theme__slug", "theme__name"),
        lambda slug, name: urls.brief("theme", slug, name),
    )
    groups = grouped(
        QuoteStakeholder.objects.filter(quote_id__in=ids)
        .order_by("group__name", "role")
        .values_list("quote_id", "group__slug", "group__name", "role"),
        lambda slug, name, role: {
            "slug": slug,
            "name": name,
            "url": urls("stakeholder_group", slug),
            "shape": "brief",
            "role": role,
        },
    )
    roles = grouped(
        SpeakerRole.objects.filter(speaker_id__in={row[18] for row in rows})
        .order_by("start_date", "id")
        .values_list(
            "speaker_id", "title", "organization__name", "start_date", "end_date"
        ),
        lambda *role: role,
    )
    results = []
    for (
        pk,
        slug,
        text,
        fidelity,
        alterations,
        position,
        attribution_text,
        attribution_start,
        attribution_end,
        event_certainty,
        event_note,
        said_on,
        said_on_certainty,
        as_delivered,
        as_delivered_source_url,
        provenance_note,
        created_at,
        updated_at,
        speaker_id,
        speaker_slug,
        speaker_name,
        statement_slug,
        title,
        title_certainty,
        publisher,
        source_url,
        published_on,
        language,
        license_,
        license_url,
        event_slug,
        event_name,
        event_start,
        event_end,
        *ancestor_dates,
    ) in rows:
        date_from, date_to = date_range(
            said_on, event_start, event_end, *ancestor_dates
        )
        one_day = event_start is not None and event_start == event_end
        day = said_on or (event_start if one_day else None)
        day_certainty = (
            said_on_certainty if said_on else event_certainty if one_day else None
        )
        role = role_on(roles.get(speaker_id, []), day or event_start or published_on)
        url = urls("quote", slug)
        results.append(
            {
                "slug": slug,
                "url": url,
                "text": text,
                "fidelity": fidelity,
                "spans": spans.get(pk, []),
                "alterations": [
                    {key: a[key] for key in ("kind", "start", "end", "delivered")}
                    for a in alterations
                ],
                "position": position,
                "attribution_text": attribution_text,
                "attribution_start": attribution_start,
                "attribution_end": attribution_end,
                "speaker": urls.brief("speaker", speaker_slug, speaker_name),
                "speaker_role": {"title": role[0], "organization": role[1]}
                if role
                else None,
                "statement": urls.brief("statement", statement_slug, title, "title"),
                "event": urls.brief("event", event_slug, event_name),
                "event_certainty": event_certainty,
                "event_note": event_note,
                "said_on": said_on,
                "said_on_certainty": said_on_certainty,
                "date": day,
                "date_certainty": day_certainty,
                "date_from": date_from,
                "date_to": date_to,
                "as_delivered": as_delivered,
                "as_delivered_source_url": as_delivered_source_url,
                "themes": themes.get(pk, []),
                "stakeholder_groups": groups.get(pk, []),
                "source": {
                    "title": title,
                    "title_certainty": title_certainty,
                    "publisher": publisher,
                    "source_url": source_url,
                    "published_on": published_on,
                    "language": language,
                    "license": license_,
                    "license_url": license_url,
                },
                "citation": citation(
                    speaker=speaker_name,
                    role=role,
                    fidelity=fidelity,
                    event=event_name,
                    event_certainty=event_certainty,
                    day=day,
                    day_certainty=day_certainty,
                    title=title,
                    publisher=publisher,
                    published_on=published_on,
                    source_url=source_url,
                    license_=license_,
                )
                + url,
                "provenance_note": provenance_note,
                "licenses": {
                    "data": data_license,
                    "text": {"name": license_, "url": license_url},
                },
                "highlight": None,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )
    body = envelope(request, "quote-list", page, total, has_next)
    body["results"] = results
    return json_response(orjson.dumps(body, option=orjson.OPT_UTC_Z))


_STATEMENT_COLUMNS = (
    "id",
    "slug",
    "title",
    "title_certainty",
    "title_note",
    "kind",
    "author_speaker__slug",
    "author_speaker__name",
    "author_organization__slug",
    "author_organization__name",
    "publisher__slug",
    "publisher__name",
    "source_url",
    "published_on",
    "language",
    "license",
    "license_url",
    "text_sha256",
    "event__slug",
    "event__name",
    "created_at",
    "updated_at",
)


def statements_b(request):
    """GET /bench/statements/b/: the statements list page from rows and orjson."""
    data_license = {
        "name": settings.DATA_LICENSE["name"],
        "url": settings.DATA_LICENSE["url"],
    }
    page = Page.of(request)
    statements = Statement.objects.all()  # Meta.ordering, as the API
    total = statements.count() if page.with_count else None
    # The sort reads narrow rows; the page's 51 rows are then read by id.
    page_ids = statements.values("id")[page.offset : page.offset + page.size + 1]
    rows = list(statements.filter(pk__in=page_ids).values_list(*_STATEMENT_COLUMNS))
    has_next, rows = len(rows) > page.size, rows[: page.size]
    ids = [row[0] for row in rows]
    urls = Urls(request)
    themes = grouped(
        Statement.themes.through.objects.filter(statement_id__in=ids)
        .order_by("theme__name", "theme_id")
        .values_list("statement_id", "theme__slug", "theme__name"),
        lambda slug, name: urls.brief("theme", slug, name),
    )
    groups = grouped(
        Statement.stakeholder_groups.through.objects.filter(statement_id__in=ids)
        .order_by("stakeholdergroup__name", "stakeholdergroup_id")
        .values_list(
            "statement_id", "stakeholdergroup__slug", "stakeholdergroup__name"
        ),
        lambda slug, name: urls.brief("stakeholder_group", slug, name),
    )
    quote_counts = dict(
        Quote.objects.filter(statement_id__in=ids)
        .order_by()
        .values("statement_id")
        .annotate(n=Count("id"))
        .values_list("statement_id", "n")
    )
    results = []
    for row in rows:
        pk, slug, *fields, created_at, updated_at = row
        (
            title,
            title_certainty,
            title_note,
            kind,
            author_speaker_slug,
            author_speaker_name,
            author_organization_slug,
            author_organization_name,
            publisher_slug,
            publisher_name,
            source_url,
            published_on,
            language,
            license_,
            license_url,
            text_sha256,
            event_slug,
            event_name,
        ) = fields
        author = None
        if author_speaker_slug is not None:
            author = ("speaker", author_speaker_slug, author_speaker_name)
        elif author_organization_slug is not None:
            author = (
                "organization",
                author_organization_slug,
                author_organization_name,
            )
        results.append(
            {
                "slug": slug,
                "url": urls("statement", slug),
                "title": title,
                "title_certainty": title_certainty,
                "title_note": title_note,
                "kind": kind,
                "author": {
                    "type": author[0],
                    "slug": author[1],
                    "name": author[2],
                    "url": urls(author[0], author[1]),
                }
                if author
                else None,
                "publisher": urls.brief("organization", publisher_slug, publisher_name),
                "source_url": source_url,
                "published_on": published_on,
                "language": language,
                "license": license_,
                "license_url": license_url,
                "text_sha256": text_sha256,
                "event": urls.brief("event", event_slug, event_name),
                "themes": themes.get(pk, []),
                "stakeholder_groups": groups.get(pk, []),
                "quote_count": quote_counts.get(pk, 0),
                "licenses": {
                    "data": data_license,
                    "text": {"name": license_, "url": license_url},
                },
                "highlight": None,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )
    body = envelope(request, "statement-list", page, total, has_next)
    body["results"] = results
    return json_response(orjson.dumps(body, option=orjson.OPT_UTC_Z))


# --- Floor C: the rows' JSON built by PostgreSQL --------------------------------------


def iso_utc(column: str) -> str:
    """SQL for a timestamptz as DRF writes it: ISO 8601, microseconds unless 0, Z.

    For statements run with parameters, so `%` is doubled.
    """
    utc = f"({column} AT TIME ZONE 'UTC')"
    return (
        f"to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN "
        f"extract(microseconds FROM {utc})::bigint %% 1000000 = 0 THEN '' "
        f"ELSE to_char({utc}, '.US') END || 'Z'"
    )


def brief_sql(kind: str, table: str, key: str = "name") -> str:
    """SQL for a brief object {slug, name, url, shape}, or null when the row is
    missing."""
    return (
        f"CASE WHEN {table}.id IS NULL THEN NULL ELSE json_build_object("
        f"'slug', {table}.slug, '{key}', {table}.{key}, "
        f"'url', %({kind}_prefix)s || {table}.slug || %({kind}_suffix)s, "
        "'shape', 'brief') END"
    )


def url_params(urls: Urls, kinds) -> dict[str, str]:
    params = {}
    for kind in kinds:
        params[f"{kind}_prefix"], params[f"{kind}_suffix"] = urls.parts(kind)
    return params


# A quote's event (e), its day (d.day) and date range (dr): the event, then its
# parent and grandparent, as selectors.with_date_range.
_QUOTE_DATES = """
LEFT JOIN statements_event e ON e.id = q.event_id
  LEFT JOIN statements_event e2 ON e2.id = e.parent_id
  LEFT JOIN statements_event e3 ON e3.id = e2.parent_id
  CROSS JOIN LATERAL (SELECT COALESCE(q.said_on, CASE WHEN e.start_date = e.end_date
                                     THEN e.start_date END) AS day,
                            CASE WHEN q.said_on IS NOT NULL THEN q.said_on_certainty
                                 WHEN e.start_date = e.end_date
                                 THEN q.event_certainty END AS certainty) d
  CROSS JOIN LATERAL (SELECT
    COALESCE(q.said_on, e.start_date, e2.start_date, e3.start_date) AS date_from,
    CASE WHEN q.said_on IS NOT NULL THEN q.said_on
         WHEN e.start_date IS NOT NULL THEN COALESCE(e.end_date, e.start_date)
         WHEN e2.start_date IS NOT NULL THEN COALESCE(e2.end_date, e2.start_date)
         ELSE COALESCE(e3.end_date, e3.start_date) END AS date_to) dr
"""

_QUOTES_C = f"""
SELECT {{total}},
  COALESCE(json_agg(item ORDER BY rn) FILTER (WHERE rn <= %(size)s), '[]')::text,
  count(*) > %(size)s
FROM (
  SELECT q.rn, json_build_object(
    'slug', q.slug,
    'url', %(quote_prefix)s || q.slug || %(quote_suffix)s,
    'text', q.text,
    'fidelity', q.fidelity,
    'spans', COALESCE((
      SELECT json_agg(json_build_object('start', sp.start, 'end', sp."end")
                      ORDER BY sp.position)
      FROM statements_quotespan sp WHERE sp.quote_id = q.id), '[]'),
    'alterations', COALESCE((
      SELECT json_agg(json_build_object('kind', a->'kind', 'start', a->'start',
                                        'end', a->'end', 'delivered', a->'delivered')
                      ORDER BY n)
      FROM jsonb_array_elements(q.alterations) WITH ORDINALITY AS x(a, n)), '[]'),
    'position', q.position,
    'attribution_text', q.attribution_text,
    'attribution_start', q.attribution_start,
    'attribution_end', q.attribution_end,
    'speaker', {brief_sql("speaker", "sk")},
    'speaker_role', CASE WHEN r.title IS NULL THEN NULL ELSE
      json_build_object('title', r.title, 'organization', r.organization) END,
    'statement', {brief_sql("statement", "st", "title")},
    'event', {brief_sql("event", "e")},
    'event_certainty', q.event_certainty,
    'event_note', q.event_note,
    'said_on', q.said_on,
    'said_on_certainty', q.said_on_certainty,
    'date', d.day,
    'date_certainty', d.certainty,
    'date_from', dr.date_from,
    'date_to', dr.date_to,
    'as_delivered', q.as_delivered,
    'as_delivered_source_url', q.as_delivered_source_url,
    'themes', COALESCE((
      SELECT json_agg({brief_sql("theme", "t")} ORDER BY t.name, t.id)
      FROM statements_quote_themes qt JOIN statements_theme t ON t.id = qt.theme_id
      WHERE qt.quote_id = q.id), '[]'),
    'stakeholder_groups', COALESCE((
      SELECT json_agg(json_build_object(
        'slug', g.slug, 'name', g.name,
        'url', %(stakeholder_group_prefix)s || g.slug || %(stakeholder_group_suffix)s,
        'shape', 'brief', 'role', l.role) ORDER BY g.name, l.role)
      FROM statements_quotestakeholder l
      JOIN statements_stakeholdergroup g ON g.id = l.group_id
      WHERE l.quote_id = q.id), '[]'),
    'source', json_build_object(
      'title', st.title, 'title_certainty', st.title_certainty,
      'publisher', pb.name, 'source_url', st.source_url,
      'published_on', st.published_on, 'language', st.language,
      'license', st.license, 'license_url', st.license_url),
    'citation', concat_ws(', ',
        sk.name || COALESCE(' (' || r.title || ', ' || r.organization || ')', ''),
        CASE q.event_certainty WHEN 'unknown' THEN NULL
          WHEN 'probable' THEN 'probably at ' || e.name ELSE e.name END,
        CASE WHEN d.day IS NULL OR d.certainty = 'unknown' THEN 'date unknown'
          WHEN d.certainty = 'probable'
            THEN 'probably on ' || to_char(d.day, 'YYYY-MM-DD')
          ELSE to_char(d.day, 'YYYY-MM-DD') END)
      || '. ' || CASE q.fidelity WHEN 'direct' THEN 'Quoted in'
                   WHEN 'reported' THEN 'Reported in' ELSE 'Paraphrased in' END
      || ' \u201c' || st.title || '\u201d, '
      || COALESCE(pb.name, 'publisher unknown') || ', '
      || COALESCE(to_char(st.published_on, 'YYYY-MM-DD'), 'n.d.') || ', '
      || st.source_url || '. ' || st.license || '. Statements API: '
      || %(quote_prefix)s || q.slug || %(quote_suffix)s,
    'provenance_note', q.provenance_note,
    'licenses', json_build_object(
      'data', json_build_object('name', %(data_license_name)s,
                                'url', %(data_license_url)s),
      'text', json_build_object('name', st.license, 'url', st.license_url)),
    'highlight', NULL,
    'created_at', {iso_utc("q.created_at")},
    'updated_at', {iso_utc("q.updated_at")}
  ) AS item
  FROM (
    SELECT *, row_number() OVER (ORDER BY id) AS rn FROM (
      SELECT id, slug, text, fidelity, alterations, position, attribution_text,
             attribution_start, attribution_end, event_certainty, event_note,
             said_on, said_on_certainty, as_delivered,
             as_delivered_source_url, provenance_note, created_at, updated_at,
             speaker_id, statement_id, event_id
      FROM statements_quote ORDER BY id LIMIT %(limit)s OFFSET %(offset)s
    ) rows
  ) q
  JOIN statements_speaker sk ON sk.id = q.speaker_id
  JOIN statements_statement st ON st.id = q.statement_id
  LEFT JOIN statements_organization pb ON pb.id = st.publisher_id
{_QUOTE_DATES}
  LEFT JOIN LATERAL (
    SELECT ro.title, og.name AS organization FROM statements_speakerrole ro
    JOIN statements_organization og ON og.id = ro.organization_id
    WHERE ro.speaker_id = q.speaker_id
      AND ro.start_date <= COALESCE(d.day, e.start_date, st.published_on)
      AND (ro.end_date IS NULL
           OR COALESCE(d.day, e.start_date, st.published_on) <= ro.end_date)
    ORDER BY ro.start_date, ro.id LIMIT 1
  ) r ON TRUE
) page
"""

_STATEMENTS_C = f"""
SELECT {{total}},
  COALESCE(json_agg(item ORDER BY rn) FILTER (WHERE rn <= %(size)s), '[]')::text,
  count(*) > %(size)s
FROM (
  SELECT s.rn, json_build_object(
    'slug', s.slug,
    'url', %(statement_prefix)s || s.slug || %(statement_suffix)s,
    'title', s.title,
    'title_certainty', s.title_certainty,
    'title_note', s.title_note,
    'kind', s.kind,
    'author', CASE
      WHEN au.id IS NOT NULL THEN json_build_object('type', 'speaker',
        'slug', au.slug, 'name', au.name,
        'url', %(speaker_prefix)s || au.slug || %(speaker_suffix)s)
      WHEN ao.id IS NOT NULL THEN json_build_object('type', 'organization',
        'slug', ao.slug, 'name', ao.name,
        'url', %(organization_prefix)s || ao.slug || %(organization_suffix)s)
      END,
    'publisher', {brief_sql("organization", "pb")},
    'source_url', s.source_url,
    'published_on', s.published_on,
    'language', s.language,
    'license', s.license,
    'license_url', s.license_url,
    'text_sha256', s.text_sha256,
    'event', {brief_sql("event", "e")},
    'themes', COALESCE((
      SELECT json_agg({brief_sql("theme", "t")} ORDER BY t.name, t.id)
      FROM statements_statement_themes l JOIN statements_theme t ON t.id = l.theme_id
      WHERE l.statement_id = s.id), '[]'),
    'stakeholder_groups', COALESCE((
      SELECT json_agg({brief_sql("stakeholder_group", "g")} ORDER BY g.name, g.id)
      FROM statements_statement_stakeholder_groups l
      JOIN statements_stakeholdergroup g ON g.id = l.stakeholdergroup_id
      WHERE l.statement_id = s.id), '[]'),
    'quote_count', (
      SELECT count(*) FROM statements_quote q WHERE q.statement_id = s.id),
    'licenses', json_build_object(
      'data', json_build_object('name', %(data_license_name)s,
                                'url', %(data_license_url)s),
      'text', json_build_object('name', s.license, 'url', s.license_url)),
    'highlight', NULL,
    'created_at', {iso_utc("s.created_at")},
    'updated_at', {iso_utc("s.updated_at")}
  ) AS item
  FROM (
    SELECT *, row_number() OVER (ORDER BY published_on DESC NULLS LAST, id) AS rn FROM (
      SELECT id, slug, title, title_certainty, title_note, kind, author_speaker_id,
             author_organization_id, publisher_id, source_url, published_on,
             language, license, license_url, text_sha256, event_id, created_at,
             updated_at
      FROM statements_statement JOIN (
        -- The sort reads narrow rows; the page's rows are then read by id.
        SELECT id FROM statements_statement
        ORDER BY published_on DESC NULLS LAST, id LIMIT %(limit)s OFFSET %(offset)s
      ) page_ids USING (id)
    ) rows
  ) s
  LEFT JOIN statements_speaker au ON au.id = s.author_speaker_id
  LEFT JOIN statements_organization ao ON ao.id = s.author_organization_id
  LEFT JOIN statements_organization pb ON pb.id = s.publisher_id
  LEFT JOIN statements_event e ON e.id = s.event_id
) page
"""


def _floor_c(request, sql: str, table: str, list_view: str, kinds) -> HttpResponse:
    page = Page.of(request)
    total = f"(SELECT count(*) FROM {table})" if page.with_count else "NULL::bigint"
    params = {
        **url_params(Urls(request), kinds),
        "data_license_name": settings.DATA_LICENSE["name"],
        "data_license_url": settings.DATA_LICENSE["url"],
        # One row more than the page says whether there is a next page.
        "limit": page.size + 1,
        "size": page.size,
        "offset": page.offset,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql.format(total=total), params)
        count, results, has_next = cursor.fetchone()
    head = orjson.dumps(envelope(request, list_view, page, count, bool(has_next)))
    return json_response(head[:-1] + b',"results":' + results.encode() + b"}")


def quotes_c(request):
    """GET /bench/quotes/c/: the quotes list page, its rows' JSON built in SQL."""
    kinds = ("quote", "speaker", "statement", "event", "theme", "stakeholder_group")
    return _floor_c(request, _QUOTES_C, "statements_quote", "quote-list", kinds)


def statements_c(request):
    """GET /bench/statements/c/: the statements list page, rows' JSON built in SQL."""
    kinds = (
        "statement",
        "speaker",
        "organization",
        "event",
        "theme",
        "stakeholder_group",
    )
    return _floor_c(
        request, _STATEMENTS_C, "statements_statement", "statement-list", kinds
    )


# --- The export floor: COPY ... TO STDOUT ---------------------------------------------

_QUOTES_COPY = f"""
COPY (
  SELECT q.slug, q.text, q.fidelity,
    (SELECT string_agg(sp.start || '-' || sp."end", ';' ORDER BY sp.position)
     FROM statements_quotespan sp WHERE sp.quote_id = q.id) AS spans,
    q.alterations, q.position, q.attribution_text, q.attribution_start,
    q.attribution_end,
    sk.slug AS speaker_slug, sk.name AS speaker_name,
    r.title AS speaker_role_title, r.organization AS speaker_role_organization,
    st.slug AS statement_slug, st.title AS statement_title,
    st.title_certainty AS statement_title_certainty, pb.name AS publisher,
    st.source_url, st.published_on, st.language, st.license, st.license_url,
    e.slug AS event_slug, e.name AS event_name, q.event_certainty, q.event_note,
    q.said_on, q.said_on_certainty, d.day AS date, d.certainty AS date_certainty,
    dr.date_from, dr.date_to,
    q.as_delivered, q.as_delivered_source_url,
    (SELECT string_agg(t.slug, '|' ORDER BY t.name, t.id)
     FROM statements_quote_themes qt JOIN statements_theme t ON t.id = qt.theme_id
     WHERE qt.quote_id = q.id) AS themes,
    (SELECT string_agg(g.slug || ':' || l.role, '|' ORDER BY g.name, l.role)
     FROM statements_quotestakeholder l
     JOIN statements_stakeholdergroup g ON g.id = l.group_id
     WHERE l.quote_id = q.id) AS stakeholder_groups,
    q.provenance_note,
    {iso_utc("q.created_at")} AS created_at,
    {iso_utc("q.updated_at")} AS updated_at,
    %(quote_prefix)s || q.slug || %(quote_suffix)s AS url
  FROM statements_quote q
  JOIN statements_speaker sk ON sk.id = q.speaker_id
  JOIN statements_statement st ON st.id = q.statement_id
  LEFT JOIN statements_organization pb ON pb.id = st.publisher_id
{_QUOTE_DATES}
  LEFT JOIN LATERAL (
    SELECT ro.title, og.name AS organization FROM statements_speakerrole ro
    JOIN statements_organization og ON og.id = ro.organization_id
    WHERE ro.speaker_id = q.speaker_id
      AND ro.start_date <= COALESCE(d.day, e.start_date, st.published_on)
      AND (ro.end_date IS NULL
           OR COALESCE(d.day, e.start_date, st.published_on) <= ro.end_date)
    ORDER BY ro.start_date, ro.id LIMIT 1
  ) r ON TRUE
  WHERE %(all_speakers)s OR sk.slug = ANY(%(speakers)s)
  ORDER BY q.id
) TO STDOUT WITH (FORMAT csv, HEADER true)
"""


def quotes_copy(request):
    """GET /bench/exports/quotes.csv[?speaker=a,b]: the CSV export's rows by COPY."""
    speakers = [s for s in request.GET.get("speaker", "").split(",") if s]
    params = {
        **url_params(Urls(request), ["quote"]),
        "all_speakers": not speakers,
        "speakers": speakers,
    }

    def stream():
        # Inside a transaction, as the exports run.
        with transaction.atomic():
            yield from copy_to_stdout(_QUOTES_COPY, params)

    return StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
