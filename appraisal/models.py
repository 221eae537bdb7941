"""PA results and academic-standing applications (RULES.md §4; seed 004 steps 1–2)."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization, ThaiNamesMixin
from personnel.choices import AcademicStanding, EducationLevel
from personnel.models import Person

from .choices import (
    SEAT_HOLDING_STATES,
    ApplicationAction,
    ApplicationState,
    CheckKind,
    ClassroomType,
    DrawOutcome,
    EvidenceSlot,
    FileState,
    InvitationState,
    MediaKind,
    ShortenGround,
    Side,
)


def _hashed_path(prefix: str, organization_id: int, filename: str) -> str:
    # Files go to unguessable paths per organisation; the name the user gave is kept in a column.
    suffix = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "bin"
    return f"appraisal/{prefix}/{organization_id}/{uuid.uuid4().hex}.{suffix}"


def pa3_path(instance, filename):
    return _hashed_path("pa3", instance.organization_id, filename)


def evidence_path(instance, filename):
    return _hashed_path("evidence", instance.application.organization_id, filename)


def check_file_path(instance, filename):
    return _hashed_path("checks", instance.application.organization_id, "check.pdf")


class SubjectArea(models.Model):
    """รายวิชา/สาขา/กลุ่มสาระการเรียนรู้ of ว31/2565, per classroom type (seed 004 §14)."""

    classroom_type = models.CharField(_("ประเภทห้องเรียน"), max_length=20,
                                      choices=ClassroomType.choices)
    order = models.PositiveSmallIntegerField(_("ลำดับ"))
    name = models.CharField(_("สาขา"), max_length=120)
    # a teacher of a foreign language needs CEFR above B2, not above B1, to shorten tenure
    foreign_language = models.BooleanField(_("สาขาภาษาต่างประเทศ"), default=False)

    class Meta:
        verbose_name = _("สาขาที่ขอรับการประเมิน")
        verbose_name_plural = _("สาขาที่ขอรับการประเมิน")
        ordering = ["classroom_type", "order"]
        constraints = [
            models.UniqueConstraint(fields=["classroom_type", "name"], name="subject_area_unique"),
        ]

    def __str__(self):
        return self.name


score_60 = [MinValueValidator(0), MaxValueValidator(60)]
score_40 = [MinValueValidator(0), MaxValueValidator(40)]


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
        from .rules import pa_passed

        return pa_passed(self.totals, workload_met=self.workload_met)


class Application(models.Model):
    """คำขอมีวิทยฐานะ/เลื่อนวิทยฐานะ (seed 004 steps 1–2)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="applications",
                               verbose_name=_("ผู้ขอ"))
    # the applicant's school when the request was created; it stays there if the applicant
    # moves after filing (ก.ค.ศ. letter 1437/2566)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("สถานศึกษา"))
    # the supervising office (for an LAO school: the LAO's education division)
    office = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("หน่วยงานต้นสังกัด"))
    current_standing = models.CharField(_("วิทยฐานะปัจจุบัน"), max_length=24,
                                        choices=AcademicStanding.choices)
    requested_standing = models.CharField(_("วิทยฐานะที่ขอ"), max_length=24,
                                          choices=AcademicStanding.choices)
    classroom_type = models.CharField(_("ประเภทห้องเรียน"), max_length=20,
                                      choices=ClassroomType.choices)
    subject_area = models.ForeignKey(SubjectArea, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("รายวิชา/สาขา/กลุ่มสาระการเรียนรู้"))
    work_title = models.CharField(_("ชื่อผลงาน/เรื่องที่เสนอ"), max_length=300)
    shorten_ground = models.CharField(_("การขอลดระยะเวลา"), max_length=12, blank=True,
                                      choices=ShortenGround.choices, default=ShortenGround.NONE)
    state = models.CharField(_("สถานะ"), max_length=20, choices=ApplicationState.choices,
                             default=ApplicationState.DRAFT)
    round_no = models.PositiveSmallIntegerField(_("ครั้งที่ยื่น"), default=0)
    filed_on = models.DateField(_("วันที่ยื่นคำขอ"), null=True, blank=True)
    # the date the school brought the complete request into the system: no appointment takes
    # effect earlier (seed 004 step 5)
    entered_on = models.DateField(_("วันที่คำขอครบถ้วนเข้าสู่ระบบ"), null=True, blank=True)
    # the applicant's data as the system held it when the school sent the request on
    snapshot = models.JSONField(_("ข้อมูลผู้ขอ ณ วันยื่น"), default=dict, blank=True)
    return_reason = models.TextField(_("เหตุผลที่ส่งคืน"), blank=True)
    certified_at = models.DateTimeField(_("รับรองคุณสมบัติเมื่อ"), null=True, blank=True)
    certified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("ผู้รับรอง"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(_("สร้างเมื่อ"), auto_now_add=True)
    updated_at = models.DateTimeField(_("แก้ไขเมื่อ"), auto_now=True)

    class Meta:
        verbose_name = _("คำขอมีวิทยฐานะ")
        verbose_name_plural = _("คำขอมีวิทยฐานะ")
        ordering = ["-created_at"]
        constraints = [
            # one open request per person: a certified one must go through the committee first
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(state__in=["draft", "submitted", "at_office", "returned"]),
                name="application_one_open_per_person"),
            models.CheckConstraint(
                condition=Q(certified_at__isnull=True, certified_by__isnull=True)
                | Q(certified_at__isnull=False, certified_by__isnull=False),
                name="application_certified_pair"),
            models.CheckConstraint(
                condition=~Q(state="qualified") | Q(certified_at__isnull=False),
                name="application_qualified_is_certified"),
        ]
        indexes = [
            models.Index(fields=["organization", "state"], name="application_org_state"),
            models.Index(fields=["office", "state", "entered_on"], name="application_office_q"),
            # an office's queue in the queue's order (selectors.office_queue): a page is the
            # first rows of one range, not a sort of every request of the office
            models.Index(fields=["office", "entered_on", "filed_on", "id"],
                         condition=~Q(state="draft"), name="application_office_queue"),
            models.Index(fields=["state", "entered_on"], name="application_state_entered"),
        ]

    def __str__(self):
        return f"{self.person} → {self.get_requested_standing_display()}"

    @property
    def is_certified(self) -> bool:
        return self.certified_at is not None

    @property
    def is_editable(self) -> bool:
        return self.state in (ApplicationState.DRAFT, ApplicationState.RETURNED)


