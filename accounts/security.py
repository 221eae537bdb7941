"""Login security: the lockout (django-axes) and the audit rows of logging in.

* ``LockoutBackend`` refuses a username and address pair that failed ``AXES_FAILURE_LIMIT`` times
  within ``AXES_COOLOFF_TIME``, before any password is checked.
* ``lockout_response`` is the Thai answer a locked-out client gets, as a page or as JSON;
  ``lockout_message`` says when to try again, for the API as well.
* ``client_ip`` is the address the lockout counts by.
* ``touch_session`` keeps an active session alive (SessionActivityMiddleware).
* ``reset_password`` and ``record_password_reset_request``: the password reset by email.
* ``record_token_login``: an API token handed out counts as a log-in.
* The receivers at the bottom write log-ins, failed log-ins and lockouts as ``AuditEvent`` rows;
  ``AccountsConfig.ready`` imports this module so that they are connected. Passwords never reach
  them (Django cleanses the credentials of a failed login), and a username typed as a national
  ID number is masked.
"""

from __future__ import annotations

import datetime
import ipaddress
import time

from axes.backends import AxesStandaloneBackend
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import transaction
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import APIException

from . import audit, national_id, two_factor
from .models import User


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' check, for every ``authenticate(request, ...)``.

    Every login a person makes (the login page, the admin's login, the API token) passes the
    request, so every one of them is counted and refused alike. A call without a request comes
    from code, not from a client (``Client.login`` in tests, management commands): there is no
    address to count by, so the check steps aside instead of raising as axes' own backend does.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip(request) -> str | None:
    """The client's address. Behind the reverse proxy (``BEHIND_TLS_PROXY``) it is the right-most
    entry of ``CLIENT_IP_HEADER``: the one our proxy appended, which a client cannot forge (the
    entries to its left can be). Without the proxy setting the header is ignored, for anyone could
    send it."""
    address = request.META.get("REMOTE_ADDR")
    if settings.BEHIND_TLS_PROXY and settings.CLIENT_IP_HEADER:
        key = "HTTP_" + settings.CLIENT_IP_HEADER.upper().replace("-", "_")
        forwarded = request.META.get(key, "").split(",")[-1].strip()
        if forwarded:
            address = forwarded
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None


def locked_until(request) -> datetime.datetime:
    """When the cool-off of the attempt on ``request`` ends (a failure during a lockout starts
    the cool-off again, as axes counts it)."""
    started = getattr(request, "axes_attempt_time", None) or timezone.now()
    return started + (get_cool_off(request) or datetime.timedelta(0))


def lockout_message(request) -> str:
    until = timezone.localtime(locked_until(request))
    minutes = max(1, round((until - timezone.now()).total_seconds() / 60))
    return _(
        "เข้าสู่ระบบไม่สำเร็จติดต่อกัน %(limit)d ครั้ง ระบบจึงระงับการเข้าสู่ระบบของชื่อผู้ใช้นี้"
        "จากเครื่องนี้ไว้ชั่วคราว กรุณาลองใหม่หลังเวลา %(time)s น. (อีกประมาณ %(minutes)d นาที) "
        "หากจำรหัสผ่านไม่ได้ ให้ใช้ “ลืมรหัสผ่าน”"
    ) % {"limit": settings.AXES_FAILURE_LIMIT, "time": f"{until:%H:%M}", "minutes": minutes}


def retry_after_seconds(request) -> int:
    return max(1, int((locked_until(request) - timezone.now()).total_seconds()))


def lockout_response(request, original_response=None, credentials=None):
    """``AXES_LOCKOUT_CALLABLE``: the page (or JSON for the API and scripts) a locked-out client
    gets instead of the login form, with status 429 and ``Retry-After``."""
    message = lockout_message(request)
    wants_json = request.path.startswith("/api/") or (
        request.META.get("HTTP_X_REQUESTED_WITH") == "XMLHttpRequest"
    )
    if wants_json:
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "accounts/lockout.html", {"message": message}, status=429)
    response["Retry-After"] = str(retry_after_seconds(request))
    return response


