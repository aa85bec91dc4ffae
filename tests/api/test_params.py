"""Query parameters are strict and predictable: list values repeated or
comma-separated mean the same, other parameters are given once, unknown names are
a 400 with a suggestion, and every bad parameter is reported in one response."""

import pytest

from tests.api.helpers import FIXTURE, IN_PARTICULAR, assert_problem

# The fixture section each slug-valued parameter names, by path prefix.
SLUG_SECTIONS = {
    "speaker": "speakers",
    "statement": "statements",
    "event": "events",
    "theme": "themes",
    "stakeholder_group": "stakeholder_groups",
    "author": "organizations",
    "quoted_speaker": "speakers",
    "publisher": "organizations",
}
DETAIL_SECTIONS = {
    "/api/v1/speakers/": "speakers",
    "/api/v1/events/": "events",
    "/api/v1/statements/": "statements",
    "/api/v1/quotes/": "quotes",
    "/api/v1/themes/": "themes",
    "/api/v1/stakeholder-groups/": "stakeholder_groups",
    "/api/v1/organizations/": "organizations",
}
# Every list-valued parameter the issues name must be among those checked.
NAMED_IN_THE_ISSUES = {
    "expand",
    "fields",
    "theme",
    "event",
    "speaker",
    "statement",
    "stakeholder_group",
    "stakeholder_role",
    "fidelity",
    "ordering",
    "kind",
    "category",
    "type",
}


def _slugs(section: str) -> list[str]:
    return [row["slug"] for row in FIXTURE[section]]


def _two_values(path: str, parameter: dict) -> list[str]:
    items = parameter["schema"]["items"]
    if "enum" in items:
        return items["enum"][:2]
    name = parameter["name"]
    if name == "parent":
        section = next(
            section
            for route, section in (
                ("/events", "events"),
                ("/themes", "themes"),
                ("/organizations", "organizations"),
            )
            if route in path
        )
    else:
        section = SLUG_SECTIONS[name]
    return _slugs(section)[:2]


def _concrete(path: str) -> str:
    if "{slug}" not in path:
        return path
    prefix = path.split("{slug}")[0]
    return prefix + _slugs(DETAIL_SECTIONS[prefix])[0] + "/"


def _list_parameters(schema):
    """(path, parameter) of every list-valued query parameter of every GET."""
    for path, operations in schema["paths"].items():
        for parameter in operations.get("get", {}).get("parameters", []):
            if parameter["in"] == "query" and parameter["schema"]["type"] == "array":
                yield path, parameter


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.django_db
def test_every_list_parameter_of_the_schema_takes_repeated_values(
    client, seeded, settings
):
    settings.RATE_LIMIT_ANONYMOUS = 10**6  # two requests per parameter
    schema = client.get("/api/v1/schema/?format=json").json()
    checked = set()
    for path, parameter in _list_parameters(schema):
        assert parameter["style"] == "form", (path, parameter["name"])
        assert parameter["explode"] is True, (path, parameter["name"])
        assert "separate them with commas" in parameter["description"]
        name = parameter["name"]
        values = _two_values(path, parameter)
        target = _concrete(path).replace("{", "").replace("}", "")
        extra = "q=border&" if path == "/api/v1/search/" else ""
        repeated = client.get(
            f"{target}?{extra}" + "&".join(f"{name}={value}" for value in values)
        )
        commas = client.get(f"{target}?{extra}{name}={','.join(values)}")

        assert repeated.status_code == 200, (target, name, repeated.content)
        assert commas.status_code == 200, (target, name, commas.content)
        assert _body(repeated) == _body(commas), (target, name)
        checked.add(name)
    assert checked >= NAMED_IN_THE_ISSUES


def test_repeated_fidelity_means_either(client, seeded):
    response = client.get("/api/v1/quotes/?fidelity=direct&fidelity=reported")

    assert response.json()["count"] == 6


def test_repeated_expand_expands_each(client, seeded):
    response = client.get(
        f"/api/v1/quotes/{IN_PARTICULAR}/?expand=speaker&expand=statement"
    )

    body = response.json()
    assert "biography" in body["speaker"]
    assert "text" in body["statement"] or "publisher" in body["statement"]


def test_repeated_and_comma_values_mix(client, seeded):
    mixed = client.get("/api/v1/quotes/facets/?theme=migration,poverty&theme=ngo-x")
    assert_problem(mixed, 400, "theme")

    both = client.get("/api/v1/quotes/?fidelity=direct,paraphrase&fidelity=reported")
    assert both.json()["count"] == 6


def test_an_empty_repeated_value_means_none_and_an_empty_item_is_an_error(
    client, seeded
):
    assert client.get("/api/v1/quotes/?fidelity=direct&fidelity=").json()["count"] == 4
    body = assert_problem(
        client.get("/api/v1/quotes/?fidelity=direct,&fidelity=reported"),
        400,
        "fidelity",
    )
    assert body["errors"][0]["code"] == "empty_item"


