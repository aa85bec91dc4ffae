"""The speech data model: speakers, events, statements, quotes, themes, groups.

Names follow the Popolo standard where it fits (Person → Speaker, Event, Speech →
Statement and Quote). Offsets are Python string indices (Unicode code points) into
``Statement.text``, half-open: ``[start, end)``.
"""

import datetime
import hashlib
import re

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from statements.choices import (
    AlterationKind,
    AuthorType,
    Certainty,
    EventKind,
    Fidelity,
    HostRole,
    OrganizationClassification,
    QuoteStatus,
    StakeholderCategory,
    StakeholderRole,
    StatementKind,
)
from statements.models.writes import RetiredSlug, slug_kind
from statements.text import (  # noqa: F401 (re-exported)
    SPAN_SEPARATOR,
    Paragraph,
    join_spans,
    split_paragraphs,
)

wikidata_validator = RegexValidator(r"^Q[1-9][0-9]*$", "A Wikidata id is Q and digits.")
country_validator = RegexValidator(
    r"^[A-Z]{2}$", "A country is an ISO 3166-1 alpha-2 code (two capitals)."
)
language_validator = RegexValidator(
    r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$",
    "A language is a BCP 47 tag such as en or es-MX.",
)


def certainty_field(what: str) -> models.CharField:
    """How sure the sources make `what` (statements.choices.Certainty)."""
    return models.CharField(
        max_length=16,
        choices=Certainty.choices,
        default=Certainty.CERTAIN,
        db_default=Certainty.CERTAIN,
        help_text=f"How sure the sources make {what}: certain, probable or unknown.",
    )


def wikidata_id_constraints() -> list[models.BaseConstraint]:
    """A nullable `wikidata_id` is unique where set and reads Q and digits."""
    return [
        models.UniqueConstraint(
            fields=["wikidata_id"],
            condition=Q(wikidata_id__isnull=False),
            name="%(app_label)s_%(class)s_unique_wikidata_id",
        ),
        models.CheckConstraint(
            condition=Q(wikidata_id__isnull=True)
            | Q(wikidata_id__regex=r"^Q[1-9][0-9]*$"),
            name="%(app_label)s_%(class)s_wikidata_id_format",
        ),
    ]


def has_ancestor_cycle(node) -> bool:
    """True when following `parent` from `node` comes back to a node seen before."""
    seen = {node.pk} if node.pk is not None else set()
    ancestor = node.parent
    while ancestor is not None:
        if ancestor.pk in seen:
            return True
        seen.add(ancestor.pk)
        ancestor = ancestor.parent
    return False


