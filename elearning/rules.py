"""Pure rules of e-Learning compliance (RULES.md §5; seed 002, DLA letter มท 0802.4/ว 5559).

No ORM here: plain dates, numbers and small dataclasses in, plain values out. The services and
selectors fetch the data (rounds, holidays, completions, the rule rows) and ask these functions.

* Rounds: the fiscal year (1 October – 30 September) has two evaluation rounds, round 1 from
  1 October to 31 March and round 2 from 1 April to 30 September (seed 002: "รอบการประเมินที่ ๑
  ... วันที่ ๑ ตุลาคม พ.ศ. ๒๕๖๖ ถึงวันที่ ๓๑ มีนาคม พ.ศ. ๒๕๖๗").
* Reports: round 1 is reported from 1 to 15 March; a report late by working days loses 0.25
  points a working day, and one sent after 21 March is not counted (seed 002, item 3). Round 2's
  dates are not in the seed: they default to the same days of September (1–15, cut-off 21) and,
  like every date of a round, are data an admin may change.
* Requirements: at least 1 course a round for everyone; the head of a provincial
  local-administration office (ท้องถิ่นจังหวัด) at least 3, of which at least 2 through Local MOOC
  (seed 002, item 1). The requirement rows are data (``elearning.models.Requirement``); this
  module only says which row applies to a person and whether their courses meet it.
"""

from __future__ import annotations

import datetime
from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

# Buddhist era = Common era + 543 (as personnel.rules and core.thaidates).
BE_OFFSET = 543

ROUND_1, ROUND_2 = 1, 2
ROUND_NUMBERS = (ROUND_1, ROUND_2)

# seed 002: "ปรับลดคะแนน ๐.๒๕ คะแนนต่อวันทำการ"
PENALTY_PER_WORKING_DAY = Decimal("0.25")

# Report window (day of month) of a round, in the round's last reporting month: round 1 in
# March (seed 002), round 2 in September (the same days, by analogy; editable per round).
REPORT_OPENS_DAY, REPORT_DEADLINE_DAY, REPORT_CUTOFF_DAY = 1, 15, 21
REPORT_MONTH = {ROUND_1: 3, ROUND_2: 9}

# Codes of the three channels the seed names; admins may add more.
OCSC, THAI_MOOC, LOCAL_MOOC = "ocsc", "thai_mooc", "local_mooc"
DEFAULT_CHANNELS = (
    # code, name, url
    (OCSC, "OCSC Learning Portal", "https://learningportal.ocsc.go.th"),
    (THAI_MOOC, "Thai MOOC", "https://www.thaimooc.org"),
    (LOCAL_MOOC, "Local MOOC", "https://www.localmooc.com"),
)

# The position written on a membership at a province that makes its holder the head of the
# provincial local-administration office (ท้องถิ่นจังหวัด นครพนม, ท้องถิ่นจังหวัดแพร่ …). A prefix,
# so that ผู้ช่วยท้องถิ่นจังหวัด (assistant) or ท้องถิ่นอำเภอ (district) do not match.
PROVINCIAL_HEAD_POSITION = "ท้องถิ่นจังหวัด"

# The default requirement rows (seed 002, item 1): (key, name, org kind, position prefix,
# priority, minimum courses, {channel code: minimum}).
DEFAULT_REQUIREMENTS = (
    ("everyone", "บุคลากรทุกคน", "", "", 0, 1, {}),
    ("provincial_head", "ท้องถิ่นจังหวัด", "province", PROVINCIAL_HEAD_POSITION, 100, 3,
     {LOCAL_MOOC: 2}),
)


def _require_date(value, name: str) -> datetime.date:
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise TypeError(f"{name} must be a datetime.date, not {type(value).__name__}")
    return value


# --- rounds ----------------------------------------------------------------------------------


def fiscal_year_be(d: datetime.date) -> int:
    """The Buddhist-era fiscal year containing ``d`` (1 Oct 2566 – 30 Sep 2567 is 2567)."""
    _require_date(d, "d")
    return (d.year + 1 if d.month >= 10 else d.year) + BE_OFFSET


