"""Shared ground for the portal's Thai PDF documents.

Every printable document (credential slips, the ก.พ.7 personnel record, salary
certificates, committee documents) starts from :class:`ThaiPDF`, an `fpdf2`_
document that is already set up for Thai:

* A4 portrait, all positions and sizes in millimetres.
* The Sarabun family (SIL OFL, shipped in ``core/fonts/``) registered as
  ``"Sarabun"`` in regular (``""``) and bold (``"B"``); there is no italic.
* Text shaping through HarfBuzz (the ``uharfbuzz`` wheel), so that tone marks
  stack above upper vowels (ที่, ปี้), marks shift left on tall consonants
  (ป้, ฝ้) and ฐ/ญ lose their tails above lower vowels (ฐู, ญู).
* :meth:`ThaiPDF.write_text` writes a paragraph that wraps between Thai words
  (found with pythainlp) instead of in the middle of one, and, with
  ``thai_digits=True``, prints Arabic digits as Thai digits.

Nothing here knows about a particular document: layouts live with the
feature that owns them.  Usage::

    from core.pdf import ThaiPDF, dashed_rect, draw_qr, to_bytes

    pdf = ThaiPDF(thai_digits=True)
    pdf.add_page()
    pdf.write_text("ใบรับรองเงินเดือน", bold=True, size=16, align="C")
    pdf.write_text("ปีงบประมาณ 2568")
    draw_qr(pdf, "https://dlep.example/v/abc", x=160, y=30, size_mm=25)
    dashed_rect(pdf, 20, 120, 170, 60)
    response = HttpResponse(to_bytes(pdf), content_type="application/pdf")

Known limitation (fpdf2 2.8): HarfBuzz splits SARA AM (ำ) into two glyphs and
fpdf2 gives the second one no Unicode mapping, so text *copied out of* the
PDF may carry a stray control character (pypdf) or a space (pdftotext) right
after ำ.  What is printed is correct.

.. _fpdf2: https://py-pdf.github.io/fpdf2/
"""

from __future__ import annotations

import re
import weakref
from pathlib import Path

import segno
from fpdf import FPDF
from pythainlp.tokenize import word_tokenize
from pythainlp.util import arabic_digit_to_thai_digit

__all__ = [
    "FONT_DIR",
    "FONT_FAMILY",
    "ThaiPDF",
    "dashed_rect",
    "draw_garuda",
    "draw_qr",
    "thai_word_breaks",
    "to_bytes",
]

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FAMILY = "Sarabun"
FONT_FILES = {"": FONT_DIR / "Sarabun-Regular.ttf", "B": FONT_DIR / "Sarabun-Bold.ttf"}

# Google's Sarabun is drawn larger than the "TH Sarabun PSK" of government
# templates: Sarabun 12 pt reads about like TH Sarabun PSK 16 pt.
DEFAULT_FONT_SIZE = 12
# Thai needs room above and below the letters for stacked marks.
LINE_HEIGHT_FACTOR = 1.5
PT_TO_MM = 25.4 / 72

ZWSP = "\u200b"  # zero-width space: fpdf2 may break a line there, and prints nothing
_THAI = re.compile(r"[\u0e00-\u0e7f]")
# Marks that must not start a line: paiyannoi (ฯ) and mai yamok (ๆ).
_NO_BREAK_BEFORE = frozenset("\u0e2f\u0e46")


def _is_thai(char: str) -> bool:
    return bool(_THAI.fullmatch(char))


def thai_word_breaks(text: str) -> str:
    """Return ``text`` with a zero-width space between adjacent Thai words.

    Thai is written without spaces between words, so without these fpdf2 can
    only wrap a long Thai line in the middle of a word.  A break is put only
    where a Thai letter meets a Thai letter, so abbreviations such as "ก.ถ.",
    numbers and Latin text are never split.
    """
    if not _THAI.search(text):
        return text
    out: list[str] = []
    for token in word_tokenize(text, engine="newmm", keep_whitespace=True):
        if (
            out
            and out[-1]
            and token
            and _is_thai(out[-1][-1])
            and _is_thai(token[0])
            and token[0] not in _NO_BREAK_BEFORE
        ):
            out.append(ZWSP)
        out.append(token)
    return "".join(out)


def _close_fonts(fonts: list) -> None:
    for font in fonts:
        font.close()


