"""Serializers of the public API.

The resource serializers are generated from the declarations of
statements.resources and document the shapes in the OpenAPI schema only: the
JSON itself is built from `.values()` rows by statements.representations from the
same declarations. Related objects are brief (slug, name, url); `?expand=` swaps
in the full object and `?fields=` trims the top-level objects.
"""

from functools import cache

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.urls import reverse
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from statements import resources as r
from statements.api.params import (
    MAX_SEARCH_LENGTH,
    WholeNumberField,
    decode_cursor,
    search_text_problem,
    split_values,
)
from statements.choices import (
    AlterationKind,
    AuthorType,
    Certainty,
    ChangeAction,
    ResourceType,
)
from statements.models import QuoteSpan
from statements.resources import BY_KIND
from statements.selectors import SEARCH_TYPES, safe_highlight

HIGHLIGHT_HELP = (
    "HTML snippet of the text with <mark> around the matches of `q`; null without `q`."
)


def _component(serializer_class) -> str:
    return serializer_class.__name__.removesuffix("Serializer")


def _serializer(name: str, base, attrs: dict, doc: str = ""):
    return type(
        f"{name}Serializer",
        (base,),
        {"__doc__": doc or None, "__module__": __name__, **attrs},
    )


def _meta(model, names) -> type:
    """The Meta of a response-only model serializer: every field is read-only,
    so every property of the component is required (present in each object)."""
    names = list(names)
    return type(
        "Meta", (), {"model": model, "fields": names, "read_only_fields": names}
    )


def _identity(kind: str) -> dict:
    view_name = BY_KIND[kind].detail_view
    return {
        "url": serializers.HyperlinkedIdentityField(
            view_name=view_name, lookup_field="slug"
        )
    }


SHAPE_HELP = (
    "`brief` (slug, name or title, url) or `full` (the whole object, as "
    "`?expand=` returns it): tells the two forms of a related object apart."
)


def _shape(value: str) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=[(value, value)], read_only=True, help_text=SHAPE_HELP
    )


@cache
def brief_serializer(kind: str):
    """{slug, name or title, url, shape: brief} of a resource."""
    resource = BY_KIND[kind]
    meta = _meta(resource.model, ["slug", resource.label, "url", "shape"])
    return _serializer(
        f"{resource.model.__name__}Brief",
        serializers.ModelSerializer,
        {**_identity(kind), "shape": _shape("brief"), "Meta": meta},
        f"A {resource.singular} in brief; `?expand=` gives the whole object where "
        "the field allows it.",
    )


@cache
def expanded_serializer(kind: str):
    """The whole object of a resource where `?expand=` puts it: shape `full`."""
    resource = BY_KIND[kind]
    full = resource_serializer(kind)
    meta = _meta(resource.model, [*full.Meta.fields, "shape"])
    return _serializer(
        f"Expanded{resource.model.__name__}",
        full,
        {"shape": _shape("full"), "Meta": meta},
        f"A whole {resource.singular} in place of its brief (`?expand=`).",
    )


class _ExpandableField(serializers.Field):
    """A related object, brief unless `?expand=` names it (schema only)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)


def _expandable(kind: str, *, many=False, allow_null=False):
    """A field documented as one of the brief or the full object, told apart by
    their `shape` (the discriminator)."""
    brief, full = brief_serializer(kind), expanded_serializer(kind)
    name = f"{_component(brief)}Or{_component(full)}"
    field_class = extend_schema_field(
        PolymorphicProxySerializer(
            component_name=name,
            serializers={"brief": brief, "full": full},
            resource_type_field_name="shape",
            many=many,
            allow_null=allow_null,
        )
    )(type(f"Expandable{_component(full)}Field", (_ExpandableField,), {}))
    return field_class(allow_null=allow_null)


OFFSET_UNIT = (
    "Offsets count Unicode code points (as Python's str indexes), not bytes and "
    "not UTF-16 code units: JavaScript strings index UTF-16, so convert before "
    "slicing a JavaScript string (clients/typescript `codePointToUtf16`), or slice "
    "`Array.from(text)`."
)


class SpanSerializer(serializers.ModelSerializer):
    """[start, end) of a quote in its statement's text. """ + OFFSET_UNIT

    # Read and written alike: the write API takes spans in this shape.
    start = serializers.IntegerField(
        min_value=0, help_text="First code point of the span."
    )
    end = serializers.IntegerField(
        min_value=0, help_text="Code point after the span's last."
    )

    class Meta:
        model = QuoteSpan
        fields = ["start", "end"]


