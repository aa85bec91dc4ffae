"""manage.py shell, with its changes recorded in the history as made from `shell`."""

from django.core.management.commands import shell

from statements.history import recording


class Command(shell.Command):
    def handle(self, **options):
        with recording(source="shell"):
            return super().handle(**options)
