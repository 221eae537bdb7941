"""Two-factor authentication (TOTP, django-otp): who needs it, enrolment, codes, backup codes.

Holders of a role in ``TWO_FACTOR_REQUIRED_ROLES`` (the DLA and province admins) must enrol and
then enter a code at every login; anyone else may enrol, and is then asked for a code too.
``accounts.middleware.TwoFactorMiddleware`` keeps an unverified session away from every page;
the API asks for the code when a token is requested (``check_token_request``).

Backup codes (django-otp's static device) stand in for the phone, one use each.
"""

from __future__ import annotations

import base64
import datetime
import re
import time
from dataclasses import dataclass

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Value
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit, tokens
from .exceptions import NotAllowed
from .models import Membership, User

DEVICE_NAME = "authenticator"
BACKUP_DEVICE_NAME = "backup"
BACKUP_CODE_COUNT = 10
TOTP_CODE = re.compile(r"^\d{6}$")


@dataclass(frozen=True)
class Status:
    required: bool  # holds a role that must use two-factor authentication
    enrolled: bool  # has a confirmed authenticator

    @property
    def needs_code(self) -> bool:
        return self.required or self.enrolled


def status(user) -> Status:
    """Both answers in one query (the middleware asks on every request of an unverified
    session)."""
    if not getattr(user, "is_authenticated", False):
        return Status(required=False, enrolled=False)
    roles = list(settings.TWO_FACTOR_REQUIRED_ROLES)
    required = (
        Exists(Membership.objects.filter(user=OuterRef("pk"), is_active=True, role__in=roles))
        if roles else Value(False)
    )
    enrolled = Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(required=required, enrolled=enrolled)
        .values_list("required", "enrolled")
        .first()
    )
    return Status(*map(bool, row)) if row else Status(False, False)


def is_required(user) -> bool:
    return status(user).required


def is_verified(user) -> bool:
    """Whether this request's session has passed a code (django-otp's OTPMiddleware)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


# A session found to owe no code is trusted for SESSION_REFRESH_SECONDS: a role that requires
# two-factor authentication, or an authenticator enrolled in another session, takes effect
# within that time, and an ordinary page costs no query for the check.
CLEARED_AT_SESSION_KEY = "_two_factor_cleared_at"


def _mark_cleared(session) -> None:
    session[CLEARED_AT_SESSION_KEY] = int(time.time())


def _recently_cleared(session) -> bool:
    cleared = session.get(CLEARED_AT_SESSION_KEY)
    return cleared is not None and time.time() - cleared < settings.SESSION_REFRESH_SECONDS


def check_at_login(session, user) -> None:
    if not status(user).needs_code:
        _mark_cleared(session)


def pending(request) -> Status | None:
    """What the session of ``request`` still owes: None when nothing (no code needed, or the
    code was given), else the user's status (enrolled: enter a code; else: enrol first)."""
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return None
    session = request.session
    if _recently_cleared(session) or is_verified(user):
        return None
    state = status(user)
    if state.needs_code:
        return state
    _mark_cleared(session)
    return None


# --- Enrolment ---------------------------------------------------------------------------------


def pending_device(user) -> TOTPDevice:
    """The authenticator being set up: the same secret until it is confirmed, so that a reload
    of the page does not invalidate what the person has already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def qr_svg(device: TOTPDevice) -> str:
    """The provisioning URI as an inline SVG QR code (segno, no outside service)."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, title=_("คิวอาร์โค้ดสำหรับแอปยืนยันตัวตน"), svgclass="qr-code"
    )


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for an app that cannot scan."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _clean(code) -> str:
    return re.sub(r"[\s-]", "", str(code or "")).lower()


def throttled_until(device) -> datetime.datetime | None:
    allowed, info = device.verify_is_allowed()
    return None if allowed else (info or {}).get("locked_until")


def _throttle_error(until) -> ValidationError:
    seconds = max(1, int((until - timezone.now()).total_seconds()) + 1)
    return ValidationError(
        _("กรอกรหัสผิดหลายครั้ง กรุณารอ %(seconds)d วินาทีแล้วลองใหม่") % {"seconds": seconds},
        code="throttled",
    )


