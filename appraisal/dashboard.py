"""The appraisal panel on the dashboard: what waits for this membership's role (one query, kept
between visits until an application under the office changes: ``accounts.dashboard.kept``)."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import dashboard
from accounts.dashboard import Panel, PanelItem
from accounts.rules import Role
from accounts.selectors import organization_paths
from appraisal.choices import ApplicationState
from appraisal.models import Application
from core import kept

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
    waiting = Application.objects.filter(
        organization__path__startswith=membership.organization.path, state__in=states,
    ).values_list("state").annotate(n=Count("pk")).values_list("state", "n")
    counts = dashboard.kept(kept.APPLICATIONS, "waiting", membership, lambda: dict(waiting))
    items = [PanelItem(label=str(ApplicationState(s).label), value=counts.get(s, 0),
                       url=reverse("office_queue") + f"?state={s}") for s in states]
    return Panel(title=_("คำขอมีวิทยฐานะที่รอดำเนินการ"), items=items)


def application_changed(sender, instance: Application, **kwargs) -> None:
    """post_save / post_delete of an application: the panels' figures of its school's and its
    office's provinces are counted again at the next visit."""
    cached = instance._state.fields_cache
    known = {o.pk: o.path for o in (cached.get("organization"), cached.get("office")) if o}
    missing = {instance.organization_id, instance.office_id} - set(known)
    kept.changed(kept.APPLICATIONS, [*known.values(), *organization_paths(missing)])


def check_changed(sender, instance, **kwargs) -> None:
    """post_save / post_delete of a qualification check: the ✓/✗ grid of the office's queue."""
    paths = Application.objects.filter(pk=instance.application_id).values_list(
        "organization__path", "office__path").first() or ()
    kept.changed(kept.APPLICATIONS, paths)


def assessment_changed(sender, instance, **kwargs) -> None:
    """post_save / post_delete of an invitation, a score sheet or an expert: the assessors'
    dashboard panels count again."""
    kept.changed(kept.INVITATIONS, [kept.EVERYWHERE])
