from django.apps import AppConfig
from django.db.models.signals import post_migrate


def bump_data_version(sender, using, **kwargs):
    """Move the data version after migrate or flush (which bypass the triggers).

    Cached counts and ETags key on it; a flush in tests or a migration that
    rewrites rows must not leave them answering for the old data.
    """
    from django.db import connections

    with connections[using].cursor() as cursor:
        cursor.execute("SELECT to_regclass('statements_data_version')")
        if cursor.fetchone()[0] is None:  # migrated back past 0005
            return
        cursor.execute(
            "UPDATE statements_data_version "
            "SET version = version + 1, changed_at = clock_timestamp()"
        )


class StatementsConfig(AppConfig):
    name = "statements"
    verbose_name = "Statements"

    def ready(self):
        post_migrate.connect(bump_data_version, sender=self)
        from statements import admin_access  # noqa: F401
