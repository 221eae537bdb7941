"""Invitations to assess (seed 004 step 4): accept, decline with a reason, time out, cancel;
a freed seat is drawn again under the same rules (``draw.draw_assessors``, ``actor=None``).

States (``InvitationState``)::

    awaiting ──accept──▶ accepted ──(score sheet submitted)
        │  └──decline──▶ declined        │
        ├──(reply_by passed, beat)──▶ timed_out
        └──cancel (office)──▶ cancelled ◀─┘ (before the sheet is submitted)

Accepting needs the attestation of no conflict of interest (issue 19; the Thai text of
``appraisal.rules.conflicts.ATTESTATIONS``), kept with the acceptance: its version, the SHA-256
of its text, the time. It gives the assessor a django-guardian grant
``appraisal.view_application`` on that one application (``selectors.applications_for`` reads
it): the applicant's data and evidence, from whatever province the assessor is in. Cancelling
takes it back. Three accepted invitations make the application "assessors complete".

Declining for a conflict of interest is its own reason (``DeclineKind.CONFLICT``): the relation
is declared on the expert's record (``conflicts.declare_from_decline``), the office hears of it
on the bell and by email, and the seat is drawn again."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from accounts import audit, scoping
from accounts.exceptions import NotAllowed
from accounts.notify import notify
from accounts.scoping import Access
from appraisal import rules
from appraisal.choices import (
    ApplicationAction,
    ApplicationState,
    ConflictKind,
    DeclineKind,
    InvitationState,
)
from appraisal.models import Application, Invitation, ScoreSheet
from appraisal.services import conflicts
from appraisal.services import draw as draws

VIEW_APPLICATION = "appraisal.view_application"


# --- read side --------------------------------------------------------------------------------

def invitations_for(user):
    """Invitations ``user`` may see: their own (as an expert), and those of the applications of
    the units they work on (the office)."""
    if not getattr(user, "is_authenticated", False):
        return Invitation.objects.none()
    own = Q(expert__user_id=user.pk)
    reach = scoping.reach(user, Access.WORK)
    if reach.nothing:
        return Invitation.objects.filter(own)
    return Invitation.objects.filter(own | reach.q("application__organization"))


def own_invitation(user, pk) -> Invitation:
    """One of ``user``'s own invitations (the expert's pages), or DoesNotExist (404)."""
    return Invitation.objects.filter(expert__user_id=user.pk).select_related(
        "expert", "application", "application__person", "application__organization",
        "application__subject_area", "draw").get(pk=pk)


# What a row of the assessor's queue shows (``assessor_queue``): only these columns are read.
ASSESSOR_QUEUE_FIELDS = (
    "pk", "state", "reply_by", "score_due", "application__requested_standing",
    "application__person__title_th", "application__person__first_name",
    "application__person__last_name", "application__organization__name",
    "application__subject_area__name", "sheet__submitted_at")


def assessor_queue(user):
    """งานประเมินของฉัน: the invitations awaiting this user's reply and those they accepted, as
    rows of ``ASSESSOR_QUEUE_FIELDS`` (named tuples: six models with their JSON columns cost
    more to build than the page's query costs to run)."""
    return Invitation.objects.filter(
        expert__user_id=user.pk,
        state__in=[InvitationState.AWAITING, InvitationState.ACCEPTED],
    ).order_by("state", "reply_by", "pk").values_list(*ASSESSOR_QUEUE_FIELDS, named=True)


def is_assessor(user, application: Application) -> bool:
    """An accepted assessor of the application: the guardian grant on it."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.has_perm(VIEW_APPLICATION, application)


# --- services ---------------------------------------------------------------------------------

def _lock_invitation(invitation: Invitation) -> tuple[Invitation, Application]:
    application = draws.lock(invitation.application)
    invitation = Invitation.objects.select_for_update(of=("self",)).select_related(
        "expert", "expert__user").get(pk=invitation.pk)
    return invitation, application


def _require_expert(actor, invitation: Invitation) -> None:
    if actor is None or invitation.expert.user_id != actor.pk:
        raise NotAllowed(_("ตอบรับหรือปฏิเสธได้เฉพาะผู้ทรงคุณวุฒิที่ได้รับเชิญ"))


def _require_awaiting(invitation: Invitation, now) -> None:
    if invitation.state != InvitationState.AWAITING:
        raise ValidationError(_("คำเชิญนี้อยู่ในสถานะ “%(state)s” แล้ว") % {
            "state": invitation.get_state_display()})
    if invitation.reply_by < now:
        raise ValidationError(_("หมดเวลาตอบรับคำเชิญนี้แล้ว"))


def _reply_event(application, invitation, actor, **data) -> None:
    draws.event(application, ApplicationAction.INVITATION_REPLY, application.state, actor=actor,
                invitation=invitation.pk, seat=invitation.seat, expert=invitation.expert_id,
                invitation_state=invitation.state, **data)


@transaction.atomic
def accept_invitation(invitation: Invitation, *, actor, attested: bool = False) -> Invitation:
    """The invited expert accepts, attesting that they have no conflict of interest with the
    applicant (``attested``; the attestation is kept with the acceptance): the grant on the
    application, an empty score sheet, the scoring deadline; the third acceptance makes the
    application "assessors complete"."""
    invitation, application = _lock_invitation(invitation)
    _require_expert(actor, invitation)
    now = timezone.now()
    _require_awaiting(invitation, now)
    if application.state != ApplicationState.PANEL_APPROVED:
        raise ValidationError(_("คำขอนี้ไม่อยู่ในขั้นตอนรอกรรมการตอบรับแล้ว"))
    if not attested:
        raise ValidationError({"attest": _(
            "กรุณาอ่านและยืนยันคำรับรองว่าท่านไม่มีส่วนได้เสียกับผู้ขอ ก่อนตอบรับ "
            "(ถ้ามีส่วนได้เสีย กรุณาปฏิเสธโดยเลือกเหตุ “มีส่วนได้เสียกับผู้ขอ”)")})
    invitation.state = InvitationState.ACCEPTED
    invitation.replied_at = now
    invitation.score_due = timezone.localdate(now) + datetime.timedelta(
        days=settings.ASSESSMENT_SCORING_DAYS)
    invitation.attestation_version = rules.ATTESTATION_VERSION
    invitation.attestation_sha256 = rules.attestation_sha256(rules.ATTESTATION_VERSION)
    invitation.attested_at = now
    invitation.save(update_fields=["state", "replied_at", "score_due", "attestation_version",
                                   "attestation_sha256", "attested_at"])
    ScoreSheet.objects.get_or_create(invitation=invitation)
    assign_perm(VIEW_APPLICATION, actor, application)
    _reply_event(application, invitation, actor, attestation=invitation.attestation_version,
                 attestation_sha256=invitation.attestation_sha256)
    accepted = application.invitations.filter(state=InvitationState.ACCEPTED).count()
    if accepted == len(draws.SEATS):
        before = application.state
        application.state = ApplicationState.ASSESSORS_COMPLETE
        application.save(update_fields=["state", "updated_at"])
        draws.event(application, ApplicationAction.ASSESSORS_COMPLETE, before, actor=None)
        # one notice for the office: this acceptance and the complete panel together
        notify(draws.office_people(application),
               _("ได้กรรมการประเมินครบ 3 คน: %(name)s") % {
                   "name": application.person.full_name_th},
               _("กรรมการคนที่ %(seat)d ตอบรับแล้ว กรรมการทั้ง 3 คนตอบรับแล้ว "
                 "อยู่ระหว่างการประเมิน") % {"seat": invitation.seat},
               draws.application_url(application), email=False)
    else:
        notify(draws.office_people(application),
               _("กรรมการคนที่ %(seat)d ของ %(name)s: %(state)s") % {
                   "seat": invitation.seat, "name": application.person.full_name_th,
                   "state": invitation.get_state_display()},
               _("%(expert)s ตอบรับแล้ว (ตอบรับแล้ว %(n)d จาก 3 คน)") % {
                   "expert": invitation.expert.full_name_th, "n": accepted},
               draws.application_url(application), email=False)
    return invitation


@transaction.atomic
def decline_invitation(invitation: Invitation, *, actor, reason: str,
                       kind: str = DeclineKind.OTHER,
                       conflict_kind: str | None = None) -> Invitation:
    """The invited expert declines with a reason; the seat is drawn again. ``kind`` =
    ``DeclineKind.CONFLICT``: a conflict of interest with the applicant (``conflict_kind``, a
    ``ConflictKind``), declared on the expert's record, and the office is told on the bell and
    by email."""
    invitation, application = _lock_invitation(invitation)
    _require_expert(actor, invitation)
    now = timezone.now()
    _require_awaiting(invitation, now)
    reason = (reason or "").strip()
    if kind not in DeclineKind.values:
        raise ValidationError({"kind": _("กรุณาเลือกเหตุที่ปฏิเสธ")})
    conflict = kind == DeclineKind.CONFLICT
    if conflict and conflict_kind not in ConflictKind.values:
        raise ValidationError({"conflict_kind": _("กรุณาเลือกความสัมพันธ์กับผู้ขอ")})
    if not reason and not conflict:
        raise ValidationError({"reason": _("กรุณาระบุเหตุผลที่ปฏิเสธ")})
    reason = reason or str(ConflictKind(conflict_kind).label)
    invitation.state = InvitationState.DECLINED
    invitation.replied_at = now
    invitation.decline_reason = reason
    invitation.decline_kind = kind
    invitation.save(update_fields=["state", "replied_at", "decline_reason", "decline_kind"])
    declared = None
    if conflict:
        declared = conflicts.declare_from_decline(actor=actor, invitation=invitation,
                                                  kind=conflict_kind, note=reason)
    _reply_event(application, invitation, actor, reason_given=True, decline_kind=kind,
                 conflict_kind=conflict_kind or "",
                 declaration=declared.pk if declared else None)
    if conflict:  # one notice (bell and email): the conflict declared, and the seat refilled
        _freed(application, invitation, _(
            "%(expert)s ปฏิเสธการเป็นกรรมการคนที่ %(seat)d ของ %(name)s เพราะมีส่วนได้เสีย "
            "(%(kind)s): %(reason)s ความสัมพันธ์นี้บันทึกไว้ในบัญชีรายชื่อแล้ว "
            "การสุ่มครั้งต่อไปจะไม่สุ่มผู้ทรงคุณวุฒิท่านนี้ให้ผู้ขอรายนี้อีก") % {
                "expert": invitation.expert.full_name_th, "seat": invitation.seat,
                "name": application.person.full_name_th,
                "kind": ConflictKind(conflict_kind).label, "reason": reason},
            subject=_("กรรมการปฏิเสธเพราะมีส่วนได้เสีย: %(name)s") % {
                "name": application.person.full_name_th}, email=True)
    else:
        _freed(application, invitation, _("%(expert)s ปฏิเสธคำเชิญ: %(reason)s") % {
            "expert": invitation.expert.full_name_th, "reason": reason})
    return invitation


@transaction.atomic
def cancel_invitation(invitation: Invitation, *, actor, reason: str) -> Invitation:
    """The office cancels an invitation awaiting a reply, or an accepted one whose sheet is not
    submitted (a conflict found late, an assessor who cannot go on). The grant is taken back
    and the seat drawn again."""
    invitation, application = _lock_invitation(invitation)
    draws.require_office(actor, application)
    if invitation.state not in (InvitationState.AWAITING, InvitationState.ACCEPTED):
        raise ValidationError(_("คำเชิญนี้อยู่ในสถานะ “%(state)s” แล้ว") % {
            "state": invitation.get_state_display()})
    sheet = ScoreSheet.objects.filter(invitation=invitation).first()
    if sheet is not None and sheet.submitted_at is not None:
        raise ValidationError(_("กรรมการส่งผลการประเมินแล้ว ยกเลิกไม่ได้"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("กรุณาระบุเหตุผลที่ยกเลิก")})
    was_accepted = invitation.state == InvitationState.ACCEPTED
    invitation.state = InvitationState.CANCELLED
    invitation.cancelled_at = timezone.now()
    invitation.cancelled_by = actor if getattr(actor, "pk", None) else None
    invitation.cancel_reason = reason
    invitation.save(update_fields=["state", "cancelled_at", "cancelled_by", "cancel_reason"])
    if was_accepted and invitation.expert.user is not None:
        remove_perm(VIEW_APPLICATION, invitation.expert.user, application)
    if application.state == ApplicationState.ASSESSORS_COMPLETE:
        before = application.state
        application.state = ApplicationState.PANEL_APPROVED
        application.save(update_fields=["state", "updated_at"])
        draws.event(application, ApplicationAction.INVITATION_REPLY, before, actor=actor,
                    invitation=invitation.pk, seat_freed=invitation.seat)
    _reply_event(application, invitation, actor, reason=reason)
    if invitation.expert.user is not None:
        notify([invitation.expert.user], _("ยกเลิกการเป็นกรรมการประเมิน"),
               _("หน่วยงานยกเลิกการเป็นกรรมการประเมินคำขอของ %(name)s: %(reason)s") % {
                   "name": application.person.full_name_th, "reason": reason},
               reverse("assessor_queue"))
    _freed(application, invitation, reason)
    return invitation


def _freed(application: Application, invitation: Invitation, why: str, *,
           subject: str | None = None, email: bool | None = None) -> None:
    """A seat is free again: draw it again under the same rules, and tell the office in one
    notice what happened to the invitation (declined, timed out, cancelled) and to the seat."""
    refill = draws.draw_assessors(application, actor=None,
                                  trigger=f"refill:{invitation.state}:{invitation.pk}")
    notify(draws.office_people(application),
           subject or _("กรรมการคนที่ %(seat)d ของ %(name)s: %(state)s") % {
               "seat": invitation.seat, "name": application.person.full_name_th,
               "state": invitation.get_state_display()},
           why + "\n" + (_("ระบบสุ่มกรรมการแทนแล้ว") if refill.picks
                         else draws.short_pool_message(refill)),
           draws.application_url(application),
           email=(not refill.picks) if email is None else email)


@transaction.atomic
def expire_invitation(invitation: Invitation, *, now=None) -> bool:
    """One invitation past its reply date times out, and its seat is drawn again. False when it
    was answered meanwhile (the beat task and the expert may meet)."""
    now = now or timezone.now()
    invitation, application = _lock_invitation(invitation)
    if invitation.state != InvitationState.AWAITING or invitation.reply_by >= now:
        return False
    invitation.state = InvitationState.TIMED_OUT
    invitation.save(update_fields=["state"])
    _reply_event(application, invitation, None)
    notify([invitation.expert.user] if invitation.expert.user else [],
           _("คำเชิญเป็นกรรมการประเมินหมดเวลาตอบรับแล้ว"),
           _("คำเชิญประเมินคำขอของ %(name)s หมดเวลาตอบรับแล้ว ระบบจะสุ่มกรรมการท่านอื่นแทน") % {
               "name": application.person.full_name_th}, reverse("assessor_queue"), email=False)
    if application.state == ApplicationState.PANEL_APPROVED:
        _freed(application, invitation, _("หมดเวลาตอบรับ"))
    else:  # nothing to refill at this step; the office still hears of it
        notify(draws.office_people(application),
               _("กรรมการคนที่ %(seat)d ของ %(name)s: %(state)s") % {
                   "seat": invitation.seat, "name": application.person.full_name_th,
                   "state": invitation.get_state_display()},
               _("หมดเวลาตอบรับ"), draws.application_url(application), email=False)
    return True


def expire_invitations(now=None) -> int:
    """Every invitation past its reply date (Celery beat). Each in its own transaction."""
    now = now or timezone.now()
    count = 0
    for invitation in Invitation.objects.filter(state=InvitationState.AWAITING,
                                                reply_by__lt=now).order_by("reply_by", "pk"):
        if expire_invitation(invitation, now=now):
            count += 1
    if count:
        audit.record("appraisal.invitation.expire", actor=None, count=count)
    return count
