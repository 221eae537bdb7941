"""The pure rules of e-Learning (RULES.md §5, seed 002) at their edges."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from elearning import rules
from elearning.rules import ChannelMinimum, CourseFact, MembershipFacts, RequirementSpec

D = datetime.date
LOCAL = 3  # the Local MOOC channel's id in these tests
OCSC = 1
EVERYONE = RequirementSpec(id=1, name="บุคลากรทุกคน", min_courses=1)
HEAD = RequirementSpec(id=2, name="ท้องถิ่นจังหวัด", min_courses=3, org_kind="province",
                       position_prefix="ท้องถิ่นจังหวัด", priority=100,
                       channel_minimums=(ChannelMinimum(LOCAL, "Local MOOC", 2),))


def courses(*channels):
    return [CourseFact(course_id=i, channel_id=c) for i, c in enumerate(channels, start=1)]


# --- rounds ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("day", "expected"), [
    (D(2024, 3, 31), (2567, 1)),   # the last day of round 1
    (D(2024, 4, 1), (2567, 2)),    # the first day of round 2
    (D(2024, 9, 30), (2567, 2)),   # the last day of the fiscal year
    (D(2024, 10, 1), (2568, 1)),   # a new fiscal year begins with round 1
    (D(2023, 12, 31), (2567, 1)),  # the calendar year changes inside round 1
    (D(2024, 1, 1), (2567, 1)),
    (D(2024, 2, 29), (2567, 1)),
])
def test_round_of_a_date_at_the_boundaries(day, expected):
    assert rules.round_of(day) == expected


def test_default_dates_of_round_1_are_the_seeds():
    # seed 002: round 1 of 2567 = 1 Oct 2566 – 31 Mar 2567; report 1–15 March; not counted
    # after 21 March
    r = rules.default_round_dates(2567, 1)
    assert (r.starts_on, r.ends_on) == (D(2023, 10, 1), D(2024, 3, 31))
    assert (r.report_opens_on, r.report_deadline, r.cutoff_on) == (
        D(2024, 3, 1), D(2024, 3, 15), D(2024, 3, 21))


def test_default_dates_of_round_2_follow_by_analogy():
    r = rules.default_round_dates(2567, 2)
    assert (r.starts_on, r.ends_on) == (D(2024, 4, 1), D(2024, 9, 30))
    assert (r.report_opens_on, r.report_deadline, r.cutoff_on) == (
        D(2024, 9, 1), D(2024, 9, 15), D(2024, 9, 21))


def test_the_two_default_rounds_tile_the_fiscal_year():
    one, two = rules.default_round_dates(2569, 1), rules.default_round_dates(2569, 2)
    assert two.starts_on - one.ends_on == datetime.timedelta(days=1)
    nxt = rules.default_round_dates(2570, 1)
    assert nxt.starts_on - two.ends_on == datetime.timedelta(days=1)


def test_round_numbers_other_than_1_and_2_are_refused():
    with pytest.raises(ValueError, match="1 or 2"):
        rules.default_round_dates(2569, 3)


def test_datetimes_are_refused_so_that_nobody_gets_the_utc_day():
    with pytest.raises(TypeError):
        rules.round_of(datetime.datetime(2024, 3, 31, 20, 0))


def test_round_date_errors_name_each_wrong_date():
    ok = rules.default_round_dates(2569, 1)
    assert rules.round_date_errors(ok.starts_on, ok.ends_on, ok.report_opens_on,
                                   ok.report_deadline, ok.cutoff_on) == {}
    errors = rules.round_date_errors(D(2025, 10, 1), D(2025, 9, 30), D(2026, 3, 16),
                                     D(2026, 3, 15), D(2026, 3, 14))
    assert set(errors) == {"ends_on", "report_deadline", "cutoff_on"}


# --- the requirement ---------------------------------------------------------------------------


def test_a_provincial_head_with_two_courses_fails():
    status = rules.compliance(courses(LOCAL, LOCAL), HEAD)
    assert not status.passed
    assert status.reason == "ผ่าน 2 จาก 3 หลักสูตร; Local MOOC 2 จาก 2"


def test_a_provincial_head_with_three_courses_but_one_local_mooc_fails():
    status = rules.compliance(courses(LOCAL, OCSC, OCSC), HEAD)
    assert not status.passed
    assert status.reason == "ผ่าน 3 จาก 3 หลักสูตร; Local MOOC 1 จาก 2"


def test_a_provincial_head_with_three_courses_two_through_local_mooc_passes():
    status = rules.compliance(courses(LOCAL, LOCAL, OCSC), HEAD)
    assert status.passed
    assert status.channel_counts == (("Local MOOC", 2, 2),)


def test_three_local_mooc_courses_also_pass_the_head():
    assert rules.compliance(courses(LOCAL, LOCAL, LOCAL), HEAD).passed


def test_everyone_else_needs_one_course_in_any_channel():
    assert not rules.compliance([], EVERYONE).passed
    assert rules.compliance(courses(OCSC), EVERYONE).passed
    assert rules.compliance([], EVERYONE).reason == "ผ่าน 0 จาก 1 หลักสูตร"


def test_the_same_course_twice_counts_once():
    twice = [CourseFact(7, LOCAL), CourseFact(7, LOCAL), CourseFact(8, OCSC)]
    status = rules.compliance(twice, HEAD)
    assert status.courses == 2
    assert not status.passed


def test_pending_completions_show_in_the_reason_but_do_not_count():
    status = rules.compliance([], EVERYONE, pending=2)
    assert not status.passed
    assert status.reason == "ผ่าน 0 จาก 1 หลักสูตร (รอตรวจ 2 รายการ)"


def test_the_head_rule_selects_the_head_of_the_provincial_office_only():
    specs = [EVERYONE, HEAD]
    head = MembershipFacts("province_admin", "province", "ท้องถิ่นจังหวัดนครพนม")
    assistant = MembershipFacts("officer", "province", "ผู้ช่วยท้องถิ่นจังหวัด")
    district = MembershipFacts("officer", "district", "ท้องถิ่นอำเภอเมือง")
    at_lao = MembershipFacts("lao_admin", "lao", "ท้องถิ่นจังหวัด")  # wrong kind of unit
    teacher = MembershipFacts("staff", "school", "")
    assert rules.applicable_requirement(specs, [head]) == HEAD
    for other in (assistant, district, at_lao, teacher):
        assert rules.applicable_requirement(specs, [other]) == EVERYONE, other
    # a head who is also a school's staff is still the head (the stricter row wins)
    assert rules.applicable_requirement(specs, [teacher, head]) == HEAD
    assert rules.applicable_requirement([HEAD], [teacher]) is None


def test_a_rule_may_select_by_role():
    officers = RequirementSpec(id=5, name="เจ้าหน้าที่", min_courses=2, role="officer",
                               priority=10)
    specs = [EVERYONE, officers]
    assert rules.applicable_requirement(
        specs, [MembershipFacts("officer", "lao", "")]) == officers
    assert rules.applicable_requirement(
        specs, [MembershipFacts("staff", "lao", "")]) == EVERYONE


def test_no_requirement_means_nothing_to_fail():
    assert rules.compliance([], None).passed


# --- the late penalty --------------------------------------------------------------------------

# Round 1 of 2567 (seed 002): deadline Friday 15 March 2024, cut-off Thursday 21 March.
DEADLINE, CUTOFF = D(2024, 3, 15), D(2024, 3, 21)


def penalty(submitted, holidays=frozenset(), deadline=DEADLINE, cutoff=CUTOFF):
    return rules.late_penalty(deadline=deadline, cutoff=cutoff, submitted_on=submitted,
                              holidays=holidays)


def test_on_or_before_the_deadline_there_is_no_penalty():
    assert penalty(D(2024, 3, 1)) == rules.Penalty(0, Decimal("0.00"), True)
    assert penalty(DEADLINE) == rules.Penalty(0, Decimal(0), True)


def test_the_weekend_after_the_deadline_costs_nothing():
    # Saturday 16 and Sunday 17 March are not working days
    assert penalty(D(2024, 3, 16)).points == 0
    assert penalty(D(2024, 3, 17)).points == 0
    assert penalty(D(2024, 3, 18)) == rules.Penalty(1, Decimal("0.25"), True)  # Monday


def test_a_public_holiday_is_not_a_working_day_either():
    # Monday 18 March made a holiday: Monday costs nothing, Tuesday is the first late day
    holiday = {D(2024, 3, 18)}
    assert penalty(D(2024, 3, 18), holiday).points == 0
    assert penalty(D(2024, 3, 19), holiday) == rules.Penalty(1, Decimal("0.25"), True)


def test_across_a_weekend_and_songkran():
    # deadline Friday 5 April 2024; Sat 6 (Chakri), Sun 7, Mon 8 (Chakri in lieu), Tue 9
    chakri = {D(2024, 4, 6), D(2024, 4, 8)}
    result = penalty(D(2024, 4, 9), chakri, deadline=D(2024, 4, 5), cutoff=D(2024, 4, 30))
    assert result == rules.Penalty(1, Decimal("0.25"), True)


def test_submitted_on_the_cut_off_day_counts_with_its_penalty():
    # Mon 18, Tue 19, Wed 20, Thu 21: four working days late
    result = penalty(CUTOFF)
    assert result == rules.Penalty(4, Decimal("1.00"), True)


def test_submitted_the_day_after_the_cut_off_is_not_counted():
    result = penalty(CUTOFF + datetime.timedelta(days=1))
    assert not result.counted
    assert result.working_days_late == 5


@given(st.dates(min_value=D(2024, 3, 1), max_value=D(2024, 6, 30)),
       st.sets(st.dates(min_value=D(2024, 3, 1), max_value=D(2024, 6, 30)), max_size=10))
def test_the_penalty_is_a_quarter_point_per_working_day_and_never_shrinks(submitted, holidays):
    result = penalty(submitted, holidays)
    assert result.points == Decimal("0.25") * result.working_days_late
    assert result.counted == (submitted <= CUTOFF)
    later = penalty(submitted + datetime.timedelta(days=1), holidays)
    assert later.working_days_late >= result.working_days_late


def test_percent_is_rounded_down_and_zero_of_zero_is_zero():
    assert rules.percent(10, 11) == 90
    assert rules.percent(0, 0) == 0
    assert rules.percent(3, 3) == 100
