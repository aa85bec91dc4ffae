"""Write the export tables of docs/exports.md from the resources' declarations."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from statements import export_columns, exports

START = "<!-- export-columns:start (make schema writes this part) -->"
END = "<!-- export-columns:end -->"


def with_tables(document: str) -> str:
    """`document` with the part between the markers replaced by the tables."""
    if START not in document or END not in document:
        raise ValueError(f"The markers {START!r} and {END!r} are missing.")
    head, rest = document.split(START, 1)
    _, tail = rest.split(END, 1)
    tables = "\n".join(
        export_columns.columns_markdown(r) for r in exports.RESOURCES.values()
    )
    return f"{head}{START}\n\n{tables}\n{END}{tail}"


class Command(BaseCommand):
    help = "Write the CSV and NDJSON tables of docs/exports.md (make schema runs it)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--file", default=str(Path(settings.BASE_DIR) / "docs" / "exports.md")
        )

    def handle(self, *args, file, **options):
        path = Path(file)
        try:
            path.write_text(with_tables(path.read_text(encoding="utf-8")), "utf-8")
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Wrote the export tables of {path}")
