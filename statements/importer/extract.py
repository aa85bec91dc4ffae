"""Proposes the quotations of a news article: rule-based, deterministic, pure Python.

`extract_quotes(text, known_speakers)` reads the article's text (paragraphs are its
lines, `statements.text.split_paragraphs`) and returns `Proposal`s: spans as
`[start, end)` code-point offsets, the quote's text by the project's rule
(`statements.text.join_spans`), its fidelity, its speaker and its attribution.
The rules are listed in docs/importer.md; each is a named function below.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from statements.text import Paragraph, join_spans, split_paragraphs

DIRECT, REPORTED = "direct", "reported"

# Opening and closing double quotation marks; straight marks alternate.
OPENERS = {"\u201c": "\u201d", "\u201e": "\u201d", "\u00ab": "\u00bb", '"': '"'}
CLOSERS = {"\u201d", "\u00bb", '"'}


def vocabulary(words: str, *, fold: bool = False) -> frozenset[str]:
    """A set of words from a space-separated list."""
    return frozenset(w.lower() if fold else w for w in words.split())


SPEECH_VERBS = vocabulary(
    "said says say told tells added adds asked asks declared declares stated states "
    "explained explains noted notes warned warns insisted insists argued argues "
    "wrote writes continued continues replied replies responded responds recalled "
    "stressed stresses emphasised emphasized underlined reiterated concluded "
    "commented complained maintained urged acknowledged admitted announced "
    "announces claimed claims conceded countered cautioned observed remarked "
    "suggested tweeted posted predicted promised vowed pledged testified joked "
    "agreed affirmed confirmed denied disclosed revealed shouted whispered"
)
_VERB = "|".join(sorted(SPEECH_VERBS, key=len, reverse=True))

# Words that introduce a title of a work, a coined term or a name, not speech.
NOT_SPEECH_CUES = re.compile(
    r"(?:\b(?:titled|entitled|called|dubbed|named|nicknamed|headlined|"
    r"labell?ed|branded|billed\s+as|known\s+as|so-called|the\s+(?:word|words|"
    r"term|phrase|slogan|motto|hashtag|label|name)|termed|coined|"
    r"code-?named|a\s+(?:report|book|film|song|play|album|series|campaign|"
    r"programme|program|documentary|podcast|operation|initiative|plan))"
    r"\s*[,:]?\s*)$",
    re.IGNORECASE,
)

# Title words dropped from the front of a name ("Secretary of State Antony
# Blinken" -> "Antony Blinken") and the lowercase words that may sit between a
# title and a name ("White House press secretary Karine Jean-Pierre").
TITLE_WORDS = vocabulary(
    "Secretary State Homeland Security Defense Defence Treasury Foreign Home "
    "Interior Health Finance Justice Commerce Energy Education Labor Labour "
    "Agriculture Transportation Affairs General Attorney President Vice Prime "
    "Minister Ministers Premier Chancellor Senator Sen. Sens. Representative Rep. "
    "Reps. Congressman Congresswoman Governor Gov. Mayor Ambassador Envoy "
    "Special Director Deputy Chief Executive Officer Chair Chairman Chairwoman "
    "Chairperson Speaker Leader Majority Minority Spokesperson Spokesman "
    "Spokeswoman Press Commissioner High Judge King Queen Prince Princess Pope "
    "Cardinal Bishop Archbishop Rev. Reverend Dr. Dr Mr. Mr Mrs. Mrs Ms. Ms Miss "
    "Prof. Professor Sir Dame Lord Lady Gen. Lt. Lieutenant Col. Colonel Maj. "
    "Major Capt. Captain Sgt. Sergeant Adm. Admiral Cmdr. Commander Inspector "
    "Detective Superintendent Constable Dean Rabbi Imam Sheikh Emir Sultan Crown "
    "U.S. US UN U.N. EU E.U. UK U.K. British American French German European "
    "National Federal Former Acting Interim Assistant Under Undersecretary "
    "Managing Founder CEO President-elect Secretary-General Diplomat Top Senior "
    "Member MP MEP Lawmaker Councillor Councilor Councilman Councilwoman Sheriff "
    "Coach Manager Of The For And To On",
    fold=True,
)
LOWER_TITLE_WORDS = vocabulary(
    "of the for and to on press secretary spokesperson spokesman spokeswoman "
    "minister foreign prime deputy chief executive officer director president "
    "vice senator governor mayor ambassador envoy special adviser advisor "
    "commissioner leader chair chairman chairwoman head general attorney "
    "senior top official lawmaker member state national security homeland "
    "defense defence finance health interior affairs counsel economist analyst "
    "professor researcher lawyer lead campaign manager founder coach captain "
    "party opposition former acting"
)
PRONOUNS = vocabulary("he she they i we")
# "the minister said": a descriptor that refers back to the last speaker.
DESCRIPTOR_NOUNS = vocabulary(
    "minister secretary president senator governor mayor ambassador envoy official "
    "spokesperson spokesman spokeswoman diplomat leader chancellor premier "
    "commissioner chief director lawmaker chairman chairwoman chair judge general "
    "prosecutor officer"
)
NAME_PARTICLES = vocabulary("de da del der van von bin al la le")
ABBREVIATIONS = vocabulary(
    "Mr Mrs Ms Dr Prof Sen Sens Rep Reps Gov Gen Lt Col Maj Capt Sgt Adm Cmdr "
    "St Jr Sr Rev Hon Mt Ft No Nos vs etc Jan Feb Mar Apr Jun Jul Aug Sep Sept "
    "Oct Nov Dec Inc Corp Co Ltd Dept Univ est approx a.m p.m U.S U.K U.N E.U "
    "D.C Pres",
    fold=True,
)


@dataclass
class Alteration:
    """An editor's change inside a quotation: an ellipsis or a bracketed insertion."""

    kind: str  # "ellipsis", "insertion" or "sic"
    start: int
    end: int
    text: str

    def as_json(self) -> dict:
        return {"kind": self.kind, "span": [self.start, self.end], "text": self.text}


