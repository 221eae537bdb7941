"""appraisal.rules at its boundaries (RULES.md §4, seed 004), and as properties where a rule has
a space of inputs. Pure functions: no database."""

import datetime
import itertools
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appraisal.rules import (
    A4_MM,
    OUTCOME_MAX_FILES,
    SIDE_THRESHOLDS,
    STANDING_ORDER,
    DegreeFact,
    EvidenceFact,
    HardshipFact,
    LanguageFact,
    LicenceFact,
    PAFact,
    PenaltyFact,
    PerformanceFact,
    PQFFact,
    RulingFact,
    TenureFacts,
    Verdict,
    application_passes,
    check_discipline,
    check_evidence,
    check_licence,
    check_pa,
    check_tenure,
    evidence_file_problem,
    format_duration,
    missing_or_invalid_slots,
    next_standing,
    outcome_composition_problems,
    outstanding_rounds_verdict,
    pa_passed,
    required_pa_years,
    required_salary_rounds,
    salary_round_effective_on,
    shorten_ground_verdict,
    side_passes,
    workload_meets,
)

D = datetime.date
ONE_DAY = datetime.timedelta(days=1)


def years(n):
    return relativedelta(years=n)


# conftest.py's autouse `settings` fixture is function-scoped; it only sets Django settings,
# which these functions read only for the language, the same in every example.
props = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=200)

FILED = D(2023, 9, 30)  # seed 004's example: filed 30 ก.ย. 2566, in fiscal year 2566


def outstanding(filed_on, levels=("outstanding",) * 4):
    """Performance facts for the 4 rounds before ``filed_on`` with the given levels."""
    return tuple(PerformanceFact(fy, rnd, level)
                 for (fy, rnd), level in zip(required_salary_rounds(filed_on), levels,
                                             strict=True))


def facts(start, filed_on=FILED, ground="", **kw):
    kw.setdefault("performance", outstanding(filed_on))
    return TenureFacts(start=start, filed_on=filed_on, ground=ground, **kw)


def b2_from(tested_on):
    return (LanguageFact("B2", tested_on),)


# --- standings ----------------------------------------------------------------------------------


def test_standings_in_order_and_the_next_one():
    assert STANDING_ORDER == ("none", "professional", "senior_professional", "expert",
                              "senior_expert")
    assert next_standing("none") == "professional"
    assert next_standing("professional") == "senior_professional"
    assert next_standing("senior_professional") == "expert"
    assert next_standing("expert") == "senior_expert"
    assert next_standing("senior_expert") is None
    with pytest.raises(ValueError, match="unknown"):
        next_standing("principal")


def test_verdict_is_frozen():
    v = Verdict(True, "x")
    with pytest.raises(AttributeError):
        v.passed = False


# --- tenure: ว9/2564 4 years; ว4/2564 3 years ----------------------------------------------------


def test_seed_example_is_shown_in_years_months_days_in_the_buddhist_era():
    # seed 004: 29 พฤษภาคม 2560 ถึงวันที่ยื่นคำขอ 30 กันยายน 2566 เป็นระยะเวลา 6 ปี 4 เดือน 1 วัน
    v = check_tenure(facts(D(2017, 5, 29)))
    assert v.passed
    assert v.explanation.startswith("29 พ.ค. 2560 ถึง 30 ก.ย. 2566 = 6 ปี 4 เดือน 1 วัน")
    assert "4 ปี" in v.explanation


def test_four_years_less_a_day_fails_and_exactly_four_years_passes():
    start = FILED - years(4)
    assert check_tenure(facts(start)).passed
    v = check_tenure(facts(start + ONE_DAY))
    assert not v.passed
    assert "3 ปี 11 เดือน" in v.explanation
    # it says when the 4 years will be complete: the day after the filing date
    assert v.explanation.endswith("(ครบ 1 ต.ค. 2566)")


@props
@given(st.dates(min_value=D(1990, 1, 1), max_value=D(2040, 12, 31)),
       st.integers(min_value=0, max_value=3000))
def test_without_a_ground_tenure_passes_exactly_from_four_years(start, days):
    filed_on = start + datetime.timedelta(days=days)
    verdict = check_tenure(facts(start, filed_on))
    assert verdict.passed == (filed_on >= start + years(4))


