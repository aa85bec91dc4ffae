"""Operational endpoints and JSON error pages outside the API."""

import logging

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from statements.problems import problem_response

logger = logging.getLogger(__name__)


@require_safe
def healthz(request):
    """Liveness: the process answers. Never touches the database."""
    return JsonResponse({"status": "ok"})


@require_safe
def readyz(request):
    """Readiness: the database answers a query within the connect timeout."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.warning("readiness check failed: %s", exc.__class__.__name__)
        connection.close_if_unusable_or_obsolete()
        return JsonResponse(
            {"status": "unavailable", "checks": {"database": "unavailable"}},
            status=503,
            headers={"Retry-After": "5"},
        )
    return JsonResponse({"status": "ok", "checks": {"database": "ok"}})


@require_safe
def explore(request):
    """The quote explorer: a static page whose script reads only the public API."""
    return render(request, "statements/explore.html")


def bad_request(request, exception=None):
    return problem_response(400, "The request could not be understood.")


def permission_denied(request, exception=None):
    return problem_response(403, "You do not have permission to do this.")


def page_not_found(request, exception=None):
    return problem_response(404, f"Nothing is found at {request.path}.")


def server_error(request):
    return problem_response(500, "An unexpected error occurred; it has been logged.")
