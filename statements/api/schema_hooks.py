"""Post-processing of the generated OpenAPI document (drf-spectacular hooks).

Each hook states in the schema a rule the API already keeps, where
drf-spectacular's introspection cannot see it.
"""

PROBLEM_MEDIA_TYPE = "application/problem+json"


def brief_objects_are_closed(result, generator, request, public):
    """Brief objects have exactly their fields, so `oneOf: [Brief, Full]` of an
    expandable field matches exactly one of the two."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Brief") and component.get("type") == "object":
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
