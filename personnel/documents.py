"""Printable documents of the registry: the ก.พ.7 record and the salary certificate.

Both are built on :class:`core.pdf.ThaiPDF` and return the finished PDF as bytes. Who may have
which document is the views' business (``document_views``); these functions print what they
are given, the ก.พ.7 with the national ID in full.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from fpdf.fonts import FontFace
from pythainlp.util import bahttext

from accounts import selectors as org_selectors
from accounts.models import Organization
from accounts.rules import OrgKind
from core.money import format_baht
from core.pdf import FONT_FAMILY, ZWSP, ThaiPDF, draw_qr, to_bytes
from core.thaidates import format_be

from . import presenters, selectors
from .choices import AcademicStanding
from .models import Person

# The ก.พ.7 is a wide table of history: narrower margins than a letter give the columns room.
KP7_MARGINS = (18, 15, 15, 18)
TABLE_FONT_PT = 9
CELL_PADDING = (0.6, 1.0)  # top/bottom, left/right in mm
HEADING_FILL = (225, 230, 238)
LABEL_FILL = (242, 244, 247)
LABEL_WIDTH_MM = 48
# A section title keeps its header row and a first line on the same page.
KEEP_WITH_TITLE_MM = 22
NO_WRAP_CHARS = 14

_BREAKS = re.compile(r"[\s\u200b]+")
_SLASH_BEFORE_THAI = re.compile(r"/(?=[\u0e00-\u0e7f])")


def _national_id(value: str) -> str:
    """1-1017-00230-70-5, the way the card prints it."""
    if len(value) != 13:
        return value
    return f"{value[0]}-{value[1:5]}-{value[5:10]}-{value[10:12]}-{value[12]}"


def _baht(amount: Decimal) -> str:
    """32,150 or 32,150.50: satang only when there are any."""
    if amount == amount.to_integral_value():
        return f"{amount:,.0f}"
    return f"{amount:,.2f}"


def _date(value: datetime.date | None, *, style: str = "short") -> str:
    return format_be(value, style=style, with_time=False) if value else "–"


# --- ก.พ.7 --------------------------------------------------------------------------------------


class _Kp7PDF(ThaiPDF):
    """ThaiPDF with the record's footer (whose record, as of when, หน้า x/y) on every page."""

    def __init__(self, *, footer_text: str):
        super().__init__(margins=KP7_MARGINS)
        self.footer_text = footer_text

    def footer(self):
        self.set_y(-12)
        with self.local_context(font_family=FONT_FAMILY, font_style="", font_size_pt=8,
                                text_color=(90, 90, 90)):
            half = self.epw / 2
            self.cell(half, 5, self.footer_text, align="L")
            # {nb} is fpdf2's alias for the page count, filled in when the document closes.
            self.cell(half, 5, f"หน้า {self.page_no()}/{{nb}}", align="R")


def _printable(value: str) -> str:
    """The presenters mark a yes with ✓, which Sarabun has no glyph for."""
    return _("ใช่") if value == "✓" else value


def _breakable_header(text: str) -> str:
    """"คำสั่ง/เอกสารอ้างอิง" may wrap after its slash, which the word breaker leaves alone."""
    return _SLASH_BEFORE_THAI.sub("/" + ZWSP, text)


def _column_widths(pdf: ThaiPDF, headers: list[str], rows: list[list[str]],
                   total: float) -> list[float]:
    """Widths in mm: every column fits its longest word, the rest goes to long texts.

    Like a browser's automatic table layout: no column narrower than its longest unbreakable
    word (so that Thai words are not cut in two), and the room left over goes to the columns
    whose text is long (a unit's name, an order) rather than to a date or a rank.
    """
    pad = 2 * CELL_PADDING[1] + 0.8
    lows, highs = [], []
    for i, header in enumerate(headers):
        low = high = 0.0
        cells = [(_breakable_header(header), "B")] + [(_printable(r[i]), "") for r in rows]
        for text, style in cells:
            with pdf.local_context(font_family=FONT_FAMILY, font_style=style,
                                   font_size_pt=TABLE_FONT_PT):
                shown = pdf.format_text(text)
                # A short value (a date, an amount, a rank) stays on one line; headers and
                # longer text may wrap between their words.
                short = style == "" and len(text) <= NO_WRAP_CHARS
                words = [shown] if short else _BREAKS.split(shown)
                low = max([low, *(pdf.get_string_width(w) for w in words if w)])
                high = max(high, pdf.get_string_width(shown))
        lows.append(low + pad)
        highs.append(max(min(high + pad, total * 0.45), low + pad))
    if sum(lows) >= total:
        return _cap_widest(lows, total)
    if sum(highs) <= total:
        return [w * total / sum(highs) for w in highs]
    room = total - sum(lows)
    wants = [h - lo for h, lo in zip(highs, lows, strict=True)]
    return [lo + room * want / sum(wants) for lo, want in zip(lows, wants, strict=True)]


