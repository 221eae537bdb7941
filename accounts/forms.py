from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from . import national_id, services
from .rules import OrgKind


class NationalIdField(forms.CharField):
    """Takes the number as people type it (with dashes or spaces), keeps 13 digits or None."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("เลขประจำตัวประชาชน"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("validators", [national_id.validate_national_id])
        super().__init__(**kwargs)

    def to_python(self, value):
        value = national_id.normalize(super().to_python(value))
        return value or None


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง กรุณาตรวจสอบแล้วลองอีกครั้ง "
            "(ตัวพิมพ์เล็ก-ใหญ่มีผล)"
        ),
        "inactive": _("บัญชีนี้ถูกระงับการใช้งาน กรุณาติดต่อผู้ดูแลหน่วยงานของคุณ"),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("ชื่อผู้ใช้")
        self.fields["password"].label = _("รหัสผ่าน")


class ChangePasswordForm(PasswordChangeForm):
    """Django's form (old password, twice the new one, the validators); saving goes through the
    service so that the flag is cleared and the change audited."""

    def save(self, commit=True):
        services.change_password(
            actor=self.user, user=self.user, new_password=self.cleaned_data["new_password1"]
        )
        return self.user


class OrganizationFilterForm(forms.Form):
    q = forms.CharField(label=_("ค้นหา (ชื่อหรือรหัส)"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("ประเภทหน่วยงาน"), required=False, choices=[("", _("ทุกประเภท")), *OrgKind.choices]
    )


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("การดำเนินการ (รหัส)"), required=False, max_length=80)
    date_from = forms.DateField(label=_("ตั้งแต่วันที่"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("ถึงวันที่"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))
