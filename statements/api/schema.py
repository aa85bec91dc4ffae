"""OpenAPI helpers: shared parameters, problem responses and examples."""

from drf_spectacular import openapi
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import permissions, serializers

from statements.api.caching import ConditionalGetMixin
from statements.api.filters import list_valued
from statements.api.permissions import EditorsWrite
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


def _response_header(name, description, codes=True):
    return OpenApiParameter(
        name,
        OpenApiTypes.STR,
        location=OpenApiParameter.HEADER,
        description=description,
        response=codes,
    )


# A slug no record has now (statements.api.views.ResourceViewSet.handle_exception).
MOVED = OpenApiResponse(
    description="The record was renamed: `Location` is its URL now (the same "
    "endpoint at its current slug, with the same query string), whatever the "
    "number of renames. Permanent, since a slug is never given to another "
    "record, and cached like a read (`Cache-Control`), not for ever."
)
MOVED_FOR_WRITES = OpenApiResponse(
    description="The record was renamed: send the same request (method, body, "
    "If-Match) to `Location`, its URL now."
)
GONE = _problem(
    "The record was deleted; its slug is never given to another record. 404 "
    "when no record ever had the slug."
)
MOVED_HEADERS = [
    _response_header("Location", "The record's current URL.", codes=[301, 308]),
    _response_header(
        "Cache-Control",
        "As for a read: `public, max-age=N, s-maxage=0` without an API key, "
        "`private, max-age=N` with one.",
        codes=[301],
    ),
]
SLUG_RESPONSES = {301: MOVED, 404: NOT_FOUND, 410: GONE}
SLUG_DESCRIPTION = (
    " A slug the record had before a rename answers 301 to its current URL; "
    "the slug of a deleted record, 410."
)


def detail_operation(resource, *, examples=()):
    singular = resource.singular
    detail = bool(resource.detail)
    return extend_schema(
        summary=f"Get one {singular}",
        description=f"One {singular} by its slug, the stable public id."
        + SLUG_DESCRIPTION,
        parameters=[*resource_parameters(resource, detail=detail), *MOVED_HEADERS],
        responses={
            200: resource_serializer(resource.kind, detail=detail),
            **SLUG_RESPONSES,
            **ERRORS,
        },
        examples=list(examples) or None,
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

    def get_auth(self):
        """Reads stay open to anonymous clients (`{}`) where only writes need an
        editor (statements.api.permissions.EditorsWrite)."""
        auths = super().get_auth()
        if (
            self.method in permissions.SAFE_METHODS
            and {} not in auths
            and EditorsWrite in (p.__class__ for p in self.view.get_permissions())
        ):
            auths.append({})
        return auths

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


# --- Writes (statements.api.writes) --------------------------------------------------

CONFLICT = _problem(
    "Conflicts with the current data: a slug taken or retired, a statement text "
    "with quotes anchored to it, a record others point at; `errors` names the "
    "fields."
)
UNPROCESSABLE = _problem(
    "Well-formed but breaks a rule (spans that do not read the quote's text, a "
    "parent cycle, an unknown linked slug, a missing reason, ...); `errors` names "
    "each field."
)
MALFORMED = _problem(
    "Malformed body: not a JSON object, a wrong type, a missing required field or "
    "an unknown one; `errors` names each field."
)
FORBIDDEN = _problem("The key or user may read but not write (not an editor).")
WRITE_UNAUTHORIZED = _problem(
    "No credentials (or a bad key): writes need an editor key or an editor's "
    "session; see WWW-Authenticate."
)
PRECONDITION_FAILED = _problem(
    "If-Match does not hold the record's current ETag: someone changed it since."
)
PRECONDITION_REQUIRED = _problem("If-Match is missing.")

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=True,
    description="The record's current ETag, from a GET of its detail or the "
    "response of the last write: the change applies only to that version.",
)
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "minLength": 1, "maxLength": 255},
    location=OpenApiParameter.HEADER,
    description="A unique key (a UUID) that makes retrying the POST safe for 24 "
    "hours: the same key and body from the same client get the first response "
    "again, with `Idempotent-Replayed: true`, and nothing more is written; the "
    "same key with another body is a 422, and a duplicate sent while the first "
    "is still running a 409.",
)
DELETE_REASON = OpenApiParameter(
    "reason",
    {"type": "string", "maxLength": 500},
    description="Why the record is deleted, for the history.",
)
ETAG_HEADER = _response_header(
    "ETag",
    "The record's strong ETag after the write: send it in If-Match to change it again.",
    codes=[200, 201],
)
WRITE_HEADERS = [
    ETAG_HEADER,
    _response_header("Location", "The URL of the new record.", codes=[201]),
    _response_header(
        "Idempotent-Replayed",
        "`true` when the response is the stored one of an earlier request with "
        "the same Idempotency-Key.",
        codes=[201],
    ),
]
WRITE_ERRORS = {
    400: MALFORMED,
    401: WRITE_UNAUTHORIZED,
    403: FORBIDDEN,
    409: CONFLICT,
    422: UNPROCESSABLE,
}
PRECONDITION_ERRORS = {
    308: MOVED_FOR_WRITES,
    404: NOT_FOUND,
    410: GONE,
    412: PRECONDITION_FAILED,
    428: PRECONDITION_REQUIRED,
}