class AlterationSerializer(serializers.Serializer):
    (
        """An editorial alteration in a quote's text: [start, end) of the quote's
    text (not the statement's). """
        + OFFSET_UNIT
    )

    # Read and written alike: the write API takes alterations in this shape.
    kind = serializers.ChoiceField(
        choices=AlterationKind.choices,
        help_text="ellipsis (words left out), insertion (words in brackets), sic, "
        "emphasis.",
    )
    start = serializers.IntegerField(
        min_value=0, help_text="First code point of the alteration in the text."
    )
    end = serializers.IntegerField(
        min_value=0, help_text="Code point after the alteration's last."
    )
    delivered = serializers.CharField(
        allow_null=True,
        help_text="What the speaker said in its place, as delivered; null when "
        "unknown.",
    )


class ParagraphSerializer(serializers.Serializer):
    """[start, end) of a paragraph of the text. """ + OFFSET_UNIT

    index = serializers.IntegerField()
    start = serializers.IntegerField()
    end = serializers.IntegerField()


class LicenseSerializer(serializers.Serializer):
    """A licence: its name and, where there is one, the URL of its text."""

    name = serializers.CharField()
    url = serializers.URLField(allow_null=True)


class LicensesSerializer(serializers.Serializer):
    """The licences of a record: the project's annotations, the source's words."""

    data = LicenseSerializer(
        help_text="What this project adds: the record's fields, quote spans, "
        "themes, stakeholder roles, notes (DATA_LICENSE; CC BY 4.0 by default)."
    )
    text = LicenseSerializer(
        allow_null=True,
        help_text="The source document's words (a statement's text, a quote's "
        "words), as the statement names it; null on records without a source text.",
    )


class SpeakerRoleBriefSerializer(serializers.Serializer):
    title = serializers.CharField()
    organization = serializers.CharField(help_text="The organization's name.")


class AuthorSerializer(serializers.Serializer):
    """Who wrote a statement: a person (a speaker) or an organization."""

    type = serializers.ChoiceField(
        choices=AuthorType.choices,
        help_text="speaker (a person) or organization: which resource `url` is.",
    )
    slug = serializers.CharField()
    name = serializers.CharField()
    url = serializers.URLField()


def _plain_field(model_field) -> serializers.Field:
    """A schema field with the JSON type of a model field, nothing more."""
    null = {"allow_null": True} if model_field.null else {}
    if isinstance(model_field, models.URLField):
        return serializers.URLField(**null)
    if isinstance(model_field, models.DateField):
        return serializers.DateField(**null)
    if getattr(model_field, "choices", None):
        return serializers.ChoiceField(choices=model_field.choices, **null)
    return serializers.CharField(**null)


def _declared_field(model, f: r.Field):  # noqa: C901
    """The serializer field of a spec field; None where the model field serves."""
    match f:
        case r.Value(type="integer"):
            return serializers.IntegerField(read_only=True)
        case r.Value(type="date"):
            return serializers.DateField(read_only=True, allow_null=f.null)
        case r.Value(type="certainty"):
            return serializers.ChoiceField(
                choices=Certainty.choices, read_only=True, allow_null=f.null
            )
        case r.Alterations():
            return AlterationSerializer(many=True, read_only=True)
        case r.Value():
            return None
        case r.Link(expandable=True):
            return _expandable(f.target, allow_null=f.null)
        case r.Link():
            return brief_serializer(f.target)(read_only=True, allow_null=f.null)
        case r.Links(expandable=True):
            return _expandable(f.target, many=True)
        case r.Links(role=None):
            return brief_serializer(f.target)(many=True, read_only=True)
        case r.Links():
            return _role_links_serializer(model, f)(many=True, read_only=True)
        case r.Nested():
            return _nested_serializer(model, f)(many=True, read_only=True)
        case r.Embedded():
            return _embedded_serializer(model, f)(read_only=True)
        case r.Author():
            return AuthorSerializer(read_only=True, allow_null=True, help_text=f.doc)
        case r.Spans():
            return SpanSerializer(many=True, read_only=True)
        case r.RoleOfTheDay():
            return SpeakerRoleBriefSerializer(read_only=True, allow_null=True)
        case r.Citation():
            return serializers.CharField(read_only=True)
        case r.Paragraphs():
            return ParagraphSerializer(many=True, read_only=True)
        case r.Highlight():
            return serializers.CharField(
                read_only=True, allow_null=True, help_text=HIGHLIGHT_HELP
            )
        case r.Licenses():
            return LicensesSerializer(read_only=True, help_text=f.doc)
    raise TypeError(f"No schema for {f!r}")


