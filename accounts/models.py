import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken
from treebeard.mp_tree import MP_Node

from core.models import DecidedRequest

from . import national_id
from .rules import (
    LaoType,
    OrgKind,
    Role,
    SchoolType,
    committee_kind_for,
)


class ThaiNamesMixin:
    """Full names and the masked national ID, for any model with the Thai/English name fields
    and ``national_id`` (the account and the ก.พ.7 record)."""

    @property
    def full_name_th(self) -> str:
        return f"{self.title_th}{self.first_name} {self.last_name}".strip()

    @property
    def full_name_en(self) -> str:
        return " ".join(p for p in (self.title_en, self.first_name_en, self.last_name_en) if p)

    @property
    def masked_national_id(self) -> str:
        return national_id.mask(self.national_id)


class User(ThaiNamesMixin, AbstractUser):
    """A person who logs in. Names in Thai first (AbstractUser's first/last name hold the Thai
    names), English beside them. The national ID is optional (service accounts have none) and
    unique when present."""

    title_th = models.CharField(_("คำนำหน้าชื่อ"), max_length=50, blank=True)
    first_name = models.CharField(_("ชื่อ"), max_length=150, blank=True)
    last_name = models.CharField(_("นามสกุล"), max_length=150, blank=True)
    title_en = models.CharField(_("คำนำหน้าชื่อ (อังกฤษ)"), max_length=50, blank=True)
    first_name_en = models.CharField(_("ชื่อ (อังกฤษ)"), max_length=150, blank=True)
    last_name_en = models.CharField(_("นามสกุล (อังกฤษ)"), max_length=150, blank=True)
    national_id = models.CharField(
        _("เลขประจำตัวประชาชน"),
        max_length=13,
        null=True,
        blank=True,
        unique=True,
        validators=[national_id.validate_national_id],
    )
    phone = models.CharField(_("โทรศัพท์"), max_length=30, blank=True)
    must_change_password = models.BooleanField(_("ต้องเปลี่ยนรหัสผ่าน"), default=False)

    objects = UserManager()

    class Meta:
        verbose_name = _("ผู้ใช้")
        verbose_name_plural = _("ผู้ใช้")
        constraints = [
            models.CheckConstraint(
                condition=Q(national_id__isnull=True) | Q(national_id__regex=r"^[0-9]{13}$"),
                name="user_national_id_13_digits",
            ),
        ]

    def clean(self):
        super().clean()
        self.national_id = national_id.normalize(self.national_id) or None

    def save(self, *args, **kwargs):
        # A blank national ID is stored as NULL so that "unique when present" holds.
        self.national_id = national_id.normalize(self.national_id) or None
        super().save(*args, **kwargs)

    def __str__(self):
        return self.full_name_th or self.username


