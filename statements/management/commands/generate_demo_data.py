"""manage.py generate_demo_data: a large, realistic, deterministic data set.

For benchmarks (`make bench`, docs/performance.md), never for real data. It writes
only into a database whose name ends with ``_demo``:

- the configured database (DATABASE_URL) when its name ends with ``_demo``, or
- ``--database-name NAME_demo``: a database on the same server as the configured
  one, created when missing and migrated, whatever DATABASE_URL names.

Any other name is refused before a connection is made. The tables must be empty
unless ``--reset`` is given, which truncates them (the change feed included);
``--keep-existing`` leaves a database that already has quotes as it is.

Rows are written with COPY in one transaction, a batch of statements at a time.
The change-feed triggers of migration 0003 are disabled for the load, and one
"created" change per record is then recorded in one statement per table, as
migration 0003 does for rows older than the feed. That is the feed the triggers
write for one transaction (each record once, as created), 28 times faster for
20,000 quotes; ``--with-triggers`` lets them fire row by row instead, to measure
what a bulk write through the triggers costs (docs/performance.md).

The same ``--seed`` and ``--quotes`` give the same rows, ids and timestamps.
"""

import datetime
import hashlib
import importlib
import itertools
import random
import sys
import time
from dataclasses import dataclass, field
from itertools import accumulate

import psycopg
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction
from psycopg import sql
from tqdm import tqdm

from statements.choices import (
    EventKind,
    Fidelity,
    StakeholderCategory,
    StakeholderRole,
    StatementKind,
)
from statements.models import (
    SPAN_SEPARATOR,
    Change,
    Event,
    Quote,
    QuoteSpan,
    QuoteStakeholder,
    Speaker,
    SpeakerRole,
    StakeholderGroup,
    Statement,
    Theme,
)

DEMO_SUFFIX = "_demo"
DEMO_ALIAS = "demo"
STATEMENTS_PER_BATCH = 1000
QUOTES_PER_STATEMENT = 5
# Every timestamp is derived from this instant, never from the clock.
EPOCH = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
FIRST_DAY = datetime.date(2015, 1, 1)
LAST_DAY = datetime.date(2025, 10, 31)
TRIGGER_MIGRATION = "statements.migrations.0003_change_feed"


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


