"""A unit's report of a round (seed 002, items 2 and 3):

* an Excel workbook in a fixed layout, for the DLA's aggregate processing: the same sheets,
  columns and summary cells whatever the unit (``SUMMARY_ROWS``, ``PEOPLE_COLUMNS``,
  ``COURSE_COLUMNS``; dates as Buddhist-era dd/mm/yyyy text);
* a PDF for the head of the unit to sign, with every accepted certificate appended (images
  placed on their own page, PDF certificates' pages inserted as they are, by pypdf).

Who may have them is the views' business; these functions print what they are given.
"""

from __future__ import annotations

import datetime
import io
import warnings
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from django.utils import translation
from django.utils.translation import gettext as _
from fpdf.fonts import FontFace

from core import spreadsheets
from core.pdf import FONT_FAMILY, ThaiPDF, to_bytes
from core.thaidates import format_be

from . import rules
from .models import Completion, UnitReport
from .selectors import Compliance

SUMMARY_SHEET, PEOPLE_SHEET, COURSE_SHEET = "สรุป", "บุคลากร", "หลักสูตร"

# The summary sheet: (row, key, label); the value is in column B of that row.
SUMMARY_ROWS = (
    (3, "organization_code", "รหัสหน่วยงาน"),
    (4, "organization_name", "หน่วยงาน"),
    (5, "fiscal_year_be", "ปีงบประมาณ (พ.ศ.)"),
    (6, "round", "รอบที่"),
    (7, "period", "ช่วงเวลาของรอบ"),
    (8, "staff_total", "บุคลากรทั้งหมด (คน)"),
    (9, "staff_passed", "ผ่านเกณฑ์ (คน)"),
    (10, "percent", "ร้อยละของบุคลากรที่ผ่านเกณฑ์"),
    (11, "report_deadline", "กำหนดส่งรายงาน"),
    (12, "submitted_on", "วันที่ส่งรายงาน"),
    (13, "working_days_late", "ล่าช้า (วันทำการ)"),
    (14, "penalty", "คะแนนที่ถูกปรับลด"),
    (15, "counted", "นำมาประกอบการประเมิน"),
    (16, "generated_on", "จัดทำเมื่อ"),
)

# The three channels of seed 002 have a column each; courses of channels an admin added are
# counted together, so that the columns never change.
FIXED_CHANNELS = (rules.OCSC, rules.THAI_MOOC, rules.LOCAL_MOOC)

PEOPLE_COLUMNS = (
    ("no", "ลำดับ"),
    ("organization_code", "รหัสหน่วยงาน"),
    ("organization_name", "หน่วยงาน"),
    ("national_id", "เลขประจำตัวประชาชน"),
    ("title", "คำนำหน้าชื่อ"),
    ("first_name", "ชื่อ"),
    ("last_name", "นามสกุล"),
    ("position", "ตำแหน่ง"),
    ("requirement", "เกณฑ์"),
    ("required", "จำนวนหลักสูตรขั้นต่ำ"),
    ("courses", "ผ่าน (หลักสูตร)"),
    ("ocsc", "OCSC Learning Portal"),
    ("thai_mooc", "Thai MOOC"),
    ("local_mooc", "Local MOOC"),
    ("other_channels", "ช่องทางอื่น"),
    ("result", "ผลการประเมิน"),
    ("reason", "รายละเอียด"),
)

COURSE_COLUMNS = (
    ("no", "ลำดับ"),
    ("national_id", "เลขประจำตัวประชาชน"),
    ("name", "ชื่อ-นามสกุล"),
    ("organization_name", "หน่วยงาน"),
    ("channel", "ช่องทาง"),
    ("course_code", "รหัสหลักสูตร"),
    ("course_name", "ชื่อหลักสูตร"),
    ("hours", "จำนวนชั่วโมง"),
    ("completed_on", "วันที่ผ่านการอบรม"),
    ("source", "ที่มา"),
    ("decided_by", "ผู้รับรอง"),
)


def _be(day: datetime.date | None) -> str:
    """15/03/2567: the form the DLA's sheets and our imports read."""
    return f"{day.day:02d}/{day.month:02d}/{day.year + rules.BE_OFFSET}" if day else ""


