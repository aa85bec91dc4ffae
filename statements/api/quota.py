"""GET /api/v1/quota/: the caller's rate-limit policy, usage and reset time."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.cache import patch_cache_control
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from statements.api.params import StrictQueryMixin
from statements.api.throttling import cost_of, current_usage


class StoreUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The rate-limit store is unavailable; retry shortly."
    default_code = "service_unavailable"


class QuotaKeySerializer(serializers.Serializer):
    prefix = serializers.CharField(help_text="The first characters of the key.")
    name = serializers.CharField()


class QuotaCostsSerializer(serializers.Serializer):
    default = serializers.IntegerField(help_text="Most requests.")
    search = serializers.IntegerField(help_text="A full-text search (`q`).")
    facets = serializers.IntegerField(
        help_text="The quote facets, when computed (1 when served from the cache)."
    )
    export = serializers.IntegerField(help_text="An export, CSV or NDJSON.")


class QuotaSerializer(serializers.Serializer):
    policy = serializers.CharField(help_text="`anonymous` or `partner`.")
    quota = serializers.IntegerField(help_text="Requests allowed per window.")
    window = serializers.IntegerField(help_text="Length of a window, in seconds.")
    used = serializers.IntegerField(help_text="Requests counted in this window.")
    remaining = serializers.IntegerField()
    resets_in = serializers.IntegerField(
        help_text="Seconds until the window ends and the full quota is back."
    )
    resets_at = serializers.DateTimeField()
    key = QuotaKeySerializer(
        allow_null=True, help_text="The API key the limits apply to; null: anonymous."
    )
    costs = QuotaCostsSerializer(
        help_text=(
            "Units of the quota each kind of request costs (each response also "
            "says what it cost, in RateLimit-Cost)."
        )
    )
    exports_at_once = serializers.IntegerField(
        help_text="Exports one client may run at once; one more is answered 429."
    )


class QuotaView(StrictQueryMixin, APIView):
    """Asking costs nothing: this endpoint is not counted against the quota."""

    throttle_classes = []

    @extend_schema(
        summary="Your rate limit",
        description=(
            "The rate-limit policy that applies to the caller (per API key, or per "
            "client address without one), how much of it is used and when it "
            "resets. Not counted against the quota."
        ),
        responses={200: QuotaSerializer},
    )
    def get(self, request):
        key = request.auth
        usage = current_usage(request._request, key)
        if usage is None:
            raise StoreUnavailable
        request._request.rate_limit_usage = usage
        body = {
            "policy": usage.policy.name,
            "quota": usage.policy.quota,
            "window": usage.policy.window,
            "used": usage.used,
            "remaining": usage.remaining,
            "resets_in": usage.resets_in,
            "resets_at": timezone.now() + timedelta(seconds=usage.resets_in),
            "key": {"prefix": key.prefix, "name": key.name} if key else None,
            "costs": {
                kind or "default": cost_of(kind)
                for kind in (None, "search", "facets", "export")
            },
            "exports_at_once": settings.EXPORTS_PER_CLIENT,
        }
        response = Response(QuotaSerializer(body).data)
        patch_cache_control(response, private=True, no_store=True)
        return response
