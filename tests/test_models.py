"""Model rules: quote spans, database constraints, text changes, roles over time."""

import datetime
import hashlib
from contextlib import contextmanager

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from statements.choices import Fidelity
from statements.models import (
    Event,
    Quote,
    QuoteSpan,
    Speaker,
    Statement,
    Theme,
    quote_spans_problems,
    split_paragraphs,
    text_sha256,
)
from tests.factories import (
    EventFactory,
    QuoteFactory,
    QuoteSpanFactory,
    SpeakerFactory,
    SpeakerRoleFactory,
    StatementFactory,
    ThemeFactory,
)


@contextmanager
def refused_by(constraint: str):
    """The database refuses the rows written inside, naming `constraint`."""
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        yield


TEXT = "Alpha beta gamma. Delta epsilon."
STATEMENT_SLUG = "voa-blinken-on-meeting-the-migration-challenge"


# --- quote_spans_problems -------------------------------------------------------------


def test_spans_that_read_the_quote_have_no_problems():
    assert (
        quote_spans_problems(TEXT, [(0, 5), (11, 17)], Fidelity.DIRECT, "Alpha gamma.")
        == []
    )
    assert quote_spans_problems(TEXT, [(0, 5)], Fidelity.DIRECT, "Alpha") == []
    assert (
        quote_spans_problems(TEXT, [(0, 5), (11, 17)], "reported", "Alpha gamma.") == []
    )


def test_a_quote_needs_a_span():
    assert quote_spans_problems(TEXT, [], Fidelity.DIRECT, "Alpha") == [
        "a quote needs at least one span"
    ]


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        pytest.param(
            [(0, 40)], "span 0 [0, 40) is outside 0 <= start < end <= 32", id="past-end"
        ),
        pytest.param(
            [(-1, 5)], "span 0 [-1, 5) is outside 0 <= start < end <= 32", id="negative"
        ),
        pytest.param(
            [(0, 5), (11, 6)],
            "span 1 [11, 6) is outside 0 <= start < end <= 32",
            id="reversed",
        ),
        pytest.param(
            [(3, 3)], "span 0 [3, 3) is outside 0 <= start < end <= 32", id="empty"
        ),
        pytest.param(
            [(0, 10), (5, 16)],
            "span 1 starts at 5, before the previous span ends at 10; "
            "spans must be ordered and disjoint",
            id="overlapping",
        ),
        pytest.param(
            [(11, 17), (0, 5)],
            "span 1 starts at 0, before the previous span ends at 17; "
            "spans must be ordered and disjoint",
            id="unordered",
        ),
    ],
)
def test_bad_span_bounds_are_named(spans, expected):
    assert quote_spans_problems(TEXT, spans, Fidelity.DIRECT, "whatever") == [expected]


def test_a_text_mismatch_shows_both_texts():
    problems = quote_spans_problems(TEXT, [(0, 10)], Fidelity.DIRECT, "Alpha gamma")

    assert problems == [
        "the spans read 'Alpha beta' but the quote text is 'Alpha gamma'"
    ]


def test_a_long_text_mismatch_is_shortened():
    text = "x" * 200
    (problem,) = quote_spans_problems(text, [(0, 100)], Fidelity.REPORTED, "y" * 100)

    assert (
        problem
        == f"the spans read {'x' * 80!r}... but the quote text is {'y' * 80!r}..."
    )


def test_a_paraphrase_need_not_repeat_the_words():
    assert quote_spans_problems(TEXT, [(0, 10)], Fidelity.PARAPHRASE, "Letters") == []


def test_paragraphs_are_the_non_empty_lines_with_offsets():
    text = "One.\n\nTwo two.\nThree"

    assert [(p.index, p.start, p.end, p.text) for p in split_paragraphs(text)] == [
        (0, 0, 4, "One."),
        (1, 6, 14, "Two two."),
        (2, 15, 20, "Three"),
    ]


# --- database constraints -------------------------------------------------------------


@pytest.mark.django_db
def test_the_database_refuses_an_event_ending_before_it_starts():
    with refused_by("statements_event_end_after_start"):
        EventFactory(
            start_date=datetime.date(2022, 4, 20),
            end_date=datetime.date(2022, 4, 19),
        )
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_the_database_refuses_a_role_ending_before_it_starts():
    speaker = SpeakerFactory()
    with refused_by("statements_speakerrole_end_after_start"):
        SpeakerRoleFactory(
            speaker=speaker,
            start_date=datetime.date(2021, 1, 26),
            end_date=datetime.date(2021, 1, 25),
        )
    assert not speaker.roles.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "factory",
    [SpeakerFactory, EventFactory, ThemeFactory, StatementFactory, QuoteFactory],
    ids=lambda factory: factory._meta.model.__name__,
)
def test_the_database_refuses_a_duplicate_slug(factory):
    factory(slug="taken")
    model = factory._meta.model
    with refused_by(r"duplicate key value .*_slug_"):
        factory(slug="taken")
    assert model.objects.filter(slug="taken").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "end"), [(5, 5), (6, 5)], ids=["empty", "reversed"])