class EvidenceFile(models.Model):
    """One evidence file; validated by a Celery worker (RULES §4.4)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="files", verbose_name=_("คำขอ"))
    slot = models.CharField(_("ประเภทหลักฐาน"), max_length=20, choices=EvidenceSlot.choices)
    # 1 for single slots; 1..3 for learner outcomes
    position = models.PositiveSmallIntegerField(_("ลำดับ"), default=1)
    file = models.FileField(_("ไฟล์"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("ชื่อไฟล์"), max_length=255)
    size = models.PositiveBigIntegerField(_("ขนาด (ไบต์)"))
    caption = models.CharField(_("คำอธิบาย"), max_length=300, blank=True)
    state = models.CharField(_("สถานะการตรวจสอบ"), max_length=10, choices=FileState.choices,
                             default=FileState.WAITING)
    reason = models.CharField(_("เหตุผล"), max_length=500, blank=True)
    media_kind = models.CharField(_("ชนิดไฟล์จริง"), max_length=8, choices=MediaKind.choices,
                                  blank=True, default=MediaKind.UNKNOWN)
    content_type = models.CharField(_("MIME"), max_length=100, blank=True)
    pages = models.PositiveIntegerField(_("จำนวนหน้า"), null=True, blank=True)
    duration_seconds = models.FloatField(_("ความยาว (วินาที)"), null=True, blank=True)
    details = models.JSONField(_("ผลการตรวจสอบ"), default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(_("จำนวนครั้งที่ตรวจ"), default=0)
    check_started_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(_("ตรวจเมื่อ"), null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, related_name="+")
    uploaded_at = models.DateTimeField(_("อัปโหลดเมื่อ"), auto_now_add=True)

    class Meta:
        verbose_name = _("ไฟล์หลักฐาน")
        verbose_name_plural = _("ไฟล์หลักฐาน")
        ordering = ["application_id", "slot", "position"]
        constraints = [
            models.UniqueConstraint(fields=["application", "slot", "position"],
                                    name="evidence_slot_position_unique"),
            models.CheckConstraint(
                condition=Q(position__gte=1, position__lte=3)
                & (Q(slot="outcome") | Q(position=1)),
                name="evidence_position_range"),
        ]
        indexes = [models.Index(fields=["state", "check_started_at"], name="evidence_state")]

    def __str__(self):
        return f"{self.get_slot_display()} {self.position}: {self.original_name}"


class QualificationCheck(models.Model):
    """One check of one round, done three times: system, officer, group head (seed 004 step 2)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="checks", verbose_name=_("คำขอ"))
    round_no = models.PositiveSmallIntegerField(_("ครั้งที่ยื่น"))
    kind = models.CharField(_("รายการตรวจสอบ"), max_length=12, choices=CheckKind.choices)
    auto_passed = models.BooleanField(_("ผลโดยระบบ"), null=True)
    auto_explanation = models.TextField(_("คำอธิบายโดยระบบ"), blank=True)
    auto_checked_at = models.DateTimeField(_("ระบบตรวจเมื่อ"), null=True, blank=True)
    officer_passed = models.BooleanField(_("ผลโดยเจ้าหน้าที่"), null=True)
    officer_note = models.TextField(_("หมายเหตุเจ้าหน้าที่"), blank=True)
    officer_file = models.FileField(_("เอกสารประกอบ (เจ้าหน้าที่)"), upload_to=check_file_path,
                                    blank=True)
    officer_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    officer_at = models.DateTimeField(null=True, blank=True)
    head_passed = models.BooleanField(_("ผลโดยหัวหน้ากลุ่ม"), null=True)
    head_note = models.TextField(_("หมายเหตุหัวหน้ากลุ่ม"), blank=True)
    head_file = models.FileField(_("เอกสารประกอบ (หัวหน้ากลุ่ม)"), upload_to=check_file_path,
                                 blank=True)
    head_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                null=True, blank=True, related_name="+")
    head_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("การตรวจสอบคุณสมบัติ")
        verbose_name_plural = _("การตรวจสอบคุณสมบัติ")
        ordering = ["application_id", "round_no", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["application", "round_no", "kind"],
                                    name="qualification_check_unique"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.round_no})"


