import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from core.thaidates import format_be


def render(value, options=""):
    arg = f':"{options}"' if options else ""
    return Template("{% load thai %}{{ d|thai_date" + arg + " }}").render(Context({"d": value}))


@pytest.mark.parametrize(
    ("value", "options", "expected"),
    [
        (datetime.date(2025, 5, 10), "", "10 พ.ค. 2568"),
        (datetime.date(2025, 5, 10), "thai_digits", "๑๐ พ.ค. ๒๕๖๘"),
        (datetime.date(2025, 5, 10), "long", "10 พฤษภาคม 2568"),
        (datetime.date(2024, 12, 31), "", "31 ธ.ค. 2567"),
        (datetime.date(2025, 1, 1), "", "1 ม.ค. 2568"),
        (datetime.date(2024, 2, 29), "long,thai_digits", "๒๙ กุมภาพันธ์ ๒๕๖๗"),
        (None, "", ""),
    ],
)
def test_the_filter_writes_buddhist_era_dates(value, options, expected):
    with translation.override("th"):
        assert render(value, options) == expected


def test_a_utc_datetime_is_shown_in_bangkok_time_and_can_change_the_day():
    late = datetime.datetime(2025, 5, 10, 18, 30, tzinfo=datetime.UTC)  # 01:30 on the 11th
    with translation.override("th"):
        assert render(late) == "11 พ.ค. 2568 01:30 น."
        assert render(late, "date") == "11 พ.ค. 2568"


def test_english_pages_keep_the_buddhist_year():
    with translation.override("en"):
        assert render(datetime.date(2025, 5, 10)) == "10 May 2568"
        assert render(datetime.date(2025, 5, 10), "long") == "10 May 2568"
        assert render(datetime.date(2025, 9, 3), "long") == "3 September 2568"


def test_format_be_of_a_bangkok_datetime():
    value = datetime.datetime(2025, 10, 1, 9, 5, tzinfo=ZoneInfo("Asia/Bangkok"))
    assert format_be(value) == "1 ต.ค. 2568 09:05 น."


def test_the_filter_reads_iso_dates_kept_in_json():
    from core.templatetags.thai import thai_date

    assert thai_date("2017-05-29") == "29 พ.ค. 2560"
    assert thai_date("not a date") == "not a date"


@pytest.mark.parametrize("style", ["short", "long"])
def test_plain_dates_read_as_pythainlp_writes_them(style):
    """format_be puts plain dates together from PyThaiNLP's month names (the list pages' fast
    path): every day of a leap year and the ends of the range read as thai_strftime has it."""
    from pythainlp.util import thai_strftime

    from core.thaidates import format_be

    pattern = "%-d %B %Y" if style == "long" else "%-d %b %Y"
    days = [datetime.date(2024, 1, 1) + datetime.timedelta(days=n) for n in range(366)]
    days += [datetime.date(1, 1, 1), datetime.date(9999, 12, 31)]
    for day in days:
        as_datetime = datetime.datetime(day.year, day.month, day.day)
        assert format_be(day, style=style) == thai_strftime(as_datetime, pattern), day
        assert format_be(as_datetime, style=style, with_time=False) == thai_strftime(
            as_datetime, pattern), day