def _channel_counts(completions: list[Completion]) -> dict[int, dict[str, int]]:
    """Per learner, distinct accepted courses per fixed channel code (others under "other")."""
    seen: dict[int, dict[int, str]] = defaultdict(dict)
    for c in completions:
        code = c.course.channel.code
        seen[c.user_id][c.course_id] = code if code in FIXED_CHANNELS else "other_channels"
    counts: dict[int, dict[str, int]] = {}
    for user_id, courses in seen.items():
        per = defaultdict(int)
        for code in courses.values():
            per[code] += 1
        counts[user_id] = dict(per)
    return counts


def _summary_values(compliance: Compliance, report: UnitReport | None,
                    today: datetime.date) -> dict:
    round_ = compliance.round
    return {
        "organization_code": compliance.organization.code,
        "organization_name": compliance.organization.name,
        "fiscal_year_be": round_.fiscal_year_be,
        "round": round_.number,
        "period": f"{_be(round_.starts_on)} - {_be(round_.ends_on)}",
        "staff_total": compliance.total,
        "staff_passed": compliance.passed,
        "percent": compliance.percent,
        "report_deadline": _be(round_.report_deadline),
        "submitted_on": _be(report.submitted_on) if report else "",
        "working_days_late": report.working_days_late if report else "",
        "penalty": float(report.penalty) if report else "",
        "counted": ("ใช่" if report.counted else "ไม่") if report else "",
        "generated_on": _be(today),
    }


def _safe(value):
    return spreadsheets.clean(value)


