"""The schema's response examples: every operation has one, and each is the real body.

The examples are recorded from the seeded API (manage.py record_examples). Each is
held to the live response for the seeded data, once its host is the test server's
and timestamps are left out, and recording again must give the committed file to
the byte, so an example cannot drift from what the API returns.
"""

import json

import pytest

from statements.api import examples
from statements.management.commands import record_examples as recorder
from tests.api.helpers import without_timestamps

RESOURCES = [
    "speakers",
    "events",
    "themes",
    "stakeholder-groups",
    "statements",
    "quotes",
    "organizations",
]
OPERATIONS = [
    path
    for resource in RESOURCES
    for path in (f"/api/v1/{resource}/", f"/api/v1/{resource}/{{slug}}/")
]
RECORDED = json.loads(examples.EXAMPLES_FILE.read_text(encoding="utf-8"))


def as_served_here(value):
    """The example as the test server would answer it: its host, no timestamps."""
    text = json.dumps(value).replace(recorder.EXAMPLE_HOST, "http://testserver")
    return without_timestamps(json.loads(text))


def operations_by_name(schema) -> dict[str, dict]:
    """The schema's GET operations by route and action: quotes-list, quotes-facets."""
    found = {}
    for path, item in schema["paths"].items():
        if "get" not in item:
            continue
        resource, *rest = path.removeprefix("/api/v1/").strip("/").split("/")
        if rest == ["{slug}"]:
            found[f"{resource}-detail"] = item["get"]
        elif not rest and item["get"]["operationId"].endswith("_list"):
            found[f"{resource}-list"] = item["get"]
        elif len(rest) == 1 and "{" not in rest[0]:
            found[f"{resource}-{rest[0]}"] = item["get"]
    return found


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


def test_the_recording_covers_every_list_and_detail_operation(schema):
    in_schema = set(operations_by_name(schema))
    lists_and_details = {
        name for name in in_schema if name.endswith(("-list", "-detail"))
    }
    recorded = {name for example in RECORDED.values() for name in example["operations"]}

    assert len(lists_and_details) == 2 * len(RESOURCES)
    assert lists_and_details <= recorded
    assert recorded <= in_schema


def test_the_schema_carries_the_recorded_examples(schema):
    operations = operations_by_name(schema)
    shown = {
        (operation, name): example
        for operation, item in operations.items()
        for response in item["responses"].values()
        for content in response.get("content", {}).values()
        for name, example in content.get("examples", {}).items()
    }
    expected = {
        (operation, name): {
            "value": example["value"],
            "summary": example["summary"],
            **(
                {"description": example["description"]}
                if example["description"]
                else {}
            ),
        }
        for name, example in RECORDED.items()
        for operation in example["operations"]
    }

    assert shown == expected


def test_the_examples_are_answered_by_their_operation():
    for name, example in RECORDED.items():
        for operation in example["operations"]:
            status = [str(example["status"])]
            found = [
                shown
                for shown in examples.response_examples(operation)
                if shown.name == name
            ]
            assert [shown.status_codes for shown in found] == [status], name


@pytest.mark.parametrize("name", RECORDED)
def test_an_example_is_the_live_body(client, seeded, name):
    example = RECORDED[name]

    response = client.get(example["path"])

    assert response.status_code == example["status"], response.content
    assert without_timestamps(response.json()) == as_served_here(example["value"])


def test_recording_again_gives_the_committed_file(client, seeded):
    recorded = recorder.render(recorder.record(client))

    assert recorded == examples.EXAMPLES_FILE.read_text(encoding="utf-8")
    assert recorder.OUTPUT == examples.EXAMPLES_FILE
