"""Academic-standing applications (RULES.md §4; seed 004 steps 1–2): the subject areas, the
application, its evidence files and uploads, the qualification checks and the history."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from appraisal.choices import (
    ApplicationAction,
    ApplicationState,
    CheckKind,
    ClassroomType,
    EvidenceSlot,
    FileState,
    MediaKind,
    ShortenGround,
)
from personnel.choices import AcademicStanding
from personnel.models import Person


def _hashed_path(prefix: str, organization_id: int, filename: str) -> str:
    # Files go to unguessable paths per organisation; the name the user gave is kept in a column.
    suffix = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "bin"
    return f"appraisal/{prefix}/{organization_id}/{uuid.uuid4().hex}.{suffix}"


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


class CurrentFileManager(models.Manager):
    """The files an application holds: not the new files waiting to take a valid file's place
    (``EvidenceFile.replaces``), which only the evidence services and the upload pages see
    (``EvidenceFile.all_files``). As the default manager it also filters ``application.files``."""

    def get_queryset(self):
        return super().get_queryset().filter(replaces__isnull=True)


class EvidenceFile(models.Model):
    """One evidence file; validated by a Celery worker (RULES §4.4).

    A new upload to a place that holds a VALID file does not take its place at once: it waits
    beside it (``replaces``) until its own check has passed, so that a broken upload, a lost
    check or a file that fails never costs the applicant the file that was good."""

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
    # the check was handed to the broker then (None: not yet, e.g. the broker was down; the
    # beat task queues it as soon as the broker is back)
    queued_at = models.DateTimeField(null=True, blank=True)
    # the worker checking the file writes this every EVIDENCE_CHECK_HEARTBEAT_SECONDS; a check
    # whose heartbeat stopped lost its worker and is queued again
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # the valid file this one will replace once its own check has passed. The services take it
    # out of the way themselves (appraisal/services/evidence.py): Django's SET_NULL would
    # update this row before deleting that one, and two files would hold the place at once.
    replaces = models.OneToOneField("self", on_delete=models.DO_NOTHING, null=True, blank=True,
                                    related_name="replacement", db_constraint=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, related_name="+")
    uploaded_at = models.DateTimeField(_("อัปโหลดเมื่อ"), auto_now_add=True)

    all_files = models.Manager()
    objects = CurrentFileManager()

    class Meta:
        verbose_name = _("ไฟล์หลักฐาน")
        verbose_name_plural = _("ไฟล์หลักฐาน")
        ordering = ["application_id", "slot", "position"]
        default_manager_name = "objects"
        base_manager_name = "all_files"
        constraints = [
            models.UniqueConstraint(fields=["application", "slot", "position"],
                                    condition=Q(replaces__isnull=True),
                                    name="evidence_slot_position_unique"),
            models.CheckConstraint(
                condition=Q(position__gte=1, position__lte=3)
                & (Q(slot="outcome") | Q(position=1)),
                name="evidence_position_range"),
        ]
        indexes = [models.Index(fields=["state", "check_started_at"], name="evidence_state")]

    def __str__(self):
        return f"{self.get_slot_display()} {self.position}: {self.original_name}"

    @property
    def is_replacement(self) -> bool:
        return self.replaces_id is not None


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
    """A resumable upload in progress; becomes an EvidenceFile when complete.

    Without object storage the bytes come through the portal (tus) into a part file on the
    disk that every web process shares (``EVIDENCE_UPLOAD_DIR``). With object storage they go
    from the browser straight into an S3 multipart upload (``key``, ``multipart_id``) on
    links the portal signs; its parts live in the object store. Either way nothing of an
    upload lives in one web process: any of them serves the next request."""

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
    # object storage: the object's key and the S3 multipart upload's id, and the part size the
    # browser cuts the file into
    key = models.CharField(max_length=200, blank=True)
    multipart_id = models.CharField(max_length=200, blank=True)
    part_size = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(offset__lte=models.F("length")),
                                              name="upload_offset_within_length")]

    def __str__(self):
        return f"{self.filename} {self.offset}/{self.length}"