def test_the_database_refuses_a_span_that_does_not_end_after_it_starts(start, end):
    quote = QuoteFactory()
    with refused_by("statements_quotespan_start_before_end"):
        QuoteSpanFactory(quote=quote, start=start, end=end)
    assert quote.spans.count() == 1


@pytest.mark.django_db
def test_the_database_refuses_two_spans_in_one_position():
    quote = QuoteFactory()
    with refused_by("statements_quotespan_unique_position"):
        QuoteSpanFactory(quote=quote, position=0)


@pytest.mark.django_db
@pytest.mark.parametrize("country", ["pa", "P1", "1A"])
def test_the_database_refuses_a_country_that_is_not_alpha_2(country):
    with refused_by("statements_event_country_alpha2"):
        EventFactory(country=country)
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_the_database_refuses_a_malformed_wikidata_id():
    with refused_by("statements_speaker_wikidata_id_format"):
        SpeakerFactory(wikidata_id="12345")
    assert not Speaker.objects.exists()


@pytest.mark.django_db
def test_the_database_refuses_an_empty_statement_text():
    with refused_by("statements_statement_text_not_empty"):
        StatementFactory(text="")
    assert not Statement.objects.exists()


@pytest.mark.django_db
def test_the_database_refuses_an_event_that_is_its_own_parent():
    event = EventFactory()
    with refused_by("statements_event_not_own_parent"):
        Event.objects.filter(pk=event.pk).update(parent=event)


# --- validation in Python (the same rules, as ValidationError) ------------------------


@pytest.mark.django_db
def test_full_clean_explains_reversed_event_and_role_dates():
    event = EventFactory.build(
        start_date=datetime.date(2022, 4, 20), end_date=datetime.date(2022, 4, 19)
    )
    role = SpeakerRoleFactory.build(
        speaker=SpeakerFactory(),
        start_date=datetime.date(2022, 1, 2),
        end_date=datetime.date(2022, 1, 1),
    )

    for instance in (event, role):
        with pytest.raises(ValidationError) as raised:
            instance.full_clean()
        assert raised.value.message_dict["end_date"] == [
            "The end date is before the start date."
        ]


