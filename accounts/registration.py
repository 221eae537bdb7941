"""School-admin registration (ว22/2565; issue: accounts, item 2).

The director of a school registers the school's one admin account, or delegates it in writing to
a deputy or a teacher; a director who is acting director of this school while heading another
delegates it to staff of this school. The request waits for the supervising admin: the LAO
education admin of the school, or anyone who administers above it. Approval creates the account
and emails a single-use link (48 hours) to set the password.

The account's username is the local part of the registered email, lowercased and reduced to the
characters Django accepts in a username, with ``2``, ``3``, … appended while taken (the same
scheme as staff registration): ``school.admin@example.go.th`` → ``school.admin``, then
``school.admin2``; a local part with no Latin letter or digit gives ``admin`` + the school's
code. The email that carries the link names the username.

One active school admin per school is the database's rule (constraint ``one_active_school_admin``
on ``Membership``). Approval locks the school's row so that two approvals of the same school take
turns (PostgreSQL); the insert runs in a savepoint, and if a concurrent approval still won the
constraint answers and this approval fails with a Thai message, nothing changed.
"""

from __future__ import annotations

import re

import filetype
from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Length, Substr
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, override

from . import audit, scoping, selectors
from .exceptions import NotAllowed
from .models import (
    Membership,
    Organization,
    RegistrantPosition,
    RegistrationStatus,
    SchoolAdminRegistration,
    User,
)
from .notify import email_after_commit
from .rules import OrgKind, Role

# The delegation PDF: at most 10 MB, as for the officers' supporting PDFs (RULES.md §4.4).
MAX_DELEGATION_BYTES = 10 * 1024 * 1024


class SetPasswordTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset token with a salt of its own: a forgotten-password token does not open the
    set-password page and the other way round. Single-use because the hash includes the
    password (unusable until the link is used) and the last login; it expires after
    ``settings.PASSWORD_RESET_TIMEOUT`` (48 hours)."""

    key_salt = "accounts.registration.SetPasswordTokenGenerator"


set_password_token = SetPasswordTokenGenerator()


def _email(to: list[str], subject: str, template: str, context: dict) -> None:
    """Emails go out in Thai (issue item 7), whatever language the acting user's page is in."""
    with override("th"):
        body = render_to_string(template, context)
        subject = _(subject) % context.get("subject_args", {})
    email_after_commit(to, subject, body)


def link_valid_hours() -> int:
    """Issue item 2: the set-password link expires after 48 hours (PASSWORD_RESET_TIMEOUT)."""
    return settings.PASSWORD_RESET_TIMEOUT // 3600


# --- Rules ------------------------------------------------------------------------------------

def needs_delegation(position: str, acting_director_elsewhere: bool) -> bool:
    """ว22/2565 ข้อ 1: the director registers; anyone else needs the director's written
    delegation, and so does a director acting here while heading another school (that school's
    registration is delegated to its own staff)."""
    return position != RegistrantPosition.DIRECTOR or bool(acting_director_elsewhere)


def _decision_q(user) -> Q | None:
    """Requests whose school lies strictly below an organisation ``user`` administers: the LAO
    education admin of the school and everyone above it, not the school's own admin (who must
    not approve a replacement). None: everything (superuser)."""
    r = scoping.reach(user, scoping.Access.ADMINISTER)
    if r.everything:
        return None
    parts = [
        Q(school__path__startswith=p, school__depth__gt=len(p) // Organization.steplen)
        for p in r.subtree_paths
    ]
    if not parts:
        return Q(pk__in=[])
    q = parts[0]
    for part in parts[1:]:
        q |= part
    return q


def may_decide(user, school: Organization) -> bool:
    r = scoping.reach(user, scoping.Access.ADMINISTER)
    return r.everything or any(
        school.path.startswith(p) and len(school.path) > len(p) for p in r.subtree_paths
    )


# --- Read side --------------------------------------------------------------------------------

def requests_for(user, *, status: str | None = RegistrationStatus.PENDING):
    """School-admin requests ``user`` may decide (pending ones unless told), oldest first, with
    the school, the school's LAO name (``lao_name``) and its current admin
    (``current_admin_title``/``_first_name``/``_last_name``/``_username``) annotated: one query
    for any number of rows."""
    q = _decision_q(user)
    qs = SchoolAdminRegistration.objects.all()
    if q is not None:
        qs = qs.filter(q)
    if status:
        qs = qs.filter(status=status)
    lao = Organization.objects.filter(
        path=Substr(OuterRef("school__path"), 1,
                    Length(OuterRef("school__path")) - Organization.steplen)
    ).values("name")[:1]
    admin = Membership.objects.filter(
        organization=OuterRef("school"), role=Role.SCHOOL_ADMIN, is_active=True
    )
    return (
        qs.select_related("school")
        .annotate(
            lao_name=Subquery(lao),
            current_admin_first_name=Subquery(admin.values("user__first_name")[:1]),
            current_admin_last_name=Subquery(admin.values("user__last_name")[:1]),
            current_admin_title=Subquery(admin.values("user__title_th")[:1]),
            current_admin_username=Subquery(admin.values("user__username")[:1]),
        )
        .order_by("created_at", "id")
    )


def awaiting_password_for(user):
    """Approved requests whose admin has not set a password yet (the link may have expired):
    the supervising admin can send a new link."""
    return requests_for(user, status=RegistrationStatus.APPROVED).filter(
        user__password__startswith=UNUSABLE_PASSWORD_PREFIX,
        user__memberships__organization=F("school"),
        user__memberships__role=Role.SCHOOL_ADMIN,
        user__memberships__is_active=True,
    ).select_related("user")


def request_for(user, pk) -> SchoolAdminRegistration:
    """One request ``user`` may decide (any status), or ``DoesNotExist`` (the view's 404)."""
    return requests_for(user, status=None).get(pk=pk)


def search_schools(q: str, *, limit: int = 20):
    """The public directory of schools (name, code, LAO name) for the registration form. Only
    schools, only active ones, and only when at least two characters were typed: the page must
    not hand out the whole tree."""
    q = (q or "").strip()
    if len(q) < 2:
        return []
    lao = Organization.objects.filter(
        path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Organization.steplen)
    ).values("name")[:1]
    qs = selectors.search_organizations(
        Organization.objects.filter(kind=OrgKind.SCHOOL, is_active=True), q
    )
    return list(
        qs.annotate(lao_name=Subquery(lao)).order_by("name", "code")
        .values("id", "code", "name", "lao_name")[:limit]
    )


