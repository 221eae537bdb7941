import datetime
import re

import pytest
from django.core import mail, signing
from django.core.exceptions import ValidationError

from accounts import staff_registration
from accounts.models import AuditEvent, Membership, RegistrationStatus, StaffRegistration, User
from accounts.rules import Role
from personnel import services
from personnel.choices import PersonStatus
from personnel.models import MoveRequest, MoveStatus, Person, PositionHistory
from tests.factories import PersonFactory, valid_national_id

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _eager_mail(django_capture_on_commit_callbacks):
    """Emails are queued for the worker after commit; run them here, at once."""
    from dlep.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def register(client, world, number=None, **overrides):
    data = {
        "national_id": number or valid_national_id(), "title_th": "นางสาว",
        "first_name": "ปราณี", "last_name": "สอนดี", "birth_date": "1990-04-01",
        "position": "teacher", "school_code": world.a.school.code,
        "email": "pranee@example.test", "password1": "Kru-Thai-2569!",
        "password2": "Kru-Thai-2569!", **overrides,
    }
    return client.post("/register/staff/", data)


def verify_link(message) -> str:
    return re.search(r"http://[^\s]+/register/staff/verify/[^\s]+/", message.body).group(0)


def test_register_verify_and_approve_adds_a_new_person_to_the_roster(
        client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        r = register(client, world)
    assert r.status_code == 302
    registration = StaffRegistration.objects.get()
    assert not registration.user.is_active
    assert registration.status == RegistrationStatus.EMAIL_UNVERIFIED
    assert len(mail.outbox) == 1
    link = verify_link(mail.outbox[0]).replace("http://127.0.0.1:8000", "")
    with django_capture_on_commit_callbacks(execute=True):
        assert "ยืนยันอีเมลแล้ว" in client.get(link).content.decode()
    # the school admin was told
    assert mail.outbox[-1].to == [world.a.users[Role.SCHOOL_ADMIN].email]
    r = client.get(link)
    assert r.status_code == 400  # a used link
    assert "ใช้ยืนยันอีเมลไปแล้ว" in r.content.decode()
    assert not client.login(username=registration.user.username, password="Kru-Thai-2569!")

    client.force_login(world.a.users[Role.SCHOOL_ADMIN])
    page = client.get("/personnel/registrations/").content.decode()
    assert 'data-testid="match-new"' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/personnel/registrations/", {"registration": registration.pk,
                                                  "approve": "1"})
    user = User.objects.get(pk=registration.user_id)
    assert user.is_active
    person = Person.objects.get(national_id=user.national_id)
    assert person.user == user
    assert person.organization == world.a.school
    assert Membership.objects.filter(user=user, organization=world.a.school,
                                     role=Role.STAFF, is_active=True).exists()
    assert "ได้รับอนุมัติ" in mail.outbox[-1].subject
    client.logout()
    assert client.login(username=user.username, password="Kru-Thai-2569!")


def test_a_national_id_on_this_schools_roster_links_to_that_record(client, world):
    listed = PersonFactory(organization=world.a.school, first_name="ปราณี", last_name="สอนดี",
                           birth_date=datetime.date(1990, 4, 1))
    register(client, world, number=listed.national_id)
    registration = StaffRegistration.objects.get()
    staff_registration.verify_staff_email(staff_registration.verification_token(registration))
    client.force_login(world.a.users[Role.SCHOOL_ADMIN])
    assert 'data-testid="match-here"' in client.get("/personnel/registrations/").content.decode()
    services.approve_staff_registration(actor=world.a.users[Role.SCHOOL_ADMIN],
                                        registration=registration)
    listed.refresh_from_db()
    assert listed.user_id == registration.user_id
    assert Person.objects.filter(national_id=listed.national_id).count() == 1


def test_data_that_differs_from_the_roster_is_not_approved(client, world):
    """The card (or the form) alone proves nothing: a name or birth date that differs from the
    roster record with the same number stops the approval and says what differs."""
    listed = PersonFactory(organization=world.a.school, first_name="ปราณี", last_name="ใจงาม",
                           birth_date=datetime.date(1990, 4, 2))
    register(client, world, number=listed.national_id)
    registration = StaffRegistration.objects.get()
    staff_registration.verify_staff_email(staff_registration.verification_token(registration))
    client.force_login(world.a.users[Role.SCHOOL_ADMIN])
    page = client.get("/personnel/registrations/").content.decode()
    assert 'data-testid="roster-differences"' in page
    assert "ใจงาม" in page
    with pytest.raises(ValidationError, match="นามสกุล ในทะเบียน “ใจงาม”") as error:
        services.approve_staff_registration(actor=world.a.users[Role.SCHOOL_ADMIN],
                                            registration=registration)
    assert "2 เม.ย. 2533" in str(error.value)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING
    listed.refresh_from_db()
    assert listed.user_id is None


