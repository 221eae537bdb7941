"""The rank and the salary on appointment to a standing (issue 17 item 7; seed 004: the salary
act's table, ก.ค.ศ. ว 9/2562)."""

from decimal import Decimal

import pytest

from personnel import rules
from personnel.choices import AcademicStanding, SalaryRank


@pytest.mark.parametrize(("standing", "rank"), [
    (AcademicStanding.NONE, SalaryRank.KS1),
    (AcademicStanding.PROFESSIONAL, SalaryRank.KS2),
    (AcademicStanding.SENIOR_PROFESSIONAL, SalaryRank.KS3),
    (AcademicStanding.EXPERT, SalaryRank.KS4),
    (AcademicStanding.SENIOR_EXPERT, SalaryRank.KS5)])
def test_each_standing_has_its_rank(standing, rank):
    assert rules.rank_for_standing(standing) == rank


def test_an_unknown_standing_has_no_rank():
    with pytest.raises(ValueError, match="no salary rank"):
        rules.rank_for_standing("principal")


def test_the_salary_stays_the_same_amount():
    assert rules.salary_on_appointment(Decimal("24290.00")) == Decimal("24290.00")
    assert rules.salary_on_appointment(None) is None
