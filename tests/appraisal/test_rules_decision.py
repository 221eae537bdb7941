"""appraisal.rules: the 2-of-3 decision of the assessors at every threshold (ว9/2564; RULES.md §4.5
step 5), against an oracle. Pure functions: no database."""

import itertools
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appraisal.rules import (
    SIDE_THRESHOLDS,
    application_passes,
    side_passes,
)

# conftest.py's autouse `settings` fixture is function-scoped; it only sets Django settings,
# which these functions read only for the language, the same in every example.
props = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=200)


# --- the 2-of-3 decision: ว9/2564 ----------------------------------------------------------------


@pytest.mark.parametrize(("score", "passes"),
                         [("64.99", False), ("65", True), ("65.00", True), ("65.01", True)])
def test_side_at_the_professional_threshold(score, passes):
    s = Decimal(score)
    assert side_passes([s, s, Decimal(0)], "professional") is passes
    assert side_passes([Decimal(100), s, Decimal(0)], "professional") is passes


@pytest.mark.parametrize(("standing", "threshold"),
                         [("professional", 65), ("senior_professional", 70), ("expert", 75),
                          ("senior_expert", 80)])
def test_each_standing_threshold(standing, threshold):
    assert SIDE_THRESHOLDS[standing] == Decimal(threshold)
    at = Decimal(threshold)
    below = at - Decimal("0.01")
    assert side_passes([at, at, at], standing)
    assert side_passes([at, at, below], standing)  # 2 of 3
    assert not side_passes([at, below, below], standing)  # 1 of 3
    assert not side_passes([below, below, below], standing)


def test_side_needs_three_scores_and_a_standing_with_a_threshold():
    with pytest.raises(ValueError, match="3 assessors"):
        side_passes([Decimal(90), Decimal(90)], "professional")
    with pytest.raises(ValueError, match="no side threshold"):
        side_passes([Decimal(90)] * 3, "none")


def test_application_passes_only_when_every_side_passes():
    good, bad = [Decimal(80)] * 3, [Decimal(80), Decimal(60), Decimal(60)]
    assert application_passes([good, good], "professional")
    assert not application_passes([good, bad], "professional")
    assert application_passes([good, good, good], "expert")
    assert not application_passes([good, good, bad], "senior_expert")
    with pytest.raises(ValueError, match="at least one side"):
        application_passes([], "professional")


scores = st.decimals(min_value=0, max_value=100, places=2)
sides = st.lists(st.tuples(scores, scores, scores), min_size=1, max_size=3)


def oracle_side(percentages, threshold):
    # brute force: some pair of distinct assessors both give at least the threshold
    return any(a >= threshold and b >= threshold
               for a, b in itertools.combinations(percentages, 2))


@props
@given(sides, st.sampled_from(sorted(SIDE_THRESHOLDS)))
def test_two_of_three_against_a_brute_force_oracle(score_sets, standing):
    threshold = SIDE_THRESHOLDS[standing]
    for side in score_sets:
        assert side_passes(side, standing) == oracle_side(side, threshold)
    assert application_passes(score_sets, standing) == all(
        oracle_side(side, threshold) for side in score_sets)


@props
@given(st.lists(st.sampled_from(["64.99", "65", "65.01", "70", "74.99", "75", "80", "79.99"]),
                min_size=3, max_size=3),
       st.sampled_from(sorted(SIDE_THRESHOLDS)))
def test_two_of_three_around_every_threshold(picked, standing):
    side = [Decimal(p) for p in picked]
    assert side_passes(side, standing) == oracle_side(side, SIDE_THRESHOLDS[standing])


