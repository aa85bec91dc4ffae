"""Issue 11, what the source marks: certainty as data, editorial alterations,
attribution and position, citations by fidelity, and no research wording in any
public field. Golden values come from the facts sheet (../shared/facts.md) and
the seed text, never from a response."""

import csv
import io
import json
import re

import pytest
import yaml

from statements.resources import RESOURCES
from tests.api.helpers import (
    CONFERENCE,
    IN_PARTICULAR,
    MASS_MIGRATION,
    MORE_PEOPLE,
    QUOTES_IN_ORDER,
    SESSION,
    SPEAKER,
    STAND_TOGETHER,
    STATEMENT,
    STATEMENT_TEXT,
    STRONG_INTEREST,
    WE_CARE,
    assert_problem,
)
from tests.api.test_writes import etag_of

API = "/api/v1"


def get(client, path):
    response = client.get(f"{API}/{path}")
    assert response.status_code == 200, response.content
    return response.json()


def streamed(response) -> str:
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8")


def exported_rows(client, resource) -> dict[str, dict]:
    """slug -> row of the resource's CSV export."""
    text = streamed(client.get(f"{API}/exports/{resource}.csv"))
    return {row["slug"]: row for row in csv.DictReader(io.StringIO(text))}


def exported_records(client, resource) -> dict[str, dict]:
    """slug -> record of the resource's NDJSON export."""
    text = streamed(client.get(f"{API}/exports/{resource}.ndjson"))
    return {record["slug"]: record for record in map(json.loads, text.splitlines())}


# --- 1. Certainty as data -------------------------------------------------------------


def test_what_the_facts_grade_medium_is_served_as_probable(client, seeded):
    statement = get(client, f"statements/{STATEMENT}/")
    assert statement["title_certainty"] == "probable"
    # What it takes to cite a quote says so too.
    source = get(client, f"quotes/{WE_CARE}/")["source"]
    assert (source["title"], source["title_certainty"]) == (
        statement["title"],
        "probable",
    )
    assert statement["title_note"] == "Read from the article's web address."
    conference = get(client, f"events/{CONFERENCE}/")
    assert conference["certainty"] == "certain"
    assert conference["attendance_certainty"] == "probable"
    assert conference["attendance"] == (
        "About twenty Western Hemisphere countries; sources give 20, 22 or 31 "
        "delegations. The list of delegations has not been published."
    )
    session = get(client, f"events/{SESSION}/")
    assert session["certainty"] == "probable"
    assert session["certainty_note"]
    reception = get(client, f"events/{CONFERENCE}-reception/")
    assert reception["certainty"] == "certain"
    (role,) = get(client, f"speakers/{SPEAKER}/")["roles"]
    assert (role["end_date"], role["end_date_certainty"]) == ("2025-01-20", "probable")


def test_only_the_split_quote_is_probably_from_the_reception(client, seeded):
    quotes = {q["slug"]: q for q in get(client, "quotes/")["results"]}
    certainties = {
        slug: (
            q["event_certainty"],
            q["said_on"],
            q["said_on_certainty"],
            q["date"],
            q["date_certainty"],
        )
        for slug, q in quotes.items()
    }
    assert certainties == {
        MASS_MIGRATION: ("certain", None, "certain", None, None),
        STRONG_INTEREST: ("certain", "2022-04-19", "certain", "2022-04-19", "certain"),
        WE_CARE: ("certain", "2022-04-19", "certain", "2022-04-19", "certain"),
        IN_PARTICULAR: (
            "probable",
            "2022-04-19",
            "probable",
            "2022-04-19",
            "probable",
        ),
        MORE_PEOPLE: ("certain", None, "certain", None, None),
        STAND_TOGETHER: ("certain", None, "certain", None, None),
    }
    assert quotes[IN_PARTICULAR]["event_note"].startswith("Probably said")
    assert all(q["event_note"] == "" for s, q in quotes.items() if s != IN_PARTICULAR)


def test_a_date_taken_from_a_probable_event_is_probable(client, seeded):
    """No said_on: the date is the one-day event's, as sure as the event."""
    from statements.models import Quote

    Quote.all_objects.filter(slug=IN_PARTICULAR).update(said_on=None)
    quote = get(client, f"quotes/{IN_PARTICULAR}/")
    assert (quote["date"], quote["date_certainty"]) == ("2022-04-19", "probable")
    assert "probably on 2022-04-19" in quote["citation"]


