"""Staff registration (issue: accounts, item 3): a teacher, director, deputy, CDC director or
supervisor registers themself; verifies the email by a link; the school admin approves.

The account exists from the start, inactive, with the password the person chose. Approval is
finished by ``personnel.services.approve_staff_registration``, which matches the roster (this app
does not know the roster: it sits below personnel) and then calls ``activate_staff`` here.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import audit, national_id
from .exceptions import NotAllowed
from .models import (
    Membership,
    Organization,
    RegistrationStatus,
    StaffRegistration,
    User,
)
from .notify import email_after_commit
from .registration import username_for
from .rules import OrgKind, Role

# What a registrant is told, whether an account was created or one already existed.
RECEIVED_MESSAGE = gettext_lazy(
    "ได้รับการลงทะเบียนแล้ว กรุณาเปิดอีเมลที่ระบุแล้วทำตามขั้นตอนในอีเมลภายใน 48 ชั่วโมง "
    "จากนั้นผู้ดูแลสถานศึกษาจะพิจารณาอนุมัติ"
)
VERIFY_SALT = "accounts.staff-registration.verify"
VERIFY_MAX_AGE = datetime.timedelta(hours=48)

# Positions that register themselves (RULES.md §1, seed 000), stored as personnel's keys.
STAFF_POSITIONS = {
    "teacher": "ครู",
    "director": "ผู้อำนวยการสถานศึกษา",
    "deputy_director": "รองผู้อำนวยการสถานศึกษา",
    "cdc_director": "ผู้อำนวยการศูนย์พัฒนาเด็กเล็ก",
    "supervisor": "ศึกษานิเทศก์",
}


@transaction.atomic
def register_staff(*, school_code: str, national_id_number: str, title_th: str, first_name: str,
                   last_name: str, birth_date: datetime.date, position: str, email: str,
                   password: str, first_name_en: str = "", last_name_en: str = "",
                   title_en: str = "", from_card: bool = False,
                   card_expiry: datetime.date | None = None,
                   today: datetime.date | None = None) -> StaffRegistration | None:
    """Public: create the inactive account and the registration, and email the verification
    link. Card data is treated like typed data: every check runs again here. None when the
    national ID or the email already has an account: nothing is created, and the caller must
    answer as if it had been (the owner is told by email)."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    number = national_id.normalize(national_id_number)
    try:
        national_id.validate_national_id(number)
    except ValidationError as exc:
        errors["national_id"] = exc.messages[0]
    school = Organization.objects.filter(code=school_code.strip(), kind=OrgKind.SCHOOL).first()
    if school is None:
        errors["school_code"] = _("ไม่พบสถานศึกษารหัสนี้")
    if position not in STAFF_POSITIONS:
        errors["position"] = _("กรุณาเลือกตำแหน่ง")
    if birth_date > today or (today.year - birth_date.year) < 18 or birth_date.year < 1930:
        errors["birth_date"] = _("วันเกิดไม่ถูกต้อง")
    # cardreader: an expired card is refused by the agent, and again here (no expiry: lifelong).
    if from_card and card_expiry is not None and card_expiry < today:
        errors["card_expiry"] = _(
            "บัตรประจำตัวประชาชนที่อ่านได้หมดอายุแล้ว ใช้ลงทะเบียนไม่ได้ "
            "กรุณาใช้บัตรที่ยังไม่หมดอายุ"
        )
    if not first_name.strip() or not last_name.strip():
        errors["first_name"] = _("กรุณากรอกชื่อและนามสกุล")
    email = email.strip().lower()
    user = User(username=username_for(email, fallback="staff"), email=email,
                title_th=title_th,
                first_name=first_name.strip(), last_name=last_name.strip(), title_en=title_en,
                first_name_en=first_name_en.strip(), last_name_en=last_name_en.strip(),
                national_id=number, is_active=False)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = " ".join(exc.messages)
    if errors:
        raise ValidationError(errors)
    # Whether the ID or the email already has an account is never told to the caller (anyone
    # could ask about anyone's ID): the answer is the same, and the account's owner is told by
    # email instead. The password is hashed either way, so the time taken tells nothing either.
    hashed = make_password(password)
    holders = list(User.objects.filter(Q(national_id=number) | Q(email__iexact=email)))
    if holders:
        _tell_holders(holders, school)
        audit.record("staff_registration.duplicate", actor=None, target=None,
                     organization=school, national_id=national_id.mask(number))
        return None
    user.password = hashed
    user.save()
    registration = StaffRegistration.objects.create(
        user=user, school=school, position=position, birth_date=birth_date, from_card=from_card,
    )
    _send_verification(registration)
    audit.record("staff_registration.create", actor=None, target=registration,
                 organization=school, from_card=from_card,
                 national_id=national_id.mask(number))
    return registration


def _tell_holders(holders: list[User], school: Organization) -> None:
    """Someone registered with the ID or the email of these accounts: each owner with an email
    is told, with the way back into the account (the caller learns nothing)."""
    body = render_to_string("accounts/email/staff_duplicate.txt", {
        "school": school,
        "reset_url": settings.PORTAL_URL + reverse("password_reset"),
    })
    for address in sorted({h.email for h in holders if h.email}):  # one each: not seen together
        email_after_commit([address], _("มีการลงทะเบียน D-LEP ด้วยข้อมูลของบัญชีคุณ"), body)


def verification_token(registration: StaffRegistration) -> str:
    return signing.dumps({"r": registration.pk, "u": registration.user_id}, salt=VERIFY_SALT)


