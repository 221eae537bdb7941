"""The three channels of seed 002 and its two requirements (everyone: 1 course a round; the
head of a provincial office, ท้องถิ่นจังหวัด: 3, of which 2 through Local MOOC). Rows that exist
already are left alone, so an admin's later changes survive."""

from django.db import migrations


def add_defaults(apps, schema_editor):
    from elearning.rules import DEFAULT_CHANNELS, DEFAULT_REQUIREMENTS

    Channel = apps.get_model("elearning", "Channel")
    Requirement = apps.get_model("elearning", "Requirement")
    RequirementChannel = apps.get_model("elearning", "RequirementChannel")
    channels = {}
    for order, (code, name, url) in enumerate(DEFAULT_CHANNELS, start=1):
        channels[code] = Channel.objects.get_or_create(
            code=code, defaults={"name": name, "url": url, "order": order})[0]
    for _key, name, org_kind, prefix, priority, minimum, per_channel in DEFAULT_REQUIREMENTS:
        requirement, created = Requirement.objects.get_or_create(
            role="", org_kind=org_kind, position_prefix=prefix, is_active=True,
            defaults={"name": name, "priority": priority, "min_courses": minimum})
        if created:
            for code, count in per_channel.items():
                RequirementChannel.objects.create(requirement=requirement,
                                                  channel=channels[code], minimum=count)


class Migration(migrations.Migration):

    dependencies = [
        ("elearning", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(add_defaults, migrations.RunPython.noop),
    ]
