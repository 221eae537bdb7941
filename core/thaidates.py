"""Buddhist-era dates, as Thai offices write them: ``10 พ.ค. 2568``, ``๑๐ พ.ค. ๒๕๖๘``.

The formatting is PyThaiNLP's ``thai_strftime``; this module only chooses the pattern, turns
datetimes into Bangkok time, and gives the English form when the page is in English. A plain
date in Arabic digits, the form of every list page, is put together from PyThaiNLP's own month
names instead (``thai_strftime`` parses its pattern on every call: ~35 µs a date, 2 ms for a
page of fifty; tests/dlep/test_thaidates.py holds the two to the same text).
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from pythainlp.util import thai_strftime
from pythainlp.util.date import thai_abbr_months, thai_full_months

# Buddhist era = Common era + 543 (the Thai calendar since 1941).
BE_OFFSET = 543

EN_MONTHS_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                  "Dec")
EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")


def to_local(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def format_be(value, *, style: str = "short", thai_digits: bool = False, lang: str = "th",
              with_time: bool | None = None) -> str:
    """Format a date or datetime in the Buddhist era.

    style "short": 10 พ.ค. 2568; "long": 10 พฤษภาคม 2568. A datetime also gets its Bangkok
    time (14:05 น.) unless ``with_time`` is False.
    """
    if value in (None, ""):
        return ""
    value = to_local(value)
    is_datetime = isinstance(value, datetime.datetime)
    if with_time is None:
        with_time = is_datetime
    if lang == "en":
        months = EN_MONTHS if style == "long" else EN_MONTHS_ABBR
        text = f"{value.day} {months[value.month - 1]} {value.year + BE_OFFSET}"
        if with_time and is_datetime:
            text += f", {value:%H:%M}"
        return text
    if not (with_time and is_datetime) and not thai_digits:
        months = thai_full_months if style == "long" else thai_abbr_months
        return f"{value.day} {months[value.month - 1]} {value.year + BE_OFFSET:04d}"
    if not is_datetime:
        value = datetime.datetime(value.year, value.month, value.day)
    pattern = "%-d %B %Y" if style == "long" else "%-d %b %Y"
    if with_time and is_datetime:
        pattern += " %H:%M น."
    return thai_strftime(value, pattern, thaidigit=thai_digits)
