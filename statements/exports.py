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
from django.db import transaction
from django.db.backends.utils import CursorDebugWrapper
from django.db.models import (
    Model,
    QuerySet,
    Value,
)
from django.db.models.expressions import Expression
from django.urls import reverse

from statements import db
from statements import resources as r
from statements.export_columns import (
    Column,
    Field,
    concat,
    csv_columns,
    formula_safe,
    ndjson_fields,
)
from statements.representations import QUOTE_CONTEXT, Representer, columns
from statements.selectors import with_counts, with_quote_context

CHUNK_SIZE = r.EXPORT_CHUNK_SIZE
# COPY hands over a row at a time: the CSV is sent in pieces of about this size.
COPY_CHUNK_BYTES = 64 * 1024

Record = dict[str, object]


@contextmanager
def export_transaction():
    """One transaction for a whole export, so its server-side cursor is cheap.

    Outside any other transaction it is also REPEATABLE READ and READ ONLY: the main
    query and the per-chunk queries then all see the same snapshot of the data.
    """
    connection = db.reader()
    outermost = not connection.in_atomic_block
    # Nothing is written, so a savepoint inside another transaction buys nothing.
    with transaction.atomic(using=connection.alias, savepoint=False):
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
        return concat(Value(prefix), "slug", Value(suffix))


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
        # The same rule as the representations: the columns name what to annotate.
        if set(columns(fields)) & set(QUOTE_CONTEXT):
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
    empty cell is a null. A text cell starting with one of FORMULA_TRIGGERS gets
    a leading single quote, so that spreadsheets show it rather than run it.
    Run it inside export_transaction(). Returns (as the generator's value) the
    number of rows written.
    """
    if queryset.query.distinct:
        # DISTINCT would add the ORDER BY columns to the rows (see filter_once).
        raise ValueError("A CSV export's queryset must not be DISTINCT.")
    url = _Urls(base_url)
    queryset = resource.csv_annotate(queryset)
    # Text cells are neutralised against spreadsheet formulas here, in the SQL.
    rows = queryset.values_list(
        *(
            formula_safe(column.expression(url), queryset.query)
            for column in resource.columns
        )
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
    with db.reader().cursor() as cursor:
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
    using: str | None = None,
) -> Iterator[bytes]:
    """The bytes of an export, a piece at a time, read in one transaction (on the
    database `using`, by default the one the caller reads: statements.db)."""
    with db.read_from(using or db.read_alias()), export_transaction():
        yield from export_format.chunks(resource, queryset, base_url=base_url)