class TimeStampedModel(models.Model):
    """Creation and modification times, on every public record."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True

    def validate_unique(self, exclude=None):
        """Unique fields, and a slug no record of the kind has had before."""
        errors = {}
        try:
            super().validate_unique(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        slug = getattr(self, "slug", None)
        if slug and "slug" not in (exclude or ()) and "slug" not in errors:
            retired = RetiredSlug.objects.filter(kind=slug_kind(type(self)), slug=slug)
            if retired.exists():
                errors["slug"] = [
                    ValidationError(
                        "This slug belonged to a record that was deleted or "
                        "renamed; slugs are never reused.",
                        code="slug_retired",
                    )
                ]
        if errors:
            raise ValidationError(errors)


class Organization(TimeStampedModel):
    """A body that publishes, employs or hosts (Popolo Organization)."""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    classification = models.CharField(
        max_length=32,
        choices=OrganizationClassification.choices,
        help_text="What kind of organization it is.",
    )
    description = models.TextField(blank=True, help_text="A short public description.")
    wikidata_id = models.CharField(
        max_length=20,
        null=True,
        blank=True,
        validators=[wikidata_validator],
        help_text="Its Wikidata item (Q…); null when unknown.",
    )
    wikidata_certainty = models.CharField(
        max_length=16,
        choices=Certainty.choices,
        null=True,
        blank=True,
        help_text="How sure the Wikidata id is: certain or probable; null without "
        "an id.",
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="The organization it is part of; null when none is recorded.",
    )

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            *wikidata_id_constraints(),
            models.CheckConstraint(
                condition=Q(wikidata_id__isnull=True, wikidata_certainty__isnull=True)
                | Q(
                    wikidata_id__isnull=False,
                    wikidata_certainty__in=[Certainty.CERTAIN, Certainty.PROBABLE],
                ),
                name="%(app_label)s_%(class)s_wikidata_certainty",
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("id")),
                name="%(app_label)s_%(class)s_not_own_parent",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organization-detail", kwargs={"slug": self.slug})

    def clean(self):
        # No id, no certainty: a blank certainty is none.
        self.wikidata_certainty = self.wikidata_certainty or None
        if has_ancestor_cycle(self):
            raise ValidationError(
                {"parent": "An organization cannot be its own ancestor."}
            )
        if self.wikidata_id and self.wikidata_certainty not in (
            Certainty.CERTAIN,
            Certainty.PROBABLE,
        ):
            raise ValidationError(
                {
                    "wikidata_certainty": "Say how sure the Wikidata id is: certain "
                    "or probable."
                }
            )
        if not self.wikidata_id and self.wikidata_certainty:
            raise ValidationError(
                {"wikidata_certainty": "There is no Wikidata id to be sure of."}
            )


class Speaker(TimeStampedModel):
    """A person who speaks (Popolo Person)."""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    sort_name = models.CharField(max_length=200, blank=True)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    other_names = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    biography = models.TextField(blank=True)
    wikidata_id = models.CharField(
        max_length=20, null=True, blank=True, validators=[wikidata_validator]
    )

    class Meta:
        ordering = ["sort_name", "id"]
        constraints = [
            *wikidata_id_constraints(),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("speaker-detail", kwargs={"slug": self.slug})

    def role_on(self, day: datetime.date | None):
        """The role this speaker held on `day`, from prefetched or queried roles."""
        return role_on(self.roles.all(), day)


class SpeakerRole(TimeStampedModel):
    """A position a speaker held over a span of time (Popolo Membership/Post)."""

    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="roles")
    title = models.CharField(max_length=200)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="roles",
        help_text="The organization the post belongs to.",
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    end_date_certainty = certainty_field("the end date")
    source_url = models.URLField(max_length=500, null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["speaker", "start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="%(app_label)s_%(class)s_end_after_start",
            ),
            models.UniqueConstraint(
                fields=["speaker", "title", "organization", "start_date"],
                name="%(app_label)s_%(class)s_unique_role",
            ),
        ]

    def __str__(self):
        return f"{self.title}, {self.organization}"

    def clean(self):
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError(
                {"end_date": "The end date is before the start date."}
            )


class Event(TimeStampedModel):
    """Something that happened where speech took place (Popolo Event)."""

    slug = models.SlugField(max_length=150, unique=True)
    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=32, choices=EventKind.choices)
    description = models.TextField(blank=True)
    certainty = certainty_field("this event's record (its name, date and place)")
    # db_default: rows written by COPY (demo data, bulk loads) leave them out.
    certainty_note = models.TextField(
        blank=True,
        db_default="",
        help_text="Why the record is less than certain, for readers.",
    )
    attendance = models.TextField(
        blank=True, db_default="", help_text="Who attended, as far as the sources say."
    )
    attendance_certainty = certainty_field("the attendance")
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    venue = models.CharField(max_length=200, null=True, blank=True)
    city = models.CharField(max_length=200, null=True, blank=True)
    country = models.CharField(
        max_length=2, null=True, blank=True, validators=[country_validator]
    )
    hosts = models.ManyToManyField(
        Organization,
        through="EventHost",
        blank=True,
        related_name="hosted_events",
        help_text="The organizations that hosted it, each with its role.",
    )
    source_urls = ArrayField(models.URLField(max_length=500), default=list, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    class Meta:
        ordering = ["start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="%(app_label)s_%(class)s_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(country__isnull=True) | Q(country__regex=r"^[A-Z]{2}$"),
                name="%(app_label)s_%(class)s_country_alpha2",
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("id")),
                name="%(app_label)s_%(class)s_not_own_parent",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("event-detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError(
                {"end_date": "The end date is before the start date."}
            )
        if has_ancestor_cycle(self):
            raise ValidationError({"parent": "An event cannot be its own ancestor."})


class EventHost(models.Model):
    """An event's link to an organization that hosted it, with its role."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="host_links"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="host_links"
    )
    role = models.CharField(max_length=16, choices=HostRole.choices)

    class Meta:
        ordering = ["event", "role", "organization"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "organization"],
                name="%(app_label)s_%(class)s_unique_host",
            ),
        ]

    def __str__(self):
        return f"{self.organization} ({self.get_role_display()})"


