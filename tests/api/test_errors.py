"""Every error is RFC 9457 problem+json: bad parameters (400), unknown slugs and
paths (404), wrong methods (405 with Allow)."""

import pytest

from tests.api.helpers import IN_PARTICULAR, STATEMENT, assert_problem

LISTS = [
    "speakers",
    "events",
    "statements",
    "quotes",
    "themes",
    "stakeholder-groups",
]

BAD_PARAMETERS = [
    # Pagination, on every list.
    *[(f"/api/v1/{name}/?page=0", "page") for name in LISTS],
    *[(f"/api/v1/{name}/?page=abc", "page") for name in LISTS],
    *[(f"/api/v1/{name}/?page_size=0", "page_size") for name in LISTS],
    *[(f"/api/v1/{name}/?page_size=ten", "page_size") for name in LISTS],
    *[(f"/api/v1/{name}/?page_size=-1", "page_size") for name in LISTS],
    # Ordering and field selection, on every list.
    *[(f"/api/v1/{name}/?ordering=bogus", "ordering") for name in LISTS],
    *[(f"/api/v1/{name}/?ordering=id", "ordering") for name in LISTS],
    *[(f"/api/v1/{name}/?fields=slug,bogus", "fields") for name in LISTS],
    # Expansion.
    ("/api/v1/quotes/?expand=bogus", "expand"),
    ("/api/v1/quotes/?expand=speaker,stakeholder_groups", "expand"),
    (f"/api/v1/quotes/{IN_PARTICULAR}/?expand=bogus", "expand"),
    ("/api/v1/statements/?expand=quotes", "expand"),
    (f"/api/v1/statements/{STATEMENT}/?expand=bogus", "expand"),
    ("/api/v1/speakers/?expand=roles", "expand"),
    ("/api/v1/events/?expand=parent", "expand"),
    ("/api/v1/themes/?expand=parent", "expand"),
    ("/api/v1/stakeholder-groups/?expand=quotes", "expand"),
    (f"/api/v1/quotes/{IN_PARTICULAR}/?fields=bogus", "fields"),
    (f"/api/v1/statements/{STATEMENT}/?fields=bogus", "fields"),
    ("/api/v1/statements/?fields=text", "fields"),
    ("/api/v1/speakers/antony-blinken/?fields=bogus", "fields"),
    # Quote filters.
    ("/api/v1/quotes/?speaker=nobody", "speaker"),
    ("/api/v1/quotes/?statement=nothing", "statement"),
    ("/api/v1/quotes/?event=nowhere", "event"),
    ("/api/v1/quotes/?theme=nope", "theme"),
    ("/api/v1/quotes/?theme=migration,nope", "theme"),
    ("/api/v1/quotes/?theme=" + ",".join(["migration"] * 51), "theme"),
    ("/api/v1/quotes/?stakeholder_group=nope", "stakeholder_group"),
    ("/api/v1/quotes/?stakeholder_role=bogus", "stakeholder_role"),
    ("/api/v1/quotes/?stakeholder_role=affected,bogus", "stakeholder_role"),
    (
        "/api/v1/quotes/?stakeholder_group=migrants&stakeholder_role=bogus",
        "stakeholder_role",
    ),
    (
        "/api/v1/quotes/?stakeholder_group=nope&stakeholder_role=affected",
        "stakeholder_group",
    ),
    ("/api/v1/quotes/?fidelity=bogus", "fidelity"),
    ("/api/v1/quotes/?fidelity=direct,bogus", "fidelity"),
    ("/api/v1/quotes/?language=" + "x" * 36, "language"),
    ("/api/v1/quotes/?date_from=2022-13-01", "date_from"),
    ("/api/v1/quotes/?date_to=yesterday", "date_to"),
    ("/api/v1/quotes/?q=" + "x" * 501, "q"),
    ("/api/v1/quotes/?q=a%00b", "q"),
    # Statement filters.
    ("/api/v1/statements/?speaker=nobody", "speaker"),
    ("/api/v1/statements/?event=nowhere", "event"),
    ("/api/v1/statements/?theme=nope", "theme"),
    ("/api/v1/statements/?stakeholder_group=nope", "stakeholder_group"),
    ("/api/v1/statements/?kind=bogus", "kind"),
    ("/api/v1/statements/?publisher=" + "x" * 201, "publisher"),
    ("/api/v1/statements/?language=" + "x" * 36, "language"),
    ("/api/v1/statements/?published_from=2022-02-30", "published_from"),
    ("/api/v1/statements/?published_to=soon", "published_to"),
    ("/api/v1/statements/?q=" + "x" * 501, "q"),
    ("/api/v1/statements/?q=%00", "q"),
    # Event, theme and group filters.
    ("/api/v1/events/?country=PAN", "country"),
    ("/api/v1/events/?kind=bogus", "kind"),
    ("/api/v1/events/?parent=nowhere", "parent"),
    ("/api/v1/events/?date_from=2022-04", "date_from"),
    ("/api/v1/events/?date_to=2022/04/20", "date_to"),
    ("/api/v1/themes/?parent=nope", "parent"),
    ("/api/v1/stakeholder-groups/?category=bogus", "category"),
    # Search.
    ("/api/v1/search/", "q"),
    ("/api/v1/search/?q=", "q"),
    ("/api/v1/search/?q=%20%20", "q"),
    ("/api/v1/search/?q=" + "x" * 501, "q"),
    ("/api/v1/search/?q=a%00b", "q"),
    ("/api/v1/search/?q=x&limit=0", "limit"),
    ("/api/v1/search/?q=x&limit=51", "limit"),
    ("/api/v1/search/?q=x&limit=many", "limit"),
    ("/api/v1/search/?q=x&type=bogus", "type"),
    ("/api/v1/search/?q=x&type=quote,bogus", "type"),
]


