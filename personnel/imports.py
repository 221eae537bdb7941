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

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import TextChoices
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import national_id, scoping
from accounts.models import Organization
from accounts.rules import OrgKind
from accounts.scoping import Access
from core import spreadsheets, tabular
from core.tabular import (
    MAX_FILE_SIZE,
    MAX_ROWS,
    CellError,
    Column,
    ImportReport,
    RowProblem,
    be_slashed,
    choice_token,
    clean_text,
    column_key,
    digits,
    parse_date,
    present,
)

from . import services
from .choices import AcademicStanding, Gender, PositionType, SalaryRank
from .models import Person

PEOPLE_SHEET = "บุคลากร"


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



# --- reading one cell (choices, money; dates and text: core.tabular) ----------------------------


def _choice_lookup(choices: type[TextChoices]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for value, label in choices.choices:
        lookup[choice_token(value)] = value
        for language in ("th", "en"):
            with translation.override(language):
                lookup[choice_token(str(label))] = value
    if choices is AcademicStanding:
        # teachers write the standing with the position: ครูชำนาญการ, ครูชำนาญการพิเศษ
        for value, label in choices.choices:
            with translation.override("th"):
                lookup[choice_token(f"ครู{label}")] = value
    if choices is SalaryRank:
        for value, _label in choices.choices:  # ค.ศ.1, คศ1, คศ 1 all mean คศ.1
            if value.startswith("ks") and value[2:].isdigit():
                lookup[choice_token(f"คศ{value[2:]}")] = value
    return lookup


def _choice_labels(choices: type[TextChoices]) -> str:
    with translation.override("th"):
        return ", ".join(str(label) for _value, label in choices.choices)


def parse_salary(value) -> Decimal:
    if isinstance(value, bool):
        raise CellError(_("ต้องเป็นตัวเลข เช่น 32000 หรือ 32,000.00"))
    text = digits(value).replace(",", "").replace(" ", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise CellError(_("ต้องเป็นตัวเลข เช่น 32000 หรือ 32,000.00")) from None
    if not amount.is_finite() or amount < 0:
        raise CellError(_("ต้องเป็นจำนวนเงินที่ไม่ติดลบ"))
    amount = amount.quantize(Decimal("0.01"))
    if amount >= Decimal("100000000"):
        raise CellError(_("จำนวนเงินมากเกินไป"))
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


def check_rows(actor, columns: dict[str, int], rows: list[tuple[int, list]],
               ) -> tuple[list[dict], list[RowProblem]]:
    """Check every row; return the good rows (ready for ``services.import_people``) and the
    bad ones with their Thai reasons. Two queries per 500 rows."""
    col = columns

    def cell(values, key):
        index = col.get(key)
        return values[index] if index is not None and index < len(values) else None

    codes = {clean_text(cell(v, "organization_code")) for _n, v in rows} - {""}
    numbers = {national_id.normalize(digits(cell(v, "national_id"))) for _n, v in rows}
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
    for number, values in rows:
        raw = {key: cell(values, key) for key in col}
        reasons, person = _check_row(number, raw, ctx)
        if reasons:
            name = (f"{clean_text(raw.get('title_th'))}{clean_text(raw.get('first_name'))} "
                    f"{clean_text(raw.get('last_name'))}").strip()
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
    pin = national_id.normalize(digits(raw.get("national_id")))
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
    code = clean_text(raw.get("organization_code"))
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
        text = digits(raw[key]) if key == "position_number" else clean_text(raw[key])
        if len(text) > limit:
            bad(key, _("ยาวเกิน %(limit)d ตัวอักษร") % {"limit": limit})
        fields[key] = text
    for key in ("first_name", "last_name"):
        if not fields.get(key):
            bad(key, _("ต้องกรอก"))

    for key in DATE_FIELDS:
        if present(raw.get(key)):
            try:
                fields[key] = parse_date(raw[key], today=ctx.today)
            except CellError as e:
                bad(key, str(e))

    for key, choices in CHOICE_FIELDS.items():
        text = clean_text(raw.get(key))
        if not text:
            continue
        value = ctx.choice_lookups[key].get(choice_token(text))
        if value is None:
            bad(key, _("ไม่รู้จักค่า \"%(value)s\" (ใช้ได้: %(labels)s)") % {
                "value": text, "labels": _choice_labels(choices)})
        else:
            fields[key] = value

    if present(raw.get("salary")):
        try:
            fields["salary"] = parse_salary(raw["salary"])
        except CellError as e:
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
    """Read, check and (when the mode allows) write, through ``core.tabular.run_import``."""

    def check(header, body, report):
        good, report.problems = check_rows(actor, header.columns, body)
        return good

    def write(good, report):
        return len(services.import_people(
            actor=actor, people=good, source=report.file_name, rows_in_file=report.rows_total,
            rows_rejected=len(report.problems)))

    return tabular.run_import(
        upload, sheet=PEOPLE_SHEET,
        report=ImportReport(file_name=getattr(upload, "name", "") or "",
                            good_rows_only=good_rows_only),
        key_of=lambda header: column_key(header, COLUMN_LABELS),
        missing=lambda columns: [c.header for c in PERSON_COLUMNS
                                 if c.required and c.key not in columns],
        check=check, write=write)


def may_import(user) -> bool:
    """Who may import: whoever works on some organisation's records (admin and office roles)."""
    return not scoping.reach(user, Access.WORK).nothing


# --- writing files: the template and the roster export ---------------------------------------

TEXT_COLUMNS = {"national_id", "position_number", "organization_code", *DATE_FIELDS}
EXPORT_COLUMNS: tuple[Column, ...] = (
    *PERSON_COLUMNS,
    Column("organization_name", "สังกัด"),
    Column("status", "สถานะ"),
)
ORG_SHEET = "รหัสหน่วยงาน"
MAX_ORGS_IN_TEMPLATE = 10_000


def _string_cell(sheet, value):
    """A cell that Excel shows and never runs (core.spreadsheets)."""
    return spreadsheets.cell(sheet, value)


def _header_cells(sheet, columns, *, required_fill: bool):
    return [spreadsheets.cell(sheet, column.header, bold=True,
                              fill="FFE699" if (required_fill and column.required) else "DDEBF7")
            for column in columns]


def _widths(sheet, columns):
    from openpyxl.utils import get_column_letter

    for index, column in enumerate(columns, start=1):
        dim = sheet.column_dimensions[get_column_letter(index)]
        dim.width = max(14, len(column.header) * 0.9)
        if column.key in TEXT_COLUMNS:
            dim.number_format = "@"  # Excel keeps 13 digits and 15/06/2528 as typed


def _saved(book) -> bytes:
    return spreadsheets.to_bytes(book)


def template_workbook(user) -> bytes:
    """The import form: the people sheet (header and one example row), the codes of the
    organisations ``user`` may import into, and the column notes."""
    from openpyxl import Workbook
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
    spreadsheets.print_layout(sheet, landscape=True, fit_width=False)
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
    sheet.append([spreadsheets.cell(sheet, example[column.key], italic=True, color="808080")
                  for column in PERSON_COLUMNS])

    codes = book.create_sheet(ORG_SHEET)
    spreadsheets.print_layout(codes)
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
    spreadsheets.print_layout(notes, header_rows=None)
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
        notes.append([_string_cell(notes, line)])
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
            _string_cell(notes, "ต้องกรอก" if column.required else ""),
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
    spreadsheets.print_layout(sheet, landscape=True, fit_width=False)
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
        return be_slashed(date) if date else ""

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
