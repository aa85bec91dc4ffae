"""GET /api/v1/statements/ and /statements/{slug}/: bodies, filters, expand."""

import datetime

import pytest

from statements.choices import StatementKind
from statements.models import Event, Organization, Speaker, StakeholderGroup, Theme
from tests.api.helpers import (
    CONFERENCE,
    QUOTES_IN_ORDER,
    SESSION,
    SPEAKER,
    STATEMENT,
    STATEMENT_ROW,
    STATEMENT_TEXT,
    assert_problem,
    brief,
    expanded,
    expected_event,
    expected_group,
    expected_organization,
    expected_statement_summary,
    expected_theme,
    row,
    slugs,
    strip_timestamps,
    theme_quote_count,
    url,
)
from tests.factories import (
    OrganizationFactory,
    QuoteFactory,
    SpeakerFactory,
    StakeholderGroupFactory,
    StatementFactory,
    ThemeFactory,
)

PARAGRAPHS = [
    {"index": 0, "start": 0, "end": 222},
    {"index": 1, "start": 223, "end": 735},
    {"index": 2, "start": 736, "end": 1029},
    {"index": 3, "start": 1030, "end": 1291},
    {"index": 4, "start": 1292, "end": 1774},
    {"index": 5, "start": 1775, "end": 2095},
    {"index": 6, "start": 2096, "end": 2382},
]


def expected_statement_detail() -> dict:
    quotes = []
    for slug in QUOTES_IN_ORDER:
        record = row("quotes", slug)
        quotes.append(
            {
                "slug": slug,
                "url": url("quotes", slug),
                "fidelity": record["fidelity"],
                "text": record["text"],
                "speaker": brief("speakers", SPEAKER),
                "spans": [{"start": s, "end": e} for s, e in record["spans"]],
            }
        )
    return {
        **expected_statement_summary(),
        "provenance_note": STATEMENT_ROW["provenance_note"],
        "text": STATEMENT_TEXT,
        "paragraphs": PARAGRAPHS,
        "quotes": quotes,
    }


def test_the_statement_in_full(client, seeded):
    response = client.get(f"/api/v1/statements/{STATEMENT}/")

    assert response.status_code == 200
    body = response.json()
    assert body["text"] == STATEMENT_TEXT
    assert len(body["paragraphs"]) == 7
    assert strip_timestamps(body) == expected_statement_detail()


def test_the_paragraphs_are_the_lines_of_the_fixture_text():
    lines = STATEMENT_TEXT.split("\n")

    assert [STATEMENT_TEXT[p["start"] : p["end"]] for p in PARAGRAPHS] == lines


