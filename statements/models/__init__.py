"""The models of the app, one module per concern, re-exported here."""

from statements.models.changes import Change
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
    quote_spans_problems,
    split_paragraphs,
    text_sha256,
)

__all__ = [
    "SEARCH_CONFIG",
    "SPAN_SEPARATOR",
    "Change",
    "Event",
    "Paragraph",
    "Quote",
    "QuoteSpan",
    "QuoteStakeholder",
    "Speaker",
    "SpeakerRole",
    "StakeholderGroup",
    "Statement",
    "Theme",
    "TimeStampedModel",
    "quote_spans_problems",
    "split_paragraphs",
    "text_sha256",
]
