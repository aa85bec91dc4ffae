"""Read-only resource viewsets of the public API."""

import functools

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from statements import selectors
from statements.api import examples, filters, schema
from statements.api import serializers as s
from statements.api.caching import ConditionalGetMixin
from statements.api.pagination import ListPagination, result_cache
from statements.api.representations import Representer
from statements.models import Event, Quote, Speaker, StakeholderGroup, Statement, Theme


def _csv_param(request, name: str) -> list[str]:
    """Comma-separated values; empty means absent, an empty item is an error."""
    raw = request.query_params.get(name, "")
    if raw == "":
        return []
    parts = [part.strip() for part in raw.split(",")]
    if "" in parts:
        raise ValidationError({name: ["Empty values are not allowed in the list."]})
    return parts


def _names(values) -> str:
    return ", ".join(value[:50] for value in values[:10])


@functools.cache
def _field_names(serializer_class) -> frozenset[str]:
    return frozenset(serializer_class().fields)


class ResourceViewSet(ConditionalGetMixin, viewsets.ReadOnlyModelViewSet):
    """List and detail by slug, with `?expand=` and `?fields=`."""

    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    filter_backends = [filters.FilterBackend]
    pagination_class = ListPagination
    expandable_fields: tuple[str, ...] = ()

    def get_expand(self) -> frozenset[str]:
        """The `?expand=` names, checked against `expandable_fields`."""
        if not hasattr(self, "_expand"):
            wanted = _csv_param(self.request, "expand")
            unknown = sorted(set(wanted) - set(self.expandable_fields))
            if unknown:
                allowed = ", ".join(self.expandable_fields) or "nothing"
                raise ValidationError(
                    {
                        "expand": [
                            f"Cannot expand {_names(unknown)}; allowed: {allowed}."
                        ]
                    }
                )
            self._expand = frozenset(wanted)
        return self._expand

    def get_fields(self) -> frozenset[str] | None:
        """The `?fields=` names, checked against the resource's fields."""
        if not hasattr(self, "_fields"):
            wanted = _csv_param(self.request, "fields")
            unknown = sorted(set(wanted) - _field_names(self.get_serializer_class()))
            if unknown:
                raise ValidationError(
                    {"fields": [f"Unknown field(s): {_names(unknown)}."]}
                )
            self._fields = frozenset(wanted) or None
        return self._fields

    def get_queryset(self):
        return self.model.objects.all()

    def list(self, request, *args, **kwargs):
        self.get_expand(), self.get_fields()  # bad expand/fields: 400 before any query
        rows = self.filter_queryset(self.get_queryset()).values("id", "updated_at")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.represent([row["id"] for row in page]))

    def retrieve(self, request, *args, **kwargs):
        slug = str(kwargs[self.lookup_field])
        pk = self.get_queryset().filter(slug=slug).values_list("pk", flat=True).first()
        if pk is None:
            name = self.model._meta.verbose_name
            raise NotFound(f"No {name} with slug {slug[:100]!r}.")
        return Response(self.represent([pk])[0])

    def represent(self, ids):
        representer = Representer(
            self.request, expand=self.get_expand(), fields=self.get_fields()
        )
        return representer.build(self.kind, ids, **self.representation_options())

    def representation_options(self) -> dict:
        return {}


@extend_schema_view(
    list=schema.list_operation(
        "speakers", s.SpeakerSerializer, examples=examples.SPEAKER_LIST
    ),
    retrieve=schema.detail_operation(
        "speaker", s.SpeakerSerializer, examples=examples.SPEAKER_DETAIL
    ),
)
class SpeakerViewSet(ResourceViewSet):
    model = Speaker
    kind = "speaker"
    serializer_class = s.SpeakerSerializer
    filterset_class = filters.SpeakerFilterSet


@extend_schema_view(
    list=schema.list_operation(
        "events", s.EventSerializer, examples=examples.EVENT_LIST
    ),
    retrieve=schema.detail_operation(
        "event", s.EventSerializer, examples=examples.EVENT_DETAIL
    ),
)
class EventViewSet(ResourceViewSet):
    model = Event
    kind = "event"
    serializer_class = s.EventSerializer
    filterset_class = filters.EventFilterSet


@extend_schema_view(
    list=schema.list_operation(
        "themes", s.ThemeSerializer, examples=examples.THEME_LIST
    ),
    retrieve=schema.detail_operation(
        "theme", s.ThemeSerializer, examples=examples.THEME_DETAIL
    ),
)
class ThemeViewSet(ResourceViewSet):
    model = Theme
    kind = "theme"
    serializer_class = s.ThemeSerializer
    filterset_class = filters.ThemeFilterSet


@extend_schema_view(
    list=schema.list_operation(
        "stakeholder groups",
        s.StakeholderGroupSerializer,
        examples=examples.GROUP_LIST,
    ),
    retrieve=schema.detail_operation(
        "stakeholder group",
        s.StakeholderGroupSerializer,
        examples=examples.GROUP_DETAIL,
    ),
)
class StakeholderGroupViewSet(ResourceViewSet):
    model = StakeholderGroup
    kind = "stakeholder_group"
    serializer_class = s.StakeholderGroupSerializer
    filterset_class = filters.StakeholderGroupFilterSet


