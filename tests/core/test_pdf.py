"""core.pdf: the shared ground for Thai PDF documents.

Each PDF is read back with pypdf: text through its extractor, fonts, QR
modules and cut lines through the page's content stream.

How the Thai text is compared: HarfBuzz splits SARA AM (ำ) into two glyphs
and fpdf2 gives the second one no ToUnicode entry, so pypdf prints that
glyph's raw code (a control character, which one depends on the order glyphs
were first used) right after the ำ.  `assert_same_text` therefore allows one
stray character after each ำ and nothing else: every other character must
come back exactly, in order, after whitespace is normalised and the
zero-width spaces that mark Thai word breaks are removed.
"""

import gc
import io
import re

import pytest
import segno
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import ContentStream
from pythainlp.tokenize import word_tokenize

from core.pdf import FONT_DIR, ThaiPDF, dashed_rect, draw_qr, thai_word_breaks, to_bytes

PT = 72 / 25.4  # points per mm
A4_PT = (595.28, 841.89)

THAI = "ผู้อำนวยการสถานศึกษา นางสาวกมลวรรณ ศรีนคร ๑๒๓ — ครูชำนาญการพิเศษ"
# Stacked marks, marks on tall consonants, ฐ/ญ above lower vowels.
MARKS = "ปี่ ปี้ ที่ นั้น ทั้ง บุหรี่ ฐู ญู ป่า ฝ้าย ฟ้า น้ำ"
BOLD = "แบบบันทึกประวัติ ก.พ.7"
LATIN = "Local Education Personnel, ID 1-2345-67890-12-3"
QR_DATA = "https://dlep.example/verify/0123456789abcdef"


def normalise(text: str) -> str:
    return " ".join(text.replace("\u200b", "").split())


def assert_same_text(expected: str, extracted: str) -> None:
    """``expected`` occurs in ``extracted``, allowing one stray char after each ำ."""
    pattern = "".join(re.escape(ch) + (".?" if ch == "ำ" else "") for ch in normalise(expected))
    assert re.search(pattern, normalise(extracted), flags=re.DOTALL), (
        f"{expected!r} not found in {extracted!r}"
    )


def read(pdf: ThaiPDF) -> PdfReader:
    data = to_bytes(pdf)
    assert isinstance(data, bytes)
    assert data.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(data))


def fonts_of(page) -> dict:
    """BaseFont name -> font dictionary for the page's fonts."""
    fonts = page["/Resources"]["/Font"]
    return {str(f.get_object()["/BaseFont"]): f.get_object() for f in fonts.values()}


def operations(reader: PdfReader, page_no: int = 0) -> list[tuple[list, bytes]]:
    page = reader.pages[page_no]
    return ContentStream(page.get_contents(), reader).operations


@pytest.fixture(scope="module")
def document() -> PdfReader:
    pdf = ThaiPDF()
    pdf.add_page()
    pdf.write_text(THAI)
    pdf.write_text(BOLD, bold=True, size=16)
    pdf.write_text(LATIN)
    pdf.write_text(MARKS)
    dashed_rect(pdf, 30, 150, 160, 60)
    draw_qr(pdf, QR_DATA, x=145, y=155, size_mm=40)
    pdf.rect(30, 230, 20, 10)  # a solid rectangle after the dashed one
    return read(pdf)


def test_page_is_a4_portrait(document):
    box = document.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(A4_PT, abs=0.01)


def test_thai_latin_and_bold_text_are_extracted(document):
    text = document.pages[0].extract_text()
    for line in (THAI, BOLD, LATIN, MARKS):
        assert_same_text(line, text)


def test_text_comparison_is_strict():
    # The allowance after ำ must not hide a wrong or missing letter elsewhere.
    assert_same_text("ชำนาญ", "ชำ\x06นาญ")
    with pytest.raises(AssertionError):
        assert_same_text("ชำนาญ", "ชำ\x06นาย")
    with pytest.raises(AssertionError):
        assert_same_text("ผู้อำนวย", "ผูอำนวย")


def test_bold_line_is_set_in_sarabun_bold(document):
    by_font: dict[str, str] = {}

    def visit(text, _cm, _tm, font_dict, _size):
        if font_dict is not None and text.strip():
            name = str(font_dict["/BaseFont"])
            by_font[name] = by_font.get(name, "") + text

    document.pages[0].extract_text(visitor_text=visit)
    bold = [name for name in by_font if name.endswith("SarabunBold")]
    regular = [name for name in by_font if name.endswith("+Sarabun")]
    assert len(bold) == 1, by_font.keys()
    assert len(regular) == 1, by_font.keys()
    assert_same_text(BOLD, by_font[bold[0]])
    assert "ก.พ.7" not in normalise(by_font[regular[0]])
    assert_same_text(LATIN, by_font[regular[0]])


