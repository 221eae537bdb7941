"""Pure rules of the personnel registry's derived values (RULES.md §3, §4.1; seeds 003, 004).

Age, fiscal year, retirement and tenure as the ก.พ.7 record and the qualification check show
them. No ORM and no Django here: plain ``datetime.date`` in, plain values out.

How Thai law counts periods, which several functions below rely on (ป.พ.พ. = the Civil and
Commercial Code):

* ป.พ.พ. ม.16: a person's age is counted from the day of birth, that day included
  (http://www.laws24hr.com/2022/03/16.html; Supreme Court 1245/2559,
  https://thaideka.com/deka/1245-2559.html).
* ป.พ.พ. ม.193/3: any other period in days, months or years does not count its first day
  (http://thai-civil-code.blogspot.com/2009/08/blog-post.html).
* ป.พ.พ. ม.193/5: a period of months or years ends at the end of the day before the day that
  corresponds to its first day; where the last month has no such day (29 February in a common
  year), it ends at the end of that month's last day (translated in
  https://mail.legal.co.th/cn/resources/civil-and-commercial-code/book1/thailand-civil-and-commercial-code-page-28-title-v-periods-time-section-193-1-193-8).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

# Buddhist era = Common era + 543 (the same constant as core.thaidates.BE_OFFSET, kept here so
# that this module needs neither Django nor PyThaiNLP).
BE_OFFSET = 543

# พ.ร.บ.บำเหน็จบำนาญข้าราชการ พ.ศ. 2494 ม.19: out of service at the end of the fiscal year
# in which the official completes 60 years of age. Local teachers are taken to retire the same
# way (the local-officials' pension act, พ.ศ. 2500, was not checked word for word here).
RETIREMENT_AGE = 60

# The Thai government fiscal year runs 1 October – 30 September and takes the number of the
# year it ends in (seed 004: "ปีงบประมาณ พ.ศ. ๒๕๖๕ วันที่ ๑ ตุลาคม ๒๕๖๔ – ๓๐ กันยายน ๒๕๖๕").
FISCAL_YEAR_FIRST_MONTH = 10
FISCAL_YEAR_LAST_MONTH, FISCAL_YEAR_LAST_DAY = 9, 30

ONE_DAY = datetime.timedelta(days=1)


def _require_date(value, name: str) -> datetime.date:
    # A datetime is a date to Python, but an aware one in UTC can fall on the previous day in
    # Bangkok (30 Sep 20:00 UTC is already 1 Oct in Thailand): make the caller pick the day.
    if isinstance(value, datetime.datetime):
        raise TypeError(f"{name} must be a date, not a datetime; convert to the Bangkok date "
                        f"first (got {value!r})")
    if not isinstance(value, datetime.date):
        raise TypeError(f"{name} must be a datetime.date, not {type(value).__name__}")
    return value


def _require_years(value, name: str = "years") -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} must not be negative (got {value})")
    return value


def to_be(year_ce: int) -> int:
    """The Buddhist-era number of a Common-era year (พ.ศ. = ค.ศ. + 543)."""
    return year_ce + BE_OFFSET


def to_ce(year_be: int) -> int:
    """The Common-era number of a Buddhist-era year (ค.ศ. = พ.ศ. − 543)."""
    return year_be - BE_OFFSET


# --- age ------------------------------------------------------------------------------------


def age_completed_on(birth_date: datetime.date, years: int) -> datetime.date:
    """The day at whose end a person born on ``birth_date`` completes ``years`` years of age.

    Source: ป.พ.พ. ม.16 (age counts the birth day itself) with ม.193/5 (the period ends the day
    before the corresponding day, or on the last day of the month when that month has no
    corresponding day). So someone born on 1 October 2492 completes 60 years on 30 September
    2552, and someone born on 29 February completes a year on 28 February of a common year.
    """
    _require_date(birth_date, "birth_date")
    _require_years(years)
    anniversary = birth_date + relativedelta(years=years)
    if anniversary.day != birth_date.day:
        # 29 February in a common year: relativedelta has already moved to the month's last
        # day, which is where ม.193/5 para 2 ends the period.
        return anniversary
    return anniversary - ONE_DAY


def age_on(birth_date: datetime.date, on: datetime.date) -> int:
    """Completed years of age on the day ``on`` (อายุ ... ปี on the ก.พ.7 record, seed 004).

    Counts the years completed before the day ``on`` begins. By ป.พ.พ. ม.16 and ม.193/5 a
    year of age is completed at the end of the day before the birthday, so the age changes on
    the birthday itself — except for a birthday on 29 February, where in a common year the year
    is completed at the end of 28 February and the age changes on 1 March.
    """
    _require_date(birth_date, "birth_date")
    _require_date(on, "on")
    if on < birth_date:
        raise ValueError(f"birth date {birth_date.isoformat()} is after {on.isoformat()}")
    years = relativedelta(on, birth_date).years
    # relativedelta puts a 29 February birthday on 28 February in a common year; the law
    # completes that year only at the end of 28 February.
    if age_completed_on(birth_date, years) >= on:
        years -= 1
    return years


# --- fiscal year ----------------------------------------------------------------------------


def fiscal_year(d: datetime.date) -> int:
    """The Thai government fiscal year (Common era) that contains ``d``.

    Source: the law on budget procedure (กฎหมายว่าด้วยวิธีการงบประมาณ) defines ปีงบประมาณ as
    1 October of one year to 30 September of the next, named by the next Buddhist-era year
    (summarised at https://library.parliament.go.th/th/radioscript/rr2563-oct1); seed 004's PA
    form: ปีงบประมาณ 2565 = 1 ต.ค. 2564 – 30 ก.ย. 2565; RULES.md §4.3, §5.
    """
    _require_date(d, "d")
    return d.year + 1 if d.month >= FISCAL_YEAR_FIRST_MONTH else d.year


def fiscal_year_be(d: datetime.date) -> int:
    """The fiscal year that contains ``d``, in the Buddhist era (ปีงบประมาณ พ.ศ.)."""
    return to_be(fiscal_year(d))


def fiscal_year_bounds(fy_ce: int) -> tuple[datetime.date, datetime.date]:
    """First and last day of fiscal year ``fy_ce`` (Common era): 1 Oct of the year before, and
    30 Sep. Source: as :func:`fiscal_year`."""
    if isinstance(fy_ce, bool) or not isinstance(fy_ce, int):
        raise TypeError(f"fiscal year must be an int, not {type(fy_ce).__name__}")
    if not datetime.MINYEAR < fy_ce <= datetime.MAXYEAR:
        raise ValueError(f"fiscal year {fy_ce} is out of range")
    return (
        datetime.date(fy_ce - 1, FISCAL_YEAR_FIRST_MONTH, 1),
        datetime.date(fy_ce, FISCAL_YEAR_LAST_MONTH, FISCAL_YEAR_LAST_DAY),
    )


def fiscal_year_bounds_be(fy_be: int) -> tuple[datetime.date, datetime.date]:
    """First and last day of fiscal year ``fy_be`` given in the Buddhist era, the way the
    registry stores it (``fiscal_year_be`` fields). Source: as :func:`fiscal_year`."""
    if isinstance(fy_be, bool) or not isinstance(fy_be, int):
        raise TypeError(f"fiscal year must be an int, not {type(fy_be).__name__}")
    return fiscal_year_bounds(to_ce(fy_be))


# --- retirement -----------------------------------------------------------------------------
#
# Checked against stored public pages (query "เกษียณอายุราชการ เกิดวันที่ 1 ตุลาคม" and
# follow-ups):
# * กรมสุขภาพจิต FAQ https://dmh.go.th/faq/person06.asp — "นายชัย เกิดเมื่อ 1 ตุลาคม 2492 จะมี
#   อายุครบ 60 ปี เมื่อ 30 กันยายน 2552" and leaves service on 1 Oct 2552; "นายชู เกิดเมื่อ
#   2 ตุลาคม 2492 จะมีอายุครบ 60 ปีบริบูรณ์ เมื่อ 1 ตุลาคม 2552" and leaves on 1 Oct 2553.
# * https://dmh.go.th/faq/person03.asp — on 30 September the official is still in service for a
#   last day (พ.ร.บ.บำเหน็จบำนาญข้าราชการ พ.ศ. 2494 ม.19), so "retires 30 Sep" and "out of
#   service from 1 Oct" name the same event.
# * https://mykht.blogspot.com/2016/10/blog-post.html — Cabinet letter นร 0205/ว 42 of
#   13 Mar 2538 replaced the 2509 way of counting (birth day not counted) with ป.พ.พ. ม.16.
# * คำพิพากษาศาลฎีกาที่ 1245/2559 https://thaideka.com/deka/1245-2559.html — since the 2535
#   recodification, ม.16 makes the birth day count as the first day of age.
# * https://www.kruchiangrai.net/2015/08/11/ (teachers' site) — born 1 Jan – 1 Oct: out of
#   service in the year of birth + 60; born 2 Oct – 31 Dec: birth year + 61.


def retirement_date(birth_date: datetime.date) -> datetime.date:
    """The last day in service (30 September) of an official born on ``birth_date``.

    Source: พ.ร.บ.บำเหน็จบำนาญข้าราชการ พ.ศ. 2494 ม.19 (see ``RETIREMENT_AGE``): out of
    service at the end of the fiscal year in which the official completes 60 years of age, the
    age counted by ป.พ.พ. ม.16 (see :func:`age_completed_on`).
    Born 1 October: retires on 30 September of the year of the 60th birthday; born 2 October:
    a year later. The first day out of service is the day after (1 October).
    """
    completed = age_completed_on(birth_date, RETIREMENT_AGE)
    return fiscal_year_bounds(fiscal_year(completed))[1]


def retirement_fiscal_year_be(birth_date: datetime.date) -> int:
    """The fiscal year of retirement in the Buddhist era, as the record shows it (seed 004's
    form: "อายุ 34 ปี เกษียณอายุราชการ 2592"). Source: as :func:`retirement_date`."""
    return fiscal_year_be(retirement_date(birth_date))


def has_retired(birth_date: datetime.date, on: datetime.date) -> bool:
    """True when ``on`` is after the retirement date: the person is out of service by age
    (RULES.md §3, status เกษียณอายุ). On 30 September itself they are still in service
    (dmh.go.th/faq/person03.asp). Source: as :func:`retirement_date`."""
    _require_date(on, "on")
    return on > retirement_date(birth_date)


# --- tenure ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class YMD:
    """A length of time as years, months and days, the way the qualification check shows
    tenure (seed 004: "เป็นระยะเวลา 6 ปี 4 เดือน 1 วัน"). Always normalised: months 0–11,
    days 0–30."""

    years: int
    months: int
    days: int

    def __post_init__(self):
        for name in ("years", "months", "days"):
            _require_years(getattr(self, name), name)
        if self.months > 11:
            raise ValueError(f"months must be 0–11 (got {self.months})")
        if self.days > 30:
            raise ValueError(f"days must be 0–30 (got {self.days})")

    def __str__(self) -> str:
        return f"{self.years} ปี {self.months} เดือน {self.days} วัน"

    def en(self) -> str:
        parts = ((self.years, "year"), (self.months, "month"), (self.days, "day"))
        return " ".join(f"{n} {unit}{'' if n == 1 else 's'}" for n, unit in parts)

    def as_relativedelta(self) -> relativedelta:
        """For adding back to a start date: ``start + ymd.as_relativedelta()``."""
        return relativedelta(years=self.years, months=self.months, days=self.days)


def tenure(start: datetime.date, end: datetime.date) -> YMD:
    """Time from ``start`` (appointment, or grant of the current standing) to ``end`` (the
    application date), as years, months and days.

    Source: RULES.md §4.1.1 and seed 004's qualification check: "29 พฤษภาคม 2560 ถึงวันที่ยื่น
    คำขอ 30 กันยายน 2566 เป็นระยะเวลา 6 ปี 4 เดือน 1 วัน". That is ป.พ.พ. ม.193/3: the first
    day is not counted, the application day is. It is what ``dateutil.relativedelta`` computes
    (whole years, then whole months, then days), and ``start + tenure(start, end)`` is ``end``.

    A start on 29 February reaches its anniversaries on 29 February in leap years and on
    28 February in common years (relativedelta moves to the month's last day). This is also
    ม.193/3 with ม.193/5: the period begins on 1 March and a year ends the day before the next
    1 March. So 4 years from 29 Feb 2020 are complete on 29 Feb 2024 and 3 years on 28 Feb 2023,
    and a start on 28 or 29 February 2020 completes its first year on 28 February 2021 alike.

    Known difference from a strict reading of ม.193/5: a start on 28 February of a common year
    whose anniversary falls in a leap year reaches it here on 28 February, while the strict
    reading (period begins 1 March) ends the year on 29 February — one day earlier here. Four
    years on, the year always has the same leap status as the start, so the 4-year rule cannot
    meet this; the reduced 3-year rule (ว4/2564) can. The months and days shown can differ the
    same way around the end of a shorter month (30 Apr to 30 May is 1 month here).
    """
    _require_date(start, "start")
    _require_date(end, "end")
    if end < start:
        raise ValueError(f"end {end.isoformat()} is before start {start.isoformat()}")
    delta = relativedelta(end, start)
    return YMD(delta.years, delta.months, delta.days)


def completed_years(start: datetime.date, on: datetime.date) -> int:
    """Whole years of tenure from ``start`` to ``on``. Source: as :func:`tenure`."""
    return tenure(start, on).years


def has_served(start: datetime.date, on: datetime.date, years: int) -> bool:
    """True when at least ``years`` full years lie between ``start`` and ``on``.

    Source: ว9/2564 (seed 004, RULES.md §4.1.1): at least 4 consecutive years in the position,
    or in the current standing, counted up to the application date (3 when reduced under
    ว4/2564). Exactly 4 years is enough — from 29 May 2560 on 29 May 2564 — and 4 years less a
    day is not. Counting as :func:`tenure`, including its rule for a start on 29 February.
    """
    _require_years(years)
    return completed_years(start, on) >= years


# --- Completeness of a ก.พ.7 record (seed 003: "ข้อมูลครบถ้วน ถูกต้อง เป็นปัจจุบัน") --------------

# What a complete record holds, in the order the page lists what is missing. Each item is a
# fact about the record that the read side computes (see personnel.selectors.record_facts).
COMPLETENESS_ITEMS = (
    ("names_en", "ชื่อ-นามสกุลภาษาอังกฤษ"),
    ("birth_date", "วันเดือนปีเกิด"),
    ("gender", "เพศ"),
    ("address", "ที่อยู่"),
    ("photo", "รูปถ่าย"),
    ("position_number", "ตำแหน่งเลขที่"),
    ("salary", "อันดับและเงินเดือน"),
    ("appointed_on", "วันที่ดำรงตำแหน่งปัจจุบัน"),
    ("standing_date", "วันที่ได้รับวิทยฐานะ"),
    ("degree", "วุฒิการศึกษา"),
    ("position_history", "ประวัติตำแหน่งและเงินเดือน"),
    ("licence", "ใบอนุญาตประกอบวิชาชีพครูที่ยังไม่หมดอายุ"),
)
COMPLETENESS_KEYS = tuple(key for key, _label in COMPLETENESS_ITEMS)

# RULES.md §3: the KPI target for the share of LAOs whose records are complete.
COMPLETE_LAO_TARGET_PERCENT = 90
# RULES.md §3: LPA indicator 2.9 — complete by the deadline = 5 points, otherwise 0.
LPA_29_FULL_SCORE = 5


@dataclass(frozen=True)
class Completeness:
    score: int  # percent, 0–100
    missing: tuple[str, ...]  # Thai labels, in COMPLETENESS_ITEMS order

    @property
    def complete(self) -> bool:
        return not self.missing


def completeness(facts: dict[str, bool]) -> Completeness:
    """Score a record from its facts (every key of COMPLETENESS_KEYS, True when present).

    A fact that does not apply to the person (no standing → no standing date; a position that
    needs no teaching licence) is passed as True. The score rounds down, so 100 means nothing
    is missing."""
    unknown = set(facts) ^ set(COMPLETENESS_KEYS)
    if unknown:
        raise ValueError(f"completeness facts do not match the items: {sorted(unknown)}")
    missing = tuple(label for key, label in COMPLETENESS_ITEMS if not facts[key])
    present = len(COMPLETENESS_ITEMS) - len(missing)
    return Completeness(score=present * 100 // len(COMPLETENESS_ITEMS), missing=missing)


def lpa_29_score(*, complete: bool, certified_on: datetime.date | None,
                 deadline: datetime.date) -> int:
    """LPA indicator 2.9 (RULES.md §3, seed 003): 5 points when the LAO's records are complete
    and certified on or before the deadline, otherwise 0."""
    if complete and certified_on is not None and certified_on <= deadline:
        return LPA_29_FULL_SCORE
    return 0


# --- the salary rank and salary on appointment to a standing (seed 004, "กฎหมาย ระเบียบ ...") ---

# The rank (อันดับ) that goes with each standing of the teacher position. The salary table of
# the พ.ร.บ.เงินเดือน เงินวิทยฐานะ และเงินประจำตำแหน่งข้าราชการครูและบุคลากรทางการศึกษา (seed
# 004 item ๕: its amendment ฉบับที่ ๓ พ.ศ. ๒๕๕๘) has one rank per standing: ครูผู้ช่วย, คศ.1 (no
# standing; "รับเงินเดือนอันดับ คศ.1" on the seed's request form for a teacher without one),
# คศ.2 ชำนาญการ, คศ.3 ชำนาญการพิเศษ, คศ.4 เชี่ยวชาญ, คศ.5 เชี่ยวชาญพิเศษ. Values of
# personnel.choices (SalaryRank, AcademicStanding), kept as strings so that this module needs no
# Django.
RANK_FOR_STANDING = {
    "none": "ks1",
    "professional": "ks2",
    "senior_professional": "ks3",
    "expert": "ks4",
    "senior_expert": "ks5",
}


def rank_for_standing(standing: str) -> str:
    """The salary rank of a teacher who holds ``standing`` (see :data:`RANK_FOR_STANDING`)."""
    try:
        return RANK_FOR_STANDING[standing]
    except KeyError:
        raise ValueError(f"no salary rank for standing {standing!r}") from None


def salary_on_appointment(current_salary):
    """The salary a teacher receives on being appointed to a standing or to a higher one.

    Seed 004, item ๖ of the laws it cites: หนังสือสำนักงาน ก.ค.ศ. ที่ ศธ ๐๒๐๖.๗/ว ๙ ลงวันที่ ๒๖
    เมษายน ๒๕๖๒, from 1 October 2561: "ให้ข้าราชการครูและบุคลากรทางการศึกษาผู้นั้นได้รับ
    เงินเดือนในอัตราเงินเดือนที่ได้รับอยู่เดิม" — the same amount, in the new rank. (The allowance
    for the standing, เงินวิทยฐานะ, is paid besides the salary; the registry does not keep it.)"""
    return current_salary
