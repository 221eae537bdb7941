"""Score sheets and the decision (RULES.md §4.5 step 5; seed 004 step 5).

An accepted assessor fills one score sheet for the application: a level 1–4 for every indicator
of the rubrics of the requested standing (``Rubric``/``Indicator``: sides 1 and 2; side 3 too
for เชี่ยวชาญ and เชี่ยวชาญพิเศษ), strengths and remarks per side. The page saves drafts as the
assessor goes (``save_draft``); each save recomputes the percentage of every complete side from
the rubric (``rules.sheet_percentage``). Submitting (``submit_score_sheet``) needs every
indicator scored and locks the sheet (and a trigger of migration 0005 refuses any later
change). When the third sheet is submitted, ``rules.decide`` gives the decision, stored as
``AssessmentDecision``, and the application is "assessed".

Who sees scores: each assessor only their own sheet, never the others' (pretalx #611); the office
every sheet, the six (or nine) percentages and the decision, and the summary PDF of the three.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit, scoping
from accounts.exceptions import NotAllowed
from accounts.notify import notify
from accounts.scoping import Access
from appraisal import rules
from appraisal.choices import ApplicationAction, ApplicationState, InvitationState, Side
from appraisal.models import Application, AssessmentDecision, Invitation, Rubric, ScoreSheet
from appraisal.services import draw as draws

NOTE_FIELDS = ("strengths", "remarks")
NOTE_MAX = 5000


# --- rubrics ---------------------------------------------------------------------------------

def rubrics_for(standing: str) -> list[Rubric]:
    """The rubrics of the requested standing, side by side, with their indicators."""
    sides = rules.sides_for(standing)
    found = {r.side: r for r in Rubric.objects.filter(standing=standing, side__in=sides)
             .prefetch_related("indicators")}
    missing = [s for s in sides if s not in found]
    if missing:
        raise ValidationError(_("ยังไม่มีแบบประเมินด้านที่ %(sides)s ของวิทยฐานะนี้") % {
            "sides": ", ".join(str(s) for s in missing)})
    return [found[s] for s in sides]


def percentages(rubrics: list[Rubric], levels: dict) -> dict[str, str]:
    """{side: percentage} for every side whose indicators all have a level."""
    result = {}
    for rubric in rubrics:
        indicators = list(rubric.indicators.all())
        given = [levels.get(str(i.pk)) for i in indicators]
        if indicators and all(level in rules.LEVELS for level in given):
            result[str(rubric.side)] = str(rules.sheet_percentage(
                given, [i.weight for i in indicators]))
    return result


# --- read side --------------------------------------------------------------------------------

def own_sheet(user, invitation_pk) -> ScoreSheet:
    """The user's own score sheet of an accepted (or later cancelled) invitation, or
    DoesNotExist (404)."""
    return ScoreSheet.objects.filter(invitation__expert__user_id=user.pk).select_related(
        "invitation", "invitation__expert", "invitation__application",
        "invitation__application__person", "invitation__application__organization",
        "invitation__application__subject_area").get(invitation_id=invitation_pk)


def may_see_scores(user, application: Application) -> bool:
    """The office (those who work on the application's unit) sees every assessor's scores."""
    return scoping.can_work_on(user, application.organization)


def scored_applications(user):
    """The office's view: applications of its units in the assessment steps."""
    return scoping.scope(Application.objects.all(), user, "organization", Access.WORK).filter(
        state__in=[ApplicationState.PANEL_APPROVED, ApplicationState.ASSESSORS_COMPLETE,
                   ApplicationState.ASSESSED])


def overview(application: Application) -> dict:
    """For the office: the seat holders with their sheets, the score table (one row per
    assessor, one column per side) and the decision."""
    sides = rules.sides_for(application.requested_standing)
    holders = list(application.invitations.filter(
        state=InvitationState.ACCEPTED).select_related("expert", "sheet").order_by("seat"))
    rows = []
    for invitation in holders:
        sheet = getattr(invitation, "sheet", None)
        done = sheet is not None and sheet.submitted_at is not None
        rows.append({"invitation": invitation, "sheet": sheet, "submitted": done,
                     "scores": [Decimal(sheet.percentages[str(s)])
                                if done and str(s) in sheet.percentages else None
                                for s in sides]})
    decision = AssessmentDecision.objects.filter(application=application).first()
    return {"sides": [Side(s) for s in sides], "rows": rows, "decision": decision,
            "threshold": rules.SIDE_THRESHOLDS.get(application.requested_standing)}


# --- services ----------------------------------------------------------------------------------

def _lock_sheet(sheet: ScoreSheet, actor) -> tuple[ScoreSheet, Invitation, Application]:
    invitation = sheet.invitation
    application = draws.lock(invitation.application)
    sheet = ScoreSheet.objects.select_for_update(of=("self",)).select_related(
        "invitation", "invitation__expert").get(pk=sheet.pk)
    invitation = sheet.invitation
    if actor is None or invitation.expert.user_id != actor.pk:
        raise NotAllowed()
    if invitation.state != InvitationState.ACCEPTED:
        raise ValidationError(_("ท่านไม่ได้เป็นกรรมการของคำขอนี้แล้ว"))
    if sheet.submitted_at is not None:
        raise ValidationError(_("ส่งผลการประเมินแล้ว แก้ไขไม่ได้"))
    return sheet, invitation, application


def _clean_levels(rubrics, levels: dict) -> dict[str, int]:
    known = {str(i.pk) for r in rubrics for i in r.indicators.all()}
    cleaned = {}
    for key, value in (levels or {}).items():
        key = str(key)
        if key not in known:
            raise ValidationError(_("ตัวชี้วัด %(id)s ไม่อยู่ในแบบประเมินนี้") % {"id": key})
        if value in (None, ""):
            continue
        try:
            level = int(value)
        except (TypeError, ValueError):
            level = 0
        if level not in rules.LEVELS:
            raise ValidationError(_("ระดับคะแนนต้องเป็น 1 ถึง 4"))
        cleaned[key] = level
    return cleaned


def _clean_notes(rubrics, notes: dict) -> dict:
    sides = {str(r.side) for r in rubrics}
    cleaned = {}
    for side, values in (notes or {}).items():
        if str(side) not in sides or not isinstance(values, dict):
            raise ValidationError(_("ด้านที่ %(side)s ไม่อยู่ในแบบประเมินนี้") % {"side": side})
        cleaned[str(side)] = {}
        for name in NOTE_FIELDS:
            text = str(values.get(name) or "").strip()
            if len(text) > NOTE_MAX:
                raise ValidationError(_("ข้อความยาวเกิน %(n)d ตัวอักษร") % {"n": NOTE_MAX})
            cleaned[str(side)][name] = text
    return cleaned


@transaction.atomic
def save_draft(sheet: ScoreSheet, *, actor, levels: dict | None = None,
               notes: dict | None = None) -> ScoreSheet:
    """Save what the assessor has entered so far (the page calls it as they go). ``levels``
    ``{indicator_id: 1–4 or None}`` and ``notes`` ``{side: {strengths, remarks}}`` are merged
    into the draft; the percentages of the complete sides are recomputed."""
    sheet, _invitation, application = _lock_sheet(sheet, actor)
    rubrics = rubrics_for(application.requested_standing)
    merged = {**sheet.levels}
    for key, value in (levels or {}).items():
        if value in (None, ""):
            merged.pop(str(key), None)
    merged.update(_clean_levels(rubrics, levels))
    sheet.levels = merged
    sheet.notes = {**sheet.notes, **_clean_notes(rubrics, notes)}
    sheet.percentages = percentages(rubrics, merged)
    sheet.save()
    return sheet


@transaction.atomic
def submit_score_sheet(sheet: ScoreSheet, *, actor) -> ScoreSheet:
    """Submit and lock the sheet: every indicator of every side needs a level. The last of the
    three decides the application."""
    sheet, invitation, application = _lock_sheet(sheet, actor)
    rubrics = rubrics_for(application.requested_standing)
    missing = [f"{r.side}.{i.order}" for r in rubrics for i in r.indicators.all()
               if sheet.levels.get(str(i.pk)) not in rules.LEVELS]
    if missing:
        raise ValidationError(_("ยังให้คะแนนไม่ครบ: ตัวชี้วัด %(items)s") % {
            "items": ", ".join(missing)})
    sheet.percentages = percentages(rubrics, sheet.levels)
    sheet.submitted_at = timezone.now()
    sheet.save()
    audit.record("appraisal.score_sheet.submit", actor=actor, target=sheet,
                 organization=application.organization, application=application.pk,
                 seat=invitation.seat, percentages=sheet.percentages)
    notify(draws.office_people(application),
           _("กรรมการคนที่ %(seat)d ส่งผลการประเมินแล้ว: %(name)s") % {
               "seat": invitation.seat, "name": application.person.full_name_th},
           "", draws.application_url(application), email=False)
    _decide_when_complete(application)
    return sheet


def _decide_when_complete(application: Application) -> AssessmentDecision | None:
    holders = list(application.invitations.filter(
        state=InvitationState.ACCEPTED).select_related("sheet").order_by("seat"))
    if application.state != ApplicationState.ASSESSORS_COMPLETE or len(holders) != len(
            draws.SEATS) or any(getattr(i, "sheet", None) is None
                                or i.sheet.submitted_at is None for i in holders):
        return None
    sides = rules.sides_for(application.requested_standing)
    scores = {s: [Decimal(i.sheet.percentages[str(s)]) for i in holders] for s in sides}
    result = rules.decide(scores, application.requested_standing)
    decision = AssessmentDecision.objects.create(
        application=application, requested_standing=application.requested_standing,
        threshold=result.threshold, passed=result.passed, decided_at=timezone.now(),
        sides={str(s): {"passed": passed, "percentages": [str(p) for p in pcts],
                        "invitations": [i.pk for i in holders]}
               for s, (passed, pcts) in result.sides.items()})
    before = application.state
    application.state = ApplicationState.ASSESSED
    application.save(update_fields=["state", "updated_at"])
    draws.event(application, ApplicationAction.ASSESSED, before, actor=None,
                passed=result.passed,
                sides={str(s): passed for s, (passed, _p) in result.sides.items()})
    notify(draws.office_people(application),
           _("ประเมินครบ 3 คนแล้ว: %(name)s — %(result)s") % {
               "name": application.person.full_name_th,
               "result": _("ผ่านเกณฑ์") if result.passed else _("ไม่ผ่านเกณฑ์")},
           _("ตรวจผลและพิมพ์แบบสรุปผลการประเมินของกรรมการทั้ง 3 คน เพื่อเสนอคณะกรรมการ"),
           draws.application_url(application))
    return decision


# --- the scoring deadline --------------------------------------------------------------------

def remind_assessors(today: datetime.date | None = None) -> int:
    """Once a day, remind accepted assessors who have not submitted, from
    ``ASSESSMENT_REMINDER_DAYS`` before their date on (Celery beat). Returns how many."""
    from core.thaidates import format_be

    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=settings.ASSESSMENT_REMINDER_DAYS)
    due = Invitation.objects.filter(
        state=InvitationState.ACCEPTED, sheet__submitted_at__isnull=True,
        score_due__lte=horizon).exclude(last_reminded_on__gte=today).select_related(
        "expert__user", "application__person")
    count = 0
    for invitation in due:
        with transaction.atomic():
            claimed = Invitation.objects.filter(pk=invitation.pk).exclude(
                last_reminded_on__gte=today).update(last_reminded_on=today)
            if not claimed or invitation.expert.user is None:
                continue
            late = invitation.score_due < today
            notify([invitation.expert.user],
                   _("เลยกำหนดส่งผลการประเมินแล้ว") if late else _("ใกล้กำหนดส่งผลการประเมิน"),
                   _("กรุณาส่งผลการประเมินคำขอของ %(name)s ภายใน %(due)s") % {
                       "name": invitation.application.person.full_name_th,
                       "due": format_be(invitation.score_due, style="long")},
                   reverse("score_sheet", args=[invitation.pk]))
            count += 1
    return count