@dataclass
class Attribution:
    """Who the article says spoke, and where it says so."""

    rule: str
    start: int | None = None
    end: int | None = None
    text: str | None = None
    verb: str | None = None
    speaker_text: str | None = None

    def as_json(self) -> dict:
        return {
            "rule": self.rule,
            "text": self.text,
            "span": None if self.start is None else [self.start, self.end],
            "verb": self.verb,
            "speaker_text": self.speaker_text,
        }


@dataclass
class Speaker:
    """A proposed speaker: a known one (with its slug) or a new name (slug None)."""

    name: str
    slug: str | None = None

    def as_json(self) -> dict:
        return {"name": self.name, "slug": self.slug}


@dataclass
class Proposal:
    """One proposed quote."""

    spans: list[tuple[int, int]]
    text: str
    fidelity: str
    speaker: Speaker | None
    attribution: Attribution | None
    alterations: list[Alteration] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "spans": [[start, end] for start, end in self.spans],
            "text": self.text,
            "fidelity": self.fidelity,
            "speaker": self.speaker.as_json() if self.speaker else None,
            "attribution": self.attribution.as_json() if self.attribution else None,
            "alterations": [a.as_json() for a in self.alterations],
        }


@dataclass(frozen=True)
class KnownSpeaker:
    """A speaker already in the database: its names to match against."""

    slug: str
    name: str
    other_names: tuple[str, ...] = ()


# --- Sentences ------------------------------------------------------------------------


def sentence_bounds(paragraph: Paragraph) -> list[tuple[int, int]]:
    """[start, end) of each sentence of a paragraph, in text offsets.

    A sentence ends at . ? ! (and any closing marks after it) followed by a space
    and a capital, a digit or an opening mark, unless the word before the stop is
    a known abbreviation or a single initial.
    """
    text, base = paragraph.text, paragraph.start
    bounds, start = [], 0
    pattern = re.compile(
        r"[.?!\u2026]+[\"\u201d\u2019')\]]*(?=\s+[\"\u201c\u2018'(\[A-Z0-9])"
    )
    for match in pattern.finditer(text):
        before = text[start : match.start()].split()
        last = before[-1].lower().rstrip(".") if before else ""
        if match.group().startswith(".") and (
            last in ABBREVIATIONS or (len(last) == 1 and last.isalpha())
        ):
            continue
        end = match.end()
        bounds.append((base + start, base + end))
        start = end
        while start < len(text) and text[start].isspace():
            start += 1
    if start < len(text):
        bounds.append((base + start, base + len(text)))
    return bounds


# --- Quotation marks ------------------------------------------------------------------


@dataclass
class Segment:
    """The text strictly between a pair of quotation marks (or up to a paragraph's
    end, when the quotation goes on in the next paragraph)."""

    start: int
    end: int
    paragraph: int
    closed: bool  # False: no closing mark before the paragraph's end