def _cap_widest(widths: list[float], total: float) -> list[float]:
    """Cut the widest columns down to one common cap so that all fit in ``total``.

    The narrow columns (a date, an amount) keep their width; only the columns with a long
    unbreakable word (a compound name, "อบต.หนองบัว") give way and wrap inside it.
    """
    remaining, cap = total, total
    for count, width in enumerate(sorted(widths), start=0):
        left = len(widths) - count
        if width * left >= remaining:
            cap = remaining / left
            break
        remaining -= width
    return [min(w, cap) for w in widths]


def _history_table(pdf: ThaiPDF, headers: list[str], rows: list[list[str]]) -> None:
    with pdf.local_context(font_family=FONT_FAMILY, font_style="", font_size_pt=TABLE_FONT_PT):
        widths = _column_widths(pdf, headers, rows, pdf.epw)
        with pdf.table(
            col_widths=widths,
            width=pdf.epw,
            headings_style=FontFace(emphasis="BOLD", fill_color=HEADING_FILL),
            line_height=pdf.line_height(TABLE_FONT_PT),
            padding=CELL_PADDING,
            text_align="LEFT",
            v_align="TOP",
        ) as table:
            for values in [[_breakable_header(h) for h in headers], *rows]:
                row = table.row()
                for value in values:
                    row.cell(pdf.format_text(_printable(value)))
    pdf.ln(3)


def _fields_table(pdf: ThaiPDF, fields: list[tuple[str, str]]) -> None:
    """Label/value pairs: the label bold on a light ground, the value wrapped beside it."""
    label_style = FontFace(emphasis="BOLD", fill_color=LABEL_FILL)
    with pdf.local_context(font_family=FONT_FAMILY, font_style="", font_size_pt=10), pdf.table(
        col_widths=(LABEL_WIDTH_MM, pdf.epw - LABEL_WIDTH_MM),
        width=pdf.epw,
        first_row_as_headings=False,
        line_height=pdf.line_height(10),
        padding=CELL_PADDING,
        text_align="LEFT",
        v_align="TOP",
    ) as table:
        for label, value in fields:
            row = table.row()
            row.cell(pdf.format_text(label), style=label_style)
            row.cell(pdf.format_text(value or "–"))
    pdf.ln(3)


def _section_title(pdf: ThaiPDF, text: str, *, size: float = 12,
                   keep: float = KEEP_WITH_TITLE_MM) -> None:
    """A bold title that does not stay alone at the foot of a page: ``keep`` mm must follow."""
    if pdf.will_page_break(pdf.line_height(size) + keep):
        pdf.add_page()
    pdf.write_text(text, bold=True, size=size)