def supervising_admins(school: Organization) -> list[str]:
    """Email addresses of those who decide: the LAO education admin(s) of the school; if the
    LAO has none, the province admin(s)."""
    ancestors = selectors.ancestors_of(school)
    lao = next((a for a in reversed(ancestors) if a.kind == OrgKind.LAO), None)
    province = next((a for a in ancestors if a.kind == OrgKind.PROVINCE), None)
    for org, role in ((lao, Role.LAO_ADMIN), (province, Role.PROVINCE_ADMIN)):
        if org is None:
            continue
        emails = sorted(set(
            Membership.objects.filter(organization=org, role=role, is_active=True,
                                      user__is_active=True)
            .exclude(user__email="").values_list("user__email", flat=True)
        ))
        if emails:
            return emails
    return []


# --- Registration (public) --------------------------------------------------------------------

def _check_delegation(upload) -> str:
    """The delegation must be a PDF by its content, not its name, at most 10 MB. Returns the
    error message, or "" when the file is fine."""
    if upload.size > MAX_DELEGATION_BYTES:
        return _("ไฟล์หนังสือมอบหมายใหญ่เกิน 10 MB")
    head = upload.read(2048)
    upload.seek(0)
    detected = filetype.guess(head)
    if detected is None or detected.mime != "application/pdf":
        return _("ไฟล์หนังสือมอบหมายต้องเป็น PDF (ตรวจจากเนื้อไฟล์ ไม่ใช่จากชื่อไฟล์)")
    return ""


