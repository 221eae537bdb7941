"""API tokens (accounts/tokens.py, django-rest-knox): issued after the second factor where one
is needed, ended by a password change or reset, a logout, a role that requires two-factor
authentication, a deactivation; an absolute and an idle limit; listed and revoked by the owner."""

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts import security, services, tokens
from accounts.models import ApiToken, AuditEvent, Membership
from accounts.rules import Role
from tests.accounts.test_security import code_for
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Nok-Khao-Bin-2569!"
REQUIRED = ["dla_admin", "province_admin"]


def obtain(user, **extra):
    r = APIClient().post("/api/v1/auth/token/",
                         {"username": user.username, "password": PASSWORD, **extra},
                         format="json", HTTP_USER_AGENT="sync-script/1.0")
    assert r.status_code == 200, r.content
    return r.json()["token"]


def api_with(token):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api


def works(token) -> bool:
    status = api_with(token).get("/api/v1/me/").status_code
    assert status in (200, 401), status
    return status == 200


def test_only_a_hash_is_kept_and_the_token_expires(world):
    user = world.a.users[Role.STAFF]
    r = APIClient().post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD},
                         format="json")
    token = r.json()["token"]
    row = ApiToken.objects.get(user=user)
    assert token not in (row.digest, row.token_key)
    expiry = datetime.datetime.fromisoformat(r.json()["expiry"])
    assert abs(expiry - (timezone.now() + datetime.timedelta(hours=7 * 24))).total_seconds() < 60


def test_a_staff_token_stops_when_the_user_becomes_a_province_admin(settings, world):
    """The report: a token kept answering 200 after its user was given a role that requires
    two-factor authentication."""
    settings.TWO_FACTOR_REQUIRED_ROLES = REQUIRED
    teacher = world.a.users[Role.STAFF]
    token = obtain(teacher)
    assert works(token)
    services.add_membership(actor=None, user=teacher, organization=world.a.province,
                            role=Role.PROVINCE_ADMIN)
    assert not works(token)
    assert not ApiToken.objects.filter(user=teacher).exists()
    assert AuditEvent.objects.filter(action="api_token.revoke_all",
                                     data__reason="two_factor_role").exists()


def test_a_role_given_without_a_signal_does_not_keep_a_token_without_a_code(settings, world):
    settings.TWO_FACTOR_REQUIRED_ROLES = REQUIRED
    teacher = world.a.users[Role.STAFF]
    token = obtain(teacher)
    membership = teacher.memberships.get()
    Membership.objects.filter(pk=membership.pk).update(role=Role.PROVINCE_ADMIN)  # no signal
    assert not works(token)


def test_tokens_of_a_two_factor_role_are_issued_after_the_code_and_keep_working(settings, world):
    settings.TWO_FACTOR_REQUIRED_ROLES = REQUIRED
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    admin = world.a.users[Role.PROVINCE_ADMIN]
    r = APIClient().post("/api/v1/auth/token/", {"username": admin.username,
                                                 "password": PASSWORD}, format="json")
    assert r.status_code == 400  # no authenticator yet: no token
    device = TOTPDevice.objects.create(user=admin, name="x", confirmed=True)
    token = obtain(admin, otp=code_for(device))
    assert ApiToken.objects.get(user=admin).second_factor
    assert works(token)
    assert api_with(token).get("/api/v1/people/").status_code == 200


def test_a_password_change_ends_every_token(client, world):
    user = world.a.users[Role.STAFF]
    first, second = obtain(user), obtain(user)
    client.force_login(user)
    r = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert r.status_code == 302
    assert not works(first)
    assert not works(second)
    assert AuditEvent.objects.filter(action="api_token.revoke_all", target_id=str(user.pk),
                                     data__reason="password_changed").exists()


def test_a_password_reset_ends_every_token(world):
    user = world.a.users[Role.STAFF]
    token = obtain(user)
    security.reset_password(user=user, new_password=NEW_PASSWORD)
    assert not works(token)


def test_a_password_set_anywhere_ends_every_token(world):
    user = world.a.users[Role.STAFF]
    token = obtain(user)
    user.set_password(NEW_PASSWORD)  # the admin's form, manage.py changepassword
    user.save()
    assert not works(token)


def test_saving_other_fields_keeps_the_token(world):
    user = world.a.users[Role.STAFF]
    token = obtain(user)
    user.phone = "0812345678"
    user.save()
    user.save(update_fields=["last_login"])
    assert works(token)


