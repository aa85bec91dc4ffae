"""The JSON of each resource, built from `.values()` rows in a fixed number of queries.

The serializers in statements.api.serializers document these shapes in the
OpenAPI schema; the golden-body tests hold both to the same output. Building
from plain rows instead of model instances and nested serializers is what makes a
page of 50 quotes cheap (see docs/performance.md): no model instances, no related
managers, no per-object URL reversing.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.urls import reverse
from django.utils.functional import cached_property

from statements.models import (
    Event,
    Quote,
    QuoteSpan,
    QuoteStakeholder,
    Speaker,
    SpeakerRole,
    StakeholderGroup,
    Statement,
    Theme,
    format_citation,
    split_paragraphs,
)
from statements.selectors import (
    highlights,
    one_of,
    quote_span_pairs,
    safe_highlight,
    with_counts,
    with_quote_context,
)

DETAIL_VIEWS = {
    "speaker": "speaker-detail",
    "event": "event-detail",
    "statement": "statement-detail",
    "quote": "quote-detail",
    "theme": "theme-detail",
    "stakeholder_group": "stakeholdergroup-detail",
}
_SLUG_MARK = "__slug__"


def _datetime(value):
    """The same text DRF's DateTimeField gives: ISO 8601, UTC as Z."""
    if value is None:
        return None
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _date(value):
    return value.isoformat() if value is not None else None


