"""Post-processing of the generated OpenAPI document (drf-spectacular hooks).

Each hook states in the schema a rule the API already keeps, where
drf-spectacular's introspection cannot see it.
"""

import copy
import json

from django.conf import settings

PROBLEM_MEDIA_TYPE = "application/problem+json"
NDJSON_MEDIA_TYPE = "application/x-ndjson"


def servers_name_this_deployment(result, generator, request, public):
    """The one server is this deployment's origin (paths begin with /api/v1/), so
    a generated client and Swagger UI's "Try it out" call it: API_BASE_URL, else
    the host the schema is served from, else (the committed file)
    DEFAULT_API_BASE_URL. The contact is its documentation."""
    base = settings.API_BASE_URL
    if not base and request is not None:
        base = request.build_absolute_uri("/").rstrip("/")
    base = base or settings.DEFAULT_API_BASE_URL
    result["info"].setdefault("contact", {})["url"] = f"{base}/api/v1/docs/"
    servers = [{"url": base, "description": "This deployment."}]
    ordered = {}
    for key, value in result.items():  # servers after info, as in the spec
        ordered[key] = value
        if key == "info":
            ordered["servers"] = servers
    return ordered


def brief_objects_are_closed(result, generator, request, public):
    """Brief objects have exactly their fields, so `oneOf: [Brief, Full]` of an
    expandable field matches exactly one of the two."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Brief") and component.get("type") == "object":
            component["additionalProperties"] = False
    return result


def write_bodies_are_closed(result, generator, request, public):
    """A request body (`<Model>Write` and its parts) takes only its properties:
    any other key is a 400 (statements.api.writes.WriteSerializer; the read-only
    keys of the resource's JSON, which it ignores, are left out of the schema)."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Write") and component.get("type") == "object":
            component["additionalProperties"] = False
    return result


BODY_REQUIRED = "x-body-required"


def marked_bodies_are_required(result, generator, request, public):
    """An operation marked `x-body-required` (extend_schema(extensions=...)) has
    a required request body: drf-spectacular leaves a body given as a plain
    schema optional, while the view answers a missing body 400."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if isinstance(operation, dict) and operation.pop(BODY_REQUIRED, False):
                operation["requestBody"]["required"] = True
    return result


def errors_are_problem_json(result, generator, request, public):
    """Every 4xx/5xx body is RFC 9457 problem+json, whatever the operation."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content")
                if not str(status).startswith(("4", "5")) or not content:
                    continue
                # The schema and any examples, under the problem media type.
                response["content"] = {PROBLEM_MEDIA_TYPE: next(iter(content.values()))}
    return result


def ndjson_bodies_are_lines_of_records(result, generator, request, public):
    """An NDJSON body is text, one JSON record per line: its schema is a binary
    string, and `x-ndjson-item` references the schema of one line (what OpenAPI
    3.2 calls `itemSchema`; 3.0 has no keyword for it). Clients read the body
    as a stream (clients/typescript `exportRecords`)."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for response in operation.get("responses", {}).values():
                media = response.get("content", {}).get(NDJSON_MEDIA_TYPE)
                if media is not None and "$ref" in media["schema"]:
                    item = media["schema"]
                    media["schema"] = {
                        "type": "string",
                        "format": "binary",
                        "x-ndjson-item": item,
                    }
    return result


def empty_query_values_mean_absent(result, generator, request, public):
    """`?date_to=` is the same as leaving date_to out, for every optional filter."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and not parameter.get("required"):
                    parameter["allowEmptyValue"] = True
    return result


TRIMMED_DESCRIPTION = (
    "The object as `?fields=` trims it: only the properties named are present."
)
PREFIX = "#/components/schemas/"


def _fields_parameter(operation) -> dict | None:
    return next(
        (
            parameter
            for parameter in operation.get("parameters", [])
            if parameter.get("in") == "query" and parameter["name"] == "fields"
        ),
        None,
    )


def _trimmed_holders(schemas, operation, names) -> list[dict]:
    """The {"$ref"} dicts of the objects `fields` trims in an operation's 200
    body: the body itself, or the items of each form of its page."""
    holder = operation["responses"]["200"]["content"]["application/json"]["schema"]
    component = schemas[holder["$ref"].removeprefix(PREFIX)]
    if set(component.get("properties", ())) == names:
        return [holder]
    pages = [schemas[p["$ref"].removeprefix(PREFIX)] for p in component["anyOf"]]
    holders = [page["properties"]["results"]["items"] for page in pages]
    for holder in holders:
        trimmed = schemas[holder["$ref"].removeprefix(PREFIX)]
        if set(trimmed["properties"]) != names:
            raise ValueError(f"`fields` names no object's properties: {names}")
    return holders


