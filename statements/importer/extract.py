"""Proposes the quotations of a news article: rule-based, deterministic, pure Python.

`extract_quotes(text, known_speakers)` reads the article's text (paragraphs are its
lines, `statements.text.split_paragraphs`) and returns `Proposal`s: spans as
`[start, end)` code-point offsets, the quote's text by the project's rule
(`statements.text.join_spans`), its fidelity, its speaker and its attribution.
The rules are listed in docs/importer.md; each is a named function below.
"""

import bisect
import re
import unicodedata
from collections import deque
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
    "agreed disagreed affirmed confirmed denied disclosed revealed shouted "
    "whispered called calls described describes"
)
_VERB = "|".join(sorted(SPEECH_VERBS, key=len, reverse=True))

# Words that introduce a title of a work, a coined term or a name, not speech.
NOT_SPEECH_CUES = re.compile(
    r"\b(?:titled|entitled|call|calls|called|calling|dubbed|named|nicknamed|"
    r"headlined|labell?ed|branded|billed\s+as|known\s+as|so-called|termed|coined|"
    r"code-?named|singing|sang|sings|performed|read|reads|spelled|spelling|"
    r"the\s+(?:word|words|term|phrase|slogan|motto|hashtag|label|name|title|"
    r"headline|banner|sign|caption|film|book|song|play|album|series|show|novel|"
    r"musical|opera|poem|programme|program|documentary|podcast|report|campaign|"
    r"operation|initiative|exhibition|painting|brand|app|game|magazine|newspaper))"
    r"(?:\s+(?:the|a|an|its|their|his|her|our|this|that|what\s+\w+\s+\w+))?"
    r"\s*[,:]?\s*$",
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
    "Coach Manager Alderman Alderwoman Trade Economy Industry Environment Climate "
    "Culture Transport Housing Immigration Development Digital Science Research "
    "Technology Work Works Pensions Veterans Justice Mr. Alder Commander-in-Chief "
    "Of The For And To On",
    fold=True,
)
LOWER_TITLE_WORDS = vocabulary(
    "of the press secretary spokesperson spokesman spokeswoman "
    "minister foreign prime deputy chief executive officer director president "
    "vice senator governor mayor ambassador envoy special adviser advisor "
    "commissioner leader chair chairman chairwoman head general attorney "
    "senior top official lawmaker member state national security homeland "
    "defense defence finance health interior affairs counsel economist analyst "
    "professor researcher lawyer lead campaign manager founder coach captain "
    "party opposition former acting ministry department agency government "
    "company group office council"
)
PRONOUNS = vocabulary("he she they i we")
# "the minister said": a descriptor that refers back to the last speaker.
DESCRIPTOR_NOUNS = vocabulary(
    "minister secretary president senator governor mayor ambassador envoy official "
    "spokesperson spokesman spokeswoman diplomat leader chancellor premier "
    "commissioner chief director lawmaker chairman chairwoman chair judge general "
    "prosecutor officer"
)
NAME_PARTICLES = vocabulary("de da del der van von bin al la le du dos ter")
# Lowercase words that join an organisation's name ("Department of Health and
# Social Care") or a person's ("Secretary of State").
CONNECTORS = vocabulary("of and for")
# The last word (or the first) of an organisation's name: kept whole, no title
# is taken off it.
ORGANISATION_WORDS = vocabulary(
    "Department Ministry Office Agency Bank Council Commission Committee Party "
    "Union League Federation Association Organization Organisation Institute "
    "University College School Court Service Services Authority Board Centre "
    "Center Group Trust Fund Foundation Company Corporation Inc Ltd Network "
    "Society Alliance Coalition Movement Front Police Army Navy Force Forces "
    "Government Administration Parliament Congress Senate Assembly Cabinet "
    "House Kremlin Palace Ministry Secretariat Programme Program Mission "
    "Times Post News Press Journal Agency Reuters Council",
    fold=True,
)
# Capitalised words that are never part of a speaker's name.
NOT_NAMES = vocabulary(
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February "
    "March April May June July August September October November December "
    "Today Yesterday Tomorrow",
    fold=True,
)
# "WASHINGTON (AP) — ", "LONDON, March 3 (Reuters) - ": a dateline, not a subject.
DATELINE = re.compile(
    r"^[A-Z][A-Z .,'’\-]+(?:,\s*[A-Z][a-z]+\.?\s+\d{1,2})?(?:\s*\([^)]*\))?"
    r"\s*[\u2014\u2013-]+\s*"
)
# Words between a subject and its verb: "Pritchard has warned", "he later said".
AUXILIARIES = vocabulary(
    "has have had will would also later then again previously once further "
    "repeatedly recently earlier publicly privately separately had"
)
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
    visible = len(text.rstrip())
    if start < visible:
        bounds.append((base + start, base + visible))
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
        # Up to the paragraph's last visible character (a CRLF file's line ends
        # in "\r").
        end = paragraph.start + len(paragraph.text.rstrip())
        if open_at is not None and open_at < end:
            segments.append(Segment(open_at, end, paragraph.index, closed=False))
    return segments


