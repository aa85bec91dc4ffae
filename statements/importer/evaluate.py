"""Measures the extraction on articles with hand-written expectations.

    python -m statements.importer.evaluate tests/importer/articles

Each article (`NAME.txt` or `NAME.html`) has `NAME.json`: the known speakers, the
expected quotes (each span written as its exact text, found in the article's text;
`speaker` a name or null, `slug` when the speaker is known) and the quoted
phrases that are not speech. Prints, per article and in total: direct-quote
precision and recall (a proposal matches when its spans are exactly the
expected ones), reported-speech recall (exact spans, and overlapping at least
half of the expected span), and the share of matched quotes whose speaker is
right.
"""

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from statements.importer.extract import (
    DIRECT,
    REPORTED,
    KnownSpeaker,
    Proposal,
    extract_quotes,
)
from statements.importer.html import read_html


@dataclass
class Expected:
    spans: list[tuple[int, int]]
    fidelity: str
    speaker: str | None
    slug: str | None
    limit: str | None
    alterations: list[str]


@dataclass
class Article:
    name: str
    text: str
    known: list[KnownSpeaker]
    expected: list[Expected]
    not_quotes: list[tuple[int, int]]


@dataclass
class Score:
    direct_proposed: int = 0
    direct_expected: int = 0
    direct_matched: int = 0
    reported_expected: int = 0
    reported_matched: int = 0
    reported_overlapping: int = 0
    matched: int = 0
    speaker_right: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: "Score") -> None:
        for name in self.__dataclass_fields__:
            if name != "misses":
                setattr(self, name, getattr(self, name) + getattr(other, name))
        self.misses += other.misses


def article_text(path: Path) -> str:
    content = path.read_bytes().decode("utf-8")
    return read_html(content).text if path.suffix == ".html" else content


def locate(text: str, piece: str, name: str) -> tuple[int, int]:
    """The only place of `piece` in `text` (an expectation must be unambiguous)."""
    start = text.find(piece)
    if start < 0 or text.find(piece, start + 1) >= 0:
        raise ValueError(f"{name}: {piece!r} is not found exactly once in the text")
    return start, start + len(piece)


def load_article(path: Path) -> Article:
    text = article_text(path)
    spec = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    for piece in spec.get("not_in_text", []):
        if piece in text:
            raise ValueError(f"{path.name}: {piece!r} should not be in the text")
    expected = [
        Expected(
            [locate(text, piece, path.name) for piece in quote["spans"]],
            quote["fidelity"],
            quote["speaker"],
            quote.get("slug"),
            quote.get("limit"),
            quote.get("alterations", []),
        )
        for quote in spec["quotes"]
    ]
    return Article(
        path.name,
        text,
        [
            KnownSpeaker(s["slug"], s["name"], tuple(s.get("other_names", ())))
            for s in spec.get("known_speakers", [])
        ],
        expected,
        [locate(text, piece, path.name) for piece in spec.get("not_quotes", [])],
    )


def load_articles(folder: Path) -> list[Article]:
    paths = sorted(p for p in folder.iterdir() if p.suffix in (".txt", ".html"))
    return [load_article(path) for path in paths]


def _overlap(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> int:
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def speaker_right(proposal: Proposal, expected: Expected) -> bool:
    if expected.speaker is None:
        return proposal.speaker is None
    if proposal.speaker is None or proposal.speaker.name != expected.speaker:
        return False
    return expected.slug is None or proposal.speaker.slug == expected.slug


def score(article: Article, proposals: list[Proposal]) -> Score:
    result = Score()
    direct = [p for p in proposals if p.fidelity == DIRECT]
    result.direct_proposed = len(direct)
    for expected in article.expected:
        same = [
            p
            for p in proposals
            if p.fidelity == expected.fidelity and p.spans == expected.spans
        ]
        if expected.fidelity == DIRECT:
            result.direct_expected += 1
        else:
            result.reported_expected += 1
            length = sum(e - s for s, e in expected.spans)
            if any(
                p.fidelity == REPORTED
                and 2 * _overlap(p.spans, expected.spans) >= length
                for p in proposals
            ):
                result.reported_overlapping += 1
        where = f"{article.name}: {article.text[expected.spans[0][0] :][:50]!r}"
        if not same:
            result.misses.append(f"missed {expected.fidelity} {where}")
            continue
        if expected.fidelity == DIRECT:
            result.direct_matched += 1
        else:
            result.reported_matched += 1
        result.matched += 1
        if speaker_right(same[0], expected):
            result.speaker_right += 1
        else:
            got = same[0].speaker.name if same[0].speaker else None
            result.misses.append(
                f"speaker {got!r} instead of {expected.speaker!r}: {where}"
            )
    expected_direct = [e.spans for e in article.expected if e.fidelity == DIRECT]
    for proposal in direct:
        if proposal.spans not in expected_direct:
            where = article.text[proposal.spans[0][0] :][:50]
            result.misses.append(f"extra direct {article.name}: {where!r}")
    return result


def _ratio(part: int, whole: int) -> str:
    return f"{part / whole:.2f}" if whole else "  - "


def table(articles: list[Article]) -> tuple[str, Score]:
    """The figures per article and in total, as a text table."""
    header = (
        f"{'article':32} {'direct P':>8} {'direct R':>8} {'reported R':>10} "
        f"{'rep. overlap R':>14} {'speaker':>8}"
    )
    lines = [header, "-" * len(header)]
    total = Score()
    rows = []
    for article in articles:
        result = score(article, extract_quotes(article.text, article.known))
        total.add(result)
        rows.append((article.name, result))
    for name, result in [*rows, ("TOTAL", total)]:
        lines.append(
            f"{name:32} "
            f"{_ratio(result.direct_matched, result.direct_proposed):>8} "
            f"{_ratio(result.direct_matched, result.direct_expected):>8} "
            f"{_ratio(result.reported_matched, result.reported_expected):>10} "
            f"{_ratio(result.reported_overlapping, result.reported_expected):>14} "
            f"{_ratio(result.speaker_right, result.matched):>8}"
        )
    lines.append(
        f"direct: {total.direct_matched} matched of {total.direct_proposed} proposed,"
        f" {total.direct_expected} expected; reported: {total.reported_matched} of "
        f"{total.reported_expected}; speakers right: {total.speaker_right} of "
        f"{total.matched} matched"
    )
    return "\n".join(lines), total


def main(argv: list[str]) -> int:
    folder = Path(argv[1] if len(argv) > 1 else "tests/importer/articles")
    text, total = table(load_articles(folder))
    print(text)
    for miss in total.misses:
        print(" ", miss)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
