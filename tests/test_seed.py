"""manage.py seed: the seeded data is true to its source, idempotent, all or nothing."""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from statements.choices import Fidelity
from statements.models import (
    SPAN_SEPARATOR,
    Event,
    Quote,
    QuoteSpan,
    QuoteStakeholder,
    Speaker,
    SpeakerRole,
    StakeholderGroup,
    Statement,
    Theme,
    split_paragraphs,
)
from tests.conftest import ROOT, database_url, run_manage

FIXTURE = ROOT / "fixtures" / "blinken.json"
TEXT_FILE = (
    ROOT / "fixtures" / "texts" / "voa-blinken-meeting-the-migration-challenge.txt"
)
# The sha256 of /work/shared/seed/000_33336ad19e751534.txt, the source of the text.
SEED_SHA256 = "c634d75d6a36885c1a98a997d13460014559f027ce60a89c2d247a3bd08ca3a9"
STATEMENT_SLUG = "voa-blinken-on-meeting-the-migration-challenge"

MODELS = [
    Speaker,
    SpeakerRole,
    Event,
    Theme,
    StakeholderGroup,
    Statement,
    Quote,
    QuoteSpan,
    QuoteStakeholder,
    Statement.themes.through,
    Statement.stakeholder_groups.through,
    Quote.themes.through,
]


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in MODELS}


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every model, all columns, in primary-key order."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values_list())
        for model in MODELS
    }


def fixture_data() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def write_fixture(tmp_path, data: dict):
    """A copy of the fixture, with its texts directory, holding `data`."""
    shutil.copytree(FIXTURE.parent / "texts", tmp_path / "texts")
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def seeded_statement() -> Statement:
    return Statement.objects.get(slug=STATEMENT_SLUG)


def quotation_mark_pairs(text: str) -> list[tuple[int, int]]:
    """[start, end) of the inside of every “…” pair in `text`."""
    return [(m.start() + 1, m.end() - 1) for m in re.finditer("“[^“”]*”", text)]


def test_the_text_is_the_seed_file_byte_for_byte(seeded):
    statement = seeded_statement()
    file_bytes = TEXT_FILE.read_bytes()

    assert hashlib.sha256(file_bytes).hexdigest() == SEED_SHA256
    assert statement.text_sha256 == hashlib.sha256(file_bytes).hexdigest()
    assert statement.text_sha256 == SEED_SHA256
    assert statement.text == file_bytes.decode("utf-8")
    assert len(statement.text) == 2382


def test_the_seed_holds_every_row_of_the_fixture(seeded):
    data = fixture_data()

    assert row_counts() == {
        "statements.Speaker": len(data["speakers"]),
        "statements.SpeakerRole": sum(len(row["roles"]) for row in data["speakers"]),
        "statements.Event": len(data["events"]),
        "statements.Theme": len(data["themes"]),
        "statements.StakeholderGroup": len(data["stakeholder_groups"]),
        "statements.Statement": len(data["statements"]),
        "statements.Quote": len(data["quotes"]),
        "statements.QuoteSpan": sum(len(row["spans"]) for row in data["quotes"]),
        "statements.QuoteStakeholder": sum(
            len(row["stakeholder_groups"]) for row in data["quotes"]
        ),
        "statements.Statement_themes": sum(
            len(row["themes"]) for row in data["statements"]
        ),
        "statements.Statement_stakeholder_groups": sum(
            len(row["stakeholder_groups"]) for row in data["statements"]
        ),
        "statements.Quote_themes": sum(len(row["themes"]) for row in data["quotes"]),
    }
    assert Quote.objects.count() == 6
    assert QuoteSpan.objects.count() == 7


def test_every_quote_is_what_its_spans_read(seeded):
    text = seeded_statement().text
    quotes = Quote.objects.prefetch_related("spans")

    assert {quote.fidelity for quote in quotes} == {Fidelity.DIRECT, Fidelity.REPORTED}
    for quote in quotes:
        spans = [(span.start, span.end) for span in quote.spans.all()]
        assert spans, quote.slug
        assert [span.position for span in quote.spans.all()] == list(range(len(spans)))
        assert SPAN_SEPARATOR.join(text[s:e] for s, e in spans) == quote.text, (
            quote.slug
        )


def test_every_quotation_in_quotation_marks_is_a_direct_quote(seeded):
    text = seeded_statement().text
    direct_spans = [
        (span.start, span.end)
        for span in QuoteSpan.objects.filter(quote__fidelity=Fidelity.DIRECT)
    ]
    covered = {index for start, end in direct_spans for index in range(start, end)}
    pairs = quotation_mark_pairs(text)

    assert len(pairs) == text.count("“") == text.count("”") == 5
    for start, end in pairs:
        missing = [index for index in range(start, end) if index not in covered]
        assert not missing, f"{text[start:end]!r} is not all in a direct quote"
    for start, end in direct_spans:
        assert any(
            pair_start <= start and end <= pair_end for pair_start, pair_end in pairs
        ), f"{text[start:end]!r} is quoted directly but not in quotation marks"


