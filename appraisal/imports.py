"""The import of the expert registry from Excel/CSV (:func:`run_expert_import`), through the one
runner of imports (``core.tabular.run_import``): every bad row with its Thai reasons; nothing is
written when a row is wrong unless "good rows only" is asked."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from accounts import audit, national_id, scoping
from accounts.exceptions import NotAllowed
from accounts.models import User
from accounts.rules import OrgKind
from accounts.scoping import Access
from appraisal.choices import ClassroomType
from appraisal.models import Expert, SubjectArea
from appraisal.selectors import may_manage_experts, owner_choices
from appraisal.services.experts import _clean, save_expert
from core import spreadsheets, tabular
from core.tabular import (
    CellError,
    ImportReport,
    RowProblem,
    column_key,
    parse_date,
)
from personnel.choices import AcademicStanding

# --- import from Excel/CSV -----------------------------------------------------------------------

COLUMNS = {
    # key: (Thai label, required)
    "title_th": ("คำนำหน้าชื่อ", False),
    "first_name": ("ชื่อ", True),
    "last_name": ("นามสกุล", True),
    "national_id": ("เลขประจำตัวประชาชน", False),
    "email": ("อีเมล", False),
    "phone": ("โทรศัพท์", False),
    "position": ("ตำแหน่ง/วิทยฐานะ", False),
    "username": ("ชื่อผู้ใช้ในระบบ", False),
    "home_org_code": ("รหัสหน่วยงานต้นสังกัด (ในระบบ)", False),
    "home_org_name": ("หน่วยงานต้นสังกัด (นอกระบบ)", False),
    "owner_code": ("รหัสจังหวัดที่ขึ้นบัญชี", False),
    "classroom_types": ("ประเภทห้องเรียน", True),
    "subject_areas": ("สาขา", True),
    "standings": ("วิทยฐานะที่ประเมินได้", True),
    "active_from": ("ขึ้นบัญชีตั้งแต่", True),
    "active_to": ("ถึงวันที่", False),
    "max_concurrent": ("จำนวนงานพร้อมกันสูงสุด", True),
}
SEPARATORS = re.compile(r"\s*[;,\n]\s*")


def _key(header) -> str | None:
    return column_key(header, {key: label for key, (label, _required) in COLUMNS.items()})


def _items(value) -> list[str]:
    return [p for p in SEPARATORS.split(str(value or "").strip()) if p]


def _token(text: str) -> str:
    return re.sub(r"[\s._\-]", "", str(text).strip().lower())


def _lookup(choices) -> dict[str, str]:
    found = {}
    for value, label in choices.choices:
        found[_token(value)] = value
        with translation.override("th"):
            found[_token(str(label))] = value
    return found


def template_workbook() -> bytes:
    """The import form: one header row, "Thai label (key)", and one example row."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _("ผู้ทรงคุณวุฒิ")
    spreadsheets.print_layout(sheet, landscape=True, widths=[24] * len(COLUMNS), fit_width=False)
    sheet.append(spreadsheets.row(sheet, [f"{label}{' *' if required else ''} ({key})"
                                          for key, (label, required) in COLUMNS.items()],
                                  bold=True))
    sheet.append(spreadsheets.row(sheet, [
        "นาย", "สมชาย", "ใจงาม", "", "somchai@example.org", "", "ศึกษานิเทศก์เชี่ยวชาญ", "", "",
        "มหาวิทยาลัยราชภัฏนครพนม", "", "ห้องเรียนวิชาสามัญ (ประถมศึกษา)",
        "สาขาภาษาไทย; สาขาคณิตศาสตร์", "ชำนาญการ; ชำนาญการพิเศษ", "01/10/2568", "30/09/2570",
        3]))
    return spreadsheets.to_bytes(book)


def run_expert_import(*, actor, upload, good_rows_only: bool = False) -> ImportReport:
    """Add experts from a file; a row report in Thai. All or nothing unless ``good_rows_only``."""
    if not may_manage_experts(actor):
        raise NotAllowed()
    return tabular.run_import(
        upload,
        report=ImportReport(file_name=getattr(upload, "name", "") or "",
                            good_rows_only=good_rows_only),
        key_of=_key,
        missing=lambda columns: [label for key, (label, required) in COLUMNS.items()
                                 if required and key not in columns],
        check=lambda header, body, report: _check_rows(actor, header, body, report),
        write=lambda good, report: _write(actor, good, report))