# --- Names ----------------------------------------------------------------------------

_TOKEN = re.compile(r"[\w\u00c0-\u024f'’.\-]+|[^\w\s]")
_POSSESSIVE = ("'s", "’s")
_DETERMINERS = frozenset({"the", "a", "an"})


def _is_capitalised(word: str) -> bool:
    return bool(word) and word[0].isupper()


def clean_name(words: list[str]) -> str | None:
    """A speaker's name from a run of words.

    A word ending in 's belongs to what precedes the name ("Kenya's Foreign
    Minister ..."). An organisation (its first or last word is one of
    ORGANISATION_WORDS) is kept whole; otherwise the words up to the last title
    word are dropped ("Secretary of State Antony Blinken" -> "Antony Blinken").
    """
    words = [w.strip(",;:()") for w in words]
    words = [w for w in words if w]
    for index in range(len(words) - 1, -1, -1):
        if words[index].endswith(_POSSESSIVE) and index < len(words) - 1:
            words = words[index + 1 :]
            break
    while words and (words[0].lower() in _DETERMINERS | CONNECTORS):
        words = words[1:]
    while words and words[-1].lower() in CONNECTORS | NAME_PARTICLES:
        words = words[:-1]
    if not words:
        return None
    if words[-1].endswith(_POSSESSIVE):
        words[-1] = words[-1][:-2]
    if words[-1].endswith(".") and len(words[-1]) > 2 and words[-1].count(".") == 1:
        words[-1] = words[-1][:-1]
    organisation = (
        words[0].lower() in ORGANISATION_WORDS
        or words[-1].lower() in ORGANISATION_WORDS
    )
    if not organisation:
        titles = [
            i
            for i, word in enumerate(words[:-1])
            if word.lower() in TITLE_WORDS or word.lower() in LOWER_TITLE_WORDS
        ]
        if titles:
            words = words[titles[-1] + 1 :]
    if not words or not _is_capitalised(words[-1]):
        return None
    return " ".join(words)


def name_after(phrase: str) -> tuple[str | None, int]:
    """The name at the start of `phrase` (what follows "said" or "according to"),
    and how many characters of the phrase it takes.

    Capitalised runs joined by title words ("White House press secretary Karine
    Jean-Pierre") are read up to the first other word or punctuation; the last
    run is the name.
    """
    runs: list[list[str]] = []
    current: list[str] = []
    consumed = 0
    tokens = list(_TOKEN.finditer(phrase))
    for number, match in enumerate(tokens):
        word = match.group()
        following = tokens[number + 1].group() if number + 1 < len(tokens) else ""
        lower = word.lower()
        if lower in NOT_NAMES:
            break
        joins = lower in NAME_PARTICLES or (current and lower in CONNECTORS)
        following_joins = _is_capitalised(following) or following in NAME_PARTICLES
        if _is_capitalised(word) or (joins and following_joins):
            current.append(word)
        elif lower in LOWER_TITLE_WORDS or lower in _DETERMINERS:
            if current:
                runs.append(current)
                current = []
            continue
        else:
            break
        consumed = match.end()
    if current:
        runs.append(current)
    if not runs:
        return None, 0
    return clean_name(runs[-1]), consumed


_APPOSITION = re.compile(
    r",\s*(?:the|a|an|who|whose|which|then|now|former|[a-z\d])[^,]*,\s*$"
)


def name_before(phrase: str) -> str | None:
    """The name at the end of `phrase` (what comes before "said"), skipping
    auxiliaries ("has warned") and an apposition between commas ("Blinken, the
    top U.S. diplomat, said")."""
    words = phrase.split()
    while words and words[-1].lower().strip(",") in AUXILIARIES:
        words.pop()
    phrase = " ".join(words)
    apposition = _APPOSITION.search(phrase if phrase.endswith(",") else phrase + ",")
    if apposition:
        phrase = phrase[: apposition.start()]
    words = phrase.strip().rstrip(",").split()
    run: list[str] = []
    for word in reversed(words):
        if run and word.endswith((",", ";", ":")):
            break
        bare = word.strip('(),;:\u2014\u2013"\u201c\u201d')
        if not bare or bare.lower() in NOT_NAMES:
            break
        if _is_capitalised(bare) or (
            run and bare.lower() in NAME_PARTICLES | CONNECTORS
        ):
            run.insert(0, bare)
        else:
            break
        if bare != word.rstrip(","):
            break
    return clean_name(run) if run else None


