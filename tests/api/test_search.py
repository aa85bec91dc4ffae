"""Full-text search: `?q=` on quotes and statements, and GET /api/v1/search/.

What the documents hold beyond a record's own text, prefixes, accents and "did
you mean" are tested in test_search_documents.py."""

import re

import pytest

from tests.api.helpers import (
    IN_PARTICULAR,
    SPEAKER,
    STATEMENT,
    STRONG_INTEREST,
    WE_CARE,
    row,
    slugs,
    url,
)
from tests.factories import QuoteFactory, StatementFactory

MARKUP = re.compile(r"</?[a-zA-Z][^>]*>")


def quote_saying(text: str, slug: str):
    """A quote that is the whole (one-sentence) text of its own statement."""
    return QuoteFactory(statement=StatementFactory(text=text), slug=slug)


def assert_safe_snippet(snippet: str) -> None:
    """The only markup in a snippet is <mark>…</mark>; everything else is text."""
    assert "<mark>" in snippet
    assert set(MARKUP.findall(snippet)) <= {"<mark>", "</mark>"}


# --- ?q= on quotes -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("borders", [STRONG_INTEREST]),
        # Stemming: the singular finds the plural.
        ("border", [STRONG_INTEREST]),
        ('"security of our borders"', [STRONG_INTEREST]),
        # A phrase keeps its word order.
        ('"borders of our security"', []),
        ("children OR borders", [STRONG_INTEREST, WE_CARE]),
        ("communities -children", [IN_PARTICULAR]),
        ("communities children", [WE_CARE]),
        ("Communities", [WE_CARE, IN_PARTICULAR]),
        ("zebra", []),
    ],
)
def test_websearch_syntax(client, seeded, q, expected):
    response = client.get("/api/v1/quotes/", {"q": q, "ordering": "created_at"})

    assert slugs(response) == expected


def test_the_plural_finds_the_singular(client, seeded):
    singular = quote_saying("The border is long.", "singular-border")

    found = slugs(client.get("/api/v1/quotes/", {"q": "borders"}))

    assert sorted(found) == sorted([STRONG_INTEREST, singular.slug])


def test_matches_are_ranked_first_unless_ordering_is_given(client, db):
    once = quote_saying("The harbour is open.", "once")
    thrice = quote_saying("Harbour after harbour after harbour.", "thrice")

    assert slugs(client.get("/api/v1/quotes/", {"q": "harbour"})) == [
        thrice.slug,
        once.slug,
    ]
    assert slugs(
        client.get("/api/v1/quotes/", {"q": "harbour", "ordering": "created_at"})
    ) == [once.slug, thrice.slug]


def test_the_highlight_marks_the_matches(client, seeded):
    response = client.get("/api/v1/quotes/", {"q": "borders", "fields": "highlight"})

    (item,) = response.json()["results"]
    assert item == {
        "highlight": (
            "have a strong interest in protecting the security of our "
            "<mark>borders</mark> in a safe, orderly, and humane"
        )
    }


def test_the_highlight_is_null_without_a_query(client, seeded):
    response = client.get("/api/v1/quotes/", {"fields": "highlight"})

    assert {item["highlight"] for item in response.json()["results"]} == {None}


def test_the_highlight_is_safe_html(client, db):
    quote_saying(
        "Guards said <script>alert('x')</script> the borders & walls, where 5 < 6, "
        "are closed.",
        "script-quote",
    )

    (item,) = client.get("/api/v1/quotes/", {"q": "borders"}).json()["results"]

    assert item["text"].startswith("Guards said <script>")
    assert_safe_snippet(item["highlight"])
    assert "<script" not in item["highlight"]
    assert "&amp;" in item["highlight"]
    assert "&lt;" in item["highlight"]


def test_the_highlight_quotes_markup_escaped(client, db):
    quote_saying(
        "Guards said <script>alert('x')</script> the borders are closed.",
        "script-quote",
    )

    (item,) = client.get("/api/v1/quotes/", {"q": "borders"}).json()["results"]

    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in item["highlight"]


@pytest.mark.parametrize("q", ["the", "and or not"])
def test_a_query_of_stop_words_finds_nothing(client, seeded, q):
    response = client.get("/api/v1/quotes/", {"q": q})

    assert slugs(response) == []


# --- ?q= on statements --------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("borders", [STATEMENT]),
        ("border", [STATEMENT]),
        # The title is searched too.
        ("Blinken challenge", [STATEMENT]),
        ('"second world war"', [STATEMENT]),
        ("borders -migrants", []),
        ("zebra OR borders", [STATEMENT]),
        ("zebra", []),
    ],
)
def test_statement_search(client, seeded, q, expected):
    assert slugs(client.get("/api/v1/statements/", {"q": q})) == expected


def test_statement_search_has_a_highlight(client, seeded):
    response = client.get("/api/v1/statements/", {"q": "borders"})

    (item,) = response.json()["results"]
    assert "security of our <mark>borders</mark> in a safe" in item["highlight"]
    assert "effective <mark>border</mark> management" in item["highlight"]
    assert_safe_snippet(item["highlight"])


def test_the_statement_highlight_is_null_without_a_query(client, seeded):
    response = client.get("/api/v1/statements/", {"fields": "slug,highlight"})

    assert response.json()["results"] == [{"slug": STATEMENT, "highlight": None}]


