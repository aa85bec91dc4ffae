"""The columns of the CSV exports and the keys of the NDJSON ones, with their
documentation, derived from the resources' declarations (statements.resources).

A CSV column's value is SQL: a field path or a Django expression, evaluated by
PostgreSQL, which writes the file with COPY (statements.exports.csv_chunks). An
NDJSON field is a key of the list API's items.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.aggregates.mixins import OrderableAggMixin
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import (
    Aggregate,
    Case,
    F,
    Func,
    OuterRef,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import Expression

from statements import resources as r
from statements.models import QuoteSpan
from statements.representations import model_field
from statements.resources import BY_KIND

LIST_SEPARATOR = "|"
SPAN_LIST_SEPARATOR = ";"
# A CSV text cell starting with one of these gets a leading single quote (OWASP's
# advice against CSV injection): spreadsheets run a cell starting with = + - @,
# tab or carriage return as a formula. A cell that already starts with a quote
# gets one more, so that removing one leading quote always gives the value back.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "'")


@dataclass(frozen=True)
class Column:
    """A CSV column: its header, what it holds, and the SQL of its cells.

    `value` is a field path, an expression, or a function of the export's
    base URL that returns an expression (for the url column).
    """

    name: str
    description: str
    value: str | Expression | Callable[[Any], Expression]

    def expression(self, url) -> Expression:
        """The cells' SQL; `url` builds URLs of the export's origin (exports._Urls)."""
        if isinstance(self.value, str):
            return F(self.value)
        if hasattr(self.value, "resolve_expression"):
            return self.value
        return self.value(url)


@dataclass(frozen=True)
class Field:
    """A key of an NDJSON record."""

    name: str
    description: str


def concat(*parts: str | Expression) -> Func:
    """SQL's ||: text, whatever the parts' types (none of them is null here)."""
    return Func(
        *(F(part) if isinstance(part, str) else part for part in parts),
        template="(%(expressions)s)",
        arg_joiner=" || ",
        output_field=TextField(),
    )


class FormulaSafe(Func):
    """A text cell no spreadsheet runs as a formula: `'` + the value when it
    starts with one of FORMULA_TRIGGERS (one anchored regexp; the value is read once).
    """

    # FORMULA_TRIGGERS as a bracket expression: = + @ tab CR ' and - last. The
    # cast reads a JSON cell (which starts with [) as its text.
    template = r"regexp_replace((%(expressions)s)::text, '^([=+@\t\r''-])', '''\1')"
    output_field = TextField()


def formula_safe(cell: Expression, query) -> Expression:
    """`cell` wrapped in FormulaSafe when its SQL is text; other cells as they are.

    `query` is the rows' query, to learn the cell's type (a clone of it is used).
    """
    resolved = cell.resolve_expression(query.clone(), allow_joins=True)
    if isinstance(resolved.output_field, (models.CharField, models.TextField)):
        return FormulaSafe(cell)
    return cell


class _IsoUtc(Func):
    """A timestamptz as the API writes it: ISO 8601, microseconds unless 0, Z."""

    template = (
        "to_char((%(expressions)s) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS')"
        " || CASE WHEN date_trunc('second', %(expressions)s) = %(expressions)s"
        " THEN '' ELSE to_char((%(expressions)s) AT TIME ZONE 'UTC', '.US') END"
        " || 'Z'"
    )
    output_field = TextField()


def _iso_date(value: str | Expression) -> Func:
    """A date as YYYY-MM-DD whatever the session's DateStyle."""
    value = F(value) if isinstance(value, str) else value
    return Func(
        value, Value("YYYY-MM-DD"), function="to_char", output_field=TextField()
    )


def _array_joined(name: str) -> Func:
    """A text array's items joined by LIST_SEPARATOR."""
    return Func(
        F(name),
        Value(LIST_SEPARATOR),
        function="array_to_string",
        output_field=TextField(),
    )


