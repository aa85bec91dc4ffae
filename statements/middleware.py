"""Middleware that keeps a database outage a clean 503, never a 500 or a hang, and
the one that gives every write request its history context."""

import logging

from django.core.handlers.asgi import ASGIRequest
from django.core.handlers.wsgi import WSGIRequest
from django.db import InterfaceError, OperationalError, connections
from django.urls import reverse

from statements import history
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
        return database_unavailable(exc)


def database_unavailable(exc):
    """The 503 problem of an outage; connections that broke are closed."""
    logger.warning("database unavailable: %s", exc)
    for conn in connections.all(initialized_only=True):
        conn.close_if_unusable_or_obsolete()
    return problem_response(
        503,
        "The database is unavailable; retry shortly.",
        code="service-unavailable",
        headers={"Retry-After": RETRY_AFTER_SECONDS},
    )


# Headers of a streamed response that do not describe a 503 problem in its place.
_ENTITY_HEADERS = {
    "cache-control",
    "content-disposition",
    "content-encoding",
    "content-length",
    "content-type",
    "etag",
    "last-modified",
    "x-accel-buffering",
}


class StreamStartGuard:
    """WSGI wrapper: a streamed body that fails on the database before its first
    byte is answered 503 problem+json with Retry-After, not the server's 500.

    A streamed view (the exports) runs its first query when the server asks for
    the first piece of the body, after every Django middleware has returned, so
    DatabaseUnavailableMiddleware cannot see a database lost in between, and
    gunicorn answers the error with its own HTML 500. Here the first piece is
    produced before the status line goes to the server, which sends nothing
    until that piece is written anyway. Once it is out, a lost database can only
    cut the body short (docs/exports.md). Other responses, and files sent by the
    server's file wrapper, pass through untouched.
    """

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        started = []

        def start_later(status, headers, exc_info=None):
            started[:] = [status, headers, exc_info]
            return self._no_write

        body = self.application(environ, start_later)
        if not getattr(body, "streaming", False):
            start_response(*started)
            return body
        pieces = iter(body)
        try:
            first = next(pieces)
        except StopIteration:
            start_response(*started)
            return body
        except (OperationalError, InterfaceError) as exc:
            body.close()
            problem = database_unavailable(exc)
            headers = [
                (name, value)
                for name, value in started[1]
                if name.lower() not in _ENTITY_HEADERS
            ]
            headers += [
                ("Content-Type", problem["Content-Type"]),
                ("Content-Length", str(len(problem.content))),
                ("Retry-After", problem["Retry-After"]),
                ("Cache-Control", "no-store"),
            ]
            start_response(f"503 {problem.reason_phrase}", headers)
            return [problem.content]
        start_response(*started)
        return _StartedStream(first, pieces, body)

    @staticmethod
    def _no_write(data):
        raise RuntimeError("write() is not supported; return an iterable")


class _StartedStream:
    """A streamed body whose first piece is already made; closed as the server
    closes any body (Django's request_finished)."""

    def __init__(self, first, pieces, response):
        self._first = first
        self._pieces = pieces
        self._response = response

    def __iter__(self):
        first, self._first = self._first, None
        yield first
        del first  # no piece stays alive while the next one is made
        yield from self._pieces

    def close(self):
        self._response.close()


class _RecordsActor:
    """A request that tells the history who sent it as soon as authentication
    says so: DRF authenticates in the view, after every middleware, and sets
    `partner_key` (statements.api.authentication) and `user` on the request."""

    def __setattr__(self, name, value):
        super().__setattr__(name, value)
        if name in ("partner_key", "user"):
            actor = history.actor_of(self)
            if actor is not None:
                history.note(actor=actor)


class _WSGIRequest(_RecordsActor, WSGIRequest):
    pass


class _ASGIRequest(_RecordsActor, ASGIRequest):
    pass


READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class HistoryMiddleware:
    """The history context of every write request (statements.history): its
    source (`admin` under the admin's URLs, else `api`) and who sent it.

    Reads open no context: they change nothing tracked, and their SQL stays as
    it is (the context is prepended to every statement but SELECTs).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in READ_METHODS:
            return self.get_response(request)
        admin = request.path.startswith(reverse("admin:index"))
        with history.recording(
            source="admin" if admin else "api", actor=history.actor_of(request)
        ):
            if type(request) is WSGIRequest:
                request.__class__ = _WSGIRequest
            elif type(request) is ASGIRequest:
                request.__class__ = _ASGIRequest
            return self.get_response(request)
