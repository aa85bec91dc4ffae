"""What `?q=` finds beyond the quote's own words (issue 11, docs/search.md).

Quotes are found by their text, their as-delivered text, their speaker's names,
their event's name and place and their themes' names; words are stemmed,
unaccented and prefix-tolerant; a search that finds nothing suggests a spelling;
the documents follow writes through the write API.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from statements.models import Change, QuoteEvent
from tests.api.helpers import (
    IN_PARTICULAR,
    MASS_MIGRATION,
    MORE_PEOPLE,
    QUOTES_IN_ORDER,
    SPEAKER,
    STAND_TOGETHER,
    STATEMENT,
    STRONG_INTEREST,
    WE_CARE,
    slugs,
)
from tests.factories import QuoteFactory, SpeakerFactory, StatementFactory

ALL_SIX = QUOTES_IN_ORDER
# The quotes said at the reception in the Palacio Bolívar.
AT_THE_RECEPTION = [STRONG_INTEREST, WE_CARE, IN_PARTICULAR]


def patch(client, path: str, data: dict):
    """A PATCH by an editor, with the record's ETag."""
    etag = client.get(path)["ETag"]
    response = client.patch(path, data, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.content
    return response


def found(client, q, path="/api/v1/quotes/", **params):
    response = client.get(path, {"q": q, "ordering": "created_at", **params})
    assert response.status_code == 200, response.content
    return slugs(response)


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        # The speaker's name, and his other names.
        ("Blinken", ALL_SIX),
        ('"Antony John Blinken"', ALL_SIX),
        # The event's place: city and country (Panama City, PA).
        ("Panama", ALL_SIX),
        # The event's venue.
        ("Palacio", AT_THE_RECEPTION),
        # A theme's name ("Regional cooperation and shared responsibility").
        ("cooperation", [WE_CARE, IN_PARTICULAR, STAND_TOGETHER]),
        ("displacement", [MORE_PEOPLE]),
    ],
)
def test_a_quote_is_found_by_what_it_shows(client, seeded, q, expected):
    assert found(client, q) == expected


def test_the_as_delivered_text_is_searched(client, seeded):
    """The transcript's sentence, which the editorial elides as "a . . .shared
    responsibility" (facts sheet); only the as-delivered text has it."""
    assert found(client, '"a responsibility, a shared responsibility"') == [WE_CARE]


def test_migrants_and_migration_meet(client, seeded):
    """Every quote's event is the Ministerial Conference on Migration..."""
    assert found(client, "migrants") == ALL_SIX
    assert found(client, "migration") == ALL_SIX
    # ... and the quote text is what ranks: "migrants" is in two quotes' text,
    # "migration" in one's.
    ranked = slugs(client.get("/api/v1/quotes/", {"q": "migrants"}))
    assert set(ranked[:2]) == {WE_CARE, IN_PARTICULAR}
    assert slugs(client.get("/api/v1/quotes/", {"q": "migration"}))[0] == (
        MASS_MIGRATION
    )


@pytest.mark.parametrize("q", ["migra", "migrant", "migración", "MIGRACION"])
def test_prefixes_and_accents_meet_the_same_words(client, db, q):
    migration = QuoteFactory(text="Migration is a shared challenge.")
    migrants = QuoteFactory(text="The migrants walked north.")
    QuoteFactory(text="The border is long.")

    assert sorted(found(client, q)) == sorted([migration.slug, migrants.slug])


def test_an_accented_text_is_found_unaccented_and_marked(client, db):
    quote = QuoteFactory(text="They met at the Palacio Bolívar that evening.")

    response = client.get(
        "/api/v1/quotes/", {"q": "bolivar", "fields": "slug,highlight"}
    )

    (item,) = response.json()["results"]
    assert item["slug"] == quote.slug
    # Marked where the server has `unaccent` (the embedded one has not).
    marked = "<mark>Bolívar</mark>" if _has_extension("unaccent") else "Bolívar"
    assert f"Palacio {marked} that" in item["highlight"]


def test_a_phrase_and_an_exclusion_match_words_exactly(client, db):
    border = QuoteFactory(text="The border is long.")
    borderline = QuoteFactory(text="The borderline is long.")

    assert found(client, "border long") == [border.slug, borderline.slug]
    # The words of a phrase are not prefixes...
    assert found(client, '"border is long"') == [border.slug]
    # ... nor is an excluded word.
    assert found(client, "long -border") == [borderline.slug]


def test_short_words_are_not_prefixes(client, db):
    QuoteFactory(text="The warden spoke.")
    war = QuoteFactory(text="The war ended.")

    assert found(client, "war") == [war.slug]


def test_the_quote_text_ranks_above_the_speaker(client, seeded):
    """A quote that says "Blinken" ranks above the six he said."""
    about = QuoteFactory(
        text="Blinken spoke first.", speaker=SpeakerFactory(name="Ana Pérez")
    )

    ranked = slugs(client.get("/api/v1/quotes/", {"q": "Blinken"}))

    assert ranked[0] == about.slug
    assert sorted(ranked[1:]) == sorted(ALL_SIX)


def test_the_highlight_marks_the_quote_text_only(client, seeded):
    """Found by the speaker's name, a quote's snippet marks nothing; found by
    a prefix, it marks whole words of the text."""
    by_name = client.get(
        "/api/v1/quotes/", {"q": "Blinken", "fields": "slug,highlight"}
    ).json()["results"]
    assert all("<mark>" not in item["highlight"] for item in by_name)

    response = client.get(
        "/api/v1/quotes/", {"q": "vulnera", "fields": "slug,highlight"}
    )
    (item,) = response.json()["results"]
    assert item["slug"] == WE_CARE
    assert "Migrants are <mark>vulnerable</mark> to exploitation" in item["highlight"]


