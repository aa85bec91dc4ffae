"""The extraction engine on the seed article, on articles written for the tests
(tests/importer/articles, each with its expectations in JSON) and rule by rule."""

import json
from pathlib import Path

import pytest

from statements.importer.evaluate import load_article, load_articles, table
from statements.importer.extract import KnownSpeaker, extract_quotes
from statements.importer.html import read_html

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = Path(__file__).resolve().parent / "articles"
FIXTURE = ROOT / "fixtures" / "blinken.json"


def known_speakers(fixture: dict) -> list[KnownSpeaker]:
    return [
        KnownSpeaker(s["slug"], s["name"], tuple(s.get("other_names", ())))
        for s in fixture["speakers"]
    ]


def test_the_seed_article_gives_the_six_fixture_quotes_and_nothing_else():
    fixture = json.loads(FIXTURE.read_text(encoding="utf-8"))
    statement = fixture["statements"][0]
    text = (FIXTURE.parent / statement["text_file"]).read_bytes().decode("utf-8")
    proposals = extract_quotes(text, known_speakers(fixture))
    got = [
        (
            [list(span) for span in p.spans],
            p.text,
            p.fidelity,
            p.speaker.slug if p.speaker else None,
        )
        for p in proposals
    ]
    expected = [
        (q["spans"], q["text"], q["fidelity"], q["speaker"])
        for q in fixture["quotes"]
        if q["statement"] == statement["slug"]
    ]
    assert got == expected


def test_the_seed_article_alterations_are_found_where_they_are():
    fixture = json.loads(FIXTURE.read_text(encoding="utf-8"))
    text = FIXTURE.parent / "texts/voa-blinken-meeting-the-migration-challenge.txt"
    text = text.read_text(encoding="utf-8")
    found = {
        (a.kind, a.text, text[a.start : a.end])
        for p in extract_quotes(text, known_speakers(fixture))
        for a in p.alterations
    }
    assert found == {("ellipsis", ". . .", ". . ."), ("insertion", "[and]", "[and]")}


ARTICLE_PATHS = sorted(p for p in ARTICLES.iterdir() if p.suffix in (".txt", ".html"))


def test_there_are_at_least_six_articles_in_text_and_html():
    assert len(ARTICLE_PATHS) >= 6
    assert {p.suffix for p in ARTICLE_PATHS} == {".txt", ".html"}


@pytest.mark.parametrize("path", ARTICLE_PATHS, ids=lambda p: p.name)
def test_each_expected_quote_is_proposed(path):
    """Every expected quote not marked as a known limit is proposed with its
    spans, fidelity, speaker and alterations; no phrase that is not speech is."""
    article = load_article(path)
    proposals = extract_quotes(article.text, article.known)
    by_spans = {(tuple(p.spans), p.fidelity): p for p in proposals}
    for expected in article.expected:
        if expected.limit:
            continue
        proposal = by_spans.get((tuple(expected.spans), expected.fidelity))
        assert proposal is not None, (expected, [p.as_json() for p in proposals])
        speaker = proposal.speaker
        assert (speaker.name if speaker else None) == expected.speaker, proposal
        if expected.slug:
            assert speaker.slug == expected.slug
        assert [a.text for a in proposal.alterations] == expected.alterations
    proposed = [span for p in proposals for span in p.spans]
    for start, end in article.not_quotes:
        assert not any(s <= start and end <= e for s, e in proposed), article.text[
            start:end
        ]


def test_measured_figures_meet_the_targets(capsys):
    text, total = table(load_articles(ARTICLES))
    with capsys.disabled():
        print("\n" + text)
    assert total.direct_matched / total.direct_proposed >= 0.95
    assert total.direct_matched / total.direct_expected >= 0.9
    assert total.speaker_right / total.matched >= 0.9
    assert total.reported_matched / total.reported_expected >= 0.6


def spans_text(text, proposal):
    return [text[s:e] for s, e in proposal.spans]


def test_offsets_are_code_points_and_a_direct_span_is_strictly_inside_the_marks():
    text = 'Emoji \U0001f600 first. "We will win this," said Jane Doe.'
    [proposal] = extract_quotes(text)
    start, end = proposal.spans[0]
    assert text[start - 1] == '"'
    assert text[end] == '"'
    assert proposal.text == "We will win this,"
    assert proposal.speaker.as_json() == {"name": "Jane Doe", "slug": None}
    assert proposal.attribution.as_json()["text"] == "said Jane Doe"


def test_curly_nested_quotes_stay_inside_the_outer_quotation():
    text = "\u201cShe told me, \u2018Go home,\u2019 and I did,\u201d Ali Khan said."
    [proposal] = extract_quotes(text)
    assert proposal.text == "She told me, \u2018Go home,\u2019 and I did,"
    assert proposal.speaker.name == "Ali Khan"


def test_a_quotation_split_by_its_attribution_is_one_quote_in_two_spans():
    text = '"If it rains," Mayor Ann Lee said, "the parade will move indoors."'
    [proposal] = extract_quotes(text)
    assert spans_text(text, proposal) == [
        "If it rains,",
        "the parade will move indoors.",
    ]
    assert proposal.text == "If it rains, the parade will move indoors."
    assert proposal.speaker.name == "Ann Lee"


