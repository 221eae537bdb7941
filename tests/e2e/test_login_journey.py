import io
import re

import pytest
from django.core.management import call_command

from devdata.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_world(settings):
    call_command("seed_demo", stdout=io.StringIO())


def test_teacher_logs_in_sees_the_thai_dashboard_and_logs_out(page, demo_world, artifact):
    page.goto("/")
    # sent to the Thai login page
    assert "/login/" in page.url
    assert page.locator("html").get_attribute("lang") == "th"
    page.get_by_label("ชื่อผู้ใช้").fill("teacher")
    page.get_by_label("รหัสผ่าน").fill("not-the-password")
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in page.get_by_test_id("login-error").inner_text()

    page.get_by_label("ชื่อผู้ใช้").fill("teacher")
    page.get_by_label("รหัสผ่าน").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.wait_for_url(re.compile(r"/$"))

    title = page.get_by_test_id("dashboard-title").inner_text()
    assert title.startswith("สวัสดี")
    cards = page.get_by_test_id("role-card")
    assert cards.count() == 1
    card = cards.first.inner_text()
    assert "บุคลากร" in card
    assert "โรงเรียนเทศบาล ๑ (บ้านหนองแสง)" in card
    assert "แพร่" not in page.content()  # the other province is nowhere on the page
    # The Sarabun font from static/ is what the page is drawn with (no CDN).
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Sarabun" in font
    assert page.evaluate("document.fonts.check('16px Sarabun', 'สวัสดี')")
    page.screenshot(path=artifact("teacher-dashboard.png"), full_page=True)

    page.get_by_test_id("logout").click()
    page.wait_for_url(re.compile(r"/login/"))
    page.goto("/")
    assert "/login/" in page.url