def _is_opening_straight(text: str, index: int) -> bool:
    before = text[index - 1] if index else " "
    return before.isspace() or before in "([{\u2014\u2013-/"


def quote_segments(paragraphs: list[Paragraph], text: str) -> list[Segment]:
    """Every span of the text between double quotation marks, paragraph by paragraph.

    Curly marks say which way they face; a straight mark opens after a space or
    an opening bracket and closes otherwise. Single marks are apostrophes or
    quotations nested inside a double one: they never open a quotation. A
    quotation still open at the end of a paragraph ends there (news copy reopens
    it at the start of the next paragraph).
    """
    segments = []
    for paragraph in paragraphs:
        open_at = None
        for index in range(paragraph.start, paragraph.end):
            char = text[index]
            if open_at is None:
                if char in OPENERS and (
                    char != '"' or _is_opening_straight(text, index)
                ):
                    open_at = index + 1
            elif char in CLOSERS and not (
                char == '"' and _is_opening_straight(text, index)
            ):
                if index > open_at:
                    segments.append(Segment(open_at, index, paragraph.index, True))
                open_at = None
        if open_at is not None and open_at < paragraph.end:
            segments.append(
                Segment(open_at, paragraph.end, paragraph.index, closed=False)
            )
    return segments


# --- Names ----------------------------------------------------------------------------

_WORD = r"[A-Z\u00c0-\u00de][\w\u00c0-\u024f'’.\-]*"
_TOKEN = re.compile(r"[\w\u00c0-\u024f'’.\-]+|[,;:()\u2014\u2013]")


def _capitalised(word: str) -> bool:
    return bool(word) and (word[0].isupper() or word[0].isdigit() and False)


def clean_name(words: list[str]) -> str | None:
    """A person's name from capitalised words: title words dropped from the front,
    possessives and trailing dots (but not initials) dropped."""
    words = [w.rstrip(",") for w in words]
    while words and (
        words[0].lower() in TITLE_WORDS or words[0].lower() in LOWER_TITLE_WORDS
    ):
        words = words[1:]
    while words and words[-1].lower() in TITLE_WORDS | LOWER_TITLE_WORDS:
        words = words[:-1]
    if not words:
        return None
    last = words[-1]
    if last.endswith(("'s", "’s")):
        words[-1] = last[:-2]
    if words[-1].endswith(".") and len(words[-1]) > 2:
        words[-1] = words[-1][:-1]
    if not words[-1] or not words[-1][0].isupper():
        return None
    return " ".join(words)


def name_after(phrase: str) -> tuple[str | None, int]:
    """The name at the start of `phrase` (what follows "said" or "according to"),
    and how many characters of the phrase it takes.

    Capitalised runs joined by title words are read up to the first other
    lowercase word or punctuation; the last run is the name.
    """
    runs, current, consumed, end = [], [], 0, 0
    for match in _TOKEN.finditer(phrase):
        word = match.group()
        if word[0].isupper() or (
            current and word.lower() in NAME_PARTICLES | {"of"} and word.islower()
        ):
            current.append(word)
            end = match.end()
        elif word.lower() in LOWER_TITLE_WORDS or word in {"a", "an"}:
            if current:
                runs.append(current)
                current = []
        else:
            break
        consumed = end
        if word.endswith(("'s", "’s")):
            break
    if current:
        runs.append(current)
    if not runs:
        return None, 0
    return clean_name(runs[-1]), consumed


def name_before(phrase: str) -> str | None:
    """The name at the end of `phrase` (what comes before "said"), skipping an
    apposition between commas ("Blinken, the top U.S. diplomat, said")."""
    phrase = phrase.rstrip()
    apposition = re.search(r",\s*(?:the|a|an|who|whose|[a-z])[^,]*,\s*$", phrase)
    if apposition:
        phrase = phrase[: apposition.start()].rstrip()
    words = phrase.split()
    run = []
    for word in reversed(words):
        bare = word.strip("()\u2014\u2013")
        if bare != word and run:
            break
        if bare and (bare[0].isupper() or (run and bare in NAME_PARTICLES | {"of"})):
            run.insert(0, bare)
            if bare.endswith(","):
                break
        else:
            break
    if not run:
        return None
    if run[0].lower() in {"the", "a", "an"}:
        run = run[1:]
    return clean_name(run)


