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
    STANDING_ORDER,
    DegreeFact,
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
    check_discipline,
    check_licence,
    check_pa,
    check_tenure,
    next_standing,
    outstanding_rounds_verdict,
    pa_passed,
    required_pa_years,
    required_salary_rounds,
    salary_round_effective_on,
    shorten_ground_verdict,
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


# --- explanations ------------------------------------------------------------------------------


def test_explanations_go_through_gettext(monkeypatch):
    from appraisal.rules import tenure as tenure_rules

    monkeypatch.setattr(tenure_rules, "_", lambda s: s.replace("ถึง", "TO"))
    v = check_tenure(facts(D(2017, 5, 29)))
    assert v.explanation.startswith("29 พ.ค. 2560 TO 30 ก.ย. 2566")
