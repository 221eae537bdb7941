"""Deadline day: a new file waits beside the valid one it replaces until its own check has
passed (``replaces``); the check's queueing and heartbeat (``queued_at``, ``heartbeat_at``); the
object store's multipart upload of an Upload (``key``, ``multipart_id``, ``part_size``).

SQLite rebuilds the evidence table for the new constraint, which drops its certification-lock
triggers (0003): they are made again at the end."""

import importlib

import django.db.models.deletion
import django.db.models.manager
from django.conf import settings
from django.db import migrations, models

LOCK = importlib.import_module("appraisal.migrations.0003_certification_lock")


def lock_again(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return  # PostgreSQL keeps a table's triggers through ALTER TABLE
    for statement in LOCK._drop("sqlite"):
        schema_editor.execute(statement)
    for statement in LOCK._sqlite():
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('appraisal', '0008_commit_reveal_and_conflicts'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='evidencefile',
            options={'base_manager_name': 'all_files', 'default_manager_name': 'objects', 'ordering': ['application_id', 'slot', 'position'], 'verbose_name': 'ไฟล์หลักฐาน', 'verbose_name_plural': 'ไฟล์หลักฐาน'},
        ),
        migrations.AlterModelManagers(
            name='evidencefile',
            managers=[
                ('all_files', django.db.models.manager.Manager()),
                ('objects', django.db.models.manager.Manager()),
            ],
        ),
        migrations.RemoveConstraint(
            model_name='evidencefile',
            name='evidence_slot_position_unique',
        ),
        migrations.AddField(
            model_name='evidencefile',
            name='heartbeat_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='evidencefile',
            name='queued_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='evidencefile',
            name='replaces',
            field=models.OneToOneField(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='replacement', to='appraisal.evidencefile'),
        ),
        migrations.AddField(
            model_name='upload',
            name='key',
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name='upload',
            name='multipart_id',
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name='upload',
            name='part_size',
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.AddConstraint(
            model_name='evidencefile',
            constraint=models.UniqueConstraint(condition=models.Q(('replaces__isnull', True)), fields=('application', 'slot', 'position'), name='evidence_slot_position_unique'),
        ),
        migrations.RunPython(lock_again, migrations.RunPython.noop),
    ]
