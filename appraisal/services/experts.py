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

Reading the registry: ``appraisal.selectors`` (``experts_for``); the import from Excel/CSV:
``appraisal.imports``.
"""

from __future__ import annotations

import datetime
import re

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts import audit, national_id, scoping
from accounts.exceptions import NotAllowed
from accounts.models import Organization, User
from accounts.notify import email_after_commit
from accounts.rules import OrgKind
from appraisal.models import Expert
from appraisal.selectors import OWNER_KINDS, experts_for, may_manage_experts
from personnel.choices import AcademicStanding

ASSESSED_STANDINGS = tuple(s for s in AcademicStanding.values if s != AcademicStanding.NONE)
FIELDS = ("organization", "title_th", "first_name", "last_name", "national_id", "email", "phone",
          "position", "home_organization", "home_organization_name", "standings",
          "active_from", "active_to", "max_concurrent", "is_active", "note")


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


