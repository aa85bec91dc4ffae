"""Resource viewsets of the public API: reads for all, writes for editors."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView, set_rollback

from statements import selectors
from statements.api import examples, filters, params, schema, writes
from statements.api import serializers as s
from statements.api.caching import (
    ConditionalGetMixin,
    Validators,
    record_etag,
    set_cache_control,
)
from statements.api.history import HistoryMixin, history_operation
from statements.api.pagination import (
    ListPagination,
    SearchablePagination,
    result_cache,
)
from statements.models import Quote
from statements.representations import Representer, data_license
from statements.resources import RESOURCES, Resource


def query_list(request, name: str) -> list[str]:
    """The items of a list-valued query parameter (params.query_list)."""
    try:
        return params.query_list(request.query_params, name)
    except DjangoValidationError as error:
        raise ValidationError({name: error.messages}) from None


def _names(values) -> str:
    return ", ".join(value[:50] for value in values[:10])


class Gone(APIException):
    status_code = status.HTTP_410_GONE
    default_detail = "The record was deleted; its slug is never given to another."
    default_code = "gone"


class ResourceViewSet(
    params.StrictQueryMixin, ConditionalGetMixin, viewsets.ReadOnlyModelViewSet
):
    """List and detail by slug of one resource, with `?expand=` and `?fields=`.

    Subclassed per resource by `resource_viewset`, which reads the resource's
    declaration (statements.resources).
    """

    resource: Resource
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    filter_backends = [filters.FilterBackend]
    pagination_class = ListPagination

    @property
    def detail(self) -> bool:
        return self.action == "retrieve"

    def get_serializer_class(self):
        return s.resource_serializer(self.resource.kind, detail=self.detail)

    def get_expand(self) -> frozenset[str]:
        """The `?expand=` names, checked against the resource's expandable fields."""
        if not hasattr(self, "_expand"):
            allowed = self.resource.expandable
            unknown = sorted(set(query_list(self.request, "expand")) - set(allowed))
            if unknown:
                raise ValidationError(
                    {
                        "expand": [
                            f"Cannot expand {_names(unknown)}; allowed: "
                            f"{', '.join(allowed) or 'nothing'}."
                        ]
                    }
                )
            self._expand = frozenset(query_list(self.request, "expand"))
        return self._expand

    def get_fields(self) -> frozenset[str] | None:
        """The `?fields=` names, checked against the resource's fields."""
        if not hasattr(self, "_fields"):
            wanted = query_list(self.request, "fields")
            known = self.resource.field_names(detail=self.detail)
            unknown = sorted(set(wanted) - set(known))
            if unknown:
                raise ValidationError(
                    {"fields": [f"Unknown field(s): {_names(unknown)}."]}
                )
            self._fields = frozenset(wanted) or None
        return self._fields

    def rate_limit_cost(self) -> str | None:
        """The quota units of a request (statements.api.throttling.cost_of)."""
        if self.action == "facets":
            return "facets" if self.facets_to_compute() else None
        if self.action == "list" and self.request.query_params.get("q"):
            return "search"
        return None

    def get_query_parameters(self):
        if self.action not in ("list", "retrieve"):
            return ()
        return schema.resource_parameters(self.resource, detail=self.detail)

    def query_checks(self):
        # A resource without expandable fields does not take `expand` at all:
        # the unknown-parameter check names it, once.
        checks = [self.get_expand] if self.resource.expandable else []
        return [*checks, self.get_fields, *super().query_checks()]

    def get_queryset(self):
        return self.resource.model.objects.all()

    def list(self, request, *args, **kwargs):
        rows = self.filter_queryset(self.get_queryset()).values("id", "updated_at")
        page = self.paginate_queryset(rows)
        if isinstance(self.paginator, SearchablePagination):
            self.paginator.search = self.search_summary(found=bool(page))
        return self.get_paginated_response(self.represent([row["id"] for row in page]))

    def search_summary(self, *, found: bool) -> dict | None:
        """The page's `search`: the query, and a suggestion when nothing matched
        (an empty first page: a later keyset page may be empty at the end)."""
        q = self.request.query_params.get("q", "").strip()
        if not q:
            return None
        first = not self.request.query_params.get(self.paginator.cursor_query_param)
        suggestion = None if found or not first else selectors.search_suggestion(q)
        return {"query": q, "suggestion": suggestion}

    # The detail's record version (selectors.record_version), read with its
    # validators (its id first), or None without such a record.
    record_version = None

    def get_validators(self, request) -> Validators:
        """A detail's ETag is its record's strong one (caching.record_etag)."""
        validators = super().get_validators(request)
        if self.action != "retrieve":
            return validators
        slug = str(self.kwargs[self.lookup_field])
        self.record_version = selectors.record_version(self.resource.kind, slug)
        if self.record_version is None:
            return validators
        etag = record_etag(
            self.resource.kind,
            self.record_version,
            request._request.META.get("QUERY_STRING", ""),
        )
        return Validators(etag=etag, last_modified=validators.last_modified)

    def retrieve(self, request, *args, **kwargs):
        slug = str(kwargs[self.lookup_field])
        if self.record_version is not None:
            pk = self.record_version[0]
        else:
            rows = self.get_queryset().filter(slug=slug)
            pk = rows.values_list("pk", flat=True).first()
        if pk is None:
            raise NotFound(f"No {self.resource.singular} with slug {slug[:100]!r}.")
        return Response(self.represent([pk])[0])

    def handle_exception(self, exc):
        """A slug no record has now: 301 (308 for a write) to the record's
        current URL when it was renamed, 410 when it was deleted, else 404."""
        if isinstance(exc, NotFound | Http404) and self.lookup_field in self.kwargs:
            retired = self.retired()
            if retired is not None and retired.current is not None:
                set_rollback()
                return self.moved_to(retired.current)
            if retired is not None and self.action != "history":
                exc = Gone(
                    f"The {self.resource.singular} {retired.slug[:100]!r} was "
                    "deleted; its slug is never given to another."
                )
        return super().handle_exception(exc)

    def retired(self) -> selectors.Retired | None:
        slug = str(self.kwargs[self.lookup_field])
        return selectors.retired_slugs(self.resource.kind, [slug]).get(slug)

    def redirect_if_renamed(self) -> Response | None:
        """The redirect to the record's current URL, if the slug was renamed."""
        retired = self.retired()
        if retired is None or retired.current is None:
            return None
        return self.moved_to(retired.current)

    def moved_to(self, slug: str) -> Response:
        """301 to the same endpoint at `slug`, with the same query string; 308
        for a write, so that the client sends the same method and body again.

        Permanent, since a slug is never reused, but cached like a read
        (API_CACHE_MAX_AGE, revalidated by shared caches): a redirect stored
        without a lifetime would outlive a later rename, and cost a hop more."""
        request = self.request
        match = request._request.resolver_match
        path = reverse(
            match.view_name,
            args=match.args,
            kwargs={**match.kwargs, self.lookup_field: slug},
        )
        query = request._request.META.get("QUERY_STRING", "")
        location = request.build_absolute_uri(path + (f"?{query}" if query else ""))
        safe = request.method in permissions.SAFE_METHODS
        response = Response(
            status=(
                status.HTTP_301_MOVED_PERMANENTLY
                if safe
                else status.HTTP_308_PERMANENT_REDIRECT
            ),
            headers={"Location": location},
        )
        if safe:
            set_cache_control(request, response)
        return response

    def represent_detail(self, pk) -> dict:
        """The detail JSON of one record, whole (no ?fields=, no ?expand=)."""
        return Representer(self.request).build(self.resource.kind, [pk], detail=True)[0]

    def represent(self, ids):
        representer = Representer(
            self.request, expand=self.get_expand(), fields=self.get_fields()
        )
        return representer.build(
            self.resource.kind,
            ids,
            detail=self.detail,
            search=self.request.query_params.get("q"),
        )