def test_both_sarabun_fonts_are_embedded(document):
    weights = {}
    for name, font in fonts_of(document.pages[0]).items():
        assert font["/Subtype"] == "/Type0"
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        program = TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))
        assert program["name"].getDebugName(1) == "Sarabun", name
        weights[name] = program["OS/2"].usWeightClass
    assert sorted(weights.values()) == [400, 700]


def test_shipped_fonts_cover_thai_and_latin():
    for file in ("Sarabun-Regular.ttf", "Sarabun-Bold.ttf"):
        with TTFont(FONT_DIR / file) as font:
            cmap = font.getBestCmap()
        thai = [c for c in range(0x0E01, 0x0E5C) if not 0x0E3B <= c <= 0x0E3E]
        assert all(c in cmap for c in thai), file
        assert all(c in cmap for c in range(0x20, 0x7F)), file
    assert "SIL Open Font License" in (FONT_DIR / "OFL.txt").read_text()


def to_unicode_codes(reader: PdfReader, char: str) -> set[str]:
    """The glyph codes that the page's regular font maps back to ``char``."""
    (font,) = (f for n, f in fonts_of(reader.pages[0]).items() if n.endswith("+Sarabun"))
    cmap = font["/ToUnicode"].get_object().get_data().decode()
    target = f"{ord(char):04X}"
    return {
        code for code, uni in re.findall(r"<([0-9A-F]{4})> <([0-9A-F]+)>", cmap) if uni == target
    }


@pytest.mark.parametrize("shaped", [True, False])
def test_text_shaping_substitutes_glyphs(shaped):
    # Above a lower vowel, shaping swaps ฐ for its tail-less form: a second
    # glyph (so a second code) that also stands for ฐ.  Without shaping
    # there is only the one glyph from the font's cmap.
    pdf = ThaiPDF()
    pdf.add_page()
    if not shaped:
        pdf.set_text_shaping(False)
    pdf.write_text("ฐ ฐู")
    assert len(to_unicode_codes(read(pdf), "ฐ")) == (2 if shaped else 1)


def drawn_rects(reader: PdfReader) -> list[tuple[tuple[float, float, float, float], bytes, list]]:
    """Every rectangle painted on page 1: ((left, top, width, height) in mm, paint op, dash)."""
    page_h = float(reader.pages[0].mediabox.height)
    ops = operations(reader)
    dash: list = []
    stack: list[list] = []
    out = []
    for i, (args, op) in enumerate(ops):
        if op == b"q":
            stack.append(dash)
        elif op == b"Q":
            dash = stack.pop()
        elif op == b"d":
            dash = [float(v) for v in args[0]]
        elif op == b"re" and i + 1 < len(ops):
            x, y, w, h = (float(v) for v in args)
            left, right = sorted((x, x + w))
            bottom, top = sorted((y, y + h))
            box = (left / PT, (page_h - top) / PT, (right - left) / PT, (top - bottom) / PT)
            out.append((box, ops[i + 1][1], dash))
    return out


def test_qr_code_modules_are_drawn_where_asked(document):
    x, y, size, border = 145, 155, 40, 4
    expected = segno.make_qr(QR_DATA, error="M", boost_error=False)
    assert not expected.is_micro
    matrix = [[bool(m) for m in row] for row in expected.matrix]
    n = len(matrix)
    module = size / (n + 2 * border)

    drawn = [[False] * n for _ in range(n)]
    fills = [box for box, op, _ in drawn_rects(document) if op == b"f"]
    assert fills
    for left, top, width, height in fills:
        col, row, cols = (left - x) / module - border, (top - y) / module - border, width / module
        for value in (col, row, cols):
            assert value == pytest.approx(round(value), abs=0.05)
        assert height == pytest.approx(module, abs=0.01)
        row, col = round(row), round(col)
        assert 0 <= row < n
        assert col >= 0
        assert col + round(cols) <= n
        for c in range(col, col + round(cols)):
            assert not drawn[row][c], "module painted twice"
            drawn[row][c] = True
    assert drawn == matrix


def test_draw_qr_returns_the_code_it_drew_and_never_a_micro_qr():
    pdf = ThaiPDF()
    pdf.add_page()
    code = draw_qr(pdf, "42", 10, 10, 20, error="H")
    assert not code.is_micro
    assert code.error == "H"
    assert code.matrix == segno.make_qr("42", error="H", boost_error=False).matrix


