"""Appraisal part 2: the registry of experts and the assessment of certified requests (draws,
invitations, score sheets, decisions, appointments)."""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal

from django.conf import settings

from accounts.rules import OrgKind, Role
from appraisal.choices import DrawOutcome
from appraisal.models import (
    Application,
    ApplicationEvent,
    AssessmentDecision,
    AssessorDraw,
    Expert,
    Invitation,
    ScoreSheet,
    SubjectArea,
)
from personnel.choices import (
    AcademicStanding,
    PositionType,
)
from personnel.models import (
    PositionHistory,
)

from .plan import ASSESSMENT_STAGE, HOT_ASSESSOR_CAP, HOT_PROVINCE_CODE, INSTITUTIONS, hot_logins
from .world import (
    Accounts,
    Assessed,
    ExpertFacts,
    Node,
    World,
    _name,
    _random_date,
)

# --- appraisal part 2: the registry of experts and the assessment ------------------------------
#
# Written as the services leave the rows (appraisal/draw.py, invitations.py, scoring.py,
# outcome.py): the committee's approval, one draw of three assessors, their invitations and
# replies, a score sheet per accepted invitation (the django-guardian grant on the application
# with it), the decision once the third sheet is in, the committee's result, the notice and the
# appointment (the person's new standing and a ก.พ.7 line). Not written: the committees app's
# agenda items, resolutions and orders (the pages read the application's own history, whose
# lines carry the meeting and order references), notifications and audit records (as for
# every step here). Each request has its first draw only: no declines, time-outs or refills.


# Who may be drawn for what (appraisal.experts ASSESSED_STANDINGS): most experts assess up to
# ชำนาญการพิเศษ, fewer เชี่ยวชาญ too, a few every standing.
EXPERT_STANDINGS = (
    ((AcademicStanding.PROFESSIONAL, AcademicStanding.SENIOR_PROFESSIONAL), 50),
    ((AcademicStanding.PROFESSIONAL, AcademicStanding.SENIOR_PROFESSIONAL,
      AcademicStanding.EXPERT), 35),
    ((AcademicStanding.PROFESSIONAL, AcademicStanding.SENIOR_PROFESSIONAL,
      AcademicStanding.EXPERT, AcademicStanding.SENIOR_EXPERT), 15),
)
ALL_ASSESSED = EXPERT_STANDINGS[-1][0]
EXPERT_POSITIONS = ("ผู้อำนวยการสถานศึกษา วิทยฐานะเชี่ยวชาญ", "ครู วิทยฐานะเชี่ยวชาญ",
                    "ศึกษานิเทศก์ วิทยฐานะเชี่ยวชาญ", "ผู้อำนวยการกองการศึกษา",
                    "รองศาสตราจารย์", "ผู้ช่วยศาสตราจารย์")
OUTSIDE_HOMES = (*INSTITUTIONS, "สำนักงานศึกษาธิการจังหวัด",
                 "สำนักงานเขตพื้นที่การศึกษาประถมศึกษา")
HOT_ASSESSOR_HOME = "มหาวิทยาลัยบูรพา"
EXPERT_COLUMNS = ["id", "organization_id", "user_id", "title_th", "first_name", "last_name",
                  "national_id", "email", "phone", "position", "home_organization_id",
                  "home_organization_name", "active_from", "active_to", "max_concurrent",
                  "is_active", "created_by_id", "standings"]


