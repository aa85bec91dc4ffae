"""Bulk exports: every resource as CSV (written by PostgreSQL) and NDJSON.

A resource's CSV columns (SQL, which COPY writes) and its NDJSON fields (keys
of the list API's items, built by statements.representations a chunk of ids at
a time) are derived from its declaration in statements.resources. The HTTP
exports (statements.api.exports), `manage.py export_snapshot`, the OpenAPI
descriptions and docs/exports.md all read them, so they cannot drift.

Run the writers inside `export_transaction()`: there the ids come from a
server-side cursor that is cheap to open (outside a transaction it would be WITH
HOLD, which PostgreSQL materialises first), and every query of an export sees
the same snapshot of the data.
"""

import csv
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from functools import cached_property
from itertools import islice

import orjson
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.aggregates.mixins import OrderableAggMixin
from django.contrib.postgres.fields import ArrayField
from django.db import connection, models, transaction
from django.db.backends.utils import CursorDebugWrapper
from django.db.models import (
    Aggregate,
    F,
    Func,
    Model,
    OuterRef,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.expressions import Expression
from django.urls import reverse

from statements import resources as r
from statements.models import QuoteSpan
from statements.representations import Representer, model_field
from statements.resources import BY_KIND
from statements.selectors import with_counts, with_quote_context

CHUNK_SIZE = r.EXPORT_CHUNK_SIZE
# COPY hands over a row at a time: the CSV is sent in pieces of about this size.
COPY_CHUNK_BYTES = 64 * 1024
LIST_SEPARATOR = "|"
SPAN_LIST_SEPARATOR = ";"

Record = dict[str, object]


@contextmanager
def export_transaction():
    """One transaction for a whole export, so its server-side cursor is cheap.

    Outside any other transaction it is also REPEATABLE READ and READ ONLY: the main
    query and the per-chunk queries then all see the same snapshot of the data.
    """
    outermost = not connection.in_atomic_block
    # Nothing is written, so a savepoint inside another transaction buys nothing.
    with transaction.atomic(savepoint=False):
        if outermost:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
                )
        yield


class _Urls:
    """Absolute detail URLs: by slug, as SQL (the CSV), and for the Representer."""

    _PLACEHOLDER = "slug-placeholder"

    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")
        self._templates = {}

    def __call__(self, view_name: str, slug: str) -> str:
        template = self._templates.get(view_name)
        if template is None:
            path = reverse(view_name, kwargs={"slug": self._PLACEHOLDER})
            template = self._templates[view_name] = tuple(path.split(self._PLACEHOLDER))
        return f"{self.base_url}{template[0]}{slug}{template[1]}"

    def build_absolute_uri(self, path: str) -> str:
        """What the Representer asks of a request: here, of the export's origin."""
        return self.base_url + path

    def expression(self, view_name: str) -> Expression:
        """SQL for the detail URL of the row's own slug."""
        prefix, suffix = self(view_name, self._PLACEHOLDER).split(self._PLACEHOLDER)
        return _concat(Value(prefix), "slug", Value(suffix))


def _rows(
    queryset: QuerySet, *, kind: str, base_url: str = "", chunk_size: int
) -> Iterator[list[Record]]:
    """Chunks of NDJSON records in the queryset's order, built by the
    representations from a chunk of ids at a time.

    Never two chunks are alive at once, so that the peak memory is that of one
    chunk however many there are.
    """
    origin = _Urls(base_url)
    ids = queryset.values_list("pk", flat=True).iterator(chunk_size=chunk_size)
    while chunk := list(islice(ids, chunk_size)):
        records = Representer(origin).build(kind, chunk, export=True)
        del chunk
        yield records
        del records


# --- Columns and fields: derived from the declarations of statements.resources ----
#
# A CSV column's value is SQL: a field path or a Django expression, evaluated by
# PostgreSQL, which writes the file with COPY (see csv_chunks). An NDJSON field is
# a key of the list API's items.


@dataclass(frozen=True)
class Column:
    """A CSV column: its header, what it holds, and the SQL of its cells.

    `value` is a field path, an expression, or a function of the export's
    base URL that returns an expression (for the url column).
    """

    name: str
    description: str
    value: str | Expression | Callable[["_Urls"], Expression]

    def expression(self, url: "_Urls") -> Expression:
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


