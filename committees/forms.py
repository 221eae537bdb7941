from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from personnel.choices import AcademicStanding

from .models import Decision, ItemKind, MemberRole

DATE = forms.DateInput(attrs={"type": "date"})


def this_year_be() -> int:
    return timezone.localdate().year + 543


class MemberForm(forms.Form):
    name = forms.CharField(label=_("ชื่อ-นามสกุล"), max_length=200)
    position = forms.CharField(label=_("ตำแหน่ง"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("ตำแหน่งในคณะกรรมการ"), choices=MemberRole.choices,
                             initial=MemberRole.MEMBER)


class MeetingForm(forms.Form):
    number = forms.IntegerField(label=_("ครั้งที่"), min_value=1, max_value=999)
    year_be = forms.IntegerField(label=_("ปี (พ.ศ.)"), min_value=2500, max_value=2700,
                                 initial=this_year_be)
    date = forms.DateField(label=_("วันที่ประชุม"), widget=DATE)
    place = forms.CharField(label=_("สถานที่"), max_length=300, required=False)


class ItemFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("ประเภทวาระ"), choices=ItemKind.choices,
                             initial=ItemKind.PANELS)
    standing = forms.ChoiceField(
        label=_("วิทยฐานะที่ขอ"), required=False,
        choices=[("", _("ทุกวิทยฐานะ"))] + [c for c in AcademicStanding.choices
                                            if c[0] != AcademicStanding.NONE])
    q = forms.CharField(label=_("ชื่อ"), required=False)


class ItemTextsForm(forms.Form):
    title = forms.CharField(label=_("เรื่อง"), max_length=500, required=False)
    request_text = forms.CharField(label=_("คำขอ"), widget=forms.Textarea(attrs={"rows": 3}),
                                   required=False)
    law_text = forms.CharField(label=_("กฎหมาย ระเบียบ และหลักเกณฑ์ที่เกี่ยวข้อง"),
                               widget=forms.Textarea(attrs={"rows": 4}), required=False)
    facts_text = forms.CharField(label=_("ข้อเท็จจริง"), widget=forms.Textarea(attrs={"rows": 3}),
                                 required=False)
    considerations_text = forms.CharField(label=_("ข้อพิจารณา"),
                                          widget=forms.Textarea(attrs={"rows": 3}),
                                          required=False)


RESOLUTION_CHOICES = [c for c in Decision.choices if c[0] != Decision.PENDING]


class OrderForm(forms.Form):
    number = forms.IntegerField(label=_("เลขที่คำสั่ง"), min_value=1)
    year_be = forms.IntegerField(label=_("ปี (พ.ศ.)"), min_value=2500, max_value=2700,
                                 initial=this_year_be)
    date = forms.DateField(label=_("ลงวันที่"), widget=DATE)
    signer_name = forms.CharField(label=_("ผู้ลงนาม"), max_length=200)
    signer_position = forms.CharField(
        label=_("ตำแหน่งผู้ลงนาม"), max_length=200, required=False,
        help_text=_("เว้นว่าง: นายกของ อปท. ที่ออกคำสั่ง (ผู้ปฏิบัติราชการแทนให้ระบุตำแหน่งของนายกด้วย)"))
    legal_basis = forms.CharField(
        label=_("อาศัยอำนาจตาม"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("เว้นว่างเพื่อใช้ข้อความมาตรฐาน: พระราชบัญญัติระเบียบบริหารงานบุคคลส่วนท้องถิ่น "
                    "พ.ศ. ๒๕๔๒ และประกาศ ก.จ. ก.ท. และ ก.อบต. พ.ศ. ๒๕๖๕ ระบบต่อท้ายด้วยมติที่ประชุม"))


class RatesForm(forms.Form):
    """The honoraria rates, one amount per standing (blank: no rate yet)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in AcademicStanding.choices:
            if value != AcademicStanding.NONE:
                self.fields[value] = forms.DecimalField(
                    label=label, required=False, min_value=0, max_digits=10, decimal_places=2,
                    widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.01"}))