def confirm_enrolment(*, actor, device: TOTPDevice, code) -> list[str]:
    """Confirm the authenticator with a first code; returns fresh backup codes (shown once).

    The code is checked outside the transaction so that a wrong one still counts against
    django-otp's throttle."""
    if device.user_id != actor.pk or device.confirmed:
        raise NotAllowed()
    until = throttled_until(device)
    if until:
        raise _throttle_error(until)
    if not device.verify_token(_clean(code)):
        raise ValidationError(
            _("รหัสไม่ถูกต้อง ตรวจสอบว่าเวลาในโทรศัพท์ตรงกับเวลาจริง แล้วกรอกรหัส 6 หลักล่าสุด"),
            code="invalid",
        )
    return _finish_enrolment(actor, device)


@transaction.atomic
def _finish_enrolment(actor, device: TOTPDevice) -> list[str]:
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
    codes = _replace_backup_codes(actor)
    # A token issued before enrolment was obtained without a code: it stops working.
    tokens.revoke_all(actor, reason="two_factor_enrol", actor=actor)
    audit.record("user.two_factor_enrol", actor=actor, target=actor)
    return codes


def _replace_backup_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _i in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


@transaction.atomic
def new_backup_codes(*, actor) -> list[str]:
    """Replace the backup codes (the old ones stop working)."""
    if not status(actor).enrolled:
        raise NotAllowed()
    codes = _replace_backup_codes(actor)
    audit.record("user.two_factor_backup_codes", actor=actor, target=actor)
    return codes


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- Verification ------------------------------------------------------------------------------


def verify(user, code):
    """The device that accepts ``code`` (the authenticator's six digits, or a backup code), or
    None. django-otp throttles each device after failures and refuses a replayed TOTP code."""
    code = _clean(code)
    if not code:
        return None
    model = TOTPDevice if TOTP_CODE.match(code) else StaticDevice
    for device in model.objects.filter(user=user, confirmed=True):
        accepted = verify_token(user, device.persistent_id, code)
        if accepted is not None:
            return accepted
    return None


def verify_or_raise(user, code, *, ip=None):
    """``verify``, with a Thai reason when the code is refused, and the failure audited."""
    device = verify(user, code)
    if device is not None:
        return device
    audit.record("user.two_factor_failed", actor=user, target=user, ip=ip)
    for candidate in TOTPDevice.objects.filter(user=user, confirmed=True):
        until = throttled_until(candidate)
        if until:
            raise _throttle_error(until)
    raise ValidationError(
        _("รหัสยืนยันตัวตนไม่ถูกต้อง หรือถูกใช้ไปแล้ว กรุณากรอกรหัสล่าสุดจากแอป หรือรหัสสำรอง"),
        code="invalid",
    )


def remove(*, actor, code) -> None:
    """Turn two-factor authentication off (optional users only), with a current code (checked
    outside the transaction, so that a wrong one counts against the throttle)."""
    if status(actor).required:
        raise ValidationError(
            _("บทบาทของคุณต้องใช้การยืนยันตัวตนสองขั้นตอน จึงยกเลิกไม่ได้"), code="required"
        )
    verify_or_raise(actor, code)
    _remove_devices(actor)


@transaction.atomic
def _remove_devices(actor) -> None:
    TOTPDevice.objects.filter(user=actor).delete()
    StaticDevice.objects.filter(user=actor).delete()
    audit.record("user.two_factor_remove", actor=actor, target=actor)


# --- API ---------------------------------------------------------------------------------------


def check_token_request(user, code) -> bool:
    """The API's rule (POST /api/v1/auth/token/): a user with an authenticator sends the current
    code in ``otp``; a user whose role requires two-factor authentication but who has not enrolled
    gets no token until they enrol on the web; everyone else needs no code. True when a code was
    given and accepted (the token is then marked as issued after the second factor)."""
    state = status(user)
    if state.enrolled:
        if not _clean(code):
            raise ValidationError(
                {"otp": _("บัญชีนี้ใช้การยืนยันตัวตนสองขั้นตอน กรุณาส่งรหัสจากแอปในช่อง otp")},
                code="otp_required",
            )
        try:
            verify_or_raise(user, code)
        except ValidationError as e:
            raise ValidationError({"otp": e.messages}, code=e.code) from None
        return True
    if state.required:
        raise ValidationError(
            _("บทบาทของบัญชีนี้ต้องใช้การยืนยันตัวตนสองขั้นตอน กรุณาเข้าสู่ระบบทางเว็บ"
              "เพื่อตั้งค่าก่อน จึงจะขอโทเคน API ได้"),
            code="two_factor_setup_required",
        )
    return False
