"""manage.py export_snapshot DIR: the whole data set as CSV and NDJSON, with a manifest.

Every resource is read in one REPEATABLE READ transaction, so the files agree with
each other; the rows and columns are those of the HTTP exports (statements.exports).
"""

import hashlib
import json
import sys
import tomllib
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from django.utils import timezone
from tqdm import tqdm

from statements import exports
from statements.models import Statement

# Bump when the files' layout or columns change in a way readers must know about.
# 2: CSV written by PostgreSQL's COPY (lines end with LF, roles JSON as json_agg).
# 3: the manifest's licence names the annotations' licence apart from the texts'
#    (`annotations`, `text_licences` for `data_licences`, no `api`).
SNAPSHOT_FORMAT_VERSION = "3"
MANIFEST_NAME = "manifest.json"


def _code_licence() -> str:
    with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as file:
        return tomllib.load(file)["project"]["license"]


def _text_licences() -> list[dict]:
    """Each licence of the source texts (a statement's), with how many statements
    and quotes are under it."""
    rows = (
        Statement.objects.order_by()
        .values("license", "license_url")
        .annotate(statements=Count("id", distinct=True), quotes=Count("quotes"))
        .order_by("license", "license_url")
    )
    return [dict(row) for row in rows]


class _HashingWriter:
    """A file that keeps the sha256 and size of what is written to it."""

    def __init__(self, path: Path):
        self.path = path
        self.file = open(path, "wb")  # noqa: SIM115 - closed in close()
        self.sha256 = hashlib.sha256()
        self.bytes = 0

    def write(self, data: bytes):
        if data:
            self.file.write(data)
            self.sha256.update(data)
            self.bytes += len(data)

    def close(self):
        self.file.close()


def _write_all(chunks, writer: _HashingWriter, progress=None) -> int:
    """Write every piece of an export; return its row count (the generator's)."""
    while True:
        try:
            data = next(chunks)
        except StopIteration as done:
            return done.value
        writer.write(data)
        if progress is not None:
            progress.update(data.count(b"\n"))
        del data  # not alive while the next piece is read


class Command(BaseCommand):
    help = (
        "Write a snapshot of every resource (CSV and NDJSON) and a manifest.json "
        "with counts, sha256 sums, versions, licences and a citation into DIR."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "directory", type=Path, help="where to write (new or empty)"
        )
        parser.add_argument(
            "--base-url",
            default="",
            help="origin for the records' url fields, e.g. https://api.example.org "
            "(default: none, so urls are paths such as /api/v1/quotes/<slug>/)",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="no progress bar on stderr"
        )

    def handle(self, *args, directory: Path, base_url: str, no_progress: bool, **_):
        if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
            raise CommandError(f"{directory} exists and is not an empty directory.")
        directory.mkdir(parents=True, exist_ok=True)

        files = []
        with exports.export_transaction():
            taken_at = timezone.now()
            counts = {
                name: resource.model.objects.count()
                for name, resource in exports.RESOURCES.items()
            }
            progress = tqdm(
                total=sum(counts.values()),
                unit=" rows",
                file=sys.stderr,
                disable=no_progress or not sys.stderr.isatty(),
            )
            with progress:
                for name, resource in exports.RESOURCES.items():
                    progress.set_description(name)
                    files += self._write_resource(
                        directory, resource, base_url, progress
                    )
            licences = _text_licences()

        for entry in files:
            if entry["rows"] != counts[entry["resource"]]:
                raise CommandError(f"{entry['path']}: row count changed while writing.")
        manifest = self._manifest(taken_at, base_url, counts, files, licences)
        (directory / MANIFEST_NAME).write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote a snapshot to {directory}: "
                + ", ".join(f"{name} {count}" for name, count in counts.items())
            )
        )

    def _write_resource(self, directory, resource, base_url, progress) -> list[dict]:
        queryset = resource.model.objects.all()
        writers = {}
        rows = {}
        for fmt in exports.FORMATS.values():
            writer = writers[fmt.name] = _HashingWriter(
                directory / f"{resource.name}.{fmt.name}"
            )
            try:
                chunks = fmt.chunks(resource, queryset, base_url=base_url)
                # The progress bar follows the NDJSON pass: a line per record.
                track = progress if fmt.name == "ndjson" else None
                rows[fmt.name] = _write_all(chunks, writer, track)
            finally:
                writer.close()
        return [
            {
                "resource": resource.name,
                "format": name,
                "path": writer.path.name,
                "media_type": exports.FORMATS[name].content_type,
                "rows": rows[name],
                "bytes": writer.bytes,
                "sha256": writer.sha256.hexdigest(),
            }
            for name, writer in writers.items()
        ]

    def _manifest(self, taken_at, base_url, counts, files, licences) -> dict:
        api = settings.SPECTACULAR_SETTINGS
        content_sha256 = hashlib.sha256(
            "".join(f"{f['sha256']}  {f['path']}\n" for f in files).encode()
        ).hexdigest()
        taken = taken_at.isoformat().replace("+00:00", "Z")
        return {
            "title": f"{api['TITLE']} data set",
            "description": api["DESCRIPTION"],
            "taken_at": taken,
            "snapshot_format_version": SNAPSHOT_FORMAT_VERSION,
            "api_version": api["VERSION"],
            "base_url": base_url or None,
            "content_sha256": content_sha256,
            "counts": counts,
            "files": files,
            "columns": {
                name: {
                    "csv": [column.name for column in resource.columns],
                    "ndjson": [field.name for field in resource.fields],
                }
                for name, resource in exports.RESOURCES.items()
            },
            "licence": {
                "data": (
                    "Two layers. The source texts (a statement's text, a quote's "
                    "words) keep the licence of their source document, named by "
                    "each statement (license, license_url) and listed in "
                    "text_licences; reuse them under it and credit the source. "
                    "What this project adds (every other field: spans, themes, "
                    "stakeholder roles, notes, links) is under the licence in "
                    "annotations."
                ),
                "annotations": dict(settings.DATA_LICENSE),
                "text_licences": licences,
                "code": _code_licence(),
            },
            "citation": (
                f"{api['TITLE']} data set, snapshot of {taken[:10]} "
                f"(API version {api['VERSION']}, snapshot format "
                f"{SNAPSHOT_FORMAT_VERSION}, content sha256 {content_sha256[:12]})"
                + (f", {base_url}" if base_url else "")
                + ". Cite the original source of every quotation as well (the "
                "source_url, publisher and license of its statement)."
            ),
        }
