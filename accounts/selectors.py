"""Read side of accounts: scoped querysets shaped for the pages that use them."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Length, Substr
from django.utils import timezone

from . import dashboard, scoping
from .models import AuditEvent, Membership, Organization, User
from .rules import ADMIN_ROLES, OFFICE_ROLES, OrgKind, Role
from .scoping import Access

STEP = Organization.steplen


def with_parent_id(qs):
    """Annotate ``parent_id`` from the path (the parent's path is ours less one step)."""
    parent = Organization.objects.filter(
        path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - STEP)
    ).values("id")[:1]
    return qs.annotate(parent_id=Subquery(parent))


def organizations_for(user, *, kind: str | None = None, parent: Organization | None = None,
                      q: str = "", access: Access = Access.SEE):
    """The organisations ``user`` may see, filtered, with ``parent_id``; ordered by path."""
    qs = scoping.organizations(user, access)
    if kind:
        qs = qs.filter(kind=kind)
    if parent is not None:
        qs = qs.filter(path__startswith=parent.path, depth=parent.depth + 1)
    if q:
        qs = search_organizations(qs, q)
    return with_parent_id(qs).order_by("path")


def search_organizations(qs, q: str):
    return qs.filter(Q(name__icontains=q) | Q(code__startswith=q) | Q(name_en__icontains=q))


def organization_for(user, pk) -> Organization:
    """One organisation the user may see, or ``Organization.DoesNotExist`` (the view's 404)."""
    return with_parent_id(scoping.organizations(user)).get(pk=pk)


def ancestors_of(org: Organization) -> list[Organization]:
    paths = [org.path[: i * STEP] for i in range(1, org.depth)]
    return list(Organization.objects.filter(path__in=paths).order_by("depth"))


def lao_of(org: Organization) -> Organization | None:
    """The LAO an organisation belongs to (itself for an LAO), or None above LAO level."""
    if org.kind == OrgKind.LAO:
        return org
    if org.kind != OrgKind.SCHOOL:
        return None
    return next((a for a in reversed(ancestors_of(org)) if a.kind == OrgKind.LAO), None)


def memberships_of(user: User):
    return (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("organization")
        .order_by("organization__path", "role")
    )


def members_of(user, org: Organization):
    """People holding roles at ``org`` (for its detail page); admins and office roles only."""
    if not (scoping.can_administer(user, org) or _has_office_reach(user, org)):
        return Membership.objects.none()
    return (
        Membership.objects.filter(organization=org, is_active=True)
        .select_related("user")
        .order_by("role", "user__first_name")
    )


def _has_office_reach(user, org) -> bool:
    return scoping.can_see(user, org) and any(
        m.role in OFFICE_ROLES and org.path.startswith(m.organization.path)
        for m in memberships_of(user)
    )


@dataclass
class DashboardCard:
    membership: Membership
    ancestors: list[Organization]
    counts: dict[str, int] = field(default_factory=dict)
    staff_count: int = 0
    panels: list = field(default_factory=list)
    counted_at: datetime.datetime | None = None  # when counts and staff_count were counted

    @property
    def administers(self) -> bool:
        return self.membership.role in ADMIN_ROLES

    @property
    def kind_counts(self):
        """(label, count, kind) for each kind below this organisation, top to bottom."""
        return [
            (k.label, self.counts[k.value], k.value) for k in OrgKind if self.counts.get(k.value)
        ]


def dashboard_for(user: User) -> list[DashboardCard]:
    """One card per membership: where the role is held, and what lies under it.

    The counts under an admin's or an office's unit (organisations by kind, active staff) are
    kept in the cache for ``DASHBOARD_COUNTS_SECONDS``: at the top of the tree they count the
    whole country (38,812 organisations, 365,000 staff at full size), which no index makes
    cheap. The card says when they were counted. One cache key per card (membership)."""
    memberships = list(memberships_of(user))
    counted = [m for m in memberships if m.role in ADMIN_ROLES or m.role in OFFICE_ROLES]
    keys = {m.pk: _counts_key(m) for m in counted}
    cached = cache.get_many(list(keys.values())) if keys else {}
    cards = []
    for m in memberships:
        org = m.organization
        card = DashboardCard(membership=m, ancestors=ancestors_of(org))
        if m.pk in keys:
            figures = cached.get(keys[m.pk])
            if figures is None:
                figures = _count_below(org)
                cache.set(keys[m.pk], figures, settings.DASHBOARD_COUNTS_SECONDS)
            card.counts, card.staff_count, card.counted_at = figures
        card.panels = dashboard.panels_for(user, m)
        cards.append(card)
    return cards


def _counts_key(m: Membership) -> str:
    # The membership's creation time too: a key never outlives its membership, even where ids
    # are used again (a test database rolled back).
    return f"dashboard-counts:{m.pk}:{m.organization_id}:{m.created_at.timestamp():.6f}"


def _count_below(org: Organization) -> tuple[dict[str, int], int, datetime.datetime]:
    """Organisations under ``org`` by kind, its active staff (the whole subtree), and when."""
    below = Organization.objects.filter(path__startswith=org.path, depth__gt=org.depth)
    counts = dict(below.values_list("kind").annotate(n=Count("id")).order_by())
    staff = Membership.objects.filter(
        organization__path__startswith=org.path, role=Role.STAFF, is_active=True
    ).count()
    return counts, staff, timezone.now()


def audit_events_for(user, *, action: str = "", date_from=None, date_to=None):
    """Audit rows of the organisations ``user`` administers, newest first."""
    qs = scoping.scope(AuditEvent.objects.select_related("actor", "organization"), user,
                       org_field="organization", access=Access.ADMINISTER)
    if action:
        qs = qs.filter(action__startswith=action)
    if date_from:
        qs = qs.filter(at__date__gte=date_from)
    if date_to:
        qs = qs.filter(at__date__lte=date_to)
    return qs.order_by("-at", "-id")


def organization_paths(ids: Iterable[int | None]) -> list[str]:
    """The paths of the organisations ``ids`` (one query; none for no ids)."""
    ids = {i for i in ids if i}
    if not ids:
        return []
    return list(Organization.objects.filter(pk__in=ids).values_list("path", flat=True))
