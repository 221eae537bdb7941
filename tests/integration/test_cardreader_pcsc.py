"""The card reader through the real PC/SC stack: an emulated Thai ID card (tests/cardreader/
emulator.py) in vsmartcard's virtual reader, pcscd, pyscard, our reader code, the local agent
and the read_id_card command. Skipped with the reason without pcscd/vpcd/pyscard, except under
CI=true, where that is a failure."""

import datetime
import http.client
import io
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from cardreader import reader
from cardreader.errors import (
    CardExpiredError,
    CardRemovedError,
    NoCardError,
    NotThaiIdCardError,
    ReaderServiceError,
)
from tests.cardreader import emulator
from tests.cardreader.pcsc import VPCD_READER, pcsc_fixture, wait_for_card

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
PHOTO = emulator.make_jpeg()


@pytest.fixture(scope="module")
def pcsc():
    yield from pcsc_fixture()


@pytest.fixture
def insert(pcsc):
    """Put an emulated card in the virtual reader; it is pulled out at the end of the test."""
    cards = []

    def _insert(profile=None, *, reader_name=VPCD_READER, **options):
        card = emulator.VirtualCard(profile, **options).insert()
        cards.append((card, reader_name))
        wait_for_card(True, reader=reader_name)
        return card

    yield _insert
    for card, reader_name in cards:
        card.remove()
        wait_for_card(False, reader=reader_name)
    for card, _ in cards:
        assert card.error is None, card.error


def test_a_full_read_with_the_photo_through_pcscd(insert):
    profile = emulator.CardProfile(photo=PHOTO)
    card = insert(profile)
    started = time.perf_counter()
    data = reader.read_card(photo=True)
    elapsed = time.perf_counter() - started

    assert data.national_id == profile.citizen_id
    assert (data.name_th.title, data.name_th.first, data.name_th.last) == ("นาย", "ทดสอบ",
                                                                           "บัตรดี")
    assert data.name_en.full == "Mr. Thotsop Batdee"
    assert data.birth_date.earliest() == datetime.date(1980, 4, 25)
    assert data.gender == "male"
    assert data.issuer == profile.issuer
    assert data.address.road == "ถนนสุนทรวิจิตร"
    assert data.address.province == "จังหวัดนครพนม"
    assert data.photo == PHOTO
    assert data.atr.startswith("3B 79 18 00 00 54 48 20 4E 49 44")
    # SELECT + 9 fields + 20 photo chunks, each with its GET RESPONSE
    assert len(card.commands) == 60
    # ~4 ms here with TCP_QUICKACK in the emulator; ~3 s without it (CARDREADER.md)
    assert elapsed < 1.0, f"a full read took {elapsed:.3f} s"


def test_a_long_address_is_read_whole_through_pcscd(insert):
    """The card keeps the address in 160 bytes from 0x1579; the emulator's memory is laid out
    from literal offsets (tests/cardreader/card_layout.py), not from the reader's constants."""
    address = ("123/456#หมู่ที่ 12#ตรอกวัดศรีสุมังคลาราม#ซอยประชาร่วมใจพัฒนา 3"
               "#ถนนสุนทรวิจิตร#ตำบลหนองญาติ#อำเภอเมืองนครพนม#จังหวัดนครพนม")
    assert len(address.encode("tis-620")) > 100
    card = insert(emulator.CardProfile(address=address))
    data = reader.read_card()
    assert data.address.soi == "ซอยประชาร่วมใจพัฒนา 3"
    assert (data.address.subdistrict, data.address.district, data.address.province) == (
        "ตำบลหนองญาติ", "อำเภอเมืองนครพนม", "จังหวัดนครพนม")
    assert bytes.fromhex("80 B0 15 79 02 00 A0") in card.commands


def test_the_reader_with_the_card_is_used_not_the_first_one(insert):
    insert(emulator.CardProfile(), port=emulator.VPCD_PORT + 1, reader_name="Virtual PCD 00 01")
    assert reader.read_card().national_id == "1103700012346"
    status = {r["name"]: r["card_present"] for r in reader.status()["readers"]}
    assert status == {VPCD_READER: False, "Virtual PCD 00 01": True}
    with pytest.raises(NoCardError):
        reader.read_card(reader=VPCD_READER)


