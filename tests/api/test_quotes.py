"""GET /api/v1/quotes/ and /quotes/{slug}/: bodies, filters, ordering, expand, fields.

Full-text search (`?q=`) is tested in test_search.py, facets in test_facets.py.
"""

import pytest

from statements.models import Event, Theme
from tests.api.helpers import (
    CONFERENCE,
    IN_PARTICULAR,
    MASS_MIGRATION,
    MORE_PEOPLE,
    QUOTES_IN_ORDER,
    RECEPTION,
    SESSION,
    SPEAKER,
    STAND_TOGETHER,
    STATEMENT,
    STATEMENT_TEXT,
    STRONG_INTEREST,
    WE_CARE,
    brief,
    briefs_by_name,
    expanded,
    expected_event,
    expected_speaker,
    expected_statement_summary,
    expected_theme,
    row,
    slugs,
    strip_timestamps,
    theme_quote_count,
    url,
)
from tests.factories import (
    EventFactory,
    QuoteFactory,
    StatementFactory,
)

IN_PARTICULAR_CITATION = (
    "Antony Blinken (Secretary of State, U.S. Department of State), "
    "probably at Ministerial Conference on Migration and Protection Reception, "
    "probably on 2022-04-19. "
    "Quoted in \u201cBlinken On Meeting The Migration Challenge\u201d, "
    "Voice of America, n.d., "
    "https://editorials.voa.gov/a/blinken-on-meeting-the-migration-challenge/"
    "6550283.html. Public domain (work of the U.S. Government). "
    "Statements API: http://testserver/api/v1/quotes/"
    "blinken-stabilize-and-strengthen-host-communities/"
)

# Quotes per theme in the fixture, for expanded themes.
THEME_QUOTE_COUNTS = {
    "host-communities": 1,
    "jobs-and-education": 1,
    "public-health-and-safety": 1,
    "social-services": 1,
    "infrastructure": 1,
    "regional-cooperation": 3,
}


def expected_in_particular() -> dict:
    record = row("quotes", IN_PARTICULAR)
    return {
        "slug": IN_PARTICULAR,
        "url": url("quotes", IN_PARTICULAR),
        "text": record["text"],
        "fidelity": "direct",
        "spans": [{"start": 1293, "end": 1307}, {"start": 1334, "end": 1773}],
        "alterations": [],
        "position": 4,
        "attribution_text": "said Secretary Blinken",
        "attribution_start": 1309,
        "attribution_end": 1331,
        "speaker": brief("speakers", SPEAKER),
        "speaker_role": {
            "title": "Secretary of State",
            "organization": "U.S. Department of State",
        },
        "statement": brief("statements", STATEMENT),
        "event": brief("events", RECEPTION),
        "event_certainty": "probable",
        "event_note": "Probably said in the opening remarks at the reception on "
        "19 April 2022; the article does not say on which occasion.",
        "said_on": "2022-04-19",
        "said_on_certainty": "probable",
        "date": "2022-04-19",
        "date_certainty": "probable",
        "date_from": "2022-04-19",
        "date_to": "2022-04-19",
        "as_delivered": None,
        "as_delivered_source_url": None,
        "themes": briefs_by_name("themes", record["themes"]),
        "stakeholder_groups": [
            {**brief("stakeholder_groups", "host-communities"), "role": "beneficiary"},
            {**brief("stakeholder_groups", "migrants"), "role": "mentioned"},
        ],
        "source": {
            "title": "Blinken On Meeting The Migration Challenge",
            "title_certainty": "probable",
            "publisher": "Voice of America",
            "source_url": (
                "https://editorials.voa.gov/a/"
                "blinken-on-meeting-the-migration-challenge/6550283.html"
            ),
            "published_on": None,
            "language": "en",
            "license": "Public domain (work of the U.S. Government)",
            "license_url": None,
        },
        "citation": IN_PARTICULAR_CITATION,
        "provenance_note": record["provenance_note"],
        "licenses": {
            "data": {
                "name": "CC BY 4.0",
                "url": "https://creativecommons.org/licenses/by/4.0/",
            },
            "text": {
                "name": "Public domain (work of the U.S. Government)",
                "url": None,
            },
        },
        "highlight": None,
    }


def test_the_two_span_quote_in_full(client, seeded):
    response = client.get(f"/api/v1/quotes/{IN_PARTICULAR}/")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert strip_timestamps(response.json()) == expected_in_particular()


