"""Pure rules of academic-standing applications (RULES.md §4; seed 004).

Qualifications (tenure and its reduction, PA, discipline, licence), minimum workload, the
evidence files and the 2-of-3 decision of the assessors. No ORM and no models: the callers
(services, the evidence worker) turn rows into the small frozen facts below, and get back a
``Verdict`` whose Thai explanation is what the teacher and the officers read.

Every explanation goes through ``gettext`` so that it can be translated; dates in it are in the
Buddhist era, formatted by the project's one date formatter (``core.thaidates.format_be``,
PyThaiNLP's ``thai_strftime``: "29 พ.ค. 2560").

Periods (tenure, the age of a language-test result, the discipline window) are counted as
``personnel.rules.tenure`` counts them (ป.พ.พ. ม.193/3 and ม.193/5): from 29 May 2560, 4 years
are complete on 29 May 2564.

Sources, as seed 004 summarises them:

* ว9/2564 (ก.ค.ศ. letter ศธ 0206.3/ว9, 20 May 2564): the criteria — tenure, PA, discipline,
  evidence files, the assessors' decision.
* ว4/2564 (ศธ 0206.4/ว4, 28 Jan 2564) and ว27/2564 (ศธ 0206.4/ว27, 11 Oct 2564): reducing the
  tenure from 4 to 3 years.
* ว21/2564 (ศธ 0206.3/ว21, 30 Aug 2564): minimum workload.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from core.thaidates import format_be
from personnel.choices import (
    AcademicStanding,
    CEFRLevel,
    DegreeLevel,
    DisciplinaryPenalty,
    EducationLevel,
    EthicsRuling,
    PerformanceLevel,
    SalaryRound,
)
from personnel.rules import YMD, fiscal_year_be, has_served, tenure, to_be, to_ce

from .choices import (
    MAX_OUTCOME_FILES,
    REQUIRED_SLOTS,
    EvidenceSlot,
    FileState,
    MediaKind,
    ShortenGround,
)

# --- standings ------------------------------------------------------------------------------

# RULES.md §4: none → ชำนาญการ → ชำนาญการพิเศษ → เชี่ยวชาญ → เชี่ยวชาญพิเศษ
STANDING_ORDER: tuple[str, ...] = (
    AcademicStanding.NONE.value,
    AcademicStanding.PROFESSIONAL.value,
    AcademicStanding.SENIOR_PROFESSIONAL.value,
    AcademicStanding.EXPERT.value,
    AcademicStanding.SENIOR_EXPERT.value,
)


def next_standing(current: str) -> str | None:
    """The standing one step above ``current`` (RULES.md §4), or None above เชี่ยวชาญพิเศษ."""
    try:
        index = STANDING_ORDER.index(current)
    except ValueError:
        raise ValueError(f"unknown academic standing {current!r}") from None
    return STANDING_ORDER[index + 1] if index + 1 < len(STANDING_ORDER) else None


# --- constants of the regulation --------------------------------------------------------------

# ว9/2564 (seed 004, คุณสมบัติ ข้อ 1): 4 consecutive years in the position or the standing
TENURE_YEARS = 4
# ว4/2564 ข้อ 1: reduced to 3 years on one of the grounds of ข้อ 1.1–1.4 ...
REDUCED_TENURE_YEARS = 3
# ... ว4/2564 ข้อ 2: with ดีเด่น in the 4 latest consecutive salary-promotion rounds
OUTSTANDING_ROUNDS_REQUIRED = 4
# ว9/2564 (seed 004, คุณสมบัติ ข้อ 2): PA result at least 70%
PA_PASS_PERCENT = Decimal(70)
# ว9/2564 (seed 004, คุณสมบัติ ข้อ 3): no penalty heavier than probation in the 4 years back
DISCIPLINE_LOOKBACK_YEARS = 4
# ว4/2564 ข้อ 1.1: the language-test result at most 2 years old at the application date
LANGUAGE_RESULT_MAX_AGE_YEARS = 2


@dataclass(frozen=True)
class Verdict:
    passed: bool
    explanation: str  # Thai sentence(s) shown to the teacher/officer


def _date(d: date) -> str:
    """A date as the explanation shows it: "29 พ.ค. 2560" (Buddhist era, core.thaidates)."""
    lang = "en" if (get_language() or "").startswith("en") else "th"
    return format_be(d, style="short", lang=lang, with_time=False)


def _ymd(span: YMD) -> str:
    # YMD.__str__ is Thai only; this one goes through gettext.
    return _("%(years)d ปี %(months)d เดือน %(days)d วัน") % {
        "years": span.years, "months": span.months, "days": span.days}


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _within_years(earlier: date, on: date, years: int) -> bool:
    """True when ``earlier`` is on or before ``on`` and at most ``years`` years before it,
    counted as personnel.rules.tenure counts (exactly ``years`` years is within; a day more is
    not)."""
    if earlier > on:
        return False
    span = tenure(earlier, on)
    return (span.years, span.months, span.days) <= (years, 0, 0)


def _join(parts: Iterable[str]) -> str:
    # one sentence a line: shown as is in a <pre>-like cell, or as spaces in plain HTML
    return "\n".join(p for p in parts if p)


# --- tenure and its reduction (ว9/2564; ว4/2564, ว27/2564) ------------------------------------


@dataclass(frozen=True)
class LanguageFact:
    cefr_level: str  # CEFRLevel value
    tested_on: date


@dataclass(frozen=True)
class DegreeFact:
    level: str  # DegreeLevel value
    learning_management: bool  # related to learning management (not educational administration)
    certified: bool  # certified by ก.ค.ศ.
    used_to_shorten: bool  # already used to reduce tenure once
    graduated_on: date


@dataclass(frozen=True)
class PQFFact:
    passed_on: date
    used_to_shorten: bool


@dataclass(frozen=True)
class PerformanceFact:
    fiscal_year_be: int
    round: int  # SalaryRound value: 1 (1 April) or 2 (1 October)
    level: str  # PerformanceLevel value


@dataclass(frozen=True)
class HardshipFact:
    started_on: date
    ended_on: date | None


@dataclass(frozen=True)
class TenureFacts:
    # appointed to the teacher position (for ชำนาญการ) or the date the current standing was
    # granted; None = unknown
    start: date | None
    filed_on: date
    ground: str  # ShortenGround value: "", "cefr", "hardship", "degree", "pqf8"
    foreign_language_teacher: bool = False
    language_tests: tuple[LanguageFact, ...] = ()
    hardship: tuple[HardshipFact, ...] = ()
    degrees: tuple[DegreeFact, ...] = ()
    pqf: tuple[PQFFact, ...] = ()
    performance: tuple[PerformanceFact, ...] = ()


# ว4/2564 ข้อ 1.1: "สูงกว่าระดับ B1", for teachers of a foreign language "สูงกว่าระดับ B2"
_CEFR_ORDER = tuple(CEFRLevel.values)
CEFR_ABOVE = CEFRLevel.B1.value
CEFR_ABOVE_FOREIGN_LANGUAGE_TEACHER = CEFRLevel.B2.value

# ว4/2564 ข้อ 1.3: "คุณวุฒิที่สูงขึ้นในระดับปริญญาโท หรือปริญญาเอก"
_DEGREE_ORDER = tuple(DegreeLevel.values)
SHORTENING_DEGREE_LEVELS = frozenset({DegreeLevel.MASTER.value, DegreeLevel.DOCTORATE.value})


def _cefr_verdict(f: TenureFacts) -> Verdict:
    """ว4/2564 ข้อ 1.1. The level must be strictly above B1 (B2, C1, C2); for a teacher of a
    foreign language strictly above B2 (C1, C2). The result must be at most 2 years old at the
    application date ("ต้องมีอายุไม่เกิน ๒ ปี นับถึงวันที่ยื่นคำขอ"): tested exactly 2 years
    before passes, 2 years and a day fails. A result dated after the application date was not
    held when applying and does not count."""
    floor = (CEFR_ABOVE_FOREIGN_LANGUAGE_TEACHER if f.foreign_language_teacher
             else CEFR_ABOVE)
    required = (_("สูงกว่าระดับ %(level)s (ครูผู้สอนภาษาต่างประเทศ)") if f.foreign_language_teacher
                else _("สูงกว่าระดับ %(level)s")) % {"level": floor}
    if not f.language_tests:
        return Verdict(False, _("ไม่พบผลการทดสอบความสามารถทางภาษาต่างประเทศ (ต้อง%(required)s "
                                "และมีอายุไม่เกิน %(years)d ปี นับถึงวันยื่นคำขอ)")
                       % {"required": required, "years": LANGUAGE_RESULT_MAX_AGE_YEARS})
    notes = []
    for test in sorted(f.language_tests, key=lambda t: t.tested_on, reverse=True):
        if test.cefr_level not in _CEFR_ORDER:
            raise ValueError(f"unknown CEFR level {test.cefr_level!r}")
        high_enough = _CEFR_ORDER.index(test.cefr_level) > _CEFR_ORDER.index(floor)
        fresh = _within_years(test.tested_on, f.filed_on, LANGUAGE_RESULT_MAX_AGE_YEARS)
        what = _("ผลการทดสอบ CEFR ระดับ %(level)s เมื่อ %(date)s") % {
            "level": test.cefr_level, "date": _date(test.tested_on)}
        if high_enough and fresh:
            return Verdict(True, _("%(what)s %(required)s และมีอายุไม่เกิน %(years)d ปี "
                                   "นับถึงวันยื่นคำขอ (ว4/2564 ข้อ 1.1)")
                           % {"what": what, "required": required,
                              "years": LANGUAGE_RESULT_MAX_AGE_YEARS})
        if not high_enough:
            notes.append(_("%(what)s ไม่%(required)s") % {"what": what, "required": required})
        elif test.tested_on > f.filed_on:
            notes.append(_("%(what)s หลังวันยื่นคำขอ") % {"what": what})
        else:
            notes.append(_("%(what)s มีอายุเกิน %(years)d ปี นับถึงวันยื่นคำขอ")
                         % {"what": what, "years": LANGUAGE_RESULT_MAX_AGE_YEARS})
    return Verdict(False, _("ไม่เป็นไปตามเงื่อนไขด้านภาษาต่างประเทศ (ว4/2564 ข้อ 1.1): "
                            "%(notes)s") % {"notes": "; ".join(notes)})


def _covers(h: HardshipFact, day: date) -> bool:
    return h.started_on <= day and (h.ended_on is None or day <= h.ended_on)


def _hardship_verdict(f: TenureFacts) -> Verdict:
    """ว4/2564 ข้อ 1.2: "เป็นผู้ปฏิบัติงานในสถานศึกษาในพื้นที่พิเศษ" — the applicant works in
    a special hardship area now, i.e. a hardship period covers the application date (both ends
    inclusive; an open end means still there)."""
    for h in f.hardship:
        if _covers(h, f.filed_on):
            return Verdict(True, _("ปฏิบัติงานในสถานศึกษาในพื้นที่พิเศษตั้งแต่ %(start)s "
                                   "ถึงวันยื่นคำขอ (ว4/2564 ข้อ 1.2)")
                           % {"start": _date(h.started_on)})
    return Verdict(False, _("ไม่พบการปฏิบัติงานในสถานศึกษาในพื้นที่พิเศษ ณ วันยื่นคำขอ "
                            "%(date)s (ว4/2564 ข้อ 1.2)") % {"date": _date(f.filed_on)})


def _degree_verdict(f: TenureFacts) -> Verdict:
    """ว4/2564 ข้อ 1.3: a master's or doctorate related to learning management (not educational
    administration), certified by ก.ค.ศ., and the applicant's highest degree ("เป็นคุณวุฒิ
    ระดับสูงสุดของผู้ขอเท่านั้น"); a degree level may be used only once ("ไม่ให้นำคุณวุฒิ
    ระดับเดียวกันมาใช้ซ้ำอีก"), so if any degree of the highest level was already used to
    shorten, that level is spent. Only degrees obtained on or before the application date
    count."""
    held = [d for d in f.degrees if d.graduated_on <= f.filed_on]
    for d in held:
        if d.level not in _DEGREE_ORDER:
            raise ValueError(f"unknown degree level {d.level!r}")
    if not held:
        return Verdict(False, _("ไม่พบคุณวุฒิที่ได้รับก่อนวันยื่นคำขอ (ว4/2564 ข้อ 1.3)"))
    top_rank = max(_DEGREE_ORDER.index(d.level) for d in held)
    top_level = _DEGREE_ORDER[top_rank]
    top = [d for d in held if d.level == top_level]
    label = _label(DegreeLevel, top_level)
    if top_level not in SHORTENING_DEGREE_LEVELS:
        reason = _("คุณวุฒิสูงสุดคือ%(label)s ไม่ใช่ปริญญาโทหรือปริญญาเอก") % {"label": label}
    elif any(d.used_to_shorten for d in top):
        reason = _("คุณวุฒิ%(label)s ซึ่งเป็นคุณวุฒิสูงสุด เคยใช้ลดระยะเวลาแล้ว "
                   "ใช้ระดับเดียวกันซ้ำไม่ได้") % {"label": label}
    else:
        usable = [d for d in top if d.learning_management and d.certified]
        if usable:
            best = max(usable, key=lambda d: d.graduated_on)
            return Verdict(True, _("คุณวุฒิ%(label)s (สำเร็จการศึกษา %(date)s) เกี่ยวกับการจัด"
                                   "การเรียนรู้ ก.ค.ศ. รับรอง และเป็นคุณวุฒิสูงสุด "
                                   "(ว4/2564 ข้อ 1.3)")
                           % {"label": label, "date": _date(best.graduated_on)})
        if not any(d.learning_management for d in top):
            reason = _("คุณวุฒิสูงสุดคือ%(label)s ซึ่งไม่เกี่ยวกับการจัดการเรียนรู้ (สาขาการบริหาร"
                       "การศึกษาใช้ไม่ได้)") % {"label": label}
        else:
            reason = _("คุณวุฒิสูงสุดคือ%(label)s ซึ่งยังไม่ได้รับการรับรองจาก ก.ค.ศ.") % {
                "label": label}
    return Verdict(False, _("ไม่เป็นไปตามเงื่อนไขด้านคุณวุฒิ (ว4/2564 ข้อ 1.3): %(reason)s")
                   % {"reason": reason})


def _pqf_verdict(f: TenureFacts) -> Verdict:
    """ว4/2564 ข้อ 1.4: passed the professional qualification framework level 8, usable to
    shorten only once ("ให้นำมาใช้ลดระยะเวลาได้เพียงครั้งเดียว"); passed on or before the
    application date."""
    held = [p for p in f.pqf if p.passed_on <= f.filed_on]
    unused = [p for p in held if not p.used_to_shorten]
    if unused:
        best = max(unused, key=lambda p: p.passed_on)
        return Verdict(True, _("ผ่านการประเมินตามกรอบคุณวุฒิวิชาชีพชั้น 8 เมื่อ %(date)s "
                               "และยังไม่เคยใช้ลดระยะเวลา (ว4/2564 ข้อ 1.4)")
                       % {"date": _date(best.passed_on)})
    if held:
        return Verdict(False, _("ผลการประเมินตามกรอบคุณวุฒิวิชาชีพชั้น 8 เคยใช้ลดระยะเวลาแล้ว "
                                "ใช้ได้เพียงครั้งเดียว (ว4/2564 ข้อ 1.4)"))
    return Verdict(False, _("ไม่พบผลการประเมินตามกรอบคุณวุฒิวิชาชีพชั้น 8 (ว4/2564 ข้อ 1.4)"))


_GROUND_VERDICTS = {
    ShortenGround.CEFR.value: _cefr_verdict,
    ShortenGround.HARDSHIP.value: _hardship_verdict,
    ShortenGround.DEGREE.value: _degree_verdict,
    ShortenGround.PQF8.value: _pqf_verdict,
}


def shorten_ground_verdict(f: TenureFacts) -> Verdict:
    """Whether the claimed ground for reducing tenure to 3 years is itself met (ว4/2564 ข้อ 1;
    the 4 outstanding rounds of ข้อ 2 are :func:`outstanding_rounds_verdict`). No ground
    claimed is not met."""
    if f.ground == ShortenGround.NONE.value:
        return Verdict(False, _("ไม่ได้ขอลดระยะเวลา"))
    try:
        rule = _GROUND_VERDICTS[f.ground]
    except KeyError:
        raise ValueError(f"unknown shorten ground {f.ground!r}") from None
    return rule(f)


def salary_round_effective_on(fiscal_year_be_: int, round_: int) -> date:
    """The day a salary-promotion round takes effect: round 1 on 1 April, round 2 on 1 October
    of the Common-era year ``fiscal_year_be − 543`` (personnel.choices.SalaryRound)."""
    year = to_ce(fiscal_year_be_)
    if round_ == SalaryRound.FIRST:
        return date(year, 4, 1)
    if round_ == SalaryRound.SECOND:
        return date(year, 10, 1)
    raise ValueError(f"unknown salary round {round_!r}")


def required_salary_rounds(filed_on: date,
                           count: int = OUTSTANDING_ROUNDS_REQUIRED) -> tuple[tuple[int, int], ...]:
    """The ``count`` latest salary rounds ``(fiscal_year_be, round)`` that took effect on or
    before ``filed_on``, oldest first (ว4/2564 ข้อ 2: "๔ รอบการประเมินการเลื่อนเงินเดือน
    ล่าสุดติดต่อกันก่อนยื่นคำขอ")."""
    if count < 1:
        raise ValueError(f"count must be at least 1 (got {count})")
    fy = to_be(filed_on.year)  # rounds are named by the fiscal year, BE, of their CE year
    if filed_on >= salary_round_effective_on(fy, SalaryRound.SECOND):
        latest = (fy, SalaryRound.SECOND.value)
    elif filed_on >= salary_round_effective_on(fy, SalaryRound.FIRST):
        latest = (fy, SalaryRound.FIRST.value)
    else:
        latest = (fy - 1, SalaryRound.SECOND.value)
    rounds = [latest]
    while len(rounds) < count:
        year, rnd = rounds[-1]
        rounds.append((year, SalaryRound.FIRST.value) if rnd == SalaryRound.SECOND
                      else (year - 1, SalaryRound.SECOND.value))
    return tuple(reversed(rounds))


def outstanding_rounds_verdict(performance: Iterable[PerformanceFact],
                               filed_on: date) -> Verdict:
    """ว4/2564 ข้อ 2 (ดีเด่น defined by ว27/2564 ข้อ 2): the performance result is ดีเด่น in each
    of the 4 latest consecutive salary-promotion rounds that took effect on or before
    ``filed_on``. A round with no result is not ดีเด่น, so 3 of 4 does not shorten."""
    by_round: dict[tuple[int, int], str] = {}
    for p in performance:
        key = (p.fiscal_year_be, p.round)
        if by_round.get(key, p.level) != p.level:
            raise ValueError(f"two different results for salary round {key}")
        by_round[key] = p.level
    parts, passed = [], True
    for fy, rnd in required_salary_rounds(filed_on):
        level = by_round.get((fy, rnd))
        when = _date(salary_round_effective_on(fy, rnd))
        if level is None:
            passed = False
            parts.append(_("%(date)s ไม่พบผล") % {"date": when})
        else:
            passed = passed and level == PerformanceLevel.OUTSTANDING
            parts.append(_("%(date)s %(level)s") % {
                "date": when, "level": _label(PerformanceLevel, level)})
    summary = ", ".join(parts)
    if passed:
        return Verdict(True, _("ผลการประเมินการปฏิบัติงานระดับดีเด่น %(n)d รอบการเลื่อนเงินเดือน"
                               "ล่าสุดติดต่อกัน (%(rounds)s) (ว4/2564 ข้อ 2)")
                       % {"n": OUTSTANDING_ROUNDS_REQUIRED, "rounds": summary})
    return Verdict(False, _("ผลการประเมินการปฏิบัติงาน %(n)d รอบการเลื่อนเงินเดือนล่าสุดไม่เป็น"
                            "ระดับดีเด่นทุกรอบ (%(rounds)s) (ว4/2564 ข้อ 2)")
                   % {"n": OUTSTANDING_ROUNDS_REQUIRED, "rounds": summary})


def check_tenure(f: TenureFacts) -> Verdict:
    """ว9/2564 (seed 004 คุณสมบัติ ข้อ 1): at least 4 consecutive years in the teacher position
    (for ชำนาญการ) or in the current standing, counted up to the application date; 3 years when
    a ground of ว4/2564 ข้อ 1 is claimed and met AND the 4 latest salary rounds are ดีเด่น
    (ว4/2564 ข้อ 2). Counted by personnel.rules.has_served: exactly 4 years passes, a day less
    fails. The explanation starts like seed 004's check: "29 พ.ค. 2560 ถึง 30 ก.ย. 2566 =
    6 ปี 4 เดือน 1 วัน"."""
    if f.start is None:
        return Verdict(False, _("ไม่พบวันที่ดำรงตำแหน่งหรือวันที่ได้รับวิทยฐานะปัจจุบัน "
                                "จึงนับระยะเวลาไม่ได้"))
    if f.filed_on < f.start:
        return Verdict(False, _("วันยื่นคำขอ %(filed)s อยู่ก่อนวันที่ดำรงตำแหน่ง %(start)s")
                       % {"filed": _date(f.filed_on), "start": _date(f.start)})
    span = _("%(start)s ถึง %(filed)s = %(span)s") % {
        "start": _date(f.start), "filed": _date(f.filed_on),
        "span": _ymd(tenure(f.start, f.filed_on))}

    def completes(years: int) -> str:
        return _date(f.start + YMD(years, 0, 0).as_relativedelta())

    if has_served(f.start, f.filed_on, TENURE_YEARS):
        return Verdict(True, _join([span, _("ครบตามเกณฑ์ไม่น้อยกว่า %(years)d ปี")
                                    % {"years": TENURE_YEARS}]))
    if f.ground == ShortenGround.NONE.value:
        return Verdict(False, _join([span, _("ต้องไม่น้อยกว่า %(years)d ปี (ครบ %(date)s)")
                                     % {"years": TENURE_YEARS, "date": completes(TENURE_YEARS)}]))
    ground = shorten_ground_verdict(f)
    rounds = outstanding_rounds_verdict(f.performance, f.filed_on)
    if not (ground.passed and rounds.passed):
        return Verdict(False, _join([
            span,
            _("ขอลดระยะเวลาเหลือ %(reduced)d ปี แต่ไม่เป็นไปตามเงื่อนไข จึงต้องไม่น้อยกว่า "
              "%(years)d ปี (ครบ %(date)s)")
            % {"reduced": REDUCED_TENURE_YEARS, "years": TENURE_YEARS,
               "date": completes(TENURE_YEARS)},
            ground.explanation, rounds.explanation]))
    reduced_ok = has_served(f.start, f.filed_on, REDUCED_TENURE_YEARS)
    rule = (_("ครบตามเกณฑ์ที่ลดเหลือไม่น้อยกว่า %(years)d ปี") % {"years": REDUCED_TENURE_YEARS}
            if reduced_ok else
            _("ลดระยะเวลาได้ แต่ยังไม่ครบ %(years)d ปี (ครบ %(date)s)")
            % {"years": REDUCED_TENURE_YEARS, "date": completes(REDUCED_TENURE_YEARS)})
    return Verdict(reduced_ok, _join([span, rule, ground.explanation, rounds.explanation]))


# --- PA (ว9/2564; RULES.md §4.1.3, §4.3) --------------------------------------------------------


@dataclass(frozen=True)
class PAFact:
    fiscal_year_be: int
    totals: tuple[Decimal, Decimal, Decimal]  # each assessor's total, out of 100
    workload_met: bool


def pa_passed(totals: Sequence[Decimal], *, workload_met: bool) -> bool:
    """ว9/2564 (seed 004 คุณสมบัติ ข้อ 2, the PA3 form): each of the 3 assessors' totals (out
    of 100) is at least 70 — exactly 70 passes — and the workload met the ก.ค.ศ. minimum."""
    if len(totals) != 3:
        raise ValueError(f"a PA result has 3 assessors' totals (got {len(totals)})")
    return bool(workload_met) and all(Decimal(t) >= PA_PASS_PERCENT for t in totals)


def required_pa_years(filed_on: date, count: int = 1) -> tuple[int, ...]:
    """The fiscal years (Buddhist era) whose PA results are required, oldest first: the
    ``count`` fiscal years before the one containing ``filed_on`` (seed 004: "ย้อนหลัง ๑ ปี
    (PA ๓ ปีงบประมาณ พ.ศ. ๒๕๖๕ ...)" for requests filed from 1 Oct 2565, i.e. in FY 2566)."""
    if count < 1:
        raise ValueError(f"count must be at least 1 (got {count})")
    current = fiscal_year_be(filed_on)
    return tuple(current - n for n in range(count, 0, -1))


def _score(value) -> str:
    return f"{Decimal(value):.2f}"


def check_pa(results: Sequence[PAFact], filed_on: date, count: int = 1) -> Verdict:
    """ว9/2564 (seed 004 คุณสมบัติ ข้อ 2): a PA result for each required fiscal year
    (:func:`required_pa_years`) that passes :func:`pa_passed`. Results of other years are
    ignored."""
    by_year: dict[int, PAFact] = {}
    for r in results:
        if r.fiscal_year_be in by_year:
            raise ValueError(f"two PA results for fiscal year {r.fiscal_year_be}")
        by_year[r.fiscal_year_be] = r
    parts, passed = [], True
    for year in required_pa_years(filed_on, count):
        r = by_year.get(year)
        if r is None:
            passed = False
            parts.append(_("ไม่พบผลการประเมิน PA ปีงบประมาณ %(year)d") % {"year": year})
            continue
        scores = ", ".join(_("คนที่ %(n)d %(score)s") % {"n": n, "score": _score(t)}
                           for n, t in enumerate(r.totals, start=1))
        problems = []
        low = [str(n) for n, t in enumerate(r.totals, start=1) if Decimal(t) < PA_PASS_PERCENT]
        if low:
            problems.append(_("กรรมการคนที่ %(who)s ให้คะแนนต่ำกว่าร้อยละ %(min)s")
                            % {"who": ", ".join(low), "min": PA_PASS_PERCENT})
        if not r.workload_met:
            problems.append(_("ภาระงานไม่เป็นไปตามที่ ก.ค.ศ. กำหนด"))
        ok = pa_passed(r.totals, workload_met=r.workload_met)
        passed = passed and ok
        head = _("PA ปีงบประมาณ %(year)d: คะแนนกรรมการ %(scores)s") % {
            "year": year, "scores": scores}
        if ok:
            parts.append(_("%(head)s ผ่านเกณฑ์ร้อยละ %(min)s และภาระงานเป็นไปตามที่กำหนด")
                         % {"head": head, "min": PA_PASS_PERCENT})
        else:
            parts.append(_("%(head)s ไม่ผ่าน: %(problems)s")
                         % {"head": head, "problems": "; ".join(problems)})
    return Verdict(passed, _join(parts))


# --- discipline and ethics (ว9/2564; RULES.md §4.1.4) ------------------------------------------


@dataclass(frozen=True)
class PenaltyFact:
    penalty: str  # DisciplinaryPenalty value
    decided_on: date


@dataclass(frozen=True)
class RulingFact:
    ruling: str  # EthicsRuling value
    decided_on: date


_PENALTY_ORDER = tuple(DisciplinaryPenalty.values)  # lightest first
_RULING_ORDER = tuple(EthicsRuling.values)  # lightest first


def _heavier_than_probation(value: str, order: tuple[str, ...], probation: str) -> bool:
    if value not in order:
        raise ValueError(f"unknown penalty or ruling {value!r}")
    return order.index(value) > order.index(probation)


def check_discipline(penalties: Iterable[PenaltyFact], rulings: Iterable[RulingFact],
                     filed_on: date) -> Verdict:
    """ว9/2564 (seed 004 คุณสมบัติ ข้อ 3): "ในช่วงระยะเวลาย้อนหลัง ๔ ปี ต้องไม่เคยถูกลงโทษทาง
    วินัยที่หนักกว่าโทษภาคทัณฑ์ หรือไม่เคยถูกวินิจฉัยชี้ขาดทางจรรยาบรรณวิชาชีพที่หนักกว่า
    ภาคทัณฑ์". The window is the 4 years up to ``filed_on``, both ends included: a decision
    exactly 4 years before the application date is inside, one 4 years and a day before is
    not. Decisions after the application date are outside the window."""
    found = []
    for p in penalties:
        if (_heavier_than_probation(p.penalty, _PENALTY_ORDER, DisciplinaryPenalty.PROBATION)
                and _within_years(p.decided_on, filed_on, DISCIPLINE_LOOKBACK_YEARS)):
            found.append((p.decided_on, _("ถูกลงโทษทางวินัย%(what)s เมื่อ %(date)s") % {
                "what": _label(DisciplinaryPenalty, p.penalty), "date": _date(p.decided_on)}))
    for r in rulings:
        if (_heavier_than_probation(r.ruling, _RULING_ORDER, EthicsRuling.PROBATION)
                and _within_years(r.decided_on, filed_on, DISCIPLINE_LOOKBACK_YEARS)):
            found.append((r.decided_on, _("ถูกวินิจฉัยทางจรรยาบรรณวิชาชีพให้%(what)s เมื่อ "
                                          "%(date)s") % {
                "what": _label(EthicsRuling, r.ruling), "date": _date(r.decided_on)}))
    since = _date(filed_on - YMD(DISCIPLINE_LOOKBACK_YEARS, 0, 0).as_relativedelta())
    if found:
        found.sort(key=lambda item: item[0])
        return Verdict(False, _("%(found)s ซึ่งหนักกว่าภาคทัณฑ์ ภายใน %(years)d ปีย้อนหลัง "
                                "(ตั้งแต่ %(since)s ถึงวันยื่นคำขอ %(filed)s)")
                       % {"found": "; ".join(text for _day, text in found),
                          "years": DISCIPLINE_LOOKBACK_YEARS, "since": since,
                          "filed": _date(filed_on)})
    return Verdict(True, _("ไม่เคยถูกลงโทษทางวินัยหรือวินิจฉัยทางจรรยาบรรณวิชาชีพหนักกว่า"
                           "ภาคทัณฑ์ ภายใน %(years)d ปีย้อนหลัง (ตั้งแต่ %(since)s ถึงวันยื่นคำขอ "
                           "%(filed)s)")
                   % {"years": DISCIPLINE_LOOKBACK_YEARS, "since": since,
                      "filed": _date(filed_on)})


# --- teaching licence (RULES.md §4.1.5) --------------------------------------------------------


@dataclass(frozen=True)
class LicenceFact:
    number: str
    issued_on: date
    expires_on: date


def check_licence(licences: Iterable[LicenceFact], filed_on: date) -> Verdict:
    """RULES.md §4.1.5, seed 004 (เอกสารหลักฐาน ข้อ 3): a teaching licence valid on the
    application date — issued on or before it and expiring on or after it."""
    licences = sorted(licences, key=lambda x: x.expires_on, reverse=True)
    for lic in licences:
        if lic.issued_on <= filed_on <= lic.expires_on:
            return Verdict(True, _("ใบอนุญาตประกอบวิชาชีพครูเลขที่ %(number)s ใช้ได้ %(issued)s "
                                   "ถึง %(expires)s ครอบคลุมวันยื่นคำขอ %(filed)s")
                           % {"number": lic.number, "issued": _date(lic.issued_on),
                              "expires": _date(lic.expires_on), "filed": _date(filed_on)})
    if not licences:
        return Verdict(False, _("ไม่พบใบอนุญาตประกอบวิชาชีพครู"))
    notes = []
    for lic in licences:
        if lic.expires_on < filed_on:
            notes.append(_("เลขที่ %(number)s หมดอายุ %(date)s") % {
                "number": lic.number, "date": _date(lic.expires_on)})
        else:
            notes.append(_("เลขที่ %(number)s ออกให้ %(date)s") % {
                "number": lic.number, "date": _date(lic.issued_on)})
    return Verdict(False, _("ไม่มีใบอนุญาตประกอบวิชาชีพครูที่ใช้ได้ ณ วันยื่นคำขอ %(filed)s "
                            "(%(notes)s)") % {"filed": _date(filed_on), "notes": "; ".join(notes)})


# --- minimum workload (ว21/2564; RULES.md §4.2) ------------------------------------------------

# ว21/2564: (teaching hours by timetable, total workload) per week, minimums, edges inclusive
WORKLOAD_MINIMUMS: dict[str, tuple[Decimal, Decimal]] = {
    EducationLevel.EARLY_CHILDHOOD.value: (Decimal(6), Decimal(14)),
    EducationLevel.BASIC.value: (Decimal(12), Decimal(20)),
    EducationLevel.SPECIAL_DISABILITY.value: (Decimal(6), Decimal(14)),
    EducationLevel.SPECIAL_WELFARE.value: (Decimal(12), Decimal(20)),
}


def workload_meets(education_level: str, teaching_hours: Decimal, total_hours: Decimal) -> bool:
    """ว21/2564 (RULES.md §4.2): teaching hours and total workload per week both at least the
    minimum of the level ("ไม่ต่ำกว่า")."""
    try:
        min_teaching, min_total = WORKLOAD_MINIMUMS[education_level]
    except KeyError:
        raise ValueError(f"unknown education level {education_level!r}") from None
    return Decimal(teaching_hours) >= min_teaching and Decimal(total_hours) >= min_total


# --- evidence files (ว9/2564; seed 004 เอกสารหลักฐาน ข้อ 6–9; RULES.md §4.4) --------------------

INSPIRATION_VIDEO_MAX_SECONDS = 600  # seed 004 ข้อ 7: ไม่เกิน ๑๐ นาที
TEACHING_VIDEO_MAX_SECONDS = 3600  # seed 004 ข้อ 8: ไม่เกิน ๖๐ นาที
OUTCOME_VIDEO_MAX_SECONDS = 600  # seed 004 ข้อ 9.1: ไม่เกิน ๑๐ นาที
OUTCOME_PDF_MAX_PAGES = 10  # seed 004 ข้อ 9.2, 9.3: ไม่เกิน ๑๐ หน้า (ขนาด A4)
OUTCOME_MAX_FILES = MAX_OUTCOME_FILES  # seed 004 ข้อ 9: ไม่เกิน ๓ ไฟล์
OUTCOME_MAX_VIDEOS = 1  # seed 004 ข้อ 9: ไฟล์วิดีโอให้ส่งได้เพียง ๑ ไฟล์
CHECK_FILE_MAX_BYTES = 10 * 1024 * 1024  # RULES.md §4.4: officers' PDFs at most 10 MB
A4_MM = (210, 297)
# A PDF page's size comes from points (1/72 inch) rounded by whoever made it; 2 mm is more than
# any rounding and less than the next paper size.
A4_TOLERANCE_MM = 2

_VIDEO_LIMITS = {
    EvidenceSlot.INSPIRATION_VIDEO.value: INSPIRATION_VIDEO_MAX_SECONDS,
    EvidenceSlot.TEACHING_VIDEO.value: TEACHING_VIDEO_MAX_SECONDS,
    EvidenceSlot.OUTCOME.value: OUTCOME_VIDEO_MAX_SECONDS,
}
# What each slot accepts, read from the file's content (MediaKind values)
SLOT_MEDIA_KINDS: dict[str, frozenset[str]] = {
    EvidenceSlot.LESSON_PLAN.value: frozenset({MediaKind.PDF.value}),
    EvidenceSlot.INSPIRATION_VIDEO.value: frozenset({MediaKind.VIDEO.value}),
    EvidenceSlot.TEACHING_VIDEO.value: frozenset({MediaKind.VIDEO.value}),
    EvidenceSlot.OUTCOME.value: frozenset({MediaKind.VIDEO.value, MediaKind.PDF.value,
                                           MediaKind.IMAGE.value}),
    EvidenceSlot.SHORTEN_EVIDENCE.value: frozenset({MediaKind.PDF.value, MediaKind.IMAGE.value}),
}


def _whole_seconds(seconds: float) -> int:
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"not a duration: {seconds!r}")
    return math.floor(seconds)


