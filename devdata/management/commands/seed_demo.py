from django.core.management.base import BaseCommand

from devdata import demo


class Command(BaseCommand):
    help = "สร้างข้อมูลตัวอย่าง (Build the demo world; running it again changes nothing.)"

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true",
            help="Only when the database holds no organisation yet (used by `make run`).",
        )

    def handle(self, *args, if_empty=False, **options):
        from accounts.models import Organization

        if if_empty and Organization.objects.exists():
            self.stdout.write("มีข้อมูลอยู่แล้ว ไม่สร้างข้อมูลตัวอย่างซ้ำ (database not empty)")
        else:
            s = demo.build()
            self.stdout.write(
                f"สร้างหน่วยงาน {s.organizations_created} แห่ง, คณะกรรมการ {s.committees_created} "
                f"คณะ, ผู้ใช้ {s.users_created} คน, ทะเบียนประวัติ {s.people_created} คน"
            )
        self.stdout.write("")
        self.stdout.write("บัญชีทดลองใช้ (Demo logins), รหัสผ่าน/password: " + demo.DEMO_PASSWORD)
        for username, role, org_code, _position, _names in demo.DEMO_LOGINS:
            org = Organization.objects.filter(code=org_code).first()
            self.stdout.write(f"  {username:<22} {role.label} — {org.name if org else org_code}")
        from devdata.demo import committees as committees_demo

        for username in committees_demo.assessors():
            self.stdout.write(f"  {username:<22} ผู้ทรงคุณวุฒิที่ตอบรับเป็นกรรมการประเมิน (assessor)")
