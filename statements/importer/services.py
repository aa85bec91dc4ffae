"""Imports an article: its statement and its proposed quotes (the database side of
the importer; the extraction itself is `statements.importer.extract`)."""

import datetime
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from statements.choices import OrganizationClassification, QuoteStatus, StatementKind
from statements.importer.extract import KnownSpeaker, Proposal, extract_quotes
from statements.importer.html import looks_like_html, read_html
from statements.models import (
    SPAN_SEPARATOR,
    ArticleImport,
    Organization,
    Quote,
    Speaker,
    Statement,
    quote_spans_problems,
)
from statements.services import set_quote_spans

HTML, PLAIN = "text/html", "text/plain"


@dataclass
class Article:
    """An article to import: its text (what the quotes' offsets point into) and,
    for HTML, the original and what the page says of itself."""

    text: str
    original: str
    media_type: str
    title: str | None = None
    url: str | None = None
    publisher: str | None = None
    published: str | None = None
    language: str | None = None


def read_article(content: str, *, media_type: str | None = None) -> Article:
    """Plain text is kept as it is; HTML gives its article's text by the rule of
    `statements.importer.html`. Without a media type, a document that starts
    with a tag is HTML."""
    if media_type is None:
        media_type = HTML if looks_like_html(content) else PLAIN
    if media_type == PLAIN:
        return Article(text=content, original=content, media_type=PLAIN)
    page = read_html(content)
    return Article(
        text=page.text,
        original=content,
        media_type=HTML,
        title=page.title,
        url=page.url,
        publisher=page.publisher,
        published=page.published,
        language=page.language,
    )


def known_speakers() -> list[KnownSpeaker]:
    """Every speaker in the database with its other names, to match against."""
    return [
        KnownSpeaker(slug, name, tuple(other_names))
        for slug, name, other_names in Speaker.objects.order_by("id").values_list(
            "slug", "name", "other_names"
        )
    ]


def propose(article: Article) -> list[Proposal]:
    return extract_quotes(article.text, known_speakers())


def preview(article: Article) -> dict:
    """The dry run's JSON: `{"quotes": [...]}`; reads the speakers, writes
    nothing."""
    return {"quotes": [proposal.as_json() for proposal in propose(article)]}


def _unique_slug(model, base: str, *, max_length: int) -> str:
    base = (slugify(base) or model.__name__.lower())[: max_length - 8].strip("-")
    slug, number = base, 2
    manager = model._base_manager
    while manager.filter(slug=slug).exists():
        slug = f"{base}-{number}"
        number += 1
    return slug


def publisher_organization(name: str) -> Organization:
    """The organization a publisher's name (or slug) names; a new one, of
    classification `other`, when no organization has that name."""
    found = (
        Organization.objects.filter(slug=name).first()
        or Organization.objects.filter(name__iexact=name).order_by("id").first()
    )
    if found is not None:
        return found
    organization = Organization(
        slug=_unique_slug(Organization, name, max_length=100),
        name=name[:200],
        classification=OrganizationClassification.OTHER,
    )
    organization.full_clean()
    organization.save()
    return organization


def _date(value: str | None) -> datetime.date | None:
    """A date from an ISO 8601 date or date-time; None when there is none."""
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _speaker(proposal: Proposal, created: dict[str, Speaker]) -> Speaker | None:
    """The speaker of a proposal: a known one by slug, else a new speaker by that
    name (one per name and import)."""
    if proposal.speaker is None:
        return None
    if proposal.speaker.slug:
        return Speaker.objects.get(slug=proposal.speaker.slug)
    name = proposal.speaker.name
    if name not in created:
        speaker = Speaker(
            slug=_unique_slug(Speaker, name, max_length=100),
            name=name,
            sort_name=name,
            biography="",
        )
        speaker.full_clean()
        speaker.save()
        created[name] = speaker
    return created[name]


@dataclass
class ImportResult:
    statement: Statement
    quotes: list[Quote]
    new_speakers: list[Speaker]


