"""manage.py import_article: a statement and its proposed quotes from an article."""

import datetime
import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from statements.importer import services

DEFAULT_LICENSE = "Not recorded at import"


def iso_date(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


class Command(BaseCommand):
    help = (
        "Read a plain-text (UTF-8) or HTML article, create its statement and "
        "propose its quotes for an editor to confirm (docs/importer.md). "
        "`--dry-run --json` prints the proposals and writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the article: .txt or .html")
        parser.add_argument(
            "--publisher",
            help="who published it: an organization's slug or name, created when "
            "new (else the page's)",
        )
        parser.add_argument("--url", help="where it was published (else the page's)")
        parser.add_argument(
            "--published-on",
            type=iso_date,
            help="publication date, YYYY-MM-DD (else the page's; else null)",
        )
        parser.add_argument("--title", help="its title (else the page's or the file's)")
        parser.add_argument("--language", help="BCP 47 tag (else the page's, else en)")
        parser.add_argument(
            "--license", default=DEFAULT_LICENSE, help="the text's licence"
        )
        parser.add_argument(
            "--html",
            action="store_true",
            default=None,
            help="read the file as HTML (default: by its suffix or first tag)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="write nothing; show proposals"
        )
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, path: Path, **options):
        try:
            content = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path} as UTF-8: {error}") from error
        media_type = None
        if options["html"] or path.suffix.lower() in (".html", ".htm"):
            media_type = services.HTML
        elif path.suffix.lower() == ".txt":
            media_type = services.PLAIN
        article = services.read_article(content, media_type=media_type)
        if not article.text.strip():
            raise CommandError(f"{path} has no article text.")
        if options["dry_run"]:
            self.show(services.preview(article), options)
            return
        try:
            result = services.import_article(
                article=article,
                source_name=path.name,
                publisher=options["publisher"],
                url=options["url"],
                published_on=options["published_on"],
                title=options["title"],
                language=options["language"],
                license=options["license"],
            )
        except ValidationError as error:
            raise CommandError(f"Not imported: {'; '.join(error.messages)}") from error
        self.stderr.write(
            f"Imported {path.name} as statement {result.statement.slug!r}: "
            f"{len(result.quotes)} quotes proposed, {len(result.new_speakers)} new "
            "speakers. Review them in the admin before they are public."
        )
        if options["json"]:
            self.show(
                {
                    "statement": result.statement.slug,
                    "quotes": [q.slug for q in result.quotes],
                },
                options,
            )

    def show(self, data: dict, options) -> None:
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        for quote in data["quotes"]:
            speaker = quote["speaker"]["name"] if quote["speaker"] else "unknown"
            self.stdout.write(
                f"{quote['fidelity']:8} {quote['spans']} {speaker}: "
                f"{quote['text'][:70]}"
            )