def _check_rows(actor, header, data, report) -> list[tuple[int, dict]]:
    classrooms = _lookup(ClassroomType)
    standings = _lookup(AcademicStanding)
    for value, label in AcademicStanding.choices:  # "ครูชำนาญการ" as teachers write it
        with translation.override("th"):
            standings[_token(f"ครู{label}")] = value
    areas = {}
    for area in SubjectArea.objects.all():
        areas.setdefault(_token(area.name), []).append(area)
        if not area.name.startswith("สาขา"):
            areas.setdefault(_token(f"สาขา{area.name}"), []).append(area)
    owners = list(owner_choices(actor))
    seen_ids, seen_emails = set(), set()
    good = []
    for number, row in data:
        values = header.values(row)
        reasons: list[str] = []
        fields: dict = {}

        def text(key, values=values):
            return _cell_text(values.get(key))

        for key in ("title_th", "first_name", "last_name", "email", "phone", "position"):
            fields[key] = text(key)
        fields["national_id"] = text("national_id")
        fields["home_organization_name"] = text("home_org_name")
        owner = None
        if text("owner_code"):
            owner = next((o for o in owners if o.code == text("owner_code")), None)
            if owner is None:
                reasons.append(_("รหัสจังหวัดที่ขึ้นบัญชี “%(code)s” ไม่อยู่ในหน่วยงานที่ท่านดูแล") % {
                    "code": text("owner_code")})
        home = None
        if text("home_org_code"):
            home = scoping.organizations(actor, Access.ADMINISTER).filter(
                code=text("home_org_code")).first()
            if home is None:
                reasons.append(_("ไม่พบรหัสหน่วยงาน “%(code)s” ในหน่วยงานที่ท่านดูแล") % {
                    "code": text("home_org_code")})
        if owner is None and not reasons:
            owner = _default_owner(owners, home)
            if owner is None:
                reasons.append(_("ระบุรหัสจังหวัดที่ขึ้นบัญชี (owner_code)"))
        fields["organization"], fields["home_organization"] = owner, home
        kinds = []
        for item in _items(values.get("classroom_types")):
            kind = classrooms.get(_token(item))
            if kind is None:
                reasons.append(_("ไม่รู้จักประเภทห้องเรียน “%(value)s”") % {"value": item})
            else:
                kinds.append(kind)
        chosen = []
        for item in _items(values.get("subject_areas")):
            matches = [a for a in areas.get(_token(item), []) if a.classroom_type in kinds]
            if not matches:
                reasons.append(_("ไม่พบสาขา “%(value)s” ในประเภทห้องเรียนที่ระบุ") % {"value": item})
            chosen.extend(matches)
        if not chosen and not reasons:
            reasons.append(_("ระบุสาขาที่ประเมินได้อย่างน้อยหนึ่งสาขา"))
        levels = []
        for item in _items(values.get("standings")):
            level = standings.get(_token(item))
            if level is None or level == AcademicStanding.NONE:
                reasons.append(_("ไม่รู้จักวิทยฐานะ “%(value)s”") % {"value": item})
            else:
                levels.append(level)
        fields["standings"] = levels
        for key in ("active_from", "active_to"):
            raw = values.get(key)
            if raw in (None, ""):
                fields[key] = None
                continue
            try:
                fields[key] = parse_date(raw, allow_future=True)
            except CellError as exc:
                reasons.append(f"{COLUMNS[key][0]}: {exc}")
        fields["max_concurrent"] = text("max_concurrent") or 0
        number_id = national_id.normalize(fields["national_id"])
        if number_id:
            if number_id in seen_ids or Expert.objects.filter(national_id=number_id).exists():
                reasons.append(_("มีผู้ทรงคุณวุฒิที่ใช้เลขประจำตัวประชาชนนี้ในบัญชีแล้ว"))
            seen_ids.add(number_id)
        email = fields["email"].lower()
        if email:
            if email in seen_emails or Expert.objects.filter(email__iexact=email).exists():
                reasons.append(_("มีผู้ทรงคุณวุฒิที่ใช้อีเมลนี้ในบัญชีแล้ว"))
            seen_emails.add(email)
        username = text("username")
        if not reasons:
            try:
                probe = Expert()
                _clean(actor, probe, dict(fields), chosen)
                if username and not User.objects.filter(username=username).exists():
                    reasons.append(_("ไม่พบบัญชีผู้ใช้ “%(name)s”") % {"name": username})
            except ValidationError as exc:
                for messages in exc.message_dict.values():
                    reasons.extend(messages)
        name = f"{fields['title_th']}{fields['first_name']} {fields['last_name']}".strip()
        if reasons:
            report.problems.append(RowProblem(row=number, reasons=reasons, name=name))
        else:
            good.append((number, {**fields, "subject_areas": chosen, "username": username}))
    return good


def _cell_text(raw) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return "" if raw is None else str(raw).strip()


def _default_owner(owners, home):
    if home is not None:
        province = next((o for o in owners if o.kind == OrgKind.PROVINCE
                         and home.path.startswith(o.path)), None)
        if province is not None:
            return province
    provinces = [o for o in owners if o.kind == OrgKind.PROVINCE]
    if len(owners) == 1:
        return owners[0]
    if len(provinces) == 1 and not any(o.kind == OrgKind.AGENCY for o in owners):
        return provinces[0]
    return None


@transaction.atomic
def _write(actor, good, report) -> int:
    for number, fields in good:
        try:
            save_expert(actor=actor, **fields)
        except ValidationError as exc:  # a race with another import: report, write nothing
            transaction.set_rollback(True)
            report.problems.append(RowProblem(row=number, reasons=exc.messages))
            return 0
    audit.record("appraisal.expert.import", actor=actor, source=report.file_name,
                 rows_in_file=report.rows_total, rows_rejected=len(report.problems),
                 created=len(good))
    return len(good)
