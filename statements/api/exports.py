"""Bulk exports of every resource as CSV or NDJSON, streamed.

`GET /api/v1/exports/<resource>.csv` and `.ndjson` take the filters of the matching
list. The body streams from inside one transaction (statements.exports: COPY for
CSV, chunks of a server-side cursor for NDJSON), so a worker's memory stays flat
whatever the row count.
"""

from django.conf import settings
from django.http import StreamingHttpResponse
from django.urls import path
from django.utils import timezone
from drf_orjson_renderer.renderers import ORJSONRenderer
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.generics import GenericAPIView

from statements import db, exports
from statements.api import caching, filters, schema, serializers, throttling
from statements.api.concurrency import ExportSlots, HeldStream
from statements.api.params import StrictQueryMixin
from statements.problems import PROBLEM_CONTENT_TYPE


class ExportSchema(AutoSchema):
    """An export is a list in all but its media type: document the list's filters."""

    def get_filter_backends(self):
        return self.view.filter_backends


class ExportView(StrictQueryMixin, GenericAPIView):
    """Stream one resource in one format; subclassed per resource and format."""

    resource: exports.ExportResource
    export_format: exports.ExportFormat
    filter_backends = [filters.FilterBackend]
    pagination_class = None
    schema = ExportSchema()

    def get_queryset(self):
        return self.resource.model.objects.all()

    def perform_content_negotiation(self, request, force=False):
        # The path names the format, so Accept is not consulted; errors are JSON.
        renderer = ORJSONRenderer()
        return renderer, renderer.media_type

    def format_parameter(self):
        return None  # the path names the format; `?format=` is not read

    def rate_limit_cost(self) -> str:
        return "export"

    def get(self, request):
        # Invalid filters raise here, before streaming starts: a 400 like the lists.
        queryset = self.filter_queryset(self.get_queryset())
        bucket = throttling.policy_for(request._request, request.auth).bucket
        slots = ExportSlots(bucket).acquire()
        chunks = exports.export_stream(
            self.resource,
            self.export_format,
            queryset,
            base_url=request.build_absolute_uri("/"),
            # The body streams after the view returns: on the request's database.
            using=db.read_alias(),
        )
        response = StreamingHttpResponse(
            HeldStream(chunks, slots), content_type=self.export_format.content_type
        )
        day = timezone.now().date().isoformat()
        filename = (
            f"statements-api-{self.resource.name}-{day}.{self.export_format.name}"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        # The licence of the project's data (RFC 4946); the source texts keep
        # their own, named in the statements' columns.
        response["Link"] = f'<{settings.DATA_LICENSE["url"]}>; rel="license"'
        # Reverse proxies would otherwise buffer the whole body.
        response["X-Accel-Buffering"] = "no"
        # A snapshot of the moment, without validators and up to the whole data
        # set: no cache could revalidate it, and a stored copy would dodge the
        # quota. See docs/partners.md, "Caching".
        caching.set_no_store(response)
        return response


def _description(resource: exports.ExportResource, fmt: exports.ExportFormat) -> str:
    lines = [
        f"Every {resource.singular} matching the filters (the same as the list's), "
        f"as {fmt.name.upper()}, streamed in the list's order. The response is an "
        f"attachment named `statements-api-{resource.name}-YYYY-MM-DD.{fmt.name}`; "
        "invalid filters give 400 problem+json before any row is sent. See "
        "docs/exports.md.",
        "",
        "An export costs `RATE_LIMIT_EXPORT_COST` (10) units of the rate limit "
        "(`RateLimit-Cost`), and a client runs at most `EXPORTS_PER_CLIENT` (2) at "
        "once (one more: 429), the service at most `EXPORTS_IN_TOTAL` (4) (one "
        "more: 503); both with Retry-After.",
        "",
    ]
    if fmt.name == "csv":
        lines.append(
            "UTF-8, a header row, then one row per record, written by PostgreSQL's "
            "COPY: RFC 4180 quoting, lines end with LF. Empty cells are nulls. "
            "A text cell starting with `=`, `+`, `-`, `@`, a tab, a carriage "
            "return or `'` gets a leading `'`, so that spreadsheets show it "
            "rather than run it as a formula (CSV injection): drop one leading "
            "`'` to get the verbatim value, which the NDJSON export and the API "
            "carry unchanged. Columns:"
        )
        lines += [f"- `{c.name}`: {c.description}" for c in resource.columns]
    else:
        lines.append("One JSON object per line (UTF-8). Keys:")
        lines += [f"- `{f.name}`: {f.description}" for f in resource.fields]
        lines += [
            "",
            "Differences of a record from the list API's item: " + resource.differences,
        ]
    return "\n".join(lines)


def _file_response(resource: exports.ExportResource, fmt: exports.ExportFormat):
    if fmt.name == "csv":
        return OpenApiResponse(OpenApiTypes.STR, description="The CSV file, streamed.")
    # The schema of one line; schema_hooks.ndjson_bodies_are_lines_of_records
    # makes the body a string whose lines it describes.
    return OpenApiResponse(
        serializers.export_record_serializer(resource.resource.kind),
        description="The NDJSON file, streamed: one JSON object per line, each "
        "as `x-ndjson-item` describes.",
    )


LICENSE_LINK = schema._response_header(
    "Link",
    'The licence of the project\'s data, `<URL>; rel="license"` (RFC 4946; '
    "DATA_LICENSE_URL, CC BY 4.0 by default). The source texts keep their own, "
    "named in the statements' `license` and `license_url`.",
    codes=[200],
)


def _export_view(resource: exports.ExportResource, fmt: exports.ExportFormat):
    camel = "".join(part.title() for part in resource.name.split("-"))
    view = type(
        f"{camel}{fmt.name.title()}ExportView",
        (ExportView,),
        {
            "resource": resource,
            "export_format": fmt,
            "filterset_class": filters.FILTERSETS[resource.resource.kind],
            "__doc__": f"GET /api/v1/exports/{resource.name}.{fmt.name}",
        },
    )
    media_type = fmt.content_type.split(";")[0]
    return extend_schema_view(
        get=extend_schema(
            operation_id=f"exports_{resource.name.replace('-', '_')}_{fmt.name}",
            summary=f"Export {resource.name.replace('-', ' ')} as {fmt.name.upper()}",
            description=_description(resource, fmt),
            tags=["exports"],
            parameters=[LICENSE_LINK],
            responses={
                (200, media_type): _file_response(resource, fmt),
                (400, PROBLEM_CONTENT_TYPE): schema.PROBLEM,
                (429, PROBLEM_CONTENT_TYPE): schema.TOO_MANY_EXPORTS,
                (503, PROBLEM_CONTENT_TYPE): schema.EXPORTS_BUSY,
            },
        )
    )(view)


urlpatterns = [
    path(
        f"exports/{name}.{fmt.name}",
        _export_view(resource, fmt).as_view(),
        name=f"export-{name}-{fmt.name}",
    )
    for name, resource in exports.RESOURCES.items()
    for fmt in exports.FORMATS.values()
]
