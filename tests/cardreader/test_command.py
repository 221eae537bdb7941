"""``python manage.py read_id_card`` with the card replaced by a recorded one (the same command
through pcscd is in tests/integration/test_cardreader_pcsc.py)."""

import base64
import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command

from cardreader import reader
from cardreader.card import read_from
from cardreader.errors import CardExpiredError, NoCardError
from tests.cardreader.recording import ReplayTransport, load


@pytest.fixture
def recorded(monkeypatch):
    calls = []
    recording = load("th_nid_full_with_photo")
    today = datetime.date.fromisoformat(recording["recorded"])

    def fake_read_card(*, reader=None, photo=False, check_expiry=True):
        calls.append({"reader": reader, "photo": photo, "check_expiry": check_expiry})
        return read_from(ReplayTransport(recording), photo=photo, today=today,
                         check_expiry=check_expiry)

    monkeypatch.setattr(reader, "read_card", fake_read_card)
    return calls


def run(*args) -> dict:
    out = io.StringIO()
    call_command("read_id_card", *args, stdout=out)
    return json.loads(out.getvalue())


def test_prints_the_card_as_json_without_the_photo(recorded):
    data = run()
    assert data["national_id"] == "3100500123458"  # in full: the user asked for it
    assert data["name_th"]["full"] == "น.ส.สมหญิง รักเรียน"
    assert data["address"]["province"] == "จังหวัดนครพนม"
    assert "photo_jpeg_base64" not in data
    assert recorded == [{"reader": None, "photo": False, "check_expiry": True}]


def test_the_photo_when_asked(recorded):
    data = run("--photo", "--reader", "ACS ACR39U")
    assert base64.b64decode(data["photo_jpeg_base64"]).startswith(b"\xff\xd8")
    assert recorded[-1]["reader"] == "ACS ACR39U"


def test_errors_are_thai_messages_with_their_code(monkeypatch):
    def no_card(**kwargs):
        raise NoCardError()

    monkeypatch.setattr(reader, "read_card", no_card)
    with pytest.raises(CommandError, match=r"ไม่พบบัตรในเครื่องอ่าน.*\[no_card\]"):
        call_command("read_id_card", stdout=io.StringIO())


def test_an_expired_card_only_with_allow_expired(monkeypatch, recorded):
    def expired(**kwargs):
        if kwargs["check_expiry"]:
            raise CardExpiredError(expiry=datetime.date(2020, 1, 1))
        return reader_read(**kwargs)

    reader_read = reader.read_card
    monkeypatch.setattr(reader, "read_card", expired)
    with pytest.raises(CommandError, match="หมดอายุ"):
        call_command("read_id_card", stdout=io.StringIO())
    assert run("--allow-expired")["national_id"] == "3100500123458"


def test_list_readers(monkeypatch):
    monkeypatch.setattr(reader, "status", lambda: {"readers": [
        {"name": "Virtual PCD 00 00", "card_present": True}]})
    assert run("--list-readers") == {"readers": [{"name": "Virtual PCD 00 00",
                                                  "card_present": True}]}
