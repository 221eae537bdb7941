"""Import of people from Excel/CSV (personnel.imports, services.import_people) and the roster
export (personnel.io_views)."""

import datetime
import io
import re
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from accounts.exceptions import NotAllowed
from accounts.models import AuditEvent
from accounts.rules import Role
from core import tabular
from core.tabular import XLSX_CONTENT_TYPE
from personnel import imports, services
from personnel.choices import AcademicStanding, PositionType, SalaryRank
from personnel.models import Person
from tests.factories import PersonFactory, valid_national_id
from tests.querybudget import assert_query_budget

pytestmark = pytest.mark.django_db

KEYS = [c.key for c in imports.PERSON_COLUMNS]
HEADERS = [c.header for c in imports.PERSON_COLUMNS]
THAI = re.compile(r"[\u0E00-\u0E7F]")


def person_row(code: str, i: int = 0, **changes) -> dict:
    row = {
        "national_id": valid_national_id(), "title_th": "นาง", "first_name": f"ครู{i:04d}",
        "last_name": "นำเข้า", "first_name_en": "Kru", "last_name_en": "Namkhao",
        "birth_date": "15/06/2528", "gender": "หญิง", "position_type": "ครู",
        "position_number": f"{i:06d}", "salary_rank": "คศ.2", "salary": "32,000",
        "appointed_on": "16/05/2561", "standing": "ชำนาญการ",
        "standing_granted_on": "01/10/2565", "organization_code": code,
    }
    row.update(changes)
    return row


def xlsx_upload(rows, name="people.xlsx", headers=HEADERS) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.title = "บุคลากร"
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(k, "") for k in KEYS])
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type=XLSX_CONTENT_TYPE)


def csv_upload(rows, *, encoding="utf-8-sig", name="people.csv") -> SimpleUploadedFile:
    lines = [",".join(HEADERS)]
    lines += [",".join(f'"{row.get(k, "")}"' for k in KEYS) for row in rows]
    return SimpleUploadedFile(name, "\r\n".join(lines).encode(encoding), content_type="text/csv")


def thousand_rows_with_three_bad(world):
    """1,000 people over two schools of side A; rows 101, 502 and 903 (as the spreadsheet
    numbers them, the header being row 1) are wrong."""
    codes = [world.a.school.code, world.a.school2.code]
    rows = [person_row(codes[i % 2], i) for i in range(1000)]
    good = rows[99]["national_id"]
    rows[99]["national_id"] = good[:12] + str((int(good[12]) + 1) % 10)  # row 101: checksum
    rows[500]["organization_code"] = "NO-SUCH-UNIT"  # row 502
    rows[901]["birth_date"] = "31/02/2530"  # row 903: no 31 February
    return rows


# --- the Done-when of the issue ----------------------------------------------------------------


def test_a_thousand_rows_with_three_bad_ones_report_exactly_those_and_write_nothing(world):
    actor = world.a.users[Role.LAO_ADMIN]
    upload = xlsx_upload(thousand_rows_with_three_bad(world))
    before = Person.objects.count()

    started = time.perf_counter()
    report = imports.run_import(actor=actor, upload=upload)
    elapsed = time.perf_counter() - started
    # The issue asks for the figure, not a timed assertion: shown with `pytest -s`.
    print(f"\n1,000-row check (all or nothing, nothing written): {elapsed:.2f} s")  # noqa: T201

    assert report.rows_total == 1000
    assert [p.row for p in report.problems] == [101, 502, 903]
    by_row = {p.row: p.reasons for p in report.problems}
    assert by_row[101] == [
        "เลขประจำตัวประชาชน: เลขประจำตัวประชาชนไม่ถูกต้อง (ตัวเลขตรวจสอบหลักสุดท้ายไม่ตรง)"
    ]
    assert by_row[502] == [
        "รหัสหน่วยงาน: ไม่พบรหัสหน่วยงาน NO-SUCH-UNIT หรือหน่วยงานนี้อยู่นอกขอบเขตที่คุณดูแล"
    ]
    assert by_row[903] == ["วันเกิด: ไม่มีวันที่ 31/02/2530 ในปฏิทิน"]
    assert all(THAI.search(r) for reasons in by_row.values() for r in reasons)
    assert report.created == 0
    assert "ยังไม่ได้บันทึกข้อมูลใด ๆ" in report.summary
    assert "พบข้อผิดพลาด 3 แถว จากทั้งหมด 1,000 แถว" in report.summary
    assert Person.objects.count() == before
    assert not AuditEvent.objects.filter(action="person.import").exists()