def test_unknown_start_fails_with_a_reason():
    v = check_tenure(facts(None))
    assert not v.passed
    assert "ไม่พบวันที่ดำรงตำแหน่ง" in v.explanation


def test_filed_before_the_start_fails_with_a_reason():
    v = check_tenure(facts(FILED + ONE_DAY))
    assert not v.passed
    assert "ก่อนวันที่ดำรงตำแหน่ง" in v.explanation


def test_three_years_with_a_b2_result_exactly_two_years_old_passes():
    f = facts(FILED - years(3), ground="cefr", language_tests=b2_from(FILED - years(2)))
    assert shorten_ground_verdict(f).passed
    v = check_tenure(f)
    assert v.passed
    assert "3 ปี" in v.explanation
    assert "ว4/2564" in v.explanation


def test_three_years_with_a_b2_result_two_years_and_a_day_old_fails():
    f = facts(FILED - years(3), ground="cefr",
              language_tests=b2_from(FILED - years(2) - ONE_DAY))
    assert not shorten_ground_verdict(f).passed
    v = check_tenure(f)
    assert not v.passed
    assert "เกิน 2 ปี" in v.explanation


def test_reduced_three_years_less_a_day_fails():
    f = facts(FILED - years(3) + ONE_DAY, ground="cefr", language_tests=b2_from(FILED))
    v = check_tenure(f)
    assert not v.passed
    assert "ยังไม่ครบ 3 ปี" in v.explanation


def test_a_language_result_after_the_filing_date_does_not_count():
    f = facts(FILED - years(3), ground="cefr", language_tests=b2_from(FILED + ONE_DAY))
    assert not shorten_ground_verdict(f).passed


def test_no_language_result_does_not_shorten():
    v = shorten_ground_verdict(facts(FILED - years(3), ground="cefr"))
    assert not v.passed
    assert "ไม่พบผลการทดสอบ" in v.explanation


@pytest.mark.parametrize(
    ("level", "foreign_language_teacher", "shortens"),
    [
        ("A2", False, False),
        ("B1", False, False),
        ("B2", False, True),
        ("C1", False, True),
        ("C2", False, True),
        ("B1", True, False),
        ("B2", True, False),
        ("C1", True, True),
        ("C2", True, True),
    ],
)
def test_cefr_level_must_be_above_b1_or_above_b2_for_foreign_language_teachers(
        level, foreign_language_teacher, shortens):
    # ว4/2564 ข้อ 1.1: สูงกว่าระดับ B1; ครูผู้สอนภาษาต่างประเทศ สูงกว่าระดับ B2
    f = facts(FILED - years(3), ground="cefr", foreign_language_teacher=foreign_language_teacher,
              language_tests=(LanguageFact(level, FILED - relativedelta(months=6)),))
    assert shorten_ground_verdict(f).passed is shortens
    assert check_tenure(f).passed is shortens


def test_any_one_qualifying_language_result_is_enough():
    f = facts(FILED - years(3), ground="cefr", language_tests=(
        LanguageFact("C1", FILED - years(5)),  # high enough, too old
        LanguageFact("B1", FILED - ONE_DAY),  # recent, too low
        LanguageFact("B2", FILED - years(1)),
    ))
    assert shorten_ground_verdict(f).passed


def test_three_outstanding_rounds_of_four_do_not_shorten():
    for weak in range(4):
        levels = ["outstanding"] * 4
        levels[weak] = "very_good"
        f = facts(FILED - years(3), ground="cefr", language_tests=b2_from(FILED),
                  performance=outstanding(FILED, levels))
        assert shorten_ground_verdict(f).passed
        assert not outstanding_rounds_verdict(f.performance, FILED).passed
        v = check_tenure(f)
        assert not v.passed
        assert "ดีมาก" in v.explanation


def test_a_missing_round_does_not_shorten():
    four = outstanding(FILED)
    for missing in range(4):
        performance = four[:missing] + four[missing + 1:]
        f = facts(FILED - years(3), ground="cefr", language_tests=b2_from(FILED),
                  performance=performance)
        assert not check_tenure(f).passed
        assert "ไม่พบผล" in outstanding_rounds_verdict(performance, FILED).explanation


