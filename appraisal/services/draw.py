"""The random draw of three assessors (seed 004 step 4: "คัดเลือกคณะกรรมการประเมินโดยวิธีการสุ่ม"),
and the committee's approval that opens it (step 3).

The path after the office director's certification::

    qualified ──approve_for_assessment──▶ panel_approved ──(3 accepted)──▶ assessors_complete
                                             ▲   draw_assessors                  │
                                             └──── a seat freed (cancel) ◀───────┘
    assessors_complete ──(3 score sheets submitted)──▶ assessed

``approve_for_assessment`` is what the committees app calls when the provincial committee
approves appointing assessors (until then an officer or province admin records it from the
application's page). ``draw_assessors`` fills the vacant seats (three at first; one after a
decline, a time-out or a cancellation: ``appraisal.invitations`` calls it with ``actor=None``).

The draw, and how anyone can check it:

1. The application's facts are written down (subject area, classroom type, requested standing,
   the applicant's account, school and LAO paths, the day, and the experts already invited on
   it: those who declined, timed out or were cancelled, and those holding a seat).
2. Every expert registered in the application's subject area is written down with the facts
   the rules read (``rules.exclusion_reason``): account, active period, subject areas and
   their classroom types, standings, cap and open assignments, home and membership paths,
   whether their national ID is the applicant's. Experts of other subject areas cannot be
   eligible (rule "subject") and are not copied.
3. The pool is the eligible ones, by id, sorted. When it is smaller than the vacant seats,
   nothing is drawn and the record says so (``DrawOutcome.POOL_TOO_SMALL``).
4. For each vacant seat one value ``secrets.randbelow(n)`` is drawn, n = the members left
   (the operating system's CSPRNG); value i picks index i of what is left of the sorted pool
   (``rules.picks_from_values``: a partial Fisher–Yates shuffle, uniform over ordered choices).
5. The record (``AssessorDraw``) keeps all of it with who drew and when, and a SHA-256 digest of
   the canonical JSON.

``verify_draw`` recomputes the digest, every exclusion from the recorded facts, the pool, and
the picks from the pool and the values, and compares them with the invitations in the database
(and the earlier invitations with the recorded "already invited"). A changed pick, value, pool
member or fact fails. ``python manage.py verify_draw <id>`` and the draw's page run it.

Two officers drawing at once: the application's row is locked (``select_for_update``) for the
whole draw, so the second waits, then finds no vacant seat and is told so; the unique
(application, sequence) constraint and the one-holder-per-seat constraint of invitations refuse
a second draw even if the lock were lost.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit, scoping
from accounts.exceptions import NotAllowed
from accounts.models import Membership, Organization
from accounts.notify import notify
from accounts.rules import OrgKind, Role
from accounts.scoping import Access
from appraisal import rules
from appraisal.choices import (
    SEAT_HOLDING_STATES,
    SPENT_STATES,
    ApplicationAction,
    ApplicationState,
    DrawOutcome,
    InvitationState,
)
from appraisal.models import Application, ApplicationEvent, AssessorDraw, Expert, Invitation
from appraisal.services.common import user_or_none
from core import kept

SEATS = (1, 2, 3)
# who runs the assessment of an application: the office's officers, its director (the LAO
# admin), and the province admin (the committee's secretary) above it
ASSESSMENT_ROLES = frozenset({Role.OFFICER, Role.LAO_ADMIN, Role.PROVINCE_ADMIN})
OFFICE_KINDS = frozenset({OrgKind.LAO, OrgKind.PROVINCE, OrgKind.AGENCY})
RECORD_VERSION = 1


# --- shared helpers of the assessment services --------------------------------------------------


def lock(application: Application) -> Application:
    """The application's row, locked for the transaction, with what the services read."""
    return Application.objects.select_for_update(of=("self",)).select_related(
        "person", "person__user", "organization", "office", "subject_area").get(
        pk=application.pk)


def require_state(application: Application, *states) -> None:
    if application.state not in states:
        raise ValidationError(_("คำขออยู่ในสถานะ “%(state)s” จึงทำรายการนี้ไม่ได้") % {
            "state": application.get_state_display()})


def may_run_assessment(user, application: Application) -> bool:
    """The office's people who approve, draw and cancel (``None`` is the system)."""
    if user is None:
        return True
    return scoping.can_work_on(user, application.organization) and scoping.holds_role_at(
        user, application.office, ASSESSMENT_ROLES, OFFICE_KINDS)