# --- GET /api/v1/search/ -----------------------------------------------------------


def test_search_gives_typed_hits_and_counts(client, seeded):
    response = client.get("/api/v1/search/", {"q": "borders"})

    assert response.status_code == 200
    body = response.json()
    assert body["query"] == "borders"
    assert body["counts"] == {
        "quote": 1,
        "statement": 1,
        "speaker": 0,
        "event": 0,
        "theme": 1,
        "stakeholder_group": 0,
        "organization": 0,
    }
    hits = {(hit["type"], hit["slug"]): hit for hit in body["results"]}
    assert set(hits) == {
        ("quote", STRONG_INTEREST),
        ("statement", STATEMENT),
        ("theme", "border-management"),
    }
    assert (
        hits["quote", STRONG_INTEREST]["title"]
        == row("quotes", STRONG_INTEREST)["text"]
    )
    assert hits["quote", STRONG_INTEREST]["url"] == url("quotes", STRONG_INTEREST)
    assert hits["statement", STATEMENT]["title"] == (
        "Blinken On Meeting The Migration Challenge"
    )
    assert hits["statement", STATEMENT]["url"] == url("statements", STATEMENT)
    theme = hits["theme", "border-management"]
    assert theme["title"] == "Border security and border management"
    assert theme["url"] == url("themes", "border-management")
    assert theme["highlight"].startswith(
        "Protecting the security of <mark>borders</mark> and improving humane "
        "and effective <mark>border</mark> management"
    )
    for hit in body["results"]:
        assert set(hit) == {"type", "slug", "title", "url", "rank", "highlight"}
        assert isinstance(hit["rank"], float)
        assert hit["rank"] > 0
        assert_safe_snippet(hit["highlight"])
    ranks = [hit["rank"] for hit in body["results"]]
    assert ranks == sorted(ranks, reverse=True)


def test_search_by_name(client, seeded):
    response = client.get("/api/v1/search/", {"q": "Blinken", "type": "speaker"})

    body = response.json()
    assert body["counts"] == {"speaker": 1}
    (hit,) = body["results"]
    assert hit["type"] == "speaker"
    assert hit["slug"] == SPEAKER
    assert hit["title"] == "Antony Blinken"
    assert hit["url"] == url("speakers", SPEAKER)
    assert "<mark>Blinken</mark>" in hit["highlight"]


def test_search_only_the_types_asked_for(client, seeded):
    response = client.get("/api/v1/search/", {"q": "borders", "type": "quote,theme"})

    body = response.json()
    assert body["counts"] == {"quote": 1, "theme": 1}
    assert sorted((hit["type"], hit["slug"]) for hit in body["results"]) == [
        ("quote", STRONG_INTEREST),
        ("theme", "border-management"),
    ]


def test_search_counts_are_before_the_limit(client, seeded):
    response = client.get(
        "/api/v1/search/", {"q": "communities", "type": "quote", "limit": 1}
    )

    body = response.json()
    assert body["counts"] == {"quote": 2}
    (hit,) = body["results"]
    assert hit["slug"] in {WE_CARE, IN_PARTICULAR}


def test_search_without_hits(client, seeded):
    response = client.get("/api/v1/search/", {"q": "zebra"})

    assert response.json() == {
        "query": "zebra",
        "counts": {
            "quote": 0,
            "statement": 0,
            "speaker": 0,
            "event": 0,
            "theme": 0,
            "stakeholder_group": 0,
            "organization": 0,
        },
        "results": [],
    }


def test_search_snippets_are_safe_html(client, db):
    quote_saying(
        "Guards said <script>alert('x')</script> the borders & walls are closed.",
        "script-quote",
    )

    body = client.get("/api/v1/search/", {"q": "borders", "type": "quote"}).json()

    (hit,) = body["results"]
    assert_safe_snippet(hit["highlight"])
    assert "&amp;" in hit["highlight"]


def test_a_repeated_type_counts_once(client, seeded):
    body = client.get("/api/v1/search/", {"q": "borders", "type": "quote,quote"}).json()

    assert body["counts"] == {"quote": 1}
    assert [hit["slug"] for hit in body["results"]] == [STRONG_INTEREST]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/quotes/?q={q}",
        "/api/v1/statements/?q={q}",
        "/api/v1/search/?q={q}",
    ],
)
def test_a_search_of_more_than_twenty_words_is_a_400_naming_q(client, db, path):
    """120 negated words took 1.25 s on 100k quotes (issue 14, item 5)."""
    words = " ".join(f"-word{n}" for n in range(21))
    response = client.get(path.format(q=words))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    (error,) = response.json()["errors"]
    assert error["parameter"] == "q"
    assert error["message"] == (
        "The query has 21 words; at most 20 are searched at once."
    )
    # Twenty words, and OR between them, are searched.
    twenty = " OR ".join(f"word{n}" for n in range(20))
    assert client.get(path.format(q=twenty)).status_code == 200


def test_search_finds_organizations(client, seeded):
    body = client.get("/api/v1/search/", {"q": "Voice", "type": "organization"}).json()

    assert body["counts"] == {"organization": 1}
    assert [hit["slug"] for hit in body["results"]] == ["voice-of-america"]
