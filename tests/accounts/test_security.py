"""Login security: the lockout, two-factor authentication, password reset by email, Thai
password rules, session expiry, and the audit rows they write."""

import datetime
import re
import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import hotp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts import security, two_factor
from accounts.models import ApiToken, AuditEvent
from accounts.rules import Role
from dlep.celery import app as celery_app
from tests import walker
from tests.factories import PASSWORD, UserFactory, member

pytestmark = pytest.mark.django_db

WRONG = "not-the-password"
LOCKED_TEXT = "ระงับการเข้าสู่ระบบ"


@pytest.fixture
def two_factor_on(settings):
    """The requirement as deployed (tests/conftest.py turns it off for the rest of the suite)."""
    settings.TWO_FACTOR_REQUIRED_ROLES = ["dla_admin", "province_admin"]
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # codes in a row without waiting; throttling: below


@pytest.fixture
def mailer(django_capture_on_commit_callbacks):
    """Run what a view queues for after the commit, with the Celery task inline."""
    celery_app.conf.task_always_eager = True

    def run(fn):
        with django_capture_on_commit_callbacks(execute=True):
            return fn()

    yield run
    celery_app.conf.task_always_eager = False


def login_post(client, user_or_name, password, **extra):
    username = getattr(user_or_name, "username", user_or_name)
    return client.post("/login/", {"username": username, "password": password}, **extra)


def code_at(device, step):
    """The device's code for one time step (django-otp counts steps with the drift in)."""
    return f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}"


