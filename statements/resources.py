"""The resources of the API, each declared once.

Declarations compare and hash by identity (eq=False): each is one object, and
the representations cache what they derive from it.

A resource is a model with a public name and a shape: the keys of its JSON, in
order, each a field below. Everything that shows a resource is derived from
these declarations: the JSON built from `.values()` rows
(statements.representations), the OpenAPI components (statements.api.serializers),
the `?fields=` and `?expand=` allowlists, the CSV and NDJSON exports and their
documentation (statements.exports), the routes, the API root, the search
sources and the change feed's dependency graph (statements.changefeed).

Every resource's JSON is `slug`, `url`, its `fields`, `created_at`, `updated_at`,
then (detail only) its `detail` fields; a CSV row is `slug`, the fields' columns,
the detail fields' columns, `created_at`, `updated_at`, `url`.

This module is domain: it imports only the models, never `statements.api`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.db import models as django_models

from statements.models import (
    Event,
    Organization,
    Quote,
    Speaker,
    StakeholderGroup,
    Statement,
    Theme,
)

# --- Fields -----------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, eq=False)
class Field:
    """A key of a resource's JSON.

    `doc` says what it holds (the exports' documentation); `export` is False for
    a key that an NDJSON record leaves out.
    """

    name: str
    doc: str = ""
    export: bool = True


@dataclass(frozen=True, kw_only=True, eq=False)
class Value(Field):
    """A value of the row: a model field, or an annotation when `type` is given.

    `source` is the `.values()` path (default: the name). `type` ("date" or
    "integer") declares an annotation's JSON and schema type; a model field's
    type comes from the model. `csv_doc` documents the CSV column where it says
    more than `doc` (None: the same), `csv=False` leaves the column out.
    """

    source: str | None = None
    type: str | None = None
    null: bool = False
    csv: bool = True
    csv_doc: str | None = None

    @property
    def path(self) -> str:
        return self.source or self.name


@dataclass(frozen=True, kw_only=True, eq=False)
class Alterations(Value):
    """A quote's editorial alterations: a list of {kind, start, end, delivered}
    (a JSON column, validated by statements.models.quote_alteration_problems)."""

    name: str = "alterations"


@dataclass(frozen=True, kw_only=True, eq=False)
class Count(Value):
    """A count annotation (statements.selectors.with_counts)."""

    type: str = "integer"


@dataclass(frozen=True, kw_only=True, eq=False)
class Csv:
    """An extra CSV column of a link: `path` relative to the linked row."""

    name: str
    path: str
    doc: str


@dataclass(frozen=True, kw_only=True, eq=False)
class Link(Field):
    """A to-one relation, shown brief (slug, name or title, url).

    `expandable`: `?expand=<name>` shows the whole target instead. The CSV has
    a `<name>_<key>` column for each of `csv_keys` (default: slug and label),
    then the `csv_more` columns.
    """

    target: str
    source: str | None = None
    null: bool = False
    expandable: bool = False
    csv_keys: tuple[str, ...] | None = None
    csv_more: tuple[Csv, ...] = ()

    @property
    def path(self) -> str:
        return self.source or self.name


@dataclass(frozen=True, kw_only=True, eq=False)
class Links(Field):
    """A to-many relation, shown as a list of briefs in `order` of the targets.

    Either a many-to-many field of the model (`through` = its name) or the
    targets whose foreign key `reverse` points at the row (a tree's children).
    `role` names a column of the link table shown beside each brief. The CSV
    column joins the targets' slugs (`slug:role` with a role).
    """

    target: str
    through: str | None = None
    reverse: str | None = None
    role: str | None = None
    order: tuple[str, ...] = ("name", "id")
    expandable: bool = False


@dataclass(frozen=True, kw_only=True, eq=False)
class Nested(Field):
    """Rows of a related model listed inside the resource, each with `fields`.

    `relation` is the reverse accessor on the model (e.g. a speaker's `roles`).
    When `resource` names the rows' own resource, each also has its slug and
    url. `component` names the OpenAPI component of one row. The CSV column
    (when `csv` is True) is a JSON array of the rows' scalar values.
    """

    relation: str
    fields: tuple[Field, ...]
    order: tuple[str, ...]
    component: str
    component_doc: str = ""
    resource: str | None = None
    csv: bool = False


@dataclass(frozen=True, kw_only=True, eq=False)
class Embedded(Field):
    """An object of the columns `keys` of a to-one target (`via`), e.g. the
    source of a quote (`paths` reaches a key further, e.g. the publisher's name).
    The link of `via` carries its CSV columns."""

    via: str
    keys: tuple[str, ...]
    component: str
    # (key, path from the target) where a key is not a column of the target.
    paths: tuple[tuple[str, str], ...] = ()

    def path(self, key: str) -> str:
        """The `.values()` path of `key`, from the row."""
        return f"{self.via}__{dict(self.paths).get(key, key)}"


@dataclass(frozen=True, kw_only=True, eq=False)
class Author(Field):
    """Who wrote a statement: one of two to-one links (`choices`: the author
    type and its foreign key, in order), shown as {type, slug, name, url} of
    the one that is set, or null when neither is. The CSV has `author_type`,
    `author_slug` and `author_name`."""

    name: str = "author"
    choices: tuple[tuple[str, str], ...] = (
        ("speaker", "author_speaker"),
        ("organization", "author_organization"),
    )


@dataclass(frozen=True, kw_only=True, eq=False)
class Spans(Field):
    """A quote's [start, end) spans in order, as {start, end} objects."""

    name: str = "spans"


@dataclass(frozen=True, kw_only=True, eq=False)
class RoleOfTheDay(Field):
    """The speaker's role on the day of a quote, {title, organization} or null
    (statements.selectors.with_quote_context)."""

    name: str = "speaker_role"


@dataclass(frozen=True, kw_only=True, eq=False)
class Citation(Field):
    """A ready citation of a quote (statements.models.format_citation)."""

    name: str = "citation"
    export: bool = False


@dataclass(frozen=True, kw_only=True, eq=False)
class Paragraphs(Field):
    """The paragraphs of the text: {index, start, end} offsets."""

    name: str = "paragraphs"
    export: bool = False


@dataclass(frozen=True, kw_only=True, eq=False)
class Highlight(Field):
    """A search snippet of `source` for `?q=`: HTML with <mark>; null without."""

    name: str = "highlight"
    source: str = "text"
    export: bool = False


@dataclass(frozen=True, kw_only=True, eq=False)
class Licenses(Field):
    """The licences a record is under: `data`, the project's own (what it adds:
    fields, spans, themes, roles, notes; settings.DATA_LICENSE), and `text`, the
    source document's, read from the statement at `text` (a `.values()` path
    prefix: "" for the statement itself); null without a source text.

    Left out of the exports, whose manifest and documentation state both."""

    name: str = "licenses"
    text: str | None = None
    export: bool = False

    @property
    def text_columns(self) -> tuple[str, str] | None:
        if self.text is None:
            return None
        return (f"{self.text}license", f"{self.text}license_url")


# Records per chunk of an NDJSON export, unless a resource says otherwise.
EXPORT_CHUNK_SIZE = 1000

# --- Resources --------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, eq=False)
class Search:
    """How `/search/` finds a resource: the hit's title column, the text searched
    (`vector`: the record's search document, statements.search, when None) and
    the snippet's."""

    title: str
    headline: str
    vector: tuple[str, ...] | None = None


@dataclass(frozen=True, kw_only=True, eq=False)
class Resource:
    """One resource of the API.

    `kind` is the one spelling of its name: the type in the change feed and the
    search, the URL names (`<kind>-list`, `<kind>-detail`); the route and the
    API root's key are its plural.
    """

    kind: str
    model: type[django_models.Model]
    fields: tuple[Field, ...]
    detail: tuple[Field, ...] = ()
    label: str = "name"
    doc: str = ""
    detail_doc: str = ""
    search: Search
    export_chunk_size: int = EXPORT_CHUNK_SIZE
    export_note: str = ""
    # Editors create, change and delete its records through the API
    # (statements.api.writes, statements.services.save_record).
    writable: bool = False

    @property
    def plural(self) -> str:
        return f"{self.kind}s"

    @property
    def route(self) -> str:
        """The URL segment: plural, kebab-case (`stakeholder-groups`)."""
        return self.plural.replace("_", "-")

    @property
    def detail_view(self) -> str:
        return f"{self.kind}-detail"

    @property
    def list_view(self) -> str:
        return f"{self.kind}-list"

    @property
    def singular(self) -> str:
        return str(self.model._meta.verbose_name)

    @cached_property
    def expandable(self) -> tuple[str, ...]:
        """The names `?expand=` accepts, in the order of the JSON."""
        return tuple(
            f.name
            for f in (*self.fields, *self.detail)
            if isinstance(f, Link | Links) and f.expandable
        )

    def field_names(self, *, detail: bool = False) -> tuple[str, ...]:
        """The keys of the JSON, in order: the names `?fields=` accepts."""
        names = ["slug", "url", *(f.name for f in self.fields)]
        names += ["created_at", "updated_at"]
        if detail:
            names += [f.name for f in self.detail]
        return tuple(names)

    def export_fields(self) -> tuple[Field, ...]:
        """The fields of an NDJSON record besides slug, url and the timestamps:
        the list's, and the detail fields marked for export, less the others."""
        return tuple(f for f in (*self.fields, *self.detail) if f.export)

    @property
    def left_out(self) -> tuple[str, ...]:
        """Keys of the list item an NDJSON record leaves out."""
        return tuple(f.name for f in self.fields if not f.export)

    @property
    def added(self) -> tuple[str, ...]:
        """Keys an NDJSON record has that the list item has not (detail keys)."""
        return tuple(f.name for f in self.detail if f.export)


_WHEN_NULL = "; null when unknown."
_LICENSES_DOC = (
    "The licences of the record: `data`, of what this project adds (its fields, "
    "spans, themes, stakeholder roles, notes), and `text`, of the source "
    "document's words"
)
DATA_ONLY = Licenses(doc=_LICENSES_DOC + " (null: it shows none).")
_CERTAINTY = "certain, probable or unknown: how sure the sources make "
LINKED_COUNTS = (
    Count(name="quote_count", doc="Number of quotes linked to it."),
    Count(name="statement_count", doc="Number of statements linked to it."),
)


def _tree_counts(node: str, below: str) -> tuple[Count, ...]:
    """The counts of a theme or an event: with its descendants, as the filters
    ?theme= and ?event= of quotes and statements count them, and of the node
    alone."""
    return (
        Count(
            name="quote_count",
            doc=f"Number of quotes linked to it or to {below}: the count of "
            f"/quotes/?{node}=<slug> and of the {node}'s facet.",
        ),
        Count(
            name="quote_count_direct",
            doc=f"Number of quotes linked to it, not counting {below}.",
        ),
        Count(
            name="statement_count",
            doc=f"Number of statements linked to it or to {below}: the count of "
            f"/statements/?{node}=<slug>.",
        ),
        Count(
            name="statement_count_direct",
            doc=f"Number of statements linked to it, not counting {below}.",
        ),
    )


_NAME_AND_DESCRIPTION = Search(
    title="name", headline="description", vector=("name", "description")
)

ORGANIZATION = Resource(
    writable=True,
    kind="organization",
    model=Organization,
    doc="An organization (Popolo Organization): a publisher, a government, a "
    "department, a host of events.",
    fields=(
        Value(name="name", doc="Name."),
        Value(
            name="classification",
            doc="government, government_department, news_media, ...",
        ),
        Value(name="description", doc="A short public description."),
        Value(name="wikidata_id", doc="Wikidata id (Q…)" + _WHEN_NULL),
        Value(
            name="wikidata_certainty",
            doc="How sure the Wikidata id is: certain or probable; null without an id.",
        ),
        Link(name="parent", target="organization", null=True, csv_keys=("slug",)),
        Links(
            name="children",
            target="organization",
            reverse="parent",
            doc="Organizations that are part of it.",
        ),
        DATA_ONLY,
    ),
    search=_NAME_AND_DESCRIPTION,
)

SPEAKER = Resource(
    writable=True,
    kind="speaker",
    model=Speaker,
    fields=(
        Value(name="name", doc="Display name."),
        Value(name="sort_name", doc="Name to sort by."),
        Value(name="given_name", doc="Given name."),
        Value(name="family_name", doc="Family name."),
        Value(name="other_names", doc="Other names."),
        Value(name="biography", doc="Short biography."),
        Value(name="wikidata_id", doc="Wikidata id (Q…)" + _WHEN_NULL),
        Nested(
            name="roles",
            relation="roles",
            order=("start_date", "id"),
            component="SpeakerRole",
            fields=(
                Value(name="title"),
                Link(name="organization", target="organization"),
                Value(name="start_date"),
                Value(name="end_date"),
                Value(name="end_date_certainty"),
                Value(name="source_url"),
                Value(name="note"),
            ),
            csv=True,
            doc="The offices held: title, organization (a brief link), start "
            "and end dates, end_date_certainty, source_url, note.",
        ),
        Count(name="quote_count", doc="Number of quotes linked to it."),
        Count(
            name="statement_count",
            doc="Number of statements that quote it (not those it wrote: see the "
            "statements' author filter).",
        ),
        DATA_ONLY,
    ),
    search=Search(title="name", headline="biography", vector=("name", "biography")),
)

EVENT = Resource(
    writable=True,
    kind="event",
    model=Event,
    fields=(
        Value(name="name", doc="Name."),
        Value(name="kind", doc="conference, session, reception, ..."),
        Value(name="description", doc="Description."),
        Value(
            name="certainty",
            doc=_CERTAINTY + "the record (its name, date and place).",
        ),
        Value(name="certainty_note", doc="Why the record is less than certain."),
        Value(name="attendance", doc="Who attended, as far as the sources say."),
        Value(name="attendance_certainty", doc=_CERTAINTY + "the attendance."),
        Value(name="start_date", doc="YYYY-MM-DD" + _WHEN_NULL),
        Value(name="end_date", doc="YYYY-MM-DD" + _WHEN_NULL),
        Value(name="venue", doc="Venue" + _WHEN_NULL),
        Value(name="city", doc="City" + _WHEN_NULL),
        Value(name="country", doc="ISO 3166-1 alpha-2 code" + _WHEN_NULL),
        Links(
            name="hosts",
            target="organization",
            through="hosts",
            role="role",
            doc="The organizations that hosted it, each with its role (host or "
            "co_host).",
        ),
        Value(name="source_urls", doc="Sources."),
        Link(name="parent", target="event", null=True, csv_keys=("slug",)),
        Links(
            name="children",
            target="event",
            reverse="parent",
            order=("start_date", "id"),
            doc="Sub-events.",
        ),
        *_tree_counts("event", "any of its sub-events (at any depth)"),
        DATA_ONLY,
    ),
    search=_NAME_AND_DESCRIPTION,
)

THEME = Resource(
    writable=True,
    kind="theme",
    model=Theme,
    fields=(
        Value(name="name", doc="Name."),
        Value(name="description", doc="Description."),
        Link(name="parent", target="theme", null=True, csv_keys=("slug",)),
        Links(name="children", target="theme", reverse="parent", doc="Child themes."),
        *_tree_counts("theme", "any theme below it"),
        DATA_ONLY,
    ),
    search=_NAME_AND_DESCRIPTION,
)

STAKEHOLDER_GROUP = Resource(
    writable=True,
    kind="stakeholder_group",
    model=StakeholderGroup,
    fields=(
        Value(name="name", doc="Name."),
        Value(name="category", doc="government, civil_society, private_sector, ..."),
        Value(name="description", doc="Description."),
        *LINKED_COUNTS,
        DATA_ONLY,
    ),
    search=_NAME_AND_DESCRIPTION,
)

STATEMENT = Resource(
    writable=True,
    kind="statement",
    model=Statement,
    label="title",
    doc="A statement in a list: everything but its text.",
    detail_doc="A statement with its verbatim text, paragraphs and anchored quotes.",
    fields=(
        Value(name="title", doc="Title of the document."),
        Value(name="title_certainty", doc=_CERTAINTY + "the title."),
        Value(name="title_note", doc="Where the title comes from, if not certain."),
        Value(name="kind", doc="editorial, article, transcript, press_release, ..."),
        Author(
            doc="Who wrote it: {type, slug, name, url}, type speaker (a person) or "
            "organization; null when unknown. Not the speaker of its quotes."
        ),
        Link(
            name="publisher",
            target="organization",
            null=True,
            expandable=True,
            doc="The organization that published it" + _WHEN_NULL,
        ),
        Value(name="source_url", doc="Where it was published."),
        Value(name="published_on", doc="YYYY-MM-DD" + _WHEN_NULL),
        Value(name="language", doc="BCP 47 language tag."),
        Value(name="license", doc="Licence of the document."),
        Value(name="license_url", doc="URL of the licence."),
        Value(name="text_sha256", doc="SHA-256 of the UTF-8 text, to check a copy."),
        Link(name="event", target="event", null=True, expandable=True),
        Links(name="themes", target="theme", through="themes", expandable=True),
        Links(
            name="stakeholder_groups",
            target="stakeholder_group",
            through="stakeholder_groups",
            expandable=True,
        ),
        Count(name="quote_count", doc="Number of quotes taken from it."),
        Licenses(text="", doc=_LICENSES_DOC + " (its text: `license`, `license_url`)."),
        Highlight(),
    ),
    detail=(
        Value(name="provenance_note", doc="How the text was obtained."),
        Value(name="text", doc="The verbatim text; quote spans are offsets into it."),
        Paragraphs(),
        Nested(
            name="quotes",
            relation="quotes",
            resource="quote",
            order=("id",),
            component="StatementQuote",
            component_doc="A quote inside its statement: enough to highlight it "
            "in place.",
            fields=(
                Value(name="fidelity"),
                Value(name="text"),
                Link(name="speaker", target="speaker"),
                Spans(),
            ),
            export=False,
        ),
    ),
    search=Search(title="title", headline="text"),
    export_chunk_size=250,
    export_note="The text is the point of a data set (the detail endpoint has it "
    "too); paragraphs and anchored quotes are left out, see the quotes export.",
)

QUOTE = Resource(
    writable=True,
    kind="quote",
    model=Quote,
    fields=(
        Value(
            name="text",
            doc="The words.",
            csv_doc="The words; for direct and reported quotes, exactly what the "
            "spans read.",
        ),
        Value(name="fidelity", doc="direct, reported or paraphrase."),
        Spans(
            doc="Where the quote sits in its statement's text: code-point offsets "
            "[start, end).",
        ),
        Alterations(
            doc="The editorial alterations in the text (ellipsis, insertion, sic, "
            "emphasis), in order: {kind, start, end, delivered}, code-point offsets "
            "[start, end) into the quote's text; delivered is what the speaker "
            "said there, null when unknown.",
            csv_doc="The editorial alterations in the text: a JSON array of "
            "{kind, start, end, delivered} (code-point offsets into the text).",
        ),
        Value(
            name="position",
            doc="The quote's order in its statement (1 for the first)" + _WHEN_NULL,
        ),
        Value(
            name="attribution_text",
            doc="The words of attribution as printed, e.g. 'said Secretary "
            "Blinken'; null when the statement has none beside the quote.",
        ),
        Value(
            name="attribution_start",
            doc="Where the attribution starts in the statement's text (code "
            "points); null without one.",
        ),
        Value(
            name="attribution_end",
            doc="Where the attribution ends in the statement's text (code point "
            "after its last); null without one.",
        ),
        Link(name="speaker", target="speaker", expandable=True),
        RoleOfTheDay(
            doc="The speaker's role when the words were said (or published)"
            + _WHEN_NULL
        ),
        Link(
            name="statement",
            target="statement",
            expandable=True,
            csv_more=(
                Csv(
                    name="statement_title_certainty",
                    path="title_certainty",
                    doc=_CERTAINTY + "the statement's title.",
                ),
            )
            + tuple(
                Csv(name=name, path=path, doc=doc)
                for name, path, doc in (
                    (
                        "publisher",
                        "publisher__name",
                        "Name of the organization that published the statement.",
                    ),
                    ("source_url", "source_url", "Where the statement was published."),
                    (
                        "published_on",
                        "published_on",
                        "When it was published (YYYY-MM-DD).",
                    ),
                    ("language", "language", "BCP 47 language tag of the statement."),
                    (
                        "license",
                        "license",
                        "Licence of the statement the quote is taken from.",
                    ),
                    ("license_url", "license_url", "URL of that licence."),
                )
            ),
        ),
        Link(name="event", target="event", null=True, expandable=True),
        Value(name="event_certainty", doc=_CERTAINTY + "the event."),
        Value(name="event_note", doc="Why the event is less than certain."),
        Value(
            name="said_on", doc="When the words were said (YYYY-MM-DD), if recorded."
        ),
        Value(name="said_on_certainty", doc=_CERTAINTY + "said_on, when given."),
        Value(
            name="date",
            source="quote_day",
            type="date",
            null=True,
            doc="said_on, or the event's date when the event lasted one day"
            + _WHEN_NULL,
        ),
        Value(
            name="date_certainty",
            source="day_certainty",
            type="certainty",
            null=True,
            doc=_CERTAINTY + "the date (said_on's, or the event's when the date "
            "is the event's day)" + _WHEN_NULL,
        ),
        Value(
            name="date_from",
            source="range_from",
            type="date",
            null=True,
            doc="First day it may have been said (YYYY-MM-DD): said_on when "
            "recorded, else the start of its event (or of the event's parent when "
            "the event has no dates)" + _WHEN_NULL,
        ),
        Value(
            name="date_to",
            source="range_to",
            type="date",
            null=True,
            doc="Last day it may have been said (YYYY-MM-DD): said_on when "
            "recorded, else the end of the event that gives date_from (its start "
            "when the end is unknown)" + _WHEN_NULL,
        ),
        Value(name="as_delivered", doc="The words as delivered, when they differ."),
        Value(
            name="as_delivered_source_url",
            doc="Where the as-delivered words come from.",
        ),
        Links(name="themes", target="theme", through="themes", expandable=True),
        Links(
            name="stakeholder_groups",
            target="stakeholder_group",
            through="stakeholder_groups",
            role="role",
            doc="The groups addressed or concerned, each with its role.",
        ),
        Embedded(
            name="source",
            via="statement",
            keys=(
                "title",
                "title_certainty",
                "publisher",
                "source_url",
                "published_on",
                "language",
                "license",
                "license_url",
            ),
            paths=(("publisher", "publisher__name"),),
            component="QuoteSource",
            doc="What it takes to cite the document a quote appears in; "
            "`publisher` is the publishing organization's name.",
        ),
        Citation(),
        Value(name="provenance_note", doc="How the quote was established."),
        Licenses(
            text="statement__",
            doc=_LICENSES_DOC + " (its statement's: `source.license`).",
        ),
        Highlight(),
    ),
    search=Search(title="text", headline="text"),
    export_note="A highlight belongs to a search result; build a citation from "
    "`source` and `speaker_role`, or GET the quote for its `citation`.",
)

# In this order everywhere: the API root, the exports, and the search's ties.
RESOURCES: tuple[Resource, ...] = (
    QUOTE,
    STATEMENT,
    SPEAKER,
    EVENT,
    THEME,
    STAKEHOLDER_GROUP,
    ORGANIZATION,
)
BY_KIND: dict[str, Resource] = {resource.kind: resource for resource in RESOURCES}
BY_MODEL: dict[type, Resource] = {resource.model: resource for resource in RESOURCES}
