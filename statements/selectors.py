"""Read queries shared by the API views, facets, search and exports."""

import html

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, TruncMonth
from django.urls import reverse

from statements.models import (
    SEARCH_CONFIG,
    Change,
    Event,
    Quote,
    QuoteSpan,
    QuoteStakeholder,
    Speaker,
    SpeakerRole,
    StakeholderGroup,
    Statement,
    Theme,
)

# ts_headline marks matches with these control characters; the text is escaped
# as HTML afterwards and they become <mark> tags, so a snippet is always safe HTML.
_MARK_START, _MARK_STOP = "\x02", "\x03"


def count_related(model, field: str, *, distinct_field: str = "pk"):
    """A correlated COUNT subquery, so that several counts never multiply rows.

    The same idea as netbox's utilities.query.count_related.
    """
    subquery = Subquery(
        model.objects.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(c=Count(distinct_field, distinct=True))
        .values("c"),
        output_field=IntegerField(),
    )
    return Coalesce(subquery, 0)


def _descendant_ids(table: str, ids: list[int]) -> list[int]:
    """The ids of `ids` and all their descendants in a parent-linked tree table."""
    if not ids:
        return []
    with connection.cursor() as cursor:
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


# --- Querysets shaped for the API --------------------------------------------------


def speaker_queryset() -> QuerySet[Speaker]:
    return Speaker.objects.prefetch_related(
        Prefetch("roles", queryset=SpeakerRole.objects.order_by("start_date", "id"))
    ).annotate(
        quote_count=count_related(Quote, "speaker"),
        statement_count=count_related(Statement, "speaker"),
    )


def event_queryset() -> QuerySet[Event]:
    return (
        Event.objects.select_related("parent")
        .prefetch_related(
            Prefetch("children", queryset=Event.objects.order_by("start_date", "id"))
        )
        .annotate(
            quote_count=count_related(Quote, "event"),
            statement_count=count_related(Statement, "event"),
        )
    )


def theme_queryset() -> QuerySet[Theme]:
    return (
        Theme.objects.select_related("parent")
        .prefetch_related(
            Prefetch("children", queryset=Theme.objects.order_by("name", "id"))
        )
        .annotate(
            quote_count=count_related(Quote.themes.through, "theme"),
            statement_count=count_related(Statement.themes.through, "theme"),
        )
    )


def stakeholder_group_queryset() -> QuerySet[StakeholderGroup]:
    return StakeholderGroup.objects.annotate(
        quote_count=count_related(QuoteStakeholder, "group", distinct_field="quote"),
        statement_count=count_related(
            Statement.stakeholder_groups.through, "stakeholdergroup"
        ),
    )


def statement_queryset(*, expand: frozenset = frozenset(), detail=False):
    queryset = Statement.objects.defer("search_vector").annotate(
        quote_count=count_related(Quote, "statement")
    )
    if not detail:
        queryset = queryset.defer("text", "provenance_note")
    related = {
        "speaker": speaker_queryset(),
        "event": event_queryset(),
    }
    for name, related_queryset in related.items():
        if name in expand:
            queryset = queryset.prefetch_related(
                Prefetch(name, queryset=related_queryset)
            )
        else:
            queryset = queryset.select_related(name)
    queryset = queryset.prefetch_related(
        Prefetch(
            "themes",
            queryset=theme_queryset() if "themes" in expand else Theme.objects.all(),
        ),
        Prefetch(
            "stakeholder_groups",
            queryset=stakeholder_group_queryset()
            if "stakeholder_groups" in expand
            else StakeholderGroup.objects.all(),
        ),
    )
    if detail:
        queryset = queryset.prefetch_related(
            Prefetch(
                "quotes",
                queryset=Quote.objects.defer("search_vector")
                .select_related("speaker")
                .prefetch_related(Prefetch("spans", queryset=QuoteSpan.objects.all()))
                .order_by("id"),
            )
        )
    return queryset


