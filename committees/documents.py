"""The committee's documents (seed 004 §10, step 3 screens ๑๔–๑๖, step 7): the agenda as Word
with the seed's sections, the annex table as Excel, the appointment order as PDF and Word, and
the honoraria report as Excel. Thai, Buddhist-era dates, Thai numerals on request."""

from __future__ import annotations

import io
from decimal import Decimal

from django.db.models import Count
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from appraisal.choices import CheckKind, Side
from appraisal.models import QualificationCheck
from core.thaidates import format_be
from personnel.choices import AcademicStanding

from .models import AgendaEntry, AgendaItem, AppointmentOrder, Decision, ItemKind
from .services import STANDING_ORDER, standing_counts

FONT = "TH Sarabun New"
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
CHECK = "✓"
CROSS = "✗"


def digits(value, thai: bool) -> str:
    text = "" if value is None else str(value)
    return text.translate(THAI_DIGITS) if thai else text


def _date(value, thai: bool) -> str:
    return format_be(value, style="long", thai_digits=thai) if value else ""


def _pct(value) -> str:
    return f"{Decimal(str(value)):.2f}"


# --- Word --------------------------------------------------------------------------------------

def _document() -> Document:
    doc = Document()
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Table Grid"):
        try:
            style = doc.styles[name]
        except KeyError:
            continue
        style.font.name = FONT
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(fonts)
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attr), FONT)
    doc.styles["Normal"].font.size = Pt(16)
    return doc


def _heading(doc, text: str, *, center: bool = False) -> None:
    p = doc.add_paragraph()
    run = p.add_run(text)
    run.bold = True
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _section(doc, label: str, text: str, thai: bool) -> None:
    _heading(doc, label)
    for line in (text or "-").splitlines():
        doc.add_paragraph(digits(line, thai))


def _to_bytes(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def applicant_line(application, thai: bool) -> str:
    person = application.person
    return digits(_("%(name)s ตำแหน่ง%(position)s สถานศึกษา %(school)s สาขา %(area)s "
                    "วันที่ยื่นคำขอ %(filed)s") % {
        "name": person.full_name_th, "position": person.get_position_type_display(),
        "school": application.organization.name, "area": application.subject_area.name,
        "filed": _date(application.filed_on, False)}, thai)


def agenda_docx(item: AgendaItem, *, thai: bool = False) -> bytes:
    """The agenda item as Word (seed 004 §10.1 / screen ๑๕)."""
    meeting = item.meeting
    doc = _document()
    _heading(doc, digits(_("ระเบียบวาระการประชุม%(committee)s ครั้งที่ %(n)s/%(y)s") % {
        "committee": meeting.committee.name, "n": meeting.number, "y": meeting.year_be}, thai),
        center=True)
    doc.add_paragraph(digits(_("วันที่ %(date)s ณ %(place)s") % {
        "date": _date(meeting.date, thai), "place": meeting.place or "-"}, thai)).alignment = \
        WD_ALIGN_PARAGRAPH.CENTER
    _heading(doc, digits(_("ระเบียบวาระที่ %(n)s") % {"n": item.order}, thai))
    p = doc.add_paragraph()
    p.add_run(_("เรื่อง ")).bold = True
    p.add_run(digits(item.title, thai))
    _section(doc, _("คำขอ"), item.request_text, thai)
    _section(doc, _("กฎหมาย ระเบียบ และหลักเกณฑ์ที่เกี่ยวข้อง"), item.law_text, thai)
    _section(doc, _("ข้อเท็จจริง"), item.facts_text, thai)
    entries = list(item.entries.all())
    if item.kind == ItemKind.RESULTS:
        counts = standing_counts(entries, by_decision=True)
        table = doc.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, (_("วิทยฐานะ"), _("จำนวน"), _("อนุมัติ"),
                                                    _("ไม่อนุมัติ")), strict=True):
            cell.text = text
        for row in counts:
            cells = table.add_row().cells
            cells[0].text = str(row["label"])
            cells[1].text = digits(row["total"], thai)
            cells[2].text = digits(row["approved"], thai)
            cells[3].text = digits(row["not_approved"], thai)
    elif entries:
        table = doc.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, (_("ที่"), _("ชื่อ-นามสกุล"),
                                                    _("วิทยฐานะที่ขอ"), _("หน่วยงาน/สังกัด")),
                              strict=True):
            cell.text = text
        for n, entry in enumerate(entries, start=1):
            a = entry.application
            cells = table.add_row().cells
            cells[0].text = digits(n, thai)
            cells[1].text = a.person.full_name_th
            cells[2].text = a.get_requested_standing_display()
            cells[3].text = f"{a.organization.name} {a.office.name}"
    if item.commitment_id:
        _commitment(doc, item.commitment, thai)
    _section(doc, _("ข้อพิจารณา"), item.considerations_text, thai)
    resolution = getattr(item, "resolution", None)
    _heading(doc, _("มติที่ประชุม"))
    doc.add_paragraph(resolution.get_decision_display() + (f" {resolution.note}"
                                                            if resolution.note else "")
                      if resolution else "..........................................")
    return _to_bytes(doc)


