"""Read queries shared by the API views, facets, search and exports."""

import datetime
import re
from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import connection, connections
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.urls import reverse

from statements import changefeed, db
from statements.choices import QuoteStatus
from statements.models import (
    Change,
    Event,
    Quote,
    QuoteSpan,
    QuoteStakeholder,
    RetiredSlug,
    SearchWord,
    SpeakerRole,
    StakeholderGroup,
    Statement,
    Theme,
)
from statements.resources import BY_KIND, RESOURCES
from statements.search import CONFIG as SEARCH_CONFIG

# ts_headline marks matches with these control characters; the text is escaped
# as HTML afterwards and they become <mark> tags, so a snippet is always safe HTML.
_MARK_START, _MARK_STOP = "\x02", "\x03"


def one_of(ids) -> RawSQL:
    """The right side of `__in` for a list of ids: one array parameter.

    `pk__in=[...]` sends a parameter per id, which Django prepares and psycopg
    parses one by one (a chunk of 1,000 ids costs more than its query).
    """
    return RawSQL("SELECT unnest(%s::bigint[])", [list(ids)])


def count_related(model, field: str, *, distinct_field: str = "pk", **conditions):
    """A correlated COUNT subquery, so that several counts never multiply rows.

    The same idea as netbox's utilities.query.count_related. `conditions` filter
    the counted rows further.
    """
    subquery = Subquery(
        model.objects.filter(**{field: OuterRef("pk")}, **conditions)
        .order_by()
        .values(field)
        .annotate(c=Count(distinct_field, distinct=True))
        .values("c"),
        output_field=IntegerField(),
    )
    return Coalesce(subquery, 0)