def _experts(w: World) -> None:
    """The registry (``Plan.experts``), each expert with a portal account (no membership: the
    assessor's pages ask none), and the three assessors of every request past the committee's
    approval. Provinces keep the records (the DLA a few), spread like the LAOs; most experts
    work at an LAO or a school of that province, some outside the tree. Their subject areas
    follow the requests (an area with more requests has more experts) within one classroom
    type. The first expert is the hot assessor (``hot_logins()["assessor"]``), an outside
    expert whose queue holds the plan's ``hot_assessor_*`` invitations.

    The assessors are chosen as the draw would find them eligible (``rules.exclusion_reason``):
    the request's subject area and standing, not of the applicant's LAO, under their cap of
    open assignments. Where the registry has no one such left (a small factor), an expert is
    taken anyway and registered for that area and standing: the registry grows where the
    requests are."""
    plan, rng, assessed = w.plan, w.rng, w.assessed
    if assessed and plan.experts < 4:
        raise ValueError("three assessors per request (besides the hot assessor) need four "
                         "experts or more")
    areas = list(SubjectArea.objects.order_by("pk").values_list("pk", "classroom_type"))
    type_of = dict(areas)
    by_type: dict[str, list[int]] = {}
    for pk, classroom_type in areas:
        by_type.setdefault(classroom_type, []).append(pk)
    demand = Counter(a.area for a in assessed)
    area_weights = [demand[pk] + 1 for pk, _type in areas]
    homes: dict[str, list[Node]] = {}
    for node in (*w.laos, *w.units):
        homes.setdefault(node.province.code, []).append(node)
    owner_weights = [len(homes.get(p.code, ())) + 1 for p in w.provinces]
    hot_province = next(p for p in w.provinces if p.code == HOT_PROVINCE_CODE)
    hot_username = hot_logins()["assessor"]

    accounts = Accounts(w)
    first = w.writer.ids(Expert, plan.experts)
    for i in range(plan.experts):
        hot = i == 0
        names_ = _name(w)
        _gender, title, first_name, last_name, *_en = names_
        if rng.random() < 0.25:
            title = "ดร."
            names_ = (names_[0], title, first_name, last_name, "Dr.", *names_[5:])
        nid = w.national_id()
        expert_id = first + i
        username = hot_username if hot else f"expert.{expert_id:06d}"
        user_id = accounts.add_user(username, names_, nid)
        home, home_name = None, ""
        if hot:
            owner, home_name = hot_province, HOT_ASSESSOR_HOME
        elif rng.random() < 0.03:  # the DLA's own registry: anyone, anywhere
            owner = w.root
            if rng.random() < 0.5:
                home = rng.choice(rng.choice((w.laos, w.units)) or w.laos)
        else:
            owner = rng.choices(w.provinces, weights=owner_weights)[0]
            if homes.get(owner.code) and rng.random() < 0.85:
                home = rng.choice(homes[owner.code])
        if home is None and not home_name:
            home_name = rng.choice(OUTSIDE_HOMES)
        if hot:
            expert_areas, standings, cap = set(), set(ALL_ASSESSED), HOT_ASSESSOR_CAP
        else:
            main = rng.choices(areas, weights=area_weights)[0][0]
            same_type = by_type[type_of[main]]
            expert_areas = {main, *rng.sample(same_type, min(len(same_type),
                                                              rng.choice((0, 0, 1, 2))))}
            standings = set(rng.choices([s for s, _w in EXPERT_STANDINGS],
                                        weights=[wt for _s, wt in EXPERT_STANDINGS])[0])
            cap = 3
        active_from = _random_date(rng, 2020, 2024)
        keeper = (w.user_of(Role.PROVINCE_ADMIN, owner) if owner.kind == OrgKind.PROVINCE
                  else w.user_of(Role.DLA_ADMIN, owner))
        row = [expert_id, owner.id, user_id, title, first_name, last_name, nid,
               f"{username}@scale.dlep.local", f"08{rng.randrange(10**8):08d}",
               rng.choice(EXPERT_POSITIONS), home.id if home else None, home_name, active_from,
               None, cap, True, keeper]
        w.experts.append(ExpertFacts(expert_id, user_id, row, expert_areas, standings, cap, home,
                                     active_from))
    _seat_assessors(w)

    accounts.flush()
    w.writer.write(Expert, EXPERT_COLUMNS,
                   ([*e.row, sorted(e.standings)] for e in w.experts))
    links = [(e.id, area) for e in w.experts for area in sorted(e.areas)]
    start = w.writer.ids(Expert.subject_areas.through, len(links))
    w.writer.write(Expert.subject_areas.through, ["id", "expert_id", "subjectarea_id"],
                   ((start + i, *link) for i, link in enumerate(links)))


