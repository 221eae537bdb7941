"""Academic-standing requests with their files, checks, PA results and history, and their
certification as the portal makes it."""

from __future__ import annotations

import datetime
from decimal import Decimal

from accounts.rules import Role, SchoolType
from appraisal.models import (
    Application,
    ApplicationEvent,
    EvidenceFile,
    PAResult,
    QualificationCheck,
    SubjectArea,
)
from personnel.choices import (
    AcademicStanding,
)
from personnel.rules import fiscal_year_be

from .plan import ASSESSMENT_STAGE, CERTIFIED_STATES, HOT_STATE_MIX, WORK_TITLES, split_states
from .world import Assessed, World, _timeline

NEXT_STANDING = {AcademicStanding.NONE: AcademicStanding.PROFESSIONAL,
                 AcademicStanding.PROFESSIONAL: AcademicStanding.SENIOR_PROFESSIONAL,
                 AcademicStanding.SENIOR_PROFESSIONAL: AcademicStanding.EXPERT,
                 AcademicStanding.EXPERT: AcademicStanding.SENIOR_EXPERT}
EVIDENCE = (("lesson_plan", "pdf", "application/pdf", "pdf"),
            ("inspiration_video", "video", "video/mp4", "mp4"),
            ("teaching_video", "video", "video/mp4", "mp4"),
            ("outcome", "pdf", "application/pdf", "pdf"))
CHECK_KINDS = ("tenure", "pa", "discipline", "licence", "evidence")
APPLICATION_COLUMNS = ["id", "person_id", "organization_id", "office_id", "current_standing",
                       "requested_standing", "classroom_type", "subject_area_id", "work_title",
                       "shorten_ground", "state", "round_no", "filed_on", "entered_on",
                       "snapshot", "return_reason", "created_by_id", "created_at", "updated_at"]