class ThaiPDF(FPDF):
    """An A4 portrait document in millimetres with Sarabun and Thai text shaping.

    Args:
        thai_digits: :meth:`format_text` (and so :meth:`write_text`) prints
            Arabic digits 0-9 as Thai digits ๐-๙.  Text written with the plain
            fpdf2 methods (``cell``, ``multi_cell``...) is left alone.
        margins: left, top, right, bottom in mm.  The default is the usual
            Thai official letter: 30 mm left, 25 mm top, 20 mm right and bottom.
        font_size: starting size in points, for Sarabun regular.

    The current font after construction is Sarabun regular; switch with
    ``pdf.set_font(FONT_FAMILY, "B", 14)`` as with any fpdf2 document.
    """

    def __init__(
        self,
        *,
        thai_digits: bool = False,
        margins: tuple[float, float, float, float] = (30, 25, 20, 20),
        font_size: float = DEFAULT_FONT_SIZE,
    ) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.thai_digits = thai_digits
        left, top, right, bottom = margins
        self.set_margins(left, top, right)
        self.set_auto_page_break(auto=True, margin=bottom)
        for style, path in FONT_FILES.items():
            self.add_font(FONT_FAMILY, style, path)
        # fpdf2 keeps the font files open until output(); close them also when
        # a document is dropped unfinished (e.g. a view that raised).
        weakref.finalize(self, _close_fonts, list(self.fonts.values()))
        self.set_text_shaping(True)
        self.set_font(FONT_FAMILY, "", font_size)
        self.set_lang("th")
        self.set_creator("D-LEP")

    def format_text(self, text: str) -> str:
        """Return ``text`` as :meth:`write_text` prints it.

        Thai digits when ``thai_digits`` is on, and zero-width spaces between
        Thai words (see :func:`thai_word_breaks`).  Use it for text given to
        fpdf2's own ``cell``/``multi_cell`` in tables.
        """
        if self.thai_digits:
            text = arabic_digit_to_thai_digit(text)
        return thai_word_breaks(text)

    def line_height(self, size_pt: float | None = None) -> float:
        """A comfortable line height in mm for Thai text at ``size_pt`` (default: current)."""
        return (size_pt or self.font_size_pt) * PT_TO_MM * LINE_HEIGHT_FACTOR

    def write_text(
        self,
        text: str,
        *,
        bold: bool = False,
        size: float | None = None,
        align: str = "L",
        w: float = 0,
        h: float | None = None,
    ) -> None:
        """Write a paragraph at the current position and move below it, to the left margin.

        Args:
            text: the text; ``\\n`` starts a new line.  Passed through :meth:`format_text`.
            bold: Sarabun bold instead of regular, for this paragraph only.
            size: font size in points for this paragraph only (default: current size).
            align: ``"L"``, ``"C"``, ``"R"`` or ``"J"`` (justified: fpdf2 stretches
                only real spaces, so a Thai line with none stays ragged).
            w: width in mm; 0 means up to the right margin.
            h: line height in mm; default :meth:`line_height`.
        """
        size_pt = size or self.font_size_pt
        with self.local_context(
            font_family=FONT_FAMILY, font_style="B" if bold else "", font_size_pt=size_pt
        ):
            self.multi_cell(
                w,
                h or self.line_height(size_pt),
                self.format_text(text),
                align=align,
                new_x="LMARGIN",
                new_y="NEXT",
            )


def draw_qr(
    pdf: FPDF,
    data: str | bytes,
    x: float,
    y: float,
    size_mm: float,
    *,
    error: str = "M",
    border: int = 4,
) -> segno.QRCode:
    """Draw a QR code of ``data`` as vector squares and return segno's code.

    ``(x, y)`` is the top-left corner and ``size_mm`` the side of the square,
    both in the document's unit (mm for :class:`ThaiPDF`), quiet zone of
    ``border`` modules included (4 is what the standard asks for; only dark
    modules are painted, so keep that zone light).  ``error`` is the error
    correction level, L, M, Q or H.  Always a full QR code, never a Micro QR,
    which phone cameras often cannot read.
    """
    code = segno.make_qr(data, error=error, boost_error=False)
    rows = [list(row) for row in code.matrix]
    module = size_mm / (len(rows) + 2 * border)
    with pdf.local_context(fill_color=(0, 0, 0)):
        for r, row in enumerate(rows):
            c = 0
            while c < len(row):
                if not row[c]:
                    c += 1
                    continue
                start = c
                while c < len(row) and row[c]:
                    c += 1
                # One rectangle per horizontal run of dark modules.
                pdf.rect(
                    x + (border + start) * module,
                    y + (border + r) * module,
                    (c - start) * module,
                    module,
                    style="F",
                )
    return code


def dashed_rect(
    pdf: FPDF,
    x: float,
    y: float,
    w: float,
    h: float,
    *,
    dash: float = 2,
    gap: float = 1.5,
    line_width: float = 0.2,
    color: tuple[int, int, int] = (110, 110, 110),
) -> None:
    """Stroke a dashed rectangle, e.g. the cut line around a slip; sizes in mm."""
    with pdf.local_context(
        dash_pattern={"dash": dash, "gap": gap}, line_width=line_width, draw_color=color
    ):
        pdf.rect(x, y, w, h, style="D")


GARUDA_HEIGHT_MM = 30  # ระเบียบงานสารบรรณ: the ครุฑ of a คำสั่ง or ประกาศ is 3 cm high
GARUDA_WIDTH_MM = 27


def draw_garuda(pdf: FPDF, *, y: float, image: str | Path | None = None) -> float:
    """The ครุฑ at the top of an order, 3 cm high and centred, from ``image`` when given (a PNG or
    JPEG); otherwise a dashed box of the same size marked "ตราครุฑ" where it goes. Returns the
    y just below it."""
    x = (pdf.w - GARUDA_WIDTH_MM) / 2
    if image and Path(image).is_file():
        pdf.image(str(image), x=(pdf.w - GARUDA_WIDTH_MM) / 2, y=y, h=GARUDA_HEIGHT_MM)
    else:
        dashed_rect(pdf, x, y, GARUDA_WIDTH_MM, GARUDA_HEIGHT_MM)
        with pdf.local_context(font_family=FONT_FAMILY, font_style="", font_size_pt=9,
                               text_color=(110, 110, 110)):
            pdf.set_xy(x, y + GARUDA_HEIGHT_MM / 2 - 5)
            pdf.multi_cell(GARUDA_WIDTH_MM, 5, "ตราครุฑ\n(สูง ๓ ซม.)", align="C")
    return y + GARUDA_HEIGHT_MM


def to_bytes(pdf: FPDF) -> bytes:
    """The finished document as bytes, e.g. for an ``HttpResponse``."""
    return bytes(pdf.output())