def test_the_schema_declares_the_certainty_and_alteration_enums(client, db):
    response = client.get(f"{API}/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    components = schema["components"]["schemas"]
    assert components["CertaintyEnum"]["enum"] == ["certain", "probable", "unknown"]
    assert components["AlterationKindEnum"]["enum"] == [
        "ellipsis",
        "insertion",
        "sic",
        "emphasis",
    ]
    certainty = {"$ref": "#/components/schemas/CertaintyEnum"}
    quote = components["Quote"]["properties"]
    for name in ("event_certainty", "said_on_certainty", "date_certainty"):
        assert certainty in quote[name].get("allOf", []) + quote[name].get(
            "oneOf", []
        ), name
    assert (
        certainty in components["Statement"]["properties"]["title_certainty"]["allOf"]
    )
    assert (
        certainty in components["Event"]["properties"]["attendance_certainty"]["allOf"]
    )
    assert quote["alterations"]["items"] == {"$ref": "#/components/schemas/Alteration"}


def test_the_exports_carry_the_certainties(client, seeded):
    rows = exported_rows(client, "quotes")
    assert rows[IN_PARTICULAR]["event_certainty"] == "probable"
    assert rows[IN_PARTICULAR]["date_certainty"] == "probable"
    assert rows[MASS_MIGRATION]["date_certainty"] == ""
    assert rows[MASS_MIGRATION]["statement_title_certainty"] == "probable"
    records = exported_records(client, "quotes")
    assert records[IN_PARTICULAR]["date_certainty"] == "probable"
    statement = exported_rows(client, "statements")[STATEMENT]
    assert statement["title_certainty"] == "probable"
    assert exported_rows(client, "events")[SESSION]["certainty"] == "probable"


# --- 2. No research wording in any public field ---------------------------------------

RESEARCH_WORDING = re.compile(
    r"confidence|checked facts|not found|no list found|not established"
    r"|\((?:H|M|confidence [HM])\)|; [HM]\)",
    re.IGNORECASE,
)


def strings(value, path=""):
    """(path, string) of every string in a JSON value."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings(item, f"{path}[{index}]")


def test_no_public_field_speaks_of_the_research(client, seeded):
    scanned = 0
    for resource in RESOURCES:
        expand = ",".join(resource.expandable)
        query = f"?page_size=100&expand={expand}" if expand else "?page_size=100"
        page = get(client, f"{resource.route}/{query}")
        assert page["results"], resource.kind
        bodies = [page]
        for item in page["results"]:
            detail = f"{resource.route}/{item['slug']}/"
            bodies.append(get(client, detail + (f"?expand={expand}" if expand else "")))
        for body in bodies:
            for path, text in strings(body):
                scanned += 1
                assert not RESEARCH_WORDING.search(text), (resource.kind, path, text)
    assert scanned > 1000


def test_the_scan_catches_research_wording(client, seeded):
    """The pattern the scan uses finds the wording the fixtures used to have."""
    for text in (
        "End date (20 January 2025): confidence M.",
        "No source URL recorded in the checked facts.",
        "Wikidata ID for the person not found.",
        "sources say 20, 22, or 31 delegations; no list found",
        "From the remarks on 19 April 2022 (H); see the transcript.",
    ):
        assert RESEARCH_WORDING.search(text), text


# --- 3. Editorial alterations ---------------------------------------------------------


def test_each_quote_lists_its_alterations(client, seeded):
    quotes = {q["slug"]: q for q in get(client, "quotes/")["results"]}
    assert quotes[WE_CARE]["alterations"] == [
        {"kind": "ellipsis", "start": 346, "end": 351, "delivered": "responsibility, a"}
    ]
    assert quotes[STAND_TOGETHER]["alterations"] == [
        {"kind": "insertion", "start": 83, "end": 88, "delivered": None}
    ]
    assert quotes[WE_CARE]["text"][346:351] == ". . ."
    assert quotes[STAND_TOGETHER]["text"][83:88] == "[and]"
    for slug in (MASS_MIGRATION, STRONG_INTEREST, IN_PARTICULAR, MORE_PEOPLE):
        assert quotes[slug]["alterations"] == [], slug
    # The delivered words put back give the transcript's sentence.
    text, (ellipsis,) = quotes[WE_CARE]["text"], quotes[WE_CARE]["alterations"]
    restored = text[: ellipsis["start"]] + ellipsis["delivered"] + " "
    restored += text[ellipsis["end"] :]
    assert restored.endswith(
        "We have a responsibility, a shared responsibility, to look out for them."
    )


def test_the_exports_carry_the_alterations(client, seeded):
    rows = exported_rows(client, "quotes")
    assert json.loads(rows[WE_CARE]["alterations"]) == [
        {"kind": "ellipsis", "start": 346, "end": 351, "delivered": "responsibility, a"}
    ]
    assert json.loads(rows[MASS_MIGRATION]["alterations"]) == []
    records = exported_records(client, "quotes")
    assert records[STAND_TOGETHER]["alterations"] == [
        {"kind": "insertion", "start": 83, "end": 88, "delivered": None}
    ]


@pytest.mark.parametrize(
    ("alteration", "status", "field"),
    [
        # Offsets that read "We have" rather than an ellipsis.
        ({"kind": "ellipsis", "start": 336, "end": 343, "delivered": None}, 422, None),
        # Outside the text.
        ({"kind": "ellipsis", "start": 346, "end": 9999, "delivered": None}, 422, None),
        # An insertion must read words in brackets.
        ({"kind": "insertion", "start": 346, "end": 351, "delivered": None}, 422, None),
        ({"kind": "typo", "start": 346, "end": 351, "delivered": None}, 400, "kind"),
        ({"kind": "ellipsis", "start": -1, "end": 9, "delivered": None}, 400, "start"),
        ({"kind": "ellipsis", "start": 346, "end": 351}, 400, "delivered"),
    ],
)
def test_the_write_api_refuses_bad_alterations(
    editor, seeded, alteration, status, field
):
    from statements.models import Quote

    url = f"{API}/quotes/{WE_CARE}/"
    response = editor.patch(
        url,
        {"alterations": [alteration]},
        format="json",
        HTTP_IF_MATCH=etag_of(editor, url),
    )
    body = assert_problem(response, status)
    names = [error["parameter"] for error in body["errors"]]
    assert any(name.startswith("alterations") for name in names), body
    if field:
        assert any(name.endswith(field) for name in names), body
    assert Quote.objects.get(slug=WE_CARE).alterations == [
        {"kind": "ellipsis", "start": 346, "end": 351, "delivered": "responsibility, a"}
    ]


def test_the_write_api_takes_good_alterations(editor, seeded):
    url = f"{API}/quotes/{STAND_TOGETHER}/"
    sic = {"kind": "emphasis", "start": 0, "end": 4, "delivered": None}
    insertion = {"kind": "insertion", "start": 83, "end": 88, "delivered": None}
    response = editor.patch(
        url,
        {"alterations": [sic, insertion]},
        format="json",
        HTTP_IF_MATCH=etag_of(editor, url),
    )
    assert response.status_code == 200, response.content
    assert editor.get(url).json()["alterations"] == [sic, insertion]


def test_a_new_text_must_keep_its_alterations_true(editor, seeded):
    """A quote text changed without its alterations leaves them reading wrong."""
    from statements.models import Quote

    statement = get(editor, f"statements/{STATEMENT}/")
    shift = len("Prefix. ")
    anchors = [
        {
            "slug": quote["slug"],
            "spans": [
                {"start": span["start"] + shift, "end": span["end"] + shift}
                for span in quote["spans"]
            ],
        }
        for quote in statement["quotes"]
    ]
    url = f"{API}/statements/{STATEMENT}/"
    response = editor.patch(
        url,
        {"text": "Prefix. " + STATEMENT_TEXT, "quotes": anchors, "reason": "Dateline"},
        format="json",
        HTTP_IF_MATCH=etag_of(editor, url),
    )
    assert response.status_code == 200, response.content
    moved = get(editor, f"quotes/{IN_PARTICULAR}/")
    assert (moved["attribution_start"], moved["attribution_end"]) == (
        1309 + shift,
        1331 + shift,
    )
    assert Quote.objects.get(slug=WE_CARE).alterations[0]["start"] == 346


# --- 4. Attribution and position -----------------------------------------------------


def test_each_quote_has_its_attribution_as_printed(client, seeded):
    quotes = get(client, "quotes/")["results"]
    assert [q["slug"] for q in quotes] == QUOTES_IN_ORDER
    assert [q["position"] for q in quotes] == [1, 2, 3, 4, 5, 6]
    attributions = {
        q["slug"]: (q["attribution_text"], q["attribution_start"], q["attribution_end"])
        for q in quotes
    }
    assert attributions == {
        MASS_MIGRATION: (
            "declared Secretary of State Antony Blinken at the Ministerial "
            "Conference on Migration and Protection in Panama",
            111,
            221,
        ),
        STRONG_INTEREST: ("he said", 329, 336),
        WE_CARE: (None, None, None),
        IN_PARTICULAR: ("said Secretary Blinken", 1309, 1331),
        MORE_PEOPLE: ("said Secretary Blinken", 2245, 2267),
        STAND_TOGETHER: (None, None, None),
    }
    for text, start, end in attributions.values():
        if text is not None:
            assert STATEMENT_TEXT[start:end] == text
    rows = exported_rows(client, "quotes")
    assert rows[IN_PARTICULAR]["attribution_text"] == "said Secretary Blinken"
    assert rows[IN_PARTICULAR]["attribution_start"] == "1309"
    assert rows[IN_PARTICULAR]["position"] == "4"
    assert rows[WE_CARE]["attribution_text"] == ""


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"attribution_text": "said Secretary Clinton"}, 422, "attribution_text"),
        (
            {"attribution_text": "he said", "attribution_start": None},
            422,
            "attribution_start",
        ),
        ({"attribution_start": 1309, "attribution_end": 99999}, 422, "attribution"),
        ({"attribution_start": -3}, 400, "attribution_start"),
        ({"position": 0}, 422, "position"),
    ],
)
def test_the_write_api_refuses_bad_attributions(editor, seeded, change, status, field):
    url = f"{API}/quotes/{IN_PARTICULAR}/"
    before = editor.get(url).json()
    tag = etag_of(editor, url)
    response = editor.patch(url, change, format="json", HTTP_IF_MATCH=tag)
    body = assert_problem(response, status)
    names = [error["parameter"] for error in body["errors"]]
    assert any(name.startswith(field) for name in names), body
    after = editor.get(url).json()
    assert after["attribution_text"] == before["attribution_text"]
    assert after["position"] == before["position"] == 4


# --- 5. Citations by fidelity ---------------------------------------------------------

SOURCE = (
    "\u201cBlinken On Meeting The Migration Challenge\u201d, Voice of America, n.d., "
    "https://editorials.voa.gov/a/blinken-on-meeting-the-migration-challenge/"
    "6550283.html. Public domain (work of the U.S. Government). "
    "Statements API: http://testserver/api/v1/quotes/"
)
WHO = "Antony Blinken (Secretary of State, U.S. Department of State), "
CONFERENCE_NAME = "Ministerial Conference on Migration and Protection"
CITATIONS = {
    MASS_MIGRATION: f"{WHO}{CONFERENCE_NAME}, date unknown. Reported in {SOURCE}"
    f"{MASS_MIGRATION}/",
    STRONG_INTEREST: f"{WHO}{CONFERENCE_NAME} Reception, 2022-04-19. Quoted in "
    f"{SOURCE}{STRONG_INTEREST}/",
    WE_CARE: f"{WHO}{CONFERENCE_NAME} Reception, 2022-04-19. Quoted in "
    f"{SOURCE}{WE_CARE}/",
    IN_PARTICULAR: f"{WHO}probably at {CONFERENCE_NAME} Reception, probably on "
    f"2022-04-19. Quoted in {SOURCE}{IN_PARTICULAR}/",
    MORE_PEOPLE: f"{WHO}{CONFERENCE_NAME}, date unknown. Reported in {SOURCE}"
    f"{MORE_PEOPLE}/",
    STAND_TOGETHER: f"{WHO}{CONFERENCE_NAME}, date unknown. Quoted in {SOURCE}"
    f"{STAND_TOGETHER}/",
}


def test_the_citations_of_the_six_quotes(client, seeded):
    listed = {q["slug"]: q["citation"] for q in get(client, "quotes/")["results"]}
    assert listed == CITATIONS
    for slug, citation in CITATIONS.items():
        assert get(client, f"quotes/{slug}/")["citation"] == citation


def test_reported_speech_is_never_cited_as_a_quotation(client, seeded):
    for quote in get(client, "quotes/")["results"]:
        if quote["fidelity"] != "reported":
            continue
        assert "Quoted in" not in quote["citation"]
        assert quote["text"] not in quote["citation"]


def test_a_paraphrase_is_cited_as_paraphrased(editor, seeded):
    url = f"{API}/quotes/{MASS_MIGRATION}/"
    response = editor.patch(
        url,
        {"fidelity": "paraphrase", "reason": "An editor's call."},
        format="json",
        HTTP_IF_MATCH=etag_of(editor, url),
    )
    assert response.status_code == 200, response.content
    assert editor.get(url).json()["citation"] == (
        f"{WHO}{CONFERENCE_NAME}, date unknown. Paraphrased in {SOURCE}"
        f"{MASS_MIGRATION}/"
    )
