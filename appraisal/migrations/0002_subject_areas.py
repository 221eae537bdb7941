"""The subject areas of ว31/2565 (seed 004 §14), kept as data."""

from django.db import migrations

PRIMARY = [
    "สาขาภาษาไทย", "สาขาคณิตศาสตร์", "สาขาวิทยาศาสตร์และเทคโนโลยี",
    "สาขาสังคมศึกษา ศาสนา และวัฒนธรรม", "สาขาศิลปศึกษา", "สาขาดนตรี", "สาขานาฏศิลป์",
    "สาขาการงานอาชีพ", "สาขาภาษาอังกฤษ", "สาขาสุขศึกษาและพลศึกษา", "สาขาแนะแนวการศึกษา",
    "สาขาบรรณารักษศาสตร์",
]
SECONDARY = [
    "สาขาภาษาไทย", "สาขาคณิตศาสตร์", "สาขาวิทยาศาสตร์และเทคโนโลยี", "สาขาฟิสิกส์", "สาขาเคมี",
    "สาขาชีววิทยา", "สาขาสังคมศึกษา ศาสนา และวัฒนธรรม", "สาขาพระพุทธศาสนา",
    "สาขาสุขศึกษาและพลศึกษา", "สาขาสุขศึกษา", "สาขาพลศึกษา", "สาขาศิลปศึกษา", "สาขาทัศนศิลป์",
    "สาขาการงานอาชีพ", "สาขาดนตรี-นาฏศิลป์", "สาขาดนตรี", "สาขานาฏศิลป์", "สาขาภาษาอังกฤษ",
    "สาขาภาษาจีน", "สาขาภาษาฝรั่งเศส", "สาขาภาษาญี่ปุ่น", "สาขาแนะแนวการศึกษา",
    "สาขาบรรณารักษศาสตร์",
]
AREAS = {
    "primary": PRIMARY,
    "secondary": SECONDARY,
    "early_childhood": ["สาขาการศึกษาปฐมวัย"],
    "special": ["สาขาการศึกษาพิเศษ"],
}
FOREIGN = {"สาขาภาษาอังกฤษ", "สาขาภาษาจีน", "สาขาภาษาฝรั่งเศส", "สาขาภาษาญี่ปุ่น"}


def add(apps, schema_editor):
    SubjectArea = apps.get_model("appraisal", "SubjectArea")
    for classroom_type, names in AREAS.items():
        for order, name in enumerate(names, start=1):
            SubjectArea.objects.update_or_create(
                classroom_type=classroom_type, name=name,
                defaults={"order": order, "foreign_language": name in FOREIGN})


def remove(apps, schema_editor):
    apps.get_model("appraisal", "SubjectArea").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("appraisal", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