def _declared_fields(model, fields) -> dict:
    declared = {}
    for f in fields:
        field = _declared_field(model, f)
        if field is not None:
            declared[f.name] = field
    return declared


@cache
def _role_links_serializer(model, f: r.Links):
    """{slug, name, url, role} of a link that carries a role."""
    table = model._meta.get_field(f.through).remote_field.through
    role = table._meta.get_field(f.role)
    label = BY_KIND[f.target].label
    return _serializer(
        table.__name__,
        serializers.Serializer,
        {
            "slug": serializers.CharField(),
            label: serializers.CharField(),
            "url": serializers.URLField(),
            "shape": _shape("brief"),
            f.role: serializers.ChoiceField(choices=role.choices),
        },
    )


@cache
def _nested_serializer(model, f: r.Nested):
    related = model._meta.get_field(f.relation).related_model
    identity = _identity(f.resource) if f.resource else {}
    names = [*(["slug", "url"] if f.resource else []), *(n.name for n in f.fields)]
    meta = _meta(related, names)
    return _serializer(
        f.component,
        serializers.ModelSerializer,
        {**identity, **_declared_fields(related, f.fields), "Meta": meta},
        f.component_doc,
    )


def _path_field(model, path: str):
    """The model field at the end of `path`, nullable when any hop is."""
    *hops, last = path.split("__")
    null = False
    for hop in hops:
        relation = model._meta.get_field(hop)
        null = null or relation.null
        model = relation.related_model
    field = model._meta.get_field(last)
    if null and not field.null:
        field = field.clone()
        field.null = True
    return field


@cache
def _embedded_serializer(model, f: r.Embedded):
    attrs = {key: _plain_field(_path_field(model, f.path(key))) for key in f.keys}
    return _serializer(f.component, serializers.Serializer, attrs, f.doc)


def resource_serializer(kind: str, *, detail: bool = False):
    """The schema of a resource: as listed, or (`detail`) as its detail shows it."""
    return _resource_serializer(kind, detail)


@cache
def _resource_serializer(kind: str, detail: bool):
    resource = BY_KIND[kind]
    fields = (*resource.fields, *(resource.detail if detail else ()))
    return _object_serializer(
        resource,
        resource.model.__name__ + ("Detail" if detail else ""),
        fields,
        resource.field_names(detail=detail),
        resource.detail_doc if detail else resource.doc,
    )


@cache
def export_record_serializer(kind: str):
    """One record (one line) of a resource's NDJSON export."""
    resource = BY_KIND[kind]
    fields = resource.export_fields()
    names = ["slug", "url", *(f.name for f in fields), "created_at", "updated_at"]
    return _object_serializer(
        resource,
        f"{resource.model.__name__}ExportRecord",
        fields,
        names,
        f"One line of the {resource.plural.replace('_', ' ')} NDJSON export: a "
        "JSON object, the list's item less the keys the export leaves out, plus "
        "its detail keys marked for export (docs/exports.md).",
    )


def _object_serializer(resource, name: str, fields, names, doc: str):
    model = resource.model
    meta = _meta(model, names)
    return _serializer(
        name,
        serializers.ModelSerializer,
        {**_identity(resource.kind), **_declared_fields(model, fields), "Meta": meta},
        doc,
    )


# --- Facets and cross-resource search ------------------------------------------------


class FacetCountSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    count = serializers.IntegerField()


class MonthCountSerializer(serializers.Serializer):
    month = serializers.CharField(
        allow_null=True,
        help_text="YYYY-MM; null for the undated quotes (no said_on, and no event "
        "with dates).",
    )
    count = serializers.IntegerField()


class QuoteFacetsSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="Quotes matching the filters.")
    themes = FacetCountSerializer(
        many=True,
        help_text="A theme counts the quotes tagged with it or with any theme "
        "below it (each once), as ?theme= does.",
    )
    stakeholder_groups = FacetCountSerializer(many=True)
    speakers = FacetCountSerializer(many=True)
    events = FacetCountSerializer(
        many=True,
        help_text="An event counts the quotes of its sub-events too, as ?event= does.",
    )
    months = MonthCountSerializer(
        many=True,
        help_text="By month of the quotes' date ranges (date_from to date_to): a "
        "quote counts in each month its range touches, so months can add up to "
        "more than total; the undated quotes last, with month null.",
    )