def test_a_new_sentence_after_the_attribution_is_a_new_quote_by_the_same_speaker():
    text = '"We are ready," she said. "The team has trained for months."'
    first, second = extract_quotes(
        "Coach Maria Silva spoke to the press on Monday.\n" + text
    )
    assert first.text == "We are ready,"
    assert second.text == "The team has trained for months."
    assert first.speaker.name == second.speaker.name == "Maria Silva"


def test_a_quotation_over_paragraphs_has_no_closing_mark_until_its_end():
    text = (
        "\u201cThe first part ends here without a mark,\u201d said Tom Reed. "
        "\u201cThis part runs on.\n"
        "\u201cAnd this paragraph ends it.\u201d\n"
        "\u201cThis is a new quotation from him again.\u201d"
    )
    first, second, third = extract_quotes(text)
    assert spans_text(text, second) == [
        "This part runs on.",
        "And this paragraph ends it.",
    ]
    assert third.speaker.name == "Tom Reed"
    assert third.attribution.rule == "last_speaker"


def test_a_partial_quote_needs_a_speech_verb_and_a_scare_quote_is_not_speech():
    text = (
        'Senator Bo Kim said the bill was "dead on arrival" in the Senate.\n'
        'The "reform" has been debated for years.\n'
        'A report titled "Roads to Nowhere: The Cost of Delay in Rural Areas" '
        "was published.\n"
        'Officials have not explained the "delays" in detail.'
    )
    reported, direct = extract_quotes(text)
    assert (direct.fidelity, direct.text) == ("direct", "dead on arrival")
    assert direct.speaker.name == "Bo Kim"
    # The sentence around the partial quote is reported speech.
    assert (reported.fidelity, reported.text) == (
        "reported",
        'the bill was "dead on arrival" in the Senate',
    )


@pytest.mark.parametrize(
    ("sentence", "content", "speaker"),
    [
        (
            "Prime Minister Ana Ruiz said that the vote would go ahead in May.",
            "the vote would go ahead in May",
            "Ana Ruiz",
        ),
        (
            "According to Ana Ruiz, the vote would go ahead in May.",
            "the vote would go ahead in May",
            "Ana Ruiz",
        ),
        (
            "The vote would go ahead in May, said Ana Ruiz, the prime minister.",
            "The vote would go ahead in May",
            "Ana Ruiz",
        ),
        (
            "The vote would go ahead in May, Ana Ruiz told reporters.",
            "The vote would go ahead in May",
            "Ana Ruiz",
        ),
        (
            "Ana Ruiz said the vote would go ahead in May.",
            "the vote would go ahead in May",
            "Ana Ruiz",
        ),
    ],
)
def test_reported_speech(sentence, content, speaker):
    [proposal] = extract_quotes(sentence)
    assert proposal.fidelity == "reported"
    assert proposal.text == content
    assert proposal.speaker.name == speaker


def test_a_pronoun_and_a_surname_refer_to_the_last_speaker_and_known_names_match():
    known = [KnownSpeaker("a-blinken", "Antony Blinken", ("Antony J. Blinken",))]
    text = (
        "Secretary of State Antony J. Blinken arrived in Kyiv on Tuesday.\n"
        '"We stand with Ukraine," he said.\n'
        '"Our support will not waver," Blinken added.'
    )
    first, second = extract_quotes(text, known)
    assert first.speaker.as_json() == {"name": "Antony Blinken", "slug": "a-blinken"}
    assert second.speaker.as_json() == first.speaker.as_json()


def test_html_text_is_the_article_paragraphs_only():
    article = read_html(
        "<html><head><title>T</title>"
        '<meta property="og:site_name" content="Daily">'
        '<meta property="article:published_time" content="2024-01-02">'
        "</head><body><nav><p>Menu</p></nav><article><h1>Head &amp; line</h1>"
        "<p>First   para<br>graph &ldquo;here&rdquo;.</p>"
        '<script>var x = "<p>no</p>";</script>'
        "<figure><figcaption>Caption</figcaption></figure>"
        "<p>Last <b>bold</b> words</p><aside><p>Related</p></aside></article>"
        "<footer><p>Foot</p></footer></body></html>"
    )
    assert article.text == "First para graph \u201chere\u201d.\nLast bold words"
    assert article.title == "Head & line"
    assert article.publisher == "Daily"
    assert article.published == "2024-01-02"
    assert article.url is None


@pytest.mark.parametrize(
    "path", [p for p in ARTICLE_PATHS if p.suffix == ".txt"], ids=lambda p: p.name
)
def test_crlf_line_ends_give_the_same_quotes(path):
    text = path.read_text(encoding="utf-8")

    def read(article):
        return [
            (p.fidelity, p.text, p.speaker.name if p.speaker else None)
            for p in extract_quotes(article)
        ]

    assert read(text.replace("\n", "\r\n")) == read(text)