# --- Did you mean ----------------------------------------------------------------


def _has_extension(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = %s)", [name]
        )
        return cursor.fetchone()[0]


def test_a_search_without_results_suggests_a_spelling(client, seeded):
    response = client.get("/api/v1/quotes/", {"q": "migrent"})

    body = response.json()
    assert body["count"] == 0
    assert body["results"] == []
    expected = "migrant" if _has_extension("pg_trgm") else None
    assert body["search"] == {"query": "migrent", "suggestion": expected}
    if expected:
        # The suggestion finds what the typo missed.
        assert found(client, expected) == ALL_SIX


def test_the_suggestion_keeps_the_query_syntax(client, seeded):
    if not _has_extension("pg_trgm"):
        pytest.skip("the server has no pg_trgm: there is no suggestion")
    body = client.get("/api/v1/quotes/", {"q": '"bordr" OR chldren -zebra'}).json()

    assert body["search"] == {
        "query": '"bordr" OR chldren -zebra',
        "suggestion": '"border" OR children -zebra',
    }


def test_a_search_with_results_suggests_nothing(client, seeded):
    body = client.get("/api/v1/quotes/", {"q": "borders"}).json()

    assert body["search"] == {"query": "borders", "suggestion": None}


def test_search_is_null_without_q(client, seeded):
    assert client.get("/api/v1/quotes/").json()["search"] is None
    assert client.get("/api/v1/statements/").json()["search"] is None
    # Lists without ?q= have no `search` at all.
    assert "search" not in client.get("/api/v1/speakers/").json()


def test_statements_are_found_by_their_speaker_and_event(client, seeded):
    assert found(client, "Antony", path="/api/v1/statements/") == [STATEMENT]
    assert found(client, "Palacio", path="/api/v1/statements/") == []
    assert found(client, "Panama", path="/api/v1/statements/") == [STATEMENT]


# --- Writes --------------------------------------------------------------------------


def test_renaming_a_speaker_changes_what_q_finds(client, seeded, editor):  # noqa: F811
    events = QuoteEvent.objects.count()

    patch(
        editor,
        f"/api/v1/speakers/{SPEAKER}/",
        {"name": "Tony Blinkenstein", "other_names": []},
    )

    assert found(client, "Blinkenstein") == ALL_SIX
    assert found(client, '"Antony John"') == []
    # The refreshed documents are no change in the quotes' history.
    assert QuoteEvent.objects.count() == events


@pytest.mark.django_db(transaction=True)
def test_a_refreshed_document_adds_nothing_to_the_change_feed(client, editor):  # noqa: F811
    """The speaker's change is an update of the quotes that show him (as it
    was before documents followed it), recorded once each; the documents'
    refresh adds no change of its own."""
    speaker = SpeakerFactory(name="Ana Pérez")
    quotes = [QuoteFactory(speaker=speaker) for _ in range(2)]
    last = Change.objects.order_by("id").last().id

    patch(editor, f"/api/v1/speakers/{speaker.slug}/", {"name": "Ana Peres"})

    changes = Change.objects.filter(id__gt=last)
    # Not their statements (which list the quotes, not their speaker): a
    # refresh that the feed saw as an update of the quote would add them.
    assert sorted((c.resource_type, c.slug, c.action) for c in changes) == sorted(
        [("speaker", speaker.slug, "updated")]
        + [("quote", quote.slug, "updated") for quote in quotes]
    )
    assert found(client, "Peres") == [quote.slug for quote in quotes]


def test_a_new_theme_link_and_a_renamed_theme_are_searched(client, seeded, editor):  # noqa: F811
    assert found(client, "smuggling") == []

    patch(
        editor,
        f"/api/v1/quotes/{MORE_PEOPLE}/",
        {"themes": ["forced-displacement", "migrant-smuggling-networks"]},
    )
    assert found(client, "smuggling") == [MORE_PEOPLE]

    patch(
        editor,
        "/api/v1/themes/migrant-smuggling-networks/",
        {"name": "Trafficking networks"},
    )
    assert found(client, "smuggling") == []
    assert found(client, "trafficking") == [MORE_PEOPLE]


def test_a_quote_edit_is_searched(client, seeded, editor):  # noqa: F811
    patch(
        editor,
        f"/api/v1/quotes/{STAND_TOGETHER}/",
        {"as_delivered": "We stand together, shoulder to shoulder."},
    )

    assert found(client, "shoulder") == [STAND_TOGETHER]


def test_a_statement_of_the_factory_has_its_document(client, db):
    statement = StatementFactory(title="Harbour news", text="Ships came in.")

    assert found(client, "harbour", path="/api/v1/statements/") == [statement.slug]


def test_a_search_costs_one_query_more_only_when_it_suggests(client, seeded):
    with CaptureQueriesContext(connection) as with_results:
        client.get("/api/v1/quotes/", {"q": "borders"})
    with CaptureQueriesContext(connection) as without:
        client.get("/api/v1/quotes/", {"q": "migrent"})

    suggesting = [q["sql"] for q in without if "statements_suggest" in q["sql"]]
    assert len(suggesting) == 1
    assert not [q for q in with_results if "statements_suggest" in q["sql"]]
    assert len(with_results) == 8