def format_duration(seconds: float) -> str:
    """A duration as a player shows it, in whole seconds (cut, not rounded): "10:00",
    "1:00:00"."""
    total = _whole_seconds(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _duration_text(seconds: float) -> str:
    unit = _("ชั่วโมง") if _whole_seconds(seconds) >= 3600 else _("นาที")
    return f"{format_duration(seconds)} {unit}"


def _fits_a4(width: float, height: float) -> bool:
    short, long_ = sorted((width, height))
    return short <= A4_MM[0] + A4_TOLERANCE_MM and long_ <= A4_MM[1] + A4_TOLERANCE_MM


def _kinds_text(kinds: Iterable[str]) -> str:
    order = [k for k in MediaKind.values if k in set(kinds)]
    or_ = _("หรือ")
    return f" {or_} ".join(_label(MediaKind, k) for k in order)


def evidence_file_problem(slot: str, media_kind: str, *, pages: int | None = None,
                          duration_seconds: float | None = None,
                          page_sizes_mm: Sequence[tuple[float, float]] = ()) -> str | None:
    """Why one evidence file does not fit its slot, in Thai, or None when it fits.

    Seed 004 (เอกสารหลักฐาน ข้อ 6–9), RULES.md §4.4:

    * lesson plan: a PDF, any number of pages (ข้อ 6);
    * inspiration video: a video of at most 10 minutes (ข้อ 7); teaching video: at most 60
      (ข้อ 8);
    * outcome: a video of at most 10 minutes (ข้อ 9.1), or a PDF of at most 10 pages (ข้อ 9.2)
      no page larger than A4 in either orientation (ข้อ 9.3, with ``A4_TOLERANCE_MM``), or an
      image, JPG or PNG (ข้อ 9.3);
    * the evidence for reducing tenure: a PDF or an image.

    A video's length is judged as the player shows it, in whole seconds: 600.9 s shows as
    "10:00" and passes, 601 s shows as "10:01" and fails. Pictures per page (ข้อ 9.3: at most 6)
    are for the officer to see; nothing here can count them.
    """
    try:
        accepted = SLOT_MEDIA_KINDS[slot]
    except KeyError:
        raise ValueError(f"unknown evidence slot {slot!r}") from None
    expected = _kinds_text(accepted)
    if media_kind == MediaKind.UNKNOWN.value or media_kind not in MediaKind.values:
        return _("ไม่สามารถระบุชนิดของไฟล์ได้ ต้องเป็น%(expected)s") % {"expected": expected}
    if media_kind not in accepted:
        return _("ต้องเป็น%(expected)s แต่ไฟล์นี้เป็น%(found)s") % {
            "expected": expected, "found": _label(MediaKind, media_kind)}
    if media_kind == MediaKind.VIDEO:
        limit = _VIDEO_LIMITS[slot]
        if (duration_seconds is None or not math.isfinite(duration_seconds)
                or duration_seconds < 0):
            return _("อ่านความยาวของวีดิทัศน์ไม่ได้ (กำหนดไม่เกิน %(limit)s)") % {
                "limit": _duration_text(limit)}
        if _whole_seconds(duration_seconds) > limit:
            return _("วีดิทัศน์ยาว %(found)s เกินกำหนด %(limit)s") % {
                "found": _duration_text(duration_seconds), "limit": _duration_text(limit)}
        return None
    if media_kind == MediaKind.PDF:
        if pages is not None and pages < 1:
            return _("ไฟล์ PDF ไม่มีหน้าเอกสาร")
        if slot == EvidenceSlot.OUTCOME:
            if pages is None:
                return _("อ่านจำนวนหน้าของไฟล์ PDF ไม่ได้ (กำหนดไม่เกิน %(max)d หน้า)") % {
                    "max": OUTCOME_PDF_MAX_PAGES}
            if pages > OUTCOME_PDF_MAX_PAGES:
                return _("เอกสาร %(pages)d หน้า เกินกำหนด %(max)d หน้า") % {
                    "pages": pages, "max": OUTCOME_PDF_MAX_PAGES}
            for number, (width, height) in enumerate(page_sizes_mm, start=1):
                if not _fits_a4(width, height):
                    return _("หน้า %(page)d ขนาด %(w)s × %(h)s มม. ใหญ่กว่า A4 "
                             "(%(a4w)d × %(a4h)d มม.)") % {
                        "page": number, "w": f"{width:.0f}", "h": f"{height:.0f}",
                        "a4w": A4_MM[0], "a4h": A4_MM[1]}
    return None


def outcome_composition_problems(kinds: Sequence[str]) -> dict[int, str]:
    """Which learner-outcome files break the allowed mix, by index in position order, with the
    reason in Thai (seed 004 ข้อ 9: "หากส่งเป็นไฟล์วิดีโอให้ส่งได้เพียง ๑ ไฟล์ และสามารถส่งไฟล์
    เอกสาร หรือไฟล์รูปภาพ ได้อีกไม่เกิน ๒ ไฟล์ หากจะเสนอเป็นไฟล์ดิจิทัลที่ไม่ใช่ไฟล์วิดีโอ
    สามารถส่งได้ไม่เกิน ๓ ไฟล์").

    Files are kept in position order; a file is flagged when it is a second (or later) video,
    or when the files kept before it already fill the 3 places (which, with a video among them
    or this file being one, is "a video and at most 2 others"). A file of unknown kind counts
    as a non-video file."""
    problems: dict[int, str] = {}
    kept_videos = kept = 0
    for index, kind in enumerate(kinds):
        is_video = kind == MediaKind.VIDEO
        if is_video and kept_videos >= OUTCOME_MAX_VIDEOS:
            problems[index] = _("ส่งวีดิทัศน์ผลลัพธ์การเรียนรู้ได้เพียง %(max)d ไฟล์") % {
                "max": OUTCOME_MAX_VIDEOS}
        elif kept >= OUTCOME_MAX_FILES:
            if kept_videos or is_video:
                problems[index] = _("เมื่อมีวีดิทัศน์ ส่งไฟล์เอกสารหรือรูปภาพได้อีกไม่เกิน "
                                    "%(max)d ไฟล์") % {"max": OUTCOME_MAX_FILES - 1}
            else:
                problems[index] = _("ส่งไฟล์ผลลัพธ์การเรียนรู้ได้ไม่เกิน %(max)d ไฟล์") % {
                    "max": OUTCOME_MAX_FILES}
        else:
            kept += 1
            kept_videos += is_video
    return problems


@dataclass(frozen=True)
class EvidenceFact:
    slot: str  # EvidenceSlot value
    position: int
    state: str  # FileState value
    media_kind: str  # MediaKind value
    reason: str = ""


def _slots_needed(shorten_ground: str) -> tuple[str, ...]:
    needed = tuple(s.value for s in REQUIRED_SLOTS)
    if shorten_ground != ShortenGround.NONE.value:
        needed += (EvidenceSlot.SHORTEN_EVIDENCE.value,)
    return needed


def _outcomes(files: Sequence[EvidenceFact]) -> list[EvidenceFact]:
    return sorted((f for f in files if f.slot == EvidenceSlot.OUTCOME), key=lambda f: f.position)


def _file_name(f: EvidenceFact) -> str:
    label = _label(EvidenceSlot, f.slot)
    if f.slot == EvidenceSlot.OUTCOME:
        return _("%(label)s ไฟล์ที่ %(n)d") % {"label": label, "n": f.position}
    return label


def missing_or_invalid_slots(files: Sequence[EvidenceFact], *,
                             shorten_ground: str = "") -> list[str]:
    """The slots (EvidenceSlot values, in their order) the applicant must still fill before
    submitting: a required slot with no file, any slot with a rejected file, and the outcome
    slot when its files break the allowed mix. A file still waiting or being checked is not
    missing."""
    needed = set(_slots_needed(shorten_ground))
    present = {f.slot for f in files}
    rejected = {f.slot for f in files if f.state == FileState.REJECTED}
    bad = (needed - present) | rejected
    if outcome_composition_problems([f.media_kind for f in _outcomes(files)]):
        bad.add(EvidenceSlot.OUTCOME.value)
    return [s for s in EvidenceSlot.values if s in bad]


def check_evidence(files: Sequence[EvidenceFact], *, shorten_ground: str = "") -> Verdict:
    """Seed 004 (เอกสารหลักฐาน ข้อ 6–9), RULES.md §4.4: the lesson plan, the inspiration video,
    the teaching video and at least one learner-outcome file are present (and, when tenure is
    to be reduced, the evidence for it), every file has passed its check, and the outcome files
    keep the allowed mix (:func:`outcome_composition_problems`)."""
    present = {f.slot for f in files}
    missing = [s for s in _slots_needed(shorten_ground) if s not in present]
    ordered = sorted(files, key=lambda f: (EvidenceSlot.values.index(f.slot)
                                           if f.slot in EvidenceSlot.values else 99, f.position))
    rejected = [f for f in ordered if f.state == FileState.REJECTED]
    pending = [f for f in ordered if f.state in (FileState.WAITING, FileState.CHECKING)]
    unknown = [f for f in ordered if f.state not in FileState.values]
    if unknown:
        raise ValueError(f"unknown file state {unknown[0].state!r}")
    outcomes = _outcomes(files)
    composition = outcome_composition_problems([f.media_kind for f in outcomes])

    parts = []
    if missing:
        parts.append(_("ยังไม่ได้ส่ง: %(slots)s") % {
            "slots": ", ".join(_label(EvidenceSlot, s) for s in missing)})
    if rejected:
        parts.append(_("ไม่ผ่านการตรวจสอบ: %(files)s") % {"files": "; ".join(
            _("%(name)s (%(reason)s)") % {"name": _file_name(f), "reason": f.reason}
            if f.reason else _file_name(f) for f in rejected)})
    if composition:
        parts.append(_("ไฟล์ผลลัพธ์การเรียนรู้ไม่เป็นไปตามที่กำหนด: %(files)s") % {
            "files": "; ".join(_("%(name)s (%(reason)s)") % {
                "name": _file_name(outcomes[i]), "reason": reason}
                for i, reason in sorted(composition.items()))})
    if pending:
        parts.append(_("อยู่ระหว่างตรวจสอบ: %(files)s") % {
            "files": ", ".join(_file_name(f) for f in pending)})
    if parts:
        return Verdict(False, _join(parts))
    return Verdict(True, _("เอกสารหลักฐานครบถ้วนและผ่านการตรวจสอบทุกไฟล์ (%(n)d ไฟล์)") % {
        "n": len(files)})


# --- the assessors' decision (ว9/2564; RULES.md §4.5 step 5) ------------------------------------

# ว9/2564: each side passes when at least 2 of the 3 assessors give at least the threshold
SIDE_THRESHOLDS: dict[str, Decimal] = {
    AcademicStanding.PROFESSIONAL.value: Decimal(65),
    AcademicStanding.SENIOR_PROFESSIONAL.value: Decimal(70),
    AcademicStanding.EXPERT.value: Decimal(75),
    AcademicStanding.SENIOR_EXPERT.value: Decimal(80),
}
ASSESSORS = 3
ASSESSORS_NEEDED = 2


def side_passes(percentages: Sequence[Decimal], requested_standing: str) -> bool:
    """ว9/2564: one side passes when at least 2 of the 3 assessors' percentages are at least the
    threshold of the requested standing (65/70/75/80)."""
    try:
        threshold = SIDE_THRESHOLDS[requested_standing]
    except KeyError:
        raise ValueError(f"no side threshold for standing {requested_standing!r}") from None
    if len(percentages) != ASSESSORS:
        raise ValueError(f"a side has {ASSESSORS} assessors' scores (got {len(percentages)})")
    return sum(1 for p in percentages if Decimal(p) >= threshold) >= ASSESSORS_NEEDED


def application_passes(sides: Sequence[Sequence[Decimal]], requested_standing: str) -> bool:
    """ว9/2564: the application passes when every side passes (:func:`side_passes`)."""
    if not sides:
        raise ValueError("an application is decided on at least one side")
    results = [side_passes(side, requested_standing) for side in sides]  # validate every side
    return all(results)



# --- appraisal part 2: sides, score sheets, the decision, the draw (seed 004 steps 4–5) ---------

SIDES_BASIC = (1, 2)
SIDES_EXPERT = (1, 2, 3)
LEVELS = (1, 2, 3, 4)  # each indicator is scored on levels 1–4 (ว9/2564 assessment forms)
# Percentages are kept to 4 decimals, cut (never rounded up): a score below the threshold never
# passes by rounding.
PERCENT_PLACES = Decimal("0.0001")


def sides_for(requested_standing: str) -> tuple[int, ...]:
    """ว9/2564: sides 1 and 2 for ชำนาญการ and ชำนาญการพิเศษ; side 3 (academic work) too for
    เชี่ยวชาญ and เชี่ยวชาญพิเศษ."""
    if requested_standing in (AcademicStanding.EXPERT, AcademicStanding.SENIOR_EXPERT):
        return SIDES_EXPERT
    if requested_standing in (AcademicStanding.PROFESSIONAL,
                              AcademicStanding.SENIOR_PROFESSIONAL):
        return SIDES_BASIC
    raise ValueError(f"no assessment for standing {requested_standing!r}")


def sheet_percentage(levels: Sequence[int], weights: Sequence[Decimal]) -> Decimal:
    """One assessor's percentage on one side: Σ level × weight over the best possible
    4 × Σ weight, × 100 (seed 004: side 2 = 4 indicators × 5, side 1 = 8 indicators × 2.5)."""
    if len(levels) != len(weights) or not weights:
        raise ValueError("one level per indicator")
    if any(level not in LEVELS for level in levels):
        raise ValueError(f"levels are 1–4 (got {list(levels)})")
    weights = [Decimal(str(w)) for w in weights]
    if any(w <= 0 for w in weights):
        raise ValueError("weights are positive")
    earned = sum((Decimal(level) * w for level, w in zip(levels, weights, strict=True)),
                 Decimal(0))
    best = Decimal(max(LEVELS)) * sum(weights, Decimal(0))
    return (earned * 100 / best).quantize(PERCENT_PLACES, rounding="ROUND_DOWN")


@dataclass(frozen=True)
class Decision:
    """The assessors' decision: per side (passed, the three percentages) and overall."""

    passed: bool
    threshold: Decimal
    sides: dict  # {side: (passed, (p1, p2, p3))}


def decide(scores: dict[int, Sequence[Decimal]], requested_standing: str) -> Decision:
    """ว9/2564 and ก.ค.ศ. letter 679/2566 (seed 004 step 5): a side passes when at least 2 of
    the 3 assessors give at least the threshold of the requested standing; the application
    passes when every side of that standing (:func:`sides_for`) passes. ``scores`` maps each
    side to the three assessors' percentages. Side 3 uses the same threshold as sides 1 and 2
    (the 2566 letter sets those two; the portal applies the standing's threshold to side 3 too)."""
    wanted = sides_for(requested_standing)
    if set(scores) != set(wanted):
        raise ValueError(f"sides {sorted(scores)} given, {list(wanted)} needed")
    sides = {side: (side_passes(scores[side], requested_standing),
                    tuple(Decimal(p) for p in scores[side])) for side in wanted}
    return Decision(passed=application_passes([scores[s] for s in wanted], requested_standing),
                    threshold=SIDE_THRESHOLDS[requested_standing], sides=sides)


# The draw (appraisal/draw.py). Facts are plain dicts as the draw record stores them (JSON: dates
# as ISO strings, which compare as the dates do), so that the verifier applies exactly these
# functions to exactly what was recorded.
EXCLUSION_REASONS = {
    "no_account": gettext_lazy("ยังไม่มีบัญชีผู้ใช้ในระบบ หรือบัญชีถูกระงับ"),
    "inactive": gettext_lazy("ไม่อยู่ในช่วงเวลาที่ขึ้นบัญชี หรือถูกระงับ"),
    "subject": gettext_lazy("ไม่ได้ขึ้นบัญชีในสาขา/ประเภทห้องเรียนของคำขอ"),
    "standing": gettext_lazy("ไม่ได้ขึ้นบัญชีสำหรับวิทยฐานะที่ขอ"),
    "cap": gettext_lazy("มีงานประเมินค้างอยู่เต็มจำนวนที่กำหนด"),
    "applicant": gettext_lazy("เป็นผู้ขอรับการประเมินเอง"),
    "same_school": gettext_lazy("อยู่สถานศึกษาเดียวกับผู้ขอ"),
    "same_lao": gettext_lazy("อยู่ อปท. เดียวกับผู้ขอ"),
    "spent": gettext_lazy("เคยปฏิเสธ หมดเวลาตอบรับ หรือถูกยกเลิกในคำขอนี้แล้ว"),
    "seated": gettext_lazy("เป็นกรรมการของคำขอนี้อยู่แล้ว"),
}


def exclusion_reason(expert: dict, application: dict) -> str | None:
    """Why the expert cannot be drawn for the application (a key of ``EXCLUSION_REASONS``), or
    None when they can. RULES.md §4.5 step 4 and issue 6: same subject area and classroom type;
    registered for the requested standing; active on the day; under their cap of open
    assignments; not the applicant; not of the applicant's school or LAO; not anyone who already
    declined, timed out or was cancelled on this application, nor a sitting assessor of it."""
    if expert["id"] in application["spent_expert_ids"]:
        return "spent"
    if expert["id"] in application["seated_expert_ids"]:
        return "seated"
    if (expert["user_id"] is not None
            and expert["user_id"] == application["applicant_user_id"]) \
            or expert["same_national_id"]:
        return "applicant"
    paths = [p for p in [expert["home_path"], *expert["member_paths"]] if p]
    if any(p.startswith(application["school_path"]) for p in paths):
        return "same_school"
    if application["lao_path"] and any(p.startswith(application["lao_path"]) for p in paths):
        return "same_lao"
    if expert["user_id"] is None or not expert["user_active"]:
        return "no_account"
    day = application["as_of"]
    if not expert["is_active"] or expert["active_from"] > day or (
            expert["active_to"] is not None and expert["active_to"] < day):
        return "inactive"
    if application["subject_area_id"] not in expert["subject_area_ids"] \
            or application["classroom_type"] not in expert["classroom_types"]:
        return "subject"
    if application["requested_standing"] not in expert["standings"]:
        return "standing"
    if expert["open_assignments"] >= expert["max_concurrent"]:
        return "cap"
    return None


def picks_from_values(pool: Sequence[int], values: Sequence[int]) -> list[int]:
    """The picks a draw's random values make from its pool: value i is an index into what is
    left of the sorted pool after the earlier picks (a partial Fisher–Yates shuffle), so every
    ordered choice of ``len(values)`` distinct members is equally likely when each value is
    uniform over the members left. Raises ValueError for a value out of range."""
    remaining = sorted(pool)
    if len(set(remaining)) != len(remaining):
        raise ValueError("the pool has a member twice")
    picks = []
    for value in values:
        if not isinstance(value, int) or isinstance(value, bool) \
                or not 0 <= value < len(remaining):
            raise ValueError(f"value {value!r} is not an index into {len(remaining)} members")
        picks.append(remaining.pop(value))
    return picks


def draw_values(pool_size: int, needed: int, randbelow) -> list[int]:
    """The random values of one draw: ``randbelow(n)`` for n = pool size, pool size − 1, …
    (``secrets.randbelow`` in the portal: the operating system's secure generator)."""
    if needed > pool_size:
        raise ValueError("the pool is smaller than the seats to fill")
    return [randbelow(pool_size - i) for i in range(needed)]
