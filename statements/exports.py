"""Bulk exports: every resource as CSV (written by PostgreSQL) and NDJSON.

Each resource has one definition of its CSV columns (SQL, which COPY writes)
and of its NDJSON fields (keys of the list API's items, which the API's own
Representer builds, a chunk of ids at a time: an NDJSON record is a list item
but for the documented differences). The HTTP exports (statements.api.exports),
`manage.py export_snapshot`, the OpenAPI descriptions and docs/exports.md all
read these definitions, so they cannot drift.

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
from itertools import islice

import orjson
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.aggregates.mixins import OrderableAggMixin
from django.db import connection, transaction
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

from statements.api.representations import Representer
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
)
from statements.selectors import with_counts, with_quote_context

CHUNK_SIZE = 1000
# COPY hands over a row at a time: the CSV is sent in pieces of about this size.
COPY_CHUNK_BYTES = 64 * 1024
# Statements carry their full text: fewer per chunk keeps a chunk's memory similar.
STATEMENT_CHUNK_SIZE = 250
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


def _representer_rows(
    kind: str, default_chunk_size: int = CHUNK_SIZE, **options
) -> Callable[..., Iterator[list[Record]]]:
    """The row function of a resource: chunks of the list API's items, in the
    queryset's order, built by the API's Representer from a chunk of ids at a time.

    Never two chunks are alive at once, so that the peak memory is that of one
    chunk however many there are.
    """

    def rows(
        queryset: QuerySet,
        *,
        base_url: str = "",
        chunk_size: int = default_chunk_size,
    ) -> Iterator[list[Record]]:
        origin = _Urls(base_url)
        ids = queryset.values_list("pk", flat=True).iterator(chunk_size=chunk_size)
        while chunk := list(islice(ids, chunk_size)):
            records = Representer(origin).build(kind, chunk, **options)
            del chunk
            yield records
            del records

    return rows


# --- Columns and fields: the one definition of each export's shape ----------------
#
# A CSV column's value is SQL: a field path or a Django expression, evaluated by
# PostgreSQL, which writes the file with COPY (see csv_chunks). An NDJSON field is
# a key of the list API's items (the row functions above).


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


def _field_from(column: Column) -> Field:
    """The NDJSON field of a scalar CSV column: a null where the CSV is empty."""
    description = column.description.replace("; empty when", "; null when")
    return Field(column.name, description)


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


def _url(view_name: str) -> Callable[["_Urls"], Expression]:
    return lambda url: url.expression(view_name)


def _col(name, description, value=None):
    return Column(name, description, value or name)


def _created():
    return Column("created_at", _CREATED, _IsoUtc("created_at"))


def _updated():
    return Column("updated_at", _UPDATED, _IsoUtc("updated_at"))


_CREATED = "When the record was created (ISO 8601, UTC)."
_UPDATED = "When the record last changed (ISO 8601, UTC)."
_QUOTE_COUNT = "Number of quotes linked to it."
_STATEMENT_COUNT = "Number of statements linked to it."
_LIST_NOTE = (
    f"joined by {LIST_SEPARATOR!r}; values are not escaped, so use NDJSON when a "
    f"value may contain {LIST_SEPARATOR!r}"
)

QUOTE_COLUMNS = (
    _col("slug", "The quote's slug, its stable public id."),
    _col(
        "text",
        "The words; for direct and reported quotes, exactly what the spans read.",
    ),
    _col("fidelity", "direct, reported or paraphrase."),
    Column(
        "spans",
        "Where the quote sits in its statement's text: code-point offsets "
        '[start, end), as "start-end" pieces joined by ";".',
        _joined(
            QuoteSpan,
            "quote",
            _concat("start", Value("-"), "end"),
            "position",
            separator=SPAN_LIST_SEPARATOR,
        ),
    ),
    _col("speaker_slug", "The speaker's slug.", "speaker__slug"),
    _col("speaker_name", "The speaker's name.", "speaker__name"),
    _col(
        "speaker_role_title",
        "The speaker's role when the words were said (or published); empty when "
        "unknown.",
        "role_title",
    ),
    _col(
        "speaker_role_organization",
        "The organisation of that role.",
        "role_organization",
    ),
    _col("statement_slug", "The statement's slug.", "statement__slug"),
    _col("statement_title", "The statement's title.", "statement__title"),
    _col("publisher", "Who published the statement.", "statement__publisher"),
    _col("source_url", "Where the statement was published.", "statement__source_url"),
    _col(
        "published_on",
        "When the statement was published (YYYY-MM-DD); empty when unknown.",
        _iso_date("statement__published_on"),
    ),
    _col("language", "BCP 47 language tag of the statement.", "statement__language"),
    _col(
        "license",
        "Licence of the statement (the source document) the quote is taken from.",
        "statement__license",
    ),
    _col("license_url", "URL of that licence.", "statement__license_url"),
    _col("event_slug", "The event's slug; empty when none.", "event__slug"),
    _col("event_name", "The event's name.", "event__name"),
    _col(
        "said_on",
        "When the words were said, if recorded (YYYY-MM-DD).",
        _iso_date("said_on"),
    ),
    _col(
        "date",
        "said_on, or the event's date when the event lasted one day; empty when "
        "unknown.",
        _iso_date("quote_day"),
    ),
    _col("as_delivered", "The words as delivered, when they differ from the text."),
    _col("as_delivered_source_url", "Where the as-delivered words come from."),
    Column(
        "themes",
        f"Theme slugs, joined by {LIST_SEPARATOR!r}.",
        _joined(
            Quote.themes.through, "quote", "theme__slug", ("theme__name", "theme_id")
        ),
    ),
    Column(
        "stakeholder_groups",
        f'Stakeholder groups as "slug:role", joined by {LIST_SEPARATOR!r}.',
        _joined(
            QuoteStakeholder,
            "quote",
            _concat("group__slug", Value(":"), "role"),
            ("group__name", "role", "group_id"),
        ),
    ),
    _col("provenance_note", "How the quote was established from its source."),
    _created(),
    _updated(),
    Column("url", "The quote in the API.", _url("quote-detail")),
)

QUOTE_FIELDS = (
    Field("slug", "The stable public id."),
    Field("url", "The quote in the API."),
    Field("text", "The words."),
    Field("fidelity", "direct, reported or paraphrase."),
    Field("spans", "[{start, end}]: code-point offsets into the statement text."),
    Field("speaker", "{slug, name, url}."),
    Field("speaker_role", "{title, organization} when the words were said, or null."),
    Field("statement", "{slug, title, url}."),
    Field("event", "{slug, name, url} or null."),
    Field("said_on", "YYYY-MM-DD or null."),
    Field("date", "said_on, or the date of a one-day event, or null."),
    Field("as_delivered", "The words as delivered, or null."),
    Field("as_delivered_source_url", "Their source, or null."),
    Field("themes", "[{slug, name, url}]."),
    Field("stakeholder_groups", "[{slug, name, url, role}]."),
    Field(
        "source",
        "{title, publisher, source_url, published_on, language, license, "
        "license_url} of the statement.",
    ),
    Field("provenance_note", "How the quote was established."),
    Field("created_at", _CREATED),
    Field("updated_at", _UPDATED),
)

STATEMENT_COLUMNS = (
    _col("slug", "The statement's slug, its stable public id."),
    _col("title", "Title of the document."),
    _col("kind", "editorial, article, transcript, press_release, ..."),
    _col("publisher", "Who published it."),
    _col("source_url", "Where it was published."),
    _col("published_on", "YYYY-MM-DD; empty when unknown.", _iso_date("published_on")),
    _col("language", "BCP 47 language tag."),
    _col("license", "Licence of the document."),
    _col("license_url", "URL of the licence."),
    _col("text_sha256", "SHA-256 of the UTF-8 text, to check a copy."),
    _col("speaker_slug", "The main speaker's slug.", "speaker__slug"),
    _col("speaker_name", "The main speaker's name.", "speaker__name"),
    _col("event_slug", "The event's slug.", "event__slug"),
    _col("event_name", "The event's name.", "event__name"),
    Column(
        "themes",
        f"Theme slugs, joined by {LIST_SEPARATOR!r}.",
        _joined(
            Statement.themes.through,
            "statement",
            "theme__slug",
            ("theme__name", "theme_id"),
        ),
    ),
    Column(
        "stakeholder_groups",
        f"Stakeholder group slugs, joined by {LIST_SEPARATOR!r}.",
        _joined(
            Statement.stakeholder_groups.through,
            "statement",
            "stakeholdergroup__slug",
            ("stakeholdergroup__name", "stakeholdergroup_id"),
        ),
    ),
    _col("quote_count", "Number of quotes taken from it."),
    _col("provenance_note", "How the text was obtained."),
    _col("text", "The verbatim text; quote spans are offsets into it."),
    _created(),
    _updated(),
    Column("url", "The statement in the API.", _url("statement-detail")),
)

STATEMENT_FIELDS = (
    Field("slug", "The stable public id."),
    Field("url", "The statement in the API."),
    # title ... text_sha256: the same scalars as the CSV's.
    *(_field_from(column) for column in STATEMENT_COLUMNS[1:10]),
    Field("speaker", "{slug, name, url} or null."),
    Field("event", "{slug, name, url} or null."),
    Field("themes", "[{slug, name, url}]."),
    Field("stakeholder_groups", "[{slug, name, url}]."),
    Field("quote_count", "Number of quotes taken from it."),
    Field("created_at", _CREATED),
    Field("updated_at", _UPDATED),
    Field("provenance_note", "How the text was obtained (not in the list API)."),
    Field("text", "The verbatim text (not in the list API)."),
)

SPEAKER_COLUMNS = (
    _col("slug", "The speaker's slug, its stable public id."),
    _col("name", "Display name."),
    _col("sort_name", "Name to sort by."),
    _col("given_name", "Given name."),
    _col("family_name", "Family name."),
    Column("other_names", f"Other names, {_LIST_NOTE}.", _array_joined("other_names")),
    _col("biography", "Short biography."),
    _col("wikidata_id", "Wikidata id (Q…); empty when unknown."),
    Column(
        "roles",
        "JSON array of {title, organization, start_date, end_date, source_url, note}.",
        _json_objects(
            SpeakerRole,
            "speaker",
            ("title", "organization", "start_date", "end_date", "source_url", "note"),
            ("start_date", "id"),
        ),
    ),
    _col("quote_count", _QUOTE_COUNT),
    _col("statement_count", _STATEMENT_COUNT),
    _created(),
    _updated(),
    Column("url", "The speaker in the API.", _url("speaker-detail")),
)

EVENT_COLUMNS = (
    _col("slug", "The event's slug, its stable public id."),
    _col("name", "Name."),
    _col("kind", "conference, session, reception, ..."),
    _col("description", "Description."),
    _col("start_date", "YYYY-MM-DD; empty when unknown.", _iso_date("start_date")),
    _col("end_date", "YYYY-MM-DD; empty when unknown.", _iso_date("end_date")),
    _col("venue", "Venue; empty when unknown."),
    _col("city", "City; empty when unknown."),
    _col("country", "ISO 3166-1 alpha-2 code; empty when unknown."),
    Column("hosts", f"Hosts, {_LIST_NOTE}.", _array_joined("hosts")),
    Column("source_urls", f"Sources, {_LIST_NOTE}.", _array_joined("source_urls")),
    _col("parent_slug", "The parent event's slug.", "parent__slug"),
    Column(
        "children",
        f"Sub-event slugs, joined by {LIST_SEPARATOR!r}.",
        _joined(Event, "parent", "slug", ("start_date", "id")),
    ),
    _col("quote_count", _QUOTE_COUNT),
    _col("statement_count", _STATEMENT_COUNT),
    _created(),
    _updated(),
    Column("url", "The event in the API.", _url("event-detail")),
)

THEME_COLUMNS = (
    _col("slug", "The theme's slug, its stable public id."),
    _col("name", "Name."),
    _col("description", "Description."),
    _col("parent_slug", "The parent theme's slug.", "parent__slug"),
    Column(
        "children",
        f"Child theme slugs, joined by {LIST_SEPARATOR!r}.",
        _joined(Theme, "parent", "slug", ("name", "id")),
    ),
    _col("quote_count", "Number of quotes tagged with it (not its descendants)."),
    _col("statement_count", "Number of statements tagged with it."),
    _created(),
    _updated(),
    Column("url", "The theme in the API.", _url("theme-detail")),
)

STAKEHOLDER_GROUP_COLUMNS = (
    _col("slug", "The group's slug, its stable public id."),
    _col("name", "Name."),
    _col("category", "government, civil_society, private_sector, ..."),
    _col("description", "Description."),
    _col("quote_count", _QUOTE_COUNT),
    _col("statement_count", _STATEMENT_COUNT),
    _created(),
    _updated(),
    Column("url", "The group in the API.", _url("stakeholdergroup-detail")),
)


def _fields_like_columns(columns, renamed) -> tuple[Field, ...]:
    """NDJSON fields of a resource whose record keys follow its CSV columns."""
    fields = [_field_from(columns[0]), _field_from(columns[-1])]
    for column in columns[1:-1]:
        if column.name in renamed:
            fields.append(Field(*renamed[column.name]))
        else:
            fields.append(_field_from(column))
    return tuple(fields)


SPEAKER_FIELDS = _fields_like_columns(
    SPEAKER_COLUMNS,
    {
        "other_names": ("other_names", "Array of other names."),
        "roles": ("roles", "[{title, organization, start_date, end_date, ...}]."),
    },
)
EVENT_FIELDS = _fields_like_columns(
    EVENT_COLUMNS,
    {
        "hosts": ("hosts", "Array of hosts."),
        "source_urls": ("source_urls", "Array of source URLs."),
        "parent_slug": ("parent", "{slug, name, url} or null."),
        "children": ("children", "[{slug, name, url}]."),
    },
)
THEME_FIELDS = _fields_like_columns(
    THEME_COLUMNS,
    {
        "parent_slug": ("parent", "{slug, name, url} or null."),
        "children": ("children", "[{slug, name, url}]."),
    },
)
STAKEHOLDER_GROUP_FIELDS = _fields_like_columns(STAKEHOLDER_GROUP_COLUMNS, {})


@dataclass(frozen=True)
class ExportResource:
    """What one resource's export holds and how its rows are built.

    `left_out` and `added` name the keys in which an NDJSON record differs from the
    list API's item; `note` says why.
    """

    name: str
    model: type[Model]
    rows: Callable[..., Iterator[list[Record]]]
    columns: tuple[Column, ...]
    fields: tuple[Field, ...]
    # What the columns' SQL reads besides the model's fields (counts, dates).
    csv_annotate: Callable[[QuerySet], QuerySet] = lambda queryset: queryset
    left_out: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    note: str = ""

    @property
    def singular(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def differences(self) -> str:
        if not (self.left_out or self.added):
            return "none."
        parts = []
        if self.left_out:
            parts.append("leaves out " + ", ".join(f"`{k}`" for k in self.left_out))
        if self.added:
            parts.append("adds " + ", ".join(f"`{k}`" for k in self.added))
        return "; ".join(parts) + (f". {self.note}" if self.note else ".")


RESOURCES = {
    resource.name: resource
    for resource in (
        ExportResource(
            "quotes",
            Quote,
            _representer_rows("quote"),
            QUOTE_COLUMNS,
            QUOTE_FIELDS,
            csv_annotate=with_quote_context,
            left_out=("citation", "highlight"),
            note="A highlight belongs to a search result; build a citation from "
            "`source` and `speaker_role`, or GET the quote for its `citation`.",
        ),
        ExportResource(
            "statements",
            Statement,
            _representer_rows("statement", STATEMENT_CHUNK_SIZE, with_text=True),
            STATEMENT_COLUMNS,
            STATEMENT_FIELDS,
            csv_annotate=with_counts,
            left_out=("highlight",),
            added=("provenance_note", "text"),
            note="The text is the point of a data set (the detail endpoint has it "
            "too); paragraphs and anchored quotes are left out, see the quotes "
            "export.",
        ),
        ExportResource(
            "speakers",
            Speaker,
            _representer_rows("speaker"),
            SPEAKER_COLUMNS,
            SPEAKER_FIELDS,
            csv_annotate=with_counts,
        ),
        ExportResource(
            "events",
            Event,
            _representer_rows("event"),
            EVENT_COLUMNS,
            EVENT_FIELDS,
            csv_annotate=with_counts,
        ),
        ExportResource(
            "themes",
            Theme,
            _representer_rows("theme"),
            THEME_COLUMNS,
            THEME_FIELDS,
            csv_annotate=with_counts,
        ),
        ExportResource(
            "stakeholder-groups",
            StakeholderGroup,
            _representer_rows("stakeholder_group"),
            STAKEHOLDER_GROUP_COLUMNS,
            STAKEHOLDER_GROUP_FIELDS,
            csv_annotate=with_counts,
        ),
    )
}


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
        # A list item but for the documented differences, in the fields' order.
        for record in records:
            for name in resource.left_out:
                del record[name]
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
