"""The appraisal panel on the dashboard: what waits for this membership's role (one query)."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.dashboard import Panel, PanelItem
from accounts.rules import Role

from .choices import ApplicationState
from .models import Application

# which state waits for which role
WAITING_FOR = {
    Role.SCHOOL_ADMIN: (ApplicationState.SUBMITTED,),
    Role.OFFICER: (ApplicationState.AT_OFFICE,),
    Role.GROUP_HEAD: (ApplicationState.AT_OFFICE,),
    Role.LAO_ADMIN: (ApplicationState.AT_OFFICE,),
    Role.PROVINCE_ADMIN: (ApplicationState.QUALIFIED,),
}


def appraisal_panel(user, membership):
    if membership.role == Role.STAFF:
        latest = Application.objects.filter(person__user_id=user.pk).order_by(
            "-created_at").first()
        if latest is None:
            return None
        return Panel(title=_("คำขอมีวิทยฐานะของฉัน"), items=[PanelItem(
            label=str(latest.get_requested_standing_display()),
            value=str(latest.get_state_display()),
            url=reverse("application_detail", args=[latest.pk]))])
    states = WAITING_FOR.get(membership.role)
    if not states:
        return None
    counts = dict(Application.objects.filter(
        organization__path__startswith=membership.organization.path, state__in=states,
    ).values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    items = [PanelItem(label=str(ApplicationState(s).label), value=counts.get(s, 0),
                       url=reverse("office_queue") + f"?state={s}") for s in states]
    return Panel(title=_("คำขอมีวิทยฐานะที่รอดำเนินการ"), items=items)
