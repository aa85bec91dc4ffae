"""Every list costs the same number of queries for 1 row as for 20 (no N+1).

The numbers are measured once and written down, so that any added query fails a
test and has to be explained here. They include what every request costs besides
its rows: the rate-limit counter, the data version (read once per request) and
the COUNT (kept per process by data version, so each request here, made after a
write, counts). A page of quotes is then 6 queries: its ids, the quote rows,
spans, themes, stakeholder links and speaker roles.

These tests commit (transactional_db), as requests do in production.
"""

import pytest

from tests.api.conftest import SEARCH_WORD


@pytest.fixture(autouse=True)
def committed_rows(transactional_db):
    return


LISTS = [
    ("/api/v1/quotes/", 7),
    ("/api/v1/quotes/?expand=speaker", 9),
    ("/api/v1/quotes/?expand=statement", 10),
    ("/api/v1/quotes/?expand=event", 10),
    ("/api/v1/quotes/?expand=themes", 9),
    ("/api/v1/quotes/?expand=speaker,statement,event,themes", 17),
    ("/api/v1/quotes/?fields=slug,text", 7),
    ("/api/v1/statements/", 7),
    ("/api/v1/statements/?expand=publisher", 9),
    ("/api/v1/statements/?expand=event", 10),
    ("/api/v1/statements/?expand=themes", 9),
    ("/api/v1/statements/?expand=stakeholder_groups", 8),
    ("/api/v1/statements/?expand=publisher,event,themes,stakeholder_groups", 15),
    ("/api/v1/speakers/", 6),
    ("/api/v1/events/", 7),
    ("/api/v1/themes/", 6),
    ("/api/v1/stakeholder-groups/", 5),
    ("/api/v1/organizations/", 6),
]

# Rows each set of make_linked_rows adds to a list.
ROWS_PER_SET = {"events": 2, "themes": 2, "organizations": 2}


def rows_per_set(path: str) -> int:
    return ROWS_PER_SET.get(path.split("/")[3], 1)


@pytest.mark.parametrize(("path", "queries"), LISTS)
def test_a_list_costs_the_same_for_1_and_20_rows(
    client, make_linked_rows, django_assert_num_queries, path, queries
):
    make_linked_rows(1)
    with django_assert_num_queries(queries):
        one = client.get(path)
    assert len(one.json()["results"]) == one.json()["count"] == rows_per_set(path)

    make_linked_rows(19)
    with django_assert_num_queries(queries):
        many = client.get(path)
    rows = 20 * rows_per_set(path)
    assert len(many.json()["results"]) == many.json()["count"] == rows


def test_facets_cost_the_same_for_1_and_20_quotes(
    client, make_linked_rows, django_assert_num_queries
):
    make_linked_rows(1)
    with django_assert_num_queries(8):
        one = client.get("/api/v1/quotes/facets/")
    assert one.json()["total"] == 1

    make_linked_rows(19)
    with django_assert_num_queries(8):
        many = client.get("/api/v1/quotes/facets/")
    assert many.json()["total"] == 20


def test_search_costs_the_same_for_1_and_20_rows(
    client, make_linked_rows, django_assert_num_queries
):
    make_linked_rows(1)
    with django_assert_num_queries(22):
        one = client.get("/api/v1/search/", {"q": SEARCH_WORD})
    assert set(one.json()["counts"].values()) >= {1}

    make_linked_rows(19)
    with django_assert_num_queries(22):
        many = client.get("/api/v1/search/", {"q": SEARCH_WORD})
    counts = many.json()["counts"]
    assert counts["quote"] == 20
    assert counts["speaker"] == 20
    assert len(many.json()["results"]) == 60