def trimmed_objects_are_an_alternative(result, generator, request, public):
    """`?fields=` trims the top-level objects of a list or detail response.

    The full component keeps every property required, so a request without
    `fields` is exactly typed by it; the trimmed form is a copy named
    Partial<Name> that requires nothing, and the top-level spots take
    `anyOf: [<Name>, Partial<Name>]` (a full object matches both, a trimmed one
    only the copy). tests/api/test_schema_completeness.py holds the default
    objects to every property of the full component.
    """
    schemas = result.get("components", {}).get("schemas", {})
    holders: dict[int, dict] = {}
    for path in result.get("paths", {}).values():
        for operation in path.values():
            fields = _fields_parameter(operation)
            if fields is None:
                continue
            names = set(fields["schema"]["items"]["enum"])
            for holder in _trimmed_holders(schemas, operation, names):
                holders[id(holder)] = holder  # a page shared by two operations
    for holder in holders.values():
        name = holder.pop("$ref").removeprefix(PREFIX)
        partial = f"Partial{name}"
        if partial not in schemas:
            component = copy.deepcopy(schemas[name])
            component.pop("required", None)
            component.pop("description", None)
            schemas[partial] = {
                "type": component.pop("type"),
                "description": TRIMMED_DESCRIPTION,
                **component,
            }
        holder["anyOf"] = [{"$ref": PREFIX + name}, {"$ref": PREFIX + partial}]
    result["components"]["schemas"] = dict(sorted(schemas.items()))
    return result


PAGE_FORMS = {"page": "Page", "keyset": "KeysetPage"}


def page_forms_are_components(result, generator, request, public):
    """A list answers a page-number page or, with `updated_since`/`cursor`, a
    keyset page (statements.api.pagination): each form becomes a component of
    its own, <Item>Page and <Item>KeysetPage, and the list's body is anyOf them
    (exclusive: `count` and `page` are null in one form only, though not in a way
    linters' `oneOf` checks can see).
    """
    schemas = result.get("components", {}).get("schemas", {})
    for name, component in list(schemas.items()):
        forms = component.get("anyOf", ())
        if not forms or not (
            name.startswith("Paginated") and all("title" in f for f in forms)
        ):
            continue
        item = name.removeprefix("Paginated").removesuffix("List")
        component["anyOf"] = []
        for form in forms:
            for prop in form["properties"].values():
                if prop.pop("x-always-null", False):
                    prop.update(nullable=True, enum=[None])
            form_name = item + PAGE_FORMS[form.pop("title")]
            schemas[form_name] = form
            component["anyOf"].append({"$ref": PREFIX + form_name})
    result["components"]["schemas"] = dict(sorted(schemas.items()))
    return result


def discriminated_unions_are_referenced_plainly(result, generator, request, public):
    """`allOf: [{$ref: <a oneOf with a discriminator>}]` reads, to generators
    (openapi-typescript), as a subtype of the union, which drops the
    discriminator property; a property that is the union is a plain `$ref`.
    The siblings lost are `readOnly` ones: every property of a response is."""
    schemas = result.get("components", {}).get("schemas", {})
    discriminated = {
        PREFIX + name for name, schema in schemas.items() if "discriminator" in schema
    }
    for schema in schemas.values():
        for name, prop in schema.get("properties", {}).items():
            refs = prop.get("allOf", ())
            if len(refs) == 1 and refs[0].get("$ref") in discriminated:
                if set(prop) - {"allOf", "readOnly"}:
                    raise ValueError(f"{name}: would lose {sorted(prop)}")
                schema["properties"][name] = refs[0]
    return result


# A schema that allows only null, in OpenAPI 3.0.3: `nullable` needs a `type`.
NULL = {"type": "object", "nullable": True, "enum": [None]}
NULL_ENUM = {"$ref": "#/components/schemas/NullEnum"}


def nullable_compositions_have_a_null_branch(result, generator, request, public):
    """OpenAPI 3.0.3 lets `nullable` add null only to a `type` beside it, so
    drf-spectacular's `nullable: true` beside `allOf`/`oneOf` (a nullable link,
    a nullable choice) allows no null to a strict reader. Each becomes a `oneOf`
    with a branch that is only null, which every tool reads alike
    (docs/clients.md)."""
    _add_null_branches(result)
    schemas = result.get("components", {}).get("schemas", {})
    if "NullEnum" in schemas and NULL_ENUM["$ref"] not in json.dumps(result):
        del schemas["NullEnum"]
    return result


def _add_null_branches(node) -> None:
    if isinstance(node, list):
        for value in node:
            _add_null_branches(value)
        return
    if not isinstance(node, dict):
        return
    for value in node.values():
        _add_null_branches(value)
    if not node.get("nullable") or "type" in node:
        return
    if "allOf" in node and len(node["allOf"]) == 1:
        del node["nullable"]
        node["oneOf"] = [node.pop("allOf")[0], copy.deepcopy(NULL)]
    elif "oneOf" in node or "anyOf" in node:
        del node["nullable"]
        key = "oneOf" if "oneOf" in node else "anyOf"
        # A nullable choice already has drf-spectacular's NullEnum branch: one
        # null branch only, or null would match two branches of a `oneOf`.
        node[key] = [branch for branch in node[key] if branch != NULL_ENUM]
        node[key].append(copy.deepcopy(NULL))
    else:
        raise ValueError(f"nullable without a type: {node}")