def test_good_rows_only_writes_997_people_and_one_audit_record(world):
    actor = world.a.users[Role.LAO_ADMIN]
    upload = xlsx_upload(thousand_rows_with_three_bad(world))
    before = Person.objects.count()

    started = time.perf_counter()
    report = imports.run_import(actor=actor, upload=upload, good_rows_only=True)
    elapsed = time.perf_counter() - started
    print(f"\n1,000-row import (good rows only, 997 written): {elapsed:.2f} s")  # noqa: T201

    assert report.created == 997
    assert [p.row for p in report.problems] == [101, 502, 903]
    assert Person.objects.count() == before + 997
    events = AuditEvent.objects.filter(action__startswith="person.")
    assert [e.action for e in events] == ["person.import"]
    event = events.get()
    assert event.actor == actor
    assert event.organization == world.a.lao  # the unit above both schools
    assert event.data["created"] == 997
    assert event.data["rows_in_file"] == 1000
    assert event.data["rows_rejected"] == 3
    assert event.data["per_organization"] == {world.a.school.code: 499,
                                              world.a.school2.code: 498}
    assert not re.search(r"\d{13}", str(event.data))  # no national ID in the audit
    assert "นำเข้าแล้ว 997 คน" in report.summary

    imported = Person.objects.get(first_name="ครู0000")
    assert imported.organization == world.a.school
    assert imported.birth_date == datetime.date(1985, 6, 15)
    assert imported.appointed_on == datetime.date(2018, 5, 16)
    assert imported.standing == AcademicStanding.PROFESSIONAL
    assert imported.standing_granted_on == datetime.date(2022, 10, 1)
    assert imported.salary_rank == SalaryRank.KS2
    assert imported.salary == Decimal("32000.00")
    assert imported.position_type == PositionType.TEACHER
    assert imported.gender == "female"


# --- files ---------------------------------------------------------------------------------------


def test_csv_with_and_without_bom_and_in_windows_thai(world):
    actor = world.a.users[Role.SCHOOL_ADMIN]
    for encoding in ("utf-8-sig", "utf-8", "cp874"):
        rows = [person_row(world.a.school.code, i) for i in range(3)]
        report = imports.run_import(actor=actor, upload=csv_upload(rows, encoding=encoding))
        assert report.problems == [], (encoding, report.problems)
        assert report.file_error == ""
        assert report.created == 3, encoding
    assert Person.objects.filter(first_name="ครู0002", standing="professional").count() == 3


def test_headers_by_key_or_thai_label_in_any_order_and_unknown_columns_ignored(world):
    actor = world.a.users[Role.SCHOOL_ADMIN]
    row = person_row(world.a.school.code)
    text = (
        "\ufeffหมายเหตุ,organization_code,นามสกุล,ชื่อ,เลขประจำตัวประชาชน (national_id)\r\n"
        f"อะไรก็ได้,{row['organization_code']},ใจงาม,สมใจ,{row['national_id']}\r\n"
        ",,,,\r\n"  # an empty row is skipped, not reported
    )
    upload = SimpleUploadedFile("x.csv", text.encode("utf-8"))
    report = imports.run_import(actor=actor, upload=upload)
    assert report.created == 1, report.problems
    assert report.ignored_columns == ["หมายเหตุ"]
    person = Person.objects.get(national_id=row["national_id"])
    assert (person.first_name, person.last_name) == ("สมใจ", "ใจงาม")
    assert person.standing == AcademicStanding.NONE
    assert person.position_type == PositionType.TEACHER


@pytest.mark.parametrize(("name", "content", "message"), [
    ("big.xlsx", b"PK\x03\x04" + b"0" * (5 * 1024 * 1024), "เกินกำหนด 5 MB"),
    ("photo.xlsx", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "ไม่ใช่ไฟล์ Excel (.xlsx) หรือ CSV"),
    ("fake.xlsx", b"PK\x03\x04 this is no zip", "อ่านไฟล์ Excel ไม่ได้"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 100, "รุ่นเก่า (.xls)"),
    ("binary.csv", b"a,b\x00\x01\x02", "ไม่ใช่ไฟล์ CSV"),
    ("empty.csv", b"", "ไฟล์ว่างเปล่า"),
    ("noheader.csv", "ชื่อ,นามสกุล\r\nมาลี,ดี\r\n".encode(), "ไม่พบคอลัมน์ที่ต้องมี"),
])
def test_files_that_cannot_be_read_are_refused_in_thai(world, name, content, message):
    report = imports.run_import(actor=world.a.users[Role.SCHOOL_ADMIN],
                                upload=SimpleUploadedFile(name, content))
    assert message in report.file_error
    assert report.created == 0
    assert report.level == "danger"


