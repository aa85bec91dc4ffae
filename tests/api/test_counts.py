"""Counts agree with filters: every theme's, event's, speaker's and stakeholder
group's `quote_count` is the count of the quote list filtered by it and its count
in /quotes/facets/ (a theme or an event counts its descendants' quotes, as the
filters do), on the seed data and on generated demo data; each month of the
facets is what its date window returns.
"""

import calendar
import datetime

import pytest

from statements.demo_data import DemoData, Sizes, load
from statements.models import Event, Quote, Theme
from tests.api.helpers import CONFERENCE, QUOTES_IN_ORDER, slugs
from tests.factories import EventFactory, QuoteFactory, StatementFactory

# (route, the quote filter's name, the facets' key)
COUNTED = [
    ("themes", "theme", "themes"),
    ("events", "event", "events"),
    ("speakers", "speaker", "speakers"),
    ("stakeholder-groups", "stakeholder_group", "stakeholder_groups"),
]
# The statements' filter of the same records: a speaker's statements are those
# that quote them (`quoted_speaker`; `author` is who wrote one).
STATEMENT_FILTER = {"speaker": "quoted_speaker"}


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    """These tests ask hundreds of questions, as no single client would."""
    settings.RATE_LIMIT_ANONYMOUS = 100_000


class _NoProgress:
    def update(self, n):
        pass

    def set_postfix_str(self, text):
        pass


@pytest.fixture
def demo(db):
    """A small generated data set (statements.demo_data): 400 quotes in trees of
    events (four sub-events each) and themes (five aspects each), in the test's
    transaction."""
    load(
        "default",
        DemoData(Sizes(quotes=400), seed=11),
        fire_triggers=False,
        progress=_NoProgress(),
    )


def every(client, route: str) -> list[dict]:
    """Every record of a list, page by page."""
    items, page = [], 1
    while True:
        body = client.get(
            f"/api/v1/{route}/?page_size=100&page={page}"
            "&fields=slug,quote_count,statement_count"
        ).json()
        items += body["results"]
        if body["next"] is None:
            return items
        page += 1


def count(client, path: str) -> int:
    response = client.get(f"{path}&page_size=1" if "?" in path else path)
    assert response.status_code == 200, response.content
    return response.json()["count"]


def facet_counts(client, query: str = "") -> dict[str, dict]:
    body = client.get(f"/api/v1/quotes/facets/?{query}").json()
    return {
        key: {item["slug"]: item["count"] for item in body[key]}
        for _, _, key in COUNTED
    } | {"months": body["months"], "total": body["total"]}


def assert_counts_agree(client):
    facets = facet_counts(client)
    checked = 0
    for route, name, key in COUNTED:
        for item in every(client, route):
            slug = item["slug"]
            listed = count(client, f"/api/v1/quotes/?{name}={slug}")
            assert (item["quote_count"], facets[key].get(slug, 0)) == (
                listed,
                listed,
            ), f"{route} {slug}"
            statement_filter = STATEMENT_FILTER.get(name, name)
            statements = count(client, f"/api/v1/statements/?{statement_filter}={slug}")
            assert item["statement_count"] == statements, f"{route} {slug}"
            checked += 1
    return checked


def month_window(month: str) -> str:
    year, number = map(int, month.split("-"))
    last = calendar.monthrange(year, number)[1]
    return f"date_from={month}-01&date_to={month}-{last:02}"


def assert_months_agree(client, query: str = ""):
    """Each month's count is what its window returns; the undated bucket is the
    quotes no date filter returns."""
    facets = facet_counts(client, query)
    prefix = f"/api/v1/quotes/?{query}&" if query else "/api/v1/quotes/?"
    dated = count(client, f"{prefix}date_from=1000-01-01")
    undated = [m["count"] for m in facets["months"] if m["month"] is None]
    assert undated == ([facets["total"] - dated] if facets["total"] > dated else [])
    months = [m for m in facets["months"] if m["month"] is not None]
    for month in months:
        assert count(client, prefix + month_window(month["month"])) == month["count"]
    return len(months)