def test_older_outstanding_rounds_do_not_replace_the_latest_four():
    older = tuple(PerformanceFact(fy, rnd, "outstanding")
                  for fy in (2560, 2561, 2562) for rnd in (1, 2))
    latest = outstanding(FILED)[1:]  # the oldest of the four is missing
    assert not outstanding_rounds_verdict(older + latest, FILED).passed


def test_four_outstanding_rounds_are_listed_by_their_effective_dates():
    v = outstanding_rounds_verdict(outstanding(FILED), FILED)
    assert v.passed
    # filed 30 Sep 2566: rounds of 1 Oct 2564, 1 Apr 2565, 1 Oct 2565, 1 Apr 2566
    for when in ("1 ต.ค. 2564", "1 เม.ย. 2565", "1 ต.ค. 2565", "1 เม.ย. 2566"):
        assert when in v.explanation


def test_conflicting_results_for_one_round_are_refused():
    with pytest.raises(ValueError, match="two different results"):
        outstanding_rounds_verdict((PerformanceFact(2566, 1, "outstanding"),
                                    PerformanceFact(2566, 1, "good")), FILED)


@pytest.mark.parametrize(
    ("filed_on", "latest"),
    [
        (D(2023, 3, 31), (2565, 2)),  # round 2 of 2565 took effect 1 Oct 2022
        (D(2023, 4, 1), (2566, 1)),  # round 1 of 2566 takes effect that day
        (D(2023, 9, 30), (2566, 1)),
        (D(2023, 10, 1), (2566, 2)),
    ],
)
def test_the_latest_salary_round_at_the_edges(filed_on, latest):
    assert required_salary_rounds(filed_on)[-1] == latest


def test_salary_rounds_take_effect_on_1_april_and_1_october():
    assert salary_round_effective_on(2566, 1) == D(2023, 4, 1)
    assert salary_round_effective_on(2566, 2) == D(2023, 10, 1)
    with pytest.raises(ValueError, match="unknown salary round"):
        salary_round_effective_on(2566, 3)


@props
@given(st.dates(min_value=D(1990, 1, 1), max_value=D(2090, 12, 31)))
def test_required_rounds_are_the_four_latest_consecutive_ones_on_or_before_filing(filed_on):
    rounds = required_salary_rounds(filed_on)
    assert len(rounds) == 4
    dates = [salary_round_effective_on(*r) for r in rounds]
    assert dates == sorted(dates)
    assert all(d <= filed_on for d in dates)
    # consecutive: each 6 months after the one before
    assert all(b == a + relativedelta(months=6) for a, b in itertools.pairwise(dates))
    # the latest: the next round takes effect after the filing date
    assert dates[-1] + relativedelta(months=6) > filed_on


def test_degree_ground_master_in_learning_management_certified_and_highest():
    master = DegreeFact("master", learning_management=True, certified=True,
                        used_to_shorten=False, graduated_on=D(2021, 3, 1))
    bachelor = DegreeFact("bachelor", True, True, False, D(2012, 3, 1))
    f = facts(FILED - years(3), ground="degree", degrees=(bachelor, master))
    assert shorten_ground_verdict(f).passed
    assert check_tenure(f).passed


@pytest.mark.parametrize(
    ("degrees", "why"),
    [
        # used before: a level is used only once (ว4/2564 ข้อ 1.3)
        ((DegreeFact("master", True, True, True, D(2021, 3, 1)),), "เคยใช้"),
        # two masters, one already used: the level is spent
        ((DegreeFact("master", True, True, True, D(2015, 3, 1)),
          DegreeFact("master", True, True, False, D(2021, 3, 1))), "เคยใช้"),
        # not the highest degree: a doctorate in educational administration is held
        ((DegreeFact("master", True, True, False, D(2018, 3, 1)),
          DegreeFact("doctorate", False, True, False, D(2022, 3, 1))), "การจัดการเรียนรู้"),
        # educational administration (not learning management)
        ((DegreeFact("master", False, True, False, D(2021, 3, 1)),), "การจัดการเรียนรู้"),
        # not certified by ก.ค.ศ.
        ((DegreeFact("master", True, False, False, D(2021, 3, 1)),), "รับรอง"),
        # a bachelor's is not a higher degree
        ((DegreeFact("bachelor", True, True, False, D(2012, 3, 1)),), "ไม่ใช่ปริญญาโท"),
        ((), "ไม่พบคุณวุฒิ"),
    ],
)
def test_degree_ground_fails(degrees, why):
    f = facts(FILED - years(3), ground="degree", degrees=degrees)
    v = shorten_ground_verdict(f)
    assert not v.passed
    assert why in v.explanation
    assert not check_tenure(f).passed


