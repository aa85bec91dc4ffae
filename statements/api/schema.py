"""OpenAPI helpers: shared parameters, problem responses and examples."""

from drf_spectacular import openapi
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers

from statements.api.caching import ConditionalGetMixin
from statements.api.filters import list_valued
from statements.api.serializers import resource_serializer


class ProblemErrorSerializer(serializers.Serializer):
    parameter = serializers.CharField(
        allow_null=True, help_text="The query parameter or body field at fault."
    )
    message = serializers.CharField()
    code = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details, the shape of every error response."""

    type = serializers.URLField(help_text="A URI that identifies the problem type.")
    title = serializers.CharField(help_text="The HTTP status phrase.")
    status = serializers.IntegerField()
    detail = serializers.CharField(help_text="What went wrong, for a person to read.")
    errors = ProblemErrorSerializer(
        many=True, required=False, help_text="For validation errors: one per parameter."
    )


def _problem(description):
    return OpenApiResponse(ProblemSerializer, description=description)


PROBLEM = _problem("Invalid parameters: problem+json naming each parameter.")
NOT_FOUND = _problem("No such resource.")
TOO_MANY = _problem("Rate limit exceeded; see Retry-After.")
TOO_MANY_EXPORTS = _problem(
    "Rate limit exceeded, or this client already runs EXPORTS_PER_CLIENT exports; "
    "see Retry-After."
)
EXPORTS_BUSY = _problem(
    "The service already runs EXPORTS_IN_TOTAL exports; see Retry-After."
)
UNAUTHORIZED = _problem("The API key sent is unknown, revoked or expired.")
NOT_MODIFIED = OpenApiResponse(
    description="The copy named by If-None-Match or If-Modified-Since is current; "
    "not counted against the quota."
)
ERRORS = {400: PROBLEM, 429: TOO_MANY}


LIST_VALUES = (
    "Several values: repeat the parameter (`{name}=a&{name}=b`, as generated "
    "clients send arrays) or separate them with commas (`{name}=a,b`); both mean "
    "the same."
)


def list_description(name: str, description: str) -> str:
    """A list-valued parameter's description, saying how to send several values."""
    return f"{description} {LIST_VALUES.format(name=name)}"


def list_parameter(name: str, description: str, *, enum=None) -> OpenApiParameter:
    """A list-valued query parameter, in the form (`style: form, explode: true`)
    that generated clients send; comma lists work too (statements.api.params)."""
    return OpenApiParameter(
        name,
        OpenApiTypes.STR,
        description=list_description(name, description),
        enum=enum,
        explode=True,
        style="form",
        many=True,
    )


def expand_parameter(expand):
    return list_parameter(
        "expand",
        "Related objects to return in full instead of brief (slug, name, url). "
        f"Allowed: {', '.join(expand)}. Expansion applies to the top-level "
        "objects only.",
        enum=list(expand),
    )


def fields_parameter(names):
    return list_parameter(
        "fields",
        "Names of the top-level fields to return (others are left out). Unknown "
        "names give 400.",
        enum=list(names),
    )


def resource_parameters(resource, *, detail: bool) -> list[OpenApiParameter]:
    """`fields`, and `expand` where the resource has expandable links."""
    parameters = [fields_parameter(resource.field_names(detail=detail))]
    if resource.expandable:
        parameters.append(expand_parameter(resource.expandable))
    return parameters


class ListFilterExtension(DjangoFilterExtension):
    """django-filter parameters as the API reads them: list filters are arrays in
    the form generated clients send (`style: form, explode: true`)."""

    target_class = "statements.api.filters.FilterBackend"
    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, name, filter_):
        parameters = super().resolve_filter_field(
            auto_schema, model, filterset_class, name, filter_
        )
        if not list_valued(filter_):
            return parameters
        for parameter in parameters:
            if parameter["schema"].get("type") != "array":
                parameter["schema"] = {"type": "array", "items": parameter["schema"]}
            parameter["style"], parameter["explode"] = "form", True
            # After the help text, before drf-spectacular's list of choices.
            first, *rest = parameter.get("description", "").split("\n\n", 1)
            parameter["description"] = "\n\n".join(
                [list_description(name, first), *rest]
            )
        return parameters


