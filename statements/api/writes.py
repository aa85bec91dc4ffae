"""The write API: POST on lists, PUT/PATCH/DELETE on details, for editors.

Each writable resource (`Resource.writable`) gets, from its declaration, a request
body (`<Model>Write`: its editable values, links by slug, nested rows as its
JSON shows them) and the write actions of `WriteMixin`. The rules live in the
domain (statements.services.save_record, the models' validation); this module is
HTTP: who may write, preconditions (If-Match), idempotent POSTs, statuses.
"""

import hashlib
import json
import logging
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import MinLengthValidator
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.http import parse_etags
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions, serializers, status
from rest_framework.exceptions import ErrorDetail
from rest_framework.response import Response

from statements import resources as r
from statements import selectors, services
from statements.api.caching import PreconditionFailed, record_etag
from statements.api.permissions import EditorsWrite
from statements.api.serializers import AlterationSerializer, SpanSerializer
from statements.choices import AuthorType, HostRole, StakeholderRole
from statements.history import recording
from statements.models import IDEMPOTENCY_TTL, IdempotencyKey
from statements.resources import BY_KIND, Resource

logger = logging.getLogger(__name__)

REASON_MAX_LENGTH = 500
IDEMPOTENCY_KEY_MAX_LENGTH = 255
REPLAYED_HEADER = "Idempotent-Replayed"


# --- Errors ------------------------------------------------------------------------


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = (
        "Send If-Match with the record's current ETag (from a GET of it) to change "
        "or delete it."
    )
    default_code = "precondition_required"


class Conflict(exceptions.ValidationError):
    """Field errors that conflict with the current data (409)."""

    status_code = status.HTTP_409_CONFLICT


class Unprocessable(exceptions.ValidationError):
    """Field errors of a well-formed body that breaks a rule (422)."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY


class IdempotencyConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = (
        "A request with this Idempotency-Key is still being processed; retry later."
    )
    default_code = "idempotency_conflict"


def rule_error(error: DjangoValidationError) -> exceptions.ValidationError:
    """A domain ValidationError as a 409 (conflict codes only) or 422, naming
    each field as the problem+json `errors` do."""
    if hasattr(error, "error_dict"):
        detail = {
            name: [
                ErrorDetail(message, code=e.code or "invalid")
                for e in errors
                for message in e.messages
            ]
            for name, errors in error.error_dict.items()
        }
        codes = {e.code for errors in error.error_dict.values() for e in errors}
    else:
        detail = [
            ErrorDetail(message, code=e.code or "invalid")
            for e in error.error_list
            for message in e.messages
        ]
        codes = {e.code for e in error.error_list}
    if codes and codes <= services.CONFLICT_CODES:
        return Conflict(detail)
    return Unprocessable(detail)


# --- Request bodies ----------------------------------------------------------------


class ClosedSerializer(serializers.Serializer):
    """Takes only its fields: any other key is a 400 naming it, as the schema
    says (`additionalProperties: false`, schema_hooks.write_bodies_are_closed)."""

    def ignored_keys(self) -> set[str]:
        return set()

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            for text in (field, getattr(field, "child", None)):
                if not isinstance(text, serializers.CharField):
                    continue
                # Editors' text is kept verbatim (a quote reads its spans exactly).
                text.trim_whitespace = False
                if text.allow_null:
                    # None is null: one way to say it, and a plain schema.
                    text.allow_blank = False
                if not text.allow_blank:
                    # The schema says so (minLength: 1), as the field checks it.
                    text.min_length = text.min_length or 1
                    text.validators.append(MinLengthValidator(1))
        return fields

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise exceptions.ValidationError(
                {"non_field_errors": ["Expected a JSON object."]}
            )
        unknown = sorted(set(data) - set(self.fields) - self.ignored_keys())
        if unknown:
            raise exceptions.ValidationError(
                {str(name)[:100]: ["Unknown field."] for name in unknown[:20]}
            )
        if self.parent is not None:
            # A nested object (a role, a link, an anchor) is replaced, never
            # merged: its required keys stay required in a PATCH, which makes
            # every field optional.
            missing = [
                name
                for name, field in self.fields.items()
                if field.required and not field.read_only and name not in data
            ]
            if missing:
                raise exceptions.ValidationError(
                    {name: ["This field is required."] for name in missing}
                )
        return super().to_internal_value(data)


class StakeholderLinkWriteSerializer(ClosedSerializer):
    """A quote's link to a stakeholder group, by slug, with the group's role."""

    slug = serializers.SlugField(help_text="The stakeholder group's slug.")
    role = serializers.ChoiceField(choices=StakeholderRole.choices)


class HostLinkWriteSerializer(ClosedSerializer):
    """An event's link to an organization that hosted it, by slug, with its role."""

    slug = serializers.SlugField(help_text="The organization's slug.")
    role = serializers.ChoiceField(choices=HostRole.choices)


