"""The committee's meeting papers (seed 004 §10, step 3 screens ๑๔–๑๖, step 5): the agenda of one
item and of the whole meeting as Word with the seed's sections, the draft minutes (รายงานการ
ประชุม) from the recorded resolutions, and the annex table as Excel, formatted for printing.
Thai, Buddhist-era dates, Thai numerals on request; scores as every page shows them
(``appraisal.rules.format_score``). The order is in ``orders.py``, the honoraria in
``honoraria.py``."""

from __future__ import annotations

from django.utils.translation import gettext as _

from appraisal.choices import CheckKind, Side
from appraisal.models import QualificationCheck
from appraisal.rules import display_score, format_score
from core import spreadsheets, word
from core.thaidates import format_be

from . import authority
from .models import AgendaEntry, AgendaItem, Decision, ItemKind, Meeting, MemberRole
from .services import standing_counts

CHECK = "✓"
CROSS = "✗"
digits = word.digits


def _date(value, thai: bool) -> str:
    return format_be(value, style="long", thai_digits=thai) if value else ""


def applicant_line(application, thai: bool) -> str:
    person = application.person
    return digits(_("%(name)s ตำแหน่ง%(position)s สถานศึกษา %(school)s สาขา %(area)s "
                    "วันที่ยื่นคำขอ %(filed)s") % {
        "name": person.full_name_th, "position": person.get_position_type_display(),
        "school": application.organization.name, "area": application.subject_area.name,
        "filed": _date(application.filed_on, False)}, thai)


# --- Word: the agenda ----------------------------------------------------------------------------

def _section(doc, label: str, text: str, thai: bool) -> None:
    word.paragraph(doc, label, bold=True, space_before=6, keep_with_next=True)
    for line in (text or "-").splitlines():
        word.paragraph(doc, digits(line, thai), indent=True, align="justify")


def _meeting_heading(doc, meeting: Meeting, title: str, thai: bool) -> None:
    committee = meeting.committee
    word.paragraph(doc, f"{title}{authority.committee_full_name(committee)}", bold=True,
                   align="center")
    word.paragraph(doc, digits(_("ครั้งที่ %(n)s/%(y)s") % {"n": meeting.number,
                                                           "y": meeting.year_be}, thai),
                   bold=True, align="center")
    word.paragraph(doc, digits(_("วันที่ %(date)s ณ %(place)s") % {
        "date": _date(meeting.date, thai), "place": meeting.place or "-"}, thai),
        align="center")
    word.paragraph(doc, "─" * 12, align="center")


def _item_body(doc, item: AgendaItem, thai: bool, *, resolution_line: bool = True) -> None:
    """One item: ระเบียบวาระที่, เรื่อง, คำขอ, กฎหมาย ระเบียบ และหลักเกณฑ์ที่เกี่ยวข้อง,
    ข้อเท็จจริง (with the applicants or the counts), ข้อพิจารณา, มติที่ประชุม (seed 004 §10.1)."""
    word.paragraph(doc, digits(_("ระเบียบวาระที่ %(n)s") % {"n": item.order}, thai), bold=True,
                   space_before=6, keep_with_next=True)
    p = word.paragraph(doc)
    word.run(p, _("เรื่อง "), bold=True)
    word.run(p, digits(item.title, thai))
    _section(doc, _("คำขอ"), item.request_text, thai)
    _section(doc, _("กฎหมาย ระเบียบ และหลักเกณฑ์ที่เกี่ยวข้อง"), item.law_text, thai)
    _section(doc, _("ข้อเท็จจริง"), item.facts_text, thai)
    entries = list(item.entries.all())
    if item.kind == ItemKind.RESULTS:
        word.table(doc, [_("วิทยฐานะ"), _("จำนวน"), _("อนุมัติ"), _("ไม่อนุมัติ")], [
            [str(r["label"]), digits(r["total"], thai), digits(r["approved"], thai),
             digits(r["not_approved"], thai)]
            for r in standing_counts(entries, by_decision=True)])
    elif entries:
        word.table(doc, [_("ที่"), _("ชื่อ-นามสกุล"), _("วิทยฐานะที่ขอ"), _("หน่วยงาน/สังกัด")], [
            [digits(n, thai), e.application.person.full_name_th,
             str(e.application.get_requested_standing_display()),
             f"{e.application.organization.name} {e.application.office.name}"]
            for n, e in enumerate(entries, start=1)], widths_cm=[1.0, 5.0, 3.5, 6.5])
    if item.commitment_id:
        _commitment(doc, item.commitment, thai)
    _section(doc, _("ข้อพิจารณา"), item.considerations_text, thai)
    if resolution_line:
        resolution = getattr(item, "resolution", None)
        word.paragraph(doc, _("มติที่ประชุม"), bold=True, space_before=6)
        word.paragraph(doc, digits(resolution.get_decision_display() + (
            f" {resolution.note}" if resolution.note else ""), thai) if resolution
            else "..........................................", indent=True)