def code_for(device):
    """A TOTP code django-otp accepts now: the current step, or the one after the last step
    used (a code is never accepted twice)."""
    device.refresh_from_db()
    now = int((time.time() - device.t0) // device.step) + device.drift
    return code_at(device, max(now, device.last_t + 1))


# --- Lockout ----------------------------------------------------------------------------------


def test_the_fifth_failure_locks_that_username_from_that_address_only(client, world):
    user = world.a.users[Role.STAFF]
    for _i in range(4):
        r = login_post(client, user, WRONG)
        assert r.status_code == 200
        assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in r.content.decode()
    r = login_post(client, user, WRONG)
    assert r.status_code == 429
    html = r.content.decode()
    assert LOCKED_TEXT in html
    until = timezone.localtime(timezone.now() + datetime.timedelta(minutes=15))
    assert re.search(r"ลองใหม่หลังเวลา \d\d:\d\d น\.", html)
    assert f"{until:%H}:" in html
    assert "อีกประมาณ 15 นาที" in html
    assert int(r["Retry-After"]) > 14 * 60
    # the right password does not help while locked
    r = login_post(client, user, PASSWORD)
    assert r.status_code == 429
    assert "_auth_user_id" not in client.session
    # another address, same username: not locked
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert login_post(other, user, PASSWORD).status_code == 302
    # the same address, another username: not locked
    neighbour = world.a.users[Role.SCHOOL_ADMIN]
    assert login_post(Client(), neighbour, PASSWORD).status_code == 302


def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(client, world):
    user = world.a.users[Role.STAFF]
    for n in range(5):
        r = login_post(client, user, WRONG, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert r.status_code == 429  # BEHIND_TLS_PROXY is off: the header is not believed


def test_behind_the_proxy_the_address_is_the_one_the_proxy_appended(settings):
    rf = RequestFactory()
    request = rf.post("/login/", REMOTE_ADDR="127.0.0.1",
                      HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7")
    assert security.client_ip(request) == "127.0.0.1"
    settings.BEHIND_TLS_PROXY = True
    assert security.client_ip(request) == "198.51.100.7"  # the right-most: what nginx saw
    request = rf.post("/login/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="not an address")
    assert security.client_ip(request) is None


def test_a_success_forgets_the_failures(client, world):
    user = world.a.users[Role.STAFF]
    for _i in range(4):
        login_post(client, user, WRONG)
    assert login_post(client, user, PASSWORD).status_code == 302
    client.post("/logout/")
    for _i in range(4):
        assert login_post(client, user, WRONG).status_code == 200


def test_the_lockout_ends_after_the_cool_off(client, world):
    user = world.a.users[Role.STAFF]
    for _i in range(5):
        login_post(client, user, WRONG)
    assert login_post(client, user, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    assert login_post(client, user, PASSWORD).status_code == 302


def test_the_api_token_counts_and_is_refused_the_same_way(client, world):
    user = world.a.users[Role.SCHOOL_ADMIN]
    api = APIClient()
    # failures on the page and on the API add up for the same username and address
    for _i in range(2):
        login_post(client, user, WRONG)
    for _i in range(2):
        r = api.post("/api/v1/auth/token/", {"username": user.username, "password": WRONG},
                     format="json")
        assert r.status_code == 400
    r = api.post("/api/v1/auth/token/", {"username": user.username, "password": WRONG},
                 format="json")
    assert r.status_code == 429
    assert LOCKED_TEXT in r.json()["detail"]
    assert int(r["Retry-After"]) > 0
    r = api.post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD},
                 format="json")
    assert r.status_code == 429
    assert not ApiToken.objects.filter(user=user).exists()
    assert login_post(client, user, PASSWORD).status_code == 429  # and the page too


def test_an_api_token_forgets_the_failures(world):
    user = world.a.users[Role.SCHOOL_ADMIN]
    api = APIClient()
    for _i in range(4):
        api.post("/api/v1/auth/token/", {"username": user.username, "password": WRONG},
                 format="json")
    r = api.post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD},
                 format="json")
    assert r.status_code == 200
    r = api.post("/api/v1/auth/token/", {"username": user.username, "password": WRONG},
                 format="json")
    assert r.status_code == 400  # one failure after a success, not the fifth


def test_test_client_logins_still_work(client, login, world):
    user = world.a.users[Role.STAFF]
    assert client.login(username=user.username, password=PASSWORD)  # no request: not counted
    assert client.get("/").status_code == 200
    assert login(world.a.users[Role.LAO_ADMIN]).get("/").status_code == 200


def test_logins_failures_and_lockouts_are_audited_without_secrets(client, world):
    user = world.a.users[Role.STAFF]
    assert login_post(client, user, PASSWORD).status_code == 302
    event = AuditEvent.objects.get(action="user.login")
    assert event.actor == user
    assert event.data["ip"] == "127.0.0.1"
    client.post("/logout/")
    for _i in range(5):
        login_post(client, user, WRONG)
    failed = AuditEvent.objects.filter(action="user.login_failed")
    assert failed.count() == 5
    assert {e.target_id for e in failed} == {str(user.pk)}
    assert failed.first().data["username"] == user.username
    locked = AuditEvent.objects.get(action="user.locked_out")
    assert locked.data["ip"] == "127.0.0.1"
    assert "until" in locked.data
    # a national ID typed as the username is stored masked; no password anywhere
    login_post(client, user.national_id, WRONG)
    typed = AuditEvent.objects.filter(action="user.login_failed").first()
    assert user.national_id not in str(typed.data)
    assert "xxxxx" in typed.data["username"]
    everything = str(list(AuditEvent.objects.values_list("data", flat=True)))
    everything += str(list(AccessAttempt.objects.values_list("post_data", flat=True)))
    assert WRONG not in everything
    assert PASSWORD not in everything
    assert user.national_id not in everything


# --- Two-factor authentication -----------------------------------------------------------------


def test_a_dla_admin_enrols_then_enters_a_code_at_every_login(client, world, two_factor_on):
    admin = world.dla_admin
    r = login_post(client, admin, PASSWORD)
    assert r.status_code == 302
    r = client.get(r["Location"])
    assert r.status_code == 302
    assert r["Location"].startswith(reverse("two_factor_setup"))
    assert client.get("/orgs/")["Location"] == f"{reverse('two_factor_setup')}?next=%2Forgs%2F"
    page = client.get(reverse("two_factor_setup"))
    html = page.content.decode()
    assert "ตั้งค่าการยืนยันตัวตนสองขั้นตอน" in html
    assert "<svg" in html  # the QR code, drawn here
    assert 'data-testid="two-factor-required"' in html
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    assert two_factor.secret_for_typing(device).replace(" ", "") in html.replace(" ", "")
    assert "issuer=D-LEP" in device.config_url
    # a wrong code is refused in Thai, and nothing is enabled
    r = client.post(reverse("two_factor_setup"), {"code": "000000"})
    assert "รหัสไม่ถูกต้อง" in r.content.decode()
    assert client.get("/")["Location"].startswith(reverse("two_factor_setup"))
    # the right code enables it, shows ten backup codes once, and opens the portal
    r = client.post(reverse("two_factor_setup"), {"code": code_for(device), "next": "/orgs/"})
    assert r.status_code == 200
    assert r.content.decode().count("<li class=\"col py-1\">") == 10
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="user.two_factor_enrol", actor=admin).exists()

    # the next login asks for a code before anything else
    client.post("/logout/")
    assert login_post(client, admin, PASSWORD).status_code == 302
    r = client.get("/")
    assert r["Location"] == f"{reverse('two_factor_verify')}?next=%2F"
    assert client.get(reverse("two_factor_setup"))["Location"].startswith(
        reverse("two_factor_verify"))  # no replacing the authenticator without a code
    r = client.post(reverse("two_factor_verify"), {"code": "123456", "next": "/"})
    assert r.status_code == 200
    assert "รหัสยืนยันตัวตนไม่ถูกต้อง" in r.content.decode()
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(action="user.two_factor_failed").count() == 1
    device.refresh_from_db()
    r = client.post(reverse("two_factor_verify"), {"code": code_for(device), "next": "/orgs/"})
    assert r["Location"] == "/orgs/"
    assert client.get("/").status_code == 200
    # the same code does not open a second session
    other = Client()
    login_post(other, admin, PASSWORD)
    device.refresh_from_db()
    r = other.post(reverse("two_factor_verify"), {"code": code_at(device, device.last_t)})
    assert r.status_code == 200
    assert "ถูกใช้ไปแล้ว" in r.content.decode()


