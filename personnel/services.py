"""Every change to the registry: permission check, validation, write, audit record, one
transaction. Nothing is deleted; history is appended."""

from __future__ import annotations

import datetime
import hashlib

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import modelform_factory
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit, national_id, scoping
from accounts.exceptions import NotAllowed
from accounts.models import Membership, Organization
from accounts.notify import email_after_commit, notify
from accounts.rules import OrgKind, Role
from core import kept

from . import rules
from .choices import ENDED_STATUSES, AcademicStanding, PersonStatus
from .models import (
    CertificationRound,
    CertificationStatus,
    CorrectionRequest,
    CorrectionStatus,
    Degree,
    DisciplinaryAction,
    DocumentKind,
    EthicsDecision,
    HardshipService,
    LanguageTest,
    LaoCertification,
    MoveRequest,
    MoveStatus,
    PerformanceResult,
    Person,
    PersonDocument,
    PositionHistory,
    ProfessionalQualification,
    StatusChange,
    TeachingLicence,
    Workload,
)
from .signals import people_changed

# The kinds of history line, by the name used in URLs, the API and imports.
HISTORY_KINDS = {
    "position": PositionHistory,
    "degree": Degree,
    "licence": TeachingLicence,
    "discipline": DisciplinaryAction,
    "ethics": EthicsDecision,
    "performance": PerformanceResult,
    "language": LanguageTest,
    "hardship": HardshipService,
    "pqf": ProfessionalQualification,
    "workload": Workload,
}

# Fields a registry keeper may edit on the person (employment included). The national ID is
# fixed once recorded: a wrong one is corrected by the DLA admin in the admin site.
EDITABLE_FIELDS = (
    "title_th", "first_name", "last_name", "title_en", "first_name_en", "last_name_en",
    "birth_date", "gender", "address", "position_type", "position_number", "salary_rank",
    "salary", "appointed_on", "standing", "standing_granted_on",
)


def _require_work(actor, org: Organization) -> None:
    if actor is None:  # system jobs (seed_demo, imports run by the system)
        return
    if not scoping.can_work_on(actor, org):
        raise NotAllowed()


def _audit_value(field: str, value):
    if field == "national_id":
        return national_id.mask(value)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return None if value is None else str(value)


@transaction.atomic
def create_person(*, actor, organization: Organization, national_id_number: str, **fields):
    _require_work(actor, organization)
    number = national_id.normalize(national_id_number)
    existing = Person.objects.select_related("organization").filter(national_id=number).first()
    if existing is not None:
        # Name the other unit only to someone who works on it: a number alone must not tell
        # an outsider where a person works.
        if actor is None or scoping.can_work_on(actor, existing.organization):
            where = _("(สังกัด %(org)s)") % {"org": existing.organization.name}
        else:
            where = _("ของหน่วยงานอื่น")
        raise ValidationError({"national_id": _(
            "เลขประจำตัวประชาชนนี้มีในทะเบียน%(where)sแล้ว "
            "หากย้ายมาสังกัดนี้ ให้ยื่นคำขอย้ายข้อมูล"
        ) % {"where": where}})
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not person fields: {sorted(unknown)}")
    person = Person(organization=organization, national_id=number, **fields)
    person.full_clean()
    person.save()
    _reopen_certifications(organization)
    audit.record("person.create", actor=actor, target=person, organization=organization,
                 national_id=national_id.mask(number))
    return person


@transaction.atomic
def update_person(*, actor, person: Person, **changes) -> Person:
    person = Person.objects.select_for_update().get(pk=person.pk)
    _require_work(actor, person.organization)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("แก้ไขข้อมูลนี้ไม่ได้: %(fields)s") % {"fields": ", ".join(unknown)})
    old = {f: getattr(person, f) for f in changes}
    for field, value in changes.items():
        setattr(person, field, value)
    person.full_clean()
    person.save()
    diff = {
        f: [_audit_value(f, old[f]), _audit_value(f, getattr(person, f))]
        for f in changes if old[f] != getattr(person, f)
    }
    if diff:
        _reopen_certifications(person.organization)
        audit.record("person.update", actor=actor, target=person,
                     organization=person.organization, changes=diff)
    return person


