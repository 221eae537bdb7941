"""The assessors' decision (ว9/2564, ก.ค.ศ. 679/2566; RULES.md §4.5 step 5), pure: at the edges,
and against a brute-force oracle over random score sets (hypothesis)."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appraisal import rules
from personnel.choices import AcademicStanding

P, SP, E, SE = (AcademicStanding.PROFESSIONAL, AcademicStanding.SENIOR_PROFESSIONAL,
                AcademicStanding.EXPERT, AcademicStanding.SENIOR_EXPERT)
THRESHOLDS = {P: 65, SP: 70, E: 75, SE: 80}


def d(*values):
    return [Decimal(str(v)) for v in values]


@pytest.mark.parametrize(("scores", "passes"), [
    (d(64.99, 64.99, 64.99), False),
    (d(65, 65, 0), True),
    (d(65.01, 65.01, 100), True),
    (d(64.99, 65, 100), True),     # 2 of 3 at the threshold
    (d(64.99, 64.99, 100), False),  # 1 of 3
    (d(65, 64.99, 64.99), False),
    (d(65, 65, 65), True),
])
def test_professional_edges(scores, passes):
    assert rules.side_passes(scores, P) is passes


@pytest.mark.parametrize(("standing", "threshold"), sorted(THRESHOLDS.items()))
def test_each_standing_threshold(standing, threshold):
    below = Decimal(threshold) - Decimal("0.01")
    at, above = Decimal(threshold), Decimal(threshold) + Decimal("0.01")
    assert rules.side_passes([at, at, below], standing)
    assert rules.side_passes([above, above, Decimal(0)], standing)
    assert not rules.side_passes([below, below, Decimal(100)], standing)  # 1 of 3
    assert not rules.side_passes([below, below, below], standing)


def test_decide_sides_per_standing():
    passing = d(70, 70, 70)
    decision = rules.decide({1: passing, 2: passing}, P)
    assert decision.passed
    assert decision.threshold == 65
    assert set(decision.sides) == {1, 2}
    with pytest.raises(ValueError, match="sides"):
        rules.decide({1: passing, 2: passing}, E)  # side 3 is needed for เชี่ยวชาญ
    decision = rules.decide({1: d(80, 80, 80), 2: d(80, 80, 80), 3: d(74.99, 80, 74.99)}, E)
    assert not decision.passed
    assert decision.sides[3][0] is False
    assert decision.sides[1][0] is True


def test_one_failing_side_fails_the_application():
    decision = rules.decide({1: d(90, 90, 90), 2: d(69.99, 70, 69.99)}, SP)
    assert decision.sides[1][0]
    assert not decision.sides[2][0]
    assert not decision.passed


def test_sheet_percentage_from_the_rubric():
    # seed 004: side 2, levels 1, 3, 3, 4 × 5 = 55 of 80
    assert rules.sheet_percentage([1, 3, 3, 4], [5, 5, 5, 5]) == Decimal("68.75")
    # side 1: eight indicators × 2.5
    assert rules.sheet_percentage([1, 2, 3, 3, 3, 3, 3, 3], [Decimal("2.5")] * 8) == \
        Decimal("65.625")
    assert rules.sheet_percentage([4] * 8, [Decimal("2.5")] * 8) == 100
    # cut, never rounded up: 2/3 of the best is 66.6666…
    assert rules.sheet_percentage([2, 4, 2], [1, 1, 1]) == Decimal("66.6666")
    for bad in ([0, 1, 1], [5, 1, 1]):
        with pytest.raises(ValueError, match="levels are 1–4"):
            rules.sheet_percentage(bad, [1, 1, 1])


# --- against a brute-force oracle -------------------------------------------------------------

def oracle(scores: dict, standing: str) -> tuple[bool, dict]:
    """The regulation read literally, with exact fractions: per side, count the assessors at
    or above the threshold; at least 2 of the 3; every side."""
    threshold = Fraction(THRESHOLDS[standing])
    sides = {}
    for side, values in scores.items():
        count = 0
        for value in values:
            if Fraction(str(value)) >= threshold:
                count += 1
        sides[side] = count >= 2
    return all(sides.values()), sides


percentage = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False,
                         allow_infinity=False)
near = st.sampled_from([Decimal(t) + delta for t in THRESHOLDS.values()
                        for delta in (Decimal("-0.01"), Decimal(0), Decimal("0.01"))])
score = st.one_of(percentage, near)


@settings(max_examples=400, deadline=None)
@given(standing=st.sampled_from([P, SP, E, SE]), data=st.data())
def test_decide_matches_the_oracle(standing, data):
    sides = rules.sides_for(standing)
    scores = {s: data.draw(st.lists(score, min_size=3, max_size=3)) for s in sides}
    decision = rules.decide(scores, standing)
    expected, per_side = oracle(scores, standing)
    assert decision.passed is expected
    assert {s: v[0] for s, v in decision.sides.items()} == per_side


@settings(max_examples=300, deadline=None)
@given(levels=st.lists(st.integers(1, 4), min_size=1, max_size=10), data=st.data())
def test_sheet_percentage_matches_exact_arithmetic(levels, data):
    weights = data.draw(st.lists(st.sampled_from([Decimal("2.5"), Decimal(5), Decimal(1),
                                                  Decimal("1.25")]),
                                 min_size=len(levels), max_size=len(levels)))
    exact = sum(Fraction(lv) * Fraction(w) for lv, w in zip(levels, weights, strict=True)) * 100 \
        / (4 * sum(Fraction(w) for w in weights))
    got = rules.sheet_percentage(levels, weights)
    assert Fraction(got) <= exact < Fraction(got) + Fraction(1, 10_000)