def test_an_old_generation_card_with_its_get_response_variant(insert):
    insert(emulator.CardProfile(), atr=emulator.ATR_OLD_GENERATION, get_response_p2=0x01)
    data = reader.read_card()
    assert data.name_th.last == "บัตรดี"
    assert data.atr.startswith("3B 67")


@pytest.mark.parametrize("remove_after", [7, 31])  # among the text fields; in the photo
def test_the_card_removed_mid_read(insert, remove_after):
    card = insert(emulator.CardProfile(photo=PHOTO), remove_after=remove_after)
    with pytest.raises(CardRemovedError) as caught:
        reader.read_card(photo=True)
    assert "ถูกดึงออก" in caught.value.message
    assert card.removed.is_set()
    assert len(card.commands) == remove_after
    wait_for_card(False)
    with pytest.raises(NoCardError):  # and then the reader is empty
        reader.read_card()


def test_a_card_that_is_not_a_thai_id_card(insert):
    insert(None, atr=emulator.ATR_OTHER_CARD)
    with pytest.raises(NotThaiIdCardError) as caught:
        reader.read_card()
    assert caught.value.message == "บัตรในเครื่องอ่านไม่ใช่บัตรประจำตัวประชาชนไทย"


def test_no_card(pcsc):
    wait_for_card(False)
    with pytest.raises(NoCardError) as caught:
        reader.read_card()
    assert "ไม่พบบัตร" in caught.value.message
    assert not any(r["card_present"] for r in reader.status()["readers"])


def test_an_expired_card(insert):
    expired = emulator.thai_date(datetime.date.today() - datetime.timedelta(days=1))
    insert(emulator.CardProfile(expiry_date=expired))
    with pytest.raises(CardExpiredError):
        reader.read_card()
    assert reader.read_card(check_expiry=False).is_expired(datetime.date.today())


def test_pcscd_not_answering_is_a_reader_service_error(pcsc):
    """Another socket name makes libpcsclite find no pcscd (in a child, to leave ours alone)."""
    code = ("from cardreader import reader, errors\n"
            "try:\n    reader.read_card()\n"
            "except errors.ReaderServiceError as e:\n    print(e.code)\n")
    env = {**os.environ, "PCSCLITE_CSOCK_NAME": "/nonexistent/pcscd.comm"}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == ReaderServiceError.code, result.stderr


def test_the_read_id_card_command(insert):
    insert(emulator.CardProfile(photo=PHOTO))
    out = io.StringIO()
    call_command("read_id_card", stdout=out)
    data = json.loads(out.getvalue())
    assert data["national_id"] == "1103700012346"
    assert "photo_jpeg_base64" not in data
    out = io.StringIO()
    call_command("read_id_card", "--photo", stdout=out)
    assert json.loads(out.getvalue())["photo_jpeg_base64"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_agent(port: int, origin: str) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "cardreader.agent", "--port", str(port), "--allow-origin", origin],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    banner = process.stdout.readline()
    assert f"127.0.0.1:{port}" in banner, banner
    return process


def stop_agent(process: subprocess.Popen) -> str:
    process.terminate()
    try:
        output, _ = process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return output


def test_the_agent_reads_the_card_for_the_portal(insert):
    origin = "http://portal.test:8000"
    port = free_port()
    process = start_agent(port, origin)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/status", headers={"Origin": origin})
        status = json.loads(conn.getresponse().read())
        assert status["ready"]
        assert not status["card_present"]

        insert(emulator.CardProfile(photo=PHOTO))
        conn.request("POST", "/read", body=json.dumps({"photo": True}),
                     headers={"Origin": origin, "Content-Type": "application/json"})
        response = conn.getresponse()
        answer = json.loads(response.read())
        assert response.status == 200
        assert response.getheader("Access-Control-Allow-Origin") == origin
        assert answer["registration"]["national_id"] == "1103700012346"
        assert answer["registration"]["birth_date"] == "1980-04-25"
        assert answer["card"]["photo_jpeg_base64"]

        conn.request("POST", "/read", body="{}", headers={"Origin": "https://other.example",
                                                          "Content-Type": "application/json"})
        assert conn.getresponse().status == 403
        conn.close()
    finally:
        output = stop_agent(process)
    assert "POST /read 200" in output
    for secret in ("1103700012346", "ทดสอบ", "Thotsop", "1980"):
        assert secret not in output
