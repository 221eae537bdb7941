"""The read side of appraisal: one visibility entry point per resource."""

from __future__ import annotations

from django.db.models import BigIntegerField, Prefetch, Q
from django.db.models.functions import Cast
from guardian.models import UserObjectPermission

from accounts import scoping
from accounts.models import Membership, Organization
from accounts.rules import OrgKind, Role
from accounts.scoping import Access
from appraisal.choices import ApplicationState
from appraisal.models import (
    Application,
    ApplicationEvent,
    EvidenceFile,
    Expert,
    PAResult,
    QualificationCheck,
)
from personnel.models import Person


def applications_for(user):
    """Every application ``user`` may read: their own, those of the units they work on, and
    those they assess: an accepted assessor, from any province, holds a django-guardian grant
    ``appraisal.view_application`` on each application assigned to them (given on acceptance,
    taken back on cancellation: ``appraisal.invitations``). One query, the grants a subquery."""
    if not getattr(user, "is_authenticated", False):
        return Application.objects.none()
    reach = scoping.reach(user, Access.WORK)
    own = Q(person__user_id=user.pk) | Q(pk__in=_granted_application_ids(user))
    if reach.nothing:
        return Application.objects.filter(own)
    return Application.objects.filter(reach.q("organization") | own)


def _granted_application_ids(user):
    return UserObjectPermission.objects.filter(
        user_id=user.pk, content_type__app_label="appraisal",
        content_type__model="application", permission__codename="view_application",
    ).annotate(application_id=Cast("object_pk", BigIntegerField())).values("application_id")


def application_for(user, pk) -> Application:
    """One application with what its page shows, or ``Application.DoesNotExist`` (404)."""
    return applications_for(user).select_related(
        "person", "person__user", "organization", "office", "subject_area", "certified_by",
    ).prefetch_related(
        Prefetch("files", queryset=EvidenceFile.objects.order_by("slot", "position")),
        Prefetch("checks", queryset=QualificationCheck.objects.select_related(
            "officer_by", "head_by").order_by("-round_no", "pk")),
        Prefetch("events", queryset=ApplicationEvent.objects.select_related("actor")),
    ).get(pk=pk)


def own_applications(user):
    return Application.objects.filter(person__user_id=user.pk).select_related(
        "subject_area").order_by("-created_at")


def office_queue(user, *, state: str | None = None, q: str = ""):
    """The office's list (seed 004 step 7): applications of the units ``user`` works on, past
    the applicant's draft, oldest complete request first, with the current round's checks."""
    offices = _whole_offices(user)
    if offices is not None:
        qs = Application.objects.filter(office_id__in=offices)
    else:
        qs = scoping.scope(Application.objects.all(), user, "organization", Access.WORK)
    qs = qs.exclude(state=ApplicationState.DRAFT)
    if state:
        qs = qs.filter(state=state)
    if q:
        for word in q.split():
            qs = qs.filter(Q(person__first_name__icontains=word)
                           | Q(person__last_name__icontains=word))
    return qs.select_related("person", "organization", "subject_area").prefetch_related(
        Prefetch("checks", queryset=QualificationCheck.objects.order_by("pk"),
                 to_attr="all_checks"),
    ).order_by("entered_on", "filed_on", "pk")


def _whole_offices(user) -> list[int] | None:
    """The ids of the LAOs ``user`` works on when their reach is exactly whole LAOs (an LAO's
    admin and officers), else None. An application's office is the LAO of its school, and
    neither changes (Application.office), so "the office is one of these" selects the same
    requests as "the school lies under one of these", and lets the database read an office's
    queue in order from its index (``application_office_queue``) instead of sorting all of
    it for every page."""
    reach = scoping.reach(user, Access.WORK)
    if reach.everything or reach.single_org_ids or not reach.subtree_paths:
        return None
    units = list(Organization.objects.filter(path__in=reach.subtree_paths).values_list(
        "pk", "kind"))
    if len(units) != len(reach.subtree_paths) or any(k != OrgKind.LAO for _, k in units):
        return None
    return [pk for pk, _ in units]


def current_round_checks(application: Application) -> dict:
    """{kind: check} of the application's current round from a prefetched ``all_checks``."""
    return {c.kind: c for c in getattr(application, "all_checks", application.checks.all())
            if c.round_no == application.round_no}


def pa_results_for(user):
    if not getattr(user, "is_authenticated", False):
        return PAResult.objects.none()
    reach = scoping.reach(user, Access.WORK)
    own = Q(person__user_id=user.pk)
    if reach.nothing:
        return PAResult.objects.filter(own)
    return PAResult.objects.filter(reach.q("person__organization") | own)


def own_person(user) -> Person | None:
    return Person.objects.select_related("organization").filter(user_id=user.pk).first()


# --- the expert registry ----------------------------------------------------------------------

# who keeps the registry, and the organisations that keep one (a province's, or the DLA's)
MANAGER_ROLES = frozenset({Role.DLA_ADMIN, Role.PROVINCE_ADMIN})
OWNER_KINDS = (OrgKind.PROVINCE, OrgKind.AGENCY)


def may_manage_experts(user) -> bool:
    """The DLA admin and the province admins keep the registry."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or Membership.objects.filter(
        user=user, is_active=True, role__in=MANAGER_ROLES).exists()


def experts_for(user):
    """The one visibility entry point of the registry: the records of the provinces (or, for
    the DLA admin, of the whole country) that ``user`` administers."""
    if not may_manage_experts(user):
        return Expert.objects.none()
    return scoping.scope(Expert.objects.all(), user, "organization", Access.ADMINISTER)


def draw_pool_for(user):
    """What a registry keeper sees of the experts the draw may use: every record of the country.

    The draw (``appraisal.services.draw.candidate_facts``) pools the experts of the subject area
    from every province, so a province's secretary, whose own province may keep no records at
    all, must see who can be drawn for its applications. Read only beyond ``experts_for``."""
    if not may_manage_experts(user):
        return Expert.objects.none()
    return Expert.objects.all()


def expert_for(user, pk) -> Expert:
    return experts_for(user).select_related("organization", "home_organization", "user").get(
        pk=pk)


def owner_choices(user):
    """The organisations whose registry ``user`` keeps: their province(s), or every province and
    the DLA itself for the DLA admin."""
    if not may_manage_experts(user):
        return Organization.objects.none()
    return scoping.organizations(user, Access.ADMINISTER).filter(
        kind__in=OWNER_KINDS).order_by("path")


def expert_list(user, *, q: str = "", subject_area=None, standing: str = "",
                active_only: bool = False, pool: bool = False):
    """The registry's list: the records ``user`` keeps, or (``pool``) every expert the draw may
    use (:func:`draw_pool_for`)."""
    qs = draw_pool_for(user) if pool else experts_for(user)
    for word in (q or "").split():
        qs = qs.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word)
                       | Q(home_organization_name__icontains=word)
                       | Q(home_organization__name__icontains=word))
    if subject_area:
        qs = qs.filter(subject_areas=subject_area)
    if standing:
        qs = qs.filter(standings__contains=[standing]) if _json_contains() else qs.filter(
            standings__icontains=f'"{standing}"')
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.select_related("organization", "home_organization", "user").prefetch_related(
        "subject_areas").order_by("first_name", "last_name", "pk")


def _json_contains() -> bool:
    from django.db import connection

    return connection.features.supports_json_field_contains


