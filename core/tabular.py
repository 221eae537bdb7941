"""Tables from Excel (.xlsx) or CSV files, read and checked row by row with a report in Thai: the
one runner (``run_import``) under every import of the portal (people, ก.พ.7 history lines,
experts, e-Learning completions).

Files: ``.xlsx`` (the sheet of a given name if there is one, else the first sheet) or ``.csv``
(UTF-8 with or without BOM, as Excel's "CSV UTF-8" saves it; Windows Thai (cp874) and UTF-16
as Excel's other CSV flavours save them; comma, semicolon or tab). At most ``MAX_FILE_SIZE``
bytes and ``MAX_ROWS`` data rows; an .xlsx that would unpack into far more than its size is
refused.

Row 1 is the header row. A header is recognised by the key in brackets at its end, so that a
user may reword the Thai part: ``ชื่อ (first_name)``, ``first_name`` and the Thai label alone
(``ชื่อ``, with or without the required star) mean the same column (``column_key``).

Dates (``parse_date``): Buddhist-era ``dd/mm/yyyy`` as Thai offices write them (``15/06/2528``;
``-`` and ``.`` work as separators too), ISO ``2528-06-15`` or ``1985-06-15``, Thai month names
(``15 มิ.ย. 2528``, ``15 มิถุนายน พ.ศ. 2528``) and real date cells of Excel. A year from 2400 on
is Buddhist era, from 1900 to 2100 Common era. Thai digits (๑๒๓) are accepted wherever digits
are.

Modes: all or nothing by default (one bad row and nothing is written); with "good rows only" the
good rows are written and the bad ones reported."""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.thaidates import BE_OFFSET

MAX_FILE_SIZE = 5 * 1024 * 1024
MAX_ROWS = 5000
# An .xlsx is a zip: refuse one that would unpack into far more than a 5 MB sheet can hold.
MAX_UNPACKED_SIZE = 100 * 1024 * 1024
MAX_COLUMNS = 60
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
# what Thai forms put in a box that has nothing to say
EMPTY_MARKS = frozenset({"-", "–", "—", "_"})

THAI_MONTHS = {
    **{m: i for i, m in enumerate(
        ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม",
         "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"), start=1)},
    **{m: i for i, m in enumerate(
        ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.",
         "พ.ย.", "ธ.ค."), start=1)},
}
_DMY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]00:00(?::00)?)?$")
_THAI_MONTH_DATE = re.compile(r"^(\d{1,2})\s*(\S+?)\s*(?:พ\.ศ\.)?\s*(\d{4})$")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    required: bool = False
    example: str = ""
    note: str = ""

    @property
    def header(self) -> str:
        return f"{self.label} ({self.key})"


class ImportFileError(Exception):
    """The file as a whole cannot be read (too big, not xlsx/csv, no header): a Thai message."""



@dataclass
class RowProblem:
    row: int  # as the user sees it in the spreadsheet: the header is row 1
    reasons: list[str]
    name: str = ""


@dataclass
class ImportReport:
    file_name: str = ""
    good_rows_only: bool = False
    rows_total: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    created: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    file_error: str = ""
    noun: str = gettext_lazy("คน")  # what one row adds: คน (a person), รายการ (a line)

    @property
    def written(self) -> bool:
        return self.created > 0

    @property
    def level(self) -> str:
        """success, warning or danger: for the page's alert."""
        if self.file_error or (self.problems and not self.written):
            return "danger"
        return "warning" if self.problems else "success"

    @property
    def summary(self) -> str:
        if self.file_error:
            return self.file_error
        if self.rows_total == 0:
            return _("ไม่พบข้อมูลในไฟล์ (มีแต่แถวหัวตาราง) ยังไม่ได้บันทึกข้อมูลใด ๆ")
        bad = len(self.problems)
        counts = {"created": f"{self.created:,}", "bad": f"{bad:,}",
                  "total": f"{self.rows_total:,}", "noun": self.noun}
        if not bad:
            return ngettext(
                "นำเข้าเรียบร้อย %(created)s %(noun)s",
                "นำเข้าเรียบร้อย %(created)s %(noun)s",
                self.created,
            ) % counts
        if not self.written:
            if self.good_rows_only:
                return _(
                    "ไม่มีแถวที่ถูกต้อง พบข้อผิดพลาด %(bad)s แถว จากทั้งหมด %(total)s แถว "
                    "ยังไม่ได้บันทึกข้อมูลใด ๆ"
                ) % counts
            return _(
                "พบข้อผิดพลาด %(bad)s แถว จากทั้งหมด %(total)s แถว ยังไม่ได้บันทึกข้อมูลใด ๆ "
                "แก้ไขแถวที่แสดงด้านล่างแล้วนำเข้าไฟล์อีกครั้ง หรือเลือก "
                "\"นำเข้าเฉพาะแถวที่ถูกต้อง\""
            ) % counts
        return _(
            "นำเข้าแล้ว %(created)s %(noun)s ข้ามแถวที่ผิด %(bad)s แถว จากทั้งหมด %(total)s แถว "
            "แถวที่ข้ามไม่ได้บันทึก แก้ไขแล้วนำเข้าเฉพาะแถวเหล่านั้นอีกครั้ง"
        ) % counts