def test_the_spans_of_the_two_span_quote_read_its_text():
    record = row("quotes", IN_PARTICULAR)
    assert f"{STATEMENT_TEXT[1293:1307]} {STATEMENT_TEXT[1334:1773]}" == record["text"]


def test_the_list_has_every_quote_as_its_detail_shows_it(client, seeded):
    response = client.get("/api/v1/quotes/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 6
    assert body["next"] is None
    assert body["previous"] is None
    assert body["page"] == {
        "number": 1,
        "size": 50,
        "requested_size": 50,
        "max_size": 100,
        "size_capped": False,
        "total_pages": 1,
    }
    assert [item["slug"] for item in body["results"]] == QUOTES_IN_ORDER
    for item in body["results"]:
        detail = client.get(f"/api/v1/quotes/{item['slug']}/").json()
        assert item == detail
    in_particular = body["results"][QUOTES_IN_ORDER.index(IN_PARTICULAR)]
    assert strip_timestamps(in_particular) == expected_in_particular()


@pytest.mark.parametrize(
    "slug",
    [MASS_MIGRATION, STRONG_INTEREST, WE_CARE, MORE_PEOPLE, STAND_TOGETHER],
)
def test_every_quote_carries_its_fixture_values(client, seeded, slug):
    record = row("quotes", slug)

    body = client.get(f"/api/v1/quotes/{slug}/").json()

    assert body["text"] == record["text"]
    assert body["fidelity"] == record["fidelity"]
    assert body["spans"] == [{"start": s, "end": e} for s, e in record["spans"]]
    assert body["event"] == brief("events", record["event"])
    assert body["said_on"] == record["said_on"]
    assert body["as_delivered"] == record["as_delivered"]
    assert body["as_delivered_source_url"] == record["as_delivered_source_url"]
    assert body["provenance_note"] == record["provenance_note"]
    assert body["themes"] == briefs_by_name("themes", record["themes"])
    assert sorted(
        (link["slug"], link["role"]) for link in body["stakeholder_groups"]
    ) == sorted((link["group"], link["role"]) for link in record["stakeholder_groups"])


def test_a_quote_without_a_date_cites_date_unknown(client, seeded):
    body = client.get(f"/api/v1/quotes/{MASS_MIGRATION}/").json()

    assert body["date"] is None
    assert body["citation"].startswith(
        "Antony Blinken (Secretary of State, U.S. Department of State), "
        "Ministerial Conference on Migration and Protection, date unknown. "
    )


ALL = QUOTES_IN_ORDER
AT_THE_RECEPTION = [STRONG_INTEREST, WE_CARE, IN_PARTICULAR]
AT_THE_CONFERENCE = [MASS_MIGRATION, MORE_PEOPLE, STAND_TOGETHER]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (f"speaker={SPEAKER}", ALL),
        (f"statement={STATEMENT}", ALL),
        # The conference includes its reception.
        (f"event={CONFERENCE}", ALL),
        (f"event={RECEPTION}", AT_THE_RECEPTION),
        (f"event={SESSION}", []),
        (f"event={RECEPTION},{SESSION}", AT_THE_RECEPTION),
        # Only the first quote is tagged "migration"; the others are below it.
        ("theme=migration", ALL),
        ("theme=host-communities", [IN_PARTICULAR]),
        ("theme=infrastructure", [IN_PARTICULAR]),
        ("theme=root-causes-of-migration", []),
        ("theme=regional-cooperation", [WE_CARE, IN_PARTICULAR, STAND_TOGETHER]),
        ("theme=border-management,forced-displacement", [STRONG_INTEREST, MORE_PEOPLE]),
        (
            "theme=migrant-protection,regional-cooperation",
            [WE_CARE, IN_PARTICULAR, STAND_TOGETHER],
        ),
        ("stakeholder_group=migrants", [WE_CARE, IN_PARTICULAR]),
        ("stakeholder_group=migrants,children", [WE_CARE, IN_PARTICULAR]),
        (
            "stakeholder_group=united-states-government,displaced-people",
            [MASS_MIGRATION, STRONG_INTEREST, MORE_PEOPLE],
        ),
        ("stakeholder_role=affected", [WE_CARE, MORE_PEOPLE]),
        (
            "stakeholder_role=beneficiary,mentioned",
            [MASS_MIGRATION, STRONG_INTEREST, IN_PARTICULAR],
        ),
        ("stakeholder_group=migrants&stakeholder_role=mentioned", [IN_PARTICULAR]),
        ("stakeholder_group=migrants&stakeholder_role=affected", [WE_CARE]),
        # Host communities are beneficiaries and migrants are mentioned in the same
        # quote, but no one link has both.
        ("stakeholder_group=host-communities&stakeholder_role=mentioned", []),
        (
            "stakeholder_group=host-communities,migrants&stakeholder_role=beneficiary",
            [IN_PARTICULAR],
        ),
        ("fidelity=direct", [STRONG_INTEREST, WE_CARE, IN_PARTICULAR, STAND_TOGETHER]),
        ("fidelity=reported", [MASS_MIGRATION, MORE_PEOPLE]),
        ("fidelity=direct,reported", ALL),
        ("fidelity=paraphrase", []),
        ("language=en", ALL),
        ("language=es", []),
        # Three quotes said on 19 April; three dated only by the conference,
        # 19-20 April: a quote matches when its range overlaps the window.
        ("date_from=2022-04-19", ALL),
        ("date_from=2022-04-20", AT_THE_CONFERENCE),
        ("date_from=2022-04-21", []),
        ("date_to=2022-04-19", ALL),
        ("date_to=2022-04-18", []),
        ("date_from=2022-04-19&date_to=2022-04-19", ALL),
        ("date_from=2022-04-20&date_to=2022-04-20", AT_THE_CONFERENCE),
        ("date_from=2022-04-01&date_to=2022-04-30", ALL),
        ("date_from=2022-05-01&date_to=2022-05-31", []),
        (
            f"theme=regional-cooperation&fidelity=direct&event={RECEPTION}",
            [WE_CARE, IN_PARTICULAR],
        ),
    ],
)
def test_filters(client, seeded, query, expected):
    response = client.get(f"/api/v1/quotes/?{query}")

    assert slugs(response) == expected
    assert response.json()["count"] == len(expected)


