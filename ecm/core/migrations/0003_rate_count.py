"""Rate-limit counters in their own table (one upsert a request), unlogged on PostgreSQL."""

from django.db import migrations, models


def unlogged(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE core_ratecount SET UNLOGGED")


class Migration(migrations.Migration):
    dependencies = [("core", "0002_cache_table")]

    operations = [
        migrations.CreateModel(
            name="RateCount",
            fields=[
                ("name", models.CharField(max_length=255, primary_key=True, serialize=False)),
                ("count", models.PositiveBigIntegerField(default=0)),
                ("expires_at", models.DateTimeField(db_index=True)),
            ],
        ),
        migrations.RunPython(unlogged, migrations.RunPython.noop),
    ]