class Representer:
    """Builds resource dicts for one request (absolute URLs need the request).

    Anything with build_absolute_uri() serves as the request: the exports pass
    an origin of their own (statements.exports).
    """

    def __init__(self, request, *, expand=frozenset(), fields=None):
        self.request = request
        self.expand = expand
        self.fields = fields
        self._url_parts = {}

    # --- helpers ---------------------------------------------------------------

    def url(self, kind: str, slug: str) -> str:
        parts = self._url_parts.get(kind)
        if parts is None:
            template = self.request.build_absolute_uri(
                reverse(DETAIL_VIEWS[kind], kwargs={"slug": _SLUG_MARK})
            )
            parts = self._url_parts[kind] = template.split(_SLUG_MARK)
        return f"{parts[0]}{slug}{parts[1]}"

    def brief(self, kind: str, slug: str | None, name: str | None, key="name"):
        if slug is None:
            return None
        return {"slug": slug, key: name, "url": self.url(kind, slug)}

    def trim(self, items: list[dict]) -> list[dict]:
        """Apply `?fields=` to the top-level objects."""
        if not self.fields:
            return items
        return [{k: v for k, v in item.items() if k in self.fields} for item in items]

    @cached_property
    def nested(self) -> "Representer":
        """The representer of expanded objects: full, untrimmed, no nested expand.

        One per request, so its URL templates are resolved once."""
        return Representer(self.request)

    # --- speakers ----------------------------------------------------------------

    def speakers(self, ids: list[int]) -> dict[int, dict]:
        rows = with_counts(Speaker.objects.filter(pk__in=one_of(ids))).values(
            "id",
            "slug",
            "name",
            "sort_name",
            "given_name",
            "family_name",
            "other_names",
            "biography",
            "wikidata_id",
            "quote_count",
            "statement_count",
            "created_at",
            "updated_at",
        )
        roles = defaultdict(list)
        for role in (
            SpeakerRole.objects.filter(speaker_id__in=one_of(ids))
            .order_by("start_date", "id")
            .values(
                "speaker_id",
                "title",
                "organization",
                "start_date",
                "end_date",
                "source_url",
                "note",
            )
        ):
            roles[role.pop("speaker_id")].append(
                {
                    **role,
                    "start_date": _date(role["start_date"]),
                    "end_date": _date(role["end_date"]),
                }
            )
        return {
            row["id"]: {
                "slug": row["slug"],
                "url": self.url("speaker", row["slug"]),
                "name": row["name"],
                "sort_name": row["sort_name"],
                "given_name": row["given_name"],
                "family_name": row["family_name"],
                "other_names": row["other_names"],
                "biography": row["biography"],
                "wikidata_id": row["wikidata_id"],
                "roles": roles[row["id"]],
                "quote_count": row["quote_count"],
                "statement_count": row["statement_count"],
                "created_at": _datetime(row["created_at"]),
                "updated_at": _datetime(row["updated_at"]),
            }
            for row in rows
        }

    # --- events ------------------------------------------------------------------

    def events(self, ids: list[int]) -> dict[int, dict]:
        rows = with_counts(Event.objects.filter(pk__in=one_of(ids))).values(
            "id",
            "slug",
            "name",
            "kind",
            "description",
            "start_date",
            "end_date",
            "venue",
            "city",
            "country",
            "hosts",
            "source_urls",
            "parent__slug",
            "parent__name",
            "quote_count",
            "statement_count",
            "created_at",
            "updated_at",
        )
        children = defaultdict(list)
        for child in (
            Event.objects.filter(parent_id__in=one_of(ids))
            .order_by("start_date", "id")
            .values("parent_id", "slug", "name")
        ):
            children[child["parent_id"]].append(
                self.brief("event", child["slug"], child["name"])
            )
        return {
            row["id"]: {
                "slug": row["slug"],
                "url": self.url("event", row["slug"]),
                "name": row["name"],
                "kind": row["kind"],
                "description": row["description"],
                "start_date": _date(row["start_date"]),
                "end_date": _date(row["end_date"]),
                "venue": row["venue"],
                "city": row["city"],
                "country": row["country"],
                "hosts": row["hosts"],
                "source_urls": row["source_urls"],
                "parent": self.brief("event", row["parent__slug"], row["parent__name"]),
                "children": children[row["id"]],
                "quote_count": row["quote_count"],
                "statement_count": row["statement_count"],
                "created_at": _datetime(row["created_at"]),
                "updated_at": _datetime(row["updated_at"]),
            }
            for row in rows
        }

    # --- themes and groups ----------------------------------------------------------

    def themes(self, ids: list[int]) -> dict[int, dict]:
        rows = with_counts(Theme.objects.filter(pk__in=one_of(ids))).values(
            "id",
            "slug",
            "name",
            "description",
            "parent__slug",
            "parent__name",
            "quote_count",
            "statement_count",
            "created_at",
            "updated_at",
        )
        children = defaultdict(list)
        for child in (
            Theme.objects.filter(parent_id__in=one_of(ids))
            .order_by("name", "id")
            .values("parent_id", "slug", "name")
        ):
            children[child["parent_id"]].append(
                self.brief("theme", child["slug"], child["name"])
            )
        return {
            row["id"]: {
                "slug": row["slug"],
                "url": self.url("theme", row["slug"]),
                "name": row["name"],
                "description": row["description"],
                "parent": self.brief("theme", row["parent__slug"], row["parent__name"]),
                "children": children[row["id"]],
                "quote_count": row["quote_count"],
                "statement_count": row["statement_count"],
                "created_at": _datetime(row["created_at"]),
                "updated_at": _datetime(row["updated_at"]),
            }
            for row in rows
        }

    def stakeholder_groups(self, ids: list[int]) -> dict[int, dict]:
        rows = with_counts(StakeholderGroup.objects.filter(pk__in=one_of(ids))).values(
            "id",
            "slug",
            "name",
            "category",
            "description",
            "quote_count",
            "statement_count",
            "created_at",
            "updated_at",
        )
        return {
            row["id"]: {
                "slug": row["slug"],
                "url": self.url("stakeholder_group", row["slug"]),
                "name": row["name"],
                "category": row["category"],
                "description": row["description"],
                "quote_count": row["quote_count"],
                "statement_count": row["statement_count"],
                "created_at": _datetime(row["created_at"]),
                "updated_at": _datetime(row["updated_at"]),
            }
            for row in rows
        }

    # --- statements ------------------------------------------------------------------

    def statements(
        self, ids: list[int], *, detail=False, with_text=False, search=None
    ) -> dict[int, dict]:
        """Statements as listed; `detail` adds the text, its paragraphs and the
        quotes, `with_text` the text alone (and the provenance note)."""
        columns = [
            "id",
            "slug",
            "title",
            "kind",
            "publisher",
            "source_url",
            "published_on",
            "language",
            "license",
            "license_url",
            "text_sha256",
            "speaker_id",
            "speaker__slug",
            "speaker__name",
            "event_id",
            "event__slug",
            "event__name",
            "quote_count",
            "created_at",
            "updated_at",
        ]
        if detail or with_text:
            columns += ["provenance_note", "text"]
        rows = list(
            with_counts(Statement.objects.filter(pk__in=one_of(ids))).values(*columns)
        )
        themes = self._linked(
            Statement.themes.through, "statement_id", "theme", "themes", ids
        )
        groups = self._linked(
            Statement.stakeholder_groups.through,
            "statement_id",
            "stakeholdergroup",
            "stakeholder_groups",
            ids,
        )
        speakers = events = {}
        if "speaker" in self.expand:
            speakers = self.nested.speakers(
                [row["speaker_id"] for row in rows if row["speaker_id"]]
            )
        if "event" in self.expand:
            events = self.nested.events(
                [row["event_id"] for row in rows if row["event_id"]]
            )
        quotes = self._statement_quotes(ids) if detail else {}
        snippets = highlights(Statement, ids, search)
        result = {}
        for row in rows:
            item = {
                "slug": row["slug"],
                "url": self.url("statement", row["slug"]),
                "title": row["title"],
                "kind": row["kind"],
                "publisher": row["publisher"],
                "source_url": row["source_url"],
                "published_on": _date(row["published_on"]),
                "language": row["language"],
                "license": row["license"],
                "license_url": row["license_url"],
                "text_sha256": row["text_sha256"],
                "speaker": speakers.get(row["speaker_id"])
                if "speaker" in self.expand
                else self.brief("speaker", row["speaker__slug"], row["speaker__name"]),
                "event": events.get(row["event_id"])
                if "event" in self.expand
                else self.brief("event", row["event__slug"], row["event__name"]),
                "themes": themes[row["id"]],
                "stakeholder_groups": groups[row["id"]],
                "quote_count": row["quote_count"],
                "highlight": safe_highlight(snippets.get(row["id"])),
                "created_at": _datetime(row["created_at"]),
                "updated_at": _datetime(row["updated_at"]),
            }
            if detail or with_text:
                item["provenance_note"] = row["provenance_note"]
                item["text"] = row["text"]
            if detail:
                item["paragraphs"] = [
                    {"index": p.index, "start": p.start, "end": p.end}
                    for p in split_paragraphs(row["text"])
                ]
                item["quotes"] = quotes.get(row["id"], [])
            result[row["id"]] = item
        return result

    def _linked(self, through, owner_column, target, expand_name, ids):
        """owner id -> brief (or, when expanded, full) targets, ordered by name."""
        links = list(
            through.objects.filter(**{f"{owner_column}__in": one_of(ids)})
            .order_by(f"{target}__name", f"{target}__id")
            .values_list(
                owner_column, f"{target}_id", f"{target}__slug", f"{target}__name"
            )
        )
        kind = "theme" if target == "theme" else "stakeholder_group"
        by_owner = defaultdict(list)
        if expand_name in self.expand:
            builder = getattr(self.nested, expand_name)
            full = builder(list({target_id for _, target_id, _, _ in links}))
            for owner, target_id, _, _ in links:
                by_owner[owner].append(full[target_id])
        else:
            for owner, _, slug, name in links:
                by_owner[owner].append(self.brief(kind, slug, name))
        return by_owner

    def _statement_quotes(self, statement_ids):
        rows = list(
            Quote.objects.filter(statement_id__in=one_of(statement_ids))
            .order_by("id")
            .values(
                "id",
                "statement_id",
                "slug",
                "fidelity",
                "text",
                "speaker__slug",
                "speaker__name",
            )
        )
        spans = self._spans([row["id"] for row in rows])
        by_statement = defaultdict(list)
        for row in rows:
            by_statement[row["statement_id"]].append(
                {
                    "slug": row["slug"],
                    "url": self.url("quote", row["slug"]),
                    "fidelity": row["fidelity"],
                    "text": row["text"],
                    "speaker": self.brief(
                        "speaker", row["speaker__slug"], row["speaker__name"]
                    ),
                    "spans": spans[row["id"]],
                }
            )
        return by_statement

    @staticmethod
    def _spans(quote_ids):
        spans = defaultdict(list)
        for quote_id, start, end in (
            QuoteSpan.objects.filter(quote_id__in=one_of(quote_ids))
            .order_by("quote_id", "position")
            .values_list("quote_id", "start", "end")
        ):
            spans[quote_id].append({"start": start, "end": end})
        return spans

    # --- quotes ---

    QUOTE_COLUMNS = (
        "id",
        "slug",
        "text",
        "fidelity",
        "said_on",
        "as_delivered",
        "as_delivered_source_url",
        "provenance_note",
        "created_at",
        "updated_at",
        "speaker_id",
        "speaker__slug",
        "speaker__name",
        "statement_id",
        "statement__slug",
        "statement__title",
        "statement__publisher",
        "statement__source_url",
        "statement__published_on",
        "statement__language",
        "statement__license",
        "statement__license_url",
        "event_id",
        "event__slug",
        "event__name",
        "event__start_date",
        "event__end_date",
    )

    def quotes(self, ids: list[int], search: str | None = None) -> dict[int, dict]:
        # The day, the speaker's role that day and the spans come with the rows.
        rows = list(
            with_quote_context(Quote.objects.filter(pk__in=one_of(ids)))
            .annotate(span_pairs=quote_span_pairs())
            .values(
                *self.QUOTE_COLUMNS,
                "quote_day",
                "role_title",
                "role_organization",
                "span_pairs",
            )
        )
        snippets = highlights(Quote, ids, search)
        quote_ids = [row["id"] for row in rows]
        themes = self._linked(Quote.themes.through, "quote_id", "theme", "themes", ids)
        links = defaultdict(list)
        for quote_id, slug, name, role in (
            QuoteStakeholder.objects.filter(quote_id__in=one_of(quote_ids))
            .order_by("group__name", "role")
            .values_list("quote_id", "group__slug", "group__name", "role")
        ):
            links[quote_id].append(
                {
                    "slug": slug,
                    "name": name,
                    "url": self.url("stakeholder_group", slug),
                    "role": role,
                }
            )
        full = {}
        for name, builder, column in (
            ("speaker", "speakers", "speaker_id"),
            ("event", "events", "event_id"),
        ):
            if name in self.expand:
                related_ids = list({row[column] for row in rows if row[column]})
                full[name] = getattr(self.nested, builder)(related_ids)
        if "statement" in self.expand:
            full["statement"] = self.nested.statements(
                list({row["statement_id"] for row in rows})
            )
        result = {}
        for row in rows:
            date = row["quote_day"]
            role = (
                (row["role_title"], row["role_organization"])
                if row["role_title"] is not None
                else None
            )
            url = self.url("quote", row["slug"])
            result[row["id"]] = {
                "slug": row["slug"],
                "url": url,
                "text": row["text"],
                "fidelity": row["fidelity"],
                "spans": [
                    {"start": start, "end": end} for start, end in row["span_pairs"]
                ],
                "speaker": full["speaker"][row["speaker_id"]]
                if "speaker" in full
                else self.brief("speaker", row["speaker__slug"], row["speaker__name"]),
                "speaker_role": {"title": role[0], "organization": role[1]}
                if role
                else None,
                "statement": full["statement"][row["statement_id"]]
                if "statement" in full
                else self.brief(
                    "statement",
                    row["statement__slug"],
                    row["statement__title"],
                    key="title",
                ),
                "event": full["event"].get(row["event_id"])
                if "event" in full
                else self.brief("event", row["event__slug"], row["event__name"]),
                "said_on": _date(row["said_on"]),
                "date": _date(date),
                "as_delivered": row["as_delivered"],
                "as_delivered_source_url": row["as_delivered_source_url"],
                "themes": themes[row["id"]],
                "stakeholder_groups": links[row["id"]],
                "source": {
                    "title": row["statement__title"],
                    "publisher": row["statement__publisher"],
                    "source_url": row["statement__source_url"],
                    "published_on": _date(row["statement__published_on"]),
                    "language": row["statement__language"],
                    "license": row["statement__license"],
                    "license_url": row["statement__license_url"],
                },
                "citation": format_citation(
                    speaker_name=row["speaker__name"],
                    role=role,
                    event_name=row["event__name"],
                    date=date,
                    title=row["statement__title"],
                    publisher=row["statement__publisher"],
                    published_on=row["statement__published_on"],
                    source_url=row["statement__source_url"],
                    license=row["statement__license"],
                    permalink=url,
                ),
                "provenance_note": row["provenance_note"],
                "highlight": safe_highlight(snippets.get(row["id"])),
                "created_at": _datetime(row["created_at"]),
                "updated_at": _datetime(row["updated_at"]),
            }
        return result

    # --- entry points ---

    BUILDERS = {
        "speaker": "speakers",
        "event": "events",
        "theme": "themes",
        "stakeholder_group": "stakeholder_groups",
        "statement": "statements",
        "quote": "quotes",
    }

    def build(self, kind: str, ids: Iterable[int], **options) -> list[dict]:
        """The representations of `ids`, in the order given, trimmed by `fields`."""
        ids = list(ids)
        built = getattr(self, self.BUILDERS[kind])(ids, **options)
        return self.trim([built[pk] for pk in ids if pk in built])
