"""Tenure and its reduction from 4 to 3 years (ว9/2564; ว4/2564, ว27/2564; RULES.md §4.1.1–2)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from appraisal.choices import (
    ShortenGround,
)
from appraisal.rules.common import (
    LANGUAGE_RESULT_MAX_AGE_YEARS,
    OUTSTANDING_ROUNDS_REQUIRED,
    REDUCED_TENURE_YEARS,
    TENURE_YEARS,
    Verdict,
    _date,
    _join,
    _label,
    _within_years,
    _ymd,
)
from personnel.choices import (
    CEFRLevel,
    DegreeLevel,
    PerformanceLevel,
    SalaryRound,
)
from personnel.rules import YMD, has_served, tenure, to_be, to_ce

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