def require_office(actor, application: Application) -> None:
    if not may_run_assessment(actor, application):
        raise NotAllowed()


def event(application: Application, action: str, from_state: str, *, actor, reason: str = "",
          **data) -> None:
    """One line of the application's history and its audit record."""
    ApplicationEvent.objects.create(application=application, round_no=application.round_no,
                                    action=action, from_state=from_state,
                                    to_state=application.state, actor=user_or_none(actor),
                                    reason=reason, data=data)
    audit.record(f"appraisal.application.{action}", actor=actor, target=application,
                 organization=application.organization, state=application.state,
                 reason=reason, **data)


def office_people(application: Application):
    """Who hears about the assessment: the office's officers and director, and the province's
    officers and admin above it."""
    paths = [application.office.path[: i * Organization.steplen]
             for i in range(1, application.office.depth + 1)]
    return [m.user for m in Membership.objects.select_related("user").filter(
        organization__path__in=paths, organization__kind__in=OFFICE_KINDS - {OrgKind.AGENCY},
        role__in=ASSESSMENT_ROLES, is_active=True)]


def application_url(application: Application) -> str:
    return reverse("application_detail", args=[application.pk])


# --- step 3: the committee approves appointing assessors ----------------------------------------

@transaction.atomic
def approve_for_assessment(application: Application, *, actor,
                           meeting_ref: str | None = None) -> Application:
    """The provincial committee approved appointing assessors for sides 1 and 2 (3 too for the
    expert standings) from the registry (seed 004 step 3). ``meeting_ref``: the meeting's
    number and date as the committee records them. Called by the committees app, or by an
    officer/province admin from the application's page; ``actor=None`` is the system."""
    application = lock(application)
    require_office(actor, application)
    require_state(application, ApplicationState.QUALIFIED)
    before = application.state
    application.state = ApplicationState.PANEL_APPROVED
    application.save(update_fields=["state", "updated_at"])
    event(application, ApplicationAction.PANEL_APPROVED, before, actor=actor,
          meeting_ref=(meeting_ref or "").strip())
    return application


# --- step 4: the draw --------------------------------------------------------------------------

def _open_assignments():
    """Per expert: invitations awaiting a reply, and accepted ones not yet scored."""
    return Count("invitations", filter=Q(invitations__state=InvitationState.AWAITING) | Q(
        invitations__state=InvitationState.ACCEPTED, invitations__sheet__submitted_at__isnull=True),
        distinct=True)


def _lao_path(application: Application) -> str:
    office = application.office
    if office.kind == OrgKind.LAO:
        return office.path
    lao = Organization.objects.filter(
        kind=OrgKind.LAO, path__in=[application.organization.path[: i * Organization.steplen]
                                    for i in range(1, application.organization.depth)]).first()
    return lao.path if lao else ""


def application_facts(application: Application, today: datetime.date) -> dict:
    earlier = list(Invitation.objects.filter(application=application).values_list(
        "expert_id", "state"))
    return {
        "id": application.pk,
        "subject_area_id": application.subject_area_id,
        "classroom_type": application.classroom_type,
        "requested_standing": application.requested_standing,
        "applicant_user_id": application.person.user_id,
        "school_path": application.organization.path,
        "lao_path": _lao_path(application),
        "as_of": today.isoformat(),
        "spent_expert_ids": sorted(e for e, s in earlier if s in SPENT_STATES),
        "seated_expert_ids": sorted(e for e, s in earlier if s in SEAT_HOLDING_STATES),
    }


