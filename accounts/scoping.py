"""The one place that answers "which organisations, and so which rows, may this user see or change".

Every list in the portal starts from ``scope()`` (or the organisation helpers below); no view
builds its own filter. The rules:

* an admin role (DLA, province, LAO, school admin) sees and changes the whole subtree under the
  organisation it is held at;
* an office role (officer, group head) sees the whole subtree and works on its rows
  (``Access.WORK``), but does not administer organisations or accounts;
* staff see their own organisation only;
* django-guardian grants on a single organisation (``accounts.view_organization``) add that one
  organisation, for people whose work does not follow the tree (an assessor from elsewhere);
* a superuser sees everything.

The tree is a materialised path, so "the subtree under X" is ``path LIKE 'X%'``: one indexed
prefix match per membership, whatever the size of the tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import reduce
from operator import or_

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from guardian.models import UserObjectPermission

from .models import Membership, Organization
from .rules import ADMIN_ROLES, OFFICE_ROLES, Role


class Access(Enum):
    # the organisations a user may look at (their own unit, single-object grants included)
    SEE = "see"
    # the organisations whose rows (people, applications) a user works on: admin and office
    # roles over their subtrees; no staff unit, no single grants
    WORK = "work"
    # the organisations a user administers (accounts, organisations): admin roles only
    ADMINISTER = "administer"


@dataclass(frozen=True)
class Reach:
    """What one user reaches: path prefixes of whole subtrees, and single organisations."""

    everything: bool
    subtree_paths: tuple[str, ...]
    single_org_ids: tuple[int, ...]

    @property
    def nothing(self) -> bool:
        return not (self.everything or self.subtree_paths or self.single_org_ids)

    def q(self, org_field: str | None = None) -> Q:
        """A filter for rows whose organisation (reached through ``org_field``) is in reach."""
        prefix = f"{org_field}__" if org_field else ""
        if self.everything:
            return Q()
        parts = [Q(**{f"{prefix}path__startswith": p}) for p in self.subtree_paths]
        if self.single_org_ids:
            parts.append(Q(**{f"{prefix}id__in": self.single_org_ids}))
        if not parts:
            return Q(pk__in=[])
        return reduce(or_, parts)

    def covers(self, org: Organization) -> bool:
        return (
            self.everything
            or any(org.path.startswith(p) for p in self.subtree_paths)
            or org.pk in self.single_org_ids
        )


def _minimal_prefixes(paths) -> tuple[str, ...]:
    """Drop paths that lie inside another one (a province admin who is also a school admin)."""
    kept: list[str] = []
    for p in sorted(set(paths)):
        if not any(p.startswith(k) for k in kept):
            kept.append(p)
    return tuple(kept)


def reach(user, access: Access = Access.SEE) -> Reach:
    """What ``user`` may see, work on or administer. Cached on the user object (one request)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Reach(False, (), ())
    cache = user.__dict__.setdefault("_reach_cache", {})
    if access in cache:
        return cache[access]
    if user.is_superuser:
        result = Reach(True, (), ())
    else:
        roles = ADMIN_ROLES if access is Access.ADMINISTER else ADMIN_ROLES | OFFICE_ROLES
        if "rows" not in cache:
            cache["rows"] = list(
                Membership.objects.filter(user=user, is_active=True).values_list(
                    "role", "organization__path", "organization_id"
                )
            )
        rows = cache["rows"]
        subtree = [path for role, path, _ in rows if role in roles]
        single: set[int] = set()
        if access is Access.SEE:
            single |= {org_id for role, _, org_id in rows if role == Role.STAFF}
            single |= set(_guardian_granted_org_ids(user))
        result = Reach(False, _minimal_prefixes(subtree), tuple(sorted(single)))
    cache[access] = result
    return result


def _guardian_granted_org_ids(user) -> list[int]:
    ct = ContentType.objects.get_for_model(Organization)
    return [
        int(pk)
        for pk in UserObjectPermission.objects.filter(
            user=user, content_type=ct, permission__codename="view_organization"
        ).values_list("object_pk", flat=True)
    ]


def organizations(user, access: Access = Access.SEE) -> QuerySet[Organization]:
    """The organisations ``user`` may see (or administer)."""
    r = reach(user, access)
    if r.nothing:
        return Organization.objects.none()
    return Organization.objects.filter(r.q())


def scope(queryset: QuerySet, user, org_field: str = "organization", access: Access = Access.SEE):
    """Limit any queryset of organisation-owned rows to what ``user`` may see (or administer)."""
    r = reach(user, access)
    if r.nothing:
        return queryset.none()
    return queryset.filter(r.q(org_field))


def can_see(user, org: Organization) -> bool:
    return reach(user, Access.SEE).covers(org)


def can_work_on(user, org: Organization) -> bool:
    return reach(user, Access.WORK).covers(org)


def can_administer(user, org: Organization) -> bool:
    return reach(user, Access.ADMINISTER).covers(org)


def holds_role_at(user, org: Organization, roles, kinds) -> bool:
    """True when ``user`` holds one of ``roles`` at ``org`` itself or at an ancestor of one of
    ``kinds`` (an officer of the province acts for the LAOs under it). ``None`` is the system."""
    if user is None or user.is_superuser:
        return True
    return Membership.objects.filter(
        user=user, is_active=True, role__in=roles, organization__kind__in=kinds,
        organization__path__in=[org.path[: i * Organization.steplen]
                                for i in range(1, org.depth + 1)],
    ).exists()


def forget(user) -> None:
    """Drop the per-request cache after the user's memberships change."""
    user.__dict__.pop("_reach_cache", None)
