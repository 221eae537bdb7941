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

Commit, then reveal (issue 19; docs/assessment-rules.md §1 gives every byte):

1. A secret seed is drawn and its SHA-256, the commitment, published
   (``appraisal.services.commitments``): with the agenda item that asks the committee to
   appoint assessors, or at the office's approval, or when the office asks for a new one. The
   seed is shown nowhere until the draw.
2. At the draw someone enters a public value nobody could know when the commitment was made
   (an official lottery result of a stated date, numbers announced aloud in the meeting). The
   first draw with a commitment fixes its public value; the draw reveals the seed.
3. The picks are a deterministic function of the seed, the public value, the application, the
   draw's sequence, the seat and the sorted pool (``rules.committed_values``,
   ``rules.picks_from_values``).
4. A refill (``actor=None``, after a decline, a time-out, a cancellation) takes the commitment
   and the public value of the application's last draw that invited anyone, with its own
   sequence: fixed before the seat was freed and recomputable by anyone.

The pool, and how anyone can check it:

1. The application's facts are written down (subject area, classroom type, requested standing,
   the applicant's account, school and LAO paths, the day, the experts already invited on
   it, and the applicant's recent schools from the ก.พ.7 history).
2. Every expert registered in the application's subject area is written down with the facts
   the rules read (``rules.exclusion_reason``): account, active period, subject areas and
   their classroom types, standings, cap and open assignments, home and membership paths,
   whether their national ID is the applicant's, the declared relations that name the
   applicant, and their periods at the applicant's recent schools.
3. The pool is the eligible ones, by id, sorted. When it is smaller than the vacant seats,
   nothing is drawn and the record says so (``DrawOutcome.POOL_TOO_SMALL``).
4. The record (``AssessorDraw``) keeps all of it with who drew and when, and a SHA-256 digest
   of the canonical JSON (``appraisal.services.draw_record``).

``verify_draw`` recomputes all of it and compares it with the invitations in the database;
``tools/verify_draw.py`` does the same from the exported JSON alone, without the portal.
Records drawn before issue 19 (values from ``secrets.randbelow``) still verify the old way.