@transaction.atomic
def register_school_admin(*, school: Organization, title_th: str, first_name: str,
                          last_name: str, position: str, email: str, phone: str = "",
                          acting_director_elsewhere: bool = False,
                          delegation=None) -> SchoolAdminRegistration:
    """Public (no actor): record a request to become the school's admin and tell the
    supervising admins. Nothing is stored when any check fails."""
    errors: dict[str, str] = {}
    email = (email or "").strip()
    if school is None or school.kind != OrgKind.SCHOOL or not school.is_active:
        errors["school"] = _("กรุณาเลือกสถานศึกษา (หน่วยงานที่เลือกไม่ใช่สถานศึกษา)")
    if not (title_th or "").strip():
        errors["title_th"] = _("กรุณากรอกคำนำหน้าชื่อ")
    if not (first_name or "").strip():
        errors["first_name"] = _("กรุณากรอกชื่อ")
    if not (last_name or "").strip():
        errors["last_name"] = _("กรุณากรอกนามสกุล")
    if position not in RegistrantPosition.values:
        errors["position"] = _("กรุณาเลือกตำแหน่ง")
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = _("กรุณากรอกอีเมลให้ถูกต้อง")
    acting = bool(acting_director_elsewhere) and position == RegistrantPosition.DIRECTOR
    if delegation is not None:
        problem = _check_delegation(delegation)
        if problem:
            errors["delegation"] = problem
    elif position in RegistrantPosition.values and needs_delegation(position, acting):
        errors["delegation"] = _(
            "ผู้ลงทะเบียนที่ไม่ใช่ผู้อำนวยการสถานศึกษา หรือเป็นผู้อำนวยการที่รักษาการ"
            "ในสถานศึกษาอื่น ต้องแนบหนังสือมอบหมายเป็นลายลักษณ์อักษร (PDF)"
        )
    if "school" not in errors and "email" not in errors and SchoolAdminRegistration.objects.filter(
        school=school, email__iexact=email, status=RegistrationStatus.PENDING
    ).exists():
        errors["email"] = _("สถานศึกษานี้มีคำขอจากอีเมลนี้รออนุมัติอยู่แล้ว")
    if errors:
        raise ValidationError(errors)

    registration = SchoolAdminRegistration(
        school=school, title_th=title_th.strip(), first_name=first_name.strip(),
        last_name=last_name.strip(), position=position, acting_director_elsewhere=acting,
        email=email.lower(), phone=(phone or "").strip(), status=RegistrationStatus.PENDING,
    )
    stored_name = ""
    if delegation is not None:
        registration.delegation.save("delegation.pdf", delegation, save=False)
        stored_name = registration.delegation.name
    try:
        registration.save()
        audit.record("school_admin_registration.create", actor=None, target=registration,
                     organization=school, position=position, acting_director_elsewhere=acting,
                     delegation=bool(stored_name))
    except Exception:
        # A failed write must not leave the uploaded file behind.
        if stored_name:
            registration.delegation.storage.delete(stored_name)
        raise
    recipients = supervising_admins(school)
    if recipients:
        _email(recipients, gettext_noop("มีคำขอเป็นผู้ดูแลสถานศึกษารออนุมัติ: %(school)s"),
               "accounts/registration/email/request_waiting.txt", {
                   "registration": registration,
                   "url": settings.PORTAL_URL + reverse("school_admin_requests"),
                   "subject_args": {"school": school.name},
               })
    return registration


# --- Decisions --------------------------------------------------------------------------------

def _locked_pending(registration: SchoolAdminRegistration, actor) -> SchoolAdminRegistration:
    # Lock the request only (a plain FOR UPDATE would lock the joined school row as well);
    # approval locks the school itself when it needs to.
    registration = (SchoolAdminRegistration.objects.select_for_update(of=("self",))
                    .select_related("school").get(pk=registration.pk))
    if actor is None or not may_decide(actor, registration.school):
        raise NotAllowed()
    if registration.status != RegistrationStatus.PENDING:
        raise ValidationError(_("คำขอนี้ได้รับการพิจารณาไปแล้ว"))
    return registration


_USERNAME_UNSAFE = re.compile(r"[^\w.@+-]", re.ASCII)


def username_for(email: str, fallback: str = "school.admin") -> str:
    """The local part of the email, made safe and unique (see the module's docstring); a local
    part with no Latin letter or digit left (a Thai address) gives ``fallback`` instead."""
    base = _USERNAME_UNSAFE.sub("", email.split("@", 1)[0].lower())[:120].strip(".+-@")
    if not re.search(r"[a-z0-9]", base):
        base = fallback
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


def _position_th(position: str) -> str:
    with override("th"):
        return str(RegistrantPosition(position).label)


def _active_admin(school: Organization) -> Membership | None:
    return (Membership.objects.select_for_update().select_related("user")
            .filter(organization=school, role=Role.SCHOOL_ADMIN, is_active=True).first())


def set_password_url(user: User) -> str:
    return settings.PORTAL_URL + reverse("school_admin_set_password", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": set_password_token.make_token(user),
    })