# --- Speakers -------------------------------------------------------------------------


def _fold(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^\w\s-]", "", stripped).casefold().strip()


def _surname(name: str) -> str:
    return _fold(name).split()[-1] if _fold(name) else ""


class SpeakerResolver:
    """Matches names against the known speakers and the people named so far in
    the article: "Blinken" after "Antony Blinken" is the same person."""

    def __init__(self, known: list[KnownSpeaker]):
        self.known = known
        self.people: list[Speaker] = []
        self.last: Speaker | None = None

    def _known(self, name: str) -> Speaker | None:
        folded = _fold(name)
        for speaker in self.known:
            names = (speaker.name, *speaker.other_names)
            if any(_fold(n) == folded for n in names):
                return Speaker(speaker.name, speaker.slug)
        if len(folded.split()) == 1:
            matches = {
                s.slug
                for s in self.known
                for n in (s.name, *s.other_names)
                if _surname(n) == folded
            }
            if len(matches) == 1:
                slug = matches.pop()
                found = next(s for s in self.known if s.slug == slug)
                return Speaker(found.name, found.slug)
        return None

    def resolve(self, name: str) -> Speaker:
        """The speaker that `name` names; remembered as the last speaker."""
        folded = _fold(name)
        speaker = None
        if len(folded.split()) == 1:
            for person in reversed(self.people):
                if _surname(person.name) == folded:
                    speaker = person
                    break
        if speaker is None:
            speaker = self._known(name)
        if speaker is None:
            speaker = Speaker(name)
        if all(p.name != speaker.name for p in self.people):
            self.people.append(speaker)
        self.last = speaker
        return speaker


# --- Attributions ---------------------------------------------------------------------

# ", said X" / ", X said" / "X told reporters" right after a closing mark.
_AFTER_VERB_FIRST = re.compile(
    rf"^[\s,\u2014\u2013-]*(?P<verb>{_VERB})\b(?:\s+(?:on|in|late|early)\s+\w+)?\s+"
    r"(?P<who>[^.;?!\u201c\"]*)",
    re.IGNORECASE,
)
_AFTER_NAME_FIRST = re.compile(
    rf"^[\s,\u2014\u2013-]*(?P<who>[^,.;?!\u201c\"]{{1,120}}?)"
    rf"(?:,[^,.;\u201c\"]{{1,100}},)?\s+(?P<verb>{_VERB})\b"
)
_BEFORE = re.compile(
    rf"(?P<who>[^.;?!\u201d\u201c\"]{{1,200}}?)\s+(?P<verb>{_VERB})\b"
    r"(?P<rest>[^.;?!\u201d\u201c\"]*?)\s*[:,]?\s*$"
)
_ACCORDING = re.compile(r"\baccording to\s+(?P<who>[^,.;?!\u201c\"]+)", re.IGNORECASE)


@dataclass
class Found:
    """A speaker named (or referred to) by an attribution, before resolution."""

    name: str | None
    pronoun: bool
    attribution: Attribution


def _who(who: str, start: int, verb: str, rule: str, span: tuple[int, int], text):
    """The speaker in an attribution's `who` text: a pronoun, a descriptor ("the
    minister") or a name."""
    words = who.strip(" ,").split()
    attribution = Attribution(
        rule, span[0], span[1], text[span[0] : span[1]], verb.lower(), who.strip(" ,")
    )
    if not words:
        return None
    first = words[0].lower()
    if first in PRONOUNS:
        return Found(None, True, attribution)
    if first == "the" and len(words) >= 2:
        nouns = [w.lower().strip(",") for w in words[1:3]]
        if any(n in DESCRIPTOR_NOUNS for n in nouns) and not any(
            w[0].isupper() for w in words[1:] if w
        ):
            return Found(None, True, attribution)
    return None