STATEMENT_EXPAND = ("speaker", "event", "themes", "stakeholder_groups")


@extend_schema_view(
    list=schema.list_operation(
        "statements",
        s.StatementSerializer,
        expand=STATEMENT_EXPAND,
        examples=examples.STATEMENT_LIST,
    ),
    retrieve=schema.detail_operation(
        "statement",
        s.StatementDetailSerializer,
        expand=STATEMENT_EXPAND,
        examples=examples.STATEMENT_DETAIL,
    ),
)
class StatementViewSet(ResourceViewSet):
    model = Statement
    kind = "statement"
    filterset_class = filters.StatementFilterSet
    expandable_fields = STATEMENT_EXPAND

    def get_serializer_class(self):
        if self.action == "retrieve":
            return s.StatementDetailSerializer
        return s.StatementSerializer

    def representation_options(self):
        return {
            "detail": self.action == "retrieve",
            "search": self.request.query_params.get("q"),
        }


QUOTE_EXPAND = ("speaker", "statement", "event", "themes")


@extend_schema_view(
    list=schema.list_operation(
        "quotes", s.QuoteSerializer, expand=QUOTE_EXPAND, examples=examples.QUOTE_LIST
    ),
    retrieve=schema.detail_operation(
        "quote", s.QuoteSerializer, expand=QUOTE_EXPAND, examples=examples.QUOTE_DETAIL
    ),
)
class QuoteViewSet(ResourceViewSet):
    model = Quote
    kind = "quote"
    serializer_class = s.QuoteSerializer
    filterset_class = filters.QuoteFilterSet
    expandable_fields = QUOTE_EXPAND

    def representation_options(self):
        return {"search": self.request.query_params.get("q")}

    @extend_schema(
        summary="Facet counts of quotes",
        description=(
            "Counts of the quotes matching the same filters as the list, by theme, "
            "stakeholder group, speaker, event and month (of `said_on`), so that a "
            "frontend can draw filter sidebars and timelines from one call."
        ),
        responses={200: s.QuoteFacetsSerializer, **schema.ERRORS},
        examples=examples.QUOTE_FACETS,
        filters=True,
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def facets(self, request):
        quotes = self.filter_queryset(Quote.objects.order_by())
        facets = result_cache.get(
            "facets",
            quotes,
            selectors.data_version(request)[0],
            selectors.quote_facets,
        )
        return Response(s.QuoteFacetsSerializer(facets).data)


class SearchView(ConditionalGetMixin, APIView):
    """GET /api/v1/search/?q= — typed hits across every resource."""

    @extend_schema(
        operation_id="search",
        summary="Search everything",
        description=(
            "Full-text search across quotes, statements, speakers, events, themes and "
            "stakeholder groups. Returns typed hits ranked by relevance, each with a "
            "`highlight` snippet where the match is in text."
        ),
        parameters=[
            OpenApiParameter(
                "q",
                {"type": "string", "minLength": 1, "maxLength": 500, "pattern": r"\S"},
                required=True,
                description="Search text (websearch syntax).",
            ),
            OpenApiParameter(
                "type",
                OpenApiTypes.STR,
                description="Only hits of these types, comma-separated (default: all).",
                enum=list(selectors.SEARCH_TYPES),
                many=True,
                explode=False,
                style="form",
            ),
            OpenApiParameter(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": 50},
                description="Hits per type, 1 to 50 (default 10).",
            ),
        ],
        responses={200: s.SearchResultsSerializer, 400: schema.PROBLEM},
    )
    def get(self, request):
        serializer = s.SearchQuerySerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        results = selectors.search_everything(**serializer.validated_data)
        return Response(
            s.SearchResultsSerializer(
                results, context=self.get_serializer_context()
            ).data
        )

    def get_serializer_context(self):
        return {"request": self.request, "view": self}


class ApiRootSerializer(serializers.Serializer):
    resources = serializers.DictField(child=serializers.URLField())
    schema = serializers.URLField()
    docs = serializers.URLField()
    redoc = serializers.URLField()


ROOT_RESOURCES = [
    ("speakers", "speaker-list"),
    ("events", "event-list"),
    ("statements", "statement-list"),
    ("quotes", "quote-list"),
    ("quote_facets", "quote-facets"),
    ("themes", "theme-list"),
    ("stakeholder_groups", "stakeholdergroup-list"),
    ("search", "search"),
    ("changes", "changes"),
    ("quota", "quota"),
]


class ApiRootView(ConditionalGetMixin, APIView):
    """GET /api/v1/ — the resources of the API and where to find them."""

    @extend_schema(
        summary="API root",
        description="Every resource with its URL, and the schema and docs.",
        responses={200: ApiRootSerializer, 429: schema.TOO_MANY},
    )
    def get(self, request):
        def url(name):
            return request.build_absolute_uri(reverse(name))

        return Response(
            {
                "resources": {key: url(name) for key, name in ROOT_RESOURCES},
                "schema": url("schema"),
                "docs": url("swagger-ui"),
                "redoc": url("redoc"),
            }
        )
