"""manage.py apikey: create, revoke and list partner API keys."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from statements.choices import KeyScope
from statements.models import PartnerKey


def positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Partner API keys: `create NAME [--rate N] [--scope read|editor]` prints "
        "the key once, `revoke PREFIX` revokes it for good, `list` shows every key."
    )

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        create = commands.add_parser("create", help="create a key and print it once")
        create.add_argument("name", help="who the key is for (50 characters max)")
        create.add_argument(
            "--rate",
            type=positive_int,
            help=f"requests per {settings.RATE_LIMIT_WINDOW} s "
            "(default: RATE_LIMIT_PARTNER)",
        )
        create.add_argument(
            "--scope",
            choices=KeyScope.values,
            default=KeyScope.READ,
            help="read (default) or editor: an editor key may also write",
        )
        revoke = commands.add_parser("revoke", help="revoke a key; cannot be undone")
        revoke.add_argument("prefix", help="the key's prefix, as `list` shows it")
        commands.add_parser("list", help="every key, newest first")

    def handle(self, *args, **options):
        getattr(self, f"handle_{options['command']}")(options)

    def handle_create(self, options):
        name = options["name"].strip()
        if not name or len(name) > 50:
            raise CommandError("NAME must be 1 to 50 characters.")
        key, raw_key = PartnerKey.objects.create_key(
            name=name, rate=options["rate"], scope=options["scope"]
        )
        self.stderr.write(
            f"Created key {key.prefix} for {name!r}. Store it now: it cannot be "
            "shown again."
        )
        self.stdout.write(raw_key)

    def handle_revoke(self, options):
        try:
            key = PartnerKey.objects.get(prefix=options["prefix"])
        except PartnerKey.DoesNotExist:
            raise CommandError(f"No key with prefix {options['prefix']!r}.") from None
        if key.revoked:
            self.stdout.write(f"Key {key.prefix} ({key.name}) was already revoked.")
            return
        key.revoked = True
        key.save(update_fields=["revoked"])
        self.stdout.write(self.style.SUCCESS(f"Revoked key {key.prefix} ({key.name})."))

    def handle_list(self, options):
        rows = [("PREFIX", "NAME", "RATE", "SCOPE", "CREATED", "LAST USED", "STATUS")]
        for key in PartnerKey.objects.all():
            status = "revoked" if key.revoked else "expired" if key.has_expired else ""
            rows.append(
                (
                    key.prefix,
                    key.name,
                    str(key.rate or f"{settings.RATE_LIMIT_PARTNER} (default)"),
                    key.scope,
                    f"{key.created:%Y-%m-%d %H:%M}",
                    f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "-",
                    status or "active",
                )
            )
        widths = [
            max(len(cell) for cell in column) for column in zip(*rows, strict=True)
        ]
        for row in rows:
            cells = zip(row, widths, strict=True)
            self.stdout.write("  ".join(cell.ljust(w) for cell, w in cells).rstrip())
