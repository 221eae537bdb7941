"""core.forms: a date typed in the Buddhist era, and Thai prompts in selects (issue 17 item 4)."""

import datetime

import pytest
from django import forms

from core.forms import BootstrapForm, BuddhistDateField, parse_be_date


@pytest.mark.parametrize("typed", ["15/03/2528", "15-03-2528", "15.3.2528", "๑๕/๐๓/๒๕๒๘",
                                   " 15 / 03 / 2528 ", "1985-03-15"])
def test_the_buddhist_era_as_people_type_it(typed):
    assert parse_be_date(typed) == datetime.date(1985, 3, 15)


@pytest.mark.parametrize(("typed", "message"), [
    ("15/03/1985", "พุทธศักราช"), ("31/02/2528", "ไม่มีวันที่นี้"), ("เมื่อวาน", "15/03/2528")])
def test_what_is_not_a_date_gets_a_thai_message(typed, message):
    field = BuddhistDateField()
    with pytest.raises(forms.ValidationError) as caught:
        field.clean(typed)
    assert message in caught.value.messages[0]


def test_a_date_is_shown_back_in_the_buddhist_era():
    class F(BootstrapForm):
        born = BuddhistDateField(label="วันเกิด")

    assert 'value="15/03/2528"' in str(F(initial={"born": datetime.date(1985, 3, 15)})["born"])
    bound = F({"born": "15/03/2528"})
    assert bound.is_valid()
    assert bound.cleaned_data["born"] == datetime.date(1985, 3, 15)
    assert 'value="15/03/2528"' in str(bound["born"])  # kept as typed after an error elsewhere


def test_selects_say_what_to_choose_in_thai():
    class F(BootstrapForm):
        title = forms.ChoiceField(label="คำนำหน้า", choices=[("", "---------"), ("mr", "นาย")])
        kind = forms.ChoiceField(label="ตำแหน่ง", choices=[("", "—"), ("t", "ครู")])

    html = str(F()["title"]) + str(F()["kind"])
    assert "---------" not in html
    assert "— เลือกคำนำหน้า —" in html
    assert "— เลือกตำแหน่ง —" in html
