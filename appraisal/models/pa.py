"""PA results (PA3, ว9/2564; RULES.md §4.1.3, §4.3): one per teacher and fiscal year."""


from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from appraisal.models.applications import _hashed_path
from personnel.choices import EducationLevel
from personnel.models import Person

score_60 = [MinValueValidator(0), MaxValueValidator(60)]
score_40 = [MinValueValidator(0), MaxValueValidator(40)]


def pa3_path(instance, filename):
    return _hashed_path("pa3", instance.organization_id, filename)


class PAResult(models.Model):
    """แบบสรุปผลการประเมิน PA (PA3) of one teacher for one fiscal year (RULES §4.3)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="pa_results",
                               verbose_name=_("ผู้รับการประเมิน"))
    # the school that entered it; scoping follows it
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("สถานศึกษา"))
    fiscal_year_be = models.PositiveSmallIntegerField(_("ปีงบประมาณ (พ.ศ.)"))
    part1_1 = models.DecimalField(_("ส่วนที่ 1 กรรมการคนที่ 1"), max_digits=4, decimal_places=2,
                                  validators=score_60)
    part1_2 = models.DecimalField(_("ส่วนที่ 1 กรรมการคนที่ 2"), max_digits=4, decimal_places=2,
                                  validators=score_60)
    part1_3 = models.DecimalField(_("ส่วนที่ 1 กรรมการคนที่ 3"), max_digits=4, decimal_places=2,
                                  validators=score_60)
    part2_1 = models.DecimalField(_("ส่วนที่ 2 กรรมการคนที่ 1"), max_digits=4, decimal_places=2,
                                  validators=score_40)
    part2_2 = models.DecimalField(_("ส่วนที่ 2 กรรมการคนที่ 2"), max_digits=4, decimal_places=2,
                                  validators=score_40)
    part2_3 = models.DecimalField(_("ส่วนที่ 2 กรรมการคนที่ 3"), max_digits=4, decimal_places=2,
                                  validators=score_40)
    education_level = models.CharField(_("ระดับที่สอน"), max_length=24,
                                       choices=EducationLevel.choices)
    teaching_hours = models.DecimalField(_("ชั่วโมงสอนตามตาราง/สัปดาห์"), max_digits=4,
                                         decimal_places=1)
    total_hours = models.DecimalField(_("ภาระงานรวม/สัปดาห์"), max_digits=4, decimal_places=1)
    workload_met = models.BooleanField(_("ภาระงานเป็นไปตามที่ ก.ค.ศ. กำหนด"))
    pa3_file = models.FileField(_("ไฟล์ PA3 (PDF)"), upload_to=pa3_path)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+", verbose_name=_("บันทึกโดย"))
    entered_at = models.DateTimeField(_("บันทึกเมื่อ"), auto_now_add=True)
    updated_at = models.DateTimeField(_("แก้ไขเมื่อ"), auto_now=True)

    class Meta:
        verbose_name = _("ผลการประเมิน PA")
        verbose_name_plural = _("ผลการประเมิน PA")
        ordering = ["person_id", "-fiscal_year_be"]
        constraints = [
            models.UniqueConstraint(fields=["person", "fiscal_year_be"], name="pa_result_unique"),
            models.CheckConstraint(
                condition=Q(part1_1__gte=0, part1_1__lte=60, part1_2__gte=0, part1_2__lte=60,
                            part1_3__gte=0, part1_3__lte=60, part2_1__gte=0, part2_1__lte=40,
                            part2_2__gte=0, part2_2__lte=40, part2_3__gte=0, part2_3__lte=40),
                name="pa_result_score_range"),
        ]
        indexes = [models.Index(fields=["organization", "fiscal_year_be"],
                                name="pa_result_org_year")]

    def __str__(self):
        return f"PA3 {self.fiscal_year_be} {self.person}"

    @property
    def totals(self) -> tuple:
        return (self.part1_1 + self.part2_1, self.part1_2 + self.part2_2,
                self.part1_3 + self.part2_3)

    @property
    def passed(self) -> bool:
        from appraisal.rules import pa_passed

        return pa_passed(self.totals, workload_met=self.workload_met)