def test_a_national_id_on_another_schools_roster_waits_for_a_move(client, world):
    register(client, world, number=world.b.person.national_id)  # on province B's roster
    registration = StaffRegistration.objects.get()
    staff_registration.verify_staff_email(staff_registration.verification_token(registration))
    client.force_login(world.a.users[Role.SCHOOL_ADMIN])
    page = client.get("/personnel/registrations/").content.decode()
    assert 'data-testid="match-elsewhere"' in page
    assert world.b.school.name not in page  # where the person works is not shown
    r = client.post("/personnel/registrations/", {"registration": registration.pk,
                                                  "approve": "1"}, follow=True)
    assert "ต้องขอย้ายข้อมูล" in r.content.decode()
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING
    assert not registration.user.is_active


@pytest.mark.parametrize(("field", "value", "message"), [
    ("national_id", "1234567890123", "ตัวเลขตรวจสอบ"),
    ("school_code", "NOPE", "ไม่พบสถานศึกษา"),
    ("birth_date", "2030-01-01", "วันเกิดไม่ถูกต้อง"),
    ("password1", "short", "รหัสผ่าน"),
])
def test_bad_registrations_say_why_in_thai_and_create_nothing(client, world, field, value,
                                                              message):
    overrides = {field: value}
    if field == "password1":
        overrides["password2"] = value
    r = register(client, world, **overrides)
    assert r.status_code == 200
    assert message in r.content.decode()
    assert 'value="ปราณี"' in r.content.decode()  # what was typed stays
    assert not StaffRegistration.objects.exists()


def test_a_duplicate_national_id_or_email_creates_nothing_and_tells_nobody(client, world):
    """The page answers as for a new registration (the done page): it never tells whether an
    ID or an email has an account (accounts/staff_registration.py)."""
    r = register(client, world, number=world.a.users[Role.STAFF].national_id)
    assert r.status_code == 302
    assert r["Location"] == "/register/staff/done/"
    assert not StaffRegistration.objects.exists()
    register(client, world)
    r = register(client, world, email="pranee@example.test")
    assert r.status_code == 302
    assert r["Location"] == "/register/staff/done/"
    assert StaffRegistration.objects.count() == 1


def test_an_expired_or_forged_link_is_refused(client, world, monkeypatch):
    register(client, world)
    registration = StaffRegistration.objects.get()
    forged = client.get("/register/staff/verify/abc:def/")
    assert forged.status_code == 400
    token = staff_registration.verification_token(registration)
    real_time = signing.time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() + 48 * 3600 + 1)
    r = client.get(f"/register/staff/verify/{token}/")
    assert r.status_code == 400
    assert "หมดอายุ" in r.content.decode()
    monkeypatch.setattr(signing.time, "time", lambda: real_time() + 48 * 3600 - 60)
    assert client.get(f"/register/staff/verify/{token}/").status_code == 200  # just in time


def test_rejection_needs_a_reason_and_frees_the_national_id(client, world):
    number = valid_national_id()
    register(client, world, number=number)
    registration = StaffRegistration.objects.get()
    staff_registration.verify_staff_email(staff_registration.verification_token(registration))
    client.force_login(world.a.users[Role.SCHOOL_ADMIN])
    r = client.post("/personnel/registrations/", {"registration": registration.pk,
                                                  "approve": "0"}, follow=True)
    assert "กรุณาระบุเหตุผล" in r.content.decode()
    client.post("/personnel/registrations/", {"registration": registration.pk, "approve": "0",
                                              "reason": "ไม่ใช่บุคลากรของโรงเรียน"})
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.REJECTED
    client.logout()
    r = register(client, world, number=number)
    assert r.status_code == 302  # may register again