def test_too_many_rows_are_refused(world, monkeypatch):
    monkeypatch.setattr(tabular, "MAX_ROWS", 5)
    rows = [person_row(world.a.school.code, i) for i in range(6)]
    report = imports.run_import(actor=world.a.users[Role.SCHOOL_ADMIN], upload=xlsx_upload(rows))
    assert "มากกว่า 5 แถว" in report.file_error
    assert Person.objects.count() == 2


# --- rows ---------------------------------------------------------------------------------------


def test_reasons_for_each_kind_of_bad_row(world):
    actor = world.a.users[Role.SCHOOL_ADMIN]
    code = world.a.school.code
    twice = valid_national_id()
    rows = [
        person_row(code, 0, national_id=twice),                                   # row 2
        person_row(code, 1, national_id=twice),                                   # row 3
        person_row(code, 2, national_id=world.a.person.national_id),              # row 4
        person_row(code, 3, first_name="", last_name=""),                         # row 5
        person_row(code, 4, standing="ผู้เชี่ยวชาญ", gender="x"),                 # row 6
        person_row(code, 5, standing_granted_on=""),                              # row 7
        person_row(code, 6, appointed_on="2561-13-01", salary="สามหมื่น"),        # row 8
        person_row(code, 7, birth_date="01/01/2600"),                             # row 9
        person_row(code, 8, national_id=imports.EXAMPLE_NATIONAL_ID),             # row 10
        person_row(world.b.school.code, 9),                                       # row 11
        person_row(code, 10, national_id="12345"),                                # row 12
    ]
    report = imports.run_import(actor=actor, upload=xlsx_upload(rows))
    reasons = {p.row: " | ".join(p.reasons) for p in report.problems}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert "ซ้ำกับแถวที่ 2 ในไฟล์นี้" in reasons[3]
    assert "มีในทะเบียนแล้ว (สังกัด โรงเรียน MARKER-A)" in reasons[4]
    assert reasons[5] == "ชื่อ: ต้องกรอก | นามสกุล: ต้องกรอก"
    assert "วิทยฐานะ: ไม่รู้จักค่า \"ผู้เชี่ยวชาญ\"" in reasons[6]
    assert "ชำนาญการพิเศษ" in reasons[6]  # the accepted values are listed
    assert "เพศ: ไม่รู้จักค่า \"x\" (ใช้ได้: ชาย, หญิง)" in reasons[6]
    assert reasons[7] == "วันที่ได้รับวิทยฐานะ: ต้องกรอกเมื่อมีวิทยฐานะ"
    assert "วันที่ดำรงตำแหน่งปัจจุบัน: ไม่มีวันที่ 2561-13-01 ในปฏิทิน" in reasons[8]
    assert "เงินเดือน: ต้องเป็นตัวเลข" in reasons[8]
    assert "อนาคต" in reasons[9]
    assert "แถวตัวอย่าง" in reasons[10]
    assert "นอกขอบเขตที่คุณดูแล" in reasons[11]
    assert "13 หลัก" in reasons[12]
    assert Person.objects.count() == 2  # all or nothing: row 2 was good and is not written


def test_another_province_is_not_named_when_a_number_is_already_registered(world):
    rows = [person_row(world.b.school.code, national_id=world.a.person.national_id)]
    report = imports.run_import(actor=world.b.users[Role.PROVINCE_ADMIN],
                                upload=xlsx_upload(rows))
    (problem,) = report.problems
    assert "มีในทะเบียนของหน่วยงานอื่นแล้ว" in problem.reasons[0]
    assert "MARKER-A" not in str(problem.reasons)


def test_an_importer_cannot_import_into_another_provinces_school(world):
    for role in (Role.SCHOOL_ADMIN, Role.LAO_ADMIN, Role.PROVINCE_ADMIN, Role.OFFICER):
        actor = world.a.users[role]
        rows = [person_row(world.b.school.code)]
        report = imports.run_import(actor=actor, upload=xlsx_upload(rows), good_rows_only=True)
        assert [p.row for p in report.problems] == [2], role
        assert report.created == 0
    # and the service refuses on its own, whoever calls it
    with pytest.raises(NotAllowed):
        services.import_people(actor=world.a.users[Role.PROVINCE_ADMIN], people=[{
            "organization": world.b.school, "national_id_number": valid_national_id(),
            "first_name": "แฮก", "last_name": "ข้ามจังหวัด",
        }])
    assert not Person.objects.filter(organization=world.b.school).exclude(
        pk=world.b.person.pk).exists()


