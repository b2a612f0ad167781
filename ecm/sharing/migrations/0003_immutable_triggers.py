from django.db import migrations


def install(apps, schema_editor):
    from ecm.sharing import triggers

    triggers.install(schema_editor.connection)


def drop(apps, schema_editor):
    from ecm.sharing import triggers

    triggers.drop(schema_editor.connection)


class Migration(migrations.Migration):
    """Decisions, countersignatures and disclosures are immutable (see ecm.sharing.triggers)."""

    dependencies = [("sharing", "0002_guided_decisions")]

    operations = [migrations.RunPython(install, drop)]