def _seat_assessors(w: World) -> None:
    """Three experts per request past the approval (``Assessed.seats``), the hot assessor's
    first: seat 3 of the first requests awaiting replies (seat 3 always awaits), seat 1 of the
    first requests with assessors complete (a draft sheet) and of a sample of those scored."""
    plan, rng, experts = w.plan, w.rng, w.experts
    if not w.assessed:
        return
    hot = experts[0]
    by_state: dict[str, list[Assessed]] = {}
    for a in w.assessed:
        by_state.setdefault(a.state, []).append(a)
    scored = [a for a in w.assessed if ASSESSMENT_STAGE[a.state] >= 2]
    for a in by_state.get("panel_approved", [])[: plan.hot_assessor_awaiting]:
        a.seats[2] = hot
    for a in by_state.get("assessors_complete", [])[: plan.hot_assessor_drafting]:
        a.seats[0] = hot
    for a in rng.sample(scored, plan.hot_assessor_submitted):
        a.seats[0] = hot
    for a in w.assessed:
        if hot in a.seats:
            hot.areas.add(a.area)

    pool: dict[int, list[ExpertFacts]] = {}
    for e in experts[1:]:
        for area in e.areas:
            pool.setdefault(area, []).append(e)

    for a in w.assessed:
        lao = a.facts.unit.lao
        holds_open = ASSESSMENT_STAGE[a.state] <= 1  # awaiting, or accepted and not scored

        def fits(e: ExpertFacts, a=a, lao=lao, holds_open=holds_open) -> bool:
            return (e not in a.seats and (e.home is None or e.home.lao is not lao)
                    and (not holds_open or e.open < e.cap))

        for seat in range(3):
            e = a.seats[seat]
            if e is None:
                candidates = pool.get(a.area, [])
                for _ in range(20):
                    pick = rng.choice(candidates) if candidates else None
                    if pick is not None and a.requested in pick.standings and fits(pick):
                        e = pick
                        break
                else:
                    # a thin pool: anyone (registered for it from now on), the cap kept if
                    # possible
                    others = experts[1:]
                    e = next((x for x in rng.sample(others, min(len(others), 200)) if fits(x)),
                             None) or next(x for x in others if x not in a.seats)
                    if a.area not in e.areas:
                        e.areas.add(a.area)
                        pool.setdefault(a.area, []).append(e)
                    e.standings.add(a.requested)
                a.seats[seat] = e
            if holds_open:
                e.open += 1