class Theme(TimeStampedModel):
    """A topic, in a tree: filtering by a theme includes its descendants."""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=F("id")),
                name="%(app_label)s_%(class)s_not_own_parent",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("theme-detail", kwargs={"slug": self.slug})

    def clean(self):
        if has_ancestor_cycle(self):
            raise ValidationError({"parent": "A theme cannot be its own ancestor."})


class StakeholderGroup(TimeStampedModel):
    """A group that speech is addressed to or about."""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=32, choices=StakeholderCategory.choices)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("stakeholder_group-detail", kwargs={"slug": self.slug})


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Statement(TimeStampedModel):
    """A source document that records speech, kept verbatim (Popolo Speech)."""

    slug = models.SlugField(max_length=150, unique=True)
    title = models.CharField(max_length=300)
    title_certainty = certainty_field("the title")
    title_note = models.TextField(
        blank=True,
        db_default="",
        help_text="Where the title comes from, when it is not certain.",
    )
    kind = models.CharField(max_length=32, choices=StatementKind.choices)
    publisher = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="published_statements",
        help_text="The organization that published it; null when unknown.",
    )
    source_url = models.URLField(max_length=500)
    published_on = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=35, validators=[language_validator])
    license = models.CharField(max_length=200)
    license_url = models.URLField(max_length=500, null=True, blank=True)
    provenance_note = models.TextField(blank=True)
    text = models.TextField()
    text_sha256 = models.CharField(max_length=64, editable=False)
    author_speaker = models.ForeignKey(
        Speaker,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="authored_statements",
        help_text="The author when a person wrote it (not the speaker it quotes).",
    )
    author_organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="authored_statements",
        help_text="The author when an organization wrote it (an editorial).",
    )
    event = models.ForeignKey(
        Event,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements",
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="statements")
    stakeholder_groups = models.ManyToManyField(
        StakeholderGroup, blank=True, related_name="statements"
    )
    # Written by database triggers only (statements.search): whatever a save
    # sends is replaced by the document of the row and the records it shows.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = [F("published_on").desc(nulls_last=True), "id"]
        indexes = [
            GinIndex(fields=["search_vector"], name="statement_search_gin"),
            # The default order of the list: without it every page sorts the table.
            models.Index(
                F("published_on").desc(nulls_last=True),
                "id",
                name="statement_order_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(text=""), name="%(app_label)s_%(class)s_text_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(text_sha256__regex=r"^[0-9a-f]{64}$"),
                name="%(app_label)s_%(class)s_sha256_format",
            ),
            models.CheckConstraint(
                condition=Q(author_speaker__isnull=True)
                | Q(author_organization__isnull=True),
                name="%(app_label)s_%(class)s_one_author",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, check_quotes: bool = True, **kwargs):
        """Save, refusing a text its quotes no longer match; `check_quotes=False`
        only where the caller re-anchors the quotes and checks them in the same
        transaction (statements.services.save_record)."""
        self.text_sha256 = text_sha256(self.text)
        if self.pk is not None and check_quotes:
            self.validate_quotes_against_text()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("statement-detail", kwargs={"slug": self.slug})

    # Set by a write that re-anchors the quotes to a new text in the same
    # transaction and checks them itself (statements.services.save_record).
    quotes_reanchored = False

    @property
    def author(self) -> "Speaker | Organization | None":
        """The author, a person or an organization; None when unknown."""
        return self.author_speaker or self.author_organization

    @property
    def author_type(self) -> str | None:
        if self.author_speaker_id:
            return AuthorType.SPEAKER
        if self.author_organization_id:
            return AuthorType.ORGANIZATION
        return None

    def clean(self):
        self.text_sha256 = text_sha256(self.text)
        if self.author_speaker_id and self.author_organization_id:
            raise ValidationError(
                {"author": "A statement has one author: a person or an organization."}
            )
        if self.pk is not None and not self.quotes_reanchored:
            self.validate_quotes_against_text()

    def validate_quotes_against_text(self):
        """Refuse a text change that would leave a quote on the wrong characters."""
        problems = []
        for quote in self.quotes.prefetch_related("spans"):
            spans = [(span.start, span.end) for span in quote.spans.all()]
            problems.extend(
                f"quote {quote.slug!r}: {message}"
                for message in quote_spans_problems(
                    self.text, spans, quote.fidelity, quote.text
                )
            )
            problems.extend(
                f"quote {quote.slug!r}: {message}"
                for messages in quote.attribution_problems(self.text).values()
                for message in messages
            )
        if problems:
            raise ValidationError(
                {"text": ["The new text no longer matches its quotes.", *problems]}
            )


def quote_anchor_problems(
    text: str, spans: list[tuple[int, int]], fidelity: str, quote_text: str
) -> dict[str, list[str]]:
    """Every way the spans fail to anchor the quote in `text`, by the field at
    fault: `spans` (outside the text, out of order) or `text` (not what the spans
    read, joined by SPAN_SEPARATOR, for direct and reported quotes). Empty when
    they hold."""
    if not spans:
        return {"spans": ["a quote needs at least one span"]}
    problems = []
    previous_end = None
    for index, (start, end) in enumerate(spans):
        if not (0 <= start < end <= len(text)):
            problems.append(
                f"span {index} [{start}, {end}) is outside 0 <= start < end <= "
                f"{len(text)}"
            )
        if previous_end is not None and start < previous_end:
            problems.append(
                f"span {index} starts at {start}, before the previous span ends "
                f"at {previous_end}; spans must be ordered and disjoint"
            )
        previous_end = end
    if problems:
        return {"spans": problems}
    joined = join_spans(text, spans)
    if fidelity in (Fidelity.DIRECT, Fidelity.REPORTED) and joined != quote_text:
        return {
            "text": [
                f"the spans read {joined[:80]!r}... but the quote text is "
                f"{quote_text[:80]!r}..."
                if len(joined) > 80
                else f"the spans read {joined!r} but the quote text is {quote_text!r}"
            ]
        }
    return {}


def quote_spans_problems(
    text: str, spans: list[tuple[int, int]], fidelity: str, quote_text: str
) -> list[str]:
    """quote_anchor_problems as one list of messages."""
    problems = quote_anchor_problems(text, spans, fidelity, quote_text)
    return [message for messages in problems.values() for message in messages]


class ConfirmedQuoteManager(models.Manager):
    """The public quotes: confirmed ones. Every public read starts here
    (`Quote.objects`); admin and imports use `Quote.all_objects`."""

    def get_queryset(self):
        return super().get_queryset().filter(status=QuoteStatus.CONFIRMED)


class Quote(TimeStampedModel):
    """A passage of speech attributed to a speaker, anchored in a statement."""

    slug = models.SlugField(max_length=150, unique=True)
    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="quotes"
    )
    speaker = models.ForeignKey(
        Speaker,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quotes",
        help_text="Who said it; unknown only while the quote is not confirmed.",
    )
    fidelity = models.CharField(max_length=16, choices=Fidelity.choices)
    text = models.TextField()
    status = models.CharField(
        max_length=16,
        choices=QuoteStatus.choices,
        default=QuoteStatus.CONFIRMED,
        # Also in the database, for rows written by COPY (demo data, bulk loads).
        db_default=QuoteStatus.CONFIRMED,
        help_text="Only confirmed quotes are public; the importer proposes quotes "
        "for an editor to confirm or reject.",
    )
    event = models.ForeignKey(
        Event,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quotes",
    )
    event_certainty = certainty_field("the event the words were said at")
    event_note = models.TextField(
        blank=True,
        db_default="",
        help_text="Why the event is less than certain, in words for readers.",
    )
    said_on = models.DateField(null=True, blank=True)
    said_on_certainty = certainty_field("said_on")
    as_delivered = models.TextField(null=True, blank=True)
    as_delivered_source_url = models.URLField(max_length=500, null=True, blank=True)
    alterations = models.JSONField(
        default=list,
        db_default=models.Value([], output_field=models.JSONField()),
        blank=True,
        help_text="The editorial alterations in the text, in order: "
        "{kind, start, end, delivered}, offsets in code points into the text, "
        "[start, end); delivered is what the speaker said there, null when "
        "unknown.",
    )
    attribution_text = models.TextField(
        null=True,
        blank=True,
        help_text="The words of attribution as printed (e.g. 'said Secretary "
        "Blinken'); null when the statement has none beside the quote.",
    )
    attribution_start = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="First code point of the attribution in the statement's text.",
    )
    attribution_end = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Code point after the attribution's last in the statement's text.",
    )
    position = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="The quote's order in its statement (1 for the first).",
    )
    provenance_note = models.TextField(blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="quotes")
    stakeholder_groups = models.ManyToManyField(
        StakeholderGroup,
        through="QuoteStakeholder",
        blank=True,
        related_name="quotes",
    )
    # Written by database triggers only (statements.search): whatever a save
    # sends is replaced by the document of the row and the records it shows.
    search_vector = SearchVectorField(null=True, editable=False)

    all_objects = models.Manager()
    objects = ConfirmedQuoteManager()

    class Meta:
        ordering = ["id"]
        # Admin, forms, cascades and `statement.quotes` see every quote.
        default_manager_name = "all_objects"
        indexes = [
            GinIndex(fields=["search_vector"], name="quote_search_gin"),
            models.Index(fields=["updated_at", "id"], name="quote_sync_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(text=""), name="%(app_label)s_%(class)s_text_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(status__in=QuoteStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status=QuoteStatus.CONFIRMED) | Q(speaker__isnull=False),
                name="%(app_label)s_%(class)s_confirmed_has_speaker",
            ),
            models.CheckConstraint(
                condition=Q(
                    attribution_text__isnull=True,
                    attribution_start__isnull=True,
                    attribution_end__isnull=True,
                )
                | Q(
                    attribution_text__isnull=False,
                    attribution_end__gt=F("attribution_start"),
                ),
                name="%(app_label)s_%(class)s_attribution_whole",
            ),
            models.CheckConstraint(
                condition=Q(position__isnull=True) | Q(position__gte=1),
                name="%(app_label)s_%(class)s_position_from_one",
            ),
        ]

    def __str__(self):
        return self.slug

    def get_absolute_url(self):
        return reverse("quote-detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.status == QuoteStatus.CONFIRMED and self.speaker_id is None:
            raise ValidationError(
                {"speaker": "A confirmed quote needs a speaker; choose one first."}
            )

    def clean_fields(self, exclude=None):
        """The fields' own checks, then the rules of the marks as printed: the
        alterations read what they say in the text, the attribution reads its
        span in the statement's text, positions count from 1. A field left out
        (a form without it) is not checked, as Django's own field checks."""
        if self.attribution_text == "":
            # A form's empty text box: no attribution.
            self.attribution_text = None
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        skip = set(exclude or ()) | set(errors)
        if "position" not in skip and self.position is not None and self.position < 1:
            errors["position"] = ["The first quote of a statement is at position 1."]
        if not {"alterations", "text"} & skip:
            problems = quote_alteration_problems(self.text, self.alterations)
            if problems:
                errors["alterations"] = problems
        attribution = ("attribution_text", "attribution_start", "attribution_end")
        if not set(attribution) & skip:
            errors.update(self.attribution_problems())
        if errors:
            raise ValidationError(errors)

    def attribution_problems(self, statement_text: str | None = None):
        """attribution_problems against `statement_text` (default: its own
        statement's text)."""
        if statement_text is None and self.statement_id:
            statement_text = self.statement.text
        return attribution_problems(
            statement_text,
            self.attribution_text,
            self.attribution_start,
            self.attribution_end,
        )

    # date, speaker_role and role_day state in Python the rules that
    # selectors.with_quote_context computes in SQL for the API: the model tests
    # hold the two to each other (tests/test_models.py, the oracle).
    @property
    def date(self) -> datetime.date | None:
        """When the words were said, as far as it is known."""
        event = self.event if self.event_id else None
        return quote_date(
            self.said_on,
            event.start_date if event else None,
            event.end_date if event else None,
        )

    @property
    def date_certainty(self) -> str | None:
        """How sure the date is: said_on's certainty, or the event's when the
        date is the event's day; None without a date."""
        event = self.event if self.event_id else None
        return quote_date_certainty(
            self.said_on,
            self.said_on_certainty,
            event.start_date if event else None,
            event.end_date if event else None,
            self.event_certainty,
        )

    @property
    def speaker_role(self):
        """The role the speaker held when the words were said (or published)."""
        return self.speaker.role_on(self.role_day) if self.speaker_id else None

    @property
    def role_day(self) -> datetime.date | None:
        event_start = self.event.start_date if self.event_id else None
        return self.date or event_start or self.statement.published_on


# What each kind of alteration reads in the quote's text.
ALTERATION_READS = {
    AlterationKind.ELLIPSIS: (
        re.compile(r"\.(?: ?\.){2}|\u2026"),
        'an ellipsis (". . .", "..." or "\u2026")',
    ),
    AlterationKind.INSERTION: (
        re.compile(r"\[(?!\s*sic\s*\])[^\[\]]+\]", re.IGNORECASE),
        'words in square brackets (e.g. "[and]")',
    ),
    AlterationKind.SIC: (re.compile(r"\[\s*sic\s*\]", re.IGNORECASE), '"[sic]"'),
    AlterationKind.EMPHASIS: (re.compile(r"\S(?:.*\S)?", re.DOTALL), "some words"),
}
ALTERATION_KEYS = ("kind", "start", "end", "delivered")


def quote_alteration_problems(text: str, alterations) -> list[str]:  # noqa: C901
    """Every way `alterations` fail to describe `text`: each is an object
    {kind, start, end, delivered} whose [start, end) lies inside the text, in
    order and apart from the others, and reads what its kind says (an ellipsis
    reads an ellipsis). Empty when they hold."""
    if not isinstance(alterations, list):
        return ["a list of alterations is expected"]
    problems = []
    previous_end = None
    for index, item in enumerate(alterations):
        where = f"alteration {index}"
        if not isinstance(item, dict) or set(item) != set(ALTERATION_KEYS):
            keys = ", ".join(ALTERATION_KEYS)
            problems.append(f"{where}: an object with keys {keys}")
            continue
        kind, start, end = item["kind"], item["start"], item["end"]
        if kind not in AlterationKind.values:
            problems.append(
                f"{where}: kind {kind!r} is not one of "
                f"{', '.join(AlterationKind.values)}"
            )
            continue
        if not (type(start) is int and type(end) is int):
            problems.append(f"{where}: start and end are whole numbers")
            continue
        if item["delivered"] is not None and not isinstance(item["delivered"], str):
            problems.append(f"{where}: delivered is a string or null")
        if not (0 <= start < end <= len(text)):
            problems.append(
                f"{where} [{start}, {end}) is outside the text: 0 <= start < end "
                f"<= {len(text)}"
            )
            continue
        if previous_end is not None and start < previous_end:
            problems.append(
                f"{where} starts at {start}, before the previous one ends at "
                f"{previous_end}; alterations are ordered and apart"
            )
        previous_end = end
        pattern, expected = ALTERATION_READS[kind]
        if not pattern.fullmatch(text[start:end]):
            problems.append(
                f"{where} ({kind}) reads {text[start:end]!r}, not {expected}"
            )
    return problems


def attribution_problems(
    statement_text: str | None, text: str | None, start: int | None, end: int | None
) -> dict[str, list[str]]:
    """Whether the attribution's words and span agree with the statement's text:
    all three or none of them, and the span reads the words. By field at fault."""
    given = {
        "attribution_text": text,
        "attribution_start": start,
        "attribution_end": end,
    }
    if all(value is None for value in given.values()):
        return {}
    missing = [name for name, value in given.items() if value is None]
    if missing:
        return {
            name: ["give the attribution's text, start and end together, or none"]
            for name in missing
        }
    if statement_text is None:
        return {}
    if not (0 <= start < end <= len(statement_text)):
        return {
            "attribution_end": [
                f"[{start}, {end}) is outside the statement's text: 0 <= start < "
                f"end <= {len(statement_text)}"
            ]
        }
    if statement_text[start:end] != text:
        return {
            "attribution_text": [
                f"the statement's text at [{start}, {end}) reads "
                f"{statement_text[start:end][:80]!r}, not {text[:80]!r}"
            ]
        }
    return {}


def role_on(roles, day: datetime.date | None):
    """The first of `roles` (with start_date/end_date) that covers `day`."""
    if day is None:
        return None
    for role in roles:
        if role.start_date <= day and (role.end_date is None or day <= role.end_date):
            return role
    return None


def quote_date(said_on, event_start, event_end) -> datetime.date | None:
    """The day words were said: said_on, else the day of a one-day event."""
    if said_on:
        return said_on
    if event_start is not None and event_start == event_end:
        return event_start
    return None


CITED_AS = {
    Fidelity.DIRECT: "Quoted in",
    Fidelity.REPORTED: "Reported in",
    Fidelity.PARAPHRASE: "Paraphrased in",
}


def _hedged(text: str, certainty: str | None, *, probable: str) -> str:
    """`text` as sure as its certainty: `probable` prefixed when probable."""
    return f"{probable}{text}" if certainty == Certainty.PROBABLE else text


def quote_date_certainty(
    said_on, said_on_certainty, event_start, event_end, event_certainty
) -> str | None:
    """The certainty of quote_date: said_on's, else the event's (a date taken
    from an event is as sure as the event); None when there is no date."""
    if said_on:
        return said_on_certainty
    if event_start is not None and event_start == event_end:
        return event_certainty
    return None


def format_citation(
    *,
    speaker_name: str,
    role: tuple[str, str] | None,
    fidelity: str,
    event_name: str | None,
    event_certainty: str | None = Certainty.CERTAIN,
    date: datetime.date | None,
    date_certainty: str | None = Certainty.CERTAIN,
    title: str,
    publisher: str | None,
    published_on: datetime.date | None,
    source_url: str,
    license: str,
    permalink: str,
) -> str:
    """A citation: who (role), where, when, then how the document gives the
    words: "Quoted in" a direct quotation, "Reported in" reported speech,
    "Paraphrased in" a paraphrase. A probable event or date says "probably";
    an unknown one is left out (the date as "date unknown")."""
    who = f"{speaker_name} ({role[0]}, {role[1]})" if role else speaker_name
    where = []
    if event_name and event_certainty != Certainty.UNKNOWN:
        where.append(_hedged(event_name, event_certainty, probable="probably at "))
    if date and date_certainty != Certainty.UNKNOWN:
        when = _hedged(date.isoformat(), date_certainty, probable="probably on ")
    else:
        when = "date unknown"
    published = published_on.isoformat() if published_on else "n.d."
    return (
        f"{', '.join([who, *where, when])}. "
        f"{CITED_AS[fidelity]} \u201c{title}\u201d, "
        f"{publisher or 'publisher unknown'}, "
        f"{published}, {source_url}. {license}. "
        f"Statements API: {permalink}"
    )


class QuoteSpan(models.Model):
    """One [start, end) piece of a quote's place in its statement's text."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="spans")
    position = models.PositiveSmallIntegerField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()

    class Meta:
        ordering = ["quote", "position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__gte=0) & Q(end__gt=F("start")),
                name="%(app_label)s_%(class)s_start_before_end",
            ),
            models.UniqueConstraint(
                fields=["quote", "position"],
                name="%(app_label)s_%(class)s_unique_position",
            ),
        ]

    def __str__(self):
        return f"[{self.start}, {self.end})"


class QuoteStakeholder(models.Model):
    """A quote's link to a stakeholder group, with the group's role in it."""

    quote = models.ForeignKey(
        Quote, on_delete=models.CASCADE, related_name="stakeholder_links"
    )
    group = models.ForeignKey(
        StakeholderGroup, on_delete=models.PROTECT, related_name="quote_links"
    )
    role = models.CharField(max_length=32, choices=StakeholderRole.choices)

    class Meta:
        ordering = ["quote", "group", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["quote", "group", "role"],
                name="%(app_label)s_%(class)s_unique_link",
            ),
        ]

    def __str__(self):
        return f"{self.group} ({self.get_role_display()})"
