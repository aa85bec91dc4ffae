"""API-key authentication: `Authorization: Api-Key <key>`, `Authorization: Bearer
<key>` or `X-API-Key: <key>`.

Without a key a request is anonymous. Another Authorization scheme is answered
401 naming the accepted ones (a partner who guesses wrong learns it), except the
HTTP schemes a proxy in front may use to guard a site (Basic, Digest), which are
left to it: such a request is anonymous. A key that is sent but unknown, revoked or
expired is answered 401, never served as anonymous: a partner whose key broke
should notice, not silently fall back to the anonymous rate. Such a request is
counted against the anonymous quota of its address (429 once spent).
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from statements.models import PartnerKey

KEYWORD = "Api-Key"
BEARER = "Bearer"
HEADER = "X-API-Key"
# Authorization schemes that carry an API key, as the 401's WWW-Authenticate lists them.
KEY_SCHEMES = (KEYWORD, BEARER)
# A proxy's own credentials, not meant for the API.
PROXY_SCHEMES = ("Basic", "Digest")
ACCEPTED = (
    f"`Authorization: {KEYWORD} <key>`, `Authorization: {BEARER} <key>` "
    f"or `{HEADER}: <key>`"
)
MAX_KEY_LENGTH = 100


class InvalidKey(Exception):
    """A key was sent but is not one this service accepts."""


def sent_key(request) -> str | None:
    """The key a request carries in either header, or None when it sends none.

    Raises InvalidKey when the headers are malformed or disagree.
    """
    meta = request.META
    keys = set()
    if "HTTP_X_API_KEY" in meta:
        keys.add(meta["HTTP_X_API_KEY"].strip())
    if "HTTP_AUTHORIZATION" in meta:
        authorization = meta["HTTP_AUTHORIZATION"].strip()
        scheme, _, credentials = authorization.partition(" ")
        if scheme.lower() in {s.lower() for s in KEY_SCHEMES}:
            keys.add(credentials.strip())
        elif scheme.lower() not in {s.lower() for s in PROXY_SCHEMES}:
            raise InvalidKey(
                f"The Authorization scheme {scheme!r} is not accepted: send {ACCEPTED}."
            )
    if not keys:
        return None
    if len(keys) > 1:
        raise InvalidKey("Authorization and X-API-Key carry different keys.")
    (key,) = keys
    if not key or len(key) > MAX_KEY_LENGTH or any(c.isspace() for c in key):
        raise InvalidKey("The API key is malformed.")
    return key


def key_for(raw_key: str) -> PartnerKey:
    """The usable key matching `raw_key` (one query), else raise InvalidKey."""
    try:
        key = PartnerKey.objects.get_from_key(raw_key)
    except PartnerKey.DoesNotExist:
        raise InvalidKey("The API key is invalid or has been revoked.") from None
    if key.has_expired:
        raise InvalidKey("The API key has expired.")
    return key


def key_of_request(request) -> PartnerKey | None:
    """The request's valid key, or None without one; raises InvalidKey."""
    raw_key = sent_key(request)
    return None if raw_key is None else key_for(raw_key)


def sends_key(request) -> bool:
    """Whether the request carries key headers at all, valid or not."""
    meta = request.META
    return "HTTP_X_API_KEY" in meta or "HTTP_AUTHORIZATION" in meta


def count_rejected_request(request) -> None:
    """Count a request with a bad key against its address's anonymous quota.

    Otherwise guessing keys would be free; over the quota it is a 429.
    """
    # throttling imports this module for the key checks.
    from statements.api.throttling import count_request

    usage = count_request(request, None)
    if usage is not None and usage.exceeded:
        raise exceptions.Throttled(wait=max(1, usage.resets_in))


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """Sets `request.auth` to the PartnerKey; there are no users in the API."""

    def authenticate(self, request):
        django_request = request._request
        # Read by the rate-limit headers middleware, which sees no DRF request.
        django_request.partner_key = None
        try:
            key = key_of_request(django_request)
        except InvalidKey as exc:
            count_rejected_request(django_request)
            raise exceptions.AuthenticationFailed(str(exc)) from None
        if key is None:
            return None
        key.record_use()
        django_request.partner_key = key
        return (None, key)

    def authenticate_header(self, request):
        return ", ".join(f'{scheme} realm="api"' for scheme in KEY_SCHEMES)


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    """Both ways of sending a key, each a security scheme of the schema."""

    target_class = ApiKeyAuthentication
    name = ["ApiKeyAuthorization", "ApiKeyBearer", "ApiKeyHeader"]

    def get_security_requirement(self, auto_schema):
        return [{name: []} for name in self.name]

    def get_security_definition(self, auto_schema):
        rates = (
            "Partners send an API key for a higher rate limit than anonymous "
            "clients; an unknown, revoked or expired key is answered 401, and so "
            "is an Authorization scheme other than these (Basic and Digest, a "
            "proxy's, excepted)."
        )
        return [
            {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": f"`Authorization: {KEYWORD} <key>`. {rates}",
            },
            {
                "type": "http",
                "scheme": "bearer",
                "description": f"`Authorization: {BEARER} <key>`. {rates}",
            },
            {
                "type": "apiKey",
                "in": "header",
                "name": HEADER,
                "description": f"`{HEADER}: <key>`. {rates}",
            },
        ]
