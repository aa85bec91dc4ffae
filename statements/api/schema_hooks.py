"""Post-processing of the generated OpenAPI document (drf-spectacular hooks).

Each hook states in the schema a rule the API already keeps, where
drf-spectacular's introspection cannot see it.
"""

import collections
import copy

PROBLEM_MEDIA_TYPE = "application/problem+json"


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


def empty_query_values_mean_absent(result, generator, request, public):
    """`?date_to=` is the same as leaving date_to out, for every optional filter."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and not parameter.get("required"):
                    parameter["allowEmptyValue"] = True
    return result


TRIMMED_DESCRIPTION = "Every property is present unless `fields` leaves it out."


def trimmed_objects_require_nothing(result, generator, request, public):
    """`?fields=` trims the top-level objects of a list or detail response, so no
    property of theirs is required (tests/api/test_schema_completeness.py holds the
    default, untrimmed objects to every property instead).

    The top-level object of each operation that takes `fields` (the detail body, or
    the items of a page's `results`) loses `required`. A component that is also
    reused elsewhere, whole (e.g. Speaker inside SpeakerBriefOrSpeaker, which
    `expand` returns untrimmed), keeps it: the top-level spots get a copy named
    Partial<Name> instead.
    """
    schemas = result.get("components", {}).get("schemas", {})
    prefix = "#/components/schemas/"
    spots: dict[str, list[dict]] = {}  # component name -> the {"$ref"} dicts
    for path in result.get("paths", {}).values():
        for operation in path.values():
            fields = next(
                (
                    parameter
                    for parameter in operation.get("parameters", [])
                    if parameter.get("in") == "query" and parameter["name"] == "fields"
                ),
                None,
            )
            if fields is None:
                continue
            names = set(fields["schema"]["items"]["enum"])
            holder = operation["responses"]["200"]["content"]["application/json"]
            holder = holder["schema"]
            component = schemas[holder["$ref"].removeprefix(prefix)]
            if set(component["properties"]) != names:  # a page: trim its items
                holder = component["properties"]["results"]["items"]
                component = schemas[holder["$ref"].removeprefix(prefix)]
            if set(component["properties"]) != names:
                raise ValueError(f"`fields` names no object's properties: {names}")
            found = spots.setdefault(holder["$ref"].removeprefix(prefix), [])
            if not any(holder is known for known in found):  # a page shared by two
                found.append(holder)

    references = _count_references(result)
    for name, holders in spots.items():
        component = copy.deepcopy(schemas[name])
        target = name
        if references[name] > len(holders):
            target = f"Partial{name}"
            for holder in holders:
                holder["$ref"] = prefix + target
        component.pop("required", None)
        description = component.pop("description", None)
        description = f"{description}\n\n" if description else ""
        schemas[target] = {
            "type": component.pop("type"),
            "description": description + TRIMMED_DESCRIPTION,
            **component,
        }
    result["components"]["schemas"] = dict(sorted(schemas.items()))
    return result


def _count_references(node, counts=None) -> collections.Counter:
    counts = collections.Counter() if counts is None else counts
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            counts[ref.removeprefix("#/components/schemas/")] += 1
        for value in node.values():
            _count_references(value, counts)
    elif isinstance(node, list):
        for value in node:
            _count_references(value, counts)
    return counts
