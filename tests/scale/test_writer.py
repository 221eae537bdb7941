"""The bulk writer: COPY's text format, and a field nobody fills is an error, not bad data."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Organization
from devdata.scale.writer import Writer, copy_text


def test_copy_text_escapes_what_copy_reads_as_syntax():
    assert copy_text(None) == "\\N"
    assert copy_text(True) == "t"
    assert copy_text(False) == "f"
    assert copy_text(Decimal("25000.50")) == "25000.50"
    assert copy_text(datetime.date(2025, 10, 1)) == "2025-10-01"
    assert copy_text({"ชื่อ": "ครู"}) == '{"ชื่อ": "ครู"}'
    assert copy_text("a\tb\nc\\d") == "a\\tb\\nc\\\\d"


@pytest.mark.django_db
def test_a_column_without_a_value_or_default_is_refused():
    writer = Writer(now=timezone.now(), copy=False)
    with pytest.raises(ValueError, match=r"Organization\.depth"):
        writer.write(Organization, ["id", "name", "path"], [])
