from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.rules import OrgKind, Role

from . import selectors
from .models import Channel, Round

DATE_WIDGET = {"type": "date"}


def _date_field(label, **kwargs):
    return forms.DateField(label=label, widget=forms.DateInput(attrs=DATE_WIDGET,
                                                               format="%Y-%m-%d"), **kwargs)


class CompletionForm(forms.Form):
    """A course passed: from the catalogue, or a new one by channel and name."""

    course = forms.ModelChoiceField(
        queryset=None, required=False, label=_("หลักสูตร (เลือกจากรายการ)"),
        empty_label=_("— หลักสูตรไม่อยู่ในรายการ: ระบุช่องทางและชื่อด้านล่าง —"))
    channel = forms.ModelChoiceField(queryset=None, required=False,
                                     label=_("ช่องทาง (สำหรับหลักสูตรที่ไม่อยู่ในรายการ)"))
    course_name = forms.CharField(label=_("ชื่อหลักสูตร (ถ้าไม่อยู่ในรายการ)"), max_length=255,
                                  required=False)
    completed_on = _date_field(_("วันที่ผ่านการอบรม"))
    certificate = forms.FileField(
        label=_("สำเนาใบประกาศที่รับรองสำเนาถูกต้องแล้ว (PDF, JPG หรือ PNG ไม่เกิน 10 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = selectors.courses()
        self.fields["channel"].queryset = selectors.channels()

    def clean(self):
        data = super().clean()
        if not data.get("course") and not (data.get("channel") and data.get("course_name")):
            raise forms.ValidationError(
                _("กรุณาเลือกหลักสูตรจากรายการ หรือระบุช่องทางและชื่อหลักสูตร"))
        return data


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("เหตุผลที่ไม่รับรอง"), max_length=500)


class SubmissionForm(forms.Form):
    submitted_on = _date_field(_("วันที่หน่วยงานส่งรายงาน"))
    note = forms.CharField(label=_("หมายเหตุ"), max_length=500, required=False)


class FiscalYearForm(forms.Form):
    fiscal_year_be = forms.IntegerField(label=_("ปีงบประมาณ (พ.ศ.)"), min_value=2500,
                                        max_value=2700)


class RoundForm(forms.ModelForm):
    class Meta:
        model = Round
        fields = ["starts_on", "ends_on", "report_opens_on", "report_deadline", "cutoff_on"]
        widgets = {f: forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d") for f in fields}


class HolidayForm(forms.Form):
    date = _date_field(_("วันที่"))
    name = forms.CharField(label=_("ชื่อวันหยุด"), max_length=200)


class ChannelForm(forms.Form):
    code = forms.SlugField(label=_("รหัสช่องทาง (ภาษาอังกฤษ)"), max_length=40)
    name = forms.CharField(label=_("ชื่อช่องทาง"), max_length=120)
    url = forms.URLField(label=_("เว็บไซต์"), required=False, assume_scheme="https")


class CourseForm(forms.Form):
    channel = forms.ModelChoiceField(queryset=Channel.objects.none(), label=_("ช่องทาง"))
    name = forms.CharField(label=_("ชื่อหลักสูตร"), max_length=255)
    code = forms.CharField(label=_("รหัสหลักสูตร"), max_length=60, required=False)
    hours = forms.DecimalField(label=_("จำนวนชั่วโมง"), max_digits=5, decimal_places=1,
                               min_value=0, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = selectors.channels()


class CourseFilterForm(forms.Form):
    q = forms.CharField(label=_("ค้นหาหลักสูตร"), required=False, max_length=100)
    channel = forms.ModelChoiceField(queryset=Channel.objects.none(), required=False,
                                     label=_("ช่องทาง"), empty_label=_("ทุกช่องทาง"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = selectors.channels()


class RequirementForm(forms.Form):
    """A requirement row, with one "at least n through this channel" field per channel."""

    name = forms.CharField(label=_("ชื่อเกณฑ์"), max_length=120)
    role = forms.ChoiceField(label=_("บทบาท"), required=False,
                             choices=[("", _("ทุกบทบาท")), *Role.choices])
    org_kind = forms.ChoiceField(label=_("ประเภทหน่วยงาน"), required=False,
                                 choices=[("", _("ทุกประเภท")), *OrgKind.choices])
    position_prefix = forms.CharField(label=_("ตำแหน่งขึ้นต้นด้วย"), max_length=120,
                                      required=False)
    min_courses = forms.IntegerField(label=_("จำนวนหลักสูตรขั้นต่ำต่อรอบ"), min_value=1,
                                     max_value=50)
    priority = forms.IntegerField(label=_("ลำดับความสำคัญ"), min_value=-1000, max_value=1000,
                                  initial=0)
    is_active = forms.BooleanField(label=_("ใช้งาน"), required=False, initial=True)

    def __init__(self, *args, requirement=None, **kwargs):
        if requirement is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": requirement.name, "role": requirement.role,
                "org_kind": requirement.org_kind,
                "position_prefix": requirement.position_prefix,
                "min_courses": requirement.min_courses, "priority": requirement.priority,
                "is_active": requirement.is_active,
                **{f"channel_{c.channel_id}": c.minimum
                   for c in requirement.channel_minimums.all()},
            }
        super().__init__(*args, **kwargs)
        self.channels = list(selectors.channels(active_only=False))
        for channel in self.channels:
            self.fields[f"channel_{channel.pk}"] = forms.IntegerField(
                label=_("อย่างน้อยผ่านช่องทาง %(channel)s") % {"channel": channel.name},
                min_value=0, max_value=50, required=False, initial=0)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"], "role": data["role"], "org_kind": data["org_kind"],
            "position_prefix": data["position_prefix"], "min_courses": data["min_courses"],
            "priority": data["priority"], "is_active": data["is_active"],
            "channel_minimums": {c.pk: data.get(f"channel_{c.pk}") or 0 for c in self.channels},
        }

    def channel_fields(self):
        return [self[f"channel_{c.pk}"] for c in self.channels]
