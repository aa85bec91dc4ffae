"""Middleware that keeps a database outage a clean 503, never a 500 or a hang."""

import logging

from django.db import InterfaceError, OperationalError, connections

from statements.problems import problem_response

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = "5"


class DatabaseUnavailableMiddleware:
    """Answer 503 problem+json with Retry-After when the database cannot be reached."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        except (OperationalError, InterfaceError) as exc:
            return self._unavailable(exc)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError):
            return self._unavailable(exception)
        return None

    def _unavailable(self, exc):
        logger.warning("database unavailable: %s", exc)
        for conn in connections.all(initialized_only=True):
            conn.close_if_unusable_or_obsolete()
        return problem_response(
            503,
            "The database is unavailable; retry shortly.",
            code="service-unavailable",
            headers={"Retry-After": RETRY_AFTER_SECONDS},
        )