def agenda_docx(item: AgendaItem, *, thai: bool = False) -> bytes:
    """The agenda item as Word (seed 004 §10.1 / screen ๑๕)."""
    doc = word.document()
    _meeting_heading(doc, item.meeting, _("ระเบียบวาระการประชุม"), thai)
    _item_body(doc, item, thai)
    return word.to_bytes(doc)


def meeting_agenda_docx(meeting: Meeting, items, *, thai: bool = False) -> bytes:
    """The whole meeting's agenda in one Word document: the list of items, then every item
    with its sections, each from a new page."""
    doc = word.document()
    _meeting_heading(doc, meeting, _("ระเบียบวาระการประชุม"), thai)
    items = list(items)
    for item in items:
        word.paragraph(doc, digits(_("ระเบียบวาระที่ %(n)s %(title)s") % {
            "n": item.order, "title": item.title}, thai))
    if not items:
        word.paragraph(doc, _("ยังไม่มีระเบียบวาระ"))
    for item in items:
        word.page_break(doc)
        _item_body(doc, item, thai)
    return word.to_bytes(doc)


# --- Word: the draft minutes ---------------------------------------------------------------------

def _resolution_text(item: AgendaItem, thai: bool, doc) -> None:
    resolution = getattr(item, "resolution", None)
    word.paragraph(doc, _("มติที่ประชุม"), bold=True, space_before=6, keep_with_next=True)
    if resolution is None:
        word.paragraph(doc, _("(ยังไม่ได้บันทึกมติในระบบ)"), indent=True)
        return
    entries = list(item.entries.all())
    if item.kind == ItemKind.PANELS:
        lead = _("ที่ประชุมพิจารณาแล้ว มีมติเห็นชอบแต่งตั้งคณะกรรมการประเมินด้านที่ ๑ และด้านที่ ๒ "
                 "จากบัญชีรายชื่อผู้ทรงคุณวุฒิ ตามรายชื่อที่มีมติอนุมัติ ดังนี้")
    elif item.kind == ItemKind.RESULTS:
        lead = _("ที่ประชุมพิจารณาแล้ว มีมติอนุมัติผลการประเมินและอนุมัติให้มีหรือเลื่อนวิทยฐานะ "
                 "ตามรายชื่อที่มีมติอนุมัติ ดังนี้ โดยให้มีผลไม่ก่อนวันที่คำขอครบถ้วนเข้าสู่ระบบ")
    else:
        lead = _("ที่ประชุมพิจารณาแล้ว มีมติ%(decision)s") % {
            "decision": resolution.get_decision_display()}
    word.paragraph(doc, digits(lead, thai), indent=True, align="justify")
    if entries:
        word.table(doc, [_("ที่"), _("ชื่อ-นามสกุล"), _("วิทยฐานะที่ขอ"), _("มติ")], [
            [digits(n, thai), e.application.person.full_name_th,
             str(e.application.get_requested_standing_display()), str(e.get_decision_display())]
            for n, e in enumerate(entries, start=1)], widths_cm=[1.0, 6.5, 4.0, 4.5])
    if resolution.note:
        word.paragraph(doc, digits(resolution.note, thai), indent=True)


def _commitment(doc, commitment, thai: bool) -> None:
    """The commitment of the item's draw (docs/assessment-rules.md): published with the agenda;
    the seed only once the draw revealed it. Hexadecimal stays in Arabic digits."""
    word.paragraph(doc, _("การสุ่มคัดเลือกคณะกรรมการประเมิน (ผูกมัดก่อน เปิดเผยหลัง)"), bold=True,
                   space_before=6, keep_with_next=True)
    word.paragraph(doc, digits(_(
        "ระบบได้สุ่มเมล็ดสุ่มลับไว้ตั้งแต่สร้างระเบียบวาระนี้ เมื่อ %(date)s และเผยแพร่ค่าผูกมัด "
        "(SHA-256 ของเมล็ดสุ่ม) ดังนี้") % {"date": _date(commitment.created_at, False)}, thai),
        indent=True, align="justify")
    word.run(word.paragraph(doc), commitment.commitment).font.name = "Courier New"
    if commitment.public_source:
        word.paragraph(doc, _("แหล่งของค่าสาธารณะที่จะใช้: %(source)s") % {
            "source": commitment.public_source}, indent=True)
    word.paragraph(doc, digits(_(
        "ในการประชุม เลขานุการจะกรอกค่าสาธารณะที่ไม่มีผู้ใดรู้ได้ในขณะนี้ (เช่น ผลสลากกินแบ่งรัฐบาลงวด"
        "ที่ระบุไว้ หรือตัวเลขที่ประกาศในที่ประชุม) ผลการสุ่มคำนวณจากเมล็ดสุ่ม ค่าสาธารณะ เลขที่คำขอ "
        "และกรรมการคนที่ ด้วยวิธีที่เปิดเผยไว้ หลังการสุ่ม ระบบเปิดเผยเมล็ดสุ่ม ผู้ใดก็ตรวจสอบได้ว่า "
        "SHA-256 ของเมล็ดสุ่มตรงกับค่าผูกมัดข้างต้น และคำนวณผลการสุ่มซ้ำได้ด้วยโปรแกรม verify_draw.py"),
        thai), indent=True, align="justify")
    if commitment.revealed_at is not None:
        word.paragraph(doc, _("ค่าสาธารณะที่ใช้: %(value)s") % {
            "value": commitment.public_value}, indent=True)
        p = word.paragraph(doc, _("เมล็ดสุ่มที่เปิดเผยแล้ว: "), indent=True)
        word.run(p, commitment.revealed_seed).font.name = "Courier New"


