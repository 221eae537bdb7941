"""Bulk import of completions from CSV/Excel with a row error report (all or nothing, or good
rows only), through the registry's file reader."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import AuditEvent
from accounts.rules import Role
from elearning import imports
from elearning.models import Completion, Course
from tests.elearning import helpers
from tests.elearning.helpers import TODAY, xlsx_bytes

pytestmark = pytest.mark.django_db

HEADER = ["เลขประจำตัวประชาชน (national_id)", "ช่องทาง (channel)", "ชื่อหลักสูตร (course_name)",
          "รหัสหลักสูตร (course_code)", "วันที่ผ่านการอบรม (completed_on)"]


def run(actor, rows, *, good_rows_only=False, name="done.xlsx"):
    upload = SimpleUploadedFile(name, xlsx_bytes([HEADER, *rows]))
    return imports.run_import(actor=actor, upload=upload, good_rows_only=good_rows_only,
                              today=TODAY)


def test_good_rows_are_imported_accepted(world, round1):
    a = world.a
    helpers.course(code="local_mooc", name="ระเบียบงานบุคคลส่วนท้องถิ่น")
    Course.objects.filter(name="ระเบียบงานบุคคลส่วนท้องถิ่น").update(code="LM-001")
    report = run(a.users[Role.LAO_ADMIN], [
        [a.users[Role.STAFF].national_id, "Local MOOC", "", "LM-001", "10/11/2568"],
        [a.users[Role.SCHOOL_ADMIN].national_id, "ocsc", "ความรู้ดิจิทัล", "", "2025-12-01"],
    ])
    assert report.summary == "นำเข้าเรียบร้อย 2 รายการ"
    assert Completion.objects.filter(status="accepted", source="import").count() == 2
    assert Course.objects.filter(name="ความรู้ดิจิทัล").exists()  # added to the catalogue
    event = AuditEvent.objects.get(action="elearning.completion.import")
    assert event.data["created"] == 2
    assert AuditEvent.objects.filter(action="elearning.completion.import").count() == 1


def test_one_bad_row_and_nothing_is_written_with_every_reason(world, round1):
    a, b = world.a, world.b
    admin = a.users[Role.LAO_ADMIN]
    report = run(admin, [
        [a.users[Role.STAFF].national_id, "Local MOOC", "ก", "", "10/11/2568"],
        [b.users[Role.STAFF].national_id, "Local MOOC", "ก", "", "10/11/2568"],
        ["1234567890123", "Coursera", "ข", "", "31/02/2568"],
        [a.users[Role.STAFF].national_id, "Local MOOC", "ก", "", "11/11/2568"],
        [a.users[Role.SCHOOL_ADMIN].national_id, "OCSC", "", "", "01/01/2580"],
        [admin.national_id, "OCSC", "ค", "", "01/12/2568"],
    ])
    assert not Completion.objects.exists()
    problems = {p.row: " | ".join(p.reasons) for p in report.problems}
    assert set(problems) == {3, 4, 5, 6, 7}
    assert "ไม่พบผู้ใช้นี้ในหน่วยงานที่ท่านดูแล" in problems[3]  # province B's: not named
    assert "ไม่รู้จักช่องทาง" in problems[4]
    assert "ไม่มีวันที่" in problems[4]
    assert "ซ้ำกับแถวที่ 2" in problems[5]
    assert "ต้องกรอกชื่อหรือรหัสหลักสูตร" in problems[6]
    assert "อนาคต" in problems[6]
    assert "ของตนเอง" in problems[7]
    assert "ยังไม่ได้บันทึกข้อมูลใด ๆ" in report.summary
    assert report.level == "danger"


def test_good_rows_only_writes_the_good_ones(world, round1):
    a = world.a
    report = run(a.users[Role.LAO_ADMIN], [
        [a.users[Role.STAFF].national_id, "Thai MOOC", "จิตวิทยาสำหรับครู", "", "10/11/2568"],
        [a.users[Role.STAFF].national_id, "Thai MOOC", "", "NOPE", "10/11/2568"],
    ], good_rows_only=True)
    assert report.created == 1
    assert [p.row for p in report.problems] == [3]
    assert "ไม่พบรหัสหลักสูตร NOPE" in report.problems[0].reasons[0]
    assert report.summary.startswith("นำเข้าแล้ว 1 รายการ")


def test_a_course_already_recorded_in_the_round_is_refused(world, round1):
    a = world.a
    helpers.completion_of(a)  # pending, same course, same round
    report = run(a.users[Role.LAO_ADMIN], [
        [a.users[Role.STAFF].national_id, "OCSC Learning Portal", "หลักสูตรทดสอบ", "",
         "01/12/2568"]])
    assert "ไว้แล้ว" in report.problems[0].reasons[0]
    assert Completion.objects.count() == 1


def test_csv_and_file_level_errors(world, round1):
    admin = world.a.users[Role.LAO_ADMIN]
    csv = ("national_id;channel;course_name;completed_on\n"
           f"{world.a.users[Role.STAFF].national_id};Local MOOC;ก;๑๐/๑๑/๒๕๖๘\n").encode("cp874")
    report = imports.run_import(actor=admin, upload=SimpleUploadedFile("x.csv", csv), today=TODAY)
    assert report.created == 1, report.problems
    no_columns = SimpleUploadedFile("x.csv", b"name,date\nx,y\n")
    report = imports.run_import(actor=admin, upload=no_columns, today=TODAY)
    assert "ไม่พบคอลัมน์ที่ต้องมี" in report.file_error
    not_a_table = SimpleUploadedFile("x.pdf", helpers.PDF_BYTES)
    assert "ไม่ใช่ไฟล์ Excel" in imports.run_import(actor=admin, upload=not_a_table).file_error