@transaction.atomic
def add_history_line(*, actor, person: Person, kind: str, **data):
    """Append one dated line of the given kind (see ``HISTORY_KINDS``)."""
    try:
        model = HISTORY_KINDS[kind]
    except KeyError:
        raise ValidationError(_("ไม่รู้จักประเภทประวัติ %(kind)s") % {"kind": kind}) from None
    _require_work(actor, person.organization)
    line = model(person=person, created_by=actor if getattr(actor, "pk", None) else None, **data)
    line.full_clean()
    line.save()
    _reopen_certifications(person.organization)
    audit.record(f"person.history.{kind}", actor=actor, target=person,
                 organization=person.organization, line_id=line.pk)
    return line


@transaction.atomic
def appoint_to_standing(*, actor, person: Person, standing: str,
                        effective_on: datetime.date, order_ref: str,
                        salary_rank: str | None = None, salary=None) -> PositionHistory:
    """The ก.พ.7 on appointment to an academic standing (seed 004 step 7): the standing and its
    date, the rank that goes with it and the salary per the rules (``rules.rank_for_standing``,
    ``rules.salary_on_appointment``: the same amount), and one position line citing the order.

    ``salary_rank`` and ``salary`` are the figures the order printed, when it printed them."""
    rank = salary_rank or rules.rank_for_standing(standing)
    if salary is None:
        salary = rules.salary_on_appointment(person.salary)
    person = update_person(actor=actor, person=person, standing=standing,
                           standing_granted_on=effective_on, salary_rank=rank, salary=salary)
    return add_history_line(
        actor=actor, person=person, kind="position", effective_on=effective_on,
        position_type=person.position_type, position_number=person.position_number,
        organization_name=person.organization.name, salary_rank=rank, salary=salary,
        standing=standing, order_ref=order_ref[:120])


@transaction.atomic
def import_people(*, actor, people: list[dict], source: str = "", rows_in_file: int = 0,
                  rows_rejected: int = 0) -> list[Person]:
    """Create many people from one import file (``personnel.imports`` reads and checks it).

    Each item is ``create_person``'s keywords as a dict: ``organization``,
    ``national_id_number`` and person fields. The same rules as ``create_person``, at bulk
    speed: the permission is checked once per organisation, every row is validated, any
    number already in the registry (or twice in the batch) refuses the whole batch, and ONE
    audit record with the counts stands for the import (no national IDs in it).
    """
    by_org: dict[int, Organization] = {}
    rows = []
    for item in people:
        item = dict(item)
        org = item.pop("organization")
        number = national_id.normalize(item.pop("national_id_number"))
        unknown = set(item) - set(EDITABLE_FIELDS)
        if unknown:
            raise ValueError(f"not person fields: {sorted(unknown)}")
        by_org.setdefault(org.pk, org)
        rows.append((org, number, item))
    for org in by_org.values():
        _require_work(actor, org)

    numbers = [number for _org, number, _fields in rows]
    taken = set()
    for start in range(0, len(numbers), 500):  # SQLite's parameter limit
        taken |= set(Person.objects.filter(
            national_id__in=numbers[start:start + 500]).values_list("national_id", flat=True))
    seen, twice = set(), set()
    for number in numbers:
        (twice if number in seen else seen).add(number)
    if taken or twice:
        raise ValidationError({"national_id": _(
            "เลขประจำตัวประชาชนต่อไปนี้มีในทะเบียนแล้วหรือซ้ำกันในไฟล์: %(numbers)s"
        ) % {"numbers": ", ".join(sorted(national_id.mask(n) for n in taken | twice))}})

    created = []
    for org, number, fields in rows:
        person = Person(organization=org, national_id=number, **fields)
        # The organisation is an instance already, and the registry check above covers the
        # unique number: skip the per-row queries those checks would make.
        person.full_clean(exclude=["organization"], validate_unique=False,
                          validate_constraints=False)
        if person.standing != AcademicStanding.NONE and person.standing_granted_on is None:
            raise ValidationError({"standing_granted_on": _("ต้องระบุวันที่ได้รับวิทยฐานะ")})
        created.append(person)
    Person.objects.bulk_create(created, batch_size=500)
    people_changed({org.pk for org in by_org.values()})  # bulk_create sends no signal

    for org in by_org.values():
        _reopen_certifications(org)
    per_org: dict[str, int] = {}
    for org, _number, _fields in rows:
        per_org[org.code] = per_org.get(org.code, 0) + 1
    audit.record("person.import", actor=actor, organization=_common_ancestor(by_org.values()),
                 created=len(created), rows_in_file=rows_in_file or len(created),
                 rows_rejected=rows_rejected, source=source[:200], per_organization=per_org)
    return created


