"""The assessment forms as data, and the lock of a submitted score sheet.

Rubrics (RULES.md §4.5 step 5; seed 004 step 5, the "แบบสรุปผลการประเมิน" it shows):

* side 1, ด้านทักษะการจัดการเรียนรู้และการจัดการชั้นเรียน: 8 indicators × weight 2.5 — the eight
  indicators of the learning-management part of the ว9/2564 forms;
* side 2, ด้านผลลัพธ์การเรียนรู้ของผู้เรียน: 4 indicators × weight 5, as the seed shows them
  (learning outcomes against the plan's indicators, basic skills, cognitive abilities,
  cross-functional skills);
* side 3, ด้านผลงานวิชาการ, for เชี่ยวชาญ and เชี่ยวชาญพิเศษ only: the seed gives no form, so these
  four indicators × weight 5 are the portal's own reading of ว9/2564's academic-work criteria
  (correctness, originality, usefulness to learners, dissemination). They are data: an admin may
  change them in the Django admin before any sheet uses them.

Each indicator is scored on levels 1–4; a side's percentage is Σ level × weight ÷ (4 × Σ weight).

The lock: a submitted score sheet (``submitted_at`` set) cannot be changed or deleted, whatever
code path tries; ``appraisal.scoring`` refuses first with a Thai message.
"""

from decimal import Decimal

from django.db import migrations

SIDE_1 = [
    "การสร้างและหรือพัฒนาหลักสูตร",
    "การออกแบบการจัดการเรียนรู้",
    "การจัดกิจกรรมการเรียนรู้",
    "การสร้างและหรือพัฒนาสื่อ นวัตกรรม เทคโนโลยีทางการศึกษา และแหล่งเรียนรู้",
    "การวัดและประเมินผลการเรียนรู้",
    "การศึกษา วิเคราะห์ และสังเคราะห์ เพื่อแก้ปัญหาหรือพัฒนาการเรียนรู้",
    "การจัดบรรยากาศที่ส่งเสริมและพัฒนาผู้เรียน",
    "การอบรมและพัฒนาคุณลักษณะที่ดีของผู้เรียน",
]
SIDE_2 = [
    "ผลลัพธ์การเรียนรู้ของผู้เรียนสอดคล้องกับตัวชี้วัดที่ระบุในแผนการจัดการเรียนรู้",
    "ผลลัพธ์การเรียนรู้ของผู้เรียนด้านทักษะพื้นฐาน (Basic Skills) ตามบริบทของผู้เรียน",
    "ผลลัพธ์การเรียนรู้ของผู้เรียนด้านความสามารถทางปัญญา (Cognitive Abilities) ตามบริบทของผู้เรียน",
    "ผลลัพธ์การเรียนรู้ของผู้เรียนด้านทักษะการทำงานข้ามสายงาน (Cross-functional Skills) "
    "ตามบริบทของผู้เรียน",
]
SIDE_3 = [
    "ความถูกต้องตามหลักวิชาการ และความสมบูรณ์ของรูปแบบผลงาน",
    "ความคิดริเริ่มสร้างสรรค์ และความเป็นนวัตกรรมของผลงาน",
    "ประโยชน์ของผลงานต่อการพัฒนาการเรียนรู้ของผู้เรียน",
    "การเผยแพร่ผลงาน และการนำไปใช้ในวงกว้าง",
]
TITLES = {
    1: "แบบประเมินด้านที่ ๑ ด้านทักษะการจัดการเรียนรู้และการจัดการชั้นเรียน",
    2: "แบบประเมินด้านที่ ๒ ด้านผลลัพธ์การเรียนรู้ของผู้เรียน",
    3: "แบบประเมินด้านที่ ๓ ด้านผลงานวิชาการ",
}
FORMS = {1: (SIDE_1, Decimal("2.5")), 2: (SIDE_2, Decimal(5)), 3: (SIDE_3, Decimal(5))}
STANDING_SIDES = {
    "professional": (1, 2),
    "senior_professional": (1, 2),
    "expert": (1, 2, 3),
    "senior_expert": (1, 2, 3),
}

MESSAGE = "score sheet is submitted: it cannot change"


def add_rubrics(apps, schema_editor):
    Rubric = apps.get_model("appraisal", "Rubric")
    Indicator = apps.get_model("appraisal", "Indicator")
    for standing, sides in STANDING_SIDES.items():
        for side in sides:
            rubric, _ = Rubric.objects.get_or_create(standing=standing, side=side,
                                                     defaults={"title": TITLES[side]})
            texts, weight = FORMS[side]
            for order, text in enumerate(texts, start=1):
                Indicator.objects.get_or_create(rubric=rubric, order=order,
                                                defaults={"text": text, "weight": weight})


def remove_rubrics(apps, schema_editor):
    apps.get_model("appraisal", "Rubric").objects.all().delete()


def add_lock(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"""
CREATE OR REPLACE FUNCTION appraisal_scoresheet_locked() RETURNS trigger AS $$
BEGIN
  IF OLD.submitted_at IS NOT NULL THEN
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;""")
        schema_editor.execute(
            "CREATE TRIGGER appraisal_scoresheet_locked BEFORE UPDATE OR DELETE ON "
            "appraisal_scoresheet FOR EACH ROW EXECUTE FUNCTION appraisal_scoresheet_locked();")
    elif vendor == "sqlite":
        for op in ("UPDATE", "DELETE"):
            schema_editor.execute(
                f"CREATE TRIGGER appraisal_scoresheet_locked_{op[0].lower()} BEFORE {op} ON "
                f"appraisal_scoresheet WHEN OLD.submitted_at IS NOT NULL "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;")
    else:  # pragma: no cover - only PostgreSQL and SQLite are supported
        raise RuntimeError(f"no score-sheet lock for database {vendor}")


def remove_lock(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS appraisal_scoresheet_locked ON appraisal_scoresheet;")
        schema_editor.execute("DROP FUNCTION IF EXISTS appraisal_scoresheet_locked();")
    else:
        for suffix in "ud":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS appraisal_scoresheet_locked_{suffix};")


class Migration(migrations.Migration):
    dependencies = [("appraisal", "0004_assessment")]
    operations = [
        migrations.RunPython(add_rubrics, remove_rubrics),
        migrations.RunPython(add_lock, remove_lock),
    ]
