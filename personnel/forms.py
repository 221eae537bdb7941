from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import PersonStatus
from .models import DocumentKind, Person
from .services import CORRECTABLE_FIELDS


class RosterFilterForm(forms.Form):
    q = forms.CharField(label=_("ค้นหา (ชื่อ นามสกุล หรือเลขประจำตัวประชาชน)"), required=False,
                        max_length=100)
    status = forms.ChoiceField(
        label=_("สถานะ"), required=False,
        choices=[("", _("ปฏิบัติงานอยู่")), ("all", _("ทุกสถานะ")), *PersonStatus.choices],
    )
    organization = forms.IntegerField(required=False, widget=forms.HiddenInput)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("ประเภท"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("ชื่อเอกสาร"), max_length=200)
    upload = forms.FileField(label=_("ไฟล์ (PDF, JPG, PNG ไม่เกิน 10 MB)"))


class CorrectionForm(forms.ModelForm):
    """What a person may ask to correct on their own record, with the reason."""

    reason = forms.CharField(label=_("เหตุผลที่ขอแก้ไข"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = Person
        fields = list(CORRECTABLE_FIELDS)
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "address": forms.Textarea(attrs={"rows": 2})}


class DecisionForm(forms.Form):
    correction = forms.IntegerField(widget=forms.HiddenInput)
    approve = forms.TypedChoiceField(coerce=lambda v: v == "1", choices=[("1", ""), ("0", "")])
    reason = forms.CharField(required=False, max_length=500)