def candidate_facts(application: Application) -> dict[str, dict]:
    """The facts of every expert registered in the application's subject area (JSON keys are
    strings)."""
    experts = list(Expert.objects.filter(subject_areas=application.subject_area_id).annotate(
        open_assignments=_open_assignments()).select_related(
        "user", "home_organization").prefetch_related("subject_areas").order_by("pk"))
    user_ids = [e.user_id for e in experts if e.user_id]
    paths: dict[int, list[str]] = {}
    for user_id, path in Membership.objects.filter(
            user_id__in=user_ids, is_active=True).values_list("user_id", "organization__path"):
        paths.setdefault(user_id, []).append(path)
    applicant_id = application.person.national_id
    facts = {}
    for e in experts:
        areas = list(e.subject_areas.all())
        same_id = bool(applicant_id) and (
            e.national_id == applicant_id
            or (e.user is not None and e.user.national_id == applicant_id))
        facts[str(e.pk)] = {
            "id": e.pk,
            "user_id": e.user_id,
            "user_active": bool(e.user is not None and e.user.is_active),
            "is_active": e.is_active,
            "active_from": e.active_from.isoformat(),
            "active_to": e.active_to.isoformat() if e.active_to else None,
            "subject_area_ids": sorted(a.pk for a in areas),
            "classroom_types": sorted({a.classroom_type for a in areas}),
            "standings": sorted(e.standings or []),
            "max_concurrent": e.max_concurrent,
            "open_assignments": e.open_assignments,
            "home_path": e.home_organization.path if e.home_organization_id else "",
            "member_paths": sorted(paths.get(e.user_id, [])),
            "same_national_id": same_id,
        }
    return facts


def digest(record: dict) -> str:
    canonical = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def record_of(draw: AssessorDraw) -> dict:
    """What the digest covers: everything the draw wrote down."""
    return {
        "version": RECORD_VERSION,
        "application": draw.application_id,
        "sequence": draw.sequence,
        "outcome": draw.outcome,
        "trigger": draw.trigger,
        "needed": draw.needed,
        "seats": draw.seats,
        "application_facts": draw.application_facts,
        "candidates": draw.candidates,
        "excluded": draw.excluded,
        "pool": draw.pool,
        "values": draw.values,
        "picks": draw.picks,
        "drawn_by": draw.drawn_by_id,
        "drawn_at": draw.drawn_at.isoformat(),
    }


def vacant_seats(application: Application) -> list[int]:
    held = set(Invitation.objects.filter(application=application,
                                         state__in=SEAT_HOLDING_STATES).values_list("seat",
                                                                                   flat=True))
    return [s for s in SEATS if s not in held]


@transaction.atomic
def draw_assessors(application: Application, *, actor, trigger: str = "manual",
                   randbelow=secrets.randbelow) -> AssessorDraw:
    """Draw assessors for the vacant seats of an approved application and invite them.
    Returns the record; ``outcome`` says whether anyone was drawn. ``actor=None`` is the system
    (a refill). ``randbelow`` is for tests only; the portal always uses ``secrets``."""
    application = lock(application)
    require_office(actor, application)
    require_state(application, ApplicationState.PANEL_APPROVED)
    seats = vacant_seats(application)
    if not seats:
        raise ValidationError(_("คำขอนี้มีกรรมการครบ 3 คนแล้ว (ตอบรับแล้วหรือรอตอบรับ) "
                                "ไม่มีที่ว่างให้สุ่ม"))
    now = timezone.now()
    app_facts = application_facts(application, timezone.localdate(now))
    candidates = candidate_facts(application)
    excluded, pool = {}, []
    for key, facts in candidates.items():
        reason = rules.exclusion_reason(facts, app_facts)
        if reason is None:
            pool.append(facts["id"])
        else:
            excluded[key] = reason
    pool.sort()
    if len(pool) < len(seats):
        outcome, values, picks = DrawOutcome.POOL_TOO_SMALL, [], []
    else:
        outcome = DrawOutcome.DRAWN
        values = rules.draw_values(len(pool), len(seats), randbelow)
        picks = rules.picks_from_values(pool, values)
    last = application.draws.order_by("-sequence").values_list("sequence", flat=True).first()
    draw = AssessorDraw(application=application, sequence=(last or 0) + 1, outcome=outcome,
                        trigger=trigger[:100], needed=len(seats), seats=seats,
                        application_facts=app_facts, candidates=candidates, excluded=excluded,
                        pool=pool, values=values, picks=picks, drawn_by=user_or_none(actor),
                        drawn_at=now)
    draw.digest = digest(record_of(draw))
    try:
        with transaction.atomic():
            draw.save()
            invitations = [Invitation(
                application=application, expert_id=expert_id, draw=draw, seat=seat,
                invited_at=now,
                reply_by=now + datetime.timedelta(days=settings.INVITATION_REPLY_DAYS))
                for seat, expert_id in zip(seats, picks, strict=False)]  # none when short
            Invitation.objects.bulk_create(invitations)
            kept.changed(kept.INVITATIONS, [kept.EVERYWHERE])  # bulk_create sends no signal
    except IntegrityError:
        raise ValidationError(_("มีผู้สุ่มกรรมการของคำขอนี้พร้อมกัน กรุณาเปิดหน้าใหม่แล้วตรวจสอบผล")) from None
    event(application, ApplicationAction.ASSESSORS_DRAWN, application.state, actor=actor,
          draw=draw.pk, sequence=draw.sequence, outcome=outcome, seats=seats, picks=picks,
          pool_size=len(pool), trigger=draw.trigger)
    if outcome == DrawOutcome.DRAWN:
        _invite(application, Invitation.objects.filter(draw=draw).select_related(
            "expert", "expert__user"))
    else:
        notify(office_people(application),
               _("สุ่มกรรมการประเมินไม่ได้: %(name)s") % {"name": application.person.full_name_th},
               short_pool_message(draw), application_url(application))
    return draw


