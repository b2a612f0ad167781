"""The sources that exist out of the box, most trusted first."""

from django.db import migrations

SOURCES = [
    ("birth_notifications", "Birth notifications", 1, "NHS birth notifications: name and date of birth at birth."),
    ("gp_registrations", "GP registrations", 2, "Registrations with GP practices (NHS number, address)."),
    ("school_census", "School census", 3, "The termly school census (UPN, school, address)."),
    ("child_benefit", "Child Benefit", 4, "Child Benefit claims (claimant parent, address)."),
    ("local_systems", "Local systems", 5, "Local authority and partner case management systems."),
]


def add_sources(apps, schema_editor):
    FeedSource = apps.get_model("linkage", "FeedSource")
    for name, label, rank, description in SOURCES:
        FeedSource.objects.update_or_create(
            name=name, defaults={"label": label, "trust_rank": rank, "description": description}
        )


def remove_sources(apps, schema_editor):
    apps.get_model("linkage", "FeedSource").objects.filter(name__in=[s[0] for s in SOURCES]).delete()


class Migration(migrations.Migration):
    dependencies = [("linkage", "0001_initial")]
    operations = [migrations.RunPython(add_sources, remove_sources)]
