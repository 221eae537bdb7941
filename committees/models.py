from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from accounts.rules import CommitteeKind, OrgKind
from personnel.choices import AcademicStanding, SalaryRank


class Committee(models.Model):
    """A provincial personnel committee (ก.จ.จ., ก.ท.จ., ก.อบต.จังหวัด, ก.เมืองพัทยา).

    Its secretary is the province admin (RULES.md §1); its members, meetings and orders below."""

    province = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="committees",
        limit_choices_to={"kind": OrgKind.PROVINCE},
        verbose_name=_("จังหวัด"),
    )
    kind = models.CharField(_("คณะกรรมการ"), max_length=8, choices=CommitteeKind.choices)

    class Meta:
        verbose_name = _("คณะกรรมการพนักงานส่วนท้องถิ่นระดับจังหวัด")
        verbose_name_plural = _("คณะกรรมการพนักงานส่วนท้องถิ่นระดับจังหวัด")
        constraints = [
            models.UniqueConstraint(fields=["province", "kind"], name="committee_one_per_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.province.name}"

    @property
    def name(self) -> str:
        return str(self)



# --- members, meetings, agenda items, resolutions, orders (issue 7; seed 004 steps 3, 5–7) -----


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("ประธานกรรมการ")
    MEMBER = "member", _("กรรมการ")
    SECRETARY = "secretary", _("กรรมการและเลขานุการ")
    ASSISTANT = "assistant", _("ผู้ช่วยเลขานุการ")


class ItemKind(models.TextChoices):
    PANELS = "panels", _("ขอความเห็นชอบแต่งตั้งคณะกรรมการประเมิน")
    RESULTS = "results", _("ขออนุมัติผลการประเมินและแต่งตั้ง")
    OTHER = "other", _("เรื่องอื่น ๆ")


class Decision(models.TextChoices):
    PENDING = "pending", _("รอพิจารณา")
    APPROVED = "approved", _("อนุมัติ")
    NOT_APPROVED = "not_approved", _("ไม่อนุมัติ")
    DEFERRED = "deferred", _("เลื่อนการพิจารณา")


class CommitteeMember(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members",
                                  verbose_name=_("คณะกรรมการ"))
    name = models.CharField(_("ชื่อ-นามสกุล"), max_length=200)
    position = models.CharField(_("ตำแหน่ง"), max_length=200, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+", verbose_name=_("บัญชีผู้ใช้"))
    role = models.CharField(_("ตำแหน่งในคณะกรรมการ"), max_length=12, choices=MemberRole.choices,
                            default=MemberRole.MEMBER)
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=1)

    class Meta:
        verbose_name = _("กรรมการ")
        verbose_name_plural = _("กรรมการ")
        ordering = ["committee_id", "order", "pk"]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"


class Meeting(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="meetings",
                                  verbose_name=_("คณะกรรมการ"))
    number = models.PositiveSmallIntegerField(_("ครั้งที่"))
    year_be = models.PositiveSmallIntegerField(_("ปี (พ.ศ.)"))
    date = models.DateField(_("วันที่ประชุม"))
    place = models.CharField(_("สถานที่"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("การประชุม")
        verbose_name_plural = _("การประชุม")
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "number", "year_be"],
                                    name="meeting_number_unique"),
            models.CheckConstraint(condition=Q(year_be__gte=2500), name="meeting_year_be"),
        ]

    def __str__(self):
        return _("การประชุม %(committee)s ครั้งที่ %(n)s/%(y)s") % {
            "committee": self.committee.get_kind_display(), "n": self.number, "y": self.year_be}

    @property
    def ref(self) -> str:
        """The meeting as a resolution cites it: number/year and date."""
        from core.thaidates import format_be

        return _("%(committee)s ครั้งที่ %(n)s/%(y)s เมื่อวันที่ %(date)s") % {
            "committee": self.committee.get_kind_display(), "n": self.number,
            "y": self.year_be, "date": format_be(self.date, style="long")}


class AgendaItem(models.Model):
    """One item of a meeting's agenda (seed 004 §10.1: เรื่อง, คำขอ, กฎหมาย ระเบียบ และหลักเกณฑ์ที่
    เกี่ยวข้อง, ข้อเท็จจริง, ข้อพิจารณา) with the applications it is about (``AgendaEntry``)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items",
                                verbose_name=_("การประชุม"))
    kind = models.CharField(_("ประเภทวาระ"), max_length=8, choices=ItemKind.choices)
    order = models.PositiveSmallIntegerField(_("ระเบียบวาระที่"))
    title = models.CharField(_("เรื่อง"), max_length=500)
    request_text = models.TextField(_("คำขอ"), blank=True)
    law_text = models.TextField(_("กฎหมาย ระเบียบ และหลักเกณฑ์ที่เกี่ยวข้อง"), blank=True)
    facts_text = models.TextField(_("ข้อเท็จจริง"), blank=True)
    considerations_text = models.TextField(_("ข้อพิจารณา"), blank=True)
    applications = models.ManyToManyField("appraisal.Application", through="AgendaEntry",
                                          related_name="agenda_items")
    # issue 19: an item asking to appoint assessors publishes the commitment of its draw (the
    # SHA-256 of a secret seed) on the meeting's page and in the Word agenda
    commitment = models.OneToOneField("appraisal.DrawCommitment", on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="agenda_item",
                                      verbose_name=_("ค่าผูกมัดการสุ่ม"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ระเบียบวาระ")
        verbose_name_plural = _("ระเบียบวาระ")
        ordering = ["meeting_id", "order"]
        constraints = [models.UniqueConstraint(fields=["meeting", "order"],
                                               name="agenda_item_order_unique")]

    def __str__(self):
        return f"{self.order}. {self.title}"


class AgendaEntry(models.Model):
    """One application on an agenda item, with the meeting's decision on it."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="entries")
    application = models.ForeignKey("appraisal.Application", on_delete=models.PROTECT,
                                    related_name="agenda_entries", verbose_name=_("คำขอ"))
    order = models.PositiveSmallIntegerField(_("ลำดับ"))
    decision = models.CharField(_("มติ"), max_length=12, choices=Decision.choices,
                                default=Decision.PENDING)

    class Meta:
        verbose_name = _("รายชื่อในระเบียบวาระ")
        verbose_name_plural = _("รายชื่อในระเบียบวาระ")
        ordering = ["item_id", "order"]
        constraints = [models.UniqueConstraint(fields=["item", "application"],
                                               name="agenda_entry_once")]

    def __str__(self):
        return f"{self.item_id}/{self.order}: {self.application_id}"


class Resolution(models.Model):
    """The meeting's resolution on an item (มติที่ประชุม); per application on the entries."""

    item = models.OneToOneField(AgendaItem, on_delete=models.CASCADE, related_name="resolution",
                                verbose_name=_("ระเบียบวาระ"))
    decision = models.CharField(_("มติ"), max_length=12, choices=Decision.choices)
    note = models.TextField(_("รายละเอียดมติ"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, related_name="+", verbose_name=_("ผู้บันทึก"))
    recorded_at = models.DateTimeField(_("บันทึกเมื่อ"), auto_now_add=True)
    notified_at = models.DateTimeField(_("แจ้งผลเมื่อ"), null=True, blank=True)

    class Meta:
        verbose_name = _("มติที่ประชุม")
        verbose_name_plural = _("มติที่ประชุม")

    def __str__(self):
        return f"{self.item}: {self.get_decision_display()}"


class AppointmentOrder(models.Model):
    """คำสั่งแต่งตั้งให้มีวิทยฐานะ (seed 004 step 7), numbered per committee and year."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="orders",
                                  verbose_name=_("คณะกรรมการ"))
    number = models.PositiveIntegerField(_("เลขที่คำสั่ง"))
    year_be = models.PositiveSmallIntegerField(_("ปี (พ.ศ.)"))
    date = models.DateField(_("ลงวันที่"))
    # the LAO whose order it is: its head signs it on the committee's resolution
    # (committees.authority); empty only on orders made before it was kept
    issuer = models.ForeignKey(Organization, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="appointment_orders",
                               limit_choices_to={"kind": OrgKind.LAO},
                               verbose_name=_("องค์กรปกครองส่วนท้องถิ่นผู้ออกคำสั่ง"))
    legal_basis = models.TextField(_("อาศัยอำนาจตาม"), blank=True)
    signer_name = models.CharField(_("ผู้ลงนาม"), max_length=200)
    signer_position = models.CharField(_("ตำแหน่งผู้ลงนาม"), max_length=200, blank=True)
    appointed_at = models.DateTimeField(_("บันทึกการแต่งตั้งเมื่อ"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("คำสั่งแต่งตั้ง")
        verbose_name_plural = _("คำสั่งแต่งตั้ง")
        ordering = ["-year_be", "-number"]
        constraints = [
            # an order is numbered in the register of the LAO that issues it
            models.UniqueConstraint(fields=["issuer", "number", "year_be"],
                                    name="appointment_order_number_unique"),
        ]

    def __str__(self):
        return _("คำสั่งที่ %(n)s/%(y)s") % {"n": self.number, "y": self.year_be}


class OrderEntry(models.Model):
    order = models.ForeignKey(AppointmentOrder, on_delete=models.CASCADE, related_name="entries")
    application = models.OneToOneField("appraisal.Application", on_delete=models.PROTECT,
                                       related_name="order_entry", verbose_name=_("คำขอ"))
    order_no = models.PositiveSmallIntegerField(_("ลำดับ"))
    new_standing = models.CharField(_("วิทยฐานะใหม่"), max_length=24,
                                    choices=AcademicStanding.choices)
    effective_on = models.DateField(_("มีผลตั้งแต่วันที่"))
    # what the order prints (and the ก.พ.7 then records): the position number, the rank of the
    # new standing and the salary per personnel.rules, as they were when the order was made
    position_number = models.CharField(_("ตำแหน่งเลขที่"), max_length=30, blank=True)
    salary_rank = models.CharField(_("อันดับ"), max_length=16, choices=SalaryRank.choices,
                                   blank=True)
    salary = models.DecimalField(_("เงินเดือน"), max_digits=10, decimal_places=2, null=True,
                                 blank=True)

    class Meta:
        verbose_name = _("รายชื่อในคำสั่ง")
        verbose_name_plural = _("รายชื่อในคำสั่ง")
        ordering = ["order_id", "order_no"]

    def __str__(self):
        return f"{self.order_id}/{self.order_no}: {self.application_id}"


class HonorariumRate(models.Model):
    """The amount an assessor receives per application assessed, per requested standing, as the
    committee pays it. Seed 004 shows the report "แจ้งค่ารางวัลและเบี้ยประชุมเพื่อแต่งตั้ง
    กรรมการประเมินวิทยฐานะ" with counts per standing but no amounts: the secretary keeps them."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE,
                                  related_name="honorarium_rates", verbose_name=_("คณะกรรมการ"))
    standing = models.CharField(_("วิทยฐานะ"), max_length=24, choices=AcademicStanding.choices)
    amount = models.DecimalField(_("ค่ารางวัลต่อราย (บาท)"), max_digits=10, decimal_places=2)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("อัตราค่ารางวัลกรรมการประเมิน")
        verbose_name_plural = _("อัตราค่ารางวัลกรรมการประเมิน")
        constraints = [
            models.UniqueConstraint(fields=["committee", "standing"],
                                    name="honorarium_rate_once"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="honorarium_rate_positive"),
        ]

    def __str__(self):
        return f"{self.committee}: {self.get_standing_display()} {self.amount}"