def _joined(model, link: str, value, order_by, separator=LIST_SEPARATOR) -> Subquery:
    """`value` of the `model` rows whose `link` is the outer row, joined in order."""
    return Subquery(
        model.objects.filter(**{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(joined=StringAgg(value, separator, order_by=order_by))
        .values("joined"),
        output_field=TextField(),
    )


class _JsonAgg(OrderableAggMixin, Aggregate):
    """json_agg(... ORDER BY ...): keys keep the order they are built in."""

    function = "JSON_AGG"
    template = "%(function)s(%(distinct)s%(expressions)s %(order_by)s)"
    output_field = TextField()


def _json_objects(
    model, link: str, keys: tuple[tuple[str, str], ...], order_by
) -> Subquery:
    """A JSON array of {key: value} objects of the linked `model` rows, in order;
    `keys` are (key, path) pairs."""
    pairs = [part for key, path in keys for part in (Value(key), F(path))]
    return Subquery(
        model.objects.filter(**{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(
            objects=_JsonAgg(
                Func(*pairs, function="json_build_object"), order_by=order_by
            )
        )
        .values("objects"),
        output_field=TextField(),
    )


_CREATED = "When the record was created (ISO 8601, UTC)."
_UPDATED = "When the record last changed (ISO 8601, UTC)."
_LIST_NOTE = (
    f"joined by {LIST_SEPARATOR!r}; values are not escaped, so use NDJSON when a "
    f"value may contain {LIST_SEPARATOR!r}"
)


def _csv_doc(doc: str) -> str:
    return doc.replace("; null when", "; empty when")


def _sql_value(model, path: str, declared_type: str | None = None):
    """The SQL of a column as the API writes the value: dates in ISO 8601."""
    field = None if declared_type else model_field(model, path)
    if declared_type == "date" or (
        isinstance(field, models.DateField)
        and not isinstance(field, models.DateTimeField)
    ):
        return _iso_date(path)
    if isinstance(field, ArrayField):
        return _array_joined(path)
    return path


def _links_sql(model, f: r.Links) -> Subquery:
    target = BY_KIND[f.target].model
    if f.reverse:
        return _joined(target, f.reverse, "slug", f.order)
    relation = model._meta.get_field(f.through)
    table = relation.remote_field.through
    owner, other = relation.m2m_field_name(), relation.m2m_reverse_field_name()
    value = f"{other}__slug"
    if f.role:
        value = concat(value, Value(":"), f.role)
    order = [f"{other}__{key}" for key in f.order]
    order = [order[0], f.role, *order[1:]] if f.role else order
    return _joined(table, owner, value, tuple(order))


def _link_columns(model, f: r.Link) -> list[Column]:
    """`<name>_<key>` columns of the target's keys, then the `csv_more` ones."""
    target = BY_KIND[f.target]
    none = "; empty when none" if f.null else ""
    noun = f.name.replace("_", " ")
    if noun != target.singular:
        noun = f"{noun} {target.singular}"
    columns = [
        Column(f"{f.name}_{key}", f"The {noun}'s {key}{none}.", f"{f.path}__{key}")
        for key in f.csv_keys or ("slug", target.label)
    ]
    return columns + [
        Column(extra.name, extra.doc, _sql_value(model, f"{f.path}__{extra.path}"))
        for extra in f.csv_more
    ]


def _nested_key(f: r.Field) -> tuple[str, str]:
    """(key, path) of a nested row's field in a CSV JSON cell: a link's label."""
    if isinstance(f, r.Link):
        return f.name, f"{f.path}__{BY_KIND[f.target].label}"
    return f.name, f.name


def _nested_key_doc(f: r.Field) -> str:
    if isinstance(f, r.Link):
        return f"{f.name} (its {BY_KIND[f.target].label})"
    return f.name


def _author_sql(f: r.Author, key: str, as_kind=None) -> Expression:
    """The author's `key` (or, with `as_kind`, its type) from whichever link is set."""
    return Case(
        *(
            When(
                **{f"{path}__isnull": False},
                then=as_kind(kind) if as_kind else F(f"{path}__{key}"),
            )
            for kind, path in f.choices
        ),
        default=None,
        output_field=TextField(),
    )


def _field_columns(resource: r.Resource, f: r.Field) -> list[Column]:  # noqa: C901
    """The CSV columns of one field of a resource (none for some)."""
    model = resource.model
    match f:
        case r.Value(csv=False):
            return []
        case r.Value():
            doc = _csv_doc(f.csv_doc or f.doc)
            if isinstance(model_field(model, f.path), ArrayField):
                doc = f"{doc.removesuffix('.')}, {_LIST_NOTE}."
            return [Column(f.name, doc, _sql_value(model, f.path, f.type))]
        case r.Link():
            return _link_columns(model, f)
        case r.Links():
            what = '"slug:role"' if f.role else "slugs"
            doc = f.doc.removesuffix(".") or BY_KIND[f.target].singular.capitalize()
            doc = f"{doc}: {what}, joined by {LIST_SEPARATOR!r}."
            return [Column(f.name, doc, _links_sql(model, f))]
        case r.Nested(csv=True):
            relation = model._meta.get_field(f.relation)
            keys = tuple(_nested_key(n) for n in f.fields)
            return [
                Column(
                    f.name,
                    "JSON array of {"
                    + ", ".join(_nested_key_doc(n) for n in f.fields)
                    + "}.",
                    _json_objects(
                        relation.related_model, relation.field.name, keys, f.order
                    ),
                )
            ]
        case r.Author():
            return [
                Column(
                    "author_type",
                    "speaker or organization; empty when the author is unknown.",
                    _author_sql(f, "", Value),
                ),
                Column("author_slug", "The author's slug.", _author_sql(f, "slug")),
                Column("author_name", "The author's name.", _author_sql(f, "name")),
            ]
        case r.Spans():
            doc = f'{f.doc.removesuffix(".")}, as "start-end" pieces joined by ";".'
            value = _joined(
                QuoteSpan,
                "quote",
                concat("start", Value("-"), "end"),
                "position",
                separator=SPAN_LIST_SEPARATOR,
            )
            return [Column(f.name, doc, value)]
        case r.RoleOfTheDay():
            return [
                Column("speaker_role_title", _csv_doc(f.doc), "role_title"),
                Column(
                    "speaker_role_organization",
                    "The organisation of that role.",
                    "role_organization",
                ),
            ]
    return []


def csv_columns(resource: r.Resource) -> tuple[Column, ...]:
    """The CSV columns of a resource, in order."""
    columns = [
        Column("slug", f"The {resource.singular}'s slug, its stable public id.", "slug")
    ]
    for f in resource.export_fields():
        columns += _field_columns(resource, f)
    detail_view = resource.detail_view
    return (
        *columns,
        Column("created_at", _CREATED, _IsoUtc("created_at")),
        Column("updated_at", _UPDATED, _IsoUtc("updated_at")),
        Column(
            "url",
            f"The {resource.singular} in the API.",
            lambda url: url.expression(detail_view),
        ),
    )


def _ndjson_doc(f: r.Field) -> str:  # noqa: C901
    """What an NDJSON key holds, from its declaration."""
    match f:
        case r.Link():
            return (
                "{slug, "
                + BY_KIND[f.target].label
                + ", url}"
                + (" or null." if f.null else ".")
            )
        case r.Links():
            role = f", {f.role}" if f.role else ""
            base = "[{slug, " + BY_KIND[f.target].label + ", url" + role + "}]"
            return f"{base}: {f.doc}" if f.doc else f"{base}."
        case r.Nested():
            return "[{" + ", ".join(n.name for n in f.fields) + "}]: " + f.doc
        case r.Embedded():
            return "{" + ", ".join(f.keys) + "}: " + f.doc
        case r.Author():
            return "{type, slug, name, url} or null: " + f.doc
        case r.Spans():
            return "[{start, end}]: " + f.doc
        case r.RoleOfTheDay():
            return "{title, organization} or null: " + f.doc
    return f.doc


def ndjson_fields(resource: r.Resource) -> tuple[Field, ...]:
    """The keys of an NDJSON record, in order."""
    head = [f for f in resource.fields if f.export]
    return (
        Field("slug", "The stable public id."),
        Field("url", f"The {resource.singular} in the API."),
        *(Field(f.name, _ndjson_doc(f)) for f in head),
        Field("created_at", _CREATED),
        Field("updated_at", _UPDATED),
        *(Field(f.name, _ndjson_doc(f)) for f in resource.detail if f.export),
    )


def columns_markdown(resource) -> str:
    """The tables of docs/exports.md for `resource`, from these definitions."""

    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    lines = [
        f"### {resource.name}",
        "",
        "| CSV column | Holds |",
        "|---|---|",
        *(f"| `{c.name}` | {cell(c.description)} |" for c in resource.columns),
        "",
        "| NDJSON field | Holds |",
        "|---|---|",
        *(f"| `{f.name}` | {cell(f.description)} |" for f in resource.fields),
        "",
        f"Differences of an NDJSON record from the list API's item: "
        f"{resource.differences}",
        "",
    ]
    return "\n".join(lines)
