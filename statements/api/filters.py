"""Filter sets of the public API (django-filter). All filters combine with AND;
several values of one list filter, repeated (`theme=a&theme=b`) or comma-separated
(`theme=a,b`), mean any of them (statements.api.params)."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.db.models.constants import LOOKUP_SEP
from django_filters.fields import BaseCSVField
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import extend_schema_field

from statements.api.params import (
    EMPTY_ITEM,
    MAX_SEARCH_LENGTH,
    MAX_SEARCH_TERMS,
    comma_list,
    join_repeated,
    search_text_problem,
)
from statements.choices import (
    EventKind,
    Fidelity,
    OrganizationClassification,
    QuoteStatus,
    StakeholderCategory,
    StakeholderRole,
    StatementKind,
)
from statements.models import (
    Event,
    Organization,
    Quote,
    Speaker,
    StakeholderGroup,
    Statement,
    Theme,
)
from statements.resources import BY_MODEL
from statements.selectors import (
    aliased_date_range,
    apply_search,
    event_ids_with_descendants,
    retired_slugs,
    theme_ids_with_descendants,
)

MAX_LIST_VALUES = 50


class SlugListField(forms.CharField):
    """Comma-separated slugs that must all exist."""

    def __init__(self, *, model, **kwargs):
        self.model = model
        super().__init__(**kwargs)

    def slugs(self, value) -> list[str]:
        """The comma-separated slugs, at most MAX_LIST_VALUES of them."""
        slugs = comma_list(super().clean(value))
        if len(slugs) > MAX_LIST_VALUES:
            raise ValidationError(
                f"At most {MAX_LIST_VALUES} values are allowed.", code="too_many_values"
            )
        return slugs

    def clean(self, value):
        slugs = self.slugs(value)
        if not slugs:
            return None
        found = list(self.model.objects.filter(slug__in=slugs).only("pk", "slug"))
        missing = sorted(set(slugs) - {obj.slug for obj in found})
        renamed = {
            slug: retired.current
            for slug, retired in retired_slugs(
                BY_MODEL[self.model].kind, missing
            ).items()
            if retired.current is not None
        }
        if renamed:
            # A renamed slug is not followed: the list would be cached and
            # linked under a URL that names a slug no record has. The answer
            # names the current one, to store instead.
            raise ValidationError(
                "%(model)s renamed: %(renamed)s; filter by the current slug.",
                code="renamed_slug",
                params={
                    "model": str(self.model._meta.verbose_name).capitalize(),
                    "renamed": ", ".join(
                        f"{old[:80]!r} is now {new!r}"
                        for old, new in sorted(renamed.items())[:5]
                    ),
                },
            )
        if missing:
            # User text goes in params, never into the message: messages are
            # %-formatted later.
            raise ValidationError(
                "No %(model)s with slug %(slugs)s.",
                code="unknown_slug",
                params={
                    "model": self.model._meta.verbose_name,
                    "slugs": ", ".join(repr(slug[:80]) for slug in missing[:5]),
                },
            )
        return found


def list_valued(filter_) -> bool:
    """Whether a filter takes several values (repeated or comma-separated)."""
    return isinstance(filter_, SlugListFilter | django_filters.filters.BaseCSVFilter)


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend: list filters read repeated values too, and the
    filter set is built and validated once per request.

    Without a filter parameter every filter leaves the queryset as it is, and the
    FilterSet is not built at all: building it and its form deep-copies every
    filter and form field, a cost a plain page does not need to pay.
    """

    def retired_parameters(self, view) -> dict[str, str]:
        """Parameters the filter set no longer takes, each with its replacement."""
        filterset_class = self.get_filterset_class(view)
        return dict(getattr(filterset_class, "retired_parameters", {}))

    def query_parameters(self, view) -> dict[str, bool]:
        """The filters' names, each with whether it takes a list (for
        params.StrictQueryMixin)."""
        filterset_class = self.get_filterset_class(view)
        if filterset_class is None:
            return {}
        return {
            name: list_valued(filter_)
            for name, filter_ in filterset_class.base_filters.items()
        }

    def get_filterset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or request.query_params.keys().isdisjoint(
            filterset_class.base_filters
        ):
            return None
        built = view.__dict__.setdefault("_filtersets", {})
        if filterset_class not in built:
            lists = [
                name
                for name, filter_ in filterset_class.base_filters.items()
                if list_valued(filter_)
            ]
            built[filterset_class] = filterset_class(
                data=join_repeated(request.query_params, lists), request=request
            )
        return built[filterset_class]

    def check_query(self, request, view) -> None:
        """Raise ValidationError naming every filter with a bad value."""
        filterset = self.get_filterset(request, None, view)
        if filterset is not None and not filterset.is_valid():
            raise translate_validation(filterset.errors)

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        self.check_query(request, view)
        return filterset.filter_queryset(queryset.all())