def read_rows(upload, *, sheet: str = "") -> list[list]:
    """The raw rows of an uploaded xlsx or csv file (header included), after the file-level
    checks (size, type); of an xlsx, the sheet named ``sheet`` if there is one, else the first."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_FILE_SIZE:
        raise ImportFileError(_(
            "ไฟล์มีขนาด %(size).1f MB เกินกำหนด %(limit)d MB กรุณาแบ่งไฟล์แล้วนำเข้าทีละส่วน"
        ) % {"size": size / 1024 / 1024, "limit": MAX_FILE_SIZE // 1024 // 1024})
    data = upload.read(MAX_FILE_SIZE + 1)
    if len(data) > MAX_FILE_SIZE:
        raise ImportFileError(_("ไฟล์มีขนาดเกินกำหนด %(limit)d MB") % {
            "limit": MAX_FILE_SIZE // 1024 // 1024})
    if not data.strip():
        raise ImportFileError(_("ไฟล์ว่างเปล่า"))
    name = (getattr(upload, "name", "") or "").lower()
    if data[:4] == b"PK\x03\x04":
        rows = _xlsx_rows(data, sheet)
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportFileError(_(
            "ไฟล์ Excel รุ่นเก่า (.xls) ยังไม่รองรับ กรุณาเปิดใน Excel แล้วบันทึกเป็น .xlsx "
            "หรือ CSV UTF-8"
        ))
    elif name.endswith((".csv", ".txt")):
        rows = _csv_rows(data)
    else:
        raise ImportFileError(_(
            "ไฟล์นี้ไม่ใช่ไฟล์ Excel (.xlsx) หรือ CSV กรุณาใช้แบบฟอร์มที่ดาวน์โหลดจากหน้านี้"
        ))
    return list(rows)


def _not_a_real_xlsx() -> ImportFileError:
    return ImportFileError(_(
        "อ่านไฟล์ Excel ไม่ได้ ไฟล์อาจเสียหายหรือไม่ใช่ไฟล์ .xlsx จริง "
        "กรุณาเปิดใน Excel แล้วบันทึกเป็น .xlsx อีกครั้ง"
    ))


def _xlsx_rows(data: bytes, sheet_name: str = ""):
    from openpyxl import load_workbook  # heavy; only the import and export pages need it

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise _not_a_real_xlsx() from None
    if "xl/workbook.xml" not in names:
        raise _not_a_real_xlsx()
    if unpacked > MAX_UNPACKED_SIZE:
        raise ImportFileError(_("ไฟล์ Excel มีข้อมูลมากเกินกว่าที่นำเข้าได้ในครั้งเดียว"))
    with warnings.catch_warnings():
        # Files from other tools carry extensions openpyxl does not read (and says so);
        # the cell values are what we need.
        warnings.simplefilter("ignore")
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds on a damaged file
            raise _not_a_real_xlsx() from None
        try:
            sheet = (book[sheet_name] if sheet_name in book.sheetnames
                     else book.worksheets[0])
            sheet.reset_dimensions()  # some tools write a wrong size; read to the real end
            rows = []
            for values in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
                if len(rows) <= MAX_ROWS:
                    rows.append(list(values))
                elif any(present(v) for v in values):
                    _too_many_rows()
                # past the limit, formatted but empty rows (Excel keeps them) are not kept
            return rows
        except ImportFileError:
            raise
        except Exception:
            raise _not_a_real_xlsx() from None
        finally:
            book.close()


def _decode_text(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    if b"\x00" in data:
        raise ImportFileError(_("ไฟล์นี้ไม่ใช่ไฟล์ CSV (ข้อความ) กรุณาบันทึกเป็น CSV UTF-8"))
    try:
        return data.decode("utf-8-sig")  # with or without Excel's BOM
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp874")  # Excel's plain "CSV" on a Thai Windows
    except UnicodeDecodeError:
        raise ImportFileError(_(
            "อ่านตัวอักษรในไฟล์ CSV ไม่ได้ กรุณาบันทึกเป็น \"CSV UTF-8\""
        )) from None


def _csv_rows(data: bytes):
    text = _decode_text(data)
    first_line = text.split("\n", 1)[0]
    try:
        dialect = csv.Sniffer().sniff(first_line, delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    rows = []
    try:
        for values in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if len(rows) <= MAX_ROWS:
                rows.append(values[:MAX_COLUMNS])
            elif any(present(v) for v in values):
                _too_many_rows()
    except csv.Error:
        raise ImportFileError(_("อ่านไฟล์ CSV ไม่ได้ รูปแบบไฟล์ไม่ถูกต้อง")) from None
    return rows


def _too_many_rows():
    raise ImportFileError(_(
        "ไฟล์มีมากกว่า %(limit)s แถว กรุณาแบ่งไฟล์แล้วนำเข้าทีละส่วน"
    ) % {"limit": f"{MAX_ROWS:,}"})


def present(value) -> bool:
    return clean_text(value) != ""


def column_key(header, labels: dict[str, str]) -> str | None:
    """The column a header names, for every import: "ชื่อ (first_name)", "first_name", or the
    Thai label alone ("ชื่อ*" with the required star). ``labels`` maps each key to its label.
    None when the header names no known column."""
    text = clean_text(header)
    if not text:
        return None
    match = re.search(r"\(\s*([A-Za-z_]+)\s*\)\s*$", text)
    if match and match.group(1).lower() in labels:
        return match.group(1).lower()
    if text.lower() in labels:
        return text.lower()
    bare = text.rstrip("*").strip()
    return next((key for key, label in labels.items() if label == bare), None)


class CellError(Exception):
    """One reason a cell is wrong (Thai)."""


def clean_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(unicodedata.normalize("NFC", str(value)).translate(INVISIBLE).split())
    return "" if text in EMPTY_MARKS else text


def digits(value) -> str:
    return clean_text(value).translate(THAI_DIGITS)


def choice_token(text: str) -> str:
    return re.sub(r"[\s._\-]", "", clean_text(text).lower().translate(THAI_DIGITS))


def parse_date(value, *, today: datetime.date | None = None,
               allow_future: bool = False) -> datetime.date:
    """A date as Thai offices write it (see the module's doc). Raises ``CellError``.
    ``allow_future`` for dates that may lie ahead (a licence's expiry)."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        # An Excel date cell typed as 15/06/2528 on a machine without the Thai calendar holds
        # the year 2528 itself.
        if value.year >= 2400:
            try:
                value = value.replace(year=value.year - BE_OFFSET)
            except ValueError:
                raise CellError(_("ไม่มีวันที่ %(date)s ในปฏิทิน") % {
                    "date": f"{value.day:02d}/{value.month:02d}/{value.year}"}) from None
        return _plausible(value, today, allow_future)
    text = digits(value)
    match = _DMY.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    elif match := _ISO.match(text):
        year, month, day = (int(g) for g in match.groups())
    elif (match := _THAI_MONTH_DATE.match(text)) and match.group(2) in THAI_MONTHS:
        day, month, year = int(match.group(1)), THAI_MONTHS[match.group(2)], int(match.group(3))
    else:
        raise CellError(_(
            "รูปแบบวันที่ไม่ถูกต้อง (\"%(value)s\") ใช้ วว/ดด/ปปปป เป็นปี พ.ศ. เช่น 15/06/2528"
        ) % {"value": text})
    if 2400 <= year <= 2700:
        ce_year = year - BE_OFFSET
    elif 1900 <= year <= 2100:
        ce_year = year
    else:
        raise CellError(_("ปี %(year)d ไม่ถูกต้อง ใช้ปี พ.ศ. เช่น 15/06/2528") % {"year": year})
    try:
        date = datetime.date(ce_year, month, day)
    except ValueError:
        raise CellError(_("ไม่มีวันที่ %(date)s ในปฏิทิน") % {"date": text}) from None
    return _plausible(date, today, allow_future)


def _plausible(date: datetime.date, today: datetime.date | None,
               allow_future: bool = False) -> datetime.date:
    today = today or timezone.localdate()
    if date > today and not allow_future:
        raise CellError(_("วันที่ %(date)s ยังไม่ถึง (เป็นวันในอนาคต)") % {"date": be_slashed(date)})
    if date.year < 1900:
        raise CellError(_("วันที่ %(date)s เก่าเกินไป") % {"date": be_slashed(date)})
    return date


def be_slashed(date: datetime.date) -> str:
    return f"{date.day:02d}/{date.month:02d}/{date.year + BE_OFFSET}"


# --- the runner --------------------------------------------------------------------------------


@dataclass
class Header:
    """Row 1 read: each known column's index, and the headers nobody asked for."""

    columns: dict[str, int]
    ignored: list[str]

    def values(self, row: list) -> dict[str, object]:
        """One data row's cells by column key (None where the row is short)."""
        return {key: row[i] if i < len(row) else None for key, i in self.columns.items()}


def read_header(row: list, key_of: Callable[[object], str | None]) -> Header:
    """Map the header row's cells to column keys (``key_of``: a header → its key, or None for
    a column the import does not know). A column named twice is refused."""
    if not any(present(v) for v in row):
        raise ImportFileError(_(
            "ไม่พบแถวหัวตารางในแถวที่ 1 กรุณาใช้แบบฟอร์มที่ดาวน์โหลดจากหน้านี้"))
    columns: dict[str, int] = {}
    ignored: list[str] = []
    for index, cell in enumerate(row):
        if not present(cell):
            continue
        key = key_of(cell)
        if key is None:
            ignored.append(clean_text(cell))
        elif key in columns:
            raise ImportFileError(_("คอลัมน์ \"%(column)s\" ซ้ำกันในแถวหัวตาราง") % {
                "column": clean_text(cell)})
        else:
            columns[key] = index
    return Header(columns, ignored)


def run_import(upload, *, report: ImportReport, key_of: Callable[[object], str | None],
               missing: Callable[[dict[str, int]], Iterable[str]],
               check: Callable[[Header, list[tuple[int, list]], ImportReport], list],
               write: Callable[[list, ImportReport], int], sheet: str = "") -> ImportReport:
    """The one way a file is imported: read the rows, map the header (``missing`` names the
    required columns the header lacks), check every data row (``check`` returns the good rows,
    ready to write, and adds a ``RowProblem`` to the report for each bad one), and write the
    good rows (``write``, one transaction through the app's service; returns how many) unless a
    bad row forbids it: all or nothing unless ``report.good_rows_only``. Never raises for bad
    input: the report says what was wrong, in Thai."""
    try:
        rows = read_rows(upload, sheet=sheet)
        header = read_header(rows[0] if rows else [], key_of)
        absent = list(missing(header.columns))
        if absent:
            raise ImportFileError(_(
                "ไม่พบคอลัมน์ที่ต้องมี: %(columns)s (ต้องอยู่ในแถวที่ 1) "
                "กรุณาใช้แบบฟอร์มที่ดาวน์โหลดจากหน้านี้") % {"columns": ", ".join(absent)})
    except ImportFileError as exc:
        report.file_error = str(exc)
        return report
    report.ignored_columns = header.ignored
    body = [(number, values) for number, values in enumerate(rows[1:], start=2)
            if any(present(v) for v in values)]
    report.rows_total = len(body)
    with translation.override("th"):  # the reasons, from Django's validators too, in Thai
        good = check(header, body, report)
        if not good or (report.problems and not report.good_rows_only):
            return report
        try:
            report.created = write(good, report)
        except (ValidationError, PermissionDenied) as exc:
            # The data changed between the check and the write (one transaction: nothing was
            # written); the user runs the file again.
            report.file_error = _(
                "ข้อมูลเปลี่ยนไประหว่างการนำเข้า ยังไม่ได้บันทึกข้อมูลใด ๆ กรุณานำเข้าไฟล์อีกครั้ง "
                "(%(reason)s)") % {"reason": " ".join(getattr(exc, "messages", [str(exc)]))}
    return report
