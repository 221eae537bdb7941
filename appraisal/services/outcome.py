"""After the assessment (seed 004 steps 5–7): the committee approves the result or not, the office
notifies the school and the applicant, and the appointment order gives the new standing.

    assessed ──approve_result──▶ result_approved ──notify_result──▶ notified
        │                                                             │ mark_appointed
        │                                                             ▼
        └──approve_result(approved=False)──▶ result_not_approved    appointed
                                             (notified, stays)

Called by the committees app (its resolutions and orders); each function locks the row, checks
that the actor runs the assessment at the application's office (the province admin, the
committee's secretary, does), writes the history line and the audit record, and notifies after
commit. Only ``state`` changes: the certified columns stay frozen (migration 0003)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Membership
from accounts.notify import notify
from accounts.rules import Role
from appraisal.choices import ApplicationAction, ApplicationState
from appraisal.models import Application, AssessmentDecision
from appraisal.services import draw as draws
from core.thaidates import format_be
from personnel import services as personnel_services


def _school_people(application: Application) -> list:
    """The applicant and the admin of the applicant's school (seed 004 step 6)."""
    users = [application.person.user]
    users += [m.user for m in Membership.objects.select_related("user").filter(
        organization=application.organization, role=Role.SCHOOL_ADMIN, is_active=True)]
    return [u for u in users if u is not None]


@transaction.atomic
def approve_result(application: Application, *, actor, approved: bool,
                   meeting_ref: str = "") -> Application:
    """The committee approved (or did not approve) the assessment result (seed 004 step 5)."""
    application = draws.lock(application)
    draws.require_office(actor, application)
    draws.require_state(application, ApplicationState.ASSESSED)
    if not AssessmentDecision.objects.filter(application=application).exists():
        raise ValidationError(_("คำขอนี้ยังไม่มีผลการประเมินของกรรมการ"))
    before = application.state
    if approved:
        application.state = ApplicationState.RESULT_APPROVED
        action = ApplicationAction.RESULT_APPROVED
    else:
        application.state = ApplicationState.RESULT_NOT_APPROVED
        action = ApplicationAction.RESULT_NOT_APPROVED
    application.save(update_fields=["state", "updated_at"])
    draws.event(application, action, before, actor=actor, meeting_ref=meeting_ref.strip())
    return application


@transaction.atomic
def notify_result(application: Application, *, actor, meeting_ref: str,
                  confirmed: bool) -> Application:
    """Tell the school and the applicant the committee's decision, with the meeting's number and
    date, through the portal and by email (seed 004 step 6). The secretary confirms first."""
    if not confirmed:
        raise ValidationError(_("กรุณายืนยันการแจ้งผลการประเมิน"))
    application = draws.lock(application)
    draws.require_office(actor, application)
    draws.require_state(application, ApplicationState.RESULT_APPROVED,
                        ApplicationState.RESULT_NOT_APPROVED)
    before = application.state
    approved = before == ApplicationState.RESULT_APPROVED
    if approved:
        application.state = ApplicationState.NOTIFIED
        application.save(update_fields=["state", "updated_at"])
    elif application.events.filter(action=ApplicationAction.NOTIFIED).exists():
        raise ValidationError(_("แจ้งผลการประเมินของคำขอนี้แล้ว"))
    decision = _("อนุมัติผลการประเมิน ให้มีวิทยฐานะ%(standing)s") % {
        "standing": application.get_requested_standing_display()} if approved else _(
        "ไม่อนุมัติผลการประเมิน")
    draws.event(application, ApplicationAction.NOTIFIED, before, actor=actor,
                meeting_ref=meeting_ref, approved=approved, confirmed=True)
    notify(_school_people(application),
           _("แจ้งผลการประเมินวิทยฐานะ: %(name)s") % {"name": application.person.full_name_th},
           _("มติคณะกรรมการ %(meeting)s: %(decision)s") % {"meeting": meeting_ref,
                                                          "decision": decision},
           draws.application_url(application))
    return application


@transaction.atomic
def mark_appointed(application: Application, *, actor, effective_on: datetime.date,
                   order_ref: str, salary_rank: str | None = None,
                   salary=None) -> Application:
    """The appointment order was issued (seed 004 step 7): the person's standing, its date, the
    rank that goes with it and the salary per the rules in the ก.พ.7 record with a dated
    position line (``personnel.services.appoint_to_standing``; ``salary_rank``/``salary``: the
    figures the order printed), and the application appointed. No appointment takes effect
    before the complete request entered the system (step 5)."""
    application = draws.lock(application)
    draws.require_office(actor, application)
    draws.require_state(application, ApplicationState.NOTIFIED)
    if application.entered_on and effective_on < application.entered_on:
        raise ValidationError(_("วันที่มีผลต้องไม่ก่อนวันที่คำขอครบถ้วนเข้าสู่ระบบ (%(day)s)") % {
            "day": format_be(application.entered_on, style="long")})
    personnel_services.appoint_to_standing(
        actor=actor, person=application.person, standing=application.requested_standing,
        effective_on=effective_on, order_ref=order_ref, salary_rank=salary_rank, salary=salary)
    before = application.state
    application.state = ApplicationState.APPOINTED
    application.save(update_fields=["state", "updated_at"])
    draws.event(application, ApplicationAction.APPOINTED, before, actor=actor,
                order_ref=order_ref, effective_on=effective_on.isoformat())
    notify(_school_people(application),
           _("แต่งตั้งให้มีวิทยฐานะ%(standing)s แล้ว") % {
               "standing": application.get_requested_standing_display()},
           _("%(order)s มีผลตั้งแต่ %(day)s") % {"order": order_ref,
                                                "day": format_be(effective_on, style="long")},
           draws.application_url(application))
    return application
