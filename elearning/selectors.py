"""Read side of e-Learning. Who sees what:

* completions: a learner sees their own; admin and office roles see those recorded at the units
  they work on (``Access.WORK``, through ``accounts.scoping``);
* compliance of a unit (the dashboard, the reports): those who work on the unit;
* channels, courses, rounds, requirements and holidays are national data, the same for all;
  only the DLA admin (who administers the root of the tree) or a superuser changes them.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

import holidays as holiday_library
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch, Q

from accounts import scoping
from accounts.models import Membership, Organization
from accounts.scoping import Access

from . import rules
from .models import (
    Channel,
    Completion,
    CompletionStatus,
    Course,
    ExtraHoliday,
    Requirement,
    RequirementChannel,
    Round,
    UnitReport,
)

STEP = Organization.steplen


# --- who may do what ------------------------------------------------------------------------


def is_elearning_admin(user) -> bool:
    """The DLA admin (administers the root of the tree) or a superuser: keeps channels, courses,
    rounds, requirements and extra holidays. No query beyond the user's cached reach."""
    if not getattr(user, "is_authenticated", False):
        return False
    reach = scoping.reach(user, Access.ADMINISTER)
    return reach.everything or any(len(p) == STEP for p in reach.subtree_paths)


def may_work(user) -> bool:
    """Whether the user works on any unit (supervisors, admins, officers)."""
    return not scoping.reach(user, Access.WORK).nothing


def work_units(user):
    """The organisations whose compliance ``user`` may look at."""
    return scoping.organizations(user, Access.WORK)


def unit_for(user, pk) -> Organization:
    """One unit the user works on, or ``Organization.DoesNotExist`` (the view's 404)."""
    return work_units(user).get(pk=pk)


def default_unit(user) -> Organization | None:
    """The top of the user's working reach (the unit a dashboard opens on)."""
    return work_units(user).order_by("depth", "path").first()


# --- national data ---------------------------------------------------------------------------


def channels(*, active_only: bool = True):
    qs = Channel.objects.all()
    return qs.filter(is_active=True) if active_only else qs


def courses(*, channel: Channel | None = None, q: str = "", active_only: bool = True):
    qs = Course.objects.select_related("channel")
    if active_only:
        qs = qs.filter(is_active=True, channel__is_active=True)
    if channel is not None:
        qs = qs.filter(channel=channel)
    for word in q.split():
        qs = qs.filter(Q(name__icontains=word) | Q(code__iexact=word))
    return qs.order_by("channel__order", "name")


def rounds():
    return Round.objects.order_by("-fiscal_year_be", "-number")


def round_on(day: datetime.date) -> Round | None:
    return Round.objects.filter(starts_on__lte=day, ends_on__gte=day).first()


def round_or_current(pk, today: datetime.date) -> Round | None:
    """The round asked for by id (None when there is no such round), else the one containing
    today, else the latest."""
    if pk not in (None, ""):
        try:
            return Round.objects.filter(pk=int(pk)).first()
        except (TypeError, ValueError):
            return None
    return round_on(today) or rounds().first()


def requirements():
    return Requirement.objects.prefetch_related(Prefetch(
        "channel_minimums", queryset=RequirementChannel.objects.select_related("channel")
        .order_by("channel__order"))).order_by("-priority", "name")


def requirement_specs() -> list[rules.RequirementSpec]:
    return [_spec(r) for r in requirements().filter(is_active=True)]


def _spec(r: Requirement) -> rules.RequirementSpec:
    return rules.RequirementSpec(
        id=r.pk, name=r.name, min_courses=r.min_courses, role=r.role, org_kind=r.org_kind,
        position_prefix=r.position_prefix, priority=r.priority,
        channel_minimums=tuple(rules.ChannelMinimum(c.channel_id, c.channel.name, c.minimum)
                               for c in r.channel_minimums.all()),
    )


@lru_cache(maxsize=32)
def _public_holidays(year: int) -> frozenset[datetime.date]:
    # Thai public holidays from the maintained `holidays` package (substitute days included).
    return frozenset(holiday_library.country_holidays("TH", years=year))


