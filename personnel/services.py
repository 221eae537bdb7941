"""Every change to the registry: permission check, validation, write, audit record, one
transaction. Nothing is deleted; history is appended."""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit, national_id, scoping
from accounts.exceptions import NotAllowed
from accounts.models import Membership, Organization
from accounts.notify import email_after_commit
from accounts.rules import OrgKind, Role

from .choices import ENDED_STATUSES, PersonStatus
from .models import (
    CertificationRound,
    CertificationStatus,
    Degree,
    DisciplinaryAction,
    EthicsDecision,
    HardshipService,
    LanguageTest,
    LaoCertification,
    PerformanceResult,
    Person,
    PositionHistory,
    ProfessionalQualification,
    StatusChange,
    TeachingLicence,
    Workload,
)

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
        raise ValidationError({"national_id": _(
            "เลขประจำตัวประชาชนนี้มีในทะเบียนแล้ว (สังกัด %(org)s) "
            "หากย้ายมาสังกัดนี้ ให้ยื่นคำขอย้ายข้อมูล"
        ) % {"org": existing.organization.name}})
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


def _holds_role_at(actor, org: Organization, roles, kinds) -> bool:
    """A membership with one of ``roles`` at ``org`` itself or an ancestor of one of ``kinds``."""
    if actor is None or actor.is_superuser:
        return True
    return Membership.objects.filter(
        user=actor, is_active=True, role__in=roles, organization__kind__in=kinds,
        organization__path__in=[org.path[: i * Organization.steplen]
                                for i in range(1, org.depth + 1)],
    ).exists()


@transaction.atomic
def open_certification_round(*, actor, province: Organization, fiscal_year_be: int,
                             deadline: datetime.date) -> CertificationRound:
    if province.kind != OrgKind.PROVINCE:
        raise ValidationError({"province": _("รอบการรับรองข้อมูลเปิดได้ที่ระดับจังหวัดเท่านั้น")})
    if not _holds_role_at(actor, province, {Role.PROVINCE_ADMIN, Role.DLA_ADMIN},
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
    if not _holds_role_at(actor, lao, CERTIFYING_ROLES, {OrgKind.LAO}):
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
    if not _holds_role_at(actor, certification.lao, VERIFYING_ROLES,
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


@transaction.atomic
def send_certification_reminders(*, actor, round_: CertificationRound,
                                 today: datetime.date) -> int:
    """Email the admins and officers of every LAO that is late; returns how many LAOs."""
    from . import selectors

    if not _holds_role_at(actor, round_.province, VERIFYING_ROLES,
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
