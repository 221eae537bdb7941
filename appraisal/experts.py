"""The registry of experts (บัญชีรายชื่อผู้ทรงคุณวุฒิ; RULES.md §4.5 steps 3–4): who may be drawn to
assess applications, in which subject areas and classroom types, for which standings, in which
period, and with how many assignments at once.

Managed by the DLA admin (every record) and the province admins (the records their province
keeps: ``Expert.organization``). A record's home organisation, when it is in the portal's tree,
must lie inside what the manager administers (NetBox's restrict-the-lookups lesson: a province
admin cannot pin an expert to another province's school).

An expert is drawn only with an active portal account. Experts already in the tree usually have
one: the record links it by national ID or username. An outside expert is "invited to the
portal" (:func:`create_expert_account`): an account without a usable password and an email with
a link to set one (the password-reset link, valid ``PASSWORD_RESET_TIMEOUT``).

Import from Excel/CSV (:func:`run_expert_import`) reuses the people import's file reading and
row report (``personnel.imports``): every bad row with its Thai reasons; nothing is written when
a row is wrong unless "good rows only" is asked.
"""

from __future__ import annotations

import datetime
import io
import re

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts import audit, national_id, scoping
from accounts.exceptions import NotAllowed
from accounts.models import Membership, Organization, User
from accounts.notify import email_after_commit
from accounts.rules import OrgKind, Role
from accounts.scoping import Access
from personnel.choices import AcademicStanding
from personnel.imports import (
    ImportFileError,
    ImportReport,
    RowProblem,
    column_key,
    parse_date,
    read_rows,
)
from personnel.imports import _CellError as CellError

from .choices import ClassroomType
from .models import Expert, SubjectArea

MANAGER_ROLES = frozenset({Role.DLA_ADMIN, Role.PROVINCE_ADMIN})
OWNER_KINDS = (OrgKind.PROVINCE, OrgKind.AGENCY)
ASSESSED_STANDINGS = tuple(s for s in AcademicStanding.values if s != AcademicStanding.NONE)
FIELDS = ("organization", "title_th", "first_name", "last_name", "national_id", "email", "phone",
          "position", "home_organization", "home_organization_name", "standings",
          "active_from", "active_to", "max_concurrent", "is_active", "note")


# --- read side ---------------------------------------------------------------------------------