def _common_ancestor(orgs) -> Organization | None:
    """The deepest organisation above (or equal to) all of ``orgs``: where the import's audit
    record belongs."""
    orgs = list(orgs)
    if not orgs:
        return None
    if len(orgs) == 1:
        return orgs[0]
    step = Organization.steplen
    prefix = orgs[0].path
    for org in orgs[1:]:
        while not org.path.startswith(prefix):
            prefix = prefix[:-step]
    return Organization.objects.filter(path=prefix).first() if prefix else None


@transaction.atomic
def change_status(
    *, actor, person: Person, status: str, effective_on: datetime.date, order_ref: str,
    to_organization: Organization | None = None, note: str = "",
) -> StatusChange:
    """Retire, resign, discharge, dismiss, record a death or a transfer out; or reinstate."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    _require_work(actor, person.organization)
    errors = {}
    if status not in PersonStatus.values:
        errors["status"] = _("สถานะไม่ถูกต้อง")
    elif status == person.status:
        errors["status"] = _("บุคลากรมีสถานะนี้อยู่แล้ว")
    if not order_ref.strip():
        errors["order_ref"] = _("กรุณาระบุเลขที่คำสั่ง")
    if person.status_effective_on and effective_on < person.status_effective_on:
        errors["effective_on"] = _("วันที่มีผลต้องไม่ก่อนการเปลี่ยนสถานะครั้งก่อน")
    if errors:
        raise ValidationError(errors)
    change = StatusChange.objects.create(
        person=person, status=status, previous_status=person.status, effective_on=effective_on,
        order_ref=order_ref.strip(), to_organization=to_organization, note=note,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    person.status = status
    person.status_effective_on = effective_on
    person.save(update_fields=["status", "status_effective_on", "updated_at"])
    if status in ENDED_STATUSES and person.user_id:
        # จำหน่าย: the person leaves the roster, and with it the unit's staff role.
        Membership.objects.filter(user_id=person.user_id, role=Role.STAFF,
                                  organization=person.organization).update(is_active=False)
    _reopen_certifications(person.organization)
    audit.record("person.status", actor=actor, target=person, organization=person.organization,
                 status=status, previous=change.previous_status,
                 effective_on=effective_on.isoformat(), order_ref=change.order_ref,
                 ended=status in ENDED_STATUSES)
    return change


# --- Data certification (seed 003) -------------------------------------------------------------

CERTIFYING_ROLES = frozenset({Role.LAO_ADMIN, Role.OFFICER, Role.GROUP_HEAD})
VERIFYING_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.OFFICER, Role.GROUP_HEAD})
IN_FORCE = (CertificationStatus.CERTIFIED, CertificationStatus.VERIFIED)


@transaction.atomic
def open_certification_round(*, actor, province: Organization, fiscal_year_be: int,
                             deadline: datetime.date) -> CertificationRound:
    if province.kind != OrgKind.PROVINCE:
        raise ValidationError({"province": _("รอบการรับรองข้อมูลเปิดได้ที่ระดับจังหวัดเท่านั้น")})
    if not scoping.holds_role_at(actor, province, {Role.PROVINCE_ADMIN, Role.DLA_ADMIN},
                          {OrgKind.PROVINCE, OrgKind.AGENCY}):
        raise NotAllowed()
    if CertificationRound.objects.filter(province=province, fiscal_year_be=fiscal_year_be).exists():
        raise ValidationError({"fiscal_year_be": _("มีรอบการรับรองข้อมูลของปีงบประมาณนี้แล้ว")})
    round_ = CertificationRound.objects.create(province=province, fiscal_year_be=fiscal_year_be,
                                               deadline=deadline)
    audit.record("certification.open_round", actor=actor, target=round_, organization=province,
                 fiscal_year_be=fiscal_year_be, deadline=deadline.isoformat())
    return round_


@transaction.atomic
def certify_lao(*, actor, lao: Organization, round_: CertificationRound,
                today: datetime.date) -> LaoCertification:
    """The LAO's HR officer (or education admin) certifies every active record of the LAO as
    complete and correct. Refused while any record is incomplete."""
    from . import selectors  # the read side computes completeness

    if lao.kind != OrgKind.LAO or not lao.path.startswith(round_.province.path):
        raise ValidationError(_("อปท. นี้ไม่อยู่ในจังหวัดของรอบการรับรองข้อมูลนี้"))
    if not scoping.holds_role_at(actor, lao, CERTIFYING_ROLES, {OrgKind.LAO}):
        raise NotAllowed(_("ผู้รับรองข้อมูลต้องเป็นเจ้าหน้าที่หรือผู้ดูแลของ อปท. นี้"))
    people = list(selectors.with_completeness(
        Person.objects.filter(organization__path__startswith=lao.path,
                              status=PersonStatus.ACTIVE), today,
    ).order_by("pk"))
    incomplete = [p for p in people
                  if not selectors.completeness_of(p, today).complete]
    if incomplete:
        raise ValidationError(_(
            "ยังรับรองข้อมูลไม่ได้: ข้อมูลบุคลากรยังไม่ครบ %(n)d คน จากทั้งหมด %(total)d คน"
        ) % {"n": len(incomplete), "total": len(people)})
    snapshot = {
        "people": len(people),
        "fingerprint": hashlib.sha256(
            ";".join(f"{p.pk}:{p.updated_at.isoformat()}" for p in people).encode()
        ).hexdigest(),
        "as_of": today.isoformat(),
    }
    now = timezone.now()
    certification, _created = LaoCertification.objects.update_or_create(
        round=round_, lao=lao,
        defaults={"status": CertificationStatus.CERTIFIED, "snapshot": snapshot,
                  "certified_at": now, "certified_by": actor, "verified_at": None,
                  "verified_by": None, "reopened_at": None},
    )
    audit.record("certification.certify", actor=actor, target=certification, organization=lao,
                 people=len(people))
    return certification


@transaction.atomic
def verify_lao(*, actor, certification: LaoCertification) -> LaoCertification:
    """The province checks an LAO's certified data and certifies it in turn."""
    certification = LaoCertification.objects.select_for_update().select_related(
        "lao", "round").get(pk=certification.pk)
    if not scoping.holds_role_at(actor, certification.lao, VERIFYING_ROLES,
                          {OrgKind.PROVINCE, OrgKind.AGENCY}):
        raise NotAllowed()
    if certification.status != CertificationStatus.CERTIFIED:
        raise ValidationError(_("ตรวจสอบได้เฉพาะข้อมูลที่ อปท. รับรองแล้วและยังไม่มีการแก้ไข"))
    certification.status = CertificationStatus.VERIFIED
    certification.verified_at = timezone.now()
    certification.verified_by = actor
    certification.save(update_fields=["status", "verified_at", "verified_by"])
    audit.record("certification.verify", actor=actor, target=certification,
                 organization=certification.lao)
    return certification


