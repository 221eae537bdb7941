"""personnel.rules at its boundaries, and as properties over the space of dates."""

import datetime
import re

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from personnel import rules
from personnel.rules import (
    YMD,
    age_completed_on,
    age_on,
    completed_years,
    fiscal_year,
    fiscal_year_be,
    fiscal_year_bounds,
    fiscal_year_bounds_be,
    has_retired,
    has_served,
    retirement_date,
    retirement_fiscal_year_be,
    tenure,
    to_be,
    to_ce,
)

D = datetime.date
ONE_DAY = datetime.timedelta(days=1)

# conftest.py's autouse `settings` fixture is function-scoped; it only sets Django settings,
# which these pure functions never read, so sharing it across generated examples is harmless.
props = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=300)

dates = st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 31))
births = st.dates(min_value=D(1900, 1, 1), max_value=D(2100, 12, 31))


@st.composite
def date_pairs(draw):
    start = draw(dates)
    end = draw(st.dates(min_value=start, max_value=D(2200, 12, 31)))
    return start, end


# --- tenure: RULES.md §4.1.1 and seed 004 -------------------------------------------------------


def test_the_rules_example_6_years_4_months_1_day():
    # RULES.md §4.1.1 / seed 004: 29 พฤษภาคม 2560 ถึง 30 กันยายน 2566 = 6 ปี 4 เดือน 1 วัน
    span = tenure(D(2017, 5, 29), D(2023, 9, 30))
    assert span == YMD(6, 4, 1)
    assert str(span) == "6 ปี 4 เดือน 1 วัน"
    assert span.en() == "6 years 4 months 1 day"


def test_ymd_keeps_every_part_and_speaks_english_in_singular_and_plural():
    assert str(YMD(0, 0, 0)) == "0 ปี 0 เดือน 0 วัน"
    assert YMD(0, 0, 0).en() == "0 years 0 months 0 days"
    assert YMD(1, 1, 1).en() == "1 year 1 month 1 day"
    assert YMD(2, 11, 30).en() == "2 years 11 months 30 days"
    assert str(YMD(4, 0, 0)) == "4 ปี 0 เดือน 0 วัน"


@pytest.mark.parametrize(
    ("years", "months", "days"),
    [(-1, 0, 0), (0, -1, 0), (0, 0, -1), (0, 12, 0), (0, 0, 31)],
)
def test_ymd_refuses_values_a_tenure_cannot_have(years, months, days):
    with pytest.raises(ValueError, match="must"):
        YMD(years, months, days)


def test_ymd_is_frozen():
    span = YMD(1, 2, 3)
    with pytest.raises(AttributeError):
        span.years = 5


def test_tenure_of_no_time_and_of_an_end_before_the_start():
    assert tenure(D(2020, 5, 1), D(2020, 5, 1)) == YMD(0, 0, 0)
    with pytest.raises(ValueError, match="before start"):
        tenure(D(2020, 5, 2), D(2020, 5, 1))
    with pytest.raises(ValueError, match="before start"):
        has_served(D(2020, 5, 2), D(2020, 5, 1), 0)


def test_exactly_4_years_is_enough_and_4_years_less_a_day_is_not():
    # ว9/2564: ไม่น้อยกว่า ๔ ปี นับถึงวันยื่นคำขอ
    start = D(2017, 5, 29)
    assert has_served(start, D(2021, 5, 29), 4)
    assert tenure(start, D(2021, 5, 29)) == YMD(4, 0, 0)
    assert not has_served(start, D(2021, 5, 28), 4)
    assert tenure(start, D(2021, 5, 28)) == YMD(3, 11, 29)
    assert completed_years(start, D(2021, 5, 28)) == 3
    assert completed_years(start, D(2021, 5, 29)) == 4


def test_3_years_when_the_tenure_is_reduced():
    # ว4/2564 reduces 4 years to 3; the same counting
    assert has_served(D(2020, 10, 1), D(2023, 10, 1), 3)
    assert not has_served(D(2020, 10, 1), D(2023, 9, 30), 3)


