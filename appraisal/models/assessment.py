"""Appraisal part 2 (seed 004 steps 4–5): experts, the draw, invitations, rubrics, score sheets
and the decision."""


from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts import national_id
from accounts.models import Organization, ThaiNamesMixin
from appraisal.choices import (
    SEAT_HOLDING_STATES,
    ConflictKind,
    DeclarationSource,
    DeclineKind,
    DrawOutcome,
    InvitationState,
    Side,
)
from appraisal.models.applications import Application, SubjectArea
from personnel.choices import AcademicStanding
from personnel.models import Person

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


class DrawCommitment(models.Model):
    """A secret seed and its published commitment, SHA-256 of the seed (issue 19; RFC 3797's
    idea): made before anyone can know the public value that the draw will mix in, so that
    nobody, the portal's operator included, can choose the picks. The seed stays on the server
    and is shown nowhere until ``revealed_at`` (the draw that used it); then it is on every
    record drawn with it. Made for an agenda item (``committees.AgendaItem.commitment``), or for
    one application's next draw by the office. ``applications``: those it may be drawn for."""

    seed = models.CharField(max_length=64, editable=False)
    commitment = models.CharField(_("ค่าผูกมัด (SHA-256 ของเมล็ดสุ่ม)"), max_length=64,
                                  unique=True)
    purpose = models.CharField(_("ใช้สำหรับ"), max_length=300)
    public_source = models.CharField(_("แหล่งของค่าสาธารณะที่จะใช้"), max_length=300,
                                     blank=True)
    applications = models.ManyToManyField(Application, related_name="draw_commitments",
                                          blank=True, verbose_name=_("คำขอ"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("เผยแพร่ค่าผูกมัดเมื่อ"))
    public_value = models.CharField(_("ค่าสาธารณะ"), max_length=500, blank=True)
    public_value_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                        null=True, blank=True, related_name="+",
                                        verbose_name=_("ผู้กรอกค่าสาธารณะ"))
    public_value_at = models.DateTimeField(_("กรอกค่าสาธารณะเมื่อ"), null=True, blank=True)
    revealed_at = models.DateTimeField(_("เปิดเผยเมล็ดสุ่มเมื่อ"), null=True, blank=True)

    class Meta:
        verbose_name = _("ค่าผูกมัดการสุ่ม")
        verbose_name_plural = _("ค่าผูกมัดการสุ่ม")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(commitment__regex=r"^[0-9a-f]{64}$"),
                                   name="draw_commitment_hex"),
            models.CheckConstraint(condition=Q(seed__regex=r"^[0-9a-f]{64}$"),
                                   name="draw_commitment_seed_hex"),
            # revealed only by a draw, which needs the public value first
            models.CheckConstraint(
                condition=Q(revealed_at__isnull=True) | (~Q(public_value="") & Q(
                    public_value_at__isnull=False)),
                name="draw_commitment_revealed_after_value"),
        ]

    def __str__(self):  # never the seed
        return self.commitment[:16]

    @property
    def revealed(self) -> bool:
        return self.revealed_at is not None

    @property
    def revealed_seed(self) -> str | None:
        """The seed once revealed, else None: the one way pages and the API read it."""
        return self.seed if self.revealed_at is not None else None


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
    # issue 19: 1 = the values came from the server's generator; 2 = commit-reveal, from the
    # commitment's seed and public value (``appraisal.rules.committed_values``)
    version = models.PositiveSmallIntegerField(_("รูปแบบบันทึก"), default=1)
    commitment = models.ForeignKey(DrawCommitment, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="draws",
                                   verbose_name=_("ค่าผูกมัดการสุ่ม"))

    class Meta:
        verbose_name = _("การสุ่มคัดเลือกกรรมการประเมิน")
        verbose_name_plural = _("การสุ่มคัดเลือกกรรมการประเมิน")
        ordering = ["application_id", "sequence"]
        constraints = [
            # two officers drawing at once cannot both write the same round
            models.UniqueConstraint(fields=["application", "sequence"],
                                    name="assessor_draw_sequence_unique"),
            models.CheckConstraint(condition=Q(version=1) | Q(commitment__isnull=False),
                                   name="assessor_draw_commit_reveal_has_commitment"),
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
    decline_kind = models.CharField(_("เหตุที่ปฏิเสธ"), max_length=12,
                                    choices=DeclineKind.choices, blank=True)
    # the attestation of no conflict given on accepting (appraisal.rules.conflicts)
    attestation_version = models.CharField(_("ฉบับของคำรับรอง"), max_length=20, blank=True)
    attestation_sha256 = models.CharField(_("SHA-256 ของคำรับรอง"), max_length=64, blank=True)
    attested_at = models.DateTimeField(_("รับรองว่าไม่มีส่วนได้เสียเมื่อ"), null=True,
                                       blank=True)
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
            models.CheckConstraint(
                condition=Q(attested_at__isnull=True) | (~Q(attestation_version="") & Q(
                    attestation_sha256__regex=r"^[0-9a-f]{64}$")),
                name="invitation_attestation_whole"),
        ]
        indexes = [models.Index(fields=["state", "reply_by"], name="invitation_state_reply")]

    def __str__(self):
        return f"{self.expert} → {self.application_id} ({self.get_state_display()})"