_MENTION = re.compile(
    r"(?<![\w'’])(?:[A-Z][\w'’\-]+|[A-Z]\.)"
    r"(?:\s+(?:(?:de|da|del|der|van|von|bin|al|la|le|du)\s+)*(?:[A-Z][\w'’\-]+|[A-Z]\.)){1,5}"
)


def person_mentions(text: str) -> list[tuple[int, str]]:
    """The people the article names in full (two or more words, not an
    organisation), with where: "Blinken" later on is one of them, and "he" may
    be the last one named."""
    people = []
    for match in _MENTION.finditer(text):
        name = clean_name(match.group().split())
        words = name.split() if name else []
        folded = {w.lower() for w in words}
        if (
            2 <= len(words) <= 4
            and not folded & ORGANISATION_WORDS
            and not folded & NOT_NAMES
        ):
            people.append((match.start(), name))
    return people


# --- Speakers -------------------------------------------------------------------------


def _fold(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s-]", "", stripped).casefold().split())


def _ends_with(full: str, part: str) -> bool:
    """Whether the name `part` is the end of the name `full` ("von der Leyen",
    "Blinken" of "Antony Blinken")."""
    full_words, part_words = _fold(full).split(), _fold(part).split()
    return bool(part_words) and full_words[-len(part_words) :] == part_words


def _has_word(full: str, part: str) -> bool:
    """Whether the one-word name `part` is a word of `full` ("Lin" of "Lin
    Jian", where the family name comes first)."""
    words = _fold(full).split()
    return len(words) <= 3 and _fold(part) in (words[0], words[-1])


class SpeakerResolver:
    """Matches names against the known speakers and the people of the article:
    "Blinken" after "Antony Blinken" is the same person. Remembers the last
    speaker, whom pronouns and continuing paragraphs refer to."""

    def __init__(self, known: list[KnownSpeaker], mentions: list[tuple[int, str]]):
        self.known = known
        self.mentioned = mentions
        self.mentions = list(dict.fromkeys(name for _, name in mentions))
        self.people: list[Speaker] = []
        self.last: Speaker | None = None

    def _known(self, name: str) -> Speaker | None:
        folded = _fold(name)
        for speaker in self.known:
            if any(_fold(n) == folded for n in (speaker.name, *speaker.other_names)):
                return Speaker(speaker.name, speaker.slug)
        matches = [
            s
            for s in self.known
            if any(_ends_with(n, name) for n in (s.name, *s.other_names))
        ]
        if len({s.slug for s in matches}) == 1:
            return Speaker(matches[0].name, matches[0].slug)
        return None

    def find(self, name: str, *, create: str = "multiword") -> Speaker | None:
        """The speaker `name` names, without remembering it.

        A name nobody has is a new speaker when `create` is "always"; with
        "multiword" (a name that starts its sentence) a single word is None, as
        it may be a capitalised common noun ("Officials"); with "never", None.
        """
        speaker = self._known(name)
        single = len(name.split()) == 1
        for matches in (_ends_with, _has_word) if single else (_ends_with,):
            if speaker is not None:
                break
            for person in reversed(self.people):
                if matches(person.name, name):
                    speaker = person
                    break
            if speaker is None:
                for mention in self.mentions:
                    if matches(mention, name):
                        speaker = self._known(mention) or Speaker(mention)
                        break
        if speaker is None:
            if create == "never" or (
                create == "multiword"
                and single
                and name.lower() not in ORGANISATION_WORDS
            ):
                return None
            speaker = Speaker(name)
        return speaker

    def named_before(self, position: int) -> Speaker | None:
        """The last person named before `position` (for a pronoun when no one
        has spoken yet)."""
        names = [name for start, name in self.mentioned if start < position]
        return self.resolve(names[-1]) if names else None

    def resolve(self, name: str | None, *, create: str = "multiword") -> Speaker | None:
        """`find`, remembered as the last speaker."""
        speaker = self.find(name, create=create) if name else None
        if speaker is not None:
            if all(p.name != speaker.name for p in self.people):
                self.people.append(speaker)
            self.last = speaker
        return speaker


# --- Attributions ---------------------------------------------------------------------