def test_degree_ground_a_doctorate_above_a_used_master_passes():
    f = facts(FILED - years(3), ground="degree", degrees=(
        DegreeFact("master", True, True, True, D(2015, 3, 1)),
        DegreeFact("doctorate", True, True, False, D(2022, 3, 1)),
    ))
    assert shorten_ground_verdict(f).passed


def test_degree_obtained_after_filing_is_not_held():
    f = facts(FILED - years(3), ground="degree", degrees=(
        DegreeFact("master", True, True, False, FILED + ONE_DAY),))
    assert not shorten_ground_verdict(f).passed


@pytest.mark.parametrize(
    ("period", "passes"),
    [
        (HardshipFact(D(2019, 5, 1), None), True),
        (HardshipFact(D(2019, 5, 1), FILED), True),
        (HardshipFact(FILED, None), True),
        (HardshipFact(D(2019, 5, 1), FILED - ONE_DAY), False),
        (HardshipFact(FILED + ONE_DAY, None), False),
    ],
)
def test_hardship_ground_covers_the_filing_date(period, passes):
    f = facts(FILED - years(3), ground="hardship", hardship=(period,))
    assert shorten_ground_verdict(f).passed is passes
    assert check_tenure(f).passed is passes


@pytest.mark.parametrize(
    ("pqf", "passes"),
    [
        ((PQFFact(D(2022, 1, 10), used_to_shorten=False),), True),
        ((PQFFact(D(2022, 1, 10), used_to_shorten=True),), False),
        ((PQFFact(FILED + ONE_DAY, used_to_shorten=False),), False),
        ((), False),
    ],
)
def test_pqf8_ground_is_usable_once(pqf, passes):
    f = facts(FILED - years(3), ground="pqf8", pqf=pqf)
    assert shorten_ground_verdict(f).passed is passes


def test_no_ground_is_not_met_and_an_unknown_ground_is_refused():
    assert not shorten_ground_verdict(facts(FILED - years(3))).passed
    with pytest.raises(ValueError, match="unknown shorten ground"):
        shorten_ground_verdict(facts(FILED - years(3), ground="luck"))


def test_four_years_pass_whatever_the_claimed_ground():
    f = facts(FILED - years(4), ground="cefr", performance=())
    assert check_tenure(f).passed


# --- PA: ว9/2564, at least 70% from each assessor, workload met ----------------------------------


@pytest.mark.parametrize("low", [0, 1, 2])
def test_pa_exactly_70_passes_and_69_99_from_any_one_assessor_fails(low):
    assert pa_passed((Decimal(70), Decimal(70), Decimal(70)), workload_met=True)
    totals = [Decimal("70.00")] * 3
    totals[low] = Decimal("69.99")
    assert not pa_passed(tuple(totals), workload_met=True)


def test_pa_with_workload_not_met_fails():
    assert not pa_passed((Decimal(95), Decimal(95), Decimal(95)), workload_met=False)
    v = check_pa([PAFact(2565, (Decimal(95),) * 3, workload_met=False)], FILED)
    assert not v.passed
    assert "ภาระงาน" in v.explanation


def test_pa_needs_three_totals():
    with pytest.raises(ValueError, match="3 assessors"):
        pa_passed((Decimal(80), Decimal(80)), workload_met=True)


def test_required_pa_years_are_the_fiscal_years_before_filing():
    # seed 004: requests from 1 Oct 2565 (fiscal year 2566) need the PA of fiscal year 2565
    assert required_pa_years(D(2022, 10, 1)) == (2565,)
    assert required_pa_years(D(2023, 9, 30)) == (2565,)
    assert required_pa_years(D(2023, 10, 1)) == (2566,)
    assert required_pa_years(D(2022, 9, 30)) == (2564,)
    assert required_pa_years(D(2023, 10, 1), count=2) == (2565, 2566)