def quote_queryset(*, expand: frozenset = frozenset()) -> QuerySet[Quote]:
    queryset = Quote.objects.defer("search_vector")
    if "speaker" in expand:
        queryset = queryset.prefetch_related(
            Prefetch("speaker", queryset=speaker_queryset())
        )
    else:
        queryset = queryset.select_related("speaker").prefetch_related(
            Prefetch(
                "speaker__roles", queryset=SpeakerRole.objects.order_by("start_date")
            )
        )
    if "statement" in expand:
        queryset = queryset.prefetch_related(
            Prefetch("statement", queryset=statement_queryset())
        )
    else:
        queryset = queryset.select_related("statement").defer(
            "statement__text", "statement__search_vector", "statement__provenance_note"
        )
    if "event" in expand:
        queryset = queryset.prefetch_related(
            Prefetch("event", queryset=event_queryset())
        )
    else:
        queryset = queryset.select_related("event")
    return queryset.prefetch_related(
        Prefetch("spans", queryset=QuoteSpan.objects.order_by("position")),
        Prefetch(
            "themes",
            queryset=theme_queryset() if "themes" in expand else Theme.objects.all(),
        ),
        Prefetch(
            "stakeholder_links",
            queryset=QuoteStakeholder.objects.select_related("group").order_by(
                "group__name", "role"
            ),
        ),
    )


# --- Full-text search -----------------------------------------------------------------


def search_query(text: str) -> SearchQuery:
    """websearch syntax: "quoted phrases", OR, -exclusion; English stemming."""
    return SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)


def apply_search(queryset: QuerySet, text: str, *, headline_field: str) -> QuerySet:
    """Filter by a full-text query, rank the matches and attach a raw headline."""
    query = search_query(text)
    return queryset.filter(search_vector=query).annotate(
        rank=SearchRank(F("search_vector"), query),
        raw_highlight=SearchHeadline(
            headline_field,
            query,
            config=SEARCH_CONFIG,
            start_sel=_MARK_START,
            stop_sel=_MARK_STOP,
            max_words=35,
            min_words=15,
            max_fragments=3,
            fragment_delimiter=" … ",
        ),
    )


def safe_highlight(raw: str | None) -> str | None:
    """Escape a ts_headline snippet as HTML and turn its markers into <mark>."""
    if raw is None:
        return None
    return (
        html.escape(raw, quote=False)
        .replace(_MARK_START, "<mark>")
        .replace(_MARK_STOP, "</mark>")
    )


# --- Facets --------------------------------------------------------------------------


def quote_facets(quotes: QuerySet[Quote]) -> dict[str, list[dict]]:
    """Counts by theme, stakeholder group, speaker, event and month for `quotes`."""
    ids = quotes.order_by().values("pk")

    def counted(model_queryset, *fields):
        return list(
            model_queryset.order_by()
            .values(*fields)
            .annotate(count=Count("quote", distinct=True))
            .order_by("-count", fields[0])
        )

    themes = counted(
        Quote.themes.through.objects.filter(quote__in=ids),
        "theme__slug",
        "theme__name",
    )
    groups = counted(
        QuoteStakeholder.objects.filter(quote__in=ids),
        "group__slug",
        "group__name",
    )
    speakers = (
        Quote.objects.filter(pk__in=ids)
        .order_by()
        .values("speaker__slug", "speaker__name")
        .annotate(count=Count("pk"))
        .order_by("-count", "speaker__slug")
    )
    events = (
        Quote.objects.filter(pk__in=ids, event__isnull=False)
        .order_by()
        .values("event__slug", "event__name")
        .annotate(count=Count("pk"))
        .order_by("-count", "event__slug")
    )
    months = (
        Quote.objects.filter(pk__in=ids, said_on__isnull=False)
        .order_by()
        .annotate(month=TruncMonth("said_on"))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by("month")
    )
    return {
        "themes": [
            {"slug": r["theme__slug"], "name": r["theme__name"], "count": r["count"]}
            for r in themes
        ],
        "stakeholder_groups": [
            {"slug": r["group__slug"], "name": r["group__name"], "count": r["count"]}
            for r in groups
        ],
        "speakers": [
            {
                "slug": r["speaker__slug"],
                "name": r["speaker__name"],
                "count": r["count"],
            }
            for r in speakers
        ],
        "events": [
            {"slug": r["event__slug"], "name": r["event__name"], "count": r["count"]}
            for r in events
        ],
        "months": [
            {"month": r["month"].strftime("%Y-%m"), "count": r["count"]} for r in months
        ],
        "total": quotes.order_by().count(),
    }