def _applications(w: World) -> None:
    """Requests in every state, with PA results, evidence rows, checks and history. Certified
    ones (qualified and every state after it) are written at the office and certified
    afterwards (``_certify``); those past the certification are moved on by ``_assessment``,
    on the timeline planned here (``_timeline``)."""
    plan, rng = w.plan, w.rng
    if len(w.candidates) < plan.applications:
        raise ValueError(f"{plan.applications} requests need as many teachers who may apply; "
                         f"there are {len(w.candidates)}")
    national = plan.national_states
    hot = split_states(plan.hot_queue, HOT_STATE_MIX)
    hot["draft"] = plan.hot_drafts
    jobs = []  # (facts, state), the certified ones first: their ids are one range
    chosen = rng.sample(w.candidates, plan.applications)
    hot_chosen = w.hot_candidates[: plan.hot_queue + plan.hot_drafts]
    for people, states in ((chosen, national), (hot_chosen, hot)):
        i = 0
        for state in (*CERTIFIED_STATES[1:], "qualified", "at_office", "returned", "submitted",
                      "draft"):
            for facts in people[i:i + states.get(state, 0)]:
                jobs.append((facts, state))
            i += states.get(state, 0)
    # the certified ones first, those past the certification before them, each state one range
    # of ids (``_certify`` and ``_assessment`` update by ranges); the sort is stable
    jobs.sort(key=lambda job: (0 if job[1] in ASSESSMENT_STAGE
                               else 1 if job[1] == "qualified" else 2))

    areas: dict[str, list[int]] = {}
    for pk, classroom_type in SubjectArea.objects.values_list("pk", "classroom_type"):
        areas.setdefault(classroom_type, []).append(pk)
    if not areas:
        raise ValueError("no subject areas: run the migrations first (appraisal 0002)")

    first = w.writer.ids(Application, len(jobs))
    apps, files, checks, events, pa = [], [], [], [], []
    fiscal_year = fiscal_year_be(w.today)
    w.certified = (first, first)  # [first, last) of the requests to certify

    def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)

    for n, (facts, state) in enumerate(jobs):
        app_id = first + n
        unit, lao = facts.unit, facts.unit.lao
        if unit.school_type == SchoolType.CHILD_DEVELOPMENT_CENTRE:
            classroom = "early_childhood"
        else:
            classroom = "primary" if rng.random() < 0.6 else "secondary"
        area = rng.choice(areas.get(classroom) or next(iter(areas.values())))
        certified = state in CERTIFIED_STATES
        created = w.today - datetime.timedelta(days=rng.randint(20, 150))
        filed = entered = None
        round_no, reason, snapshot = 0, "", {}
        by_office = state == "at_office" or certified or (state == "returned"
                                                          and rng.random() < 0.5)
        if state in ASSESSMENT_STAGE:  # its dates come from the timeline, back from today
            entered, timeline = _timeline(rng, state, w.now)
            filed = entered - datetime.timedelta(days=rng.randint(1, 10))
            created = filed - datetime.timedelta(days=rng.randint(1, 10))
            w.assessed.append(Assessed(app_id, state, facts, area, classroom,
                                       NEXT_STANDING[facts.standing], entered, timeline))
        if state != "draft":
            round_no = 2 if state == "at_office" and rng.random() < 0.2 else 1
            if filed is None:
                filed = min(created + datetime.timedelta(days=rng.randint(1, 10)), w.today)
            if by_office:
                if entered is None:
                    entered = min(filed + datetime.timedelta(days=rng.randint(1, 10)), w.today)
                snapshot = {"name": facts.name, "school": unit.name,
                            "standing": facts.standing}
        if state == "returned":
            reason = "แก้ไขเอกสารหลักฐานให้ครบถ้วน"
        stored_state = "at_office" if certified else state
        applicant = facts.user_id
        apps.append((app_id, facts.id, unit.id, lao.id, facts.standing,
                     NEXT_STANDING[facts.standing], classroom, area,
                     f"{rng.choice(WORK_TITLES)} ({app_id})", "", stored_state, round_no, filed,
                     entered, snapshot, reason, applicant, at(created), at(entered or filed
                                                                           or created)))
        school_admin = w.user_of(Role.SCHOOL_ADMIN, unit)
        pa.append((facts.id, unit.id, fiscal_year - 1, school_admin))
        for slot, kind, content_type, suffix in EVIDENCE[: 4 if state != "draft"
                                                          else rng.randint(0, 2)]:
            files.append((app_id, slot, f"appraisal/evidence/{unit.id}/"
                          f"{rng.getrandbits(128):032x}.{suffix}", f"{slot}.{suffix}",
                          rng.randint(200_000, 900_000_000), kind, content_type,
                          rng.randint(3, 20) if kind == "pdf" else None,
                          rng.uniform(60, 3000) if kind == "video" else None, applicant,
                          at(created, 10)))
        officer, head = w.user_of(Role.OFFICER, lao), w.user_of(Role.GROUP_HEAD, unit.province)
        history = [("created", "", "draft", applicant, created)]
        if filed:
            history.append(("submitted", "draft", "submitted", applicant, filed))
        if by_office and state != "draft":
            history.append(("school_certified", "submitted", "at_office", school_admin, entered))
            for kind in CHECK_KINDS:
                decided = certified or (state == "returned") or rng.random() < 0.5
                passed = certified or rng.random() < 0.9
                headed = certified or (decided and rng.random() < 0.5)
                checks.append((app_id, round_no, kind, passed, "ตรวจโดยระบบ", at(entered, 8),
                               passed if decided else None, officer if decided else None,
                               at(entered, 11) if decided else None,
                               passed if headed else None, head if headed else None,
                               at(entered, 14) if headed else None))
        if state == "returned":
            history.append(("office_returned" if by_office else "school_returned",
                            "at_office" if by_office else "submitted", "returned",
                            officer if by_office else school_admin, entered or filed))
        for action, from_state, to_state, actor, day in history:
            events.append((app_id, round_no or 0, action, from_state, to_state, actor, at(day)))
        if certified:
            w.certified = (first, app_id + 1)

    w.writer.write(Application, APPLICATION_COLUMNS, apps)
    write, ids = w.writer.write, w.writer.ids
    start = ids(PAResult, len(pa))
    write(PAResult, ["id", "person_id", "organization_id", "fiscal_year_be", "part1_1",
                     "part1_2", "part1_3", "part2_1", "part2_2", "part2_3", "education_level",
                     "teaching_hours", "total_hours", "workload_met", "pa3_file",
                     "entered_by_id"],
          ((start + i, person, org, year, Decimal(52), Decimal(50), Decimal(51), Decimal(31),
            Decimal(30), Decimal(32), "basic", Decimal(18), Decimal(26), True,
            f"appraisal/pa3/{org}/{start + i:08x}.pdf", entered_by)
           for i, (person, org, year, entered_by) in enumerate(pa)))
    start = ids(EvidenceFile, len(files))
    write(EvidenceFile, ["id", "application_id", "slot", "position", "file", "original_name",
                         "size", "state", "media_kind", "content_type", "pages",
                         "duration_seconds", "attempts", "uploaded_by_id", "uploaded_at",
                         "checked_at"],
          ((start + i, app, slot, 1, path, name, size, "valid", kind, content_type, pages,
            duration, 1, by, uploaded, uploaded)
           for i, (app, slot, path, name, size, kind, content_type, pages, duration, by,
                   uploaded) in enumerate(files)))
    start = ids(QualificationCheck, len(checks))
    write(QualificationCheck, ["id", "application_id", "round_no", "kind", "auto_passed",
                               "auto_explanation", "auto_checked_at", "officer_passed",
                               "officer_by_id", "officer_at", "head_passed", "head_by_id",
                               "head_at"],
          ((start + i, *row) for i, row in enumerate(checks)))
    start = ids(ApplicationEvent, len(events))
    write(ApplicationEvent, ["id", "application_id", "round_no", "action", "from_state",
                             "to_state", "actor_id", "at"],
          ((start + i, *row) for i, row in enumerate(events)))