@translation.override("th")  # official documents are Thai, whatever the page language
def kp7_pdf(person: Person, today: datetime.date) -> bytes:
    """The ก.พ.7 personnel record of ``person`` as of ``today``.

    ``person`` should come from ``selectors.person_for`` (history prefetched). The national
    ID is printed in full: the views hand this document only to those who may work on the
    record and to the person themself.
    """
    derived = selectors.derived_values(person, today)
    as_of = _date(today, style="long")
    pdf = _Kp7PDF(footer_text=_("ทะเบียนประวัติ ก.พ.7 · %(name)s · ข้อมูล ณ วันที่ %(date)s")
                  % {"name": person.full_name_th, "date": as_of})
    pdf.set_title(_("ทะเบียนประวัติ ก.พ.7"))
    pdf.alias_nb_pages()
    pdf.add_page()

    pdf.write_text(_("ทะเบียนประวัติ ก.พ.7"), bold=True, size=16, align="C")
    pdf.write_text(_("ข้อมูล ณ วันที่ %(date)s") % {"date": as_of}, align="C")
    pdf.write_text(f"{person.full_name_th} · {person.organization.name}", align="C")
    pdf.ln(3)

    retirement = "–"
    if derived.retirement_date:
        retirement = _("%(date)s (ปีงบประมาณ %(year)s)") % {
            "date": _date(derived.retirement_date), "year": derived.retirement_fiscal_year_be}
    status = person.get_status_display()
    if person.status_effective_on:
        status += f" ({_('ตั้งแต่')} {_date(person.status_effective_on)})"
    _section_title(pdf, _("1. ข้อมูลส่วนบุคคล"))
    _fields_table(pdf, [
        (_("ชื่อ-นามสกุล"), person.full_name_th),
        (_("ชื่อ-นามสกุล (อังกฤษ)"), person.full_name_en),
        (_("เลขประจำตัวประชาชน"), _national_id(person.national_id)),
        (_("เพศ"), person.get_gender_display()),
        (_("วันเกิด"), _date(person.birth_date)),
        (_("อายุ"), _("%(n)s ปี") % {"n": derived.age} if derived.age is not None else "–"),
        (_("เกษียณอายุราชการ"), retirement),
        (_("ที่อยู่"), person.address.strip()),
        (_("สถานะ"), status),
    ])

    position = person.get_position_type_display()
    appointed = _date(person.appointed_on)
    if derived.tenure_in_position:
        appointed += f" ({_('ดำรงตำแหน่งมาแล้ว')} {derived.tenure_in_position})"
    standing = person.get_standing_display()
    if person.standing != AcademicStanding.NONE and person.standing_granted_on:
        standing += f" · {_('ได้รับเมื่อ')} {_date(person.standing_granted_on)}"
        if derived.tenure_in_standing:
            standing += f" ({_('มาแล้ว')} {derived.tenure_in_standing})"
    _section_title(pdf, _("2. ตำแหน่งและเงินเดือนปัจจุบัน"))
    _fields_table(pdf, [
        (_("สังกัด"), person.organization.name),
        (_("ตำแหน่ง"), position),
        (_("ตำแหน่งเลขที่"), person.position_number),
        (_("อันดับ"), person.get_salary_rank_display()),
        (_("เงินเดือน"), f"{format_baht(person.salary)} {_('บาท')}" if person.salary is not None
         else ""),
        (_("ดำรงตำแหน่งปัจจุบันตั้งแต่"), appointed),
        (_("วิทยฐานะ"), standing),
    ])

    _section_title(pdf, _("3. ประวัติ"))
    for number, section in enumerate(presenters.history_sections(person), start=1):
        _section_title(pdf, f"3.{number} {section.title}", size=11,
                       keep=KEEP_WITH_TITLE_MM if section.rows else pdf.line_height(10))
        if section.rows:
            _history_table(pdf, section.headers, section.rows)
        else:
            pdf.write_text(presenters.no_lines_text(), size=10)
            pdf.ln(2)
    return to_bytes(pdf)


# --- หนังสือรับรองเงินเดือน -------------------------------------------------------------------------

SIGNATURE_X_MM = 105
QR_SIZE_MM = 26


def _unit_of(person: Person, issued_by_org: Organization) -> str:
    """โรงเรียน ... อบต. ...: the person's unit, followed by the issuer when it is another one."""
    unit = person.organization.name
    if issued_by_org.pk != person.organization_id:
        unit = f"{unit} {issued_by_org.name}"
    return unit


def _issuer_lines(issued_by_org: Organization) -> list[str]:
    """The issuing unit and, as its address, the district and province it lies in."""
    above = [org.name for org in org_selectors.ancestors_of(issued_by_org)
             if org.kind in (OrgKind.DISTRICT, OrgKind.PROVINCE)]
    return [issued_by_org.name, *reversed(above)]