# --- Search across every resource ---

SEARCH_TYPES = (
    "quote",
    "statement",
    "speaker",
    "event",
    "theme",
    "stakeholder_group",
)


def _search_hits(queryset, query, *, type_name, title, vector, headline, limit):
    matches = (
        queryset.annotate(match_vector=vector)
        .filter(match_vector=query)
        .annotate(
            rank=SearchRank(F("match_vector"), query),
            raw_highlight=SearchHeadline(
                headline,
                query,
                config=SEARCH_CONFIG,
                start_sel=_MARK_START,
                stop_sel=_MARK_STOP,
                max_words=35,
                min_words=15,
            ),
        )
    )
    count = matches.count()
    rows = matches.order_by("-rank", "id").values(
        "slug", title, "rank", "raw_highlight"
    )[:limit]
    return count, [
        {
            "type": type_name,
            "slug": row["slug"],
            "title": row[title],
            "rank": row["rank"],
            "raw_highlight": row["raw_highlight"],
        }
        for row in rows
    ]


def search_everything(*, q: str, type: list[str], limit: int) -> dict:
    """Ranked, typed hits for `q` across the resources named in `type`."""
    query = search_query(q)
    english = {"config": SEARCH_CONFIG}
    sources = {
        "quote": (
            Quote.objects.all(),
            "text",
            F("search_vector"),
            "text",
            "quote-detail",
        ),
        "statement": (
            Statement.objects.all(),
            "title",
            F("search_vector"),
            "text",
            "statement-detail",
        ),
        "speaker": (
            Speaker.objects.all(),
            "name",
            SearchVector("name", "biography", **english),
            "biography",
            "speaker-detail",
        ),
        "event": (
            Event.objects.all(),
            "name",
            SearchVector("name", "description", **english),
            "description",
            "event-detail",
        ),
        "theme": (
            Theme.objects.all(),
            "name",
            SearchVector("name", "description", **english),
            "description",
            "theme-detail",
        ),
        "stakeholder_group": (
            StakeholderGroup.objects.all(),
            "name",
            SearchVector("name", "description", **english),
            "description",
            "stakeholdergroup-detail",
        ),
    }
    counts, hits = {}, []
    for type_name in type:
        queryset, title, vector, headline, view_name = sources[type_name]
        counts[type_name], type_hits = _search_hits(
            queryset,
            query,
            type_name=type_name,
            title=title,
            vector=vector,
            headline=headline,
            limit=limit,
        )
        for hit in type_hits:
            hit["path"] = reverse(view_name, kwargs={"slug": hit["slug"]})
        hits.extend(type_hits)
    hits.sort(
        key=lambda hit: (-hit["rank"], SEARCH_TYPES.index(hit["type"]), hit["slug"])
    )
    return {"query": q, "counts": counts, "results": hits}


# --- Change feed ---

RESOURCE_DETAIL_VIEWS = {
    "speaker": "speaker-detail",
    "event": "event-detail",
    "statement": "statement-detail",
    "quote": "quote-detail",
    "theme": "theme-detail",
    "stakeholder_group": "stakeholdergroup-detail",
}

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
