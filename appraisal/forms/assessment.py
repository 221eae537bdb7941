"""Forms of the expert registry, the draw and the invitations (appraisal part 2)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import scoping
from accounts.scoping import Access
from appraisal import selectors
from appraisal.choices import ConflictKind, DeclineKind
from appraisal.models import SubjectArea
from personnel.choices import AcademicStanding

DATE = {"type": "date"}


class ExpertForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("จังหวัด/หน่วยงานที่ขึ้นบัญชี"), queryset=None,
                                          empty_label=None)
    title_th = forms.CharField(label=_("คำนำหน้าชื่อ"), max_length=50, required=False)
    first_name = forms.CharField(label=_("ชื่อ"), max_length=150)
    last_name = forms.CharField(label=_("นามสกุล"), max_length=150)
    national_id = forms.CharField(label=_("เลขประจำตัวประชาชน"), max_length=17, required=False,
                                  help_text=_("ไม่บังคับ ใช้ตรวจว่าไม่ใช่ผู้ขอรับการประเมินเอง"))
    email = forms.EmailField(label=_("อีเมล"), required=False)
    phone = forms.CharField(label=_("โทรศัพท์"), max_length=30, required=False)
    position = forms.CharField(label=_("ตำแหน่ง/วิทยฐานะ"), max_length=200, required=False)
    home_organization_code = forms.CharField(
        label=_("รหัสหน่วยงานต้นสังกัด (ในระบบ)"), max_length=20, required=False,
        help_text=_("เว้นว่างถ้าอยู่นอกระบบ แล้วกรอกชื่อหน่วยงานด้านล่าง"))
    home_organization_name = forms.CharField(label=_("หน่วยงานต้นสังกัด (นอกระบบ)"),
                                             max_length=255, required=False)
    subject_areas = forms.ModelMultipleChoiceField(
        label=_("สาขาที่ประเมินได้ (ตามประเภทห้องเรียน)"), queryset=SubjectArea.objects.all(),
        widget=forms.SelectMultiple(attrs={"size": 12}))
    standings = forms.MultipleChoiceField(
        label=_("วิทยฐานะที่ประเมินได้"), widget=forms.CheckboxSelectMultiple,
        choices=[(v, label) for v, label in AcademicStanding.choices
                 if v != AcademicStanding.NONE])
    active_from = forms.DateField(label=_("ขึ้นบัญชีตั้งแต่"),
                                  widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    active_to = forms.DateField(label=_("ถึงวันที่"), required=False,
                                widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    max_concurrent = forms.IntegerField(label=_("จำนวนงานประเมินพร้อมกันสูงสุด"), min_value=1,
                                        max_value=50, initial=3)
    is_active = forms.BooleanField(label=_("ใช้งาน"), required=False, initial=True)
    username = forms.CharField(label=_("ผูกกับบัญชีผู้ใช้ (ชื่อผู้ใช้)"), max_length=150,
                               required=False,
                               help_text=_("เว้นว่าง: ผูกอัตโนมัติด้วยเลขประจำตัวประชาชน "
                                           "หรือเชิญเข้าระบบภายหลัง"))
    note = forms.CharField(label=_("หมายเหตุ"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["organization"].queryset = selectors.owner_choices(user)
        self.fields["subject_areas"].label_from_instance = (
            lambda a: f"{a.get_classroom_type_display()} · {a.name}")
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select"
            else:
                widget.attrs["class"] = "form-control"

    def clean_home_organization_code(self):
        code = (self.cleaned_data.get("home_organization_code") or "").strip()
        if not code:
            return None
        # only what the user administers: a lookup never reaches another province's units
        org = scoping.organizations(self.user, Access.ADMINISTER).filter(code=code).first()
        if org is None:
            raise forms.ValidationError(_("ไม่พบรหัสหน่วยงานนี้ในหน่วยงานที่ท่านดูแล"))
        return org

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["home_organization"] = data.pop("home_organization_code")
        return data


class ExpertFilterForm(forms.Form):
    POOL, MINE = "pool", "mine"
    scope = forms.ChoiceField(label=_("แสดง"), required=False, choices=[
        (POOL, _("ทุกคนที่ใช้ในการสุ่ม (ทุกจังหวัด)")),
        (MINE, _("เฉพาะที่หน่วยงานของฉันขึ้นบัญชี (แก้ไขได้)"))],
        widget=forms.Select(attrs={"class": "form-select", "aria-label": _("แสดง"),
                                   "data-testid": "expert-scope"}))
    q = forms.CharField(label=_("ค้นหาชื่อหรือหน่วยงาน"), required=False)
    subject_area = forms.ModelChoiceField(label=_("สาขา"), queryset=SubjectArea.objects.all(),
                                          required=False, empty_label=_("ทุกสาขา"))
    standing = forms.ChoiceField(label=_("วิทยฐานะ"), required=False, choices=[
        ("", _("ทุกระดับ")), *[(v, label) for v, label in AcademicStanding.choices
                                if v != AcademicStanding.NONE]])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject_area"].label_from_instance = (
            lambda a: f"{a.get_classroom_type_display()} · {a.name}")


class ImportForm(forms.Form):
    file = forms.FileField(label=_("ไฟล์ Excel (.xlsx) หรือ CSV"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))
    good_rows_only = forms.BooleanField(label=_("นำเข้าเฉพาะแถวที่ถูกต้อง (ข้ามแถวที่ผิด)"),
                                        required=False)


# What the pages say about the public value of a draw (docs/assessment-rules.md §1.2)
PUBLIC_VALUE_HELP = _(
    "ค่าสาธารณะคือข้อความหรือตัวเลขที่ทุกคนตรวจสอบได้ และไม่มีใครรู้ได้ในเวลาที่เผยแพร่ค่าผูกมัด "
    "เช่น ผลสลากกินแบ่งรัฐบาลรางวัลที่ 1 ของงวดที่ระบุไว้ล่วงหน้า (งวดแรกที่ออกหลังเผยแพร่ค่าผูกมัด) "
    "หรือตัวเลขที่ประธานจับสลากและประกาศในที่ประชุม ให้พิมพ์ตามที่ประกาศ พร้อมระบุที่มา "
    "เช่น “สลากกินแบ่งรัฐบาล งวด 16 มีนาคม 2569 รางวัลที่ 1 845621” ห้ามใช้ค่าที่ผู้สุ่มเลือกเองได้")
PUBLIC_SOURCE_HELP = _(
    "ไม่บังคับ แต่ควรระบุล่วงหน้าว่าจะใช้ค่าสาธารณะจากแหล่งใด เช่น “สลากกินแบ่งรัฐบาลรางวัลที่ 1 "
    "งวดแรกหลังวันประชุม” เพื่อไม่ให้ใครเลือกแหล่งภายหลังได้")


class ApproveForm(forms.Form):
    meeting_ref = forms.CharField(label=_("การประชุมคณะกรรมการ (ครั้งที่/วันที่)"), max_length=200,
                                  required=False)
    public_source = forms.CharField(label=_("แหล่งของค่าสาธารณะที่จะใช้สุ่ม"), max_length=300,
                                    required=False, help_text=PUBLIC_SOURCE_HELP)


class CommitmentForm(forms.Form):
    public_source = forms.CharField(label=_("แหล่งของค่าสาธารณะที่จะใช้สุ่ม"), max_length=300,
                                    required=False, help_text=PUBLIC_SOURCE_HELP)


class DrawForm(forms.Form):
    public_value = forms.CharField(label=_("ค่าสาธารณะ"), max_length=500,
                                   help_text=PUBLIC_VALUE_HELP)


class DeclineForm(forms.Form):
    kind = forms.ChoiceField(label=_("เหตุที่ปฏิเสธ"), choices=DeclineKind.choices,
                             initial=DeclineKind.OTHER, widget=forms.RadioSelect)
    conflict_kind = forms.ChoiceField(
        label=_("ความสัมพันธ์กับผู้ขอ (เมื่อมีส่วนได้เสีย)"), required=False,
        choices=[("", "—"), *ConflictKind.choices])
    reason = forms.CharField(label=_("เหตุผลที่ปฏิเสธ"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class ConflictForm(forms.Form):
    kind = forms.ChoiceField(label=_("ความสัมพันธ์"), choices=ConflictKind.choices)
    national_id = forms.CharField(label=_("เลขประจำตัวประชาชนของบุคคลนั้น"), max_length=17,
                                  required=False,
                                  help_text=_("ถ้าทราบ: ระบบใช้จับคู่กับผู้ขอรับการประเมินทุกคำขอ"))
    first_name = forms.CharField(label=_("ชื่อ"), max_length=150, required=False)
    last_name = forms.CharField(label=_("นามสกุล"), max_length=150, required=False)
    until = forms.DateField(
        label=_("อยู่สถานศึกษาเดียวกันถึงวันที่"), required=False,
        widget=forms.DateInput(attrs={**DATE, "class": "form-control"}, format="%Y-%m-%d"),
        help_text=_("เฉพาะความสัมพันธ์ “ปฏิบัติงานในสถานศึกษาเดียวกัน” เว้นว่างถ้ายังอยู่ด้วยกัน"))
    note = forms.CharField(label=_("หมายเหตุ"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "conflict_%s")  # beside the expert's form on one page
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field.widget, forms.Select)
                else "form-control")


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("เหตุผล"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))
