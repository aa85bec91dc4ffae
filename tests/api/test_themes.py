"""GET /api/v1/themes/ and /themes/{slug}/."""

import pytest

from tests.api.helpers import (
    FIXTURE,
    briefs_by_name,
    expected_theme,
    slugs,
    strip_timestamps,
    theme_quote_count,
)

ALL_THEMES = [item["slug"] for item in FIXTURE["themes"]]


def by_name(theme_slugs) -> list[str]:
    return [item["slug"] for item in briefs_by_name("themes", theme_slugs)]


def test_a_theme_with_its_parent_and_children(client, seeded):
    response = client.get("/api/v1/themes/host-communities/")

    assert response.status_code == 200
    assert strip_timestamps(response.json()) == {
        "slug": "host-communities",
        "url": "http://testserver/api/v1/themes/host-communities/",
        "name": "Support for host communities",
        "description": (
            "Stabilizing and strengthening communities that host large populations "
            "of migrants."
        ),
        "parent": {
            "slug": "migration",
            "name": "Migration",
            "url": "http://testserver/api/v1/themes/migration/",
            "shape": "brief",
        },
        "children": [
            {
                "slug": slug,
                "name": name,
                "url": f"http://testserver/api/v1/themes/{slug}/",
                "shape": "brief",
            }
            for slug, name in [
                ("jobs-and-education", "Access to jobs and education"),
                ("infrastructure", "Infrastructure"),
                ("public-health-and-safety", "Public health and safety"),
                ("social-services", "Social services"),
            ]
        ],
        # One quote is tagged with host-communities and four of its children.
        "quote_count": 1,
        "quote_count_direct": 1,
        "statement_count": 1,
        "statement_count_direct": 1,
        "licenses": {
            "data": {
                "name": "CC BY 4.0",
                "url": "https://creativecommons.org/licenses/by/4.0/",
            },
            "text": None,
        },
    }


def test_the_list_has_every_theme_by_name(client, seeded):
    body = client.get("/api/v1/themes/").json()

    assert body["count"] == 22
    assert strip_timestamps(body["results"]) == [
        expected_theme(
            slug,
            quote_count=theme_quote_count(slug),
            quote_count_direct=theme_quote_count(slug, direct=True),
            statement_count=1,
        )
        for slug in by_name(ALL_THEMES)
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "parent=host-communities",
            by_name(
                [
                    "jobs-and-education",
                    "public-health-and-safety",
                    "social-services",
                    "infrastructure",
                ]
            ),
        ),
        ("parent=migrant-protection", ["exploitation-of-migrants"]),
        (
            "parent=migrant-protection,host-communities",
            by_name(
                [
                    "jobs-and-education",
                    "public-health-and-safety",
                    "social-services",
                    "infrastructure",
                    "exploitation-of-migrants",
                ]
            ),
        ),
        ("parent=poverty", []),
        ("top_level=true", ["migration"]),
        ("top_level=false", by_name(ALL_THEMES[1:])),
    ],
)
def test_filters(client, seeded, query, expected):
    response = client.get(f"/api/v1/themes/?{query}")

    assert slugs(response) == expected
    assert response.json()["count"] == len(expected)


def test_ordering_by_name_descending(client, seeded):
    response = client.get("/api/v1/themes/?ordering=-name")

    assert slugs(response) == by_name(ALL_THEMES)[::-1]
