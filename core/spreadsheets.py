"""Every spreadsheet the portal writes, xlsx and csv, goes through here.

Two jobs, one module:

**Cells that never run** (OWASP "CSV Injection"; ASVS 5.0 §1.2.10). A string whose first
character, after any leading blanks or control characters, is ``=``, ``+``, ``-``, ``@`` (or their
full-width forms), or that starts with TAB, CR, LF or NUL, could be taken for a formula by Excel,
LibreOffice or Google Sheets. A teacher named "=HYPERLINK(...)" must print as that name.

* xlsx: the text stays as it is, stored as a string (``data_type "s"``) with ``quotePrefix``,
  the way Excel stores what a person typed as ``'=...``: shown without the quote, never
  evaluated, still text after the cell is edited. openpyxl would turn a leading ``=`` into a
  formula on its own; every string is forced to ``"s"`` anyway.
* csv: a risky value gets a leading ``'`` (the only way in CSV) and every field is quoted.

Numbers, dates and booleans pass through unchanged (``-5`` stays a number).

**Sheets that print** on A4 as a Thai office expects: TH Sarabun New (Thai charset, so that an
office suite without it falls back to a Thai face; see ``FONT_FALLBACK``), fitted to the page
width, the header rows repeated on every page, and, for tables meant to be printed, thin borders
and wrapped text.

Usage, for a write-only (streaming) or a normal workbook alike::

    book = Workbook(write_only=True)
    sheet = book.create_sheet("รายชื่อ")
    spreadsheets.print_layout(sheet, header_rows=1, widths=[8, 40, 20])
    sheet.append(spreadsheets.row(sheet, ["ที่", "ชื่อ", "สังกัด"], bold=True, table=True))
    for n, person in enumerate(people, 1):
        sheet.append(spreadsheets.row(sheet, [n, person.name, person.unit], table=True))
    data = spreadsheets.to_bytes(book)

A normal worksheet may also be filled with ``sheet.append([...])`` or ``sheet.cell(...)``:
``to_bytes`` sweeps it before saving (strings made safe, the font set, rows as tall as their
wrapped text). A write-only sheet cannot be swept: its cells must come from :func:`cell` or
:func:`row`, and its table cells are best not wrapped (``wrap=False``), as no row height can be
set after the fact.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence

__all__ = [
    "FONT_FALLBACK",
    "FONT_NAME",
    "FONT_SIZE",
    "cell",
    "clean",
    "csv_bytes",
    "csv_cell",
    "formula_cells",
    "is_risky",
    "print_layout",
    "row",
    "table_format",
    "to_bytes",
]

# ระเบียบสำนักนายกรัฐมนตรีว่าด้วยงานสารบรรณ and the cabinet's 2553 resolution on Thai government
# fonts: TH Sarabun New (or PSK). Where it is not installed, a Thai face of the same shape.
FONT_NAME = "TH Sarabun New"
FONT_FALLBACK = "Sarabun"
FONT_SIZE = 14  # a printed table (Word documents use the สารบรรณ's 16 pt body)
THAI_CHARSET = 222  # Windows THAI_CHARSET: Excel and LibreOffice substitute a Thai font

FORMULA_START = re.compile(r"^[\s\x00-\x1f]*[=+\-@\uff1d\uff0b\uff0d\uff20]|^[\t\r\n\x00]")


def is_risky(value) -> bool:
    """A string that a spreadsheet program could take for a formula."""
    return isinstance(value, str) and bool(FORMULA_START.match(value))


def clean(value):
    """Strings lose the control characters that xlsx cannot hold."""
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


# --- csv -----------------------------------------------------------------------------------------

def csv_cell(value) -> str:
    """One csv field: ``'`` before a risky string; None is empty."""
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if is_risky(value) else value
    return str(value)


def csv_bytes(rows: Iterable[Sequence]) -> bytes:
    """A csv file (UTF-8 with BOM, so that Excel reads Thai) with every field quoted (RFC 4180)
    and every risky string prefixed."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    for values in rows:
        writer.writerow([csv_cell(v) for v in values])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# --- xlsx cells ----------------------------------------------------------------------------------

@functools.lru_cache(maxsize=64)
def _font(*, bold=False, size=None, italic=False, color=None):
    from openpyxl.styles import Font

    return Font(name=FONT_NAME, charset=THAI_CHARSET, family=2, bold=bold, italic=italic,
                size=size or FONT_SIZE, color=color)


@functools.lru_cache(maxsize=1)
def _border():
    from openpyxl.styles import Border, Side

    thin = Side(style="thin", color="000000")
    return Border(left=thin, right=thin, top=thin, bottom=thin)


def secure(target) -> None:
    """Make an openpyxl cell's string value text that never runs (see the module's doc)."""
    value = target.value
    if isinstance(value, str):
        target.data_type = "s"
        if is_risky(value):
            target.quotePrefix = True


def cell(sheet, value, *, bold: bool = False, size: float | None = None, italic: bool = False,
         color: str | None = None, fill: str | None = None, table: bool = False,
         wrap: bool | None = None, align: str | None = None, number_format: str | None = None):
    """A cell for ``sheet.append([...])`` (write-only or normal): the value made safe, in TH
    Sarabun New; ``table`` adds thin borders and wrapped, top-aligned text."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, PatternFill

    result = WriteOnlyCell(sheet, value=clean(value))
    secure(result)
    result.font = _font(bold=bold, size=size, italic=italic, color=color)
    if fill:
        result.fill = PatternFill("solid", fgColor=fill)
    if table:
        result.border = _border()
    if table or wrap or align:
        result.alignment = Alignment(wrap_text=table if wrap is None else wrap,
                                     vertical="top", horizontal=align)
    if number_format:
        result.number_format = number_format
    return result


