from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

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
        ]
        indexes = [models.Index(fields=["organization", "role"], name="membership_org_role")]

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
