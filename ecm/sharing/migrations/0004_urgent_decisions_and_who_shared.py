import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def drop(apps, schema_editor):
    from ecm.sharing import triggers

    triggers.drop(schema_editor.connection)


def install(apps, schema_editor):
    from ecm.sharing import triggers

    triggers.install(schema_editor.connection)


class Migration(migrations.Migration):
    """Urgent decisions (shared at once, reviewed afterwards) and who shared each disclosure.

    SQLite rebuilds a table to add a column, which loses its triggers: they are dropped first and
    installed again after.
    """

    dependencies = [
        ("sharing", "0003_immutable_triggers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop, install),
        migrations.AddField(
            model_name="sharingdecision",
            name="urgent",
            field=models.BooleanField(
                default=False,
                help_text="A child is at risk of significant harm: shared at once, the manager reviews it afterwards",
            ),
        ),
        migrations.AddField(
            model_name="sharingdecision",
            name="review_due_on",
            field=models.DateField(blank=True, help_text="An urgent decision's review is due by", null=True),
        ),
        migrations.AlterField(
            model_name="disclosure",
            name="disclosed_at",
            field=models.DateTimeField(help_text="When the information was shared (not when this row was written)"),
        ),
        migrations.AddField(
            model_name="disclosure",
            name="shared_by",
            field=models.ForeignKey(
                blank=True,
                help_text="Who shared it (or on whose decision ECM made it available)",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(install, drop),
    ]
