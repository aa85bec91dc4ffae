"""manage.py import_article: the dry run writes nothing, an import creates the
statement and proposed quotes, and proposals stay off every public surface until
an editor confirms them."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from statements.choices import QuoteStatus
from statements.models import ArticleImport, Change, Quote, Speaker, Statement, Theme

ROOT = Path(__file__).resolve().parents[2]
SEED_TEXT = (
    ROOT / "fixtures" / "texts" / "voa-blinken-meeting-the-migration-challenge.txt"
)
FIXTURE = json.loads((ROOT / "fixtures" / "blinken.json").read_text(encoding="utf-8"))
ARTICLES = Path(__file__).resolve().parent / "articles"
API = "/api/v1"


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_article", *map(str, args), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def import_ap_article() -> None:
    run(
        ARTICLES / "ap-sudan-aid.txt",
        "--publisher",
        "Associated Press",
        "--url",
        "https://apnews.com/article/example-sudan-aid",
    )


def fingerprint() -> dict[str, tuple]:
    """Row count and newest change time of every table of the app."""
    tables = [t for t in connection.introspection.table_names() if "statements_" in t]
    result = {}
    with connection.cursor() as cursor:
        for table in sorted(tables):
            cursor.execute(
                f"SELECT COUNT(*), md5(string_agg(t::text, '')) FROM \"{table}\" t"
            )
            result[table] = cursor.fetchone()
    return result


def test_dry_run_json_is_the_issues_object_and_writes_nothing(seeded):
    before = fingerprint()
    body = json.loads(run(SEED_TEXT, "--dry-run", "--json"))
    assert fingerprint() == before
    assert list(body) == ["quotes"]
    assert [
        (q["spans"], q["text"], q["fidelity"], q["speaker"]) for q in body["quotes"]
    ] == [
        (
            q["spans"],
            q["text"],
            q["fidelity"],
            {"name": "Antony Blinken", "slug": "antony-blinken"},
        )
        for q in FIXTURE["quotes"]
    ]
    split = body["quotes"][3]
    assert split["attribution"]["text"] == "said Secretary Blinken"
    text = SEED_TEXT.read_text(encoding="utf-8")
    start, end = split["attribution"]["span"]
    assert text[start:end] == "said Secretary Blinken"
    assert body["quotes"][2]["alterations"] == [
        {"kind": "ellipsis", "span": [685, 690], "text": ". . ."}
    ]


def test_dry_run_of_an_html_article_proposes_new_speakers_without_slugs(db):
    before = fingerprint()
    body = json.loads(run(ARTICLES / "bbc-water-firms.html", "--dry-run", "--json"))
    assert fingerprint() == before
    speakers = {q["speaker"]["name"] for q in body["quotes"] if q["speaker"]}
    assert speakers == {"David Black", "Water UK", "Steve Reed"}
    assert all(q["speaker"]["slug"] is None for q in body["quotes"] if q["speaker"])


def test_import_creates_the_statement_and_proposed_quotes(seeded):
    import_ap_article()
    statement = Statement.objects.get(publisher__name="Associated Press")
    assert statement.text == (ARTICLES / "ap-sudan-aid.txt").read_text(encoding="utf-8")
    assert statement.published_on is None
    assert statement.title == "ap sudan aid"
    assert statement.article_import.media_type == "text/plain"
    quotes = Quote.all_objects.filter(statement=statement).order_by("id")
    assert quotes.count() == 8
    assert set(quotes.values_list("status", flat=True)) == {QuoteStatus.PROPOSED}
    blinken = quotes.filter(speaker__slug="antony-blinken")
    assert blinken.count() == 5
    assert Speaker.objects.filter(name="Cindy McCain").exists()
    split = quotes.get(text__startswith="If the crossings open")
    assert list(split.spans.values_list("start", "end")) == [
        (statement.text.index("If the"), statement.text.index("If the") + 22),
        (
            statement.text.index("the aid can"),
            statement.text.index("the aid can") + 68,
        ),
    ]


def test_import_of_html_reads_the_page_and_keeps_the_original(db):
    path = ARTICLES / "bbc-water-firms.html"
    run(path)
    statement = Statement.objects.get()
    assert statement.publisher.name == "BBC News"
    assert statement.publisher.classification == "other"
    assert statement.source_url == (
        "https://www.bbc.co.uk/news/articles/example-water-firms"
    )
    assert str(statement.published_on) == "2024-05-14"
    assert statement.language == "en-GB"
    assert statement.title == "Water firms 'must do better', says regulator"
    assert ArticleImport.objects.get().original == path.read_text(encoding="utf-8")
    # A quote whose speaker is unknown is kept, without a speaker, for review.
    assert Quote.all_objects.filter(speaker__isnull=True).exists()


def test_import_without_a_publisher_or_url_writes_nothing(db):
    before = fingerprint()
    with pytest.raises(CommandError, match="publisher"):
        run(ARTICLES / "ap-sudan-aid.txt", "--url", "https://example.org/a")
    with pytest.raises(CommandError, match="url"):
        run(ARTICLES / "ap-sudan-aid.txt", "--publisher", "AP")
    assert fingerprint() == before


def test_a_file_that_is_not_utf8_is_an_error(db, tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("caf\xe9".encode("latin-1"))
    with pytest.raises(CommandError, match="UTF-8"):
        run(path, "--dry-run", "--json")


# --- Proposed quotes are not public ------------------------------------------


@pytest.fixture
def imported(seeded):
    """The AP article imported: 8 proposed quotes, 5 of them by the seeded
    Blinken, one linked to a seeded theme."""
    import_ap_article()
    statement = Statement.objects.get(publisher__name="Associated Press")
    quote = Quote.all_objects.filter(statement=statement).first()
    quote.themes.add(Theme.objects.get(slug="migration"))
    return statement


def seeded_quote_slugs() -> set[str]:
    return {q["slug"] for q in FIXTURE["quotes"]}


def test_quote_list_detail_and_statement_show_only_confirmed_quotes(client, imported):
    body = client.get(f"{API}/quotes/", {"page_size": 100}).json()
    assert {q["slug"] for q in body["results"]} == seeded_quote_slugs()
    proposed = Quote.all_objects.filter(statement=imported).first()
    assert client.get(f"{API}/quotes/{proposed.slug}/").status_code == 404
    detail = client.get(f"{API}/statements/{imported.slug}/").json()
    assert detail["quotes"] == []
    assert detail["quote_count"] == 0


def test_counts_and_facets_count_only_confirmed_quotes(client, imported):
    speaker = client.get(f"{API}/speakers/antony-blinken/").json()
    assert speaker["quote_count"] == 6
    theme = client.get(f"{API}/themes/migration/").json()
    # The six seeded quotes are under migration, one tagged with it directly.
    assert (theme["quote_count"], theme["quote_count_direct"]) == (6, 1)
    facets = client.get(f"{API}/quotes/facets/").json()
    assert facets["total"] == 6
    assert facets["themes"][0] == {"slug": "migration", "name": "Migration", "count": 6}
    assert facets["speakers"] == [
        {"slug": "antony-blinken", "name": "Antony Blinken", "count": 6}
    ]


def test_search_finds_no_proposed_quote(client, imported):
    body = client.get(f"{API}/search/", {"q": "catastrophe", "type": "quote"}).json()
    assert body["counts"] == {"quote": 0}
    assert client.get(f"{API}/quotes/", {"q": "catastrophe"}).json()["results"] == []


def test_exports_hold_only_confirmed_quotes(client, imported):
    response = client.get(f"{API}/exports/quotes.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert {row[0] for row in rows[1:]} == seeded_quote_slugs()
    response = client.get(f"{API}/exports/quotes.ndjson")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert {json.loads(line)["slug"] for line in lines} == seeded_quote_slugs()
    response = client.get(f"{API}/exports/speakers.csv")
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    )
    blinken = next(row for row in rows if row["slug"] == "antony-blinken")
    assert blinken["quote_count"] == "6"


def quote_changes(slug: str) -> list[str]:
    return list(
        Change.objects.filter(resource_type="quote", slug=slug)
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_change_feed_announces_a_quote_when_confirmed_and_removes_it_when_rejected(
    imported,
):
    quote = Quote.all_objects.filter(statement=imported, speaker__isnull=False).first()
    assert quote_changes(quote.slug) == []
    quote.text = quote.text  # an edit of a proposal is not in the feed either
    quote.save()
    assert quote_changes(quote.slug) == []

    quote.status = QuoteStatus.CONFIRMED
    quote.save()
    assert quote_changes(quote.slug) == ["created"]

    quote.status = QuoteStatus.REJECTED
    quote.save()
    assert quote_changes(quote.slug) == ["created", "deleted"]


def test_import_stores_alterations_and_attributions_as_the_fixtures_do(seeded):
    """The importer's proposals fill the same fields as the editors' data: on the
    seed text, the fixture's positions, attributions and alterations, except what
    only the transcript tells (the words an ellipsis left out: null)."""
    run(SEED_TEXT, "--publisher", "Voice of America", "--url", "https://example.org/a")
    statement = Statement.objects.get(source_url="https://example.org/a")
    proposed = list(
        Quote.all_objects.filter(statement=statement)
        .order_by("position")
        .values(
            "position",
            "alterations",
            "attribution_text",
            "attribution_start",
            "attribution_end",
        )
    )
    expected = [
        {
            "position": row["position"],
            "alterations": [{**a, "delivered": None} for a in row["alterations"]],
            "attribution_text": row["attribution_text"],
            "attribution_start": row["attribution_start"],
            "attribution_end": row["attribution_end"],
        }
        for row in FIXTURE["quotes"]
    ]
    assert proposed == expected
    assert any(row["alterations"] for row in proposed)