@transaction.atomic
def import_article(
    *,
    article: Article,
    source_name: str,
    publisher: str | None,
    url: str | None,
    published_on: datetime.date | None,
    title: str | None,
    language: str | None,
    license: str,
) -> ImportResult:
    """Creates the statement (kept verbatim, its original beside it) and its
    proposed quotes, which are not public until an editor confirms them.

    The publisher, URL, date and title come from the arguments, else from what
    an HTML page says of itself; the title of a plain text without one is its
    file's name. A publisher or URL that neither gives is an error: the
    statement needs them and none is invented.
    """
    publisher = publisher or article.publisher
    url = url or article.url
    missing = [
        name for name, value in (("publisher", publisher), ("url", url)) if not value
    ]
    if missing:
        raise ValidationError(
            {name: f"Give the {name}: the article does not say it." for name in missing}
        )
    title = title or article.title or PurePath(source_name).stem.replace("-", " ")
    statement = Statement(
        slug=_unique_slug(Statement, title, max_length=150),
        title=title[:300],
        kind=StatementKind.ARTICLE,
        publisher=publisher_organization(publisher),
        source_url=url,
        published_on=published_on or _date(article.published),
        language=language or article.language or "en",
        license=license,
        provenance_note=(
            f"Imported from {source_name} ({article.media_type}) by import_article; "
            "its quotes were proposed by the importer's rules (docs/importer.md) "
            "for an editor to confirm."
        ),
        text=article.text,
    )
    statement.full_clean()
    statement.save()
    ArticleImport.objects.create(
        statement=statement,
        source_name=source_name[:300],
        media_type=article.media_type,
        original=article.original,
    )
    created: dict[str, Speaker] = {}
    quotes = []
    for number, proposal in enumerate(propose(article), start=1):
        problems = quote_spans_problems(
            statement.text, proposal.spans, proposal.fidelity, proposal.text
        )
        if problems:
            raise ValidationError({"spans": problems})
        quote = Quote(
            slug=f"{statement.slug[:140]}-q{number}",
            statement=statement,
            speaker=_speaker(proposal, created),
            fidelity=proposal.fidelity,
            text=proposal.text,
            status=QuoteStatus.PROPOSED,
            provenance_note=_provenance(proposal),
            position=number,
            alterations=quote_alterations(proposal),
            **attribution_values(proposal, statement.text),
        )
        quote.full_clean()
        quote.save()
        set_quote_spans(quote=quote, spans=proposal.spans)
        quotes.append(quote)
    return ImportResult(statement, quotes, list(created.values()))


def quote_alterations(proposal: Proposal) -> list[dict]:
    """The proposal's alterations as Quote.alterations holds them: offsets into
    the quote's text (its spans joined by SPAN_SEPARATOR), not the article's;
    what was delivered in their place is unknown to the importer (null)."""
    found = []
    for alteration in proposal.alterations:
        offset = 0
        for start, end in proposal.spans:
            if start <= alteration.start and alteration.end <= end:
                found.append(
                    {
                        "kind": alteration.kind,
                        "start": offset + alteration.start - start,
                        "end": offset + alteration.end - start,
                        "delivered": None,
                    }
                )
                break
            offset += end - start + len(SPAN_SEPARATOR)
    return found


def attribution_values(proposal: Proposal, text: str) -> dict:
    """The proposal's attribution as printed, with its span in the article
    `text`; all None when it has none that reads there."""
    attribution = proposal.attribution
    if (
        attribution is None
        or attribution.start is None
        or not attribution.text
        or text[attribution.start : attribution.end] != attribution.text
    ):
        return dict.fromkeys(
            ("attribution_text", "attribution_start", "attribution_end")
        )
    return {
        "attribution_text": attribution.text,
        "attribution_start": attribution.start,
        "attribution_end": attribution.end,
    }


def _provenance(proposal: Proposal) -> str:
    attribution = proposal.attribution
    if attribution is None:
        return "Proposed by the importer; the article names no speaker beside it."
    said = f' ("{attribution.text}")' if attribution.text else ""
    return f"Proposed by the importer, rule {attribution.rule}{said}."