@pytest.mark.django_db
def test_full_clean_refuses_a_bad_country_code_and_wikidata_id():
    with pytest.raises(ValidationError) as raised:
        EventFactory.build(country="pa").full_clean()
    assert "country" in raised.value.message_dict

    with pytest.raises(ValidationError) as raised:
        SpeakerFactory.build(wikidata_id="Q0").full_clean()
    assert raised.value.message_dict["wikidata_id"] == [
        "A Wikidata id is Q and digits."
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("factory", [EventFactory, ThemeFactory])
def test_an_event_or_theme_cannot_be_its_own_ancestor(factory):
    grandparent = factory()
    parent = factory(parent=grandparent)
    child = factory(parent=parent)
    grandparent.parent = child

    with pytest.raises(ValidationError) as raised:
        grandparent.full_clean()
    assert raised.value.message_dict["parent"][0].endswith(
        "cannot be its own ancestor."
    )


# --- statement text changes -----------------------------------------------------------


@pytest.mark.django_db
def test_a_text_change_that_moves_the_quotes_is_refused(seeded):
    statement = Statement.objects.get(slug=STATEMENT_SLUG)
    original = (statement.text, statement.text_sha256, statement.updated_at)
    statement.text = "Editor's note. " + statement.text

    with pytest.raises(ValidationError) as raised:
        statement.save()

    messages = raised.value.message_dict["text"]
    assert messages[0] == "The new text no longer matches its quotes."
    # Every quote is named: all of them moved, and so did the four attributions.
    attributed = Quote.objects.filter(attribution_text__isnull=False).count()
    assert attributed == 4
    assert len(messages) == 1 + Quote.objects.count() + attributed
    assert (
        "quote 'blinken-strong-interest-in-border-security': the statement's text "
        "at [329, 336) reads" in " ".join(messages)
    )
    assert (
        "quote 'blinken-mass-migration-remains-a-priority': the spans read"
        in (messages[1])
    )
    statement.refresh_from_db()
    assert (statement.text, statement.text_sha256, statement.updated_at) == original


@pytest.mark.django_db
def test_a_same_length_edit_inside_a_quote_is_refused(seeded):
    statement = Statement.objects.get(slug=STATEMENT_SLUG)
    original = statement.text
    statement.text = original.replace("a strong interest", "a STRONG interest")

    with pytest.raises(ValidationError) as raised:
        statement.full_clean()
    with pytest.raises(ValidationError):
        statement.save()

    assert raised.value.message_dict["text"] == [
        "The new text no longer matches its quotes.",
        "quote 'blinken-strong-interest-in-border-security': the spans read "
        "'We have a STRONG interest in protecting the security of our borders in a "
        "safe, o'... but the quote text is 'We have a strong interest in protecting "
        "the security of our borders in a safe, o'...",
    ]
    assert Statement.objects.get(pk=statement.pk).text == original


@pytest.mark.django_db
def test_a_text_change_that_keeps_the_quotes_in_place_is_accepted(seeded):
    statement = Statement.objects.get(slug=STATEMENT_SLUG)
    # Outside every span, with offsets unchanged: a same-length edit in the
    # publisher's narrative and a paragraph appended after the last quote.
    assert "including poverty" in statement.text
    statement.text = (
        statement.text.replace("including poverty", "including POVERTY")
        + "\nA correction was appended."
    )

    statement.full_clean()
    statement.save()

    statement.refresh_from_db()
    assert statement.text.endswith("\nA correction was appended.")
    assert statement.text_sha256 == text_sha256(statement.text)
    assert len(split_paragraphs(statement.text)) == 8
    for quote in statement.quotes.prefetch_related("spans"):
        spans = [(span.start, span.end) for span in quote.spans.all()]
        assert (
            quote_spans_problems(statement.text, spans, quote.fidelity, quote.text)
            == []
        )


@pytest.mark.django_db
def test_saving_a_statement_records_the_sha256_of_its_text():
    statement = StatementFactory(text="Caf\u00e9 \u201cquoted\u201d \u2013 done.")

    assert statement.text_sha256 == hashlib.sha256(statement.text.encode()).hexdigest()
    assert Statement.objects.get(pk=statement.pk).text_sha256 == statement.text_sha256


# --- roles over time ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "holds"),
    [
        (datetime.date(2021, 1, 25), False),
        (datetime.date(2021, 1, 26), True),
        (datetime.date(2022, 4, 19), True),
        (datetime.date(2025, 1, 20), True),
        (datetime.date(2025, 1, 21), False),
        (None, False),
    ],
)
def test_blinken_is_secretary_of_state_from_2021_01_26_to_2025_01_20(
    seeded, day, holds
):
    speaker = Speaker.objects.get(slug="antony-blinken")

    role = speaker.role_on(day)

    if holds:
        assert (role.title, role.organization.slug) == (
            "Secretary of State",
            "us-department-of-state",
        )
    else:
        assert role is None


@pytest.mark.django_db
def test_an_open_ended_role_holds_from_its_start_on():
    role = SpeakerRoleFactory(start_date=datetime.date(2020, 5, 1), end_date=None)

    assert role.speaker.role_on(datetime.date(2020, 4, 30)) is None
    assert role.speaker.role_on(datetime.date(2020, 5, 1)) == role
    assert role.speaker.role_on(datetime.date(2099, 1, 1)) == role


@pytest.mark.django_db
def test_every_seeded_quote_has_blinken_as_secretary_of_state(seeded):
    quotes = Quote.objects.select_related("speaker", "event", "statement").order_by(
        "slug"
    )

    assert {quote.slug: (quote.date, str(quote.speaker_role)) for quote in quotes} == {
        "blinken-mass-migration-remains-a-priority": (
            None,
            "Secretary of State, U.S. Department of State",
        ),
        "blinken-more-people-on-the-move-than-since-ww2": (
            None,
            "Secretary of State, U.S. Department of State",
        ),
        "blinken-stabilize-and-strengthen-host-communities": (
            datetime.date(2022, 4, 19),
            "Secretary of State, U.S. Department of State",
        ),
        "blinken-stand-together-to-meet-the-challenge": (
            None,
            "Secretary of State, U.S. Department of State",
        ),
        "blinken-strong-interest-in-border-security": (
            datetime.date(2022, 4, 19),
            "Secretary of State, U.S. Department of State",
        ),
        "blinken-we-care-about-the-well-being-of-millions": (
            datetime.date(2022, 4, 19),
            "Secretary of State, U.S. Department of State",
        ),
    }


@pytest.mark.django_db
def test_a_quote_date_comes_from_a_one_day_event():
    event = EventFactory(
        start_date=datetime.date(2022, 4, 19), end_date=datetime.date(2022, 4, 19)
    )
    quote = QuoteFactory(statement=StatementFactory(event=event))

    assert quote.said_on is None
    assert quote.date == datetime.date(2022, 4, 19)


@pytest.mark.django_db
def test_a_quote_without_any_date_has_no_role():
    speaker = SpeakerFactory()
    SpeakerRoleFactory(speaker=speaker, start_date=datetime.date(2000, 1, 1))
    quote = QuoteFactory(
        statement=StatementFactory(event=None, published_on=None), speaker=speaker
    )

    assert quote.date is None
    assert quote.speaker_role is None