def test_a_start_on_29_february_reaches_4_years_on_29_february():
    start = D(2020, 2, 29)
    assert has_served(start, D(2024, 2, 29), 4)
    assert not has_served(start, D(2024, 2, 28), 4)
    assert tenure(start, D(2024, 2, 29)) == YMD(4, 0, 0)


def test_a_start_on_29_february_reaches_its_anniversaries_on_28_february_in_common_years():
    start = D(2020, 2, 29)
    assert tenure(start, D(2021, 2, 28)) == YMD(1, 0, 0)
    assert tenure(start, D(2021, 2, 27)) == YMD(0, 11, 29)
    assert tenure(start, D(2021, 3, 1)) == YMD(1, 0, 1)
    # the reduced 3-year rule
    assert has_served(start, D(2023, 2, 28), 3)
    assert not has_served(start, D(2023, 2, 27), 3)
    # ป.พ.พ. ม.193/3, 193/5: a start on 28 or on 29 February 2020 ends its first year alike
    assert completed_years(D(2020, 2, 28), D(2021, 2, 28)) == 1
    assert completed_years(D(2020, 2, 28), D(2021, 2, 27)) == 0


def test_has_served_refuses_a_negative_number_of_years():
    with pytest.raises(ValueError, match="negative"):
        has_served(D(2020, 1, 1), D(2024, 1, 1), -1)
    assert has_served(D(2020, 1, 1), D(2020, 1, 1), 0)


def test_datetimes_and_other_types_are_refused():
    with pytest.raises(TypeError, match="not a datetime"):
        tenure(datetime.datetime(2020, 1, 1, 12, 0), D(2024, 1, 1))
    with pytest.raises(TypeError, match=r"datetime\.date"):
        fiscal_year("2023-10-01")
    with pytest.raises(TypeError, match="int"):
        has_served(D(2020, 1, 1), D(2024, 1, 1), 4.0)


@props
@given(date_pairs())
def test_tenure_added_back_to_the_start_gives_the_end(pair):
    start, end = pair
    span = tenure(start, end)
    assert start + span.as_relativedelta() == end
    assert start + relativedelta(years=span.years, months=span.months, days=span.days) == end


@props
@given(date_pairs())
def test_tenure_counts_as_many_whole_months_as_fit(pair):
    start, end = pair
    span = tenure(start, end)
    whole_months = span.years * 12 + span.months
    assert start + relativedelta(months=whole_months) <= end
    assert start + relativedelta(months=whole_months + 1) > end


@props
@given(date_pairs(), st.integers(min_value=0, max_value=12))
def test_has_served_agrees_with_completed_years_and_with_the_anniversary(pair, years):
    start, on = pair
    served = has_served(start, on, years)
    assert served == (completed_years(start, on) >= years)
    # exactly `years` years is enough
    assert served == (start + relativedelta(years=years) <= on)


@props
@given(date_pairs(), st.integers(min_value=0, max_value=12))
def test_once_served_always_served(pair, years):
    start, on = pair
    if has_served(start, on, years):
        assert has_served(start, on + ONE_DAY, years)


# --- fiscal year -------------------------------------------------------------------------------


def test_the_fiscal_year_turns_between_30_september_and_1_october():
    assert fiscal_year(D(2023, 9, 30)) == 2023
    assert fiscal_year_be(D(2023, 9, 30)) == 2566
    assert fiscal_year(D(2023, 10, 1)) == 2024
    assert fiscal_year_be(D(2023, 10, 1)) == 2567
    assert fiscal_year(D(2024, 1, 1)) == 2024


def test_fiscal_year_bounds():
    assert fiscal_year_bounds(2023) == (D(2022, 10, 1), D(2023, 9, 30))
    # seed 004, PA3: ปีงบประมาณ พ.ศ. ๒๕๖๕ วันที่ ๑ ตุลาคม ๒๕๖๔ – ๓๐ กันยายน ๒๕๖๕
    assert fiscal_year_bounds_be(2565) == (D(2021, 10, 1), D(2022, 9, 30))
    with pytest.raises(ValueError, match="out of range"):
        fiscal_year_bounds(1)
    with pytest.raises(TypeError, match="int"):
        fiscal_year_bounds("2566")


