"""e-Learning (RULES.md §5, seed 002): channels and courses, rounds of the fiscal year, the
requirement rows per role, completions with their certificates, extra holidays, and each unit's
report of a round with its late penalty.

Who learns: a user with an active membership (the portal's account), so that provincial-office
staff, who have no ก.พ.7 teacher record, are counted like teachers. A completion keeps the unit
(``organization``) the learner belonged to when it was recorded: that unit's supervisors decide
it, and every list of completions is scoped through it.
"""

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from accounts.rules import OrgKind, Role
from core.models import DecidedRequest

from . import rules


class Channel(models.Model):
    """A learning channel: OCSC Learning Portal, Thai MOOC, Local MOOC (seed 002) and more that
    an admin adds."""

    code = models.SlugField(_("รหัสช่องทาง"), max_length=40, unique=True)
    name = models.CharField(_("ชื่อช่องทาง"), max_length=120, unique=True)
    url = models.URLField(_("เว็บไซต์"), blank=True)
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)
    is_active = models.BooleanField(_("ใช้งาน"), default=True)

    class Meta:
        verbose_name = _("ช่องทางการเรียนรู้")
        verbose_name_plural = verbose_name
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class Course(models.Model):
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="courses",
                                verbose_name=_("ช่องทาง"))
    name = models.CharField(_("ชื่อหลักสูตร"), max_length=255)
    code = models.CharField(_("รหัสหลักสูตร"), max_length=60, blank=True)
    hours = models.DecimalField(_("จำนวนชั่วโมง"), max_digits=5, decimal_places=1, null=True,
                                blank=True, validators=[MinValueValidator(0)])
    is_active = models.BooleanField(_("ใช้งาน"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("ผู้เพิ่ม"))
    created_at = models.DateTimeField(_("เพิ่มเมื่อ"), auto_now_add=True)

    class Meta:
        verbose_name = _("หลักสูตร")
        verbose_name_plural = verbose_name
        ordering = ["channel__order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "name"], name="course_unique_name"),
            models.UniqueConstraint(fields=["channel", "code"], condition=~Q(code=""),
                                    name="course_unique_code"),
        ]

    def __str__(self):
        return f"{self.name} ({self.channel.name})" if self.channel_id else self.name


class RoundNumber(models.IntegerChoices):
    FIRST = rules.ROUND_1, _("รอบที่ 1 (1 ตุลาคม – 31 มีนาคม)")
    SECOND = rules.ROUND_2, _("รอบที่ 2 (1 เมษายน – 30 กันยายน)")


class Round(models.Model):
    """An evaluation round of a fiscal year, with its report window. Every date is data: the
    defaults come from ``rules.default_round_dates`` (seed 002) and an admin may change them."""

    fiscal_year_be = models.PositiveSmallIntegerField(_("ปีงบประมาณ (พ.ศ.)"))
    number = models.PositiveSmallIntegerField(_("รอบที่"), choices=RoundNumber.choices)
    starts_on = models.DateField(_("เริ่มรอบ"))
    ends_on = models.DateField(_("สิ้นสุดรอบ"))
    report_opens_on = models.DateField(_("เริ่มส่งรายงาน"))
    report_deadline = models.DateField(_("กำหนดส่งรายงาน"))
    cutoff_on = models.DateField(_("วันสุดท้ายที่นำผลมาประเมิน"),
                                 help_text=_("ส่งหลังวันนี้ จะไม่นำมาประกอบการประเมินผล"))

    class Meta:
        verbose_name = _("รอบการประเมิน e-Learning")
        verbose_name_plural = verbose_name
        ordering = ["-fiscal_year_be", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year_be", "number"],
                                    name="one_round_per_number"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")),
                                   name="round_ends_after_start"),
            models.CheckConstraint(
                condition=Q(report_deadline__gte=F("report_opens_on"))
                & Q(cutoff_on__gte=F("report_deadline")),
                name="round_report_dates_in_order"),
        ]

    def __str__(self):
        return _("รอบที่ %(n)d/%(fy)d") % {"n": self.number, "fy": self.fiscal_year_be}

    def contains(self, day) -> bool:
        return self.starts_on <= day <= self.ends_on