class ApplicationEvent(models.Model):
    """The history of an application, every round of it."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="events")
    round_no = models.PositiveSmallIntegerField(_("ครั้งที่ยื่น"))
    action = models.CharField(_("การดำเนินการ"), max_length=20,
                              choices=ApplicationAction.choices)
    from_state = models.CharField(max_length=20, choices=ApplicationState.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=ApplicationState.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              related_name="+", verbose_name=_("ผู้ดำเนินการ"))
    reason = models.TextField(_("เหตุผล"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(_("เมื่อ"), auto_now_add=True)

    class Meta:
        verbose_name = _("ประวัติคำขอ")
        verbose_name_plural = _("ประวัติคำขอ")
        ordering = ["application_id", "at", "id"]

    def __str__(self):
        return f"{self.get_action_display()} ({self.round_no})"


class Upload(models.Model):
    """A resumable upload in progress (tus); becomes an EvidenceFile when complete."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="uploads")
    slot = models.CharField(max_length=20, choices=EvidenceSlot.choices)
    position = models.PositiveSmallIntegerField(default=1)
    filename = models.CharField(max_length=255)
    caption = models.CharField(max_length=300, blank=True)
    length = models.PositiveBigIntegerField()
    offset = models.PositiveBigIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(offset__lte=models.F("length")),
                                              name="upload_offset_within_length")]

    def __str__(self):
        return f"{self.filename} {self.offset}/{self.length}"