class Organization(MP_Node):
    """One node of the tree: DLA → province → district → LAO → school (RULES.md §1).

    The materialised path (django-treebeard) makes "the subtree under X" one indexed prefix
    query, which is what every scoped list is built from.
    """

    steplen = 4

    name = models.CharField(_("ชื่อหน่วยงาน"), max_length=255)
    name_en = models.CharField(_("ชื่อหน่วยงาน (อังกฤษ)"), max_length=255, blank=True)
    kind = models.CharField(_("ประเภทหน่วยงาน"), max_length=16, choices=OrgKind.choices)
    lao_type = models.CharField(
        _("ประเภท อปท."), max_length=16, choices=LaoType.choices, blank=True
    )
    school_type = models.CharField(
        _("ประเภทสถานศึกษา"), max_length=16, choices=SchoolType.choices, blank=True
    )
    code = models.CharField(_("รหัสหน่วยงาน"), max_length=20, unique=True)
    is_active = models.BooleanField(_("ใช้งาน"), default=True)

    class Meta:
        verbose_name = _("หน่วยงาน")
        verbose_name_plural = _("หน่วยงาน")
        indexes = [
            models.Index(fields=["kind", "path"], name="org_kind_path"),
            models.Index(fields=["depth", "path"], name="org_depth_path"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=OrgKind.LAO) & ~Q(lao_type=""))
                | (~Q(kind=OrgKind.LAO) & Q(lao_type="")),
                name="org_lao_type_iff_lao",
            ),
            models.CheckConstraint(
                condition=(Q(kind=OrgKind.SCHOOL) & ~Q(school_type=""))
                | (~Q(kind=OrgKind.SCHOOL) & Q(school_type="")),
                name="org_school_type_iff_school",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def committee_kind(self):
        """The provincial committee kind that handles this LAO's teachers (None above LAO level).

        For a school, the committee of its LAO; the school's own LAO type is not stored on it,
        so callers pass the LAO (see ``lao_of``)."""
        if self.kind == OrgKind.LAO:
            return committee_kind_for(self.lao_type)
        return None

    def ancestor_path(self, depth: int) -> str:
        return self.path[: depth * self.steplen]


class Membership(models.Model):
    """A role a user holds at an organisation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("ผู้ใช้"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("หน่วยงาน"),
    )
    role = models.CharField(_("บทบาท"), max_length=20, choices=Role.choices)
    position = models.CharField(_("ตำแหน่ง"), max_length=120, blank=True)
    is_active = models.BooleanField(_("ใช้งาน"), default=True)
    created_at = models.DateTimeField(_("สร้างเมื่อ"), auto_now_add=True)

    class Meta:
        verbose_name = _("บทบาทในหน่วยงาน")
        verbose_name_plural = _("บทบาทในหน่วยงาน")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"], name="membership_unique_role"
            ),
            # ว22/2565: one admin user per school (1 User ต่อ 1 สถานศึกษา).
            models.UniqueConstraint(
                fields=["organization"], condition=Q(role="school_admin", is_active=True),
                name="one_active_school_admin",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "role"], name="membership_org_role"),
            # the dashboards count each unit's active staff (bench: 69 ms → 2 ms at F = 1.0)
            models.Index(fields=["organization"], condition=Q(role="staff", is_active=True),
                         name="membership_active_staff"),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.organization}"


class AuditEvent(models.Model):
    """One row per state change, written by the service that made it (never by a view)."""

    at = models.DateTimeField(_("เวลา"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ผู้ดำเนินการ"),
    )
    action = models.CharField(_("การดำเนินการ"), max_length=80, db_index=True)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("หน่วยงาน"),
    )
    target_type = models.CharField(_("ประเภทข้อมูล"), max_length=80, blank=True)
    target_id = models.CharField(_("รหัสข้อมูล"), max_length=64, blank=True)
    data = models.JSONField(_("รายละเอียด"), default=dict, blank=True)

    class Meta:
        verbose_name = _("บันทึกการดำเนินการ")
        verbose_name_plural = _("บันทึกการดำเนินการ")
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target")]
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


def _private_path(instance, filename):
    # Hashed names: nothing guessable, nothing that says whose file it is.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"accounts/{instance._meta.model_name}/{uuid.uuid4().hex}.{suffix}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("รอดำเนินการ")
    RUNNING = "running", _("กำลังดำเนินการ")
    DONE = "done", _("เสร็จแล้ว")
    FAILED = "failed", _("ไม่สำเร็จ")


class IssuingJob(models.Model):
    """Issuing credentials for an organisation and its subtree (seed 000): the missing admin
    accounts get one-time passwords, printed on cut-out slips (PDF) and listed in Excel. The
    passwords exist only in those two files, which only the requester may download."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("หน่วยงาน"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("ผู้สั่งออก"))
    reissue_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("ออกรหัสผ่านใหม่ให้"),
        help_text=_("ว่างไว้ = สร้างบัญชีผู้ดูแลที่ยังขาดทั้งหมดในหน่วยงานและหน่วยงานในสังกัด"),
    )
    status = models.CharField(_("สถานะ"), max_length=10, choices=JobStatus.choices,
                              default=JobStatus.QUEUED)
    total = models.PositiveIntegerField(_("จำนวนทั้งหมด"), default=0)
    done = models.PositiveIntegerField(_("ดำเนินการแล้ว"), default=0)
    pdf = models.FileField(_("ใบรหัสผ่าน (PDF)"), upload_to=_private_path, blank=True)
    xlsx = models.FileField(_("รายชื่อ (Excel)"), upload_to=_private_path, blank=True)
    error = models.TextField(_("ข้อผิดพลาด"), blank=True)
    created_at = models.DateTimeField(_("สั่งเมื่อ"), auto_now_add=True)
    finished_at = models.DateTimeField(_("เสร็จเมื่อ"), null=True, blank=True)

    class Meta:
        verbose_name = _("การออกบัญชีผู้ใช้")
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.organization} {self.get_status_display()}"

    @property
    def percent(self) -> int:
        """How far the job is: the accounts prepared out of all of them; 100 only once the job
        is done (the accounts and the slips are written after the last password)."""
        if self.status == "done":
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0


class RegistrationStatus(models.TextChoices):
    EMAIL_UNVERIFIED = "unverified", _("รอยืนยันอีเมล")
    PENDING = "pending", _("รออนุมัติ")
    APPROVED = "approved", _("อนุมัติแล้ว")
    REJECTED = "rejected", _("ไม่อนุมัติ")


