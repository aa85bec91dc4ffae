"""GET /api/v1/stakeholder-groups/ and /stakeholder-groups/{slug}/."""

import pytest

from tests.api.helpers import (
    FIXTURE,
    briefs_by_name,
    expected_group,
    slugs,
    strip_timestamps,
)

ALL_GROUPS = [item["slug"] for item in FIXTURE["stakeholder_groups"]]


def by_name(group_slugs) -> list[str]:
    return [item["slug"] for item in briefs_by_name("stakeholder_groups", group_slugs)]


def quotes_linked_to(group: str) -> int:
    return sum(
        any(link["group"] == group for link in quote["stakeholder_groups"])
        for quote in FIXTURE["quotes"]
    )


def test_a_group_in_full(client, seeded):
    response = client.get("/api/v1/stakeholder-groups/migrants/")

    assert response.status_code == 200
    assert strip_timestamps(response.json()) == {
        "slug": "migrants",
        "url": "http://testserver/api/v1/stakeholder-groups/migrants/",
        "name": "Migrants",
        "category": "affected_population",
        "description": (
            "People who have left their homes and communities in search of a better "
            "life, including immigrants."
        ),
        "quote_count": 2,
        "statement_count": 1,
        "licenses": {
            "data": {
                "name": "CC BY 4.0",
                "url": "https://creativecommons.org/licenses/by/4.0/",
            },
            "text": None,
        },
    }


def test_the_list_has_every_group_by_name(client, seeded):
    body = client.get("/api/v1/stakeholder-groups/").json()

    assert body["count"] == 11
    assert strip_timestamps(body["results"]) == [
        expected_group(slug, quote_count=quotes_linked_to(slug))
        for slug in by_name(ALL_GROUPS)
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "category=affected_population",
            by_name(
                [
                    "migrants",
                    "children",
                    "refugees",
                    "host-communities",
                    "displaced-people",
                ]
            ),
        ),
        (
            "category=government,civil_society",
            by_name(["governments-of-the-region", "united-states-government", "ngos"]),
        ),
        ("category=other", []),
    ],
)
def test_filters(client, seeded, query, expected):
    response = client.get(f"/api/v1/stakeholder-groups/?{query}")

    assert slugs(response) == expected
    assert response.json()["count"] == len(expected)


def test_ordering_by_name_descending(client, seeded):
    response = client.get("/api/v1/stakeholder-groups/?ordering=-name")

    assert slugs(response) == by_name(ALL_GROUPS)[::-1]
