"""Serializers of the public API.

The resource serializers declare the shapes for the OpenAPI schema only: the JSON
itself is built from `.values()` rows by statements.api.representations, and the
schema examples, tested against live bodies, hold the two together. Related
objects are brief (slug, name, url); `?expand=` swaps in the full object and
`?fields=` trims the top-level objects.
"""

from django.urls import reverse
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from statements.api.params import WholeNumberField, decode_cursor
from statements.choices import ChangeAction, ResourceType, StakeholderRole
from statements.models import (
    Event,
    Quote,
    QuoteSpan,
    Speaker,
    SpeakerRole,
    StakeholderGroup,
    Statement,
    Theme,
)
from statements.selectors import RESOURCE_DETAIL_VIEWS, SEARCH_TYPES, safe_highlight


class ExpandableField(serializers.Field):
    """A related object, brief unless `?expand=` names it (schema only)."""

    def __init__(self, *, brief, full, many=False, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)
        self.brief_class = brief
        self.full_class = full
        self.many = many


def expandable(brief, full, *, many=False, allow_null=False, **kwargs):
    """An ExpandableField documented as one of the brief or the full object.

    Brief components forbid other properties (see schema.brief_objects_are_closed),
    so exactly one of the two matches any response.
    """
    field_class = extend_schema_field(
        PolymorphicProxySerializer(
            component_name=f"{_component(brief)}Or{_component(full)}",
            serializers=[brief, full],
            resource_type_field_name=None,
            many=many,
            allow_null=allow_null,
        )
    )(type(f"Expandable{_component(full)}Field", (ExpandableField,), {}))
    return field_class(
        brief=brief, full=full, many=many, allow_null=allow_null, **kwargs
    )


def _component(serializer_class) -> str:
    return serializer_class.__name__.removesuffix("Serializer")


# --- Brief serializers ---------------------------------------------------------------


class SpeakerBriefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="speaker-detail", lookup_field="slug"
    )

    class Meta:
        model = Speaker
        fields = ["slug", "name", "url"]


class EventBriefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="event-detail", lookup_field="slug"
    )

    class Meta:
        model = Event
        fields = ["slug", "name", "url"]


class ThemeBriefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="theme-detail", lookup_field="slug"
    )

    class Meta:
        model = Theme
        fields = ["slug", "name", "url"]


class StakeholderGroupBriefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="stakeholdergroup-detail", lookup_field="slug"
    )

    class Meta:
        model = StakeholderGroup
        fields = ["slug", "name", "url"]


class StatementBriefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="statement-detail", lookup_field="slug"
    )

    class Meta:
        model = Statement
        fields = ["slug", "title", "url"]


# --- Full serializers ---


class SpeakerRoleSerializer(serializers.ModelSerializer):
    class Meta:
        model = SpeakerRole
        fields = [
            "title",
            "organization",
            "start_date",
            "end_date",
            "source_url",
            "note",
        ]


class SpeakerSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="speaker-detail", lookup_field="slug"
    )
    roles = SpeakerRoleSerializer(many=True, read_only=True)
    quote_count = serializers.IntegerField(read_only=True)
    statement_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Speaker
        fields = [
            "slug",
            "url",
            "name",
            "sort_name",
            "given_name",
            "family_name",
            "other_names",
            "biography",
            "wikidata_id",
            "roles",
            "quote_count",
            "statement_count",
            "created_at",
            "updated_at",
        ]


class EventSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="event-detail", lookup_field="slug"
    )
    parent = EventBriefSerializer(read_only=True, allow_null=True)
    children = EventBriefSerializer(many=True, read_only=True)
    quote_count = serializers.IntegerField(read_only=True)
    statement_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Event
        fields = [
            "slug",
            "url",
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
            "parent",
            "children",
            "quote_count",
            "statement_count",
            "created_at",
            "updated_at",
        ]


class ThemeSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="theme-detail", lookup_field="slug"
    )
    parent = ThemeBriefSerializer(read_only=True, allow_null=True)
    children = ThemeBriefSerializer(many=True, read_only=True)
    quote_count = serializers.IntegerField(read_only=True)
    statement_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Theme
        fields = [
            "slug",
            "url",
            "name",
            "description",
            "parent",
            "children",
            "quote_count",
            "statement_count",
            "created_at",
            "updated_at",
        ]


class StakeholderGroupSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="stakeholdergroup-detail", lookup_field="slug"
    )
    quote_count = serializers.IntegerField(read_only=True)
    statement_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = StakeholderGroup
        fields = [
            "slug",
            "url",
            "name",
            "category",
            "description",
            "quote_count",
            "statement_count",
            "created_at",
            "updated_at",
        ]


class SpanSerializer(serializers.ModelSerializer):
    class Meta:
        model = QuoteSpan
        fields = ["start", "end"]


class ParagraphSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    start = serializers.IntegerField()
    end = serializers.IntegerField()


class StatementQuoteSerializer(serializers.ModelSerializer):
    """A quote inside its statement: enough to highlight it in place."""

    url = serializers.HyperlinkedIdentityField(
        view_name="quote-detail", lookup_field="slug"
    )
    speaker = SpeakerBriefSerializer(read_only=True)
    spans = SpanSerializer(many=True, read_only=True)

    class Meta:
        model = Quote
        fields = ["slug", "url", "fidelity", "text", "speaker", "spans"]


