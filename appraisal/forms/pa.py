"""Forms of the PA results pages (RULES.md §4.3): the list's filters and the PA3 entry."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import scoping
from accounts.rules import OrgKind
from accounts.scoping import Access
from core.forms import BootstrapForm
from personnel import selectors as personnel_selectors
from personnel.choices import EducationLevel

SCORE_FIELDS = {
    # field: (assessor, part, maximum)
    "part1_1": (1, 1, 60), "part2_1": (1, 2, 40),
    "part1_2": (2, 1, 60), "part2_2": (2, 2, 40),
    "part1_3": (3, 1, 60), "part2_3": (3, 2, 40),
}
YEAR_MIN, YEAR_MAX = 2560, 2700  # PA (ว9/2564) began in fiscal year 2565


def schools_for(user):
    """The schools whose results ``user`` works on (the filter's dropdown)."""
    return scoping.organizations(user, Access.WORK).filter(kind=OrgKind.SCHOOL).order_by("name")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name_th} ({obj.organization.name})"


class PAFilterForm(BootstrapForm):
    fiscal_year_be = forms.IntegerField(label=_("ปีงบประมาณ (พ.ศ.)"), required=False,
                                        min_value=YEAR_MIN, max_value=YEAR_MAX)
    school = forms.ModelChoiceField(label=_("สถานศึกษา"), queryset=None, required=False,
                                    empty_label=_("ทุกสถานศึกษา"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools_for(user)


class PAResultForm(BootstrapForm):
    """One teacher's PA3 of one fiscal year. Whether the workload met the standard is not asked:
    the service computes it from the hours (ว21/2564)."""

    person = PersonChoiceField(label=_("ผู้รับการประเมิน"), queryset=None,
                               empty_label=_("— เลือก —"))
    fiscal_year_be = forms.IntegerField(label=_("ปีงบประมาณ (พ.ศ.)"), min_value=YEAR_MIN,
                                        max_value=YEAR_MAX,
                                        help_text=_("1 ต.ค. ถึง 30 ก.ย. เช่น 2568"))
    education_level = forms.ChoiceField(label=_("ระดับที่สอน"), choices=EducationLevel.choices)
    teaching_hours = forms.DecimalField(label=_("ชั่วโมงสอนตามตาราง (ชั่วโมง/สัปดาห์)"),
                                        max_digits=4, decimal_places=1, min_value=0)
    total_hours = forms.DecimalField(label=_("ภาระงานรวม (ชั่วโมง/สัปดาห์)"), max_digits=4,
                                     decimal_places=1, min_value=0)
    # required for a new result: the service says so (one rule, one place)
    pa3_file = forms.FileField(
        label=_("แบบสรุปผลการประเมิน PA3 (PDF ไม่เกิน 10 MB)"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}))

    def __init__(self, *args, user, result=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (assessor, part, maximum) in SCORE_FIELDS.items():
            self.fields[name] = forms.DecimalField(
                label=_("กรรมการคนที่ %(n)s ส่วนที่ %(part)s (เต็ม %(max)s)") % {
                    "n": assessor, "part": part, "max": maximum},
                max_digits=4, decimal_places=2, min_value=0, max_value=maximum)
        # Only people the user may see are offered (a dropdown never lists other units).
        self.fields["person"].queryset = personnel_selectors.people_for(user).select_related(
            "organization").order_by("first_name", "last_name", "pk")
        self.result = result
        if result is not None:
            # a correction: the teacher and the year are the key of the row, not edited here
            self.fields["person"].disabled = True
            self.fields["fiscal_year_be"].disabled = True
            self.fields["pa3_file"].help_text = _("เว้นว่างไว้หากไม่เปลี่ยนไฟล์เดิม")

    def score_rows(self):
        """[(assessor, part-1 field, part-2 field)] for the template's table."""
        return [(n, self[f"part1_{n}"], self[f"part2_{n}"]) for n in (1, 2, 3)]

    @property
    def scores(self) -> dict:
        return {name: self.cleaned_data[name] for name in SCORE_FIELDS}