class RegistrantPosition(models.TextChoices):
    """Who registers a school's admin (ว22/2565)."""

    DIRECTOR = "director", _("ผู้อำนวยการสถานศึกษา")
    DEPUTY = "deputy", _("รองผู้อำนวยการสถานศึกษา")
    TEACHER = "teacher", _("ครู")


class SchoolAdminRegistration(DecidedRequest):
    """A request to become a school's admin (ว22/2565), waiting for the supervising admin."""

    school = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+",
                               limit_choices_to={"kind": "school"}, verbose_name=_("สถานศึกษา"))
    title_th = models.CharField(_("คำนำหน้าชื่อ"), max_length=50)
    first_name = models.CharField(_("ชื่อ"), max_length=150)
    last_name = models.CharField(_("นามสกุล"), max_length=150)
    position = models.CharField(_("ตำแหน่ง"), max_length=10, choices=RegistrantPosition.choices)
    acting_director_elsewhere = models.BooleanField(
        _("เป็นผู้อำนวยการที่รักษาการในสถานศึกษาอื่น"), default=False)
    email = models.EmailField(_("อีเมล"))
    phone = models.CharField(_("โทรศัพท์"), max_length=30, blank=True)
    delegation = models.FileField(_("หนังสือมอบหมาย (PDF)"), upload_to=_private_path,
                                  blank=True)
    status = models.CharField(_("สถานะ"), max_length=12, choices=RegistrationStatus.choices,
                              default=RegistrationStatus.PENDING)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+", verbose_name=_("บัญชีผู้ใช้"))
    created_at = models.DateTimeField(_("ยื่นเมื่อ"), auto_now_add=True)

    class Meta:
        verbose_name = _("คำขอเป็นผู้ดูแลสถานศึกษา")
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["school", "status"], name="school_admin_reg_status")]

    def __str__(self):
        return f"{self.title_th}{self.first_name} {self.last_name} — {self.school}"


class StaffRegistration(DecidedRequest):
    """A staff member's own registration: the account exists (inactive) from the start; the
    email is verified by a link; the school admin approves, matching the roster."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="staff_registration", verbose_name=_("บัญชีผู้ใช้"))
    school = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("สถานศึกษา"))
    position = models.CharField(_("ตำแหน่ง"), max_length=24)
    birth_date = models.DateField(_("วันเกิด"))
    from_card = models.BooleanField(_("กรอกจากบัตรประชาชน"), default=False)
    status = models.CharField(_("สถานะ"), max_length=12, choices=RegistrationStatus.choices,
                              default=RegistrationStatus.EMAIL_UNVERIFIED)
    email_verified_at = models.DateTimeField(_("ยืนยันอีเมลเมื่อ"), null=True, blank=True)
    created_at = models.DateTimeField(_("ลงทะเบียนเมื่อ"), auto_now_add=True)

    class Meta:
        verbose_name = _("การลงทะเบียนบุคลากร")
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["school", "status"], name="staff_reg_status")]

    def __str__(self):
        return f"{self.user} — {self.school}"


class Notification(models.Model):
    """A message in the portal for one user (the bell); most also go out by email."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notifications", verbose_name=_("ผู้รับ"))
    subject = models.CharField(_("เรื่อง"), max_length=200)
    body = models.TextField(_("ข้อความ"), blank=True)
    url = models.CharField(_("ลิงก์"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("เมื่อ"), auto_now_add=True)
    read_at = models.DateTimeField(_("อ่านเมื่อ"), null=True, blank=True)

    class Meta:
        verbose_name = _("การแจ้งเตือน")
        verbose_name_plural = _("การแจ้งเตือน")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"],
                                name="notification_inbox")]

    def __str__(self):
        return self.subject


class ApiToken(AbstractAuthToken):
    """An API token (django-rest-knox: only a hash of the token is stored). ``expiry`` is the
    absolute limit (``API_TOKEN_MAX_AGE_HOURS`` after issue); ``last_used`` is kept for the idle
    limit (``API_TOKEN_IDLE_HOURS``, accounts/tokens.py) and for the owner's list of tokens.
    ``second_factor``: issued after a two-factor code; a token issued without one stops working
    once its user must use two-factor authentication."""

    # How the owner names a token to revoke it (the primary key is the token's hash).
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    last_used = models.DateTimeField(_("ใช้ล่าสุด"), null=True, blank=True)
    second_factor = models.BooleanField(_("ออกหลังยืนยันตัวตนสองขั้นตอน"), default=False)
    user_agent = models.CharField(_("โปรแกรมที่ขอ"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("โทเคน API")
        verbose_name_plural = _("โทเคน API")
        ordering = ["-created"]

    def __str__(self):
        return f"{self.token_key} ({self.user_id})"