def _role_on_role_day(part: str) -> Subquery:
    day = OuterRef("role_day")
    return Subquery(
        SpeakerRole.objects.filter(speaker=OuterRef("speaker_id"), start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .order_by("start_date", "id")
        .values(part)[:1],
        output_field=CharField(),
    )


# The event levels that date a quote without said_on: its event, then the
# event's parent, then the grandparent (the data has two levels; a third is spare).
DATING_EVENTS = ("event", "event__parent", "event__parent__parent")


def _date_range(queryset: QuerySet[Quote], method: str) -> QuerySet[Quote]:
    if "range_from" in queryset.query.annotations:
        return queryset
    dated_by = [
        When(
            **{f"{event}__start_date__isnull": False},
            then=Coalesce(f"{event}__end_date", f"{event}__start_date"),
        )
        for event in DATING_EVENTS
    ]
    return getattr(queryset, method)(
        range_from=Coalesce(
            "said_on", *(f"{event}__start_date" for event in DATING_EVENTS)
        ),
        range_to=Case(
            When(said_on__isnull=False, then="said_on"),
            *dated_by,
            output_field=DateField(),
        ),
    )


def with_date_range(queryset: QuerySet[Quote]) -> QuerySet[Quote]:
    """Quotes with the range of days they were said in (`range_from`,
    `range_to`), as far as it is known: said_on when recorded; else the dates of
    the first event with a start date, walking up from the quote's event to its
    parent and grandparent (an event without an end date lasted its start day);
    null when nothing is known."""
    return _date_range(queryset, "annotate")


def aliased_date_range(queryset: QuerySet[Quote]) -> QuerySet[Quote]:
    """with_date_range for filtering and ordering: the range is not selected."""
    return _date_range(queryset, "alias")


def with_quote_context(queryset: QuerySet[Quote]) -> QuerySet[Quote]:
    """Quotes with the day they were said and the speaker's role that day, in SQL.

    `quote_day` is Quote.date (said_on, else the day of a one-day event) and
    `day_certainty` Quote.date_certainty (how sure that day is);
    `role_day` picks the role (quote_day, else the event's start, else the
    statement's publication); `role_title` and `role_organization` are the first
    role by start date that covers it, as Speaker.role_on chooses.
    """
    return (
        with_date_range(queryset)
        .annotate(
            quote_day=Coalesce(
                "said_on",
                Case(
                    When(
                        event__start_date=F("event__end_date"),
                        then="event__start_date",
                    )
                ),
            )
        )
        .annotate(
            day_certainty=Case(
                When(said_on__isnull=False, then="said_on_certainty"),
                When(event__start_date=F("event__end_date"), then="event_certainty"),
            )
        )
        .annotate(
            role_day=Coalesce(
                "quote_day", "event__start_date", "statement__published_on"
            )
        )
        .annotate(
            role_title=_role_on_role_day("title"),
            role_organization=_role_on_role_day("organization__name"),
        )
    )


def quote_span_pairs() -> ArraySubquery:
    """A quote's spans as [[start, end], ...] in order, for an annotation."""
    return ArraySubquery(
        QuoteSpan.objects.filter(quote=OuterRef("pk"))
        .order_by("position")
        .values_list(
            Func(
                F("start"),
                F("end"),
                function="ARRAY",
                template="%(function)s[%(expressions)s]",
                output_field=ArrayField(IntegerField()),
            )
        )
    )


class SubtreeCount(Func):
    """The rows linked to a node of a tree (themes, events) or to any node below
    it: a correlated subquery that walks down from the outer row's id (or, with
    `descendants=False`, the rows of the node alone).

    `count_sql` counts from the node ids in `subtree(id)`; its %s are `params`.
    Walking down with a recursive CTE costs an index lookup per level (parent_id
    is indexed); UNION, not UNION ALL, so that even a cycle ends. `= ANY(ARRAY(
    SELECT id FROM subtree))` lets PostgreSQL read the links by their index.
    """

    output_field = IntegerField()

    def __init__(self, tree: type, count_sql: str, params=(), *, descendants=True):
        self.tree, self.count_sql, self.params = tree, count_sql, list(params)
        self.descendants = descendants
        super().__init__(F("pk"))

    def as_sql(self, compiler, connection, **extra_context):
        pk_sql, pk_params = compiler.compile(self.source_expressions[0])
        table = connection.ops.quote_name(self.tree._meta.db_table)
        below = (
            f" UNION SELECT c.id FROM {table} c JOIN subtree s ON c.parent_id = s.id"
            if self.descendants
            else ""
        )
        sql = (
            f"(WITH RECURSIVE subtree(id) AS (SELECT {pk_sql}{below}) {self.count_sql})"
        )
        return sql, [*pk_params, *self.params]


def _tables(*models) -> list[str]:
    return [model._meta.db_table for model in models]


def _tree_counts(tree: type) -> dict:
    """quote_count and statement_count of a theme or an event, its descendants
    included (as the filters ?theme= and ?event= count them), and the same counts
    of the node alone (`_direct`)."""
    quotes, statements = _tables(Quote, Statement)
    if tree is Theme:
        quote_links, statement_links = _tables(
            Quote.themes.through, Statement.themes.through
        )
        # The quote's status is read by its primary key, link by link: a join
        # would have PostgreSQL hash every quote for each theme (4.4 s rather
        # than 13 s for the 60 themes of 200,000 demo quotes, on a loaded
        # machine).
        quote_sql = (
            f"SELECT count(DISTINCT l.quote_id) FROM {quote_links} l "
            "WHERE l.theme_id = ANY(ARRAY(SELECT id FROM subtree)) "
            f"AND (SELECT q.status FROM {quotes} q WHERE q.id = l.quote_id) = %s"
        )
        statement_sql = (
            f"SELECT count(DISTINCT l.statement_id) FROM {statement_links} l "
            "WHERE l.theme_id = ANY(ARRAY(SELECT id FROM subtree))"
        )
        confirmed = [QuoteStatus.CONFIRMED]
        direct_quotes = SubtreeCount(tree, quote_sql, confirmed, descendants=False)
        direct_statements = count_related(Statement.themes.through, "theme")
    else:
        quote_sql = (
            f"SELECT count(*) FROM {quotes} q WHERE q.status = %s "
            "AND q.event_id = ANY(ARRAY(SELECT id FROM subtree))"
        )
        statement_sql = (
            f"SELECT count(*) FROM {statements} s "
            "WHERE s.event_id = ANY(ARRAY(SELECT id FROM subtree))"
        )
        direct_quotes = count_related(Quote, "event")
        direct_statements = count_related(Statement, "event")
    return {
        "quote_count": SubtreeCount(tree, quote_sql, [QuoteStatus.CONFIRMED]),
        "quote_count_direct": direct_quotes,
        "statement_count": SubtreeCount(tree, statement_sql),
        "statement_count_direct": direct_statements,
    }


def _counts(model) -> dict:
    """The count annotations of a resource, as its list shows them."""
    if model is Statement:
        return {"quote_count": count_related(Quote, "statement")}
    if model in (Theme, Event):
        return _tree_counts(model)
    if model is StakeholderGroup:
        # Link tables count quotes through their rows: only public (confirmed) ones.
        return {
            "quote_count": count_related(
                QuoteStakeholder,
                "group",
                distinct_field="quote",
                quote__status=QuoteStatus.CONFIRMED,
            ),
            "statement_count": count_related(
                Statement.stakeholder_groups.through, "stakeholdergroup"
            ),
        }
    # A speaker's statements are those that quote them (not the ones they wrote:
    # the statements' `quoted_speaker` filter, not `author`).
    return {
        "quote_count": count_related(Quote, "speaker"),
        "statement_count": count_related(Quote, "speaker", distinct_field="statement"),
    }


def with_counts(queryset: QuerySet) -> QuerySet:
    """Speakers, events, themes, groups or statements with their quote_count (and
    statement_count), each a correlated subquery: the list and the exports."""
    return queryset.annotate(**_counts(queryset.model))


def _descendant_ids(table: str, ids: list[int]) -> list[int]:
    """The ids of `ids` and all their descendants in a parent-linked tree table."""
    if not ids:
        return []
    with db.reader().cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE tree(id) AS (
                SELECT id FROM {table} WHERE id = ANY(%s)
                UNION
                SELECT c.id FROM {table} c JOIN tree ON c.parent_id = tree.id
            )
            SELECT id FROM tree
            """,
            [ids],
        )
        return [row[0] for row in cursor.fetchall()]


def theme_ids_with_descendants(themes) -> list[int]:
    """Filtering by a theme includes every theme below it."""
    return _descendant_ids(Theme._meta.db_table, [theme.pk for theme in themes])


def event_ids_with_descendants(events) -> list[int]:
    """Filtering by an event includes its sub-events."""
    return _descendant_ids(Event._meta.db_table, [event.pk for event in events])


# --- Full-text search -----------------------------------------------------------------


class TolerantSearchQuery(SearchQuery):
    """`statements_search_query(text)`: websearch syntax ("quoted phrases", OR,
    -exclusion), English stemming, accents off, free words as prefixes
    (statements.search, docs/search.md)."""

    # A subquery, so that PostgreSQL parses the text once per query (an InitPlan)
    # rather than once per ranked row.
    template = "(SELECT %(function)s(%(expressions)s))"

    def __init__(self, value):
        super().__init__(value, search_type="websearch")
        self.function = "statements_search_query"


def search_query(text: str) -> SearchQuery:
    return TolerantSearchQuery(text)


def apply_search(
    queryset: QuerySet, text: str, *, vector: tuple[str, ...] | None = None
) -> QuerySet:
    """Filter by a full-text query on the records' search documents
    (statements.search) and rank the matches (rank first by default; the
    record's own text weighs most).

    `vector` names the columns searched when the model stores no search document.
    """
    query = search_query(text)
    if vector is None:
        return queryset.filter(search_vector=query).annotate(
            rank=SearchRank(F("search_vector"), query)
        )
    return (
        queryset.annotate(match_vector=SearchVector(*vector, config=SEARCH_CONFIG))
        .filter(match_vector=query)
        .annotate(rank=SearchRank(F("match_vector"), query))
    )


# A search word: letters only (digits and punctuation are never suggested).
_WORD = re.compile(r"(?<![\w-])[^\W\d_]{3,}")


def search_suggestion(text: str) -> str | None:
    """Did you mean: `text` with each word that no search document holds
    replaced by the closest word that one does (pg_trgm), or None when no word
    has a replacement. Excluded words (-word) and OR are kept as typed."""
    words = [match for match in _WORD.finditer(text) if match.group().upper() != "OR"]
    if not words:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w, statements_suggest(statements_unaccent(lower(w))) "
            "FROM unnest(%s::text[]) AS w "
            f"WHERE NOT EXISTS (SELECT 1 FROM {SearchWord._meta.db_table} s "
            "WHERE s.word = statements_unaccent(lower(w)))",
            [sorted({match.group() for match in words})],
        )
        replacements = {word: better for word, better in cursor.fetchall() if better}
    if not replacements:
        return None
    parts, end = [], 0
    for match in words:
        word = match.group()
        parts += [text[end : match.start()], replacements.get(word, word)]
        end = match.end()
    return "".join(parts) + text[end:]


def _html_escaped(field: str):
    """The column with &, < and > escaped, so ts_headline keeps tag-like text."""
    escaped = F(field)
    for raw, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        escaped = Func(escaped, Value(raw), Value(entity), function="replace")
    return escaped


def search_headline(field: str, text: str) -> SearchHeadline:
    """A ts_headline snippet of `field` for `text`, with markers for safe_highlight.

    The text is HTML-escaped before ts_headline sees it: ts_headline drops
    anything that looks like a tag, which would misquote a text that has one.
    """
    return SearchHeadline(
        _html_escaped(field),
        search_query(text),
        config=SEARCH_CONFIG,
        start_sel=_MARK_START,
        stop_sel=_MARK_STOP,
        max_words=35,
        min_words=15,
        max_fragments=3,
        fragment_delimiter=" … ",
    )


def highlights(model, ids: list[int], text: str | None, *, field="text") -> dict:
    """id -> raw snippet for the rows of one page (computed only for that page)."""
    if not text or not ids:
        return {}
    return dict(
        model.objects.filter(pk__in=ids)
        .annotate(snippet=search_headline(field, text))
        .values_list("pk", "snippet")
    )


def safe_highlight(raw: str | None) -> str | None:
    """Turn the markers of an (already escaped) snippet into <mark> tags."""
    if raw is None:
        return None
    return raw.replace(_MARK_START, "<mark>").replace(_MARK_STOP, "</mark>")


# --- Facets --------------------------------------------------------------------------


def _facet(rows, slug: str, name: str) -> list[dict]:
    return [{"slug": r[slug], "name": r[name], "count": r["count"]} for r in rows]


def _counted_links(links: QuerySet, target: str) -> list[dict]:
    """Quotes per target of a link table (themes, groups), most first."""
    slug, name = f"{target}__slug", f"{target}__name"
    rows = (
        links.order_by()
        .values(slug, name)
        .annotate(count=Count("quote", distinct=True))
        .order_by("-count", slug)
    )
    return _facet(rows, slug, name)


def _counted_quotes(quotes: QuerySet[Quote], target: str) -> list[dict]:
    """Quotes per speaker, most first."""
    slug, name = f"{target}__slug", f"{target}__name"
    rows = (
        quotes.filter(**{f"{target}__isnull": False})
        .order_by()
        .values(slug, name)
        .annotate(count=Count("pk"))
        .order_by("-count", slug)
    )
    return _facet(rows, slug, name)


def _compiled(queryset: QuerySet) -> tuple[str, list]:
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    return sql, list(params)


def _rows(queryset: QuerySet, sql: str, params: list) -> list[tuple]:
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _counted_in_trees(ids: QuerySet, tree: type) -> list[dict]:
    """Quotes per theme or event, each node counting its descendants' quotes too
    (a quote once per node): what ?theme= or ?event= on these quotes returns.

    The closure (node, descendant) of the whole tree is a few rows per node.
    """
    table = tree._meta.db_table
    if tree is Theme:
        links = (
            f"SELECT quote_id, theme_id AS node_id FROM "
            f"{Quote.themes.through._meta.db_table}"
        )
        # A quote tagged with two themes of one subtree counts once there.
        distinct = "DISTINCT"
    else:
        links = (
            f"SELECT id AS quote_id, event_id AS node_id FROM {Quote._meta.db_table}"
        )
        # A quote has one event, and a node is above it once (a tree): there
        # are no duplicates, so no cost of dropping them.
        distinct = ""
    ids_sql, params = _compiled(ids)
    sql = f"""
        WITH RECURSIVE closure(node_id, descendant_id) AS (
            SELECT id, id FROM {table}
            UNION
            SELECT c.node_id, t.id
            FROM closure c JOIN {table} t ON t.parent_id = c.descendant_id
        )
        SELECT n.slug, n.name, count(*) AS count
        FROM (
            SELECT {distinct} c.node_id, l.quote_id
            FROM ({links}) l
            JOIN closure c ON c.descendant_id = l.node_id
            WHERE l.quote_id IN ({ids_sql})
        ) counted
        JOIN {table} n ON n.id = counted.node_id
        GROUP BY n.slug, n.name
        ORDER BY count DESC, n.slug
    """
    return [
        {"slug": slug, "name": name, "count": count}
        for slug, name, count in _rows(ids, sql, params)
    ]


def _counted_months(quotes: QuerySet[Quote]) -> list[dict]:
    """Quotes per month of their date range (date_from to date_to): a quote counts
    in every month its range touches; the quotes without a date, last, in the
    bucket whose month is null."""
    ranges_sql, params = _compiled(
        with_date_range(quotes.order_by()).values("range_from", "range_to")
    )
    # The ranges are grouped by their first and last month before the months
    # are spelled out: a few hundred pairs, not a series per quote.
    sql = f"""
        WITH pairs AS (
            SELECT date_trunc('month', r.range_from) AS first,
                   date_trunc('month', r.range_to) AS last, count(*) AS n
            FROM ({ranges_sql}) r
            GROUP BY 1, 2
        )
        SELECT to_char(m.month, 'YYYY-MM'), sum(p.n)::integer
        FROM pairs p
        CROSS JOIN LATERAL generate_series(p.first, p.last, interval '1 month')
            AS m(month)
        WHERE p.first IS NOT NULL
        GROUP BY 1
        UNION ALL
        SELECT NULL, sum(p.n)::integer FROM pairs p WHERE p.first IS NULL
        HAVING sum(p.n) > 0
        ORDER BY 1 NULLS LAST
    """
    return [
        {"month": month, "count": count} for month, count in _rows(quotes, sql, params)
    ]


def quote_facets(quotes: QuerySet[Quote]) -> dict[str, list[dict]]:
    """Counts by theme, stakeholder group, speaker, event and month for `quotes`.

    A theme or an event counts the quotes of its descendants too, and a month
    the quotes whose date range touches it: each count is what a click on it
    (?theme=, ?event=, ?date_from= and ?date_to= on the month) adds to the
    filters."""
    ids = quotes.order_by().values("pk")
    matching = Quote.objects.filter(pk__in=ids)
    return {
        "themes": _counted_in_trees(ids, Theme),
        "stakeholder_groups": _counted_links(
            QuoteStakeholder.objects.filter(quote__in=ids), "group"
        ),
        "speakers": _counted_quotes(matching, "speaker"),
        "events": _counted_in_trees(ids, Event),
        "months": _counted_months(matching),
        "total": quotes.order_by().count(),
    }


# --- Search across every resource ---

SEARCH_TYPES = tuple(resource.kind for resource in RESOURCES)


def _search_vector(resource):
    if resource.search.vector is None:
        return F("search_vector")
    columns = resource.search.vector
    return SearchVector(
        *(Func(F(name), function="statements_unaccent") for name in columns),
        config=SEARCH_CONFIG,
    )


def _search_hits(resource, q, *, limit):
    query = search_query(q)
    title = resource.search.title
    matches = (
        resource.model.objects.annotate(match_vector=_search_vector(resource))
        .filter(match_vector=query)
        .annotate(rank=SearchRank(F("match_vector"), query))
    )
    count = matches.count()
    rows = list(
        matches.order_by("-rank", "id").values("id", "slug", title, "rank")[:limit]
    )
    snippets = highlights(
        resource.model, [row["id"] for row in rows], q, field=resource.search.headline
    )
    return count, [
        {
            "type": resource.kind,
            "slug": row["slug"],
            "title": row[title],
            "rank": row["rank"],
            "raw_highlight": snippets.get(row["id"]),
            "path": reverse(resource.detail_view, kwargs={"slug": row["slug"]}),
        }
        for row in rows
    ]


def search_everything(*, q: str, type: list[str], limit: int) -> dict:
    """Ranked, typed hits for `q` across the resources named in `type`."""
    counts, hits = {}, []
    for type_name in type:
        counts[type_name], type_hits = _search_hits(BY_KIND[type_name], q, limit=limit)
        hits.extend(type_hits)
    hits.sort(
        key=lambda hit: (-hit["rank"], SEARCH_TYPES.index(hit["type"]), hit["slug"])
    )
    return {"query": q, "counts": counts, "results": hits}


# --- Change feed ---

# Only changes of transactions older than every transaction still running are
# shown: a change that commits late can then never land behind a reader's cursor.
_SETTLED = RawSQL(
    "statements_change.transaction_id < "
    "pg_snapshot_xmin(pg_current_snapshot())::text::bigint",
    [],
    output_field=BooleanField(),
)


def settled_changes() -> QuerySet[Change]:
    return Change.objects.filter(_SETTLED).order_by("transaction_id", "id")


def changes_after(position: tuple[int, int] | None, *, limit: int) -> list[Change]:
    """Settled changes after `position` (transaction id, change id), in feed order."""
    changes = settled_changes()
    if position is not None:
        transaction_id, change_id = position
        changes = changes.filter(
            Q(transaction_id__gt=transaction_id)
            | Q(transaction_id=transaction_id, id__gt=change_id)
        )
    return list(changes[:limit])


def changes_head() -> tuple[int, int] | None:
    """The position of the newest settled change (where a fresh replica starts)."""
    last = settled_changes().order_by("-transaction_id", "-id").first()
    return (last.transaction_id, last.id) if last else None


@dataclass(frozen=True)
class ChangeFeedPage:
    """One page of the change feed and the position to resume from after it."""

    changes: list[Change]
    next_position: tuple[int, int] | None
    has_more: bool


def change_feed_page(
    after: tuple[int, int] | None, *, limit: int, from_head: bool = False
) -> ChangeFeedPage:
    """Up to `limit` settled changes after `after` (None: from the beginning).

    `from_head` skips every change there is: no changes, only the position of
    the newest, where a replica that has just pulled everything starts.
    An empty page resumes where it was asked to start.
    """
    if from_head:
        return ChangeFeedPage([], changes_head(), has_more=False)
    changes = changes_after(after, limit=limit + 1)
    has_more = len(changes) > limit
    changes = changes[:limit]
    if not changes:
        return ChangeFeedPage([], after, has_more=False)
    last = changes[-1]
    return ChangeFeedPage(changes, (last.transaction_id, last.id), has_more)


def data_version(request=None) -> tuple[str, datetime.datetime]:
    """(version, time of the last change): moves whenever public data changes.

    The version is one row, moved at commit by every writing transaction
    (migration 0005), so it is cheap to read and never misses a late commit.
    Inside a transaction that has written, its own uncommitted changes count
    too ("52+3"), so it reads its own writes. With `request`, it is read once
    per request.
    """
    cached = getattr(request, "_data_version", None)
    if cached is not None:
        return cached
    # Read where the request reads its data (statements.db): a replica that lags
    # gives the older version with the older body.
    with db.reader().cursor() as cursor:
        cursor.execute(
            """
            SELECT v.version, own.changes, COALESCE(own.last_at, v.changed_at)
            FROM statements_data_version v,
                 LATERAL (
                     SELECT COUNT(*) AS changes, MAX(changed_at) AS last_at
                     FROM statements_change
                     WHERE transaction_id =
                         pg_current_xact_id_if_assigned()::text::bigint
                 ) own
            """
        )
        version, own_changes, changed_at = cursor.fetchone()
    token = f"{version}+{own_changes}" if own_changes else str(version)
    if request is not None:
        request._data_version = (token, changed_at)
    return token, changed_at


def record_version(kind: str, slug: str) -> tuple | None:
    """(id, updated_at, changes, last change id) of the record of `kind` with
    `slug`, or None: what versions its JSON, in one query.

    Every committed transaction that changes what the record's JSON shows adds
    one row for it to the change feed (the triggers follow every relation the
    JSON embeds or counts, statements.changefeed), so the number of its rows
    grows with each such commit; the count and not the last id alone, since two
    transactions may commit in the other order than their rows' ids. The feed
    records a record once per transaction, so `updated_at` (set on every save)
    tells apart two direct writes inside one transaction as well.
    """
    model = BY_KIND[kind].model
    # Only public rows have a version: a proposed quote is not there to read.
    public = changefeed.visible_condition(model, "r")
    with db.reader().cursor() as cursor:
        cursor.execute(
            f"""
            SELECT r.id, r.updated_at, c.changes, c.last_id
            FROM {model._meta.db_table} r,
                 LATERAL (
                     SELECT COUNT(*) AS changes, COALESCE(MAX(id), 0) AS last_id
                     FROM statements_change
                     WHERE resource_type = %s AND object_id = r.id
                 ) c
            WHERE r.slug = %s{public}
            """,
            [kind, slug],
        )
        return cursor.fetchone()


@dataclass(frozen=True)
class Retired:
    """A slug a record of a kind had: `current` is the record's slug now, or
    None when the record was deleted."""

    slug: str
    current: str | None


def retired_slugs(kind: str, slugs) -> dict[str, Retired]:
    """slug -> Retired for each of `slugs` that a record of `kind` once had (one
    query). The triggers keep `replaced_by` at the end of a chain of renames."""
    rows = RetiredSlug.objects.filter(kind=kind, slug__in=list(slugs)).values_list(
        "slug", "replaced_by"
    )
    return {slug: Retired(slug, current) for slug, current in rows}