class QueryListField(serializers.Field):
    """A list-valued query parameter: repeated and comma-separated values alike
    (params.split_values)."""

    def get_value(self, dictionary):
        if hasattr(dictionary, "getlist"):
            return dictionary.getlist(self.field_name)
        value = dictionary.get(self.field_name, [])
        return [value] if isinstance(value, str) else value

    def to_internal_value(self, data):
        try:
            return split_values(str(value) for value in data)
        except DjangoValidationError as error:
            raise serializers.ValidationError(
                error.messages, code="empty_item"
            ) from None


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(max_length=MAX_SEARCH_LENGTH, trim_whitespace=True)
    type = QueryListField(required=False)
    limit = WholeNumberField(min_value=1, max_value=50, default=10)

    def validate_q(self, value):
        problem = search_text_problem(value)
        if problem:
            raise serializers.ValidationError(problem)
        return value

    def validate_type(self, value):
        types = list(dict.fromkeys(value))
        if not types:
            return list(SEARCH_TYPES)
        unknown = sorted(set(types) - set(SEARCH_TYPES))
        if unknown:
            raise serializers.ValidationError(
                f"Unknown type(s) {', '.join(t[:30] for t in unknown[:5])}; "
                f"allowed: {', '.join(SEARCH_TYPES)}."
            )
        return types


class SearchHitSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=SEARCH_TYPES)
    slug = serializers.CharField()
    title = serializers.CharField()
    url = serializers.SerializerMethodField()
    rank = serializers.FloatField()
    highlight = serializers.SerializerMethodField()

    def get_url(self, hit) -> str:
        return self.context["request"].build_absolute_uri(hit["path"])

    @extend_schema_field({"type": "string", "nullable": True})
    def get_highlight(self, hit) -> str | None:
        return safe_highlight(hit["raw_highlight"])


class SearchResultsSerializer(serializers.Serializer):
    query = serializers.CharField()
    counts = serializers.DictField(
        child=serializers.IntegerField(), help_text="Matches per type (before limit)."
    )
    results = SearchHitSerializer(many=True)


# --- Change feed ---------------------------------------------------------------------


class ChangeSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ResourceType.choices, source="resource_type")
    slug = serializers.CharField(help_text="The record's public id.")
    change = serializers.ChoiceField(
        choices=ChangeAction.choices,
        source="action",
        help_text="`created`, `updated`, `deleted`, or `renamed`: the record's slug "
        "changed from `previous_slug` to `slug` (drop the record at "
        "`previous_slug`, fetch `url`).",
    )
    previous_slug = serializers.CharField(
        allow_null=True,
        help_text="For `renamed`: the slug the record had before, which now "
        "answers 301 to `url`. Null for the other changes.",
    )
    changed_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_url(self, change) -> str | None:
        """Where to fetch the record now; null for a deletion."""
        if change.action == ChangeAction.DELETED:
            return None
        view_name = BY_KIND[change.resource_type].detail_view
        return self.context["request"].build_absolute_uri(
            reverse(view_name, kwargs={"slug": change.slug})
        )


CHANGE_FEED_MAX_LIMIT = 1000
# A position in the feed: (transaction id, change id), both PostgreSQL bigints.
_FEED_POSITION_MAX = 2**63


class ChangeFeedQuerySerializer(serializers.Serializer):
    """The parameters of the change feed; `since` becomes a position."""

    since = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=(
            "The `next_cursor` of an earlier response, or `now` for the current "
            "head (returns no changes, only the cursor)."
        ),
    )
    limit = WholeNumberField(
        required=False,
        min_value=1,
        max_value=CHANGE_FEED_MAX_LIMIT,
        default=500,
        help_text=(
            f"Changes per response, 1 to {CHANGE_FEED_MAX_LIMIT} (default 500)."
        ),
    )

    def validate_since(self, value) -> str | tuple[int, int] | None:
        """`now`, a (transaction id, change id) position, or None for the start."""
        if value in ("", "now"):
            return value or None
        try:
            position = decode_cursor(value)
            if len(position) != 2 or not all(
                type(v) is int and 0 <= v < _FEED_POSITION_MAX for v in position
            ):
                raise ValueError(value)
        except ValueError:
            raise serializers.ValidationError(
                "The cursor is not one this API issued."
            ) from None
        return tuple(position)


class ChangeFeedSerializer(serializers.Serializer):
    results = ChangeSerializer(many=True)
    next_cursor = serializers.CharField(
        allow_null=True,
        help_text="Pass as `since` to continue; store it to resume later.",
    )
    next = serializers.URLField(allow_null=True)
    has_more = serializers.BooleanField(
        help_text="True when more changes are waiting right now."
    )
