"""Declared relations of experts (issue 19; docs/assessment-rules.md §2): kin, spouse, a former
supervisor or subordinate, the same school until a date. Declared by the registry's keepers
(the DLA admin, the province admins of the province that keeps the record), by the expert
themself, or on declining an invitation for a conflict (``invitations.decline_invitation``).
The draw excludes the expert from any application of the person named
(``appraisal.rules.conflicts``). A declaration is withdrawn, never deleted: the draw records
that named it stay true.

The person named: a ก.พ.7 record when the national ID typed is in the registry (linked
silently: the page shows only what was typed, the number masked, so a lookup reveals nobody),
or the national ID and the name as typed."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit, national_id
from accounts.exceptions import NotAllowed
from appraisal.choices import ConflictKind, DeclarationSource
from appraisal.models import ConflictDeclaration, Expert, Invitation
from appraisal.rules.conflicts import normalize
from appraisal.selectors import experts_for, may_manage_experts
from appraisal.services.common import user_or_none
from personnel.models import Person


def may_keep(user, expert: Expert) -> bool:
    """The registry's keepers of this record."""
    return may_manage_experts(user) and experts_for(user).filter(pk=expert.pk).exists()


def is_own(user, expert: Expert) -> bool:
    return bool(getattr(user, "pk", None)) and expert.user_id == user.pk


def may_declare(user, expert: Expert) -> bool:
    return is_own(user, expert) or may_keep(user, expert)


def conflicts_of(expert: Expert):
    """The relations that count (not withdrawn), newest first."""
    return expert.conflicts.filter(withdrawn_at__isnull=True).select_related("declared_by")


def _cleaned(kind: str, number: str, first_name: str, last_name: str,
             until: datetime.date | None) -> dict:
    errors: dict[str, list[str]] = {}
    if kind not in ConflictKind.values:
        errors["kind"] = [_("กรุณาเลือกความสัมพันธ์")]
    number = national_id.normalize(number or "")
    if number:
        try:
            national_id.validate_national_id(number)
        except ValidationError as error:
            errors["national_id"] = list(error.messages)
    first_name, last_name = normalize(first_name), normalize(last_name)
    if not number and not (first_name and last_name):
        errors["national_id"] = [_("กรุณาระบุเลขประจำตัวประชาชน หรือชื่อและนามสกุลของบุคคลนั้น")]
    if until is not None and until > timezone.localdate():
        errors["until"] = [_("วันที่ต้องไม่เกินวันนี้ (เว้นว่างถ้ายังอยู่สถานศึกษาเดียวกัน)")]
    if errors:
        raise ValidationError(errors)
    return {"kind": kind, "national_id": number or None, "first_name": first_name,
            "last_name": last_name,
            "until": until if kind == ConflictKind.SAME_SCHOOL else None}


def _write(*, actor, expert: Expert, source: str, person: Person | None = None,
           invitation: Invitation | None = None, note: str = "",
           **fields) -> ConflictDeclaration:
    if person is None and fields["national_id"]:
        person = Person.objects.filter(national_id=fields["national_id"]).first()
    same = expert.conflicts.filter(withdrawn_at__isnull=True, kind=fields["kind"])
    if (person is not None and same.filter(person=person).exists()) or (
            fields["national_id"] and same.filter(national_id=fields["national_id"]).exists()):
        raise ValidationError(_("แจ้งความสัมพันธ์นี้กับบุคคลนี้ไว้แล้ว"))
    declaration = ConflictDeclaration.objects.create(
        expert=expert, person=person, source=source, invitation=invitation,
        note=(note or "").strip(), declared_by=user_or_none(actor),
        declared_at=timezone.now(), **fields)
    # the audit row names the relation, never the national ID
    audit.record("appraisal.conflict.declare", actor=actor, target=declaration,
                 organization=expert.organization, expert=expert.pk, kind=declaration.kind,
                 source=source, linked=person is not None, invitation=getattr(
                     invitation, "pk", None))
    return declaration


@transaction.atomic
def declare_conflict(*, actor, expert: Expert, kind: str, national_id: str = "",
                     first_name: str = "", last_name: str = "",
                     until: datetime.date | None = None, note: str = "") -> ConflictDeclaration:
    """A relation declared on the expert's record by a keeper, or by the expert themself."""
    if not may_declare(actor, expert):
        raise NotAllowed()
    fields = _cleaned(kind, national_id, first_name, last_name, until)
    source = DeclarationSource.SELF if is_own(actor, expert) else DeclarationSource.REGISTRY
    return _write(actor=actor, expert=expert, source=source, note=note, **fields)


def declare_from_decline(*, actor, invitation: Invitation, kind: str,
                         note: str = "") -> ConflictDeclaration | None:
    """On a decline for a conflict: the relation with the applicant, linked to their ก.พ.7
    record (None when the same relation is declared already). Inside the decline's
    transaction."""
    person = invitation.application.person
    kind = kind if kind in ConflictKind.values else ConflictKind.KIN
    fields = {"kind": kind, "national_id": person.national_id,
              "first_name": person.first_name, "last_name": person.last_name, "until": None}
    try:
        with transaction.atomic():
            return _write(actor=actor, expert=invitation.expert, person=person,
                          source=DeclarationSource.DECLINE, invitation=invitation, note=note,
                          **fields)
    except ValidationError:
        return None


@transaction.atomic
def withdraw_conflict(*, actor, declaration: ConflictDeclaration,
                      reason: str) -> ConflictDeclaration:
    """A keeper withdraws a relation declared by mistake; an expert their own declaration."""
    declaration = ConflictDeclaration.objects.select_for_update().select_related(
        "expert").get(pk=declaration.pk)
    expert = declaration.expert
    own = is_own(actor, expert) and declaration.source == DeclarationSource.SELF
    if not (own or may_keep(actor, expert)):
        raise NotAllowed()
    if declaration.withdrawn_at is not None:
        raise ValidationError(_("ถอนความสัมพันธ์นี้ไปแล้ว"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("กรุณาระบุเหตุผลที่ถอน")})
    declaration.withdrawn_at = timezone.now()
    declaration.withdrawn_by = user_or_none(actor)
    declaration.withdraw_reason = reason
    declaration.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
    audit.record("appraisal.conflict.withdraw", actor=actor, target=declaration,
                 organization=expert.organization, expert=expert.pk, kind=declaration.kind,
                 reason=reason)
    return declaration
