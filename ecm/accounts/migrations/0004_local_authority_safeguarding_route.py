from django.db import migrations, models


class Migration(migrations.Migration):
    """An area's local referral route for a child at risk of significant harm."""

    dependencies = [("accounts", "0003_caf_coordinator_role")]

    operations = [
        migrations.AddField(
            model_name="localauthority",
            name="safeguarding_referral_route",
            field=models.TextField(
                blank=True,
                help_text="Where practitioners refer a child at risk of significant harm: the local children's "
                "social care front door and its out-of-hours number",
            ),
        ),
    ]