_DASHES = " ,\u2014\u2013-"
# ", said X" right after a closing mark.
_AFTER_VERB_FIRST = re.compile(
    rf"^[\s,\u2014\u2013-]*(?P<verb>{_VERB})\b"
    r"(?:\s+(?:on|in|late|early|last)\s+\w+|\s+\w+day)?\s+"
    r"(?P<who>[^.;?!\u201c\"]*)",
    re.IGNORECASE,
)
# ", X said" / " X told reporters" right after a closing mark.
_AFTER_NAME_FIRST = re.compile(
    r"^[\s,\u2014\u2013-]*(?!(?:and|but|or|while|as|because|which|who|so)\b)"
    rf"(?P<who>[^\s,.;?!\u201c\"][^.;?!\u201c\"]{{0,159}}?)\s+(?P<verb>{_VERB})\b"
)
# "X said: " / "X told reporters " / "X said the plan was " before an opening mark.
_BEFORE = re.compile(
    rf"(?P<who>[^.;?!\u201d\u201c\"]{{0,200}})(?<!\bwas)(?<!\bwere)(?<!\bbeen)"
    rf"(?<!\bbeing)(?<!\bis)(?<!\bare)\s+(?P<verb>{_VERB})\b"
    r"(?P<rest>[^.;?!\u201d\u201c\"]*?)\s*[:,]?\s*$"
)
# Verbs after which a partial quotation is speech: "X said the plan was "...""
PARTIAL_VERBS = vocabulary(
    "said says say told tells added adds warned warns argued argues insisted "
    "insists described describes urged urges stressed stresses wrote writes "
    "promised vowed pledged predicted claimed claims accused accuses called calls "
    "declared declares stated states complained complains"
)
CHARACTERISING_VERBS = vocabulary("called calls described describes")
_NEGATED = re.compile(r"\b(?:not|never|n't|no longer)\s*$", re.IGNORECASE)
_ACCORDING = re.compile(r"\baccording to\s+(?P<who>[^,.;?!\u201c\"]+)", re.IGNORECASE)


@dataclass
class Found:
    """What an attribution says of the speaker, before resolution: a name, a
    reference back (a pronoun, "the minister"), or neither ("a spokesperson")."""

    name: str | None
    refers_back: bool
    attribution: Attribution
    # The name starts its sentence: a single word may be a common noun.
    initial: bool = False


def refers_back(who: str) -> bool:
    """A pronoun or a descriptor with the definite article ("the minister")."""
    words = [w.lower().strip(",") for w in who.split()]
    if not words:
        return False
    if words[0] in PRONOUNS:
        return True
    return (
        words[0] == "the"
        and len(words) <= 4
        and any(w in DESCRIPTOR_NOUNS for w in words[1:])
        and not any(_is_capitalised(w) for w in who.split()[1:])
    )


def _found(who: str, name: str | None, attribution: Attribution) -> Found:
    if refers_back(who):
        return Found(None, True, attribution)
    attribution.speaker_text = name or who.strip(_DASHES) or None
    return Found(name, False, attribution)


def attribution_after(text: str, start: int, limit: int) -> Found | None:
    """An attribution right after a closing mark: `", said X."`, `" X said.`"""
    tail = text[start:limit]
    lead = start + len(tail) - len(tail.lstrip(_DASHES))
    match = _AFTER_VERB_FIRST.match(tail)
    if match:
        who = match.group("who")
        name, used = name_after(who)
        end = start + match.start("who") + (used or len(who.rstrip(_DASHES)))
        if not name and refers_back(who):
            end = start + match.start("who") + len(who.split()[0])
        attribution = Attribution(
            "verb_then_speaker", lead, end, text[lead:end], match.group("verb").lower()
        )
        return _found(who, name, attribution)
    match = _AFTER_NAME_FIRST.match(tail)
    if match:
        who = match.group("who")
        end = start + match.end("verb")
        attribution = Attribution(
            "speaker_then_verb", lead, end, text[lead:end], match.group("verb").lower()
        )
        return _found(who, name_before(who), attribution)
    return None


def attribution_before(text: str, head_start: int, mark: int) -> Found | None:
    """An attribution in the sentence before an opening mark: `X said: "`,
    `X told reporters "`, `X said the plan was "`, `according to X, "`."""
    head = text[head_start:mark]
    match = _ACCORDING.search(head)
    if match:
        name, used = name_after(match.group("who"))
        start = head_start + match.start()
        end = head_start + match.start("who") + (used or len(match.group("who")))
        attribution = Attribution(
            "according_to", start, end, text[start:end], "according to"
        )
        return _found(match.group("who"), name, attribution)
    match = _BEFORE.search(head)
    if match:
        who = match.group("who")
        if _NEGATED.search(who):
            return None
        start = head_start + match.start("who") + len(who) - len(who.lstrip())
        end = head_start + match.end("verb")
        attribution = Attribution(
            "speaker_then_verb",
            start,
            end,
            text[start:end],
            match.group("verb").lower(),
        )
        found = _found(who, name_before(who), attribution)
        found.initial = bool(found.name) and who.strip().startswith(found.name)
        return found
    return None