def _send_verification(registration: StaffRegistration) -> None:
    url = settings.PORTAL_URL + reverse("staff_verify_email",
                                        args=[verification_token(registration)])
    body = render_to_string("accounts/email/staff_verify.txt",
                            {"registration": registration, "url": url})
    email_after_commit([registration.user.email], _("ยืนยันอีเมลเพื่อลงทะเบียน D-LEP"), body)


@transaction.atomic
def verify_staff_email(token: str) -> StaffRegistration:
    """The link from the email: once, within 48 hours. Then the school admin is told."""
    try:
        data = signing.loads(token, salt=VERIFY_SALT,
                             max_age=VERIFY_MAX_AGE.total_seconds())
    except signing.SignatureExpired:
        raise ValidationError(
            _("ลิงก์ยืนยันอีเมลหมดอายุแล้ว (48 ชั่วโมง) กรุณาลงทะเบียนใหม่")) from None
    except signing.BadSignature:
        raise ValidationError(_("ลิงก์ยืนยันอีเมลไม่ถูกต้อง")) from None
    registration = (StaffRegistration.objects.select_for_update().select_related("user", "school")
                    .filter(pk=data.get("r"), user_id=data.get("u")).first())
    if registration is None:
        raise ValidationError(_("ลิงก์ยืนยันอีเมลไม่ถูกต้อง"))
    if registration.status != RegistrationStatus.EMAIL_UNVERIFIED:
        raise ValidationError(_("ลิงก์นี้ใช้ยืนยันอีเมลไปแล้ว"))
    registration.status = RegistrationStatus.PENDING
    registration.email_verified_at = timezone.now()
    registration.save(update_fields=["status", "email_verified_at"])
    admins = list(Membership.objects.filter(
        organization=registration.school, role=Role.SCHOOL_ADMIN, is_active=True,
    ).exclude(user__email="").values_list("user__email", flat=True))
    if admins:
        body = render_to_string("accounts/email/staff_pending.txt", {
            "registration": registration,
            "url": settings.PORTAL_URL + reverse("staff_registrations"),
        })
        email_after_commit(admins, _("มีผู้ลงทะเบียนรออนุมัติ: %(name)s") %
                           {"name": registration.user.full_name_th}, body)
    audit.record("staff_registration.verify_email", actor=registration.user,
                 target=registration, organization=registration.school)
    return registration


def _require_school_admin(actor, registration: StaffRegistration) -> None:
    from . import scoping

    if actor is None or not scoping.can_administer(actor, registration.school):
        raise NotAllowed()


@transaction.atomic
def activate_staff(*, actor, registration: StaffRegistration) -> StaffRegistration:
    """The last step of approval (after the roster was matched): the account becomes active
    with a staff membership at the school, and the person is told."""
    registration = StaffRegistration.objects.select_for_update().select_related(
        "user", "school").get(pk=registration.pk)
    _require_school_admin(actor, registration)
    if registration.status != RegistrationStatus.PENDING:
        raise ValidationError(_("การลงทะเบียนนี้ไม่ได้อยู่ในสถานะรออนุมัติ"))
    user = registration.user
    user.is_active = True
    user.save(update_fields=["is_active"])
    Membership.objects.update_or_create(
        user=user, organization=registration.school, role=Role.STAFF,
        defaults={"is_active": True, "position": STAFF_POSITIONS[registration.position]},
    )
    registration.record_decision(RegistrationStatus.APPROVED, actor=actor)
    body = render_to_string("accounts/email/staff_decided.txt", {
        "registration": registration, "approved": True,
        "url": settings.PORTAL_URL + reverse("login"),
    })
    email_after_commit([user.email], _("การลงทะเบียน D-LEP ได้รับอนุมัติแล้ว"), body)
    audit.record("staff_registration.approve", actor=actor, target=registration,
                 organization=registration.school)
    return registration


@transaction.atomic
def reject_staff(*, actor, registration: StaffRegistration, reason: str) -> StaffRegistration:
    registration = StaffRegistration.objects.select_for_update().select_related(
        "user", "school").get(pk=registration.pk)
    _require_school_admin(actor, registration)
    if registration.status != RegistrationStatus.PENDING:
        raise ValidationError(_("การลงทะเบียนนี้ไม่ได้อยู่ในสถานะรออนุมัติ"))
    if not reason.strip():
        raise ValidationError({"reason": _("กรุณาระบุเหตุผลที่ไม่อนุมัติ")})
    registration.record_decision(RegistrationStatus.REJECTED, actor=actor, reason=reason)
    user = registration.user
    body = render_to_string("accounts/email/staff_decided.txt",
                            {"registration": registration, "approved": False})
    email_after_commit([user.email], _("การลงทะเบียน D-LEP ไม่ได้รับอนุมัติ"), body)
    # The national ID and the email are released so that the person can register again.
    user.national_id = None
    user.email = ""
    user.save(update_fields=["national_id", "email"])
    audit.record("staff_registration.reject", actor=actor, target=registration,
                 organization=registration.school, reason=registration.decision_reason)
    return registration


def pending_for(user):
    """Registrations waiting for a decision in the schools ``user`` administers."""
    from . import scoping

    return scoping.scope(
        StaffRegistration.objects.filter(status=RegistrationStatus.PENDING)
        .select_related("user", "school"),
        user, org_field="school", access=scoping.Access.ADMINISTER,
    ).order_by("created_at")
