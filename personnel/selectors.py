"""Read side of the registry. Who sees which records:

* admin and office roles: everybody in the subtrees they work on (``Access.WORK``);
* everyone: their own record (a person linked to their account).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, Q

from accounts import scoping
from accounts.models import Organization
from accounts.scoping import Access

from . import rules
from .choices import PersonStatus
from .models import HISTORY_MODELS, Person, StatusChange


def people_for(user):
    """Every person record ``user`` may read."""
    if not getattr(user, "is_authenticated", False):
        return Person.objects.none()
    reach = scoping.reach(user, Access.WORK)
    own = Q(user_id=user.pk)
    if reach.nothing:
        return Person.objects.filter(own)
    return Person.objects.filter(reach.q("organization") | own)


def roster(user, *, organization: Organization | None = None, status: str | None = None,
           q: str = ""):
    """The roster page: people with their unit, sorted by name. ``status`` None = active;
    "all" = every status (ended records stay searchable)."""
    qs = people_for(user).select_related("organization")
    if organization is not None:
        qs = qs.filter(organization__path__startswith=organization.path)
    if status != "all":
        qs = qs.filter(status=status or PersonStatus.ACTIVE)
    if q:
        q = q.strip()
        if q.replace("-", "").isdigit():
            qs = qs.filter(national_id__startswith=q.replace("-", ""))
        else:
            for word in q.split():
                qs = qs.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return qs.order_by("first_name", "last_name", "pk")


def person_for(user, pk) -> Person:
    """One person with every history section, or ``Person.DoesNotExist`` (the view's 404)."""
    prefetches = [f"{m._meta.model_name}_lines" for m in HISTORY_MODELS if m is not StatusChange]
    prefetches.append(Prefetch(
        "statuschange_lines", queryset=StatusChange.objects.select_related("to_organization")
    ))
    return people_for(user).select_related("organization", "user").prefetch_related(
        *prefetches
    ).get(pk=pk)


def can_edit(user, person: Person) -> bool:
    return scoping.can_work_on(user, person.organization)


@dataclass(frozen=True)
class Derived:
    age: int | None
    retirement_date: datetime.date | None
    retirement_fiscal_year_be: int | None
    tenure_in_position: rules.YMD | None
    tenure_in_standing: rules.YMD | None


def derived_values(person: Person, today: datetime.date) -> Derived:
    """The values computed from a record (RULES.md §3, §4.1), all through ``rules``."""
    birth = person.birth_date
    return Derived(
        age=rules.age_on(birth, today) if birth else None,
        retirement_date=rules.retirement_date(birth) if birth else None,
        retirement_fiscal_year_be=rules.retirement_fiscal_year_be(birth) if birth else None,
        tenure_in_position=(
            rules.tenure(person.appointed_on, today)
            if person.appointed_on and person.appointed_on <= today else None
        ),
        tenure_in_standing=(
            rules.tenure(person.standing_granted_on, today)
            if person.standing_granted_on and person.standing_granted_on <= today else None
        ),
    )