def _reopen_certifications(org: Organization) -> None:
    """An edit to a record after certification reopens the LAO's certification (seed 003)."""
    prefixes = [org.path[: i * Organization.steplen] for i in range(1, org.depth + 1)]
    LaoCertification.objects.filter(lao__path__in=prefixes, status__in=IN_FORCE).update(
        status=CertificationStatus.REOPENED, reopened_at=timezone.now()
    )
    kept.changed(kept.QUEUES, [org.path])  # update() sends no signal: the certification queue


@transaction.atomic
def send_certification_reminders(*, actor, round_: CertificationRound,
                                 today: datetime.date) -> int:
    """Email the admins and officers of every LAO that is late; returns how many LAOs."""
    from . import selectors

    if not scoping.holds_role_at(actor, round_.province, VERIFYING_ROLES,
                          {OrgKind.PROVINCE, OrgKind.AGENCY}):
        raise NotAllowed()
    late = [row for row in selectors.certification_overview(round_, today).rows if row.late]
    for row in late:
        recipients = sorted(set(
            Membership.objects.filter(organization=row.lao, is_active=True,
                                      role__in=CERTIFYING_ROLES)
            .exclude(user__email="").values_list("user__email", flat=True)
        ))
        if not recipients:
            continue
        body = render_to_string("personnel/email/certification_reminder.txt", {
            "lao": row.lao, "round": round_, "row": row,
            "url": settings.PORTAL_URL + reverse("certification_lao",
                                                 args=[round_.pk, row.lao.pk]),
        })
        email_after_commit(recipients, _("แจ้งเตือน: รับรองข้อมูลบุคลากร ปีงบประมาณ %(fy)s") %
                           {"fy": round_.fiscal_year_be}, body)
    audit.record("certification.remind", actor=actor, target=round_,
                 organization=round_.province, laos=[row.lao.pk for row in late])
    return len(late)


