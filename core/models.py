"""Shapes that several apps' tables share. Abstract: no table of its own, no app imported."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DecidedRequest(models.Model):
    """A request that somebody decides: a school-admin or staff registration, a correction of a
    ก.พ.7 record, a roster move, an e-Learning completion. The subclass declares ``status`` with
    its own choices; the decision is who, when and why, written by ``record_decision`` (the
    services call it inside their transaction, after their permission and state checks)."""

    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("ผู้พิจารณา"))
    decided_at = models.DateTimeField(_("พิจารณาเมื่อ"), null=True, blank=True)
    decision_reason = models.CharField(_("เหตุผลการพิจารณา"), max_length=500, blank=True)

    class Meta:
        abstract = True

    def record_decision(self, status: str, *, actor, reason: str = "",
                        also: tuple[str, ...] = ()) -> None:
        """Set the status and the decision, and save them (with the fields ``also`` names)."""
        self.status = status
        self.decided_by = actor if getattr(actor, "pk", None) else None  # None: the system
        self.decided_at = timezone.now()
        self.decision_reason = (reason or "").strip()[:500]
        self.save(update_fields=["status", "decided_by", "decided_at", "decision_reason", *also])
