"""The ก.พ.7 registry (RULES.md §3): people, their current employment, and dated history lines.

Nothing here is ever deleted: a person leaves the active roster by a status change, and a
history line is corrected by a new line, not by editing the old one away.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts import national_id
from accounts.models import Organization, ThaiNamesMixin
from core.models import DecidedRequest

from .choices import (
    AcademicStanding,
    CEFRLevel,
    DegreeLevel,
    DisciplinaryPenalty,
    EducationLevel,
    EthicsRuling,
    Gender,
    HardshipArea,
    PerformanceLevel,
    PersonStatus,
    PositionType,
    SalaryRank,
    SalaryRound,
)


class Person(ThaiNamesMixin, models.Model):
    national_id = models.CharField(
        _("เลขประจำตัวประชาชน"), max_length=13, unique=True,
        validators=[national_id.validate_national_id],
    )
    title_th = models.CharField(_("คำนำหน้าชื่อ"), max_length=50, blank=True)
    first_name = models.CharField(_("ชื่อ"), max_length=150)
    last_name = models.CharField(_("นามสกุล"), max_length=150)
    title_en = models.CharField(_("คำนำหน้าชื่อ (อังกฤษ)"), max_length=50, blank=True)
    first_name_en = models.CharField(_("ชื่อ (อังกฤษ)"), max_length=150, blank=True)
    last_name_en = models.CharField(_("นามสกุล (อังกฤษ)"), max_length=150, blank=True)
    birth_date = models.DateField(_("วันเกิด"), null=True, blank=True)
    gender = models.CharField(_("เพศ"), max_length=8, choices=Gender.choices, blank=True)
    address = models.TextField(_("ที่อยู่"), blank=True)
    photo = models.FileField(_("รูปถ่าย"), upload_to="people/photos/%Y/", blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="person", verbose_name=_("บัญชีผู้ใช้"),
    )

    # Current employment (ตำแหน่งปัจจุบัน). Its past is in PositionHistory.
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="people",
        verbose_name=_("สังกัด"),
    )
    position_type = models.CharField(
        _("ตำแหน่ง"), max_length=24, choices=PositionType.choices, default=PositionType.TEACHER
    )
    position_number = models.CharField(_("ตำแหน่งเลขที่"), max_length=30, blank=True)
    salary_rank = models.CharField(
        _("อันดับ"), max_length=16, choices=SalaryRank.choices, blank=True
    )
    salary = models.DecimalField(
        _("เงินเดือน"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    appointed_on = models.DateField(_("วันที่ดำรงตำแหน่งปัจจุบัน"), null=True, blank=True)
    standing = models.CharField(
        _("วิทยฐานะ"), max_length=24, choices=AcademicStanding.choices,
        default=AcademicStanding.NONE,
    )
    standing_granted_on = models.DateField(_("วันที่ได้รับวิทยฐานะ"), null=True, blank=True)

    status = models.CharField(
        _("สถานะ"), max_length=20, choices=PersonStatus.choices, default=PersonStatus.ACTIVE
    )
    status_effective_on = models.DateField(_("วันที่มีผล"), null=True, blank=True)
    created_at = models.DateTimeField(_("สร้างเมื่อ"), auto_now_add=True)
    updated_at = models.DateTimeField(_("แก้ไขเมื่อ"), auto_now=True)

    class Meta:
        verbose_name = _("บุคลากร")
        verbose_name_plural = _("บุคลากร")
        indexes = [
            models.Index(fields=["organization", "status", "last_name", "first_name"],
                         name="person_roster"),
            models.Index(fields=["last_name", "first_name"], name="person_name"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(national_id__regex=r"^[0-9]{13}$"),
                                   name="person_national_id_13_digits"),
            models.CheckConstraint(
                condition=Q(standing="none") | Q(standing_granted_on__isnull=False),
                name="person_standing_has_a_date",
            ),
        ]

    def __str__(self):
        return self.full_name_th

    @property
    def is_active(self) -> bool:
        return self.status == PersonStatus.ACTIVE


class HistoryLine(models.Model):
    """A dated line of a person's history, kept forever."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="%(class)s_lines",
                               verbose_name=_("บุคลากร"))
    note = models.CharField(_("หมายเหตุ"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("บันทึกเมื่อ"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("ผู้บันทึก"))

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self._meta.verbose_name} · {self.person_id}"


class PositionHistory(HistoryLine):
    """ตำแหน่งและอัตราเงินเดือน: one line per appointment, promotion or salary step."""

    effective_on = models.DateField(_("วันที่มีผล"))
    position_type = models.CharField(_("ตำแหน่ง"), max_length=24, choices=PositionType.choices)
    position_number = models.CharField(_("ตำแหน่งเลขที่"), max_length=30, blank=True)
    organization_name = models.CharField(_("สังกัด"), max_length=255)
    salary_rank = models.CharField(_("อันดับ"), max_length=16, choices=SalaryRank.choices,
                                   blank=True)
    salary = models.DecimalField(_("เงินเดือน"), max_digits=10, decimal_places=2, null=True,
                                 blank=True)
    standing = models.CharField(_("วิทยฐานะ"), max_length=24, choices=AcademicStanding.choices,
                                default=AcademicStanding.NONE)
    order_ref = models.CharField(_("คำสั่ง/เอกสารอ้างอิง"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("ประวัติตำแหน่งและเงินเดือน")
        verbose_name_plural = verbose_name
        ordering = ["person", "effective_on", "id"]


class Degree(HistoryLine):
    level = models.CharField(_("ระดับการศึกษา"), max_length=20, choices=DegreeLevel.choices)
    field_of_study = models.CharField(_("สาขาวิชา"), max_length=200)
    institution = models.CharField(_("สถาบัน"), max_length=200)
    graduated_on = models.DateField(_("วันที่สำเร็จการศึกษา"))
    certified_by_tcs = models.BooleanField(_("ก.ค.ศ. รับรอง"), default=False)
    learning_management = models.BooleanField(
        _("เกี่ยวข้องกับการจัดการเรียนรู้"), default=False,
        help_text=_("ว4/2564: วุฒิที่สูงขึ้นที่เกี่ยวข้องกับการจัดการเรียนรู้ (ไม่ใช่การบริหารการศึกษา)"),
    )
    used_to_shorten_tenure = models.BooleanField(_("ใช้ลดระยะเวลาแล้ว"), default=False)

    class Meta:
        verbose_name = _("วุฒิการศึกษา")
        verbose_name_plural = verbose_name
        ordering = ["person", "graduated_on", "id"]


class TeachingLicence(HistoryLine):
    number = models.CharField(_("เลขที่ใบอนุญาต"), max_length=40)
    issued_on = models.DateField(_("วันที่ออก"))
    expires_on = models.DateField(_("วันหมดอายุ"))

    class Meta:
        verbose_name = _("ใบอนุญาตประกอบวิชาชีพครู")
        verbose_name_plural = verbose_name
        ordering = ["person", "issued_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(expires_on__gt=F("issued_on")),
                                   name="licence_expires_after_issue"),
        ]


class DisciplinaryAction(HistoryLine):
    penalty = models.CharField(_("โทษทางวินัย"), max_length=20,
                               choices=DisciplinaryPenalty.choices)
    decided_on = models.DateField(_("วันที่มีคำสั่ง"))
    order_ref = models.CharField(_("คำสั่ง"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("การลงโทษทางวินัย")
        verbose_name_plural = verbose_name
        ordering = ["person", "decided_on", "id"]


class EthicsDecision(HistoryLine):
    ruling = models.CharField(_("คำวินิจฉัยจรรยาบรรณ"), max_length=20,
                              choices=EthicsRuling.choices)
    decided_on = models.DateField(_("วันที่วินิจฉัย"))
    order_ref = models.CharField(_("เอกสารอ้างอิง"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("คำวินิจฉัยจรรยาบรรณวิชาชีพ")
        verbose_name_plural = verbose_name
        ordering = ["person", "decided_on", "id"]


class PerformanceResult(HistoryLine):
    """ผลการประเมินเพื่อเลื่อนเงินเดือน per salary round."""

    fiscal_year_be = models.PositiveSmallIntegerField(_("ปีงบประมาณ (พ.ศ.)"))
    round = models.PositiveSmallIntegerField(_("ครั้งที่"), choices=SalaryRound.choices)
    level = models.CharField(_("ผลการประเมิน"), max_length=20, choices=PerformanceLevel.choices)

    class Meta:
        verbose_name = _("ผลการประเมินการเลื่อนเงินเดือน")
        verbose_name_plural = verbose_name
        ordering = ["person", "fiscal_year_be", "round"]
        constraints = [
            models.UniqueConstraint(fields=["person", "fiscal_year_be", "round"],
                                    name="one_performance_result_per_round"),
        ]


class LanguageTest(HistoryLine):
    test_name = models.CharField(_("ชื่อการทดสอบ"), max_length=120)
    cefr_level = models.CharField(_("ระดับ CEFR"), max_length=2, choices=CEFRLevel.choices)
    tested_on = models.DateField(_("วันที่ทดสอบ"))

    class Meta:
        verbose_name = _("ผลการทดสอบภาษา")
        verbose_name_plural = verbose_name
        ordering = ["person", "tested_on", "id"]


class HardshipService(HistoryLine):
    area = models.CharField(_("ลักษณะพื้นที่"), max_length=16, choices=HardshipArea.choices)
    organization_name = models.CharField(_("สถานศึกษา"), max_length=255)
    started_on = models.DateField(_("ตั้งแต่"))
    ended_on = models.DateField(_("ถึง"), null=True, blank=True)

    class Meta:
        verbose_name = _("การปฏิบัติงานในพื้นที่พิเศษ")
        verbose_name_plural = verbose_name
        ordering = ["person", "started_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="hardship_period_ends_after_start",
            ),
        ]


class ProfessionalQualification(HistoryLine):
    """ผ่านการประเมินสมรรถนะตามกรอบมาตรฐานคุณวุฒิวิชาชีพ ระดับ 8 (PQF level 8)."""

    level = models.PositiveSmallIntegerField(_("ระดับ"), default=8)
    passed_on = models.DateField(_("วันที่ผ่านการประเมิน"))
    used_to_shorten_tenure = models.BooleanField(_("ใช้ลดระยะเวลาแล้ว"), default=False)

    class Meta:
        verbose_name = _("คุณวุฒิวิชาชีพ")
        verbose_name_plural = verbose_name
        ordering = ["person", "passed_on", "id"]


class Workload(HistoryLine):
    """ภาระงานสอน per fiscal year (hours per week)."""

    fiscal_year_be = models.PositiveSmallIntegerField(_("ปีงบประมาณ (พ.ศ.)"))
    education_level = models.CharField(_("ระดับการศึกษา"), max_length=24,
                                       choices=EducationLevel.choices)
    teaching_hours = models.DecimalField(_("ชั่วโมงสอนตามตาราง/สัปดาห์"), max_digits=4,
                                         decimal_places=1)
    total_hours = models.DecimalField(_("ภาระงานรวม/สัปดาห์"), max_digits=4, decimal_places=1)

    class Meta:
        verbose_name = _("ภาระงาน")
        verbose_name_plural = verbose_name
        ordering = ["person", "fiscal_year_be", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(total_hours__gte=F("teaching_hours")),
                                   name="workload_total_covers_teaching"),
        ]


class StatusChange(HistoryLine):
    """เกษียณ ลาออก ปลดออก ไล่ออก ถึงแก่กรรม โอนย้าย: with the order that made it so."""

    status = models.CharField(_("สถานะใหม่"), max_length=20, choices=PersonStatus.choices)
    previous_status = models.CharField(_("สถานะเดิม"), max_length=20,
                                       choices=PersonStatus.choices)
    effective_on = models.DateField(_("วันที่มีผล"))
    order_ref = models.CharField(_("คำสั่ง"), max_length=120)
    to_organization = models.ForeignKey(Organization, on_delete=models.PROTECT, null=True,
                                        blank=True, related_name="+",
                                        verbose_name=_("ย้ายไปสังกัด"))

    class Meta:
        verbose_name = _("การเปลี่ยนสถานะ")
        verbose_name_plural = verbose_name
        ordering = ["person", "effective_on", "id"]


HISTORY_MODELS = (
    PositionHistory, Degree, TeachingLicence, DisciplinaryAction, EthicsDecision,
    PerformanceResult, LanguageTest, HardshipService, ProfessionalQualification, Workload,
    StatusChange,
)


def _document_path(instance, filename):
    # Hashed names per organisation: nothing guessable, nothing that says whose file it is.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"personnel/{instance.person.organization_id}/{uuid.uuid4().hex}.{suffix}"


class DocumentKind(models.TextChoices):
    PHOTO = "photo", _("รูปถ่าย")
    SCAN = "scan", _("เอกสารสแกน")


class PersonDocument(models.Model):
    """A scanned document or photo attached to a record; served only to those who may see it."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="documents",
                               verbose_name=_("บุคลากร"))
    kind = models.CharField(_("ประเภท"), max_length=8, choices=DocumentKind.choices)
    title = models.CharField(_("ชื่อเอกสาร"), max_length=200)
    file = models.FileField(_("ไฟล์"), upload_to=_document_path)
    content_type = models.CharField(_("ชนิดไฟล์"), max_length=60)
    size = models.PositiveIntegerField(_("ขนาด (ไบต์)"))
    uploaded_at = models.DateTimeField(_("อัปโหลดเมื่อ"), auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("ผู้อัปโหลด"))

    class Meta:
        verbose_name = _("เอกสารแนบ")
        verbose_name_plural = verbose_name
        ordering = ["person", "-uploaded_at", "-id"]

    def __str__(self):
        return self.title


class CertificationRound(models.Model):
    """A province's round of data certification (seed 003): LAOs certify their records, the
    province verifies them, by a deadline."""

    province = models.ForeignKey(Organization, on_delete=models.PROTECT,
                                 related_name="certification_rounds",
                                 verbose_name=_("จังหวัด"))
    fiscal_year_be = models.PositiveSmallIntegerField(_("ปีงบประมาณ (พ.ศ.)"))
    deadline = models.DateField(_("กำหนดส่ง"))
    created_at = models.DateTimeField(_("สร้างเมื่อ"), auto_now_add=True)

    class Meta:
        verbose_name = _("รอบการรับรองข้อมูล")
        verbose_name_plural = verbose_name
        ordering = ["-fiscal_year_be"]
        constraints = [
            models.UniqueConstraint(fields=["province", "fiscal_year_be"],
                                    name="one_certification_round_per_year"),
        ]

    def __str__(self):
        return f"{self.province.name} {self.fiscal_year_be}"


class CertificationStatus(models.TextChoices):
    CERTIFIED = "certified", _("อปท. รับรองแล้ว")
    VERIFIED = "verified", _("จังหวัดตรวจสอบและรับรองแล้ว")
    REOPENED = "reopened", _("มีการแก้ไขหลังรับรอง (ต้องรับรองใหม่)")


class LaoCertification(models.Model):
    """An LAO's certification of its records in a round, with a frozen snapshot of what was
    certified. An edit to any of its records afterwards reopens it."""

    round = models.ForeignKey(CertificationRound, on_delete=models.PROTECT,
                              related_name="certifications", verbose_name=_("รอบ"))
    lao = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+",
                            verbose_name=_("อปท."))
    status = models.CharField(_("สถานะ"), max_length=12, choices=CertificationStatus.choices)
    snapshot = models.JSONField(_("ข้อมูล ณ วันรับรอง"), default=dict)
    certified_at = models.DateTimeField(_("รับรองเมื่อ"))
    certified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, related_name="+", verbose_name=_("ผู้รับรอง"))
    verified_at = models.DateTimeField(_("จังหวัดรับรองเมื่อ"), null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("ผู้ตรวจสอบ (จังหวัด)"))
    reopened_at = models.DateTimeField(_("เปิดแก้ไขเมื่อ"), null=True, blank=True)

    class Meta:
        verbose_name = _("การรับรองข้อมูลของ อปท.")
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["round", "lao"], name="one_certification_per_lao"),
        ]

    def __str__(self):
        return f"{self.lao.name} {self.round.fiscal_year_be}"


class CorrectionStatus(models.TextChoices):
    PENDING = "pending", _("รอพิจารณา")
    APPROVED = "approved", _("อนุมัติ")
    REJECTED = "rejected", _("ไม่อนุมัติ")


class CorrectionRequest(DecidedRequest):
    """A staff member's proposal to correct their own record; their school admin decides."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="corrections",
                               verbose_name=_("บุคลากร"))
    changes = models.JSONField(_("ข้อมูลที่ขอแก้ไข"))
    reason = models.CharField(_("เหตุผล"), max_length=500)
    status = models.CharField(_("สถานะ"), max_length=10, choices=CorrectionStatus.choices,
                              default=CorrectionStatus.PENDING)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, related_name="+", verbose_name=_("ผู้ขอแก้ไข"))
    proposed_at = models.DateTimeField(_("ขอเมื่อ"), auto_now_add=True)

    class Meta:
        verbose_name = _("คำขอแก้ไขข้อมูล")
        verbose_name_plural = verbose_name
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(status="pending"),
                                    name="one_pending_correction_per_person"),
        ]

    def __str__(self):
        return f"{self.person} {self.get_status_display()}"


