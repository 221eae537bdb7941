"""Celery beat work of the assessment (seed 004 steps 4–5): invitations past their reply date
time out and their seats are drawn again; assessors who have not submitted are reminded.

Both are idempotent: an invitation is expired under its application's row lock and only while
still awaiting a reply; a reminder is claimed by writing the day first. Registered by
``AppraisalConfig.ready`` (Celery's autodiscovery reads ``tasks.py`` only); scheduled in
``CELERY_BEAT_SCHEDULE`` (dlep/settings.py)."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from . import invitations, scoring


@shared_task(autoretry_for=(OperationalError,), retry_backoff=30, max_retries=5)
def expire_invitations() -> int:
    """Time out every invitation past its reply date and draw its seat again."""
    return invitations.expire_invitations()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=30, max_retries=5)
def remind_assessors() -> int:
    """Remind accepted assessors whose scoring date is near or past."""
    return scoring.remind_assessors()
