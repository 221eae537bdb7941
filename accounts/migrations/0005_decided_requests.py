"""The registrations take the shared shape of a decided request (core.models.DecidedRequest):
``reason`` is now ``decision_reason``, as on corrections and roster moves."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_membership_active_staff_index")]

    operations = [
        migrations.RenameField("schooladminregistration", "reason", "decision_reason"),
        migrations.RenameField("staffregistration", "reason", "decision_reason"),
        migrations.AlterField(
            model_name='schooladminregistration',
            name='decision_reason',
            field=models.CharField(blank=True, max_length=500, verbose_name='เหตุผลการพิจารณา'),
        ),
        migrations.AlterField(
            model_name='staffregistration',
            name='decision_reason',
            field=models.CharField(blank=True, max_length=500, verbose_name='เหตุผลการพิจารณา'),
        ),
    ]