def test_the_95_million_sentence_is_reported_speech_not_a_unhcr_figure(seeded):
    quote = Quote.objects.get(text__contains="95 million")

    assert quote.fidelity == Fidelity.REPORTED
    assert "it is not a UNHCR statistic" in quote.provenance_note
    assert "said Secretary Blinken" not in quote.text


def test_the_in_particular_quote_is_one_quotation_in_two_spans(seeded):
    quote = Quote.objects.get(text__startswith="In particular")
    spans = list(quote.spans.all())
    text = quote.statement.text

    assert len(spans) == 2
    assert text[spans[0].start : spans[0].end] == "In particular,"
    assert "said Secretary Blinken" in text[spans[0].end : spans[1].start]
    assert quote.text.endswith("opportunity for everyone.")


def test_the_statement_has_seven_paragraphs_whose_offsets_slice_the_text(seeded):
    statement = seeded_statement()
    paragraphs = split_paragraphs(statement.text)

    assert len(paragraphs) == 7
    assert [p.text for p in paragraphs] == statement.text.split("\n")
    assert [p.index for p in paragraphs] == list(range(7))
    for paragraph in paragraphs:
        assert statement.text[paragraph.start : paragraph.end] == paragraph.text
    assert paragraphs[0].start == 0
    assert paragraphs[-1].end == len(statement.text)


def test_seeding_twice_changes_nothing(seeded, capsys):
    before = snapshot()

    call_command("seed")

    assert snapshot() == before
    output = capsys.readouterr().out
    for section in ("speakers", "events", "themes", "stakeholder_groups", "quotes"):
        assert f"{section}: 0 created, 0 updated" in output


def test_seeding_twice_keeps_updated_at(seeded):
    stamped = [Speaker, SpeakerRole, Event, Theme, StakeholderGroup, Statement, Quote]
    before = {m: dict(m.objects.values_list("pk", "updated_at")) for m in stamped}

    call_command("seed", verbosity=0)

    assert {m: dict(m.objects.values_list("pk", "updated_at")) for m in stamped} == (
        before
    )


def break_a_span(data):
    # The second span would take in the closing quotation mark.
    data["quotes"][3]["spans"][1] = [1334, 1774]


def quote_an_unknown_theme(data):
    data["quotes"][2]["themes"].append("no-such-theme")


def parent_an_unknown_theme(data):
    data["themes"][3]["parent"] = "no-such-theme"


def reverse_the_event_dates(data):
    data["events"][1].update(start_date="2022-04-20", end_date="2022-04-19")


def span_past_the_text(data):
    data["quotes"][5]["spans"] = [[2270, 2400]]


def drop_a_quote_text(data):
    del data["quotes"][0]["text"]


BAD_ROWS = [
    pytest.param(
        break_a_span,
        [
            "quotes[3]",
            "'blinken-stabilize-and-strengthen-host-communities'",
            "the spans read",
        ],
        id="bad-span",
    ),
    pytest.param(
        span_past_the_text,
        [
            "quotes[5]",
            "'blinken-stand-together-to-meet-the-challenge'",
            "outside 0 <= start < end <= 2382",
        ],
        id="span-out-of-range",
    ),
    pytest.param(
        quote_an_unknown_theme,
        [
            "quotes[2]",
            "'blinken-we-care-about-the-well-being-of-millions'",
            "no Theme with slug 'no-such-theme'",
        ],
        id="unknown-theme-on-a-quote",
    ),
    pytest.param(
        parent_an_unknown_theme,
        ["themes[3]", "'poverty'", "no Theme with slug 'no-such-theme'"],
        id="unknown-parent-theme",
    ),
    pytest.param(
        reverse_the_event_dates,
        [
            "events[1]",
            "'ministerial-conference-on-migration-and-protection-2022-reception'",
            "The end date is before the start date.",
        ],
        id="reversed-event-dates",
    ),
    pytest.param(
        drop_a_quote_text,
        ["quotes[0]", "'blinken-mass-migration-remains-a-priority'", "malformed row"],
        id="malformed-row",
    ),
]