# --- Classification -------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return re.findall(r"[\w\u00c0-\u024f'’-]+", text)


_SMALL_WORDS = frozenset({"of", "the", "a", "an", "and", "in", "on", "for", "to", "at"})


def title_case(text: str) -> bool:
    """Every word capitalised but the small ones: a title or a name, not speech."""
    words = _words(text)
    return bool(words) and all(w[0].isupper() or w in _SMALL_WORDS for w in words)


def is_full_quotation(text: str, segment: Segment) -> bool:
    """A quotation of a sentence or more, which needs no attribution beside it to
    be speech: it starts with a capital (a lowercase start is a partial quote),
    and has at least four words ending in punctuation inside the marks, or is a
    short sentence ("We missed you."), or runs on to the next paragraph."""
    inner = text[segment.start : segment.end].strip()
    words = _words(inner)
    if not inner or inner[0].islower() or not words:
        return False
    if not segment.closed:
        return len(words) >= 2
    last = inner[-1]
    if len(words) >= 4 and last in ".,?!:;\u2026-\u2014":
        return True
    return len(words) >= 2 and last in ".?!" and not title_case(inner)


def not_speech_cue(text: str, paragraph_start: int, mark: int) -> bool:
    """Whether the words before an opening mark introduce a title, a term or a
    name ("a report titled", "the so-called", "known as", "what they call")."""
    return bool(NOT_SPEECH_CUES.search(text[max(paragraph_start, mark - 60) : mark]))


# --- Alterations ----------------------------------------------------------------------

_ALTERATION = re.compile(r"\.(?:\s\.){2,3}|\.{3,}|\u2026|\[[^\[\]]{1,80}\]")


def alterations(text: str, spans: list[tuple[int, int]]) -> list[Alteration]:
    """Ellipses (`...`, `. . .`, `…`) and bracketed insertions (`[and]`, `[sic]`)
    inside the spans, with their offsets in the article."""
    found = []
    for start, end in spans:
        for match in _ALTERATION.finditer(text, start, end):
            piece = match.group()
            if piece.startswith("["):
                sic = piece.strip("[]").strip().lower() == "sic"
                kind = "sic" if sic else "insertion"
            else:
                kind = "ellipsis"
            found.append(Alteration(kind, match.start(), match.end(), piece))
    return found


# --- Reported speech ------------------------------------------------------------------

_END = r"\s*[.!]?[)\]]?$"
_REPORTED_ACCORDING = re.compile(
    r"^(?P<attr>According\s+to\s+(?P<who>[^,]+)),\s+(?P<content>.+?)" + _END
)
_REPORTED_AFTER = re.compile(
    rf"^(?P<content>.{{20,}}),\s+(?P<attr>(?:(?P<verb1>{_VERB})\s+(?P<who1>.+?)|"
    r"(?P<who2>(?:[A-Z]|(?:he|she|they|the|a|an)\b)[^,]{0,80}?)"
    rf"(?:,[^,]{{1,100}},)?\s+(?P<verb2>{_VERB})"
    r"(?:\s+[^,]*)?|according\s+to\s+(?P<who3>.+?)))"
    # "..., the minister said on Wednesday, in a move likely to anger Beijing."
    r"(?:,\s+(?:in|as|after|before|during|while|when|amid|with|without|"
    r"adding|saying|citing)\b[^,]*)?" + _END
)
_REPORTED_THAT = re.compile(
    rf"^(?P<head>(?P<who>.{{1,200}}?)\s+(?P<verb>{_VERB})\b[^.;\u201c\"]{{0,80}}?"
    r"\s+that)\s+(?P<content>.+?)" + _END
)
_CLAUSE_VERBS = (
    "said|says|say|added|warned|argued|insisted|stated|explained|noted|claimed|"
    "acknowledged|admitted|predicted|suggested|believes|thinks|maintained|"
    "conceded|cautioned"
)
_REPORTED_CLAUSE = re.compile(
    rf"^(?P<head>(?P<who>[^.;]{{1,160}}?)\s+(?P<verb>{_CLAUSE_VERBS})\b"
    r"(?:\s+(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
    r"|\s+in\s+a\s+statement|\s+on\s+\w+)?)\s+"
    r"(?!(?:in|on|at|during|after|before|to|with|by|from|for|of|as|when|while|"
    r"if|but|and|so|yes|no|nothing|little|more|less|whether|what|how|why|"
    r"where|who|which)\b)(?P<content>[\w$£€].+?)" + _END
)
_ADDING = re.compile(
    r"[^,\"\u201c\u201d]{0,60},\s+(?P<attr>(?P<verb>adding|saying|noting|arguing|warning|insisting)"
    r"(?:\s+that)?)\s+(?P<content>.+?)" + _END
)
_REPORTED_AND = re.compile(
    r"^(?P<head>(?P<who>[A-Z].{0,250}?)\s+(?:and|but)\s+(?:also\s+)?"
    r"(?P<verb>said|says|added|adds|"
    r"warned|argued|insisted|stated)\s+(?:that\s+)?)"
    r"(?P<content>[^\"\u201c\u201d]+?)" + _END
)
_REPORTED_SAYING = re.compile(
    r"^(?P<who>.{1,200}?),\s+(?P<attr>saying|adding|arguing|warning|insisting|"
    r"noting|explaining|claiming)\s+(?:that\s+)?(?P<content>.+?)" + _END
)
# A sentence that starts with a name and a verb: "Muto declined to say ...".
_SUBJECT = re.compile(
    r"^(?P<who>(?:[A-Z][\w'’.\-]*\s+){0,3}[A-Z][\w'’\-]+)\s+"
    r"(?:has\s+|had\s+|also\s+|then\s+)?[a-z]"
)
_TRAILING_ACCORDING = re.compile(r",\s+according\s+to\s+[^,]+$")


