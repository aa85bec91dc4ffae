"""manage.py generate_demo_data: a large, realistic, deterministic data set.

For benchmarks (`make bench`, docs/performance.md), never for real data. It writes
only into a database whose name ends with ``_demo``:

- the configured database (DATABASE_URL) when its name ends with ``_demo``, or
- ``--database-name NAME_demo``: a database on the same server as the configured
  one, created when missing and migrated, whatever DATABASE_URL names.

Any other name is refused before a connection is made. The tables must be empty
unless ``--reset`` is given, which truncates them (the change feed included);
``--keep-existing`` leaves a database that already has quotes as it is.

The rows come from statements.demo_data, written with COPY in one transaction with
the change-feed triggers off and the feed written after (``--with-triggers`` lets
them fire row by row). The same ``--seed`` and ``--quotes`` give the same rows,
ids and timestamps.
"""

import sys
import time

import psycopg
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from psycopg import sql
from tqdm import tqdm

from statements import demo_data
from statements.demo_data import DEMO_SUFFIX, DemoData, Sizes, demo_database_problem
from statements.models import ArticleImport, Change, Quote, SearchWord
from statements.models.history import EVENT_MODELS

SEARCH_MODELS = [SearchWord]

# The connection alias of a demo database other than the configured one.
DEMO_ALIAS = "demo"


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
        models = [model for model, _ in demo_data.written_tables().values()]
        has_data = any(model.objects.using(alias).exists() for model in models)
        if has_data and options["keep_existing"] and not options["reset"]:
            quotes = Quote.objects.using(alias).count()
            self.stdout.write(
                f"{connection.settings_dict['NAME']} already has {quotes} quotes; "
                "kept (--keep-existing)."
            )
            return
        if options["reset"]:
            # An imported statement keeps its original beside it (ArticleImport).
            demo_data.truncate(
                connection,
                [*models, ArticleImport, Change, *EVENT_MODELS, *SEARCH_MODELS],
            )
        elif has_data:
            raise CommandError(
                f"{connection.settings_dict['NAME']} already has data; pass --reset "
                "to replace it."
            )
        started = time.monotonic()
        progress = tqdm(
            total=sizes.quotes,
            unit="quote",
            desc="demo data",
            file=sys.stderr,
            disable=options["verbosity"] == 0,
        )
        fire_triggers = options["with_triggers"]
        counter = demo_data.load(
            alias,
            DemoData(sizes, options["seed"]),
            fire_triggers=fire_triggers,
            progress=progress,
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
