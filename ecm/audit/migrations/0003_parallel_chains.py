"""Several chain heads so that concurrent transactions append side by side (ADR 0004).

Existing events all belong to chain 1, whose head already holds their count. On PostgreSQL
the event sequence now comes from the column's identity sequence, which is moved past the
sequences written explicitly until now. SQLite rebuilds the table to add a column, which
drops its triggers, so they are installed again.
"""

from django.db import migrations, models


def forwards(apps, schema_editor):
    from ecm.audit import triggers

    connection = schema_editor.connection
    head_model = apps.get_model("audit", "AuditChainHead")
    event_model = apps.get_model("audit", "AuditEvent")
    head_model.objects.filter(pk=1).update(event_count=event_model.objects.count())
    for chain_id in range(2, 9):
        head_model.objects.get_or_create(pk=chain_id, defaults={"last_sequence": 0, "last_hash": "0" * 64})
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('audit_auditevent', 'sequence'), "
                "GREATEST((SELECT MAX(sequence) FROM audit_auditevent), 1))"
            )
    triggers.install(connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [
        migrations.AddField(
            model_name="auditchainhead",
            name="event_count",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="chain",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