def test_the_list_leaves_the_text_out(client, seeded):
    response = client.get("/api/v1/statements/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert strip_timestamps(body["results"]) == [expected_statement_summary()]


def test_expand_everything_on_the_detail(client, seeded):
    response = client.get(
        f"/api/v1/statements/{STATEMENT}/"
        "?expand=publisher,event,themes,stakeholder_groups"
    )

    body = strip_timestamps(response.json())
    quote_themes = [theme for q in row_quotes() for theme in q["themes"]]
    quote_groups = [
        link["group"] for q in row_quotes() for link in q["stakeholder_groups"]
    ]
    themes = [
        expanded(
            expected_theme(
                item["slug"],
                quote_count=theme_quote_count(item["slug"]),
                quote_count_direct=quote_themes.count(item["slug"]),
                statement_count=1,
            )
        )
        for item in expected_statement_summary()["themes"]
    ]
    groups = [
        expanded(
            expected_group(item["slug"], quote_count=quote_groups.count(item["slug"]))
        )
        for item in expected_statement_summary()["stakeholder_groups"]
    ]
    assert body == {
        **expected_statement_detail(),
        "publisher": expanded(expected_organization("voice-of-america")),
        "event": expanded(
            expected_event(
                CONFERENCE,
                children=[f"{CONFERENCE}-reception", SESSION],
                quote_count=6,
                quote_count_direct=3,
                statement_count=1,
            )
        ),
        "themes": themes,
        "stakeholder_groups": groups,
    }


def row_quotes() -> list[dict]:
    return [row("quotes", slug) for slug in QUOTES_IN_ORDER]


def test_expand_in_the_list(client, seeded):
    response = client.get("/api/v1/statements/?expand=publisher")

    (item,) = response.json()["results"]
    assert strip_timestamps(item) == {
        **expected_statement_summary(),
        "publisher": expanded(expected_organization("voice-of-america")),
    }


def test_fields_on_the_detail_can_pick_the_text(client, seeded):
    response = client.get(f"/api/v1/statements/{STATEMENT}/?fields=slug,text")

    assert response.json() == {"slug": STATEMENT, "text": STATEMENT_TEXT}


def test_fields_on_the_list(client, seeded):
    response = client.get("/api/v1/statements/?fields=slug,quote_count")

    assert response.json()["results"] == [{"slug": STATEMENT, "quote_count": 6}]


# --- Filters -----------------------------------------------------------------------


@pytest.fixture
def statements(seeded):
    """Two more statements beside the seeded one, differing in every filter."""
    economy = ThemeFactory(slug="economy", name="Economy")
    trade = ThemeFactory(slug="trade", name="Trade", parent=economy)
    unions = StakeholderGroupFactory(slug="unions", name="Unions")
    someone_else = SpeakerFactory(slug="someone-else")
    article = StatementFactory(
        slug="an-article",
        title="An article",
        kind=StatementKind.ARTICLE,
        publisher=OrganizationFactory(slug="example-press", name="Example Press"),
        author_organization=None,
        author_speaker=someone_else,
        language="es",
        published_on=datetime.date(2023, 5, 1),
        event=Event.objects.get(slug=SESSION),
        themes=[trade, Theme.objects.get(slug="covid-19")],
        stakeholder_groups=[unions],
    )
    transcript = StatementFactory(
        slug="a-transcript",
        title="A transcript",
        kind=StatementKind.TRANSCRIPT,
        publisher=Organization.objects.get(slug="voice-of-america"),
        author_organization=None,
        language="en",
        published_on=datetime.date(2021, 2, 1),
        event=None,
        stakeholder_groups=[StakeholderGroup.objects.get(slug="ngos")],
    )
    # The article quotes Blinken; the transcript, someone else.
    QuoteFactory(statement=article, speaker=Speaker.objects.get(slug=SPEAKER))
    QuoteFactory(statement=transcript, speaker=someone_else)
    return article.slug, transcript.slug


ALL_BUT_ONE = ["an-article", "a-transcript"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # author: who wrote it, a person or an organization.
        ("author=voice-of-america", [STATEMENT]),
        ("author=someone-else", ["an-article"]),
        (f"author={SPEAKER}", []),
        ("author=voice-of-america,someone-else", [STATEMENT, "an-article"]),
        ("author=voice-of-america&author=someone-else", [STATEMENT, "an-article"]),
        # quoted_speaker: whom it quotes.
        (f"quoted_speaker={SPEAKER}", [STATEMENT, "an-article"]),
        ("quoted_speaker=someone-else", ["a-transcript"]),
        ("quoted_speaker=voice-of-america", None),
        # The session is a sub-event of the conference.
        (f"event={CONFERENCE}", [STATEMENT, "an-article"]),
        (f"event={SESSION}", ["an-article"]),
        ("theme=economy", ["an-article"]),
        ("theme=trade", ["an-article"]),
        ("theme=covid-19", [STATEMENT, "an-article"]),
        ("theme=root-causes-of-migration", [STATEMENT, "an-article"]),
        ("theme=poverty,economy", [STATEMENT, "an-article"]),
        ("stakeholder_group=unions", ["an-article"]),
        ("stakeholder_group=ngos", [STATEMENT, "a-transcript"]),
        ("stakeholder_group=unions,ngos", [STATEMENT, "an-article", "a-transcript"]),
        ("publisher=voice-of-america", [STATEMENT, "a-transcript"]),
        ("publisher=example-press", ["an-article"]),
        ("publisher=example-press,voice-of-america", [STATEMENT, *ALL_BUT_ONE]),
        ("publisher=Example+Press", None),
        ("kind=article", ["an-article"]),
        ("kind=article,transcript", ["an-article", "a-transcript"]),
        ("kind=editorial", [STATEMENT]),
        ("language=es", ["an-article"]),
        ("language=en", [STATEMENT, "a-transcript"]),
        ("published_from=2022-01-01", ["an-article"]),
        ("published_to=2022-01-01", ["a-transcript"]),
        (
            "published_from=2021-02-01&published_to=2023-05-01",
            ["an-article", "a-transcript"],
        ),
        ("published_from=2021-02-02&published_to=2023-04-30", []),
        ("kind=article&language=en", []),
    ],
)
def test_filters(client, statements, query, expected):
    response = client.get(f"/api/v1/statements/?{query}")

    if expected is None:  # an unknown slug
        assert_problem(response, 400, query.split("=")[0])
        return
    assert sorted(slugs(response)) == sorted(expected)
    assert response.json()["count"] == len(expected)


