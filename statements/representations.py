"""The JSON of each resource, built from `.values()` rows in a fixed number of queries.

What a resource's JSON holds is declared once, in statements.resources; this
module reads those declarations: one query for the rows (with the columns and
annotations their fields need), one per to-many field of the page, then a dict
per row. No model instances, no nested serializers, no per-object URL
reversing: that is what makes a page of 50 quotes cheap (docs/performance.md).
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import cache

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property

from statements.models import ALTERATION_KEYS, format_citation, split_paragraphs
from statements.resources import (
    BY_KIND,
    Alterations,
    Author,
    Citation,
    Embedded,
    Field,
    Highlight,
    Licenses,
    Link,
    Links,
    Nested,
    Paragraphs,
    Resource,
    RoleOfTheDay,
    Spans,
    Value,
)
from statements.selectors import (
    highlights,
    one_of,
    quote_span_pairs,
    safe_highlight,
    with_counts,
    with_quote_context,
)

_SLUG_MARK = "__slug__"
# The `shape` of a related object: a brief, or the whole object (`?expand=`).
BRIEF, FULL = "brief", "full"
Getter = Callable[[dict], object]


def iso_datetime(value):
    """The same text DRF's DateTimeField gives: ISO 8601, UTC as Z."""
    if value is None:
        return None
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def iso_date(value):
    return value.isoformat() if value is not None else None


def model_field(model, path: str) -> models.Field | None:
    """The model field at the end of a `__` path; None for an annotation."""
    *hops, last = path.split("__")
    for hop in hops:
        model = model._meta.get_field(hop).related_model
    try:
        return model._meta.get_field(last)
    except FieldDoesNotExist:  # an annotation
        return None


@cache
def converter(model, path: str, declared_type: str | None = None):
    """How a column's Python value becomes JSON (dates as ISO 8601), or None."""
    if declared_type == "date":
        return iso_date
    field = None if declared_type else model_field(model, path)
    if isinstance(field, models.DateTimeField):
        return iso_datetime
    if isinstance(field, models.DateField):
        return iso_date
    return None


def _column(path: str, convert=None) -> Getter:
    if convert is None:
        return lambda row: row[path]
    return lambda row: convert(row[path])


# Columns that with_quote_context() and quote_span_pairs() annotate.
QUOTE_CONTEXT = (
    "quote_day",
    "day_certainty",
    "range_from",
    "range_to",
    "role_title",
    "role_organization",
)
_CITATION_COLUMNS = (
    "fidelity",
    "event_certainty",
    "speaker__name",
    "event__name",
    "statement__title",
    "statement__publisher__name",
    "statement__published_on",
    "statement__source_url",
    "statement__license",
)


def _label(kind: str) -> str:
    return BY_KIND[kind].label


@cache
def columns(fields: tuple[Field, ...], *, slug: bool = True) -> tuple[str, ...]:
    """The `.values()` columns the fields read from their own row."""
    wanted = ["id", "slug"] if slug else ["id"]
    for f in fields:
        match f:
            case Value():
                wanted.append(f.path)
            case Link():
                label = _label(f.target)
                wanted += [f"{f.path}_id", f"{f.path}__slug", f"{f.path}__{label}"]
            case Embedded():
                wanted += [f.path(key) for key in f.keys]
            case Author():
                for _, path in f.choices:
                    wanted += [f"{path}__slug", f"{path}__name"]
            case Spans():
                wanted.append("span_pairs")
            case RoleOfTheDay():
                wanted += ["role_title", "role_organization"]
            case Citation():
                wanted += [*_CITATION_COLUMNS, *QUOTE_CONTEXT]
            case Paragraphs():
                wanted.append("text")
            case Licenses(text=str()):
                wanted += f.text_columns
    return tuple(dict.fromkeys(wanted))


def annotated(queryset, fields: tuple[Field, ...]):
    """The queryset with the annotations that the fields' columns name."""
    wanted = set(columns(fields))
    if any(isinstance(f, Value) and f.type == "integer" for f in fields):
        queryset = with_counts(queryset)
    if wanted & set(QUOTE_CONTEXT):
        queryset = with_quote_context(queryset)
    if "span_pairs" in wanted:
        queryset = queryset.annotate(span_pairs=quote_span_pairs())
    return queryset


