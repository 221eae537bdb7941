"""``python manage.py verify_draw <id> [<id> ...]`` (or ``--all``): recompute draws of assessors
from their records and confirm that they followed the rules (``appraisal.draw.verify_draw``):
commit-reveal records from their seed and public value, legacy records from their values.
Exits 1 when any record fails. Outsiders use ``tools/verify_draw.py`` on the exported JSON."""

from django.core.management.base import BaseCommand, CommandError

from appraisal.models import AssessorDraw
from appraisal.services.draw import verify_draw


class Command(BaseCommand):
    help = "ตรวจสอบบันทึกการสุ่มคัดเลือกกรรมการประเมิน (คำนวณใหม่จากบันทึก)"

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, help="รหัสบันทึกการสุ่ม")
        parser.add_argument("--all", action="store_true", help="ตรวจทุกบันทึก")

    def handle(self, *args, ids, **options):
        every = options["all"]
        if not ids and not every:
            raise CommandError("ระบุรหัสบันทึกการสุ่ม หรือ --all")
        draws = AssessorDraw.objects.select_related("application").order_by("pk")
        if not every:
            draws = draws.filter(pk__in=ids)
            missing = set(ids) - set(draws.values_list("pk", flat=True))
            if missing:
                raise CommandError(f"ไม่พบบันทึกการสุ่ม: {sorted(missing)}")
        failed = 0
        for draw in draws:
            result = verify_draw(draw)
            kind = "ผูกมัดและเปิดเผยเมล็ดสุ่ม" if draw.version == 2 else "แบบเดิม: ค่าสุ่มจากเซิร์ฟเวอร์"
            head = (f"บันทึกการสุ่ม {draw.pk} (คำขอ {draw.application_id} ครั้งที่ {draw.sequence}, "
                    f"{kind}, ผู้มีสิทธิ์ {len(draw.pool)} คน, สุ่มได้ {draw.picks})")
            if result.ok:
                self.stdout.write(self.style.SUCCESS(f"ผ่าน: {head}"))
            else:
                failed += 1
                self.stdout.write(self.style.ERROR(f"ไม่ผ่าน: {head}"))
                for problem in result.problems:
                    self.stdout.write(f"  - {problem}")
        if failed:
            raise CommandError(f"ตรวจไม่ผ่าน {failed} บันทึก")