def public_holiday_names(start: datetime.date, end: datetime.date) -> dict[datetime.date, str]:
    names = {}
    for year in range(start.year, end.year + 1):
        for day, name in holiday_library.country_holidays("TH", years=year,
                                                          language="th").items():
            if start <= day <= end:
                names[day] = name
    return names


def holidays_between(start: datetime.date, end: datetime.date) -> set[datetime.date]:
    """Days that are not working days besides weekends: Thai public holidays and the extra days
    an admin added. One query."""
    days = set()
    for year in range(start.year, end.year + 1):
        days |= {d for d in _public_holidays(year) if start <= d <= end}
    days |= set(ExtraHoliday.objects.filter(date__range=(start, end))
                .values_list("date", flat=True))
    return days


def extra_holidays():
    return ExtraHoliday.objects.order_by("-date")


# --- completions ----------------------------------------------------------------------------


def completions_for(user):
    """Every completion ``user`` may read: their own, and those of the units they work on."""
    if not getattr(user, "is_authenticated", False):
        return Completion.objects.none()
    reach = scoping.reach(user, Access.WORK)
    own = Q(user_id=user.pk)
    visible = own if reach.nothing else own | reach.q("organization")
    return Completion.objects.filter(visible).select_related(
        "course__channel", "organization", "user", "decided_by")


def completion_for(user, pk) -> Completion:
    """One completion, or ``Completion.DoesNotExist`` (the view's 404)."""
    return completions_for(user).get(pk=pk)


def my_completions(user):
    return completions_for(user).filter(user_id=user.pk).order_by("-completed_on", "-id")


def pending_for_review(user):
    """Completions waiting for the user's decision: pending, at units they work on, not their
    own (nobody certifies their own certificate)."""
    return scope_work(Completion.objects.filter(status=CompletionStatus.PENDING), user).exclude(
        user_id=user.pk).select_related("course__channel", "organization", "user").order_by(
        "created_at", "id")


def scope_work(qs, user):
    return scoping.scope(qs, user, "organization", Access.WORK)


def can_decide(user, completion: Completion) -> bool:
    return (completion.status == CompletionStatus.PENDING and completion.user_id != user.pk
            and scoping.can_work_on(user, completion.organization))


# --- compliance -------------------------------------------------------------------------------


@dataclass
class LearnerRow:
    user: object
    unit: Organization
    position: str
    requirement: rules.RequirementSpec | None
    status: rules.Status

    @property
    def passed(self) -> bool:
        return self.status.passed


@dataclass
class UnitShare:
    unit: Organization
    total: int = 0
    passed: int = 0

    @property
    def percent(self) -> int:
        return rules.percent(self.passed, self.total)


@dataclass
class Compliance:
    organization: Organization
    round: Round
    rows: list[LearnerRow]
    units: list[UnitShare] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.rows)

    @property
    def percent(self) -> int:
        """The indicator (seed 002): the share of the unit's staff who passed in the round."""
        return rules.percent(self.passed, self.total)

    @property
    def not_passed(self) -> list[LearnerRow]:
        return [r for r in self.rows if not r.passed]


def _position_of(user, membership: Membership) -> str:
    if membership.position:
        return membership.position
    try:
        person = user.person
    except ObjectDoesNotExist:
        return str(membership.get_role_display())
    return str(person.get_position_type_display()) if person else ""


def _learner_memberships(org: Organization):
    """Every active membership of every active user with an active membership under ``org``."""
    inside = Membership.objects.filter(is_active=True, organization__path__startswith=org.path)
    return (Membership.objects.filter(is_active=True, user__is_active=True,
                                      user_id__in=inside.values("user_id"))
            .select_related("organization", "user", "user__person")
            .order_by("user__first_name", "user__last_name", "user_id", "-organization__depth"))


