from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import dashboard
from accounts.dashboard import Panel, PanelItem
from accounts.rules import CommitteeKind, Role
from appraisal.choices import ApplicationState
from core import kept
from core.thaidates import format_be

from .models import Committee
from .selectors import waiting_counts


def secretary_panel(user, membership):
    """The province admin is the secretary of the province's personnel committees (RULES §1):
    the committees, then how many applications wait at each step, the oldest first (two
    queries, kept between visits until an application of the province changes)."""
    if membership.role != Role.PROVINCE_ADMIN:
        return None
    committees, waiting = dashboard.kept(kept.APPLICATIONS, "secretary", membership,
                                         lambda: _secretary_figures(membership))
    if not committees:
        return None
    labels = dict(CommitteeKind.choices)
    items = [PanelItem(label=str(labels[kind]), url=reverse("committee_detail", args=[pk]))
             for pk, kind in committees]
    states = dict(ApplicationState.choices)
    for state, n, oldest in waiting:
        items.append(PanelItem(
            label=_("%(step)s (เก่าสุด %(day)s)") % {
                "step": states[state], "day": format_be(oldest) or "–"},
            value=n, url=reverse("committee_list")))
    return Panel(title=_("เลขานุการคณะกรรมการ"), items=items)


def _secretary_figures(membership):
    """(committee id, kind) in RULES.md §1 order, and (state, count, oldest) per step."""
    order = list(CommitteeKind.values)  # ก.จ.จ., ก.ท.จ., ก.อบต.จังหวัด, …
    committees = sorted(
        Committee.objects.filter(province_id=membership.organization_id).select_related(
            "province"),
        key=lambda c: order.index(c.kind),
    )
    waiting = [(row["state"], row["n"], row["oldest"]) for row in waiting_counts(committees)]
    return [(c.pk, c.kind) for c in committees], waiting
