"""The schema's response examples: every operation has one, and each is the real body.

Each example is held to the live response for the seeded data, once its host is
the test server's and timestamps are left out, so an example cannot drift from
what the API returns.
"""

import json

import pytest

from statements.api import examples

RESOURCES = [
    "speakers",
    "events",
    "themes",
    "stakeholder-groups",
    "statements",
    "quotes",
]
OPERATIONS = [
    path
    for resource in RESOURCES
    for path in (f"/api/v1/{resource}/", f"/api/v1/{resource}/{{slug}}/")
]

# (example, the request it answers, its status)
CASES = {
    "quote detail": (
        examples.QUOTE_DETAIL[0],
        f"/api/v1/quotes/{examples.QUOTE}/",
        200,
    ),
    "statement detail": (
        examples.STATEMENT_DETAIL[0],
        f"/api/v1/statements/{examples.STATEMENT}/",
        200,
    ),
    "speaker detail": (
        examples.SPEAKER_DETAIL[0],
        f"/api/v1/speakers/{examples.SPEAKER}/",
        200,
    ),
    "event detail": (
        examples.EVENT_DETAIL[0],
        f"/api/v1/events/{examples.EVENT}/",
        200,
    ),
    "theme detail": (
        examples.THEME_DETAIL[0],
        f"/api/v1/themes/{examples.THEME}/",
        200,
    ),
    "group detail": (
        examples.GROUP_DETAIL[0],
        f"/api/v1/stakeholder-groups/{examples.GROUP}/",
        200,
    ),
    "quote list": (
        examples.QUOTE_LIST[0],
        f"/api/v1/quotes/?theme={examples.THEME}",
        200,
    ),
    "statement list": (examples.STATEMENT_LIST[0], "/api/v1/statements/", 200),
    "speaker list": (examples.SPEAKER_LIST[0], "/api/v1/speakers/", 200),
    "event list": (
        examples.EVENT_LIST[0],
        f"/api/v1/events/?parent={examples.EVENT}",
        200,
    ),
    "theme list": (
        examples.THEME_LIST[0],
        f"/api/v1/themes/?parent={examples.THEME}",
        200,
    ),
    "group list": (
        examples.GROUP_LIST[0],
        "/api/v1/stakeholder-groups/?category=government",
        200,
    ),
    "facets": (
        examples.QUOTE_FACETS[0],
        f"/api/v1/quotes/facets/?theme={examples.THEME}",
        200,
    ),
    "invalid fidelity": (
        examples.INVALID_FIDELITY,
        "/api/v1/quotes/?fidelity=quoted",
        400,
    ),
}


def _without_timestamps(value):
    if isinstance(value, list):
        return [_without_timestamps(item) for item in value]
    if isinstance(value, dict):
        return {
            key: _without_timestamps(item)
            for key, item in value.items()
            if key not in ("created_at", "updated_at")
        }
    return value


def as_served_here(value):
    """The example as the test server would answer it: its host, no timestamps."""
    text = json.dumps(value).replace(examples.EXAMPLE_HOST, "http://testserver")
    return _without_timestamps(json.loads(text))


@pytest.fixture
def schema(client, db):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.mark.parametrize("path", OPERATIONS)
def test_every_list_and_detail_operation_has_a_200_example(schema, path):
    content = schema["paths"][path]["get"]["responses"]["200"]["content"]

    assert content["application/json"]["examples"], path


def test_the_facets_and_a_list_show_a_problem_example(schema):
    for path in ("/api/v1/quotes/", "/api/v1/quotes/facets/"):
        content = schema["paths"][path]["get"]["responses"]["400"]["content"]
        assert "InvalidFidelity" in content["application/problem+json"]["examples"]


def test_the_schema_carries_the_examples_as_built(schema):
    detail = schema["paths"]["/api/v1/quotes/{slug}/"]["get"]["responses"]["200"]
    shown = detail["content"]["application/json"]["examples"]["TwoSpanQuote"]

    assert shown["value"] == examples.quote_body(examples.QUOTE)


@pytest.mark.parametrize("case", CASES)
def test_an_example_is_the_live_body(client, seeded, case):
    example, path, status = CASES[case]

    response = client.get(path)

    assert response.status_code == status, response.content
    assert _without_timestamps(response.json()) == as_served_here(example.value)


def test_the_example_timestamps_are_iso_8601():
    body = examples.quote_body(examples.QUOTE)

    assert body["created_at"] == body["updated_at"] == "2026-12-01T09:00:00Z"