@translation.override("th")
def salary_certificate_pdf(person: Person, issued_by_org: Organization, today: datetime.date,
                           thai_digits: bool = True) -> bytes:
    """A one-page หนังสือรับรองเงินเดือน of ``person``, issued by ``issued_by_org`` on ``today``.

    Raises ``ValidationError`` (a Thai message) when the record has no salary, or when the
    person no longer serves: the letter certifies a salary being paid now.
    """
    if not person.salary:
        raise ValidationError(
            _("ออกหนังสือรับรองเงินเดือนไม่ได้: ทะเบียนประวัติของ %(name)s ยังไม่มีข้อมูล"
              "เงินเดือน กรุณาบันทึกเงินเดือนปัจจุบันก่อน") % {"name": person.full_name_th},
            code="no_salary",
        )
    if not person.is_active:
        raise ValidationError(
            _("ออกหนังสือรับรองเงินเดือนไม่ได้: %(name)s ไม่ได้ปฏิบัติงานแล้ว (สถานะ: "
              "%(status)s)") % {"name": person.full_name_th,
                               "status": person.get_status_display()},
            code="not_active",
        )

    pdf = ThaiPDF(thai_digits=thai_digits)
    pdf.set_title(_("หนังสือรับรองเงินเดือน"))
    pdf.set_auto_page_break(False)
    pdf.add_page()
    line = pdf.line_height()

    # ที่ ... on the left, the issuing unit (with its district and province) on the right.
    top = pdf.y
    pdf.write_text(_("ที่ ............ / ............"), w=70)
    pdf.set_xy(SIGNATURE_X_MM + 15, top)
    for text in _issuer_lines(issued_by_org):
        pdf.set_x(SIGNATURE_X_MM + 15)
        pdf.multi_cell(0, line, pdf.format_text(text), new_x="LEFT", new_y="NEXT")
    pdf.ln(line)

    pdf.write_text(_("หนังสือรับรองเงินเดือน"), bold=True, size=16, align="C")
    pdf.ln(line / 2)

    position = person.get_position_type_display()
    if person.standing != AcademicStanding.NONE:
        position += f" {_('วิทยฐานะ')}{person.get_standing_display()}"
    body = _(
        "หนังสือฉบับนี้ให้ไว้เพื่อรับรองว่า %(name)s ตำแหน่ง %(position)s สังกัด %(unit)s "
        "ได้รับเงินเดือนเดือนละ %(amount)s บาท (%(words)s)"
    ) % {
        "name": person.full_name_th,
        "position": position,
        "unit": _unit_of(person, issued_by_org),
        "amount": _baht(person.salary),
        "words": bahttext(float(person.salary)),
    }
    # The first line of a Thai official letter's paragraph is indented by 2.5 cm; write()
    # starts where the cursor is and wraps back to the left margin.
    indent = 25
    pdf.set_x(pdf.l_margin + indent)
    pdf.write(line * 1.1, pdf.format_text(body))
    pdf.ln(line * 2)
    pdf.set_x(pdf.l_margin + indent)
    pdf.write(line, pdf.format_text(
        _("ให้ไว้ ณ วันที่ %(date)s") % {"date": format_be(today, style="long")}))
    pdf.ln(line * 4)

    # The signer signs and writes their name and position by hand.
    for text in (_("(ลงชื่อ) ........................................................"),
                 "(........................................................)",
                 _("ตำแหน่ง ........................................................")):
        pdf.set_x(SIGNATURE_X_MM)
        pdf.multi_cell(0, line * 1.3, pdf.format_text(text), align="C", new_x="LMARGIN",
                       new_y="NEXT")

    url = settings.PORTAL_URL + reverse("person_detail", args=[person.pk])
    qr_y = pdf.h - 20 - QR_SIZE_MM
    draw_qr(pdf, url, x=pdf.l_margin - 3, y=qr_y, size_mm=QR_SIZE_MM)
    pdf.set_xy(pdf.l_margin + QR_SIZE_MM, qr_y + 6)
    with pdf.local_context(font_size_pt=9, text_color=(80, 80, 80)):
        pdf.multi_cell(90, pdf.line_height(9), pdf.format_text(
            _("ทะเบียนประวัติในระบบ D-LEP (เปิดได้เฉพาะผู้มีสิทธิ์)")),
            new_x="LEFT", new_y="NEXT")
        # The address as it is: Thai digits would break it.
        pdf.multi_cell(90, pdf.line_height(9), url, new_x="LEFT", new_y="NEXT")
    return to_bytes(pdf)
