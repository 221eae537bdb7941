import pytest
from rest_framework.test import APIClient

from accounts.models import RegistrationStatus, StaffRegistration
from accounts.rules import Role
from personnel.models import MoveRequest, MoveStatus
from tests.factories import pending_move, pending_registration, valid_national_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_public_registration_then_scoped_list_and_approval(api, world):
    r = api.post("/api/v1/staff-registrations/", {
        "national_id": valid_national_id(), "title_th": "นาง", "first_name": "อำไพ",
        "last_name": "ดีงาม", "birth_date": "1988-02-29", "position": "teacher",
        "school_code": world.a.school.code, "email": "ampai@example.test",
        "password": "Kru-Thai-2569!",
    }, format="json")
    assert r.status_code == 202, r.content
    assert "อีเมล" in r.json()["detail"]
    assert StaffRegistration.objects.get().status == RegistrationStatus.EMAIL_UNVERIFIED
    assert "password" not in r.json()
    registration = pending_registration(world.a)  # another one, verified
    api.force_authenticate(world.b.users[Role.SCHOOL_ADMIN])
    assert api.get("/api/v1/staff-registrations/").json()["count"] == 0
    assert api.post(f"/api/v1/staff-registrations/{registration.pk}/approve/").status_code == 404
    api.force_authenticate(world.a.users[Role.SCHOOL_ADMIN])
    listed = api.get("/api/v1/staff-registrations/").json()
    assert [x["id"] for x in listed["results"]] == [registration.pk]  # verified ones only
    assert "xxxxx" in listed["results"][0]["national_id"]
    r = api.post(f"/api/v1/staff-registrations/{registration.pk}/approve/")
    assert r.status_code == 200
    assert r.json()["status"] == RegistrationStatus.APPROVED


def test_reject_needs_a_reason(api, world):
    registration = pending_registration(world.a)
    api.force_authenticate(world.a.users[Role.LAO_ADMIN])
    r = api.post(f"/api/v1/staff-registrations/{registration.pk}/reject/", {}, format="json")
    assert r.status_code == 400
    assert "เหตุผล" in str(r.json())
    r = api.post(f"/api/v1/staff-registrations/{registration.pk}/reject/",
                 {"reason": "ไม่ใช่บุคลากร"}, format="json")
    assert r.json()["status"] == RegistrationStatus.REJECTED
    assert StaffRegistration.objects.get().status == RegistrationStatus.REJECTED


def test_moves_through_the_api(api, world):
    api.force_authenticate(world.b.users[Role.SCHOOL_ADMIN])
    r = api.post("/api/v1/moves/", {"national_id": world.a.person.national_id,
                                     "to_organization": world.b.school.pk, "reason": "ย้าย"},
                 format="json")
    assert r.status_code == 201, r.content
    move = MoveRequest.objects.get()
    assert api.post(f"/api/v1/moves/{move.pk}/accept/").status_code == 404  # not the source
    r = api.post("/api/v1/moves/", {"national_id": world.a.person.national_id,
                                     "to_organization": world.a.school.pk, "reason": "x"},
                 format="json")
    assert r.status_code == 404  # a unit outside the caller's reach
    api.force_authenticate(world.a.users[Role.SCHOOL_ADMIN])
    assert [m["id"] for m in api.get("/api/v1/moves/").json()["results"]] == [move.pk]
    r = api.post(f"/api/v1/moves/{move.pk}/decline/", {}, format="json")
    assert r.status_code == 400
    r = api.post(f"/api/v1/moves/{move.pk}/accept/")
    assert r.json()["status"] == MoveStatus.ACCEPTED
    world.a.person.refresh_from_db()
    assert world.a.person.organization == world.b.school


def test_pending_move_helper_is_a_real_pending_request(world):
    assert pending_move(world).status == MoveStatus.PENDING


def test_card_data_with_an_expired_card_is_refused_through_the_api(api, world):
    import datetime

    r = api.post("/api/v1/staff-registrations/", {
        "national_id": valid_national_id(), "title_th": "นาง", "first_name": "อำไพ",
        "last_name": "ดีงาม", "birth_date": "1988-02-29", "position": "teacher",
        "school_code": world.a.school.code, "email": "ampai2@example.test",
        "password": "Kru-Thai-2569!", "from_card": True,
        "card_expiry": (datetime.date.today() - datetime.timedelta(days=1)).isoformat(),
    }, format="json")
    assert r.status_code == 400
    assert "หมดอายุ" in r.content.decode()
    assert not StaffRegistration.objects.exists()