class AuthorWriteSerializer(ClosedSerializer):
    """A statement's author: a speaker (a person) or an organization, by slug."""

    type = serializers.ChoiceField(choices=AuthorType.choices)
    slug = serializers.SlugField(help_text="The speaker's or organization's slug.")


class AlterationWriteSerializer(ClosedSerializer, AlterationSerializer):
    """An editorial alteration in the quote's text; `delivered` null when unknown."""

    def to_internal_value(self, data):
        # Whole even in a PATCH (which makes nested fields optional): an
        # alteration is replaced, never merged.
        if isinstance(data, dict):
            missing = [name for name in self.fields if name not in data]
            if missing:
                raise exceptions.ValidationError(
                    {name: ["This field is required."] for name in missing}
                )
        return super().to_internal_value(data)


class QuoteAnchorWriteSerializer(ClosedSerializer):
    """A quote of the statement with its new spans (and text) in the new text."""

    slug = serializers.SlugField(help_text="The quote's slug.")
    spans = serializers.ListField(
        child=SpanSerializer(), allow_empty=False, min_length=1
    )
    text = serializers.CharField(
        required=False, help_text="The quote's new text, if it changes too."
    )
    attribution_start = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="Where the quote's attribution now starts in the new text; "
        "left out, it moves as far as the quote's first span.",
    )


class SpeakerRoleWriteSerializer(ClosedSerializer, serializers.ModelSerializer):
    """An office a speaker held; a speaker's `roles` replace all of them."""

    organization = serializers.SlugField(help_text="The organization's slug.")

    class Meta:
        model = r.SPEAKER.model._meta.get_field("roles").related_model
        fields = [
            "title",
            "organization",
            "start_date",
            "end_date",
            "end_date_certainty",
            "source_url",
            "note",
        ]
        validators = []


class WriteSerializer(ClosedSerializer, serializers.ModelSerializer):
    """Base of the request bodies: unknown keys are a 400; the keys of the
    resource's JSON that cannot be written (url, counts, ...) are ignored, so
    that a body read with GET can be sent back changed."""

    resource: Resource

    def ignored_keys(self) -> set[str]:
        return set(self.resource.field_names(detail=True))

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            field.validators = [
                v for v in field.validators if "Unique" not in type(v).__name__
            ]
        return fields


def _write_field(f: r.Field):
    match f:
        case r.Link():
            return serializers.SlugField(
                allow_null=f.null,
                required=not f.null,
                help_text=f"The {f.target.replace('_', ' ')}'s slug"
                + (" (null: none)." if f.null else "."),
            )
        case r.Links(role=None, through=str()):
            return serializers.ListField(
                child=serializers.SlugField(),
                required=False,
                help_text=f"The {f.target.replace('_', ' ')}s' slugs (all of them).",
            )
        case r.Links(through=str(), target="organization"):
            return HostLinkWriteSerializer(many=True, required=False)
        case r.Links(through=str()):
            return StakeholderLinkWriteSerializer(many=True, required=False)
        case r.Author():
            return AuthorWriteSerializer(
                allow_null=True,
                required=False,
                help_text="Who wrote it: {type, slug}; null when unknown.",
            )
        case r.Alterations():
            return serializers.ListField(
                child=AlterationWriteSerializer(),
                required=False,
                help_text="The editorial alterations in the text (all of them), in "
                "order: code-point offsets [start, end) into the quote's text, each "
                "reading what its kind says (an ellipsis reads an ellipsis).",
            )
        case r.Spans():
            return serializers.ListField(
                child=SpanSerializer(),
                allow_empty=False,
                min_length=1,
                help_text="Where the quote sits in its statement's text: code-point "
                "offsets [start, end), in order; direct and reported quotes read "
                "exactly their text (spans joined by one space).",
            )
        case r.Nested(name="roles"):
            return SpeakerRoleWriteSerializer(
                many=True, required=False, help_text="The offices held (all of them)."
            )
        case r.Nested(name="quotes"):
            return QuoteAnchorWriteSerializer(
                many=True,
                required=False,
                help_text="With a new `text`: every quote anchored to the statement, "
                "with its spans (and text) in the new text, changed in the same "
                "transaction. Needs `reason`.",
            )
    return None