def test_speaker_and_statement_filters_narrow_to_their_rows(client, seeded):
    other = QuoteFactory()
    speaker, statement = other.speaker.slug, other.statement.slug

    assert slugs(client.get(f"/api/v1/quotes/?speaker={SPEAKER}")) == ALL
    assert slugs(client.get(f"/api/v1/quotes/?speaker={speaker}")) == [other.slug]
    assert slugs(client.get(f"/api/v1/quotes/?speaker={SPEAKER},{speaker}")) == [
        *ALL,
        other.slug,
    ]
    assert slugs(client.get(f"/api/v1/quotes/?statement={statement}")) == [other.slug]
    assert slugs(client.get(f"/api/v1/quotes/?statement={STATEMENT}")) == ALL


def test_the_theme_filter_includes_every_level_below(client, seeded):
    poverty = Theme.objects.get(slug="poverty")
    quote = QuoteFactory(themes=[poverty])

    assert slugs(client.get("/api/v1/quotes/?theme=poverty")) == [quote.slug]
    assert slugs(client.get("/api/v1/quotes/?theme=root-causes-of-migration")) == [
        quote.slug
    ]
    assert slugs(client.get("/api/v1/quotes/?theme=migration")) == [*ALL, quote.slug]
    assert slugs(client.get("/api/v1/quotes/?theme=corruption")) == []


def test_the_event_filter_includes_every_level_below(client, seeded):
    reception = Event.objects.get(slug=RECEPTION)
    toast = EventFactory(parent=reception, slug="reception-toast")
    statement = StatementFactory(event=toast)
    quote = QuoteFactory(statement=statement)

    assert slugs(client.get(f"/api/v1/quotes/?event={toast.slug}")) == [quote.slug]
    assert slugs(client.get(f"/api/v1/quotes/?event={RECEPTION}")) == [
        *AT_THE_RECEPTION,
        quote.slug,
    ]
    assert slugs(client.get(f"/api/v1/quotes/?event={CONFERENCE}")) == [
        *ALL,
        quote.slug,
    ]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("slug", sorted(ALL)),
        ("-slug", sorted(ALL, reverse=True)),
        ("created_at", ALL),
        ("-created_at", ALL[::-1]),
        # said_on ascending puts the undated quotes last, each group by id.
        ("said_on", [*AT_THE_RECEPTION, *AT_THE_CONFERENCE]),
        ("-said_on", [*AT_THE_RECEPTION, *AT_THE_CONFERENCE]),
        # By range: all start on 19 April; the conference's end on the 20th.
        ("date_from", ALL),
        ("date_to", [*AT_THE_RECEPTION, *AT_THE_CONFERENCE]),
        ("-date_to,slug", [*sorted(AT_THE_CONFERENCE), *sorted(AT_THE_RECEPTION)]),
        (
            "said_on,-slug",
            [
                WE_CARE,
                STRONG_INTEREST,
                IN_PARTICULAR,
                STAND_TOGETHER,
                MORE_PEOPLE,
                MASS_MIGRATION,
            ],
        ),
    ],
)
def test_ordering(client, seeded, ordering, expected):
    assert slugs(client.get(f"/api/v1/quotes/?ordering={ordering}")) == expected