# --- appraisal part 2: experts, the draw, invitations, score sheets (seed 004 steps 4–5) --------


class Expert(ThaiNamesMixin, models.Model):
    """บัญชีรายชื่อผู้ทรงคุณวุฒิ: one person who may be drawn to assess applications.

    In the portal's tree (``home_organization``) or outside it (``home_organization_name``).
    ``organization`` is the province (or the DLA) that keeps the record: its admins manage it.
    To be drawn an expert needs an active portal account (``user``): an outside expert gets one
    through "invite to the portal" (``appraisal.experts.create_expert_account``). The subject
    areas carry their classroom type (ว31/2565), so they say both what and where the expert
    may assess."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("หน่วยงานที่ขึ้นบัญชี"))
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="expert",
                                verbose_name=_("บัญชีผู้ใช้ในระบบ"))
    title_th = models.CharField(_("คำนำหน้าชื่อ"), max_length=50, blank=True)
    first_name = models.CharField(_("ชื่อ"), max_length=150)
    last_name = models.CharField(_("นามสกุล"), max_length=150)
    national_id = models.CharField(_("เลขประจำตัวประชาชน"), max_length=13, null=True,
                                   blank=True)
    email = models.EmailField(_("อีเมล"), blank=True)
    phone = models.CharField(_("โทรศัพท์"), max_length=30, blank=True)
    position = models.CharField(_("ตำแหน่ง/วิทยฐานะ"), max_length=200, blank=True)
    home_organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("หน่วยงานต้นสังกัด (ในระบบ)"))
    home_organization_name = models.CharField(_("หน่วยงานต้นสังกัด (นอกระบบ)"), max_length=255,
                                              blank=True)
    subject_areas = models.ManyToManyField(SubjectArea, related_name="experts",
                                           verbose_name=_("สาขาที่ประเมินได้"))
    standings = models.JSONField(_("วิทยฐานะที่ประเมินได้"), default=list, blank=True)
    active_from = models.DateField(_("ขึ้นบัญชีตั้งแต่"))
    active_to = models.DateField(_("ถึงวันที่"), null=True, blank=True)
    max_concurrent = models.PositiveSmallIntegerField(_("จำนวนงานประเมินพร้อมกันสูงสุด"),
                                                      default=3)
    is_active = models.BooleanField(_("ใช้งาน"), default=True)
    note = models.TextField(_("หมายเหตุ"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("สร้างเมื่อ"), auto_now_add=True)
    updated_at = models.DateTimeField(_("แก้ไขเมื่อ"), auto_now=True)

    # ThaiNamesMixin.full_name_en reads these; an expert's record keeps Thai names only
    title_en = first_name_en = last_name_en = ""

    class Meta:
        verbose_name = _("ผู้ทรงคุณวุฒิ")
        verbose_name_plural = _("บัญชีรายชื่อผู้ทรงคุณวุฒิ")
        ordering = ["first_name", "last_name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(max_concurrent__gte=1),
                                   name="expert_cap_positive"),
            models.CheckConstraint(
                condition=Q(active_to__isnull=True) | Q(active_to__gte=models.F("active_from")),
                name="expert_active_period"),
            models.UniqueConstraint(fields=["national_id"], condition=Q(national_id__isnull=False),
                                    name="expert_national_id_unique"),
            models.CheckConstraint(
                condition=Q(national_id__isnull=True) | Q(national_id__regex=r"^[0-9]{13}$"),
                name="expert_national_id_13_digits"),
        ]
        indexes = [models.Index(fields=["organization", "is_active"], name="expert_org_active")]

    def __str__(self):
        return self.full_name_th

    @property
    def home_name(self) -> str:
        return self.home_organization.name if self.home_organization_id else \
            self.home_organization_name


class AssessorDraw(models.Model):
    """The record of one random draw of assessors for an application (seed 004 step 4), kept so
    that anyone may recompute it (``appraisal.draw.verify_draw``): the facts of every expert in
    the registry as they were (``candidates``), why each one left out was left out
    (``excluded``), the eligible pool (ids, sorted), the random values drawn and the picks, who
    drew and when, and a SHA-256 digest of all of it."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="draws",
                                    verbose_name=_("คำขอ"))
    sequence = models.PositiveSmallIntegerField(_("ครั้งที่สุ่ม"))
    outcome = models.CharField(_("ผล"), max_length=16, choices=DrawOutcome.choices)
    trigger = models.CharField(_("เหตุที่สุ่ม"), max_length=100, blank=True)
    needed = models.PositiveSmallIntegerField(_("จำนวนที่ต้องการ"))
    seats = models.JSONField(_("ลำดับกรรมการที่ว่าง"), default=list)
    application_facts = models.JSONField(_("ข้อมูลคำขอ ณ เวลาที่สุ่ม"), default=dict)
    candidates = models.JSONField(_("ข้อมูลผู้ทรงคุณวุฒิทุกคน ณ เวลาที่สุ่ม"), default=dict)
    excluded = models.JSONField(_("ผู้ที่ไม่มีสิทธิ์และเหตุผล"), default=dict)
    pool = models.JSONField(_("ผู้มีสิทธิ์ (เรียงตามรหัส)"), default=list)
    values = models.JSONField(_("ค่าสุ่ม"), default=list)
    picks = models.JSONField(_("ผู้ที่สุ่มได้"), default=list)
    digest = models.CharField(_("SHA-256"), max_length=64)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+", verbose_name=_("ผู้สุ่ม"))
    drawn_at = models.DateTimeField(_("สุ่มเมื่อ"))

    class Meta:
        verbose_name = _("การสุ่มคัดเลือกกรรมการประเมิน")
        verbose_name_plural = _("การสุ่มคัดเลือกกรรมการประเมิน")
        ordering = ["application_id", "sequence"]
        constraints = [
            # two officers drawing at once cannot both write the same round
            models.UniqueConstraint(fields=["application", "sequence"],
                                    name="assessor_draw_sequence_unique"),
        ]

    def __str__(self):
        return f"{self.application_id}#{self.sequence}"


