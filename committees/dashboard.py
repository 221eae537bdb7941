from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.dashboard import Panel, PanelItem
from accounts.rules import CommitteeKind, Role
from dlep.thaidates import format_be

from .models import Committee
from .selectors import waiting_counts


def secretary_panel(user, membership):
    """The province admin is the secretary of the province's personnel committees (RULES §1):
    the committees, then how many applications wait at each step, the oldest first (two
    queries)."""
    if membership.role != Role.PROVINCE_ADMIN:
        return None
    order = list(CommitteeKind.values)  # RULES.md §1 order: ก.จ.จ., ก.ท.จ., ก.อบต.จังหวัด, …
    committees = sorted(
        Committee.objects.filter(province_id=membership.organization_id).select_related(
            "province"),
        key=lambda c: order.index(c.kind),
    )
    if not committees:
        return None
    items = [PanelItem(label=str(c.get_kind_display()),
                       url=reverse("committee_detail", args=[c.pk])) for c in committees]
    for row in waiting_counts(committees):
        items.append(PanelItem(
            label=_("%(step)s (เก่าสุด %(day)s)") % {
                "step": row["label"], "day": format_be(row["oldest"]) or "–"},
            value=row["n"], url=reverse("committee_list")))
    return Panel(title=_("เลขานุการคณะกรรมการ"), items=items)
