"""DRF exception handler that answers every error as RFC 9457 problem+json."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.views import set_rollback

from statements.problems import problem_response


def _flatten_errors(detail, prefix=""):
    """Turn DRF's nested error detail into a list of {parameter, message, code}."""
    if isinstance(detail, dict):
        items = []
        for key, value in detail.items():
            # A ListField names its items' errors by index: `hosts[0].role`,
            # as a list of serializers does.
            if isinstance(key, int):
                name = f"{prefix}[{key}]"
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            items.extend(_flatten_errors(value, name))
        return items
    if isinstance(detail, list):
        items = []
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                items.extend(_flatten_errors(value, f"{prefix}[{index}]"))
            else:
                items.extend(_flatten_errors(value, prefix))
        return items
    return [
        {
            "parameter": prefix or None,
            "message": str(detail),
            "code": getattr(detail, "code", "invalid"),
        }
    ]


def problem_exception_handler(exc, context):
    """Convert an exception into a problem+json response, or None to re-raise."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))

    errors = None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten_errors(exc.detail)
        detail = "; ".join(
            f"{e['parameter']}: {e['message']}" if e["parameter"] else e["message"]
            for e in errors
        )
        code = "validation-error"
    else:
        detail = str(exc.detail)
        code = None
    set_rollback()
    # A plain JSON response, not a DRF Response: the docs and schema views render
    # HTML or YAML, and an error must still be problem+json in every view.
    return problem_response(
        exc.status_code, detail, code=code, errors=errors, headers=headers
    )
