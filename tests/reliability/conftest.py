"""Fixtures of the reliability suites: a client that shows 500s as responses, a
fingerprint of every stored row, and the checks every error body must pass."""

import hashlib
from http import HTTPStatus

import pytest
from django.apps import apps
from django.db import connection
from rest_framework.test import APIClient

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://statements-api.org/problems/"
# Bookkeeping that a read legitimately writes: rate-limit counters.
VOLATILE_MODELS = {"statements.ratelimitcounter"}
# What a leaked stack trace, settings dump or SQL error looks like in a body.
LEAK_MARKERS = (
    "Traceback",
    'File "/',
    "django.db",
    "psycopg",
    "SECRET_KEY",
    "DATABASES",
    "ProgrammingError",
    "OperationalError",
    "<!DOCTYPE",
)


@pytest.fixture(autouse=True)
def generous_rate_limits(settings):
    """Every request of these suites comes from one address: lift its quota."""
    settings.RATE_LIMIT_ANONYMOUS = 10**9
    settings.RATE_LIMIT_PARTNER = 10**9


@pytest.fixture
def client():
    """An API client that returns a 500 as a response instead of raising."""
    api_client = APIClient()
    api_client.raise_request_exception = False
    return api_client


def data_fingerprint() -> dict[str, tuple[int, str]]:
    """Row count and an md5 of every row, per table of the project's models.

    Whole rows are hashed, so a changed slug, updated_at or any other column shows.
    """
    models = [
        *apps.get_app_config("statements").get_models(include_auto_created=True),
        *apps.get_app_config("auth").get_models(include_auto_created=True),
    ]
    fingerprint = {}
    with connection.cursor() as cursor:
        for model in models:
            if model._meta.label_lower in VOLATILE_MODELS:
                continue
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(
                "SELECT count(*), coalesce(string_agg(md5(t::text), '' "
                f"ORDER BY md5(t::text)), '') FROM {table} AS t"
            )
            count, digests = cursor.fetchone()
            fingerprint[model._meta.label] = (
                count,
                hashlib.sha256(digests.encode()).hexdigest(),
            )
    return fingerprint


def assert_problem(response, status: int, parameter: str | None = None) -> dict:
    """`response` is an RFC 9457 problem of `status`; returns its body.

    With `parameter`, the body must name it in `errors[].parameter`.
    """
    body_text = response.content.decode("utf-8", errors="replace")
    assert response.status_code == status, (response.status_code, body_text[:600])
    content_type = response.headers.get("Content-Type", "")
    assert content_type.split(";")[0].strip() == PROBLEM_CONTENT_TYPE, content_type
    body = response.json()
    assert body["status"] == status
    assert body["title"] == HTTPStatus(status).phrase
    assert body["type"].startswith(PROBLEM_TYPE_BASE), body["type"]
    assert isinstance(body["detail"], str), body
    assert body["detail"], body
    if parameter is not None:
        named = [error.get("parameter") for error in body.get("errors", [])]
        assert parameter in named, body
    for marker in LEAK_MARKERS:
        assert marker not in body_text, (marker, body_text[:600])
    return body
