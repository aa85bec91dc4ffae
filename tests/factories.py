"""factory_boy factories for every model; by default they make valid, linked rows.

A quote made by `QuoteFactory` is anchored in its statement: its `spans` default to
the first sentence of the statement text and its text to what the spans read, so
`quote_spans_problems` holds for it. Pass `spans=[(start, end), ...]` to quote other
characters; the text follows unless it is given too.
"""

import datetime

import factory
from factory.django import DjangoModelFactory

from statements.choices import (
    EventKind,
    Fidelity,
    HostRole,
    OrganizationClassification,
    StakeholderCategory,
    StakeholderRole,
    StatementKind,
)
from statements.models import (
    SPAN_SEPARATOR,
    Event,
    EventHost,
    Organization,
    Quote,
    QuoteSpan,
    QuoteStakeholder,
    Speaker,
    SpeakerRole,
    StakeholderGroup,
    Statement,
    Theme,
)


def first_sentence_bounds(text: str) -> tuple[int, int]:
    """[start, end) of the first sentence of `text`, its full stop included."""
    end = text.find(".")
    return (0, end + 1 if end > 0 else len(text))


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"organization-{n}")
    name = factory.Sequence(lambda n: f"Organization {n}")
    classification = OrganizationClassification.NEWS_MEDIA
    description = factory.Faker("sentence")
    wikidata_id = None
    wikidata_certainty = None
    parent = None


class SpeakerFactory(DjangoModelFactory):
    class Meta:
        model = Speaker
        skip_postgeneration_save = True

    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    name = factory.LazyAttribute(lambda o: f"{o.given_name} {o.family_name}")
    sort_name = factory.LazyAttribute(lambda o: f"{o.family_name}, {o.given_name}")
    slug = factory.Sequence(lambda n: f"speaker-{n}")
    other_names = factory.LazyFunction(list)
    biography = factory.Faker("sentence", nb_words=12)
    wikidata_id = None


class SpeakerRoleFactory(DjangoModelFactory):
    class Meta:
        model = SpeakerRole
        skip_postgeneration_save = True

    speaker = factory.SubFactory(SpeakerFactory)
    title = factory.Faker("job")
    organization = factory.SubFactory(OrganizationFactory)
    start_date = factory.Faker("date_between", start_date="-12y", end_date="-4y")
    end_date = factory.LazyAttribute(
        lambda o: o.start_date + datetime.timedelta(days=4 * 365)
    )
    source_url = factory.Faker("url")
    note = ""


class EventFactory(DjangoModelFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"event-{n}")
    name = factory.Faker("catch_phrase")
    kind = EventKind.CONFERENCE
    description = factory.Faker("sentence", nb_words=15)
    start_date = factory.Faker("date_between", start_date="-5y", end_date="-1y")
    end_date = factory.LazyAttribute(
        lambda o: o.start_date + datetime.timedelta(days=1)
    )
    venue = None
    city = factory.Faker("city")
    country = factory.Faker("country_code")
    source_urls = factory.LazyFunction(list)
    parent = None


class EventHostFactory(DjangoModelFactory):
    class Meta:
        model = EventHost

    event = factory.SubFactory(EventFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = HostRole.HOST


class ThemeFactory(DjangoModelFactory):
    class Meta:
        model = Theme
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"theme-{n}")
    name = factory.Sequence(lambda n: f"Theme {n}")
    description = factory.Faker("sentence")
    parent = None


class StakeholderGroupFactory(DjangoModelFactory):
    class Meta:
        model = StakeholderGroup
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"group-{n}")
    name = factory.Sequence(lambda n: f"Group {n}")
    category = StakeholderCategory.GOVERNMENT
    description = factory.Faker("sentence")


class StatementFactory(DjangoModelFactory):
    """A statement of three paragraphs; pass `themes=[...]` or `stakeholder_groups`."""

    class Meta:
        model = Statement
        skip_postgeneration_save = True

    class Params:
        paragraphs = factory.Faker("paragraphs", nb=3)

    slug = factory.Sequence(lambda n: f"statement-{n}")
    title = factory.Faker("sentence", nb_words=6)
    kind = StatementKind.EDITORIAL
    publisher = factory.SubFactory(OrganizationFactory)
    source_url = factory.Faker("url")
    published_on = factory.Faker("date_between", start_date="-5y", end_date="today")
    language = "en"
    license = "Public domain"
    license_url = None
    provenance_note = ""
    text = factory.LazyAttribute(lambda o: "\n".join(o.paragraphs))
    author_speaker = None
    author_organization = factory.SelfAttribute("publisher")
    event = None

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.add(*extracted)

    @factory.post_generation
    def stakeholder_groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.stakeholder_groups.add(*extracted)


class QuoteFactory(DjangoModelFactory):
    """A quote whose spans (saved with it) read its text out of the statement."""

    class Meta:
        model = Quote
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"quote-{n}")
    statement = factory.SubFactory(StatementFactory)
    speaker = factory.SubFactory(SpeakerFactory)
    fidelity = Fidelity.DIRECT
    spans = factory.LazyAttribute(lambda o: [first_sentence_bounds(o.statement.text)])
    text = factory.LazyAttribute(
        lambda o: SPAN_SEPARATOR.join(o.statement.text[s:e] for s, e in o.spans)
    )
    event = factory.SelfAttribute("statement.event")
    said_on = None
    as_delivered = None
    as_delivered_source_url = None
    provenance_note = ""

    @classmethod
    def _build(cls, model_class, *args, spans=(), **kwargs):
        return super()._build(model_class, *args, **kwargs)

    @classmethod
    def _create(cls, model_class, *args, spans=(), **kwargs):
        quote = super()._create(model_class, *args, **kwargs)
        QuoteSpan.objects.bulk_create(
            QuoteSpan(quote=quote, position=position, start=start, end=end)
            for position, (start, end) in enumerate(spans)
        )
        return quote

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.add(*extracted)


class QuoteSpanFactory(DjangoModelFactory):
    """One more span after the quote's last one (it is not checked against the text)."""

    class Meta:
        model = QuoteSpan

    quote = factory.SubFactory(QuoteFactory)
    position = factory.LazyAttribute(lambda o: o.quote.spans.count())
    start = factory.LazyAttribute(
        lambda o: max((span.end for span in o.quote.spans.all()), default=0)
    )
    end = factory.LazyAttribute(lambda o: o.start + 1)


class QuoteStakeholderFactory(DjangoModelFactory):
    class Meta:
        model = QuoteStakeholder

    quote = factory.SubFactory(QuoteFactory)
    group = factory.SubFactory(StakeholderGroupFactory)
    role = StakeholderRole.MENTIONED