def row(sheet, values: Iterable, **style) -> list:
    """:func:`cell` for each value, with the same style."""
    return [cell(sheet, v, **style) for v in values]


# --- sheets --------------------------------------------------------------------------------------

def print_layout(sheet, *, header_rows: int | tuple[int, int] | None = 1,
                 landscape: bool = False, widths: Sequence[float] | None = None,
                 fit_width: bool = True) -> None:
    """A4, fitted to the page width (as many pages down as it takes; ``fit_width=False`` for a
    data file too wide to read on one page), 15 mm margins, the header row(s) repeated on every
    printed page (``header_rows``: the last header row, or the first and last). Call before the
    first row of a write-only sheet."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    # TH Sarabun New needs taller rows than Calibri's 15 pt for the marks above and below
    sheet.sheet_format.defaultRowHeight = LINE_POINTS
    sheet.sheet_format.customHeight = True
    sheet.page_setup.paperSize = 9  # A4 (ECMA-376 ST_PaperSize)
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    if fit_width:
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_margins.left = sheet.page_margins.right = 0.6
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.print_options.horizontalCentered = True
    if header_rows:
        first, last = header_rows if isinstance(header_rows, tuple) else (1, header_rows)
        sheet.print_title_rows = f"{first}:{last}"
    for index, width in enumerate(widths or (), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def table_format(sheet, *, first_row: int, last_row: int | None = None,
                 columns: int | None = None, header_row: int | None = None) -> None:
    """Thin borders and wrapped text on a block of a normal sheet (rows ``first_row`` to
    ``last_row``, the first ``columns`` columns); ``header_row`` in bold."""
    from openpyxl.styles import Alignment

    last_row = last_row or sheet.max_row
    columns = columns or sheet.max_column
    border = _border()
    for r in range(first_row, last_row + 1):
        for c in range(1, columns + 1):
            target = sheet.cell(row=r, column=c)
            target.border = border
            target.alignment = Alignment(wrap_text=True, vertical="top",
                                         horizontal=target.alignment.horizontal)
            if r == header_row:
                target.font = _font(bold=True, size=target.font.sz if target.font else None)


# Row heights of wrapped text: office suites do not all grow a row to its wrapped text on
# opening (LibreOffice keeps the default height), so the sheet states them. A column width is in
# widths of "0" of the default font; TH Sarabun New 14 pt sets about one letter (Thai, or a mix
# with Latin) in that width; a line is about 21 points high.
LETTERS_PER_WIDTH = 0.9
LINE_POINTS = 21.0


def _lines(value, width: float) -> int:
    """How many lines ``value`` wraps to in a column ``width`` wide (marks above and below the
    letters take no room)."""
    per_line = max(1, int(width * LETTERS_PER_WIDTH))
    lines = 0
    for part in ("" if value is None else str(value)).split("\n"):
        letters = sum(1 for c in part if unicodedata.category(c) not in ("Mn", "Me", "Cf"))
        lines += max(1, -(-letters // per_line))
    return lines


def fit_rows(sheet) -> None:
    """Give each row with wrapped text the height of its tallest cell (a normal sheet)."""
    from openpyxl.utils import get_column_letter

    widths = {}
    for cells in sheet.iter_rows():
        tallest = 0
        for target in cells:
            if not (target.alignment is not None and target.alignment.wrap_text):
                continue
            letter = get_column_letter(target.column)
            if letter not in widths:
                widths[letter] = sheet.column_dimensions[letter].width or 8.43
            size = (target.font.sz or FONT_SIZE) if target.font is not None else FONT_SIZE
            lines = _lines(target.value, widths[letter])
            tallest = max(tallest, lines * LINE_POINTS * size / FONT_SIZE)
        if tallest and sheet.row_dimensions[cells[0].row].height is None:
            sheet.row_dimensions[cells[0].row].height = round(tallest + 4, 1)


def _sweep(sheet) -> None:
    """A normal sheet before saving: every string safe, every cell in TH Sarabun New (keeping its
    weight, size and colour)."""
    for cells in sheet.iter_rows():
        for target in cells:
            if target.data_type == "f" or isinstance(target.value, str):
                # the portal writes no formulas: an "=…" here came from data
                target.data_type = "s"
                if is_risky(target.value):
                    target.quotePrefix = True
            font = target.font
            if font is not None and font.name != FONT_NAME:
                color = font.color.rgb if font.color is not None and font.color.type == "rgb" \
                    else None
                target.font = _font(bold=bool(font.b), size=font.sz or FONT_SIZE,
                                    italic=bool(font.i), color=color)


def to_bytes(book) -> bytes:
    """Save ``book`` (normal sheets swept first, see :func:`_sweep`) and return the bytes."""
    from openpyxl.worksheet.worksheet import Worksheet

    if not getattr(book, "write_only", False):
        for sheet in book.worksheets:
            if isinstance(sheet, Worksheet):
                _sweep(sheet)
                fit_rows(sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def formula_cells(data: bytes) -> list[str]:
    """Where a saved workbook holds a formula: ``["Sheet!B3=…", …]`` (for tests and checks)."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    return [f"{ws.title}!{c.coordinate}={c.value!r}" for ws in book.worksheets
            for line in ws.iter_rows() for c in line if c.data_type == "f"]