class QuoteFacetsMixin:
    """`/quotes/facets/`: counts for the same filters as the quote list."""

    @extend_schema(
        summary="Facet counts of quotes",
        description=(
            "Counts of the quotes matching the same filters as the list, by theme, "
            "stakeholder group, speaker, event and month, so that a frontend can "
            "draw filter sidebars and timelines from one call. Each count is what "
            "adding that filter returns: a theme or an event counts its "
            "descendants' quotes too (as `?theme=` and `?event=` do, and as its "
            "`quote_count`), and a month counts the quotes whose date range "
            "(`date_from` to `date_to`) touches it, plus a last bucket (month "
            "null) of the undated quotes."
        ),
        responses={200: s.QuoteFacetsSerializer, **schema.ERRORS},
        examples=examples.response_examples("quotes-facets"),
        filters=True,
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def facets(self, request):
        facets = result_cache.get(
            "facets",
            self.facet_quotes(),
            selectors.data_version(request)[0],
            selectors.quote_facets,
        )
        return Response(s.QuoteFacetsSerializer(facets).data)

    def facet_quotes(self):
        return self.filter_queryset(Quote.objects.order_by())

    def facets_to_compute(self) -> bool:
        """Whether this process must compute the facets asked for (what costs),
        rather than answer from its cache. Bad filters are the view's 400."""
        try:
            quotes = self.facet_quotes()
        except ValidationError:
            return False
        version = selectors.data_version(self.request)[0]
        return not result_cache.has("facets", quotes, version)


# What HTTP adds to a resource beyond its declaration: extra actions.
MIXINS = {"quote": (QuoteFacetsMixin,)}


def resource_viewset(resource: Resource) -> type[ResourceViewSet]:
    """The viewset of a resource, documented from its declaration."""
    name = "".join(part.title() for part in resource.kind.split("_"))
    bases = (*MIXINS.get(resource.kind, ()), HistoryMixin, ResourceViewSet)
    operations = {
        "list": schema.list_operation(
            resource, examples=examples.response_examples(f"{resource.route}-list")
        ),
        "retrieve": schema.detail_operation(
            resource, examples=examples.response_examples(f"{resource.route}-detail")
        ),
        "history": history_operation(resource),
    }
    if resource.writable:
        bases = (writes.WriteMixin, *bases)
        operations.update(schema.write_operations(resource))
    viewset = type(
        f"{name}ViewSet",
        bases,
        {
            "resource": resource,
            "filterset_class": filters.FILTERSETS[resource.kind],
            "pagination_class": (
                SearchablePagination
                if "q" in filters.FILTERSETS[resource.kind].base_filters
                else ListPagination
            ),
            "__doc__": f"List and detail of {resource.plural.replace('_', ' ')}"
            + (", and their editing." if resource.writable else "."),
        },
    )
    return extend_schema_view(**operations)(viewset)


VIEWSETS = {resource.kind: resource_viewset(resource) for resource in RESOURCES}


class SearchView(params.StrictQueryMixin, ConditionalGetMixin, APIView):
    """GET /api/v1/search/?q= — typed hits across every resource."""

    query_parameters = (
        OpenApiParameter(
            "q",
            {
                "type": "string",
                "minLength": 1,
                "maxLength": params.MAX_SEARCH_LENGTH,
                "pattern": r"\S",
            },
            required=True,
            description=(
                f"Search text (websearch syntax), at most {params.MAX_SEARCH_TERMS} "
                "words."
            ),
        ),
        schema.list_parameter(
            "type",
            "Only hits of these types (default: all).",
            enum=list(selectors.SEARCH_TYPES),
        ),
        OpenApiParameter(
            "limit",
            {"type": "integer", "minimum": 1, "maximum": 50},
            description="Hits per type, 1 to 50 (default 10).",
        ),
    )

    def query_checks(self):
        return [self.search_query]

    def rate_limit_cost(self) -> str:
        return "search"

    def search_query(self) -> dict:
        """The validated q, type and limit."""
        if not hasattr(self, "_search_query"):
            serializer = s.SearchQuerySerializer(data=self.request.query_params)
            serializer.is_valid(raise_exception=True)
            self._search_query = serializer.validated_data
        return self._search_query

    @extend_schema(
        operation_id="search",
        summary="Search everything",
        description=(
            "Full-text search across quotes, statements, speakers, events, themes and "
            "stakeholder groups. Returns typed hits ranked by relevance, each with a "
            "`highlight` snippet where the match is in text."
        ),
        parameters=list(query_parameters),
        responses={200: s.SearchResultsSerializer, 400: schema.PROBLEM},
    )
    def get(self, request):
        results = selectors.search_everything(**self.search_query())
        return Response(
            s.SearchResultsSerializer(
                results, context=self.get_serializer_context()
            ).data
        )

    def get_serializer_context(self):
        return {"request": self.request, "view": self}


# The API root's entries besides the resources' lists, after the one named.
ROOT_EXTRAS = {"quote": [("quote_facets", "quote-facets")]}
ROOT_SERVICES = [("search", "search"), ("changes", "changes"), ("quota", "quota")]


def root_entries() -> list[tuple[str, str]]:
    """(key, URL name) of every entry of the API root, in order."""
    entries = []
    for resource in RESOURCES:
        entries.append((resource.plural, resource.list_view))
        entries += ROOT_EXTRAS.get(resource.kind, [])
    return entries + ROOT_SERVICES


ApiRootResourcesSerializer = type(
    "ApiRootResourcesSerializer",
    (serializers.Serializer,),
    {
        "__doc__": "The URL of every resource list and service, by name.",
        **{key: serializers.URLField() for key, _ in root_entries()},
    },
)


TEXT_LICENSE_NOTE = (
    "The source texts (a statement's text, a quote's words) keep the licence of "
    "their source document, which each statement names (`license`, "
    "`license_url`) and each record repeats in `licenses.text`."
)


class ApiRootLicensesSerializer(serializers.Serializer):
    """The licences of the data: the project's annotations, the source texts."""

    data = s.LicenseSerializer(
        help_text="What this project adds to the source texts: every field but the "
        "source's words (spans, themes, stakeholder roles, notes)."
    )
    text = serializers.CharField(help_text="Where the source texts' licences are.")


class ApiRootSerializer(serializers.Serializer):
    resources = ApiRootResourcesSerializer()
    licenses = ApiRootLicensesSerializer()
    schema = serializers.URLField()
    docs = serializers.URLField()
    redoc = serializers.URLField()


class ApiRootView(params.StrictQueryMixin, ConditionalGetMixin, APIView):
    """GET /api/v1/ — the resources of the API and where to find them."""

    @extend_schema(
        summary="API root",
        tags=["root"],
        description="Every resource with its URL, the licences of the data, and "
        "the schema and docs.",
        responses={200: ApiRootSerializer, 429: schema.TOO_MANY},
    )
    def get(self, request):
        def url(name):
            return request.build_absolute_uri(reverse(name))

        return Response(
            {
                "resources": {key: url(name) for key, name in root_entries()},
                "licenses": {"data": data_license(), "text": TEXT_LICENSE_NOTE},
                "schema": url("schema"),
                "docs": url("swagger-ui"),
                "redoc": url("redoc"),
            }
        )
