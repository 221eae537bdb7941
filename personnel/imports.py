"""Import people into the registry from Excel (.xlsx) or CSV, with a row-by-row report.

The column layout
=================

Row 1 of the sheet (or the CSV) is the header row; every row below it is one person. A header
is recognised by the English key in brackets at its end, so that a user may reword or translate
the Thai part: ``เลขประจำตัวประชาชน (national_id)``, ``national_id`` and the Thai label alone
(``เลขประจำตัวประชาชน``) all mean the same column. Columns may come in any order; columns that
are not in the layout are ignored (and named in the report).

=================================  ========================  =====  =========================
header                             key                       must   accepted values
=================================  ========================  =====  =========================
เลขประจำตัวประชาชน                 national_id               yes    13 digits, dashes allowed
คำนำหน้าชื่อ                       title_th                         นาย, นาง, นางสาว, …
ชื่อ                               first_name                yes
นามสกุล                            last_name                 yes
ชื่อภาษาอังกฤษ                     first_name_en
นามสกุลภาษาอังกฤษ                  last_name_en
วันเกิด                            birth_date                       a date (see below)
เพศ                                gender                           ชาย/หญิง or male/female
ตำแหน่ง                            position_type                    ครู, ครูผู้ช่วย, … or key;
                                                                    blank = ครู
ตำแหน่งเลขที่                      position_number
อันดับ                             salary_rank                      คศ.1 … or ks1 …
เงินเดือน                          salary                           32000 or 32,000.00
วันที่ดำรงตำแหน่งปัจจุบัน          appointed_on                     a date
วิทยฐานะ                           standing                         ชำนาญการ … or key;
                                                                    blank = ไม่มีวิทยฐานะ
วันที่ได้รับวิทยฐานะ               standing_granted_on              a date; required with a
                                                                    standing
รหัสหน่วยงาน                       organization_code         yes    the unit's code in the
                                                                    portal
=================================  ========================  =====  =========================

Dates: Buddhist-era ``dd/mm/yyyy`` as Thai offices write them (``15/06/2528``; ``-`` and ``.``
work as separators too), ISO ``2528-06-15`` or ``1985-06-15``, Thai month names
(``15 มิ.ย. 2528``, ``15 มิถุนายน พ.ศ. 2528``), and real date cells of Excel. A year from 2400
on is read as Buddhist era, a year from 1900 to 2100 as Common era; anything else is refused.
Thai digits (๑๒๓) are accepted wherever digits are. Choices take the Thai label, the English
label or the key (``ชำนาญการ``, ``ครูชำนาญการ``, ``professional``).

Files: ``.xlsx`` (the sheet named ``บุคลากร`` if there is one, else the first sheet) or ``.csv``
(UTF-8 with or without BOM, as Excel's "CSV UTF-8" saves it; Windows Thai (cp874) and UTF-16
as Excel's other CSV flavours save them; comma, semicolon or tab). At most ``MAX_FILE_SIZE``
bytes and ``MAX_ROWS`` data rows.

Modes: by default all or nothing: one bad row and nothing is written. With
``good_rows_only=True`` the good rows are written and the bad ones reported. Writing goes
through ``services.import_people`` (one transaction, one audit record).
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import TextChoices
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import national_id, scoping
from accounts.models import Organization
from accounts.rules import OrgKind
from accounts.scoping import Access

from . import services
from .choices import AcademicStanding, Gender, PositionType, SalaryRank
from .models import Person
from .rules import BE_OFFSET

MAX_FILE_SIZE = 5 * 1024 * 1024
MAX_ROWS = 5000
# An .xlsx is a zip: refuse one that would unpack into far more than a 5 MB sheet can hold.
MAX_UNPACKED_SIZE = 100 * 1024 * 1024
MAX_COLUMNS = 60

PEOPLE_SHEET = "บุคลากร"


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


# Headers are a file format, not screen text: they stay Thai whatever the page language, and
# the key in brackets keeps them stable when someone rewords the label.
PERSON_COLUMNS: tuple[Column, ...] = (
    Column("national_id", "เลขประจำตัวประชาชน", True, "",
           "ตัวเลข 13 หลัก มีขีดคั่นได้"),
    Column("title_th", "คำนำหน้าชื่อ", False, "นาง"),
    Column("first_name", "ชื่อ", True, "มาลี"),
    Column("last_name", "นามสกุล", True, "รักเรียน"),
    Column("first_name_en", "ชื่อภาษาอังกฤษ", False, "Malee"),
    Column("last_name_en", "นามสกุลภาษาอังกฤษ", False, "Rakrian"),
    Column("birth_date", "วันเกิด", False, "15/06/2528", "วว/ดด/ปปปป (พ.ศ.)"),
    Column("gender", "เพศ", False, "หญิง"),
    Column("position_type", "ตำแหน่ง", False, "ครู", "ว่าง = ครู"),
    Column("position_number", "ตำแหน่งเลขที่", False, "123456"),
    Column("salary_rank", "อันดับ", False, "คศ.2"),
    Column("salary", "เงินเดือน", False, "32000", "ตัวเลข เช่น 32000 หรือ 32,000.00"),
    Column("appointed_on", "วันที่ดำรงตำแหน่งปัจจุบัน", False, "16/05/2561",
           "วว/ดด/ปปปป (พ.ศ.)"),
    Column("standing", "วิทยฐานะ", False, "ชำนาญการ", "ว่าง = ไม่มีวิทยฐานะ"),
    Column("standing_granted_on", "วันที่ได้รับวิทยฐานะ", False, "01/10/2565",
           "วว/ดด/ปปปป (พ.ศ.) ต้องกรอกเมื่อมีวิทยฐานะ"),
    Column("organization_code", "รหัสหน่วยงาน", True, "",
           "รหัสหน่วยงานในระบบ ดูได้จากแผ่นงาน \"รหัสหน่วยงาน\" ในแบบฟอร์ม"),
)
COLUMNS_BY_KEY = {c.key: c for c in PERSON_COLUMNS}
COLUMN_LABELS = {c.key: c.label for c in PERSON_COLUMNS}

CHOICE_FIELDS: dict[str, type[TextChoices]] = {
    "gender": Gender,
    "position_type": PositionType,
    "salary_rank": SalaryRank,
    "standing": AcademicStanding,
}
DATE_FIELDS = ("birth_date", "appointed_on", "standing_granted_on")
TEXT_LIMITS = {
    "title_th": 50, "first_name": 150, "last_name": 150, "first_name_en": 150,
    "last_name_en": 150, "position_number": 30,
}

# A fixed, checksum-valid number for the template's example row. Importing the example row
# unchanged is refused with a reason, so that it never lands in the registry by accident.
EXAMPLE_NATIONAL_ID = "199999999999" + national_id.check_digit("199999999999")

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


class ImportFileError(Exception):
    """The file as a whole cannot be read (too big, not xlsx/csv, no header): a Thai message."""


# --- the report ------------------------------------------------------------------------------


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
                  "total": f"{self.rows_total:,}"}
        if not bad:
            return ngettext(
                "นำเข้าเรียบร้อย %(created)s คน",
                "นำเข้าเรียบร้อย %(created)s คน",
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
            "นำเข้าแล้ว %(created)s คน ข้ามแถวที่ผิด %(bad)s แถว จากทั้งหมด %(total)s แถว "
            "แถวที่ข้ามไม่ได้บันทึก แก้ไขแล้วนำเข้าเฉพาะแถวเหล่านั้นอีกครั้ง"
        ) % counts


# --- reading a file ----------------------------------------------------------------------------


@dataclass
class Table:
    columns: dict[str, int]  # key → index in each row
    rows: list[tuple[int, list]]  # (row number, cell values)
    ignored_columns: list[str]


def read_table(upload) -> Table:
    """Read an uploaded file (anything with ``name``, ``size`` and ``read()``) into a table.

    Raises ``ImportFileError`` with a Thai message when the file as a whole is unusable.
    """
    return _table(read_rows(upload))


def read_rows(upload) -> list[list]:
    """The raw rows of an uploaded xlsx or csv file (header included), after the file-level
    checks (size, type). Shared by the people import and the history import."""
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
        rows = _xlsx_rows(data)
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


def _xlsx_rows(data: bytes):
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
            sheet = book[PEOPLE_SHEET] if PEOPLE_SHEET in book.sheetnames else book.worksheets[0]
            sheet.reset_dimensions()  # some tools write a wrong size; read to the real end
            rows = []
            for values in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
                if len(rows) <= MAX_ROWS:
                    rows.append(list(values))
                elif any(_present(v) for v in values):
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
            elif any(_present(v) for v in values):
                _too_many_rows()
    except csv.Error:
        raise ImportFileError(_("อ่านไฟล์ CSV ไม่ได้ รูปแบบไฟล์ไม่ถูกต้อง")) from None
    return rows


def _too_many_rows():
    raise ImportFileError(_(
        "ไฟล์มีมากกว่า %(limit)s แถว กรุณาแบ่งไฟล์แล้วนำเข้าทีละส่วน"
    ) % {"limit": f"{MAX_ROWS:,}"})


def _present(value) -> bool:
    return _clean_text(value) != ""


def column_key(header, labels: dict[str, str]) -> str | None:
    """The column a header names, for every import: "ชื่อ (first_name)", "first_name", or the
    Thai label alone ("ชื่อ*" with the required star). ``labels`` maps each key to its label.
    None when the header names no known column."""
    text = _clean_text(header)
    if not text:
        return None
    match = re.search(r"\(\s*([A-Za-z_]+)\s*\)\s*$", text)
    if match and match.group(1).lower() in labels:
        return match.group(1).lower()
    if text.lower() in labels:
        return text.lower()
    bare = text.rstrip("*").strip()
    return next((key for key, label in labels.items() if label == bare), None)


def _header_key(value) -> str | None:
    return column_key(value, COLUMN_LABELS)


def _table(rows: list[list]) -> Table:
    if not rows or not any(_present(v) for v in rows[0]):
        raise ImportFileError(_(
            "ไม่พบแถวหัวตารางในแถวที่ 1 กรุณาใช้แบบฟอร์มที่ดาวน์โหลดจากหน้านี้"
        ))
    columns: dict[str, int] = {}
    ignored = []
    for index, header in enumerate(rows[0]):
        if not _present(header):
            continue
        key = _header_key(header)
        if key is None:
            ignored.append(_clean_text(header))
        elif key in columns:
            raise ImportFileError(_("คอลัมน์ \"%(column)s\" ซ้ำกันในแถวหัวตาราง") % {
                "column": COLUMNS_BY_KEY[key].header})
        else:
            columns[key] = index
    missing = [c.header for c in PERSON_COLUMNS if c.required and c.key not in columns]
    if missing:
        raise ImportFileError(_(
            "ไม่พบคอลัมน์ที่ต้องมี: %(columns)s (ต้องอยู่ในแถวที่ 1) "
            "กรุณาใช้แบบฟอร์มที่ดาวน์โหลดจากหน้านี้"
        ) % {"columns": ", ".join(missing)})
    body = [
        (number, values)
        for number, values in enumerate(rows[1:], start=2)
        if any(_present(v) for v in values)
    ]
    if len(body) > MAX_ROWS:
        _too_many_rows()
    return Table(columns, body, ignored)


# --- reading one cell --------------------------------------------------------------------------


class _CellError(Exception):
    """One reason a cell is wrong (Thai)."""


def _clean_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(unicodedata.normalize("NFC", str(value)).translate(INVISIBLE).split())
    return "" if text in EMPTY_MARKS else text


def _digits(value) -> str:
    return _clean_text(value).translate(THAI_DIGITS)


def _choice_lookup(choices: type[TextChoices]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for value, label in choices.choices:
        lookup[_choice_token(value)] = value
        for language in ("th", "en"):
            with translation.override(language):
                lookup[_choice_token(str(label))] = value
    if choices is AcademicStanding:
        # teachers write the standing with the position: ครูชำนาญการ, ครูชำนาญการพิเศษ
        for value, label in choices.choices:
            with translation.override("th"):
                lookup[_choice_token(f"ครู{label}")] = value
    if choices is SalaryRank:
        for value, _label in choices.choices:  # ค.ศ.1, คศ1, คศ 1 all mean คศ.1
            if value.startswith("ks") and value[2:].isdigit():
                lookup[_choice_token(f"คศ{value[2:]}")] = value
    return lookup


def _choice_token(text: str) -> str:
    return re.sub(r"[\s._\-]", "", _clean_text(text).lower().translate(THAI_DIGITS))


def _choice_labels(choices: type[TextChoices]) -> str:
    with translation.override("th"):
        return ", ".join(str(label) for _value, label in choices.choices)


def parse_date(value, *, today: datetime.date | None = None,
               allow_future: bool = False) -> datetime.date:
    """A date as Thai offices write it (see the module's doc). Raises ``_CellError``.
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
                raise _CellError(_("ไม่มีวันที่ %(date)s ในปฏิทิน") % {
                    "date": f"{value.day:02d}/{value.month:02d}/{value.year}"}) from None
        return _plausible(value, today, allow_future)
    text = _digits(value)
    match = _DMY.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    elif match := _ISO.match(text):
        year, month, day = (int(g) for g in match.groups())
    elif (match := _THAI_MONTH_DATE.match(text)) and match.group(2) in THAI_MONTHS:
        day, month, year = int(match.group(1)), THAI_MONTHS[match.group(2)], int(match.group(3))
    else:
        raise _CellError(_(
            "รูปแบบวันที่ไม่ถูกต้อง (\"%(value)s\") ใช้ วว/ดด/ปปปป เป็นปี พ.ศ. เช่น 15/06/2528"
        ) % {"value": text})
    if 2400 <= year <= 2700:
        ce_year = year - BE_OFFSET
    elif 1900 <= year <= 2100:
        ce_year = year
    else:
        raise _CellError(_("ปี %(year)d ไม่ถูกต้อง ใช้ปี พ.ศ. เช่น 15/06/2528") % {"year": year})
    try:
        date = datetime.date(ce_year, month, day)
    except ValueError:
        raise _CellError(_("ไม่มีวันที่ %(date)s ในปฏิทิน") % {"date": text}) from None
    return _plausible(date, today, allow_future)


def _plausible(date: datetime.date, today: datetime.date | None,
               allow_future: bool = False) -> datetime.date:
    today = today or timezone.localdate()
    if date > today and not allow_future:
        raise _CellError(_("วันที่ %(date)s ยังไม่ถึง (เป็นวันในอนาคต)") % {"date": _be(date)})
    if date.year < 1900:
        raise _CellError(_("วันที่ %(date)s เก่าเกินไป") % {"date": _be(date)})
    return date


def _be(date: datetime.date) -> str:
    return f"{date.day:02d}/{date.month:02d}/{date.year + BE_OFFSET}"


def parse_salary(value) -> Decimal:
    if isinstance(value, bool):
        raise _CellError(_("ต้องเป็นตัวเลข เช่น 32000 หรือ 32,000.00"))
    text = _digits(value).replace(",", "").replace(" ", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise _CellError(_("ต้องเป็นตัวเลข เช่น 32000 หรือ 32,000.00")) from None
    if not amount.is_finite() or amount < 0:
        raise _CellError(_("ต้องเป็นจำนวนเงินที่ไม่ติดลบ"))
    amount = amount.quantize(Decimal("0.01"))
    if amount >= Decimal("100000000"):
        raise _CellError(_("จำนวนเงินมากเกินไป"))
    return amount


# --- checking the rows -------------------------------------------------------------------------


@dataclass
class _Context:
    actor: object
    work: scoping.Reach | None  # None: the system (no actor) reaches everything
    organizations: dict[str, Organization]
    existing: dict[str, Person]
    choice_lookups: dict[str, dict[str, str]]
    today: datetime.date
    first_row_of: dict[str, int] = field(default_factory=dict)

    def reaches(self, org: Organization) -> bool:
        return self.work is None or self.work.covers(org)


def _in_chunks(queryset, field_name: str, values, size: int = 500):
    """``field__in`` for many values, a few hundred at a time (SQLite's parameter limit)."""
    values = sorted(values)
    for start in range(0, len(values), size):
        yield from queryset.filter(**{f"{field_name}__in": values[start:start + size]})


def check_rows(actor, table: Table) -> tuple[list[dict], list[RowProblem]]:
    """Check every row; return the good rows (ready for ``services.import_people``) and the
    bad ones with their Thai reasons. Two queries per 500 rows."""
    col = table.columns

    def cell(values, key):
        index = col.get(key)
        return values[index] if index is not None and index < len(values) else None

    codes = {_clean_text(cell(v, "organization_code")) for _n, v in table.rows} - {""}
    numbers = {national_id.normalize(_digits(cell(v, "national_id"))) for _n, v in table.rows}
    numbers.discard("")
    ctx = _Context(
        actor=actor,
        work=scoping.reach(actor, Access.WORK) if actor is not None else None,
        organizations={
            o.code: o for o in _in_chunks(Organization.objects.all(), "code", codes)
        },
        existing={
            p.national_id: p
            for p in _in_chunks(Person.objects.select_related("organization"), "national_id",
                                numbers)
        },
        choice_lookups={k: _choice_lookup(c) for k, c in CHOICE_FIELDS.items()},
        today=timezone.localdate(),
    )
    good, problems = [], []
    for number, values in table.rows:
        raw = {key: cell(values, key) for key in col}
        reasons, person = _check_row(number, raw, ctx)
        if reasons:
            name = (f"{_clean_text(raw.get('title_th'))}{_clean_text(raw.get('first_name'))} "
                    f"{_clean_text(raw.get('last_name'))}").strip()
            problems.append(RowProblem(number, reasons, name))
        else:
            good.append(person)
    return good, problems


def _check_row(number: int, raw: dict, ctx: _Context):
    reasons: list[str] = []
    wrong: set[str] = set()

    def bad(key: str, message: str) -> None:
        wrong.add(key)
        reasons.append(f"{COLUMNS_BY_KEY[key].label}: {message}")

    # national ID: checksum, the example row, twice in the file, already in the registry
    pin = national_id.normalize(_digits(raw.get("national_id")))
    if not pin:
        bad("national_id", _("ต้องกรอก"))
    else:
        try:
            national_id.validate_national_id(pin)
        except ValidationError as e:
            bad("national_id", e.messages[0])
        else:
            if pin == EXAMPLE_NATIONAL_ID:
                bad("national_id", _("เป็นแถวตัวอย่างจากแบบฟอร์ม กรุณาลบแถวนี้ก่อนนำเข้า"))
            elif pin in ctx.first_row_of:
                bad("national_id", _("ซ้ำกับแถวที่ %(row)d ในไฟล์นี้") % {
                    "row": ctx.first_row_of[pin]})
            elif pin in ctx.existing:
                other = ctx.existing[pin].organization
                if ctx.reaches(other):
                    bad("national_id", _(
                        "มีในทะเบียนแล้ว (สังกัด %(org)s) หากย้ายมาสังกัดนี้ "
                        "ให้ยื่นคำขอย้ายข้อมูล"
                    ) % {"org": other.name})
                else:
                    # Not naming a unit outside the importer's reach: a file of numbers
                    # must not tell where people work.
                    bad("national_id", _(
                        "มีในทะเบียนของหน่วยงานอื่นแล้ว หากย้ายมาสังกัดนี้ "
                        "ให้ยื่นคำขอย้ายข้อมูล"
                    ))
            ctx.first_row_of.setdefault(pin, number)

    # the unit: one answer for "no such code" and "not yours", as a 404 is for pages
    code = _clean_text(raw.get("organization_code"))
    org = None
    if not code:
        bad("organization_code", _("ต้องกรอก"))
    else:
        org = ctx.organizations.get(code)
        if org is None or not ctx.reaches(org):
            org = None
            bad("organization_code", _(
                "ไม่พบรหัสหน่วยงาน %(code)s หรือหน่วยงานนี้อยู่นอกขอบเขตที่คุณดูแล"
            ) % {"code": code})
        elif not org.is_active:
            bad("organization_code", _("หน่วยงาน %(org)s ปิดใช้งานแล้ว") % {"org": org.name})
            org = None

    fields: dict = {}
    for key, limit in TEXT_LIMITS.items():
        if key not in raw:
            continue
        text = _digits(raw[key]) if key == "position_number" else _clean_text(raw[key])
        if len(text) > limit:
            bad(key, _("ยาวเกิน %(limit)d ตัวอักษร") % {"limit": limit})
        fields[key] = text
    for key in ("first_name", "last_name"):
        if not fields.get(key):
            bad(key, _("ต้องกรอก"))

    for key in DATE_FIELDS:
        if _present(raw.get(key)):
            try:
                fields[key] = parse_date(raw[key], today=ctx.today)
            except _CellError as e:
                bad(key, str(e))

    for key, choices in CHOICE_FIELDS.items():
        text = _clean_text(raw.get(key))
        if not text:
            continue
        value = ctx.choice_lookups[key].get(_choice_token(text))
        if value is None:
            bad(key, _("ไม่รู้จักค่า \"%(value)s\" (ใช้ได้: %(labels)s)") % {
                "value": text, "labels": _choice_labels(choices)})
        else:
            fields[key] = value

    if _present(raw.get("salary")):
        try:
            fields["salary"] = parse_salary(raw["salary"])
        except _CellError as e:
            bad("salary", str(e))

    standing = fields.get("standing", AcademicStanding.NONE)
    if (standing != AcademicStanding.NONE and "standing_granted_on" not in fields
            and "standing_granted_on" not in wrong):
        bad("standing_granted_on", _("ต้องกรอกเมื่อมีวิทยฐานะ"))
    birth = fields.get("birth_date")
    for key in ("appointed_on", "standing_granted_on"):
        if birth and fields.get(key) and fields[key] <= birth:
            bad(key, _("ต้องหลังวันเกิด"))

    if reasons:
        return reasons, None
    return [], {"organization": org, "national_id_number": pin, **fields}


# --- the whole import --------------------------------------------------------------------------


def run_import(*, actor, upload, good_rows_only: bool = False) -> ImportReport:
    """Read, check and (when allowed by the mode) write. Never raises for bad input: the
    report says what was wrong."""
    report = ImportReport(file_name=getattr(upload, "name", "") or "",
                          good_rows_only=good_rows_only)
    try:
        table = read_table(upload)
    except ImportFileError as e:
        report.file_error = str(e)
        return report
    report.rows_total = len(table.rows)
    report.ignored_columns = table.ignored_columns
    good, report.problems = check_rows(actor, table)
    if not good or (report.problems and not good_rows_only):
        return report
    try:
        created = services.import_people(
            actor=actor, people=good, source=report.file_name,
            rows_in_file=report.rows_total, rows_rejected=len(report.problems),
        )
    except ValidationError as e:
        # Somebody recorded one of these people between our check and our write: nothing
        # was written (one transaction); say so and let the user run the file again.
        report.file_error = _(
            "ข้อมูลในทะเบียนเปลี่ยนไประหว่างการนำเข้า ยังไม่ได้บันทึกข้อมูลใด ๆ "
            "กรุณานำเข้าไฟล์อีกครั้ง (%(reason)s)"
        ) % {"reason": " ".join(e.messages)}
        return report
    report.created = len(created)
    return report


def may_import(user) -> bool:
    """Who may import: whoever works on some organisation's records (admin and office roles)."""
    return not scoping.reach(user, Access.WORK).nothing


# --- writing files: the template and the roster export ---------------------------------------

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT_COLUMNS = {"national_id", "position_number", "organization_code", *DATE_FIELDS}
EXPORT_COLUMNS: tuple[Column, ...] = (
    *PERSON_COLUMNS,
    Column("organization_name", "สังกัด"),
    Column("status", "สถานะ"),
)
ORG_SHEET = "รหัสหน่วยงาน"
MAX_ORGS_IN_TEMPLATE = 10_000


def _safe(value):
    """A cell value that Excel shows and never runs: strings stay strings (a name starting with
    "=" is not a formula) and lose the control characters xlsx cannot hold."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _string_cell(sheet, value):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=_safe(value))
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def _header_cells(sheet, columns, *, required_fill: bool):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    bold = Font(bold=True)
    must = PatternFill("solid", fgColor="FFE699")
    plain = PatternFill("solid", fgColor="DDEBF7")
    cells = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        cell.fill = must if (required_fill and column.required) else plain
        cells.append(cell)
    return cells


def _widths(sheet, columns):
    from openpyxl.utils import get_column_letter

    for index, column in enumerate(columns, start=1):
        dim = sheet.column_dimensions[get_column_letter(index)]
        dim.width = max(14, len(column.header) * 0.9)
        if column.key in TEXT_COLUMNS:
            dim.number_format = "@"  # Excel keeps 13 digits and 15/06/2528 as typed


def _saved(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_workbook(user) -> bytes:
    """The import form: the people sheet (header and one example row), the codes of the
    organisations ``user`` may import into, and the column notes."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    orgs = list(
        scoping.organizations(user, Access.WORK).order_by("path")
        .only("code", "name", "kind", "path")[:MAX_ORGS_IN_TEMPLATE]
    )
    example_org = next((o for o in orgs if o.kind == OrgKind.SCHOOL), orgs[0] if orgs else None)
    example = {c.key: c.example for c in PERSON_COLUMNS}
    example["national_id"] = EXAMPLE_NATIONAL_ID
    example["organization_code"] = example_org.code if example_org else ""

    book = Workbook(write_only=True)
    sheet = book.create_sheet(PEOPLE_SHEET)
    _widths(sheet, PERSON_COLUMNS)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(PERSON_COLUMNS, start=1):
        if column.key in CHOICE_FIELDS:
            with translation.override("th"):
                labels = ",".join(str(label) for _v, label in CHOICE_FIELDS[column.key].choices)
            check = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=True,
                                   showErrorMessage=False)
            letter = get_column_letter(index)
            check.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
            sheet.data_validations.append(check)
    sheet.append(_header_cells(sheet, PERSON_COLUMNS, required_fill=True))
    grey = Font(italic=True, color="808080")
    row = []
    for column in PERSON_COLUMNS:
        cell = _string_cell(sheet, example[column.key])
        cell.font = grey
        row.append(cell)
    sheet.append(row)

    codes = book.create_sheet(ORG_SHEET)
    codes.column_dimensions["A"].width = 16
    codes.column_dimensions["B"].width = 50
    codes.column_dimensions["C"].width = 24
    codes.freeze_panes = "A2"
    codes.append(_header_cells(codes, (Column("code", "รหัสหน่วยงาน"),
                                       Column("name", "ชื่อหน่วยงาน"),
                                       Column("kind", "ประเภท")), required_fill=False))
    with translation.override("th"):
        for org in orgs:
            codes.append([_string_cell(codes, org.code), _string_cell(codes, org.name),
                          _string_cell(codes, str(org.get_kind_display()))])

    notes = book.create_sheet("คำอธิบาย")
    notes.column_dimensions["A"].width = 40
    notes.column_dimensions["B"].width = 12
    notes.column_dimensions["C"].width = 60
    notes.column_dimensions["D"].width = 18
    for line in (
        "วิธีกรอก: หนึ่งแถวต่อหนึ่งคน เริ่มที่แถวที่ 2 ห้ามแก้แถวหัวตาราง (แถวที่ 1)",
        "ลบแถวตัวอย่าง (แถวที่ 2) ก่อนนำเข้า",
        "วันที่ใช้ วว/ดด/ปปปป เป็นปี พ.ศ. เช่น 15/06/2528",
        "รหัสหน่วยงานดูได้จากแผ่นงาน \"รหัสหน่วยงาน\" (เฉพาะหน่วยงานที่คุณดูแล)",
        "ถ้ามีแถวที่ผิด ระบบจะไม่บันทึกข้อมูลใด ๆ และแจ้งเลขแถวพร้อมสาเหตุ "
        "เว้นแต่เลือก \"นำเข้าเฉพาะแถวที่ถูกต้อง\"",
        f"ไฟล์ .xlsx หรือ CSV UTF-8 ขนาดไม่เกิน {MAX_FILE_SIZE // 1024 // 1024} MB "
        f"ไม่เกิน {MAX_ROWS:,} แถวต่อไฟล์",
        "",
    ):
        notes.append([line])
    notes.append(_header_cells(notes, (Column("c", "คอลัมน์"), Column("r", "ต้องกรอก"),
                                       Column("v", "ค่าที่ใช้ได้"), Column("e", "ตัวอย่าง")),
                               required_fill=False))
    for column in PERSON_COLUMNS:
        accepted = column.note
        if column.key in CHOICE_FIELDS:
            accepted = " ".join(p for p in (_choice_labels(CHOICE_FIELDS[column.key]),
                                            column.note) if p)
        notes.append([
            _string_cell(notes, column.header),
            WriteOnlyCell(notes, value="ต้องกรอก" if column.required else ""),
            _string_cell(notes, accepted),
            _string_cell(notes, example[column.key]),
        ])
    return _saved(book)