def _concat(*parts: str | Expression) -> Func:
    """SQL's ||: text, whatever the parts' types (none of them is null here)."""
    return Func(
        *(F(part) if isinstance(part, str) else part for part in parts),
        template="(%(expressions)s)",
        arg_joiner=" || ",
        output_field=TextField(),
    )


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


def _json_objects(model, link: str, keys: tuple[str, ...], order_by) -> Subquery:
    """A JSON array of {key: value} objects of the linked `model` rows, in order."""
    pairs = [part for key in keys for part in (Value(key), F(key))]
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
        value = _concat(value, Value(":"), f.role)
    order = [f"{other}__{key}" for key in f.order]
    order = [order[0], f.role, *order[1:]] if f.role else order
    return _joined(table, owner, value, tuple(order))


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
            target = BY_KIND[f.target]
            none = "; empty when none" if f.null else ""
            noun = f.name.replace("_", " ")
            if noun != target.singular:
                noun = f"{noun} {target.singular}"
            keys = f.csv_keys or ("slug", target.label)
            columns = [
                Column(
                    f"{f.name}_{key}",
                    f"The {noun}'s {key}{none}.",
                    f"{f.path}__{key}",
                )
                for key in keys
            ]
            columns += [
                Column(
                    extra.name,
                    extra.doc,
                    _sql_value(model, f"{f.path}__{extra.path}"),
                )
                for extra in f.csv_more
            ]
            return columns
        case r.Links():
            what = '"slug:role"' if f.role else "slugs"
            doc = f.doc.removesuffix(".") or BY_KIND[f.target].singular.capitalize()
            doc = f"{doc}: {what}, joined by {LIST_SEPARATOR!r}."
            return [Column(f.name, doc, _links_sql(model, f))]
        case r.Nested(csv=True):
            relation = model._meta.get_field(f.relation)
            keys = tuple(n.name for n in f.fields)
            return [
                Column(
                    f.name,
                    "JSON array of {" + ", ".join(keys) + "}.",
                    _json_objects(
                        relation.related_model, relation.field.name, keys, f.order
                    ),
                )
            ]
        case r.Spans():
            doc = f'{f.doc.removesuffix(".")}, as "start-end" pieces joined by ";".'
            value = _joined(
                QuoteSpan,
                "quote",
                _concat("start", Value("-"), "end"),
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


@dataclass(frozen=True)
class ExportResource:
    """What one resource's export holds and how its rows are built, derived from
    its declaration (statements.resources)."""

    resource: r.Resource

    @property
    def name(self) -> str:
        return self.resource.route

    @property
    def model(self) -> type[Model]:
        return self.resource.model

    @property
    def singular(self) -> str:
        return self.resource.singular

    @cached_property
    def columns(self) -> tuple[Column, ...]:
        return csv_columns(self.resource)

    @cached_property
    def fields(self) -> tuple[Field, ...]:
        return ndjson_fields(self.resource)

    @property
    def left_out(self) -> tuple[str, ...]:
        return self.resource.left_out

    @property
    def added(self) -> tuple[str, ...]:
        return self.resource.added

    def rows(self, queryset: QuerySet, *, base_url: str = "", chunk_size=None):
        return _rows(
            queryset,
            kind=self.resource.kind,
            base_url=base_url,
            chunk_size=chunk_size or self.resource.export_chunk_size,
        )

    def csv_annotate(self, queryset: QuerySet) -> QuerySet:
        """What the columns' SQL reads besides the model's fields (counts, days)."""
        fields = self.resource.export_fields()
        if any(isinstance(f, r.Count) for f in fields):
            queryset = with_counts(queryset)
        if any(isinstance(f, r.RoleOfTheDay) for f in fields):
            queryset = with_quote_context(queryset)
        return queryset

    @property
    def differences(self) -> str:
        if not (self.left_out or self.added):
            return "none."
        parts = []
        if self.left_out:
            parts.append("leaves out " + ", ".join(f"`{k}`" for k in self.left_out))
        if self.added:
            parts.append("adds " + ", ".join(f"`{k}`" for k in self.added))
        note = self.resource.export_note
        return "; ".join(parts) + (f". {note}" if note else ".")


RESOURCES = {resource.route: ExportResource(resource) for resource in r.RESOURCES}


# --- Encodings ----------------------------------------------------------------------


def csv_chunks(
    resource: ExportResource, queryset: QuerySet, *, base_url: str = ""
) -> Iterator[bytes]:
    """The CSV file of `queryset`: a header row, then PostgreSQL's COPY of the rows.

    PostgreSQL writes every cell (the columns' SQL) and the CSV quoting itself,
    so no row becomes a Python object: the rows stream at the speed of COPY. Lines
    end with LF; a cell holding a line break, a comma or a quote is quoted, an
    empty cell is a null. Run it inside export_transaction(). Returns (as the
    generator's value) the number of rows written.
    """
    if queryset.query.distinct:
        # DISTINCT would add the ORDER BY columns to the rows (see filter_once).
        raise ValueError("A CSV export's queryset must not be DISTINCT.")
    url = _Urls(base_url)
    rows = resource.csv_annotate(queryset).values_list(
        *(column.expression(url) for column in resource.columns)
    )
    sql, params = rows.query.sql_with_params()
    copy_sql = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)"
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow(c.name for c in resource.columns)
    yield header.getvalue().encode()
    return (yield from copy_to_stdout(copy_sql, params))