def test_a_province_admin_is_held_at_the_set_up_page_everywhere(client, world, two_factor_on):
    """Every route, walked as an unverified province admin: the portal's pages send them to the
    set-up page, the API refuses a session that owes its code."""
    client.force_login(world.a.users[Role.PROVINCE_ADMIN])
    exempt = {"two_factor_setup", "two_factor_verify", "logout", "set_language"}
    setup = reverse("two_factor_setup")
    served = []
    checked = 0
    for route in walker.iter_routes():
        if route.name is None or route.name in exempt:
            continue
        if route.params:
            if route.name not in walker.SAMPLES:
                continue  # the permission walker reports those
            kwargs = walker.SAMPLES[route.name](world)
        else:
            kwargs = {}
        url = reverse(route.name, kwargs=kwargs)
        r = client.get(url)
        checked += 1
        if url.startswith("/api/"):
            if route.name not in walker.PUBLIC and r.status_code not in (401, 403, 405):
                served.append((url, r.status_code))
        elif not (r.status_code == 302 and r["Location"].startswith(setup)):
            served.append((url, r.status_code))
    assert served == []
    assert checked > 40  # the portal's pages, the admin's and the API's
    r = client.get("/api/v1/me/")
    assert r.status_code == 403
    assert "ยืนยันตัวตนขั้นที่สอง" in r.json()["detail"]


def test_a_teacher_logs_in_without_two_factor(client, world, two_factor_on):
    teacher = world.a.users[Role.STAFF]
    r = login_post(client, teacher, PASSWORD)
    assert r["Location"] == "/"
    assert client.get("/").status_code == 200
    assert reverse("two_factor") in client.get(reverse("password_change")).content.decode()
    page = client.get(reverse("two_factor")).content.decode()
    assert "ยังไม่ได้เปิดใช้" in page
    api = APIClient()
    r = api.post("/api/v1/auth/token/", {"username": teacher.username, "password": PASSWORD},
                 format="json")
    assert r.status_code == 200  # no code asked of someone who has none


