"""The read side of appraisal: one visibility entry point per resource."""

from __future__ import annotations

from django.db.models import Prefetch, Q

from accounts import scoping
from accounts.scoping import Access
from personnel.models import Person

from .choices import ApplicationState
from .models import Application, ApplicationEvent, EvidenceFile, PAResult, QualificationCheck


def applications_for(user):
    """Every application ``user`` may read: their own, and those of the units they work on.
    (Assessors' single-object grants join here with the appraisal part 2.)"""
    if not getattr(user, "is_authenticated", False):
        return Application.objects.none()
    reach = scoping.reach(user, Access.WORK)
    own = Q(person__user_id=user.pk)
    if reach.nothing:
        return Application.objects.filter(own)
    return Application.objects.filter(reach.q("organization") | own)


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
    qs = scoping.scope(Application.objects.all(), user, "organization", Access.WORK).exclude(
        state=ApplicationState.DRAFT)
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