class Requirement(models.Model):
    """What a group of people must pass in a round: a row of data, selected by role, kind of
    organisation and the beginning of the position written on the membership. The row of highest
    priority that selects any of a person's memberships applies (``rules.applicable_requirement``).

    seed 002 gives two: everyone (1 course) and the head of a provincial office, ท้องถิ่นจังหวัด
    (3 courses, 2 of them through Local MOOC), selected by kind = province and a position that
    begins with "ท้องถิ่นจังหวัด" (the portal records it on the membership, as the demo's
    province admins have it)."""

    name = models.CharField(_("ชื่อเกณฑ์"), max_length=120)
    role = models.CharField(_("บทบาท"), max_length=20, choices=Role.choices, blank=True,
                            help_text=_("ว่าง = ทุกบทบาท"))
    org_kind = models.CharField(_("ประเภทหน่วยงาน"), max_length=16, choices=OrgKind.choices,
                                blank=True, help_text=_("ว่าง = ทุกประเภท"))
    position_prefix = models.CharField(
        _("ตำแหน่งขึ้นต้นด้วย"), max_length=120, blank=True,
        help_text=_("ตำแหน่งที่บันทึกไว้กับบทบาทในหน่วยงาน เช่น ท้องถิ่นจังหวัด; ว่าง = ทุกตำแหน่ง"))
    min_courses = models.PositiveSmallIntegerField(_("จำนวนหลักสูตรขั้นต่ำต่อรอบ"), default=1,
                                                   validators=[MinValueValidator(1)])
    priority = models.SmallIntegerField(
        _("ลำดับความสำคัญ"), default=0,
        help_text=_("ถ้าบุคคลเข้าได้หลายเกณฑ์ ใช้เกณฑ์ที่ลำดับความสำคัญสูงกว่า"))
    is_active = models.BooleanField(_("ใช้งาน"), default=True)

    class Meta:
        verbose_name = _("เกณฑ์การเรียนรู้ต่อรอบ")
        verbose_name_plural = verbose_name
        ordering = ["-priority", "name"]
        constraints = [
            models.UniqueConstraint(fields=["role", "org_kind", "position_prefix"],
                                    condition=Q(is_active=True), name="one_active_requirement"),
            models.CheckConstraint(condition=Q(min_courses__gte=1),
                                   name="requirement_at_least_one_course"),
        ]

    def __str__(self):
        return self.name


class RequirementChannel(models.Model):
    """At least ``minimum`` of the requirement's courses through ``channel``."""

    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE,
                                    related_name="channel_minimums", verbose_name=_("เกณฑ์"))
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("ช่องทาง"))
    minimum = models.PositiveSmallIntegerField(_("อย่างน้อย (หลักสูตร)"),
                                               validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("ขั้นต่ำต่อช่องทาง")
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["requirement", "channel"],
                                    name="one_minimum_per_channel"),
            models.CheckConstraint(condition=Q(minimum__gte=1), name="channel_minimum_positive"),
        ]

    def __str__(self):
        return f"{self.channel} ≥ {self.minimum}"


def _certificate_path(instance, filename):
    # Hashed names per organisation: nothing guessable, nothing that says whose file it is.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"elearning/{instance.organization_id}/{uuid.uuid4().hex}.{suffix}"


class CompletionStatus(models.TextChoices):
    PENDING = "pending", _("รอตรวจสอบ")
    ACCEPTED = "accepted", _("รับรองแล้ว")
    REJECTED = "rejected", _("ไม่รับรอง")


class CompletionSource(models.TextChoices):
    SELF = "self", _("บันทึกด้วยตนเอง")
    IMPORT = "import", _("นำเข้าจากไฟล์")