class ConflictDeclaration(models.Model):
    """A declared relation of an expert with another person (issue 19): kin, spouse, a former
    supervisor or subordinate, the same school (until a date). The person is a ก.พ.7 record, or
    a national ID and a name for someone the registry does not link. The draw keeps the expert
    from assessing that person (``appraisal.rules.conflicts``). Withdrawn, not deleted."""

    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="conflicts",
                               verbose_name=_("ผู้ทรงคุณวุฒิ"))
    kind = models.CharField(_("ความสัมพันธ์"), max_length=20, choices=ConflictKind.choices)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("บุคคล (ในทะเบียน ก.พ.7)"))
    national_id = models.CharField(_("เลขประจำตัวประชาชน"), max_length=13, null=True,
                                   blank=True)
    first_name = models.CharField(_("ชื่อ"), max_length=150, blank=True)
    last_name = models.CharField(_("นามสกุล"), max_length=150, blank=True)
    until = models.DateField(_("ถึงวันที่"), null=True, blank=True)
    note = models.TextField(_("หมายเหตุ"), blank=True)
    source = models.CharField(_("ที่มา"), max_length=10, choices=DeclarationSource.choices)
    invitation = models.ForeignKey(Invitation, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("คำเชิญที่ปฏิเสธ"))
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("ผู้แจ้ง"))
    declared_at = models.DateTimeField(_("แจ้งเมื่อ"))
    withdrawn_at = models.DateTimeField(_("ถอนเมื่อ"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    withdraw_reason = models.TextField(_("เหตุผลที่ถอน"), blank=True)

    class Meta:
        verbose_name = _("ความสัมพันธ์ที่อาจมีส่วนได้เสีย")
        verbose_name_plural = _("ความสัมพันธ์ที่อาจมีส่วนได้เสีย")
        ordering = ["expert_id", "-declared_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(national_id__isnull=False) | (
                    ~Q(first_name="") & ~Q(last_name="")),
                name="conflict_names_someone"),
            models.CheckConstraint(
                condition=Q(national_id__isnull=True) | Q(national_id__regex=r"^[0-9]{13}$"),
                name="conflict_national_id_13_digits"),
        ]
        indexes = [models.Index(fields=["expert", "withdrawn_at"], name="conflict_expert_open")]

    def __str__(self):
        return f"{self.expert_id}: {self.get_kind_display()}"

    @property
    def masked_national_id(self) -> str:
        return national_id.mask(self.national_id)

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)


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