def filter_once(queryset, **lookups):
    """The rows of `queryset` that match `lookups` across a to-many relation, once each.

    A semi-join (`pk IN (subquery)`) rather than a join and DISTINCT: PostgreSQL
    sorts nothing to drop duplicates, and the query keeps the plain shape that
    counts, keyset pages and the COPY of a CSV export rely on.
    """
    matching = queryset.model._base_manager.filter(**lookups).values("pk")
    return queryset.filter(pk__in=matching)


def crosses_to_many(model, path: str) -> bool:
    """Whether a lookup path such as `stakeholder_links__group` crosses a to-many."""
    opts = model._meta
    for name in path.split(LOOKUP_SEP):
        field = opts.get_field(name)
        if field.many_to_many or field.one_to_many:
            return True
        if field.related_model is None:
            return False
        opts = field.related_model._meta
    return False


class SlugListFilter(django_filters.CharFilter):
    """Filter by one or more slugs of a related model."""

    field_class = SlugListField

    def __init__(self, *, model, expand=None, **kwargs):
        self.expand = expand
        super().__init__(**kwargs, model=model)

    def filter(self, qs, value):
        if not value:
            return qs
        ids = self.expand(value) if self.expand else [obj.pk for obj in value]
        lookup = {f"{self.field_name}__in": ids}
        if crosses_to_many(qs.model, self.field_name):
            return filter_once(qs, **lookup)
        return qs.filter(**lookup)


class AuthorSlugListField(SlugListField):
    """Comma-separated slugs of authors, each a speaker's or an organization's:
    (speaker ids, organization ids)."""

    def __init__(self, *, model=None, **kwargs):
        super().__init__(model=None, **kwargs)

    def clean(self, value):
        slugs = self.slugs(value)
        if not slugs:
            return None
        speakers = dict(
            Speaker.objects.filter(slug__in=slugs).values_list("slug", "pk")
        )
        organizations = dict(
            Organization.objects.filter(slug__in=slugs).values_list("slug", "pk")
        )
        missing = sorted(set(slugs) - set(speakers) - set(organizations))
        if missing:
            raise ValidationError(
                "No speaker or organization with slug %(slugs)s.",
                code="unknown_slug",
                params={"slugs": ", ".join(repr(slug[:80]) for slug in missing[:5])},
            )
        return list(speakers.values()), list(organizations.values())


class AuthorFilter(SlugListFilter):
    """Statements written by any of the speakers or organizations named."""

    field_class = AuthorSlugListField

    def filter(self, qs, value):
        if not value:
            return qs
        speakers, organizations = value
        return qs.filter(
            Q(author_speaker__in=speakers) | Q(author_organization__in=organizations)
        )


class QuotedSpeakerFilter(SlugListFilter):
    """Statements with a public (confirmed) quote of any of the speakers."""

    def filter(self, qs, value):
        if not value:
            return qs
        return filter_once(
            qs,
            quotes__speaker__in=[obj.pk for obj in value],
            quotes__status=QuoteStatus.CONFIRMED,
        )


class StrictBooleanField(forms.Field):
    """true or false (also 1/0, yes/no); anything else is an error, not "any"."""

    VALUES = {
        "true": True,
        "1": True,
        "yes": True,
        "false": False,
        "0": False,
        "no": False,
    }

    def to_python(self, value):
        if value in (None, ""):
            return None
        try:
            return self.VALUES[str(value).strip().lower()]
        except KeyError:
            raise ValidationError(
                "Use true or false.", code="invalid_boolean"
            ) from None


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class NoEmptyItemsCSVField(BaseCSVField):
    """Comma-separated values where an empty item (`a,,b`, `,`) is an error."""

    def clean(self, value):
        if value and any(item.strip() == "" for item in value):
            raise ValidationError(EMPTY_ITEM, code="empty_item")
        return super().clean(value)


class ChoiceInFilter(django_filters.BaseInFilter, django_filters.ChoiceFilter):
    """One or more enum values."""

    base_field_class = NoEmptyItemsCSVField