def test_check_pa_passes_and_shows_each_assessors_score():
    v = check_pa([PAFact(2565, (Decimal("70"), Decimal("85.5"), Decimal(90)), True),
                  PAFact(2564, (Decimal(10),) * 3, False)], FILED)
    assert v.passed
    assert "2565" in v.explanation
    assert "70.00" in v.explanation
    assert "85.50" in v.explanation


def test_check_pa_one_assessor_below_fails_and_names_the_assessor():
    v = check_pa([PAFact(2565, (Decimal(90), Decimal("69.99"), Decimal(90)), True)], FILED)
    assert not v.passed
    assert "กรรมการคนที่ 2" in v.explanation


def test_check_pa_missing_required_year_fails():
    v = check_pa([PAFact(2564, (Decimal(90),) * 3, True)], FILED)
    assert not v.passed
    assert "ไม่พบผลการประเมิน PA ปีงบประมาณ 2565" in v.explanation
    v = check_pa([PAFact(2565, (Decimal(90),) * 3, True)], D(2023, 10, 1), count=2)
    assert not v.passed
    assert "2566" in v.explanation


# --- discipline and ethics: ว9/2564, 4 years back, nothing heavier than probation ----------------


def test_pay_cut_three_years_ago_fails():
    v = check_discipline([PenaltyFact("pay_cut", FILED - years(3))], [], FILED)
    assert not v.passed
    assert "ตัดเงินเดือน" in v.explanation
    assert "30 ก.ย. 2563" in v.explanation


def test_pay_cut_exactly_four_years_ago_is_inside_the_window():
    assert not check_discipline([PenaltyFact("pay_cut", FILED - years(4))], [], FILED).passed


def test_pay_cut_four_years_and_a_day_ago_passes():
    v = check_discipline([PenaltyFact("pay_cut", FILED - years(4) - ONE_DAY)], [], FILED)
    assert v.passed
    assert "ไม่เคยถูกลงโทษ" in v.explanation


@pytest.mark.parametrize("penalty", ["pay_cut", "step_reduction", "discharge", "dismissal"])
def test_every_penalty_heavier_than_probation_fails(penalty):
    assert not check_discipline([PenaltyFact(penalty, FILED - ONE_DAY)], [], FILED).passed


def test_probation_penalty_passes():
    assert check_discipline([PenaltyFact("probation", FILED)], [], FILED).passed


def test_ethics_suspension_inside_the_window_fails():
    v = check_discipline([], [RulingFact("suspension", FILED - years(2))], FILED)
    assert not v.passed
    assert "พักใช้ใบอนุญาต" in v.explanation


@pytest.mark.parametrize(("ruling", "passes"),
                         [("warning", True), ("probation", True), ("suspension", False),
                          ("revocation", False)])
def test_ethics_rulings_heavier_than_probation_fail(ruling, passes):
    assert check_discipline([], [RulingFact(ruling, FILED - years(4))], FILED).passed is passes
    assert check_discipline([], [RulingFact(ruling, FILED - years(4) - ONE_DAY)], FILED).passed


def test_decisions_after_the_filing_date_are_outside_the_window():
    assert check_discipline([PenaltyFact("pay_cut", FILED + ONE_DAY)], [], FILED).passed


def test_unknown_penalty_is_refused():
    with pytest.raises(ValueError, match="unknown penalty"):
        check_discipline([PenaltyFact("exile", FILED)], [], FILED)


# --- licence -----------------------------------------------------------------------------------


def test_licence_valid_on_the_filing_day_passes():
    v = check_licence([LicenceFact("64100000123", D(2018, 10, 1), FILED)], FILED)
    assert v.passed
    assert "64100000123" in v.explanation


def test_licence_expired_the_day_before_fails():
    v = check_licence([LicenceFact("64100000123", D(2018, 10, 1), FILED - ONE_DAY)], FILED)
    assert not v.passed
    assert "หมดอายุ 29 ก.ย. 2566" in v.explanation


def test_licence_issued_on_the_filing_day_passes_and_the_day_after_fails():
    assert check_licence([LicenceFact("1", FILED, FILED + years(5))], FILED).passed
    assert not check_licence([LicenceFact("1", FILED + ONE_DAY, FILED + years(5))], FILED).passed