def test_a_school_admin_cannot_import_into_the_neighbouring_school(world):
    rows = [person_row(world.a.school2.code)]
    report = imports.run_import(actor=world.a.users[Role.SCHOOL_ADMIN], upload=xlsx_upload(rows))
    assert "นอกขอบเขตที่คุณดูแล" in report.problems[0].reasons[0]


def test_the_service_refuses_the_whole_batch_when_a_number_was_registered_meanwhile(world):
    number = valid_national_id()
    PersonFactory(organization=world.a.school, national_id=number)
    with pytest.raises(ValidationError):
        services.import_people(actor=None, people=[
            {"organization": world.a.school, "national_id_number": valid_national_id(),
             "first_name": "ก", "last_name": "ข"},
            {"organization": world.a.school, "national_id_number": number,
             "first_name": "ค", "last_name": "ง"},
        ])
    assert Person.objects.count() == 3


@pytest.mark.parametrize(("value", "expected"), [
    ("15/06/2528", datetime.date(1985, 6, 15)),
    ("5/6/2528", datetime.date(1985, 6, 5)),
    ("15-06-2528", datetime.date(1985, 6, 15)),
    ("15.06.2528", datetime.date(1985, 6, 15)),
    ("๑๕/๐๖/๒๕๒๘", datetime.date(1985, 6, 15)),
    ("2528-06-15", datetime.date(1985, 6, 15)),
    ("1985-06-15", datetime.date(1985, 6, 15)),
    ("15/06/1985", datetime.date(1985, 6, 15)),
    ("15 มิ.ย. 2528", datetime.date(1985, 6, 15)),
    ("15 มิถุนายน พ.ศ. 2528", datetime.date(1985, 6, 15)),
    (datetime.datetime(1985, 6, 15), datetime.date(1985, 6, 15)),
    (datetime.date(2528, 6, 15), datetime.date(1985, 6, 15)),  # typed BE into a date cell
    ("29/02/2531", datetime.date(1988, 2, 29)),
])
def test_dates_as_thai_offices_write_them(value, expected):
    assert imports.parse_date(value, today=datetime.date(2025, 1, 1)) == expected


@pytest.mark.parametrize("value", [
    "31/02/2530", "29/02/2530", "15/06/28", "15/06/3000", "2528/06/15", "มิถุนายน", "15 xyz 2528",
])
def test_impossible_or_unreadable_dates_are_refused_in_thai(value):
    with pytest.raises(imports.CellError) as e:
        imports.parse_date(value, today=datetime.date(2025, 1, 1))
    assert THAI.search(str(e.value))


def test_choices_by_thai_label_english_label_or_key(world):
    code = world.a.school.code
    rows = [
        person_row(code, 0, standing="professional", salary_rank="ks3", position_type="director"),
        person_row(code, 1, standing="ครูชำนาญการพิเศษ", salary_rank="ค.ศ. 3",
                   position_type="ผู้อำนวยการสถานศึกษา", gender="ชาย"),
        person_row(code, 2, standing="Senior Professional", salary_rank="คศ.๓",
                   gender="male"),
    ]
    report = imports.run_import(actor=world.a.users[Role.SCHOOL_ADMIN], upload=xlsx_upload(rows))
    assert report.problems == []
    standings = dict(Person.objects.filter(first_name__startswith="ครู00").values_list(
        "first_name", "standing"))
    assert standings == {"ครู0000": "professional", "ครู0001": "senior_professional",
                         "ครู0002": "senior_professional"}
    assert set(Person.objects.filter(first_name__startswith="ครู00").values_list(
        "salary_rank", flat=True)) == {"ks3"}


def test_a_dash_means_nothing_to_say(world):
    row = person_row(world.a.school.code, standing="-", standing_granted_on="-", gender="–",
                     salary="-", title_th="-")
    report = imports.run_import(actor=world.a.users[Role.SCHOOL_ADMIN], upload=xlsx_upload([row]))
    assert report.problems == []
    person = Person.objects.get(national_id=row["national_id"])
    assert (person.standing, person.gender, person.salary, person.title_th) == (
        AcademicStanding.NONE, "", None, "")


