"""Create the database cache table, the default shared store for rate limits.

`createcachetable` is not run by `migrate`; doing it here means every database
that is migrated (including the test database) has the table.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("statements", "0001_initial")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
