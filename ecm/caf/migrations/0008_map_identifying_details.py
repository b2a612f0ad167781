"""Free-text identifying details of open CAFs mapped onto the census and language lists, on upgrading.

The mapping is ``ecm.caf.identity.map_identifying``, the one ``manage.py caf_map_identifying`` uses.
Each open CAF whose latest version has answers that map (``"white british"``, ``"Islam"``,
``"punjabi"``) gets a new version with the mapped words, written by the system actor
"data-migration" with its ``caf.version_saved`` audit event; earlier versions are never changed.
Answers that match no choice are kept exactly as written: the migration prints how many, and
``manage.py caf_map_identifying`` lists them for a person to review (never printed here: the words
are special category data and migration output goes to deployment logs). Reversing keeps the new
versions (they are history).
"""

from django.db import migrations


def map_identifying_details(apps, schema_editor):
    from ecm.audit.services import audit_record
    from ecm.caf.identity import MAPPED_NOTE, map_identifying
    from ecm.core import clock
    from ecm.core.actors import SYSTEM_MIGRATION

    assessment_model = apps.get_model("caf", "Assessment")
    version_model = apps.get_model("caf", "AssessmentVersion")
    label = str(SYSTEM_MIGRATION)
    changed = kept = 0
    for assessment in assessment_model.objects.exclude(status="closed").order_by("reference"):
        latest = version_model.objects.filter(assessment=assessment).order_by("-number").first()
        data = dict(latest.data) if latest else {}
        mapped, unmapped = map_identifying(data)
        kept += len(unmapped)
        if not mapped:
            continue
        now = clock.now()
        assessment.version += 1
        assessment.modified_at, assessment.modified_by, assessment.modified_by_label = now, None, label
        assessment.save(update_fields=["version", "modified_at", "modified_by", "modified_by_label"])
        data.update(mapped)
        version_model.objects.create(
            assessment=assessment,
            number=assessment.version,
            data=data,
            note=MAPPED_NOTE,
            created_at=now,
            modified_at=now,
            created_by_label=label,
            modified_by_label=label,
        )
        audit_record(
            actor=SYSTEM_MIGRATION,
            action="caf.version_saved",
            target=assessment,
            data={"version": assessment.version, "note": MAPPED_NOTE, "fields": sorted(data)},
        )
        changed += 1
    if changed or kept:
        print(  # noqa: T201 - the operator upgrading reads it
            f"\n  CAF identifying details: {changed} open CAF(s) mapped onto the census and language lists; "
            f"{kept} answer(s) match no choice and are kept as written: run "
            "`manage.py caf_map_identifying` to list them for review."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("caf", "0007_merge_lead_offers_and_tac_meetings"),
        ("audit", "0003_parallel_chains"),
    ]

    operations = [migrations.RunPython(map_identifying_details, migrations.RunPython.noop)]