class Invitation(models.Model):
    """One expert invited to assess one application, on one of its three seats (seed 004 step
    4). A seat is held while the invitation awaits a reply or is accepted."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT,
                                    related_name="invitations", verbose_name=_("คำขอ"))
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="invitations",
                               verbose_name=_("ผู้ทรงคุณวุฒิ"))
    draw = models.ForeignKey(AssessorDraw, on_delete=models.PROTECT, related_name="invitations",
                             verbose_name=_("การสุ่ม"))
    seat = models.PositiveSmallIntegerField(_("กรรมการคนที่"))
    state = models.CharField(_("สถานะ"), max_length=12, choices=InvitationState.choices,
                             default=InvitationState.AWAITING)
    invited_at = models.DateTimeField(_("เชิญเมื่อ"))
    reply_by = models.DateTimeField(_("ตอบรับภายใน"))
    replied_at = models.DateTimeField(_("ตอบเมื่อ"), null=True, blank=True)
    decline_reason = models.TextField(_("เหตุผลที่ปฏิเสธ"), blank=True)
    score_due = models.DateField(_("กำหนดส่งผลการประเมิน"), null=True, blank=True)
    last_reminded_on = models.DateField(_("เตือนล่าสุดเมื่อ"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("ยกเลิกเมื่อ"), null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    cancel_reason = models.TextField(_("เหตุผลที่ยกเลิก"), blank=True)

    class Meta:
        verbose_name = _("การเชิญกรรมการประเมิน")
        verbose_name_plural = _("การเชิญกรรมการประเมิน")
        ordering = ["application_id", "seat", "invited_at", "pk"]
        constraints = [
            # never the same expert twice on one application
            models.UniqueConstraint(fields=["application", "expert"],
                                    name="invitation_expert_once"),
            models.UniqueConstraint(
                fields=["application", "seat"],
                condition=Q(state__in=sorted(SEAT_HOLDING_STATES)),
                name="invitation_one_holder_per_seat"),
            models.CheckConstraint(condition=Q(seat__gte=1, seat__lte=3),
                                   name="invitation_seat_range"),
        ]
        indexes = [models.Index(fields=["state", "reply_by"], name="invitation_state_reply")]

    def __str__(self):
        return f"{self.expert} → {self.application_id} ({self.get_state_display()})"


class Rubric(models.Model):
    """The assessment form of one side for one requested standing (data, not code)."""

    standing = models.CharField(_("วิทยฐานะที่ขอ"), max_length=24,
                                choices=AcademicStanding.choices)
    side = models.PositiveSmallIntegerField(_("ด้าน"), choices=Side.choices)
    title = models.CharField(_("ชื่อแบบประเมิน"), max_length=300)

    class Meta:
        verbose_name = _("แบบประเมิน")
        verbose_name_plural = _("แบบประเมิน")
        ordering = ["standing", "side"]
        constraints = [models.UniqueConstraint(fields=["standing", "side"],
                                               name="rubric_standing_side_unique")]

    def __str__(self):
        return f"{self.get_standing_display()} · {self.get_side_display()}"


class Indicator(models.Model):
    """One indicator of a rubric, scored on levels 1–4 and multiplied by its weight."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="indicators")
    order = models.PositiveSmallIntegerField(_("ข้อ"))
    text = models.CharField(_("ตัวชี้วัด"), max_length=500)
    weight = models.DecimalField(_("น้ำหนัก"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("ตัวชี้วัด")
        verbose_name_plural = _("ตัวชี้วัด")
        ordering = ["rubric_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "order"], name="indicator_order_unique"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="indicator_weight_positive"),
        ]

    def __str__(self):
        return f"{self.order}. {self.text}"


class ScoreSheet(models.Model):
    """One assessor's score sheet for one application, every side of it (RULES §4.5 step 5):
    a level 1–4 per indicator, strengths and remarks per side. The percentages are computed
    from the rubric (``appraisal.scoring``), never typed. Submitted, it is locked: the service
    refuses, and a database trigger (migration 0005) refuses any change to a submitted sheet."""

    invitation = models.OneToOneField(Invitation, on_delete=models.PROTECT, related_name="sheet",
                                      verbose_name=_("การเชิญ"))
    levels = models.JSONField(_("ระดับคะแนนรายตัวชี้วัด"), default=dict, blank=True)
    notes = models.JSONField(_("จุดเด่นและข้อสังเกตรายด้าน"), default=dict, blank=True)
    percentages = models.JSONField(_("ร้อยละรายด้าน"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("ส่งผลการประเมินเมื่อ"), null=True, blank=True)
    updated_at = models.DateTimeField(_("บันทึกล่าสุด"), auto_now=True)

    class Meta:
        verbose_name = _("แบบบันทึกผลการประเมิน")
        verbose_name_plural = _("แบบบันทึกผลการประเมิน")

    def __str__(self):
        return f"{self.invitation}"


class AssessmentDecision(models.Model):
    """The decision on an application once all three assessors submitted (ว9/2564; computed by
    ``appraisal.rules.decide``): per side the three percentages and whether it passed, and
    overall."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT,
                                       related_name="decision", verbose_name=_("คำขอ"))
    requested_standing = models.CharField(_("วิทยฐานะที่ขอ"), max_length=24,
                                          choices=AcademicStanding.choices)
    threshold = models.DecimalField(_("เกณฑ์ร้อยละ"), max_digits=5, decimal_places=2)
    sides = models.JSONField(_("ผลรายด้าน"), default=dict)
    passed = models.BooleanField(_("ผ่านเกณฑ์"))
    decided_at = models.DateTimeField(_("สรุปผลเมื่อ"))

    class Meta:
        verbose_name = _("ผลการประเมินของคณะกรรมการ")
        verbose_name_plural = _("ผลการประเมินของคณะกรรมการ")

    def __str__(self):
        return f"{self.application_id}: {'ผ่าน' if self.passed else 'ไม่ผ่าน'}"
