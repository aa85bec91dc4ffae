"""A large, realistic, deterministic data set for benchmarks (`make bench`).

Never for real data: `demo_database_problem` refuses any database whose name does
not end with ``_demo``, and `manage.py generate_demo_data` (the command over this
module) checks it before a connection is made.

`DemoData` builds the rows, batch by batch, from one seeded random generator: the
same seed and sizes give the same rows, ids and timestamps. `load` writes them with
COPY in one transaction. The change-feed triggers (statements.changefeed) are
disabled for the load, and one "created" change per record is then recorded in
one statement per table (changefeed.BACKFILL). That is the feed the triggers write
for one transaction (each record once, as created), 28 times faster for 20,000
quotes; ``fire_triggers`` lets them fire row by row instead, to measure what a
bulk write through the triggers costs (docs/performance.md). The history's
triggers (statements.history) go off and on with them: generated rows are no
editorial change, so with the triggers off their history starts at their first
change.
"""

import collections
import datetime
import hashlib
import itertools
import random
from dataclasses import dataclass, field
from itertools import accumulate

from django.db import connections, transaction
from psycopg import sql

from statements import changefeed, history, search
from statements.choices import (
    EventKind,
    Fidelity,
    StakeholderCategory,
    StakeholderRole,
    StatementKind,
)
from statements.models import (
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
from statements.text import join_spans

DEMO_SUFFIX = "_demo"
STATEMENTS_PER_BATCH = 1000
QUOTES_PER_STATEMENT = 5
# Every timestamp is derived from this instant, never from the clock.
EPOCH = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
FIRST_DAY = datetime.date(2015, 1, 1)
LAST_DAY = datetime.date(2025, 10, 31)


def _words(text: str) -> list[str]:
    return text.split()


# Words of policy speech, most frequent first: sampled with Zipf weights, so
# that a search for an early word matches many quotes and a late one few.
CONTENT_WORDS = _words(
    """
people country support government security community international world
together work future partners cooperation protection migration children region
crisis economic families rights refugees development challenge health climate
border humanitarian commitment communities response leaders peace democracy
assistance nations women access resources change freedom safety partnership
global policy solutions trade growth energy education jobs dignity stability
investment opportunity responsibility ministers agreement action progress
conflict violence recovery resilience justice institutions citizens workers
youth programs organizations commission alliance summit dialogue transparency
accountability inclusion equality displacement asylum integration labour
pathways smuggling trafficking detention returns resettlement visas remittances
corridor harbour coast drought famine flooding wildfires vaccines hospitals
schools teachers farmers fisheries water sanitation shelter housing transport
infrastructure technology internet innovation research science data privacy
elections parliament courts corruption sanctions treaty negotiations ceasefire
reconstruction landmines veterans diplomacy embassy consulate delegation mandate
budget funding loans debt inflation markets exports tariffs supply chains
manufacturing agriculture tourism shipping ports railways highways bridges
electricity solar wind nuclear hydrogen carbon emissions forests oceans
biodiversity wildlife glaciers monsoon hurricanes earthquakes tsunami
archipelago peninsula plateau delta
"""
)
FUNCTION_WORDS = _words(
    """
the and of to we in our a that is for this with are it will on as be have by all
must from more who not their at can also an us these those
"""
)
_VOCABULARY = FUNCTION_WORDS + CONTENT_WORDS
# Function words first (they are the most frequent in speech); 1/rank weights.
_VOCABULARY_WEIGHTS = list(
    accumulate(1 / rank for rank in range(1, 1 + len(_VOCABULARY)))
)

GIVEN_NAMES = _words(
    """
Amina Carlos Sofia Kwame Elena Rahul Mei Omar Ingrid Tomas Aisha Pedro Yuki
Fatima Lars Chloe Daniel Nadia Hiroshi Grace Mateo Leila Ivan Priya Samuel Ana
Jonas Zainab Marco Helena
"""
)
FAMILY_NAMES = _words(
    """
Okafor Alvarez Lindqvist Mensah Petrova Sharma Chen Haddad Novak Silva Kimura
Rossi Nkemelu Dubois Moreau Fischer Kowalski Tanaka Oliveira Hussain Jensen
Abebe Castillo Murphy Ivanova Nakamura Osei Bianchi Laurent Schmidt Garcia
Kariuki Eriksen Popescu Yilmaz Santos Mwangi Bauer Costa Dimitrov
"""
)
ROLE_TITLES = [
    "Minister of Foreign Affairs",
    "Secretary of State",
    "Ambassador",
    "Special Envoy",
    "Director-General",
    "Commissioner",
    "Spokesperson",
    "Prime Minister",
    "Deputy Minister",
    "High Commissioner",
]
ORGANIZATIONS = [
    "Government of Aurelia",
    "Republic of Borealis",
    "Kingdom of Caldera",
    "United Federation of Dunmore",
    "International Organization for Cooperation",
    "Regional Development Bank",
    "Agency for Refugees",
    "Council of Coastal States",
]
PUBLISHERS = [
    ("Ministry of Foreign Affairs", "mfa.example.org"),
    ("Press Office", "press.example.org"),
    ("Daily Herald", "herald.example.com"),
    ("Global Wire", "globalwire.example.com"),
    ("Voice of the Coast", "votc.example.net"),
    ("Parliament Record", "record.example.org"),
    ("United Councils", "councils.example.int"),
    ("Morning Post", "morningpost.example.com"),
    ("Policy Review", "policyreview.example.org"),
    ("Radio International", "radio.example.net"),
]
# Every organization: the hosts and employers, then the publishers; ids from 1.
ORGANIZATION_NAMES = [*ORGANIZATIONS, *(name for name, _ in PUBLISHERS)]
ORGANIZATION_IDS = {name: pk for pk, name in enumerate(ORGANIZATION_NAMES, start=1)}
# Statements of these kinds are their publisher's own voice: it is their author.
PUBLISHER_AUTHORED = {StatementKind.EDITORIAL, StatementKind.PRESS_RELEASE}
LICENSES = [
    ("Public domain", None),
    ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    ("CC BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),
    ("All rights reserved; quoted under fair use", None),
]
CITIES = [
    ("Geneva", "CH"),
    ("Lima", "PE"),
    ("Nairobi", "KE"),
    ("Bangkok", "TH"),
    ("Brussels", "BE"),
    ("Panama City", "PA"),
    ("Accra", "GH"),
    ("Oslo", "NO"),
    ("Amman", "JO"),
    ("Manila", "PH"),
]
THEME_ROOTS = [
    "Migration",
    "Climate",
    "Security",
    "Health",
    "Trade",
    "Human rights",
    "Democracy",
    "Energy",
    "Education",
    "Humanitarian aid",
]
THEME_ASPECTS = ["policy", "funding", "cooperation", "data", "law"]
GROUP_NAMES = [
    "Migrants",
    "Refugees",
    "Host communities",
    "Asylum seekers",
    "Internally displaced people",
    "Border officials",
    "National governments",
    "Local authorities",
    "Civil society organizations",
    "Faith groups",
    "Employers",
    "Trade unions",
    "Development banks",
    "United Nations agencies",
    "Donor countries",
    "Coastal states",
    "Smallholder farmers",
    "Fishing communities",
    "Women and girls",
    "Children",
    "Young people",
    "Older people",
    "People with disabilities",
    "Indigenous peoples",
    "Journalists",
    "Health workers",
    "Teachers",
    "Private sector",
    "Researchers",
    "Diaspora communities",
]
TOP_EVENT_KINDS = [EventKind.CONFERENCE, EventKind.SUMMIT, EventKind.MEETING]
STATEMENT_KINDS = list(StatementKind.values)
GROUP_ROLES = list(StakeholderRole.values)
# The tables of a batch of statements, in the order they are written.
BATCH_TABLES = [
    "statements",
    "statement_themes",
    "statement_groups",
    "quotes",
    "spans",
    "quote_themes",
    "quote_stakeholders",
]
SUB_EVENT_KINDS = [
    EventKind.SESSION,
    EventKind.RECEPTION,
    EventKind.PRESS_CONFERENCE,
    EventKind.SPEECH,
    EventKind.INTERVIEW,
]


def demo_database_problem(name: str) -> str | None:
    """Why `name` may not receive demo data, or None when it may."""
    if not name or not name.endswith(DEMO_SUFFIX) or name == DEMO_SUFFIX:
        return (
            f"The database {name!r} does not end with {DEMO_SUFFIX!r}: demo data "
            "is never written into a real database. Pass --database-name "
            f"statements{DEMO_SUFFIX} (created and migrated on the same server) or "
            f"point DATABASE_URL at a database whose name ends with {DEMO_SUFFIX!r}."
        )
    return None


@dataclass
class Sizes:
    """How many of each record, in the proportions of a mature deployment."""

    quotes: int
    statements: int = field(init=False)
    speakers: int = field(init=False)
    events: int = field(init=False)
    themes: int = len(THEME_ROOTS) * (1 + len(THEME_ASPECTS))
    groups: int = len(GROUP_NAMES)

    def __post_init__(self):
        self.statements = max(1, -(-self.quotes // QUOTES_PER_STATEMENT))
        self.speakers = min(200, max(10, self.quotes // 1000))
        # A fifth are top-level events, each with four sub-events.
        self.events = 5 * min(400, max(4, self.quotes // 500))


@dataclass
class RowCounts:
    """Rows written per table."""

    rows: dict = field(default_factory=dict)

    def add(self, table: str, n: int):
        self.rows[table] = self.rows.get(table, 0) + n

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _moment(rng: random.Random, day: datetime.date, spread_days: int):
    """A timestamp on or after `day`, with microseconds, never past EPOCH."""
    start = datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)
    moment = start + datetime.timedelta(
        seconds=rng.randrange(max(1, spread_days * 86400)),
        microseconds=rng.randrange(1, 1_000_000),
    )
    return min(moment, EPOCH - datetime.timedelta(microseconds=rng.randrange(1, 10**6)))


def _stamps(rng: random.Random, day: datetime.date):
    """(created_at, updated_at): half the records changed after creation."""
    created = _moment(rng, day, 20)
    if rng.random() < 0.5:
        return created, created
    updated = created + datetime.timedelta(seconds=rng.randrange(1, 400 * 86400))
    return (created, updated) if updated < EPOCH else (created, created)


def _day(rng: random.Random, first=FIRST_DAY, last=LAST_DAY) -> datetime.date:
    return first + datetime.timedelta(days=rng.randrange((last - first).days + 1))


def _slugify(words: list[str]) -> str:
    cleaned = (word.lower().strip(".,:;") for word in words)
    return "-".join(word for word in cleaned if word.isalnum())


@dataclass(frozen=True)
class _Pools:
    """The reference records that statements and quotes draw from."""

    speaker_ids: list[int]
    speaker_family: dict[int, str]
    event_dates: dict[int, tuple[datetime.date, datetime.date]]
    event_ids: list[int]
    leaf_themes: list[int]
    theme_ids: list[int]
    group_ids: list[int]


@dataclass(frozen=True)
class _Source:
    """What the quotes of one statement draw from it."""

    pk: int
    text: str
    bounds: list[tuple[int, int]]
    speaker_id: int | None
    event_id: int | None
    event_start: datetime.date | None
    published_on: datetime.date | None
    stamp_day: datetime.date
    themes: list[int]


class DemoData:
    """Builds the rows, batch by batch, from one seeded random generator."""

    def __init__(self, sizes: Sizes, seed: int):
        self.sizes = sizes
        self.rng = random.Random(seed)
        # (id, role, event, organization) of the top events' hosts (events()).
        self.event_hosts: list[tuple] = []

    # --- text -----------------------------------------------------------------------

    def words(self, n: int) -> list[str]:
        return self.rng.choices(_VOCABULARY, cum_weights=_VOCABULARY_WEIGHTS, k=n)

    def content_words(self, n: int) -> list[str]:
        return self.rng.choices(CONTENT_WORDS, k=n)

    def sentence(self) -> str:
        words = self.words(self.rng.randint(7, 22))
        words[0] = words[0].capitalize()
        return " ".join(words) + "."

    def statement_text(self) -> tuple[str, list[tuple[int, int]]]:
        """A text of paragraphs (lines) and the [start, end) of every sentence."""
        parts, bounds, offset = [], [], 0
        for paragraph_index in range(self.rng.randint(3, 6)):
            if paragraph_index:
                parts.append("\n")
                offset += 1
            for sentence_index in range(self.rng.randint(2, 5)):
                if sentence_index:
                    parts.append(" ")
                    offset += 1
                sentence = self.sentence()
                parts.append(sentence)
                bounds.append((offset, offset + len(sentence)))
                offset += len(sentence)
        return "".join(parts), bounds

    # --- reference records ----------------------------------------------------------

    def organizations(self):
        """The organizations, at a fixed time (drawing nothing, so that every other
        record stays what it was before organizations were records)."""
        created = datetime.datetime(2014, 1, 1, tzinfo=datetime.UTC)
        rows = []
        for name, pk in ORGANIZATION_IDS.items():
            publisher = pk > len(ORGANIZATIONS)
            rows.append(
                (
                    pk,
                    created,
                    created,
                    f"{_slugify(name.split())}-{pk}",
                    name,
                    "news_media" if publisher else "government",
                    f"{name}, {'a publisher' if publisher else 'a host and employer'}.",
                    None,
                    None,
                    None,
                )
            )
        return rows

    def speakers(self):
        """Speaker rows and their roles' rows, roles one after another in time."""
        rng, speakers, roles = self.rng, [], []
        names = list(itertools.product(GIVEN_NAMES, FAMILY_NAMES))
        rng.shuffle(names)
        for pk in range(1, self.sizes.speakers + 1):
            given, family = names[(pk - 1) % len(names)]
            created, updated = _stamps(rng, datetime.date(2014, 1, 1))
            speakers.append(
                (
                    pk,
                    created,
                    updated,
                    f"{given.lower()}-{family.lower()}-{pk}",
                    f"{given} {family}",
                    f"{family}, {given}",
                    given,
                    family,
                    [f"{given[0]}. {family}"] if rng.random() < 0.3 else [],
                    f"{given} {family} works on {' and '.join(self.content_words(2))}.",
                    f"Q{1_000_000 + pk}" if rng.random() < 0.7 else None,
                )
            )
            roles += self.roles(pk, created, updated, first_id=len(roles) + 1)
        return speakers, roles

    def roles(self, speaker_pk: int, created, updated, first_id: int):
        """One to three consecutive roles; the last one may be open-ended."""
        rng, rows = self.rng, []
        start = _day(rng, datetime.date(2008, 1, 1), datetime.date(2012, 12, 31))
        n_roles = rng.randint(1, 3)
        for index in range(n_roles):
            length = datetime.timedelta(days=rng.randint(700, 2200))
            open_ended = index == n_roles - 1 and rng.random() < 0.6
            end = None if open_ended else start + length
            rows.append(
                (
                    first_id + index,
                    created,
                    updated,
                    speaker_pk,
                    rng.choice(ROLE_TITLES),
                    ORGANIZATION_IDS[rng.choice(ORGANIZATIONS)],
                    start,
                    end,
                    None,
                    "",
                )
            )
            if end is not None:
                start = end + datetime.timedelta(days=1)
        return rows

    def events(self):
        """Top-level events with four sub-events each, sub-events after parents:
        the rows and {id: (start_date, end_date)}."""
        rows = self.top_events()
        dates = {row[0]: (row[7], row[8]) for row in rows}
        for parent in list(rows):
            for row in self.sub_events(parent, first_id=len(rows) + 1):
                rows.append(row)
                dates[row[0]] = (row[7], row[8])
        return rows, dates

    def top_events(self):
        rng, rows = self.rng, []
        for pk in range(1, self.sizes.events // 5 + 1):
            kind = rng.choice(TOP_EVENT_KINDS)
            start = _day(rng)
            end = start + datetime.timedelta(days=rng.choice([0, 1, 2, 3]))
            city, country = rng.choice(CITIES)
            topic = self.content_words(2)
            name = f"{city} {kind.label} on {topic[0]} and {topic[1]} {start.year}"
            created, updated = _stamps(rng, start - datetime.timedelta(days=30))
            rows.append(
                (
                    pk,
                    created,
                    updated,
                    f"{_slugify(name.split())}-{pk}",
                    name,
                    kind.value,
                    f"A {kind.label.lower()} about {topic[0]}.",
                    start,
                    end,
                    f"{city} Convention Centre",
                    city,
                    country,
                    [f"https://events.example.org/{pk}"],
                    None,
                )
            )
            host = ORGANIZATION_IDS[rng.choice(ORGANIZATIONS)]
            self.event_hosts.append((len(self.event_hosts) + 1, "host", pk, host))
        return rows

    def sub_events(self, parent: tuple, first_id: int):
        """Four one-day events within the dates of the `parent` event row."""
        rng, rows = self.rng, []
        parent_pk, parent_name = parent[0], parent[4]
        parent_start, parent_end = parent[7], parent[8]
        for pk in range(first_id, first_id + 4):
            kind = rng.choice(SUB_EVENT_KINDS)
            day = parent_start + datetime.timedelta(
                days=rng.randrange((parent_end - parent_start).days + 1)
            )
            name = f"{parent_name}: {kind.label} on {self.content_words(1)[0]}"
            created, updated = _stamps(rng, day - datetime.timedelta(days=10))
            rows.append(
                (
                    pk,
                    created,
                    updated,
                    f"{_slugify(name.split())}-{pk}"[:150],
                    name[:300],
                    kind.value,
                    "",
                    day,
                    day,
                    None,
                    parent[10],
                    parent[11],
                    [],
                    parent_pk,
                )
            )
        return rows

    def themes(self):
        rng, rows, pk = self.rng, [], 0
        for root in THEME_ROOTS:
            pk += 1
            root_pk = pk
            created, updated = _stamps(rng, datetime.date(2014, 6, 1))
            rows.append((pk, created, updated, _slugify(root.split()), root, "", None))
            for aspect in THEME_ASPECTS:
                pk += 1
                name = f"{root} {aspect}"
                created, updated = _stamps(rng, datetime.date(2014, 6, 1))
                rows.append(
                    (pk, created, updated, _slugify(name.split()), name, "", root_pk)
                )
        return rows

    def groups(self):
        rng, rows = self.rng, []
        categories = list(StakeholderCategory.values)
        for pk, name in enumerate(GROUP_NAMES, start=1):
            created, updated = _stamps(rng, datetime.date(2014, 6, 1))
            rows.append(
                (
                    pk,
                    created,
                    updated,
                    _slugify(name.split()),
                    name,
                    categories[(pk - 1) % len(categories)],
                    f"{name} concerned by {self.content_words(1)[0]}.",
                )
            )
        return rows

    # --- statements and quotes ------------------------------------------------------

    def quote_counts(self) -> list[int]:
        """Quotes per statement: about five, summing to exactly --quotes."""
        rng, n = self.rng, self.sizes.statements
        counts = [self.sizes.quotes // n] * n
        for index in range(self.sizes.quotes - sum(counts)):
            counts[index] += 1
        for _ in range(n):
            a, b = rng.randrange(n), rng.randrange(n)
            move = rng.randint(0, 3)
            if counts[a] - move >= 1:
                counts[a] -= move
                counts[b] += move
        return counts

    def statement_batches(self, speakers, event_dates, themes, groups):
        """Batches of rows: statements, their links, their quotes and quote links."""
        pools = _Pools(
            speaker_ids=[row[0] for row in speakers],
            speaker_family={row[0]: row[7] for row in speakers},
            event_dates=event_dates,
            event_ids=sorted(event_dates),
            leaf_themes=[row[0] for row in themes if row[6] is not None],
            theme_ids=[row[0] for row in themes],
            group_ids=[row[0] for row in groups],
        )
        counts = self.quote_counts()
        # The last id written to each table of a batch, across batches.
        ids = collections.Counter()
        for batch_start in range(0, len(counts), STATEMENTS_PER_BATCH):
            batch = {table: [] for table in BATCH_TABLES}
            for n_quotes in counts[batch_start : batch_start + STATEMENTS_PER_BATCH]:
                source = self.add_statement(batch, ids, pools)
                for _ in range(n_quotes):
                    self.add_quote(batch, ids, pools, source)
            yield batch

    def add_statement(self, batch: dict, ids: collections.Counter, pools: "_Pools"):
        """Adds a statement and its theme and group links to `batch`; returns
        what its quotes draw from."""
        rng = self.rng
        ids["statements"] += 1
        pk = ids["statements"]
        text, bounds = self.statement_text()
        event_id = rng.choice(pools.event_ids) if rng.random() < 0.7 else None
        if event_id is not None:
            event_start, event_end = pools.event_dates[event_id]
            published_on = event_end + datetime.timedelta(days=rng.choice([0, 0, 1, 2]))
        else:
            event_start = None
            published_on = _day(rng)
        stamp_day = published_on
        if rng.random() < 0.02:
            published_on = None
        speaker_id = rng.choice(pools.speaker_ids) if rng.random() < 0.85 else None
        publisher, domain = rng.choice(PUBLISHERS)
        license_name, license_url = rng.choice(LICENSES)
        topic = self.content_words(2)
        title = (
            f"{rng.choice(['Remarks', 'Statement', 'Interview', 'Op-ed'])} "
            f"on {topic[0]} and {topic[1]}"
        )
        slug = f"{_slugify(title.split())}-{pk}"
        created, updated = _stamps(rng, stamp_day)
        kind = rng.choice(STATEMENT_KINDS)
        publisher_id = ORGANIZATION_IDS[publisher]
        by_publisher = kind in PUBLISHER_AUTHORED
        batch["statements"].append(
            (
                pk,
                created,
                updated,
                slug,
                title,
                kind,
                publisher_id,
                f"https://{domain}/statements/{slug}",
                published_on,
                "en" if rng.random() < 0.9 else "en-GB",
                license_name,
                license_url,
                "",
                text,
                hashlib.sha256(text.encode("utf-8")).hexdigest(),
                None if by_publisher else speaker_id,
                publisher_id if by_publisher else None,
                event_id,
            )
        )
        themes = sorted(rng.sample(pools.leaf_themes, rng.randint(1, 3)))
        for theme_id in themes:
            ids["statement_themes"] += 1
            batch["statement_themes"].append((ids["statement_themes"], pk, theme_id))
        for group_id in sorted(rng.sample(pools.group_ids, rng.randint(0, 2))):
            ids["statement_groups"] += 1
            batch["statement_groups"].append((ids["statement_groups"], pk, group_id))
        return _Source(
            pk=pk,
            text=text,
            bounds=bounds,
            speaker_id=speaker_id,
            event_id=event_id,
            event_start=event_start,
            published_on=published_on,
            stamp_day=stamp_day,
            themes=themes,
        )

    def add_quote(self, batch, ids: collections.Counter, pools, source: "_Source"):
        """Adds a quote of `source`, its spans, themes and group links to `batch`."""
        rng = self.rng
        ids["quotes"] += 1
        pk = ids["quotes"]
        speaker = source.speaker_id or rng.choice(pools.speaker_ids)
        fidelity = rng.choices(
            [Fidelity.DIRECT, Fidelity.REPORTED, Fidelity.PARAPHRASE],
            weights=[6, 2, 2],
        )[0].value
        bounds = source.bounds
        if len(bounds) > 2 and rng.random() < 0.25:
            first, second = sorted(rng.sample(range(len(bounds)), 2))
            spans = [bounds[first], bounds[second]]
        else:
            spans = [rng.choice(bounds)]
        text = join_spans(source.text, spans)
        if fidelity == Fidelity.PARAPHRASE:
            words = text.rstrip(".").split()
            words[0] = words[0].lower()
            text = (
                f"{pools.speaker_family[speaker]} said that "
                f"{' '.join(words[: rng.randint(5, 14)])}."
            )
        event = source.event_id if rng.random() < 0.9 else None
        if event is not None and rng.random() < 0.4:
            said_on = None
        elif rng.random() < 0.7:
            said_on = source.event_start if event else source.published_on
        else:
            said_on = None
        created, updated = _stamps(rng, source.stamp_day)
        batch["quotes"].append(
            (
                pk,
                created,
                updated,
                f"{_slugify(text.split()[:6])}-{pk}"[:150],
                source.pk,
                speaker,
                fidelity,
                text,
                event,
                said_on,
                None,
                None,
                "",
            )
        )
        for position, (start, end) in enumerate(spans):
            ids["spans"] += 1
            batch["spans"].append((ids["spans"], pk, position, start, end))
        candidates = source.themes + rng.sample(pools.theme_ids, 2)
        for theme_id in sorted(set(candidates[: rng.randint(1, 3)])):
            ids["quote_themes"] += 1
            batch["quote_themes"].append((ids["quote_themes"], pk, theme_id))
        n_links = rng.choices([0, 1, 2, 3], weights=[2, 4, 3, 1])[0]
        for group_id in sorted(rng.sample(pools.group_ids, n_links)):
            ids["quote_stakeholders"] += 1
            batch["quote_stakeholders"].append(
                (ids["quote_stakeholders"], pk, group_id, rng.choice(GROUP_ROLES))
            )


_STAMPS = "id created_at updated_at "


def written_tables() -> dict[str, tuple[type, list[str]]]:
    """(model or through model, field names in row order) of each written table."""
    return {
        "organizations": (
            Organization,
            _words(
                _STAMPS + "slug name classification description wikidata_id "
                "wikidata_certainty parent"
            ),
        ),
        "speakers": (
            Speaker,
            _words(
                _STAMPS + "slug name sort_name given_name family_name other_names "
                "biography wikidata_id"
            ),
        ),
        "roles": (
            SpeakerRole,
            _words(
                _STAMPS + "speaker title organization start_date end_date "
                "source_url note"
            ),
        ),
        "events": (
            Event,
            _words(
                _STAMPS + "slug name kind description start_date end_date venue "
                "city country source_urls parent"
            ),
        ),
        "event_hosts": (EventHost, _words("id role event organization")),
        "themes": (Theme, _words(_STAMPS + "slug name description parent")),
        "groups": (
            StakeholderGroup,
            _words(_STAMPS + "slug name category description"),
        ),
        "statements": (
            Statement,
            _words(
                _STAMPS + "slug title kind publisher source_url published_on "
                "language license license_url provenance_note text text_sha256 "
                "author_speaker author_organization event"
            ),
        ),
        "statement_themes": (
            Statement.themes.through,
            _words("id statement theme"),
        ),
        "statement_groups": (
            Statement.stakeholder_groups.through,
            _words("id statement stakeholdergroup"),
        ),
        "quotes": (
            Quote,
            _words(
                _STAMPS + "slug statement speaker fidelity text event said_on "
                "as_delivered as_delivered_source_url provenance_note"
            ),
        ),
        "spans": (QuoteSpan, _words("id quote position start end")),
        "quote_themes": (Quote.themes.through, _words("id quote theme")),
        "quote_stakeholders": (QuoteStakeholder, _words("id quote group role")),
    }


def _copy_statement(model, field_names) -> sql.Composed:
    columns = [model._meta.get_field(name).column for name in field_names]
    return sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table),
        sql.SQL(", ").join(sql.Identifier(column) for column in columns),
    )


def set_change_triggers(cursor, *, enabled: bool) -> None:
    """Enable or disable every change-feed trigger (statements.changefeed) and
    every history trigger (statements.history), and the search documents'
    (statements.search: written in one statement per table after the load)."""
    action = "ENABLE" if enabled else "DISABLE"
    for table, trigger in (*changefeed.TRIGGERS, *history.triggers(), *search.TRIGGERS):
        cursor.execute(f'ALTER TABLE "{table}" {action} TRIGGER "{trigger}"')


def load(alias: str, data: DemoData, *, fire_triggers: bool, progress) -> RowCounts:
    """Write every row of `data` into the database `alias` with COPY, in one
    transaction, and the change feed of it: written by the triggers row by row
    when `fire_triggers`, else as one "created" change per record after the load.
    `progress` (tqdm) advances by the quotes written."""
    connection = connections[alias]
    tables = written_tables()
    counter = RowCounts()
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        if not fire_triggers:
            set_change_triggers(cursor, enabled=False)

        def copy(table: str, rows: list[tuple]) -> None:
            model, field_names = tables[table]
            with cursor.cursor.copy(_copy_statement(model, field_names)) as out:
                for row in rows:
                    out.write_row(row)
            counter.add(table, len(rows))

        speakers, roles = data.speakers()
        event_rows, event_dates = data.events()
        themes, groups = data.themes(), data.groups()
        for table, rows in [
            ("organizations", data.organizations()),
            ("speakers", speakers),
            ("roles", roles),
            ("events", event_rows),
            ("event_hosts", data.event_hosts),
            ("themes", themes),
            ("groups", groups),
        ]:
            copy(table, rows)
        for batch in data.statement_batches(speakers, event_dates, themes, groups):
            for table, rows in batch.items():
                copy(table, rows)
            progress.update(len(batch["quotes"]))
        progress.set_postfix_str("checking keys, writing the change feed")
        if not fire_triggers:
            # Deferred foreign-key checks are pending trigger events, which
            # ALTER TABLE refuses to run beside: check them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(search.REFRESH_ALL)
            set_change_triggers(cursor, enabled=True)
            cursor.execute(changefeed.BACKFILL)
        for model, _ in tables.values():
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                "(SELECT COALESCE(MAX(id), 0) + 1 FROM "
                f"{connection.ops.quote_name(model._meta.db_table)}), false)",
                [model._meta.db_table],
            )
    return counter


def truncate(connection, models) -> None:
    """Empty the tables of `models`, restarting their ids."""
    tables = ", ".join(
        connection.ops.quote_name(model._meta.db_table) for model in models
    )
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY")
