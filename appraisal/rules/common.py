"""The standings in order, the constants of the regulation and the small pieces every rule
uses: the ``Verdict`` and its Thai wording helpers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.thaidates import format_be
from personnel.choices import (
    AcademicStanding,
)
from personnel.rules import YMD, tenure

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
