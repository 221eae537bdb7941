"""The school-admin journey in Chromium (ว22/2565): register with a delegation → the LAO admin
approves → the link from the email → set the password → log in as the school's admin → a teacher
registers and verifies the email → the school's admin approves against the roster → the teacher
logs in and sees the dashboard."""

import re

import pytest
from django.core import mail

from accounts.rules import Role
from tests.factories import PASSWORD, PDF_BYTES, build_world, valid_national_id

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Khru-Yai-2569!"
TEACHER_PASSWORD = "Khru-Noi-2569!"


@pytest.fixture
def world_live(settings, live_server):
    """Emails go to django.core.mail.outbox, sent at commit inside the live server's thread
    (Celery eager; its own setting, which other tests leave set and which wins over Django's)."""
    from dlep.celery import app

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PORTAL_URL = live_server.url
    mail.outbox = []
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield build_world()
    app.conf.task_always_eager = before


def test_register_approve_set_password_and_log_in(page, world_live, artifact, log_in):
    world = world_live
    school = world.a.school2

    # 1. the public page: find the school by name, fill in, the delegation field appears
    page.goto("/register/school-admin/")
    assert page.locator("#row-delegation").is_hidden()
    page.get_by_test_id("school-search").fill("ศพด")
    option = page.get_by_test_id("school-option").filter(has_text="MARKER-A")
    option.click()
    assert page.locator("#id_school").input_value() == school.code
    assert school.name in page.get_by_test_id("school-chosen").inner_text()

    page.locator("#id_position").select_option("director")
    assert page.locator("#row-delegation").is_hidden()
    page.locator("#id_acting_director_elsewhere").check()
    assert page.locator("#row-delegation").is_visible()  # acting here, heading another school
    page.locator("#id_position").select_option("teacher")
    assert page.locator("#row-acting_director_elsewhere").is_hidden()
    assert page.locator("#row-delegation").is_visible()

    page.locator("#id_title_th").fill("นาง")
    page.locator("#id_first_name").fill("วิไล")
    page.locator("#id_last_name").fill("ดีงาม")
    page.locator("#id_email").fill("wilai@school.test")
    page.locator("#id_delegation").set_input_files(
        {"name": "มอบหมาย.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES})
    page.screenshot(path=artifact("school-admin-register.png"), full_page=True)
    page.get_by_test_id("submit").click()
    assert school.name in page.get_by_test_id("registered").inner_text()
    lao_admin = world.a.users[Role.LAO_ADMIN]
    assert [m.to for m in mail.outbox] == [[lao_admin.email]]

    # 2. the LAO admin approves
    log_in(lao_admin.username, PASSWORD)
    page.goto("/accounts/school-admin-requests/")
    request = page.get_by_test_id("school-admin-request")
    assert request.count() == 1
    assert "วิไล" in request.inner_text()
    page.screenshot(path=artifact("school-admin-requests.png"), full_page=True)
    request.get_by_test_id("approve").click()
    assert "wilai@school.test" in page.get_by_role("alert").first.inner_text()
    page.get_by_test_id("logout").click()

    # 3. the link from the email
    body = mail.outbox[-1].body
    link = re.search(r"http\S+/accounts/set-password/\S+/", body).group(0)
    page.goto(link)
    assert page.get_by_test_id("username").inner_text() == "wilai"
    page.get_by_label("รหัสผ่านใหม่", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("ยืนยันรหัสผ่านใหม่").fill(NEW_PASSWORD)
    page.get_by_role("button", name="ตั้งรหัสผ่าน").click()
    page.wait_for_url(re.compile(r"/login/"))
    assert "ตั้งรหัสผ่านเรียบร้อยแล้ว" in page.get_by_role("alert").first.inner_text()

    # 4. the school's admin logs in and sees the school
    log_in("wilai", NEW_PASSWORD)
    card = page.get_by_test_id("role-card").first.inner_text()
    assert "ผู้ดูแลสถานศึกษา" in card
    assert school.name in card
    page.screenshot(path=artifact("school-admin-dashboard.png"), full_page=True)

    # the link was single-use
    page.get_by_test_id("logout").click()
    page.goto(link)
    assert "ถูกใช้ไปแล้ว" in page.get_by_test_id("invalid-link").inner_text()

    # 5. a teacher of the school registers (the card reader would fill these fields)
    teacher_id = valid_national_id()
    page.goto("/register/staff/")
    page.locator("#id_national_id").fill(teacher_id)
    page.locator("#id_title_th").fill("นาย")
    page.locator("#id_first_name").fill("ชัยวัฒน์")
    page.locator("#id_last_name").fill("ขยันสอน")
    page.locator("#id_birth_date").fill("12/08/2535")  # the Buddhist era
    page.locator("#id_position").select_option("teacher")
    page.get_by_role("combobox", name="สถานศึกษา").fill("ศพด")
    page.get_by_role("option").filter(has_text=school.name).click()
    page.locator("#id_email").fill("chaiwat@school.test")
    page.locator("#id_password1").fill(TEACHER_PASSWORD)
    page.locator("#id_password2").fill(TEACHER_PASSWORD)
    page.get_by_role("button", name="ลงทะเบียน").click()
    assert "ลงทะเบียนแล้ว" in page.get_by_test_id("registered").inner_text()
    verify = re.search(r"http\S+/register/staff/verify/\S+/", mail.outbox[-1].body).group(0)
    page.goto(verify)
    assert "ยืนยันอีเมลแล้ว" in page.get_by_test_id("verified").inner_text()
    assert mail.outbox[-1].to == ["wilai@school.test"]  # the school's new admin is told

    # 6. the school's admin approves: the ID is on no roster, so the teacher is added to it
    log_in("wilai", NEW_PASSWORD)
    page.goto("/personnel/registrations/")
    row = page.get_by_test_id("registration-row")
    assert "ชัยวัฒน์" in row.inner_text()
    assert row.get_by_test_id("match-new").count() == 1
    row.get_by_role("button", name="อนุมัติ", exact=True).click()
    assert "อนุมัติแล้ว" in page.get_by_role("alert").first.inner_text()
    page.get_by_test_id("logout").click()

    # 7. the teacher logs in and sees the dashboard of the school
    username = re.search(r"ชื่อผู้ใช้: (\S+)", mail.outbox[-1].body).group(1)
    log_in(username, TEACHER_PASSWORD)
    card = page.get_by_test_id("role-card").first.inner_text()
    assert "บุคลากร" in card
    assert school.name in card
    page.screenshot(path=artifact("teacher-approved-dashboard.png"), full_page=True)
