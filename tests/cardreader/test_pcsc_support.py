"""Without pcscd the PC/SC tests skip with the reason; under CI=true they fail instead."""

import pytest

from tests.cardreader import pcsc


def test_skips_with_the_reason_outside_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"pcscd is not installed.*apt-get install"):
        pcsc.skip_or_fail("pcscd is not installed")


@pytest.mark.parametrize("value", ["true", "1", "TRUE"])
def test_fails_under_ci(monkeypatch, value):
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception, match=r"CI=true.*pcscd is not installed"):
        pcsc.skip_or_fail("pcscd is not installed")


def test_a_missing_pyscard_is_named(monkeypatch):
    monkeypatch.setattr(pcsc.importlib.util, "find_spec", lambda name: None)
    assert pcsc.missing_piece() == "pyscard is not installed"