def test_excel_number_cells_for_the_id_and_the_position_number(world):
    row = person_row(world.a.school.code)
    row["national_id"] = int(row["national_id"])
    row["position_number"] = 4321
    row["salary"] = 28500.5
    row["birth_date"] = datetime.datetime(1985, 6, 15)
    report = imports.run_import(actor=world.a.users[Role.SCHOOL_ADMIN], upload=xlsx_upload([row]))
    assert report.problems == []
    person = Person.objects.get(national_id=str(row["national_id"]))
    assert person.position_number == "4321"
    assert person.salary == Decimal("28500.50")


# --- pages ---------------------------------------------------------------------------------------


def test_the_upload_page_shows_the_report_as_a_table(client, world):
    client.force_login(world.a.users[Role.SCHOOL_ADMIN])
    assert client.get("/personnel/import/").status_code == 200
    rows = [person_row(world.a.school.code, 0), person_row("NOPE", 1)]
    r = client.post("/personnel/import/", {"file": xlsx_upload(rows)})
    html = r.content.decode()
    assert r.status_code == 200
    assert 'data-testid="import-summary"' in html
    assert "พบข้อผิดพลาด 1 แถว จากทั้งหมด 2 แถว ยังไม่ได้บันทึกข้อมูลใด ๆ" in html
    assert html.count('data-testid="problem-row"') == 1
    assert "ไม่พบรหัสหน่วยงาน NOPE" in html
    assert Person.objects.count() == 2

    r = client.post("/personnel/import/", {"file": xlsx_upload(rows), "good_rows_only": "on"})
    html = r.content.decode()
    assert "นำเข้าแล้ว 1 คน ข้ามแถวที่ผิด 1 แถว" in html
    assert 'checked' in html  # the choice survives the round trip
    assert Person.objects.count() == 3


def test_the_upload_page_refuses_bad_files_with_a_thai_message(client, world):
    client.force_login(world.a.users[Role.SCHOOL_ADMIN])
    big = SimpleUploadedFile("big.csv", b"x" * (5 * 1024 * 1024 + 1))
    html = client.post("/personnel/import/", {"file": big, "good_rows_only": "on"}).content
    html = html.decode()
    assert "เกินกำหนด 5 MB" in html
    assert 'data-testid="file-error"' in html
    assert "checked" in html
    fake = SimpleUploadedFile("people.xlsx", b"%PDF-1.7 not a spreadsheet")
    html = client.post("/personnel/import/", {"file": fake}).content.decode()
    assert "ไม่ใช่ไฟล์ Excel (.xlsx) หรือ CSV" in html
    html = client.post("/personnel/import/", {}).content.decode()
    assert 'data-testid="file-error"' in html


def test_only_people_who_work_on_records_may_import(client, world):
    client.force_login(world.a.users[Role.STAFF])
    assert client.get("/personnel/import/").status_code == 403
    assert client.post("/personnel/import/").status_code == 403
    assert client.get("/personnel/import/template.xlsx").status_code == 403
    html = client.get("/personnel/").content.decode()
    assert 'data-testid="person-import"' not in html
    assert 'data-testid="roster-export"' in html
    client.force_login(world.a.users[Role.SCHOOL_ADMIN])
    assert 'data-testid="person-import"' in client.get("/personnel/").content.decode()


def test_the_template_has_the_layout_an_example_and_only_the_users_own_codes(client, world):
    client.force_login(world.a.users[Role.LAO_ADMIN])
    r = client.get("/personnel/import/template.xlsx")
    assert r.status_code == 200
    assert r["Content-Type"] == XLSX_CONTENT_TYPE
    book = load_workbook(io.BytesIO(r.content), read_only=True)
    try:
        assert book.sheetnames == ["บุคลากร", "รหัสหน่วยงาน", "คำอธิบาย"]
        people = list(book["บุคลากร"].iter_rows(values_only=True))
        codes = [row[0] for row in book["รหัสหน่วยงาน"].iter_rows(min_row=2, values_only=True)]
    finally:
        book.close()
    assert list(people[0]) == HEADERS
    assert people[1][0] == imports.EXAMPLE_NATIONAL_ID
    assert people[1][KEYS.index("organization_code")] == world.a.school.code
    assert codes == [world.a.lao.code, world.a.school.code, world.a.school2.code]

    # the template as downloaded: the example row is caught, not imported
    upload = SimpleUploadedFile("template.xlsx", r.content)
    report = imports.run_import(actor=world.a.users[Role.LAO_ADMIN], upload=upload)
    assert [p.row for p in report.problems] == [2]
    assert "แถวตัวอย่าง" in report.problems[0].reasons[0]


