"""The development agreement (PA, ว9/2564; RULES.md §4.1.3, §4.3) and the minimum workload
(ว21/2564; RULES.md §4.2)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from appraisal.rules.common import PA_PASS_PERCENT, Verdict, _join
from personnel.choices import (
    EducationLevel,
)
from personnel.rules import fiscal_year_be

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