def list_operation(resource, *, examples=()):
    plural = resource.plural.replace("_", " ")
    return extend_schema(
        summary=f"List {plural}",
        description=(
            f"A page of {plural}, filtered by the parameters below (all combine; "
            "several values of one parameter, repeated or comma-separated, mean "
            "any of them; an unknown parameter is a 400). The "
            "default order is stable; `Link` headers point to the first, previous, "
            "next and last pages."
        ),
        parameters=resource_parameters(resource, detail=False),
        responses={
            200: resource_serializer(resource.kind),
            404: _problem("A page past the last one, or deeper than pages go."),
            **ERRORS,
        },
        examples=list(examples) or None,
    )


def detail_operation(resource, *, examples=()):
    singular = resource.singular
    detail = bool(resource.detail)
    return extend_schema(
        summary=f"Get one {singular}",
        description=f"One {singular} by its slug, the stable public id.",
        parameters=resource_parameters(resource, detail=detail),
        responses={
            200: resource_serializer(resource.kind, detail=detail),
            404: NOT_FOUND,
            **ERRORS,
        },
        examples=list(examples) or None,
    )


def _response_header(name, description, codes=True):
    return OpenApiParameter(
        name,
        OpenApiTypes.STR,
        location=OpenApiParameter.HEADER,
        description=description,
        response=codes,
    )


RATE_LIMIT_HEADERS = [
    _response_header(
        "RateLimit-Policy",
        'The quota that applies, e.g. `"anonymous";q=60;w=60`: q requests per w '
        "seconds (draft-ietf-httpapi-ratelimit-headers).",
    ),
    _response_header(
        "RateLimit",
        'What is left of it, e.g. `"anonymous";r=59;t=42`: r requests for the '
        "next t seconds.",
    ),
    _response_header(
        "RateLimit-Cost",
        "Units of the quota this request cost: 1, a full-text search 2, the quote "
        "facets 5 when computed (1 from the cache), an export 10 (configurable).",
    ),
    _response_header(
        "Retry-After",
        "Seconds until the quota (or an export slot) is back.",
        codes=[429, 503],
    ),
]
VALIDATOR_HEADERS = [
    _response_header(
        "ETag",
        "Changes whenever the data behind the response does; send it back in "
        "If-None-Match.",
        codes=[200, 304],
    ),
    _response_header(
        "Last-Modified",
        "When the data last changed; send it back in If-Modified-Since.",
        codes=[200, 304],
    ),
    _response_header(
        "Cache-Control",
        "`public, max-age=N, s-maxage=0` without an API key (shared caches "
        "revalidate every use), `private, max-age=N` with one.",
        codes=[200, 304],
    ),
]


class AutoSchema(openapi.AutoSchema):
    """Adds what every operation shares: 401, 429, rate-limit and cache headers."""

    def _is_conditional(self) -> bool:
        return self.method == "GET" and isinstance(self.view, ConditionalGetMixin)

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(
            path, path_regex, path_prefix, method, registry
        )
        if operation is None:
            return None
        shared = {}
        if self.view.get_authenticators():
            shared["401"] = UNAUTHORIZED
        if self.view.get_throttles():
            shared["429"] = TOO_MANY
        if self._is_conditional():
            shared["304"] = NOT_MODIFIED
        responses = operation["responses"]
        for code, response in shared.items():
            if code not in responses:
                # Built as @extend_schema(responses=...) builds them, with headers.
                responses[code] = self._get_response_for_code(response, code)
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _get_examples(self, serializer, direction, media_type, *args, **kwargs):
        # The list examples (statements.api.examples) are whole pages, as the API
        # returns them: not single items for drf-spectacular to wrap in a page.
        self._examples_are_bodies = True
        try:
            return super()._get_examples(
                serializer, direction, media_type, *args, **kwargs
            )
        finally:
            self._examples_are_bodies = False

    def _is_list_view(self, serializer=None):
        if getattr(self, "_examples_are_bodies", False):
            return False
        return super()._is_list_view(serializer)

    def get_override_parameters(self):
        parameters = [*super().get_override_parameters(), *RATE_LIMIT_HEADERS]
        if self._is_conditional():
            parameters.extend(VALIDATOR_HEADERS)
        return parameters
