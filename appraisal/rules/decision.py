"""The assessors' score sheets and the 2-of-3 decision (ว9/2564; RULES.md §4.5 step 5)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from personnel.choices import (
    AcademicStanding,
)

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
# ONE rule for every score a person reads — the web pages, the summary PDF, the agenda in Word,
# the annex in Excel: 2 decimals, half up (65.625 → 65.63; 65.624 → 65.62), as scores are rounded
# by hand on the seed's forms ("๖๗.๕๐"). Shown figures only: the decision compares the kept
# 4-decimal percentage with the threshold, so 64.9999 never passes as "65.00".
DISPLAY_PLACES = Decimal("0.01")


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


def display_score(value) -> Decimal | None:
    """A score as people read it (:data:`DISPLAY_PLACES`, half up); None stays None. Takes a
    Decimal, an int, a float or a numeric string (scores kept in JSON are strings)."""
    if value is None or value == "":
        return None
    return Decimal(str(value)).quantize(DISPLAY_PLACES, rounding="ROUND_HALF_UP")


def format_score(value, *, thai_digits: bool = False) -> str:
    """:func:`display_score` as text, always 2 decimals ("65.63", "70.00"); "" for None;
    Thai digits on request ("๖๕.๖๓")."""
    shown = display_score(value)
    if shown is None:
        return ""
    text = f"{shown:.2f}"
    return text.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")) if thai_digits else text


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
