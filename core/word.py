"""Word documents in the form of Thai government paperwork (ระเบียบสำนักนายกรัฐมนตรีว่าด้วยงาน
สารบรรณ): A4, 3 cm left and 2 cm right margins, TH Sarabun New 16 pt, Buddhist-era dates and,
where customary, Thai numerals.

The font is named "TH Sarabun New" (the government's font since the cabinet resolution of 2553)
with "Sarabun" as the alternative in the document's font table: an office suite without TH
Sarabun New takes a Sarabun-family face rather than any font at all.

Usage::

    doc = word.document()
    word.garuda_placeholder(doc)
    word.paragraph(doc, "คำสั่งองค์การบริหารส่วนตำบลนาโพธิ์", bold=True, align="center")
    word.paragraph(doc, "ตามที่ ...", indent=True)
    data = word.to_bytes(doc)
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from core.textinput import printable

__all__ = ["FONT_FALLBACK", "FONT_NAME", "FONT_SIZE_PT", "THAI_DIGITS", "digits", "document",
           "garuda_placeholder", "page_break", "paragraph", "run", "table", "to_bytes"]

FONT_NAME = "TH Sarabun New"
FONT_FALLBACK = "Sarabun"
FONT_SIZE_PT = 16  # the สารบรรณ's body text
# the ครุฑ of a คำสั่ง, ประกาศ, หนังสือภายนอก: 3 cm high, centred at the top of the first page
GARUDA_HEIGHT_CM = 3.0
GARUDA_WIDTH_CM = 2.7
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
         "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.THAI_JUSTIFY}


def digits(value, thai: bool) -> str:
    """``value`` as text, with Thai digits when ``thai``."""
    text = "" if value is None else str(value)
    return text.translate(THAI_DIGITS) if thai else text


def _set_fonts(element) -> None:
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT_NAME)
    # Thai is "complex script": its size and weight are the cs ones
    for tag in ("w:szCs",):
        size = rpr.find(qn(tag))
        if size is None:
            size = OxmlElement(tag)
            rpr.append(size)
        size.set(qn("w:val"), str(FONT_SIZE_PT * 2))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:bidi"), "th-TH")


def _font_table_fallback(doc) -> None:
    """Name Sarabun as the alternative of TH Sarabun New in the font table (w:altName)."""
    for rel in doc.part.rels.values():
        if not rel.reltype.endswith("/fontTable"):
            continue
        part = rel.target_part
        xml = part.blob.decode("utf-8")
        entry = (f'<w:font w:name="{FONT_NAME}"><w:altName w:val="{FONT_FALLBACK}"/>'
                 '<w:charset w:val="DE"/><w:family w:val="swiss"/>'
                 '<w:pitch w:val="variable"/></w:font>')
        if f'w:name="{FONT_NAME}"' not in xml:
            xml = xml.replace("</w:fonts>", entry + "</w:fonts>")
            part._blob = xml.encode("utf-8")


def document(*, margins_cm: tuple[float, float, float, float] = (3.0, 2.5, 2.0, 2.0)):
    """An empty A4 document (left, top, right, bottom margins in cm) whose styles are TH Sarabun
    New 16 pt, single-spaced, no space after paragraphs."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    left, top, right, bottom = margins_cm
    section.left_margin, section.top_margin = Cm(left), Cm(top)
    section.right_margin, section.bottom_margin = Cm(right), Cm(bottom)
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Table Grid"):
        try:
            style = doc.styles[name]
        except KeyError:
            continue
        style.font.name = FONT_NAME
        style.font.size = Pt(FONT_SIZE_PT)
        _set_fonts(style.element)
    normal = doc.styles["Normal"].paragraph_format
    normal.space_after = Pt(0)
    normal.space_before = Pt(0)
    normal.line_spacing = 1.0
    _font_table_fallback(doc)
    return doc