def may_manage_experts(user) -> bool:
    """The DLA admin and the province admins keep the registry."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or Membership.objects.filter(
        user=user, is_active=True, role__in=MANAGER_ROLES).exists()


def experts_for(user):
    """The one visibility entry point of the registry: the records of the provinces (or, for
    the DLA admin, of the whole country) that ``user`` administers."""
    if not may_manage_experts(user):
        return Expert.objects.none()
    return scoping.scope(Expert.objects.all(), user, "organization", Access.ADMINISTER)


def expert_for(user, pk) -> Expert:
    return experts_for(user).select_related("organization", "home_organization", "user").get(
        pk=pk)


def owner_choices(user):
    """The organisations whose registry ``user`` keeps: their province(s), or every province and
    the DLA itself for the DLA admin."""
    if not may_manage_experts(user):
        return Organization.objects.none()
    return scoping.organizations(user, Access.ADMINISTER).filter(
        kind__in=OWNER_KINDS).order_by("path")


def expert_list(user, *, q: str = "", subject_area=None, standing: str = "",
                active_only: bool = False):
    qs = experts_for(user)
    for word in (q or "").split():
        qs = qs.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word)
                       | Q(home_organization_name__icontains=word)
                       | Q(home_organization__name__icontains=word))
    if subject_area:
        qs = qs.filter(subject_areas=subject_area)
    if standing:
        qs = qs.filter(standings__contains=[standing]) if _json_contains() else qs.filter(
            standings__icontains=f'"{standing}"')
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.select_related("organization", "home_organization", "user").prefetch_related(
        "subject_areas").order_by("first_name", "last_name", "pk")


def _json_contains() -> bool:
    from django.db import connection

    return connection.features.supports_json_field_contains


# --- validation ---------------------------------------------------------------------------------

def _clean(actor, expert: Expert, fields: dict, subject_areas) -> dict:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValueError(f"not expert fields: {sorted(unknown)}")
    errors: dict[str, list[str]] = {}

    def error(field, message):
        errors.setdefault(field, []).append(message)

    for name in ("first_name", "last_name", "title_th", "home_organization_name", "position",
                 "phone", "note"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
    owner = fields.get("organization", expert.organization if expert.pk else None)
    if owner is None or owner.kind not in OWNER_KINDS or not scoping.can_administer(actor, owner):
        error("organization", _("เลือกจังหวัดหรือกรมที่ท่านดูแล"))
    home = fields.get("home_organization", expert.home_organization if expert.pk else None)
    if home is not None:
        if not scoping.can_administer(actor, home):
            error("home_organization", _("ไม่พบหน่วยงานนี้ในหน่วยงานที่ท่านดูแล"))
        elif owner is not None and owner.kind == OrgKind.PROVINCE \
                and not home.path.startswith(owner.path):
            error("home_organization", _("หน่วยงานต้นสังกัดต้องอยู่ในจังหวัดที่ขึ้นบัญชี"))
    if "first_name" in fields and not fields["first_name"]:
        error("first_name", _("กรุณาระบุชื่อ"))
    if "last_name" in fields and not fields["last_name"]:
        error("last_name", _("กรุณาระบุนามสกุล"))
    if "national_id" in fields:
        number = national_id.normalize(fields["national_id"] or "")
        fields["national_id"] = number or None
        if number:
            try:
                national_id.validate_national_id(number)
            except ValidationError as exc:
                error("national_id", exc.messages[0])
    if "email" in fields:
        fields["email"] = (fields["email"] or "").strip().lower()
    if "standings" in fields:
        standings = sorted(set(fields["standings"] or []))
        if not standings:
            error("standings", _("เลือกวิทยฐานะที่ประเมินได้อย่างน้อยหนึ่งระดับ"))
        elif set(standings) - set(ASSESSED_STANDINGS):
            error("standings", _("วิทยฐานะไม่ถูกต้อง"))
        fields["standings"] = standings
    if subject_areas is not None and not list(subject_areas):
        error("subject_areas", _("เลือกสาขาที่ประเมินได้อย่างน้อยหนึ่งสาขา"))
    start = fields.get("active_from", expert.active_from if expert.pk else None)
    end = fields.get("active_to", expert.active_to if expert.pk else None)
    if start is None:
        error("active_from", _("กรุณาระบุวันที่เริ่มขึ้นบัญชี"))
    elif end is not None and end < start:
        error("active_to", _("วันสิ้นสุดต้องไม่ก่อนวันเริ่ม"))
    if "max_concurrent" in fields:
        try:
            fields["max_concurrent"] = int(fields["max_concurrent"])
        except (TypeError, ValueError):
            fields["max_concurrent"] = 0
        if not 1 <= fields["max_concurrent"] <= 50:
            error("max_concurrent", _("จำนวนงานพร้อมกันต้องอยู่ระหว่าง 1 ถึง 50"))
    if errors:
        raise ValidationError(errors)
    return fields


def _link_user(expert: Expert, username: str | None) -> None:
    """Link the expert's portal account: the one named, else the one with the same national
    ID. An account already linked to another expert is refused."""
    user = None
    if username:
        user = User.objects.filter(username=username.strip()).first()
        if user is None:
            raise ValidationError({"username": _("ไม่พบบัญชีผู้ใช้ “%(name)s”") % {
                "name": username.strip()}})
    elif expert.user_id is None and expert.national_id:
        user = User.objects.filter(national_id=expert.national_id).first()
    if user is None or user.pk == expert.user_id:
        return
    if Expert.objects.filter(user=user).exclude(pk=expert.pk).exists():
        raise ValidationError({"username": _("บัญชีผู้ใช้นี้ผูกกับผู้ทรงคุณวุฒิรายอื่นแล้ว")})
    expert.user = user


# --- services ------------------------------------------------------------------------------------

@transaction.atomic
def save_expert(*, actor, expert: Expert | None = None, subject_areas=None,
                username: str | None = None, **fields) -> Expert:
    """Add an expert to the registry, or change one. ``subject_areas``: SubjectArea rows (None:
    unchanged on an edit). ``username``: link this portal account."""
    if not may_manage_experts(actor):
        raise NotAllowed()
    creating = expert is None
    if creating:
        expert = Expert(created_by=actor if getattr(actor, "pk", None) else None)
    else:
        expert = Expert.objects.select_for_update().get(pk=expert.pk)
        if not experts_for(actor).filter(pk=expert.pk).exists():
            raise NotAllowed()
    before = {f: _plain(getattr(expert, f)) for f in FIELDS} if not creating else {}
    fields = _clean(actor, expert, dict(fields), subject_areas)
    for name, value in fields.items():
        setattr(expert, name, value)
    _link_user(expert, username)
    try:
        with transaction.atomic():
            expert.save()
    except IntegrityError:
        raise ValidationError({"national_id": _(
            "มีผู้ทรงคุณวุฒิที่ใช้เลขประจำตัวประชาชนนี้ในบัญชีแล้ว")}) from None
    if subject_areas is not None:
        expert.subject_areas.set(subject_areas)
    # re-check the scope after the save (NetBox): nobody moves a record out of their own reach
    if not experts_for(actor).filter(pk=expert.pk).exists():
        raise NotAllowed()
    after = {f: _plain(getattr(expert, f)) for f in FIELDS}
    changes = {f: [before.get(f), after[f]] for f in FIELDS if before.get(f) != after[f]}
    changes.pop("national_id", None)  # audit data never carries national IDs
    audit.record("appraisal.expert.create" if creating else "appraisal.expert.update",
                 actor=actor, target=expert, organization=expert.organization,
                 name=expert.full_name_th, changes=changes,
                 subject_areas=sorted(a.pk for a in subject_areas)
                 if subject_areas is not None else None)
    return expert


def _plain(value):
    if isinstance(value, Organization):
        return value.pk
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _unique_username(expert: Expert) -> str:
    base = re.sub(r"[^a-z0-9._-]", "", (expert.email or "").split("@")[0].lower())[:20] \
        or "expert"
    name = f"expert.{base}"
    n = 1
    while User.objects.filter(username=name).exists():
        n += 1
        name = f"expert.{base}{n}"
    return name


@transaction.atomic
def create_expert_account(*, actor, expert: Expert) -> User:
    """"Invite to the portal": give an outside expert an account (no usable password) and send
    the expert a link to set a password. An expert whose national ID or email already belongs to
    an account is linked to it instead (no second account)."""
    if not may_manage_experts(actor):
        raise NotAllowed()
    expert = Expert.objects.select_for_update().get(pk=expert.pk)
    if not experts_for(actor).filter(pk=expert.pk).exists():
        raise NotAllowed()
    if expert.user_id:
        raise ValidationError(_("ผู้ทรงคุณวุฒินี้มีบัญชีผู้ใช้แล้ว"))
    if not expert.email:
        raise ValidationError({"email": _("กรุณาระบุอีเมลของผู้ทรงคุณวุฒิก่อน")})
    user = None
    if expert.national_id:
        user = User.objects.filter(national_id=expert.national_id).first()
    if user is None:
        user = User.objects.filter(email__iexact=expert.email).first()
    created = user is None
    if created:
        user = User(username=_unique_username(expert), email=expert.email,
                    title_th=expert.title_th, first_name=expert.first_name,
                    last_name=expert.last_name, national_id=expert.national_id)
        user.set_unusable_password()
        user.save()
    if Expert.objects.filter(user=user).exclude(pk=expert.pk).exists():
        raise ValidationError(_("บัญชีผู้ใช้นี้ผูกกับผู้ทรงคุณวุฒิรายอื่นแล้ว"))
    expert.user = user
    expert.save(update_fields=["user", "updated_at"])
    if created:
        link = settings.PORTAL_URL.rstrip("/") + reverse("password_reset_confirm", kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user)})
        email_after_commit(
            [user.email], _("เชิญเข้าใช้ระบบ D-LEP ในฐานะผู้ทรงคุณวุฒิ"),
            _("เรียน %(name)s\n\nท่านได้รับการขึ้นบัญชีเป็นผู้ทรงคุณวุฒิสำหรับประเมินวิทยฐานะครูท้องถิ่น "
              "ชื่อผู้ใช้ของท่านคือ %(username)s กรุณาตั้งรหัสผ่านที่ลิงก์นี้ "
              "(ใช้ได้ครั้งเดียว ภายใน %(hours)d ชั่วโมง):\n%(link)s") % {
                "name": expert.full_name_th, "username": user.username, "link": link,
                "hours": settings.PASSWORD_RESET_TIMEOUT // 3600})
    audit.record("appraisal.expert.account", actor=actor, target=expert,
                 organization=expert.organization, user=user.pk, created=created)
    return user


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
    sheet.append([f"{label}{' *' if required else ''} ({key})"
                  for key, (label, required) in COLUMNS.items()])
    sheet.append(["นาย", "สมชาย", "ใจงาม", "", "somchai@example.org", "", "ศึกษานิเทศก์เชี่ยวชาญ",
                  "", "", "มหาวิทยาลัยราชภัฏนครพนม", "", "ห้องเรียนวิชาสามัญ (ประถมศึกษา)",
                  "สาขาภาษาไทย; สาขาคณิตศาสตร์", "ชำนาญการ; ชำนาญการพิเศษ", "01/10/2568",
                  "30/09/2570", 3])
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 24
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run_expert_import(*, actor, upload, good_rows_only: bool = False) -> ImportReport:
    """Add experts from a file; a row report in Thai. All or nothing unless ``good_rows_only``."""
    if not may_manage_experts(actor):
        raise NotAllowed()
    report = ImportReport(file_name=getattr(upload, "name", "") or "",
                          good_rows_only=good_rows_only)
    try:
        rows = read_rows(upload)
    except ImportFileError as exc:
        report.file_error = str(exc)
        return report
    if not rows:
        report.file_error = _("ไฟล์ว่างเปล่า")
        return report
    header = [_key(h) for h in rows[0]]
    missing = [COLUMNS[k][0] for k, (_label, required) in COLUMNS.items()
               if required and k not in header]
    if missing:
        report.file_error = _("ไม่พบคอลัมน์ที่ต้องมี: %(columns)s (ต้องอยู่ในแถวที่ 1) "
                              "กรุณาใช้แบบฟอร์มที่ดาวน์โหลดจากหน้านี้") % {
            "columns": ", ".join(missing)}
        return report
    data = [(n, r) for n, r in enumerate(rows[1:], start=2) if any(str(c or "").strip()
                                                                     for c in r)]
    report.rows_total = len(data)
    with translation.override("th"):
        good = _check_rows(actor, header, data, report)
        if not good or (report.problems and not good_rows_only):
            return report
        report.created = _write(actor, good, report)
    return report


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
        values = {k: row[i] if i < len(row) else None for i, k in enumerate(header) if k}
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
