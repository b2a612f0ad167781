"""The database cache's table (settings.CACHES), so that `migrate` alone prepares a database.

`createcachetable` does nothing when the table exists or the cache is not the database's.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):  # type: ignore[no-untyped-def]
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_anonymous_activity")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