def assert_facets_follow(client, query: str):
    """With another filter: each theme's and event's facet count is what adding
    it to the filter returns (zero when it is not in the facets)."""
    facets = facet_counts(client, query)
    for route, name, key in COUNTED[:2]:
        for item in every(client, route):
            slug = item["slug"]
            listed = count(client, f"/api/v1/quotes/?{query}&{name}={slug}")
            assert facets[key].get(slug, 0) == listed, f"{query} {route} {slug}"


def test_counts_agree_on_the_seed_data(client, seeded):
    assert assert_counts_agree(client) == 22 + 3 + 1 + 11
    assert assert_months_agree(client) == 1


@pytest.mark.parametrize("query", ["q=communities", "fidelity=reported"])
def test_facets_follow_other_filters_on_the_seed_data(client, seeded, query):
    assert_facets_follow(client, query)


def test_counts_agree_on_demo_data(client, demo):
    assert Theme.objects.filter(parent__isnull=False).exists()
    assert Event.objects.filter(parent__isnull=False).exists()
    assert assert_counts_agree(client) > 60
    assert assert_months_agree(client) > 12
    # Some generated quotes have no said_on: their event dates them.
    assert Quote.objects.filter(said_on__isnull=True, event__isnull=False).exists()


@pytest.mark.parametrize("query", ["q=security", "fidelity=reported"])
def test_facets_follow_other_filters_on_demo_data(client, demo, query):
    assert_facets_follow(client, query)
    assert_months_agree(client, query)


# --- Date ranges ---------------------------------------------------------------------


def test_a_quote_is_dated_by_its_event_then_the_events_parent(client, seeded):
    conference = Event.objects.get(slug=CONFERENCE)
    undated_session = EventFactory(parent=conference, start_date=None, end_date=None)
    open_ended = EventFactory(start_date=datetime.date(2023, 5, 30), end_date=None)
    spanning = EventFactory(
        start_date=datetime.date(2023, 1, 31), end_date=datetime.date(2023, 3, 1)
    )
    by_parent = QuoteFactory(statement=StatementFactory(event=undated_session))
    one_day = QuoteFactory(statement=StatementFactory(event=open_ended))
    three_months = QuoteFactory(statement=StatementFactory(event=spanning))
    undated = QuoteFactory(statement=StatementFactory(event=None))

    def dates(quote):
        body = client.get(f"/api/v1/quotes/{quote.slug}/").json()
        return body["date_from"], body["date_to"]

    assert dates(by_parent) == ("2022-04-19", "2022-04-20")
    assert dates(one_day) == ("2023-05-30", "2023-05-30")
    assert dates(three_months) == ("2023-01-31", "2023-03-01")
    assert dates(undated) == (None, None)

    assert slugs(
        client.get("/api/v1/quotes/?date_from=2023-02-10&date_to=2023-02-11")
    ) == [three_months.slug]
    assert slugs(
        client.get("/api/v1/quotes/?date_from=2022-04-20&date_to=2022-04-20")
    ) == [
        "blinken-mass-migration-remains-a-priority",
        "blinken-more-people-on-the-move-than-since-ww2",
        "blinken-stand-together-to-meet-the-challenge",
        by_parent.slug,
    ]
    # A range counts in every month it touches; the undated quote comes last.
    assert client.get("/api/v1/quotes/facets/").json()["months"] == [
        {"month": "2022-04", "count": 7},
        {"month": "2023-01", "count": 1},
        {"month": "2023-02", "count": 1},
        {"month": "2023-03", "count": 1},
        {"month": "2023-05", "count": 1},
        {"month": None, "count": 1},
    ]
    assert_months_agree(client)
    # Ordered by the start of the range, unknown last either way.
    expected = [*QUOTES_IN_ORDER, by_parent.slug, three_months.slug, one_day.slug]
    assert slugs(client.get("/api/v1/quotes/?ordering=date_from&page_size=20")) == [
        *expected,
        undated.slug,
    ]
    assert slugs(client.get("/api/v1/quotes/?ordering=-date_from&page_size=20")) == [
        one_day.slug,
        three_months.slug,
        *QUOTES_IN_ORDER,
        by_parent.slug,
        undated.slug,
    ]


@pytest.mark.parametrize(
    "query", ["date_from=2022-13-01", "date_to=tomorrow", "ordering=date"]
)
def test_bad_date_parameters_are_400(client, seeded, query):
    response = client.get(f"/api/v1/quotes/?{query}")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