class DemoData:
    """Builds the rows, batch by batch, from one seeded random generator."""

    def __init__(self, sizes: Sizes, seed: int):
        self.sizes = sizes
        self.rng = random.Random(seed)

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

    def speakers(self):
        rng, speakers, roles = self.rng, [], []
        names = list(itertools.product(GIVEN_NAMES, FAMILY_NAMES))
        rng.shuffle(names)
        role_id = 0
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
            start = _day(rng, datetime.date(2008, 1, 1), datetime.date(2012, 12, 31))
            n_roles = rng.randint(1, 3)
            for index in range(n_roles):
                role_id += 1
                length = datetime.timedelta(days=rng.randint(700, 2200))
                open_ended = index == n_roles - 1 and rng.random() < 0.6
                end = None if open_ended else start + length
                roles.append(
                    (
                        role_id,
                        created,
                        updated,
                        pk,
                        rng.choice(ROLE_TITLES),
                        rng.choice(ORGANIZATIONS),
                        start,
                        end,
                        None,
                        "",
                    )
                )
                if end is not None:
                    start = end + datetime.timedelta(days=1)
        return speakers, roles

    def events(self):
        """Top-level events with four sub-events each, sub-events after parents."""
        rng, rows, dates = self.rng, [], {}
        tops = self.sizes.events // 5
        for pk in range(1, tops + 1):
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
                    [rng.choice(ORGANIZATIONS)],
                    [f"https://events.example.org/{pk}"],
                    None,
                )
            )
            dates[pk] = (start, end)
        pk = tops
        for parent in range(1, tops + 1):
            parent_start, parent_end = dates[parent]
            parent_name = rows[parent - 1][4]
            for _ in range(4):
                pk += 1
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
                        rows[parent - 1][10],
                        rows[parent - 1][11],
                        [],
                        [],
                        parent,
                    )
                )
                dates[pk] = (day, day)
        return rows, dates

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
        rng = self.rng
        speaker_ids = [row[0] for row in speakers]
        speaker_family = {row[0]: row[7] for row in speakers}
        event_ids = sorted(event_dates)
        leaf_themes = [row[0] for row in themes if row[6] is not None]
        theme_ids = [row[0] for row in themes]
        group_ids = [row[0] for row in groups]
        roles = list(StakeholderRole.values)
        kinds = list(StatementKind.values)
        counts = self.quote_counts()
        quote_pk = span_pk = quote_theme_pk = link_pk = 0
        statement_theme_pk = statement_group_pk = 0
        for batch_start in range(0, len(counts), STATEMENTS_PER_BATCH):
            batch = {
                "statements": [],
                "statement_themes": [],
                "statement_groups": [],
                "quotes": [],
                "spans": [],
                "quote_themes": [],
                "quote_stakeholders": [],
            }
            batch_end = min(batch_start + STATEMENTS_PER_BATCH, len(counts))
            for statement_pk in range(batch_start + 1, batch_end + 1):
                text, bounds = self.statement_text()
                event_id = rng.choice(event_ids) if rng.random() < 0.7 else None
                if event_id is not None:
                    event_start, event_end = event_dates[event_id]
                    published_on = event_end + datetime.timedelta(
                        days=rng.choice([0, 0, 1, 2])
                    )
                else:
                    event_start = event_end = None
                    published_on = _day(rng)
                stamp_day = published_on
                if rng.random() < 0.02:
                    published_on = None
                speaker_id = rng.choice(speaker_ids) if rng.random() < 0.85 else None
                publisher, domain = rng.choice(PUBLISHERS)
                license_name, license_url = rng.choice(LICENSES)
                topic = self.content_words(2)
                title = (
                    f"{rng.choice(['Remarks', 'Statement', 'Interview', 'Op-ed'])} "
                    f"on {topic[0]} and {topic[1]}"
                )
                slug = f"{_slugify(title.split())}-{statement_pk}"
                created, updated = _stamps(rng, stamp_day)
                batch["statements"].append(
                    (
                        statement_pk,
                        created,
                        updated,
                        slug,
                        title,
                        rng.choice(kinds),
                        publisher,
                        f"https://{domain}/statements/{slug}",
                        published_on,
                        "en" if rng.random() < 0.9 else "en-GB",
                        license_name,
                        license_url,
                        "",
                        text,
                        hashlib.sha256(text.encode("utf-8")).hexdigest(),
                        speaker_id,
                        event_id,
                    )
                )
                statement_themes = sorted(rng.sample(leaf_themes, rng.randint(1, 3)))
                for theme_id in statement_themes:
                    statement_theme_pk += 1
                    batch["statement_themes"].append(
                        (statement_theme_pk, statement_pk, theme_id)
                    )
                for group_id in sorted(rng.sample(group_ids, rng.randint(0, 2))):
                    statement_group_pk += 1
                    batch["statement_groups"].append(
                        (statement_group_pk, statement_pk, group_id)
                    )
                for _ in range(counts[statement_pk - 1]):
                    quote_pk += 1
                    quote_speaker = speaker_id or rng.choice(speaker_ids)
                    fidelity = rng.choices(
                        [Fidelity.DIRECT, Fidelity.REPORTED, Fidelity.PARAPHRASE],
                        weights=[6, 2, 2],
                    )[0].value
                    if len(bounds) > 2 and rng.random() < 0.25:
                        first, second = sorted(rng.sample(range(len(bounds)), 2))
                        spans = [bounds[first], bounds[second]]
                    else:
                        spans = [rng.choice(bounds)]
                    joined = SPAN_SEPARATOR.join(text[s:e] for s, e in spans)
                    if fidelity == Fidelity.PARAPHRASE:
                        words = joined.rstrip(".").split()
                        words[0] = words[0].lower()
                        quote_text = (
                            f"{speaker_family[quote_speaker]} said that "
                            f"{' '.join(words[: rng.randint(5, 14)])}."
                        )
                    else:
                        quote_text = joined
                    quote_event = event_id if rng.random() < 0.9 else None
                    if quote_event is not None and rng.random() < 0.4:
                        said_on = None
                    elif rng.random() < 0.7:
                        said_on = event_start if quote_event else published_on
                    else:
                        said_on = None
                    created, updated = _stamps(rng, stamp_day)
                    batch["quotes"].append(
                        (
                            quote_pk,
                            created,
                            updated,
                            f"{_slugify(quote_text.split()[:6])}-{quote_pk}"[:150],
                            statement_pk,
                            quote_speaker,
                            fidelity,
                            quote_text,
                            quote_event,
                            said_on,
                            None,
                            None,
                            "",
                        )
                    )
                    for position, (start, end) in enumerate(spans):
                        span_pk += 1
                        batch["spans"].append((span_pk, quote_pk, position, start, end))
                    candidates = statement_themes + rng.sample(theme_ids, 2)
                    quote_themes = sorted(set(candidates[: rng.randint(1, 3)]))
                    for theme_id in quote_themes:
                        quote_theme_pk += 1
                        batch["quote_themes"].append(
                            (quote_theme_pk, quote_pk, theme_id)
                        )
                    n_links = rng.choices([0, 1, 2, 3], weights=[2, 4, 3, 1])[0]
                    for group_id in sorted(rng.sample(group_ids, n_links)):
                        link_pk += 1
                        batch["quote_stakeholders"].append(
                            (link_pk, quote_pk, group_id, rng.choice(roles))
                        )
            yield batch


_STAMPS = "id created_at updated_at "


def _tables() -> dict[str, tuple[type, list[str]]]:
    """(model or through model, field names in row order) of each written table."""
    return {
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
                "city country hosts source_urls parent"
            ),
        ),
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
                "speaker event"
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