def _certify(w: World) -> None:
    """The LAO director certifies (seed 004 step 2), as ``appraisal.services.office_certify``
    leaves the row; the certification lock allows the step from uncertified to certified.
    Requests still qualified are certified today; those the assessment moved on since
    (``w.assessed``, the first ids) the day after they entered the system, as their timeline
    says (``Timeline.certified``)."""
    first, end = w.certified
    if end <= first:
        return
    certified_at = datetime.datetime.combine(w.today, datetime.time(3), tzinfo=datetime.UTC)
    moved_on = first + len(w.assessed)  # [first, moved_on): past the certification
    director = ("(SELECT m.user_id FROM accounts_membership m "
                "WHERE m.organization_id = appraisal_application.office_id "
                "AND m.role = 'lao_admin' ORDER BY m.id LIMIT 1)")
    day_after_entry = ("(entered_on + 1) + TIME '03:00'"
                       if w.writer.connection.vendor == "postgresql"
                       else "datetime(entered_on, '+1 day', '+3 hours')")
    changed = 0
    if moved_on > first:
        changed += w.writer.execute(
            f"UPDATE appraisal_application SET state = 'qualified', "  # noqa: S608 (constants)
            f"certified_at = {day_after_entry}, certified_by_id = {director} "
            "WHERE id >= %s AND id < %s", [first, moved_on])
    if end > moved_on:
        changed += w.writer.execute(
            "UPDATE appraisal_application SET state = 'qualified', certified_at = %s, "  # noqa: S608
            f"certified_by_id = {director} WHERE id >= %s AND id < %s",
            [w.writer.connection.ops.adapt_datetimefield_value(certified_at), moved_on, end])
    rows = end - first
    if changed != rows:
        raise RuntimeError(f"certified {changed} requests, expected {rows}")
    start = w.writer.ids(ApplicationEvent, rows)
    w.writer.execute(
        "INSERT INTO appraisal_applicationevent (id, application_id, round_no, action, "
        "from_state, to_state, actor_id, reason, data, at) SELECT %s + id - %s, id, round_no, "
        "'office_certified', 'at_office', 'qualified', certified_by_id, '', '{}', certified_at "
        "FROM appraisal_application WHERE id >= %s AND id < %s", [start, first, first, end])
