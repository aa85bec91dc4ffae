"""Page-number pagination: the page object, next/previous, the Link header, the cap
on page_size and a stable default order."""

import datetime

import pytest

from tests.api.helpers import BASE, QUOTES_IN_ORDER, link_header, slugs
from tests.factories import (
    EventFactory,
    QuoteFactory,
    SpeakerFactory,
    StakeholderGroupFactory,
    StatementFactory,
    ThemeFactory,
)


def test_the_first_page(client, seeded):
    response = client.get("/api/v1/quotes/?page_size=2")

    body = response.json()
    assert body["count"] == 6
    assert body["next"] == f"{BASE}/quotes/?page=2&page_size=2"
    assert body["previous"] is None
    assert body["page"] == {
        "number": 1,
        "size": 2,
        "requested_size": 2,
        "max_size": 100,
        "size_capped": False,
        "total_pages": 3,
    }
    assert [item["slug"] for item in body["results"]] == QUOTES_IN_ORDER[:2]
    assert link_header(response) == {
        "first": f"{BASE}/quotes/?page_size=2",
        "next": f"{BASE}/quotes/?page=2&page_size=2",
        "last": f"{BASE}/quotes/?page=3&page_size=2",
    }


def test_a_middle_page(client, seeded):
    response = client.get("/api/v1/quotes/?page=2&page_size=2")

    body = response.json()
    assert body["next"] == f"{BASE}/quotes/?page=3&page_size=2"
    assert body["previous"] == f"{BASE}/quotes/?page_size=2"
    assert body["page"]["number"] == 2
    assert [item["slug"] for item in body["results"]] == QUOTES_IN_ORDER[2:4]
    links = link_header(response)
    assert links["first"] == f"{BASE}/quotes/?page_size=2"
    assert links["next"] == f"{BASE}/quotes/?page=3&page_size=2"
    assert links["last"] == f"{BASE}/quotes/?page=3&page_size=2"
    assert links.get("prev", links.get("previous")) == f"{BASE}/quotes/?page_size=2"


def test_the_last_page(client, seeded):
    response = client.get("/api/v1/quotes/?page=3&page_size=2")

    body = response.json()
    assert body["next"] is None
    assert body["previous"] == f"{BASE}/quotes/?page=2&page_size=2"
    assert [item["slug"] for item in body["results"]] == QUOTES_IN_ORDER[4:]
    links = link_header(response)
    assert "next" not in links
    assert links["last"] == f"{BASE}/quotes/?page=3&page_size=2"


def test_a_single_page_links_first_and_last(client, seeded):
    response = client.get("/api/v1/quotes/")

    assert link_header(response) == {
        "first": f"{BASE}/quotes/",
        "last": f"{BASE}/quotes/",
    }


def test_links_keep_the_filters(client, seeded):
    response = client.get("/api/v1/quotes/?fidelity=direct&page_size=1")

    links = link_header(response)
    assert links["next"] == f"{BASE}/quotes/?fidelity=direct&page=2&page_size=1"
    assert links["last"] == f"{BASE}/quotes/?fidelity=direct&page=4&page_size=1"
    assert client.get(links["last"]).json()["results"][0]["slug"] == (
        "blinken-stand-together-to-meet-the-challenge"
    )


def test_following_next_visits_every_row_once(client, seeded):
    seen, next_url = [], "/api/v1/themes/?page_size=5"
    while next_url:
        body = client.get(next_url).json()
        seen.extend(item["slug"] for item in body["results"])
        next_url = body["next"]

    assert len(seen) == 22
    assert len(set(seen)) == 22


def test_page_size_is_capped_at_100(client, db):
    ThemeFactory.create_batch(105)

    response = client.get("/api/v1/themes/?page_size=500")

    body = response.json()
    assert len(body["results"]) == 100
    assert body["count"] == 105
    assert body["page"] == {
        "number": 1,
        "size": 100,
        "requested_size": 500,
        "max_size": 100,
        "size_capped": True,
        "total_pages": 2,
    }
    assert body["next"] == f"{BASE}/themes/?page=2&page_size=500"
    assert link_header(response)["last"] == f"{BASE}/themes/?page=2&page_size=500"
    assert len(client.get(body["next"]).json()["results"]) == 5


def test_page_size_100_is_not_capped(client, db):
    ThemeFactory.create_batch(3)

    page = client.get("/api/v1/themes/?page_size=100").json()["page"]

    assert page["size"] == 100
    assert page["size_capped"] is False


def _same_day():
    return datetime.date(2022, 4, 19)


TIED_ROWS = {
    "themes": lambda i: ThemeFactory(name="Same name", slug=f"tied-{i}"),
    "stakeholder-groups": lambda i: StakeholderGroupFactory(
        name="Same name", slug=f"tied-{i}"
    ),
    "speakers": lambda i: SpeakerFactory(sort_name="Same, Name", slug=f"tied-{i}"),
    "events": lambda i: EventFactory(
        start_date=_same_day(), end_date=_same_day(), slug=f"tied-{i}"
    ),
    "statements": lambda i: StatementFactory(
        published_on=_same_day(), slug=f"tied-{i}"
    ),
    "quotes": lambda i: QuoteFactory(slug=f"tied-{i}"),
}


@pytest.mark.parametrize("name", list(TIED_ROWS))
def test_the_default_order_breaks_ties_by_id(client, db, name):
    # Created in an order that neither the slug nor chance would give.
    made = [TIED_ROWS[name](i).slug for i in [3, 0, 6, 1, 5, 2, 4]]

    pages = [
        slugs(client.get(f"/api/v1/{name}/?page={number}&page_size=3"))
        for number in (1, 2, 3)
    ]

    assert [slug for page in pages for slug in page] == made
    assert slugs(client.get(f"/api/v1/{name}/")) == made
