"""A DLA admin's first login in Chromium: the password, the QR code to scan, the first code, the
backup codes, the dashboard; and the next login, which asks for a code again."""

import io
import re
import time

import pytest
from django.core.management import call_command
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from devdata.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def next_code(device):
    """What the phone would show: the current step, or the next one after a code just used."""
    device.refresh_from_db()
    now = int((time.time() - device.t0) // device.step) + device.drift
    return f"{hotp(device.bin_key, max(now, device.last_t + 1), digits=device.digits):06d}"


def test_a_dla_admin_scans_the_qr_code_and_enters_codes(page, settings, artifact, log_in):
    settings.TWO_FACTOR_REQUIRED_ROLES = ["dla_admin", "province_admin"]
    call_command("seed_demo", stdout=io.StringIO())
    page.goto("/login/")
    assert page.get_by_test_id("forgot-password").inner_text() == "ลืมรหัสผ่าน?"
    log_in("dla_admin", DEMO_PASSWORD, dashboard=False)
    page.wait_for_url(re.compile(r"/two-factor/setup/"))
    assert page.get_by_test_id("two-factor-required").is_visible()
    qr = page.get_by_test_id("qr").locator("svg")
    assert qr.bounding_box()["width"] > 100  # drawn in the page, no outside service
    page.screenshot(path=artifact("two-factor-setup.png"), full_page=True)
    device = TOTPDevice.objects.get(user__username="dla_admin", confirmed=False)
    page.get_by_label("รหัสยืนยันตัวตน").fill("000000")
    page.get_by_role("button", name="ยืนยัน").click()
    assert "รหัสไม่ถูกต้อง" in page.get_by_test_id("code-error").inner_text()
    page.wait_for_timeout(1100)  # django-otp makes the next try wait a second after a wrong one
    page.get_by_label("รหัสยืนยันตัวตน").fill(next_code(device))
    page.get_by_role("button", name="ยืนยัน").click()
    page.get_by_test_id("enrolled").wait_for()
    assert page.get_by_test_id("backup-codes").locator("li").count() == 10
    page.get_by_test_id("continue").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.get_by_test_id("dashboard-title").inner_text().startswith("สวัสดี")

    page.get_by_test_id("logout").click()
    page.wait_for_url(re.compile(r"/login/"))
    log_in("dla_admin", DEMO_PASSWORD, dashboard=False)
    page.wait_for_url(re.compile(r"/two-factor/verify/"))
    page.get_by_label("รหัสยืนยันตัวตน").fill(next_code(device))
    page.get_by_role("button", name="ยืนยัน").click()
    page.wait_for_url(re.compile(r"/$"))
    page.get_by_test_id("dashboard-title").wait_for()