def attribution_after(text: str, start: int, limit: int) -> Found | None:
    """An attribution right after a closing mark: `", said X."`, `" X said.`"""
    tail = text[start:limit]
    match = _AFTER_VERB_FIRST.match(tail)
    if match:
        who = match.group("who")
        pronoun = _who(
            who, start, match.group("verb"), "verb_before_speaker", (0, 0), text
        )
        name, used = name_after(who)
        end = start + match.start("who") + (used or len(who.rstrip(" ,")))
        attribution = Attribution(
            "verb_before_speaker",
            start + len(tail) - len(tail.lstrip(" ,\u2014\u2013-")),
            end,
            None,
            match.group("verb").lower(),
        )
        attribution.text = text[attribution.start : attribution.end]
        if name:
            attribution.speaker_text = name
            return Found(name, False, attribution)
        if pronoun:
            pronoun.attribution = attribution
            return pronoun
        return None
    match = _AFTER_NAME_FIRST.match(tail)
    if match:
        who = match.group("who")
        lstart = start + len(tail) - len(tail.lstrip(" ,\u2014\u2013-"))
        attribution = Attribution(
            "speaker_before_verb",
            lstart,
            start + match.end("verb"),
            text[lstart : start + match.end("verb")],
            match.group("verb").lower(),
            who.strip(),
        )
        found = _who(who, lstart, match.group("verb"), "", (lstart, lstart), text)
        if found:
            found.attribution = attribution
            return found
        name = name_before(who)
        if name:
            attribution.speaker_text = name
            return Found(name, False, attribution)
    return None


def attribution_before(text: str, sentence_start: int, mark: int) -> Found | None:
    """An attribution in the sentence before an opening mark: `X said: "`,
    `X told reporters "`, `X said the plan was "`, `according to X, "`."""
    head = text[sentence_start:mark]
    match = _ACCORDING.search(head)
    if match:
        name, used = name_after(match.group("who"))
        if name:
            attribution = Attribution(
                "according_to",
                sentence_start + match.start(),
                sentence_start + match.start("who") + used,
                None,
                "according to",
                name,
            )
            attribution.text = text[attribution.start : attribution.end]
            return Found(name, False, attribution)
    match = _BEFORE.search(head)
    if match:
        who = match.group("who")
        verb_start = sentence_start + match.start("verb")
        who_start = sentence_start + match.start("who")
        found = _who(
            who,
            who_start,
            match.group("verb"),
            "speaker_before_verb",
            (who_start, sentence_start + match.end("verb")),
            text,
        )
        if found:
            return found
        name = name_before(who)
        if name:
            attribution = Attribution(
                "speaker_before_verb",
                verb_start - len(who) + len(who) - len(who.lstrip()),
                sentence_start + match.end("verb"),
                None,
                match.group("verb").lower(),
                name,
            )
            position = text.rfind(name.split()[0], sentence_start, verb_start)
            if position >= 0:
                attribution.start = position
            attribution.text = text[attribution.start : attribution.end]
            return Found(name, False, attribution)
    return None


# --- Classification -------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return re.findall(r"[\w\u00c0-\u024f'’-]+", text)


def _title_case(text: str) -> bool:
    words = _words(text)
    small = {"of", "the", "a", "an", "and", "in", "on", "for", "to", "at", "by"}
    return bool(words) and all(w[0].isupper() or w in small for w in words)


def is_full_quotation(text: str, segment: Segment) -> bool:
    """A quotation of a sentence or more: at least four words and ends in
    punctuation inside the marks (or runs on to the next paragraph)."""
    inner = text[segment.start : segment.end].rstrip()
    if len(_words(inner)) < 4:
        return False
    return not segment.closed or inner[-1:] in ".,?!:;\u2026-\u2014"


def not_speech_cue(text: str, paragraph_start: int, mark: int) -> bool:
    """Whether the words before an opening mark introduce a title, a term or a
    name ("a report titled", "the so-called", "known as")."""
    return bool(NOT_SPEECH_CUES.search(text[max(paragraph_start, mark - 60) : mark]))


# --- Alterations ----------------------------------------------------------------------

_ALTERATION = re.compile(r"\.\s\.\s\.(?:\s\.)?|\.{3,}|\u2026|\[[^\[\]]{1,80}\]")


def alterations(text: str, spans: list[tuple[int, int]]) -> list[Alteration]:
    """Ellipses (`...`, `. . .`, `…`) and bracketed insertions (`[and]`, `[sic]`)
    inside the spans, with their offsets in the article."""
    found = []
    for start, end in spans:
        for match in _ALTERATION.finditer(text, start, end):
            piece = match.group()
            if piece.startswith("["):
                kind = (
                    "sic" if piece.strip("[]").strip().lower() == "sic" else "insertion"
                )
            else:
                kind = "ellipsis"
            found.append(Alteration(kind, match.start(), match.end(), piece))
    return found


# --- Reported speech ------------------------------------------------------------------