def minutes_docx(meeting: Meeting, items, *, thai: bool = False) -> bytes:
    """รายงานการประชุม (draft) from what the portal recorded: who sits on the committee, each
    item's matter and the resolution recorded on it; the times and who attended are left for
    the secretary to complete before the committee adopts it."""
    doc = word.document()
    word.paragraph(doc, _("(ร่าง)"), align="right")
    _meeting_heading(doc, meeting, _("รายงานการประชุม"), thai)
    members = list(meeting.committee.members.all())
    word.paragraph(doc, _("ผู้มาประชุม"), bold=True, space_before=6)
    for n, member in enumerate(members, start=1):
        word.paragraph(doc, digits(f"{n}. {member.name}  {member.position}  "
                                   f"{member.get_role_display()}", thai), indent=True)
    if not members:
        word.paragraph(doc, "-", indent=True)
    word.paragraph(doc, _("ผู้ไม่มาประชุม"), bold=True, space_before=6)
    word.paragraph(doc, "-", indent=True)
    word.paragraph(doc, _("ผู้เข้าร่วมประชุม"), bold=True, space_before=6)
    word.paragraph(doc, "-", indent=True)
    word.paragraph(doc, _("เริ่มประชุมเวลา ............ น."), space_before=6)
    chair = next((m for m in members if m.role == MemberRole.CHAIR), None)
    word.paragraph(doc, _("%(chair)s ประธานในที่ประชุม กล่าวเปิดการประชุมและดำเนินการประชุมตาม"
                          "ระเบียบวาระ ดังนี้") % {"chair": chair.name if chair else "........"},
                   indent=True)
    for item in items:
        word.paragraph(doc, digits(_("ระเบียบวาระที่ %(n)s เรื่อง %(title)s") % {
            "n": item.order, "title": item.title}, thai), bold=True, space_before=12,
            keep_with_next=True)
        for text in (item.request_text, item.facts_text):
            for line in (text or "").splitlines():
                word.paragraph(doc, digits(line, thai), indent=True, align="justify")
        _resolution_text(item, thai, doc)
    word.paragraph(doc, _("เลิกประชุมเวลา ............ น."), space_before=12)
    secretary = next((m for m in members if m.role == MemberRole.SECRETARY), None)
    for name, role in ((secretary.name if secretary else "", _("ผู้จดรายงานการประชุม")),
                       (chair.name if chair else "", _("ผู้ตรวจรายงานการประชุม"))):
        p = word.paragraph(doc, _("(ลงชื่อ) ........................................ %(role)s") % {
            "role": role}, space_before=30, align="center", keep_with_next=True)
        p.paragraph_format.left_indent = word.Cm(4)
        p = word.paragraph(doc, f"({name or '........................................'})",
                           align="center")
        p.paragraph_format.left_indent = word.Cm(4)
    return word.to_bytes(doc)


# --- Excel: the annex ----------------------------------------------------------------------------

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


HEADER_ROW = 3  # rows 1–2: the title and the meeting; the table starts at row 3


def _score_cell(value, thai: bool):
    """A score as the annex prints it: the shown figure (2 decimals, half up) as a number
    formatted 0.00, or the same figure in Thai digits as text."""
    if value in (None, ""):
        return ""
    if thai:
        return format_score(value, thai_digits=True)
    return float(display_score(value))