def test_an_old_licence_does_not_hide_the_renewed_one_and_none_fails():
    old = LicenceFact("1", D(2013, 1, 1), D(2018, 1, 1))
    new = LicenceFact("2", D(2018, 1, 2), D(2028, 1, 1))
    assert check_licence([old, new], FILED).passed
    v = check_licence([], FILED)
    assert not v.passed
    assert "ไม่พบใบอนุญาต" in v.explanation


# --- workload: ว21/2564 ------------------------------------------------------------------------

WORKLOAD = [("early_childhood", 6, 14), ("basic", 12, 20), ("special_disability", 6, 14),
            ("special_welfare", 12, 20)]


@pytest.mark.parametrize(("level", "teaching", "total"), WORKLOAD)
def test_workload_edges_for_every_level(level, teaching, total):
    teaching, total = Decimal(teaching), Decimal(total)
    tenth = Decimal("0.1")
    assert workload_meets(level, teaching, total)
    assert workload_meets(level, teaching + tenth, total + tenth)
    assert not workload_meets(level, teaching - tenth, total)
    assert not workload_meets(level, teaching, total - tenth)


def test_workload_levels_cover_the_choices_and_refuse_others():
    from personnel.choices import EducationLevel

    assert {level for level, _t, _h in WORKLOAD} == set(EducationLevel.values)
    with pytest.raises(ValueError, match="unknown education level"):
        workload_meets("university", Decimal(20), Decimal(40))


# --- evidence files: seed 004 เอกสารหลักฐาน ข้อ 6–9 ------------------------------------------------


@pytest.mark.parametrize(("seconds", "shown"),
                         [(0, "0:00"), (59.9, "0:59"), (600, "10:00"), (600.9, "10:00"),
                          (601, "10:01"), (3599, "59:59"), (3600, "1:00:00"),
                          (3601, "1:00:01"), (36000, "10:00:00")])
def test_format_duration(seconds, shown):
    assert format_duration(seconds) == shown


def test_format_duration_refuses_what_is_not_a_duration():
    for bad in (-1, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="not a duration"):
            format_duration(bad)


@pytest.mark.parametrize("slot", ["inspiration_video", "outcome"])
def test_ten_minute_video_passes_and_ten_minutes_one_second_fails(slot):
    assert evidence_file_problem(slot, "video", duration_seconds=600.0) is None
    assert evidence_file_problem(slot, "video", duration_seconds=600.9) is None
    reason = evidence_file_problem(slot, "video", duration_seconds=601.0)
    assert reason == "วีดิทัศน์ยาว 10:01 นาที เกินกำหนด 10:00 นาที"


def test_teaching_video_sixty_minutes_passes_and_sixty_minutes_one_second_fails():
    assert evidence_file_problem("teaching_video", "video", duration_seconds=3600) is None
    assert evidence_file_problem("teaching_video", "video", duration_seconds=3600.5) is None
    reason = evidence_file_problem("teaching_video", "video", duration_seconds=3601)
    assert reason is not None
    assert "1:00:01" in reason
    assert "1:00:00" in reason


def test_a_video_without_a_readable_length_is_a_problem():
    assert "ความยาว" in evidence_file_problem("teaching_video", "video")
    assert "ความยาว" in evidence_file_problem("outcome", "video",
                                              duration_seconds=float("nan"))


def test_outcome_pdf_ten_pages_passes_and_eleven_fails():
    assert evidence_file_problem("outcome", "pdf", pages=10) is None
    reason = evidence_file_problem("outcome", "pdf", pages=11)
    assert reason is not None
    assert "11" in reason
    assert "10" in reason


def test_outcome_pdf_with_unknown_page_count_or_no_pages_is_a_problem():
    assert evidence_file_problem("outcome", "pdf") is not None
    assert evidence_file_problem("outcome", "pdf", pages=0) is not None


@pytest.mark.parametrize(
    ("sizes", "ok"),
    [
        ([A4_MM], True),
        ([(297, 210)], True),  # landscape
        ([(210.5, 297.4), (211.9, 298.9)], True),  # rounding of points to mm
        ([(148, 210)], True),  # A5 is smaller
        ([(210, 297), (250, 353)], False),  # B4 on page 2
        ([(297, 420)], False),  # A3
        ([(420, 297)], False),
        ([(213, 297)], False),
    ],
)
def test_outcome_pdf_pages_no_larger_than_a4(sizes, ok):
    reason = evidence_file_problem("outcome", "pdf", pages=len(sizes), page_sizes_mm=sizes)
    assert (reason is None) is ok
    if not ok:
        assert "A4" in reason