def short_pool_message(draw: AssessorDraw) -> str:
    return _("ผู้ทรงคุณวุฒิที่มีสิทธิ์ได้รับการสุ่มมี %(pool)d คน แต่ต้องการ %(needed)d คน "
             "จึงยังไม่ได้สุ่ม กรุณาเพิ่มผู้ทรงคุณวุฒิในบัญชีรายชื่อแล้วสุ่มอีกครั้ง") % {
        "pool": len(draw.pool), "needed": draw.needed}


def _invite(application: Application, invitations) -> None:
    from core.thaidates import format_be

    for invitation in invitations:
        notify([invitation.expert.user],
               _("ขอเชิญเป็นกรรมการประเมินวิทยฐานะ: %(standing)s สาขา%(area)s") % {
                   "standing": application.get_requested_standing_display(),
                   "area": application.subject_area.name.removeprefix("สาขา")},
               _("ท่านได้รับการสุ่มเป็นกรรมการประเมินคำขอ%(standing)s ของ %(name)s "
                 "(%(school)s) เรื่อง “%(title)s” กรุณาตอบรับหรือปฏิเสธภายใน %(due)s") % {
                   "standing": application.get_requested_standing_display(),
                   "name": application.person.full_name_th,
                   "school": application.organization.name,
                   "title": application.work_title,
                   "due": format_be(timezone.localtime(invitation.reply_by), style="long")},
               reverse("invitation_detail", args=[invitation.pk]))


# --- verification -----------------------------------------------------------------------------

@dataclass
class Verification:
    ok: bool
    problems: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)


def check_record(record: dict) -> list[str]:
    """The rule checks of a draw record, pure: every exclusion recomputed from the recorded
    facts, the pool, and the picks recomputed from the pool and the values. Thai problems;
    empty when the record follows the rules."""
    problems = []
    app = record["application_facts"]
    eligible = []
    for key, facts in sorted(record["candidates"].items(), key=lambda kv: int(kv[0])):
        if str(facts.get("id")) != key:
            problems.append(_("ข้อมูลผู้ทรงคุณวุฒิรหัส %(id)s ไม่ตรงกับรหัส") % {"id": key})
            continue
        try:
            reason = rules.exclusion_reason(facts, app)
        except (KeyError, TypeError):
            problems.append(_("ข้อมูลผู้ทรงคุณวุฒิรหัส %(id)s ไม่ครบ") % {"id": key})
            continue
        if reason is None:
            eligible.append(facts["id"])
            if key in record["excluded"]:
                problems.append(_("ผู้ทรงคุณวุฒิรหัส %(id)s มีสิทธิ์ แต่ถูกบันทึกว่าไม่มีสิทธิ์") % {
                    "id": key})
        elif record["excluded"].get(key) != reason:
            problems.append(_("เหตุที่ไม่มีสิทธิ์ของผู้ทรงคุณวุฒิรหัส %(id)s ไม่ตรงกับข้อมูล "
                              "(คำนวณได้ “%(reason)s”)") % {
                "id": key, "reason": rules.EXCLUSION_REASONS[reason]})
    if set(record["excluded"]) - set(record["candidates"]):
        problems.append(_("มีผู้ถูกบันทึกว่าไม่มีสิทธิ์ โดยไม่มีข้อมูลประกอบ"))
    pool = record["pool"]
    if pool != sorted(eligible):
        problems.append(_("รายชื่อผู้มีสิทธิ์ (pool) ไม่ตรงกับผู้ที่มีสิทธิ์ตามข้อมูลที่บันทึก"))
    if pool != sorted(pool) or len(set(pool)) != len(pool):
        problems.append(_("รายชื่อผู้มีสิทธิ์ไม่ได้เรียงตามรหัส หรือมีรหัสซ้ำ"))
    seats = record["seats"]
    if len(seats) != record["needed"] or len(set(seats)) != len(seats) \
            or not set(seats) <= set(SEATS):
        problems.append(_("ลำดับกรรมการที่ว่างไม่ถูกต้อง"))
    if len(pool) < record["needed"]:
        if record["outcome"] != DrawOutcome.POOL_TOO_SMALL or record["values"] \
                or record["picks"]:
            problems.append(_("ผู้มีสิทธิ์ไม่พอ แต่มีการสุ่ม"))
    else:
        if record["outcome"] != DrawOutcome.DRAWN or len(record["values"]) != record["needed"]:
            problems.append(_("ผู้มีสิทธิ์พอ แต่จำนวนค่าสุ่มไม่ตรงกับจำนวนที่ต้องการ"))
        try:
            recomputed = rules.picks_from_values(pool, record["values"])
        except ValueError:
            problems.append(_("ค่าสุ่มอยู่นอกช่วงของผู้มีสิทธิ์ที่เหลือ"))
        else:
            if recomputed != record["picks"]:
                problems.append(_("ผู้ที่สุ่มได้ไม่ตรงกับผลที่คำนวณจากค่าสุ่มและรายชื่อผู้มีสิทธิ์"))
    return problems


