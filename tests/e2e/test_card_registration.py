"""The card reader in Chromium: the local agent (python -m cardreader.agent) runs against an
emulated Thai ID card in vsmartcard's virtual reader (through pcscd and pyscard); a teacher
clicks "อ่านบัตรประชาชน" on the staff registration form and the form fills itself from the card,
with the photo. Then: what the page says with no card, and with no agent at all."""

import contextlib
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from accounts.models import StaffRegistration
from tests.cardreader import emulator
from tests.cardreader.pcsc import pcsc_fixture, wait_for_card
from tests.factories import build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Khru-Bat-2569!"


@pytest.fixture(scope="module")
def pcsc():
    yield from pcsc_fixture()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_agent(origin: str):
    """``python -m cardreader.agent`` on a free port, answering ``origin``; yields its URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "cardreader.agent", "--port", str(port), "--allow-origin", origin],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        banner = process.stdout.readline()
        assert f"127.0.0.1:{port}" in banner, banner
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()


@pytest.fixture
def agent(pcsc, live_server, settings):
    """The agent for the live server's origin; the page is told where it listens."""
    with running_agent(live_server.url) as url:
        settings.CARDREADER_AGENT_URL = url
        yield url


@pytest.fixture
def card(pcsc):
    profile = emulator.CardProfile(photo=emulator.make_jpeg())
    virtual = emulator.VirtualCard(profile).insert()
    wait_for_card(True)
    yield profile
    virtual.remove()
    wait_for_card(False)


def test_the_registration_form_fills_itself_from_the_card(page, agent, card, artifact):
    world = build_world()
    page.goto("/register/staff/")
    page.get_by_role("button", name="อ่านบัตรประชาชน").click()
    status = page.get_by_test_id("card-reader-status")
    status.filter(has_text="อ่านบัตรแล้ว").wait_for()

    assert page.locator("#id_national_id").input_value() == card.citizen_id
    assert page.locator("#id_title_th").input_value() == "นาย"
    assert page.locator("#id_first_name").input_value() == "ทดสอบ"
    assert page.locator("#id_last_name").input_value() == "บัตรดี"
    assert page.locator("#id_title_en").input_value() == "Mr."
    assert page.locator("#id_first_name_en").input_value() == "Thotsop"
    assert page.locator("#id_last_name_en").input_value() == "Batdee"
    assert page.locator("#id_birth_date").input_value() == "25/04/2523"  # shown in พ.ศ.
    assert page.locator("#id_from_card").input_value() == "True"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", page.locator("#id_card_expiry").input_value())
    photo = page.get_by_test_id("card-photo")
    assert photo.is_visible()
    assert photo.evaluate("img => img.complete && img.naturalWidth") == 60  # the JPEG decoded
    page.screenshot(path=artifact("card-reader-filled.png"), full_page=True)

    # the person adds what the card does not hold, and registers
    page.locator("#id_position").select_option("teacher")
    page.get_by_role("combobox", name="สถานศึกษา").fill("โรงเรียน")
    page.get_by_role("option").filter(has_text=world.a.school.name).click()
    page.locator("#id_email").fill("thotsop@school.test")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="ลงทะเบียน", exact=True).click()
    page.get_by_test_id("registered").wait_for()
    registration = StaffRegistration.objects.select_related("user").get()
    assert registration.from_card
    assert registration.user.national_id == card.citizen_id
    assert registration.user.first_name_en == "Thotsop"
    assert registration.birth_date.isoformat() == "1980-04-25"


def test_no_card_in_the_reader_says_what_to_do(page, agent):
    wait_for_card(False)
    page.goto("/register/staff/")
    page.get_by_role("button", name="อ่านบัตรประชาชน").click()
    page.get_by_test_id("card-reader-status").filter(has_text="ไม่พบบัตรในเครื่องอ่าน").wait_for()
    assert "เสียบบัตรประชาชนเข้าเครื่องอ่านให้สุด" in (
        page.get_by_test_id("card-reader-help-no-card").inner_text())
    assert page.locator("#id_national_id").input_value() == ""


def test_no_agent_running_says_how_to_start_it(page, settings, artifact):
    settings.CARDREADER_AGENT_URL = f"http://127.0.0.1:{free_port()}"  # nobody listens
    page.goto("/register/staff/")
    page.get_by_role("button", name="อ่านบัตรประชาชน").click()
    page.get_by_test_id("card-reader-status").filter(
        has_text="ไม่พบโปรแกรมอ่านบัตรบนเครื่องนี้").wait_for()
    help_text = page.get_by_test_id("card-reader-help-agent")
    assert help_text.is_visible()
    assert "python -m cardreader.agent" in help_text.inner_text()
    assert page.get_by_role("button", name="อ่านบัตรประชาชน").is_enabled()  # may try again
    page.screenshot(path=artifact("card-reader-no-agent.png"), full_page=True)


def test_an_agent_set_up_for_another_site_is_told_apart(page, pcsc, settings):
    with running_agent("https://other-portal.example") as url:
        settings.CARDREADER_AGENT_URL = url
        page.goto("/register/staff/")
        page.get_by_role("button", name="อ่านบัตรประชาชน").click()
        page.get_by_test_id("card-reader-status").filter(
            has_text="ไม่ได้ตั้งค่าให้ใช้กับเว็บไซต์นี้").wait_for()
    assert page.get_by_test_id("card-reader-help-agent").is_visible()