_STATEMENT = "voa-blinken-on-meeting-the-migration-challenge"
# One body per resource, for POST (and, whole, PUT): links by slug to seeded rows.
WRITE_EXAMPLES = {
    "speaker": {
        "slug": "alejandro-mayorkas",
        "name": "Alejandro Mayorkas",
        "sort_name": "Mayorkas, Alejandro",
        "given_name": "Alejandro",
        "family_name": "Mayorkas",
        "wikidata_id": "Q4717052",
        "roles": [
            {
                "title": "Secretary of Homeland Security",
                "organization": "government-of-the-united-states",
                "start_date": "2021-02-02",
                "end_date": "2025-01-20",
            }
        ],
        "reason": "Speaker of a statement being added.",
    },
    "event": {
        "slug": "summit-of-the-americas-2022",
        "name": "Ninth Summit of the Americas",
        "kind": "summit",
        "start_date": "2022-06-06",
        "end_date": "2022-06-10",
        "city": "Los Angeles",
        "country": "US",
        "hosts": [{"slug": "government-of-the-united-states", "role": "host"}],
        "parent": None,
    },
    "theme": {
        "slug": "labour-migration",
        "name": "Labour migration",
        "description": "Migration for work.",
        "parent": "migration",
    },
    "stakeholder_group": {
        "slug": "employers",
        "name": "Employers",
        "category": "private_sector",
    },
    "statement": {
        "slug": "state-department-press-release-2022-06-10",
        "title": "Los Angeles Declaration on Migration and Protection",
        "kind": "press_release",
        "author": {"type": "organization", "slug": "us-department-of-state"},
        "publisher": "us-department-of-state",
        "source_url": "https://statements.example.org/los-angeles-declaration",
        "published_on": "2022-06-10",
        "language": "en",
        "license": "Public domain (work of the U.S. Government)",
        "text": "We, the Heads of State and Government...",
        "event": "summit-of-the-americas-2022",
        "themes": ["migration"],
        "stakeholder_groups": ["governments-of-the-region"],
    },
    "organization": {
        "slug": "us-department-of-homeland-security",
        "name": "U.S. Department of Homeland Security",
        "classification": "government_department",
        "description": "The executive department of the United States Government "
        "responsible for homeland security.",
        "wikidata_id": None,
        "wikidata_certainty": None,
        "parent": "government-of-the-united-states",
    },
    "quote": {
        "slug": "blinken-migration-a-priority-paraphrase",
        "statement": _STATEMENT,
        "speaker": "antony-blinken",
        "fidelity": "paraphrase",
        "text": "Blinken called mass migration in the hemisphere a priority.",
        "spans": [{"start": 0, "end": 109}],
        "event": "ministerial-conference-on-migration-and-protection-2022",
        "themes": ["migration"],
        "stakeholder_groups": [
            {"slug": "united-states-government", "role": "mentioned"}
        ],
        "reason": "Paraphrase added for the summary page.",
    },
}
PATCH_EXAMPLES = {
    "quote": {
        "text": "Blinken called migration a priority.",
        "reason": "Shorter paraphrase.",
    },
    "statement": {"title": "Blinken on meeting the migration challenge"},
}


def write_operations(resource) -> dict:
    """The schema of a writable resource's POST, PUT, PATCH and DELETE."""
    from statements.api.writes import write_serializer

    singular = resource.singular
    body = write_serializer(resource.kind)
    detail = resource_serializer(resource.kind, detail=bool(resource.detail))
    example = WRITE_EXAMPLES[resource.kind]
    patch = PATCH_EXAMPLES.get(resource.kind, {"description": "Corrected wording."})
    if "description" in patch and not any(
        f.name == "description" for f in resource.fields
    ):
        patch = {"name": example.get("name", "New name")}

    def examples(value, name):
        return [OpenApiExample(name, value=value, request_only=True)]

    rules = (
        "Only editors may write: an API key with the editor scope, or the "
        "session of a Django user in the `editors` group (with its CSRF token). "
        "Errors: 400 malformed, 409 conflicts with the current data, 422 breaks a "
        "rule; each names the fields, and nothing is written."
    )
    return {
        "create": extend_schema(
            summary=f"Create a {singular}",
            description=f"Create a {singular}; the response is its detail, with "
            f"its URL in Location and its ETag. {rules}",
            request=body,
            parameters=[IDEMPOTENCY_KEY, *WRITE_HEADERS],
            responses={201: detail, **WRITE_ERRORS},
            examples=examples(example, f"A new {singular}"),
        ),
        "update": extend_schema(
            summary=f"Replace a {singular}",
            description=f"Replace a {singular}: fields left out take their "
            f"defaults. Needs If-Match. {rules}",
            request=body,
            parameters=[IF_MATCH, ETAG_HEADER, *MOVED_HEADERS],
            responses={200: detail, **WRITE_ERRORS, **PRECONDITION_ERRORS},
            examples=examples(example, f"A whole {singular}"),
        ),
        "partial_update": extend_schema(
            summary=f"Change a {singular}",
            description=f"Change the fields sent, leave the others. Needs "
            f"If-Match. {rules}",
            request=body,
            parameters=[IF_MATCH, ETAG_HEADER, *MOVED_HEADERS],
            responses={200: detail, **WRITE_ERRORS, **PRECONDITION_ERRORS},
            examples=examples(patch, "Some fields"),
        ),
        "destroy": extend_schema(
            summary=f"Delete a {singular}",
            description=f"Delete a {singular}; its slug is retired, never reused. "
            "A record others still point at is a 409. Needs If-Match. " + rules,
            parameters=[IF_MATCH, DELETE_REASON, *MOVED_HEADERS],
            responses={
                204: OpenApiResponse(description="Deleted."),
                **{k: v for k, v in WRITE_ERRORS.items() if k != 422},
                400: PROBLEM,
                **PRECONDITION_ERRORS,
            },
        ),
    }
