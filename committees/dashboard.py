from django.utils.translation import gettext as _

from accounts.dashboard import Panel, PanelItem
from accounts.rules import CommitteeKind, Role

from .models import Committee


def secretary_panel(user, membership):
    """The province admin is the secretary of the province's personnel committees (RULES §1)."""
    if membership.role != Role.PROVINCE_ADMIN:
        return None
    order = list(CommitteeKind.values)  # RULES.md §1 order: ก.จ.จ., ก.ท.จ., ก.อบต.จังหวัด, …
    committees = sorted(
        Committee.objects.filter(province_id=membership.organization_id),
        key=lambda c: order.index(c.kind),
    )
    items = [PanelItem(label=str(c.get_kind_display())) for c in committees]
    if not items:
        return None
    return Panel(title=_("เลขานุการคณะกรรมการ"), items=items)
