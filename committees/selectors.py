"""The read side of committees: one visibility entry point per resource.

A committee is seen by its secretary (the province admin of its province), by the DLA admin
(every province) and by superusers; by nobody else. Its meetings, items and orders follow it;
the applications a committee handles are those whose office is an LAO of its province and of a
type that maps to the committee's kind (RULES.md §1)."""

from __future__ import annotations

from django.db.models import Count, Min, Prefetch, Q

from accounts import scoping
from accounts.models import Organization
from accounts.rules import COMMITTEE_FOR_LAO_TYPE, OrgKind, Role, committee_kind_for
from accounts.scoping import Access
from accounts.selectors import lao_of
from appraisal.choices import ApplicationState
from appraisal.models import Application, AssessmentDecision

from .models import (
    AgendaEntry,
    AgendaItem,
    AppointmentOrder,
    Committee,
    Decision,
    ItemKind,
    Meeting,
    OrderEntry,
)

# the roles that run committees: the secretary of a province, the DLA admin above all provinces
SECRETARY_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.DLA_ADMIN})

# the steps a secretary watches on the dashboard, in the order of seed 004
WAITING_STATES = (
    ApplicationState.QUALIFIED, ApplicationState.PANEL_APPROVED,
    ApplicationState.ASSESSORS_COMPLETE, ApplicationState.ASSESSED,
    ApplicationState.RESULT_APPROVED, ApplicationState.NOTIFIED,
)


def committees_for(user):
    """The committees ``user`` is secretary of (or, the DLA admin, every one)."""
    r = scoping.reach(user, Access.ADMINISTER)
    if r.nothing:
        return Committee.objects.none()
    memberships_q = Q()
    if not r.everything:
        # only province and DLA admins: an LAO or school admin administers no province
        paths = [p for p in r.subtree_paths if len(p) <= 2 * Organization.steplen]
        if not paths:
            return Committee.objects.none()
        memberships_q = Q(pk__in=[])
        for p in paths:
            memberships_q |= Q(province__path__startswith=p)
    return Committee.objects.filter(memberships_q).select_related("province")


def committee_for(org: Organization) -> Committee | None:
    """The provincial committee that handles the teachers of ``org`` (an LAO or a school).

    RULES.md §1: the LAO's type decides the committee; the province is the LAO's own."""
    lao = lao_of(org)
    if lao is None:
        return None
    province_path = lao.ancestor_path(2)
    return (
        Committee.objects.select_related("province")
        .filter(
            province__path=province_path,
            province__kind=OrgKind.PROVINCE,
            kind=committee_kind_for(lao.lao_type),
        )
        .first()
    )


def lao_types_of(committee: Committee) -> list[str]:
    return sorted(str(t) for t, k in COMMITTEE_FOR_LAO_TYPE.items() if k == committee.kind)


def committee_applications(committee: Committee):
    """The applications the committee handles (RULES §1): the office is an LAO of its province
    whose type maps to the committee's kind."""
    return Application.objects.filter(
        office__kind=OrgKind.LAO, office__path__startswith=committee.province.path,
        office__lao_type__in=lao_types_of(committee))


def _in_open_item(kind: str):
    """Applications already on an item of ``kind`` that was not decided against them."""
    return AgendaEntry.objects.filter(item__kind=kind).exclude(
        decision__in=[Decision.NOT_APPROVED, Decision.DEFERRED]).values("application_id")


def eligible_for_item(committee: Committee, kind: str, *, standing: str = "", q: str = ""):
    """What the secretary may tick for a new item (seed 004 step 3 screens ๘–๑๒; step 5):
    panels — qualified applications not yet on an item; results — assessed applications with a
    decision not yet on an item. Oldest complete request first."""
    qs = committee_applications(committee)
    if kind == ItemKind.PANELS:
        qs = qs.filter(state=ApplicationState.QUALIFIED).exclude(
            pk__in=_in_open_item(ItemKind.PANELS))
    elif kind == ItemKind.RESULTS:
        qs = qs.filter(state=ApplicationState.ASSESSED, decision__isnull=False).exclude(
            pk__in=_in_open_item(ItemKind.RESULTS))
    else:
        return Application.objects.none()
    if standing:
        qs = qs.filter(requested_standing=standing)
    for word in q.split():
        qs = qs.filter(Q(person__first_name__icontains=word)
                       | Q(person__last_name__icontains=word))
    return qs.select_related("person", "organization", "office", "subject_area",
                             "decision").order_by("entered_on", "pk")


def eligible_for_order(committee: Committee):
    """Applications notified of an approved result and not yet in an order (seed 004 step 7)."""
    return committee_applications(committee).filter(
        state=ApplicationState.NOTIFIED, order_entry__isnull=True).select_related(
        "person", "organization", "office").order_by("office__name", "entered_on", "pk")


def meetings_for(user):
    return Meeting.objects.filter(committee__in=committees_for(user)).select_related(
        "committee", "committee__province")


def meeting_list(user):
    return meetings_for(user).annotate(item_count=Count("items")).order_by("-date", "-pk")


def meeting_detail(user, pk) -> Meeting:
    return meetings_for(user).prefetch_related(
        Prefetch("items", queryset=AgendaItem.objects.select_related(
            "resolution", "commitment").annotate(
            entry_count=Count("entries")).order_by("order"))).get(pk=pk)


def items_for(user):
    return AgendaItem.objects.filter(meeting__committee__in=committees_for(user)).select_related(
        "meeting", "meeting__committee", "meeting__committee__province")


def item_detail(user, pk) -> AgendaItem:
    return items_for(user).select_related("resolution", "commitment").prefetch_related(
        Prefetch("entries", queryset=AgendaEntry.objects.select_related(
            "application", "application__person", "application__organization",
            "application__office", "application__subject_area",
            "application__decision").order_by("order"))).get(pk=pk)


def items_of_meeting(user, meeting: Meeting):
    """Every item of a meeting with what its documents print (entries, applicants, resolution),
    in the agenda's order."""
    return items_for(user).filter(meeting=meeting).select_related("resolution").prefetch_related(
        Prefetch("entries", queryset=AgendaEntry.objects.select_related(
            "application", "application__person", "application__organization",
            "application__office", "application__subject_area",
            "application__decision").order_by("order"))).order_by("order")


def orders_for(user):
    return AppointmentOrder.objects.filter(committee__in=committees_for(user)).select_related(
        "committee", "committee__province", "issuer")


def order_detail(user, pk) -> AppointmentOrder:
    return orders_for(user).prefetch_related(
        Prefetch("entries", queryset=OrderEntry.objects.select_related(
            "application", "application__person", "application__organization").order_by(
            "order_no"))).get(pk=pk)


def waiting_counts(committees) -> list[dict]:
    """Per step: how many applications of these committees wait there and since when (the
    oldest complete request first). One query."""
    provinces = {c.province.path: c for c in committees}
    if not provinces:
        return []
    cond = Q(pk__in=[])
    for c in committees:
        cond |= Q(office__path__startswith=c.province.path,
                  office__lao_type__in=lao_types_of(c))
    rows = Application.objects.filter(cond, office__kind=OrgKind.LAO,
                                      state__in=WAITING_STATES).values("state").annotate(
        n=Count("pk"), oldest=Min("entered_on")).order_by("oldest", "state")
    labels = dict(ApplicationState.choices)
    return [{"state": r["state"], "label": labels[r["state"]], "n": r["n"],
             "oldest": r["oldest"]} for r in rows]


def decisions_of(applications) -> dict[int, AssessmentDecision]:
    return {d.application_id: d for d in AssessmentDecision.objects.filter(
        application__in=applications)}
