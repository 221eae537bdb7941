"""Audit records, written by services inside their transaction."""

from __future__ import annotations

from .models import AuditEvent, Organization


def record(action: str, *, actor, target=None, organization: Organization | None = None, **data):
    """Write one audit row. ``data`` must not carry national ID numbers or passwords."""
    return AuditEvent.objects.create(
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        organization=organization,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data,
    )