@pytest.mark.parametrize(("make_bad", "fragments"), BAD_ROWS)
def test_a_bad_row_on_an_empty_database_leaves_it_empty(
    db, tmp_path, make_bad, fragments
):
    data = fixture_data()
    make_bad(data)
    path = write_fixture(tmp_path, data)

    with pytest.raises(CommandError) as raised:
        call_command("seed", path)

    message = str(raised.value)
    assert message.startswith("Nothing was changed. edited.json: ")
    for fragment in fragments:
        assert fragment in message
    assert set(row_counts().values()) == {0}


@pytest.mark.parametrize(("make_bad", "fragments"), BAD_ROWS)
def test_a_bad_row_undoes_the_good_rows_before_it(
    seeded, tmp_path, make_bad, fragments
):
    before = snapshot()
    data = fixture_data()
    # A real change in the first row of the file, which must not survive either.
    data["speakers"][0]["name"] = "Someone Else"
    data["speakers"][0]["roles"].append(
        {
            "title": "Envoy",
            "organization": "voice-of-america",
            "start_date": "2030-01-01",
        }
    )
    make_bad(data)
    path = write_fixture(tmp_path, data)

    with pytest.raises(CommandError) as raised:
        call_command("seed", path)

    for fragment in fragments:
        assert fragment in str(raised.value)
    assert snapshot() == before
    assert Speaker.objects.get().name == "Antony Blinken"


def test_a_slug_twice_in_one_section_is_refused(seeded, tmp_path):
    before = snapshot()
    data = fixture_data()
    data["themes"].append({**data["themes"][3], "name": "Poverty, again"})
    path = write_fixture(tmp_path, data)

    with pytest.raises(CommandError) as raised:
        call_command("seed", path)

    message = str(raised.value)
    assert f"themes[{len(data['themes']) - 1}]" in message
    assert "'poverty'" in message
    assert snapshot() == before


# --- Hostile fixtures and parallel seeds (issue 14, item 8) -------------------------


def test_a_text_file_outside_the_fixture_folder_is_refused(db, tmp_path):
    # A text that would load cleanly, one folder above the fixture's.
    data = fixture_data()
    text = FIXTURE.parent / data["statements"][0]["text_file"]
    shutil.copy(text, tmp_path / "outside.txt")
    data["statements"][0]["text_file"] = "../outside.txt"
    (tmp_path / "fixtures").mkdir()
    path = write_fixture(tmp_path / "fixtures", data)

    with pytest.raises(CommandError) as raised:
        call_command("seed", path)

    message = str(raised.value)
    assert "statements[0]" in message
    assert "'../outside.txt' is outside the fixture's folder" in message
    assert set(row_counts().values()) == {0}


@pytest.mark.parametrize(
    "text_file",
    ["../../../../../../../../etc/os-release", "/etc/os-release", "texts/../../x"],
)
def test_no_path_leads_out_of_the_fixture_folder(db, tmp_path, text_file):
    data = fixture_data()
    data["statements"][0]["text_file"] = text_file
    path = write_fixture(tmp_path, data)

    with pytest.raises(CommandError, match="is outside the fixture's folder"):
        call_command("seed", path)


def run_seed(*args, database: str):
    return run_manage("seed", *args, env={"DATABASE_URL": database})


def test_a_fixture_nested_100k_deep_is_a_clear_error_not_a_traceback(db, tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")

    result = run_seed(str(path), database=database_url())

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        f"CommandError: Nothing was changed. {path}: cannot read the fixture: "
        "JSON nested too deeply"
    )


@pytest.mark.parametrize(
    ("make_bad", "where"),
    [
        (
            lambda data: data["speakers"][0].update(name="Antony\x00Blinken"),
            "speakers[0]",
        ),
        (lambda data: data["themes"][2].update(description="a\x00b"), "themes[2]"),
        (lambda data: data["quotes"][1]["themes"].append("x\x00"), "quotes[1]"),
    ],
    ids=["name", "description", "list-item"],
)
def test_a_nul_in_a_string_is_a_clear_error_not_a_traceback(
    db, tmp_path, make_bad, where
):
    data = fixture_data()
    make_bad(data)
    path = write_fixture(tmp_path, data)

    result = run_seed(str(path), database=database_url())

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(
        f"CommandError: Nothing was changed. edited.json: {where}"
    )
    assert "a string contains a NUL character (\\u0000)" in result.stderr


def test_three_seeds_at_once_on_an_empty_database_all_succeed(transactional_db):
    env = {**os.environ, "DATABASE_URL": database_url()}
    seeds = [
        subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "seed"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outcomes = [(seed.wait(timeout=120), seed.stderr.read()) for seed in seeds]
    for seed in seeds:
        seed.stdout.close()
        seed.stderr.close()

    assert outcomes == [(0, "")] * 3
    assert row_counts()["statements.Quote"] == len(fixture_data()["quotes"])
