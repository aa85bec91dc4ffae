"""Every property the schema declares is in a default list or detail object.

`?fields=` trims the top-level objects of the list and detail operations, so each
of those spots is `anyOf: [<Name>, Partial<Name>]` (schema_hooks.
trimmed_objects_are_an_alternative): the full component requires every property
and types a request without `fields` exactly; the partial copy requires none.
These tests hold the server to it: without `fields`, each of those objects has
every property of the full component, and no other; with `fields`, exactly the
ones named.
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


def _enum(schema, node) -> list:
    """The values of an enum property (drf-spectacular wraps its $ref in allOf)."""
    (node,) = node.get("allOf", [node])
    return _resolve(schema, node)["enum"]


def _operation(schema, path):
    return schema["paths"][path]["get"]


def _body_schema(schema, path):
    content = _operation(schema, path)["responses"]["200"]["content"]
    return content["application/json"]["schema"]


def page_forms(schema, path) -> list[str]:
    """The component names of the forms of a list's page."""
    body = _resolve(schema, _body_schema(schema, path))
    return [form["$ref"].removeprefix(REF) for form in body["anyOf"]]


def trimmed_spots(schema, path) -> list[dict]:
    """The schemas of the objects that `fields` trims: each page form's items,
    or the detail body."""
    if path in LISTS:
        components = schema["components"]["schemas"]
        return [
            components[form]["properties"]["results"]["items"]
            for form in page_forms(schema, path)
        ]
    return [_body_schema(schema, path)]


def top_level_component(schema, path) -> str:
    """The full component of the objects `fields` trims."""
    (spot, *_) = trimmed_spots(schema, path)
    return spot["anyOf"][0]["$ref"].removeprefix(REF)


def top_level_object(schema, path):
    return schema["components"]["schemas"][top_level_component(schema, path)]


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
def test_a_trimmed_spot_is_the_full_object_or_its_partial_copy(schema, path):
    components = schema["components"]["schemas"]
    names = set(fields_names(schema, path))

    for spot in trimmed_spots(schema, path):
        full_ref, partial_ref = (ref["$ref"] for ref in spot["anyOf"])
        full = components[full_ref.removeprefix(REF)]
        partial = components[partial_ref.removeprefix(REF)]
        assert partial_ref == REF + "Partial" + full_ref.removeprefix(REF)
        assert set(full["properties"]) == names
        assert set(full["required"]) == names
        assert partial["properties"] == full["properties"]
        assert "required" not in partial
        assert "only the properties named are present" in partial["description"]


@pytest.mark.parametrize("path", LISTS)
def test_a_list_answers_a_page_number_page_or_a_keyset_page(schema, path):
    components = schema["components"]["schemas"]
    page_name, keyset_name = page_forms(schema, path)
    page, keyset = components[page_name], components[keyset_name]

    assert keyset_name == page_name.replace("Page", "KeysetPage")
    assert set(page["required"]) == set(keyset["required"]) == set(page["properties"])
    assert page["properties"]["count"] == {
        "type": "integer",
        "description": "Rows matching the query.",
    }
    assert "nullable" not in page["properties"]["page"]
    for name in ("count", "previous", "page"):
        assert keyset["properties"][name]["enum"] == [None], name


@pytest.mark.parametrize(
    "kind",
    ["Speaker", "Event", "Theme", "StakeholderGroup", "Statement"],
)
def test_brief_and_expanded_objects_have_a_discriminator(schema, kind):
    """`expand` returns whole objects, never trimmed, marked `shape: full`; a
    brief is `shape: brief`."""
    components = schema["components"]["schemas"]
    either = components[f"{kind}BriefOrExpanded{kind}"]
    brief, expanded = components[f"{kind}Brief"], components[f"Expanded{kind}"]

    assert either["oneOf"] == [
        {"$ref": f"{REF}{kind}Brief"},
        {"$ref": f"{REF}Expanded{kind}"},
    ]
    assert either["discriminator"] == {
        "propertyName": "shape",
        "mapping": {"brief": f"{REF}{kind}Brief", "full": f"{REF}Expanded{kind}"},
    }
    assert set(expanded["properties"]) == {*components[kind]["properties"], "shape"}
    assert set(expanded["required"]) == set(expanded["properties"])
    assert _enum(schema, expanded["properties"]["shape"]) == ["full"]
    assert _enum(schema, brief["properties"]["shape"]) == ["brief"]
    assert "shape" in brief["required"]


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


def _references(node) -> set[str]:
    if isinstance(node, list):
        return set().union(*(_references(value) for value in node))
    if not isinstance(node, dict):
        return set()
    found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
    return found.union(*(_references(value) for value in node.values()))


def test_every_component_is_referenced(schema):
    """Including the NDJSON records, referenced from `x-ndjson-item` only."""
    references = _references(schema)

    unused = [
        name for name in schema["components"]["schemas"] if REF + name not in references
    ]
    assert unused == []
    for path, operations in schema["paths"].items():
        if path.endswith(".ndjson"):
            media = operations["get"]["responses"]["200"]["content"]
            item = media["application/x-ndjson"]["schema"]["x-ndjson-item"]
            assert item["$ref"].endswith("ExportRecord"), path