def run(paragraph_, text: str, *, bold: bool = False, size: float | None = None):
    """A run of text; bold and size set for Thai too (Word keeps a complex script's weight and
    size apart: w:bCs, w:szCs)."""
    result = paragraph_.add_run(printable(str(text)))
    rpr = result._r.get_or_add_rPr()
    if bold:
        result.bold = True
        flag = OxmlElement("w:bCs")
        rpr.append(flag)
    if size:
        result.font.size = Pt(size)
        cs = OxmlElement("w:szCs")
        cs.set(qn("w:val"), str(int(size * 2)))
        rpr.append(cs)
    return result


def paragraph(doc_or_cell, text: str = "", *, bold: bool = False, align: str = "left",
              indent: bool = False, size: float | None = None, space_before: float = 0,
              keep_with_next: bool = False):
    """A paragraph; ``indent``: the first line 2.5 cm in, as a letter's body is."""
    p = doc_or_cell.add_paragraph()
    if text:
        run(p, text, bold=bold, size=size)
    p.alignment = ALIGN[align]
    if indent:
        p.paragraph_format.first_line_indent = Cm(2.5)
    if space_before:
        p.paragraph_format.space_before = Pt(space_before)
    if keep_with_next:
        p.paragraph_format.keep_with_next = True
    return p


def table(doc, header: list[str], rows: list[list[str]], *, widths_cm: list[float] | None = None,
          size: float | None = None, repeat_header: bool = True):
    """A bordered table (style "Table Grid") with a bold header row repeated on every page."""
    result = doc.add_table(rows=1, cols=len(header))
    result.style = "Table Grid"
    result.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, label in zip(result.rows[0].cells, header, strict=True):
        cell.text = ""
        run(cell.paragraphs[0], label, bold=True, size=size)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    if repeat_header:
        trpr = result.rows[0]._tr.get_or_add_trPr()
        header_flag = OxmlElement("w:tblHeader")
        header_flag.set(qn("w:val"), "true")
        trpr.append(header_flag)
    for values in rows:
        cells = result.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = ""
            run(cell.paragraphs[0], str(value), size=size)
    if widths_cm:
        result.autofit = False
        for column, width in zip(result.columns, widths_cm, strict=True):
            column.width = Cm(width)  # the grid, which LibreOffice reads
        for line in result.rows:
            for cell, width in zip(line.cells, widths_cm, strict=True):
                cell.width = Cm(width)  # the cells, which Word reads
    return result


def garuda_placeholder(doc) -> None:
    """Where the ครุฑ goes: a box 3 cm high, centred at the top, marked "ตราครุฑ".

    The emblem itself is not shipped with the portal (no package carries it); an office prints
    on paper that bears it, or pastes it into this box."""
    box = doc.add_table(rows=1, cols=1)
    box.style = "Table Grid"
    box.alignment = WD_TABLE_ALIGNMENT.CENTER
    box.autofit = False
    box.columns[0].width = Cm(GARUDA_WIDTH_CM)
    tblpr = box._tbl.tblPr
    width = tblpr.find(qn("w:tblW"))
    if width is None:
        width = OxmlElement("w:tblW")
        tblpr.append(width)
    width.set(qn("w:w"), str(int(GARUDA_WIDTH_CM * 567)))  # twentieths of a point
    width.set(qn("w:type"), "dxa")
    line = box.rows[0]
    line.height = Cm(GARUDA_HEIGHT_CM)
    trpr = line._tr.get_or_add_trPr()
    height = trpr.find(qn("w:trHeight"))
    if height is not None:
        height.set(qn("w:hRule"), "exact")
    cell = line.cells[0]
    cell.width = Cm(GARUDA_WIDTH_CM)
    cell.text = ""
    p = cell.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_before = Pt(20)
    run(p, "ตราครุฑ", size=12)
    note = cell.add_paragraph()
    note.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run(note, "(สูง ๓ ซม.)", size=9)


def page_break(doc) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def to_bytes(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
