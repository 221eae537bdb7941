from django import forms
from django.utils.translation import gettext_lazy as _

from appraisal.choices import ClassroomType, ShortenGround
from appraisal.models import SubjectArea


class ApplicationForm(forms.Form):
    classroom_type = forms.ChoiceField(label=_("ประเภทห้องเรียนที่จัดการเรียนรู้"),
                                       choices=ClassroomType.choices)
    subject_area = forms.ModelChoiceField(
        label=_("รายวิชา/วิชา/สาขา/กลุ่มสาระการเรียนรู้ (ว31/2565)"),
        queryset=SubjectArea.objects.all(), empty_label=_("— เลือก —"))
    work_title = forms.CharField(label=_("ชื่อผลงาน/เรื่องที่เสนอ"), max_length=300)
    shorten_ground = forms.ChoiceField(label=_("การขอลดระยะเวลาจาก 4 ปี เหลือ 3 ปี"),
                                       choices=ShortenGround.choices, required=False)

    def clean(self):
        data = super().clean()
        area, kind = data.get("subject_area"), data.get("classroom_type")
        if area and kind and area.classroom_type != kind:
            self.add_error("subject_area", _("สาขาที่เลือกไม่อยู่ในประเภทห้องเรียนนี้ (ว31/2565)"))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("เหตุผลที่ส่งคืน"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=2000)


class CheckForm(forms.Form):
    passed = forms.TypedChoiceField(
        label=_("ผลการตรวจสอบ"), coerce=lambda v: v == "1",
        choices=[("1", _("ผ่าน/ครบถ้วน")), ("0", _("ไม่ผ่าน/ไม่ครบถ้วน"))],
        widget=forms.RadioSelect)
    note = forms.CharField(label=_("หมายเหตุ"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    upload = forms.FileField(label=_("เอกสารประกอบการพิจารณา (PDF ไม่เกิน 10 MB)"),
                             required=False)


class CheckRowForm(CheckForm):
    """One check's row of the form that records every check of a request at once (prefix: the
    check's kind). A row left without a verdict is not recorded; the note is the reason an
    overrule needs."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["passed"].required = False
        self.fields["passed"].empty_value = None
        self.fields["note"].label = _("หมายเหตุ / เหตุผล")


class SubmitForm(forms.Form):
    confirm_failed = forms.BooleanField(required=False, label=_(
        "ข้าพเจ้ารับทราบว่าระบบตรวจพบว่าคุณสมบัติบางรายการยังไม่ผ่าน "
        "และยืนยันยื่นคำขอให้สถานศึกษาและหน่วยงานต้นสังกัดพิจารณา"))


class CertifyForm(forms.Form):
    confirm = forms.BooleanField(label=_(
        "ขอรับรองว่าผู้ขอมีคุณสมบัติตามหลักเกณฑ์ และข้อมูลคำขอ/หลักฐานถูกต้องครบถ้วน "
        "(การรับรองข้อมูลจะไม่สามารถย้อนกลับไปแก้ไขข้อมูลได้อีก)"), required=False)


class QueueFilterForm(forms.Form):
    q = forms.CharField(label=_("ค้นหาชื่อ"), required=False, max_length=100)
    state = forms.ChoiceField(label=_("สถานะ"), required=False)

    def __init__(self, *args, **kwargs):
        from appraisal.choices import ApplicationState

        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("ทุกสถานะ")), *[
            c for c in ApplicationState.choices if c[0] != ApplicationState.DRAFT]]
