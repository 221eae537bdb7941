"""Public registration neither tells whether a national ID (or an email) has an account, nor
lets one address ask without limit (accounts/staff_registration.py, accounts/throttling.py)."""

import pytest
from rest_framework.test import APIClient

from accounts.models import AuditEvent, StaffRegistration
from accounts.rules import Role
from tests.factories import valid_national_id

pytestmark = pytest.mark.django_db


def payload(world, number, email):
    return {
        "national_id": number, "title_th": "นาง", "first_name": "อำไพ", "last_name": "ดีงาม",
        "birth_date": "1988-02-29", "position": "teacher", "school_code": world.a.school.code,
        "email": email, "password": "Kru-Thai-2569!",
    }


def test_an_id_with_an_account_gets_the_same_answer_as_one_without(
        world, mailoutbox, eager, django_capture_on_commit_callbacks):
    api = APIClient()
    holder = world.a.users[Role.STAFF]
    with django_capture_on_commit_callbacks(execute=True):
        known = api.post("/api/v1/staff-registrations/",
                         payload(world, holder.national_id, "someone@example.test"), format="json")
    with django_capture_on_commit_callbacks(execute=True):
        unknown = api.post("/api/v1/staff-registrations/",
                           payload(world, valid_national_id(), "other@example.test"),
                           format="json")
    assert known.status_code == unknown.status_code == 202
    assert known.content == unknown.content
    assert known.headers.get("Content-Type") == unknown.headers.get("Content-Type")
    # an account was made for the new ID only; the existing account's owner was told
    assert StaffRegistration.objects.get().user.email == "other@example.test"
    assert AuditEvent.objects.filter(action="staff_registration.duplicate").count() == 1
    assert holder.email
    notices = [m for m in mailoutbox if holder.email in m.to]
    assert len(notices) == 1
    assert "/password/reset/" in notices[0].body
    assert not [m for m in mailoutbox if "someone@example.test" in m.to]


def test_an_email_with_an_account_gets_the_same_answer_too(world):
    api = APIClient()
    taken = world.a.users[Role.STAFF].email or "taken@example.test"
    world.a.users[Role.STAFF].email = taken
    world.a.users[Role.STAFF].save(update_fields=["email"])
    known = api.post("/api/v1/staff-registrations/", payload(world, valid_national_id(), taken),
                     format="json")
    unknown = api.post("/api/v1/staff-registrations/",
                       payload(world, valid_national_id(), "fresh@example.test"), format="json")
    assert (known.status_code, known.content) == (unknown.status_code, unknown.content)


def test_one_address_is_limited_with_a_thai_message(settings, world):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"registration": "3/hour"}}
    api = APIClient()
    for i in range(3):
        r = api.post("/api/v1/staff-registrations/",
                     payload(world, valid_national_id(), f"p{i}@example.test"), format="json")
        assert r.status_code == 202, r.content
    r = api.post("/api/v1/staff-registrations/",
                 payload(world, valid_national_id(), "p9@example.test"), format="json")
    assert r.status_code == 429
    assert "บ่อยเกินไป" in r.json()["detail"]
    assert "นาที" in r.json()["detail"]
    assert int(r["Retry-After"]) > 0
    assert StaffRegistration.objects.count() == 3
    # the school-admin request counts in the same limit
    r = api.post("/api/v1/school-admin-registrations/", {}, format="json")
    assert r.status_code == 429
    # another address is not affected
    other = APIClient(REMOTE_ADDR="192.0.2.7")
    r = other.post("/api/v1/staff-registrations/",
                   payload(world, valid_national_id(), "q@example.test"), format="json")
    assert r.status_code == 202