def compliance_of(org: Organization, round_: Round) -> Compliance:
    """Each learner of ``org``'s subtree in ``round_`` with the requirement that applies and
    whether they met it, plus the share per unit directly below ``org``. Five queries, whatever
    the number of people."""
    by_user: dict[int, list[Membership]] = defaultdict(list)
    users = {}
    for m in _learner_memberships(org):
        by_user[m.user_id].append(m)
        users[m.user_id] = m.user
    specs = requirement_specs()
    accepted: dict[int, list[rules.CourseFact]] = defaultdict(list)
    pending: dict[int, int] = defaultdict(int)
    inside = Membership.objects.filter(is_active=True, organization__path__startswith=org.path)
    for user_id, course_id, channel_id, status in (
        Completion.objects.filter(user_id__in=inside.values("user_id"),
                                  completed_on__range=(round_.starts_on, round_.ends_on))
        .exclude(status=CompletionStatus.REJECTED)
        .values_list("user_id", "course_id", "course__channel_id", "status")
    ):
        if status == CompletionStatus.ACCEPTED:
            accepted[user_id].append(rules.CourseFact(course_id, channel_id))
        else:
            pending[user_id] += 1
    children = {o.path: UnitShare(o) for o in Organization.objects.filter(
        path__startswith=org.path, depth=org.depth + 1).order_by("name")}
    own = UnitShare(org)
    rows = []
    for user_id, memberships in by_user.items():
        facts = [rules.MembershipFacts(m.role, m.organization.kind, m.position)
                 for m in memberships]
        requirement = rules.applicable_requirement(specs, facts)
        status = rules.compliance(accepted.get(user_id, ()), requirement,
                                  pending=pending.get(user_id, 0))
        # the unit shown: the deepest membership inside the organisation
        home = next(m for m in memberships if m.organization.path.startswith(org.path))
        rows.append(LearnerRow(user=users[user_id], unit=home.organization,
                               position=_position_of(users[user_id], home),
                               requirement=requirement, status=status))
        share = children.get(home.organization.path[: (org.depth + 1) * STEP], own)
        share.total += 1
        share.passed += status.passed
    units = ([own] if own.total else []) + [s for s in children.values() if s.total]
    return Compliance(organization=org, round=round_, rows=rows, units=units)


def status_of(user, round_: Round) -> tuple[rules.RequirementSpec | None, rules.Status]:
    """One user's requirement and status in ``round_`` (their own page)."""
    facts = [rules.MembershipFacts(m.role, m.organization.kind, m.position)
             for m in Membership.objects.filter(user=user, is_active=True)
             .select_related("organization")]
    requirement = rules.applicable_requirement(requirement_specs(), facts)
    accepted, pending = [], 0
    for course_id, channel_id, status in (
        Completion.objects.filter(user=user, completed_on__range=(round_.starts_on,
                                                                  round_.ends_on))
        .exclude(status=CompletionStatus.REJECTED)
        .values_list("course_id", "course__channel_id", "status")
    ):
        if status == CompletionStatus.ACCEPTED:
            accepted.append(rules.CourseFact(course_id, channel_id))
        else:
            pending += 1
    return requirement, rules.compliance(accepted, requirement, pending=pending)


def accepted_completions(org: Organization, round_: Round, user_ids=None):
    """The accepted completions of ``org``'s learners in ``round_`` (the report's certificates),
    ordered by learner then date."""
    inside = Membership.objects.filter(is_active=True, organization__path__startswith=org.path)
    qs = Completion.objects.filter(
        user_id__in=inside.values("user_id"), status=CompletionStatus.ACCEPTED,
        completed_on__range=(round_.starts_on, round_.ends_on))
    if user_ids is not None:
        qs = qs.filter(user_id__in=user_ids)
    return qs.select_related("course__channel", "user", "organization").order_by(
        "user__first_name", "user__last_name", "user_id", "completed_on", "id")


def report_of(org: Organization, round_: Round) -> UnitReport | None:
    return UnitReport.objects.filter(organization=org, round=round_).select_related(
        "recorded_by").first()


def reports_for(user, *, round_: Round | None = None):
    qs = scoping.scope(UnitReport.objects.select_related("round", "organization", "recorded_by"),
                       user, "organization", Access.WORK)
    if round_ is not None:
        qs = qs.filter(round=round_)
    return qs
