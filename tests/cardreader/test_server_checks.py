"""Card data is user input: the server checks the national ID's check digit, the card's expiry and
the birth date again, and an admin still approves against the roster. Through the staff
registration page, as the browser posts it after ``window.dlepFillRegistration``."""

import datetime

import pytest

from accounts import staff_registration
from accounts.models import AuditEvent, RegistrationStatus, StaffRegistration
from accounts.rules import Role
from personnel import services
from tests.factories import valid_national_id

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


@pytest.fixture(autouse=True)
def _eager_mail():
    from dlep.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def from_card(client, world, **overrides):
    """The form as the card reader's script leaves it, plus what the person types."""
    data = {
        "national_id": valid_national_id(), "title_th": "นางสาว", "first_name": "สมหญิง",
        "last_name": "รักเรียน", "title_en": "Miss", "first_name_en": "Somying",
        "last_name_en": "Rakrian", "birth_date": "1985-11-01",
        "card_expiry": (TODAY + datetime.timedelta(days=900)).isoformat(),
        "from_card": "True",
        "position": "teacher", "school_code": world.a.school.code,
        "email": "somying@example.test", "password1": "Kru-Thai-2569!",
        "password2": "Kru-Thai-2569!", **overrides,
    }
    return client.post("/register/staff/", data)


def test_card_data_registers_and_is_marked_as_from_the_card(client, world):
    r = from_card(client, world)
    assert r.status_code == 302
    registration = StaffRegistration.objects.get()
    assert registration.from_card
    event = AuditEvent.objects.get(action="staff_registration.create")
    assert event.data["from_card"] is True
    assert "xxxxx" in event.data["national_id"]  # masked in the audit trail
    assert registration.user.national_id not in str(event.data)


def test_an_expired_card_is_refused_again_on_the_server(client, world):
    yesterday = (TODAY - datetime.timedelta(days=1)).isoformat()
    r = from_card(client, world, card_expiry=yesterday)
    assert r.status_code == 200
    page = r.content.decode()
    assert 'data-testid="error-card_expiry"' in page
    assert "หมดอายุแล้ว" in page
    assert not StaffRegistration.objects.exists()


def test_a_card_expiring_today_is_still_valid_and_a_lifelong_card_has_no_expiry(client, world):
    assert from_card(client, world, card_expiry=TODAY.isoformat()).status_code == 302
    r = from_card(client, world, card_expiry="", email="elder@example.test")
    assert r.status_code == 302
    assert StaffRegistration.objects.filter(from_card=True).count() == 2


def test_a_typed_registration_is_not_held_to_a_card_expiry(world):
    """The expiry only means something for data that came from a card."""
    registration = staff_registration.register_staff(
        school_code=world.a.school.code, national_id_number=valid_national_id(),
        title_th="นาย", first_name="ทดสอบ", last_name="พิมพ์เอง",
        birth_date=datetime.date(1980, 1, 1), position="teacher", email="typed@example.test",
        password="Kru-Thai-2569!", from_card=False, card_expiry=datetime.date(2000, 1, 1))
    assert registration.pk


def test_a_forged_card_number_fails_the_check_digit(client, world):
    number = valid_national_id()
    wrong = number[:12] + str((int(number[12]) + 1) % 10)
    r = from_card(client, world, national_id=wrong)
    assert r.status_code == 200
    assert "ตัวเลขตรวจสอบ" in r.content.decode()
    assert not StaffRegistration.objects.exists()


@pytest.mark.parametrize("birth_date", [
    (TODAY + datetime.timedelta(days=1)).isoformat(),  # not born yet
    TODAY.replace(year=TODAY.year - 10).isoformat(),  # a child
    "1900-01-01",  # older than anyone in service
])
def test_an_impossible_birth_date_from_a_card_is_refused(client, world, birth_date):
    r = from_card(client, world, birth_date=birth_date)
    assert r.status_code == 200
    assert "วันเกิดไม่ถูกต้อง" in r.content.decode()
    assert not StaffRegistration.objects.exists()


def test_a_garbled_expiry_field_says_so(client, world):
    r = from_card(client, world, card_expiry="2599-13-45")
    assert r.status_code == 200
    assert 'data-testid="error-card_expiry"' in r.content.decode()
    assert not StaffRegistration.objects.exists()


def test_the_card_alone_proves_nothing_the_roster_decides(client, world):
    """A valid card of a person on another unit's roster is not approved here until the record
    is moved, however it was filled in."""
    r = from_card(client, world, national_id=world.b.person.national_id)
    assert r.status_code == 302
    registration = StaffRegistration.objects.get()
    staff_registration.verify_staff_email(staff_registration.verification_token(registration))
    admin = world.a.users[Role.SCHOOL_ADMIN]
    client.force_login(admin)
    page = client.get("/personnel/registrations/").content.decode()
    assert "กรอกจากบัตรประชาชน" in page
    assert 'data-testid="match-elsewhere"' in page
    with pytest.raises(Exception, match="ต้องขอย้ายข้อมูล"):
        services.approve_staff_registration(actor=admin, registration=registration)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING
    assert not registration.user.is_active