def _commitment(doc, commitment, thai: bool) -> None:
    """The commitment of the item's draw (issue 19): published with the agenda; the seed only
    once the draw revealed it. Hexadecimal stays in Arabic digits."""
    _heading(doc, _("การสุ่มคัดเลือกคณะกรรมการประเมิน (ผูกมัดก่อน เปิดเผยหลัง)"))
    doc.add_paragraph(digits(_(
        "ระบบได้สุ่มเมล็ดสุ่มลับไว้ตั้งแต่สร้างระเบียบวาระนี้ เมื่อ %(date)s และเผยแพร่ค่าผูกมัด "
        "(SHA-256 ของเมล็ดสุ่ม) ดังนี้") % {"date": _date(commitment.created_at, False)}, thai))
    p = doc.add_paragraph()
    p.add_run(commitment.commitment).font.name = "Courier New"
    if commitment.public_source:
        doc.add_paragraph(_("แหล่งของค่าสาธารณะที่จะใช้: %(source)s") % {
            "source": commitment.public_source})
    doc.add_paragraph(digits(_(
        "ในการประชุม เลขานุการจะกรอกค่าสาธารณะที่ไม่มีผู้ใดรู้ได้ในขณะนี้ (เช่น ผลสลากกินแบ่งรัฐบาลงวด"
        "ที่ระบุไว้ หรือตัวเลขที่ประกาศในที่ประชุม) ผลการสุ่มคำนวณจากเมล็ดสุ่ม ค่าสาธารณะ เลขที่คำขอ "
        "และกรรมการคนที่ ด้วยวิธีที่เปิดเผยไว้ หลังการสุ่ม ระบบเปิดเผยเมล็ดสุ่ม ผู้ใดก็ตรวจสอบได้ว่า "
        "SHA-256 ของเมล็ดสุ่มตรงกับค่าผูกมัดข้างต้น และคำนวณผลการสุ่มซ้ำได้ด้วยโปรแกรม verify_draw.py"),
        thai))
    if commitment.revealed_at is not None:
        doc.add_paragraph(_("ค่าสาธารณะที่ใช้: %(value)s") % {"value": commitment.public_value})
        p = doc.add_paragraph(_("เมล็ดสุ่มที่เปิดเผยแล้ว: "))
        p.add_run(commitment.revealed_seed).font.name = "Courier New"


def order_text(order: AppointmentOrder) -> dict:
    committee = order.committee
    return {
        "title": _("คำสั่ง%(committee)s") % {"committee": committee.name},
        "number": _("ที่ %(n)s/%(y)s") % {"n": order.number, "y": order.year_be},
        "subject": _("เรื่อง ให้ข้าราชการครูและบุคลากรทางการศึกษา มีวิทยฐานะและเลื่อนวิทยฐานะ"),
        "body": _("ตามที่%(committee)s ได้อนุมัติผลการประเมินของข้าราชการครูและบุคลากรทางการศึกษา "
                  "ตำแหน่งครู จึงให้ผู้มีรายชื่อต่อไปนี้มีวิทยฐานะหรือเลื่อนวิทยฐานะ "
                  "ตั้งแต่วันที่ระบุ ทั้งนี้ ไม่ก่อนวันที่คำขอครบถ้วนเข้าสู่ระบบ") % {
            "committee": committee.name},
    }


def order_docx(order: AppointmentOrder, *, thai: bool = False) -> bytes:
    doc = _document()
    text = order_text(order)
    _heading(doc, text["title"], center=True)
    _heading(doc, digits(text["number"], thai), center=True)
    _heading(doc, text["subject"], center=True)
    doc.add_paragraph(text["body"])
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, label in zip(table.rows[0].cells, (_("ที่"), _("ชื่อ-นามสกุล"), _("สถานศึกษา"),
                                                 _("วิทยฐานะใหม่"), _("มีผลตั้งแต่วันที่")),
                           strict=True):
        cell.text = label
    for entry in order.entries.all():
        cells = table.add_row().cells
        cells[0].text = digits(entry.order_no, thai)
        cells[1].text = entry.application.person.full_name_th
        cells[2].text = entry.application.organization.name
        cells[3].text = entry.get_new_standing_display()
        cells[4].text = _date(entry.effective_on, thai)
    doc.add_paragraph(digits(_("สั่ง ณ วันที่ %(date)s") % {"date": _date(order.date, thai)},
                             thai))
    doc.add_paragraph(f"({order.signer_name})").alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(order.signer_position).alignment = WD_ALIGN_PARAGRAPH.CENTER
    return _to_bytes(doc)


