"""Issue 17 item 4: a teacher without an account starts from the login page, finds the school
by part of its name (suggestions from the school search, no code to type), types the birth date
in the Buddhist era, makes a mistake, sees the chosen school kept, fixes it and registers."""

import datetime

import pytest

from accounts.models import StaffRegistration
from accounts.rules import OrgKind
from tests.factories import build_world, make_org, valid_national_id

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Khru-Mai-2569!"


def test_from_the_login_page_to_a_registration(page, artifact):
    world = build_world()
    school = make_org(world.a.lao, OrgKind.SCHOOL, "โรงเรียนบ้านหนองญาติวิทยา")
    make_org(world.a.lao, OrgKind.SCHOOL, "โรงเรียนบ้านโพนสวรรค์")
    page.goto("/login/")
    page.get_by_role("link", name="ลงทะเบียนบุคลากร").click()
    page.wait_for_url("**/register/staff/")

    # every select says what to choose, in Thai, not "---------"
    assert page.locator("#id_position option").first.inner_text() == "— เลือกตำแหน่ง —"

    page.locator("#id_national_id").fill(valid_national_id())
    page.locator("#id_title_th").fill("นางสาว")
    page.locator("#id_first_name").fill("มาลี")
    page.locator("#id_last_name").fill("ตั้งใจสอน")
    page.get_by_label("วันเกิด").fill("15/03/2528")
    page.locator("#id_position").select_option("teacher")

    # the school by part of its name: suggestions, then a pick
    search = page.get_by_role("combobox", name="สถานศึกษา")
    search.fill("หนองญาติ")  # a piece of the name, not its start
    options = page.get_by_role("listbox").get_by_role("option")
    options.first.wait_for()
    assert options.filter(has_text=school.name).count() == 1
    options.filter(has_text=school.name).click()
    assert search.input_value() == school.name
    assert school.name in page.get_by_test_id("school-chosen").inner_text()

    # a mistake: the passwords differ
    page.locator("#id_email").fill("malee@school.test")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD + "x")
    page.get_by_role("button", name="ลงทะเบียน", exact=True).click()
    assert "ไม่ตรงกัน" in page.get_by_test_id("error-password2").inner_text()
    # the school and the Buddhist-era date are kept
    assert page.get_by_role("combobox", name="สถานศึกษา").input_value() == school.name
    assert school.name in page.get_by_test_id("school-chosen").inner_text()
    assert page.get_by_label("วันเกิด").input_value() == "15/03/2528"
    page.screenshot(path=artifact("staff-register-error.png"), full_page=True)

    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="ลงทะเบียน", exact=True).click()
    page.get_by_test_id("registered").wait_for()
    registration = StaffRegistration.objects.select_related("school").get()
    assert registration.school == school
    assert registration.birth_date == datetime.date(1985, 3, 15)


def test_a_year_in_the_common_era_gets_a_thai_message(page):
    build_world()
    page.goto("/register/staff/")
    page.get_by_label("วันเกิด").fill("15/03/1985")
    page.get_by_role("button", name="ลงทะเบียน", exact=True).click()
    assert "พุทธศักราช" in page.get_by_test_id("error-birth_date").inner_text()
    assert "ค้นหาและเลือกสถานศึกษา" in page.get_by_test_id("error-school_name").inner_text()