def test_deactivation_ends_every_token(world):
    user = world.a.users[Role.STAFF]
    token = obtain(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert not ApiToken.objects.filter(user=user).exists()
    user.is_active = True
    user.save(update_fields=["is_active"])
    assert not works(token)


def test_logout_ends_that_token_only(world):
    user = world.a.users[Role.STAFF]
    first, second = obtain(user), obtain(user)
    assert api_with(first).post("/api/v1/auth/logout/").status_code == 204
    assert not works(first)
    assert works(second)


def test_the_absolute_limit(world):
    user = world.a.users[Role.STAFF]
    token = obtain(user)
    ApiToken.objects.filter(user=user).update(expiry=timezone.now() - datetime.timedelta(seconds=1))
    assert not works(token)
    assert not ApiToken.objects.filter(user=user).exists()


@override_settings(API_TOKEN_IDLE_HOURS=2)
def test_the_idle_limit(world):
    user = world.a.users[Role.STAFF]
    token = obtain(user)
    now = timezone.now()
    ApiToken.objects.filter(user=user).update(last_used=now - datetime.timedelta(minutes=110))
    assert works(token)  # used within the limit: the use is noted
    assert ApiToken.objects.get(user=user).last_used > now - datetime.timedelta(minutes=1)
    ApiToken.objects.filter(user=user).update(last_used=now - datetime.timedelta(minutes=121))
    assert not works(token)
    # never used: counted from its issue
    token = obtain(user)
    ApiToken.objects.filter(user=user).update(created=now - datetime.timedelta(hours=3))
    assert not works(token)


def test_the_owner_lists_and_revokes_tokens_by_the_api(world):
    user, other = world.a.users[Role.STAFF], world.a.users[Role.SCHOOL_ADMIN]
    first, second = obtain(user), obtain(user)
    others = obtain(other)
    api = api_with(first)
    body = api.get("/api/v1/auth/tokens/").json()
    assert len(body) == 2
    text = str(body)
    for secret in [first, second, *ApiToken.objects.values_list("digest", flat=True)]:
        assert secret not in text
    assert {row["current"] for row in body} == {True, False}
    assert all(row["user_agent"] == "sync-script/1.0" and row["expiry"] for row in body)
    other_id = ApiToken.objects.get(user=other).public_id
    assert api.delete(f"/api/v1/auth/tokens/{other_id}/").status_code == 404
    assert works(others)
    second_id = next(row["id"] for row in body if not row["current"])
    assert api.delete(f"/api/v1/auth/tokens/{second_id}/").status_code == 204
    assert not works(second)
    assert works(first)


def test_the_owner_lists_and_revokes_tokens_on_the_page(client, world):
    user, other = world.a.users[Role.STAFF], world.a.users[Role.SCHOOL_ADMIN]
    token = obtain(user)
    obtain(other)
    client.force_login(user)
    assert reverse("api_tokens") in client.get(reverse("two_factor")).content.decode()
    page = client.get(reverse("api_tokens")).content.decode()
    assert "โทเคน API" in page
    assert "sync-script/1.0" in page
    assert token not in page
    assert page.count('data-testid="api-token"') == 1
    other_id = ApiToken.objects.get(user=other).public_id
    r = client.post(reverse("api_tokens"), {"token": str(other_id)}, follow=True)
    assert "ไม่พบโทเคนนี้" in r.content.decode()
    assert ApiToken.objects.filter(user=other).exists()
    mine = ApiToken.objects.get(user=user).public_id
    r = client.post(reverse("api_tokens"), {"token": str(mine)}, follow=True)
    assert "ยกเลิกโทเคนแล้ว" in r.content.decode()
    assert not works(token)
    r = client.post(reverse("api_tokens"), {"token": "not-a-uuid"}, follow=True)
    assert r.status_code == 200


def test_a_token_of_an_inactive_user_is_refused_with_a_thai_message(world):
    user = UserFactory()
    token = obtain(user)
    type(user).objects.filter(pk=user.pk).update(is_active=False)  # no signal
    r = api_with(token).get("/api/v1/me/")
    assert r.status_code == 401
    assert "โทเคน API" in r.json()["detail"]


def test_revoke_all_is_the_one_service(world):
    user = world.a.users[Role.STAFF]
    obtain(user)
    assert tokens.revoke_all(user, reason="test") == 1
    assert tokens.revoke_all(user, reason="test") == 0
