from django.db import migrations, models


def create_chain_head(apps, schema_editor):
    head_model = apps.get_model("audit", "AuditChainHead")
    head_model.objects.get_or_create(pk=1, defaults={"last_sequence": 0, "last_hash": "0" * 64})


class Migration(migrations.Migration):
    initial = True
    dependencies: list = []

    operations = [
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("last_sequence", models.BigIntegerField(default=0)),
                ("last_hash", models.CharField(max_length=64)),
            ],
        ),
        migrations.CreateModel(
            name="AuditEvent",
            fields=[
                ("sequence", models.BigAutoField(primary_key=True, serialize=False)),
                ("occurred_at", models.DateTimeField()),
                (
                    "actor_type",
                    models.CharField(
                        choices=[
                            ("user", "User"),
                            ("system", "System"),
                            ("api_client", "API client"),
                            ("anonymous", "Anonymous"),
                        ],
                        max_length=20,
                    ),
                ),
                ("actor_id", models.CharField(blank=True, db_index=True, max_length=64)),
                ("actor_label", models.CharField(max_length=150)),
                ("actor_roles", models.CharField(blank=True, max_length=255)),
                ("actor_organisation", models.CharField(blank=True, max_length=255)),
                ("on_behalf_of", models.CharField(blank=True, max_length=150)),
                ("action", models.CharField(db_index=True, max_length=100)),
                ("object_type", models.CharField(blank=True, max_length=100)),
                ("object_id", models.CharField(blank=True, max_length=64)),
                ("reason", models.TextField(blank=True)),
                ("request_id", models.CharField(blank=True, max_length=64)),
                ("ip_address", models.GenericIPAddressField(blank=True, null=True)),
                ("data", models.JSONField(blank=True, default=dict)),
                ("previous_hash", models.CharField(max_length=64)),
                ("hash", models.CharField(max_length=64, unique=True)),
            ],
            options={
                "ordering": ["sequence"],
                "indexes": [
                    models.Index(fields=["object_type", "object_id"], name="audit_audit_object__idx"),
                    models.Index(fields=["actor_id", "occurred_at"], name="audit_audit_actor_i_idx"),
                    models.Index(fields=["occurred_at"], name="audit_audit_occurre_idx"),
                ],
            },
        ),
        migrations.RunPython(create_chain_head, migrations.RunPython.noop),
    ]
