"""Rules about a statement's text that need no database: paragraphs and spans.

Pure Python (no Django), so that the importer's extraction engine
(`statements.importer`) and the models share one rule.
"""

from collections.abc import Iterable
from dataclasses import dataclass

# The text of a quote of several spans is its spans joined by this separator.
SPAN_SEPARATOR = " "


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of a statement's text, with its offsets."""

    index: int
    start: int
    end: int
    text: str


def split_paragraphs(text: str) -> list[Paragraph]:
    """Paragraphs are the lines of the text; empty lines are not paragraphs."""
    paragraphs = []
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            paragraphs.append(
                Paragraph(len(paragraphs), offset, offset + len(line), line)
            )
        offset += len(line) + 1
    return paragraphs


def join_spans(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """The text of a direct or reported quote: its spans' characters, joined."""
    return SPAN_SEPARATOR.join(text[start:end] for start, end in spans)
