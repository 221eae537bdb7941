"""A staff member logs a course with its certificate, the supervisor accepts it, the
dashboard's percentage moves, and the report downloads (Excel and the PDF for signature)."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from devdata.demo import DEMO_PASSWORD
from tests.factories import PNG_BYTES

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAINTED = """(id) => {
  const c = document.getElementById(id);
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 3; i < d.length; i += 4) if (d[i]) n++;
  return n;
}"""


def kpi(page) -> int:
    return int(page.get_by_test_id("kpi-percent").inner_text().rstrip("%"))


def test_a_course_is_logged_accepted_counted_and_reported(page, artifact, log_in):
    call_command("seed_demo", stdout=io.StringIO())
    today = timezone.localdate()

    # the supervisor's dashboard before
    log_in("school_admin", DEMO_PASSWORD)
    page.goto("/elearning/dashboard/")
    before = kpi(page)
    counts_before = page.get_by_test_id("kpi-counts").inner_text()
    assert any("กมลวรรณ" in t for t in page.get_by_test_id("not-passed-row").all_inner_texts())
    page.get_by_test_id("logout").click()

    # the teacher logs a course with the certified copy of the certificate
    log_in("teacher", DEMO_PASSWORD)
    page.get_by_test_id("nav-elearning").click()
    assert "ยังไม่ผ่านเกณฑ์" in page.get_by_test_id("my-result").inner_text()
    page.get_by_test_id("record-completion").click()
    page.get_by_label("หลักสูตร (เลือกจากรายการ)").select_option(
        label="การพัฒนาสมรรถนะครูท้องถิ่น (Local MOOC)")
    page.get_by_label("วันที่ผ่านการอบรม").fill(today.isoformat())
    page.get_by_label(re.compile("สำเนาใบประกาศ")).set_input_files(files=[{
        "name": "certificate.png", "mimeType": "image/png", "buffer": PNG_BYTES}])
    page.get_by_test_id("completion-submit").click()
    assert "รอผู้บังคับบัญชาตรวจสอบ" in page.get_by_role("alert").first.inner_text()
    assert page.get_by_test_id("completion-status").inner_text().startswith("รอตรวจสอบ")
    page.get_by_test_id("logout").click()

    # the school admin accepts it from the review queue
    log_in("school_admin", DEMO_PASSWORD)
    page.goto("/elearning/review/")
    row = page.get_by_test_id("review-row").filter(has_text="กมลวรรณ")
    row.get_by_test_id("accept").click()
    assert "รับรองผลการเรียนของ" in page.get_by_role("alert").first.inner_text()

    # the dashboard's percentage moves
    page.get_by_test_id("nav-dashboard").click()
    after = kpi(page)
    assert after > before, (before, after)
    assert page.get_by_test_id("kpi-counts").inner_text() != counts_before
    page.wait_for_function("window.Chart && Chart.getChart('unitChart')")
    page.wait_for_timeout(1200)  # the charts animate in
    assert page.evaluate(PAINTED, "kpiChart") > 1000
    page.screenshot(path=artifact("elearning-dashboard.png"), full_page=True)

    # the report downloads: Excel in the fixed layout, and the PDF for signature
    with page.expect_download() as download_info:
        page.get_by_test_id("report-xlsx").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    assert book.sheetnames == ["สรุป", "บุคลากร", "หลักสูตร"]
    summary = {book["สรุป"].cell(row=r, column=1).value: book["สรุป"].cell(row=r, column=2).value
               for r in range(3, 17)}
    assert summary["ร้อยละของบุคลากรที่ผ่านเกณฑ์"] == after
    courses = [r[6] for r in book["หลักสูตร"].iter_rows(min_row=2, values_only=True)]
    assert "การพัฒนาสมรรถนะครูท้องถิ่น" in courses
    with page.expect_download() as download_info:
        page.get_by_test_id("report-pdf").click()
    pdf = download_info.value
    assert pdf.suggested_filename.endswith(".pdf")
    assert Path(pdf.path()).read_bytes()[:5] == b"%PDF-"
