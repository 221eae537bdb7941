"""Every change to the registry: permission check, validation, write, audit record, one
transaction. Nothing is deleted; history is appended."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import audit, national_id, scoping
from accounts.exceptions import NotAllowed
from accounts.models import Organization

from .choices import ENDED_STATUSES, PersonStatus
from .models import (
    Degree,
    DisciplinaryAction,
    EthicsDecision,
    HardshipService,
    LanguageTest,
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
    audit.record("person.status", actor=actor, target=person, organization=person.organization,
                 status=status, previous=change.previous_status,
                 effective_on=effective_on.isoformat(), order_ref=change.order_ref,
                 ended=status in ENDED_STATUSES)
    return change
