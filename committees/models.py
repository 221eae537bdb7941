from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from accounts.rules import CommitteeKind, OrgKind


class Committee(models.Model):
    """A provincial personnel committee (ก.จ.จ., ก.ท.จ., ก.อบต.จังหวัด, ก.เมืองพัทยา).

    Its secretary is the province admin (RULES.md §1); members and meetings come with the
    committees issue."""

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