@cache
def shape(
    resource: Resource, *, detail: bool, export: bool
) -> tuple[tuple[Field, ...], tuple[Field, ...]]:
    """The fields shown before the timestamps, and after them (detail, export)."""
    if export:
        return (
            tuple(f for f in resource.fields if f.export),
            tuple(f for f in resource.detail if f.export),
        )
    return resource.fields, resource.detail if detail else ()


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

    def url(self, kind: str, slug: str) -> str:
        parts = self._url_parts.get(kind)
        if parts is None:
            template = self.request.build_absolute_uri(
                reverse(BY_KIND[kind].detail_view, kwargs={"slug": _SLUG_MARK})
            )
            parts = self._url_parts[kind] = template.split(_SLUG_MARK)
        return f"{parts[0]}{slug}{parts[1]}"

    def brief(self, kind: str, slug: str | None, label: str | None):
        if slug is None:
            return None
        return {
            "slug": slug,
            _label(kind): label,
            "url": self.url(kind, slug),
            "shape": BRIEF,
        }

    @cached_property
    def nested(self) -> "Representer":
        """The representer of expanded objects: full, untrimmed, no nested expand.

        One per request, so its URL templates are resolved once."""
        return Representer(self.request)

    # --- entry points ---------------------------------------------------------------

    def build(
        self,
        kind: str,
        ids: Iterable[int],
        *,
        detail: bool = False,
        export: bool = False,
        search: str | None = None,
    ) -> list[dict]:
        """The representations of `ids`, in the order given, trimmed by `fields`.

        `detail` adds the detail fields; `export` gives the NDJSON record (the
        list's fields and the detail fields marked for export, less the others).
        """
        ids = list(ids)
        built = self.represent(
            BY_KIND[kind], ids, detail=detail, export=export, search=search
        )
        items = [built[pk] for pk in ids if pk in built]
        if not self.fields:
            return items
        return [{k: v for k, v in item.items() if k in self.fields} for item in items]

    def represent(
        self,
        resource: Resource,
        ids: list[int],
        *,
        detail: bool = False,
        export: bool = False,
        search: str | None = None,
    ) -> dict[int, dict]:
        """id -> JSON of each of `ids` that exists (untrimmed)."""
        head, tail = shape(resource, detail=detail, export=export)
        fields = head + tail
        queryset = annotated(resource.model.objects.filter(pk__in=one_of(ids)), fields)
        rows = list(queryset.values(*columns(fields), "created_at", "updated_at"))
        getters = self._getters(resource.model, fields, rows, ids, search)
        head_getters, tail_getters = getters[: len(head)], getters[len(head) :]
        kind = resource.kind
        result = {}
        for row in rows:
            item = {"slug": row["slug"], "url": self.url(kind, row["slug"])}
            for name, getter in head_getters:
                item[name] = getter(row)
            item["created_at"] = iso_datetime(row["created_at"])
            item["updated_at"] = iso_datetime(row["updated_at"])
            for name, getter in tail_getters:
                item[name] = getter(row)
            result[row["id"]] = item
        return result

    def represent_expanded(self, resource: Resource, ids) -> dict[int, dict]:
        """id -> the whole object of each of `ids` in place of its brief, marked
        `shape: full` (a brief is `shape: brief`)."""
        full = self.represent(resource, list(ids))
        for item in full.values():
            item["shape"] = FULL
        return full

    # --- one getter per field ---------------------------------------------------------

    def _getters(self, model, fields, rows, ids, search) -> list[tuple[str, Getter]]:
        return [
            (f.name, self._getter(model, f, rows, ids, search=search)) for f in fields
        ]

    def _getter(self, model, f: Field, rows, ids, *, search=None) -> Getter:  # noqa: C901
        match f:
            case Alterations():
                # jsonb keeps keys in its own order: give them the schema's.
                return lambda row: [
                    {key: item[key] for key in ALTERATION_KEYS} for item in row[f.path]
                ]
            case Value():
                return _column(f.path, converter(model, f.path, f.type))
            case Link() if f.name in self.expand:
                related = {row[f"{f.path}_id"] for row in rows} - {None}
                full = self.nested.represent_expanded(BY_KIND[f.target], related)
                return lambda row: full.get(row[f"{f.path}_id"])
            case Link():
                return self._brief_getter(f)
            case Links():
                return self._links_getter(model, f, ids)
            case Nested():
                return self._nested_getter(model, f, ids)
            case Embedded():
                return self._embedded_getter(model, f)
            case Author():
                return self._author_getter(f)
            case Spans():
                return lambda row: [
                    {"start": start, "end": end} for start, end in row["span_pairs"]
                ]
            case RoleOfTheDay():
                return _role
            case Citation():
                return self._citation
            case Paragraphs():
                return lambda row: [
                    {"index": p.index, "start": p.start, "end": p.end}
                    for p in split_paragraphs(row["text"])
                ]
            case Highlight():
                snippets = highlights(model, ids, search, field=f.source)
                return lambda row: safe_highlight(snippets.get(row["id"]))
            case Licenses():
                return _licenses_getter(f)
        raise TypeError(f"No representation for {f!r}")

    def _brief_getter(self, f: Link) -> Getter:
        kind, label = f.target, _label(f.target)
        slug_key, label_key = f"{f.path}__slug", f"{f.path}__{label}"
        url = self.url

        def brief(row):
            slug = row[slug_key]
            if slug is None:
                return None
            return {
                "slug": slug,
                label: row[label_key],
                "url": url(kind, slug),
                "shape": BRIEF,
            }

        return brief

    def _links_getter(self, model, f: Links, ids) -> Getter:
        """owner id -> briefs (or, when expanded, full targets), in order."""
        target = BY_KIND[f.target]
        label = target.label
        if f.through:
            relation = model._meta.get_field(f.through)
            table = relation.remote_field.through
            owner = relation.m2m_field_name()
            other = relation.m2m_reverse_field_name()
            order = [f"{other}__{key}" for key in f.order]
            values = [f"{other}_id", f"{other}__slug", f"{other}__{label}"]
        else:
            table, owner, other = target.model, f.reverse, None
            order = list(f.order)
            values = ["id", "slug", label]
        if f.role:
            order.append(f.role)
            values.append(f.role)
        links = list(
            table.objects.filter(**{f"{owner}_id__in": one_of(ids)})
            .order_by(*order)
            .values_list(f"{owner}_id", *values)
        )
        by_owner = defaultdict(list)
        if f.name in self.expand:
            full = self.nested.represent_expanded(target, {link[1] for link in links})
            for link in links:
                by_owner[link[0]].append(full[link[1]])
        else:
            for owner_id, _, slug, name, *role in links:
                item = {
                    "slug": slug,
                    label: name,
                    "url": self.url(target.kind, slug),
                    "shape": BRIEF,
                }
                if f.role:
                    item[f.role] = role[0]
                by_owner[owner_id].append(item)
        return lambda row: by_owner[row["id"]]

    def _nested_getter(self, model, f: Nested, ids) -> Getter:
        """owner id -> the related rows, each with the nested fields."""
        relation = model._meta.get_field(f.relation)
        related, owner = relation.related_model, f"{relation.field.name}_id"
        queryset = annotated(
            related.objects.filter(**{f"{owner}__in": one_of(ids)}), f.fields
        )
        rows = list(
            queryset.order_by(*f.order).values(
                owner, *columns(f.fields, slug=bool(f.resource))
            )
        )
        # Rows inside rows are never expanded.
        getters = self.nested._getters(
            related, f.fields, rows, [row["id"] for row in rows], None
        )
        by_owner = defaultdict(list)
        for row in rows:
            item = {}
            if f.resource:
                item["slug"] = row["slug"]
                item["url"] = self.url(f.resource, row["slug"])
            for name, getter in getters:
                item[name] = getter(row)
            by_owner[row[owner]].append(item)
        return lambda row: by_owner[row["id"]]

    def _author_getter(self, f: Author) -> Getter:
        """{type, slug, name, url} of the author link that is set, or None."""
        choices = [(kind, f"{path}__slug", f"{path}__name") for kind, path in f.choices]
        url = self.url

        def author(row):
            for kind, slug_key, name_key in choices:
                slug = row[slug_key]
                if slug is not None:
                    return {
                        "type": kind,
                        "slug": slug,
                        "name": row[name_key],
                        "url": url(kind, slug),
                    }
            return None

        return author

    @staticmethod
    def _embedded_getter(model, f: Embedded) -> Getter:
        parts = [(key, f.path(key), converter(model, f.path(key))) for key in f.keys]
        return lambda row: {
            key: convert(row[path]) if convert else row[path]
            for key, path, convert in parts
        }

    def _citation(self, row) -> str:
        role = _role(row)
        return format_citation(
            speaker_name=row["speaker__name"],
            role=(role["title"], role["organization"]) if role else None,
            fidelity=row["fidelity"],
            event_name=row["event__name"],
            event_certainty=row["event_certainty"],
            date=row["quote_day"],
            date_certainty=row["day_certainty"],
            title=row["statement__title"],
            publisher=row["statement__publisher__name"],
            published_on=row["statement__published_on"],
            source_url=row["statement__source_url"],
            license=row["statement__license"],
            permalink=self.url("quote", row["slug"]),
        )


def _role(row) -> dict | None:
    if row["role_title"] is None:
        return None
    return {"title": row["role_title"], "organization": row["role_organization"]}


def data_license() -> dict:
    """{name, url} of the project's own data (settings.DATA_LICENSE)."""
    return {"name": settings.DATA_LICENSE["name"], "url": settings.DATA_LICENSE["url"]}


def _licenses_getter(f: Licenses) -> Getter:
    data = data_license()
    if f.text_columns is None:
        return lambda row: {"data": dict(data), "text": None}
    name, url = f.text_columns
    return lambda row: {
        "data": dict(data),
        "text": {"name": row[name], "url": row[url]},
    }