def is_subject(who: str) -> bool:
    """Whether `who` (what precedes "said") is a speaker: a pronoun, "the
    minister", or a short phrase ending in a name, apposition and dateline
    aside."""
    if refers_back(who):
        return True
    words = who.split()
    while words and words[-1].lower().strip(",") in AUXILIARIES:
        words.pop()
    phrase = DATELINE.sub("", " ".join(words))
    apposition = _APPOSITION.search(phrase if phrase.endswith(",") else phrase + ",")
    if apposition:
        phrase = phrase[: apposition.start()]
    if name_before(who) is None:
        # A short subject without a name: "Industry groups", "City officials",
        # "A senior EU diplomat".
        words = phrase.strip().rstrip(",").split()
        allowed = TITLE_WORDS | LOWER_TITLE_WORDS | _DETERMINERS
        last = words[-1].lower() if words else ""
        return (
            0 < len(words) <= 4
            and (_is_capitalised(words[0]) or words[0].lower() in _DETERMINERS)
            and (last.endswith("s") or last in DESCRIPTOR_NOUNS | LOWER_TITLE_WORDS)
            and all(
                _is_capitalised(w) or w.lower() in allowed or w.endswith("s")
                for w in words
            )
        )
    # "The chief executive of the NHS, Amanda Pritchard": the name's own clause,
    # where only titles may come before the name.
    clause = phrase.strip().rstrip(",").split(",")[-1].split()
    allowed = TITLE_WORDS | LOWER_TITLE_WORDS | _DETERMINERS | CONNECTORS
    return 0 < len(clause) <= 8 and all(
        _is_capitalised(word) or word.lower() in allowed for word in clause
    )


@dataclass
class Reported:
    """Reported speech found in a sentence, before its speaker is resolved."""

    start: int
    end: int
    attribution: Attribution
    who: str
    who_first: bool  # the speaker is named before the verb ("X said that ...")


def reported_in_sentence(text: str, start: int, end: int) -> Reported | None:
    """The reported speech of the sentence [start, end), by the first rule that
    matches: "According to X, ...", "..., said X", "X said that ...", "X said
    ..." (a clause), "X did ..., saying ..."."""
    sentence = text[start:end]

    def build(match, rule, verb, who, who_first, attr="attr"):
        c_start, c_end = start + match.start("content"), start + match.end("content")
        dateline = DATELINE.match(text[c_start:c_end])
        if dateline:
            c_start += dateline.end()
        trailing = _TRAILING_ACCORDING.search(text, c_start, c_end)
        if trailing:
            c_end = trailing.start()
        a_start, a_end = start + match.start(attr), start + match.end(attr)
        attribution = Attribution(rule, a_start, a_end, text[a_start:a_end], verb)
        return Reported(c_start, c_end, attribution, who, who_first)

    match = _REPORTED_ACCORDING.match(sentence)
    if match:
        return build(match, "according_to", "according to", match["who"], False)
    for pattern, rule in (
        (_REPORTED_THAT, "verb_that"),
        (_REPORTED_CLAUSE, "verb_clause"),
    ):
        match = pattern.match(sentence)
        if match and is_subject(match["who"]):
            return build(
                match, rule, match["verb"].lower(), match["who"], True, attr="head"
            )
    match = _REPORTED_AFTER.match(sentence)
    if match:
        verb = (match["verb1"] or match["verb2"] or "according to").lower()
        if match["who2"]:
            return build(match, "content_then_attribution", verb, match["who2"], True)
        who = match["who1"] or match["who3"]
        return build(match, "content_then_attribution", verb, who, False)
    match = _REPORTED_AND.match(sentence)
    if match and name_after(DATELINE.sub("", match["who"]))[0]:
        verb = match["verb"].lower()
        return build(match, "and_verb", verb, match["who"], False, attr="head")
    match = _REPORTED_SAYING.match(sentence)
    if match:
        return build(match, "saying", match["attr"], match["who"], False)
    return None