def test_a_teacher_may_turn_two_factor_on_and_off(client, world, two_factor_on):
    teacher = world.a.users[Role.STAFF]
    client.force_login(teacher)
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=teacher)
    client.post(reverse("two_factor_setup"), {"code": code_for(device)})
    assert "เปิดใช้อยู่" in client.get(reverse("two_factor")).content.decode()
    # from now on a code at login, even for a teacher
    fresh = Client()
    login_post(fresh, teacher, PASSWORD)
    assert fresh.get("/")["Location"].startswith(reverse("two_factor_verify"))
    # turning it off needs a current code
    r = client.post(reverse("two_factor_remove"), {"code": "000000"}, follow=True)
    assert "ไม่ถูกต้อง" in r.content.decode()
    assert TOTPDevice.objects.filter(user=teacher, confirmed=True).exists()
    r = client.post(reverse("two_factor_remove"), {"code": code_for(device)}, follow=True)
    assert "ยกเลิกการยืนยันตัวตนสองขั้นตอนแล้ว" in r.content.decode()
    assert not TOTPDevice.objects.filter(user=teacher).exists()
    assert not StaticToken.objects.filter(device__user=teacher).exists()
    assert AuditEvent.objects.filter(action="user.two_factor_remove", actor=teacher).exists()
    assert fresh.get("/").status_code == 200


def test_an_admin_who_must_use_two_factor_cannot_turn_it_off(client, world, two_factor_on):
    admin = world.a.users[Role.PROVINCE_ADMIN]
    client.force_login(admin)
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=admin)
    client.post(reverse("two_factor_setup"), {"code": code_for(device)})
    page = client.get(reverse("two_factor")).content.decode()
    assert "ยกเลิกไม่ได้" in page
    r = client.post(reverse("two_factor_remove"), {"code": code_for(device)}, follow=True)
    assert "ยกเลิกไม่ได้" in r.content.decode()
    assert TOTPDevice.objects.filter(user=admin, confirmed=True).exists()


def test_a_backup_code_works_once(client, world, two_factor_on):
    admin = world.dla_admin
    client.force_login(admin)
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=admin)
    r = client.post(reverse("two_factor_setup"), {"code": code_for(device)})
    codes = re.findall(r'<li class="col py-1">(\w+)</li>', r.content.decode())
    assert len(codes) == 10
    first = Client()
    login_post(first, admin, PASSWORD)
    r = first.post(reverse("two_factor_verify"), {"code": codes[0].upper()}, follow=True)
    assert "เหลืออีก 9 รหัส" in r.content.decode()
    assert first.get("/").status_code == 200
    second = Client()
    login_post(second, admin, PASSWORD)
    r = second.post(reverse("two_factor_verify"), {"code": codes[0]})
    assert "ไม่ถูกต้อง" in r.content.decode()
    # a new set replaces the old one
    r = first.post(reverse("two_factor_backup_codes"))
    new = re.findall(r'<li class="col py-1">(\w+)</li>', r.content.decode())
    assert len(new) == 10
    assert not StaticToken.objects.filter(token=codes[1]).exists()


def test_wrong_codes_in_a_row_are_slowed_down(client, world, two_factor_on, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 1
    teacher = world.a.users[Role.STAFF]
    device = TOTPDevice.objects.create(user=teacher, name="x", confirmed=True)
    login_post(client, teacher, PASSWORD)
    client.post(reverse("two_factor_verify"), {"code": "000000"})
    r = client.post(reverse("two_factor_verify"), {"code": code_for(device)})
    assert "กรุณารอ" in r.content.decode()
    assert client.get("/").status_code == 302


def test_the_api_asks_for_the_code_of_those_who_have_one(world, two_factor_on):
    admin = world.a.users[Role.PROVINCE_ADMIN]
    api = APIClient()
    body = {"username": admin.username, "password": PASSWORD}
    r = api.post("/api/v1/auth/token/", body, format="json")
    assert r.status_code == 400
    assert "เข้าสู่ระบบทางเว็บเพื่อตั้งค่าก่อน" in str(r.json())  # not enrolled yet
    device = TOTPDevice.objects.create(user=admin, name="x", confirmed=True)
    r = api.post("/api/v1/auth/token/", body, format="json")
    assert r.status_code == 400
    assert "otp" in r.json()
    r = api.post("/api/v1/auth/token/", {**body, "otp": "000000"}, format="json")
    assert r.status_code == 400
    assert "ไม่ถูกต้อง" in str(r.json()["otp"])
    r = api.post("/api/v1/auth/token/", {**body, "otp": code_for(device)}, format="json")
    assert r.status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Token {r.json()['token']}")
    assert api.get("/api/v1/me/").status_code == 200


def test_enrolling_retires_the_api_token_issued_without_a_code(client, world, two_factor_on):
    teacher = world.a.users[Role.STAFF]
    old, _key = ApiToken.objects.create(user=teacher)
    client.force_login(teacher)
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=teacher)
    client.post(reverse("two_factor_setup"), {"code": code_for(device)})
    assert not ApiToken.objects.filter(pk=old.pk).exists()


