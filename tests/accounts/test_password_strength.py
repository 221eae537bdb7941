"""Weak passwords are refused wherever a person chooses one (AUTH_PASSWORD_VALIDATORS,
accounts/validators.py GuessablePasswordValidator), with Thai messages; the demo data's
published password is set without the validators and keeps working."""

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.rules import Role
from tests.factories import PASSWORD, valid_national_id

pytestmark = pytest.mark.django_db

GUESSABLE = "คาดเดาได้ง่าย"


def refusal(password, user=None) -> str:
    with pytest.raises(ValidationError) as error:
        validate_password(password, user)
    return " ".join(error.value.messages)


@pytest.mark.parametrize("password", [
    "Passw0rd!!",          # the report
    "P@ssword2567",
    "12345678",
    "1234567890",
    "nakhonphanom1",       # a province and a digit
    "Nakhonphanom2567!",
    "Bangkok@2567",
    "Sawasdee12345",
    "สวัสดี12345",          # Thai script
    "qwertyuiop1",
    "aaaaaaaaaaaa",
    "abcabcabc1",
    "ab12345678",
])
def test_common_and_thai_patterns_are_refused_in_thai(password):
    assert GUESSABLE in refusal(password) or "ตัวเลขทั้งหมด" in refusal(password)


def test_the_users_own_school_name_and_national_id_are_refused(world):
    user = world.a.users[Role.SCHOOL_ADMIN]
    school = world.a.school
    school.name_en = "Ban Nong Saeng School"
    school.save()
    assert GUESSABLE in refusal("BanNongSaeng2567", user)
    assert GUESSABLE in refusal("nongsaeng-1234", user)
    teacher = world.a.users[Role.STAFF]
    assert "เลขประจำตัวประชาชน" in refusal(f"kru{teacher.national_id}", teacher)


@pytest.mark.parametrize("password", [
    "Kho9!mTr#24zq", "Nok-Khao-Bin-2569!", "Sawasdee-Kru-2569", "ตะวันยามเช้า-42",
    "correct horse battery staple",
])
def test_strong_passwords_pass(world, password):
    validate_password(password, world.a.users[Role.STAFF])


def test_the_password_change_page_refuses_passw0rd(client, world):
    user = world.a.users[Role.STAFF]
    client.force_login(user)
    r = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "Passw0rd!!", "new_password2": "Passw0rd!!"})
    assert r.status_code == 200
    assert GUESSABLE in r.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_registration_refuses_a_province_name_with_digits(world):
    r = APIClient().post("/api/v1/staff-registrations/", {
        "national_id": valid_national_id(), "title_th": "นาง", "first_name": "อำไพ",
        "last_name": "ดีงาม", "birth_date": "1988-02-29", "position": "teacher",
        "school_code": world.a.school.code, "email": "ampai@example.test",
        "password": "nakhonphanom1",
    }, format="json")
    assert r.status_code == 400
    assert GUESSABLE in str(r.json()["password"])


def test_the_demo_password_is_weak_and_still_logs_the_demo_users_in(db):
    """seed_demo sets the published password with make_password (devdata/demo/world.py), not
    through the validators: production's rules stay as they are."""
    from django.core.management import call_command

    from devdata.demo import DEMO_PASSWORD

    with pytest.raises(ValidationError):
        validate_password(DEMO_PASSWORD)
    call_command("seed_demo", verbosity=0)
    assert authenticate(username="province_admin", password=DEMO_PASSWORD) is not None