def report_workbook(compliance: Compliance, completions: list[Completion],
                    report: UnitReport | None, today: datetime.date) -> bytes:
    """The Excel report in the fixed layout (see the module's doc)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    book = Workbook()
    summary = book.active
    summary.title = SUMMARY_SHEET
    summary["A1"] = "แบบรายงานผลการเข้าเรียนรู้ด้วยตนเองผ่านสื่ออิเล็กทรอนิกส์ (e-Learning)"
    summary["A1"].font = Font(bold=True, size=14)
    values = _summary_values(compliance, report, today)
    for row, key, label in SUMMARY_ROWS:
        summary.cell(row=row, column=1, value=label).font = bold
        cell = summary.cell(row=row, column=2, value=_safe(values[key]))
        if isinstance(values[key], str):
            cell.data_type = "s"
    summary.column_dimensions["A"].width = 34
    summary.column_dimensions["B"].width = 50

    people = book.create_sheet(PEOPLE_SHEET)
    people.append([label for _key, label in PEOPLE_COLUMNS])
    counts = _channel_counts(completions)
    with translation.override("th"):
        for no, row in enumerate(compliance.rows, start=1):
            user = row.user
            per = counts.get(user.pk, {})
            data = {
                "no": no, "organization_code": row.unit.code, "organization_name": row.unit.name,
                "national_id": user.national_id or "", "title": user.title_th,
                "first_name": user.first_name, "last_name": user.last_name,
                "position": row.position,
                "requirement": row.requirement.name if row.requirement else "",
                "required": row.status.required, "courses": row.status.courses,
                **{code: per.get(code, 0) for code in (*FIXED_CHANNELS, "other_channels")},
                "result": "ผ่าน" if row.passed else "ไม่ผ่าน", "reason": row.status.reason,
            }
            people.append([_safe(data[key]) for key, _label in PEOPLE_COLUMNS])
    courses = book.create_sheet(COURSE_SHEET)
    courses.append([label for _key, label in COURSE_COLUMNS])
    with translation.override("th"):
        for no, c in enumerate(completions, start=1):
            data = {
                "no": no, "national_id": c.user.national_id or "", "name": c.user.full_name_th,
                "organization_name": c.organization.name, "channel": c.course.channel.name,
                "course_code": c.course.code, "course_name": c.course.name,
                "hours": float(c.course.hours) if c.course.hours is not None else "",
                "completed_on": _be(c.completed_on), "source": str(c.get_source_display()),
                "decided_by": c.decided_by.full_name_th if c.decided_by else "",
            }
            courses.append([_safe(data[key]) for key, _label in COURSE_COLUMNS])
    for sheet in (people, courses):
        sheet.freeze_panes = "A2"
        for cell in sheet[1]:
            cell.font = bold
            cell.fill = fill
            sheet.column_dimensions[cell.column_letter].width = max(12, len(cell.value) + 4)
        spreadsheets.print_layout(sheet, landscape=True, fit_width=False)
        spreadsheets.table_format(sheet, first_row=1, header_row=1)
    spreadsheets.print_layout(summary, header_rows=None)
    # strings stay text (13 digits, dd/mm/yyyy, a name starting with "="), in TH Sarabun New
    return spreadsheets.to_bytes(book)


# --- the PDF for signature ----------------------------------------------------------------------


TABLE_FONT_PT = 9
HEADING_FILL = (225, 230, 238)
CERTIFICATE_BOX_MM = (170, 215)  # width, height an image certificate may fill


@dataclass
class _Certificate:
    completion: Completion
    kind: str  # "image", "pdf" or "missing"
    data: bytes = b""
    pages: int = 0
    problem: str = ""


def _load(completion: Completion) -> _Certificate:
    if not completion.certificate:
        return _Certificate(completion, "missing", problem=_("นำเข้าจากไฟล์ ไม่มีสำเนาใบประกาศ"))
    try:
        with completion.certificate.open("rb") as f:
            data = f.read()
    except OSError:
        return _Certificate(completion, "missing", problem=_("ไม่พบไฟล์สำเนาใบประกาศ"))
    if completion.certificate_type == "application/pdf":
        pages = _pdf_pages(data)
        if not pages:
            return _Certificate(completion, "missing", problem=_(
                "ไฟล์ PDF นี้เปิดไม่ได้ (เสียหายหรือมีรหัสผ่าน) กรุณาแนบฉบับพิมพ์แทน"))
        return _Certificate(completion, "pdf", data, pages)
    return _Certificate(completion, "image", data)


def _pdf_pages(data: bytes) -> int:
    """Pages of a certificate PDF, or 0 when pypdf cannot read it (broken, encrypted)."""
    from pypdf import PdfReader

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                return 0
            return len(reader.pages)
        except Exception:  # pypdf raises many kinds on a damaged file
            return 0


def _people_table(pdf: ThaiPDF, compliance: Compliance) -> None:
    # Thai word breaking costs milliseconds a string; units, positions and reasons repeat.
    fmt = lru_cache(maxsize=None)(pdf.format_text)
    headers = [_("ลำดับ"), _("ชื่อ-นามสกุล"), _("ตำแหน่ง"), _("หน่วยงาน"), _("ผลการเรียน"),
               _("ผล")]
    with pdf.local_context(font_family=FONT_FAMILY, font_style="", font_size_pt=TABLE_FONT_PT), \
            pdf.table(col_widths=(10, 38, 30, 36, 48, 14), width=pdf.epw,
                      headings_style=FontFace(emphasis="BOLD", fill_color=HEADING_FILL),
                      line_height=pdf.line_height(TABLE_FONT_PT), padding=(0.6, 1.0),
                      text_align="LEFT", v_align="TOP") as table:
        row = table.row()
        for h in headers:
            row.cell(fmt(h))
        for no, learner in enumerate(compliance.rows, start=1):
            row = table.row()
            for value in (str(no), learner.user.full_name_th, learner.position,
                          learner.unit.name, learner.status.reason,
                          _("ผ่าน") if learner.passed else _("ไม่ผ่าน")):
                row.cell(fmt(value))
    pdf.ln(4)


def report_pdf(compliance: Compliance, completions: list[Completion],
               today: datetime.date) -> bytes:
    """The report for the head of the unit to sign, then every accepted certificate."""
    round_ = compliance.round
    pdf = ThaiPDF(margins=(20, 18, 15, 18))
    pdf.set_title(f"e-Learning {compliance.organization.name} {round_}")
    pdf.add_page()
    pdf.write_text(_("แบบรายงานผลการเข้าเรียนรู้ด้วยตนเองผ่านสื่ออิเล็กทรอนิกส์ (e-Learning)"),
                   bold=True, size=14, align="C")
    pdf.write_text(compliance.organization.name, bold=True, size=13, align="C")
    pdf.write_text(_("%(round)s ปีงบประมาณ พ.ศ. %(fy)d (%(start)s – %(end)s)") % {
        "round": _("รอบที่ %(n)d") % {"n": round_.number}, "fy": round_.fiscal_year_be,
        "start": format_be(round_.starts_on, style="long"),
        "end": format_be(round_.ends_on, style="long")}, align="C")
    pdf.ln(2)
    pdf.write_text(_("บุคลากรทั้งหมด %(total)d คน ผ่านเกณฑ์ %(passed)d คน คิดเป็นร้อยละ %(pct)d") % {
        "total": compliance.total, "passed": compliance.passed, "pct": compliance.percent})
    pdf.write_text(_("กำหนดส่งรายงาน %(date)s") % {
        "date": format_be(round_.report_deadline, style="long")})
    pdf.ln(2)
    _people_table(pdf, compliance)
    if pdf.will_page_break(60):
        pdf.add_page()
    pdf.write_text(_("ขอรับรองว่าข้อมูลข้างต้นและสำเนาใบประกาศที่แนบทุกฉบับถูกต้องตามความเป็นจริง"))
    pdf.ln(8)
    for line in (_("ลงชื่อ ..................................................."),
                 "(...................................................)",
                 _("ตำแหน่ง หัวหน้าหน่วยงาน ..................................."),
                 _("วันที่ ........ / ........ / ........")):
        pdf.write_text(line, align="R")
    certificates = [_load(c) for c in completions]
    attached = [c for c in certificates if c.kind != "missing"]
    missing = [c for c in certificates if c.kind == "missing"]
    pdf.ln(2)
    pdf.write_text(_("จัดทำโดยระบบ D-LEP เมื่อ %(date)s · แนบสำเนาใบประกาศ %(n)d ฉบับ") % {
        "date": format_be(today, style="long"), "n": len(attached)}, size=9)
    if missing:
        # Imported results (and unreadable files) have nothing to append: list them once, so
        # that the unit attaches the printed copies by hand.
        pdf.ln(3)
        pdf.write_text(_("ผลการเรียนที่ไม่มีไฟล์สำเนาใบประกาศในระบบ %(n)d รายการ "
                         "(แนบฉบับพิมพ์ที่รับรองสำเนาถูกต้อง)") % {"n": len(missing)},
                       bold=True, size=10)
        with pdf.local_context(font_family=FONT_FAMILY, font_style="",
                               font_size_pt=TABLE_FONT_PT), \
                pdf.table(col_widths=(45, 60, 35, 36), width=pdf.epw,
                          headings_style=FontFace(emphasis="BOLD", fill_color=HEADING_FILL),
                          line_height=pdf.line_height(TABLE_FONT_PT), padding=(0.6, 1.0),
                          text_align="LEFT", v_align="TOP") as table:
            row = table.row()
            for h in (_("ชื่อ-นามสกุล"), _("หลักสูตร"), _("ช่องทาง / วันที่ผ่าน"),
                      _("หมายเหตุ")):
                row.cell(pdf.format_text(h))
            for certificate in missing:
                c = certificate.completion
                row = table.row()
                for value in (c.user.full_name_th, c.course.name,
                              f"{c.course.channel.name} · {format_be(c.completed_on)}",
                              certificate.problem):
                    row.cell(pdf.format_text(value))

    inserts: dict[int, bytes] = {}
    for certificate in attached:
        c = certificate.completion
        pdf.add_page()
        pdf.write_text(_("สำเนาใบประกาศ: %(name)s") % {"name": c.user.full_name_th}, bold=True)
        pdf.write_text(_("%(course)s · %(channel)s · ผ่านเมื่อ %(date)s") % {
            "course": c.course.name, "channel": c.course.channel.name,
            "date": format_be(c.completed_on, style="long")}, size=10)
        if certificate.kind == "image":
            try:
                pdf.image(io.BytesIO(certificate.data), x=pdf.l_margin, y=pdf.get_y() + 2,
                          w=CERTIFICATE_BOX_MM[0], h=CERTIFICATE_BOX_MM[1],
                          keep_aspect_ratio=True)
            except Exception:  # Pillow refuses a damaged image; say so on the page
                pdf.write_text(_("ไฟล์รูปนี้เปิดไม่ได้ กรุณาแนบฉบับพิมพ์แทน"), size=10)
        else:
            pdf.write_text(_("(ไฟล์ PDF %(n)d หน้า แนบในหน้าถัดไป)") % {"n": certificate.pages},
                           size=10)
            inserts[pdf.page_no() - 1] = certificate.data
    main = to_bytes(pdf)
    return _insert_pdfs(main, inserts) if inserts else main


def _insert_pdfs(main: bytes, inserts: dict[int, bytes]) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for index, page in enumerate(PdfReader(io.BytesIO(main)).pages):
            writer.add_page(page)
            if index in inserts:
                for inserted in PdfReader(io.BytesIO(inserts[index])).pages:
                    writer.add_page(inserted)
        out = io.BytesIO()
        writer.write(out)
    return out.getvalue()