def test_the_default_order_is_newest_first(client, statements):
    dated = [
        slug for slug in slugs(client.get("/api/v1/statements/")) if slug != STATEMENT
    ]

    assert dated == ["an-article", "a-transcript"]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("title", ["a-transcript", "an-article", STATEMENT]),
        ("-title", [STATEMENT, "an-article", "a-transcript"]),
        ("published_on", ["a-transcript", "an-article", STATEMENT]),
        ("created_at", [STATEMENT, "an-article", "a-transcript"]),
        ("-created_at", ["a-transcript", "an-article", STATEMENT]),
    ],
)
def test_ordering(client, statements, ordering, expected):
    assert slugs(client.get(f"/api/v1/statements/?ordering={ordering}")) == expected


def test_the_issue_request_is_a_400_naming_speaker_and_its_replacements(client, seeded):
    response = client.get(f"/api/v1/statements/?speaker={SPEAKER}&theme=misinformation")

    body = assert_problem(response, 400, "speaker")
    (error,) = body["errors"]
    assert error["code"] == "retired_parameter"
    assert "author" in error["message"]
    assert "quoted_speaker" in error["message"]


def test_the_editorial_is_voas_and_quotes_blinken(client, seeded):
    by_author = client.get("/api/v1/statements/?author=voice-of-america")
    by_quoted = client.get(f"/api/v1/statements/?quoted_speaker={SPEAKER}")
    by_blinken = client.get(f"/api/v1/statements/?author={SPEAKER}")

    assert slugs(by_author) == [STATEMENT]
    assert slugs(by_quoted) == [STATEMENT]
    assert slugs(by_blinken) == []
    (item,) = by_author.json()["results"]
    assert item["author"] == {
        "type": "organization",
        "slug": "voice-of-america",
        "name": "Voice of America",
        "url": url("organizations", "voice-of-america"),
    }
    assert item["publisher"] == brief("organizations", "voice-of-america")


def test_a_person_as_author(client, seeded):
    statement = StatementFactory(
        author_organization=None,
        author_speaker=Speaker.objects.get(slug=SPEAKER),
    )

    body = client.get(f"/api/v1/statements/{statement.slug}/").json()

    assert body["author"] == {
        "type": "speaker",
        "slug": SPEAKER,
        "name": "Antony Blinken",
        "url": url("speakers", SPEAKER),
    }


def test_an_unknown_author_is_null(client, seeded):
    statement = StatementFactory(author_organization=None, publisher=None)

    body = client.get(f"/api/v1/statements/{statement.slug}/").json()

    assert body["author"] is None
    assert body["publisher"] is None