@cache
def write_serializer(kind: str):
    """The request body of a resource's POST, PUT and PATCH (component
    `<Model>Write`, `Patched<Model>Write`)."""
    resource = BY_KIND[kind]
    model = resource.model
    declared = {
        "slug": serializers.SlugField(
            max_length=model._meta.get_field("slug").max_length,
            help_text="The stable public id. A new slug renames the record; the old "
            "one is retired (never given to another record).",
        )
    }
    for f in (*resource.fields, *resource.detail):
        field = _write_field(f)
        if field is not None:
            declared[f.name] = field
    declared["reason"] = serializers.CharField(
        max_length=REASON_MAX_LENGTH,
        required=False,
        allow_blank=True,
        write_only=True,
        help_text="Why the change is made, for the history (at most 500 "
        "characters); required to change a published quote's text or spans.",
    )
    values = [f.name for f in services.writable_values(resource)]
    fields = list(dict.fromkeys(["slug", *values, *declared]))
    meta = type("Meta", (), {"model": model, "fields": fields, "validators": []})
    return type(
        f"{model.__name__}WriteSerializer",
        (WriteSerializer,),
        {
            "__doc__": f"A {resource.singular} as an editor sends it: links by slug.",
            "__module__": __name__,
            "resource": resource,
            "Meta": meta,
            **declared,
        },
    )


def domain_data(validated: dict) -> dict:
    """The serializer's data as statements.services.save_record takes it."""
    data = dict(validated)
    data.pop("reason", None)
    if "spans" in data:
        data["spans"] = [(span["start"], span["end"]) for span in data["spans"]]
    if "alterations" in data:
        data["alterations"] = [
            {key: item[key] for key in ("kind", "start", "end", "delivered")}
            for item in data["alterations"]
        ]
    if "quotes" in data:
        data["quotes"] = [
            services.Anchor(
                slug=anchor["slug"],
                spans=[(span["start"], span["end"]) for span in anchor["spans"]],
                text=anchor.get("text"),
                attribution_start=anchor.get("attribution_start"),
            )
            for anchor in data["quotes"]
        ]
    return data


# --- Who writes --------------------------------------------------------------------


def principal(request) -> str:
    """Who sends a write: `key:<prefix>` or `user:<username>` (the history's actor)."""
    key = request.auth
    if key is not None:
        return f"key:{key.prefix}"
    return f"user:{request.user.get_username()}"


def recording_for(request, reason: str | None):
    """The history context of a write made by this request (statements.history)."""
    return recording(source="api", actor=principal(request), reason=reason or None)


# --- Idempotency -------------------------------------------------------------------


def _fingerprint(request) -> str:
    body = json.dumps(request.data, sort_keys=True, ensure_ascii=False)
    text = "\n".join([request.method, request.path, body])
    return hashlib.sha256(text.encode()).hexdigest()


def idempotency_key(request) -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not key.strip() or len(key) > IDEMPOTENCY_KEY_MAX_LENGTH:
        raise exceptions.ValidationError(
            {
                "Idempotency-Key": [
                    "An Idempotency-Key is 1 to 255 characters, e.g. a UUID."
                ]
            }
        )
    return key


def replay_or_claim(request, key: str) -> IdempotencyKey | None:
    """The stored response of this key, or None when the request is the first.

    Inside the write's transaction: a transaction-level advisory lock on the
    (principal, key) pair makes a concurrent duplicate a 409 instead of a second
    write; the stored row commits with the write, or not at all.
    """
    who = principal(request)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_xact_lock(hashtextextended(%s, 0))",
            [f"idempotency:{who}:{key}"],
        )
        if not cursor.fetchone()[0]:
            raise IdempotencyConflict
    IdempotencyKey.objects.filter(
        created_at__lte=timezone.now() - IDEMPOTENCY_TTL
    ).delete()
    stored = IdempotencyKey.objects.filter(principal=who, key=key).first()
    if stored is not None and stored.fingerprint != _fingerprint(request):
        raise Unprocessable(
            {
                "Idempotency-Key": [
                    ErrorDetail(
                        "This key was already used with another request; use a "
                        "new key for a new request.",
                        code="idempotency_key_reused",
                    )
                ]
            }
        )
    return stored


def remember(request, key: str, response: Response) -> None:
    IdempotencyKey.objects.create(
        principal=principal(request),
        key=key,
        fingerprint=_fingerprint(request),
        status=response.status_code,
        body=response.data,
        headers={name: response[name] for name in ("Location", "ETag")},
    )


# --- The actions -------------------------------------------------------------------


class CsrfSessionAuthentication(authentication.SessionAuthentication):
    """A Django user's session (the admin's login), CSRF checked: editors' tools
    that run in the browser. Offered on writes only."""