_REPORTED_AFTER = re.compile(
    rf"^(?P<content>.{{20,}}),\s+(?P<attr>(?:(?P<verb1>{_VERB})\s+(?P<who1>.+?)|"
    r"(?P<who2>(?:[A-Z]|(?:he|she|they|the|a|an)\b)[^,]{0,80}?)"
    rf"(?:,[^,]{{1,100}},)?\s+(?P<verb2>{_VERB})"
    r"(?:\s+[^,]*)?|according\s+to\s+(?P<who3>.+?)))\s*[.!]?$",
)
_REPORTED_THAT = re.compile(
    rf"^(?P<head>.{{0,200}}?\b(?P<verb>{_VERB})\b[^.;\u201c\"]{{0,80}}?\s+that)\s+"
    r"(?P<content>.+?)\s*[.!]?$"
)
_REPORTED_ACCORDING = re.compile(
    r"^(?P<attr>According\s+to\s+(?P<who>[^,]+)),\s+(?P<content>.+?)\s*[.!]?$"
)


def reported_in_sentence(text: str, start: int, end: int) -> tuple | None:
    """(content start, content end, attribution start, attribution end, verb, who,
    rule) of reported speech in the sentence [start, end), if it has one."""
    sentence = text[start:end]
    match = _REPORTED_ACCORDING.match(sentence)
    if match:
        return (
            start + match.start("content"),
            start + match.end("content"),
            start + match.start("attr"),
            start + match.end("attr"),
            "according to",
            match.group("who"),
            "according_to",
        )
    match = _REPORTED_AFTER.match(sentence)
    if match:
        verb = match.group("verb1") or match.group("verb2") or "according to"
        who = match.group("who1") or match.group("who2") or match.group("who3")
        return (
            start + match.start("content"),
            start + match.end("content"),
            start + match.start("attr"),
            start + match.end("attr"),
            verb.lower(),
            who,
            "content_then_attribution",
        )
    match = _REPORTED_THAT.match(sentence)
    if match:
        return (
            start + match.start("content"),
            start + match.end("content"),
            start + match.start("head"),
            start + match.end("head"),
            match.group("verb").lower(),
            match.group("head")[: match.start("verb") - match.start("head")],
            "verb_that",
        )
    return None


def _reported_speaker(who: str, rule: str, verb: str) -> tuple[str | None, bool]:
    """(name, refers back) of the `who` of a reported-speech attribution."""
    words = who.strip().split()
    if not words:
        return None, False
    if words[0].lower() in PRONOUNS:
        return None, True
    if rule == "verb_that" or (rule == "content_then_attribution" and verb in who):
        pass
    if rule == "verb_that" or not who[:1].islower() and rule != "according_to":
        name = name_before(who) if rule == "verb_that" else None
        if name is None:
            name, _ = name_after(who)
        if name is None:
            name = name_before(who)
    else:
        name, _ = name_after(who)
    if (
        name is None
        and words[0].lower() == "the"
        and any(w.lower().strip(",") in DESCRIPTOR_NOUNS for w in words[1:3])
    ):
        return None, True
    return name, False


# --- The whole article ----------------------------------------------------------------


def _sentence_of(sentences, position: int) -> tuple[int, int]:
    for start, end in sentences:
        if start <= position < end or position == end:
            return start, end
    return sentences[-1]