def test_lesson_plan_is_one_pdf_of_any_length():
    assert evidence_file_problem("lesson_plan", "pdf", pages=250) is None
    assert evidence_file_problem("lesson_plan", "pdf", pages=1,
                                 page_sizes_mm=[(297, 420)]) is None
    reason = evidence_file_problem("lesson_plan", "video", duration_seconds=60)
    assert reason == "ต้องเป็นเอกสาร PDF แต่ไฟล์นี้เป็นวีดิทัศน์"


@pytest.mark.parametrize(
    ("slot", "kind", "ok"),
    [
        ("inspiration_video", "pdf", False),
        ("teaching_video", "image", False),
        ("outcome", "image", True),
        ("outcome", "pdf", True),
        ("shorten_evidence", "pdf", True),
        ("shorten_evidence", "image", True),
        ("shorten_evidence", "video", False),
        ("lesson_plan", "", False),
        ("outcome", "", False),
    ],
)
def test_each_slot_takes_its_kinds(slot, kind, ok):
    problem = evidence_file_problem(slot, kind, pages=1, duration_seconds=10)
    assert (problem is None) is ok


def test_unknown_slot_is_refused():
    with pytest.raises(ValueError, match="unknown evidence slot"):
        evidence_file_problem("diary", "pdf", pages=1)


@pytest.mark.parametrize(
    ("kinds", "flagged"),
    [
        (["video", "pdf", "pdf"], set()),  # one video + 2 others
        (["pdf", "video", "image"], set()),
        (["pdf", "pdf", "image"], set()),  # 3 without a video
        (["video"], set()),
        ([], set()),
        (["video", "video"], {1}),  # the second video
        (["pdf", "video", "video"], {2}),
        (["video", "pdf", "video"], {2}),
        (["video", "pdf", "pdf", "image"], {3}),  # one video + 3 others
        (["pdf", "pdf", "pdf", "video"], {3}),
        (["pdf", "pdf", "image", "pdf"], {3}),  # 4 without a video
        (["video", "video", "video", "pdf", "pdf", "pdf"], {1, 2, 5}),
    ],
)
def test_outcome_composition(kinds, flagged):
    assert set(outcome_composition_problems(kinds)) == flagged


def test_outcome_composition_reasons():
    assert outcome_composition_problems(["video", "video"]) == {
        1: "ส่งวีดิทัศน์ผลลัพธ์การเรียนรู้ได้เพียง 1 ไฟล์"}
    assert "อีกไม่เกิน 2 ไฟล์" in outcome_composition_problems(["video", "pdf", "pdf", "pdf"])[3]
    assert "ไม่เกิน 3 ไฟล์" in outcome_composition_problems(["pdf"] * 4)[3]


@props
@given(st.lists(st.sampled_from(["video", "pdf", "image", ""]), max_size=7))
def test_outcome_composition_keeps_as_many_files_as_the_rule_allows(kinds):
    problems = outcome_composition_problems(kinds)
    kept = [k for i, k in enumerate(kinds) if i not in problems]
    # what is kept obeys the rule ...
    assert kept.count("video") <= 1
    assert len(kept) <= OUTCOME_MAX_FILES
    # ... and nothing more could be kept (brute force over every subset)
    best = max(len(subset) for n in range(len(kinds) + 1)
               for subset in itertools.combinations(kinds, n)
               if subset.count("video") <= 1 and len(subset) <= OUTCOME_MAX_FILES)
    assert len(kept) == best
    # the files are judged in position order: a flagged file never comes before a kept one
    # of the same kind-class
    for i in problems:
        assert all(j < i for j, k in enumerate(kinds) if j not in problems
                   and (k == "video") == (kinds[i] == "video"))


def ev(slot, position=1, state="valid", kind=None, reason=""):
    default = {"lesson_plan": "pdf", "inspiration_video": "video", "teaching_video": "video",
               "outcome": "pdf", "shorten_evidence": "pdf"}[slot]
    return EvidenceFact(slot, position, state, kind or default, reason)


