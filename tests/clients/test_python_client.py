"""A Python client generated from the committed schema by openapi-python-client
(clients/python/openapi-python-client.yaml), used against a live server for the
tasks of the TypeScript example (clients/typescript/examples/frontend.ts)."""

import datetime
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
GENERATOR = Path(sys.executable).with_name("openapi-python-client")
PACKAGE = "statements_client"
STATEMENT = "voa-blinken-on-meeting-the-migration-challenge"
QUOTE = "blinken-stabilize-and-strengthen-host-communities"


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The client package, generated into a temporary directory and imported."""
    out = tmp_path_factory.mktemp("python-client")
    result = subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(ROOT / "openapi.yaml"),
            "--output-path",
            str(out / PACKAGE),
            "--meta",
            "none",
            "--config",
            str(ROOT / "clients" / "python" / "openapi-python-client.yaml"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "warning" not in output.lower(), output
    sys.path.insert(0, str(out))
    try:
        yield lambda name: importlib.import_module(f"{PACKAGE}.{name}")
    finally:
        sys.path.remove(str(out))
        for name in [n for n in sys.modules if n.split(".")[0] == PACKAGE]:
            del sys.modules[name]


@pytest.fixture
def api(generated, live_server, settings):
    settings.RATE_LIMIT_ANONYMOUS = 10**6
    call_command("seed", verbosity=0)
    client = generated("client").Client(base_url=live_server.url)
    with client:
        yield client


@pytest.mark.slow
def test_the_generated_client_does_the_frontend_tasks(generated, api):
    quotes_list = generated("api.quotes.quotes_list")
    quotes_retrieve = generated("api.quotes.quotes_retrieve")
    statements_retrieve = generated("api.statements.statements_retrieve")
    themes_list = generated("api.themes.themes_list")
    search = generated("api.search.search")
    models = generated("models")

    # Quotes of a theme: full objects, every field there.
    themed = quotes_list.sync(client=api, theme=["regional-cooperation"])
    assert isinstance(themed, models.QuotePage)
    assert themed.count == 3
    assert all(isinstance(quote, models.Quote) for quote in themed.results)
    assert all(
        "regional-cooperation" in [theme.slug for theme in quote.themes]
        for quote in themed.results
    )

    # A statement, its quotes at their code-point spans.
    statement = statements_retrieve.sync(STATEMENT, client=api)
    assert isinstance(statement, models.StatementDetail)
    for quote in statement.quotes:
        pieces = [statement.text[span.start : span.end] for span in quote.spans]
        assert all(pieces), quote.slug
        if quote.fidelity == models.FidelityEnum.DIRECT and len(pieces) == 1:
            assert pieces[0] == quote.text

    # A search with highlights.
    results = search.sync(client=api, q="border", type_=[models.SearchTypeItem.QUOTE])
    assert results.results
    assert all("<mark>" in hit.highlight for hit in results.results)

    # A list to its end: page numbers, then keyset pages.
    page = themes_list.sync(client=api, page_size=5)
    seen = [theme.slug for theme in page.results]
    while page.next_:
        page = themes_list.sync(client=api, page_size=5, page=page.page.number + 1)
        seen += [theme.slug for theme in page.results]
    assert len(set(seen)) == 22

    keyset = themes_list.sync(
        client=api,
        page_size=5,
        updated_since=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC),
    )
    assert isinstance(keyset, models.ThemeKeysetPage)
    synced = [theme.slug for theme in keyset.results]
    while keyset.next_:
        cursor = keyset.next_.split("cursor=")[1].split("&")[0]
        keyset = themes_list.sync(client=api, page_size=5, cursor=cursor)
        synced += [theme.slug for theme in keyset.results]
    assert sorted(synced) == sorted(seen)

    # expand= keeps every field of the expanded objects; fields= trims.
    expanded = quotes_retrieve.sync(
        QUOTE,
        client=api,
        expand=[
            models.QuotesRetrieveExpandItem.SPEAKER,
            models.QuotesRetrieveExpandItem.STATEMENT,
        ],
    )
    assert isinstance(expanded, models.Quote)
    assert isinstance(expanded.speaker, models.ExpandedSpeaker)
    assert expanded.speaker.biography
    assert expanded.speaker.roles
    assert isinstance(expanded.statement, models.ExpandedStatement)
    assert expanded.statement.publisher
    assert isinstance(expanded.event, models.EventBrief)

    trimmed = quotes_retrieve.sync(
        QUOTE,
        client=api,
        fields=[
            models.QuotesRetrieveFieldsItem.SLUG,
            models.QuotesRetrieveFieldsItem.TEXT,
        ],
    )
    assert isinstance(trimmed, models.PartialQuote)
    assert trimmed.to_dict() == {"slug": QUOTE, "text": trimmed.text}


@pytest.mark.slow
def test_an_ndjson_export_is_bytes_whose_lines_are_export_records(generated, api):
    exports = generated("api.exports.exports_quotes_ndjson")
    models = generated("models")

    body = exports.sync(client=api)
    records = [
        models.QuoteExportRecord.from_dict(json.loads(line))
        for line in body.payload.read().decode().splitlines()
    ]

    assert len(records) == 6
    assert all(record.text and record.spans for record in records)