# --- Documents -------------------------------------------------------------------------------

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
DOCUMENT_TYPES = {
    DocumentKind.SCAN: {"application/pdf", "image/jpeg", "image/png"},
    DocumentKind.PHOTO: {"image/jpeg", "image/png"},
}


@transaction.atomic
def attach_document(*, actor, person: Person, kind: str, title: str, upload) -> PersonDocument:
    """Attach a scanned PDF or a photo to a record. The type is read from the file's content,
    not its name; a photo also becomes the record's current photo."""
    _require_work(actor, person.organization)
    if kind not in DOCUMENT_TYPES:
        raise ValidationError({"kind": _("ประเภทเอกสารไม่ถูกต้อง")})
    if not title.strip():
        raise ValidationError({"title": _("กรุณาระบุชื่อเอกสาร")})
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError({"upload": _("ไฟล์ใหญ่เกิน 10 MB")})
    head = upload.read(2048)
    upload.seek(0)
    detected = filetype.guess(head)
    mime = detected.mime if detected else ""
    if mime not in DOCUMENT_TYPES[kind]:
        allowed = "PDF, JPG, PNG" if kind == DocumentKind.SCAN else "JPG, PNG"
        raise ValidationError({"upload": _(
            "ไฟล์นี้ไม่ใช่ไฟล์ที่รับได้ (%(allowed)s) ตรวจจากเนื้อไฟล์ ไม่ใช่จากชื่อไฟล์"
        ) % {"allowed": allowed}})
    document = PersonDocument(person=person, kind=kind, title=title.strip(), content_type=mime,
                              size=upload.size,
                              uploaded_by=actor if getattr(actor, "pk", None) else None)
    document.file.save(f"upload.{detected.extension}", upload, save=False)
    # If the transaction rolls back, the stored file must not stay behind.
    stored_name = document.file.name
    try:
        document.save()
        if kind == DocumentKind.PHOTO:
            Person.objects.filter(pk=person.pk).update(photo=stored_name,
                                                        updated_at=timezone.now())
        _reopen_certifications(person.organization)
        audit.record("person.document", actor=actor, target=person,
                     organization=person.organization, document_id=document.pk, kind=kind,
                     content_type=mime, size=upload.size)
    except Exception:
        document.file.storage.delete(stored_name)
        raise
    return document


# --- Corrections proposed by the person ------------------------------------------------------

CORRECTABLE_FIELDS = ("title_th", "first_name", "last_name", "title_en", "first_name_en",
                      "last_name_en", "birth_date", "gender", "address")


