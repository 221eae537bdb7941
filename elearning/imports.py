"""Import completions in bulk from Excel (.xlsx) or CSV, with a row-by-row report.

The file is read by the one runner of imports (``core.tabular.run_import``: size and type
checks, UTF-8/cp874/UTF-16 CSV, Buddhist-era dates, Thai digits), and reported the same way:
every bad row with its Thai reasons; nothing is written when a row is wrong, unless "good rows
only" is asked. Imported completions are accepted at once: the importer vouches for them.

Row 1 is the header; a header is recognised by the key in brackets at its end (or the key, or
the Thai label alone):

===========================  ===============  =====  ===================================
header                       key              must   values
===========================  ===============  =====  ===================================
เลขประจำตัวประชาชน           national_id      yes    13 digits of a user in your units
ช่องทาง                      channel          yes    OCSC Learning Portal, Thai MOOC,
                                                     Local MOOC … (name or code)
ชื่อหลักสูตร                 course_name      *      added to the catalogue when new
รหัสหลักสูตร                 course_code      *      a course code in that channel
วันที่ผ่านการอบรม             completed_on     yes    dd/mm/yyyy (Buddhist era) or ISO
===========================  ===============  =====  ===================================

``*``: the course name or its code (or both).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import national_id, scoping
from accounts.models import Membership, User
from accounts.rules import Role
from accounts.scoping import Access
from core import spreadsheets, tabular
from core.tabular import (
    MAX_FILE_SIZE,
    MAX_ROWS,
    CellError,
    ImportReport,
    RowProblem,
    clean_text,
    column_key,
    parse_date,
)

from . import rules, services
from .models import Channel, Completion, CompletionStatus, Course, Round

__all__ = ["run_import", "template_workbook"]


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    required: bool
    example: str
    note: str = ""

    @property
    def header(self) -> str:
        return f"{self.label} ({self.key})"


COLUMNS = (
    Column("national_id", "เลขประจำตัวประชาชน", True, "", "ตัวเลข 13 หลักของผู้ใช้ในหน่วยงานที่ท่านดูแล"),
    Column("channel", "ช่องทาง", True, "Local MOOC", "ชื่อหรือรหัสช่องทาง"),
    Column("course_name", "ชื่อหลักสูตร", False, "การพัฒนาทักษะดิจิทัลสำหรับครูท้องถิ่น",
           "ต้องกรอกชื่อหรือรหัสหลักสูตร"),
    Column("course_code", "รหัสหลักสูตร", False, "", "รหัสหลักสูตรในช่องทางนั้น (ถ้ามี)"),
    Column("completed_on", "วันที่ผ่านการอบรม", True, "15/01/2569", "วว/ดด/ปปปป (พ.ศ.)"),
)
BY_KEY = {c.key: c for c in COLUMNS}
SHEET = "ผลการเรียน"


def _key(header) -> str | None:
    return column_key(header, {c.key: c.label for c in COLUMNS})


def may_import(user) -> bool:
    return not scoping.reach(user, Access.WORK).nothing


def run_import(*, actor, upload, good_rows_only: bool = False,
               today: datetime.date | None = None) -> ImportReport:
    """Read, check and (when the mode allows) write, through ``core.tabular.run_import``."""

    def missing(columns):
        absent = [c.header for c in COLUMNS if c.required and c.key not in columns]
        if "course_name" not in columns and "course_code" not in columns:
            absent.append(BY_KEY["course_name"].header)
        return absent

    def write(good, report):
        return len(services.import_completions(
            actor=actor, rows=good, source=report.file_name, rows_in_file=report.rows_total,
            rows_rejected=len(report.problems)))

    return tabular.run_import(
        upload, sheet=SHEET,
        report=ImportReport(file_name=getattr(upload, "name", "") or "",
                            good_rows_only=good_rows_only, noun=gettext_lazy("รายการ")),
        key_of=_key, missing=missing,
        check=lambda header, body, report: _check(actor, header.columns, body, report,
                                                  today or timezone.localdate()),
        write=write)


def _round_key(day: datetime.date, rounds: list[Round]) -> tuple:
    for r in rounds:
        if r.starts_on <= day <= r.ends_on:
            return (r.starts_on, r.ends_on)
    dates = rules.default_round_dates(*rules.round_of(day))
    return (dates.starts_on, dates.ends_on)


def _check(actor, columns, body, report, today) -> list[dict]:
    def cell(values, key):
        index = columns.get(key)
        return values[index] if index is not None and index < len(values) else None

    numbers = {national_id.normalize(clean_text(cell(v, "national_id"))) for _n, v in body}
    users = {u.national_id: u for u in User.objects.filter(national_id__in=numbers - {""},
                                                          is_active=True)}
    units = {}
    for m in (Membership.objects.filter(user__in=users.values(), is_active=True)
              .select_related("organization").order_by("-organization__depth", "pk")):
        # the same unit services.record_completion would use: staff unit, else deepest
        if m.user_id not in units or (m.role == Role.STAFF
                                      and units[m.user_id][0] != Role.STAFF):
            units[m.user_id] = (m.role, m.organization)
    work = scoping.reach(actor, Access.WORK) if actor is not None else None
    channels = {}
    for channel in Channel.objects.filter(is_active=True):
        channels[channel.code.lower()] = channel
        channels[channel.name.lower()] = channel
    courses = list(Course.objects.filter(is_active=True, channel__is_active=True))
    by_code = {(c.channel_id, c.code.lower()): c for c in courses if c.code}
    by_name = {(c.channel_id, c.name.lower()): c for c in courses}
    rounds = list(Round.objects.all())
    taken = {(user_id, course_id, _round_key(day, rounds)) for user_id, course_id, day in
             Completion.objects.filter(user__in=users.values())
             .exclude(status=CompletionStatus.REJECTED)
             .values_list("user_id", "course_id", "completed_on")}
    first_row: dict[tuple, int] = {}
    good = []
    for number, values in body:
        reasons = []

        def bad(key, message, reasons=reasons):
            reasons.append(f"{BY_KEY[key].label}: {message}")

        pin = national_id.normalize(clean_text(cell(values, "national_id")))
        user = users.get(pin)
        if not pin:
            bad("national_id", _("ต้องกรอก"))
        elif user is None or user.pk not in units or (
                work is not None and not work.covers(units[user.pk][1])):
            # one answer for "no such person" and "not yours", as a 404 is for pages
            bad("national_id", _("ไม่พบผู้ใช้นี้ในหน่วยงานที่ท่านดูแล"))
            user = None
        elif actor is not None and user.pk == actor.pk:
            bad("national_id", _("นำเข้าผลการเรียนของตนเองไม่ได้ ให้บันทึกพร้อมแนบใบประกาศ"))
            user = None
        channel_text = clean_text(cell(values, "channel"))
        channel = channels.get(channel_text.lower())
        if not channel_text:
            bad("channel", _("ต้องกรอก"))
        elif channel is None:
            bad("channel", _("ไม่รู้จักช่องทาง \"%(value)s\" (ใช้ได้: %(names)s)") % {
                "value": channel_text,
                "names": ", ".join(sorted({c.name for c in channels.values()}))})
        name = " ".join(clean_text(cell(values, "course_name")).split())
        code = clean_text(cell(values, "course_code"))
        course = None
        if not name and not code:
            bad("course_name", _("ต้องกรอกชื่อหรือรหัสหลักสูตร"))
        elif len(name) > 255:
            bad("course_name", _("ยาวเกิน 255 ตัวอักษร"))
        elif channel is not None:
            course = by_code.get((channel.pk, code.lower())) if code else None
            if course is None and name:
                course = by_name.get((channel.pk, name.lower()))
            if course is None and not name:
                bad("course_code", _("ไม่พบรหัสหลักสูตร %(code)s ในช่องทาง %(channel)s") % {
                    "code": code, "channel": channel.name})
        completed_on = None
        raw_date = cell(values, "completed_on")
        if not clean_text(raw_date):
            bad("completed_on", _("ต้องกรอก"))
        else:
            try:
                completed_on = parse_date(raw_date, today=today)
            except CellError as exc:
                bad("completed_on", str(exc))
        if not reasons and user is not None and channel is not None and completed_on:
            course_key = course.pk if course else ("new", channel.pk, name.lower())
            key = (user.pk, course_key, _round_key(completed_on, rounds))
            if key in first_row:
                reasons.append(_("ซ้ำกับแถวที่ %(row)d ในไฟล์นี้ (หลักสูตรเดียวกันในรอบเดียวกัน)") % {
                    "row": first_row[key]})
            elif course is not None and key in taken:
                reasons.append(_("บันทึกหลักสูตรนี้ของบุคคลนี้ในรอบเดียวกันไว้แล้ว"))
            first_row.setdefault(key, number)
        if reasons:
            report.problems.append(RowProblem(number, reasons,
                                              user.full_name_th if user is not None else ""))
            continue
        row = {"user": user, "completed_on": completed_on}
        if course is not None:
            row["course"] = course
        else:
            row.update(channel=channel, course_name=name)
        good.append(row)
    return good


def template_workbook() -> bytes:
    """The import form: header, one example row, the channels, and the notes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    spreadsheets.print_layout(sheet, landscape=True, fit_width=False)
    sheet.append([c.header for c in COLUMNS])
    for cell, column in zip(sheet[1], COLUMNS, strict=True):
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FFE699" if column.required else "DDEBF7")
        sheet.column_dimensions[cell.column_letter].width = max(18, len(column.header))
        sheet.column_dimensions[cell.column_letter].number_format = "@"
    sheet.append([c.example for c in COLUMNS])
    for cell in sheet[2]:
        cell.font = Font(italic=True, color="808080")
        cell.data_type = "s"
    sheet.freeze_panes = "A2"
    names = book.create_sheet("ช่องทาง")
    names.append(["รหัส (code)", "ชื่อช่องทาง (name)"])
    for channel in Channel.objects.filter(is_active=True).order_by("order", "name"):
        names.append([channel.code, channel.name])
    notes = book.create_sheet("คำอธิบาย")
    for line in (
        "หนึ่งแถวต่อหนึ่งหลักสูตรที่ผ่าน เริ่มที่แถวที่ 2 ลบแถวตัวอย่างก่อนนำเข้า",
        "วันที่ใช้ วว/ดด/ปปปป เป็นปี พ.ศ. เช่น 15/01/2569",
        "ผลการเรียนที่นำเข้าถือว่ารับรองแล้ว (ผู้นำเข้ารับรองแทนผู้บังคับบัญชา)",
        "ถ้ามีแถวที่ผิด ระบบจะไม่บันทึกข้อมูลใด ๆ เว้นแต่เลือก \"นำเข้าเฉพาะแถวที่ถูกต้อง\"",
        f"ไฟล์ .xlsx หรือ CSV UTF-8 ขนาดไม่เกิน {MAX_FILE_SIZE // 1024 // 1024} MB "
        f"ไม่เกิน {MAX_ROWS:,} แถว",
    ):
        notes.append([line])
    for column in COLUMNS:
        notes.append([column.header, "ต้องกรอก" if column.required else "", column.note])
    return spreadsheets.to_bytes(book)