def test_buddhist_era_conversions():
    assert to_be(2023) == 2566
    assert to_ce(2566) == 2023


@props
@given(dates)
def test_the_fiscal_year_of_a_day_contains_that_day(d):
    first, last = fiscal_year_bounds(fiscal_year(d))
    assert first <= d <= last
    assert fiscal_year_be(d) == fiscal_year(d) + 543
    assert fiscal_year_bounds_be(fiscal_year_be(d)) == (first, last)
    assert fiscal_year(first - ONE_DAY) == fiscal_year(d) - 1
    assert fiscal_year(last + ONE_DAY) == fiscal_year(d) + 1


# --- age ---------------------------------------------------------------------------------------


def test_age_the_day_before_and_on_a_birthday():
    birth = D(1990, 6, 15)
    assert age_on(birth, D(2020, 6, 14)) == 29
    assert age_on(birth, D(2020, 6, 15)) == 30
    assert age_on(birth, birth) == 0


def test_age_of_someone_not_yet_born_is_refused():
    with pytest.raises(ValueError, match="after"):
        age_on(D(2000, 1, 2), D(2000, 1, 1))


def test_a_29_february_birthday_counts_by_the_civil_code():
    # ป.พ.พ. ม.16 + 193/5: the year is complete at the end of 28 February in a common year
    birth = D(2000, 2, 29)
    assert age_completed_on(birth, 1) == D(2001, 2, 28)
    assert age_on(birth, D(2001, 2, 28)) == 0
    assert age_on(birth, D(2001, 3, 1)) == 1
    assert age_on(birth, D(2004, 2, 28)) == 3
    assert age_on(birth, D(2004, 2, 29)) == 4


def test_a_year_of_age_is_complete_at_the_end_of_the_day_before_the_birthday():
    # dmh.go.th/faq/person06.asp: เกิด 1 ต.ค. 2492 มีอายุครบ 60 ปี เมื่อ 30 ก.ย. 2552;
    # เกิด 2 ต.ค. 2492 ครบ 60 ปีบริบูรณ์ เมื่อ 1 ต.ค. 2552
    assert age_completed_on(D(1949, 10, 1), 60) == D(2009, 9, 30)
    assert age_completed_on(D(1949, 10, 2), 60) == D(2009, 10, 1)
    with pytest.raises(ValueError, match="negative"):
        age_completed_on(D(1949, 10, 2), -1)


@props
@given(births, st.integers(min_value=0, max_value=120))
def test_age_on_changes_the_day_after_the_year_is_complete(birth, years):
    completed = age_completed_on(birth, years)
    if completed >= birth:
        assert age_on(birth, completed) == years - 1
    assert age_on(birth, completed + ONE_DAY) == years


@props
@given(date_pairs())
def test_age_is_the_plain_calendar_age_except_for_29_february(pair):
    birth, on = pair
    calendar_age = relativedelta(on, birth).years
    if (birth.month, birth.day) == (2, 29):
        assert age_on(birth, on) in (calendar_age, calendar_age - 1)
    else:
        assert age_on(birth, on) == calendar_age


# --- retirement --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "retires", "fiscal_year_be_"),
    [
        (D(1963, 9, 30), D(2023, 9, 30), 2566),
        (D(1963, 10, 1), D(2023, 9, 30), 2566),  # completes 60 on 30 Sep 2023
        (D(1963, 10, 2), D(2024, 9, 30), 2567),  # completes 60 on 1 Oct 2023: next year
        (D(1949, 10, 1), D(2009, 9, 30), 2552),  # dmh.go.th: นายชัย
        (D(1949, 10, 2), D(2010, 9, 30), 2553),  # dmh.go.th: นายชู
        (D(1964, 1, 1), D(2024, 9, 30), 2567),
        (D(1963, 12, 31), D(2024, 9, 30), 2567),
        (D(1964, 2, 29), D(2024, 9, 30), 2567),  # completes 60 at the end of 28 Feb 2024
    ],
)
def test_retirement_at_the_end_of_the_fiscal_year_of_the_60th_year(birth, retires,
                                                                   fiscal_year_be_):
    assert retirement_date(birth) == retires
    assert retirement_fiscal_year_be(birth) == fiscal_year_be_