def round_number(d: datetime.date) -> int:
    """Round 1 from 1 October to 31 March, round 2 from 1 April to 30 September."""
    _require_date(d, "d")
    return ROUND_1 if d.month >= 10 or d.month <= 3 else ROUND_2


def round_of(d: datetime.date) -> tuple[int, int]:
    """(fiscal year BE, round number) of the default rounds that contain ``d``."""
    return fiscal_year_be(d), round_number(d)


@dataclass(frozen=True)
class RoundDates:
    fiscal_year_be: int
    number: int
    starts_on: datetime.date
    ends_on: datetime.date
    report_opens_on: datetime.date
    report_deadline: datetime.date
    cutoff_on: datetime.date


def default_round_dates(fiscal_year_be: int, number: int) -> RoundDates:
    """The seed's dates of round ``number`` of the fiscal year ``fiscal_year_be`` (BE)."""
    if number not in ROUND_NUMBERS:
        raise ValueError(f"round must be 1 or 2, not {number!r}")
    ends_year = fiscal_year_be - BE_OFFSET  # the CE year the fiscal year ends in
    if number == ROUND_1:
        starts, ends = datetime.date(ends_year - 1, 10, 1), datetime.date(ends_year, 3, 31)
    else:
        starts, ends = datetime.date(ends_year, 4, 1), datetime.date(ends_year, 9, 30)
    month = REPORT_MONTH[number]
    return RoundDates(
        fiscal_year_be=fiscal_year_be, number=number, starts_on=starts, ends_on=ends,
        report_opens_on=datetime.date(ends_year, month, REPORT_OPENS_DAY),
        report_deadline=datetime.date(ends_year, month, REPORT_DEADLINE_DAY),
        cutoff_on=datetime.date(ends_year, month, REPORT_CUTOFF_DAY),
    )


def round_date_errors(starts_on, ends_on, report_opens_on, report_deadline,
                      cutoff_on) -> dict[str, str]:
    """What is wrong with a round's dates (field → Thai message); empty when they are fine."""
    errors = {}
    if ends_on < starts_on:
        errors["ends_on"] = _("วันสิ้นสุดรอบต้องไม่ก่อนวันเริ่มรอบ")
    if report_deadline < report_opens_on:
        errors["report_deadline"] = _("กำหนดส่งรายงานต้องไม่ก่อนวันเริ่มส่งรายงาน")
    if cutoff_on < report_deadline:
        errors["cutoff_on"] = _("วันสุดท้ายที่ยังนับผลต้องไม่ก่อนกำหนดส่งรายงาน")
    if report_opens_on < starts_on:
        errors["report_opens_on"] = _("วันเริ่มส่งรายงานต้องอยู่หลังวันเริ่มรอบ")
    return errors


# --- working days and the late penalty ------------------------------------------------------


def is_working_day(d: datetime.date, holidays: Container[datetime.date]) -> bool:
    """Monday to Friday and not a holiday (Thai public holidays and the extra days an admin
    added: the caller passes both in ``holidays``)."""
    return d.weekday() < 5 and d not in holidays


def working_days_between(after: datetime.date, until: datetime.date,
                         holidays: Container[datetime.date]) -> int:
    """Working days in the period that starts the day after ``after`` and ends on ``until``,
    both of those days' ends included (ป.พ.พ. ม.193/3: the first day is not counted)."""
    _require_date(after, "after")
    _require_date(until, "until")
    days = 0
    d = after + datetime.timedelta(days=1)
    while d <= until:
        days += is_working_day(d, holidays)
        d += datetime.timedelta(days=1)
    return days


@dataclass(frozen=True)
class Penalty:
    working_days_late: int
    points: Decimal
    counted: bool

    @property
    def late(self) -> bool:
        return self.working_days_late > 0


def late_penalty(*, deadline: datetime.date, cutoff: datetime.date, submitted_on: datetime.date,
                 holidays: Container[datetime.date]) -> Penalty:
    """seed 002: 0.25 points per working day after the deadline; a report sent after the
    cut-off day is not counted at all (sent on the cut-off day itself still counts, late).
    Weekends and ``holidays`` are not working days."""
    _require_date(deadline, "deadline")
    _require_date(cutoff, "cutoff")
    _require_date(submitted_on, "submitted_on")
    days = working_days_between(deadline, submitted_on, holidays) if submitted_on > deadline else 0
    return Penalty(working_days_late=days, points=PENALTY_PER_WORKING_DAY * days,
                   counted=submitted_on <= cutoff)


