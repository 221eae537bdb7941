import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import AuditEvent
from accounts.rules import Role
from personnel.history_import import run_history_import
from personnel.models import Degree, TeachingLicence

pytestmark = pytest.mark.django_db

HEADER = ["national_id", "kind", "level", "field_of_study", "institution", "graduated_on",
          "certified_by_tcs", "number", "issued_on", "expires_on"]


def csv_file(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return SimpleUploadedFile("history.csv", ("\ufeff" + out.getvalue()).encode("utf-8"),
                             content_type="text/csv")


def good_rows(world):
    nid = world.a.person.national_id
    return [
        [nid, "degree", "ปริญญาโท", "หลักสูตรและการสอน", "มหาวิทยาลัยนครพนม", "31/03/2565",
         "ใช่", "", "", ""],
        [nid, "licence", "", "", "", "", "", "64000123", "01/02/2566", "31/01/2571"],
    ]


def test_history_lines_are_imported_with_one_audit_record(world):
    report = run_history_import(actor=world.a.users[Role.SCHOOL_ADMIN],
                                upload=csv_file(good_rows(world)))
    assert report.problems == []
    assert report.created == 2
    degree = Degree.objects.get(person=world.a.person)
    assert degree.level == "master"
    assert degree.certified_by_tcs is True
    assert degree.graduated_on.year == 2022  # 2565 BE
    assert TeachingLicence.objects.get(person=world.a.person).number == "64000123"
    assert AuditEvent.objects.filter(action="person.history_import").count() == 1


def test_bad_rows_are_reported_in_thai_and_nothing_is_written(world):
    rows = [*good_rows(world),
            [world.b.person.national_id, "degree", "ปริญญาตรี", "x", "y", "01/01/2550", "",
             "", "", ""],                                               # row 4: outside reach
            [world.a.person.national_id, "spaceflight", "", "", "", "", "", "", "", ""],  # 5
            [world.a.person.national_id, "licence", "", "", "", "", "", "1", "01/02/2566",
             "01/01/2560"],                                             # row 6: ends before
            [world.a.person.national_id, "degree", "ปริญญาโท", "x", "y", "31/02/2565", "", "",
             "", ""]]                                                   # row 7: no such date
    report = run_history_import(actor=world.a.users[Role.SCHOOL_ADMIN], upload=csv_file(rows))
    assert [p.row for p in report.problems] == [4, 5, 6, 7]
    reasons = {p.row: " ".join(p.reasons) for p in report.problems}
    assert "ไม่พบเลขประจำตัวประชาชน" in reasons[4]
    assert "ไม่รู้จักประเภทประวัติ" in reasons[5]
    assert "วันที่" in reasons[7] or "วัน" in reasons[7]
    assert report.created == 0
    assert not Degree.objects.exists()
    report = run_history_import(actor=world.a.users[Role.SCHOOL_ADMIN], upload=csv_file(rows),
                                good_rows_only=True)
    assert report.created == 2
    assert Degree.objects.count() == 1


def test_the_page_is_for_registry_keepers_only(client, world):
    client.force_login(world.a.users[Role.SCHOOL_ADMIN])
    r = client.post("/personnel/import/history/", {"file": csv_file(good_rows(world))})
    assert "เพิ่มประวัติแล้ว 2 รายการ" in r.content.decode()
    client.force_login(world.a.users[Role.STAFF])
    assert client.get("/personnel/import/history/").status_code in (403, 404)