def test_still_in_service_on_30_september_and_out_on_1_october():
    birth = D(1963, 10, 1)
    assert not has_retired(birth, D(2023, 9, 30))
    assert has_retired(birth, D(2023, 10, 1))


def test_like_the_sample_record_in_seed_004():
    # seed 004: "อายุ 34 ปี เกษียณอายุราชการ 2592" on a request sent 30 กันยายน 2566
    birth = D(1989, 1, 15)  # 15 ม.ค. 2532, a birth date that fits the sample
    assert age_on(birth, D(2023, 9, 30)) == 34
    assert retirement_fiscal_year_be(birth) == 2592


@props
@given(births)
def test_born_by_1_october_retires_in_year_of_birth_plus_60_else_plus_61(birth):
    # kruchiangrai.net: เกิด 1 ม.ค. – 1 ต.ค. → ปีเกิด + 60; เกิด 2 ต.ค. – 31 ธ.ค. → ปีเกิด + 61
    retires = retirement_date(birth)
    assert (retires.month, retires.day) == (9, 30)
    plus = 60 if (birth.month, birth.day) <= (10, 1) else 61
    assert retires.year == birth.year + plus
    assert retirement_fiscal_year_be(birth) == retires.year + 543


@props
@given(births)
def test_the_60th_year_is_completed_inside_the_retirement_fiscal_year(birth):
    first, last = fiscal_year_bounds(fiscal_year(retirement_date(birth)))
    assert first <= age_completed_on(birth, 60) <= last
    assert age_on(birth, retirement_date(birth) + ONE_DAY) >= 60
    assert has_retired(birth, retirement_date(birth) + ONE_DAY)
    assert not has_retired(birth, retirement_date(birth))


def test_ymd_str_has_the_thai_shape():
    assert re.fullmatch(r"\d+ ปี \d+ เดือน \d+ วัน", str(YMD(12, 3, 4)))


# --- completeness and LPA 2.9 --------------------------------------------------------------

def _facts(**overrides):
    facts = dict.fromkeys(rules.COMPLETENESS_KEYS, True)
    facts.update(overrides)
    return facts


def test_a_record_with_every_item_is_complete():
    c = rules.completeness(_facts())
    assert c.score == 100
    assert c.complete
    assert c.missing == ()


def test_one_missing_item_drops_below_100_and_is_named_in_thai():
    c = rules.completeness(_facts(licence=False))
    assert c.score == 91  # 11 of 12, rounded down
    assert not c.complete
    assert c.missing == ("ใบอนุญาตประกอบวิชาชีพครูที่ยังไม่หมดอายุ",)


def test_missing_items_are_listed_in_a_fixed_order():
    c = rules.completeness(_facts(degree=False, birth_date=False))
    assert c.missing == ("วันเดือนปีเกิด", "วุฒิการศึกษา")
    assert rules.completeness(dict.fromkeys(rules.COMPLETENESS_KEYS, False)).score == 0


def test_completeness_refuses_facts_it_does_not_know():
    with pytest.raises(ValueError, match="do not match"):
        rules.completeness({**_facts(), "shoe_size": True})
    with pytest.raises(ValueError, match="do not match"):
        rules.completeness(dict.fromkeys(rules.COMPLETENESS_KEYS[1:], True))


@pytest.mark.parametrize(
    ("complete", "certified_on", "score"),
    [
        (True, datetime.date(2026, 3, 31), 5),   # on the deadline
        (True, datetime.date(2026, 4, 1), 0),    # a day late
        (True, None, 0),                          # never certified
        (False, datetime.date(2026, 3, 1), 0),   # certified but incomplete
    ],
)
def test_lpa_29_is_5_only_for_complete_and_certified_by_the_deadline(complete, certified_on,
                                                                    score):
    deadline = datetime.date(2026, 3, 31)
    assert rules.lpa_29_score(complete=complete, certified_on=certified_on,
                              deadline=deadline) == score
