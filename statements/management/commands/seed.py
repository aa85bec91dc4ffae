"""manage.py seed: load the fixtures, idempotently, in one transaction."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

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
        for path in options["fixtures"] or [DEFAULT_FIXTURE]:
            try:
                result = load_fixture(path=path)
            except FixtureError as exc:
                raise CommandError(f"Nothing was changed. {exc}") from exc
            self.stdout.write(
                self.style.SUCCESS(f"Seeded {path.name}: {result.summary()}")
            )
