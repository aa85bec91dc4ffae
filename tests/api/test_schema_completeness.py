"""Every property the schema declares is in a default list or detail object.

`?fields=` trims the top-level objects of the list and detail operations, so the
schema marks none of their properties required (schema_hooks.
trimmed_objects_require_nothing). These tests keep the guarantee that `required`
gave: without `fields`, each of those objects has every property its schema
declares, and no other; with `fields`, exactly the ones named.
"""

import json

import pytest

from statements.resources import RESOURCES

LISTS = [f"/api/v1/{resource.route}/" for resource in RESOURCES]
DETAILS = [f"/api/v1/{resource.route}/{{slug}}/" for resource in RESOURCES]
REF = "#/components/schemas/"


@pytest.fixture
def schema(client, db):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    return json.loads(response.content)


def _resolve(schema, node):
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].removeprefix(REF)]
    return node


def _operation(schema, path):
    return schema["paths"][path]["get"]


def _body_schema(schema, path):
    content = _operation(schema, path)["responses"]["200"]["content"]
    return _resolve(schema, content["application/json"]["schema"])


def top_level_object(schema, path):
    """The schema of the objects that `fields` trims: a page's items or the body."""
    body = _body_schema(schema, path)
    if path in LISTS:
        return _resolve(schema, body["properties"]["results"]["items"])
    return body


def top_level_component(schema, path) -> str:
    content = _operation(schema, path)["responses"]["200"]["content"]
    node = content["application/json"]["schema"]
    if path in LISTS:
        node = _resolve(schema, node)["properties"]["results"]["items"]
    return node["$ref"].removeprefix(REF)


def fields_names(schema, path) -> list[str]:
    for parameter in _operation(schema, path)["parameters"]:
        if parameter["in"] == "query" and parameter["name"] == "fields":
            return parameter["schema"]["items"]["enum"]
    raise AssertionError(f"{path} takes no `fields`")


def objects_of(path, body) -> list[dict]:
    if path in LISTS:
        assert body["results"], f"{path}: no rows in the seeded data"
        return body["results"]
    return [body]


def requests_for(client, path) -> list[str]:
    """The URLs to ask for `path`: the list, or the detail of every row of the
    list's first page."""
    if path in LISTS:
        return [path]
    listed = path.replace("{slug}/", "")
    rows = client.get(listed).json()["results"]
    assert rows, f"{listed}: no rows in the seeded data"
    return [path.replace("{slug}", row["slug"]) for row in rows]


def test_the_operations_that_take_fields_are_the_lists_and_details(schema):
    taking_fields = {
        path
        for path, operations in schema["paths"].items()
        for operation in operations.values()
        if any(p["name"] == "fields" for p in operation.get("parameters", []))
    }

    assert taking_fields == {*LISTS, *DETAILS}


@pytest.mark.parametrize("path", LISTS + DETAILS)
def test_the_trimmed_objects_require_nothing_and_say_why(schema, path):
    component = top_level_object(schema, path)

    assert "required" not in component
    assert "present unless `fields` leaves it out" in component["description"]
    assert set(component["properties"]) == set(fields_names(schema, path))


@pytest.mark.parametrize(
    ("name", "whole"),
    [
        ("SpeakerBriefOrSpeaker", "Speaker"),
        ("EventBriefOrEvent", "Event"),
        ("ThemeBriefOrTheme", "Theme"),
        ("StakeholderGroupBriefOrStakeholderGroup", "StakeholderGroup"),
        ("StatementBriefOrStatement", "Statement"),
    ],
)
def test_an_expanded_object_keeps_its_required_properties(schema, name, whole):
    """`expand` returns whole objects, never trimmed: their component keeps
    `required`, and the top-level objects get a copy of it without."""
    components = schema["components"]["schemas"]
    component = components[whole]

    assert {"$ref": REF + whole} in components[name]["oneOf"]
    assert {"slug", "url", "created_at"} <= set(component["required"])
    partial = components[f"Partial{whole}"]
    assert partial["properties"] == component["properties"]
    assert "required" not in partial


@pytest.mark.parametrize("path", LISTS + DETAILS)
def test_a_default_object_has_every_declared_property(client, seeded, schema, path):
    declared = set(top_level_object(schema, path)["properties"])

    for url in requests_for(client, path):
        response = client.get(url)

        assert response.status_code == 200, (url, response.content)
        for item in objects_of(path, response.json()):
            assert set(item) == declared, (
                f"{url} ({top_level_component(schema, path)}): "
                f"missing {sorted(declared - set(item))}, "
                f"undeclared {sorted(set(item) - declared)}"
            )


@pytest.mark.parametrize("path", LISTS + DETAILS)
def test_fields_leaves_only_the_named_properties(client, seeded, schema, path):
    names = fields_names(schema, path)
    wanted = {names[0], names[-1]}
    url = requests_for(client, path)[0]
    separator = "&" if "?" in url else "?"

    response = client.get(f"{url}{separator}fields={','.join(sorted(wanted))}")

    assert response.status_code == 200, response.content
    for item in objects_of(path, response.json()):
        assert set(item) == wanted