def test_the_default_order_is_by_id(client, seeded):
    assert slugs(client.get("/api/v1/quotes/")) == ALL


# --- ?expand= -------------------------------------------------------------------------


def test_expand_speaker_gives_the_full_speaker(client, seeded):
    body = client.get(f"/api/v1/quotes/{IN_PARTICULAR}/?expand=speaker").json()

    assert strip_timestamps(body) == {
        **expected_in_particular(),
        "speaker": expanded(expected_speaker()),
    }


def test_expand_statement_gives_the_statement_without_its_text(client, seeded):
    body = client.get(f"/api/v1/quotes/{IN_PARTICULAR}/?expand=statement").json()

    assert strip_timestamps(body) == {
        **expected_in_particular(),
        "statement": expanded(expected_statement_summary()),
    }


def test_expand_event_gives_the_full_event(client, seeded):
    body = client.get(f"/api/v1/quotes/{IN_PARTICULAR}/?expand=event").json()

    assert strip_timestamps(body) == {
        **expected_in_particular(),
        "event": expanded(
            expected_event(RECEPTION, children=[], quote_count=3, statement_count=0)
        ),
    }


def test_expand_themes_gives_the_full_themes(client, seeded):
    body = client.get(f"/api/v1/quotes/{IN_PARTICULAR}/?expand=themes").json()

    themes = [
        expanded(
            expected_theme(
                item["slug"],
                quote_count=theme_quote_count(item["slug"]),
                quote_count_direct=count,
                statement_count=1,
            )
        )
        for item in briefs_by_name("themes", THEME_QUOTE_COUNTS)
        for count in [THEME_QUOTE_COUNTS[item["slug"]]]
    ]
    assert strip_timestamps(body) == {**expected_in_particular(), "themes": themes}


def test_expand_several_in_the_list(client, seeded):
    response = client.get("/api/v1/quotes/?expand=speaker,event")

    assert slugs(response) == ALL
    for item in response.json()["results"]:
        assert strip_timestamps(item["speaker"]) == expanded(expected_speaker())
        assert set(item["event"]) > {"slug", "name", "url", "children", "parent"}
        assert isinstance(item["statement"], dict)
        assert set(item["statement"]) == {"slug", "title", "url", "shape"}


def test_expand_applies_to_the_top_level_only(client, seeded):
    body = client.get(
        f"/api/v1/quotes/{IN_PARTICULAR}/?expand=statement,speaker,event,themes"
    ).json()

    assert strip_timestamps(body["speaker"]) == expanded(expected_speaker())
    assert strip_timestamps(body["statement"]) == expanded(expected_statement_summary())


# --- ?fields= -------------------------------------------------------------------------


def test_fields_trims_every_list_item(client, seeded):
    response = client.get("/api/v1/quotes/?fields=slug,fidelity")

    assert response.json()["results"] == [
        {"slug": slug, "fidelity": row("quotes", slug)["fidelity"]} for slug in ALL
    ]


def test_fields_trims_the_detail(client, seeded):
    response = client.get(f"/api/v1/quotes/{IN_PARTICULAR}/?fields=spans,text")

    assert response.json() == {
        "text": row("quotes", IN_PARTICULAR)["text"],
        "spans": [{"start": 1293, "end": 1307}, {"start": 1334, "end": 1773}],
    }


def test_fields_with_expand_keeps_the_expanded_object_whole(client, seeded):
    response = client.get(
        f"/api/v1/quotes/{IN_PARTICULAR}/?fields=slug,speaker&expand=speaker"
    )

    body = response.json()
    assert set(body) == {"slug", "speaker"}
    assert strip_timestamps(body["speaker"]) == expanded(expected_speaker())
