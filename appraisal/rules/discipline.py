"""Discipline and professional ethics in the 4 years back (ว9/2564; RULES.md §4.1.4)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from appraisal.rules.common import DISCIPLINE_LOOKBACK_YEARS, Verdict, _date, _label, _within_years
from personnel.choices import (
    DisciplinaryPenalty,
    EthicsRuling,
)
from personnel.rules import YMD

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