def _parse_changes(person: Person, changes: dict) -> dict:
    unknown = set(changes) - set(CORRECTABLE_FIELDS)
    if unknown:
        raise ValidationError(_("ขอแก้ไขข้อมูลนี้ไม่ได้: %(fields)s") % {"fields": ", ".join(unknown)})
    Form = modelform_factory(Person, fields=list(changes))  # noqa: N806 (a class)
    initial = {f: getattr(person, f) for f in changes}
    form = Form(data={**initial, **changes}, instance=Person(**{
        f.attname: getattr(person, f.attname) for f in Person._meta.concrete_fields}))
    if not form.is_valid():
        raise ValidationError({field: [e["message"] for e in errors]
                               for field, errors in form.errors.get_json_data().items()})
    return {f: form.cleaned_data[f] for f in changes if form.cleaned_data[f] != initial[f]}


@transaction.atomic
def propose_correction(*, actor, person: Person, changes: dict, reason: str) -> CorrectionRequest:
    """A staff member proposes corrections to their own record; the unit decides."""
    if actor is None or person.user_id != actor.pk:
        raise NotAllowed(_("ขอแก้ไขได้เฉพาะข้อมูลของตนเอง"))
    if not reason.strip():
        raise ValidationError({"reason": _("กรุณาระบุเหตุผลที่ขอแก้ไข")})
    parsed = _parse_changes(person, changes)
    if not parsed:
        raise ValidationError(_("ไม่มีข้อมูลที่เปลี่ยนแปลง"))
    if CorrectionRequest.objects.filter(person=person,
                                        status=CorrectionStatus.PENDING).exists():
        raise ValidationError(_("มีคำขอแก้ไขที่รอพิจารณาอยู่แล้ว กรุณารอผลก่อนยื่นใหม่"))
    request = CorrectionRequest.objects.create(
        person=person, reason=reason.strip(), proposed_by=actor,
        changes={k: _audit_value(k, v) if v is not None else None for k, v in parsed.items()},
    )
    audit.record("person.correction.propose", actor=actor, target=person,
                 organization=person.organization, correction_id=request.pk,
                 fields=sorted(parsed))
    notify(correction_deciders(person.organization),
           _("คำขอแก้ไขข้อมูล ก.พ.7 รอพิจารณา: %(name)s") % {"name": person.full_name_th},
           _("%(name)s ขอแก้ไขข้อมูลในทะเบียน (%(fields)s) เหตุผล: %(reason)s") % {
               "name": person.full_name_th, "reason": request.reason,
               "fields": ", ".join(str(Person._meta.get_field(f).verbose_name)
                                   for f in sorted(parsed))},
           reverse("corrections"))
    return request


def correction_deciders(org: Organization) -> list:
    """The unit that decides a correction of a record of ``org``: the admins of the nearest
    unit up the tree that has one (the school's admin; for a record kept at the LAO, or a
    school without an admin, the LAO's education admin)."""
    prefixes = [org.path[: i * Organization.steplen] for i in range(1, org.depth + 1)]
    admins = list(Membership.objects.filter(
        is_active=True, organization__path__in=prefixes,
        role__in=[Role.SCHOOL_ADMIN, Role.LAO_ADMIN]).select_related("user", "organization"))
    nearest = max((m.organization.depth for m in admins), default=None)
    return [m.user for m in admins if m.organization.depth == nearest]


@transaction.atomic
def decide_correction(*, actor, correction: CorrectionRequest, approve: bool,
                      reason: str = "") -> CorrectionRequest:
    correction = CorrectionRequest.objects.select_for_update().select_related(
        "person__organization").get(pk=correction.pk)
    _require_work(actor, correction.person.organization)
    if correction.status != CorrectionStatus.PENDING:
        raise ValidationError(_("คำขอนี้พิจารณาแล้ว"))
    if not approve and not reason.strip():
        raise ValidationError({"reason": _("กรุณาระบุเหตุผลที่ไม่อนุมัติ")})
    if approve:
        parsed = _parse_changes(correction.person, correction.changes)
        update_person(actor=actor, person=correction.person, **parsed)
    correction.record_decision(
        CorrectionStatus.APPROVED if approve else CorrectionStatus.REJECTED, actor=actor,
        reason=reason)
    audit.record("person.correction.decide", actor=actor, target=correction.person,
                 organization=correction.person.organization, correction_id=correction.pk,
                 approved=approve, reason=correction.decision_reason)
    person = correction.person
    notify([u for u in {person.user, correction.proposed_by} if u is not None],
           _("คำขอแก้ไขข้อมูล ก.พ.7 ได้รับอนุมัติแล้ว") if approve
           else _("คำขอแก้ไขข้อมูล ก.พ.7 ไม่ได้รับอนุมัติ"),
           _("ทะเบียนของท่านแก้ไขตามที่ขอแล้ว") if approve
           else _("เหตุผล: %(reason)s") % {"reason": correction.decision_reason},
           reverse("person_detail", args=[person.pk]))
    return correction