def test_a_role_that_requires_two_factor_applies_within_the_refresh_time(client, world,
                                                                          two_factor_on):
    teacher = world.a.users[Role.STAFF]
    client.force_login(teacher)
    assert client.get("/").status_code == 200
    member(teacher, world.agency, Role.DLA_ADMIN)
    session = client.session
    session[two_factor.CLEARED_AT_SESSION_KEY] = int(time.time()) - 61
    session.save()
    assert client.get("/")["Location"].startswith(reverse("two_factor_setup"))


def test_a_must_change_password_admin_changes_it_first_then_enrols(client, two_factor_on,
                                                                    world):
    admin = UserFactory(must_change_password=True)
    member(admin, world.a.province, Role.PROVINCE_ADMIN)
    client.force_login(admin)
    assert client.get("/")["Location"] == reverse("password_change")
    assert client.get(reverse("password_change")).status_code == 200
    r = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "Kru-Thai-2568!",
        "new_password2": "Kru-Thai-2568!",
    })
    assert r.status_code == 302
    assert client.get("/")["Location"].startswith(reverse("two_factor_setup"))
    # with its own password set, changing it again needs the second factor first
    assert client.get(reverse("password_change"))["Location"].startswith(
        reverse("two_factor_setup"))


# --- Password reset by email -------------------------------------------------------------------


def test_password_reset_by_email_end_to_end(client, world, mailer, settings):
    user = world.a.users[Role.STAFF]
    user.must_change_password = True
    user.save()
    assert 'href="/password/reset/"' in client.get("/login/").content.decode()
    r = mailer(lambda: client.post("/password/reset/", {"email": user.email.upper()}))
    assert r["Location"] == "/password/reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.subject == "ตั้งรหัสผ่านใหม่สำหรับระบบ D-LEP"
    assert "ภายใน 48 ชั่วโมง" in message.body
    assert user.username in message.body
    link = re.search(r"https?://\S+/password/reset/\S+/", message.body).group(0)
    assert link.startswith(settings.PORTAL_URL)
    path = link.removeprefix(settings.PORTAL_URL)
    r = client.get(path)
    assert r.status_code == 302  # Django hides the token behind a set-password URL
    form_url = r["Location"]
    page = client.get(form_url).content.decode()
    assert "ตั้งรหัสผ่านใหม่" in page
    assert "อย่างน้อย 10 ตัวอักษร" in page  # the Thai rules under the field
    r = client.post(form_url, {"new_password1": "short", "new_password2": "short"})
    assert "รหัสผ่านสั้นเกินไป" in r.content.decode()
    r = client.post(form_url, {"new_password1": "Sawasdee-Kru-2569",
                               "new_password2": "Sawasdee-Kru-2570"})
    assert "ไม่ตรงกัน" in r.content.decode()
    r = client.post(form_url, {"new_password1": "Sawasdee-Kru-2569",
                               "new_password2": "Sawasdee-Kru-2569"})
    assert r["Location"] == "/password/reset/complete/"
    assert "ท่านเข้าสู่ระบบด้วยรหัสผ่านใหม่ได้แล้ว" in client.get(r["Location"]).content.decode()
    user.refresh_from_db()
    assert not user.must_change_password
    # the link works once
    again = client.get(path, follow=True).content.decode()
    assert "ลิงก์นี้ใช้ไม่ได้" in again
    assert login_post(Client(), user, PASSWORD).status_code == 200
    assert login_post(Client(), user, "Sawasdee-Kru-2569").status_code == 302
    actions = set(AuditEvent.objects.filter(target_id=str(user.pk)).values_list("action",
                                                                                 flat=True))
    assert {"user.password_reset_request", "user.password_reset"} <= actions