def annex_xlsx(item: AgendaItem, *, thai: bool = False) -> bytes:
    """The annex table (seed 004 §10.2 / screen ๑๖): panels — each applicant's data and ✓ of
    the qualification checks; results — the six scores, the result and the earliest date of
    appointment (the date the complete request entered the system), with the counts. Printed:
    A4 landscape fitted to the width, the header row repeated, borders, wrapped text."""
    from openpyxl import Workbook

    entries: list[AgendaEntry] = list(item.entries.all())
    applications = [e.application for e in entries]
    book = Workbook()
    ws = book.active
    ws.title = _("เอกสารประกอบวาระ")[:31]
    ws.append(spreadsheets.row(ws, [digits(_("เอกสารประกอบระเบียบวาระที่ %(n)s %(title)s") % {
        "n": item.order, "title": item.title}, thai)], bold=True, size=16))
    ws.append(spreadsheets.row(ws, [digits(item.meeting.ref, thai)]))
    widths: list[float] = []
    score_columns: list[int] = []
    if item.kind == ItemKind.PANELS:
        checks = _checks_of(applications)
        head = [_("ที่"), _("ชื่อ-นามสกุล"), _("ตำแหน่ง"), _("วิทยฐานะเดิม"), _("วิทยฐานะที่ขอ"),
                _("สถานศึกษา"), _("หน่วยงานต้นสังกัด"), _("สาขา"), _("วันที่ยื่นคำขอ"),
                *[str(k.label) for k in CheckKind]]
        widths = [6, 26, 10, 12, 12, 24, 24, 18, 14, *[11] * len(CheckKind)]
        ws.append(spreadsheets.row(ws, head, bold=True, table=True, fill="EDEDED"))
        for n, a in enumerate(applications, start=1):
            values = [digits(n, thai) if thai else n, a.person.full_name_th,
                      str(a.person.get_position_type_display()),
                      a.get_current_standing_display(), a.get_requested_standing_display(),
                      a.organization.name, a.office.name, a.subject_area.name,
                      _date(a.filed_on, thai)]
            values += [CHECK if checks[a.pk].get(k) else (
                CROSS if checks[a.pk].get(k) is False else "") for k in CheckKind.values]
            ws.append(spreadsheets.row(ws, values, table=True))
    else:
        seats = (1, 2, 3)
        head = [_("ที่"), _("รายละเอียดผู้ขอวิทยฐานะ"), _("ขอมีวิทยฐานะ หรือเลื่อนเป็นวิทยฐานะ")]
        head += [_("กรรมการคนที่ %(seat)s ด้านที่ %(side)s") % {"seat": s, "side": side}
                 for s in seats for side in (Side.SKILLS, Side.OUTCOMES)]
        head += [_("ผลการประเมิน"), _("มติ"), _("อนุมัติแต่งตั้ง ไม่ก่อนวันที่")]
        widths = [6, 45, 14, *[10] * 6, 12, 12, 16]
        score_columns = list(range(4, 10))
        ws.append(spreadsheets.row(ws, head, bold=True, table=True, fill="EDEDED"))
        for n, entry in enumerate(entries, start=1):
            a = entry.application
            decision = getattr(a, "decision", None)
            sides = decision.sides if decision else {}
            scores = []
            for s in seats:
                for side in (Side.SKILLS, Side.OUTCOMES):
                    pcts = sides.get(str(side.value), {}).get("percentages", [])
                    scores.append(_score_cell(pcts[s - 1] if len(pcts) >= s else None, thai))
            result = (_("ผ่านเกณฑ์") if decision.passed else _("ไม่ผ่านเกณฑ์")) if decision \
                else ""
            cells = spreadsheets.row(ws, [
                digits(n, thai) if thai else n, applicant_line(a, thai),
                a.get_requested_standing_display(), *scores, result,
                entry.get_decision_display() if entry.decision != Decision.PENDING else "",
                _date(a.entered_on, thai)], table=True)
            for column in score_columns:
                cells[column - 1].number_format = "0.00"
            ws.append(cells)
        ws.append([])
        # the counts under the wide column B, each figure under a score column
        ws.append([None, *spreadsheets.row(ws, [_("สรุปจำนวนตามวิทยฐานะ")], bold=True)])
        ws.append([None, *spreadsheets.row(ws, [_("วิทยฐานะ"), _("จำนวน"), _("อนุมัติ"),
                                                _("ไม่อนุมัติ")],
                                           bold=True, table=True, fill="EDEDED")])
        for row in standing_counts(entries, by_decision=True):
            ws.append([None, *spreadsheets.row(ws, [str(row["label"]), *[
                digits(row[k], thai) if thai else row[k]
                for k in ("total", "approved", "not_approved")]], table=True)])
    spreadsheets.print_layout(ws, header_rows=(HEADER_ROW, HEADER_ROW), landscape=True,
                              widths=widths)
    ws.print_area = f"A1:{ws.cell(row=1, column=len(widths)).column_letter}{ws.max_row}"
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    return spreadsheets.to_bytes(book)
