"""GET /api/v1/speakers/ and /speakers/{slug}/."""

import datetime

import pytest

from tests.api.helpers import SPEAKER, expected_speaker, slugs, strip_timestamps
from tests.factories import SpeakerFactory, SpeakerRoleFactory


def test_the_speaker_in_full(client, seeded):
    response = client.get(f"/api/v1/speakers/{SPEAKER}/")

    assert response.status_code == 200
    assert strip_timestamps(response.json()) == expected_speaker()


def test_the_list_has_the_speaker_as_the_detail_shows_it(client, seeded):
    body = client.get("/api/v1/speakers/").json()

    assert body["count"] == 1
    assert strip_timestamps(body["results"]) == [expected_speaker()]


def test_roles_come_in_date_order(client, db):
    speaker = SpeakerFactory(slug="two-roles")
    later = SpeakerRoleFactory(speaker=speaker, start_date=datetime.date(2020, 1, 1))
    earlier = SpeakerRoleFactory(
        speaker=speaker,
        start_date=datetime.date(2010, 1, 1),
        end_date=datetime.date(2014, 1, 1),
    )

    roles = client.get("/api/v1/speakers/two-roles/").json()["roles"]

    assert [role["title"] for role in roles] == [earlier.title, later.title]


@pytest.fixture
def speakers(db):
    SpeakerFactory(slug="b", name="Zoe Adams", sort_name="Adams, Zoe")
    SpeakerFactory(slug="c", name="Adam Young", sort_name="Young, Adam")
    SpeakerFactory(slug="a", name="Mia Brown", sort_name="Brown, Mia")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["b", "a", "c"]),
        ("ordering=sort_name", ["b", "a", "c"]),
        ("ordering=-sort_name", ["c", "a", "b"]),
        ("ordering=name", ["c", "a", "b"]),
        ("ordering=-name", ["b", "a", "c"]),
        ("ordering=updated_at", ["b", "c", "a"]),
    ],
)
def test_ordering(client, speakers, query, expected):
    assert slugs(client.get(f"/api/v1/speakers/?{query}")) == expected