def order_pdf(order: AppointmentOrder, *, thai: bool = False) -> bytes:
    from fpdf.fonts import FontFace

    from core.pdf import FONT_FAMILY, ThaiPDF, to_bytes

    text = order_text(order)
    pdf = ThaiPDF(margins=(20, 15, 15, 15))
    pdf.set_title(text["title"])
    pdf.add_page()
    for line in (text["title"], digits(text["number"], thai), text["subject"]):
        pdf.write_text(line, bold=True, size=14, align="C")
    pdf.ln(2)
    pdf.write_text(text["body"])
    pdf.ln(2)
    with pdf.local_context(font_family=FONT_FAMILY, font_size_pt=11), pdf.table(
            col_widths=(8, 40, 40, 25, 30), width=pdf.epw,
            headings_style=FontFace(emphasis="BOLD"), line_height=pdf.line_height(11)) as table:
        head = table.row()
        for label in (_("ที่"), _("ชื่อ-นามสกุล"), _("สถานศึกษา"), _("วิทยฐานะใหม่"),
                      _("มีผลตั้งแต่วันที่")):
            head.cell(label)
        for entry in order.entries.all():
            row = table.row()
            row.cell(digits(entry.order_no, thai))
            row.cell(pdf.format_text(entry.application.person.full_name_th))
            row.cell(pdf.format_text(entry.application.organization.name))
            row.cell(str(entry.get_new_standing_display()))
            row.cell(_date(entry.effective_on, thai))
    pdf.ln(4)
    pdf.write_text(digits(_("สั่ง ณ วันที่ %(date)s") % {"date": _date(order.date, thai)}, thai))
    pdf.ln(6)
    pdf.write_text(f"({order.signer_name})", align="C")
    pdf.write_text(order.signer_position, align="C")
    return to_bytes(pdf)


# --- Excel -------------------------------------------------------------------------------------

def _workbook(title: str):
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    return wb, ws


