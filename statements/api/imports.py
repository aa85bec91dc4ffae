"""`POST /api/v1/imports/preview/`: the importer's dry run for editors.

The body is `{"text": "..."}` (plain text) or `{"html": "..."}`; the answer is the
JSON of `manage.py import_article --dry-run --json`. Nothing is written.
"""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from statements.api.permissions import EditorsWrite
from statements.api.schema import PROBLEM, UNAUTHORIZED, _problem
from statements.api.schema_hooks import BODY_REQUIRED
from statements.choices import AlterationKind
from statements.importer import services

# The longest article a preview reads (a long news article is 10,000 characters).
MAX_ARTICLE_CHARS = 200_000
# The longest body: the article JSON-escaped (a \uXXXX is 6 bytes) and its key.
MAX_BODY_BYTES = 6 * MAX_ARTICLE_CHARS + 1024


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The article is too large."
    default_code = "payload-too-large"


class PreviewRequestSerializer(serializers.Serializer):
    text = serializers.CharField(
        required=False,
        trim_whitespace=False,
        help_text="The article as plain text: its lines are its paragraphs.",
    )
    html = serializers.CharField(
        required=False,
        trim_whitespace=False,
        help_text="The article as an HTML page: its text is read by the "
        "importer's rule (docs/importer.md).",
    )

    def to_internal_value(self, data):
        # A number is not an article: DRF's CharField would take 3.4e38 as text.
        if isinstance(data, dict):
            wrong = [name for name in self.fields if name in data]
            wrong = [name for name in wrong if not isinstance(data[name], str)]
            if wrong:
                raise serializers.ValidationError(
                    {name: ["Not a string."] for name in wrong}
                )
        return super().to_internal_value(data)

    def validate(self, attrs):
        if len(attrs) != 1:
            raise serializers.ValidationError("Send exactly one of text or html.")
        return attrs


def _one_of_the_fields(serializer: type[serializers.Serializer]) -> dict:
    """The request body's schema: an object with exactly one of the serializer's
    fields, not blank (what `validate` and the fields require)."""
    fields = serializer().fields
    return {
        "oneOf": [
            {
                "type": "object",
                "title": name,
                "required": [name],
                # The other field must not come along, whatever its value.
                "not": {
                    "required": others,
                    "properties": {other: {} for other in others},
                },
                "properties": {
                    name: {
                        "type": "string",
                        "minLength": 1,
                        "description": str(field.help_text),
                    }
                },
            }
            for name, field in fields.items()
            for others in [[other for other in fields if other != name]]
        ]
    }


class SpeakerProposalSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField(
        allow_null=True, help_text="A known speaker's slug; null for a new one."
    )


class AttributionSerializer(serializers.Serializer):
    rule = serializers.CharField(help_text="The rule that found the speaker.")
    text = serializers.CharField(allow_null=True)
    span = serializers.ListField(
        child=serializers.IntegerField(), allow_null=True, min_length=2, max_length=2
    )
    verb = serializers.CharField(allow_null=True)
    speaker_text = serializers.CharField(allow_null=True)


class ProposedAlterationSerializer(serializers.Serializer):
    """An alteration found in the article: `span` in the article's text (a
    confirmed quote's `alterations` count from the start of its own text)."""

    kind = serializers.ChoiceField(choices=AlterationKind.choices)
    span = serializers.ListField(
        child=serializers.IntegerField(), min_length=2, max_length=2
    )
    text = serializers.CharField()


class QuoteProposalSerializer(serializers.Serializer):
    spans = serializers.ListField(
        child=serializers.ListField(
            child=serializers.IntegerField(), min_length=2, max_length=2
        ),
        help_text="[start, end) code-point offsets into the article's text; a "
        "direct quote's span is the text strictly between its marks.",
    )
    text = serializers.CharField(help_text="The spans' text, joined by a space.")
    fidelity = serializers.ChoiceField(choices=["direct", "reported"])
    speaker = SpeakerProposalSerializer(allow_null=True)
    attribution = AttributionSerializer(allow_null=True)
    alterations = ProposedAlterationSerializer(many=True)


class PreviewSerializer(serializers.Serializer):
    quotes = QuoteProposalSerializer(many=True)


EXAMPLE_TEXT = '"We will win," said Jane Doe.'


class ImportPreviewView(APIView):
    """The quotes the importer would propose for an article, written nowhere."""

    permission_classes = [EditorsWrite]

    @extend_schema(
        operation_id="imports_preview",
        summary="Preview an article's import (editors)",
        description=(
            "The quotes `manage.py import_article` would propose for the article "
            "in the body, with their spans, speakers and attributions; nothing "
            "is written. Editors only: an API key with the editor scope, or a "
            "user of the editors group. The article is at most "
            f"{MAX_ARTICLE_CHARS} characters (413 beyond)."
        ),
        request={"application/json": _one_of_the_fields(PreviewRequestSerializer)},
        extensions={BODY_REQUIRED: True},
        responses={
            200: PreviewSerializer,
            400: PROBLEM,
            401: UNAUTHORIZED,
            403: _problem("Only editors may preview an import."),
            413: _problem("The article is too large."),
        },
        examples=[
            OpenApiExample(
                "Plain text", value={"text": EXAMPLE_TEXT}, request_only=True
            )
        ],
    )
    def post(self, request):
        limit = MAX_ARTICLE_CHARS
        # Bytes first, before parsing: a body this large is refused unread.
        length = request.META.get("CONTENT_LENGTH") or "0"
        if not length.isdigit() or int(length) > MAX_BODY_BYTES:
            raise PayloadTooLarge(f"The body is over {MAX_BODY_BYTES} bytes.")
        body = PreviewRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        (kind, content), *_ = body.validated_data.items()
        if len(content) > limit:
            raise PayloadTooLarge(f"The article is over {limit} characters.")
        media_type = services.HTML if kind == "html" else services.PLAIN
        article = services.read_article(content, media_type=media_type)
        return Response(services.preview(article))