# --- Staff registration: matching the roster ---------------------------------------------------

@transaction.atomic
def approve_staff_registration(*, actor, registration) -> Person:
    """Approve a staff registration (issue: accounts, item 3) by matching the roster:

    * the national ID is on this school's roster → the account is linked to that record;
    * on no roster → the person is added to this school's roster;
    * on another unit's roster → refused until the record is moved here (``request_move``).
    """
    from accounts import staff_registration

    user = registration.user
    school = registration.school
    person = Person.objects.select_for_update().filter(national_id=user.national_id).first()
    if person is not None and not person.organization.path.startswith(school.path):
        raise ValidationError(_(
            "บุคคลนี้อยู่ในทะเบียนของหน่วยงานอื่น ต้องขอย้ายข้อมูลมาสังกัดนี้ก่อนจึงจะอนุมัติได้"
        ))
    if person is not None and person.user_id not in (None, user.pk):
        raise ValidationError(_("ข้อมูลบุคลากรนี้ผูกกับบัญชีผู้ใช้อื่นอยู่แล้ว"))
    if person is not None:
        from .selectors import roster_differences

        differences = roster_differences(person, user, registration.birth_date)
        if differences:
            raise ValidationError(_(
                "ข้อมูลที่ลงทะเบียนไม่ตรงกับทะเบียนบุคลากร: %(diff)s — ตรวจสอบกับหลักฐาน "
                "แล้วแก้ไขทะเบียนให้ถูกต้องก่อนอนุมัติ หรือไม่อนุมัติพร้อมเหตุผล") % {"diff": "; ".join(
                    _("%(what)s ในทะเบียน “%(roster)s” แต่ลงทะเบียน “%(registered)s”") % {
                        "what": what, "roster": roster, "registered": registered}
                    for what, roster, registered in differences)})
    staff_registration.activate_staff(actor=actor, registration=registration)
    if person is None:
        person = create_person(
            actor=actor, organization=school, national_id_number=user.national_id,
            title_th=user.title_th, first_name=user.first_name, last_name=user.last_name,
            title_en=user.title_en, first_name_en=user.first_name_en,
            last_name_en=user.last_name_en, birth_date=registration.birth_date,
            position_type=registration.position,
        )
    Person.objects.filter(pk=person.pk).update(user=user)
    people_changed([school.pk])  # update() sends no signal
    audit.record("person.link_account", actor=actor, target=person, organization=school,
                 user_id=user.pk)
    return person


# --- Roster moves (ขอย้ายข้อมูล, ว22/2565) -----------------------------------------------------

def _move_deciders(org: Organization) -> list[str]:
    """Emails of those who decide on a move out of ``org``: its school admin and LAO admins."""
    prefixes = [org.path[: i * Organization.steplen] for i in range(1, org.depth + 1)]
    return sorted(set(Membership.objects.filter(
        is_active=True, organization__path__in=prefixes,
        role__in=[Role.SCHOOL_ADMIN, Role.LAO_ADMIN],
    ).exclude(user__email="").values_list("user__email", flat=True)))