def extract_quotes(text: str, known: list[KnownSpeaker] = ()) -> list[Proposal]:
    """The quotations of an article, in the order of the text."""
    paragraphs = split_paragraphs(text)
    resolver = SpeakerResolver(list(known))
    segments = quote_segments(paragraphs, text)
    by_paragraph: dict[int, list[Segment]] = {}
    for segment in segments:
        by_paragraph.setdefault(segment.paragraph, []).append(segment)

    proposals: list[Proposal] = []
    open_quote: Proposal | None = None  # a quotation running on into the next paragraph
    for paragraph in paragraphs:
        sentences = sentence_bounds(paragraph)
        mine = by_paragraph.get(paragraph.index, [])
        direct_ranges = []
        paragraph_items: list[tuple[int, Proposal]] = []
        previous: Proposal | None = None
        previous_segment: Segment | None = None
        pending = list(sentences)

        for number, segment in enumerate(mine):
            mark = segment.start - 1
            _flush_reported(text, pending, mark, mine, resolver, paragraph_items)
            sentence_start, sentence_end = _sentence_of(sentences, mark)
            next_mark = (
                mine[number + 1].start - 1 if number + 1 < len(mine) else paragraph.end
            )
            after_limit = min(next_mark, paragraph.end)
            continuing = (
                open_quote is not None
                and number == 0
                and text[paragraph.start : mark].strip() == ""
            )
            found_after = (
                attribution_after(text, segment.end + 1, after_limit)
                if segment.closed
                else None
            )
            before_start = max(
                sentence_start,
                previous_segment.end + 1 if previous_segment else paragraph.start,
            )
            found_before = attribution_before(text, before_start, mark)
            found = found_after or found_before
            full = is_full_quotation(text, segment)
            inner = text[segment.start : segment.end]
            cue = not_speech_cue(text, paragraph.start, mark)

            # A fragment that continues the sentence of the one before it, across
            # an attribution: one quotation in two spans.
            joins_previous = (
                previous is not None
                and previous_segment is not None
                and previous_segment.closed
                and inner[:1].islower()
                and text[previous_segment.end + 1 : mark].rstrip().endswith((",", ":"))
            )
            if joins_previous:
                previous.spans.append((segment.start, segment.end))
                direct_ranges.append((segment.start, segment.end))
                if found_after and previous.attribution is None:
                    previous.attribution = found_after.attribution
                previous_segment = segment
                if not segment.closed:
                    open_quote = previous
                continue

            if continuing and not segment.closed or (continuing and not found):
                proposal = open_quote
                proposal.spans.append((segment.start, segment.end))
                direct_ranges.append((segment.start, segment.end))
                previous, previous_segment = proposal, segment
                open_quote = proposal if not segment.closed else None
                continue
            open_quote = None

            if cue and not (found and full):
                previous_segment = segment
                continue
            speech = full or (found is not None and not _title_case(inner))
            if not speech:
                previous_segment = segment
                continue
            speaker, attribution = None, None
            if found is not None:
                attribution = found.attribution
                if found.pronoun:
                    speaker = resolver.last
                else:
                    speaker = resolver.resolve(found.name)
            elif previous is not None:
                speaker = previous.speaker
                attribution = Attribution("same_paragraph")
            elif resolver.last is not None and full:
                speaker = resolver.last
                attribution = Attribution("last_speaker")
            proposal = Proposal(
                [(segment.start, segment.end)], "", DIRECT, speaker, attribution
            )
            paragraph_items.append((segment.start, proposal))
            direct_ranges.append((segment.start, segment.end))
            previous, previous_segment = proposal, segment
            if not segment.closed:
                open_quote = proposal

        _flush_reported(text, pending, paragraph.end, mine, resolver, paragraph_items)
        paragraph_items.sort(key=lambda item: item[0])
        proposals.extend(proposal for _, proposal in paragraph_items)

    for proposal in proposals:
        proposal.text = join_spans(text, proposal.spans)
        if proposal.fidelity == DIRECT:
            proposal.alterations = alterations(text, proposal.spans)
    return proposals


def _flush_reported(text, pending, upto, segments, resolver, items) -> None:
    """Reads the sentences of `pending` that start before `upto` for reported
    speech, in the order of the text (so that the last speaker is the last one
    named before)."""
    while pending and pending[0][0] <= upto:
        sentence_start, sentence_end = pending.pop(0)
        proposal = _reported_proposal(
            text, sentence_start, sentence_end, segments, resolver
        )
        if proposal is not None:
            items.append((proposal.spans[0][0], proposal))


def _reported_proposal(
    text: str, start: int, end: int, segments: list[Segment], resolver
) -> Proposal | None:
    """The reported speech of the sentence [start, end), unless it holds a
    quotation mark (a direct quotation, or a title) or names no speaker."""
    if any(
        s - 1 < end and start < e + 1 for s, e in ((g.start, g.end) for g in segments)
    ):
        return None
    reported = reported_in_sentence(text, start, end)
    if reported is None:
        return None
    c_start, c_end, a_start, a_end, verb, who, rule = reported
    if len(_words(text[c_start:c_end])) < 4:
        return None
    name, refers_back = _reported_speaker(who, rule, verb)
    if name:
        speaker = resolver.resolve(name)
    elif refers_back and resolver.last is not None:
        speaker = resolver.last
    else:
        return None
    attribution = Attribution(
        rule, a_start, a_end, text[a_start:a_end], verb, who.strip()
    )
    return Proposal([(c_start, c_end)], "", REPORTED, speaker, attribution)