def copy_to_stdout(copy_sql: str, params) -> Iterator[bytes]:
    """Stream `COPY (...) TO STDOUT` in pieces of about COPY_CHUNK_BYTES.

    `copy_sql` holds %s placeholders for `params` (a sequence or a mapping), as
    for cursor.execute(). Returns (as the generator's value) the rows copied.
    """
    with connection.cursor() as cursor:
        # Logged like any query when queries are (DEBUG, tests).
        logged = (
            cursor.debug_sql(copy_sql, params)
            if isinstance(cursor, CursorDebugWrapper)
            else nullcontext()
        )
        # psycopg merges parameters into a COPY itself, but only when there are
        # some: without, the %% of Django's SQL is unescaped here.
        statement = copy_sql if params else copy_sql % ()
        with logged, cursor.cursor.copy(statement, params or None) as copy:
            buffer = bytearray()
            for block in copy:
                buffer += block
                if len(buffer) >= COPY_CHUNK_BYTES:
                    yield bytes(buffer)
                    buffer.clear()
            if buffer:
                yield bytes(buffer)
        return cursor.cursor.rowcount


_NDJSON_OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_APPEND_NEWLINE


def ndjson_encode(records: list[Record]) -> bytes:
    """One JSON object per line: dates and times in ISO 8601, UTC as Z."""
    # orjson's result for one record is a much larger allocation than its
    # length: append each to one buffer at once rather than keep 2,000 of them.
    buffer = bytearray()
    for record in records:
        buffer += orjson.dumps(record, option=_NDJSON_OPTIONS)
    return bytes(buffer)


def ndjson_chunks(
    resource: ExportResource, queryset: QuerySet, *, base_url: str = ""
) -> Iterator[bytes]:
    """The NDJSON file of `queryset`, a chunk of records at a time.

    Run it inside export_transaction(). Returns (as the generator's value) the
    number of records written.
    """
    written = 0
    for records in resource.rows(queryset, base_url=base_url):
        data = ndjson_encode(records)
        written += len(records)
        # Neither the rows nor the bytes of this chunk stay alive while the
        # next chunk is read.
        del records
        yield data
        del data
    return written


@dataclass(frozen=True)
class ExportFormat:
    """A file format of the exports, and what writes it."""

    name: str
    content_type: str
    chunks: Callable[..., Iterator[bytes]]


FORMATS = {
    "csv": ExportFormat("csv", "text/csv; charset=utf-8", csv_chunks),
    "ndjson": ExportFormat("ndjson", "application/x-ndjson", ndjson_chunks),
}


def export_stream(
    resource: ExportResource,
    export_format: ExportFormat,
    queryset: QuerySet,
    *,
    base_url: str = "",
) -> Iterator[bytes]:
    """The bytes of an export, a piece at a time, read in one transaction."""
    with export_transaction():
        yield from export_format.chunks(resource, queryset, base_url=base_url)


def columns_markdown(resource: ExportResource) -> str:
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