@transaction.atomic
def request_move(*, actor, national_id_number: str, to_organization: Organization,
                 reason: str) -> MoveRequest:
    """A unit asks for the record of a person now on another unit's roster."""
    _require_work(actor, to_organization)
    number = national_id.normalize(national_id_number)
    national_id.validate_national_id(number)
    person = Person.objects.select_related("organization").filter(national_id=number).first()
    if person is None:
        raise ValidationError({"national_id": _(
            "ไม่พบเลขประจำตัวประชาชนนี้ในทะเบียน เพิ่มบุคลากรใหม่ได้โดยไม่ต้องขอย้าย")})
    if person.organization_id == to_organization.pk:
        raise ValidationError({"national_id": _("บุคคลนี้อยู่ในสังกัดนี้แล้ว")})
    if not person.is_active:
        raise ValidationError({"national_id": _("บุคคลนี้พ้นจากราชการแล้ว ย้ายข้อมูลไม่ได้")})
    if not reason.strip():
        raise ValidationError({"reason": _("กรุณาระบุเหตุผล เช่น เลขที่คำสั่งย้าย")})
    if MoveRequest.objects.filter(person=person, status=MoveStatus.PENDING).exists():
        raise ValidationError({"national_id": _("มีคำขอย้ายข้อมูลของบุคคลนี้รอพิจารณาอยู่แล้ว")})
    move = MoveRequest.objects.create(
        person=person, from_organization=person.organization, to_organization=to_organization,
        reason=reason.strip(), requested_by=actor if getattr(actor, "pk", None) else None,
    )
    recipients = _move_deciders(person.organization)
    if recipients:
        body = render_to_string("personnel/email/move_requested.txt", {
            "move": move, "url": settings.PORTAL_URL + reverse("moves")})
        email_after_commit(recipients, _("คำขอย้ายข้อมูลบุคลากร: %(name)s") %
                           {"name": person.full_name_th}, body)
    audit.record("person.move.request", actor=actor, target=person,
                 organization=to_organization, move_id=move.pk,
                 from_org=person.organization_id, reason=move.reason)
    return move


@transaction.atomic
def decide_move(*, actor, move: MoveRequest, accept: bool, reason: str = "") -> MoveRequest:
    """The person's current unit (its school admin, its LAO or above) accepts or declines.
    On acceptance the record and the account move; the history says from where to where."""
    move = MoveRequest.objects.select_for_update().select_related(
        "person", "from_organization", "to_organization").get(pk=move.pk)
    _require_work(actor, move.from_organization)
    if move.status != MoveStatus.PENDING:
        raise ValidationError(_("คำขอนี้พิจารณาแล้ว"))
    if not accept and not reason.strip():
        raise ValidationError({"reason": _("กรุณาระบุเหตุผลที่ปฏิเสธ")})
    person = Person.objects.select_for_update().get(pk=move.person_id)
    if accept:
        if person.organization_id != move.from_organization_id:
            raise ValidationError(_("บุคคลนี้ไม่ได้อยู่ในสังกัดเดิมแล้ว"))
        PositionHistory.objects.create(
            person=person, effective_on=timezone.localdate(),
            position_type=person.position_type, position_number=person.position_number,
            organization_name=move.to_organization.name, salary_rank=person.salary_rank,
            salary=person.salary, standing=person.standing,
            order_ref=move.reason[:120],
            note=_("ย้ายข้อมูลจาก %(from)s") % {"from": move.from_organization.name},
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        person.organization = move.to_organization
        person.save(update_fields=["organization", "updated_at"])
        if person.user_id:
            Membership.objects.filter(user_id=person.user_id, role=Role.STAFF,
                                      organization=move.from_organization).update(
                is_active=False)
            Membership.objects.update_or_create(
                user_id=person.user_id, organization=move.to_organization, role=Role.STAFF,
                defaults={"is_active": True})
        _reopen_certifications(move.from_organization)
        _reopen_certifications(move.to_organization)
    move.record_decision(MoveStatus.ACCEPTED if accept else MoveStatus.DECLINED, actor=actor,
                         reason=reason)
    if move.requested_by_id and move.requested_by.email:
        body = render_to_string("personnel/email/move_decided.txt", {"move": move})
        email_after_commit([move.requested_by.email], _("ผลคำขอย้ายข้อมูล: %(name)s") %
                           {"name": person.full_name_th}, body)
    audit.record("person.move.decide", actor=actor, target=person,
                 organization=move.from_organization, move_id=move.pk, accepted=accept,
                 to_org=move.to_organization_id, reason=move.decision_reason)
    return move
