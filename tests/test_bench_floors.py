"""The bench floors (bench/floors.py) answer what the API answers, for the same rows.

A floor is only a fair yardstick when it builds the same page: same keys in the
same order, same values, same links. The floors are mounted here by this module's
own URLconf, as config/urls.py mounts them under BENCH_FLOORS=1.
"""

import csv
import datetime
import io

import pytest
from django.urls import include, path

from config.urls import urlpatterns as root_urlpatterns
from statements.choices import Fidelity, StakeholderRole
from statements.models import Quote, Statement
from tests.factories import (
    EventFactory,
    OrganizationFactory,
    QuoteFactory,
    QuoteStakeholderFactory,
    SpeakerFactory,
    SpeakerRoleFactory,
    StakeholderGroupFactory,
    StatementFactory,
    ThemeFactory,
)

urlpatterns = [*root_urlpatterns, path("bench/", include("bench.urls"))]
pytestmark = pytest.mark.urls(__name__)

UTC = datetime.UTC


def shape(value):
    """`value` with the order of every object's keys made part of it."""
    if isinstance(value, dict):
        return [(key, shape(item)) for key, item in value.items()]
    if isinstance(value, list):
        return [shape(item) for item in value]
    return value


@pytest.fixture
def rows(db):
    """Quotes and statements that take every branch the list pages have."""
    alpha = ThemeFactory(name="Alpha")
    zeta = ThemeFactory(name="Zeta", parent=alpha)
    beta = ThemeFactory(name="Beta", parent=alpha)
    gamma = StakeholderGroupFactory(name="Gamma")
    delta = StakeholderGroupFactory(name="Delta")
    speaker = SpeakerFactory(name="Ada Speaker")
    SpeakerRoleFactory(
        speaker=speaker,
        title="Envoy",
        organization=OrganizationFactory(name="Org One"),
        start_date=datetime.date(2010, 1, 1),
        end_date=datetime.date(2015, 12, 31),
    )
    SpeakerRoleFactory(
        speaker=speaker,
        title="Minister",
        organization=OrganizationFactory(name="Org Two"),
        start_date=datetime.date(2016, 1, 1),
        end_date=None,
    )
    conference = EventFactory(
        start_date=datetime.date(2018, 3, 1), end_date=datetime.date(2018, 3, 2)
    )
    session = EventFactory(
        parent=conference,
        start_date=datetime.date(2018, 3, 2),
        end_date=datetime.date(2018, 3, 2),
    )
    dated = StatementFactory(
        author_speaker=speaker,
        author_organization=None,
        event=session,
        published_on=datetime.date(2018, 3, 3),
        themes=[zeta, beta],
        stakeholder_groups=[gamma, delta],
        license_url="https://example.org/licence",
    )
    undated = StatementFactory(
        author_organization=None, publisher=None, published_on=None
    )
    old = StatementFactory(published_on=datetime.date(2012, 6, 1))

    two_spans = QuoteFactory(
        statement=dated, speaker=speaker, themes=[zeta, beta, alpha]
    )
    first, second = two_spans.spans.get().end, len(dated.text)
    two_spans.spans.update(end=first)
    two_spans.spans.create(position=1, start=first + 1, end=second)
    two_spans.text = " ".join([dated.text[:first], dated.text[first + 1 : second]])
    two_spans.save()
    for group, role in [
        (gamma, StakeholderRole.CALLED_TO_ACT),
        (delta, StakeholderRole.AFFECTED),
        (delta, StakeholderRole.MENTIONED),
    ]:
        QuoteStakeholderFactory(quote=two_spans, group=group, role=role)
    QuoteFactory(statement=dated, speaker=speaker, event=conference)
    QuoteFactory(
        statement=undated,
        speaker=SpeakerFactory(),
        said_on=datetime.date(2019, 9, 9),
        fidelity=Fidelity.PARAPHRASE,
        text="They said something like it.",
        as_delivered="As delivered.",
        as_delivered_source_url="https://example.org/video",
    )
    QuoteFactory(statement=undated, speaker=speaker, event=None)
    QuoteFactory(statement=old, speaker=speaker)
    # A timestamp without microseconds is written without a fraction.
    Quote.objects.filter(pk=two_spans.pk).update(
        updated_at=datetime.datetime(2021, 1, 1, tzinfo=UTC)
    )
    Statement.objects.filter(pk=old.pk).update(
        created_at=datetime.datetime(2012, 6, 2, 8, 0, tzinfo=UTC)
    )


@pytest.mark.parametrize("floor", ["b", "c"])
@pytest.mark.parametrize("query", ["", "?page_size=2", "?page_size=2&page=2"])
def test_quotes_floors_give_the_api_page(client, rows, floor, query):
    api = client.get(f"/api/v1/quotes/{query}")
    assert api.status_code == 200
    response = client.get(f"/bench/quotes/{floor}/{query}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert shape(response.json()) == shape(api.json())


@pytest.mark.parametrize("floor", ["b", "c"])
@pytest.mark.parametrize("query", ["", "?page_size=1&page=3"])
def test_statements_floors_give_the_api_page(client, rows, floor, query):
    api = client.get(f"/api/v1/statements/{query}")
    assert api.status_code == 200
    response = client.get(f"/bench/statements/{floor}/{query}")
    assert shape(response.json()) == shape(api.json())


@pytest.mark.parametrize(
    ("floor", "list_path"),
    [
        ("quotes/b", "quotes"),
        ("quotes/c", "quotes"),
        ("statements/b", "statements"),
        ("statements/c", "statements"),
    ],
)
def test_floors_without_count_leave_only_the_count_out(client, rows, floor, list_path):
    expected = client.get(f"/api/v1/{list_path}/?page_size=2").json()
    expected["count"] = None
    expected["page"]["total_pages"] = None
    response = client.get(f"/bench/{floor}/?page_size=2&count=0")
    assert shape(response.json()) == shape(expected)


def test_floor_c_is_one_query_and_floor_b_one_per_relation(
    client, rows, django_assert_num_queries
):
    with django_assert_num_queries(1):
        client.get("/bench/quotes/c/")
    with django_assert_num_queries(1):
        client.get("/bench/statements/c/")
    # count, rows, spans, themes, stakeholder links, speaker roles
    with django_assert_num_queries(6):
        client.get("/bench/quotes/b/")
    # count, rows, themes, stakeholder groups, quote counts
    with django_assert_num_queries(5):
        client.get("/bench/statements/b/")


def _csv(response) -> list[dict]:
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


@pytest.mark.parametrize("query", ["", "?speaker={speaker}"])
def test_copy_floor_streams_the_rows_of_the_csv_export(client, rows, query):
    speaker = Quote.objects.order_by("id").first().speaker.slug
    query = query.format(speaker=speaker)
    exported = _csv(client.get(f"/api/v1/exports/quotes.csv{query}"))
    copied = _csv(client.get(f"/bench/exports/quotes.csv{query}"))
    assert copied == exported
    assert len(exported) == (
        Quote.objects.filter(speaker__slug=speaker).count()
        if query
        else Quote.objects.count()
    )