class Completion(DecidedRequest):
    """A course passed, with the certified copy of its certificate; the unit's supervisor
    accepts it or rejects it with a reason. Only accepted completions count."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="elearning_completions", verbose_name=_("ผู้เรียน"))
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("สังกัด"))
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="completions",
                               verbose_name=_("หลักสูตร"))
    completed_on = models.DateField(_("วันที่ผ่านการอบรม"))
    certificate = models.FileField(_("สำเนาใบประกาศ"), upload_to=_certificate_path, blank=True)
    certificate_type = models.CharField(_("ชนิดไฟล์"), max_length=60, blank=True)
    certificate_size = models.PositiveIntegerField(_("ขนาด (ไบต์)"), default=0)
    status = models.CharField(_("สถานะ"), max_length=10, choices=CompletionStatus.choices,
                              default=CompletionStatus.PENDING)
    source = models.CharField(_("ที่มา"), max_length=10, choices=CompletionSource.choices,
                              default=CompletionSource.SELF)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("ผู้บันทึก"))
    created_at = models.DateTimeField(_("บันทึกเมื่อ"), auto_now_add=True)

    class Meta:
        verbose_name = _("ผลการเรียน e-Learning")
        verbose_name_plural = verbose_name
        ordering = ["-completed_on", "-id"]
        indexes = [
            models.Index(fields=["organization", "status"], name="completion_org_status"),
            models.Index(fields=["user", "completed_on"], name="completion_user_date"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["user", "course", "completed_on"],
                                    condition=~Q(status="rejected"),
                                    name="completion_once_per_day"),
            models.CheckConstraint(condition=~Q(status="rejected") | ~Q(decision_reason=""),
                                   name="completion_rejected_has_reason"),
            models.CheckConstraint(condition=Q(status="pending") | Q(decided_at__isnull=False),
                                   name="completion_decided_has_time"),
        ]

    def __str__(self):
        return f"{self.user} — {self.course}"


class ExtraHoliday(models.Model):
    """A day off that the holiday library does not know (a special holiday the cabinet
    declares): not a working day when a late penalty is counted."""

    date = models.DateField(_("วันที่"), unique=True)
    name = models.CharField(_("ชื่อวันหยุด"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("ผู้เพิ่ม"))
    created_at = models.DateTimeField(_("เพิ่มเมื่อ"), auto_now_add=True)

    class Meta:
        verbose_name = _("วันหยุดเพิ่มเติม")
        verbose_name_plural = verbose_name
        ordering = ["date"]

    def __str__(self):
        return f"{self.date.isoformat()} {self.name}"


class UnitReport(models.Model):
    """A unit's report of a round (Excel and the signed document with the certificates): when
    it was submitted, the penalty that follows (seed 002) and the KPI it reported."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="reports",
                              verbose_name=_("รอบ"))
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("หน่วยงาน"))
    submitted_on = models.DateField(_("วันที่ส่งรายงาน"))
    working_days_late = models.PositiveSmallIntegerField(_("ล่าช้า (วันทำการ)"), default=0)
    penalty = models.DecimalField(_("คะแนนที่ถูกปรับลด"), max_digits=5, decimal_places=2,
                                  default=0)
    counted = models.BooleanField(_("นำมาประกอบการประเมิน"), default=True)
    staff_total = models.PositiveIntegerField(_("บุคลากรทั้งหมด"), default=0)
    staff_passed = models.PositiveIntegerField(_("บุคลากรที่ผ่านเกณฑ์"), default=0)
    note = models.CharField(_("หมายเหตุ"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("ผู้บันทึก"))
    recorded_at = models.DateTimeField(_("บันทึกเมื่อ"), auto_now=True)

    class Meta:
        verbose_name = _("การส่งรายงาน e-Learning")
        verbose_name_plural = verbose_name
        ordering = ["-round__fiscal_year_be", "-round__number", "organization__path"]
        constraints = [
            models.UniqueConstraint(fields=["round", "organization"],
                                    name="one_report_per_unit_and_round"),
            models.CheckConstraint(condition=Q(staff_passed__lte=F("staff_total")),
                                   name="report_passed_within_total"),
        ]

    def __str__(self):
        return f"{self.organization} {self.round}"

    @property
    def percent(self) -> int:
        return rules.percent(self.staff_passed, self.staff_total)
