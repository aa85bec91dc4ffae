"""HTTP caching of API reads: validators from the data version, Cache-Control.

Every transaction that writes public data bumps one data version (database
triggers, migrations 0003 and 0005; statements.selectors.data_version). A
response's ETag hashes that version with the full URL and the Accept header;
Last-Modified is the time of the last change. A conditional GET is therefore
answered 304 after one single-row read, before the view builds anything. It is
counted against the quota like any request: otherwise any URL sent with a
future If-Modified-Since would be a free request.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from rest_framework import exceptions, status
from rest_framework.response import Response

from statements import selectors
from statements.api.authentication import sends_key

# Bump when a release changes what the same data looks like, so that clients
# holding an ETag of the old representation get the new one.
REPRESENTATION_VERSION = "1"


class NotModified(Exception):
    """The client's copy is current: answer 304."""


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The resource does not match If-Match or If-Unmodified-Since."
    default_code = "precondition_failed"


@dataclass(frozen=True)
class Validators:
    """The ETag and Last-Modified of a response."""

    etag: str
    last_modified: datetime | None


def validators_for(request) -> Validators:
    """The validators of a read, from its URL and the data version (one query)."""
    version, changed_at = selectors.data_version(request)
    parts = [
        REPRESENTATION_VERSION,
        settings.SPECTACULAR_SETTINGS["VERSION"],
        # Every record shows the data licence (`licenses`): a new one is new JSON.
        settings.DATA_LICENSE["url"],
        str(version),
        request.build_absolute_uri(),
        request.META.get("HTTP_ACCEPT", ""),
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]
    return Validators(etag=f'W/"{digest}"', last_modified=changed_at)


def record_etag(kind: str, version, query: str = "") -> str:
    """The strong ETag of one record's detail JSON (`query`: its query string).

    `version` is statements.selectors.record_version's (id, updated_at,
    changes, last change id): it moves with every committed change of what the
    record's JSON shows, so the tag is per record, not per data version, and
    strong: a write's If-Match compares it (RFC 9110 13.1.1), and detail GETs
    and write responses send it.
    """
    parts = [
        REPRESENTATION_VERSION,
        settings.SPECTACULAR_SETTINGS["VERSION"],
        settings.DATA_LICENSE["url"],
        kind,
        *(str(part) for part in version),
        query,
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]
    return f'"{digest}"'


class ConditionalGetMixin:
    """ETag, Last-Modified and Cache-Control on reads; 304 before counting.

    Mixed into every data view of the API (resources, search, root).
    """

    validators: Validators | None = None

    def check_throttles(self, request):
        """Count the request, then answer a matching conditional GET (304) or a
        failed precondition (412) here, before the view builds anything.

        APIView.initial() authenticates and checks permissions first, so a
        wrong key is still a 401, and then calls this to throttle.
        """
        super().check_throttles(request)
        if request.method in ("GET", "HEAD"):
            self.validators = self.get_validators(request)
            self.evaluate_preconditions(request, self.validators)

    def get_validators(self, request) -> Validators:
        """The response's validators: by default from the data version."""
        return validators_for(request)

    @staticmethod
    def evaluate_preconditions(request, validators: Validators):
        if request.META.get("HTTP_IF_NONE_MATCH", "").strip() == "*":
            # "Any representation": only the view knows whether the URL has one.
            return
        last_modified = validators.last_modified
        answer = get_conditional_response(
            request._request,
            etag=validators.etag,
            last_modified=int(last_modified.timestamp()) if last_modified else None,
        )
        if answer is None:
            return
        if answer.status_code == status.HTTP_304_NOT_MODIFIED:
            raise NotModified
        raise PreconditionFailed

    def handle_exception(self, exc):
        if isinstance(exc, NotModified):
            return Response(status=status.HTTP_304_NOT_MODIFIED)
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.validators is not None and response.status_code in (200, 304):
            response["ETag"] = self.validators.etag
            if self.validators.last_modified is not None:
                last_modified = self.validators.last_modified.timestamp()
                response["Last-Modified"] = http_date(last_modified)
            set_cache_control(request, response)
        return response


def set_cache_control(request, response) -> None:
    """public for anonymous reads, private when the request carries a key.

    A public response also says `s-maxage=0`: a shared cache (a CDN) may keep it
    but revalidates it on every use, and the 304 it gets replaces the stored
    RateLimit fields with those of the client it serves (RFC 9111, 4.3.4). Without
    it the cache would replay the first client's quota to everyone, and serve
    requests that no quota counts. Browsers' private caches keep max-age.
    """
    max_age = settings.API_CACHE_MAX_AGE
    if sends_key(request):
        patch_cache_control(response, private=True, max_age=max_age)
    else:
        patch_cache_control(response, public=True, max_age=max_age, s_maxage=0)


def set_no_store(response) -> None:
    """For responses no cache may keep: exports and the change feed."""
    patch_cache_control(response, no_store=True)