def _export_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    try:
        return list(book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()


def test_the_export_holds_exactly_the_people_in_reach_with_ids_by_access(client, world):
    extra = PersonFactory(organization=world.a.school2, first_name="บุญมี", salary=Decimal(
        "30500.00"), birth_date=datetime.date(1985, 6, 15))
    client.force_login(world.a.users[Role.PROVINCE_ADMIN])
    rows = _export_rows(client.get("/personnel/export.xlsx"))
    header, body = rows[0], rows[1:]
    assert list(header[:len(HEADERS)]) == HEADERS
    assert header[-2:] == ("สังกัด (organization_name)", "สถานะ (status)")
    ids = {row[0] for row in body}
    assert ids == {world.a.person.national_id, extra.national_id}  # in full, nobody from B
    by_id = {row[0]: dict(zip([*KEYS, "organization_name", "status"], row, strict=True))
             for row in body}
    line = by_id[extra.national_id]
    assert line["birth_date"] == "15/06/2528"  # Buddhist era, as the import reads it
    assert line["position_type"] == "ครู"
    assert line["salary"] == 30500
    assert line["organization_code"] == world.a.school2.code
    assert line["status"] == "ปฏิบัติงาน"
    assert "MARKER-B" not in str(rows)

    # the roster's filters apply
    rows = _export_rows(client.get("/personnel/export.xlsx", {"q": "บุญมี"}))
    assert [row[0] for row in rows[1:]] == [extra.national_id]
    rows = _export_rows(client.get("/personnel/export.xlsx",
                                   {"organization": world.a.school.pk}))
    assert [row[0] for row in rows[1:]] == [world.a.person.national_id]
    assert client.get("/personnel/export.xlsx",
                      {"organization": world.b.school.pk}).status_code == 404

    # staff: their own record only, and masked (they do not work on records)
    client.force_login(world.a.users[Role.STAFF])
    rows = _export_rows(client.get("/personnel/export.xlsx"))
    assert [row[0] for row in rows[1:]] == [world.a.person.masked_national_id]

    # the other province sees none of A
    client.force_login(world.b.users[Role.PROVINCE_ADMIN])
    rows = _export_rows(client.get("/personnel/export.xlsx"))
    assert [row[0] for row in rows[1:]] == [world.b.person.national_id]
    assert "MARKER-A" not in str(rows)


def test_an_exported_file_goes_back_in(client, world):
    """Same layout both ways: an export of one LAO, emptied of the registry, re-imports."""
    client.force_login(world.a.users[Role.LAO_ADMIN])
    content = client.get("/personnel/export.xlsx").content
    Person.objects.filter(pk=world.a.person.pk).update(national_id=valid_national_id())
    report = imports.run_import(actor=world.a.users[Role.LAO_ADMIN],
                                upload=SimpleUploadedFile("roster.xlsx", content))
    assert report.problems == []
    assert report.ignored_columns == ["สังกัด (organization_name)", "สถานะ (status)"]
    assert report.created == 1


def test_a_formula_in_a_name_is_exported_as_text(client, world):
    PersonFactory(organization=world.a.school, first_name="=HYPERLINK(\"http://x\")")
    client.force_login(world.a.users[Role.SCHOOL_ADMIN])
    content = client.get("/personnel/export.xlsx").content
    book = load_workbook(io.BytesIO(content))
    try:
        cells = [c for row in book.worksheets[0].iter_rows() for c in row
                 if str(c.value).startswith("=")]
    finally:
        book.close()
    assert cells
    assert all(c.data_type == "s" for c in cells)


def test_the_export_makes_the_same_queries_for_3_and_60_people(client, world):
    client.force_login(world.a.users[Role.SCHOOL_ADMIN])

    def grow(n):
        have = Person.objects.filter(organization=world.a.school).count()
        Person.objects.bulk_create(
            Person(national_id=valid_national_id(), first_name=f"ครู{i:04d}",
                   last_name="ทดสอบ", organization=world.a.school)
            for i in range(have, n)
        )

    def check(response, n):
        assert len(_export_rows(response)) == n + 1

    assert_query_budget(lambda: client.get("/personnel/export.xlsx"), grow, budget=6,
                        sizes=(3, 60), check=check)