def test_others_cannot_decide(client, world):
    register(client, world)
    registration = StaffRegistration.objects.get()
    staff_registration.verify_staff_email(staff_registration.verification_token(registration))
    for user in (world.b.users[Role.SCHOOL_ADMIN], world.a.users[Role.STAFF]):
        client.force_login(user)
        assert "ปราณี" not in client.get("/personnel/registrations/").content.decode()
        r = client.post("/personnel/registrations/", {"registration": registration.pk,
                                                      "approve": "1"})
        assert r.status_code == 404
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING


def test_move_request_accepted_moves_record_account_and_keeps_history(
        client, world, django_capture_on_commit_callbacks):
    person = world.b.person  # on school B's roster, account = staff of B
    client.force_login(world.a.users[Role.SCHOOL_ADMIN])
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/personnel/moves/", {"national_id": person.national_id,
                                               "to_organization": world.a.school.pk,
                                               "reason": "คำสั่งย้ายที่ 5/2569"})
    assert r.status_code == 302
    move = MoveRequest.objects.get()
    assert world.b.users[Role.SCHOOL_ADMIN].email in mail.outbox[-1].to
    # the requesting school does not see the record before the move
    assert client.get(f"/personnel/{person.pk}/").status_code == 404

    client.force_login(world.b.users[Role.SCHOOL_ADMIN])
    assert 'data-testid="incoming-move"' in client.get("/personnel/moves/").content.decode()
    client.post("/personnel/moves/", {"move": move.pk, "decide": "accept"})
    person.refresh_from_db()
    assert person.organization == world.a.school
    line = PositionHistory.objects.get(person=person)
    assert world.b.school.name in line.note
    staff = world.b.users[Role.STAFF]
    assert Membership.objects.get(user=staff, organization=world.a.school,
                                  role=Role.STAFF).is_active
    assert not Membership.objects.get(user=staff, organization=world.b.school,
                                      role=Role.STAFF).is_active
    client.force_login(world.a.users[Role.SCHOOL_ADMIN])
    assert client.get(f"/personnel/{person.pk}/").status_code == 200
    assert AuditEvent.objects.filter(action="person.move.decide").exists()


def test_move_decline_needs_a_reason_and_only_the_source_decides(client, world):
    person = world.b.person
    move = services.request_move(actor=world.a.users[Role.SCHOOL_ADMIN],
                                 national_id_number=person.national_id,
                                 to_organization=world.a.school, reason="ย้าย")
    client.force_login(world.a.users[Role.SCHOOL_ADMIN])  # the requester may not decide
    r = client.post("/personnel/moves/", {"move": move.pk, "decide": "accept"})
    assert r.status_code == 404
    client.force_login(world.b.users[Role.LAO_ADMIN])  # the source's LAO may
    r = client.post("/personnel/moves/", {"move": move.pk, "decide": "decline"}, follow=True)
    assert "กรุณาระบุเหตุผลที่ปฏิเสธ" in r.content.decode()
    client.post("/personnel/moves/", {"move": move.pk, "decide": "decline",
                                      "reason": "ยังไม่มีคำสั่งย้าย"})
    move.refresh_from_db()
    assert move.status == MoveStatus.DECLINED
    person.refresh_from_db()
    assert person.organization == world.b.school


def test_move_request_bad_input(client, world):
    client.force_login(world.a.users[Role.SCHOOL_ADMIN])
    r = client.post("/personnel/moves/", {"national_id": valid_national_id(),
                                           "to_organization": world.a.school.pk, "reason": "x"})
    assert "ไม่พบเลขประจำตัวประชาชนนี้" in r.content.decode()
    r = client.post("/personnel/moves/", {"national_id": world.a.person.national_id,
                                           "to_organization": world.a.school.pk, "reason": "x"})
    assert "อยู่ในสังกัดนี้แล้ว" in r.content.decode()
    r = client.post("/personnel/moves/", {"national_id": world.b.person.national_id,
                                           "to_organization": world.b.school.pk, "reason": "x"})
    assert r.status_code == 200  # not one of this admin's schools: the form refuses it
    assert not MoveRequest.objects.exists()


def test_removal_ends_the_staff_membership_and_keeps_the_record(world):
    staff = world.a.users[Role.STAFF]
    services.change_status(actor=world.a.users[Role.SCHOOL_ADMIN], person=world.a.person,
                           status=PersonStatus.RESIGNED, effective_on=datetime.date(2026, 10, 1),
                           order_ref="คำสั่ง 9/2569")
    assert not Membership.objects.get(user=staff, role=Role.STAFF).is_active
    assert Person.objects.filter(pk=world.a.person.pk).exists()
