"""manage.py seed: load the fixtures, idempotently, all in one transaction."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from statements.history import recording
from statements.services import FixtureError, load_fixture

DEFAULT_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "blinken.json"


class Command(BaseCommand):
    help = "Load the seed fixtures by natural keys; running it twice changes nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "fixtures",
            nargs="*",
            type=Path,
            help="fixture files (default: fixtures/blinken.json)",
        )

    def handle(self, *args, **options):
        paths = options["fixtures"] or [DEFAULT_FIXTURE]
        # Every file or none: one transaction around them all, so that a file
        # failing after others have loaded leaves nothing behind either.
        try:
            with recording(source="seed"), transaction.atomic():
                results = [(path, load_fixture(path=path)) for path in paths]
        except FixtureError as exc:
            raise CommandError(f"Nothing was changed. {exc}") from exc
        for path, result in results:
            self.stdout.write(
                self.style.SUCCESS(f"Seeded {path.name}: {result.summary()}")
            )
