"""Every state change of accounts and organisations: permission check, validation, write, audit
record, one transaction."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from . import audit, scoping
from .exceptions import NotAllowed
from .models import Membership, Organization, User
from .rules import OrgKind, Role, may_be_child, role_allowed_at


def _require_admin(actor, org: Organization | None) -> None:
    if actor is None:  # system jobs (seed_demo, migrations) act without a user
        return
    if org is None:
        if not actor.is_superuser:
            raise NotAllowed()
        return
    if not scoping.can_administer(actor, org):
        raise NotAllowed()


@transaction.atomic
def create_organization(
    *,
    actor,
    parent: Organization | None,
    kind: str,
    name: str,
    code: str,
    name_en: str = "",
    lao_type: str = "",
    school_type: str = "",
) -> Organization:
    _require_admin(actor, parent)
    errors = {}
    if not may_be_child(parent.kind if parent else None, kind):
        errors["kind"] = _("หน่วยงานประเภทนี้อยู่ใต้หน่วยงานที่เลือกไม่ได้")
    if kind == OrgKind.LAO and not lao_type:
        errors["lao_type"] = _("กรุณาเลือกประเภท อปท.")
    if kind == OrgKind.SCHOOL and not school_type:
        errors["school_type"] = _("กรุณาเลือกประเภทสถานศึกษา")
    if Organization.objects.filter(code=code).exists():
        errors["code"] = _("รหัสหน่วยงานนี้มีอยู่แล้ว")
    if errors:
        raise ValidationError(errors)
    fields = {
        "kind": kind,
        "name": name,
        "name_en": name_en,
        "code": code,
        "lao_type": lao_type if kind == OrgKind.LAO else "",
        "school_type": school_type if kind == OrgKind.SCHOOL else "",
    }
    org = (
        Organization.objects.add_child(parent, fields) if parent
        else Organization.objects.add_root(fields)
    )
    audit.record("organization.create", actor=actor, target=org, organization=org, code=code)
    return org


@transaction.atomic
def add_membership(*, actor, user: User, organization: Organization, role: str, position: str = ""):
    _require_admin(actor, organization)
    if not role_allowed_at(role, organization.kind):
        raise ValidationError(
            {"role": _("บทบาท %(role)s ใช้กับหน่วยงานประเภทนี้ไม่ได้") % {"role": Role(role).label}}
        )
    if role == Role.SCHOOL_ADMIN and Membership.objects.filter(
        organization=organization, role=Role.SCHOOL_ADMIN, is_active=True
    ).exclude(user=user).exists():
        # ว22/2565: one admin per school; replacing one goes through the approval that
        # revokes the old admin with a reason.
        raise ValidationError({"role": _("สถานศึกษานี้มีผู้ดูแลอยู่แล้ว")})
    membership, created = Membership.objects.get_or_create(
        user=user, organization=organization, role=role, defaults={"position": position}
    )
    if not created and not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    audit.record(
        "membership.add", actor=actor, target=membership, organization=organization, role=role
    )
    scoping.forget(user)
    return membership


@transaction.atomic
def change_password(*, actor, user: User, new_password: str) -> None:
    """Set a new password and clear the forced-change flag. Only the user themself."""
    if actor is None or actor.pk != user.pk:
        raise NotAllowed()
    validate_password(new_password, user)
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    audit.record("user.change_password", actor=actor, target=user)


@transaction.atomic
def grant_organization_view(*, actor, user: User, organization: Organization) -> None:
    """A per-object grant (django-guardian) for someone whose work does not follow the tree."""
    _require_admin(actor, organization)
    assign_perm("accounts.view_organization", user, organization)
    audit.record(
        "organization.grant_view", actor=actor, target=organization, organization=organization,
        user_id=user.pk,
    )
    scoping.forget(user)


@transaction.atomic
def revoke_organization_view(*, actor, user: User, organization: Organization) -> None:
    _require_admin(actor, organization)
    remove_perm("accounts.view_organization", user, organization)
    audit.record(
        "organization.revoke_view", actor=actor, target=organization, organization=organization,
        user_id=user.pk,
    )
    scoping.forget(user)
