"""The one runner of tabular imports (core.tabular.run_import): the header, the modes, and a
write that fails because the data changed meanwhile."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core import tabular
from core.tabular import ImportReport, RowProblem


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("rows.csv", text.encode())


def run(text, *, good_rows_only=False, write=None):
    written = []

    def check(header, body, report):
        good = []
        for number, row in body:
            values = header.values(row)
            if values["name"] == "bad":
                report.problems.append(RowProblem(number, ["ชื่อ: ผิด"]))
            else:
                good.append(values["name"])
        return good

    def default_write(good, report):
        written.extend(good)
        return len(good)

    report = tabular.run_import(
        upload(text), report=ImportReport(good_rows_only=good_rows_only),
        key_of=lambda h: tabular.column_key(h, {"name": "ชื่อ", "code": "รหัส"}),
        missing=lambda columns: [] if "name" in columns else ["ชื่อ (name)"],
        check=check, write=write or default_write)
    return report, written


def test_all_or_nothing_by_default_and_good_rows_only_on_request():
    report, written = run("ชื่อ,หมายเหตุ\nมาลี,x\nbad,y\n\nสมชาย,z\n")
    assert (report.rows_total, report.created, written) == (3, 0, [])
    assert [p.row for p in report.problems] == [3]
    assert report.ignored_columns == ["หมายเหตุ"]
    assert report.level == "danger"
    report, written = run("ชื่อ (name)\nมาลี\nbad\nสมชาย\n", good_rows_only=True)
    assert (report.created, written) == (2, ["มาลี", "สมชาย"])
    assert report.level == "warning"
    assert report.summary.startswith("นำเข้าแล้ว 2 คน")


@pytest.mark.parametrize(("text", "message"), [
    ("รหัส\n1\n", "ไม่พบคอลัมน์ที่ต้องมี: ชื่อ (name)"),
    ("ชื่อ,name\nก,ข\n", "ซ้ำกันในแถวหัวตาราง"),
    (",,\nก,ข\n", "ไม่พบแถวหัวตาราง"),
    ("", "ไฟล์ว่างเปล่า"),
])
def test_a_file_that_cannot_be_read_says_why_and_writes_nothing(text, message):
    report, written = run(text)
    assert message in report.file_error
    assert (report.created, written) == (0, [])


def test_a_write_refused_because_the_data_changed_is_reported_not_raised():
    def refuse(good, report):
        raise ValidationError("มีผู้บันทึกคนนี้แล้ว")

    report, _written = run("ชื่อ\nมาลี\n", write=refuse)
    assert "ข้อมูลเปลี่ยนไประหว่างการนำเข้า" in report.file_error
    assert "มีผู้บันทึกคนนี้แล้ว" in report.file_error
    assert report.created == 0