class MoveStatus(models.TextChoices):
    PENDING = "pending", _("รอพิจารณา")
    ACCEPTED = "accepted", _("ยอมรับ")
    DECLINED = "declined", _("ปฏิเสธ")


class MoveRequest(DecidedRequest):
    """ขอย้ายข้อมูล (ว22/2565): a school asks for the record of a person on another school's
    roster; that school (or its LAO) accepts or declines. On acceptance the record and the
    account move; the position history keeps where the person was."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="move_requests",
                               verbose_name=_("บุคลากร"))
    from_organization = models.ForeignKey(Organization, on_delete=models.PROTECT,
                                          related_name="+", verbose_name=_("จากสังกัด"))
    to_organization = models.ForeignKey(Organization, on_delete=models.PROTECT,
                                        related_name="+", verbose_name=_("ไปสังกัด"))
    reason = models.CharField(_("เหตุผล"), max_length=500)
    status = models.CharField(_("สถานะ"), max_length=10, choices=MoveStatus.choices,
                              default=MoveStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, related_name="+", verbose_name=_("ผู้ขอ"))
    requested_at = models.DateTimeField(_("ขอเมื่อ"), auto_now_add=True)

    class Meta:
        verbose_name = _("คำขอย้ายข้อมูล")
        verbose_name_plural = verbose_name
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(status="pending"),
                                    name="one_pending_move_per_person"),
        ]

    def __str__(self):
        return f"{self.person} {self.from_organization} → {self.to_organization}"