def _xlsx_bytes(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _checks_of(applications) -> dict[int, dict[str, bool | None]]:
    """{application: {kind: passed}} of each application's current round: the group head's
    verdict, else the officer's, else the system's (seed 004 step 2)."""
    rounds = {a.pk: a.round_no for a in applications}
    result: dict[int, dict] = {a.pk: {} for a in applications}
    for c in QualificationCheck.objects.filter(application_id__in=rounds):
        if c.round_no != rounds[c.application_id]:
            continue
        verdict = c.head_passed if c.head_passed is not None else (
            c.officer_passed if c.officer_passed is not None else c.auto_passed)
        result[c.application_id][c.kind] = verdict
    return result


def annex_xlsx(item: AgendaItem, *, thai: bool = False) -> bytes:
    """The annex table (seed 004 §10.2 / screen ๑๖): panels — each applicant's data and ✓ of
    the qualification checks; results — the six scores, the result and the earliest date of
    appointment (the date the complete request entered the system), with the counts."""
    entries: list[AgendaEntry] = list(item.entries.all())
    applications = [e.application for e in entries]
    wb, ws = _workbook(_("เอกสารประกอบวาระ"))
    bold = Font(bold=True, name=FONT)
    ws.append([digits(_("เอกสารประกอบระเบียบวาระที่ %(n)s %(title)s") % {
        "n": item.order, "title": item.title}, thai)])
    ws.append([digits(item.meeting.ref, thai)])
    if item.kind == ItemKind.PANELS:
        checks = _checks_of(applications)
        head = [_("ที่"), _("ชื่อ-นามสกุล"), _("ตำแหน่ง"), _("วิทยฐานะเดิม"), _("วิทยฐานะที่ขอ"),
                _("สถานศึกษา"), _("หน่วยงานต้นสังกัด"), _("สาขา"), _("วันที่ยื่นคำขอ"),
                *[str(k.label) for k in CheckKind]]
        ws.append(head)
        for n, a in enumerate(applications, start=1):
            row = [digits(n, thai) if thai else n, a.person.full_name_th,
                   str(a.person.get_position_type_display()), a.get_current_standing_display(),
                   a.get_requested_standing_display(), a.organization.name, a.office.name,
                   a.subject_area.name, _date(a.filed_on, thai)]
            row += [CHECK if checks[a.pk].get(k) else (CROSS if checks[a.pk].get(k) is False
                                                       else "") for k in CheckKind.values]
            ws.append(row)
    elif item.kind == ItemKind.RESULTS:
        seats = (1, 2, 3)
        head = [_("ที่"), _("รายละเอียดผู้ขอวิทยฐานะ"), _("ขอมีวิทยฐานะ หรือเลื่อนเป็นวิทยฐานะ")]
        head += [_("กรรมการคนที่ %(seat)s ด้านที่ %(side)s") % {"seat": s, "side": side}
                 for s in seats for side in (Side.SKILLS, Side.OUTCOMES)]
        head += [_("ผลการประเมิน"), _("มติ"), _("อนุมัติแต่งตั้ง ไม่ก่อนวันที่")]
        ws.append(head)
        for n, entry in enumerate(entries, start=1):
            a = entry.application
            decision = getattr(a, "decision", None)
            sides = decision.sides if decision else {}
            scores = []
            for s in seats:
                for side in (Side.SKILLS, Side.OUTCOMES):
                    pcts = sides.get(str(side.value), {}).get("percentages", [])
                    value = pcts[s - 1] if len(pcts) >= s else ""
                    scores.append(digits(_pct(value), thai) if thai and value != "" else (
                        float(value) if value != "" else ""))
            result = (_("ผ่านเกณฑ์") if decision.passed else _("ไม่ผ่านเกณฑ์")) if decision \
                else ""
            ws.append([digits(n, thai) if thai else n, applicant_line(a, thai),
                       a.get_requested_standing_display(), *scores, result,
                       entry.get_decision_display() if entry.decision != Decision.PENDING
                       else "", _date(a.entered_on, thai)])
        ws.append([])
        ws.append([_("สรุปจำนวนตามวิทยฐานะ")])
        ws.append([_("วิทยฐานะ"), _("จำนวน"), _("อนุมัติ"), _("ไม่อนุมัติ")])
        for row in standing_counts(entries, by_decision=True):
            ws.append([str(row["label"]), *[digits(row[k], thai) if thai else row[k]
                                            for k in ("total", "approved", "not_approved")]])
    for cell in ws[3]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["B"].width = 45
    return _xlsx_bytes(wb)


def honoraria_rows(committees) -> list[dict]:
    """Assessor appointments per meeting date with counts per standing (seed 004: แจ้งค่ารางวัล
    และเบี้ยประชุมเพื่อแต่งตั้งกรรมการประเมินวิทยฐานะ): applications whose panels the committees
    approved, by the date of the meeting. One query."""
    rows = AgendaEntry.objects.filter(
        item__kind=ItemKind.PANELS, decision=Decision.APPROVED,
        item__meeting__committee__in=list(committees)).values(
        "item__meeting__date", "application__requested_standing").annotate(
        n=Count("pk")).order_by("-item__meeting__date")
    by_date: dict = {}
    for r in rows:
        day = r["item__meeting__date"]
        by_date.setdefault(day, dict.fromkeys(STANDING_ORDER, 0))
        by_date[day][r["application__requested_standing"]] += r["n"]
    return [{"date": day, "counts": counts, "total": sum(counts.values())}
            for day, counts in by_date.items()]


def honoraria_xlsx(committees, *, thai: bool = False) -> bytes:
    wb, ws = _workbook(_("ค่ารางวัล"))
    ws.append([_("แจ้งค่ารางวัลและเบี้ยประชุมเพื่อแต่งตั้งกรรมการประเมินวิทยฐานะ")])
    ws.append([_("ลำดับ"), _("รางวัล"), _("วันเดือนปีตั้งรางวัล"), _("ประเภท"),
               *[str(AcademicStanding(s).label) for s in STANDING_ORDER], _("รวม")])
    for n, row in enumerate(honoraria_rows(committees), start=1):
        day = _date(row["date"], thai)
        ws.append([digits(n, thai) if thai else n,
                   _("รางวัลเพื่อแต่งตั้งกรรมการประเมินวิทยฐานะ ณ %(day)s") % {"day": day},
                   day, _("ครู"),
                   *[digits(row["counts"][s], thai) if thai else row["counts"][s]
                     for s in STANDING_ORDER],
                   digits(row["total"], thai) if thai else row["total"]])
    return _xlsx_bytes(wb)