@transaction.atomic
def approve_school_admin(*, actor, registration: SchoolAdminRegistration,
                         revoke_reason: str = "") -> SchoolAdminRegistration:
    """Create the school's admin account and email the link to set its password. When the
    school has an active admin, ``revoke_reason`` is required and that admin is revoked in the
    same transaction."""
    registration = _locked_pending(registration, actor)
    school = registration.school
    # Two approvals of the same school take turns from here (a row lock on PostgreSQL; SQLite
    # takes the write lock when the transaction begins).
    Organization.objects.select_for_update().filter(pk=school.pk).first()
    current = _active_admin(school)
    revoke_reason = (revoke_reason or "").strip()
    if current is not None:
        if not revoke_reason:
            raise ValidationError({"revoke_reason": _(
                "สถานศึกษานี้มีผู้ดูแลอยู่แล้ว (%(name)s) สถานศึกษาหนึ่งแห่งมีผู้ดูแลได้เพียง "
                "1 คน กรุณาระบุเหตุผลการเพิกถอนผู้ดูแลเดิมก่อนอนุมัติ"
            ) % {"name": current.user}})
        current.is_active = False
        current.save(update_fields=["is_active"])
        audit.record("membership.revoke", actor=actor, target=current, organization=school,
                     role=Role.SCHOOL_ADMIN, user_id=current.user_id, reason=revoke_reason,
                     replaced_by_registration=registration.pk)
        scoping.forget(current.user)

    user = User(
        username=username_for(registration.email, fallback=f"admin{school.code}".lower()),
        email=registration.email,
        title_th=registration.title_th, first_name=registration.first_name,
        last_name=registration.last_name, phone=registration.phone, is_active=True,
        must_change_password=False,  # they choose their own password through the link
    )
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
            membership = Membership.objects.create(
                user=user, organization=school, role=Role.SCHOOL_ADMIN,
                position=_position_th(registration.position),
            )
    except IntegrityError:
        # A concurrent approval made another admin active first (one_active_school_admin),
        # or took the same username: refuse; the outer transaction rolls everything back.
        raise ValidationError(_(
            "มีการอนุมัติผู้ดูแลของสถานศึกษานี้พร้อมกันจากผู้ใช้อื่น คำขอนี้จึงยังไม่ได้รับอนุมัติ "
            "กรุณาโหลดหน้านี้ใหม่แล้วตรวจสอบอีกครั้ง"
        )) from None

    registration.user = user
    registration.record_decision(RegistrationStatus.APPROVED, actor=actor, also=("user",))
    audit.record("school_admin_registration.approve", actor=actor, target=registration,
                 organization=school, user_id=user.pk, membership_id=membership.pk,
                 revoked_membership_id=current.pk if current else None,
                 revoke_reason=revoke_reason if current else "")
    _send_link(registration, user)
    return registration


def _send_link(registration: SchoolAdminRegistration, user: User) -> None:
    _email([user.email], gettext_noop("อนุมัติผู้ดูแลสถานศึกษาแล้ว: กรุณาตั้งรหัสผ่าน D-LEP"),
           "accounts/registration/email/approved.txt", {
               "registration": registration, "user": user, "url": set_password_url(user),
               "hours": link_valid_hours(),
               "login_url": settings.PORTAL_URL + reverse("login"),
           })


@transaction.atomic
def resend_set_password_link(*, actor, registration: SchoolAdminRegistration) -> None:
    """A new link for an approved admin who has not set a password yet (the first one expired
    or was lost). Django's forgotten-password form skips accounts without a usable password,
    so this is their way back."""
    registration = (SchoolAdminRegistration.objects.select_for_update(of=("self",))
                    .select_related("school", "user").get(pk=registration.pk))
    if actor is None or not may_decide(actor, registration.school):
        raise NotAllowed()
    user = registration.user
    if registration.status != RegistrationStatus.APPROVED or user is None:
        raise ValidationError(_("คำขอนี้ยังไม่ได้รับอนุมัติ"))
    if user.has_usable_password():
        raise ValidationError(_("ผู้ดูแลตั้งรหัสผ่านแล้ว ไม่ต้องส่งลิงก์ใหม่ "
                                "หากลืมรหัสผ่าน ให้ใช้ลืมรหัสผ่านที่หน้าเข้าสู่ระบบ"))
    if not Membership.objects.filter(user=user, organization=registration.school,
                                     role=Role.SCHOOL_ADMIN, is_active=True).exists():
        raise ValidationError(_("บัญชีนี้ถูกเพิกถอนจากการเป็นผู้ดูแลสถานศึกษาแล้ว"))
    audit.record("school_admin_registration.resend_link", actor=actor, target=registration,
                 organization=registration.school, user_id=user.pk)
    _send_link(registration, user)


@transaction.atomic
def reject_school_admin(*, actor, registration: SchoolAdminRegistration,
                        reason: str) -> SchoolAdminRegistration:
    reason = (reason or "").strip()
    registration = _locked_pending(registration, actor)
    if not reason:
        raise ValidationError({"reason": _("กรุณาระบุเหตุผลที่ไม่อนุมัติ")})
    registration.record_decision(RegistrationStatus.REJECTED, actor=actor, reason=reason)
    audit.record("school_admin_registration.reject", actor=actor, target=registration,
                 organization=registration.school, reason=registration.decision_reason)
    _email([registration.email], gettext_noop("คำขอเป็นผู้ดูแลสถานศึกษาไม่ได้รับอนุมัติ"),
           "accounts/registration/email/rejected.txt", {
               "registration": registration,
               "url": settings.PORTAL_URL + reverse("school_admin_register"),
           })
    return registration


# --- The link from the email ------------------------------------------------------------------

@transaction.atomic
def set_initial_password(*, user: User, new_password: str) -> None:
    """The school admin sets the first password through the emailed link (the view checked
    the token). The old hash changes, so the link no longer works."""
    validate_password(new_password, user)
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    audit.record("user.set_password_from_link", actor=user, target=user)
