import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("deployments", "0013_deployments_from_records"),
    ]

    operations = [
        migrations.AlterField(
            model_name="intention",
            name="deployment",
            field=models.ForeignKey(
                editable=False,
                help_text="The nation's deployment in the host; set from the two.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="intentions",
                to="deployments.deployment",
            ),
        ),
        migrations.AlterField(
            model_name="troopcount",
            name="deployment",
            field=models.ForeignKey(
                editable=False,
                help_text="The nation's deployment in the host; set from the two.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="troop_counts",
                to="deployments.deployment",
            ),
        ),
    ]
