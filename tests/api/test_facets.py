"""GET /api/v1/quotes/facets/: counts of the quotes matching the list's filters."""

from collections import Counter

import pytest
from django.core.management import call_command

from statements.models import Quote
from tests.api.helpers import (
    CONFERENCE,
    IN_PARTICULAR,
    MASS_MIGRATION,
    MORE_PEOPLE,
    QUOTES_IN_ORDER,
    RECEPTION,
    STAND_TOGETHER,
    STRONG_INTEREST,
    WE_CARE,
    assert_problem,
    row,
)


def with_ancestors(section: str, slugs) -> set[str]:
    """The fixture records named and every record above them in their tree."""
    found = set()
    for slug in slugs:
        while slug is not None and slug not in found:
            found.add(slug)
            slug = row(section, slug).get("parent")
    return found


def date_range(quote: dict) -> tuple[str, str] | None:
    """(date_from, date_to) from the fixture: said_on, else the dates of the first
    event with a start date, from the quote's event up."""
    if quote["said_on"]:
        return quote["said_on"], quote["said_on"]
    event = quote["event"]
    while event is not None:
        record = row("events", event)
        if record.get("start_date"):
            return record["start_date"], record.get("end_date") or record["start_date"]
        event = record.get("parent")
    return None


def months_of(quotes) -> list[dict]:
    """Quotes per month their date range touches (the fixture's ranges stay in
    one year), then the undated ones."""
    months, undated = Counter(), 0
    for quote in quotes:
        dates = date_range(quote)
        if dates is None:
            undated += 1
            continue
        (year, first), last = map(int, dates[0][:7].split("-")), int(dates[1][5:7])
        months.update(f"{year:04}-{month:02}" for month in range(first, last + 1))
    counted = [{"month": m, "count": c} for m, c in sorted(months.items())]
    return counted + ([{"month": None, "count": undated}] if undated else [])


def expected_facets(quote_slugs) -> dict:
    """Facets of the fixture quotes named, ordered by count, then slug: a theme or
    an event counts the quotes below it too."""
    quotes = [row("quotes", slug) for slug in quote_slugs]

    def counted(section, counter):
        return [
            {"slug": slug, "name": row(section, slug)["name"], "count": count}
            for slug, count in sorted(counter.items(), key=lambda x: (-x[1], x[0]))
        ]

    groups = Counter(
        group
        for quote in quotes
        for group in {link["group"] for link in quote["stakeholder_groups"]}
    )
    themes = Counter(
        theme for q in quotes for theme in with_ancestors("themes", q["themes"])
    )
    events = Counter(
        event
        for q in quotes
        for event in with_ancestors("events", [q["event"]] if q["event"] else [])
    )
    return {
        "total": len(quotes),
        "themes": counted("themes", themes),
        "stakeholder_groups": counted("stakeholder_groups", groups),
        "speakers": counted("speakers", Counter(q["speaker"] for q in quotes)),
        "events": counted("events", events),
        "months": months_of(quotes),
    }


def test_facets_of_every_quote(client, seeded):
    response = client.get("/api/v1/quotes/facets/")

    assert response.status_code == 200
    assert response.json() == expected_facets(QUOTES_IN_ORDER)


def test_the_seeded_facets_literally(client, seeded):
    body = client.get("/api/v1/quotes/facets/").json()

    assert body["total"] == 6
    # The root theme and the conference count every quote below them, as
    # ?theme=migration and ?event=<conference> return them.
    assert body["themes"][:2] == [
        {"slug": "migration", "name": "Migration", "count": 6},
        {
            "slug": "regional-cooperation",
            "name": "Regional cooperation and shared responsibility",
            "count": 3,
        },
    ]
    assert body["speakers"] == [
        {"slug": "antony-blinken", "name": "Antony Blinken", "count": 6}
    ]
    assert [(e["slug"], e["count"]) for e in body["events"]] == [
        (CONFERENCE, 6),
        (RECEPTION, 3),
    ]
    # Three said on 19 April, three dated by the conference (19-20 April).
    assert body["months"] == [{"month": "2022-04", "count": 6}]


@pytest.mark.parametrize(
    ("query", "quotes"),
    [
        ("theme=host-communities", [IN_PARTICULAR]),
        ("q=borders", [STRONG_INTEREST]),
        ("fidelity=reported", [MASS_MIGRATION, MORE_PEOPLE]),
        ("stakeholder_group=migrants", [WE_CARE, IN_PARTICULAR]),
        ("stakeholder_group=migrants&stakeholder_role=mentioned", [IN_PARTICULAR]),
        (f"event={RECEPTION}", [STRONG_INTEREST, WE_CARE, IN_PARTICULAR]),
        ("theme=migration", QUOTES_IN_ORDER),
        ("theme=root-causes-of-migration", []),
        ("date_from=2022-04-20", [MASS_MIGRATION, MORE_PEOPLE, STAND_TOGETHER]),
        ("date_from=2022-04-01&date_to=2022-04-30", QUOTES_IN_ORDER),
        ("date_to=2022-04-18", []),
        ("theme=migrant-protection&q=millions", [WE_CARE]),
        (f"event={CONFERENCE}&fidelity=reported", [MASS_MIGRATION, MORE_PEOPLE]),
    ],
)
def test_facets_follow_the_filters(client, seeded, query, quotes):
    response = client.get(f"/api/v1/quotes/facets/?{query}")

    assert response.status_code == 200
    assert response.json() == expected_facets(quotes)
    listed = client.get(f"/api/v1/quotes/?{query}").json()
    assert response.json()["total"] == listed["count"]


def test_facets_of_nothing(client, seeded):
    response = client.get("/api/v1/quotes/facets/?theme=root-causes-of-migration")

    assert response.json() == {
        "total": 0,
        "themes": [],
        "stakeholder_groups": [],
        "speakers": [],
        "events": [],
        "months": [],
    }


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("theme=nope", "theme"),
        ("fidelity=bogus", "fidelity"),
        ("date_from=2022-02-30", "date_from"),
        ("q=" + "x" * 501, "q"),
        ("stakeholder_group=migrants&stakeholder_role=bogus", "stakeholder_role"),
    ],
)
def test_bad_facet_filters_are_400(client, seeded, query, parameter):
    assert_problem(client.get(f"/api/v1/quotes/facets/?{query}"), 400, parameter)


def test_facets_are_kept_until_the_data_changes(
    client, transactional_db, django_assert_max_num_queries
):
    call_command("seed", verbosity=0)
    first = client.get("/api/v1/quotes/facets/").json()
    # The same question again: the kept result, without the GROUP BYs (the data
    # version, the rate limit and the filter set are all that is left).
    with django_assert_max_num_queries(3):
        again = client.get("/api/v1/quotes/facets/").json()
    assert again == first

    Quote.objects.get(slug="blinken-stand-together-to-meet-the-challenge").delete()
    after = client.get("/api/v1/quotes/facets/").json()
    assert after["total"] == first["total"] - 1
