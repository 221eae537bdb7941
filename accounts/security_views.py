"""Pages of login security: two-factor set-up, the code at login, the two-factor settings page,
and the password reset by email (Django's views with Thai templates)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from . import security, tokens, two_factor
from .exceptions import NotAllowed
from .security_forms import PasswordResetRequestForm, ResetPasswordForm, TwoFactorCodeForm


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def _add_errors(form, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error("code", message)


@login_required
def two_factor_setup(request):
    """Enrol an authenticator: scan the QR code (or type the secret), confirm with a code."""
    state = two_factor.status(request.user)
    if state.enrolled:
        if two_factor.is_verified(request.user):
            messages.info(request, _("คุณตั้งค่าการยืนยันตัวตนสองขั้นตอนไว้แล้ว"))
            return redirect("two_factor")
        # Replacing the authenticator would need only the password: verify first.
        return redirect(_with_next("two_factor_verify", _next_url(request)))
    device = two_factor.pending_device(request.user)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.confirm_enrolment(
                actor=request.user, device=device, code=form.cleaned_data["code"]
            )
        except ValidationError as e:
            _add_errors(form, e)
        else:
            device.refresh_from_db()
            otp_login(request, device)
            return render(request, "accounts/two_factor_backup_codes.html", {
                "codes": codes, "next": _next_url(request), "enrolled_now": True,
            })
    return render(request, "accounts/two_factor_setup.html", {
        "form": form,
        "required": state.required,
        "qr_svg": two_factor.qr_svg(device),
        "secret": two_factor.secret_for_typing(device),
        "next": _next_url(request),
    })


@login_required
def two_factor_verify(request):
    """The code after the password, once per session."""
    next_url = _next_url(request)
    state = two_factor.status(request.user)
    if not state.enrolled:
        if state.required:
            return redirect(_with_next("two_factor_setup", next_url))
        return redirect(next_url)
    if two_factor.is_verified(request.user):
        return redirect(next_url)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = two_factor.verify_or_raise(
                request.user, form.cleaned_data["code"], ip=security.client_ip(request)
            )
        except ValidationError as e:
            _add_errors(form, e)
        else:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                messages.warning(request, _(
                    "ใช้รหัสสำรองไปแล้ว 1 รหัส เหลืออีก %(left)d รหัส "
                    "สร้างชุดใหม่ได้ที่หน้าการยืนยันตัวตนสองขั้นตอน"
                ) % {"left": two_factor.backup_codes_left(request.user)})
            return redirect(next_url)
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url})


@login_required
def two_factor_settings(request):
    """ตั้งค่าการยืนยันตัวตนสองขั้นตอน: whether it is on, required, and the ways to change it."""
    state = two_factor.status(request.user)
    return render(request, "accounts/two_factor.html", {
        "state": state,
        "backup_left": two_factor.backup_codes_left(request.user) if state.enrolled else 0,
        "remove_form": TwoFactorCodeForm(),
    })


@require_POST
@login_required
def two_factor_remove(request):
    form = TwoFactorCodeForm(request.POST)
    if form.is_valid():
        try:
            two_factor.remove(actor=request.user, code=form.cleaned_data["code"])
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(request, _("ยกเลิกการยืนยันตัวตนสองขั้นตอนแล้ว"))
    else:
        messages.error(request, _("กรุณากรอกรหัสยืนยันตัวตนเพื่อยกเลิก"))
    return redirect("two_factor")


@require_POST
@login_required
def two_factor_backup_codes(request):
    if not two_factor.status(request.user).enrolled:
        messages.error(request, _("กรุณาตั้งค่าการยืนยันตัวตนสองขั้นตอนก่อน"))
        return redirect("two_factor")
    codes = two_factor.new_backup_codes(actor=request.user)
    return render(request, "accounts/two_factor_backup_codes.html", {
        "codes": codes, "next": reverse("two_factor"), "enrolled_now": False,
    })


# --- Password reset by email --------------------------------------------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    """The same answer for every address, known or not (the done page)."""

    template_name = "accounts/password_reset_form.html"
    form_class = PasswordResetRequestForm
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        self.extra_email_context = {
            "portal_url": settings.PORTAL_URL.rstrip("/"),
            "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        }
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = ResetPasswordForm
    success_url = reverse_lazy("password_reset_complete")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# --- API tokens -----------------------------------------------------------------------------------


@login_required
def api_tokens(request):
    """โทเคน API: the user's working tokens (when made, until when, last used; never the token
    itself), each with a button that revokes it."""
    if request.method == "POST":
        try:
            tokens.revoke(actor=request.user, public_id=request.POST.get("token", ""))
        except (NotAllowed, ValidationError, ValueError):
            messages.error(request, _("ไม่พบโทเคนนี้ อาจหมดอายุหรือถูกยกเลิกไปแล้ว"))
        else:
            messages.success(request, _("ยกเลิกโทเคนแล้ว โปรแกรมที่ใช้โทเคนนี้จะเข้าถึง API ไม่ได้อีก"))
        return redirect("api_tokens")
    return render(request, "accounts/api_tokens.html", {
        "tokens": tokens.tokens_of(request.user),
        "idle_hours": settings.API_TOKEN_IDLE_HOURS,
        "max_age_hours": settings.API_TOKEN_MAX_AGE_HOURS,
    })