# --- Sessions ----------------------------------------------------------------------------------

ACTIVE_AT_SESSION_KEY = "_active_at"


def touch_session(session, *, now: float | None = None) -> None:
    """Mark the session active; it is saved (and its expiry moved) only when the last mark is
    ``SESSION_REFRESH_SECONDS`` old, so most requests write nothing."""
    now = time.time() if now is None else now
    last = session.get(ACTIVE_AT_SESSION_KEY) or 0
    if now - last >= settings.SESSION_REFRESH_SECONDS:
        session[ACTIVE_AT_SESSION_KEY] = int(now)


# --- Password reset by email -------------------------------------------------------------------


def record_password_reset_request(user, *, ip=None) -> None:
    """Audit a reset link sent to a known address (an unknown one writes nothing and gets the
    same answer, so the page does not tell who has an account)."""
    audit.record("user.password_reset_request", actor=None, target=user, ip=ip)


@transaction.atomic
def reset_password(*, user: User, new_password: str, ip=None) -> None:
    """Set the password chosen through a reset link. The person proved they read the account's
    email: a forced change is no longer due, and the lockout of the username is lifted."""
    validate_password(new_password, user)
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    AxesProxyHandler.reset_attempts(username=user.get_username())
    audit.record("user.password_reset", actor=user, target=user, ip=ip)


def record_token_login(request, user) -> None:
    """An API token handed out is a log-in too: audited, and the failures of this username from
    this address are forgotten, as AXES_RESET_ON_SUCCESS does after the login page."""
    ip = _address(request)
    AxesProxyHandler.reset_attempts(ip_address=ip, username=user.get_username())
    audit.record("user.login", actor=user, target=user, ip=ip, via="api")


class LockedOut(APIException):
    """The API's answer to a locked-out client (429; DRF adds ``Retry-After`` from ``wait``)."""

    status_code = 429
    default_code = "locked_out"

    def __init__(self, request):
        super().__init__(lockout_message(request))
        self.wait = retry_after_seconds(request)


def _safe_username(value) -> str:
    """A username as typed, for the audit: a national ID number typed into the field is
    masked, and the length is bounded."""
    value = str(value or "")[:150]
    compact = national_id.normalize(value)
    if len(compact) == 13 and compact.isdigit():
        return national_id.mask(compact)
    return value


def _address(request) -> str | None:
    if request is None:
        return None
    return getattr(request, "axes_ip_address", None) or client_ip(request)


@receiver(user_logged_in, dispatch_uid="accounts.security.logged_in")
def _record_login(sender, request, user, **kwargs):
    audit.record("user.login", actor=user, target=user, ip=_address(request))
    session = getattr(request, "session", None)
    if session is not None:
        # The new session starts active, and is told now whether it owes a second factor.
        touch_session(session)
        two_factor.check_at_login(session, user)


@receiver(user_login_failed, dispatch_uid="accounts.security.login_failed")
def _record_login_failed(sender, credentials, request=None, **kwargs):
    # Django has already replaced the password in ``credentials``; only the username is read.
    username = str(credentials.get("username") or "")
    target = User.objects.filter(username=username).first() if username else None
    audit.record(
        "user.login_failed",
        actor=None,
        target=target,
        username=_safe_username(username),
        ip=_address(request),
        locked_out=bool(getattr(request, "axes_locked_out", False)),
    )


@receiver(user_locked_out, dispatch_uid="accounts.security.locked_out")
def _record_locked_out(sender, request, username, ip_address, **kwargs):
    target = User.objects.filter(username=username).first() if username else None
    audit.record(
        "user.locked_out",
        actor=None,
        target=target,
        username=_safe_username(username),
        ip=ip_address,
        until=locked_until(request).isoformat(),
    )