def roster_workbook(user, people) -> bytes:
    """The roster as Excel: the import layout (so that a file can go back in), plus the unit's
    name and the status. Full national IDs only for people ``user`` works on (Access.WORK);
    dates in the Buddhist era as the import reads them."""
    from openpyxl import Workbook

    work = scoping.reach(user, Access.WORK)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("ทะเบียนบุคลากร")
    _widths(sheet, EXPORT_COLUMNS)
    sheet.freeze_panes = "A2"
    sheet.append(_header_cells(sheet, EXPORT_COLUMNS, required_fill=False))
    with translation.override("th"):
        for person in people.iterator(chunk_size=1000):
            values = _export_values(person, full_id=work.covers(person.organization))
            row = []
            for column in EXPORT_COLUMNS:
                value = values[column.key]
                cell = _string_cell(sheet, value)
                if column.key == "salary" and value is not None:
                    cell.number_format = "#,##0.00"
                row.append(cell)
            sheet.append(row)
    return _saved(book)


def _export_values(person: Person, *, full_id: bool) -> dict:
    def be(date):
        return _be(date) if date else ""

    def label(name):
        return str(getattr(person, f"get_{name}_display")()) if getattr(person, name) else ""

    return {
        "national_id": person.national_id if full_id else person.masked_national_id,
        "title_th": person.title_th,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "first_name_en": person.first_name_en,
        "last_name_en": person.last_name_en,
        "birth_date": be(person.birth_date),
        "gender": label("gender"),
        "position_type": label("position_type"),
        "position_number": person.position_number,
        "salary_rank": label("salary_rank"),
        "salary": person.salary,
        "appointed_on": be(person.appointed_on),
        "standing": label("standing"),
        "standing_granted_on": be(person.standing_granted_on),
        "organization_code": person.organization.code,
        "organization_name": person.organization.name,
        "status": label("status"),
    }