def test_an_unknown_email_gets_the_same_answer_as_a_known_one(client, world, mailer):
    known = mailer(lambda: client.post("/password/reset/",
                                       {"email": world.a.users[Role.STAFF].email}))
    unknown = mailer(lambda: client.post("/password/reset/", {"email": "nobody@example.test"}))
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert len(mail.outbox) == 1
    def page(url):  # the CSRF token is masked afresh on every page
        html = client.get(url).content.decode()
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    assert page(known["Location"]) == page(unknown["Location"])


def test_reset_links_expire_and_a_reset_lifts_the_lockout(client, world, mailer, settings):
    assert settings.PASSWORD_RESET_TIMEOUT == 48 * 3600
    user = world.a.users[Role.STAFF]
    for _i in range(5):
        login_post(client, user, WRONG)
    assert login_post(client, user, PASSWORD).status_code == 429
    mailer(lambda: client.post("/password/reset/", {"email": user.email}))
    path = re.search(r"/password/reset/\S+/", mail.outbox[0].body).group(0)
    form_url = client.get(path)["Location"]
    client.post(form_url, {"new_password1": "Sawasdee-Kru-2569",
                           "new_password2": "Sawasdee-Kru-2569"})
    assert login_post(client, user, "Sawasdee-Kru-2569").status_code == 302
    client.post("/logout/")
    mailer(lambda: client.post("/password/reset/", {"email": user.email}))
    path = re.search(r"/password/reset/\S+/", mail.outbox[1].body).group(0)
    settings.PASSWORD_RESET_TIMEOUT = -1  # the link is older than the timeout
    assert "ลิงก์นี้ใช้ไม่ได้" in client.get(path, follow=True).content.decode()


# --- Password rules ----------------------------------------------------------------------------


def thai_errors(password, user=None):
    with pytest.raises(ValidationError) as e:
        validate_password(password, user)
    return " ".join(e.value.messages)


def test_password_rules_speak_thai(world):
    user = world.a.users[Role.STAFF]
    assert "รหัสผ่านสั้นเกินไป ต้องมีอย่างน้อย 10 ตัวอักษร" in thai_errors("Kru-2569")
    assert "ใช้กันทั่วไป" in thai_errors("password123")
    assert "ตัวเลขทั้งหมด" in thai_errors("9876501234")
    assert "คล้ายกับชื่อผู้ใช้" in thai_errors(user.username + "x", user)
    assert "เลขประจำตัวประชาชน" in thai_errors("id" + user.national_id, user)
    validate_password("Sawasdee-Kru-2569", user)  # a good one passes
    texts = " ".join(password_validators_help_texts())
    assert "อย่างน้อย 10 ตัวอักษร" in texts
    assert "Your password" not in texts


def test_the_password_change_page_shows_thai_rules(client, world):
    client.force_login(world.a.users[Role.STAFF])
    r = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678",
    })
    html = r.content.decode()
    assert "รหัสผ่านสั้นเกินไป" in html
    assert "ตัวเลขทั้งหมด" in html


# --- Sessions ----------------------------------------------------------------------------------


def test_sessions_expire_after_half_an_hour_without_activity(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_REFRESH_SECONDS == 60


def test_activity_moves_the_expiry_and_idleness_logs_out(client, world):
    client.force_login(world.a.users[Role.STAFF])
    key = client.session.session_key
    # a request soon after the last save writes nothing
    before = Session.objects.get(pk=key).expire_date
    client.get("/")
    assert Session.objects.get(pk=key).expire_date == before
    # a request a minute later saves the session again: the expiry moves ahead
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + datetime.timedelta(
        minutes=2))
    session = client.session
    session[security.ACTIVE_AT_SESSION_KEY] = int(time.time()) - 61
    session.save()
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + datetime.timedelta(
        minutes=2))
    assert client.get("/").status_code == 200
    expiry = Session.objects.get(pk=key).expire_date
    assert expiry > timezone.now() + datetime.timedelta(minutes=29)
    # past its expiry the session is gone: back to the login page
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - datetime.timedelta(
        seconds=1))
    r = client.get("/")
    assert r.status_code == 302
    assert r["Location"].startswith("/login/")
