"""The plan of the synthetic country (no database): the national shape at factor 1.0, and how
the counts shrink with the factor."""

import pytest

from accounts.rules import LaoType, OrgKind
from appraisal.choices import ApplicationState
from devdata.scale import plan as country


def test_factor_one_is_the_country_of_the_issue():
    plan = country.Plan.for_factor(1.0)
    assert len(plan.provinces) == 77
    assert plan.districts == 878
    assert sum(plan.laos.values()) == 7850
    assert plan.laos[LaoType.PAO] == 76  # every province but Bangkok
    assert plan.laos[LaoType.PATTAYA] == 1
    assert sum(plan.units.values()) == 30_000
    assert plan.people == 500_000
    assert plan.applications == 60_000
    assert plan.experts == 20_000
    assert plan.invitations == 3 * plan.assessed_applications
    assert (plan.hot_assessor_awaiting, plan.hot_assessor_accepted) == (
        country.HOT_ASSESSOR_AWAITING,
        country.HOT_ASSESSOR_DRAFTING + country.HOT_ASSESSOR_SUBMITTED)
    assert sum(p[3] for p in country.PROVINCES) == 878  # the district weights are the real ones


def test_a_small_factor_keeps_every_kind_and_the_hot_spots():
    plan = country.Plan.for_factor(0.01)
    assert [p[0] for p in plan.provinces] == [country.PATTAYA_PROVINCE]  # ชลบุรี first
    assert all(n >= 1 for n in plan.laos.values())
    assert plan.people == 5000
    assert plan.counts_by_kind[OrgKind.SCHOOL] == 300 + 1 + plan.hot_extra_schools
    assert set(plan.states) == set(ApplicationState.values)  # every state, part 2's too
    assert all(n > 0 for n in plan.states.values())
    # the hot assessor's queue keeps its size at this factor already
    assert plan.hot_assessor_awaiting == country.HOT_ASSESSOR_AWAITING
    assert plan.hot_assessor_accepted == (country.HOT_ASSESSOR_DRAFTING
                                          + country.HOT_ASSESSOR_SUBMITTED)
    assert plan.experts == 200
    assert sum(plan.states.values()) == plan.total_applications
    # the hot school holds the roster; its neighbours hold the rest of the queue's applicants
    assert plan.hot_roster - 1 + plan.hot_extra_schools * (country.HOT_EXTRA_SCHOOL_SIZE - 1) >= (
        plan.hot_queue + plan.hot_drafts)


@pytest.mark.parametrize("factor", [0, -1, 1.5])
def test_the_factor_is_a_fraction_of_the_country(factor):
    with pytest.raises(ValueError, match="fraction"):
        country.Plan.for_factor(factor)


def test_the_national_total_of_requests_is_unchanged_by_part_2():
    assert sum(country.STATE_MIX.values()) == 100
    assert set(country.ASSESSMENT_STAGE) | {"qualified"} == set(country.CERTIFIED_STATES)
    plan = country.Plan.for_factor(1.0)
    assert sum(plan.national_states.values()) == 60_000


def test_apportion_keeps_the_total_and_the_minimum():
    assert country.apportion(10, [1, 1, 1]) == [4, 3, 3]
    assert country.apportion(5, [100, 1, 1], minimum=1) == [3, 1, 1]
    assert sum(country.apportion(878, [p[3] for p in country.PROVINCES if p[3]], minimum=1)) == 878