class ToManyChoiceInFilter(ChoiceInFilter):
    """Enum values of a related to-many row: each matching row once."""

    def filter(self, qs, value):
        if not value:
            return qs
        return filter_once(qs, **{f"{self.field_name}__in": value})


class TextQueryField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(max_length=MAX_SEARCH_LENGTH, strip=True, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        problem = value and search_text_problem(value)
        if problem:
            raise ValidationError(problem, code="invalid_search")
        return value


@extend_schema_field(
    {
        "type": "string",
        "maxLength": MAX_SEARCH_LENGTH,
        "description": (
            'Full-text search in websearch syntax: words, "quoted phrases", OR, '
            "-exclusion; English stemming (borders finds border), accents folded, "
            "and a free word of four letters or more is also a prefix (migra finds "
            "migration; docs/search.md). It searches the record's text and what it "
            "shows: its speaker's names, its event's name and place, its themes' "
            "names (and a quote's as-delivered text). Results are ranked (the "
            "record's own text first), and each carries a `highlight` snippet with "
            "<mark> tags; a search that finds nothing may offer "
            "`search.suggestion`. At "
            f"most {MAX_SEARCH_TERMS} words. A search costs more of the rate limit "
            "than a plain read (RateLimit-Cost)."
        ),
    }
)
class FullTextFilter(django_filters.CharFilter):
    """PostgreSQL full-text search in websearch syntax, ranked, with a snippet."""

    field_class = TextQueryField

    def filter(self, qs, value):
        if not value:
            return qs
        return apply_search(qs, value)


@extend_schema_field(
    {
        "type": "string",
        "maxLength": MAX_SEARCH_LENGTH,
        "description": (
            "Full-text search of the name and description in websearch syntax: "
            'words, "quoted phrases", OR, -exclusion; English stemming; ranked.'
        ),
    }
)
class NameSearchFilter(django_filters.CharFilter):
    """Full-text search of a resource's searched columns (its `Search.vector`),
    for a model that stores no search_vector; ranked."""

    field_class = TextQueryField

    def filter(self, qs, value):
        if not value:
            return qs
        return apply_search(qs, value, vector=BY_MODEL[qs.model].search.vector)


@extend_schema_field(
    {
        "type": "string",
        "pattern": "^[A-Za-z]{2}$",
        "description": "ISO 3166-1 alpha-2 country code (either case), e.g. PA.",
    }
)
class CountryFilter(django_filters.CharFilter):
    """A two-letter country code."""

    def __init__(self, **kwargs):
        super().__init__(min_length=2, max_length=2, **kwargs)


def bounded_text_filter(max_length: int, description: str, **kwargs):
    """A CharFilter whose length limit is in the schema, not only in the code."""
    schema = {"type": "string", "maxLength": max_length, "description": description}
    filter_class = extend_schema_field(schema)(
        type("BoundedCharFilter", (django_filters.CharFilter,), {})
    )
    return filter_class(max_length=max_length, help_text=description, **kwargs)


def _slug_filter(model, field_name, help_text, expand=None):
    return SlugListFilter(
        model=model, field_name=field_name, expand=expand, help_text=help_text
    )


def _nulls_last(ordering: str):
    """Unknown values last, in either direction (PostgreSQL puts NULL first in
    descending order)."""
    if ordering.startswith("-"):
        return F(ordering[1:]).desc(nulls_last=True)
    return F(ordering).asc(nulls_last=True)


class RankedOrderingFilter(django_filters.OrderingFilter):
    """Ordering with a stable tiebreaker; full-text matches rank first by default."""

    base_field_class = NoEmptyItemsCSVField

    def __init__(self, *args, tiebreaker="id", prepare=None, **kwargs):
        self.tiebreaker = tiebreaker
        # `prepare` adds the aliases that some orderings sort by.
        self.prepare = prepare
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value:
            if self.prepare is not None:
                qs = self.prepare(qs)
            ordering = [_nulls_last(self.get_ordering_value(param)) for param in value]
            return qs.order_by(*ordering, self.tiebreaker)
        if "rank" in qs.query.annotations:
            return qs.order_by("-rank", self.tiebreaker)
        return qs


class QuoteFilterSet(django_filters.FilterSet):
    q = FullTextFilter(
        help_text=(
            'Full-text search in websearch syntax: words, "quoted phrases", OR, '
            "-exclusion; English stemming (borders finds border). Results are "
            "ranked, and each carries a `highlight` snippet with <mark> tags."
        ),
    )
    speaker = _slug_filter(Speaker, "speaker", "Speaker slug(s).")
    statement = _slug_filter(Statement, "statement", "Statement slug(s).")
    event = _slug_filter(
        Event,
        "event",
        "Event slug(s); includes each event's sub-events.",
        expand=event_ids_with_descendants,
    )
    theme = _slug_filter(
        Theme,
        "themes",
        "Theme slug(s); includes each theme's descendants.",
        expand=theme_ids_with_descendants,
    )
    stakeholder_group = _slug_filter(
        StakeholderGroup,
        "stakeholder_links__group",
        "Stakeholder group slug(s).",
    )
    stakeholder_role = ToManyChoiceInFilter(
        field_name="stakeholder_links__role",
        choices=StakeholderRole.choices,
        help_text=(
            "Role(s) of the linked stakeholder group(s). Combined "
            "with stakeholder_group, it applies to the same link."
        ),
    )
    fidelity = ChoiceInFilter(choices=Fidelity.choices, help_text="Fidelity value(s).")
    language = bounded_text_filter(
        35,
        "BCP 47 language tag of the statement (exact).",
        field_name="statement__language",
    )
    # A quote's dates are a range (date_from to date_to: said_on, or its
    # event's dates); it matches when the range overlaps the asked window.
    date_from = django_filters.DateFilter(
        field_name="range_to",
        method="filter_date_range",
        help_text="Said on or after (YYYY-MM-DD): quotes whose date range "
        "(date_from to date_to) ends on or after this day. Undated quotes never "
        "match a date filter.",
    )
    date_to = django_filters.DateFilter(
        field_name="range_from",
        method="filter_date_range",
        help_text="Said on or before (YYYY-MM-DD): quotes whose date range "
        "(date_from to date_to) starts on or before this day. With date_from, a "
        "quote matches when its range overlaps the window.",
    )
    ordering = RankedOrderingFilter(
        prepare=aliased_date_range,
        fields=[
            ("said_on", "said_on"),
            ("range_from", "date_from"),
            ("range_to", "date_to"),
            ("created_at", "created_at"),
            ("updated_at", "updated_at"),
            ("slug", "slug"),
        ],
        help_text="Sort by said_on, date_from, date_to, created_at, updated_at or "
        "slug; - reverses; unknown dates last either way. Default: id, or rank "
        "with q.",
    )

    class Meta:
        model = Quote
        fields = []

    def filter_date_range(self, queryset, name, value):
        # name is the filter's field_name: the end of the range for date_from.
        lookup = {"range_to": "range_to__gte", "range_from": "range_from__lte"}[name]
        return aliased_date_range(queryset).filter(**{lookup: value})

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        group, roles = data.get("stakeholder_group"), data.get("stakeholder_role")
        if not (group and roles):
            return super().filter_queryset(queryset)
        # Both conditions must hold on the same link.
        queryset = filter_once(
            queryset,
            stakeholder_links__group__in=[g.pk for g in group],
            stakeholder_links__role__in=roles,
        )
        self.form.cleaned_data = {
            **data,
            "stakeholder_group": None,
            "stakeholder_role": None,
        }
        try:
            return super().filter_queryset(queryset)
        finally:
            self.form.cleaned_data = data


class StatementFilterSet(django_filters.FilterSet):
    q = FullTextFilter(
        help_text=(
            "Full-text search of title and text in websearch syntax; ranked, with "
            "a `highlight` snippet."
        ),
    )
    author = AuthorFilter(
        model=None,
        help_text="Author slug(s): a speaker (a person) or an organization that "
        "wrote the statement (not the speakers it quotes: see quoted_speaker).",
    )
    quoted_speaker = QuotedSpeakerFilter(
        model=Speaker,
        field_name="quotes__speaker",
        help_text="Speaker slug(s): statements that quote any of them.",
    )
    publisher = _slug_filter(
        Organization, "publisher", "Publisher organization slug(s)."
    )
    event = _slug_filter(
        Event,
        "event",
        "Event slug(s); includes sub-events.",
        expand=event_ids_with_descendants,
    )
    theme = _slug_filter(
        Theme,
        "themes",
        "Theme slug(s); includes descendants.",
        expand=theme_ids_with_descendants,
    )
    stakeholder_group = _slug_filter(
        StakeholderGroup,
        "stakeholder_groups",
        "Stakeholder group slug(s).",
    )
    kind = ChoiceInFilter(choices=StatementKind.choices, help_text="Kind(s).")
    language = bounded_text_filter(35, "BCP 47 language tag.")
    published_from = django_filters.DateFilter(
        field_name="published_on", lookup_expr="gte", help_text="Published on or after."
    )
    published_to = django_filters.DateFilter(
        field_name="published_on",
        lookup_expr="lte",
        help_text="Published on or before.",
    )
    ordering = RankedOrderingFilter(
        fields=[
            ("published_on", "published_on"),
            ("title", "title"),
            ("created_at", "created_at"),
            ("updated_at", "updated_at"),
        ],
        help_text="Sort by published_on, title, created_at or updated_at; - reverses.",
    )

    # Parameters this list no longer takes, with what to use instead
    # (params.name_errors).
    retired_parameters = {
        "speaker": "A statement's speaker is ambiguous: use author (who wrote it, "
        "a speaker or an organization) or quoted_speaker (whom it quotes).",
    }

    class Meta:
        model = Statement
        fields = []


class EventFilterSet(django_filters.FilterSet):
    country = CountryFilter(method="filter_country")
    kind = ChoiceInFilter(choices=EventKind.choices, help_text="Kind(s).")
    parent = _slug_filter(
        Event, "parent", "Parent event slug(s): the sub-events of these."
    )
    top_level = StrictBooleanFilter(
        field_name="parent",
        lookup_expr="isnull",
        help_text="true: only events without a parent.",
    )
    date_from = django_filters.DateFilter(
        field_name="end_date",
        lookup_expr="gte",
        help_text="Ends on or after (YYYY-MM-DD).",
    )
    date_to = django_filters.DateFilter(
        field_name="start_date",
        lookup_expr="lte",
        help_text="Starts on or before (YYYY-MM-DD).",
    )
    ordering = RankedOrderingFilter(
        fields=[
            ("start_date", "start_date"),
            ("name", "name"),
            ("updated_at", "updated_at"),
        ],
        help_text="Sort by start_date, name or updated_at; - reverses.",
    )

    class Meta:
        model = Event
        fields = []

    def filter_country(self, queryset, name, value):
        return queryset.filter(country=value.upper())


class ThemeFilterSet(django_filters.FilterSet):
    parent = _slug_filter(
        Theme, "parent", "Parent theme slug(s): the children of these."
    )
    top_level = StrictBooleanFilter(
        field_name="parent", lookup_expr="isnull", help_text="true: only root themes."
    )
    ordering = RankedOrderingFilter(
        fields=[("name", "name"), ("updated_at", "updated_at")],
        help_text="Sort by name or updated_at; - reverses.",
    )

    class Meta:
        model = Theme
        fields = []


class SpeakerFilterSet(django_filters.FilterSet):
    ordering = RankedOrderingFilter(
        fields=[
            ("sort_name", "sort_name"),
            ("name", "name"),
            ("updated_at", "updated_at"),
        ],
        help_text="Sort by sort_name, name or updated_at; - reverses.",
    )

    class Meta:
        model = Speaker
        fields = []


class StakeholderGroupFilterSet(django_filters.FilterSet):
    category = ChoiceInFilter(
        choices=StakeholderCategory.choices, help_text="Category(ies)."
    )
    ordering = RankedOrderingFilter(
        fields=[("name", "name"), ("updated_at", "updated_at")],
        help_text="Sort by name or updated_at; - reverses.",
    )

    class Meta:
        model = StakeholderGroup
        fields = []


class OrganizationFilterSet(django_filters.FilterSet):
    q = NameSearchFilter()
    classification = ChoiceInFilter(
        choices=OrganizationClassification.choices, help_text="Classification(s)."
    )
    parent = _slug_filter(
        Organization,
        "parent",
        "Parent organization slug(s): the organizations directly part of these.",
    )
    top_level = StrictBooleanFilter(
        field_name="parent",
        lookup_expr="isnull",
        help_text="true: only organizations without a parent.",
    )
    ordering = RankedOrderingFilter(
        fields=[("name", "name"), ("updated_at", "updated_at")],
        help_text="Sort by name or updated_at; - reverses. Default: name, or rank "
        "with q.",
    )

    class Meta:
        model = Organization
        fields = []


# The filter set of each resource, by its kind (statements.resources).
FILTERSETS = {
    BY_MODEL[filterset._meta.model].kind: filterset
    for filterset in (
        SpeakerFilterSet,
        EventFilterSet,
        StatementFilterSet,
        QuoteFilterSet,
        ThemeFilterSet,
        StakeholderGroupFilterSet,
        OrganizationFilterSet,
    )
}
