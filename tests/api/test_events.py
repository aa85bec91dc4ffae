"""GET /api/v1/events/ and /events/{slug}/."""

import pytest

from tests.api.helpers import (
    CONFERENCE,
    RECEPTION,
    SESSION,
    expected_event,
    slugs,
    strip_timestamps,
)

EVENTS_IN_ORDER = [CONFERENCE, RECEPTION, SESSION]


def expected_events() -> dict:
    return {
        CONFERENCE: expected_event(
            CONFERENCE,
            children=[RECEPTION, SESSION],
            # Three quotes at the conference itself, three at its reception.
            quote_count=6,
            quote_count_direct=3,
            statement_count=1,
        ),
        RECEPTION: expected_event(
            RECEPTION, children=[], quote_count=3, statement_count=0
        ),
        SESSION: expected_event(SESSION, children=[], quote_count=0, statement_count=0),
    }


def test_the_conference_with_its_two_sessions(client, seeded):
    response = client.get(f"/api/v1/events/{CONFERENCE}/")

    assert response.status_code == 200
    assert strip_timestamps(response.json()) == expected_events()[CONFERENCE]


def test_a_sub_event_names_its_parent(client, seeded):
    body = client.get(f"/api/v1/events/{RECEPTION}/").json()

    assert strip_timestamps(body) == expected_events()[RECEPTION]


def test_the_list_in_date_order(client, seeded):
    body = client.get("/api/v1/events/").json()

    assert body["count"] == 3
    expected = expected_events()
    assert strip_timestamps(body["results"]) == [expected[s] for s in EVENTS_IN_ORDER]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("country=PA", EVENTS_IN_ORDER),
        ("country=pa", EVENTS_IN_ORDER),
        ("country=US", []),
        ("kind=conference", [CONFERENCE]),
        ("kind=reception,session", [RECEPTION, SESSION]),
        ("kind=summit", []),
        (f"parent={CONFERENCE}", [RECEPTION, SESSION]),
        (f"parent={RECEPTION}", []),
        ("top_level=true", [CONFERENCE]),
        ("top_level=false", [RECEPTION, SESSION]),
        # date_from: ends on or after; date_to: starts on or before.
        ("date_from=2022-04-20", [CONFERENCE, SESSION]),
        ("date_from=2022-04-21", []),
        ("date_to=2022-04-19", [CONFERENCE, RECEPTION]),
        ("date_to=2022-04-18", []),
        ("date_from=2022-04-20&date_to=2022-04-20", [CONFERENCE, SESSION]),
        ("kind=session&top_level=true", []),
    ],
)
def test_filters(client, seeded, query, expected):
    response = client.get(f"/api/v1/events/?{query}")

    assert slugs(response) == expected
    assert response.json()["count"] == len(expected)


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("start_date", [CONFERENCE, RECEPTION, SESSION]),
        ("-start_date", [SESSION, CONFERENCE, RECEPTION]),
        ("name", [CONFERENCE, RECEPTION, SESSION]),
        ("-name", [SESSION, RECEPTION, CONFERENCE]),
    ],
)
def test_ordering(client, seeded, ordering, expected):
    assert slugs(client.get(f"/api/v1/events/?ordering={ordering}")) == expected