def verify_draw(draw: AssessorDraw) -> Verification:
    """Recompute a draw from its record and compare with the database."""
    result = Verification(ok=True)
    record = record_of(draw)
    if digest(record) != draw.digest:
        result.problems.append(_("ค่า SHA-256 ของบันทึกไม่ตรง: บันทึกการสุ่มถูกแก้ไขหลังการสุ่ม"))
    result.checks.append(_("ตรวจค่า SHA-256 ของบันทึกทั้งหมด"))
    try:
        result.problems += check_record(record)
    except (KeyError, TypeError, AttributeError):
        result.problems.append(_("บันทึกการสุ่มไม่ครบหรือรูปแบบไม่ถูกต้อง"))
    result.checks += [_("คำนวณสิทธิ์ของผู้ทรงคุณวุฒิทุกคนจากข้อมูลที่บันทึกไว้ใหม่"),
                      _("คำนวณผู้ที่สุ่มได้จากรายชื่อผู้มีสิทธิ์และค่าสุ่มใหม่")]
    application = draw.application
    app = draw.application_facts
    frozen = {"id": application.pk, "subject_area_id": application.subject_area_id,
              "classroom_type": application.classroom_type,
              "requested_standing": application.requested_standing}
    if any(app.get(k) != v for k, v in frozen.items()):
        result.problems.append(_("ข้อมูลคำขอในบันทึกไม่ตรงกับคำขอ"))
    invited = sorted(Invitation.objects.filter(draw=draw).values_list("seat", "expert_id"))
    if invited != sorted(zip(draw.seats, draw.picks, strict=False)):
        result.problems.append(_("การเชิญกรรมการในระบบไม่ตรงกับผู้ที่สุ่มได้"))
    before = set(Invitation.objects.filter(application=application,
                                           draw__sequence__lt=draw.sequence).values_list(
        "expert_id", flat=True))
    if before != set(app.get("spent_expert_ids", [])) | set(app.get("seated_expert_ids", [])):
        result.problems.append(_("รายชื่อผู้ที่เคยได้รับเชิญก่อนการสุ่มครั้งนี้ไม่ตรงกับในระบบ"))
    result.checks.append(_("เทียบกับการเชิญกรรมการในระบบ"))
    result.ok = not result.problems
    return result


# --- read side -----------------------------------------------------------------------------

def draws_for(user):
    """Draw records of the applications of the units ``user`` works on (the office). The
    applicant and the assessors do not see who else was in the pool."""
    return scoping.scope(AssessorDraw.objects.all(), user, "application__organization",
                         Access.WORK)


def draw_for(user, pk) -> AssessorDraw:
    return draws_for(user).select_related(
        "application", "application__person", "application__organization",
        "application__subject_area", "drawn_by").get(pk=pk)


def experts_named(ids) -> dict[int, Expert]:
    return {e.pk: e for e in Expert.objects.filter(pk__in=list(ids)).select_related(
        "home_organization")}