# --- who must pass what --------------------------------------------------------------------


@dataclass(frozen=True)
class ChannelMinimum:
    channel_id: int
    channel_name: str
    minimum: int


@dataclass(frozen=True)
class RequirementSpec:
    """One requirement row, as data: whom it selects and what it asks."""

    id: int
    name: str
    min_courses: int
    channel_minimums: tuple[ChannelMinimum, ...] = ()
    role: str = ""
    org_kind: str = ""
    position_prefix: str = ""
    priority: int = 0


@dataclass(frozen=True)
class MembershipFacts:
    role: str
    org_kind: str
    position: str


def selects(requirement: RequirementSpec, membership: MembershipFacts) -> bool:
    """A requirement selects a membership when each of its selectors is blank or matches."""
    return (
        (not requirement.role or requirement.role == membership.role)
        and (not requirement.org_kind or requirement.org_kind == membership.org_kind)
        and (not requirement.position_prefix
             or membership.position.strip().startswith(requirement.position_prefix))
    )


def applicable_requirement(requirements: Iterable[RequirementSpec],
                           memberships: Iterable[MembershipFacts]) -> RequirementSpec | None:
    """The requirement of highest priority that selects any of the person's memberships (ties:
    the stricter one, then the lower id, so the answer never depends on the order given)."""
    memberships = list(memberships)
    matching = [r for r in requirements if any(selects(r, m) for m in memberships)]
    if not matching:
        return None
    return max(matching, key=lambda r: (r.priority, r.min_courses,
                                        sum(c.minimum for c in r.channel_minimums), -r.id))


@dataclass(frozen=True)
class CourseFact:
    """One accepted completion: which course, through which channel."""

    course_id: int
    channel_id: int


@dataclass(frozen=True)
class Status:
    passed: bool
    courses: int
    required: int
    reason: str
    channel_counts: tuple[tuple[str, int, int], ...] = field(default=())  # (name, done, needed)
    pending: int = 0


def compliance(courses: Iterable[CourseFact], requirement: RequirementSpec | None,
               *, pending: int = 0) -> Status:
    """Whether accepted completions meet ``requirement``, with the reason in Thai, e.g.
    "ผ่าน 2 จาก 3 หลักสูตร; Local MOOC 1 จาก 2". A course passed twice counts once; a course
    counts toward the total and toward its channel's minimum alike (seed 002: 2 through Local
    MOOC and 1 through any channel make the 3)."""
    distinct = {c.course_id: c.channel_id for c in courses}
    done = len(distinct)
    if requirement is None:
        reason = _("ไม่มีเกณฑ์ที่ใช้กับบุคคลนี้ (ผ่าน %(done)d หลักสูตร)") % {"done": done}
        return Status(passed=True, courses=done, required=0, reason=reason, pending=pending)
    parts = [_("ผ่าน %(done)d จาก %(required)d หลักสูตร") % {
        "done": done, "required": requirement.min_courses}]
    passed = done >= requirement.min_courses
    channel_counts = []
    for minimum in requirement.channel_minimums:
        in_channel = sum(1 for channel in distinct.values() if channel == minimum.channel_id)
        channel_counts.append((minimum.channel_name, in_channel, minimum.minimum))
        parts.append(_("%(channel)s %(done)d จาก %(required)d") % {
            "channel": minimum.channel_name, "done": in_channel, "required": minimum.minimum})
        passed = passed and in_channel >= minimum.minimum
    reason = "; ".join(parts)
    if pending:
        reason += " " + _("(รอตรวจ %(n)d รายการ)") % {"n": pending}
    return Status(passed=passed, courses=done, required=requirement.min_courses, reason=reason,
                  channel_counts=tuple(channel_counts), pending=pending)


def percent(part: int, whole: int) -> int:
    """The KPI as a whole percentage, rounded down (90.9% is not 91%); 0 of 0 is 0."""
    return part * 100 // whole if whole else 0
