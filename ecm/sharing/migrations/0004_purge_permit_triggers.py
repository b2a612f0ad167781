from django.db import migrations


def reinstall(apps, schema_editor):
    from ecm.sharing import triggers

    triggers.drop(schema_editor.connection)
    triggers.install(schema_editor.connection)


class Migration(migrations.Migration):
    """The immutability triggers accept a retention purge's blanking while a purge permit exists."""

    dependencies = [("sharing", "0003_immutable_triggers"), ("index", "0004_purge_permit")]

    operations = [migrations.RunPython(reinstall, migrations.RunPython.noop)]
