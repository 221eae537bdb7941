"""The English catalogue is complete and compiled (Thai is the source language)."""

from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def test_every_thai_string_has_an_english_translation():
    po = polib.pofile(str(PO))
    untranslated = [e.msgid for e in po if not e.obsolete and not e.translated()]
    assert untranslated == []


def test_the_compiled_catalogue_matches_the_source():
    po = polib.pofile(str(PO))
    mo = polib.mofile(str(MO))
    expected = {e.msgid: e.msgstr for e in po if e.translated() and not e.obsolete}
    assert {e.msgid: e.msgstr for e in mo if e.msgid} == expected, (
        "run `make messages` to recompile locale/en"
    )