@pytest.mark.django_db
def test_a_quote_falls_back_on_the_statement_date_for_its_role():
    role = SpeakerRoleFactory(
        start_date=datetime.date(2010, 1, 1), end_date=datetime.date(2012, 1, 1)
    )
    inside = QuoteFactory(
        statement=StatementFactory(published_on=datetime.date(2011, 6, 1)),
        speaker=role.speaker,
    )
    outside = QuoteFactory(
        statement=StatementFactory(published_on=datetime.date(2013, 6, 1)),
        speaker=role.speaker,
    )

    assert inside.speaker_role == role
    assert outside.speaker_role is None


# --- factories ------------------------------------------------------------------------


@pytest.mark.django_db
def test_factory_quotes_are_anchored_in_their_statement():
    statement = StatementFactory(text="One two three. Four five six.")
    first = QuoteFactory(statement=statement)
    split = QuoteFactory(statement=statement, spans=[(0, 3), (15, 19)])

    assert first.text == "One two three."
    assert split.text == "One Four"
    assert list(split.spans.values_list("position", "start", "end")) == [
        (0, 0, 3),
        (1, 15, 19),
    ]
    assert first.speaker is not None
    for quote in (first, split):
        spans = list(quote.spans.values_list("start", "end"))
        assert (
            quote_spans_problems(statement.text, spans, quote.fidelity, quote.text)
            == []
        )
        quote.full_clean()
    assert QuoteSpan.objects.count() == 3
    assert Theme.objects.count() == 0


# --- certainty, alterations, attribution ----------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("said_on", "said_on_certainty", "one_day", "event_certainty", "expected"),
    [
        (datetime.date(2022, 4, 19), "probable", False, "certain", "probable"),
        (datetime.date(2022, 4, 19), "certain", True, "probable", "certain"),
        (None, "certain", True, "probable", "probable"),
        (None, "certain", True, "unknown", "unknown"),
        (None, "probable", False, "probable", None),
    ],
)
def test_date_certainty_agrees_in_python_and_sql(
    said_on, said_on_certainty, one_day, event_certainty, expected
):
    """Quote.date_certainty and the API's annotation (with_quote_context)."""
    from statements.selectors import with_quote_context

    start = datetime.date(2022, 4, 19)
    event = EventFactory(
        start_date=start, end_date=start + datetime.timedelta(days=0 if one_day else 1)
    )
    quote = QuoteFactory(
        statement=StatementFactory(event=event),
        said_on=said_on,
        said_on_certainty=said_on_certainty,
        event_certainty=event_certainty,
    )
    (annotated,) = with_quote_context(Quote.objects.filter(pk=quote.pk)).values_list(
        "day_certainty", flat=True
    )
    assert quote.date_certainty == annotated == expected


def test_the_seed_alterations_read_what_they_say():
    from statements.models import quote_alteration_problems

    text = "We have a . . .shared responsibility, to meet, [and] join [sic] it."
    alterations = [
        {"kind": "ellipsis", "start": 10, "end": 15, "delivered": "responsibility, a"},
        {"kind": "insertion", "start": 47, "end": 52, "delivered": None},
        {"kind": "sic", "start": 58, "end": 63, "delivered": None},
        {"kind": "emphasis", "start": 0, "end": 2, "delivered": None},
    ]
    assert quote_alteration_problems(text, alterations[:3]) == []
    assert quote_alteration_problems(text, alterations[3:]) == []
    problems = quote_alteration_problems(text, [alterations[1], alterations[0]])
    assert problems == [
        "alteration 1 starts at 10, before the previous one ends at 52; "
        "alterations are ordered and apart"
    ]
    wrong = {"kind": "sic", "start": 47, "end": 52, "delivered": None}
    assert quote_alteration_problems(text, [wrong]) == [
        "alteration 0 (sic) reads '[and]', not \"[sic]\""
    ]
    assert quote_alteration_problems(text, [{"kind": "ellipsis"}]) == [
        "alteration 0: an object with keys kind, start, end, delivered"
    ]
    assert quote_alteration_problems(text, "...") == [
        "a list of alterations is expected"
    ]


def test_an_attribution_must_read_its_span():
    from statements.models import attribution_problems

    text = "“In particular,” said Secretary Blinken, “we have to work together"
    assert attribution_problems(text, "said Secretary Blinken", 17, 39) == {}
    assert attribution_problems(text, None, None, None) == {}
    assert attribution_problems(text, "said Secretary Blinken", 16, 38) == {
        "attribution_text": [
            "the statement's text at [16, 38) reads ' said Secretary Blinke', "
            "not 'said Secretary Blinken'"
        ]
    }
    assert set(attribution_problems(text, "he said", None, None)) == {
        "attribution_start",
        "attribution_end",
    }