class Command(BaseCommand):
    help = (
        "Generate a large deterministic data set for benchmarks into a *_demo "
        "database (see docs/performance.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--quotes", type=int, default=200_000, help="quotes to make (200000)"
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed (1)")
        parser.add_argument(
            "--database-name",
            help=(
                f"a database name ending with {DEMO_SUFFIX!r} on the configured "
                "server; created and migrated when missing"
            ),
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="truncate the demo tables (and the change feed) first",
        )
        parser.add_argument(
            "--keep-existing",
            action="store_true",
            help="do nothing when the database already has quotes",
        )
        parser.add_argument(
            "--with-triggers",
            action="store_true",
            help=(
                "let the change-feed triggers fire for every row (slow) instead of "
                "recording one 'created' change per record after the load"
            ),
        )

    def handle(self, *args, **options):
        if options["quotes"] < 1:
            raise CommandError("--quotes must be 1 or more.")
        alias = self.demo_alias(options["database_name"])
        try:
            self.generate(alias, options)
        finally:
            if alias != "default":
                connections[alias].close()

    # --- where the data goes ---------------------------------------------------------

    def demo_alias(self, database_name: str | None) -> str:
        """The connection alias of the demo database, created and migrated."""
        default = connections["default"].settings_dict
        name = database_name or default["NAME"]
        problem = demo_database_problem(name)
        if problem:
            raise CommandError(problem)
        self.create_database(default, name)
        if name == default["NAME"]:
            alias = "default"
        else:
            connections.settings[DEMO_ALIAS] = {
                **default,
                "NAME": name,
                "TEST": {**default.get("TEST", {}), "NAME": None},
            }
            alias = DEMO_ALIAS
        call_command("migrate", database=alias, interactive=False, verbosity=0)
        return alias

    def create_database(self, settings: dict, name: str) -> None:
        """CREATE DATABASE `name` on the server of `settings` unless it exists."""
        params = {
            "dbname": "postgres",
            "host": settings["HOST"] or None,
            "port": settings["PORT"] or None,
            "user": settings["USER"] or None,
            "password": settings["PASSWORD"] or None,
            "connect_timeout": 10,
        }
        with psycopg.connect(**params, autocommit=True) as conn:
            found = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            if not found:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                self.stdout.write(f"Created the database {name}.")

    # --- writing ---------------------------------------------------------------------

    def generate(self, alias: str, options: dict) -> None:
        connection = connections[alias]
        sizes = Sizes(options["quotes"])
        data = DemoData(sizes, options["seed"])
        tables = _tables()
        models = [model for model, _ in tables.values()]
        has_data = any(model.objects.using(alias).exists() for model in models)
        if has_data and options["keep_existing"] and not options["reset"]:
            quotes = Quote.objects.using(alias).count()
            self.stdout.write(
                f"{connection.settings_dict['NAME']} already has {quotes} quotes; "
                "kept (--keep-existing)."
            )
            return
        if options["reset"]:
            self.truncate(connection, [*models, Change])
        elif has_data:
            raise CommandError(
                f"{connection.settings_dict['NAME']} already has data; pass --reset "
                "to replace it."
            )
        counter = RowCounts()
        started = time.monotonic()
        progress = tqdm(
            total=sizes.quotes,
            unit="quote",
            desc="demo data",
            file=sys.stderr,
            disable=options["verbosity"] == 0,
        )
        fire_triggers = options["with_triggers"]
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            triggers = self.change_triggers()
            if not fire_triggers:
                for statement in triggers:
                    cursor.execute(statement.format(action="DISABLE"))

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
                ("speakers", speakers),
                ("roles", roles),
                ("events", event_rows),
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
                for statement in triggers:
                    cursor.execute(statement.format(action="ENABLE"))
                cursor.execute(importlib.import_module(TRIGGER_MIGRATION).BACKFILL)
            for model in models:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                    "(SELECT COALESCE(MAX(id), 0) + 1 FROM "
                    f"{connection.ops.quote_name(model._meta.db_table)}), false)",
                    [model._meta.db_table],
                )
        progress.close()
        loaded = time.monotonic() - started
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
        vacuumed = time.monotonic() - started - loaded
        changes = Change.objects.using(alias).count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated into {connection.settings_dict['NAME']} (seed "
                f"{options['seed']}, change-feed triggers "
                f"{'fired' if fire_triggers else 'off, feed written after'}): "
                + ", ".join(f"{n} {table}" for table, n in counter.rows.items())
                + f", {changes} changes. {counter.total} rows in {loaded:.1f} s "
                f"({counter.total / loaded:,.0f} rows/s), VACUUM ANALYZE "
                f"{vacuumed:.1f} s."
            )
        )

    @staticmethod
    def change_triggers() -> list[str]:
        """`ALTER TABLE … {action} TRIGGER` for each trigger of migration 0003."""
        migration = importlib.import_module(TRIGGER_MIGRATION)
        tables = [table for table, _ in migration.RESOURCES.values()]
        tables += list(migration.LINKS)
        return [
            f'ALTER TABLE "{table}" {{action}} TRIGGER "{table}_change"'
            for table in tables
        ]

    @staticmethod
    def truncate(connection, models) -> None:
        tables = ", ".join(
            connection.ops.quote_name(model._meta.db_table) for model in models
        )
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY")
