"""The appointment order (คำสั่ง, seed 004 step 7) in the form of a Thai government order
(ระเบียบสำนักนายกรัฐมนตรีว่าด้วยงานสารบรรณ, แบบคำสั่ง), as PDF and as Word:

    ครุฑ (3 cm, centred)
    คำสั่ง<the LAO>                                   the issuing authority (committees.authority)
    ที่ <number>/<year>
    เรื่อง ให้ข้าราชการหรือพนักงานครู...มีวิทยฐานะ...
    ──────────
        ตามที่ <the committee> ในการประชุมครั้งที่ .../... เมื่อวันที่ ... มีมติ...   the resolution
        อาศัยอำนาจตามความใน... และมติ... จึงแต่งตั้ง...                            the legal basis
        ทั้งนี้ ตั้งแต่วันที่ ...
                สั่ง ณ วันที่ ... พ.ศ. ...
                                    (ชื่อผู้ลงนาม)
                                    นายก<the LAO>                                   the signer
    บัญชีรายละเอียดแนบท้ายคำสั่ง: ที่ | ชื่อ | ตำแหน่ง/สถานศึกษา | ตำแหน่งเลขที่ | วิทยฐานะ |
    อันดับ | เงินเดือน | ตั้งแต่วันที่

Buddhist-era dates; Thai numerals on request (the "ใช้เลขไทย" box). The PDF embeds Sarabun (the
Sarabun-family face of core/fonts); the Word file names TH Sarabun New 16 pt (core.word)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from core import word
from core.money import format_baht
from core.thaidates import format_be
from personnel.choices import AcademicStanding, SalaryRank

from . import authority, services
from .models import AppointmentOrder

TEACHERS = "ข้าราชการหรือพนักงานครูและบุคลากรทางการศึกษา"


def order_date(value, thai: bool) -> str:
    """25 พฤศจิกายน พ.ศ. 2569: the day, the month in full, "พ.ศ." and the year, as an order
    writes its dates."""
    day_month, year = format_be(value, style="long").rsplit(" ", 1)
    return word.digits(f"{day_month} พ.ศ. {year}", thai)


def issuer_of(order: AppointmentOrder):
    """The LAO whose order it is (an older order without it: its applications' office)."""
    if order.issuer_id:
        return order.issuer
    entry = order.entries.select_related("application__office").first()
    return entry.application.office if entry else None


def _subject(standings: set[str]) -> str:
    """เรื่อง: ให้...มีวิทยฐานะครูชำนาญการ และเลื่อนเป็นวิทยฐานะครูชำนาญการพิเศษ (seed 004 step
    7's words), for the standings the order gives."""
    parts = []
    for standing in [s for s in AcademicStanding.values if s in standings]:
        label = AcademicStanding(standing).label
        parts.append(_("มีวิทยฐานะครู%(label)s") % {"label": label}
                     if standing == AcademicStanding.PROFESSIONAL
                     else _("เลื่อนเป็นวิทยฐานะครู%(label)s") % {"label": label})
    return _("ให้%(who)s %(what)s") % {"who": TEACHERS, "what": _(" และ").join(parts)}


def order_parts(order: AppointmentOrder, *, thai: bool = False) -> dict:
    """Every text of the order, in reading order, and the annex table."""
    issuer = issuer_of(order)
    committee = order.committee
    entries = list(order.entries.select_related(
        "application", "application__person", "application__organization").order_by("order_no"))
    meetings = sorted({m.pk: m for m in services.resolutions_of(
        [e.application for e in entries]).values()}.values(), key=lambda m: (m.date, m.pk))
    lao = authority.lao_full_name(issuer) if issuer else committee.name
    d = lambda text: word.digits(text, thai)  # noqa: E731
    sittings = _(" และ").join(_("ในการประชุมครั้งที่ %(n)s/%(y)s เมื่อวันที่ %(date)s") % {
        "n": m.number, "y": m.year_be, "date": order_date(m.date, False)} for m in meetings)
    committee_name = authority.committee_full_name(committee)
    background = _("ตามที่%(committee)s %(sittings)s มีมติอนุมัติผลการประเมินและอนุมัติให้%(who)s "
                   "ตำแหน่งครู สังกัด%(lao)s มีวิทยฐานะหรือเลื่อนวิทยฐานะ จำนวน %(n)s ราย นั้น") % {
        "committee": committee_name, "sittings": sittings, "who": TEACHERS, "lao": lao,
        "n": len(entries)}
    basis = (order.legal_basis or authority.default_legal_basis()).strip()
    resolved = _("และมติ %(committee)s %(sittings)s") % {
        "committee": authority.committee_short_name(committee), "sittings": sittings}
    action = _("%(basis)s %(resolved)s จึงแต่งตั้งให้ผู้มีรายชื่อตามบัญชีรายละเอียดแนบท้ายคำสั่งนี้ "
               "มีวิทยฐานะหรือเลื่อนวิทยฐานะ และให้ได้รับเงินเดือนในอันดับและอัตราตามที่ระบุ") % {
        "basis": basis, "resolved": resolved}
    days = sorted({e.effective_on for e in entries})
    if len(days) == 1:
        effective = _("ทั้งนี้ ตั้งแต่วันที่ %(date)s เป็นต้นไป") % {
            "date": order_date(days[0], False)}
    else:
        effective = _("ทั้งนี้ ตั้งแต่วันที่ที่ระบุในบัญชีรายละเอียดแนบท้ายคำสั่งนี้ ซึ่งไม่ก่อนวันที่"
                      "คำขอครบถ้วนเข้าสู่ระบบ")
    number = _("ที่ %(n)s/%(y)s") % {"n": order.number, "y": order.year_be}
    header = [_("ที่"), _("ชื่อ - นามสกุล"), _("ตำแหน่ง / สถานศึกษา"), _("ตำแหน่งเลขที่"),
              _("วิทยฐานะที่ได้รับแต่งตั้ง"), _("อันดับ"), _("เงินเดือน (บาท)"),
              _("ตั้งแต่วันที่")]
    rows = []
    for e in entries:
        a = e.application
        rows.append([d(e.order_no), a.person.full_name_th,
                     f"{a.person.get_position_type_display()} {a.organization.name}",
                     d(e.position_number or "–"),
                     _("ครู%(label)s") % {"label": e.get_new_standing_display()},
                     d(SalaryRank(e.salary_rank).label if e.salary_rank else "–"),
                     d(format_baht(e.salary) or "–"), d(format_be(e.effective_on))])
    return {
        "issuer": issuer, "lao": lao,
        "title": _("คำสั่ง%(lao)s") % {"lao": lao},
        "number": d(number),
        "subject": _("เรื่อง %(subject)s") % {
            "subject": _subject({e.new_standing for e in entries})},
        "paragraphs": [d(background), d(action), d(effective)],
        "given": d(_("สั่ง ณ วันที่ %(date)s") % {"date": order_date(order.date, False)}),
        "signer_name": f"({order.signer_name})",
        "signer_position": order.signer_position or (
            authority.head_title(issuer) if issuer else ""),
        "annex_title": d(_("บัญชีรายละเอียดแนบท้ายคำสั่ง%(lao)s %(number)s ลงวันที่ %(date)s") % {
            "lao": lao, "number": number, "date": order_date(order.date, False)}),
        "header": header, "rows": rows,
    }


# --- PDF -----------------------------------------------------------------------------------------

ANNEX_WIDTHS = (8, 30, 38, 16, 26, 12, 18, 22)  # mm, on 170 mm of A4 between 2 cm margins


def order_pdf(order: AppointmentOrder, *, thai: bool = False) -> bytes:
    from fpdf.fonts import FontFace

    from core.pdf import FONT_FAMILY, ThaiPDF, draw_garuda, to_bytes

    parts = order_parts(order, thai=thai)
    pdf = ThaiPDF(margins=(30, 15, 20, 20))
    pdf.set_title(parts["title"])
    pdf.add_page()
    pdf.set_y(draw_garuda(pdf, y=15, image=settings.GARUDA_IMAGE) + 2)
    pdf.write_text(parts["title"], bold=True, align="C")
    pdf.write_text(parts["number"], align="C")
    pdf.write_text(parts["subject"], align="C")
    y = pdf.get_y() + 1
    pdf.line(pdf.w / 2 - 20, y, pdf.w / 2 + 20, y)
    pdf.ln(4)
    indent = "\u00a0" * max(1, round(25 / max(pdf.get_string_width("\u00a0"), 0.1)))
    for text in parts["paragraphs"]:
        pdf.write_text(indent + text)
        pdf.ln(1)
    pdf.ln(4)
    pdf.set_x(pdf.l_margin + 40)
    pdf.write_text(parts["given"], w=pdf.epw - 40)
    pdf.ln(16)
    block_x, block_w = pdf.l_margin + 65, pdf.epw - 65
    for text in (parts["signer_name"], parts["signer_position"]):
        pdf.set_x(block_x)
        pdf.write_text(text, align="C", w=block_w)

    pdf.add_page()
    pdf.set_left_margin(20)
    pdf.set_x(20)
    pdf.write_text(parts["annex_title"], bold=True, align="C")
    pdf.ln(2)
    size = 10
    with pdf.local_context(font_family=FONT_FAMILY, font_size_pt=size), pdf.table(
            col_widths=ANNEX_WIDTHS, width=sum(ANNEX_WIDTHS), align="CENTER",
            headings_style=FontFace(emphasis="BOLD", fill_color=(235, 235, 235)),
            line_height=pdf.line_height(size), repeat_headings=1,
            text_align=("CENTER", "LEFT", "LEFT", "CENTER", "LEFT", "CENTER", "RIGHT",
                        "CENTER")) as table:
        head = table.row()
        for label in parts["header"]:
            head.cell(pdf.format_text(label))
        for values in parts["rows"]:
            line = table.row()
            for value in values:
                line.cell(pdf.format_text(str(value)))
    return to_bytes(pdf)


# --- Word ----------------------------------------------------------------------------------------

def order_docx(order: AppointmentOrder, *, thai: bool = False) -> bytes:
    from docx.shared import Cm

    parts = order_parts(order, thai=thai)
    doc = word.document(margins_cm=(3.0, 1.5, 2.0, 2.0))
    image = settings.GARUDA_IMAGE
    if image:
        from pathlib import Path

        if Path(image).is_file():
            doc.add_picture(image, height=Cm(word.GARUDA_HEIGHT_CM))
            doc.paragraphs[-1].alignment = word.ALIGN["center"]
        else:
            word.garuda_placeholder(doc)
    else:
        word.garuda_placeholder(doc)
    word.paragraph(doc, parts["title"], bold=True, align="center", space_before=6)
    word.paragraph(doc, parts["number"], align="center")
    word.paragraph(doc, parts["subject"], align="center")
    word.paragraph(doc, "─" * 12, align="center")
    last = len(parts["paragraphs"]) - 1
    for n, text in enumerate(parts["paragraphs"]):
        # the last paragraph, the date and the signature stay together: a signature never
        # stands alone on a page (งานสารบรรณ)
        word.paragraph(doc, text, indent=True, align="justify", space_before=6,
                       keep_with_next=n == last)
    given = word.paragraph(doc, parts["given"], space_before=12, keep_with_next=True)
    given.paragraph_format.left_indent = Cm(4)
    for n, text in enumerate((parts["signer_name"], parts["signer_position"])):
        p = word.paragraph(doc, text, align="center", space_before=30 if n == 0 else 0,
                           keep_with_next=n == 0)
        p.paragraph_format.left_indent = Cm(5)
    word.page_break(doc)
    word.paragraph(doc, parts["annex_title"], bold=True, align="center")
    word.table(doc, parts["header"], parts["rows"], size=13,
               widths_cm=[0.8, 2.7, 2.8, 1.4, 2.4, 1.5, 2.4, 2.0])
    return word.to_bytes(doc)