def _assessment(w: World) -> None:
    """Moves the requests past the certification on, as the services of appraisal part 2 leave
    them (see above): the draw, invitations, score sheets, grants, decisions, history lines,
    then each state by one UPDATE (the certification lock lets the state move on), and the
    appointed people's new standing."""
    if not w.assessed:
        return
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from guardian.models import UserObjectPermission

    from appraisal import rules
    from appraisal.services import draw as draws
    from appraisal.services import scoring

    rng, write, ids = w.rng, w.writer.write, w.writer.ids
    content_type = ContentType.objects.get_for_model(Application)
    permission = Permission.objects.get(content_type=content_type,
                                        codename="view_application").pk
    rubrics = {standing: scoring.rubrics_for(standing) for standing in ALL_ASSESSED}
    type_of = dict(SubjectArea.objects.values_list("pk", "classroom_type"))
    reply_days = datetime.timedelta(days=settings.INVITATION_REPLY_DAYS)
    scoring_days = datetime.timedelta(days=settings.ASSESSMENT_SCORING_DAYS)
    year_be = w.today.year + 543

    n = len(w.assessed)
    draw_first, invitation_first = ids(AssessorDraw, n), ids(Invitation, 3 * n)
    draw_rows, invitation_rows, sheets, grants, decisions, events = [], [], [], [], [], []
    appointed, lines = [], []

    def event(a, action, from_state, to_state, actor, at, **data):
        events.append((a.id, 1, action, from_state, to_state, actor, "", data, at))

    def levels_of(a, good: bool) -> dict[str, int]:
        choices = (3, 4, 4) if good else (1, 2, 2, 3)
        return {str(i.pk): rng.choice(choices) for r in rubrics[a.requested]
                for i in r.indicators.all()}

    for k, a in enumerate(w.assessed):
        t, stage, unit = a.timeline, ASSESSMENT_STAGE[a.state], a.facts.unit
        lao, province = unit.lao, unit.province
        officer = w.user_of(Role.OFFICER, lao)
        secretary = w.user_of(Role.PROVINCE_ADMIN, province)
        meeting = (f"การประชุมคณะกรรมการข้าราชการครูฯ จังหวัด{province.name} "
                   f"ครั้งที่ {rng.randint(1, 12)}/{year_be}")
        event(a, "panel_approved", "qualified", "panel_approved", secretary, t.panel,
              meeting_ref=meeting)

        # the draw: the record of a full draw of three (the picks' facts as the rules read them)
        draw_id = draw_first + k
        picks = [e.id for e in a.seats]
        pool = sorted(picks)
        remaining, values = list(pool), []
        for pick in picks:
            values.append(remaining.index(pick))
            remaining.remove(pick)
        app_facts = {"id": a.id, "subject_area_id": a.area, "classroom_type": a.classroom,
                     "requested_standing": a.requested, "applicant_user_id": a.facts.user_id,
                     "school_path": unit.path, "lao_path": lao.path,
                     "as_of": t.drawn.date().isoformat(), "spent_expert_ids": [],
                     "seated_expert_ids": []}
        candidates = {str(e.id): {
            "id": e.id, "user_id": e.user_id, "user_active": True, "is_active": True,
            "active_from": e.active_from.isoformat(), "active_to": None,
            "subject_area_ids": sorted(e.areas),
            "classroom_types": sorted({type_of[x] for x in e.areas}),
            "standings": sorted(e.standings), "max_concurrent": e.cap, "open_assignments": 0,
            "home_path": e.home.path if e.home else "", "member_paths": [],
            "same_national_id": False} for e in a.seats}
        record = AssessorDraw(id=draw_id, application_id=a.id, sequence=1,
                              outcome=DrawOutcome.DRAWN, trigger="manual", needed=3,
                              seats=[1, 2, 3], application_facts=app_facts,
                              candidates=candidates, excluded={}, pool=pool, values=values,
                              picks=picks, drawn_by_id=officer, drawn_at=t.drawn)
        record.digest = draws.digest(draws.record_of(record))
        draw_rows.append((draw_id, a.id, 1, record.outcome, record.trigger, 3, [1, 2, 3],
                          app_facts, candidates, {}, pool, values, picks, record.digest,
                          officer, t.drawn))
        event(a, "assessors_drawn", "panel_approved", "panel_approved", officer, t.drawn,
              draw=draw_id, sequence=1, outcome=DrawOutcome.DRAWN, seats=[1, 2, 3],
              picks=picks, pool_size=len(pool), trigger="manual")

        # the invitations, the replies, a sheet and a grant per acceptance
        # the committee approves what passed; some of those just assessed did not pass
        passed = a.state != "result_not_approved" and (a.state != "assessed"
                                                       or rng.random() < 0.8)
        levels = [levels_of(a, passed) for _ in range(3)] if stage >= 2 else []
        if levels:
            sides = rules.sides_for(a.requested)
            percents = [scoring.percentages(rubrics[a.requested], lv) for lv in levels]
            result = rules.decide({s: [Decimal(p[str(s)]) for p in percents] for s in sides},
                                  a.requested)
            if result.passed != passed:  # the dice disagreed: all 4s pass, all 1s fail
                levels = [dict.fromkeys(lv, 4 if passed else 1) for lv in levels]
                percents = [scoring.percentages(rubrics[a.requested], lv) for lv in levels]
                result = rules.decide({s: [Decimal(p[str(s)]) for p in percents]
                                       for s in sides}, a.requested)
        seat_ids = [invitation_first + 3 * k + seat for seat in range(3)]
        for seat, e in enumerate(a.seats):
            invitation_id, replied = seat_ids[seat], t.replies[seat]
            invitation_rows.append((invitation_id, a.id, e.id, draw_id, seat + 1,
                                    "accepted" if replied else "awaiting", t.drawn,
                                    t.drawn + reply_days, replied,
                                    replied.date() + scoring_days if replied else None))
            if replied is None:
                continue
            event(a, "invitation_reply", "panel_approved", "panel_approved", e.user_id, replied,
                  invitation=invitation_id, seat=seat + 1, expert=e.id,
                  invitation_state="accepted")
            grants.append((permission, content_type.pk, str(a.id), e.user_id))
            if levels:
                notes = {str(s): {"strengths": "การออกแบบกิจกรรมสอดคล้องกับบริบทของผู้เรียน",
                                  "remarks": "ควรเพิ่มหลักฐานผลลัพธ์การเรียนรู้ที่หลากหลาย"}
                         for s in rules.sides_for(a.requested)}
                sheets.append((invitation_id, levels[seat], notes, percents[seat],
                               t.submits[seat]))
            else:  # an empty sheet on acceptance; some assessors have begun side 1
                draft = {}
                if stage == 1 and rng.random() < 0.5:
                    draft = {str(i.pk): rng.choice((2, 3, 4))
                             for i in rubrics[a.requested][0].indicators.all()}
                sheets.append((invitation_id, draft, {},
                               scoring.percentages(rubrics[a.requested], draft), None))
        if stage >= 1:
            event(a, "assessors_complete", "panel_approved", "assessors_complete", None,
                  max(t.replies))
        if stage >= 2:
            decisions.append((a.id, a.requested, result.threshold, {
                str(s): {"passed": ok, "percentages": [str(p) for p in pcts],
                         "invitations": seat_ids}
                for s, (ok, pcts) in result.sides.items()}, result.passed, t.assessed))
            event(a, "assessed", "assessors_complete", "assessed", None, t.assessed,
                  passed=result.passed,
                  sides={str(s): ok for s, (ok, _p) in result.sides.items()})
        if stage >= 3:
            outcome = "result_not_approved" if a.state == "result_not_approved" \
                else "result_approved"
            event(a, outcome, "assessed", outcome, secretary, t.result, meeting_ref=meeting)
            if outcome == "result_not_approved" and rng.random() < 0.5:  # told, state stays
                event(a, "notified", outcome, outcome, secretary,
                      t.result + datetime.timedelta(hours=6), meeting_ref=meeting,
                      approved=False, confirmed=True)
        if stage >= 4:
            event(a, "notified", "result_approved", "notified", secretary, t.notified,
                  meeting_ref=meeting, approved=True, confirmed=True)
        if stage >= 5:
            order = f"คำสั่ง{lao.name} ที่ {rng.randint(1, 999)}/{year_be}"
            effective = a.entered  # never before the complete request entered the system
            event(a, "appointed", "notified", "appointed", secretary, t.appointed,
                  order_ref=order, effective_on=effective.isoformat())
            appointed.append((a.requested, w.writer.connection.ops.adapt_datefield_value(
                effective), a.facts.id))
            lines.append((a.facts.id, effective, PositionType.TEACHER, a.facts.position_number,
                          unit.name, a.facts.rank, a.facts.salary, a.requested, order,
                          secretary))

    write(AssessorDraw, ["id", "application_id", "sequence", "outcome", "trigger", "needed",
                         "seats", "application_facts", "candidates", "excluded", "pool",
                         "values", "picks", "digest", "drawn_by_id", "drawn_at"], draw_rows)
    write(Invitation, ["id", "application_id", "expert_id", "draw_id", "seat", "state",
                       "invited_at", "reply_by", "replied_at", "score_due"], invitation_rows)
    start = ids(ScoreSheet, len(sheets))
    write(ScoreSheet, ["id", "invitation_id", "levels", "notes", "percentages", "submitted_at"],
          ((start + i, *row) for i, row in enumerate(sheets)))
    start = ids(AssessmentDecision, len(decisions))
    write(AssessmentDecision, ["id", "application_id", "requested_standing", "threshold",
                               "sides", "passed", "decided_at"],
          ((start + i, *row) for i, row in enumerate(decisions)))
    start = ids(UserObjectPermission, len(grants))
    write(UserObjectPermission, ["id", "permission_id", "content_type_id", "object_pk",
                                 "user_id"], ((start + i, *row) for i, row in enumerate(grants)))
    start = ids(ApplicationEvent, len(events))
    write(ApplicationEvent, ["id", "application_id", "round_no", "action", "from_state",
                             "to_state", "actor_id", "reason", "data", "at"],
          ((start + i, *row) for i, row in enumerate(events)))

    # each state by one UPDATE over its range of ids (``_applications`` made them contiguous)
    ranges: dict[str, list[int]] = {}
    for a in w.assessed:
        ranges.setdefault(a.state, []).append(a.id)
    adapt = w.writer.connection.ops.adapt_datetimefield_value
    for state, app_ids in ranges.items():
        low, high = min(app_ids), max(app_ids)
        if high - low + 1 != len(app_ids):
            raise RuntimeError(f"the {state} requests are not one range of ids")
        changed = w.writer.execute(
            "UPDATE appraisal_application SET state = %s, updated_at = %s "
            "WHERE id >= %s AND id <= %s AND state = 'qualified'",
            [state, adapt(w.now), low, high])
        if changed != len(app_ids):
            raise RuntimeError(f"moved {changed} requests to {state}, expected {len(app_ids)}")
    # the appointment order: the new standing in the person's record, and its ก.พ.7 line
    if appointed:
        with w.writer.connection.cursor() as cursor:
            cursor.executemany("UPDATE personnel_person SET standing = %s, "
                               "standing_granted_on = %s WHERE id = %s", appointed)
        start = ids(PositionHistory, len(lines))
        write(PositionHistory, ["id", "person_id", "effective_on", "position_type",
                                "position_number", "organization_name", "salary_rank", "salary",
                                "standing", "order_ref", "created_by_id"],
              ((start + i, *row) for i, row in enumerate(lines)))