@pytest.mark.parametrize(
    ("path", "parameter", "message"),
    [
        ("/api/v1/quotes/?utm_source=x", "utm_source", "Unknown parameter."),
        ("/api/v1/statements/?pgae=2", "pgae", "Unknown parameter; did you mean page?"),
        (
            f"/api/v1/quotes/{IN_PARTICULAR}/?feilds=slug",
            "feilds",
            "Unknown parameter; did you mean fields?",
        ),
        # Filters and pages do not apply to a detail.
        (f"/api/v1/quotes/{IN_PARTICULAR}/?page=1", "page", "Unknown parameter."),
        (
            "/api/v1/quotes/facets/?page_size=5",
            "page_size",
            "Unknown parameter.",
        ),
        (
            "/api/v1/search/?q=border&limt=5",
            "limt",
            "Unknown parameter; did you mean limit?",
        ),
        (
            "/api/v1/changes/?sinse=now",
            "sinse",
            "Unknown parameter; did you mean since?",
        ),
        (
            "/api/v1/exports/quotes.csv?fidelty=direct",
            "fidelty",
            "Unknown parameter; did you mean fidelity?",
        ),
        # The export's path names its format; `format` is read elsewhere only.
        ("/api/v1/exports/quotes.ndjson?format=json", "format", "Unknown parameter."),
        ("/api/v1/?expand=speaker", "expand", "Unknown parameter."),
    ],
)
def test_unknown_parameters_on_every_kind_of_endpoint(
    client, seeded, path, parameter, message
):
    body = assert_problem(client.get(path), 400, parameter)

    assert body["errors"] == [
        {"parameter": parameter, "message": message, "code": "unknown_parameter"}
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/quotes/?format=json",
        f"/api/v1/quotes/{IN_PARTICULAR}/?format=json",
        "/api/v1/?format=json",
        "/api/v1/schema/?format=json",
        "/api/v1/schema/?format=yaml&lang=en",
        "/api/v1/docs/?utm_source=x",
        "/api/v1/redoc/?utm_source=x",
        "/healthz?probe=1",
    ],
)
def test_format_and_browser_pages_stay_lenient(client, seeded, path):
    assert client.get(path).status_code == 200


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/api/v1/quotes/?page=1&page=2", "page"),
        ("/api/v1/quotes/?page_size=1&page_size=2", "page_size"),
        ("/api/v1/quotes/?q=border&q=migration", "q"),
        ("/api/v1/quotes/?date_from=2022-01-01&date_from=2022-02-01", "date_from"),
        (
            "/api/v1/quotes/?updated_since=2022-01-01&updated_since=2023-01-01",
            "updated_since",
        ),
        ("/api/v1/events/?country=PA&country=US", "country"),
        ("/api/v1/themes/?top_level=true&top_level=false", "top_level"),
        ("/api/v1/search/?q=border&q=wall", "q"),
        ("/api/v1/search/?q=border&limit=1&limit=2", "limit"),
        ("/api/v1/changes/?since=now&since=now", "since"),
        ("/api/v1/changes/?limit=1&limit=2", "limit"),
        ("/api/v1/exports/statements.csv?language=en&language=es", "language"),
        ("/api/v1/quotes/?format=json&format=json", "format"),
    ],
)
def test_a_single_valued_parameter_given_twice_is_a_400(
    client, seeded, path, parameter
):
    body = assert_problem(client.get(path), 400, parameter)

    assert body["errors"] == [
        {
            "parameter": parameter,
            "message": f"Give {parameter} once.",
            "code": "repeated_parameter",
        }
    ]


def test_names_values_and_pages_are_reported_together(client, seeded):
    response = client.get(
        "/api/v1/statements/?fidelty=direct&page=1&page=2&fields=nope"
        "&kind=tweet&page_size=0&cursor=garbage"
    )

    body = assert_problem(response, 400)
    assert [(e["parameter"], e["code"]) for e in body["errors"]] == [
        ("fidelty", "unknown_parameter"),
        ("page", "repeated_parameter"),
        ("fields", "invalid"),
        ("kind", "invalid_choice"),
        ("page_size", "invalid"),
        ("cursor", "invalid"),
    ]


@pytest.mark.parametrize(
    ("path", "parameters"),
    [
        (
            "/api/v1/quotes/?fidelity=quoted&page=abc&expand=nope",
            ["expand", "fidelity", "page"],
        ),
        (
            "/api/v1/search/?q=&type=user&limit=0&lang=en",
            ["lang", "limit", "q", "type"],
        ),
        ("/api/v1/changes/?since=garbage&limit=0", ["limit", "since"]),
        (
            "/api/v1/quotes/facets/?theme=nope&date_to=x&fields=slug",
            ["date_to", "fields", "theme"],
        ),
    ],
)
def test_every_bad_parameter_is_reported_in_one_response(
    client, seeded, path, parameters
):
    body = assert_problem(client.get(path), 400)

    assert sorted(error["parameter"] for error in body["errors"]) == parameters


@pytest.mark.parametrize(
    "route", ["speakers", "events", "themes", "stakeholder-groups"]
)
def test_expand_on_a_resource_without_expandable_fields_is_one_unknown_parameter(
    client, seeded, route
):
    body = assert_problem(
        client.get(f"/api/v1/{route}/?expand=nonsense"), 400, "expand"
    )

    assert [(e["parameter"], e["code"]) for e in body["errors"]] == [
        ("expand", "unknown_parameter")
    ]
