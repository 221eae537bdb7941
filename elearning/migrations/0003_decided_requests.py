"""A completion takes the shared shape of a decided request (core.models.DecidedRequest):
``reject_reason`` is now ``decision_reason`` (and the check that a rejection has one follows it)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("elearning", "0002_defaults"),
                    migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [
        migrations.RenameField("completion", "reject_reason", "decision_reason"),
        migrations.AlterField(
            model_name='completion',
            name='decided_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='พิจารณาเมื่อ'),
        ),
        migrations.AlterField(
            model_name='completion',
            name='decided_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='ผู้พิจารณา'),
        ),
        migrations.AlterField(
            model_name='completion',
            name='decision_reason',
            field=models.CharField(blank=True, max_length=500, verbose_name='เหตุผลการพิจารณา'),
        ),
        migrations.RemoveConstraint(
            model_name='completion',
            name='completion_rejected_has_reason',
        ),
        migrations.AddConstraint(
            model_name='completion',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'rejected'), _negated=True), models.Q(('decision_reason', ''), _negated=True), _connector='OR'), name='completion_rejected_has_reason'),
        ),
    ]
