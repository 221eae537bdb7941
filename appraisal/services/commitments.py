"""Commitments of draws (issue 19; docs/assessment-rules.md §1): the secret seed, its published
SHA-256, the public value entered at the draw, the reveal. The rows only: who may publish and
draw is checked by the callers (``appraisal.services.draw``, ``committees.services``).

The seed is written here and read in two places only: the draw (``rules.committed_values``) and
the record of a draw that used it (``draw_record.record_of``), which exists only once the seed
is revealed. Nothing else reads ``DrawCommitment.seed``: pages and the API use
``revealed_seed``, the audit trail and the notifications never carry it."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from appraisal import rules
from appraisal.choices import DrawOutcome
from appraisal.models import Application, DrawCommitment
from appraisal.rules.draw import SEED_BYTES
from appraisal.services.common import user_or_none

# What the pages say about choosing the public value (the draw form, the meeting, the record)
PUBLIC_VALUE_MAX = 500


def new_commitment(*, actor, purpose: str, public_source: str = "",
                   applications=(), organization=None) -> DrawCommitment:
    """Draw a secret seed and publish its commitment. ``applications``: those it may be drawn
    for (an agenda item's are added when the committee approves them)."""
    seed = secrets.token_hex(SEED_BYTES)
    commitment = DrawCommitment.objects.create(
        seed=seed, commitment=rules.commitment_of(seed), purpose=purpose[:300],
        public_source=(public_source or "").strip()[:300], created_by=user_or_none(actor),
        created_at=timezone.now())
    if applications:
        commitment.applications.add(*applications)
    audit.record("appraisal.commitment.publish", actor=actor, target=commitment,
                 organization=organization, commitment=commitment.commitment,
                 purpose=commitment.purpose, applications=[a.pk for a in applications])
    return commitment


def current_commitment(application: Application) -> DrawCommitment | None:
    """The commitment the application's next draw by a person will use: the newest one bound
    to it that no draw has used yet."""
    return application.draw_commitments.filter(
        revealed_at__isnull=True, public_value="").order_by("-created_at", "-pk").first()


def refill_commitment(application: Application) -> DrawCommitment | None:
    """The commitment a refill uses: that of the application's last draw that invited anyone
    (None when that draw is a legacy one, whose refills stay legacy)."""
    last = application.draws.filter(outcome=DrawOutcome.DRAWN).order_by(
        "-sequence").select_related("commitment").first()
    return last.commitment if last is not None else None


def public_value_of(text: str) -> str:
    """The public value in its canonical form, or a Thai ValidationError."""
    try:
        value = rules.canonical_public_value(text or "")
    except ValueError:
        raise ValidationError({"public_value": _("ค่าสาธารณะมีอักขระควบคุม กรุณาพิมพ์ใหม่")}) \
            from None
    if not value:
        raise ValidationError({"public_value": _(
            "กรุณากรอกค่าสาธารณะ (เช่น ผลสลากกินแบ่งรัฐบาลงวดที่ระบุไว้ หรือตัวเลขที่ประกาศในที่ประชุม)")})
    if len(value) > PUBLIC_VALUE_MAX:
        raise ValidationError({"public_value": _("ค่าสาธารณะยาวเกิน %(n)d ตัวอักษร") % {
            "n": PUBLIC_VALUE_MAX}})
    return value


def fix_public_value(commitment: DrawCommitment, value: str, *, actor, now) -> DrawCommitment:
    """The first draw with a commitment fixes its public value: a compare-and-set, so two
    draws at once cannot both fix one (the second is refused)."""
    if commitment.revealed_at is not None or commitment.public_value:
        raise ValidationError(_("ค่าผูกมัดนี้ใช้สุ่มไปแล้ว กรุณาเผยแพร่ค่าผูกมัดใหม่ก่อนสุ่มอีกครั้ง"))
    changed = DrawCommitment.objects.filter(
        pk=commitment.pk, revealed_at__isnull=True, public_value="").update(
        public_value=value, public_value_at=now, public_value_by=user_or_none(actor))
    if not changed:
        raise ValidationError(_("มีผู้สุ่มกรรมการด้วยค่าผูกมัดนี้พร้อมกัน กรุณาเปิดหน้าใหม่แล้วตรวจสอบผล"))
    commitment.public_value, commitment.public_value_at = value, now
    commitment.public_value_by = user_or_none(actor)
    return commitment


def reveal(commitment: DrawCommitment, *, actor, now, organization=None) -> None:
    """After the draw: the seed is revealed on every record drawn with it."""
    DrawCommitment.objects.filter(pk=commitment.pk).update(revealed_at=now)
    commitment.revealed_at = now
    audit.record("appraisal.commitment.reveal", actor=actor, target=commitment,
                 organization=organization, commitment=commitment.commitment,
                 public_value=commitment.public_value)
