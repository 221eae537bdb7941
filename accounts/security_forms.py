"""Forms of login security: the two-factor code, the password reset request and the new
password chosen through a reset link."""

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from . import security
from .notify import email_after_commit


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("รหัสยืนยันตัวตน"),
        max_length=20,
        help_text=_("ตัวเลข 6 หลักจากแอปยืนยันตัวตน หรือรหัสสำรองที่พิมพ์เก็บไว้"),
        widget=forms.TextInput(attrs={
            "autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True,
            "class": "form-control form-control-lg text-center",
        }),
    )


class PasswordResetRequestForm(PasswordResetForm):
    """Django's form (active users whose email matches, case-insensitively); the email is
    queued for the worker after the commit, like every email of the portal, so a known
    address takes no longer to answer than an unknown one."""

    email = forms.EmailField(
        label=_("อีเมลที่ใช้กับบัญชี"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "class": "form-control"}),
    )

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def send_mail(self, subject_template_name, email_template_name, context, from_email,
                  to_email, html_email_template_name=None):
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        email_after_commit([to_email], subject, body)
        ip = security.client_ip(self.request) if self.request is not None else None
        security.record_password_reset_request(context["user"], ip=ip)


class ResetPasswordForm(SetPasswordForm):
    """The new password of a reset link; saved through ``security.reset_password``."""

    error_messages = {"password_mismatch": _("รหัสผ่านทั้งสองช่องไม่ตรงกัน")}

    def __init__(self, user, *args, request=None, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request
        self.fields["new_password1"].label = _("รหัสผ่านใหม่")
        self.fields["new_password1"].help_text = (
            password_validation.password_validators_help_text_html()
        )
        self.fields["new_password2"].label = _("ยืนยันรหัสผ่านใหม่")
        self.fields["new_password2"].help_text = _("พิมพ์รหัสผ่านใหม่อีกครั้ง")
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"

    def save(self, commit=True):
        ip = security.client_ip(self.request) if self.request is not None else None
        security.reset_password(
            user=self.user, new_password=self.cleaned_data["new_password1"], ip=ip
        )
        return self.user
