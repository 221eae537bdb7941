from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import PersonStatus


class RosterFilterForm(forms.Form):
    q = forms.CharField(label=_("ค้นหา (ชื่อ นามสกุล หรือเลขประจำตัวประชาชน)"), required=False,
                        max_length=100)
    status = forms.ChoiceField(
        label=_("สถานะ"), required=False,
        choices=[("", _("ปฏิบัติงานอยู่")), ("all", _("ทุกสถานะ")), *PersonStatus.choices],
    )
    organization = forms.IntegerField(required=False, widget=forms.HiddenInput)
