"""The models of the app, one module per concern, re-exported here."""

from statements.models.access import PartnerKey, RateLimitCounter
from statements.models.changes import Change
from statements.models.imports import ArticleImport
from statements.models.speech import (
    SEARCH_CONFIG,
    SPAN_SEPARATOR,
    Event,
    Paragraph,
    Quote,
    QuoteSpan,
    QuoteStakeholder,
    Speaker,
    SpeakerRole,
    StakeholderGroup,
    Statement,
    Theme,
    TimeStampedModel,
    format_citation,
    quote_date,
    quote_spans_problems,
    role_on,
    split_paragraphs,
    text_sha256,
)

__all__ = [
    "ArticleImport",
    "SEARCH_CONFIG",
    "SPAN_SEPARATOR",
    "Change",
    "Event",
    "Paragraph",
    "PartnerKey",
    "Quote",
    "QuoteSpan",
    "QuoteStakeholder",
    "RateLimitCounter",
    "Speaker",
    "SpeakerRole",
    "StakeholderGroup",
    "Statement",
    "Theme",
    "TimeStampedModel",
    "format_citation",
    "quote_date",
    "quote_spans_problems",
    "role_on",
    "split_paragraphs",
    "text_sha256",
]