def test_dashed_rect_is_a_dashed_stroke_and_does_not_leak(document):
    strokes = [(box, dash) for box, op, dash in drawn_rects(document) if op == b"S"]
    dashed = [dash for box, dash in strokes if box == pytest.approx((30, 150, 160, 60), abs=0.01)]
    assert dashed == [pytest.approx([2 * PT, 1.5 * PT], abs=0.01)]
    solid = [dash for box, dash in strokes if box == pytest.approx((30, 230, 20, 10), abs=0.01)]
    assert solid == [[]]


def extracted_text(text: str, *, thai_digits: bool) -> str:
    pdf = ThaiPDF(thai_digits=thai_digits)
    pdf.add_page()
    pdf.write_text(text)
    return normalise(read(pdf).pages[0].extract_text())


def test_thai_digits_option():
    text = "ปีงบประมาณ 2568 ข้อ 3.1 version 10"
    assert extracted_text(text, thai_digits=True) == "ปีงบประมาณ ๒๕๖๘ ข้อ ๓.๑ version ๑๐"
    assert extracted_text(text, thai_digits=False) == text
    assert ThaiPDF(thai_digits=True).format_text("ก.พ.7 (2567)") == "ก.พ.๗ (๒๕๖๗)"
    assert ThaiPDF().format_text("ก.พ.7 (2567)") == "ก.พ.7 (2567)"


def test_word_breaks_only_between_thai_words():
    assert thai_word_breaks("ครูชำนาญการพิเศษ") == "ครู\u200bชำนาญ\u200bการ\u200bพิเศษ"
    # Not inside abbreviations, not next to spaces, not before ๆ or ฯ, not in Latin.
    phrase = "ให้เป็นไปตามหลักเกณฑ์ที่ ก.ถ. กำหนด"
    broken = thai_word_breaks(phrase)
    assert broken != phrase
    assert broken.replace("\u200b", "") == phrase
    assert "ก.ถ." in broken
    assert "\u200b " not in broken
    assert " \u200b" not in broken
    for unchanged in ("ดีๆ", "กรุงเทพฯ", "Hello world 2567", ""):
        assert thai_word_breaks(unchanged) == unchanged


# No space and no SARA AM, so that the lines come back exactly.
PARAGRAPH = (
    "ผู้บริหารสถานศึกษามีหน้าที่บริหารจัดการโรงเรียนในสังกัดองค์กรปกครองส่วนท้องถิ่น"
    "ให้เป็นไปตามนโยบายของกระทรวงศึกษาธิการและพัฒนาคุณภาพการศึกษาอย่างต่อเนื่อง"
    "เพื่อประโยชน์สูงสุดของผู้เรียน"
)


def wrapped_lines(pdf_text: str) -> list[str]:
    pdf = ThaiPDF()
    pdf.add_page()
    pdf.multi_cell(70, 8, pdf_text, new_x="LMARGIN", new_y="NEXT")
    lines = read(pdf).pages[0].extract_text().split("\n")
    return [normalise(line) for line in lines if normalise(line)]


def test_long_thai_paragraph_wraps_between_words():
    boundaries, offset = set(), 0
    for word in word_tokenize(PARAGRAPH, engine="newmm"):
        offset += len(word)
        boundaries.add(offset)

    lines = wrapped_lines(ThaiPDF().format_text(PARAGRAPH))
    assert "".join(lines) == PARAGRAPH
    assert len(lines) >= 4
    ends = [sum(len(line) for line in lines[: i + 1]) for i in range(len(lines))]
    assert set(ends) <= boundaries, lines

    # Control: fpdf2 alone cuts Thai words at this width, so the check above has teeth.
    plain = wrapped_lines(PARAGRAPH)
    assert "".join(plain) == PARAGRAPH
    plain_ends = {sum(len(line) for line in plain[: i + 1]) for i in range(len(plain))}
    assert not plain_ends <= boundaries


def test_write_text_leaves_font_and_position_ready_for_the_next_line():
    pdf = ThaiPDF()
    pdf.add_page()
    before = (pdf.font_family, pdf.font_style, pdf.font_size_pt)
    pdf.write_text("หัวเรื่อง", bold=True, size=18)
    assert (pdf.font_family, pdf.font_style, pdf.font_size_pt) == before
    assert pdf.x == pytest.approx(pdf.l_margin)
    assert pdf.y == pytest.approx(25 + pdf.line_height(18))


def test_unfinished_document_closes_its_font_files():
    # fpdf2 closes the font files in output(); a document dropped before that
    # (a view that raised) must not leave them open.
    pdf = ThaiPDF()
    files = [font.ttfont.reader.file for font in pdf.fonts.values()]
    assert len(files) == 2
    assert not any(f.closed for f in files)
    del pdf
    gc.collect()
    assert all(f.closed for f in files)