Two officers drawing at once: the application's row is locked (``select_for_update``) for the
whole draw, so the second waits, then finds no vacant seat and is told so; the unique
(application, sequence) constraint, the one-holder-per-seat constraint of invitations and the
compare-and-set of the commitment's public value refuse a second draw even if the lock were
lost.
"""

from __future__ import annotations

import datetime
import secrets

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
from appraisal.models import (
    Application,
    ApplicationEvent,
    AssessorDraw,
    ConflictDeclaration,
    DrawCommitment,
    Expert,
    Invitation,
)
from appraisal.rules.conflicts import normalize, recent, school_periods
from appraisal.services import applicant_notices, commitments
from appraisal.services.common import user_or_none
from appraisal.services.draw_record import (  # noqa: F401  (the draw's public names)
    Verification,
    check_commit_reveal,
    check_record,
    digest,
    export_of,
    record_of,
    verify_draw,
)
from core import kept
from personnel.choices import PersonStatus
from personnel.models import Person, PositionHistory

SEATS = (1, 2, 3)
# who runs the assessment of an application: the office's officers, its director (the LAO
# admin), and the province admin (the committee's secretary) above it
ASSESSMENT_ROLES = frozenset({Role.OFFICER, Role.LAO_ADMIN, Role.PROVINCE_ADMIN})
OFFICE_KINDS = frozenset({OrgKind.LAO, OrgKind.PROVINCE, OrgKind.AGENCY})


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
    applicant_notices.tell_applicant(application, action, data)


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
                           meeting_ref: str | None = None,
                           commitment: DrawCommitment | None = None,
                           public_source: str = "") -> Application:
    """The provincial committee approved appointing assessors for sides 1 and 2 (3 too for the
    expert standings) from the registry (seed 004 step 3). ``meeting_ref``: the meeting's
    number and date as the committee records them. Called by the committees app with the
    agenda item's ``commitment``, or by an officer/province admin from the application's page,
    which publishes a new commitment for the application's first draw (stating
    ``public_source``, where the public value will come from). ``actor=None`` is the system."""
    application = lock(application)
    require_office(actor, application)
    require_state(application, ApplicationState.QUALIFIED)
    before = application.state
    application.state = ApplicationState.PANEL_APPROVED
    application.save(update_fields=["state", "updated_at"])
    if commitment is None:
        commitment = commitments.new_commitment(
            actor=actor, purpose=_("การสุ่มกรรมการประเมินของ %(name)s (คำขอเลขที่ %(pk)s)") % {
                "name": application.person.full_name_th, "pk": application.pk},
            public_source=public_source, applications=[application],
            organization=application.organization)
    else:
        commitment.applications.add(application)
    event(application, ApplicationAction.PANEL_APPROVED, before, actor=actor,
          meeting_ref=(meeting_ref or "").strip(), commitment=commitment.commitment)
    return application


@transaction.atomic
def publish_commitment(application: Application, *, actor,
                       public_source: str = "") -> DrawCommitment:
    """A new commitment for the application's next draw by the office (after a draw that used
    the last one: a pool too small, a seat a refill could not fill)."""
    application = lock(application)
    require_office(actor, application)
    require_state(application, ApplicationState.PANEL_APPROVED)
    if commitments.current_commitment(application) is not None:
        raise ValidationError(_("คำขอนี้มีค่าผูกมัดที่ยังไม่ได้ใช้สุ่มอยู่แล้ว"))
    commitment = commitments.new_commitment(
        actor=actor, purpose=_("การสุ่มกรรมการประเมินครั้งถัดไปของ %(name)s (คำขอเลขที่ %(pk)s)")
        % {"name": application.person.full_name_th, "pk": application.pk},
        public_source=public_source, applications=[application],
        organization=application.organization)
    event(application, ApplicationAction.COMMITMENT_PUBLISHED, application.state, actor=actor,
          commitment=commitment.commitment)
    return commitment


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


def _periods_of(person_ids) -> dict[int, list[dict]]:
    """Each person's periods at schools from their ก.พ.7 position lines; a person who left
    service stops at the day their status changed."""
    ids = [i for i in set(person_ids) if i]
    ends = dict(Person.objects.filter(pk__in=ids).exclude(status=PersonStatus.ACTIVE)
                .values_list("pk", "status_effective_on"))
    lines: dict[int, list] = {}
    for person_id, day, name in PositionHistory.objects.filter(person_id__in=ids).values_list(
            "person_id", "effective_on", "organization_name"):
        lines.setdefault(person_id, []).append((day, name))
    return {i: school_periods(lines.get(i, []), ends.get(i)) for i in ids}


def application_facts(application: Application, today: datetime.date) -> dict:
    earlier = list(Invitation.objects.filter(application=application).values_list(
        "expert_id", "state"))
    as_of = today.isoformat()
    periods = _periods_of([application.person_id])[application.person_id]
    return {
        "id": application.pk,
        "subject_area_id": application.subject_area_id,
        "classroom_type": application.classroom_type,
        "requested_standing": application.requested_standing,
        "applicant_user_id": application.person.user_id,
        "school_path": application.organization.path,
        "lao_path": _lao_path(application),
        "as_of": as_of,
        "spent_expert_ids": sorted(e for e, s in earlier if s in SPENT_STATES),
        "seated_expert_ids": sorted(e for e, s in earlier if s in SEAT_HOLDING_STATES),
        "conflict_years": rules.CONFLICT_YEARS,
        "school_periods": recent(periods, as_of, rules.CONFLICT_YEARS),
    }


def _declared(experts: list[Expert], applicant: Person) -> dict[int, list[dict]]:
    """The declared relations of each expert that name the applicant: by the ก.พ.7 record, by
    the national ID, or by the name (first and last) when nothing else links them."""
    first, last = normalize(applicant.first_name), normalize(applicant.last_name)
    found: dict[int, list[dict]] = {}
    for row in ConflictDeclaration.objects.filter(
            expert__in=experts, withdrawn_at__isnull=True).order_by("pk").values(
            "pk", "expert_id", "kind", "person_id", "national_id", "first_name", "last_name",
            "until"):
        if row["person_id"] == applicant.pk:
            match = "person"
        elif row["national_id"] and row["national_id"] == applicant.national_id:
            match = "national_id"
        elif first and last and normalize(row["first_name"]) == first \
                and normalize(row["last_name"]) == last:
            match = "name"
        else:
            continue
        found.setdefault(row["expert_id"], []).append({
            "relation": row["pk"], "kind": row["kind"], "match": match,
            "until": row["until"].isoformat() if row["until"] else None})
    return found


def _expert_people(experts: list[Expert]) -> dict[int, int]:
    """Expert id → the ก.พ.7 record of the same person: by the account, else by national ID."""
    user_ids = [e.user_id for e in experts if e.user_id]
    ids = [e.national_id for e in experts if e.national_id]
    by_user, by_id = {}, {}
    for pk, user_id, national_id in Person.objects.filter(
            Q(user_id__in=user_ids) | Q(national_id__in=ids)).values_list(
            "pk", "user_id", "national_id"):
        if user_id:
            by_user[user_id] = pk
        by_id[national_id] = pk
    return {e.pk: by_user.get(e.user_id) or by_id.get(e.national_id) for e in experts
            if by_user.get(e.user_id) or by_id.get(e.national_id)}


def candidate_facts(application: Application, app_facts: dict | None = None) -> dict[str, dict]:
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
    applicant = application.person
    applicant_id = applicant.national_id
    declared = _declared(experts, applicant)
    app_facts = app_facts or application_facts(application, timezone.localdate())
    schools = {p["school"] for p in app_facts["school_periods"]}
    people = _expert_people(experts) if schools else {}
    periods = _periods_of(people.values()) if people else {}
    facts = {}
    for e in experts:
        areas = list(e.subject_areas.all())
        same_id = bool(applicant_id) and (
            e.national_id == applicant_id
            or (e.user is not None and e.user.national_id == applicant_id))
        mine = recent(periods.get(people.get(e.pk), []), app_facts["as_of"],
                      rules.CONFLICT_YEARS)
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
            "declared": declared.get(e.pk, []),
            "school_periods": [p for p in mine if p["school"] in schools],
        }
    return facts


def vacant_seats(application: Application) -> list[int]:
    held = set(Invitation.objects.filter(application=application,
                                         state__in=SEAT_HOLDING_STATES).values_list("seat",
                                                                                   flat=True))
    return [s for s in SEATS if s not in held]


def _no_vacant_seat() -> ValidationError:
    return ValidationError(_("คำขอนี้มีกรรมการครบ 3 คนแล้ว (ตอบรับแล้วหรือรอตอบรับ) "
                             "ไม่มีที่ว่างให้สุ่ม"))


@transaction.atomic
def draw_assessors(application: Application, *, actor, public_value: str | None = None,
                   trigger: str = "manual", randbelow=secrets.randbelow) -> AssessorDraw:
    """Draw assessors for the vacant seats of an approved application and invite them.
    Returns the record; ``outcome`` says whether anyone was drawn.

    A person's draw (``actor`` given) uses the application's current commitment and the
    ``public_value`` they enter, and reveals the seed. The system's draw (``actor=None``, a
    refill) uses the commitment and public value of the application's last draw that invited
    anyone; after a legacy draw it stays legacy, with ``randbelow`` (``secrets``; tests only
    pass another)."""
    if actor is not None or public_value is not None:
        require_office(actor, application)
        require_state(application, ApplicationState.PANEL_APPROVED)
        if not vacant_seats(application):
            raise _no_vacant_seat()
        commitment = commitments.current_commitment(application)
        if commitment is None:
            raise ValidationError(_("ยังไม่ได้เผยแพร่ค่าผูกมัดสำหรับการสุ่มครั้งนี้ "
                                    "กรุณาเผยแพร่ค่าผูกมัดก่อน แล้วจึงกรอกค่าสาธารณะและสุ่ม"))
        return draw_event(commitment, [application], actor=actor, public_value=public_value,
                          trigger=trigger)[0]
    application = lock(application)
    require_state(application, ApplicationState.PANEL_APPROVED)
    seats = vacant_seats(application)
    if not seats:
        raise _no_vacant_seat()
    commitment = commitments.refill_commitment(application)
    return _draw(application, seats, actor=None, trigger=trigger, commitment=commitment,
                 randbelow=randbelow)


@transaction.atomic
def draw_event(commitment: DrawCommitment, applications, *, actor, public_value: str | None,
               trigger: str = "manual") -> list[AssessorDraw]:
    """One draw event: ``public_value`` fixed on the unused ``commitment``, every one of
    ``applications`` (bound to it, approved, with vacant seats) drawn with it, the seed
    revealed. The committee's "draw now" and the item's draw call it for the item's approved
    applications; ``draw_assessors`` for one."""
    value = commitments.public_value_of(public_value or "")
    bound = set(commitment.applications.values_list("pk", flat=True))
    locked = []
    for application in sorted(applications, key=lambda a: a.pk):
        application = lock(application)
        require_office(actor, application)
        require_state(application, ApplicationState.PANEL_APPROVED)
        if application.pk not in bound:
            raise ValidationError(_("ค่าผูกมัดนี้ไม่ได้ผูกไว้กับคำขอของ %(name)s") % {
                "name": application.person.full_name_th})
        seats = vacant_seats(application)
        if not seats:
            raise _no_vacant_seat()
        locked.append((application, seats))
    if not locked:
        raise ValidationError(_("ไม่มีคำขอที่รอสุ่มกรรมการด้วยค่าผูกมัดนี้"))
    now = timezone.now()
    commitments.fix_public_value(commitment, value, actor=actor, now=now)
    done = [_draw(application, seats, actor=actor, trigger=trigger, commitment=commitment,
                  now=now) for application, seats in locked]
    commitments.reveal(commitment, actor=actor, now=now,
                       organization=locked[0][0].organization)
    return done


def _draw(application: Application, seats: list[int], *, actor, trigger: str,
          commitment: DrawCommitment | None, now=None, randbelow=secrets.randbelow
          ) -> AssessorDraw:
    """The draw itself, on a locked application: the facts, the pool, the values (from the
    commitment, or legacy), the record, the invitations."""
    now = now or timezone.now()
    app_facts = application_facts(application, timezone.localdate(now))
    candidates = candidate_facts(application, app_facts)
    excluded, pool = {}, []
    for key, facts in candidates.items():
        reason = rules.exclusion_reason(facts, app_facts)
        if reason is None:
            pool.append(facts["id"])
        else:
            excluded[key] = reason
    pool.sort()
    last = application.draws.order_by("-sequence").values_list("sequence", flat=True).first()
    sequence = (last or 0) + 1
    if len(pool) < len(seats):
        outcome, values, picks = DrawOutcome.POOL_TOO_SMALL, [], []
    else:
        outcome = DrawOutcome.DRAWN
        if commitment is not None:
            values = rules.committed_values(commitment.seed, commitment.public_value,
                                            application.pk, sequence, seats, len(pool))
        else:
            values = rules.draw_values(len(pool), len(seats), randbelow)
        picks = rules.picks_from_values(pool, values)
    draw = AssessorDraw(application=application, sequence=sequence, outcome=outcome,
                        trigger=trigger[:100], needed=len(seats), seats=seats,
                        application_facts=app_facts, candidates=candidates, excluded=excluded,
                        pool=pool, values=values, picks=picks, drawn_by=user_or_none(actor),
                        drawn_at=now, commitment=commitment,
                        version=rules.RECORD_LEGACY if commitment is None
                        else rules.RECORD_COMMIT_REVEAL)
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
          pool_size=len(pool), trigger=draw.trigger,
          commitment=commitment.commitment if commitment else "")
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


def declared_against(application: Application) -> list[ConflictDeclaration]:
    """The relations declared by experts of the application's subject area that name its
    applicant (shown to whoever draws: those experts will not be drawn for it)."""
    experts = list(Expert.objects.filter(subject_areas=application.subject_area_id))
    found = _declared(experts, application.person)
    ids = [d["relation"] for rows in found.values() for d in rows]
    return list(ConflictDeclaration.objects.filter(pk__in=ids).select_related(
        "expert").order_by("expert__first_name", "pk"))


def experts_named(ids) -> dict[int, Expert]:
    return {e.pk: e for e in Expert.objects.filter(pk__in=list(ids)).select_related(
        "home_organization")}