# --- The whole article ----------------------------------------------------------------


class ArticleReader:
    """Reads an article paragraph by paragraph, in the order of the text, so that
    the last speaker is always the last one named before."""

    def __init__(self, text: str, known: list[KnownSpeaker]):
        self.text = text
        self.resolver = SpeakerResolver(list(known), person_mentions(text))
        self.proposals: list[Proposal] = []
        # A quotation still open at the end of a paragraph (news style).
        self.open_quote: Proposal | None = None

    def read(self) -> list[Proposal]:
        paragraphs = split_paragraphs(self.text)
        segments = quote_segments(paragraphs, self.text)
        by_paragraph: dict[int, list[Segment]] = {}
        for segment in segments:
            by_paragraph.setdefault(segment.paragraph, []).append(segment)
        for paragraph in paragraphs:
            self.read_paragraph(paragraph, by_paragraph.get(paragraph.index, []))
        for proposal in self.proposals:
            proposal.text = join_spans(self.text, proposal.spans)
            if proposal.fidelity == DIRECT:
                proposal.alterations = alterations(self.text, proposal.spans)
        return self.proposals

    def read_paragraph(self, paragraph: Paragraph, segments: list[Segment]) -> None:
        text = self.text
        pending = sentence_bounds(paragraph)
        sentences = list(pending)
        pending = deque(pending)
        self.sentence_starts = [start for start, _ in sentences]
        self.segment_starts = [g.start for g in segments]
        items: list[Proposal] = []
        previous: Proposal | None = None
        previous_segment: Segment | None = None
        for number, segment in enumerate(segments):
            mark = segment.start - 1
            while pending and pending[0][0] <= mark:
                items.extend(self.reported(*pending.popleft(), segments))
            sentence_start = self.sentence_at(sentences, mark, paragraph.start)[0]
            continuing = (
                self.open_quote is not None
                and number == 0
                and not text[paragraph.start : mark].strip()
            )
            if continuing:
                previous, previous_segment = self.open_quote, segment
                self.continue_open_quote(segment, segments, paragraph)
                continue
            self.open_quote = None
            limit = (
                segments[number + 1].start - 1
                if number + 1 < len(segments)
                else (paragraph.end)
            )
            after = (
                attribution_after(text, segment.end + 1, limit)
                if segment.closed
                else None
            )
            head_start = sentence_start
            if previous_segment is not None and previous_segment.end >= sentence_start:
                head_start = previous_segment.end + 1
            before = attribution_before(text, head_start, mark)
            inner = text[segment.start : segment.end]
            full = is_full_quotation(text, segment)
            if (
                before is not None
                and not full
                and before.attribution.verb not in PARTIAL_VERBS | {"according to"}
            ):
                before = None
            # "Critics called the plan "too little"": a characterisation, unless
            # a named person does the calling.
            if (
                before is not None
                and not full
                and before.attribution.verb in CHARACTERISING_VERBS
                and not self.names_someone(before)
            ):
                before = None
            found = after or before

            if (
                previous is not None
                and previous_segment is not None
                and previous_segment.closed
                and inner[:1].islower()
                and text[previous_segment.end + 1 : mark].rstrip().endswith((",", ":"))
            ):
                # The sentence goes on after an attribution: one quotation.
                previous.spans.append((segment.start, segment.end))
                previous_segment = segment
                if not segment.closed:
                    self.open_quote = previous
                continue
            previous_segment = segment
            if not_speech_cue(text, paragraph.start, mark) and not (found and full):
                continue
            if not (full or (found is not None and not title_case(inner))):
                continue
            speaker, attribution = self.speaker_of(found, previous, full)
            proposal = Proposal(
                [(segment.start, segment.end)], "", DIRECT, speaker, attribution
            )
            items.append(proposal)
            if after is not None and after.attribution.end is not None:
                items.extend(self.adding(after.attribution.end, sentences, speaker))
            previous = proposal
            if not segment.closed:
                self.open_quote = proposal
        while pending:
            items.extend(self.reported(*pending.popleft(), segments))
        items.sort(key=lambda proposal: proposal.spans[0][0])
        self.proposals.extend(items)

    def names_someone(self, found: Found) -> bool:
        if found.name is None:
            return False
        create = "multiword" if found.initial else "always"
        return self.resolver.find(found.name, create=create) is not None

    def continue_open_quote(self, segment, segments, paragraph) -> None:
        """A paragraph that reopens the quotation left open by the one before."""
        quote = self.open_quote
        quote.spans.append((segment.start, segment.end))
        if segment.closed:
            self.open_quote = None
            if quote.attribution is None or quote.attribution.rule in (
                "same_paragraph",
                "last_speaker",
            ):
                limit = segments[1].start - 1 if len(segments) > 1 else paragraph.end
                found = attribution_after(self.text, segment.end + 1, limit)
                if found is not None:
                    quote.speaker, quote.attribution = self.speaker_of(
                        found, None, True
                    )

    def speaker_of(self, found: Found | None, previous: Proposal | None, full: bool):
        """(speaker, attribution) of a direct quotation."""
        resolver = self.resolver
        if found is not None:
            if found.refers_back:
                speaker = resolver.last or resolver.named_before(
                    found.attribution.start or 0
                )
                return speaker, found.attribution
            create = "multiword" if found.initial else "always"
            return resolver.resolve(found.name, create=create), found.attribution
        if previous is not None:
            return previous.speaker, Attribution("same_paragraph")
        if full and resolver.last is not None:
            return resolver.last, Attribution("last_speaker")
        return None, None

    def reported(self, start: int, end: int, segments: list[Segment]):
        """The reported speech of a sentence without quotation marks (a list of
        zero or one proposal); a sentence that only names a speaker ("Rutte
        agreed.") makes them the last speaker."""
        # The segments around the sentence (sorted and disjoint: a bisection).
        first = max(bisect.bisect_left(self.segment_starts, start) - 1, 0)
        last = bisect.bisect_right(self.segment_starts, end + 1)
        inside = [
            g for g in segments[first:last] if g.start - 1 < end and start < g.end + 1
        ]
        # A sentence with a quotation of its own is read as direct speech; one
        # with only partial quotes ("said the plan was "dead"") may report.
        if any(
            not g.closed or not self.text[g.start : g.end][:1].islower() for g in inside
        ):
            return []
        found = reported_in_sentence(self.text, start, end)
        if found is not None and any(
            found.start <= g.end and not found.start < g.start < g.end < found.end
            for g in inside
        ):
            found = None
        if found is None or len(_words(self.text[found.start : found.end])) < 4:
            self.subject_speaks(start, end)
            return []
        if refers_back(found.who):
            speaker = self.resolver.last or self.resolver.named_before(start)
        else:
            if found.who_first:
                name = name_before(found.who)
                subject = DATELINE.sub("", found.who).strip()
                initial = bool(name) and subject.startswith(name)
            else:
                subject = DATELINE.sub("", found.who).strip()
                name = name_after(subject)[0]
                # "Officials ..., saying": a single word that starts the sentence
                # names someone only if the article names them elsewhere.
                initial = bool(name) and subject.startswith(name)
            create = "multiword" if initial else "always"
            speaker = self.resolver.resolve(name, create=create)
        found.attribution.speaker_text = found.who.strip(_DASHES)
        return [
            Proposal(
                [(found.start, found.end)], "", REPORTED, speaker, found.attribution
            )
        ]

    def sentence_at(self, sentences, position: int, default):
        """The (start, end) of the sentence holding `position`, or (default,
        None)."""
        index = bisect.bisect_right(self.sentence_starts, position) - 1
        if index >= 0 and position < sentences[index][1]:
            return sentences[index]
        return default, None

    def adding(self, start: int, sentences, speaker) -> list[Proposal]:
        """`"...," Lin said, adding that the rules would hurt ...`: what follows
        a direct quote's attribution, reported, by the same speaker."""
        sentence_start, end = self.sentence_at(sentences, start, None)
        if sentence_start is None:
            return []
        match = _ADDING.match(self.text, start, end)
        if match is None or len(_words(match["content"])) < 4:
            return []
        attribution = Attribution(
            "adding_that",
            match.start("attr"),
            match.end("attr"),
            match["attr"],
            match["verb"],
        )
        return [
            Proposal(
                [(match.start("content"), match.end("content"))],
                "",
                REPORTED,
                speaker,
                attribution,
            )
        ]

    def subject_speaks(self, start: int, end: int) -> None:
        """A sentence whose subject is someone already named ("Muto declined to
        say ...", "Rutte agreed.") makes them the one a pronoun refers to."""
        match = _SUBJECT.match(self.text[start:end])
        if match:
            name = clean_name(match["who"].split())
            if name and self.resolver.find(name, create="never"):
                self.resolver.resolve(name, create="never")


def extract_quotes(text: str, known: list[KnownSpeaker] = ()) -> list[Proposal]:
    """The quotations of an article, in the order of the text."""
    return ArticleReader(text, list(known)).read()
