"""manage.py record_examples: the schema's response examples, as the API answers them.

Each example is the real response to one request against fixtures/blinken.json,
seeded into a throwaway database that this command creates, migrates and drops,
so the developer's own data never shows. The bodies are normalised (one host, fixed
timestamps) and written to statements/api/examples.json, which is all the schema
generation reads. The recorder speaks to the API over HTTP only, as a client would.
"""

import contextlib
import io
import json
import logging
import sys
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import setup_test_environment, teardown_test_environment

OUTPUT = Path(settings.BASE_DIR) / "statements" / "api" / "examples.json"
API = "/api/v1"
EXAMPLE_HOST = "https://statements.example.org"
TIMESTAMP = "2026-12-01T09:00:00Z"
TIMESTAMP_KEYS = ("created_at", "updated_at")
# Appended to the database name; pytest's test database has no suffix.
DATABASE_SUFFIX = "_record_examples"

QUOTE = "blinken-stabilize-and-strengthen-host-communities"
STATEMENT = "voa-blinken-on-meeting-the-migration-challenge"
SPEAKER = "antony-blinken"
EVENT = "ministerial-conference-on-migration-and-protection-2022"
THEME = "host-communities"
GROUP = "host-communities"


@dataclass(frozen=True)
class Case:
    """One recorded request: the example `name` of `operations` (route-action)."""

    name: str
    operations: tuple[str, ...]
    path: str
    status: int = 200
    summary: str = ""
    description: str = ""

    def as_summary(self) -> str:
        return self.summary or f"GET {self.path}"


CASES = (
    Case(
        "TwoSpanQuote",
        ("quotes-detail",),
        f"/quotes/{QUOTE}/",
        description="One quotation split by the publisher's attribution: "
        "two spans of the text.",
    ),
    Case("QuotesOfATheme", ("quotes-list",), f"/quotes/?theme={THEME}"),
    Case("FacetsOfATheme", ("quotes-facets",), f"/quotes/facets/?theme={THEME}"),
    Case(
        "InvalidFidelity",
        ("quotes-list", "quotes-facets"),
        "/quotes/?fidelity=quoted",
        status=400,
        summary="?fidelity=quoted",
    ),
    Case(
        "Statement",
        ("statements-detail",),
        f"/statements/{STATEMENT}/",
        description="The full text, its paragraphs and the quotes taken from it.",
    ),
    Case("Statements", ("statements-list",), "/statements/"),
    Case("Speaker", ("speakers-detail",), f"/speakers/{SPEAKER}/"),
    Case("Speakers", ("speakers-list",), "/speakers/"),
    Case(
        "ConferenceWithSessions",
        ("events-detail",),
        f"/events/{EVENT}/",
        description="A conference and its two child events.",
    ),
    Case("ChildEvents", ("events-list",), f"/events/?parent={EVENT}"),
    Case("Theme", ("themes-detail",), f"/themes/{THEME}/"),
    Case("ChildThemes", ("themes-list",), f"/themes/?parent={THEME}"),
    Case(
        "StakeholderGroup",
        ("stakeholder-groups-detail",),
        f"/stakeholder-groups/{GROUP}/",
    ),
    Case(
        "GovernmentGroups",
        ("stakeholder-groups-list",),
        "/stakeholder-groups/?category=government",
    ),
    Case(
        "StateDepartment",
        ("organizations-detail",),
        "/organizations/us-department-of-state/",
        description="A department under its government, with a probable Wikidata id.",
    ),
    Case(
        "Governments",
        ("organizations-list",),
        "/organizations/?classification=government",
    ),
)


def normalise(value, origin: str):
    """`value` with `origin` replaced by EXAMPLE_HOST and every timestamp fixed."""
    if isinstance(value, list):
        return [normalise(item, origin) for item in value]
    if isinstance(value, dict):
        return {
            key: TIMESTAMP if key in TIMESTAMP_KEYS else normalise(item, origin)
            for key, item in value.items()
        }
    if isinstance(value, str):
        return value.replace(origin, EXAMPLE_HOST)
    return value


def record(client) -> dict:
    """Every case's normalised response, by example name, as `client` gets it."""
    recorded = {}
    for case in CASES:
        response = client.get(API + case.path)
        if response.status_code != case.status:
            raise RuntimeError(
                f"GET {API}{case.path} answered {response.status_code}, "
                f"not {case.status}: {response.content[:500]!r}"
            )
        origin = f"{response.wsgi_request.scheme}://{response.wsgi_request.get_host()}"
        recorded[case.name] = {
            "operations": list(case.operations),
            "path": API + case.path,
            "status": case.status,
            "summary": case.as_summary(),
            "description": case.description,
            "value": normalise(response.json(), origin),
        }
    return recorded


def render(recorded: dict) -> str:
    """The file's text: the responses' own key order, indented, one final newline."""
    return json.dumps(recorded, indent=2, ensure_ascii=False) + "\n"


class Command(BaseCommand):
    help = (
        "Record the OpenAPI response examples from the seeded API, on a throwaway "
        "database, into statements/api/examples.json."
    )

    def handle(self, *args, **options):
        text = self.record_on_a_throwaway_database(options["verbosity"])
        OUTPUT.write_text(text, encoding="utf-8")
        if options["verbosity"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Recorded {len(CASES)} examples into "
                    f"{OUTPUT.relative_to(settings.BASE_DIR)}"
                )
            )

    def record_on_a_throwaway_database(self, verbosity: int) -> str:
        """As Django's test runner sets up: created, migrated, seeded, dropped."""
        original_name = connection.settings_dict["NAME"]
        connection.settings_dict["TEST"]["NAME"] = (
            f"test_{original_name}{DATABASE_SUFFIX}"
        )
        quiet = verbosity < 2
        setup_test_environment()
        try:
            # createcachetable reports the cache table that a migration made.
            with contextlib.redirect_stdout(io.StringIO() if quiet else sys.stdout):
                connection.creation.create_test_db(
                    verbosity=max(verbosity - 1, 0), autoclobber=True, serialize=False
                )
            try:
                call_command("seed", stdout=io.StringIO() if quiet else self.stdout)
                # The 400 example is asked for: no warning about it.
                with _level("django.request", logging.ERROR if quiet else None):
                    return render(record(Client()))
            finally:
                connection.creation.destroy_test_db(
                    original_name, verbosity=max(verbosity - 1, 0)
                )
        finally:
            teardown_test_environment()


@contextlib.contextmanager
def _level(logger_name: str, level: int | None):
    logger = logging.getLogger(logger_name)
    saved = logger.level
    if level is not None:
        logger.setLevel(level)
    try:
        yield
    finally:
        logger.setLevel(saved)