_statement_fields = [
    "slug",
    "url",
    "title",
    "kind",
    "publisher",
    "source_url",
    "published_on",
    "language",
    "license",
    "license_url",
    "text_sha256",
    "speaker",
    "event",
    "themes",
    "stakeholder_groups",
    "quote_count",
    "highlight",
    "created_at",
    "updated_at",
]


class StatementSerializer(serializers.ModelSerializer):
    """A statement in a list: everything but its text."""

    url = serializers.HyperlinkedIdentityField(
        view_name="statement-detail", lookup_field="slug"
    )
    speaker = expandable(SpeakerBriefSerializer, SpeakerSerializer, allow_null=True)
    event = expandable(EventBriefSerializer, EventSerializer, allow_null=True)
    themes = expandable(ThemeBriefSerializer, ThemeSerializer, many=True)
    stakeholder_groups = expandable(
        StakeholderGroupBriefSerializer, StakeholderGroupSerializer, many=True
    )
    quote_count = serializers.IntegerField(read_only=True)
    highlight = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="HTML snippet of the text with <mark> around the matches of `q`; "
        "null without `q`.",
    )

    class Meta:
        model = Statement
        fields = _statement_fields


class StatementDetailSerializer(StatementSerializer):
    """A statement with its verbatim text, paragraphs and anchored quotes."""

    paragraphs = ParagraphSerializer(many=True, read_only=True)
    quotes = StatementQuoteSerializer(many=True, read_only=True)

    class Meta:
        model = Statement
        fields = [*_statement_fields, "provenance_note", "text", "paragraphs", "quotes"]


class QuoteStakeholderSerializer(serializers.Serializer):
    slug = serializers.CharField(source="group.slug")
    name = serializers.CharField(source="group.name")
    url = serializers.URLField()
    role = serializers.ChoiceField(choices=StakeholderRole.choices)


class SpeakerRoleBriefSerializer(serializers.Serializer):
    title = serializers.CharField()
    organization = serializers.CharField()


class QuoteSourceSerializer(serializers.Serializer):
    """What it takes to cite the document a quote appears in."""

    title = serializers.CharField()
    publisher = serializers.CharField()
    source_url = serializers.URLField()
    published_on = serializers.DateField(allow_null=True)
    language = serializers.CharField()
    license = serializers.CharField()
    license_url = serializers.URLField(allow_null=True)


class QuoteSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="quote-detail", lookup_field="slug"
    )
    spans = SpanSerializer(many=True, read_only=True)
    speaker = expandable(SpeakerBriefSerializer, SpeakerSerializer)
    speaker_role = SpeakerRoleBriefSerializer(read_only=True, allow_null=True)
    statement = expandable(StatementBriefSerializer, StatementSerializer)
    event = expandable(EventBriefSerializer, EventSerializer, allow_null=True)
    themes = expandable(ThemeBriefSerializer, ThemeSerializer, many=True)
    stakeholder_groups = QuoteStakeholderSerializer(
        source="stakeholder_links", many=True, read_only=True
    )
    date = serializers.DateField(read_only=True, allow_null=True)
    source = QuoteSourceSerializer(source="statement", read_only=True)
    citation = serializers.CharField(read_only=True)
    highlight = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="HTML snippet with <mark> around the matches; null without ?q=.",
    )

    class Meta:
        model = Quote
        fields = [
            "slug",
            "url",
            "text",
            "fidelity",
            "spans",
            "speaker",
            "speaker_role",
            "statement",
            "event",
            "said_on",
            "date",
            "as_delivered",
            "as_delivered_source_url",
            "themes",
            "stakeholder_groups",
            "source",
            "citation",
            "provenance_note",
            "highlight",
            "created_at",
            "updated_at",
        ]


# --- Facets and cross-resource search ------------------------------------------------


class FacetCountSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    count = serializers.IntegerField()


class MonthCountSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    count = serializers.IntegerField()


class QuoteFacetsSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="Quotes matching the filters.")
    themes = FacetCountSerializer(many=True)
    stakeholder_groups = FacetCountSerializer(many=True)
    speakers = FacetCountSerializer(many=True)
    events = FacetCountSerializer(many=True)
    months = MonthCountSerializer(many=True, help_text="By month of said_on.")


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(max_length=500, trim_whitespace=True)
    type = serializers.CharField(required=False, default="")
    limit = WholeNumberField(min_value=1, max_value=50, default=10)

    def validate_q(self, value):
        if "\x00" in value:
            raise serializers.ValidationError(
                "The query must not contain NUL characters."
            )
        return value

    def validate_type(self, value):
        if value == "":
            return list(SEARCH_TYPES)
        parts = [part.strip() for part in value.split(",")]
        if "" in parts:
            raise serializers.ValidationError(
                "Empty values are not allowed in the list."
            )
        types = list(dict.fromkeys(parts))
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
    change = serializers.ChoiceField(choices=ChangeAction.choices, source="action")
    changed_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_url(self, change) -> str | None:
        """Where to fetch the record now; null for a deletion."""
        if change.action == ChangeAction.DELETED:
            return None
        view_name = RESOURCE_DETAIL_VIEWS[change.resource_type]
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