class CsrfSessionScheme(OpenApiAuthenticationExtension):
    """The editors' session in the schema: on the write operations only."""

    target_class = CsrfSessionAuthentication
    name = "EditorSession"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": "The session of a Django user in the `editors` group "
            "(log in at /admin/); send the `csrftoken` cookie's value in "
            "X-CSRFToken.",
        }


class WriteMixin:
    """create, update, partial_update and destroy of a resource's records."""

    resource: Resource
    permission_classes = [EditorsWrite]

    def initial(self, request, *args, **kwargs):
        # A method the route does not take is a 405 for everyone, before
        # credentials are asked for (a 401) on the ones it takes.
        method = request.method.lower()
        if method not in self.http_method_names or not hasattr(self, method):
            raise exceptions.MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)

    def get_authenticators(self):
        authenticators = super().get_authenticators()
        request = getattr(self, "request", None)
        if request is not None and request.method not in permissions.SAFE_METHODS:
            authenticators = [*authenticators, CsrfSessionAuthentication()]
        return authenticators

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return write_serializer(self.resource.kind)
        return super().get_serializer_class()

    # The record, locked, after its If-Match has been checked.
    def locked_record(self, request):
        kind = self.resource.kind
        slug = str(self.kwargs[self.lookup_field])
        record = (
            self.resource.model.objects.select_for_update().filter(slug=slug).first()
        )
        if record is None:
            raise exceptions.NotFound(
                f"No {self.resource.singular} with slug {slug[:100]!r}."
            )
        header = request.headers.get("If-Match")
        if not header:
            raise PreconditionRequired
        version = selectors.record_version(kind, slug)
        current = record_etag(kind, version)
        tags = parse_etags(header)
        if tags != ["*"] and current not in tags:
            raise PreconditionFailed(
                "The record has changed since the ETag in If-Match: GET it again, "
                "reapply the change and send its new ETag."
            )
        return record

    def written(self, record, *, status_code: int, request) -> Response:
        """The response to a write: the record's detail JSON and its new ETag."""
        kind = self.resource.kind
        body = self.represent_detail(record.pk)
        version = selectors.record_version(kind, record.slug)
        headers = {"ETag": record_etag(kind, version)}
        if status_code == status.HTTP_201_CREATED:
            headers["Location"] = request.build_absolute_uri(
                reverse(self.resource.detail_view, kwargs={"slug": record.slug})
            )
        return Response(body, status=status_code, headers=headers)

    def validated(self, request, *, partial=False) -> dict:
        """The body, checked for shape (400) before anything else is looked at."""
        serializer = self.get_serializer_class()(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def save(self, request, data: dict, *, instance=None, partial=False) -> object:
        reason = data.get("reason") or None
        try:
            with recording_for(request, reason):
                return services.save_record(
                    resource=self.resource,
                    data=domain_data(data),
                    instance=instance,
                    partial=partial,
                    reason=reason,
                )
        except DjangoValidationError as error:
            raise rule_error(error) from None

    def create(self, request, *args, **kwargs):
        key = idempotency_key(request)
        data = self.validated(request)
        with transaction.atomic():
            if key is not None:
                stored = replay_or_claim(request, key)
                if stored is not None:
                    return Response(
                        stored.body,
                        status=stored.status,
                        headers={**stored.headers, REPLAYED_HEADER: "true"},
                    )
            record = self.save(request, data)
            response = self.written(
                record, status_code=status.HTTP_201_CREATED, request=request
            )
            if key is not None:
                remember(request, key, response)
        return response

    def update(self, request, *args, partial=False, **kwargs):
        data = self.validated(request, partial=partial)
        with transaction.atomic():
            record = self.locked_record(request)
            record = self.save(request, data, instance=record, partial=partial)
            return self.written(record, status_code=status.HTTP_200_OK, request=request)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request, *args, **kwargs):
        reason = request.query_params.get("reason")
        if reason is not None and len(reason) > REASON_MAX_LENGTH:
            raise exceptions.ValidationError(
                {"reason": [f"At most {REASON_MAX_LENGTH} characters."]}
            )
        with transaction.atomic():
            record = self.locked_record(request)
            try:
                with recording_for(request, reason):
                    services.delete_record(instance=record)
            except DjangoValidationError as error:
                raise rule_error(error) from None
        return Response(status=status.HTTP_204_NO_CONTENT)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in permissions.SAFE_METHODS:
            # Only who authenticated: reading request.user here would run the
            # authenticators again after a 405 or a 401.
            authenticated = getattr(request, "_authenticator", None) is not None
            who = principal(request) if authenticated else "anonymous"
            logger.info(
                "write %s %s by %s: %s",
                request.method,
                request.path,
                who,
                response.status_code,
            )
        return response
