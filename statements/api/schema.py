"""OpenAPI helpers: shared parameters, problem responses and examples."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers


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
ERRORS = {400: PROBLEM, 429: TOO_MANY}


def expand_parameter(expand):
    return OpenApiParameter(
        "expand",
        OpenApiTypes.STR,
        description=(
            "Comma-separated related objects to return in full instead of brief "
            f"(slug, name, url). Allowed: {', '.join(expand)}."
        ),
        enum=list(expand),
        explode=False,
        style="form",
        many=True,
    )


FIELDS_PARAMETER = OpenApiParameter(
    "fields",
    OpenApiTypes.STR,
    description=(
        "Comma-separated names of the top-level fields to return (others are left "
        "out). Unknown names give 400."
    ),
)


def list_operation(plural: str, serializer, *, expand=()):
    parameters = [FIELDS_PARAMETER]
    if expand:
        parameters.append(expand_parameter(expand))
    return extend_schema(
        summary=f"List {plural}",
        description=(
            f"A page of {plural}, filtered by the parameters below (all combine; "
            "comma-separated values of one parameter mean any of them). The "
            "default order is stable; `Link` headers point to the first, previous, "
            "next and last pages."
        ),
        parameters=parameters,
        responses={200: serializer, **ERRORS},
    )


def detail_operation(singular: str, serializer, *, expand=()):
    parameters = [FIELDS_PARAMETER]
    if expand:
        parameters.append(expand_parameter(expand))
    return extend_schema(
        summary=f"Get one {singular}",
        description=f"One {singular} by its slug, the stable public id.",
        parameters=parameters,
        responses={200: serializer, 404: NOT_FOUND, **ERRORS},
    )