COMPLETE = [ev("lesson_plan"), ev("inspiration_video"), ev("teaching_video"), ev("outcome")]


def test_check_evidence_complete_and_valid_passes():
    v = check_evidence(COMPLETE)
    assert v.passed
    assert "4 ไฟล์" in v.explanation
    assert missing_or_invalid_slots(COMPLETE) == []


def test_check_evidence_with_up_to_three_outcome_files_passes():
    files = [*COMPLETE[:3], ev("outcome", 1, kind="video"), ev("outcome", 2),
             ev("outcome", 3, kind="image")]
    assert check_evidence(files).passed


def test_check_evidence_missing_files_fail_and_are_listed():
    v = check_evidence(COMPLETE[:2])
    assert not v.passed
    assert "ยังไม่ได้ส่ง" in v.explanation
    assert "วีดิทัศน์บันทึกการสอน" in v.explanation
    assert "ผลลัพธ์การเรียนรู้ของผู้เรียน" in v.explanation
    assert missing_or_invalid_slots(COMPLETE[:2]) == ["teaching_video", "outcome"]
    assert missing_or_invalid_slots([]) == ["lesson_plan", "inspiration_video",
                                            "teaching_video", "outcome"]


def test_check_evidence_rejected_file_fails_with_its_reason():
    files = [*COMPLETE[:3], ev("outcome", state="rejected",
                               reason="เอกสาร 11 หน้า เกินกำหนด 10 หน้า")]
    v = check_evidence(files)
    assert not v.passed
    assert "ไม่ผ่านการตรวจสอบ" in v.explanation
    assert "ไฟล์ที่ 1" in v.explanation
    assert "เอกสาร 11 หน้า เกินกำหนด 10 หน้า" in v.explanation
    assert missing_or_invalid_slots(files) == ["outcome"]


@pytest.mark.parametrize("state", ["waiting", "checking"])
def test_check_evidence_files_still_being_checked_fail_but_are_not_missing(state):
    files = [ev("lesson_plan", state=state), *COMPLETE[1:]]
    v = check_evidence(files)
    assert not v.passed
    assert "อยู่ระหว่างตรวจสอบ" in v.explanation
    assert "แผนการจัดการเรียนรู้" in v.explanation
    assert missing_or_invalid_slots(files) == []


def test_check_evidence_with_a_shorten_ground_needs_its_evidence():
    v = check_evidence(COMPLETE, shorten_ground="cefr")
    assert not v.passed
    assert "หลักฐานประกอบการขอลดระยะเวลา" in v.explanation
    assert missing_or_invalid_slots(COMPLETE, shorten_ground="cefr") == ["shorten_evidence"]
    with_it = [*COMPLETE, ev("shorten_evidence", kind="image")]
    assert check_evidence(with_it, shorten_ground="cefr").passed


def test_check_evidence_outcome_composition_must_hold():
    files = [*COMPLETE[:3], ev("outcome", 1, kind="video"), ev("outcome", 2, kind="video")]
    v = check_evidence(files)
    assert not v.passed
    assert "ไฟล์ที่ 2" in v.explanation
    assert "เพียง 1 ไฟล์" in v.explanation
    assert missing_or_invalid_slots(files) == ["outcome"]


def test_check_evidence_lists_every_kind_of_trouble_at_once():
    files = [ev("lesson_plan", state="rejected", reason="ต้องเป็นเอกสาร PDF"),
             ev("inspiration_video", state="checking"), ev("outcome")]
    v = check_evidence(files)
    assert not v.passed
    for text in ("ยังไม่ได้ส่ง", "ไม่ผ่านการตรวจสอบ", "อยู่ระหว่างตรวจสอบ"):
        assert text in v.explanation
    assert missing_or_invalid_slots(files) == ["lesson_plan", "teaching_video"]


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


# --- explanations ------------------------------------------------------------------------------


def test_explanations_go_through_gettext(monkeypatch):
    from appraisal.rules import tenure as tenure_rules

    monkeypatch.setattr(tenure_rules, "_", lambda s: s.replace("ถึง", "TO"))
    v = check_tenure(facts(D(2017, 5, 29)))
    assert v.explanation.startswith("29 พ.ค. 2560 TO 30 ก.ย. 2566")
