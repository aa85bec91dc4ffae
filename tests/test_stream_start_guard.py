"""A streamed body that fails on the database before its first byte is a 503.

An export runs its first query when the server asks for the first piece of
the body, after Django's middleware has returned. `make faults` saw gunicorn
answer a database lost in that moment with its own HTML 500; the WSGI
application that gunicorn serves (config.wsgi) answers 503 problem+json.
These tests call the WSGI applications as a server does, outside a test
transaction (the request signals close connections, as in production).
"""

import contextlib
import json
import wsgiref.util

import pytest
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import OperationalError

from config.wsgi import application as guarded
from statements import exports

pytestmark = pytest.mark.slow

EXPORT = "/api/v1/exports/quotes.csv"


def serve(app, path, query=""):
    """(status, headers, body) of one GET, iterated and closed as a server does."""
    environ = {}
    wsgiref.util.setup_testing_defaults(environ)
    environ.update(
        PATH_INFO=path,
        QUERY_STRING=query,
        HTTP_HOST="localhost",
        HTTP_ACCEPT="application/json",
    )
    started = {}

    def start_response(status, headers, exc_info=None):
        started.update(status=status, headers=dict(headers))

    body = app(environ, start_response)
    try:
        content = b"".join(body)
    finally:
        if hasattr(body, "close"):
            body.close()
    return started["status"], started["headers"], content


@pytest.fixture
def seeded_committed(transactional_db):
    call_command("seed", verbosity=0)


@pytest.fixture
def database_lost_before_the_stream(monkeypatch):
    @contextlib.contextmanager
    def lost():
        raise OperationalError("server closed the connection unexpectedly")
        yield  # pragma: no cover

    monkeypatch.setattr(exports, "export_transaction", lost)


def test_without_the_guard_the_error_comes_after_the_status_line(
    seeded_committed, database_lost_before_the_stream
):
    started = []
    environ = {}
    wsgiref.util.setup_testing_defaults(environ)
    environ.update(PATH_INFO=EXPORT, HTTP_HOST="localhost")

    body = get_wsgi_application()(environ, lambda *args: started.append(args[0]))

    # 200 is said, nothing is sent: gunicorn then answers its own HTML 500.
    assert started == ["200 OK"]
    with pytest.raises(OperationalError):
        next(iter(body))
    body.close()


def test_an_export_that_loses_the_database_first_is_a_503_problem(
    seeded_committed, database_lost_before_the_stream
):
    status, headers, body = serve(guarded, EXPORT)

    assert status == "503 Service Unavailable"
    assert headers["Content-Type"] == "application/problem+json"
    assert headers["Retry-After"] == "5"
    assert headers["Cache-Control"] == "no-store"
    assert headers["Content-Length"] == str(len(body))
    assert "Content-Disposition" not in headers
    # What the middleware around the view added stays.
    assert headers["X-Content-Type-Options"] == "nosniff"
    problem = json.loads(body)
    assert problem["status"] == 503
    assert problem["title"] == "Service Unavailable"


@pytest.mark.parametrize("path", [EXPORT, "/api/v1/exports/speakers.ndjson"])
def test_a_guarded_export_streams_what_the_plain_one_does(seeded_committed, path):
    plain = serve(get_wsgi_application(), path)
    status, headers, body = serve(guarded, path)

    assert status == plain[0] == "200 OK"
    assert headers["Content-Disposition"] == plain[1]["Content-Disposition"]
    assert body == plain[2]
    assert body


@pytest.mark.parametrize(
    "path", ["/api/v1/quotes/", "/healthz", "/api/v1/quotes/no-such-quote/"]
)
def test_other_responses_pass_through(seeded_committed, path):
    plain = serve(get_wsgi_application(), path)
    guarded_answer = serve(guarded, path)

    assert guarded_answer[0] == plain[0]
    assert guarded_answer[2] == plain[2]
