"""The demo world of ``make run`` (``seed_demo``): the organisations, accounts and ก.พ.7 records
(``world``), then each app's part on top (``elearning``, ``appraisal``, ``committees``), in that
order, through the apps' real services where a step has one. Idempotent."""

from __future__ import annotations

from django.db import transaction

from . import appraisal, committees, elearning, world
from .world import DEMO_LOGINS, DEMO_PASSWORD, Summary

__all__ = ["DEMO_LOGINS", "DEMO_PASSWORD", "Summary", "build"]


@transaction.atomic
def build() -> Summary:
    summary, orgs = world.build()
    elearning.build(orgs)
    appraisal.build()
    committees.build()
    return summary