@pytest.mark.parametrize(("path", "parameter"), BAD_PARAMETERS)
def test_a_bad_parameter_is_a_400_problem_naming_it(client, seeded, path, parameter):
    body = assert_problem(client.get(path), 400, parameter)

    assert body["title"] == "Bad Request"
    assert body["type"] == "https://statements-api.org/problems/validation-error"
    assert parameter in body["detail"]


@pytest.mark.parametrize("name", LISTS)
def test_a_page_past_the_last_is_a_404_problem(client, seeded, name):
    body = assert_problem(client.get(f"/api/v1/{name}/?page=2&page_size=100"), 404)

    assert body["title"] == "Not Found"
    assert "past the last page" in body["detail"]


def test_a_page_deeper_than_pages_go_is_a_404_problem(client, seeded):
    body = assert_problem(client.get("/api/v1/quotes/?page=101&page_size=100"), 404)

    assert "updated_since and cursor" in body["detail"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/quotes/?ordering=slug,,slug",
        "/api/v1/speakers/?ordering=,",
        "/api/v1/quotes/?fidelity=direct,",
        "/api/v1/quotes/?fields=slug,,text",
        "/api/v1/quotes/?expand=speaker,",
        "/api/v1/search/?q=border&type=quote,,theme",
    ],
)
def test_an_empty_item_in_a_list_parameter_is_a_400(client, seeded, path):
    body = assert_problem(client.get(path), 400)

    assert "Empty values" in body["detail"]


@pytest.mark.parametrize("name", ["events", "themes"])
def test_a_bad_boolean_is_a_400(client, seeded, name):
    assert_problem(client.get(f"/api/v1/{name}/?top_level=maybe"), 400, "top_level")


def test_every_error_of_a_request_is_listed(client, seeded):
    response = client.get("/api/v1/quotes/?theme=nope&fidelity=bogus&date_to=x")

    body = assert_problem(response, 400)
    assert sorted(error["parameter"] for error in body["errors"]) == [
        "date_to",
        "fidelity",
        "theme",
    ]


@pytest.mark.parametrize(
    ("query", "parameter", "message", "code"),
    [
        ("theme=nope", "theme", "No theme with slug 'nope'.", "unknown_slug"),
        (
            "fidelty=direct",
            "fidelty",
            "Unknown parameter; did you mean fidelity?",
            "unknown_parameter",
        ),
    ],
)
def test_the_problem_for_one_bad_parameter(
    client, seeded, query, parameter, message, code
):
    response = client.get(f"/api/v1/quotes/?{query}")

    assert_problem(response, 400, parameter)
    assert response.json() == {
        "type": "https://statements-api.org/problems/validation-error",
        "title": "Bad Request",
        "status": 400,
        "detail": f"{parameter}: {message}",
        "errors": [{"parameter": parameter, "message": message, "code": code}],
    }


@pytest.mark.parametrize(
    ("name", "verbose_name"),
    [
        ("speakers", "speaker"),
        ("events", "event"),
        ("statements", "statement"),
        ("quotes", "quote"),
        ("themes", "theme"),
        ("stakeholder-groups", "stakeholder group"),
    ],
)
def test_an_unknown_slug_is_a_404_problem(client, seeded, name, verbose_name):
    response = client.get(f"/api/v1/{name}/no-such-thing/")

    assert_problem(response, 404)
    assert response.json() == {
        "type": "https://statements-api.org/problems/not-found",
        "title": "Not Found",
        "status": 404,
        "detail": f"No {verbose_name} with slug 'no-such-thing'.",
    }


@pytest.mark.parametrize(
    "path",
    ["/api/v1/nothing-here/", "/api/v1/quotes/not.a.slug/", "/api/v2/quotes/"],
)
def test_an_unknown_path_is_a_404_problem(client, db, path):
    assert_problem(client.get(path), 404)


ENDPOINTS = [
    "/api/v1/",
    *[f"/api/v1/{name}/" for name in LISTS],
    "/api/v1/speakers/antony-blinken/",
    f"/api/v1/quotes/{IN_PARTICULAR}/",
    f"/api/v1/statements/{STATEMENT}/",
    "/api/v1/quotes/facets/",
    "/api/v1/search/?q=borders",
]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", ENDPOINTS)
def test_a_wrong_method_is_a_405_problem_with_allow(client, seeded, path, method):
    # The resources take writes from editors (tests/api/test_writes.py): a list
    # POST, a record's PUT, PATCH and DELETE; anonymously they are a 401.
    reads = {"GET", "HEAD", "OPTIONS"}
    resource = path.count("/") in (4, 5) and "facets" not in path
    resource = resource and "search" not in path and path != "/api/v1/"
    writes = (
        set()
        if not resource
        else {"POST"}
        if path.count("/") == 4
        else {"PUT", "PATCH", "DELETE"}
    )
    response = getattr(client, method)(path, {}, format="json")

    if method.upper() in writes:
        assert_problem(response, 401)
        return
    body = assert_problem(response, 405)
    assert body["title"] == "Method Not Allowed"
    allowed = {part.strip() for part in response.headers["Allow"].split(",")}
    assert allowed == reads | writes
